/* test-cli-orders.c — orders, payments, attendees, check-in, waitlist,
 * attention and the demo through the real `contoso` binary
 *
 * Every test gets its own folder (G_TEST_OPTION_ISOLATE_DIRS) and runs the
 * built binary named by CONTOSO_BIN against a store in it; tests that move
 * time set CONTOSO_NOW for each run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ccm-id.h"
#include "cli-test-utils.h"

/* devcon, published, with "Full pass" at 199.00 and "Workshop" at 50.00. */
static void
create_conference (Fixture    *f,
                   const char *slug,
                   const char *full_quota,
                   gboolean    publish)
{
  g_autoptr(Run) create = run (f, "conference", "create", slug,
                               "--name", "DevCon 2026",
                               "--start", "2026-02-01", "--end", "2026-02-03",
                               "--owner-name", "Jane Doe",
                               "--owner-email", "jane@example.com", NULL);
  g_autoptr(Run) full = NULL;
  g_autoptr(Run) workshop = NULL;

  assert_ok (create);
  full = run (f, "seat-type", "add", slug, "Full pass", "--price", "199.00",
              "--quota", full_quota, NULL);
  assert_ok (full);
  workshop = run (f, "seat-type", "add", slug, "Workshop", "--price", "50", "--quota", "20",
                  NULL);
  assert_ok (workshop);
  if (publish)
    {
      g_autoptr(Run) p = run (f, "conference", "publish", slug, NULL);

      assert_ok (p);
    }
}

/* Places an order; returns its id. */
static char *
place (Fixture    *f,
       const char *slug,
       const char *seats,
       const char *expected_status)
{
  g_autoptr(JsonObject) o = run_json (f, "order", "place", slug, seats, NULL);
  JsonObject *order = json_object_get_object_member (o, "order");

  g_assert_cmpstr (json_object_get_string_member (order, "status"), ==, expected_status);
  g_assert_cmpint (strlen (json_object_get_string_member (order, "access_code")), ==, 6);
  return g_strdup (json_object_get_string_member (order, "order_id"));
}

static JsonObject *
show_order (Fixture    *f,
            const char *order)
{
  return run_json (f, "order", "show", order, NULL);
}

static void
pay_cash (Fixture    *f,
          const char *order)
{
  g_autoptr(Run) r = run (f, "order", "pay", order, "--method", "cash", NULL);

  assert_ok (r);
}

static JsonObject *
seats_of (Fixture    *f,
          const char *slug,
          const char *name)
{
  g_autoptr(JsonObject) c = run_json (f, "conference", "show", slug, NULL);
  JsonArray *seats = json_object_get_array_member (c, "seats");

  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      JsonObject *s = json_array_get_object_element (seats, i);

      if (g_str_equal (json_object_get_string_member (s, "name"), name))
        return json_object_ref (s);
    }
  g_assert_not_reached ();
}

