/* test-views.c — the read models of orders, seats, attendees, check-in,
 * waitlists and the attention list, fed by real commands through the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ccm-assignments.h"
#include "ccm-attention.h"
#include "ccm-conference-views.h"
#include "test-fixtures.h"
#include "ccm-domain.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-order-views.h"
#include "ccm-store.h"

#define T0 G_GINT64_CONSTANT (1780000000000000)   /* 2026-05-28T20:26:40Z */
#define MINUTE_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

typedef struct
{
  char *dir;
  char *path;
  CcmRegistry *registry;
  CcmClock *clock;
  CcmStore *store;
  char *general;    /* seat type ids of "conf" */
  char *workshop;
  char *tutorial;
} Fixture;

/* Set-up */

static CcmStore *
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CcmStore *store = ccm_store_open (f->path, f->registry, f->clock, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("ccm-views-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "store.db", NULL);
  f->registry = ccm_domain_registry_new ();
  f->clock = ccm_clock_new_fixed (T0);
  f->store = open_store (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (f->store != NULL)
    g_assert_finalize_object (f->store);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->registry, ccm_registry_unref);

  d = g_dir_open (f->dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
  g_free (f->general);
  g_free (f->workshop);
  g_free (f->tutorial);
}

/* Commands */

static char *
new_id (Fixture *f)
{
  return ccm_id_new (ccm_clock_now (f->clock));
}

/* Runs a command (args are taken) and returns a copy of its result. */
static JsonObject *
run (Fixture    *f,
     const char *type,
     JsonObject *args)
{
  g_autofree char *command_id = new_id (f);
  g_autoptr(CcmCommand) command = ccm_command_new (type, command_id, args);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = ccm_store_execute (f->store, command, &error);

  g_assert_no_error (error);
  g_assert_nonnull (outcome);
  return ccm_json_copy (outcome->result);
}

static void
run_ok (Fixture    *f,
        const char *type,
        JsonObject *args)
{
  g_autoptr(JsonObject) result = run (f, type, args);
}

static char *
add_seat_type (Fixture    *f,
               const char *slug,
               const char *name,
               gint64      price,
               gint64      quota)
{
  JsonObject *args = json_object_new ();
  char *id = new_id (f);

  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "seat_type_id", id);
  json_object_set_string_member (args, "name", name);
  json_object_set_int_member (args, "price", price);
  json_object_set_int_member (args, "quota", quota);
  run_ok (f, "AddSeatType", args);
  return id;
}

/* "conf": General $199.00 (100 seats), Workshop $50.00 (10), Tutorial
 * $100.00 (4), published. */
static void
given_conference (Fixture    *f,
                  const char *slug)
{
  JsonObject *args = json_object_new ();
  g_autofree char *conference_id = new_id (f);

  json_object_set_string_member (args, "conference_id", conference_id);
  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "name", "Contoso Days");
  json_object_set_string_member (args, "start_date", "2026-06-01");
  json_object_set_string_member (args, "end_date", "2026-06-02");
  json_object_set_string_member (args, "owner_name", "Ada Owner");
  json_object_set_string_member (args, "owner_email", "ada@example.com");
  json_object_set_string_member (args, "access_code", "CONFAB");
  json_object_set_string_member (args, "currency", "USD");
  run_ok (f, "CreateConference", args);

  g_free (f->general);
  g_free (f->workshop);
  g_free (f->tutorial);
  f->general = add_seat_type (f, slug, "General", 19900, 100);
  f->workshop = add_seat_type (f, slug, "Workshop", 5000, 10);
  f->tutorial = add_seat_type (f, slug, "Tutorial", 10000, 4);

  args = json_object_new ();
  json_object_set_string_member (args, "slug", slug);
  run_ok (f, "PublishConference", args);
}

static void
add_seats (JsonArray  *seats,
           const char *seat_type,
           gint64      quantity)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "seat_type", seat_type);
  json_object_set_int_member (o, "quantity", quantity);
  json_array_add_object_element (seats, o);
}

/* Places an order for up to two seat types; returns its id. */
static char *
place_order (Fixture    *f,
             const char *slug,
             const char *type_a,
             gint64      quantity_a,
             const char *type_b,
             gint64      quantity_b,
             const char *email)
{
  JsonObject *args = json_object_new ();
  JsonArray *seats = json_array_new ();
  g_autofree char *code = ccm_access_code_new ();
  g_autoptr(JsonObject) result = NULL;
  char *order_id = new_id (f);

  add_seats (seats, type_a, quantity_a);
  if (type_b != NULL)
    add_seats (seats, type_b, quantity_b);
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "conference", slug);
  json_object_set_string_member (args, "access_code", code);
  json_object_set_array_member (args, "seats", seats);
  json_object_set_array_member (args, "ticket_codes", ccm_ticket_codes_new (quantity_a + quantity_b));
  if (email != NULL)
    {
      json_object_set_string_member (args, "first_name", "Rita");
      json_object_set_string_member (args, "last_name", "Registrant");
      json_object_set_string_member (args, "email", email);
    }
  result = run (f, "PlaceOrder", args);
  g_assert_cmpstr (ccm_json_string (result, "order_id"), ==, order_id);
  return order_id;
}

static char *
pay (Fixture    *f,
     const char *order_id,
     gint64      amount)
{
  JsonObject *args = json_object_new ();
  char *payment_id = new_id (f);

  json_object_set_string_member (args, "payment_id", payment_id);
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "method", "cash");
  json_object_set_int_member (args, "amount", amount);
  run_ok (f, "InitiatePayment", args);

  args = json_object_new ();
  json_object_set_string_member (args, "payment_id", payment_id);
  run_ok (f, "CompletePayment", args);
  return payment_id;
}

static void
assign_seat (Fixture    *f,
             const char *order_id,
             gint64      position,
             const char *first_name,
             const char *last_name,
             const char *email)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_int_member (args, "position", position);
  json_object_set_string_member (args, "first_name", first_name);
  json_object_set_string_member (args, "last_name", last_name);
  json_object_set_string_member (args, "email", email);
  run_ok (f, "AssignSeat", args);
}

static JsonObject *
admit (Fixture    *f,
       const char *ticket_code,
       const char *slug)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "ticket_code", ticket_code);
  if (slug != NULL)
    json_object_set_string_member (args, "conference", slug);
  json_object_set_int_member (args, "device_time", ccm_clock_now (f->clock) - G_USEC_PER_SEC);
  return run (f, "AdmitTicket", args);
}

static void
cancel_order (Fixture    *f,
              const char *order_id)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "reason", "registrant asked");
  run_ok (f, "CancelOrder", args);
}

/* Queries */

static JsonObject *
get_order (Fixture    *f,
           const char *id_or_code)
{
  g_autoptr(GError) error = NULL;
  JsonObject *order = ccm_order_views_get (f->store, "conf", id_or_code, &error);

  g_assert_no_error (error);
  g_assert_nonnull (order);
  return order;
}

static JsonObject *
seat_row (Fixture    *f,
          const char *seat_type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) seats = ccm_seat_views_list (f->store, "conf", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      JsonObject *o = json_array_get_object_element (seats, i);

      if (g_str_equal (ccm_json_string (o, "seat_type_id"), seat_type))
        return json_object_ref (o);
    }
  g_assert_not_reached ();
}

static void
assert_seats (Fixture    *f,
              const char *seat_type,
              gint64      available,
              gint64      reserved,
              gint64      sold,
              gint64      waiting)
{
  g_autoptr(JsonObject) row = seat_row (f, seat_type);

  g_assert_cmpint (ccm_json_int (row, "available", -1), ==, available);
  g_assert_cmpint (ccm_json_int (row, "reserved", -1), ==, reserved);
  g_assert_cmpint (ccm_json_int (row, "sold", -1), ==, sold);
  g_assert_cmpint (ccm_json_int (row, "waiting", -1), ==, waiting);
}

static JsonArray *
search (Fixture    *f,
        const char *query)
{
  g_autoptr(GError) error = NULL;
  JsonArray *found = ccm_attendee_views_search (f->store, "conf", query, 50, &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  return found;
}

static JsonArray *
attention (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  JsonArray *list = ccm_attention_views_list (f->store, "conf", &error);

  g_assert_no_error (error);
  return list;
}

static guint
attention_length (Fixture *f)
{
  g_autoptr(JsonArray) list = attention (f);

  return json_array_get_length (list);
}

static guint
count_kind (JsonArray  *list,
            const char *kind)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_str_equal (ccm_json_string (json_array_get_object_element (list, i), "kind"), kind))
      n++;
  return n;
}

static JsonObject *
element (JsonObject *object,
         const char *member,
         guint       index)
{
  JsonArray *array = json_object_get_array_member (object, member);

  g_assert_cmpuint (index, <, json_array_get_length (array));
  return json_array_get_object_element (array, index);
}

static guint
length (JsonObject *object,
        const char *member)
{
  return json_array_get_length (json_object_get_array_member (object, member));
}

static const char *
ticket_of (JsonObject *order,
           guint       position)
{
  return ccm_json_string (element (order, "attendees", position), "ticket_code");
}

/* Tests */

static void
test_open_close (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) seats = NULL;

  seats = ccm_seat_views_list (f->store, "nowhere", &error);
  g_assert_null (seats);
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND);
  g_assert_cmpstr (ccm_domain_error_get_field (error), ==, "slug");

  g_assert_finalize_object (g_steal_pointer (&f->store));
}

