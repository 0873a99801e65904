/* test-event-describe.c — the sentences of an order's history, one per
 * event type; needs no display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>

#include "ccm-domain.h"
#include "ccm-event-describe.h"
#include "ccm-id.h"

static CcmEvent *
event_from (const char *type,
            const char *payload_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (payload_json, &error);

  g_assert_no_error (error);
  return ccm_event_new (type, 1, json_object_ref (json_node_get_object (node)));
}

static void
assert_describes (const char *type,
                  const char *payload_json,
                  const char *expected)
{
  g_autoptr(CcmEvent) event = event_from (type, payload_json);
  g_autofree char *text = ccm_event_describe (event);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_describe_order (void)
{
  assert_describes ("OrderPlaced",
                    "{\"seats\": [{\"seat_type\": \"a\", \"quantity\": 1},"
                    "             {\"seat_type\": \"b\", \"quantity\": 1}]}",
                    "Placed: 2 seats");
  assert_describes ("OrderPlaced", "{\"seats\": [{\"seat_type\": \"a\", \"quantity\": 1}]}",
                    "Placed: 1 seat");
  assert_describes ("OrderUpdated", "{\"seats\": [{\"seat_type\": \"a\", \"quantity\": 3}]}",
                    "Changed to 3 seats");
  assert_describes ("OrderReservationCompleted", "{}", "Seats reserved");
  assert_describes ("OrderPartiallyReserved", "{}", "Partially reserved");
  assert_describes ("OrderPartialReservationAccepted", "{}", "Partial reservation accepted");
  assert_describes ("OrderRegistrantAssigned",
                    "{\"first_name\": \"Grace\", \"last_name\": \"Hopper\", \"email\": \"g@example.org\"}",
                    "Registrant: Grace Hopper");
  assert_describes ("OrderConfirmed", "{}", "Confirmed");
  assert_describes ("OrderExpired", "{\"reason\": \"expired\"}", "Expired");
  assert_describes ("OrderExpired", "{\"reason\": \"sold_out\"}", "Sold out");
  assert_describes ("OrderCancelled", "{\"was_confirmed\": true}", "Cancelled");
  assert_describes ("AttentionResolved", "{\"item\": \"order/x#9\", \"note\": \"Refunded by card\"}",
                    "Marked resolved: Refunded by card");
  assert_describes ("AttentionResolved", "{\"item\": \"order/x#9\", \"note\": null}",
                    "Marked resolved");
  assert_describes ("AttentionReopened", "{\"item\": \"order/x#9\"}",
                    "Put back on the attention list");
  assert_describes ("RefundDue", "{\"amount\": 24900, \"currency\": \"USD\"}",
                    "Refund due: 249.00 USD");
}

static void
test_describe_payment (void)
{
  assert_describes ("PaymentCompleted", "{\"method\": \"card\", \"amount\": 24900, \"currency\": \"USD\"}",
                    "Paid 249.00 USD by card");
  assert_describes ("PaymentCompleted", "{\"method\": \"cash\", \"amount\": 5000, \"currency\": \"EUR\"}",
                    "Paid 50.00 EUR in cash");
  assert_describes ("PaymentInitiated", "{\"method\": \"cash\"}", "Payment started");
  assert_describes ("PaymentRejected", "{}", "Payment rejected");
}

static void
test_describe_assignments (void)
{
  assert_describes ("SeatAssigned",
                    "{\"position\": 0, \"email\": \"ada@example.org\", \"first_name\": \"Ada\","
                    " \"last_name\": \"Lovelace\"}",
                    "Seat 1 assigned to Ada Lovelace");
  assert_describes ("SeatAssigned", "{\"position\": 2, \"email\": \"ada@example.org\"}",
                    "Seat 3 assigned to ada@example.org");
  assert_describes ("SeatUnassigned", "{\"position\": 1, \"email\": \"ada@example.org\"}",
                    "Seat 2 given up by ada@example.org");
  assert_describes ("SeatAssignmentsCreated", "{}", "Tickets issued");
}

static void
test_describe_unknown (void)
{
  assert_describes ("SomethingNew", "{}", "SomethingNew");
}

static void
test_describe_where (void)
{
  g_autoptr(CcmEvent) event = event_from ("OrderConfirmed", "{}");
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "where.db", NULL);
  g_autoptr(CcmStore) store = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *by_id = NULL;
  g_autofree char *by_name = NULL;
  g_autofree char *here = NULL;
  g_autofree char *device = NULL;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  store = ccm_store_open (path, registry, clock, &error);
  g_assert_no_error (error);

  /* 2027-03-03 09:12:00 UTC; the tests run with TZ=UTC. */
  event->recorded_at = G_GINT64_CONSTANT (1804065120) * G_USEC_PER_SEC;
  plain = ccm_event_describe_where (store, event);
  g_assert_cmpstr (plain, ==, "2027-03-03 09:12");

  /* Another desk: by the end of its id until its name is known. */
  event->device_id = g_strdup ("1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809");
  by_id = ccm_event_describe_where (store, event);
  g_assert_cmpstr (by_id, ==, "2027-03-03 09:12 · desk d6e7f809");
  g_assert_true (ccm_store_set_desk_name (store, event->device_id, "  North\tdoor \n", &error));
  g_assert_no_error (error);
  by_name = ccm_event_describe_where (store, event);
  g_assert_cmpstr (by_name, ==, "2027-03-03 09:12 · desk “North door”");

  g_free (event->device_id);
  event->device_id = g_strdup (ccm_store_get_device_id (store));
  here = ccm_event_describe_where (store, event);
  g_assert_cmpstr (here, ==, "2027-03-03 09:12 · this desk");

  device = ccm_id_short ("abc");
  g_assert_cmpstr (device, ==, "abc");
  g_assert_null (ccm_id_short (NULL));
  g_assert_null (ccm_id_short (""));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/ui/event-describe/order", test_describe_order);
  g_test_add_func ("/ui/event-describe/payment", test_describe_payment);
  g_test_add_func ("/ui/event-describe/assignments", test_describe_assignments);
  g_test_add_func ("/ui/event-describe/unknown", test_describe_unknown);
  g_test_add_func ("/ui/event-describe/where", test_describe_where);
  return g_test_run ();
}
