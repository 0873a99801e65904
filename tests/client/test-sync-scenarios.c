/* test-sync-scenarios.c — several desks around one real contoso-server
 *
 * The whole of DESIGN §5 at once: an organizer, desks that sell and admit
 * offline (with and without allotments), a desk that stays online, all
 * coming back in an order of their own. Every store is a real SQLite file;
 * the desks run the `contoso` binary (CONTOSO_BIN) and sync in this process
 * through CcmSyncClient; the server is the built contoso-server
 * (CONTOSO_SERVER_BIN) on 127.0.0.1 port 0.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "client-test-utils.h"

#include "ccm-checkin.h"
#include "ccm-order-views.h"

#define SLUG "devcon"
#define PASS "Full pass"

/* Helpers */

static void
create_conference_with_quota (Fixture    *f,
                              const char *store,
                              const char *quota)
{
  contoso_ok (f, store, "conference", "create", SLUG, "--name", "DevCon", "--start", "2027-03-01",
              "--end", "2027-03-03", "--owner-name", "Ada", "--owner-email", "ada@example.org");
  contoso_ok (f, store, "seat-type", "add", SLUG, PASS, "--price", "100", "--quota", quota);
  contoso_ok (f, store, "conference", "publish", SLUG);
}

static char *
device_id_of (Fixture    *f,
              const char *store)
{
  g_autoptr(JsonObject) status = contoso_object (f, store, "sync", "status");

  g_assert_true (ccm_json_bool (status, "enrolled"));
  return g_strdup (ccm_json_string (status, "device_id"));
}

/* Places an order for QUANTITY full passes, as the desk's command line
 * does (its own running allotment is used by itself); returns its id. */
static char *
place (Fixture    *f,
       const char *store,
       const char *quantity)
{
  g_autofree char *seats = g_strconcat (PASS "=", quantity, NULL);
  g_autoptr(JsonObject) outcome = contoso_object (f, store, "order", "place", SLUG, seats,
                                                  "--first-name", "Grace", "--last-name", "Hopper",
                                                  "--email", "grace@example.org");
  JsonObject *result = json_object_get_object_member (outcome, "result");

  return g_strdup (ccm_json_string (result, "order_id"));
}

static void
pay (Fixture    *f,
     const char *store,
     const char *order_id)
{
  contoso_ok (f, store, "order", "pay", order_id, "--method", "cash");
}

static JsonObject *
order_of (CcmStore   *store,
          const char *order_id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *order = ccm_order_views_get (store, SLUG, order_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (order);
  return order;
}

static gint64
seats_of (JsonObject *order)
{
  JsonArray *lines = json_object_get_array_member (order, "lines");
  gint64 n = 0;

  for (guint i = 0; i < json_array_get_length (lines); i++)
    n += ccm_json_int (json_array_get_object_element (lines, i), "quantity", 0);
  return n;
}

/* An order as the server has it: status, seats it holds, guaranteed or not. */
static void
assert_order (CcmStore   *store,
              const char *order_id,
              const char *status,
              gint64      seats,
              gboolean    guaranteed)
{
  g_autoptr(JsonObject) order = order_of (store, order_id);

  g_assert_cmpstr (ccm_json_string (order, "status"), ==, status);
  g_assert_cmpint (seats_of (order), ==, seats);
  g_assert_cmpint (ccm_json_bool (order, "guaranteed"), ==, guaranteed);
}

typedef struct
{
  gint64 quota, available, reserved, sold, allotted;
} Seats;

static Seats
seat_counts (CcmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) seats = ccm_seat_views_list (store, SLUG, &error);
  JsonObject *row;

  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (seats), ==, 1);
  row = json_array_get_object_element (seats, 0);
  return (Seats) {
    ccm_json_int (row, "quota", -1), ccm_json_int (row, "available", -1),
    ccm_json_int (row, "reserved", -1), ccm_json_int (row, "sold", -1),
    ccm_json_int (row, "allotted", -1),
  };
}

/* DESIGN §5.2: committed + held + outstanding allotments ≤ quota, read off
 * the server's store between two pushes. */