/* A $199 + $50 order, paid and assigned: every read model afterwards. */
static void
test_paid_and_assigned (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autofree char *payment_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) by_code = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonArray) found = NULL;
  g_autoptr(JsonArray) attendees = NULL;
  g_autoptr(JsonObject) admitted = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *line, *payment, *attendee;

  given_conference (f, "conf");
  assert_seats (f, f->general, 100, 0, 0, 0);

  order_id = place_order (f, "conf", f->general, 1, f->workshop, 1, "rita@example.com");
  assert_seats (f, f->general, 99, 1, 0, 0);
  assert_seats (f, f->workshop, 9, 1, 0, 0);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "reserved");
  g_assert_cmpint (ccm_json_int (order, "total", 0), ==, 24900);
  g_assert_cmpstr (ccm_json_string (order, "expires_at"), ==, "2026-05-28T20:41:40.000Z");
  g_clear_pointer (&order, json_object_unref);

  payment_id = pay (f, order_id, 24900);
  assert_seats (f, f->general, 99, 0, 1, 0);
  assert_seats (f, f->workshop, 9, 0, 1, 0);

  order = get_order (f, order_id);
  assign_seat (f, order_id, 0, "José", "García", "Jose.Garcia@example.com");
  assign_seat (f, order_id, 1, "Ann", "Smith", "ann.smith@example.org");
  admitted = admit (f, ticket_of (order, 0), "conf");
  g_assert_false (ccm_json_bool (admitted, "flagged"));
  g_clear_pointer (&order, json_object_unref);

  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "conference"), ==, "conf");
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "confirmed");
  g_assert_cmpint (ccm_json_int (order, "total", 0), ==, 24900);
  g_assert_cmpstr (ccm_json_string (order, "currency"), ==, "USD");
  g_assert_false (ccm_json_bool (order, "is_free"));
  g_assert_cmpstr (ccm_json_string (order, "placed_at"), ==, "2026-05-28T20:26:40.000Z");
  g_assert_cmpstr (ccm_json_string (json_object_get_object_member (order, "registrant"), "email"),
                   ==, "rita@example.com");

  g_assert_cmpuint (length (order, "lines"), ==, 2);
  line = element (order, "lines", 0);
  g_assert_cmpstr (ccm_json_string (line, "seat_type_id"), ==, f->general);
  g_assert_cmpstr (ccm_json_string (line, "name"), ==, "General");
  g_assert_cmpint (ccm_json_int (line, "quantity", 0), ==, 1);
  g_assert_cmpint (ccm_json_int (line, "requested", 0), ==, 1);
  g_assert_cmpint (ccm_json_int (line, "unit_price", 0), ==, 19900);
  g_assert_cmpint (ccm_json_int (line, "line_total", 0), ==, 19900);
  line = element (order, "lines", 1);
  g_assert_cmpstr (ccm_json_string (line, "name"), ==, "Workshop");
  g_assert_cmpint (ccm_json_int (line, "line_total", 0), ==, 5000);

  g_assert_cmpuint (length (order, "payments"), ==, 1);
  payment = element (order, "payments", 0);
  g_assert_cmpstr (ccm_json_string (payment, "payment_id"), ==, payment_id);
  g_assert_cmpstr (ccm_json_string (payment, "method"), ==, "cash");
  g_assert_cmpint (ccm_json_int (payment, "amount", 0), ==, 24900);
  g_assert_cmpstr (ccm_json_string (payment, "status"), ==, "completed");
  g_assert_cmpuint (length (order, "refunds"), ==, 0);

  g_assert_cmpuint (length (order, "attendees"), ==, 2);
  attendee = element (order, "attendees", 0);
  g_assert_cmpint (ccm_json_int (attendee, "position", -1), ==, 0);
  g_assert_cmpstr (ccm_json_string (attendee, "seat_type"), ==, "General");
  g_assert_cmpstr (ccm_json_string (attendee, "first_name"), ==, "José");
  g_assert_cmpstr (ccm_json_string (attendee, "last_name"), ==, "García");
  g_assert_true (ccm_json_bool (attendee, "admitted"));
  g_assert_true (ccm_ticket_code_is_valid (ccm_json_string (attendee, "ticket_code")));
  attendee = element (order, "attendees", 1);
  g_assert_cmpstr (ccm_json_string (attendee, "seat_type"), ==, "Workshop");
  g_assert_cmpstr (ccm_json_string (attendee, "email"), ==, "ann.smith@example.org");
  g_assert_false (ccm_json_bool (attendee, "admitted"));

  /* The same order by its access code, in any case. */
  {
    g_autofree char *lower = g_ascii_strdown (ccm_json_string (order, "access_code"), -1);

    by_code = get_order (f, lower);
    g_assert_cmpstr (ccm_json_string (by_code, "order_id"), ==, order_id);
  }

  list = ccm_order_views_list (f->store, "conf", NULL, 0, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpint (ccm_json_int (json_array_get_object_element (list, 0), "attendees", 0), ==, 2);
  g_assert_cmpint (ccm_json_int (json_array_get_object_element (list, 0), "seats", 0), ==, 2);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (list, 0), "registrant"), ==,
                   "Rita Registrant");
  g_clear_pointer (&list, json_array_unref);
  list = ccm_order_views_list (f->store, "conf", "pending", 0, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (list), ==, 0);

  found = ccm_order_views_find (f->store, NULL, "RITA@Example.com", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (found, 0), "order_id"), ==,
                   order_id);

  attendees = search (f, NULL);
  g_assert_cmpuint (json_array_get_length (attendees), ==, 2);
  /* By last name: García before Smith. */
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (attendees, 0), "last_name"),
                   ==, "García");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (attendees, 0), "status"),
                   ==, "valid");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (attendees, 0), "admitted_at"),
                   ==, "2026-05-28T20:26:40.000Z");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (attendees, 0), "admitted_by"),
                   ==, ccm_store_get_device_id (f->store));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_array_get_object_element (attendees, 1),
                                                               "admitted_at")));

  stats = ccm_checkin_views_stats (f->store, "conf", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ccm_json_int (stats, "expected", -1), ==, 2);
  g_assert_cmpint (ccm_json_int (stats, "admitted", -1), ==, 1);
  g_assert_cmpint (ccm_json_int (stats, "inside", -1), ==, 1);
  g_assert_cmpuint (length (stats, "per_seat_type"), ==, 3);
  g_assert_cmpint (ccm_json_int (element (stats, "per_seat_type", 0), "expected", -1), ==, 1);
  g_assert_cmpint (ccm_json_int (element (stats, "per_seat_type", 0), "admitted", -1), ==, 1);
  g_assert_cmpint (ccm_json_int (element (stats, "per_seat_type", 1), "admitted", -1), ==, 0);
  g_assert_cmpuint (length (stats, "per_hour"), ==, 1);
  g_assert_cmpstr (ccm_json_string (element (stats, "per_hour", 0), "hour"), ==,
                   "2026-05-28T20:00:00.000Z");

  ticket = ccm_attendee_views_get_ticket (f->store, ticket_of (order, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ccm_json_string (ticket, "conference"), ==, "conf");
  g_assert_cmpstr (ccm_json_string (ticket, "first_name"), ==, "Ann");
  g_assert_cmpstr (ccm_json_string (ticket, "access_code"), ==,
                   ccm_json_string (order, "access_code"));
  g_assert_cmpuint (attention_length (f), ==, 0);
}

/* Quota four, four registrants asking for two each: the first two get
 * theirs, the last two get none and are re-priced on nothing. */
static void
test_partial_reservations (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(GStrv) ids = g_new0 (char *, 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) partial = NULL;

  given_conference (f, "conf");
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *email = g_strdup_printf ("r%u@example.com", i);

      ids[i] = place_order (f, "conf", f->tutorial, 2, NULL, 0, email);
    }

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonObject) order = get_order (f, ids[i]);
      JsonObject *line = element (order, "lines", 0);
      gboolean full = i < 2;

      g_assert_cmpstr (ccm_json_string (order, "status"), ==,
                       full ? "reserved" : "partially-reserved");
      g_assert_cmpint (ccm_json_int (order, "total", -1), ==, full ? 20000 : 0);
      g_assert_cmpint (ccm_json_int (line, "requested", -1), ==, 2);
      g_assert_cmpint (ccm_json_int (line, "quantity", -1), ==, full ? 2 : 0);
      g_assert_cmpint (ccm_json_int (line, "line_total", -1), ==, full ? 20000 : 0);
    }
  assert_seats (f, f->tutorial, 0, 4, 0, 0);

  partial = ccm_order_views_list (f->store, "conf", "partially-reserved", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (partial), ==, 2);
  /* Newest first. */
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (partial, 0), "order_id"), ==,
                   ids[3]);
  g_assert_cmpint (ccm_json_int (json_array_get_object_element (partial, 0), "seats", -1), ==, 0);
}

/* Unpaid past its window: expired, and its seats back in the pool. */
static void
test_expiry_frees_seats (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) expired = NULL;
  g_autoptr(GError) error = NULL;

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 3, f->tutorial, 1, NULL);
  assert_seats (f, f->general, 97, 3, 0, 0);
  assert_seats (f, f->tutorial, 3, 1, 0, 0);

  ccm_clock_advance (f->clock, 14 * MINUTE_US);
  g_assert_cmpuint (ccm_store_run_due_timers (f->store, &error), ==, 0);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "reserved");
  g_clear_pointer (&order, json_object_unref);

  ccm_clock_advance (f->clock, 2 * MINUTE_US);
  g_assert_cmpuint (ccm_store_run_due_timers (f->store, &error), ==, 1);
  g_assert_no_error (error);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "expired");
  assert_seats (f, f->general, 100, 0, 0, 0);
  assert_seats (f, f->tutorial, 4, 0, 0, 0);

  expired = ccm_order_views_list (f->store, "conf", "expired", 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (expired), ==, 1);
}

static void
assert_finds (Fixture    *f,
              const char *query,
              const char *last_name)
{
  g_autoptr(JsonArray) found = search (f, query);

  if (last_name == NULL)
    {
      g_assert_cmpuint (json_array_get_length (found), ==, 0);
      return;
    }
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (found, 0), "last_name"), ==,
                   last_name);
}

/* Letters that keep a stroke or ligature through decomposition are found
 * as typed without it; the sort follows. */
static void
test_search_typed_letters (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autoptr(JsonArray) all = NULL;

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 3, NULL, 0, "rita@example.com");
  g_free (pay (f, order_id, 59700));
  assign_seat (f, order_id, 0, "Søren", "Łukasiewicz", "sl@example.dk");
  assign_seat (f, order_id, 1, "Æsa", "Strøm", "aesa@example.no");
  assign_seat (f, order_id, 2, "Ann", "Lund", "ann@example.org");

  assert_finds (f, "soren", "Łukasiewicz");
  assert_finds (f, "SØR", "Łukasiewicz");
  assert_finds (f, "lukasiewicz", "Łukasiewicz");
  assert_finds (f, "søren łuk", "Łukasiewicz");
  assert_finds (f, "aesa strom", "Strøm");
  assert_finds (f, "ÆSA", "Strøm");
  assert_finds (f, "sorensen", NULL);

  /* Łukasiewicz sorts as an L, before Lund (not after Strøm, as Ł). */
  all = search (f, "");
  g_assert_cmpuint (json_array_get_length (all), ==, 3);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (all, 0), "last_name"), ==,
                   "Łukasiewicz");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (all, 1), "last_name"), ==, "Lund");
}

