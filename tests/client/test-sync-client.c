/* test-sync-client.c — the sync client against a real contoso-server
 *
 * Every test starts the built contoso-server (CONTOSO_SERVER_BIN) on
 * 127.0.0.1 port 0 in its own data folder, enrolls desks with codes from
 * `contoso-server enroll-code`, and drives real stores: in this process
 * through CcmSyncClient and a main loop, and through the `contoso` binary
 * (CONTOSO_BIN) for the command line's path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE   /* memmem */
#include "client-test-utils.h"

/* Tests */

static void
test_new (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *path = store_path (f, "desk.db");
  g_autoptr(CcmStore) store = open_store (path);
  CcmSyncClient *client = ccm_sync_client_new (store);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (ccm_sync_client_get_state (client), ==, CCM_SYNC_STATE_OFFLINE);
  g_assert_null (ccm_sync_client_get_server_url (client));
  g_assert_cmpint (ccm_sync_client_get_pending (client), ==, 0);

  /* Not enrolled: a round says so and changes nothing. */
  g_assert_false (ccm_sync_client_sync (client, &error));
  g_assert_error (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_UNAUTHORIZED);
  g_assert_finalize_object (client);
}

static void
test_offline_then_sync (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *b = store_path (f, "b.db");
  g_autofree char *server = NULL, *pa = NULL, *pb = NULL;
  g_autoptr(Run) run = NULL;

  enroll_path (f, a, "organizer");
  enroll_path (f, b, "desk");

  /* The server goes away; desk A works on. */
  server_stop (f, SIGTERM);
  create_conference (f, a, "devcon");
  g_assert_cmpint (pending_of (a), ==, 3);

  run = contoso (f, a, "sync", NULL);
  g_assert_cmpint (run->status, ==, 3);
  g_assert_nonnull (strstr (run->err, "cannot be reached"));
  g_assert_nonnull (strstr (run->err, "3 pending commands are kept"));
  g_assert_cmpint (pending_of (a), ==, 3);

  /* Asked later, the desk says how its last sync ended, not "idle". */
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "sync", "status", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "State               offline"));
  g_assert_nonnull (strstr (run->out, "cannot be reached"));

  /* Back online: A's work reaches the server, then desk B. */
  server_start (f);
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "sync", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "3 commands confirmed, 0 pending"));
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "sync", "status", NULL);
  g_assert_nonnull (strstr (run->out, "State               idle"));
  g_assert_null (strstr (run->out, "cannot be reached"));
  sync_path_ok (b);

  server = server_picture (f);
  pa = path_picture (a);
  pb = path_picture (b);
  g_assert_nonnull (strstr (server, "\"slug\" : \"devcon\""));
  g_assert_cmpstr (pa, ==, server);
  g_assert_cmpstr (pb, ==, server);
  g_assert_cmpint (pending_of (a), ==, 0);
}

static void
test_offline_sales_converge (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *b = store_path (f, "b.db");
  g_autofree char *server = NULL, *pa = NULL, *pb = NULL;

  enroll_path (f, a, "admin");
  enroll_path (f, b, "desk");
  create_conference (f, a, "devcon");
  sync_path_ok (a);
  sync_path_ok (b);

  /* Both sell with no server. */
  server_stop (f, SIGTERM);
  contoso_ok (f, a, "order", "place", "devcon", "Full pass=2");
  contoso_ok (f, a, "order", "place", "devcon", "Full pass=1");
  contoso_ok (f, b, "order", "place", "devcon", "Full pass=3");
  g_assert_cmpint (pending_of (a), ==, 2);
  g_assert_cmpint (pending_of (b), ==, 1);

  /* They come back in another order than they sold. */
  server_start (f);
  sync_path_ok (b);
  sync_path_ok (a);
  sync_path_ok (b);

  server = server_picture (f);
  pa = path_picture (a);
  pb = path_picture (b);
  g_assert_cmpint (count_type (server, "OrderPlaced"), ==, 3);
  g_assert_cmpstr (pa, ==, server);
  g_assert_cmpstr (pb, ==, server);
  g_assert_cmpint (pending_of (a), ==, 0);
  g_assert_cmpint (pending_of (b), ==, 0);
}