static Seats
assert_server_invariant (Fixture *f)
{
  g_autoptr(CcmStore) store = open_server_store (f);
  Seats s = seat_counts (store);

  g_assert_cmpint (s.sold, >=, 0);
  g_assert_cmpint (s.reserved, >=, 0);
  g_assert_cmpint (s.allotted, >=, 0);
  g_assert_cmpint (s.sold + s.reserved + s.allotted, <=, s.quota);
  g_assert_cmpint (s.available, ==, s.quota - s.sold - s.reserved - s.allotted);
  return s;
}

/* Whether a list has an item with both members at these values. */
static gboolean
has_row (JsonArray  *items,
         const char *member1,
         const char *value1,
         const char *member2,
         const char *value2)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (ccm_json_string (item, member1), value1) == 0 &&
          g_strcmp0 (ccm_json_string (item, member2), value2) == 0)
        return TRUE;
    }
  return FALSE;
}

/* An attention item of this kind about this ticket or order. */
#define has_item(items, kind, member, value) has_row (items, "kind", kind, member, value)

/* Tests */

/* Quota 10. The organizer grants desk A 3 seats and desk B 2: 5 stay in the
 * pool. Offline, A sells 2 + 1 (its allotment, paid), B sells 2 (its
 * allotment, paid) and 1 beyond it, C (no allotment) sells 3 and 2. Online
 * meanwhile, a desk sells 3 at once (pool 5 → 2). They come back C, A,
 * online (one more), B, then everyone again:
 *
 *   C's 3  → 2 of 3 (partially reserved: the pool's last 2 seats)
 *   C's 2  → 0 of 2 (sold out)
 *   A's    → confirmed, guaranteed, whatever arrived before them
 *   online 1 more → 0 of 1
 *   B's 2  → confirmed, guaranteed; B's 1 beyond → 0 of 1 */