static gboolean
attention_has (Fixture    *f,
               const char *member,
               const char *value)
{
  g_autoptr(Run) r = run (f, "--json", "attention", "list", NULL);
  g_autoptr(JsonArray) list = NULL;

  assert_ok (r);
  list = parse_array (r->out);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *a = json_array_get_object_element (list, i);

      if (json_object_has_member (a, member) &&
          g_strcmp0 (json_object_get_string_member (a, member), value) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Tests */

static void
test_walk (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(JsonObject) placed = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(Run) registrant = NULL;
  g_autoptr(Run) pay = NULL;
  g_autoptr(Run) human = NULL;
  g_autoptr(Run) admit = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) undone = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(JsonObject) seats = NULL;
  g_autofree char *code0 = NULL;
  g_autofree char *code1 = NULL;
  const char *order_id, *access_code;
  JsonArray *attendees;

  create_conference (f, "devcon", "100", TRUE);

  placed = run_json (f, "order", "place", "devcon", "Full pass=1", "Workshop=1", NULL);
  order = json_object_ref (json_object_get_object_member (placed, "order"));
  order_id = json_object_get_string_member (order, "order_id");
  access_code = json_object_get_string_member (order, "access_code");
  g_assert_cmpstr (json_object_get_string_member (order, "status"), ==, "reserved");
  g_assert_cmpint (json_object_get_int_member (order, "total"), ==, 24900);
  g_assert_nonnull (json_object_get_string_member (order, "expires_at"));

  registrant = run (f, "order", "registrant", access_code, "--first-name", "José",
                    "--last-name", "García", "--email", "jose@example.com", NULL);
  assert_ok (registrant);
  pay = run (f, "order", "pay", access_code, "--method", "cash", NULL);
  assert_ok (pay);
  g_assert_nonnull (strstr (pay->out, "249.00 USD"));
  g_assert_nonnull (strstr (pay->out, "confirmed"));

  g_clear_pointer (&order, json_object_unref);
  order = show_order (f, order_id);
  g_assert_cmpstr (json_object_get_string_member (order, "status"), ==, "confirmed");
  g_assert_cmpint (json_object_get_int_member (order, "total"), ==, 24900);
  attendees = json_object_get_array_member (order, "attendees");
  g_assert_cmpuint (json_array_get_length (attendees), ==, 2);
  code0 = g_strdup (json_object_get_string_member (json_array_get_object_element (attendees, 0),
                                                   "ticket_code"));
  code1 = g_strdup (json_object_get_string_member (json_array_get_object_element (attendees, 1),
                                                   "ticket_code"));
  g_assert_cmpint (strlen (code0), ==, 12);
  g_assert_cmpstr (code0, !=, code1);

  /* Both seats assigned, by access code and by id. */
  {
    g_autoptr(Run) a0 = run (f, "attendee", "assign", access_code, "0", "--email",
                             "jose@example.com", "--first-name", "José", "--last-name",
                             "García", NULL);
    g_autoptr(Run) a1 = run (f, "attendee", "assign", order_id, "1", "--email",
                             "zoe@example.com", "--first-name", "Zoë", "--last-name",
                             "Brontë", NULL);
    g_autoptr(Run) search = run (f, "--json", "attendee", "list", "devcon", "--search", "zoe",
                                 NULL);
    g_autoptr(JsonArray) found = NULL;

    assert_ok (a0);
    assert_ok (a1);
    g_assert_nonnull (strstr (a1->out, "Zoë"));
    assert_ok (search);
    found = parse_array (search->out);
    g_assert_cmpuint (json_array_get_length (found), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (found, 0),
                                                    "ticket_code"), ==, code1);
  }

  human = run (f, "order", "show", access_code, NULL);
  assert_ok (human);
  g_assert_nonnull (strstr (human->out, "confirmed"));
  g_assert_nonnull (strstr (human->out, "José García"));
  g_assert_nonnull (strstr (human->out, code1));

  seats = seats_of (f, "devcon", "Full pass");
  g_assert_cmpint (json_object_get_int_member (seats, "sold"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (seats, "available"), ==, 99);

  admit = run (f, "checkin", code0, NULL);
  assert_ok (admit);
  g_assert_true (g_str_has_prefix (admit->out, "ADMITTED"));
  g_assert_false (attention_has (f, "ticket_code", code0));

  again = run (f, "checkin", code0, NULL);
  assert_ok (again);
  g_assert_true (g_str_has_prefix (again->out, "ALREADY ADMITTED"));
  g_assert_true (attention_has (f, "ticket_code", code0));

  /* The double admission taken back: the first stands, and is no longer
   * the ticket's last scan, so it is not taken back in turn. */
  undone = run (f, "checkin", code0, "--undo", NULL);
  assert_ok (undone);
  g_assert_nonnull (strstr (undone->out, "the one before stands"));
  g_clear_pointer (&undone, run_free);
  undone = run (f, "checkin", code0, "--undo", NULL);
  g_assert_cmpint (undone->status, ==, 1);
  g_assert_nonnull (strstr (undone->err, "cannot be undone"));
  g_clear_pointer (&undone, run_free);
  undone = run (f, "checkin", code1, "--undo", NULL);
  g_assert_cmpint (undone->status, ==, 1);
  g_assert_nonnull (strstr (undone->err, "no admission to undo"));
  g_clear_pointer (&undone, run_free);

  /* An exit scanned by mistake: taken back, the holder counts as inside. */
  g_clear_pointer (&again, run_free);
  again = run (f, "checkin", code0, "--exit", NULL);
  assert_ok (again);
  g_assert_true (g_str_has_prefix (again->out, "EXITED"));
  undone = run (f, "checkin", code0, "--undo", "--exit", NULL);
  assert_ok (undone);
  g_assert_nonnull (strstr (undone->out, "they count as inside"));
  g_clear_pointer (&undone, run_free);
  undone = run (f, "checkin", code0, "--undo", "--exit", NULL);
  g_assert_cmpint (undone->status, ==, 1);
  g_assert_nonnull (strstr (undone->err, "no exit to undo"));

  list = run (f, "--json", "order", "list", "devcon", NULL);
  assert_ok (list);
  {
    g_autoptr(JsonArray) orders = parse_array (list->out);

    g_assert_cmpuint (json_array_get_length (orders), ==, 1);
  }
}

static void
test_partial (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(Run) accept = NULL;
  JsonArray *lines;

  create_conference (f, "devcon", "4", TRUE);
  first = place (f, "devcon", "Full pass=3", "reserved");
  second = place (f, "devcon", "Full pass=3", "partially-reserved");

  order = show_order (f, second);
  lines = json_object_get_array_member (order, "lines");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (lines, 0),
                                               "quantity"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (order, "total"), ==, 19900);

  accept = run (f, "order", "accept", second, NULL);
  assert_ok (accept);
  pay_cash (f, second);
  pay_cash (f, first);

  g_clear_pointer (&order, json_object_unref);
  order = show_order (f, second);
  g_assert_cmpstr (json_object_get_string_member (order, "status"), ==, "confirmed");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (order, "attendees")),
                    ==, 1);
  g_clear_pointer (&order, json_object_unref);
  order = seats_of (f, "devcon", "Full pass");
  g_assert_cmpint (json_object_get_int_member (order, "sold"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (order, "available"), ==, 0);
}