static void
test_lost_response (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *token_url = NULL, *push_url = NULL, *device_id = NULL, *secret = NULL;
  g_autofree char *server = NULL, *pa = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonObject) token_body = json_object_new ();
  g_autoptr(JsonObject) token_answer = NULL;
  g_autoptr(JsonObject) push_body = json_object_new ();
  g_autoptr(JsonObject) push_answer = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *commands = json_array_new ();
  guint status = 0;

  enroll_path (f, a, "admin");
  create_conference (f, a, "devcon");

  /* The desk's push reaches the server, and the answer is lost. */
  {
    g_autoptr(CcmStore) store = open_store (a);

    device_id = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
    secret = ccm_store_get_meta (store, CCM_SYNC_META_SECRET);
    pending = ccm_store_pending_commands (store, 0, 0, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (pending->len, ==, 3);
  for (guint i = 0; i < pending->len; i++)
    {
      CcmLoggedCommand *logged = g_ptr_array_index (pending, i);

      json_array_add_object_element (commands,
                                     ccm_protocol_push_command_json (logged->seq, logged->command, 1));
    }
  json_object_set_array_member (push_body, "commands", commands);

  token_url = g_strconcat (f->url, "/v1/token", NULL);
  push_url = g_strconcat (f->url, "/v1/push", NULL);
  json_object_set_string_member (token_body, "device_id", device_id);
  json_object_set_string_member (token_body, "secret", secret);
  token_answer = post_json (session, token_url, NULL, token_body, &status);
  g_assert_cmpuint (status, ==, 200);
  push_answer = post_json (session, push_url, ccm_json_string (token_answer, "token"), push_body,
                           &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (pending_of (a), ==, 3);

  /* The desk pushes the same again: applied once. */
  sync_path_ok (a);
  server = server_picture (f);
  pa = path_picture (a);
  g_assert_cmpint (count_type (server, "ConferenceCreated"), ==, 1);
  g_assert_cmpint (count_type (server, "SeatTypeCreated"), ==, 1);
  g_assert_cmpint (count_type (server, "ConferencePublished"), ==, 1);
  g_assert_cmpstr (pa, ==, server);
  g_assert_cmpint (pending_of (a), ==, 0);
}

/* SIGKILLs the server once it has applied some of the desk's push. */
typedef struct
{
  Fixture *f;
  char    *server_db;
  gint64   baseline;
  gboolean killed;
} Killer;

static gint64
count_server_events (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM events", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static gboolean
killer_cb (gpointer user_data)
{
  Killer *killer = user_data;

  if (count_server_events (killer->server_db) <= killer->baseline)
    return G_SOURCE_CONTINUE;
  g_subprocess_send_signal (killer->f->server, SIGKILL);
  killer->killed = TRUE;
  return G_SOURCE_REMOVE;
}

#define N_UPDATES 1500

static void
test_server_killed (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *server = NULL, *pa = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  CcmSyncClient *client;
  Killer killer = { f, ccm_server_store_path (f->data), 0, FALSE };
  guint killer_id;

  enroll_path (f, a, "admin");
  create_conference (f, a, "devcon");
  sync_path_ok (a);

  store = open_store (a);
  for (guint i = 0; i < N_UPDATES; i++)
    {
      g_autoptr(JsonObject) args = json_object_new ();
      g_autoptr(CcmCommand) command = NULL;
      g_autoptr(CcmOutcome) outcome = NULL;
      g_autofree char *id = ccm_id_new (g_get_real_time ());
      g_autofree char *tagline = g_strdup_printf ("Tagline %u", i);

      json_object_set_string_member (args, "slug", "devcon");
      json_object_set_string_member (args, "tagline", tagline);
      command = ccm_command_new ("UpdateConference", id, g_steal_pointer (&args));
      outcome = ccm_store_submit (store, command, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpint (ccm_store_count_pending (store), ==, N_UPDATES);

  killer.baseline = count_server_events (killer.server_db);
  killer_id = g_timeout_add (2, killer_cb, &killer);
  client = ccm_sync_client_new (store);
  g_assert_false (ccm_sync_client_sync (client, &error));
  if (!killer.killed)
    g_source_remove (killer_id);
  g_assert_true (killer.killed);
  /* A transport failure, not an answer of the server. */
  g_assert_true (error->domain == G_IO_ERROR);
  g_clear_error (&error);
  g_clear_object (&f->server);
  g_assert_cmpint (ccm_store_count_pending (store), ==, N_UPDATES);
  g_assert_cmpint (ccm_sync_client_get_state (client), ==, CCM_SYNC_STATE_OFFLINE);

  /* The server comes back where it was; the next round completes. */
  server_start (f);
  g_assert_true (ccm_sync_client_sync (client, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ccm_store_count_pending (store), ==, 0);
  g_assert_cmpint (ccm_sync_client_get_state (client), ==, CCM_SYNC_STATE_IDLE);
  client_free (client);

  server = server_picture (f);
  pa = store_picture (store);
  g_assert_cmpint (count_type (server, "ConferenceUpdated"), ==, N_UPDATES);
  g_assert_cmpstr (pa, ==, server);
  g_free (killer.server_db);
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *device_id = NULL, *out = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonObject) status = NULL;
  CcmSyncClient *client;

  enroll_path (f, a, "admin");
  create_conference (f, a, "devcon");
  store = open_store (a);
  device_id = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
  out = server_run (f, "devices", "revoke", device_id, NULL);

  client = ccm_sync_client_new (store);
  g_assert_false (ccm_sync_client_sync (client, &error));
  g_assert_error (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_REVOKED);
  g_clear_error (&error);
  g_assert_cmpint (ccm_sync_client_get_state (client), ==, CCM_SYNC_STATE_FORBIDDEN);
  g_assert_nonnull (strstr (ccm_sync_client_get_message (client), "3 pending commands are kept"));
  g_assert_cmpint (ccm_store_count_pending (store), ==, 3);

  /* Automatic mode does not hammer a server that said no. */
  ccm_sync_client_start (client);
  while (ccm_sync_client_is_started (client))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (ccm_sync_client_get_state (client), ==, CCM_SYNC_STATE_FORBIDDEN);
  client_free (client);

  /* The command line says so too, and keeps the commands. */
  run = contoso (f, a, "--json", "sync", NULL);
  g_assert_cmpint (run->status, ==, 1);
  status = ccm_json_from_string (run->out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ccm_json_string (status, "reason"), ==, "revoked");
  g_assert_cmpint (ccm_json_int (status, "pending", 0), ==, 3);
  g_clear_pointer (&run, run_free);
  g_clear_pointer (&status, json_object_unref);

  run = contoso (f, a, "--json", "sync", "status", NULL);
  g_assert_cmpint (run->status, ==, 0);
  status = ccm_json_from_string (run->out, -1, &error);
  g_assert_cmpstr (ccm_json_string (status, "state"), ==, "forbidden");
  g_assert_cmpint (ccm_json_int (status, "pending", 0), ==, 3);
  g_assert_cmpint (ccm_store_count_pending (store), ==, 3);
}

/* Revocation and the wipe (README, "Threat model") */

/* Everyone the desk knows about, each name and address found nowhere else. */
static const char *const people[] = {
  "Adalind", "Wipeworth", "adalind.wipeworth@example.org",
  "Quintessa", "Vorpalstein", "quintessa.vorpalstein@example.net",
  "Bartholomea", "Grimsditch", "bartholomea.grimsditch@example.net",
  "Ottoline", "Fairweather", "ottoline.fairweather@example.com",
  "Perpetua", "Snodgrass", "perpetua.snodgrass@example.com",
  "Cornelius", "Wexfordames", "cornelius.wexfordames@example.com",
  "Waltraud", "Queueford", "waltraud.queueford@example.com",
  "Leopoldine", "Offlinova", "leopoldine.offlinova@example.com",
};

static char *
query_rows (CcmStore   *store,
            const char *sql)
{
  GString *text = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (ccm_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        g_string_append_printf (text, "%s%s", c > 0 ? "|" : "",
                                sqlite3_column_type (stmt, c) == SQLITE_NULL
                                ? "-" : (const char *) sqlite3_column_text (stmt, c));
      g_string_append_c (text, '\n');
    }
  sqlite3_finalize (stmt);
  return g_string_free (text, FALSE);
}

/* Seats, orders and money, payments, assignments, admissions, waitlist,
 * pending commands: what a wipe keeps. */
static char *
business_counts (CcmStore *store)
{
  static const char *const queries[] = {
    "SELECT name, quota, available, reserved, sold FROM seat_availability ORDER BY name",
    "SELECT status, count(*), sum(total), sum(amount_paid) FROM order_views GROUP BY 1 ORDER BY 1",
    "SELECT status, count(*), sum(amount) FROM payment_views GROUP BY 1 ORDER BY 1",
    "SELECT count(*), count(email), sum(admissions), sum(inside) FROM attendee_views",
    "SELECT kind, count(*) FROM checkin_scans GROUP BY 1 ORDER BY 1",
    "SELECT status, count(*), sum(waiting) FROM waitlist_entries GROUP BY 1 ORDER BY 1",
    "SELECT status, count(*) FROM command_log GROUP BY 1 ORDER BY 1",
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *rows = query_rows (store, queries[i]);

      g_string_append_printf (text, "%s\n%s", queries[i], rows);
    }
  return g_string_free (text, FALSE);
}

/* The bytes of the store file and of its -wal, if any. */
static guint
people_in_file (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  const char *files[] = { path, wal };
  guint found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (!g_file_get_contents (files[i], &bytes, &length, NULL))
        continue;
      for (guint p = 0; p < G_N_ELEMENTS (people); p++)
        if (memmem (bytes, length, people[p], strlen (people[p])) != NULL)
          {
            g_test_message ("%s holds %s", files[i], people[p]);
            found++;
          }
    }
  return found;
}

static char *
place_for (Fixture    *f,
           const char *store,
           const char *seats,
           guint       person)
{
  g_autoptr(Run) run = contoso (f, store, "--json", "order", "place", "devcon", seats,
                                "--first-name", people[person * 3],
                                "--last-name", people[person * 3 + 1],
                                "--email", people[person * 3 + 2], NULL);
  g_autoptr(JsonObject) outcome = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run->status, ==, 0);
  outcome = ccm_json_from_string (run->out, -1, &error);
  g_assert_no_error (error);
  return g_strdup (ccm_json_string (json_object_get_object_member (outcome, "result"),
                                    "access_code"));
}

static char *
ticket_of (Fixture    *f,
           const char *store,
           const char *access_code,
           guint       position)
{
  g_autoptr(Run) run = contoso (f, store, "--json", "order", "show", access_code, NULL);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *attendees;

  g_assert_cmpint (run->status, ==, 0);
  order = ccm_json_from_string (run->out, -1, &error);
  g_assert_no_error (error);
  attendees = json_object_get_array_member (order, "attendees");
  for (guint i = 0; i < json_array_get_length (attendees); i++)
    {
      JsonObject *a = json_array_get_object_element (attendees, i);

      if (ccm_json_int (a, "position", -1) == position)
        return g_strdup (ccm_json_string (a, "ticket_code"));
    }
  g_assert_not_reached ();
}

static void
assign (Fixture    *f,
        const char *store,
        const char *access_code,
        const char *position,
        guint       person)
{
  contoso_ok (f, store, "attendee", "assign", access_code, position,
              "--first-name", people[person * 3], "--last-name", people[person * 3 + 1],
              "--email", people[person * 3 + 2]);
}

/* A desk that sold, assigned and admitted, synced, then was revoked: at its
 * next contact the names and addresses leave the store, every count stays,
 * and the desk says why. */
static void
test_revoked_wipe (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *a = store_path (f, "desk.db");
  g_autofree char *first = NULL, *second = NULL, *ticket = NULL, *device_id = NULL;
  g_autofree char *before = NULL, *after = NULL, *out = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonObject) status = NULL;
  CcmSyncClient *client;

  enroll_path (f, a, "admin");
  contoso_ok (f, a, "conference", "create", "devcon", "--name", "DevCon", "--start", "2027-03-01",
              "--end", "2027-03-03", "--owner-name", "Adalind Wipeworth",
              "--owner-email", people[2]);
  contoso_ok (f, a, "seat-type", "add", "devcon", "Full pass", "--price", "100", "--quota", "50");
  contoso_ok (f, a, "seat-type", "add", "devcon", "Workshop", "--price", "30", "--quota", "1");
  contoso_ok (f, a, "conference", "publish", "devcon");

  first = place_for (f, a, "Full pass=2", 1);
  second = place_for (f, a, "Workshop=1", 2);
  contoso_ok (f, a, "order", "pay", first, "--method", "card");
  contoso_ok (f, a, "order", "pay", second, "--method", "cash");
  sync_path_ok (a);

  assign (f, a, first, "0", 3);
  assign (f, a, first, "1", 4);
  assign (f, a, second, "0", 5);
  ticket = ticket_of (f, a, first, 0);
  contoso_ok (f, a, "checkin", ticket);
  g_clear_pointer (&ticket, g_free);
  ticket = ticket_of (f, a, second, 0);
  contoso_ok (f, a, "checkin", ticket);
  contoso_ok (f, a, "waitlist", "join", "devcon", "Workshop=1", "--first-name", people[18],
              "--last-name", people[19], "--email", people[20]);
  sync_path_ok (a);
  g_assert_cmpint (pending_of (a), ==, 0);

  /* The administrator revokes the desk; it works on offline meanwhile. */
  store = open_store (a);
  device_id = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
  out = server_run (f, "devices", "revoke", device_id, NULL);
  g_clear_object (&store);
  g_clear_pointer (&first, g_free);
  first = place_for (f, a, "Full pass=1", 7);
  g_assert_cmpint (pending_of (a), ==, 1);
  g_assert_cmpuint (people_in_file (a), ==, G_N_ELEMENTS (people));

  store = open_store (a);
  before = business_counts (store);
  g_assert_cmpint (ccm_store_get_wiped_at (store), ==, 0);

  /* Its next contact. */
  client = ccm_sync_client_new (store);
  g_assert_false (ccm_sync_client_sync (client, &error));
  g_assert_error (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_REVOKED);
  g_clear_error (&error);
  g_assert_cmpint (ccm_sync_client_get_state (client), ==, CCM_SYNC_STATE_FORBIDDEN);
  g_assert_nonnull (strstr (ccm_sync_client_get_message (client), "was revoked by the administrator"));
  g_assert_nonnull (strstr (ccm_sync_client_get_message (client),
                            "The personal data in this store (names and e-mail addresses) was removed"));
  g_assert_nonnull (strstr (ccm_sync_client_get_message (client),
                            "its 1 pending command is kept, without personal data"));
  g_assert_cmpint (ccm_store_get_wiped_at (store), >, 0);
  after = business_counts (store);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (ccm_store_count_pending (store), ==, 1);
  client_free (client);
  g_clear_object (&store);
  g_assert_cmpuint (people_in_file (a), ==, 0);

  /* The command line says so, and contacting again changes nothing. */
  run = contoso (f, a, "sync", NULL);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "personal data in this store (names and e-mail addresses) "
                                      "was removed"));
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "--json", "sync", "status", NULL);
  g_assert_cmpint (run->status, ==, 0);
  status = ccm_json_from_string (run->out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ccm_json_string (status, "state"), ==, "forbidden");
  g_assert_nonnull (ccm_json_string (status, "personal_data_removed_at"));
  g_assert_nonnull (strstr (ccm_json_string (status, "message"), "was removed"));
  g_assert_cmpint (ccm_json_int (status, "pending", 0), ==, 1);
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "sync", "status", NULL);
  g_assert_nonnull (strstr (run->out, "Personal data"));

  store = open_store (a);
  g_clear_pointer (&after, g_free);
  after = business_counts (store);
  g_assert_cmpstr (after, ==, before);
  g_clear_object (&store);
  g_assert_cmpuint (people_in_file (a), ==, 0);
}