/* Case- and accent-insensitive prefixes of names, e-mail and ticket code. */
typedef struct
{
  GPtrArray *codes;       /* ticket codes, or order ids, walked */
  guint      stop_after;
} Walk;

static gboolean
walk_cb (JsonObject  *row,
         gpointer     user_data,
         GError     **error)
{
  Walk *walk = user_data;
  const char *code = ccm_json_string (row, "ticket_code");

  if (walk->codes->len == walk->stop_after)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Stopped");
      return FALSE;
    }
  g_ptr_array_add (walk->codes, g_strdup (code != NULL ? code : ccm_json_string (row, "order_id")));
  return TRUE;
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autofree char *code_prefix = NULL;

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 5, NULL, 0, "rita@example.com");
  g_free (pay (f, order_id, 99500));
  assign_seat (f, order_id, 0, "José", "García", "jose.garcia@example.com");
  assign_seat (f, order_id, 1, "Ann", "Smith", "ann.smith@example.org");
  assign_seat (f, order_id, 2, "Jean-Luc", "Picard", "captain@example.net");
  assign_seat (f, order_id, 3, "Zoë", "Ångström", "zoe@example.se");
  order = get_order (f, order_id);

  assert_finds (f, "jose", "García");
  assert_finds (f, "JOSÉ", "García");
  assert_finds (f, "garc", "García");
  assert_finds (f, "jose.gar", "García");
  assert_finds (f, "ann.s", "Smith");
  assert_finds (f, "jean-l", "Picard");
  assert_finds (f, "luc", "Picard");
  assert_finds (f, "CAPT", "Picard");
  assert_finds (f, "zoe ang", "Ångström");
  assert_finds (f, "zoe smith", NULL);
  assert_finds (f, "xavier", NULL);

  code_prefix = g_ascii_strdown (ticket_of (order, 1), 6);
  assert_finds (f, code_prefix, "Smith");
  g_clear_pointer (&code_prefix, g_free);
  code_prefix = g_strndup (ticket_of (order, 4), 8);
  {
    g_autoptr(JsonArray) found = search (f, code_prefix);

    /* The unassigned seat is found by its code alone. */
    g_assert_cmpuint (json_array_get_length (found), ==, 1);
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_array_get_object_element (found, 0),
                                                                 "email")));
  }

  /* Everybody, by last name, the unassigned seat last. */
  all = search (f, "  ");
  g_assert_cmpuint (json_array_get_length (all), ==, 5);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (all, 0), "last_name"), ==,
                   "Ångström");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (all, 1), "last_name"), ==,
                   "García");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (all, 3), "last_name"), ==,
                   "Smith");
  g_assert_cmpint (ccm_json_int (json_array_get_object_element (all, 4), "position", -1), ==, 4);

  /* The order's access code, as on its confirmation, in any case: its
   * seats first, in seat order. */
  {
    g_autofree char *lower = g_ascii_strdown (ccm_json_string (order, "access_code"), -1);
    g_autoptr(JsonArray) seats = search (f, lower);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonArray) two = ccm_attendee_views_search (f->store, "conf", lower, 2, &error);

    g_assert_cmpuint (json_array_get_length (seats), ==, 5);
    for (guint i = 0; i < 5; i++)
      g_assert_cmpstr (ccm_json_string (json_array_get_object_element (seats, i), "ticket_code"),
                       ==, ticket_of (order, i));
    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (two), ==, 2);
  }

  /* The same rows one at a time (exports), and a walk stopped midway. */
  {
    Walk walk = { g_ptr_array_new_with_free_func (g_free), G_MAXUINT };
    g_autoptr(GPtrArray) seen = walk.codes;
    g_autoptr(GError) error = NULL;

    g_assert_true (ccm_attendee_views_foreach (f->store, "conf", walk_cb, &walk, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (seen->len, ==, 5);
    for (guint i = 0; i < seen->len; i++)
      g_assert_cmpstr (g_ptr_array_index (seen, i), ==,
                       ccm_json_string (json_array_get_object_element (all, i), "ticket_code"));

    g_ptr_array_set_size (seen, 0);
    walk.stop_after = 2;
    g_assert_false (ccm_attendee_views_foreach (f->store, "conf", walk_cb, &walk, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (seen->len, ==, 2);
    g_clear_error (&error);

    g_ptr_array_set_size (seen, 0);
    walk.stop_after = G_MAXUINT;
    g_assert_true (ccm_order_views_foreach (f->store, "conf", walk_cb, &walk, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (seen->len, ==, 1);
    g_assert_false (ccm_order_views_foreach (f->store, "nope", walk_cb, &walk, &error));
    g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND);
  }
  assert_finds (f, "jose", "García");

  /* A new name replaces the old words. */
  assign_seat (f, order_id, 0, "Josefina", "Ruiz", "jose.garcia@example.com");
  assert_finds (f, "garc", NULL);
  assert_finds (f, "ruiz", "Ruiz");
  assert_finds (f, "josef", "Ruiz");
}

/* Admitting someone already inside is recorded, and flagged. */
static void
set_registrant (Fixture    *f,
                const char *order_id,
                const char *first_name,
                const char *last_name,
                const char *email)
{
  JsonObject *args = json_object_new ();
  g_autoptr(JsonObject) result = NULL;

  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "first_name", first_name);
  json_object_set_string_member (args, "last_name", last_name);
  json_object_set_string_member (args, "email", email);
  result = run (f, "AssignRegistrantDetails", args);
}

/* Whether the order list's search for query finds order_id: the key the
 * projection stored, looked for the way the list looks. */
static gboolean
order_search_finds (Fixture    *f,
                    const char *order_id,
                    const char *query)
{
  g_autofree char *pattern = ccm_order_views_search_pattern (query);
  sqlite3_stmt *stmt = ccm_store_prepare (f->store,
                                          "SELECT instr (search_key, ?2) > 0 FROM order_views "
                                          "WHERE order_id = ?1", NULL);
  gboolean found;

  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, order_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, pattern, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  found = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return found;
}

static void
test_order_search_key (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *code_prefix = NULL;
  const char *const finds[] = { "jose", "JOSÉ", "garc", "García", "josé garcía", "jose gar",
                                " jose \t garcia ", "Jose.Garcia@", "jose.garcia@example.com" };
  const char *const misses[] = { "rita", "arcia", "example", "garcia jose" };

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 1, NULL, 0, "rita@example.com");
  order = get_order (f, order_id);
  code_prefix = g_ascii_strdown (ccm_json_string (order, "access_code"), 3);
  g_assert_true (order_search_finds (f, order_id, "rita"));
  g_assert_true (order_search_finds (f, order_id, code_prefix));

  /* New details replace the old ones in the key; the code stays. */
  set_registrant (f, order_id, "José", "García", "Jose.Garcia@Example.com");
  for (guint i = 0; i < G_N_ELEMENTS (finds); i++)
    if (!order_search_finds (f, order_id, finds[i]))
      g_error ("“%s” does not find José García", finds[i]);
  for (guint i = 0; i < G_N_ELEMENTS (misses); i++)
    if (order_search_finds (f, order_id, misses[i]))
      g_error ("“%s” finds José García", misses[i]);
  g_assert_true (order_search_finds (f, order_id, code_prefix));
  g_assert_true (order_search_finds (f, order_id, ccm_json_string (order, "access_code")));
}

static void
test_double_admission (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autofree char *unknown = ccm_ticket_code_new ();
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *item;

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 1, NULL, 0, "rita@example.com");
  g_free (pay (f, order_id, 19900));
  order = get_order (f, order_id);

  json_object_unref (admit (f, ticket_of (order, 0), "conf"));
  ccm_clock_advance (f->clock, 90 * MINUTE_US);
  second = admit (f, ticket_of (order, 0), "conf");
  g_assert_true (ccm_json_bool (second, "flagged"));
  json_object_unref (admit (f, unknown, "conf"));

  list = attention (f);
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  /* Newest first. */
  item = json_array_get_object_element (list, 0);
  g_assert_cmpstr (ccm_json_string (item, "kind"), ==, "unknown_ticket");
  g_assert_cmpstr (ccm_json_string (item, "ticket_code"), ==, unknown);
  item = json_array_get_object_element (list, 1);
  g_assert_cmpstr (ccm_json_string (item, "kind"), ==, "already_admitted");
  g_assert_cmpstr (ccm_json_string (item, "ticket_code"), ==, ticket_of (order, 0));
  g_assert_cmpstr (ccm_json_string (item, "order_id"), ==, order_id);
  g_assert_nonnull (strstr (ccm_json_string (item, "message"), ticket_of (order, 0)));
  g_assert_cmpstr (ccm_json_string (item, "recorded_at"), ==, "2026-05-28T21:56:40.000Z");
  /* Both desks and both times are on the record. */
  {
    JsonObject *detail = json_object_get_object_member (item, "detail");
    const char *earlier = ccm_json_string (detail, "earlier_device_time");
    const char *later = ccm_json_string (detail, "device_time");

    g_assert_cmpstr (ccm_json_string (detail, "earlier_device_id"), ==,
                     ccm_json_string (detail, "device_id"));
    g_assert_nonnull (earlier);
    g_assert_nonnull (later);
    g_assert_cmpstr (earlier, <, later);
    /* In the message as people read them (the tests run with TZ=UTC):
     * to the second, and the desk, this store's own, as "this desk" (other
     * desks by name or by their ids' ends: /store/desk-names). */
    {
      g_autofree char *readable = g_strndup (earlier, 19);

      readable[10] = ' ';
      g_assert_nonnull (strstr (ccm_json_string (item, "message"), readable));
      g_assert_nonnull (strstr (ccm_json_string (item, "message"), "admitted by this desk at "));
      g_assert_nonnull (strstr (ccm_json_string (item, "message"), "(let in by this desk at "));
      g_assert_null (strstr (ccm_json_string (item, "message"), ccm_json_string (detail, "device_id")));
    }
  }

  /* Still one person in, admitted in the first hour. */
  stats = ccm_checkin_views_stats (f->store, "conf", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ccm_json_int (stats, "admitted", -1), ==, 1);
  g_assert_cmpint (ccm_json_int (stats, "inside", -1), ==, 1);
  g_assert_cmpuint (length (stats, "per_hour"), ==, 1);
}

/* The check-in counts the triggers keep are the counts of the valid
 * tickets, after each kind of change. */
static char *
counts_text (Fixture    *f,
             const char *sql)
{
  GString *text = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (ccm_store_get_db (f->store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s %lld %lld %lld\n", sqlite3_column_text (stmt, 0),
                            sqlite3_column_int64 (stmt, 1), sqlite3_column_int64 (stmt, 2),
                            sqlite3_column_int64 (stmt, 3));
  sqlite3_finalize (stmt);
  return g_string_free (text, FALSE);
}

static void
assert_counts_kept (Fixture *f,
                    gint64   expected)
{
  g_autofree char *kept = counts_text (f, "SELECT seat_type_id, expected, admitted, inside "
                                          "FROM checkin_counts WHERE conference = 'conf' "
                                          "ORDER BY seat_type_id");
  g_autofree char *counted = counts_text (f, "SELECT seat_type_id, count (*), "
                                             "count (admitted_hour), sum (inside) "
                                             "FROM attendee_views WHERE conference = 'conf' "
                                             "AND status = 'valid' GROUP BY seat_type_id "
                                             "ORDER BY seat_type_id");
  g_autoptr(JsonObject) stats = ccm_checkin_views_stats (f->store, "conf", NULL);

  g_assert_cmpstr (kept, ==, counted);
  g_assert_cmpint (ccm_json_int (stats, "expected", -1), ==, expected);
}

/* UndoAdmission for ticket_code at "conf". */
static JsonObject *
undo_admission (Fixture    *f,
                const char *ticket_code)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "ticket_code", ticket_code);
  json_object_set_string_member (args, "conference", "conf");
  return run (f, "UndoAdmission", args);
}