static void
test_three_desks (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *org = store_path (f, "organizer.db");
  g_autofree char *a = store_path (f, "a.db");
  g_autofree char *b = store_path (f, "b.db");
  g_autofree char *c = store_path (f, "c.db");
  g_autofree char *on = store_path (f, "online.db");
  g_autofree char *device_a = NULL, *device_b = NULL;
  g_autofree char *a1 = NULL, *a2 = NULL, *b1 = NULL, *b2 = NULL, *c1 = NULL, *c2 = NULL;
  g_autofree char *o1 = NULL, *o2 = NULL;
  g_autofree char *server = NULL;
  g_autoptr(CcmStore) server_store = NULL;
  const char *desks[] = { org, a, b, c, on };
  Seats s;

  enroll_path (f, org, "organizer");
  enroll_path (f, a, "desk");
  enroll_path (f, b, "desk");
  enroll_path (f, c, "desk");
  enroll_path (f, on, "desk");
  create_conference_with_quota (f, org, "10");
  sync_path_ok (org);
  device_a = device_id_of (f, a);
  device_b = device_id_of (f, b);

  contoso_ok (f, org, "allotment", "grant", SLUG, device_a, PASS "=3", "--until", "+8h");
  contoso_ok (f, org, "allotment", "grant", SLUG, device_b, PASS "=2", "--until", "+8h");
  sync_path_ok (org);
  s = assert_server_invariant (f);
  g_assert_cmpint (s.allotted, ==, 5);
  g_assert_cmpint (s.available, ==, 5);
  for (guint i = 1; i < G_N_ELEMENTS (desks); i++)
    sync_path_ok (desks[i]);

  /* Offline sales. A desk knows at once which of its sales are guaranteed. */
  a1 = place (f, a, "2");
  pay (f, a, a1);
  a2 = place (f, a, "1");
  pay (f, a, a2);
  b1 = place (f, b, "2");
  pay (f, b, b1);
  b2 = place (f, b, "1");
  c1 = place (f, c, "3");
  c2 = place (f, c, "2");
  {
    g_autoptr(CcmStore) store_a = open_store (a);
    g_autoptr(CcmStore) store_b = open_store (b);
    g_autoptr(CcmStore) store_c = open_store (c);

    assert_order (store_a, a1, "confirmed", 2, TRUE);
    assert_order (store_a, a2, "confirmed", 1, TRUE);
    assert_order (store_b, b1, "confirmed", 2, TRUE);
    /* Beyond the allotment: provisional, from the pool this desk last saw. */
    assert_order (store_b, b2, "reserved", 1, FALSE);
    assert_order (store_c, c1, "reserved", 3, FALSE);
    assert_order (store_c, c2, "reserved", 2, FALSE);
    g_assert_cmpint (ccm_store_count_pending (store_a), ==, 2 + 2 * 2);   /* a payment is two */
    g_assert_cmpint (ccm_store_count_pending (store_b), ==, 2 + 2);
  }

  /* The online desk sells against the server right away. */
  o1 = place (f, on, "3");
  sync_path_ok (on);
  pay (f, on, o1);
  sync_path_ok (on);
  s = assert_server_invariant (f);
  g_assert_cmpint (s.available, ==, 2);

  /* C first: the pool's last 2 seats go to its first sale. */
  sync_path_ok (c);
  s = assert_server_invariant (f);
  g_assert_cmpint (s.available, ==, 0);
  g_assert_cmpint (s.reserved, ==, 2);

  /* A: its allotment is its own, whatever came before. */
  sync_path_ok (a);
  s = assert_server_invariant (f);
  g_assert_cmpint (s.sold, ==, 3 + 3);
  g_assert_cmpint (s.allotted, ==, 2);

  /* Online again: nothing left for it. */
  o2 = place (f, on, "1");
  sync_path_ok (on);
  assert_server_invariant (f);

  sync_path_ok (b);
  s = assert_server_invariant (f);
  g_assert_cmpint (s.quota, ==, 10);
  g_assert_cmpint (s.sold, ==, 3 + 3 + 2);
  g_assert_cmpint (s.reserved, ==, 2);
  g_assert_cmpint (s.allotted, ==, 0);
  g_assert_cmpint (s.available, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (desks); i++)
    {
      sync_path_ok (desks[i]);
      assert_server_invariant (f);
    }

  /* The server's word on every sale. */
  server_store = open_server_store (f);
  assert_order (server_store, a1, "confirmed", 2, TRUE);
  assert_order (server_store, a2, "confirmed", 1, TRUE);
  assert_order (server_store, b1, "confirmed", 2, TRUE);
  assert_order (server_store, o1, "confirmed", 3, FALSE);
  assert_order (server_store, c1, "partially-reserved", 2, FALSE);
  assert_order (server_store, c2, "partially-reserved", 0, FALSE);
  assert_order (server_store, o2, "partially-reserved", 0, FALSE);
  assert_order (server_store, b2, "partially-reserved", 0, FALSE);
  {
    g_autoptr(JsonObject) order = order_of (server_store, c1);
    JsonObject *line = json_array_get_object_element (json_object_get_array_member (order, "lines"), 0);

    g_assert_cmpint (ccm_json_int (line, "requested", 0), ==, 3);
  }
  g_clear_object (&server_store);

  /* Every store shows the same. */
  server = full_picture_of_server (f, SLUG);
  g_assert_cmpint (count_type (server, "OrderPlaced"), ==, 8);
  g_assert_cmpint (count_type (server, "OrderConfirmed"), ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (desks); i++)
    {
      g_autofree char *picture = full_picture_of_path (desks[i], SLUG);

      g_assert_cmpint (pending_of (desks[i]), ==, 0);
      g_assert_cmpstr (picture, ==, server);
    }
}

/* The message of the list's first item of a kind. */
static const char *
item_message (JsonArray  *items,
              const char *kind)
{
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (ccm_json_string (item, "kind"), kind) == 0)
        return ccm_json_string (item, "message");
    }
  g_assert_not_reached ();
}

/* The check-in counts a store keeps (by triggers, through the undone
 * tentative layer and the rebase) are what counting its tickets gives. */