/* A desk's own allotment is used without asking: those sales are
 * guaranteed; beyond it they come from the pool as usual. */
static void
test_own_allotment (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(Run) grant = NULL;
  g_autoptr(JsonObject) first_order = NULL;
  g_autoptr(JsonObject) second_order = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  create_conference (f, "devcon", "3", TRUE);
  status = run_json (f, "status", NULL);
  grant = run (f, "allotment", "grant", "devcon",
               json_object_get_string_member (status, "device_id"),
               "Full pass=1", "--until", "+2h", NULL);
  assert_ok (grant);

  first = place (f, "devcon", "Full pass=1", "reserved");
  second = place (f, "devcon", "Full pass=1", "reserved");
  first_order = show_order (f, first);
  second_order = show_order (f, second);
  g_assert_true (json_object_get_boolean_member (first_order, "guaranteed"));
  g_assert_false (json_object_get_boolean_member (second_order, "guaranteed"));
}

static void
test_cancel_refund (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autoptr(Run) cancel = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) seats = NULL;

  create_conference (f, "devcon", "10", TRUE);
  order_id = place (f, "devcon", "Full pass=2", "reserved");
  pay_cash (f, order_id);
  g_assert_false (attention_has (f, "order_id", order_id));

  cancel = run (f, "order", "cancel", order_id, "--reason", "Cannot travel", NULL);
  assert_ok (cancel);
  g_assert_nonnull (strstr (cancel->out, "398.00 USD"));

  order = show_order (f, order_id);
  g_assert_cmpstr (json_object_get_string_member (order, "status"), ==, "cancelled");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (order, "refunds")), ==, 1);
  g_assert_true (attention_has (f, "order_id", order_id));
  seats = seats_of (f, "devcon", "Full pass");
  g_assert_cmpint (json_object_get_int_member (seats, "available"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (seats, "sold"), ==, 0);

  /* The refund paid back: marked resolved by the id the list shows, gone
   * from the list, there again with --resolved, and reopened. */
  {
    g_autoptr(Run) list = run (f, "attention", "list", "devcon", NULL);
    g_autoptr(Run) resolve = NULL, again = NULL, hidden = NULL, shown = NULL, reopen = NULL;
    g_autoptr(JsonObject) result = NULL;
    g_autofree char *id = NULL;

    assert_ok (list);
    /* The item names its order by the code people know it by. */
    g_assert_nonnull (strstr (list->out, json_object_get_string_member (order, "access_code")));
    id = g_strndup (strchr (list->out, '\n') + 1, strspn (strchr (list->out, '\n') + 1, "0123456789"));
    g_assert_cmpuint (strlen (id), >, 0);
    /* One kind at a time. */
    {
      g_autoptr(Run) refunds = run (f, "attention", "list", "devcon", "--kind", "refund_due", NULL);
      g_autoptr(Run) twice = run (f, "attention", "list", "devcon", "--kind", "already_admitted", NULL);

      assert_ok (refunds);
      g_assert_cmpstr (refunds->out, ==, list->out);
      assert_ok (twice);
      g_assert_nonnull (strstr (twice->out, "Nothing needs attention."));
    }

    resolve = run (f, "--json", "attention", "resolve", id, "--note", "Paid back in cash", NULL);
    assert_ok (resolve);
    result = parse_object (resolve->out);
    g_assert_cmpint (json_object_get_int_member (result, "events"), ==, 1);
    g_assert_true (json_object_get_boolean_member (json_object_get_object_member (result, "item"),
                                                   "resolved"));
    g_assert_false (attention_has (f, "order_id", order_id));

    again = run (f, "attention", "resolve", id, NULL);
    assert_ok (again);
    g_assert_nonnull (strstr (again->out, "Already resolved"));
    hidden = run (f, "attention", "list", "devcon", NULL);
    assert_ok (hidden);
    g_assert_nonnull (strstr (hidden->out, "Nothing needs attention."));
    shown = run (f, "attention", "list", "--resolved", "devcon", NULL);
    assert_ok (shown);
    g_assert_nonnull (strstr (shown->out, "RESOLVED (Paid back in cash)"));

    reopen = run (f, "attention", "reopen", id, NULL);
    assert_ok (reopen);
    g_assert_nonnull (strstr (reopen->out, "Reopened"));
    g_assert_true (attention_has (f, "order_id", order_id));
  }

  /* Every refund due at once, with one note; none left the second time. */
  {
    g_autoptr(Run) all = run (f, "attention", "resolve-all", "devcon", "--kind", "refund_due",
                              "--note", "Refunds run", NULL);
    g_autoptr(Run) again = run (f, "--json", "attention", "resolve-all", "devcon", "--kind",
                                "refund_due", NULL);
    g_autoptr(Run) shown = NULL;
    g_autoptr(JsonObject) result = NULL;

    assert_ok (all);
    g_assert_cmpstr (all->out, ==, "Resolved 1 item of “Refunds due” in devcon.\n");
    g_assert_false (attention_has (f, "order_id", order_id));
    assert_ok (again);
    result = parse_object (again->out);
    g_assert_cmpint (json_object_get_int_member (result, "resolved"), ==, 0);
    shown = run (f, "attention", "list", "--resolved", "devcon", NULL);
    g_assert_nonnull (strstr (shown->out, "RESOLVED (Refunds run)"));
  }
}