/* An admission undone: the ticket is as before it in the views and the
 * counts, and a rebuild agrees. */
static void
test_checkin_undo (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 2, NULL, 0, "rita@example.com");
  g_free (pay (f, order_id, 39800));
  order = get_order (f, order_id);

  json_object_unref (admit (f, ticket_of (order, 0), "conf"));
  json_object_unref (undo_admission (f, ticket_of (order, 0)));
  assert_counts_kept (f, 2);
  ticket = ccm_attendee_views_get_ticket (f->store, ticket_of (order, 0), &error);
  g_assert_no_error (error);
  g_assert_false (ccm_json_bool (ticket, "admitted"));
  g_assert_false (ccm_json_bool (ticket, "inside"));
  g_assert_null (ccm_json_string (ticket, "admitted_at"));
  g_clear_pointer (&ticket, json_object_unref);

  /* In, double, the double undone: still inside, since the first. */
  json_object_unref (admit (f, ticket_of (order, 1), "conf"));
  json_object_unref (admit (f, ticket_of (order, 1), "conf"));
  json_object_unref (undo_admission (f, ticket_of (order, 1)));
  ticket = ccm_attendee_views_get_ticket (f->store, ticket_of (order, 1), &error);
  g_assert_true (ccm_json_bool (ticket, "inside"));
  g_assert_nonnull (ccm_json_string (ticket, "admitted_at"));
  before = counts_text (f, "SELECT seat_type_id, expected, admitted, inside FROM checkin_counts "
                           "WHERE conference = 'conf'");
  g_assert_true (g_str_has_suffix (before, " 2 1 1\n"));
  assert_counts_kept (f, 2);

  /* Out by mistake and the exit taken back: inside again. */
  {
    JsonObject *args = json_object_new ();

    json_object_set_string_member (args, "ticket_code", ticket_of (order, 1));
    json_object_set_string_member (args, "conference", "conf");
    json_object_unref (run (f, "ExitTicket", args));
    g_clear_pointer (&ticket, json_object_unref);
    ticket = ccm_attendee_views_get_ticket (f->store, ticket_of (order, 1), &error);
    g_assert_false (ccm_json_bool (ticket, "inside"));
    args = json_object_new ();
    json_object_set_string_member (args, "ticket_code", ticket_of (order, 1));
    json_object_set_string_member (args, "conference", "conf");
    json_object_unref (run (f, "UndoExit", args));
    g_clear_pointer (&ticket, json_object_unref);
    ticket = ccm_attendee_views_get_ticket (f->store, ticket_of (order, 1), &error);
    g_assert_true (ccm_json_bool (ticket, "inside"));
  }
  g_clear_pointer (&before, g_free);
  before = counts_text (f, "SELECT seat_type_id, expected, admitted, inside FROM checkin_counts "
                           "WHERE conference = 'conf'");
  g_assert_true (g_str_has_suffix (before, " 2 1 1\n"));

  g_assert_true (ccm_store_rebuild (f->store, &error));
  g_assert_no_error (error);
  after = counts_text (f, "SELECT seat_type_id, expected, admitted, inside FROM checkin_counts "
                          "WHERE conference = 'conf'");
  g_assert_cmpstr (after, ==, before);
}

static void
test_checkin_counts (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *first = NULL, *second = NULL, *kept = NULL;
  g_autoptr(JsonObject) one = NULL, two = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *args;

  given_conference (f, "conf");
  assert_counts_kept (f, 0);
  first = place_order (f, "conf", f->general, 2, f->workshop, 1, "rita@example.com");
  second = place_order (f, "conf", f->general, 1, NULL, 0, "sam@example.com");
  assert_counts_kept (f, 0);
  g_free (pay (f, first, 44800));
  g_free (pay (f, second, 19900));
  assert_counts_kept (f, 4);
  one = get_order (f, first);
  two = get_order (f, second);

  /* In, out, in again; a second ticket in. */
  json_object_unref (admit (f, ticket_of (one, 0), "conf"));
  json_object_unref (admit (f, ticket_of (two, 0), "conf"));
  assert_counts_kept (f, 4);
  args = json_object_new ();
  json_object_set_string_member (args, "ticket_code", ticket_of (one, 0));
  json_object_set_string_member (args, "conference", "conf");
  json_object_set_int_member (args, "device_time", ccm_clock_now (f->clock) - G_USEC_PER_SEC);
  json_object_unref (run (f, "ExitTicket", args));
  assert_counts_kept (f, 4);
  json_object_unref (admit (f, ticket_of (one, 0), "conf"));
  assert_counts_kept (f, 4);

  /* An order cancelled with a ticket inside: its seats no longer count. */
  cancel_order (f, second);
  assert_counts_kept (f, 3);

  /* Rebuilt from the log: the same. */
  g_assert_true (ccm_store_rebuild (f->store, &error));
  g_assert_no_error (error);
  assert_counts_kept (f, 3);

  /* A store whose read model is two versions older (no counts, and the
   * index they were read by) gets them when it opens, from its tickets,
   * and loses the index, both without a replay: a row a replay would have
   * dropped is still there. */
  g_assert_true (ccm_store_exec (f->store,
                                 "DROP TRIGGER checkin_counts_insert;"
                                 "DROP TRIGGER checkin_counts_delete;"
                                 "DROP TRIGGER checkin_counts_update;"
                                 "DROP TABLE checkin_counts;"
                                 "CREATE INDEX attendee_views_counts ON attendee_views "
                                 "  (conference, status, seat_type_id, admitted_hour, inside);"
                                 "UPDATE projections SET version = 2 "
                                 "WHERE name = 'attendee-views';"
                                 "INSERT INTO attendee_buyers (order_id) VALUES ('not replayed');",
                                 &error));
  g_assert_no_error (error);
  g_clear_object (&f->store);
  f->store = open_store (f);
  assert_counts_kept (f, 3);
  kept = counts_text (f, "SELECT order_id, 0, 0, 0 FROM attendee_buyers "
                         "WHERE order_id = 'not replayed'");
  g_assert_cmpstr (kept, ==, "not replayed 0 0 0\n");
  g_clear_pointer (&kept, g_free);
  kept = counts_text (f, "SELECT count (*), 0, 0, 0 FROM sqlite_schema "
                         "WHERE name = 'attendee_views_counts' "
                         "UNION ALL SELECT version, 0, 0, 0 FROM projections "
                         "WHERE name = 'attendee-views'");
  g_assert_cmpstr (kept, ==, "0 0 0 0\n5 0 0 0\n");
  /* A version no steps lead from is replayed: the stray row is gone. */
  g_assert_true (ccm_store_exec (f->store,
                                 "UPDATE projections SET version = 1 "
                                 "WHERE name = 'attendee-views';",
                                 &error));
  g_assert_no_error (error);
  g_clear_object (&f->store);
  f->store = open_store (f);
  assert_counts_kept (f, 3);
  g_clear_pointer (&kept, g_free);
  kept = counts_text (f, "SELECT count (*), 0, 0, 0 FROM attendee_buyers "
                         "WHERE order_id = 'not replayed'");
  g_assert_cmpstr (kept, ==, "0 0 0 0\n");
  /* And keeps them from then on. */
  cancel_order (f, first);
  assert_counts_kept (f, 0);
}