static void
assert_counts (const char *path,
               gint64      expected,
               gint64      admitted,
               gint64      inside)
{
  g_autoptr(CcmStore) store = open_store (path);
  g_autoptr(JsonObject) stats = ccm_checkin_views_stats (store, SLUG, NULL);
  sqlite3_stmt *stmt;

  g_assert_nonnull (stats);
  g_assert_cmpint (ccm_json_int (stats, "expected", -1), ==, expected);
  g_assert_cmpint (ccm_json_int (stats, "admitted", -1), ==, admitted);
  g_assert_cmpint (ccm_json_int (stats, "inside", -1), ==, inside);
  stmt = ccm_store_prepare (store, "SELECT count (*), count (admitted_hour), sum (inside) "
                            "FROM attendee_views WHERE status = 'valid'", NULL);
  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, expected);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, admitted);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 2), ==, inside);
  sqlite3_reset (stmt);
}

/* Two door desks admit the same ticket offline. */
/* Two doors offline; the second lets in the wrong person with the same
 * ticket and takes it back at once. Synced, the server re-runs the undo
 * after the first door's admission: the holder stays inside, counted once,
 * and nothing is refused. */
static void
test_undo_admission (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *org = store_path (f, "organizer.db");
  g_autofree char *a = store_path (f, "door-a.db");
  g_autofree char *b = store_path (f, "door-b.db");
  g_autofree char *order_id = NULL, *ticket = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(CcmStore) server_store = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  guint admitted = 0, undone = 0;

  enroll_path (f, org, "admin");
  enroll_path (f, a, "checkin");
  enroll_path (f, b, "checkin");
  create_conference_with_quota (f, org, "10");
  order_id = place (f, org, "1");
  pay (f, org, order_id);
  sync_path_ok (org);
  {
    g_autoptr(CcmStore) store = open_store (org);

    order = order_of (store, order_id);
    ticket = g_strdup (ccm_json_string (json_array_get_object_element (json_object_get_array_member (order, "attendees"), 0),
                                        "ticket_code"));
  }
  sync_path_ok (a);
  sync_path_ok (b);

  contoso_ok (f, a, "checkin", ticket);
  contoso_ok (f, b, "checkin", ticket);
  contoso_ok (f, b, "checkin", ticket, "--undo");
  assert_counts (b, 1, 0, 0);
  g_assert_cmpint (pending_of (b), ==, 2);

  sync_path_ok (a);
  sync_path_ok (b);
  sync_path_ok (a);
  assert_counts (a, 1, 1, 1);
  assert_counts (b, 1, 1, 1);
  g_assert_cmpint (pending_of (b), ==, 0);

  server_store = open_server_store (f);
  events = ccm_store_read_all (server_store, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);

      if (g_str_equal (event->type, "TicketAdmitted"))
        admitted++;
      else if (g_str_equal (event->type, "TicketAdmissionUndone"))
        {
          undone++;
          /* On the server the undone admission was the double one. */
          g_assert_true (ccm_json_bool (event->payload, "inside_before"));
          g_assert_cmpstr (ccm_json_string (event->payload, "undone_flag"), ==,
                           CCM_CHECKIN_FLAG_ALREADY_ADMITTED);
        }
    }
  g_assert_cmpuint (admitted, ==, 2);
  g_assert_cmpuint (undone, ==, 1);

  /* The double admission the server saw was taken back: nothing for the
   * attention list on either door. */
  {
    g_autoptr(JsonArray) attention_a = contoso_array (f, a, "attention", "list", SLUG);
    g_autoptr(JsonArray) attention_b = contoso_array (f, b, "attention", "list", SLUG);

    g_assert_false (has_item (attention_a, CCM_CHECKIN_FLAG_ALREADY_ADMITTED, "ticket_code", ticket));
    g_assert_false (has_item (attention_b, CCM_CHECKIN_FLAG_ALREADY_ADMITTED, "ticket_code", ticket));
  }
}

