/* bench-sync.c — the sync path against the real contoso-server on loopback
 *
 *   (a) a desk with 10 000 pending commands: one sync round (push, then
 *       pull) until nothing is pending; target under 3 s
 *   (b) server commands/s with 1, 4 and 16 desks pushing at once, each
 *       desk its own store, token and HTTP session, all in this process on
 *       one main loop; the pushes are the protocol's own requests, so the
 *       figure is the server's, not the clients' pulls
 *   (c) events/s applied by a fresh device's first pull of 100 000 events;
 *       target under 5 s
 *
 * The server is the built contoso-server (CONTOSO_SERVER_BIN, set at build
 * time; the environment variable of that name overrides it).
 *
 * Usage: bench-sync [--pending N] [--per-run N] [--events N] [--dir DIR]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "ccm-domain.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-protocol.h"
#include "ccm-server-store.h"
#include "ccm-store.h"
#include "ccm-sync-client.h"

typedef struct
{
  char        *dir;
  char        *data;
  char        *url;
  GSubprocess *server;
  guint        desks;   /* stores made so far, for their file names */
} Bench;

static void
must (gboolean  ok,
      GError   *error)
{
  if (!ok)
    {
      g_printerr ("bench-sync: %s\n", error != NULL ? error->message : "failed");
      exit (1);
    }
}

static const char *
server_bin (void)
{
  const char *bin = g_getenv ("CONTOSO_SERVER_BIN");

#ifdef CONTOSO_SERVER_BIN
  if (bin == NULL)
    bin = CONTOSO_SERVER_BIN;
#endif
  if (bin == NULL || !g_file_test (bin, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("bench-sync: set CONTOSO_SERVER_BIN to the contoso-server binary to measure\n");
      exit (1);
    }
  return bin;
}

/* The server */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
server_start (Bench *b)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  b->server = g_subprocess_launcher_spawn (launcher, &error, server_bin (), "serve", "--port", "0",
                                           "--data", b->data, NULL);
  must (b->server != NULL, error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (b->server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  must (line != NULL && g_str_has_prefix (line, "listening on "), error);
  b->url = g_strdup (line + strlen ("listening on "));
}

static void
server_stop (Bench *b)
{
  g_subprocess_send_signal (b->server, SIGTERM);
  g_subprocess_wait (b->server, NULL, NULL);
  g_clear_object (&b->server);
}

static char *
enroll_code (Bench *b)
{
  const char *argv[] = { server_bin (), "enroll-code", "--role", "admin", "--data", b->data, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int wait_status = 0;

  must (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                      NULL, &wait_status, &error), error);
  must (g_spawn_check_wait_status (wait_status, &error), error);
  return g_strstrip (out);
}

/* Desks */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
client_sync (CcmSyncClient *client)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GError) error = NULL;

  ccm_sync_client_sync_async (client, NULL, wait_cb, &wait);
  g_main_loop_run (wait.loop);
  must (ccm_sync_client_sync_finish (client, wait.result, &error), error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
}

static void
client_free (CcmSyncClient *client)
{
  ccm_sync_client_stop (client);
  while (G_OBJECT (client)->ref_count > 1)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (client);
}

/* A new store, enrolled as an admin device, synced once. */
static CcmStore *
new_desk (Bench *b)
{
  g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("desk-%u.db", b->desks++);
  g_autofree char *path = g_build_filename (b->dir, name, NULL);
  g_autofree char *code = enroll_code (b);
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  CcmStore *store = ccm_store_open (path, registry, clock, &error);
  CcmSyncClient *client;

  must (store != NULL, error);
  client = ccm_sync_client_new (store);
  ccm_sync_client_enroll_async (client, b->url, code, name, NULL, wait_cb, &wait);
  g_main_loop_run (wait.loop);
  must (ccm_sync_client_enroll_finish (client, wait.result, &error), error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
  client_free (client);
  return store;
}

static void
submit (CcmStore   *store,
        const char *type,
        JsonObject *args)
{
  g_autofree char *id = ccm_id_new (g_get_real_time ());
  g_autoptr(CcmCommand) command = ccm_command_new (type, id, args);
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  outcome = ccm_store_submit (store, command, &error);
  must (outcome != NULL, error);
}

static void
create_conference (CcmStore   *store,
                   const char *slug)
{
  g_autofree char *conference_id = ccm_id_new (g_get_real_time ());
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "conference_id", conference_id);
  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "name", "Benchmark Conference");
  json_object_set_string_member (args, "start_date", "2027-03-01");
  json_object_set_string_member (args, "end_date", "2027-03-03");
  json_object_set_string_member (args, "owner_name", "Ada Organizer");
  json_object_set_string_member (args, "owner_email", "ada@example.org");
  json_object_set_string_member (args, "access_code", "BENCH1");
  submit (store, "CreateConference", args);
}