/* A paid order cancelled: seats back, tickets void, a refund to make. */
static void
test_cancelled_refund (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autofree char *payment_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unknown = NULL;
  JsonObject *item;

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 2, NULL, 0, "rita@example.com");
  payment_id = pay (f, order_id, 39800);
  assert_seats (f, f->general, 98, 0, 2, 0);
  cancel_order (f, order_id);
  assert_seats (f, f->general, 100, 0, 0, 0);

  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "cancelled");
  g_assert_cmpuint (length (order, "refunds"), ==, 1);
  g_assert_cmpstr (ccm_json_string (element (order, "refunds", 0), "payment_id"), ==, payment_id);
  g_assert_cmpint (ccm_json_int (element (order, "refunds", 0), "amount", 0), ==, 39800);
  g_assert_cmpstr (ccm_json_string (element (order, "refunds", 0), "reason"), ==, "cancelled");
  g_assert_cmpstr (ccm_json_string (element (order, "attendees", 0), "status"), ==, "cancelled");

  list = attention (f);
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  item = json_array_get_object_element (list, 0);
  g_assert_cmpstr (ccm_json_string (item, "kind"), ==, "refund_due");
  g_assert_cmpstr (ccm_json_string (item, "payment_id"), ==, payment_id);
  g_assert_nonnull (strstr (ccm_json_string (item, "message"), "398.00 USD"));
  /* The item names its order as people know it: code and registrant. */
  g_assert_cmpstr (ccm_json_string (item, "access_code"), ==, ccm_json_string (order, "access_code"));
  g_assert_cmpstr (ccm_json_string (item, "registrant_first_name"), ==, "Rita");
  g_assert_cmpstr (ccm_json_string (item, "registrant_last_name"), ==, "Registrant");
  g_clear_pointer (&list, json_array_unref);

  /* Its ticket at the door: let in, and flagged, with its order's code. */
  json_object_unref (admit (f, ticket_of (order, 1), "conf"));
  list = attention (f);
  g_assert_cmpuint (count_kind (list, "cancelled_order"), ==, 1);
  item = json_array_get_object_element (list, 0);
  g_assert_cmpstr (ccm_json_string (item, "kind"), ==, "cancelled_order");
  g_assert_cmpstr (ccm_json_string (item, "access_code"), ==, ccm_json_string (order, "access_code"));
  g_clear_pointer (&list, json_array_unref);

  /* A ticket no order issued has no order to name. */
  unknown = ccm_ticket_code_new ();
  json_object_unref (admit (f, unknown, "conf"));
  list = attention (f);
  g_assert_cmpuint (count_kind (list, "unknown_ticket"), ==, 1);
  item = json_array_get_object_element (list, 0);
  g_assert_cmpstr (ccm_json_string (item, "kind"), ==, "unknown_ticket");
  g_assert_null (ccm_json_string (item, "access_code"));
  g_assert_null (ccm_json_string (item, "registrant_first_name"));

  ticket = ccm_attendee_views_get_ticket (f->store, ticket_of (order, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ccm_json_string (ticket, "status"), ==, "cancelled");
  stats = ccm_checkin_views_stats (f->store, "conf", &error);
  g_assert_cmpint (ccm_json_int (stats, "expected", -1), ==, 0);
  g_assert_cmpint (ccm_json_int (stats, "admitted", -1), ==, 0);
}

/* A ResolveAttention or ReopenAttention (note may be NULL). */
static CcmCommand *
attention_command (Fixture    *f,
                   const char *type,
                   const char *conference,
                   const char *item,
                   const char *note)
{
  g_autofree char *command_id = new_id (f);
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "conference", conference);
  json_object_set_string_member (args, "item", item);
  if (note != NULL)
    json_object_set_string_member (args, "note", note);
  return ccm_command_new (type, command_id, args);
}

/* Marks an item of "conf"; returns how many events that wrote. */
static gint64
resolve (Fixture    *f,
         const char *type,
         const char *item,
         const char *note)
{
  g_autoptr(CcmCommand) command = attention_command (f, type, "conf", item, note);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = ccm_store_execute (f->store, command, &error);

  g_assert_no_error (error);
  return outcome->n_events;
}

static void
assert_refused (Fixture    *f,
                const char *conference,
                const char *item,
                const char *note,
                int         code,
                const char *field)
{
  g_autoptr(CcmCommand) command = attention_command (f, "ResolveAttention", conference, item, note);
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;
  gint64 events = ccm_store_count_events (f->store);

  outcome = ccm_store_execute (f->store, command, &error);
  g_assert_null (outcome);
  g_assert_error (error, CCM_DOMAIN_ERROR, code);
  g_assert_cmpstr (ccm_domain_error_get_field (error), ==, field);
  g_assert_cmpint (ccm_store_count_events (f->store), ==, events);
}

/* A refund paid back is marked resolved with a note: it leaves the count,
 * stays in the list as resolved, and can be taken back. */
static void
test_resolve (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autofree char *item = NULL;
  g_autofree char *long_note = g_strnfill (CCM_ATTENTION_NOTE_MAX + 1, 'x');
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *entry;

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 1, NULL, 0, "rita@example.com");
  g_free (pay (f, order_id, 19900));
  cancel_order (f, order_id);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 1);

  list = attention (f);
  entry = json_array_get_object_element (list, 0);
  g_assert_false (ccm_json_bool (entry, "resolved"));
  item = g_strdup (ccm_json_string (entry, "item"));
  g_assert_true (g_str_has_prefix (item, "order/"));

  /* By its id too, as the command line takes it. */
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (entry, "id", 0));

    found = ccm_attention_views_get (f->store, id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ccm_json_string (found, "item"), ==, item);
  }
  g_clear_pointer (&list, json_array_unref);

  assert_refused (f, "nope", item, NULL, CCM_DOMAIN_ERROR_NOT_FOUND, "conference");
  assert_refused (f, "conf", "refund", NULL, CCM_DOMAIN_ERROR_INVALID, "item");
  assert_refused (f, "conf", item, long_note, CCM_DOMAIN_ERROR_INVALID, "note");

  g_assert_cmpint (resolve (f, "ResolveAttention", item, "Paid back by bank transfer"), ==, 1);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 0);
  list = attention (f);
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  entry = json_array_get_object_element (list, 0);
  g_assert_true (ccm_json_bool (entry, "resolved"));
  g_assert_cmpstr (ccm_json_string (entry, "resolution_note"), ==, "Paid back by bank transfer");
  g_assert_nonnull (ccm_json_string (entry, "resolved_at"));
  g_clear_pointer (&list, json_array_unref);

  /* Again: nothing new. */
  g_assert_cmpint (resolve (f, "ResolveAttention", item, NULL), ==, 0);

  /* A new item comes before the resolved one. */
  json_object_unref (admit (f, "ABCDEFGHJKMN", "conf"));
  list = attention (f);
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_false (ccm_json_bool (json_array_get_object_element (list, 0), "resolved"));
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (list, 1), "item"), ==, item);
  g_clear_pointer (&list, json_array_unref);

  g_assert_cmpint (resolve (f, "ReopenAttention", item, NULL), ==, 1);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 2);
  g_assert_cmpint (resolve (f, "ReopenAttention", item, NULL), ==, 0);

  g_clear_pointer (&found, json_object_unref);
  found = ccm_attention_views_get (f->store, "order/none#1", &error);
  g_assert_null (found);
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND);
}

/* Less money than the total: confirmed, and a person settles the rest. */
static void
test_amount_mismatch (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) list = NULL;

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->workshop, 2, NULL, 0, NULL);
  g_free (pay (f, order_id, 9000));
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "confirmed");
  g_assert_cmpint (ccm_json_int (element (order, "payments", 0), "expected_amount", 0), ==, 10000);

  list = attention (f);
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (list, 0), "kind"), ==,
                   "amount_mismatch");
}

/* Sold out, a waitlist entry, a cancellation: the freed seat is held for it. */
static void
test_waitlist (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *entry_id = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *args, *entry;

  given_conference (f, "conf");
  first = place_order (f, "conf", f->tutorial, 2, NULL, 0, NULL);
  second = place_order (f, "conf", f->tutorial, 2, NULL, 0, NULL);
  g_free (pay (f, first, 20000));

  entry_id = new_id (f);
  args = json_object_new ();
  json_object_set_string_member (args, "conference", "conf");
  json_object_set_string_member (args, "entry_id", entry_id);
  json_object_set_string_member (args, "seat_type", f->tutorial);
  json_object_set_int_member (args, "quantity", 3);
  json_object_set_string_member (args, "email", "wait@example.com");
  json_object_set_string_member (args, "first_name", "Walt");
  json_object_set_string_member (args, "last_name", "Waiter");
  run_ok (f, "JoinWaitlist", args);
  assert_seats (f, f->tutorial, 0, 2, 2, 3);

  /* The pending order's two seats go to the queue, which still wants one. */
  cancel_order (f, second);
  assert_seats (f, f->tutorial, 0, 2, 2, 1);

  list = ccm_waitlist_views_list (f->store, "conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  entry = json_array_get_object_element (list, 0);
  g_assert_cmpstr (ccm_json_string (entry, "entry_id"), ==, entry_id);
  g_assert_cmpstr (ccm_json_string (entry, "seat_type"), ==, "Tutorial");
  g_assert_cmpstr (ccm_json_string (entry, "status"), ==, "waiting");
  g_assert_cmpint (ccm_json_int (entry, "position", -1), ==, 0);
  g_assert_cmpint (ccm_json_int (entry, "waiting", -1), ==, 1);
  g_assert_cmpint (ccm_json_int (entry, "promoted", -1), ==, 2);
  g_assert_cmpstr (ccm_json_string (entry, "hold_until"), ==, "2026-05-29T20:26:40.000Z");

  /* Nobody ordered the held seats in a day: back to the pool. */
  ccm_clock_advance (f->clock, 25 * 60 * MINUTE_US);
  ccm_store_run_due_timers (f->store, &error);
  g_assert_no_error (error);
  assert_seats (f, f->tutorial, 2, 0, 2, 0);
}

/* JoinWaitlist for one seat of the tutorial at "conf"; last may be NULL. */
static void
join_waitlist (Fixture    *f,
               const char *email,
               const char *first,
               const char *last)
{
  g_autofree char *entry_id = new_id (f);
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "conference", "conf");
  json_object_set_string_member (args, "entry_id", entry_id);
  json_object_set_string_member (args, "seat_type", f->tutorial);
  json_object_set_int_member (args, "quantity", 1);
  json_object_set_string_member (args, "email", email);
  json_object_set_string_member (args, "first_name", first);
  if (last != NULL)
    json_object_set_string_member (args, "last_name", last);
  run_ok (f, "JoinWaitlist", args);
}

/* Finds people on the waitlist by parts of their names or address, case
 * and accents aside, each with its place in the whole queue. */