/* A stand-in for something between the desk and its server (a proxy, a
 * firewall) that answers every request with one status and body. */
typedef struct
{
  SoupServer *server;
  guint       status;
  const char *content_type;
  const char *body;
} Stand;

static void
stand_cb (SoupServer        *server,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Stand *stand = user_data;

  soup_server_message_set_status (message, stand->status, NULL);
  soup_server_message_set_response (message, stand->content_type, SOUP_MEMORY_STATIC,
                                    stand->body, strlen (stand->body));
}

static char *
stand_start (Stand *stand)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  char *url;

  stand->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (stand->server, NULL, stand_cb, stand, NULL);
  g_assert_true (soup_server_listen_local (stand->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (stand->server);
  url = g_uri_to_string_partial (uris->data, G_URI_HIDE_PASSWORD);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  return url;
}

/* Only the server's own "revoked" wipes: not a command the server refuses
 * for the device's role, not a 403 from something else on the way. */
static void
test_forbidden_keeps (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *org = store_path (f, "org.db");
  g_autofree char *door = store_path (f, "door.db");
  g_autofree char *before = NULL, *url = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) run = NULL;
  static const struct { guint status; const char *type, *body; int code; } answers[] = {
    { 403, "text/html", "<html><body>Forbidden by policy</body></html>", CCM_SYNC_ERROR_FORBIDDEN },
    { 403, "application/json", "{\"error\": \"forbidden\", \"message\": \"No.\"}", CCM_SYNC_ERROR_FORBIDDEN },
    { 400, "application/json", "{\"error\": \"revoked\", \"message\": \"Revoked?\"}", CCM_SYNC_ERROR_INVALID },
  };

  enroll_path (f, org, "admin");
  enroll_path (f, door, "checkin");
  create_conference (f, org, "devcon");
  sync_path_ok (org);
  sync_path_ok (door);

  /* A check-in desk may not sell: refused at once, nothing queued. */
  run = contoso (f, door, "order", "place", "devcon", "Full pass=1", "--email",
                 "grace@example.org", NULL);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "role checkin"));
  g_assert_cmpint (pending_of (door), ==, 0);
  g_clear_pointer (&run, run_free);

  /* A desk that did not know its role (an older program queued the sale):
   * the server refuses the order (an outcome, not an HTTP error) and the
   * desk keeps everything. */
  store = open_store (door);
  g_assert_true (ccm_store_set_meta (store, CCM_STORE_META_ROLE, NULL, &error));
  g_clear_object (&store);
  g_free (place_for (f, door, "Full pass=1", 1));
  run = contoso (f, door, "sync", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_clear_pointer (&run, run_free);
  run = contoso (f, door, "--json", "attention", "list", "devcon", NULL);
  g_assert_nonnull (strstr (run->out, "rejected_command"));
  store = open_store (door);
  g_assert_cmpint (ccm_store_get_wiped_at (store), ==, 0);
  g_clear_object (&store);
  g_assert_cmpuint (people_in_file (door), >, 0);

  /* Something else answers in the server's place. */
  g_free (place_for (f, org, "Full pass=1", 2));
  sync_path_ok (org);
  store = open_store (org);
  before = business_counts (store);
  g_clear_object (&store);
  g_assert_cmpuint (people_in_file (org), >=, 3);

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      Stand stand = { NULL, answers[i].status, answers[i].type, answers[i].body };
      g_autofree char *after = NULL;
      CcmSyncClient *client;

      g_free (url);
      url = stand_start (&stand);
      store = open_store (org);
      g_assert_true (ccm_store_set_meta (store, CCM_SYNC_META_URL, url, &error));
      /* The token too: the stand-in answers the request for one as well. */
      g_assert_true (ccm_store_set_meta (store, CCM_SYNC_META_TOKEN, NULL, &error));
      client = ccm_sync_client_new (store);
      g_assert_false (ccm_sync_client_sync (client, &error));
      g_assert_error (error, CCM_SYNC_ERROR, answers[i].code);
      g_clear_error (&error);
      g_assert_cmpint (ccm_sync_client_get_state (client), ==, CCM_SYNC_STATE_ERROR);
      g_assert_cmpint (ccm_store_get_wiped_at (store), ==, 0);
      g_assert_null (ccm_store_get_meta (store, CCM_SYNC_META_REVOKED));
      after = business_counts (store);
      g_assert_cmpstr (after, ==, before);
      client_free (client);
      g_clear_object (&store);
      g_clear_object (&stand.server);
      g_assert_cmpuint (people_in_file (org), >=, 3);
    }

  /* Back to the real server: all is well. */
  store = open_store (org);
  g_assert_true (ccm_store_set_meta (store, CCM_SYNC_META_URL, f->url, &error));
  g_clear_object (&store);
  sync_path_ok (org);
}

