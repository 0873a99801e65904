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
 *   (d) an enrolled desk with a conference of 80 000 orders, whose seats
 *       stream has as many events: the store opened and one order placed
 *       by `contoso order place`, at the first start (the whole stream
 *       folded, a snapshot kept) and at the next (from the snapshot)
 *
 * The server is the built contoso-server (CONTOSO_SERVER_BIN, set at build
 * time; the environment variable of that name overrides it), started with
 * the helpers bench-load and the load test share (tests/load/sync-harness).
 *
 * Usage: bench-sync [--pending N] [--per-run N] [--events N] [--seat-orders N]
 *                   [--dir DIR]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-protocol.h"
#include "ccm-seats.h"
#include "ccm-store.h"
#include "ccm-sync-client.h"
#include "sync-harness.h"
#include "test-fixtures.h"

typedef struct
{
  char          *dir;
  HarnessServer  server;
  guint          desks;   /* stores made so far, for their file names */
} Bench;

#define must harness_must

/* A new store, enrolled as an admin device. */
static CcmStore *
new_desk (Bench *b)
{
  g_autofree char *name = g_strdup_printf ("desk-%u.db", b->desks++);
  g_autofree char *path = g_build_filename (b->dir, name, NULL);
  g_autofree char *code = harness_enroll_code (b->server.data, "admin", NULL);

  return harness_new_desk (path, b->server.url, code, name);
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
      harness_submit_ok (store, "UpdateConference", args);
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

  harness_create_conference (store, slug);
  client = ccm_sync_client_new (store);
  harness_client_sync_ok (client);
  harness_client_free (client);
  queue_updates (store, slug, n);
  return store;
}

static void
print_cpu (Bench      *b,
           HarnessCpu  before,
           const char *indent)
{
  HarnessCpu after = harness_cpu_now (&b->server);

  printf ("%sCPU: client %.2f s, server %.2f s\n", indent, after.client - before.client,
          after.server - before.server);
}

#define seconds_since harness_seconds_since

/* (a) */

static double
bench_pending (Bench *b,
               guint  n)
{
  g_autoptr(CcmStore) store = loaded_desk (b, n);
  CcmSyncClient *client = ccm_sync_client_new (store);
  gint64 start;
  double elapsed;

  HarnessCpu cpu;

  g_assert (ccm_store_count_pending (store) == n);
  cpu = harness_cpu_now (&b->server);
  start = g_get_monotonic_time ();
  harness_client_sync_ok (client);
  elapsed = seconds_since (start);
  print_cpu (b, cpu, "    ");
  harness_client_free (client);
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
  g_autofree char *url = g_strconcat (b->server.url, "/v1/token", NULL);
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
  guint per_desk = MAX (1, total / n_desks), running = n_desks;
  HarnessCpu cpu;
  gint64 start;
  double elapsed;

  for (guint i = 0; i < n_desks; i++)
    {
      CcmStore *store = loaded_desk (b, per_desk);

      g_ptr_array_add (stores, store);
      pushers[i].session = soup_session_new ();
      pushers[i].push_url = g_strconcat (b->server.url, "/v1/push", NULL);
      pushers[i].token = fetch_token (pushers[i].session, b, store);
      pushers[i].bodies = push_bodies (store);
      pushers[i].running = &running;
      pushers[i].loop = loop;
    }

  cpu = harness_cpu_now (&b->server);
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
  g_autoptr(CcmStore) store = harness_open_server_store (b->server.data);

  return ccm_store_count_events (store);
}

/* Fills the server's store up to N events in place, the server stopped:
 * pushing them would measure (b) again, slowly. */
static void
fill_server (Bench *b,
             guint  n_events)
{
  gint64 have = server_events (b);
  g_autoptr(CcmStore) store = NULL;

  if (have + 1 >= n_events)
    return;
  harness_server_stop (&b->server);
  store = harness_open_server_store (b->server.data);
  harness_create_conference (store, "bench-pull");
  queue_updates (store, "bench-pull", n_events - have - 1);
  g_clear_object (&store);
  harness_server_start (&b->server);
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

  HarnessCpu cpu;

  fill_server (b, n_events);
  store = new_desk (b);
  client = ccm_sync_client_new (store);
  cpu = harness_cpu_now (&b->server);
  start = g_get_monotonic_time ();
  harness_client_sync_ok (client);
  elapsed = seconds_since (start);
  print_cpu (b, cpu, "    ");
  harness_client_free (client);
  *pulled = ccm_store_count_events (store);
  return elapsed;
}

/* (d) An enrolled desk's first reservation after a start, on a conference
 * whose seats stream is long. */

static JsonObject *
place_order_args (const char *slug,
                  const char *seat_type,
                  gint64      now)
{
  JsonObject *args = test_order_args (slug, seat_type, 1, now);

  json_object_set_string_member (args, "first_name", "Rita");
  json_object_set_string_member (args, "last_name", "Registrant");
  json_object_set_string_member (args, "email", "rita@example.com");
  return args;
}

/* On the server, the server stopped: a published conference with one seat
 * type and N orders of a seat each, their reservations N events of its
 * seats stream. */