static void
test_waitlist_search (Fixture       *f,
                      gconstpointer  data)
{
  struct { const char *query; const char *emails; } cases[] = {
    { "jos", "jose@example.org" },
    { "JOSÉ nguyen", "jose@example.org" },
    { "wal ter", "walt@example.com" },
    { "example.org", "jose@example.org ana@example.org" },
    { "ana", "ana@example.org" },
    { "walt josé", "" },
    { "", "jose@example.org walt@example.com ana@example.org" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) found = NULL;

  given_conference (f, "conf");
  g_free (place_order (f, "conf", f->tutorial, 4, NULL, 0, NULL));
  join_waitlist (f, "jose@example.org", "José", "Nguyễn");
  join_waitlist (f, "walt@example.com", "Walt", "Waiter");
  join_waitlist (f, "ana@example.org", "Ana", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonArray) list = ccm_waitlist_views_search (f->store, "conf", cases[i].query, &error);
      g_autoptr(GString) emails = g_string_new (NULL);

      g_assert_no_error (error);
      for (guint j = 0; j < json_array_get_length (list); j++)
        g_string_append_printf (emails, "%s%s", j > 0 ? " " : "",
                                ccm_json_string (json_array_get_object_element (list, j), "email"));
      g_assert_cmpstr (emails->str, ==, cases[i].emails);
    }

  /* Ana is third in line, whoever else the search leaves out. */
  found = ccm_waitlist_views_search (f->store, "conf", "ANA", &error);
  g_assert_cmpint (ccm_json_int (json_array_get_object_element (found, 0), "position", -1), ==, 2);

  g_assert_null (ccm_waitlist_views_search (f->store, "nowhere", "ana", &error));
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND);
}

static void
test_not_found (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = new_id (f);
  g_autofree char *code = ccm_ticket_code_new ();

  given_conference (f, "conf");

  g_assert_null (ccm_order_views_get (f->store, "conf", id, &error));
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND);
  g_assert_cmpstr (ccm_domain_error_get_field (error), ==, "order");
  g_clear_error (&error);

  g_assert_null (ccm_order_views_get (f->store, "conf", "ABCDEF", &error));
  g_assert_cmpstr (ccm_domain_error_get_field (error), ==, "order");
  g_clear_error (&error);

  g_assert_null (ccm_attendee_views_get_ticket (f->store, code, &error));
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND);
  g_assert_cmpstr (ccm_domain_error_get_field (error), ==, "ticket_code");
  g_clear_error (&error);

  g_assert_null (ccm_attendee_views_search (f->store, "other", "x", 10, &error));
  g_assert_cmpstr (ccm_domain_error_get_field (error), ==, "slug");
  g_clear_error (&error);

  g_assert_null (ccm_checkin_views_stats (f->store, "other", &error));
  g_assert_cmpstr (ccm_domain_error_get_field (error), ==, "slug");
  g_clear_error (&error);

  g_assert_null (ccm_order_views_find (f->store, NULL, NULL, NULL, &error));
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_INVALID);
}

/* Every table of every projection, every row, in a fixed order. */
static char *
dump_read_models (CcmStore *store)
{
  GPtrArray *projections = ccm_registry_get_projections (ccm_store_get_registry (store));
  sqlite3 *db = ccm_store_get_db (store);
  GString *dump = g_string_new (NULL);

  for (guint i = 0; i < projections->len; i++)
    {
      const CcmProjection *projection = g_ptr_array_index (projections, i);

      for (guint t = 0; projection->tables[t] != NULL; t++)
        {
          g_autofree char *probe = g_strdup_printf ("SELECT * FROM \"%s\"", projection->tables[t]);
          g_autofree char *sql = NULL;
          GString *columns = g_string_new (NULL);
          sqlite3_stmt *stmt = NULL;
          int rc;

          g_assert_cmpint (sqlite3_prepare_v2 (db, probe, -1, &stmt, NULL), ==, SQLITE_OK);
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (columns, "%s%d", c > 0 ? ", " : "", c + 1);
          sqlite3_finalize (stmt);
          sql = g_strdup_printf ("%s ORDER BY %s", probe, columns->str);
          g_string_free (columns, TRUE);

          g_string_append_printf (dump, "== %s\n", projection->tables[t]);
          g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              for (int c = 0; c < sqlite3_column_count (stmt); c++)
                g_string_append_printf (dump, "%d:%s|", sqlite3_column_type (stmt, c),
                                        (const char *) sqlite3_column_text (stmt, c));
              g_string_append_c (dump, '\n');
            }
          g_assert_cmpint (rc, ==, SQLITE_DONE);
          sqlite3_finalize (stmt);
        }
    }
  return g_string_free (dump, FALSE);
}

/* A store whose keys were folded before folding learnt ø and ł (attendee
 * views version 4, order views 2) gets them folded again when it opens, in
 * place, and then holds what a replay gives. */
static void
test_refold_upgrade (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *upgraded = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) found = NULL;
#define OLD_FOLD(x) "replace (replace (replace (replace (" x ", 'soren', 'søren'), 'strom', 'strøm'), " \
                    "'bjorn', 'bjørn'), 'laska', 'łaska')"

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 2, NULL, 0, "rita@example.com");
  set_registrant (f, order_id, "Bjørn", "Łaska", "b@example.no");
  g_free (pay (f, order_id, 39800));
  assign_seat (f, order_id, 0, "Søren", "Strøm", "s@example.dk");
  expected = dump_read_models (f->store);

  g_assert_true (ccm_store_exec (f->store,
                                 "UPDATE attendee_views SET search_keys = " OLD_FOLD ("search_keys") ", "
                                 "  sort_key = " OLD_FOLD ("sort_key") ";"
                                 "UPDATE attendee_words SET word = " OLD_FOLD ("word") ", "
                                 "  search_keys = " OLD_FOLD ("search_keys") ", "
                                 "  sort_key = " OLD_FOLD ("sort_key") ";"
                                 "UPDATE order_views SET search_key = " OLD_FOLD ("search_key") ";"
                                 "UPDATE projections SET version = 4 WHERE name = 'attendee-views';"
                                 "UPDATE projections SET version = 2 WHERE name = 'order-views';"
                                 "INSERT INTO attendee_buyers (order_id) VALUES ('not replayed');",
                                 &error));
  g_assert_no_error (error);
  /* As the old keys were: neither the seat nor the registrant's is found. */
  assert_finds (f, "soren", NULL);
  assert_finds (f, "bjorn", NULL);
  g_assert_false (order_search_finds (f, order_id, "bjorn"));

  g_clear_object (&f->store);
  f->store = open_store (f);
  assert_finds (f, "soren", "Strøm");
  found = search (f, "bjorn laska");
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  g_assert_true (order_search_finds (f, order_id, "bjorn łask"));

  kept = counts_text (f, "SELECT order_id, 0, 0, 0 FROM attendee_buyers "
                         "WHERE order_id = 'not replayed'");
  g_assert_cmpstr (kept, ==, "not replayed 0 0 0\n");
  g_assert_true (ccm_store_exec (f->store, "DELETE FROM attendee_buyers WHERE order_id = 'not replayed'",
                                 &error));
  upgraded = dump_read_models (f->store);
  g_assert_cmpstr (upgraded, ==, expected);
#undef OLD_FOLD
}

/* Orders in every state, names, admissions and a waitlist, in one store. */
static void
given_busy_conference (Fixture *f)
{
  g_autofree char *paid = NULL;
  g_autofree char *cancelled = NULL;
  g_autofree char *entry_id = NULL;
  g_autofree char *unknown = ccm_ticket_code_new ();
  g_autoptr(JsonObject) order = NULL;
  JsonObject *args;

  given_conference (f, "conf");
  paid = place_order (f, "conf", f->general, 3, f->workshop, 1, "rita@example.com");
  g_free (pay (f, paid, 64700));
  assign_seat (f, paid, 0, "José", "García", "jose.garcia@example.com");
  assign_seat (f, paid, 1, "Jean-Luc", "Picard", "captain@example.net");
  assign_seat (f, paid, 3, "Zoë", "Ångström", "zoe@example.se");
  assign_seat (f, paid, 1, "Jean-Luc", "Picard", "jl@example.net");
  order = get_order (f, paid);
  json_object_unref (admit (f, ticket_of (order, 0), "conf"));
  ccm_clock_advance (f->clock, 70 * MINUTE_US);
  json_object_unref (admit (f, ticket_of (order, 0), "conf"));
  json_object_unref (admit (f, ticket_of (order, 3), "conf"));
  json_object_unref (admit (f, unknown, "conf"));

  for (guint i = 0; i < 3; i++)
    g_free (place_order (f, "conf", f->tutorial, 2, NULL, 0, NULL));
  g_free (place_order (f, "conf", f->general, 1, NULL, 0, "late@example.com"));

  cancelled = place_order (f, "conf", f->workshop, 2, NULL, 0, "ann@example.org");
  g_free (pay (f, cancelled, 9000));
  cancel_order (f, cancelled);

  entry_id = new_id (f);
  args = json_object_new ();
  json_object_set_string_member (args, "conference", "conf");
  json_object_set_string_member (args, "entry_id", entry_id);
  json_object_set_string_member (args, "seat_type", f->tutorial);
  json_object_set_int_member (args, "quantity", 1);
  json_object_set_string_member (args, "email", "wait@example.com");
  run_ok (f, "JoinWaitlist", args);

  /* The unpaid orders expire; their seats go to the queue first. */
  ccm_clock_advance (f->clock, 20 * MINUTE_US);
  ccm_store_run_due_timers (f->store, NULL);
}

/* A seat nobody was named for is found by who bought it, until it is
 * named, and again once it is unassigned; a new registrant takes the old
 * one's place. A rebuild gives the same. */