static void
test_token_refresh (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *token = NULL, *fresh = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *far = g_strdup_printf ("%" G_GINT64_FORMAT,
                                          g_get_real_time () + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC);
  CcmSyncClient *client;

  enroll_path (f, a, "admin");
  store = open_store (a);
  sync_path_ok (a);
  token = ccm_store_get_meta (store, CCM_SYNC_META_TOKEN);
  g_assert_nonnull (token);

  /* A token the server no longer knows (it expired there): 401, a new
   * token, the same request again; nobody notices. */
  g_assert_true (ccm_store_set_meta (store, CCM_SYNC_META_TOKEN, "expired-token", &error));
  g_assert_true (ccm_store_set_meta (store, CCM_SYNC_META_TOKEN_EXP, far, &error));
  create_conference (f, a, "devcon");
  client = ccm_sync_client_new (store);
  g_assert_true (ccm_sync_client_sync (client, &error));
  g_assert_no_error (error);
  fresh = ccm_store_get_meta (store, CCM_SYNC_META_TOKEN);
  g_assert_cmpstr (fresh, !=, "expired-token");
  g_assert_cmpstr (fresh, !=, token);
  g_assert_cmpint (ccm_store_count_pending (store), ==, 0);
  g_assert_cmpint (ccm_sync_client_get_state (client), ==, CCM_SYNC_STATE_IDLE);

  /* A token past its time is renewed before use. */
  g_assert_true (ccm_store_set_meta (store, CCM_SYNC_META_TOKEN_EXP, "1", &error));
  client_free (client);
  client = ccm_sync_client_new (store);
  g_assert_true (ccm_sync_client_sync (client, &error));
  g_free (token);
  token = ccm_store_get_meta (store, CCM_SYNC_META_TOKEN);
  g_assert_cmpstr (token, !=, fresh);
  client_free (client);
}

/* TCP connections this machine made to the server that are still known to
 * the kernel: open ones and those closed within the last minute (TIME_WAIT
 * on the side that closed, here the client's). */
static guint
connections_to (guint port)
{
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *remote = g_strdup_printf ("0100007F:%04X", port);
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL));
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      guint field = 0;

      /* "sl local_address rem_address st …", separated by runs of spaces */
      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0' && field++ == 2 && g_str_equal (fields[j], remote))
          n++;
    }
  return n;
}

typedef struct
{
  guint  pushes;
  guint  commands;
  gint64 shortest;
} Pushed;

static void
pushed_cb (CcmSyncClient *client,
           guint          commands,
           gint64         round_trip,
           Pushed        *pushed)
{
  pushed->pushes++;
  pushed->commands += commands;
  pushed->shortest = MIN (pushed->shortest, round_trip);
}

/* Rounds go over the connection the client keeps (over TLS, one handshake
 * for many rounds), and every push is timed. */
static void
test_keeps_connection (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autoptr(CcmStore) store = NULL;
  Pushed pushed = { 0, 0, G_MAXINT64 };
  CcmSyncClient *client;
  guint before;

  enroll_path (f, a, "admin");
  store = open_store (a);
  create_conference (f, a, "devcon");
  client = ccm_sync_client_new (store);
  g_signal_connect (client, "pushed", G_CALLBACK (pushed_cb), &pushed);

  before = connections_to (f->port);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) args = json_object_new ();
      g_autoptr(CcmCommand) command = NULL;
      g_autoptr(CcmOutcome) outcome = NULL;
      g_autofree char *id = ccm_id_new (g_get_real_time ());
      g_autofree char *tagline = g_strdup_printf ("Tagline %u", i);

      json_object_set_string_member (args, "slug", "devcon");
      json_object_set_string_member (args, "tagline", tagline);
      command = ccm_command_new ("UpdateConference", id, g_steal_pointer (&args));
      outcome = ccm_store_submit (store, command, &error);
      g_assert_no_error (error);
      g_assert_true (ccm_sync_client_sync (client, &error));
      g_assert_no_error (error);
    }
  /* Token, pushes and pulls: one connection, where each POST used to
   * open one of its own. */
  g_assert_cmpuint (connections_to (f->port), <=, before + 1);

  /* The first push carried the conference's three commands. */
  g_assert_cmpuint (pushed.pushes, ==, 5);
  g_assert_cmpuint (pushed.commands, ==, 3 + 5);
  g_assert_cmpint (pushed.shortest, >, 0);
  g_assert_cmpint (ccm_store_count_pending (store), ==, 0);
  client_free (client);
}

static void
test_standalone_history (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *code = enroll_code (f, "admin");
  g_autofree char *server = NULL, *pa = NULL;
  g_autoptr(Run) run = NULL;

  /* Months of standalone use first. */
  create_conference (f, a, "devcon");
  contoso_ok (f, a, "order", "place", "devcon", "Full pass=2");
  g_assert_cmpint (pending_of (a), ==, 0);

  run = contoso (f, a, "device", "enroll", f->url, code, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "4 commands of this store’s history are pending"));
  g_assert_cmpint (pending_of (a), ==, 4);

  sync_path_ok (a);
  server = server_picture (f);
  pa = path_picture (a);
  g_assert_cmpint (count_type (server, "ConferenceCreated"), ==, 1);
  g_assert_cmpint (count_type (server, "OrderPlaced"), ==, 1);
  g_assert_cmpstr (pa, ==, server);
  g_assert_cmpint (pending_of (a), ==, 0);

  /* A store syncs with one server. */
  g_clear_pointer (&run, run_free);
  g_free (code);
  code = enroll_code (f, "admin");
  run = contoso (f, a, "device", "enroll", f->url, code, NULL);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "already enrolled"));
}