static void
test_double_admission (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *org = store_path (f, "organizer.db");
  g_autofree char *a = store_path (f, "door-a.db");
  g_autofree char *b = store_path (f, "door-b.db");
  g_autofree char *order_id = NULL, *device_b = NULL, *ticket = NULL, *conflicts_json = NULL;
  g_autofree char *server = NULL, *pa = NULL, *pb = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) attention_a = NULL, attention_b = NULL, conflicts = NULL;
  g_autoptr(CcmStore) server_store = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  guint admitted = 0, flagged = 0;

  enroll_path (f, org, "admin");
  enroll_path_named (f, a, "checkin", "North door");
  enroll_path_named (f, b, "checkin", " South\tdoor ");
  create_conference_with_quota (f, org, "10");
  order_id = place (f, org, "1");
  pay (f, org, order_id);
  sync_path_ok (org);
  {
    g_autoptr(CcmStore) store = open_store (org);
    JsonArray *attendees;

    order = order_of (store, order_id);
    g_assert_cmpstr (ccm_json_string (order, "status"), ==, "confirmed");
    attendees = json_object_get_array_member (order, "attendees");
    g_assert_cmpuint (json_array_get_length (attendees), ==, 1);
    ticket = g_strdup (ccm_json_string (json_array_get_object_element (attendees, 0), "ticket_code"));
  }
  sync_path_ok (a);
  sync_path_ok (b);
  device_b = device_id_of (f, b);

  /* Offline, each door lets the same person in: neither can know. */
  contoso_ok (f, a, "checkin", ticket);
  contoso_ok (f, b, "checkin", ticket);
  g_assert_cmpint (pending_of (a), ==, 1);
  g_assert_cmpint (pending_of (b), ==, 1);
  assert_counts (a, 1, 1, 1);

  sync_path_ok (a);
  sync_path_ok (b);
  sync_path_ok (a);
  assert_counts (a, 1, 1, 1);
  assert_counts (b, 1, 1, 1);

  /* Both admissions are on the server; the second to arrive is flagged. */
  server_store = open_server_store (f);
  events = ccm_store_read_all (server_store, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);

      if (!g_str_equal (event->type, "TicketAdmitted"))
        continue;
      admitted++;
      if (ccm_json_string (event->payload, "flag") != NULL)
        {
          flagged++;
          g_assert_cmpstr (ccm_json_string (event->payload, "flag"), ==,
                           CCM_CHECKIN_FLAG_ALREADY_ADMITTED);
          g_assert_cmpstr (event->device_id, ==, device_b);
        }
    }
  g_assert_cmpuint (admitted, ==, 2);
  g_assert_cmpuint (flagged, ==, 1);
  g_clear_object (&server_store);

  /* Visible on both doors and on the server's conflict list. */
  attention_a = contoso_array (f, a, "attention", "list", SLUG);
  attention_b = contoso_array (f, b, "attention", "list", SLUG);
  g_assert_true (has_item (attention_a, CCM_CHECKIN_FLAG_ALREADY_ADMITTED, "ticket_code", ticket));
  g_assert_true (has_item (attention_b, CCM_CHECKIN_FLAG_ALREADY_ADMITTED, "ticket_code", ticket));
  /* Each door names the other by the name it enrolled with, which the
   * server sent along with its events, and itself as "this desk". */
  {
    const char *message_a = item_message (attention_a, CCM_CHECKIN_FLAG_ALREADY_ADMITTED);
    const char *message_b = item_message (attention_b, CCM_CHECKIN_FLAG_ALREADY_ADMITTED);

    g_assert_nonnull (strstr (message_a, "admitted by desk “South door” at "));
    g_assert_nonnull (strstr (message_a, "(let in by this desk at "));
    g_assert_nonnull (strstr (message_b, "admitted by this desk at "));
    g_assert_nonnull (strstr (message_b, "(let in by desk “North door” at "));
  }
  {
    g_autoptr(CcmStore) store = open_store (a);
    g_autofree char *name_b = ccm_store_get_desk_name (store, device_b);

    g_assert_cmpstr (name_b, ==, "South door");
  }
  {
    g_autoptr(Run) list = contoso (f, b, "checkin", "list", SLUG, NULL);

    g_assert_cmpint (list->status, ==, 0);
    g_assert_nonnull (strstr (list->out, ticket));
    g_assert_nonnull (strstr (list->out, "North door"));
  }
  {
    /* The export names the door too: admissions per entrance. */
    g_autoptr(Run) csv = contoso (f, b, "export", "attendees", SLUG, NULL);
    g_auto(GStrv) lines = NULL;
    gboolean seen = FALSE;

    g_assert_cmpint (csv->status, ==, 0);
    lines = g_strsplit (csv->out, "\n", -1);
    g_assert_true (g_str_has_suffix (g_strchomp (lines[0]), ",admitted_by,admitted_desk"));
    for (guint i = 1; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], ticket))
        {
          g_assert_true (g_str_has_suffix (g_strchomp (lines[i]), ",North door"));
          seen = TRUE;
        }
    g_assert_true (seen);
  }
  conflicts_json = server_run (f, "conflicts", "list", "--json", NULL);
  conflicts = array_of (json_from_string (conflicts_json, &error));
  g_assert_no_error (error);
  g_assert_true (has_row (conflicts, "type", CCM_CHECKIN_FLAG_ALREADY_ADMITTED,
                          "device_id", device_b));

  server = server_picture (f);
  pa = path_picture (a);
  pb = path_picture (b);
  g_assert_cmpstr (pa, ==, server);
  g_assert_cmpstr (pb, ==, server);

  /* The organizer looks into it and marks it resolved, by the id its own
   * list shows; the doors learn it with their next sync. */
  sync_path_ok (org);
  {
    g_autoptr(JsonArray) at_org = contoso_array (f, org, "attention", "list", SLUG);
    g_autoptr(JsonArray) after = NULL, resolved = NULL;
    g_autofree char *id = NULL;

    for (guint i = 0; i < json_array_get_length (at_org); i++)
      {
        JsonObject *item = json_array_get_object_element (at_org, i);

        if (g_strcmp0 (ccm_json_string (item, "ticket_code"), ticket) == 0)
          id = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (item, "id", 0));
      }
    g_assert_nonnull (id);
    contoso_ok (f, org, "attention", "resolve", id, "--note", "Same person, badge lent");
    sync_path_ok (org);
    sync_path_ok (a);
    after = contoso_array (f, a, "attention", "list", SLUG);
    g_assert_false (has_item (after, CCM_CHECKIN_FLAG_ALREADY_ADMITTED, "ticket_code", ticket));
    resolved = contoso_array (f, a, "attention", "list", "--resolved", SLUG);
    g_assert_true (has_item (resolved, CCM_CHECKIN_FLAG_ALREADY_ADMITTED, "ticket_code", ticket));
    for (guint i = 0; i < json_array_get_length (resolved); i++)
      {
        JsonObject *item = json_array_get_object_element (resolved, i);

        if (g_strcmp0 (ccm_json_string (item, "ticket_code"), ticket) == 0)
          g_assert_cmpstr (ccm_json_string (item, "resolution_note"), ==, "Same person, badge lent");
      }
  }
}