/* N edits of the conference in one transaction, to save time here; on an
 * enrolled desk they stay pending, the command log and the tentative layer
 * as after N separate commands. */
static void
queue_updates (CcmStore   *store,
               const char *slug,
               guint       n)
{
  g_autoptr(GError) error = NULL;

  must (ccm_store_begin (store, &error), error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *tagline = g_strdup_printf ("Tagline number %u", i);
      JsonObject *args = json_object_new ();

      json_object_set_string_member (args, "slug", slug);
      json_object_set_string_member (args, "tagline", tagline);
      submit (store, "UpdateConference", args);
    }
  must (ccm_store_commit (store, &error), error);
}

/* A desk with its own conference, synced, then N edits pending. */
static CcmStore *
loaded_desk (Bench *b,
             guint  n)
{
  CcmStore *store = new_desk (b);
  g_autofree char *slug = g_strdup_printf ("bench-%u", b->desks);
  CcmSyncClient *client;

  create_conference (store, slug);
  client = ccm_sync_client_new (store);
  client_sync (client);
  client_free (client);
  queue_updates (store, slug, n);
  return store;
}

/* CPU seconds used so far by this process and by the server: on a busy
 * machine the wall time says little, the CPU time what an idle one needs. */
typedef struct
{
  double client, server;
} Cpu;

static Cpu
cpu_now (Bench *b)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (b->server));
  g_autofree char *stat = NULL;
  struct rusage usage;
  Cpu cpu = { 0, 0 };

  getrusage (RUSAGE_SELF, &usage);
  cpu.client = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
               (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
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

static void
print_cpu (Bench      *b,
           Cpu         before,
           const char *indent)
{
  Cpu after = cpu_now (b);

  printf ("%sCPU: client %.2f s, server %.2f s\n", indent, after.client - before.client,
          after.server - before.server);
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* (a) */

static double
bench_pending (Bench *b,
               guint  n)
{
  g_autoptr(CcmStore) store = loaded_desk (b, n);
  CcmSyncClient *client = ccm_sync_client_new (store);
  gint64 start;
  double elapsed;

  Cpu cpu;

  g_assert (ccm_store_count_pending (store) == n);
  cpu = cpu_now (b);
  start = g_get_monotonic_time ();
  client_sync (client);
  elapsed = seconds_since (start);
  print_cpu (b, cpu, "    ");
  client_free (client);
  if (ccm_store_count_pending (store) != 0)
    {
      g_printerr ("bench-sync: %" G_GINT64_FORMAT " commands still pending after the round\n",
                  ccm_store_count_pending (store));
      exit (1);
    }
  return elapsed;
}

/* (b): every desk pushes its commands in batches, one request at a time,
 * all desks at once. */

typedef struct
{
  SoupSession *session;
  char        *push_url;
  char        *token;
  GPtrArray   *bodies;   /* GBytes, one per batch */
  guint        next;
  guint       *running;
  GMainLoop   *loop;
} Pusher;

static void push_next (Pusher *p);

static void
push_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pusher *p = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = soup_session_send_and_read_finish (p->session, result, &error);
  SoupMessage *message = soup_session_get_async_result_message (p->session, result);

  must (answer != NULL, error);
  if (soup_message_get_status (message) != SOUP_STATUS_OK)
    {
      g_printerr ("bench-sync: push answered %u: %.*s\n", soup_message_get_status (message),
                  (int) g_bytes_get_size (answer), (const char *) g_bytes_get_data (answer, NULL));
      exit (1);
    }
  push_next (p);
}

static void
push_next (Pusher *p)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *auth = NULL;

  if (p->next == p->bodies->len)
    {
      if (--*p->running == 0)
        g_main_loop_quit (p->loop);
      return;
    }
  message = soup_message_new ("POST", p->push_url);
  auth = g_strconcat ("Bearer ", p->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", auth);
  soup_message_set_request_body_from_bytes (message, "application/json",
                                            g_ptr_array_index (p->bodies, p->next++));
  soup_session_send_and_read_async (p->session, message, G_PRIORITY_DEFAULT, NULL, push_cb, p);
}

static char *
fetch_token (SoupSession *session,
             Bench       *b,
             CcmStore    *store)
{
  g_autofree char *device_id = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
  g_autofree char *secret = ccm_store_get_meta (store, CCM_SYNC_META_SECRET);
  g_autofree char *url = g_strconcat (b->url, "/v1/token", NULL);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  char *data;

  json_object_set_string_member (body, "device_id", device_id);
  json_object_set_string_member (body, "secret", secret);
  data = ccm_protocol_to_data (body, &length);
  soup_message_set_request_body_from_bytes (message, "application/json",
                                            g_bytes_new_take (data, length));
  answer = soup_session_send_and_read (session, message, NULL, &error);
  must (answer != NULL, error);
  reply = ccm_json_from_string (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), &error);
  must (reply != NULL && ccm_json_string (reply, "token") != NULL, error);
  return g_strdup (ccm_json_string (reply, "token"));
}

