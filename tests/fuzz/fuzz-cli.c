/* fuzz-cli.c — the `contoso` argument parser and every verb behind it
 *
 * The input is a command line: arguments separated by NUL bytes, run by
 * ccm_cli_run() (the whole of `contoso` but main) against a copy of a
 * store that holds a published conference with two seat types and an
 * order, so that verbs get past "no such conference".
 *
 * Confinement: the harness works in a fresh temporary folder (its working
 * directory, HOME, XDG folders and CONTOSO_STORE all point there) and
 * refuses, before running anything, every argument that could name a file
 * elsewhere (any '/' or a leading '~') and the verbs that reach the network
 * or never return (device, sync, --watch) or take seconds (demo). So a
 * store or any other file it writes is a bare name in that folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccm-cli.h"

#include "fuzz-common.h"

#define MAX_ARGS 32

static char *work_dir;
static char *pristine;
static gsize pristine_length;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
remove_work_dir_at_exit (void)
{
  if (work_dir != NULL)
    {
      g_chdir ("/");
      remove_tree (work_dir);
    }
}

static int
run_args (const char *first,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char **argv = NULL;
  const char *arg;
  int argc;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "contoso");
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  argc = args->len;
  g_ptr_array_add (args, NULL);
  /* The parser rearranges argv; give it a copy of the pointers. */
  argv = g_memdup2 (args->pdata, sizeof (char *) * args->len);
  return ccm_cli_run (argc, argv);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  fuzz_setup_glib ();
  work_dir = g_dir_make_tmp ("ccm-fuzz-cli-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_work_dir_at_exit);
  g_assert_cmpint (g_chdir (work_dir), ==, 0);

  g_setenv ("HOME", work_dir, TRUE);
  g_setenv ("XDG_DATA_HOME", work_dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", work_dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", work_dir, TRUE);
  g_setenv ("XDG_STATE_HOME", work_dir, TRUE);
  g_setenv ("CONTOSO_STORE", "store.db", TRUE);
  g_setenv ("CONTOSO_NOW", "2026-01-15T10:00:00Z", TRUE);
  g_unsetenv ("CONTOSO_TLS_CA");

  /* The store every input starts from. */
  g_assert_cmpint (run_args ("--store", "pristine.db", "conference", "create", "devcon",
                             "--name", "DevCon 2026", "--start", "2026-02-01",
                             "--end", "2026-02-03", "--owner-name", "Jane Doe",
                             "--owner-email", "jane@example.com", NULL), ==, 0);
  g_assert_cmpint (run_args ("--store", "pristine.db", "seat-type", "add", "devcon",
                             "Full pass", "--price", "199.00", "--quota", "3", NULL), ==, 0);
  g_assert_cmpint (run_args ("--store", "pristine.db", "seat-type", "add", "devcon",
                             "Workshop", "--price", "0", "--quota", "20", NULL), ==, 0);
  g_assert_cmpint (run_args ("--store", "pristine.db", "conference", "publish", "devcon",
                             NULL), ==, 0);
  g_assert_cmpint (run_args ("--store", "pristine.db", "order", "place", "devcon",
                             "Full pass=1", "Workshop=1", NULL), ==, 0);
  /* The store closed: its log is in the main file (no -wal left). */
  g_assert_true (g_file_get_contents ("pristine.db", &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test ("pristine.db-wal", G_FILE_TEST_EXISTS));
  pristine = g_steal_pointer (&contents);
  pristine_length = length;

  /* What the verbs print is not the point, and it would slow the run;
   * their error sentences (g_printerr) too. */
  g_assert_nonnull (freopen ("/dev/null", "w", stdout));
  g_set_printerr_handler (fuzz_quiet_print_cb);
  return 0;
}

static gboolean
allowed (const char *arg)
{
  static const char *const refused[] = { "device", "sync", "demo", "--watch", NULL };

  if (strchr (arg, '/') != NULL || arg[0] == '~')
    return FALSE;
  for (guint i = 0; refused[i] != NULL; i++)
    if (g_str_equal (arg, refused[i]) || g_str_has_prefix (arg, "--watch"))
      return FALSE;
  return TRUE;
}

/* Removes whatever the last input left but the pristine store. */
static void
reset_work_dir (void)
{
  g_autoptr(GDir) dir = g_dir_open (".", 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (!g_str_equal (name, "pristine.db"))
      g_ptr_array_add (names, g_strdup (name));
  for (guint i = 0; i < names->len; i++)
    {
      if (g_file_test (names->pdata[i], G_FILE_TEST_IS_DIR) &&
          !g_file_test (names->pdata[i], G_FILE_TEST_IS_SYMLINK))
        remove_tree (names->pdata[i]);
      else
        g_unlink (names->pdata[i]);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char **argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = NULL;
  const char *p = (const char *) data;
  const char *end = p + size;
  int status;

  if (size > 4096)
    return 0;

  g_ptr_array_add (args, g_strdup ("contoso"));
  g_ptr_array_add (args, g_strdup ("--store"));
  g_ptr_array_add (args, g_strdup ("store.db"));
  while (p < end)
    {
      const char *nul = memchr (p, '\0', end - p);
      const char *stop = nul != NULL ? nul : end;

      if (args->len == MAX_ARGS)
        return 0;
      g_ptr_array_add (args, g_strndup (p, stop - p));
      p = stop + 1;
    }
  for (guint i = 3; i < args->len; i++)
    if (!allowed (args->pdata[i]))
      return 0;

  reset_work_dir ();
  g_assert_true (g_file_set_contents ("store.db", pristine, pristine_length, &error));

  argv = g_new0 (char *, args->len + 1);
  memcpy (argv, args->pdata, sizeof (char *) * args->len);
  status = ccm_cli_run (args->len, argv);
  g_assert_cmpint (status, >=, 0);
  g_assert_cmpint (status, <=, 3);

  /* Still confined: nothing moved the process out of its folder. */
  cwd = g_get_current_dir ();
  g_assert_cmpstr (cwd, ==, work_dir);
  return 0;
}