/* Quota 2. Desk C sells both seats offline, beyond any allotment, and takes
 * the money; the online desk sells them first. C's order gets nothing, and
 * when its reservation window is over on the server the payment is due
 * back: on C's attention list. */
static void
test_lost_race_refund (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *org = store_path (f, "organizer.db");
  g_autofree char *c = store_path (f, "c.db");
  g_autofree char *on = store_path (f, "online.db");
  g_autofree char *lost = NULL, *won = NULL;
  g_autoptr(JsonArray) attention = NULL;
  g_autoptr(JsonObject) order = NULL;
  JsonArray *refunds;
  gboolean refund_listed = FALSE;

  enroll_path (f, org, "organizer");
  enroll_path (f, c, "desk");
  enroll_path (f, on, "desk");
  create_conference_with_quota (f, org, "2");
  sync_path_ok (org);
  sync_path_ok (c);
  sync_path_ok (on);

  lost = place (f, c, "2");
  pay (f, c, lost);
  won = place (f, on, "2");
  pay (f, on, won);
  sync_path_ok (on);
  sync_path_ok (c);

  /* Paid, and not one seat left: rejected as sold out at once (DESIGN
   * §5.2), not left to wait for its window; the refund is on C's list. */
  {
    g_autoptr(CcmStore) server_store = open_server_store (f);

    assert_order (server_store, won, "confirmed", 2, FALSE);
    assert_order (server_store, lost, "expired", 0, FALSE);
  }
  attention = contoso_array (f, c, "attention", "list", SLUG);
  for (guint i = 0; i < json_array_get_length (attention); i++)
    {
      JsonObject *item = json_array_get_object_element (attention, i);

      if (g_strcmp0 (ccm_json_string (item, "kind"), "refund_due") == 0 &&
          g_strcmp0 (ccm_json_string (item, "order_id"), lost) == 0)
        {
          JsonObject *detail = json_object_get_object_member (item, "detail");

          g_assert_cmpint (ccm_json_int (detail, "amount", 0), ==, 20000);
          g_assert_cmpstr (ccm_json_string (detail, "reason"), ==, "sold_out");
          g_assert_nonnull (strstr (ccm_json_string (item, "message"), "sold out"));
          refund_listed = TRUE;
        }
    }
  g_assert_true (refund_listed);
  g_assert_false (has_item (attention, "refund_due", "order_id", won));

  /* A conflict over the seats: on the server's conflict list too, as C's. */
  {
    g_autofree char *device_c = device_id_of (f, c);
    g_autofree char *json = server_run (f, "conflicts", "list", "--json", NULL);
    g_autofree char *text = server_run (f, "conflicts", "list", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonArray) conflicts = array_of (json_from_string (json, &error));

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
    g_assert_true (has_row (conflicts, "type", "refund_due", "device_id", device_c));
    g_assert_true (has_row (conflicts, "type", "refund_due", "device_name", c));
    g_assert_nonnull (strstr (text, "refund_due  conflict: A refund of "));
    {
      /* By the desk's name and id; a conflict of no one command has no seq. */
      g_autofree char *desk = g_strdup_printf ("  %s (%s)  refund_due  ", c, device_c);

      g_assert_nonnull (strstr (text, desk));
    }
  }

  {
    g_autoptr(CcmStore) store = open_store (c);

    order = order_of (store, lost);
  }
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "expired");
  refunds = json_object_get_array_member (order, "refunds");
  g_assert_cmpuint (json_array_get_length (refunds), ==, 1);
  g_assert_cmpint (ccm_json_int (json_array_get_object_element (refunds, 0), "amount", 0),
                   ==, 20000);
}