/* A standalone desk's order ran out by the desk's own clock. Enrolled
 * later, the server re-runs the order by its clock, which would hold the
 * seats again for a new window; the desk's expiry, pushed with the
 * history, ends it there too. */
static void
test_standalone_expiry_travels (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *code = enroll_code (f, "admin");
  g_autofree char *server = NULL, *pa = NULL;
  g_autoptr(Run) run = NULL;

  create_conference (f, a, "devcon");
  contoso_ok (f, a, "order", "place", "devcon", "Full pass=2");
  {
    /* Twenty minutes later the desk's timer expires it. */
    g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();
    g_autoptr(CcmClock) clock = ccm_clock_new_fixed (g_get_real_time () + 20 * 60 * G_USEC_PER_SEC);
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmStore) store = ccm_store_open (a, registry, clock, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (ccm_store_run_due_timers (store, &error), >=, 1);
    g_assert_no_error (error);
  }
  run = contoso (f, a, "order", "list", "devcon", NULL);
  g_assert_nonnull (strstr (run->out, "expired"));

  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "device", "enroll", f->url, code, NULL);
  g_assert_cmpint (run->status, ==, 0);
  /* The conference's three commands, the order, and its expiry. */
  g_assert_nonnull (strstr (run->out, "5 commands of this store’s history are pending"));

  sync_path_ok (a);
  server = server_picture (f);
  g_assert_cmpint (count_type (server, "OrderPlaced"), ==, 1);
  g_assert_cmpint (count_type (server, "OrderExpired"), ==, 1);
  pa = path_picture (a);
  g_assert_cmpstr (pa, ==, server);
  g_assert_cmpint (pending_of (a), ==, 0);
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "order", "list", "devcon", NULL);
  g_assert_nonnull (strstr (run->out, "expired"));
  g_assert_null (strstr (run->out, "reserved"));
}

static void
test_cli_status (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GError) error = NULL;

  /* Standalone. */
  run = contoso (f, a, "--json", "sync", "status", NULL);
  g_assert_cmpint (run->status, ==, 0);
  status = ccm_json_from_string (run->out, -1, &error);
  g_assert_no_error (error);
  g_assert_false (ccm_json_bool (status, "enrolled"));
  g_assert_cmpstr (ccm_json_string (status, "state"), ==, "offline");
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "sync", NULL);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "not enrolled"));

  enroll_path (f, a, "admin");
  create_conference (f, a, "devcon");
  g_clear_pointer (&run, run_free);
  g_clear_pointer (&status, json_object_unref);
  run = contoso (f, a, "--json", "sync", "status", NULL);
  g_assert_cmpint (run->status, ==, 0);
  status = ccm_json_from_string (run->out, -1, &error);
  g_assert_cmpstr (ccm_json_string (status, "server"), ==, f->url);
  g_assert_nonnull (ccm_json_string (status, "device_id"));
  g_assert_cmpint (ccm_json_int (status, "pending", -1), ==, 3);
  g_assert_true (json_object_get_null_member (status, "last_sync") ||
                 ccm_json_string (status, "last_sync") == NULL);
  g_assert_cmpstr (ccm_json_string (status, "state"), ==, "idle");

  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "--json", "sync", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_clear_pointer (&run, run_free);
  g_clear_pointer (&status, json_object_unref);
  run = contoso (f, a, "--json", "sync", "status", NULL);
  status = ccm_json_from_string (run->out, -1, &error);
  g_assert_cmpint (ccm_json_int (status, "pending", -1), ==, 0);
  g_assert_nonnull (ccm_json_string (status, "last_sync"));
  /* Same machine, same clock: the offset is a round trip's worth at most. */
  g_assert_cmpint (ABS (ccm_json_int (status, "server_offset_us", G_MAXINT64)), <, G_USEC_PER_SEC);

  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "sync", "status", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "Pending commands    0"));

  /* The offset in whole milliseconds, rounded: a server a few microseconds
   * behind reads +0.000, not -0.000. */
  {
    const struct { gint64 us; const char *text; } offsets[] = {
      { -200, "Server time offset  +0.000 s" },
      { -1500, "Server time offset  -0.002 s" },
      { 1499, "Server time offset  +0.001 s" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
      {
        g_autoptr(CcmStore) store = open_store (a);

        g_assert_true (ccm_store_set_meta_int (store, CCM_SYNC_META_OFFSET, offsets[i].us, NULL));
        g_clear_object (&store);
        g_clear_pointer (&run, run_free);
        run = contoso (f, a, "sync", "status", NULL);
        g_assert_cmpint (run->status, ==, 0);
        g_assert_nonnull (strstr (run->out, offsets[i].text));
      }
  }

  /* One command: its count in the singular. */
  contoso_ok (f, a, "conference", "unpublish", "devcon");
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "sync", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, ": 1 command confirmed, 0 pending."));
  /* Only its own event came back: nothing made elsewhere. */
  g_assert_null (strstr (run->out, "Received"));

  /* A second desk's first sync brings in everything the first made; then
   * the first receives the one event the second made. */
  {
    g_autofree char *b = store_path (f, "b.db");
    g_autofree char *expected = NULL;
    g_autoptr(JsonObject) synced = NULL;
    gint64 elsewhere;

    enroll_path (f, b, "admin");
    g_clear_pointer (&run, run_free);
    run = contoso (f, b, "sync", NULL);
    g_assert_cmpint (run->status, ==, 0);
    {
      g_autoptr(CcmStore) store = open_store (b);
      sqlite3_stmt *stmt = ccm_store_prepare (store, "SELECT count(*) FROM events "
                                                     "WHERE device_id IS NOT ?", &error);

      g_assert_no_error (error);
      sqlite3_bind_text (stmt, 1, ccm_store_get_device_id (store), -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      elsewhere = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
    g_assert_cmpint (elsewhere, >, 1);
    expected = g_strdup_printf ("\nReceived %" G_GINT64_FORMAT " events made elsewhere.\n",
                                elsewhere);
    g_assert_nonnull (strstr (run->out, expected));

    contoso_ok (f, b, "conference", "publish", "devcon");
    g_clear_pointer (&run, run_free);
    run = contoso (f, b, "sync", NULL);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_null (strstr (run->out, "Received"));

    g_clear_pointer (&run, run_free);
    run = contoso (f, a, "--json", "sync", NULL);
    g_assert_cmpint (run->status, ==, 0);
    synced = ccm_json_from_string (run->out, -1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (ccm_json_int (synced, "received", -1), ==, 1);
    g_assert_cmpint (ccm_json_int (synced, "confirmed", -1), ==, 0);
  }

  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "sync", "--help", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "--watch"));
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "device", "enroll", "--help", NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "--name"));
}

/* Automatic mode: a command on desk A reaches desk B with nobody asking. */
static gboolean
has_conference (CcmStore   *store,
                const char *slug)
{
  g_autoptr(JsonObject) conference = ccm_conference_views_get (store, slug, NULL);

  return conference != NULL;
}

static gboolean
give_up_cb (gpointer user_data)
{
  g_error ("Automatic sync did not happen in time");
  return G_SOURCE_REMOVE;
}

static void
count_round_cb (CcmSyncClient *client,
                GParamSpec    *pspec,
                guint         *rounds)
{
  if (ccm_sync_client_get_state (client) == CCM_SYNC_STATE_SYNCING)
    (*rounds)++;
}