static void
test_expiry (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autoptr(JsonObject) seats = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(Run) status = NULL;

  f->now = "2026-01-10T09:00:00Z";
  create_conference (f, "devcon", "10", TRUE);
  order_id = place (f, "devcon", "Full pass=3", "reserved");
  seats = seats_of (f, "devcon", "Full pass");
  g_assert_cmpint (json_object_get_int_member (seats, "available"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (seats, "reserved"), ==, 3);
  g_clear_pointer (&seats, json_object_unref);

  /* Still inside its window. */
  f->now = "2026-01-10T09:14:00Z";
  order = show_order (f, order_id);
  g_assert_cmpstr (json_object_get_string_member (order, "status"), ==, "reserved");
  g_clear_pointer (&order, json_object_unref);

  /* Any command past the window runs the timer. */
  f->now = "2026-01-10T09:16:00Z";
  status = run (f, "status", NULL);
  assert_ok (status);
  order = show_order (f, order_id);
  g_assert_cmpstr (json_object_get_string_member (order, "status"), ==, "expired");
  seats = seats_of (f, "devcon", "Full pass");
  g_assert_cmpint (json_object_get_int_member (seats, "available"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (seats, "reserved"), ==, 0);
}

static void
test_waitlist (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autoptr(Run) early = NULL;
  g_autoptr(Run) join = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) leave = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(JsonArray) entries = NULL;
  g_autoptr(JsonObject) seats = NULL;

  create_conference (f, "devcon", "2", TRUE);
  early = run (f, "waitlist", "join", "devcon", "Full pass=1", "--email", "anais@example.com",
               NULL);
  g_assert_cmpint (early->status, ==, 1);
  g_assert_nonnull (strstr (early->err, "sold out"));

  order_id = place (f, "devcon", "Full pass=2", "reserved");
  pay_cash (f, order_id);

  join = run (f, "waitlist", "join", "devcon", "full pass=1", "--email", "anais@example.com",
              "--first-name", "Anaïs", "--last-name", "Dupré", NULL);
  assert_ok (join);
  list = run (f, "--json", "waitlist", "list", "devcon", NULL);
  assert_ok (list);
  entries = parse_array (list->out);
  g_assert_cmpuint (json_array_get_length (entries), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (entries, 0),
                                                  "email"), ==, "anais@example.com");
  seats = seats_of (f, "devcon", "Full pass");
  g_assert_cmpint (json_object_get_int_member (seats, "waiting"), ==, 1);

  /* Taken off by e-mail address (any case); then nobody is. */
  leave = run (f, "waitlist", "leave", "devcon", "Anais@Example.com", NULL);
  assert_ok (leave);
  g_assert_nonnull (strstr (leave->out, "anais@example.com is off the waitlist of “Full pass”"));
  g_clear_pointer (&list, run_free);
  list = run (f, "waitlist", "list", "devcon", NULL);
  assert_ok (list);
  g_assert_nonnull (strstr (list->out, "left"));
  g_clear_pointer (&seats, json_object_unref);
  seats = seats_of (f, "devcon", "Full pass");
  g_assert_cmpint (json_object_get_int_member (seats, "waiting"), ==, 0);
  {
    g_autoptr(Run) by_id = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *o;

    /* The same by entry id, in JSON: the entry as it is now. */
    g_clear_pointer (&join, run_free);
    join = run (f, "--json", "waitlist", "join", "devcon", "full pass=1", "--email",
                "bo@example.com", NULL);
    assert_ok (join);
    g_assert_true (json_parser_load_from_data (parser, join->out, -1, NULL));
    o = json_node_get_object (json_parser_get_root (parser));
    by_id = run (f, "--json", "waitlist", "leave", "devcon",
                 json_object_get_string_member (json_object_get_object_member (o, "entry"),
                                                "entry_id"), NULL);
    assert_ok (by_id);
    g_assert_nonnull (strstr (by_id->out, "\"status\" : \"left\""));
    g_assert_nonnull (strstr (by_id->out, "bo@example.com"));
  }
  again = run (f, "waitlist", "leave", "devcon", "anais@example.com", NULL);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_nonnull (strstr (again->err, "anais@example.com"));
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autofree char *confirmed_id = NULL;
  const char *unknown_id = "01900000-0000-7000-8000-000000000000";
  struct
  {
    const char *args[12];
    int         status;
    const char *names;
  } cases[] = {
    { { "order", "place", "devcon", "Nope=1" }, 1, "Nope" },
    { { "order", "place", "devcon", "Full pass=x" }, 2, "quantity" },
    { { "order", "place", "devcon", "Full pass=-1" }, 1, "quantity" },
    { { "order", "place", "devcon", "Full pass=0", "Workshop=0" }, 1, "seats" },
    { { "order", "place", "devcon", "Full pass" }, 2, "TYPE=QTY" },
    { { "order", "place", "devcon" }, 2, "TYPE=QTY" },
    { { "order", "place", "draft", "Full pass=1" }, 1, "published" },
    { { "order", "place", "nope", "Full pass=1" }, 1, "nope" },
    { { "order", "place", "devcon", "Full pass=1", "--first-name", "Jane", "--last-name", "Doe",
        "--email", "jane.example.com" }, 1, "e-mail" },
    { { "order", "show", unknown_id }, 1, "order" },
    { { "order", "show", "ZZZZZZ" }, 1, "ZZZZZZ" },
    { { "order", "show", "not-an-order" }, 1, "order" },
    { { "order", "pay", "ORDER", "--method", "bitcoin" }, 1, "method" },
    { { "order", "pay", "ORDER" }, 2, "--method" },
    { { "order", "pay", "ORDER", "--method", "cash", "--amount", "abc" }, 2, "--amount" },
    { { "order", "pay", "ORDER", "--method", "cash", "--reject" }, 2, "--reject" },
    { { "order", "pay", unknown_id, "--method", "cash", "--amount", "10" }, 1, "order" },
    { { "order", "registrant", "ORDER", "--first-name", "A", "--last-name", "B", "--email",
        "nope" }, 1, "e-mail" },
    { { "order", "registrant", "ORDER", "--first-name", "A" }, 2, "--last-name" },
    { { "order", "accept", "ORDER" }, 1, "partially reserved" },
    { { "order", "update", "CONFIRMED", "Full pass=1" }, 1, "confirmed" },
    { { "order", "cancel", unknown_id }, 1, "order" },
    { { "order", "list", "devcon", "--state", "bogus" }, 2, "--state" },
    { { "order", "list", "nope" }, 1, "nope" },
    { { "order", "find" }, 2, "--email" },
    { { "attendee", "assign", "ORDER", "0", "--email", "a@example.com" }, 1, "confirmed" },
    { { "attendee", "assign", "CONFIRMED", "x", "--email", "a@example.com" }, 2, "position" },
    { { "attendee", "assign", "CONFIRMED", "9", "--email", "a@example.com" }, 1, "position" },
    { { "attendee", "assign", "CONFIRMED", "0", "--email", "nope" }, 1, "e-mail" },
    { { "attendee", "assign", "CONFIRMED", "0" }, 2, "--email" },
    { { "checkin", "!!" }, 1, "ticket code" },
    { { "checkin", "ABC", "--exit", "--reentry" }, 2, "--reentry" },
    { { "checkin", "ABC", "--undo", "--reentry" }, 2, "--undo" },
    { { "waitlist", "join", "devcon", "Workshop=1", "--email", "a@example.com" }, 1,
      "not sold out" },
    { { "waitlist", "join", "devcon", "Nope=1", "--email", "a@example.com" }, 1, "Nope" },
    { { "attention", "list", "nope" }, 1, "nope" },
    { { "attention", "resolve", "12345" }, 1, "12345" },
    { { "attention", "resolve" }, 2, "ID" },
    { { "attention", "reopen", "order/x#1", "--note", "x" }, 2, "--note" },
    { { "attention", "list", "devcon", "--kind", "refunds" }, 2, "“refunds” is not a kind" },
    { { "attention", "resolve-all", "devcon" }, 2, "--kind is required" },
    { { "attention", "resolve-all", "nope", "--kind", "refund_due" }, 1, "nope" },
    { { "demo", "--orders", "0" }, 2, "--orders" },
    { { "demo", "--slug", "devcon" }, 1, "devcon" },
  };
  gint64 count;

  create_conference (f, "devcon", "10", TRUE);
  create_conference (f, "draft", "10", FALSE);
  order_id = place (f, "devcon", "Full pass=1", "reserved");
  confirmed_id = place (f, "devcon", "Workshop=1", "reserved");
  pay_cash (f, confirmed_id);
  count = event_count (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[13] = { NULL, };
      g_autoptr(Run) r = NULL;

      for (guint a = 0; a < 12 && cases[i].args[a] != NULL; a++)
        {
          args[a] = cases[i].args[a];
          if (g_str_equal (args[a], "ORDER"))
            args[a] = order_id;
          else if (g_str_equal (args[a], "CONFIRMED"))
            args[a] = confirmed_id;
        }
      r = run_argv (f, args);

      g_test_message ("case %u: %s %s → %d: %s", i, args[0], args[1], r->status, r->err);
      g_assert_cmpint (r->status, ==, cases[i].status);
      g_assert_cmpstr (r->out, ==, "");
      /* One line, a sentence, naming what is wrong. */
      g_assert_true (g_str_has_prefix (r->err, "contoso: "));
      g_assert_true (g_str_has_suffix (r->err, ".\n"));
      g_assert_cmpint (strchr (r->err, '\n') - r->err, ==, (int) strlen (r->err) - 1);
      g_assert_nonnull (strstr (r->err, cases[i].names));
    }

  /* Nothing was written by any of them. */
  g_assert_cmpint (event_count (f), ==, count);
}