static gint64
rejected_of (const char *path)
{
  g_autoptr(CcmStore) store = open_store (path);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = ccm_store_prepare (store, "SELECT count(*) FROM command_log "
                                                 "WHERE status = 'rejected'", &error);
  gint64 n;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* A walk-up served offline from start to end: placed, paid, both seats
 * named, then one sync. The server runs each command's consequences (the
 * seats reserved, the paid order confirmed) before the next command, as
 * the desk did: naming the seats is accepted, not refused because the
 * order was not yet confirmed when it came in the same push. */
static void
test_offline_walk_up (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *org = store_path (f, "organizer.db");
  g_autofree char *desk = store_path (f, "desk.db");
  g_autofree char *order_id = NULL, *server = NULL, *mine = NULL;
  g_autoptr(JsonObject) order = NULL;
  JsonArray *attendees;

  enroll_path (f, org, "organizer");
  enroll_path (f, desk, "desk");
  create_conference_with_quota (f, org, "10");
  sync_path_ok (org);
  sync_path_ok (desk);

  order_id = place (f, desk, "2");
  pay (f, desk, order_id);
  contoso_ok (f, desk, "attendee", "assign", order_id, "0", "--email", "ada@example.org",
              "--first-name", "Ada", "--last-name", "Lovelace");
  contoso_ok (f, desk, "attendee", "assign", order_id, "1", "--email", "alan@example.org",
              "--first-name", "Alan", "--last-name", "Turing");
  g_assert_cmpint (pending_of (desk), ==, 1 + 2 + 2);

  sync_path_ok (desk);
  g_assert_cmpint (pending_of (desk), ==, 0);
  g_assert_cmpint (rejected_of (desk), ==, 0);
  {
    g_autoptr(CcmStore) server_store = open_server_store (f);

    order = order_of (server_store, order_id);
  }
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "confirmed");
  attendees = json_object_get_array_member (order, "attendees");
  g_assert_cmpuint (json_array_get_length (attendees), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_nonnull (ccm_json_string (json_array_get_object_element (attendees, i), "email"));

  server = full_picture_of_server (f, SLUG);
  mine = full_picture_of_path (desk, SLUG);
  g_assert_cmpstr (mine, ==, server);
}

