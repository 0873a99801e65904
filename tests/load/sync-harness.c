/* sync-harness.c — a real contoso-server and desks around it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ccm-domain.h"
#include "ccm-id.h"
#include "ccm-server-store.h"
#include "sync-harness.h"
#include "test-fixtures.h"
#include "test-spawn.h"

void
harness_must (gboolean  ok,
              GError   *error)
{
  if (!ok)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error != NULL ? error->message : "failed");
      exit (1);
    }
}

const char *
harness_server_bin (void)
{
  const char *bin = g_getenv ("CONTOSO_SERVER_BIN");

#ifdef CONTOSO_SERVER_BIN
  if (bin == NULL)
    bin = CONTOSO_SERVER_BIN;
#endif
  if (bin == NULL || !g_file_test (bin, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("%s: set CONTOSO_SERVER_BIN to the contoso-server binary to run\n",
                  g_get_prgname ());
      exit (1);
    }
  return bin;
}

/* The server */

void
harness_server_start (HarnessServer *s)
{
  g_autoptr(GSubprocessLauncher) launcher = test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  const char *argv[] = { harness_server_bin (), "serve", "--port", "0", "--data", s->data, NULL };
  g_autoptr(GError) error = NULL;

  g_assert (s->server == NULL && s->data != NULL);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "", TRUE);
  g_clear_pointer (&s->url, g_free);
  s->server = test_server_spawnv (launcher, argv, &s->url, &error);
  harness_must (s->server != NULL, error);
}

void
harness_server_stop (HarnessServer *s)
{
  g_autoptr(GError) error = NULL;

  if (s->server == NULL)
    return;
  g_subprocess_send_signal (s->server, SIGTERM);
  harness_must (g_subprocess_wait (s->server, NULL, &error), error);
  if (!g_subprocess_get_if_exited (s->server) || g_subprocess_get_exit_status (s->server) != 0)
    g_printerr ("%s: contoso-server did not stop cleanly\n", g_get_prgname ());
  g_clear_object (&s->server);
}

void
harness_server_clear (HarnessServer *s)
{
  harness_server_stop (s);
  g_clear_pointer (&s->data, g_free);
  g_clear_pointer (&s->url, g_free);
}

char *
harness_enroll_code (const char *data,
                     const char *role,
                     const char *conference)
{
  const char *argv[] = { harness_server_bin (), "enroll-code", "--role", role, "--data", data,
                         conference != NULL ? "--conference" : NULL, conference, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int wait_status = 0;

  harness_must (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                              &err, &wait_status, &error), error);
  if (!g_spawn_check_wait_status (wait_status, &error))
    {
      g_printerr ("%s: contoso-server enroll-code: %s\n", g_get_prgname (), err);
      harness_must (FALSE, error);
    }
  return g_strstrip (out);
}

void
harness_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        harness_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

HarnessCpu
harness_cpu_now (HarnessServer *s)
{
  g_autofree char *stat_path = NULL;
  g_autofree char *stat = NULL;
  struct rusage self, children;
  HarnessCpu cpu = { 0, 0 };

  getrusage (RUSAGE_SELF, &self);
  getrusage (RUSAGE_CHILDREN, &children);
  cpu.client = self.ru_utime.tv_sec + self.ru_stime.tv_sec +
               (self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6 +
               children.ru_utime.tv_sec + children.ru_stime.tv_sec +
               (children.ru_utime.tv_usec + children.ru_stime.tv_usec) / 1e6;
  if (s->server == NULL)
    return cpu;
  stat_path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (s->server));
  if (g_file_get_contents (stat_path, &stat, NULL, NULL) && strrchr (stat, ')') != NULL)
    {
      g_auto(GStrv) fields = g_strsplit (strrchr (stat, ')') + 2, " ", 0);

      /* utime and stime, the 14th and 15th fields, 12th and 13th after the name */
      if (g_strv_length (fields) > 12)
        cpu.server = (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
                     sysconf (_SC_CLK_TCK);
    }
  return cpu;
}

double
harness_seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* Stores and clients */

CcmStore *
harness_open_store (const char *path)
{
  g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(GError) error = NULL;
  CcmStore *store = ccm_store_open (path, registry, clock, &error);

  harness_must (store != NULL, error);
  return store;
}

CcmStore *
harness_open_server_store (const char *data)
{
  g_autofree char *path = ccm_server_store_path (data);
  g_autoptr(CcmRegistry) registry = ccm_server_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(GError) error = NULL;
  CcmStore *store = ccm_store_open (path, registry, clock, &error);

  harness_must (store != NULL, error);
  return store;
}

void
harness_client_sync_ok (CcmSyncClient *client)
{
  g_autoptr(GError) error = NULL;

  harness_must (ccm_sync_client_sync (client, &error), error);
}

void
harness_client_free (CcmSyncClient *client)
{
  ccm_sync_client_stop (client);
  while (G_OBJECT (client)->ref_count > 1)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (client);
}

CcmStore *
harness_new_desk (const char *path,
                  const char *url,
                  const char *code,
                  const char *name)
{
  g_autoptr(GError) error = NULL;
  CcmStore *store = harness_open_store (path);
  CcmSyncClient *client = ccm_sync_client_new (store);

  harness_must (ccm_sync_client_enroll (client, url, code, name, &error), error);
  harness_client_free (client);
  return store;
}

CcmOutcome *
harness_submit (CcmStore    *store,
                const char  *type,
                JsonObject  *args,
                GError     **error)
{
  CcmClock *clock = ccm_store_get_clock (store);
  g_autofree char *id = ccm_id_new (ccm_clock_now (clock));
  g_autoptr(CcmCommand) command = ccm_command_new (type, id, args);

  command->issued_at = ccm_clock_now (clock);
  return ccm_store_submit (store, command, error);
}

void
harness_submit_ok (CcmStore   *store,
                   const char *type,
                   JsonObject *args)
{
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  outcome = harness_submit (store, type, args, &error);
  harness_must (outcome != NULL, error);
}

void
harness_create_conference (CcmStore   *store,
                           const char *slug)
{
  harness_submit_ok (store, "CreateConference", test_conference_args (slug, g_get_real_time ()));
}