static void
test_json_error (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Run) r = NULL;
  g_autoptr(JsonObject) o = NULL;

  create_conference (f, "devcon", "10", TRUE);
  r = run (f, "--json", "order", "place", "devcon", "Nope=2", NULL);
  g_assert_cmpint (r->status, ==, 1);
  o = parse_object (r->out);
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (o, "field"), ==, "seat_type");
}

static void
test_unknown_ticket (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Run) r = NULL;
  g_autoptr(JsonObject) o = NULL;

  create_conference (f, "devcon", "10", TRUE);
  r = run (f, "checkin", "ABCD-EFGH-JKMN", NULL);
  assert_ok (r);
  g_assert_true (g_str_has_prefix (r->out, "UNKNOWN"));
  o = run_json (f, "checkin", "abcdefghjkmn", NULL);
  g_assert_cmpstr (json_object_get_string_member (o, "verdict"), ==, "unknown");
  g_assert_true (attention_has (f, "ticket_code", "ABCDEFGHJKMN"));
}

static char *
read_models (Fixture    *f,
             const char *slug)
{
  g_autoptr(Run) conference = run (f, "--json", "conference", "show", slug, NULL);
  g_autoptr(Run) orders = run (f, "--json", "order", "list", slug, "--limit", "0", NULL);
  g_autoptr(Run) attendees = run (f, "--json", "attendee", "list", slug, "--limit", "0", NULL);
  g_autoptr(Run) waitlist = run (f, "--json", "waitlist", "list", slug, NULL);
  g_autoptr(Run) attention = run (f, "--json", "attention", "list", slug, NULL);

  assert_ok (conference);
  assert_ok (orders);
  assert_ok (attendees);
  assert_ok (waitlist);
  assert_ok (attention);
  return g_strconcat (conference->out, orders->out, attendees->out, waitlist->out,
                      attention->out, NULL);
}