static void
test_search_unnamed_by_registrant (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *args;

  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 2, NULL, 0, "rita@example.com");
  g_free (pay (f, order_id, 39800));
  assign_seat (f, order_id, 0, "Ann", "Smith", "ann.smith@example.org");

  {
    g_autoptr(JsonArray) found = search (f, "rita");
    JsonObject *seat;

    g_assert_cmpuint (json_array_get_length (found), ==, 1);
    seat = json_array_get_object_element (found, 0);
    g_assert_cmpint (ccm_json_int (seat, "position", -1), ==, 1);
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (seat, "last_name")));
    g_assert_cmpstr (ccm_json_string (seat, "registrant_last_name"), ==, "Registrant");
  }
  {
    g_autoptr(JsonArray) found = search (f, "registrant rita");

    g_assert_cmpuint (json_array_get_length (found), ==, 1);
  }
  /* The named seat goes by its own name only. */
  assert_finds (f, "ann", "Smith");

  /* Another registrant: the unnamed seat's words follow. */
  args = json_object_new ();
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "first_name", "Nora");
  json_object_set_string_member (args, "last_name", "Buyer");
  json_object_set_string_member (args, "email", "nora@example.com");
  run_ok (f, "AssignRegistrantDetails", args);
  {
    g_autoptr(JsonArray) gone = search (f, "rita");
    g_autoptr(JsonArray) found = search (f, "nora");

    g_assert_cmpuint (json_array_get_length (gone), ==, 0);
    g_assert_cmpuint (json_array_get_length (found), ==, 1);
  }

  /* Unassigned, the first seat is the registrant's again. */
  args = json_object_new ();
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_int_member (args, "position", 0);
  run_ok (f, "UnassignSeat", args);
  assert_finds (f, "ann", NULL);
  {
    g_autoptr(JsonArray) found = search (f, "buyer");

    g_assert_cmpuint (json_array_get_length (found), ==, 2);
  }

  before = dump_read_models (f->store);
  g_assert_true (ccm_store_rebuild (f->store, &error));
  g_assert_no_error (error);
  after = dump_read_models (f->store);
  g_assert_cmpstr (before, ==, after);
}

/* A rebuild, later and from the log alone, gives the same tables. */
static void
test_rebuild_identical (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *reopened = NULL;
  g_autoptr(GError) error = NULL;

  given_busy_conference (f);
  g_assert_cmpuint (attention_length (f), ==, 4);
  {
    g_autoptr(JsonArray) list = attention (f);

    g_assert_cmpint (resolve (f, "ResolveAttention",
                              ccm_json_string (json_array_get_object_element (list, 1), "item"),
                              "Looked into"), ==, 1);
  }

  before = dump_read_models (f->store);
  g_assert_nonnull (strstr (before, "== attendee_words\n"));
  g_assert_cmpuint (strlen (before), >, 5000);

  /* Later, on another day: nothing may depend on the clock. */
  ccm_clock_advance (f->clock, 24 * 60 * MINUTE_US);
  g_assert_true (ccm_store_rebuild (f->store, &error));
  g_assert_no_error (error);
  after = dump_read_models (f->store);
  g_assert_cmpstr (before, ==, after);

  g_assert_finalize_object (g_steal_pointer (&f->store));
  f->store = open_store (f);
  reopened = dump_read_models (f->store);
  g_assert_cmpstr (before, ==, reopened);
}

static void
rename_from (Fixture    *f,
             const char *device,
             gint64      base_version,
             const char *name)
{
  g_autofree char *command_id = new_id (f);
  g_autoptr(CcmCommand) command = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "slug", "conf");
  json_object_set_string_member (args, "name", name);
  json_object_set_int_member (args, "base_version", base_version);
  command = ccm_command_new ("UpdateConference", command_id, args);
  command->device_id = g_strdup (device);
  outcome = ccm_store_execute (f->store, command, &error);
  g_assert_no_error (error);
}

/* DESIGN §5.3: concurrent renames land on the attention list with both
 * values, and the later one by log order is kept. */
static void
test_field_conflict (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *item = NULL;
  gint64 base;

  given_conference (f, "conf");
  conference = ccm_conference_views_get (f->store, "conf", &error);
  base = ccm_json_int (conference, "version", 0);
  g_assert_cmpint (base, >, 0);

  rename_from (f, "laptop-a", base, "Contoso East");
  rename_from (f, "laptop-b", base, "Contoso West");

  g_clear_pointer (&conference, json_object_unref);
  conference = ccm_conference_views_get (f->store, "conf", &error);
  g_assert_cmpstr (ccm_json_string (conference, "name"), ==, "Contoso West");

  list = attention (f);
  g_assert_cmpuint (count_kind (list, "field_conflict"), ==, 1);
  for (guint i = 0; i < json_array_get_length (list); i++)
    if (g_str_equal (ccm_json_string (json_array_get_object_element (list, i), "kind"),
                     "field_conflict"))
      item = json_array_get_object_element (list, i);
  g_assert_nonnull (strstr (ccm_json_string (item, "message"), "Contoso West"));
  g_assert_nonnull (strstr (ccm_json_string (item, "message"), "Contoso East"));
  g_assert_cmpstr (ccm_json_string (json_object_get_object_member (item, "detail"), "device_id"),
                   ==, "laptop-a");
}

/* A command the server refused shows on the device that issued it. */
/* Kind by kind: how many of each are open and in all, the most open
 * first, and the list of one kind alone, refused commands included. */
static void
test_attention_kinds (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *order_id = NULL;
  g_autofree char *command_id = new_id (f);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) kinds = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(CcmCommand) command = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_unknown = NULL;
  JsonObject *args = json_object_new ();
  JsonObject *k;

  g_assert_true (ccm_store_enroll (f->store, &error));
  given_conference (f, "conf");
  order_id = place_order (f, "conf", f->general, 1, NULL, 0, "rita@example.com");
  g_free (pay (f, order_id, 19900));
  order = get_order (f, order_id);
  json_object_unref (admit (f, ticket_of (order, 0), "conf"));
  json_object_unref (admit (f, ticket_of (order, 0), "conf"));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *unknown = ccm_ticket_code_new ();

      json_object_unref (admit (f, unknown, "conf"));
    }
  json_object_set_string_member (args, "slug", "conf");
  json_object_set_string_member (args, "tagline", "Offline edit");
  command = ccm_command_new ("UpdateConference", command_id, args);
  outcome = ccm_store_submit (f->store, command, &error);
  g_assert_no_error (error);
  test_reject_command (f->store, ccm_json_int (outcome->result, "seq", 0), "Not allowed.");

  kinds = ccm_attention_views_kinds (f->store, "conf", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (kinds), ==, 3);
  k = json_array_get_object_element (kinds, 0);
  g_assert_cmpstr (ccm_json_string (k, "kind"), ==, "unknown_ticket");
  g_assert_cmpint (ccm_json_int (k, "open", -1), ==, 3);
  g_assert_cmpint (ccm_json_int (k, "total", -1), ==, 3);
  /* One of each: by name. */
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (kinds, 1), "kind"), ==,
                   "already_admitted");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (kinds, 2), "kind"), ==,
                   "rejected_command");
  g_assert_cmpstr (ccm_attention_views_kind_label ("unknown_ticket"), ==, "Unknown tickets");
  g_assert_cmpstr (ccm_attention_views_kind_label ("rejected_command"), ==, "Refused by the server");
  g_assert_null (ccm_attention_views_kind_label ("no_such_kind"));
  g_assert_null (ccm_attention_views_kind_label (NULL));

  list = ccm_attention_views_newest (f->store, "conf", "unknown_ticket", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (list), ==, 3);
  g_assert_cmpuint (count_kind (list, "unknown_ticket"), ==, 3);
  first_unknown = g_strdup (ccm_json_string (json_array_get_object_element (list, 0), "item"));
  g_clear_pointer (&list, json_array_unref);
  list = ccm_attention_views_newest (f->store, "conf", "rejected_command", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (list, 0), "kind"), ==,
                   "rejected_command");
  g_clear_pointer (&list, json_array_unref);
  list = ccm_attention_views_newest (f->store, "conf", "refund_due", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (list), ==, 0);
  g_clear_pointer (&list, json_array_unref);
  /* At most `limit`, the newest. */
  list = ccm_attention_views_newest (f->store, "conf", "unknown_ticket", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (list, 0), "item"), ==, first_unknown);
  g_clear_pointer (&list, json_array_unref);

  /* A resolved item still counts in the total, not as open; its kind
   * falls behind the kinds with more open. */
  g_assert_cmpint (resolve (f, "ResolveAttention", first_unknown, "Staff badge"), ==, 1);
  g_clear_pointer (&kinds, json_array_unref);
  kinds = ccm_attention_views_kinds (f->store, "conf", &error);
  g_assert_no_error (error);
  k = json_array_get_object_element (kinds, 0);
  g_assert_cmpstr (ccm_json_string (k, "kind"), ==, "unknown_ticket");
  g_assert_cmpint (ccm_json_int (k, "open", -1), ==, 2);
  g_assert_cmpint (ccm_json_int (k, "total", -1), ==, 3);
  list = ccm_attention_views_newest (f->store, "conf", "unknown_ticket", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (list), ==, 3);
  g_assert_true (ccm_json_bool (json_array_get_object_element (list, 2), "resolved"));
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (list, 2), "item"), ==, first_unknown);

  /* Another conference's list has none of them. */
  given_conference (f, "other");
  g_clear_pointer (&kinds, json_array_unref);
  kinds = ccm_attention_views_kinds (f->store, "other", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (kinds), ==, 0);
  g_clear_pointer (&kinds, json_array_unref);
  kinds = ccm_attention_views_kinds (f->store, "nowhere", &error);
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND);
  g_assert_null (kinds);
}

/* ResolveAttention and ReopenAttention with args `args` (conference
 * "conf" added); the outcome, or NULL with *error set. */
static CcmOutcome *
mark_many (Fixture     *f,
           const char  *type,
           JsonObject  *args,
           GError     **error)
{
  g_autofree char *command_id = new_id (f);
  g_autoptr(CcmCommand) command = NULL;

  json_object_set_string_member (args, "conference", "conf");
  command = ccm_command_new (type, command_id, args);
  return ccm_store_execute (f->store, command, error);
}

static JsonArray *
strings (const char *first,
         ...)
{
  JsonArray *list = json_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *s = first; s != NULL; s = va_arg (ap, const char *))
    json_array_add_string_element (list, s);
  va_end (ap);
  return list;
}

/* Many items marked by one command ("items"): each once, those resolved
 * already left as they are; the list is checked whole before anything is
 * written. */