static GPtrArray *
push_bodies (CcmStore *store)
{
  GPtrArray *bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;

  pending = ccm_store_pending_commands (store, 0, 0, &error);
  must (pending != NULL, error);
  for (guint i = 0; i < pending->len; i += CCM_PROTOCOL_MAX_BATCH)
    {
      g_autoptr(JsonObject) body = json_object_new ();
      JsonArray *commands = json_array_new ();
      gsize length = 0;
      char *data;

      for (guint j = i; j < MIN (pending->len, i + CCM_PROTOCOL_MAX_BATCH); j++)
        {
          CcmLoggedCommand *logged = g_ptr_array_index (pending, j);

          json_array_add_object_element (commands,
                                         ccm_protocol_push_command_json (logged->seq,
                                                                         logged->command, 1));
        }
      json_object_set_array_member (body, "commands", commands);
      data = ccm_protocol_to_data (body, &length);
      g_ptr_array_add (bodies, g_bytes_new_take (data, length));
    }
  return bodies;
}

static double
bench_concurrent (Bench *b,
                  guint  n_desks,
                  guint  total)
{
  g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func (g_object_unref);
  Pusher *pushers = g_new0 (Pusher, n_desks);
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  guint per_desk = total / n_desks, running = n_desks;
  Cpu cpu;
  gint64 start;
  double elapsed;

  for (guint i = 0; i < n_desks; i++)
    {
      CcmStore *store = loaded_desk (b, per_desk);

      g_ptr_array_add (stores, store);
      pushers[i].session = soup_session_new ();
      pushers[i].push_url = g_strconcat (b->url, "/v1/push", NULL);
      pushers[i].token = fetch_token (pushers[i].session, b, store);
      pushers[i].bodies = push_bodies (store);
      pushers[i].running = &running;
      pushers[i].loop = loop;
    }

  cpu = cpu_now (b);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_desks; i++)
    push_next (&pushers[i]);
  g_main_loop_run (loop);
  elapsed = seconds_since (start);
  print_cpu (b, cpu, "    ");

  for (guint i = 0; i < n_desks; i++)
    {
      g_object_unref (pushers[i].session);
      g_free (pushers[i].push_url);
      g_free (pushers[i].token);
      g_ptr_array_unref (pushers[i].bodies);
    }
  g_free (pushers);
  g_main_loop_unref (loop);
  return per_desk * n_desks / elapsed;
}