static void
test_demo_rebuild (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(Run) rebuild = NULL;
  g_autoptr(Run) again = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonObject *states;

  summary = run_json (f, "demo", "--orders", "300", "--slug", "demo", NULL);
  states = json_object_get_object_member (summary, "states");
  g_assert_cmpint (json_object_get_int_member (states, "confirmed"), >, 100);
  g_assert_cmpint (json_object_get_int_member (states, "expired"), >, 0);
  g_assert_cmpint (json_object_get_int_member (states, "cancelled"), >, 0);
  g_assert_cmpint (json_object_get_int_member (states, "reserved") +
                   json_object_get_int_member (states, "partially-reserved"), >, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "admitted"), >, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "attention"), >, 0);

  before = read_models (f, "demo");
  rebuild = run (f, "rebuild", NULL);
  assert_ok (rebuild);
  after = read_models (f, "demo");
  g_assert_cmpstr (after, ==, before);

  /* Accented names made it through. */
  g_assert_true (strstr (before, "José") != NULL || strstr (before, "Zoë") != NULL ||
                 strstr (before, "François") != NULL);

  /* The same slug twice is refused, and writes nothing. */
  again = run (f, "demo", "--orders", "10", "--slug", "demo", NULL);
  g_assert_cmpint (again->status, ==, 1);
}