static gboolean
quiet_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_automatic (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *b = store_path (f, "b.db");
  g_autoptr(CcmStore) store_a = NULL;
  g_autoptr(CcmStore) store_b = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(CcmCommand) command = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = ccm_id_new (g_get_real_time ());
  g_autofree char *code = enroll_code (f, "desk");
  CcmSyncClient *client_a, *client_b;
  guint give_up, rounds = 0;
  gboolean quiet = FALSE;

  enroll_path (f, a, "admin");
  store_a = open_store (a);
  store_b = open_store (b);
  client_a = ccm_sync_client_new (store_a);
  client_b = ccm_sync_client_new (store_b);
  client_enroll (client_b, f->url, code);
  g_assert_cmpstr (ccm_sync_client_get_server_url (client_b), ==, f->url);
  g_assert_true (ccm_store_is_enrolled (store_b));
  ccm_sync_client_start (client_a);
  ccm_sync_client_start (client_b);
  give_up = g_timeout_add_seconds (20, give_up_cb, NULL);

  /* Both settle first. */
  while (ccm_sync_client_get_last_sync (client_a) == 0 ||
         ccm_sync_client_get_last_sync (client_b) == 0)
    g_main_context_iteration (NULL, TRUE);

  json_object_set_string_member (args, "conference_id", id);
  json_object_set_string_member (args, "slug", "autocon");
  json_object_set_string_member (args, "name", "AutoCon");
  json_object_set_string_member (args, "start_date", "2027-05-01");
  json_object_set_string_member (args, "end_date", "2027-05-02");
  json_object_set_string_member (args, "owner_name", "Ada");
  json_object_set_string_member (args, "owner_email", "ada@example.org");
  json_object_set_string_member (args, "access_code", "AUTOCODE");
  command = ccm_command_new ("CreateConference", id, g_steal_pointer (&args));
  g_signal_connect (client_a, "notify::state", G_CALLBACK (count_round_cb), &rounds);
  outcome = ccm_store_submit (store_a, command, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ccm_sync_client_get_pending (client_a), ==, 1);

  /* A pushes on its own (the store changed); the server pokes B. */
  while (!has_conference (store_b, "autocon") || ccm_sync_client_get_pending (client_a) != 0 ||
         ccm_sync_client_get_state (client_a) != CCM_SYNC_STATE_IDLE)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (give_up);

  /* One round for the one command: the server's answer to A's own
   * long-poll (its push is news after what A had pulled) arrives while
   * that round runs and starts no second one. */
  g_timeout_add (500, quiet_cb, &quiet);
  while (!quiet)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (rounds, ==, 1);
  g_signal_handlers_disconnect_by_func (client_a, count_round_cb, &rounds);
  g_assert_cmpint (ccm_sync_client_get_state (client_a), ==, CCM_SYNC_STATE_IDLE);
  client_free (client_a);
  client_free (client_b);
}

/* Automatic mode against a server that is gone: it keeps trying, backing off. */
static void
test_backoff (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autoptr(CcmStore) store = NULL;
  CcmSyncClient *client;
  guint give_up;

  enroll_path (f, a, "admin");
  create_conference (f, a, "devcon");
  server_stop (f, SIGTERM);
  store = open_store (a);
  client = ccm_sync_client_new (store);
  ccm_sync_client_start (client);
  give_up = g_timeout_add_seconds (20, give_up_cb, NULL);

  while (ccm_sync_client_get_state (client) != CCM_SYNC_STATE_OFFLINE)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (ccm_sync_client_get_message (client), "cannot be reached"));
  g_assert_cmpint (ccm_store_count_pending (store), ==, 3);

  /* The server returns on the same port; a later attempt gets through. */
  server_start (f);
  while (ccm_sync_client_get_pending (client) != 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (give_up);
  g_assert_cmpint (ccm_sync_client_get_state (client), ==, CCM_SYNC_STATE_IDLE);
  g_assert_true (ccm_sync_client_is_started (client));
  client_free (client);
}

/* HTTPS with a certificate from a CA the system does not know. */
static gboolean
openssl (const char  *dir,
         const char  *command_line)
{
  g_autofree char *full = g_strdup_printf ("sh -c 'cd %s && %s' ", dir, command_line);
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  if (!g_spawn_command_line_sync (full, NULL, NULL, &wait_status, &error))
    return FALSE;
  return g_spawn_check_wait_status (wait_status, NULL);
}

static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *ca = store_path (f, "ca.pem");
  g_autofree char *code = NULL;
  g_autofree char *server = NULL, *pa = NULL;
  g_autoptr(Run) run = NULL;
  g_autofree char *openssl_path = g_find_program_in_path ("openssl");

  if (openssl_path == NULL)
    {
      g_test_skip ("openssl makes the test certificates");
      return;
    }
  g_assert_true (openssl (f->dir, "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key "
                          "-out ca.pem -days 2 -subj /CN=Contoso-Test-CA 2>/dev/null"));
  g_assert_true (openssl (f->dir, "openssl req -newkey rsa:2048 -nodes -keyout server.key "
                          "-out server.csr -subj /CN=127.0.0.1 2>/dev/null && "
                          "printf subjectAltName=IP:127.0.0.1 > ext.cnf && "
                          "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key "
                          "-CAcreateserial -out server.pem -days 2 -extfile ext.cnf 2>/dev/null"));

  server_stop (f, SIGTERM);
  f->tls_cert = store_path (f, "server.pem");
  f->tls_key = store_path (f, "server.key");
  f->port = 0;
  server_start (f);
  g_assert_true (g_str_has_prefix (f->url, "https://"));

  /* A CA nobody trusts: refused, nothing saved. */
  code = enroll_code (f, "admin");
  run = contoso (f, a, "device", "enroll", f->url, code, NULL);
  g_assert_cmpint (run->status, ==, 3);
  g_clear_pointer (&run, run_free);
  {
    g_autoptr(CcmStore) store = open_store (a);

    g_assert_false (ccm_store_is_enrolled (store));
  }

  /* Trusting the test CA: enrolled, and it is remembered for later syncs. */
  run = contoso (f, a, "device", "enroll", "--tls-ca", ca, f->url, code, NULL);
  g_assert_cmpint (run->status, ==, 0);
  create_conference (f, a, "devcon");
  g_clear_pointer (&run, run_free);
  run = contoso (f, a, "sync", NULL);
  g_assert_cmpint (run->status, ==, 0);
  sync_path_ok (a);

  server = server_picture (f);
  pa = path_picture (a);
  g_assert_cmpint (count_type (server, "ConferenceCreated"), ==, 1);
  g_assert_cmpstr (pa, ==, server);
}

/* The server is restored from a backup taken before the desk's latest
 * commands: the desk starts over from the restored server and pushes what
 * it lacks, keeping its own history (issue 7's new-epoch case). */
static void
test_restored_server (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *b = store_path (f, "b.db");
  g_autofree char *backup = store_path (f, "backup.db");
  g_autofree char *live = ccm_server_store_path (f->data);
  g_autofree char *wal = g_strconcat (live, "-wal", NULL);
  g_autofree char *shm = g_strconcat (live, "-shm", NULL);
  g_autofree char *out = NULL;
  g_autofree char *server = NULL, *pa = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  enroll_path (f, a, "organizer");
  enroll_path (f, b, "organizer");
  create_conference (f, a, "devcon");
  sync_path_ok (a);
  out = server_run (f, "backup", backup, NULL);

  create_conference (f, a, "second");
  sync_path_ok (a);
  g_assert_cmpint (pending_of (a), ==, 0);
  sync_path_ok (b);

  /* The administrator puts the backup in place. */
  server_stop (f, SIGTERM);
  g_assert_true (g_file_get_contents (backup, &contents, &length, NULL));
  g_unlink (wal);
  g_unlink (shm);
  g_assert_true (g_file_set_contents (live, contents, length, NULL));
  server_start (f);

  sync_path_ok (a);
  server = server_picture (f);
  pa = path_picture (a);
  g_assert_nonnull (strstr (server, "\"slug\" : \"second\""));
  g_assert_cmpstr (pa, ==, server);
  g_assert_cmpint (pending_of (a), ==, 0);

  /* B had all of it: starting over in the new epoch takes everything again,
   * and none of that is news to tell. */
  {
    g_autoptr(Run) run = contoso (f, b, "sync", NULL);
    g_autofree char *pb = NULL;

    g_assert_cmpint (run->status, ==, 0);
    g_assert_null (strstr (run->out, "Received"));
    pb = path_picture (b);
    g_assert_cmpstr (pb, ==, server);
  }
}