/* (c) */

static gint64
server_events (Bench *b)
{
  g_autofree char *path = ccm_server_store_path (b->data);
  g_autoptr(CcmRegistry) registry = ccm_server_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmStore) store = ccm_store_open (path, registry, clock, &error);

  must (store != NULL, error);
  return ccm_store_count_events (store);
}

/* Fills the server's store up to N events in place, the server stopped:
 * pushing them would measure (b) again, slowly. */
static void
fill_server (Bench *b,
             guint  n_events)
{
  gint64 have = server_events (b);
  g_autofree char *path = ccm_server_store_path (b->data);
  g_autoptr(CcmRegistry) registry = ccm_server_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmStore) store = NULL;

  if (have + 1 >= n_events)
    return;
  server_stop (b);
  store = ccm_store_open (path, registry, clock, &error);
  must (store != NULL, error);
  create_conference (store, "bench-pull");
  queue_updates (store, "bench-pull", n_events - have - 1);
  g_clear_object (&store);
  g_clear_pointer (&b->url, g_free);
  server_start (b);
}

static double
bench_fresh_pull (Bench  *b,
                  guint   n_events,
                  gint64 *pulled)
{
  g_autoptr(CcmStore) store = NULL;
  CcmSyncClient *client;
  gint64 start;
  double elapsed;

  fill_server (b, n_events);

  Cpu cpu;

  store = new_desk (b);
  client = ccm_sync_client_new (store);
  cpu = cpu_now (b);
  start = g_get_monotonic_time ();
  client_sync (client);
  elapsed = seconds_since (start);
  print_cpu (b, cpu, "    ");
  client_free (client);
  *pulled = ccm_store_count_events (store);
  return elapsed;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  int pending = 10000, per_run = 8000, events = 100000;
  const guint desks[] = { 1, 4, 16 };
  GOptionEntry entries[] = {
    { "pending", 0, 0, G_OPTION_ARG_INT, &pending, "Pending commands of the desk in (a)", "N" },
    { "per-run", 0, 0, G_OPTION_ARG_INT, &per_run, "Commands pushed in each run of (b)", "N" },
    { "events", 0, 0, G_OPTION_ARG_INT, &events, "Events of the fresh pull in (c)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Folder for the stores (default: a new one in /tmp)", "DIR" },
    G_OPTION_ENTRY_NULL
  };
  Bench b = { NULL, };
  double seconds;
  gint64 pulled = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  must (g_option_context_parse (context, &argc, &argv, &error), error);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  b.dir = dir != NULL ? g_strdup (dir) : g_dir_make_tmp ("bench-sync-XXXXXX", &error);
  must (b.dir != NULL, error);
  b.data = g_build_filename (b.dir, "server", NULL);
  g_mkdir_with_parents (b.data, 0700);
  server_start (&b);
  printf ("contoso-server %s, stores in %s\n", b.url, b.dir);

  seconds = bench_pending (&b, pending);
  printf ("(a) %d pending commands pushed and pulled in one round: %.2f s (%.0f commands/s; "
          "target < 3 s)\n", pending, seconds, pending / seconds);
  fflush (stdout);

  for (guint i = 0; i < G_N_ELEMENTS (desks); i++)
    {
      double rate = bench_concurrent (&b, desks[i], per_run);

      printf ("(b) %2u desk%s pushing at once: %.0f server commands/s\n", desks[i],
              desks[i] == 1 ? " " : "s", rate);
      fflush (stdout);
    }

  seconds = bench_fresh_pull (&b, events, &pulled);
  printf ("(c) fresh device's first pull of %" G_GINT64_FORMAT " events: %.2f s "
          "(%.0f events/s; target < 5 s)\n", pulled, seconds, pulled / seconds);

  server_stop (&b);
  return 0;
}