/* The store's own device id (who admitted) differs from store to store;
 * messages name it by its end. */
static char *
without_device (Fixture *f,
                char    *text)
{
  g_autoptr(JsonObject) status = run_json (f, "status", NULL);
  const char *device = json_object_get_string_member (status, "device_id");
  g_autofree char *tail = ccm_id_short (device);
  g_auto(GStrv) parts = g_strsplit (text, device, -1);
  g_autofree char *joined = g_strjoinv ("DEVICE", parts);
  g_auto(GStrv) short_parts = g_strsplit (joined, tail, -1);

  g_free (text);
  return g_strjoinv ("DEVICE", short_parts);
}

static void
test_demo_seed (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  /* The same seed at the same time makes the same conference. */
  f->now = "2026-03-01T12:00:00Z";
  {
    g_autoptr(Run) a = run (f, "demo", "--orders", "60", "--seed", "7", "--slug", "one", NULL);

    assert_ok (a);
  }
  first = without_device (f, read_models (f, "one"));
  g_assert_cmpint (g_remove (f->store), ==, 0);
  {
    g_autofree char *wal = g_strconcat (f->store, "-wal", NULL);
    g_autofree char *shm = g_strconcat (f->store, "-shm", NULL);
    g_autoptr(Run) b = NULL;

    g_remove (wal);
    g_remove (shm);
    b = run (f, "demo", "--orders", "60", "--seed", "7", "--slug", "one", NULL);
    assert_ok (b);
  }
  second = without_device (f, read_models (f, "one"));
  g_assert_cmpstr (second, ==, first);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("orders/walk", test_walk);
  ADD ("orders/partial-reservation", test_partial);
  ADD ("orders/cancel-refund", test_cancel_refund);
  ADD ("orders/own-allotment", test_own_allotment);
  ADD ("orders/expiry", test_expiry);
  ADD ("orders/waitlist", test_waitlist);
  ADD ("orders/bad-input", test_bad_input);
  ADD ("orders/json-error", test_json_error);
  ADD ("checkin/unknown-ticket", test_unknown_ticket);
  ADD ("demo/rebuild", test_demo_rebuild);
  ADD ("demo/same-seed", test_demo_seed);

#undef ADD

  return g_test_run ();
}