/* A stand-in for a restored server that tells the desk to start over (its
 * first pull answers `reset`) and then falls over: every request after
 * that pull answers 503. */
typedef struct
{
  const char *reset;
  guint       pulls;
} FallingServer;

static void
falling_server_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  FallingServer *falling = user_data;
  g_autofree char *body = NULL;
  guint status = 200;

  if (g_str_equal (path, "/v1/token"))
    body = g_strdup_printf ("{\"token\": \"t\", \"expires_at\": %" G_GINT64_FORMAT "}",
                            g_get_real_time () + CCM_PROTOCOL_TOKEN_TTL);
  else if (g_str_equal (path, "/v1/pull") && falling->pulls++ == 0)
    body = g_strdup (falling->reset);
  else
    {
      status = 503;
      body = g_strdup ("{\"error\": \"internal\", \"message\": \"Down again.\", \"field\": null}");
    }
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* Starts FALLING on a port of 127.0.0.1; its URL in *url. */
static SoupServer *
falling_server_start (FallingServer  *falling,
                      char          **url)
{
  SoupServer *stub = soup_server_new (NULL, NULL);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  GSList *listeners;

  soup_server_add_handler (stub, NULL, falling_server_cb, falling, NULL);
  g_assert_true (soup_server_listen_local (stub, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  listeners = soup_server_get_listeners (stub);
  address = g_socket_get_local_address (listeners->data, &error);
  g_assert_no_error (error);
  g_slist_free (listeners);
  *url = g_strdup_printf ("http://127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  return stub;
}

/* A desk with a published conference, synced, then pointed at a stand-in
 * restored server whose first pull answers RESET: the sync must fail, after
 * that one pull. Returns the desk's store (the stand-in is gone by then),
 * its cookie from before in *cookie, and the sync's error. */
static CcmStore *
sync_with_restored_stand_in (Fixture     *f,
                             const char  *path,
                             const char  *reset,
                             char       **cookie,
                             GError     **error)
{
  FallingServer falling = { reset, 0 };
  g_autofree char *stub_url = NULL;
  g_autoptr(SoupServer) stub = NULL;
  g_autoptr(GError) local_error = NULL;
  CcmSyncClient *client;
  CcmStore *store;

  enroll_path (f, path, "admin");
  create_conference (f, path, "devcon");
  sync_path_ok (path);

  stub = falling_server_start (&falling, &stub_url);
  store = open_store (path);
  *cookie = ccm_store_get_meta (store, CCM_SYNC_META_COOKIE);
  g_assert_true (ccm_store_set_meta (store, CCM_SYNC_META_URL, stub_url, &local_error));
  g_assert_no_error (local_error);
  client = ccm_sync_client_new (store);
  g_assert_false (ccm_sync_client_sync (client, error));
  client_free (client);
  g_assert_cmpuint (falling.pulls, ==, 1);
  return store;
}

/* The desk hears of a new epoch, and the round fails before it has the new
 * epoch's events: it keeps showing what the old epoch confirmed, and its
 * commands, until a pull replaces them in one transaction. (Found by the
 * fault test: the desk dropped its confirmed layer at once, and a network
 * failure next left it with no conference at all until a sync succeeded.) */
static void
test_restart_interrupted (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *cookie = NULL, *after = NULL;
  g_autofree char *server = NULL, *pa = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(JsonArray) conferences = NULL;
  g_autoptr(GError) error = NULL;

  store = sync_with_restored_stand_in (f, a, "{\"reset\": true, \"epoch\": \"restored\", "
                                       "\"cookie\": \"restored:0\", \"last_seq\": 1}",
                                       &cookie, &error);
  g_assert_error (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_INTERNAL);
  g_clear_error (&error);

  /* Still the conference, and the old epoch's cookie; commands 2 and 3,
   * which the "restored" server lacks, are pending again. */
  conferences = ccm_conference_views_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (conferences), ==, 1);
  after = ccm_store_get_meta (store, CCM_SYNC_META_COOKIE);
  g_assert_cmpstr (after, ==, cookie);
  g_assert_cmpint (ccm_store_count_pending (store), ==, 2);

  /* Back with the real server, which has them: answered as duplicates. */
  g_assert_true (ccm_store_set_meta (store, CCM_SYNC_META_URL, f->url, &error));
  g_clear_object (&store);
  sync_path_ok (a);
  server = server_picture (f);
  pa = path_picture (a);
  g_assert_cmpstr (pa, ==, server);
  g_assert_cmpint (pending_of (a), ==, 0);
  g_assert_cmpint (count_type (server, "ConferencePublished"), ==, 1);
}

/* A new epoch whose last_seq no device can have reached (2^63 - 1, where
 * the next one cannot be counted) is not understood: nothing is requeued,
 * the cookie and the pending count stay. */
static void
test_restart_last_seq_out_of_range (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *cookie = NULL, *after = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = sync_with_restored_stand_in (f, a, "{\"reset\": true, \"epoch\": \"restored\", "
                                       "\"cookie\": \"restored:0\", "
                                       "\"last_seq\": 9223372036854775807}", &cookie, &error);
  g_assert_error (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "last_seq 9223372036854775807"));
  g_clear_error (&error);

  after = ccm_store_get_meta (store, CCM_SYNC_META_COOKIE);
  g_assert_cmpstr (after, ==, cookie);
  g_assert_cmpint (ccm_store_count_pending (store), ==, 0);
}

/* Two laptops rename the same conference offline (DESIGN §5.3): the later
 * one by server order wins, and the conflict shows on the server's list and
 * on both laptops' attention lists. */
static void
test_concurrent_rename (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *b = store_path (f, "b.db");
  g_autofree char *conflicts = NULL;
  g_autoptr(Run) show = NULL;
  g_autoptr(Run) attention_a = NULL;
  g_autoptr(Run) attention_b = NULL;

  enroll_path (f, a, "organizer");
  enroll_path (f, b, "organizer");
  create_conference (f, a, "devcon");
  sync_path_ok (a);
  sync_path_ok (b);

  server_stop (f, SIGTERM);
  contoso_ok (f, a, "conference", "update", "devcon", "--name", "DevCon East");
  contoso_ok (f, b, "conference", "update", "devcon", "--name", "DevCon West");
  server_start (f);

  sync_path_ok (a);
  sync_path_ok (b);
  sync_path_ok (a);

  show = contoso (f, a, "--json", "conference", "show", "devcon", NULL);
  g_assert_nonnull (strstr (show->out, "DevCon West"));

  conflicts = server_run (f, "conflicts", "list", "--json", NULL);
  g_assert_nonnull (strstr (conflicts, "field_conflict"));
  g_assert_nonnull (strstr (conflicts, "DevCon East"));

  attention_a = contoso (f, a, "--json", "attention", "list", "devcon", NULL);
  attention_b = contoso (f, b, "--json", "attention", "list", "devcon", NULL);
  g_assert_nonnull (strstr (attention_a->out, "field_conflict"));
  g_assert_nonnull (strstr (attention_b->out, "field_conflict"));

  /* Marked resolved on the laptops, each mark reaches the server's list:
   * the conflict, by the id A's list gives it, and a command the server
   * refused B (the slug A had taken first), by its key. */
  {
    g_autoptr(JsonArray) at_a = contoso_array (f, a, "attention", "list", "devcon");
    g_autoptr(JsonObject) status_b = contoso_object (f, b, "sync", "status");
    g_autoptr(JsonArray) at_b = NULL;
    g_autoptr(JsonArray) rows = NULL;
    g_autofree char *conflict_id = NULL;
    g_autofree char *refused_key = NULL;
    g_autofree char *text = NULL;
    const char *device_b = ccm_json_string (status_b, "device_id");
    JsonObject *row;

    row = find_row (at_a, "kind", "field_conflict");
    g_assert_nonnull (row);
    conflict_id = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (row, "id", 0));
    contoso_ok (f, a, "attention", "resolve", conflict_id, "--note", "West is right");
    server_stop (f, SIGTERM);
    contoso_ok (f, a, "conference", "create", "samecon", "--name", "Same", "--start", "2027-03-01",
                "--end", "2027-03-03", "--owner-name", "Ada", "--owner-email", "ada@example.org");
    contoso_ok (f, b, "conference", "create", "samecon", "--name", "Same", "--start", "2027-03-01",
                "--end", "2027-03-03", "--owner-name", "Ada", "--owner-email", "ada@example.org");
    server_start (f);
    sync_path_ok (a);
    sync_path_ok (b);
    at_b = contoso_array (f, b, "attention", "list");
    row = find_row (at_b, "kind", "rejected_command");
    g_assert_nonnull (row);
    refused_key = g_strdup (ccm_json_string (row, "item"));
    g_assert_true (g_str_has_prefix (refused_key, "command#"));
    contoso_ok (f, b, "attention", "resolve", refused_key, "--note", "Sold as samecon-2");
    sync_path_ok (b);

    g_free (conflicts);
    conflicts = server_run (f, "conflicts", "list", "--json", NULL);
    rows = array_of (json_from_string (conflicts, NULL));
    row = find_row (rows, "type", "field_conflict");
    g_assert_nonnull (row);
    g_assert_true (ccm_json_bool (row, "resolved"));
    g_assert_cmpstr (ccm_json_string (row, "resolution_note"), ==, "West is right");
    g_assert_nonnull (ccm_json_string (row, "resolved_at"));
    row = find_row (rows, "command_id", refused_key + strlen ("command#"));
    g_assert_nonnull (row);
    g_assert_cmpstr (ccm_json_string (row, "device_id"), ==, device_b);
    g_assert_true (ccm_json_bool (row, "resolved"));
    g_assert_cmpstr (ccm_json_string (row, "resolution_note"), ==, "Sold as samecon-2");
    g_assert_cmpstr (ccm_json_string (row, "resolved_by"), ==, device_b);
    /* The devices by the names they enrolled with, too. */
    g_assert_cmpstr (ccm_json_string (row, "device_name"), ==, b);
    g_assert_cmpstr (ccm_json_string (row, "resolved_by_name"), ==, b);

    text = server_run (f, "conflicts", "list", NULL);
    g_assert_nonnull (strstr (text, "    resolved "));
    g_assert_nonnull (strstr (text, ": West is right"));
    g_assert_nonnull (strstr (text, ": Sold as samecon-2"));
    {
      g_autofree char *refused = g_strdup_printf ("  %s (%s) seq %" G_GINT64_FORMAT "  ", b,
                                                  device_b, ccm_json_int (row, "seq", 0));
      g_autofree char *resolved = g_strdup_printf (" by %s (%s): Sold as samecon-2", b, device_b);

      g_assert_cmpint (ccm_json_int (row, "seq", 0), >, 0);
      g_assert_nonnull (strstr (text, refused));
      g_assert_nonnull (strstr (text, resolved));
    }
    /* The field conflict came from no one command: no "seq 0". */
    g_assert_null (strstr (text, " seq 0 "));
  }
}