static void
test_attention_many (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args;
  gint64 events;
  char *keys[4];

  given_conference (f, "conf");
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *unknown = ccm_ticket_code_new ();

      json_object_unref (admit (f, unknown, "conf"));
    }
  open = ccm_attention_views_open_items (f->store, "conf", "unknown_ticket", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (open->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    keys[i] = g_strdup (g_ptr_array_index (open, i));
  g_assert_cmpint (resolve (f, "ResolveAttention", keys[3], "Known"), ==, 1);

  /* Three open, one twice, one resolved already: two events. */
  args = json_object_new ();
  json_object_set_array_member (args, "items", strings (keys[0], keys[1], keys[0], keys[3], NULL));
  json_object_set_string_member (args, "note", "Staff badges");
  outcome = mark_many (f, "ResolveAttention", args, &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome->n_events, ==, 2);
  g_clear_pointer (&outcome, ccm_outcome_free);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 1);
  g_clear_pointer (&open, g_ptr_array_unref);
  open = ccm_attention_views_open_items (f->store, "conf", "unknown_ticket", &error);
  g_assert_cmpuint (open->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (open, 0), ==, keys[2]);
  list = attention (f);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *item = json_array_get_object_element (list, i);

      if (g_str_equal (ccm_json_string (item, "item"), keys[0]) ||
          g_str_equal (ccm_json_string (item, "item"), keys[1]))
        g_assert_cmpstr (ccm_json_string (item, "resolution_note"), ==, "Staff badges");
    }

  /* Reopened by a list too: only those resolved. */
  args = json_object_new ();
  json_object_set_array_member (args, "items", strings (keys[0], keys[1], keys[2], NULL));
  outcome = mark_many (f, "ReopenAttention", args, &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome->n_events, ==, 2);
  g_clear_pointer (&outcome, ccm_outcome_free);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 3);

  /* Refused whole, nothing written: both item and items, neither, an
   * empty list, one too long, an element not text, a key that names
   * nothing. */
  events = ccm_store_count_events (f->store);
  {
    struct { const char *field; JsonArray *items; gboolean item; } cases[] = {
      { "item", strings (keys[0], NULL), TRUE },
      { "item", NULL, FALSE },
      { "items", json_array_new (), FALSE },
      { "items", NULL, FALSE },
      { "items", strings (keys[0], NULL), FALSE },
      { "items", strings (keys[0], "no-such-item", NULL), FALSE },
    };

    cases[3].items = json_array_new ();
    for (guint i = 0; i <= CCM_ATTENTION_ITEMS_MAX; i++)
      json_array_add_string_element (cases[3].items, keys[0]);
    json_array_add_int_element (cases[4].items, 12);

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GError) local_error = NULL;

        args = json_object_new ();
        if (cases[i].items != NULL)
          json_object_set_array_member (args, "items", cases[i].items);
        if (cases[i].item)
          json_object_set_string_member (args, "item", keys[1]);
        outcome = mark_many (f, "ResolveAttention", args, &local_error);
        g_assert_null (outcome);
        g_assert_error (local_error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_INVALID);
        g_assert_cmpstr (ccm_domain_error_get_field (local_error), ==, cases[i].field);
      }
  }
  g_assert_cmpint (ccm_store_count_events (f->store), ==, events);
  for (guint i = 0; i < 4; i++)
    g_free (keys[i]);
}

typedef struct
{
  Fixture *f;
  guint    calls;
  guint    fail_at;   /* the call that fails, 0: none */
} MarkCalls;

static CcmOutcome *
counting_submit (gpointer     user_data,
                 const char  *type,
                 JsonObject  *args,
                 GError     **error)
{
  MarkCalls *calls = user_data;
  g_autofree char *command_id = new_id (calls->f);
  g_autoptr(CcmCommand) command = ccm_command_new (type, command_id, args);

  if (++calls->calls == calls->fail_at)
    {
      g_set_error_literal (error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO, "Disk full");
      return NULL;
    }
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (args, "items")), <=,
                    CCM_ATTENTION_ITEMS_MAX);
  return ccm_store_submit (calls->f->store, command, error);
}

/* More items than one command takes: commands of CCM_ATTENTION_ITEMS_MAX,
 * all in one transaction, so a failure in the second leaves the first
 * unwritten too. */
static void
test_attention_mark_items (Fixture       *f,
                           gconstpointer  data)
{
  const guint n = CCM_ATTENTION_ITEMS_MAX + 5;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GError) error = NULL;
  MarkCalls calls = { f, 0, 2 };
  gint64 events;

  given_conference (f, "conf");
  g_assert_true (ccm_store_begin (f->store, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *unknown = ccm_ticket_code_new ();

      json_object_unref (admit (f, unknown, "conf"));
    }
  g_assert_true (ccm_store_commit (f->store, &error));
  open = ccm_attention_views_open_items (f->store, "conf", "unknown_ticket", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (open->len, ==, n);

  events = ccm_store_count_events (f->store);
  g_assert_cmpint (ccm_attention_mark_items (f->store, "ResolveAttention", "conf", open, "Badges",
                                             counting_submit, &calls, &error), ==, -1);
  g_assert_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpint (ccm_store_count_events (f->store), ==, events);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, n);

  calls.calls = 0;
  calls.fail_at = 0;
  g_assert_cmpint (ccm_attention_mark_items (f->store, "ResolveAttention", "conf", open, "Badges",
                                             counting_submit, &calls, &error), ==, n);
  g_assert_no_error (error);
  g_assert_cmpuint (calls.calls, ==, 2);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 0);
  /* Again: nothing left to change. */
  calls.calls = 0;
  g_assert_cmpint (ccm_attention_mark_items (f->store, "ResolveAttention", "conf", open, NULL,
                                             counting_submit, &calls, &error), ==, 0);
  g_assert_cmpint (ccm_attention_mark_items (f->store, "ReopenAttention", "conf", open, NULL,
                                             counting_submit, &calls, &error), ==, n);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, n);
}

static void
test_rejected_command (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(CcmCommand) command = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command_id = new_id (f);
  g_autofree char *key = NULL;
  g_autoptr(JsonObject) item = NULL;
  JsonObject *args = json_object_new ();

  /* As if pulled from the server: the conference is in the confirmed layer. */
  g_assert_true (ccm_store_enroll (f->store, &error));
  given_conference (f, "conf");
  json_object_set_string_member (args, "slug", "conf");
  json_object_set_string_member (args, "tagline", "Offline edit");
  command = ccm_command_new ("UpdateConference", command_id, args);
  outcome = ccm_store_submit (f->store, command, &error);
  g_assert_no_error (error);

  test_reject_command (f->store, ccm_json_int (outcome->result, "seq", 0),
                       "This device may not change conferences.");

  list = attention (f);
  g_assert_cmpuint (count_kind (list, "rejected_command"), ==, 1);
  g_assert_nonnull (strstr (ccm_json_string (json_array_get_object_element (list, 0), "message"),
                            "may not change conferences"));

  /* It counts (the page's badge), and is resolved by its key like any item. */
  key = g_strconcat ("command#", command_id, NULL);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (list, 0), "item"), ==, key);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (list, 0), "conference"), ==, "conf");
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 1);
  g_assert_cmpint (ccm_attention_views_count (f->store, NULL, NULL), ==, 1);
  item = ccm_attention_views_get (f->store, key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ccm_json_string (item, "kind"), ==, "rejected_command");
  g_assert_false (ccm_json_bool (item, "resolved"));

  g_assert_cmpint (resolve (f, "ResolveAttention", key, "Changed on the organizer's laptop"), ==, 1);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 0);
  g_clear_pointer (&item, json_object_unref);
  item = ccm_attention_views_get (f->store, key, &error);
  g_assert_no_error (error);
  g_assert_true (ccm_json_bool (item, "resolved"));
  g_assert_cmpstr (ccm_json_string (item, "resolution_note"), ==, "Changed on the organizer's laptop");
  g_clear_pointer (&list, json_array_unref);
  list = attention (f);
  g_assert_true (ccm_json_bool (json_array_get_object_element (list, json_array_get_length (list) - 1),
                                "resolved"));
  g_assert_cmpint (resolve (f, "ReopenAttention", key, NULL), ==, 1);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 1);

  /* A log row that is not JSON (it should never be) leaves the list readable. */
  g_assert_cmpint (sqlite3_exec (ccm_store_get_db (f->store),
                                 "UPDATE command_log SET command = 'not json' WHERE status = 'rejected'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_pointer (&list, json_array_unref);
  list = ccm_attention_views_list (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_kind (list, "rejected_command"), ==, 1);
  g_assert_cmpint (ccm_attention_views_count (f->store, "conf", NULL), ==, 0);
  g_assert_cmpint (ccm_attention_views_count (f->store, NULL, NULL), ==, 1);

  /* Unknown keys are named in the error. */
  g_clear_pointer (&item, json_object_unref);
  item = ccm_attention_views_get (f->store, "command#nothing", &error);
  g_assert_null (item);
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

  ADD ("/model/views/open-close", test_open_close);
  ADD ("/model/views/order/paid-and-assigned", test_paid_and_assigned);
  ADD ("/model/views/order/partial-reservation", test_partial_reservations);
  ADD ("/model/views/order/expiry-frees-seats", test_expiry_frees_seats);
  ADD ("/model/views/order/not-found", test_not_found);
  ADD ("/model/views/attendee/search", test_search);
  ADD ("/model/views/attendee/search-unnamed-by-registrant", test_search_unnamed_by_registrant);
  ADD ("/model/views/order/search-key", test_order_search_key);
  ADD ("/model/views/attention/double-admission", test_double_admission);
  ADD ("/model/views/attention/cancelled-refund", test_cancelled_refund);
  ADD ("/model/views/checkin/counts", test_checkin_counts);
  ADD ("/model/views/attention/amount-mismatch", test_amount_mismatch);
  ADD ("/model/views/attention/resolve", test_resolve);
  ADD ("/model/views/waitlist/promotion", test_waitlist);
  ADD ("/model/views/waitlist/search", test_waitlist_search);
  ADD ("/model/views/search/typed-letters", test_search_typed_letters);
  ADD ("/model/views/search/refold-upgrade", test_refold_upgrade);
  ADD ("/model/views/checkin/undo", test_checkin_undo);
  ADD ("/model/views/rebuild/identical", test_rebuild_identical);
  ADD ("/model/views/attention/field-conflict", test_field_conflict);
  ADD ("/model/views/attention/rejected-command", test_rejected_command);
  ADD ("/model/views/attention/kinds", test_attention_kinds);
  ADD ("/model/views/attention/many", test_attention_many);
  ADD ("/model/views/attention/mark-items", test_attention_mark_items);

  return g_test_run ();
}