/* Two programs syncing one desk's store at once (the window and `contoso
 * sync --watch` on a headless desk): both ask for the same page of the
 * server's events, and both send the desk's pending order; the second to
 * apply the page finds the first already did and carries on from there,
 * rather than failing on events it has. */
typedef struct
{
  GAsyncResult *result;
} Done;

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Done *done = user_data;

  done->result = g_object_ref (result);
}

static void
test_two_programs_one_store (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *org = store_path (f, "organizer.db");
  g_autofree char *desk = store_path (f, "desk.db");
  g_autoptr(CcmStore) first = NULL, second = NULL;
  CcmSyncClient *clients[2];
  Done done[2] = { { NULL }, { NULL } };
  g_autofree char *server = NULL, *mine = NULL;

  enroll_path (f, org, "organizer");
  enroll_path (f, desk, "desk");
  create_conference_with_quota (f, org, "10");
  sync_path_ok (org);

  first = open_store (desk);
  second = open_store (desk);
  clients[0] = ccm_sync_client_new (first);
  clients[1] = ccm_sync_client_new (second);
  /* Each has its token (a round starts with its pull at once then). */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (ccm_sync_client_sync (clients[i], &error));
      g_assert_no_error (error);
    }

  /* News on the server, then both rounds at once, several times over. */
  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *name = g_strdup_printf ("Workshop %u", round);

      g_autofree char *order_id = NULL;

      contoso_ok (f, org, "seat-type", "add", SLUG, name, "--price", "50", "--quota", "5");
      sync_path_ok (org);
      /* And a command of the desk's own that both send. */
      order_id = place (f, desk, "1");
      g_assert_cmpint (pending_of (desk), ==, 1);
      for (guint i = 0; i < 2; i++)
        ccm_sync_client_sync_async (clients[i], NULL, sync_done_cb, &done[i]);
      while (done[0].result == NULL || done[1].result == NULL)
        g_main_context_iteration (NULL, TRUE);
      for (guint i = 0; i < 2; i++)
        {
          g_autoptr(GError) error = NULL;

          gboolean ok = ccm_sync_client_sync_finish (clients[i], done[i].result, &error);

          g_assert_no_error (error);
          g_assert_true (ok);
          g_clear_object (&done[i].result);
        }
      g_assert_cmpint (pending_of (desk), ==, 0);
      assert_order (second, order_id, "reserved", 1, FALSE);
    }

  for (guint i = 0; i < 2; i++)
    client_free (clients[i]);
  g_clear_object (&first);
  g_clear_object (&second);
  server = full_picture_of_server (f, SLUG);
  mine = full_picture_of_path (desk, SLUG);
  g_assert_cmpstr (mine, ==, server);
  g_assert_nonnull (strstr (mine, "Workshop 2"));
  g_assert_cmpint (count_type (server, "OrderPlaced"), ==, 3);
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

  ADD ("/client/scenarios/three-desks", test_three_desks);
  ADD ("/client/scenarios/double-admission", test_double_admission);
  ADD ("/client/scenarios/undo-admission", test_undo_admission);
  ADD ("/client/scenarios/lost-race-refund", test_lost_race_refund);
  ADD ("/client/scenarios/offline-walk-up", test_offline_walk_up);
  ADD ("/client/scenarios/two-programs-one-store", test_two_programs_one_store);

  return g_test_run ();
}