/* Desks by name: each desk learns the others' names with their events, and
 * a desk renamed later tells the server, whose list and whose next pulls
 * (to every desk, with or without that desk's events) carry the new name. */
static void
test_desk_names (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *b = store_path (f, "b.db");
  g_autofree char *device_a = NULL, *name = NULL, *devices = NULL;
  g_autoptr(Run) rename = NULL, blank = NULL, status = NULL;

  enroll_path_named (f, a, "organizer", "Front desk");
  enroll_path_named (f, b, "organizer", "Door");
  {
    g_autoptr(CcmStore) store = open_store (a);

    device_a = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
  }
  create_conference (f, a, "devcon");
  sync_path_ok (a);
  sync_path_ok (b);
  {
    g_autoptr(CcmStore) store = open_store (b);

    name = ccm_store_get_desk_name (store, device_a);
    g_assert_cmpstr (name, ==, "Front desk");
    g_clear_pointer (&name, g_free);
  }

  /* Renamed on the command line (the window's preferences go the same
   * way): kept cleaned, said, and shown by the status. */
  rename = contoso (f, a, "device", "rename", "  Hall\tB  ", NULL);
  g_assert_cmpint (rename->status, ==, 0);
  g_assert_nonnull (strstr (rename->out, "“Hall B”"));
  blank = contoso (f, a, "device", "rename", "  ", NULL);
  g_assert_cmpint (blank->status, ==, 2);
  g_assert_nonnull (strstr (blank->err, "The name is empty"));
  status = contoso (f, a, "--json", "sync", "status", NULL);
  g_assert_nonnull (strstr (status->out, "\"desk_name\" : \"Hall B\""));

  /* The next sync tells the server, and B's next pull brings the new name,
   * though A has written nothing since. */
  sync_path_ok (a);
  devices = server_run (f, "devices", "list", "--json", NULL);
  g_assert_nonnull (strstr (devices, "Hall B"));
  g_assert_null (strstr (devices, "Front desk"));
  sync_path_ok (b);
  {
    g_autoptr(CcmStore) store = open_store (b);

    name = ccm_store_get_desk_name (store, device_a);
    g_assert_cmpstr (name, ==, "Hall B");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (g_getenv ("CONTOSO_SERVER_BIN") == NULL || g_getenv ("CONTOSO_BIN") == NULL)
    {
      g_test_skip ("CONTOSO_SERVER_BIN and CONTOSO_BIN name the binaries under test");
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/client/new", test_new);
  ADD ("/client/offline-then-sync", test_offline_then_sync);
  ADD ("/client/offline-sales-converge", test_offline_sales_converge);
  ADD ("/client/lost-response", test_lost_response);
  ADD ("/client/server-killed", test_server_killed);
  ADD ("/client/revoked", test_revoked);
  ADD ("/client/revoked-wipe", test_revoked_wipe);
  ADD ("/client/forbidden-keeps", test_forbidden_keeps);
  ADD ("/client/token-refresh", test_token_refresh);
  ADD ("/client/keeps-connection", test_keeps_connection);
  ADD ("/client/standalone-history", test_standalone_history);
  ADD ("/client/standalone-expiry-travels", test_standalone_expiry_travels);
  ADD ("/client/cli-status", test_cli_status);
  ADD ("/client/automatic", test_automatic);
  ADD ("/client/backoff", test_backoff);
  ADD ("/client/tls", test_tls);
  ADD ("/client/restored-server", test_restored_server);
  ADD ("/client/restart-interrupted", test_restart_interrupted);
  ADD ("/client/restart-last-seq-out-of-range", test_restart_last_seq_out_of_range);
  ADD ("/client/concurrent-rename", test_concurrent_rename);
  ADD ("/client/desk-names", test_desk_names);

  return g_test_run ();
}