static char *
fill_seats_stream (Bench      *b,
                   const char *slug,
                   guint       orders)
{
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *args;
  char *seat_type;

  harness_server_stop (&b->server);
  store = harness_open_server_store (b->server.data);
  harness_create_conference (store, slug);
  seat_type = ccm_id_new (g_get_real_time ());
  args = json_object_new ();
  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "seat_type_id", seat_type);
  json_object_set_string_member (args, "name", "Full pass");
  json_object_set_int_member (args, "price", 19900);
  json_object_set_int_member (args, "quota", orders + 10);
  harness_submit_ok (store, "AddSeatType", args);
  args = json_object_new ();
  json_object_set_string_member (args, "slug", slug);
  harness_submit_ok (store, "PublishConference", args);

  for (guint done = 0; done < orders;)
    {
      must (ccm_store_begin (store, &error), error);
      for (guint i = 0; i < 2000 && done < orders; i++, done++)
        {
          harness_submit_ok (store, "PlaceOrder", place_order_args (slug, seat_type, g_get_real_time ()));
          /* Inside an outer transaction the store leaves the sent
           * commands (the reservation) to the caller. */
          must (ccm_store_dispatch_outbox (store, &error), error);
        }
      must (ccm_store_commit (store, &error), error);
    }
  g_clear_object (&store);
  harness_server_start (&b->server);
  return seat_type;
}

/* Places one order with the command line, a new process on the desk's
 * store, as a program starting: milliseconds until it is reserved
 * (tentatively, on the desk). A new process each time, as a person sees
 * it: in one long-lived process GLib's slice allocator, after the fold's
 * churn, makes the next folds of the snapshot slower than any start is. */
static double
first_order_ms (const char *path,
                const char *slug,
                const char *seat_type)
{
  const char *bin = g_getenv ("CONTOSO_BIN") != NULL ? g_getenv ("CONTOSO_BIN") : CONTOSO_BIN;
  g_autofree char *seats = g_strconcat (seat_type, "=1", NULL);
  const char *argv[] = { bin, "--store", path, "order", "place", slug, seats, "--first-name", "Rita",
                         "--last-name", "Registrant", "--email", "rita@example.com", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int status = 0;

  must (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                      &err, &status, &error), error);
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("bench-sync: %s failed: %s", bin, err);
      exit (1);
    }
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_desk_start (Bench *b,
                  guint  orders)
{
  const char *slug = "bench-seats";
  g_autofree char *seat_type = fill_seats_stream (b, slug, orders);
  g_autofree char *path = NULL;
  g_autofree char *stream = ccm_seats_stream (slug);
  g_autoptr(CcmStore) store = new_desk (b);
  CcmSyncClient *client = ccm_sync_client_new (store);
  gint64 stream_events;
  double first, second, third;

  harness_client_sync_ok (client);
  harness_client_free (client);
  path = g_strdup (ccm_store_get_path (store));
  stream_events = ccm_store_stream_version (store, stream, NULL);
  g_clear_object (&store);
  /* The pull leaves the kernel writing hundreds of megabytes out; the
   * starts below measure opening and folding, not that. */
  sync ();

  first = first_order_ms (path, slug, seat_type);
  second = first_order_ms (path, slug, seat_type);
  third = first_order_ms (path, slug, seat_type);
  printf ("(d) enrolled desk, seats stream of %" G_GINT64_FORMAT " events: `contoso order place`, "
          "store opened + one order reserved, first start %.0f ms (folds the stream, keeps a "
          "snapshot), next starts %.0f ms, %.0f ms\n", stream_events, first, second, third);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  int pending = 10000, per_run = 8000, events = 100000, seat_orders = 80000;
  const guint desks[] = { 1, 4, 16 };
  GOptionEntry entries[] = {
    { "pending", 0, 0, G_OPTION_ARG_INT, &pending, "Pending commands of the desk in (a); 0 leaves (a) out", "N" },
    { "per-run", 0, 0, G_OPTION_ARG_INT, &per_run, "Commands pushed in each run of (b); 0 leaves (b) out", "N" },
    { "events", 0, 0, G_OPTION_ARG_INT, &events, "Events of the fresh pull in (c); 0 leaves (c) out", "N" },
    { "seat-orders", 0, 0, G_OPTION_ARG_INT, &seat_orders,
      "Orders, each a seats event, of the conference in (d); 0 leaves (d) out", "N" },
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
  b.server.data = g_build_filename (b.dir, "server", NULL);
  g_mkdir_with_parents (b.server.data, 0700);
  harness_server_start (&b.server);
  printf ("contoso-server %s, stores in %s\n", b.server.url, b.dir);

  if (pending > 0)
    {
      seconds = bench_pending (&b, pending);
      printf ("(a) %d pending commands pushed and pulled in one round: %.2f s (%.0f commands/s; "
              "target < 3 s)\n", pending, seconds, pending / seconds);
      fflush (stdout);
    }

  for (guint i = 0; per_run > 0 && i < G_N_ELEMENTS (desks); i++)
    {
      double rate = bench_concurrent (&b, desks[i], per_run);

      printf ("(b) %2u desk%s pushing at once: %.0f server commands/s\n", desks[i],
              desks[i] == 1 ? " " : "s", rate);
      fflush (stdout);
    }

  if (events > 0)
    {
      seconds = bench_fresh_pull (&b, events, &pulled);
      printf ("(c) fresh device's first pull of %" G_GINT64_FORMAT " events: %.2f s "
              "(%.0f events/s; target < 5 s)\n", pulled, seconds, pulled / seconds);
      fflush (stdout);
    }

  if (seat_orders > 0)
    bench_desk_start (&b, seat_orders);

  harness_server_clear (&b.server);
  g_free (b.dir);
  return 0;
}
