/* test-order.c — Given/When/Then for the Order aggregate and its pricing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "domain-test-utils.h"
#include "ccm-order.h"
#include "ccm-seats.h"

#define O1 "01955000-0000-7000-8000-0000000000b1"
#define O2 "01955000-0000-7000-8000-0000000000b2"
#define P1 "01955000-0000-7000-8000-0000000000c1"

static gboolean
place (DtWorld    *world,
       const char *order_id,
       const char *access_code,
       gint64      general,
       gint64      workshop)
{
  g_autofree char *codes = dt_codes ("TKA", general + workshop);

  return dt_when (world, "PlaceOrder",
                  dt_json ("{'order_id': '%s', 'conference': 'conf', 'access_code': '%s', "
                           "'seats': [{'seat_type': 'General', 'quantity': %" G_GINT64_FORMAT "}, "
                           "{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}], "
                           "'ticket_codes': %s}",
                           order_id, access_code, general, DT_WORKSHOP, workshop, codes));
}

static gboolean
mark_reserved (DtWorld *world,
               gint64   general,
               gint64   workshop)
{
  return dt_when (world, "MarkSeatsAsReserved",
                  dt_json ("{'order_id': '%s', 'seats': ["
                           "{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}, "
                           "{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}]}",
                           O1, DT_GENERAL, general, DT_WORKSHOP, workshop));
}

static gboolean
order_command (DtWorld    *world,
               const char *type)
{
  return dt_when (world, type, dt_json ("{'order_id': '%s'}", O1));
}

static CcmOrderStatus
status (DtWorld *world)
{
  CcmOrderState *state = dt_state (world, &ccm_order_aggregate, "order/" O1);
  CcmOrderStatus s = state->status;

  ccm_order_aggregate.free_state (state);
  return s;
}

static DtWorld *
given_conference (void)
{
  DtWorld *world = dt_world_new ();

  dt_given_conference (world, "conf", TRUE);
  return world;
}

static void
test_place (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p, *line;
  CcmEvent *claim;

  g_assert_true (place (world, O1, "abc234", 2, 1));

  dt_assert_events (world, "OrderAccessCodeClaimed", "OrderPlaced", "OrderTotalsCalculated", NULL);
  claim = g_ptr_array_index (dt_events (world), 0);
  g_assert_cmpstr (claim->stream_id, ==, "order-code/conf/ABC234");

  p = dt_payload (world, 1);
  g_assert_cmpstr (ccm_json_string (p, "access_code"), ==, "ABC234");
  g_assert_cmpstr (ccm_json_string (p, "currency"), ==, "USD");
  g_assert_cmpint (ccm_json_int (p, "expires_at", 0), ==, DT_T0 + 15 * DT_MINUTE);
  /* Seat types named by name are recorded by id. */
  g_assert_cmpint (dt_seats_of (p, "seats", DT_GENERAL), ==, 2);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_WORKSHOP), ==, 1);
  g_assert_cmpuint (dt_array_length (p, "ticket_codes"), ==, 3);

  p = dt_payload (world, 2);
  g_assert_cmpint (ccm_json_int (p, "total", 0), ==, 2 * 19900 + 5000);
  g_assert_false (ccm_json_bool (p, "is_free"));
  g_assert_cmpuint (dt_array_length (p, "lines"), ==, 2);
  line = dt_array_object (p, "lines", 0);
  g_assert_cmpstr (ccm_json_string (line, "seat_type"), ==, DT_GENERAL);
  g_assert_cmpint (ccm_json_int (line, "unit_price", 0), ==, 19900);
  g_assert_cmpint (ccm_json_int (line, "line_total", 0), ==, 39800);
  line = dt_array_object (p, "lines", 1);
  g_assert_cmpint (ccm_json_int (line, "line_total", 0), ==, 5000);

  g_assert_cmpstr (ccm_json_string (dt_result (world), "order_id"), ==, O1);
  g_assert_cmpstr (ccm_json_string (dt_result (world), "access_code"), ==, "ABC234");
  g_assert_cmpstr (ccm_json_string (dt_result (world), "status"), ==, "pending");
  g_assert_false (ccm_json_bool (dt_result (world), "access_code_substituted"));
  g_assert_cmpint (status (world), ==, CCM_ORDER_PENDING);

  /* The same order id again is refused. */
  g_assert_false (place (world, O1, "DEF567", 1, 0));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");
  dt_world_free (world);
}

static void
test_reservation_window (void)
{
  DtWorld *world = given_conference ();

  dt_given (world, "conference/conf", "ConferenceUpdated", dt_json ("{'reservation_minutes': 40}"));
  place (world, O1, "ABC234", 1, 0);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 1), "expires_at", 0), ==, DT_T0 + 40 * DT_MINUTE);
  dt_world_free (world);
}

static void
test_place_refused (void)
{
  DtWorld *world = given_conference ();
  DtWorld *unpublished = dt_world_new ();

  g_assert_false (place (world, O1, "ABC234", 0, 0));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "seats");

  g_assert_false (place (world, O1, "ABC234", 2, -1));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "quantity");

  g_assert_false (place (world, O1, "ABC230", 1, 0));   /* 0 is not in the alphabet */
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "access_code");
  g_assert_false (place (world, O1, "ABC23", 1, 0));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "access_code");

  g_assert_false (dt_when (world, "PlaceOrder",
                           dt_json ("{'order_id': '%s', 'conference': 'conf', "
                                    "'access_code': 'ABC234', 'ticket_codes': ['TKAAAAAAAAAA'], "
                                    "'seats': [{'seat_type': 'Balcony', 'quantity': 1}]}", O1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "seat_type");

  g_assert_false (dt_when (world, "PlaceOrder",
                           dt_json ("{'order_id': '%s', 'conference': 'conf', "
                                    "'access_code': 'ABC234', 'ticket_codes': ['TKAAAAAAAAAA'], "
                                    "'seats': [{'seat_type': 'General', 'quantity': 2}]}", O1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "ticket_codes");

  g_assert_false (dt_when (world, "PlaceOrder",
                           dt_json ("{'order_id': '%s', 'conference': 'nowhere', "
                                    "'access_code': 'ABC234', 'ticket_codes': ['TKAAAAAAAAAA'], "
                                    "'seats': [{'seat_type': 'General', 'quantity': 1}]}", O1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "conference");

  g_assert_false (dt_when (world, "PlaceOrder",
                           dt_json ("{'order_id': 'not-a-uuid', 'conference': 'conf', "
                                    "'access_code': 'ABC234', 'ticket_codes': ['TKAAAAAAAAAA'], "
                                    "'seats': [{'seat_type': 'General', 'quantity': 1}]}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "order_id");

  /* The original system forgot this one. */
  dt_given_conference (unpublished, "conf", FALSE);
  g_assert_false (place (unpublished, O1, "ABC234", 1, 0));
  dt_assert_rejected (unpublished, CCM_DOMAIN_ERROR_CONFLICT, "conference");

  g_assert_cmpint (status (world), ==, CCM_ORDER_NEW);
  dt_world_free (unpublished);
  dt_world_free (world);
}

static void
test_access_code_unique (void)
{
  DtWorld *world = given_conference ();
  DtWorld *replica = given_conference ();
  g_autofree char *substitute = NULL;
  CcmEvent *claim;

  place (world, O2, "ABC234", 1, 0);
  place (world, O1, "ABC234", 1, 0);

  dt_assert_events (world, "OrderAccessCodeClaimed", "OrderPlaced", "OrderTotalsCalculated", NULL);
  substitute = g_strdup (ccm_json_string (dt_result (world), "access_code"));
  g_assert_true (ccm_json_bool (dt_result (world), "access_code_substituted"));
  g_assert_cmpstr (substitute, !=, "ABC234");
  g_assert_true (ccm_access_code_is_valid (substitute));
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 1), "access_code"), ==, substitute);
  claim = g_ptr_array_index (dt_events (world), 0);
  g_assert_true (g_str_has_suffix (claim->stream_id, substitute));

  /* Another replica in the same state substitutes the same code. */
  place (replica, O2, "ABC234", 1, 0);
  place (replica, O1, "ABC234", 1, 0);
  g_assert_cmpstr (ccm_json_string (dt_result (replica), "access_code"), ==, substitute);

  dt_world_free (replica);
  dt_world_free (world);
}

static void
test_free_order (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;
  g_autofree char *codes = dt_codes ("TKA", 2);

  dt_given_seat_type (world, "conf", "01955000-0000-7000-8000-000000000003", "Student", 0, 50);
  dt_when (world, "PlaceOrder",
           dt_json ("{'order_id': '%s', 'conference': 'conf', 'access_code': 'FREE22', "
                    "'seats': [{'seat_type': 'Student', 'quantity': 2}], 'ticket_codes': %s}",
                    O1, codes));
  p = dt_payload (world, 2);
  g_assert_cmpint (ccm_json_int (p, "total", -1), ==, 0);
  g_assert_true (ccm_json_bool (p, "is_free"));
  dt_world_free (world);
}

static void
test_partial_repriced (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  place (world, O1, "ABC234", 2, 3);
  mark_reserved (world, 2, 1);

  dt_assert_events (world, "OrderTotalsCalculated", "OrderPartiallyReserved", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpint (ccm_json_int (p, "total", 0), ==, 2 * 19900 + 1 * 5000);
  g_assert_true (ccm_json_bool (p, "repriced"));
  g_assert_cmpint (ccm_json_int (dt_array_object (p, "lines", 1), "quantity", 0), ==, 1);
  p = dt_payload (world, 1);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_WORKSHOP), ==, 1);
  g_assert_cmpint (dt_seats_of (p, "requested", DT_WORKSHOP), ==, 3);
  g_assert_cmpint (ccm_json_int (p, "expires_at", 0), ==, DT_T0 + 15 * DT_MINUTE);
  g_assert_cmpint (status (world), ==, CCM_ORDER_PARTIALLY_RESERVED);

  /* Prices changed since placement do not change the order's. */
  dt_given (world, "conference/conf", "SeatTypeUpdated",
            dt_json ("{'seat_type_id': '%s', 'price': 99900}", DT_GENERAL));
  mark_reserved (world, 1, 1);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "total", 0), ==, 19900 + 5000);

  /* The registrant takes what there is. */
  order_command (world, "AcceptPartialReservation");
  dt_assert_events (world, "OrderPartialReservationAccepted", NULL);
  order_command (world, "AcceptPartialReservation");
  dt_assert_events (world, NULL);
  dt_world_free (world);
}

static void
test_full_not_repriced (void)
{
  DtWorld *world = given_conference ();

  place (world, O1, "ABC234", 2, 3);
  mark_reserved (world, 2, 3);
  dt_assert_events (world, "OrderReservationCompleted", NULL);
  g_assert_cmpint (status (world), ==, CCM_ORDER_RESERVED);

  /* The same answer twice changes nothing. */
  mark_reserved (world, 2, 3);
  dt_assert_events (world, NULL);

  g_assert_false (order_command (world, "AcceptPartialReservation"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");
  dt_world_free (world);
}

static void
test_update_seats (void)
{
  DtWorld *world = given_conference ();

  place (world, O1, "ABC234", 2, 1);
  mark_reserved (world, 2, 1);

  g_assert_true (dt_when (world, "UpdateSeats",
                          dt_json ("{'order_id': '%s', 'seats': [{'seat_type': '%s', 'quantity': 1}]}",
                                   O1, DT_GENERAL)));
  dt_assert_events (world, "OrderUpdated", "OrderTotalsCalculated", NULL);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 1), "total", 0), ==, 19900);
  g_assert_cmpint (status (world), ==, CCM_ORDER_PENDING);

  dt_when (world, "UpdateSeats",
           dt_json ("{'order_id': '%s', 'seats': [{'seat_type': '%s', 'quantity': 1}]}",
                    O1, DT_GENERAL));
  dt_assert_events (world, NULL);

  /* More seats than the order has ticket codes for. */
  g_assert_false (dt_when (world, "UpdateSeats",
                           dt_json ("{'order_id': '%s', 'seats': [{'seat_type': '%s', 'quantity': 5}]}",
                                    O1, DT_GENERAL)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "ticket_codes");
  dt_world_free (world);
}

static void
test_confirmed_is_final (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;
  g_autofree char *first = dt_code ("TKA", 0);
  g_autofree char *second = dt_code ("TKA", 1);

  place (world, O1, "ABC234", 2, 1);
  mark_reserved (world, 2, 0);

  g_assert_true (dt_when (world, "ConfirmOrder",
                          dt_json ("{'order_id': '%s', 'payment_id': '%s', 'amount': 39800}",
                                   O1, P1)));
  dt_assert_events (world, "OrderConfirmed", NULL);
  p = dt_payload (world, 0);
  /* The codes of the reserved seats, in line order. */
  g_assert_cmpuint (dt_array_length (p, "ticket_codes"), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (p, "ticket_codes"), 0),
                   ==, first);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (p, "ticket_codes"), 1),
                   ==, second);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_GENERAL), ==, 2);
  g_assert_cmpint (ccm_json_int (p, "amount_paid", 0), ==, 39800);
  g_assert_cmpstr (ccm_json_string (p, "payment_id"), ==, P1);

  /* Confirming twice is harmless. */
  order_command (world, "ConfirmOrder");
  dt_assert_events (world, NULL);

  g_assert_false (order_command (world, "RejectOrder"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");

  g_assert_false (dt_when (world, "UpdateSeats",
                           dt_json ("{'order_id': '%s', 'seats': [{'seat_type': '%s', 'quantity': 1}]}",
                                    O1, DT_GENERAL)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "seats");

  g_assert_false (mark_reserved (world, 1, 0));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");
  g_assert_cmpint (status (world), ==, CCM_ORDER_CONFIRMED);
  dt_world_free (world);
}

static void
test_confirm_refused (void)
{
  DtWorld *world = given_conference ();

  g_assert_false (order_command (world, "ConfirmOrder"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "order_id");

  place (world, O1, "ABC234", 2, 0);
  g_assert_false (order_command (world, "ConfirmOrder"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");

  /* Nothing could be reserved: nothing to confirm. */
  mark_reserved (world, 0, 0);
  dt_assert_events (world, "OrderTotalsCalculated", "OrderPartiallyReserved", NULL);
  g_assert_true (ccm_json_bool (dt_payload (world, 0), "is_free"));
  g_assert_false (order_command (world, "ConfirmOrder"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "seats");
  dt_world_free (world);
}

static void
test_expiry (void)
{
  DtWorld *world = given_conference ();

  place (world, O1, "ABC234", 2, 0);
  mark_reserved (world, 2, 0);
  order_command (world, "RejectOrder");
  dt_assert_events (world, "OrderExpired", NULL);
  g_assert_cmpint (dt_seats_of (dt_payload (world, 0), "seats", DT_GENERAL), ==, 2);

  order_command (world, "RejectOrder");
  dt_assert_events (world, NULL);

  g_assert_false (order_command (world, "ConfirmOrder"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");
  g_assert_false (dt_when (world, "UpdateSeats",
                           dt_json ("{'order_id': '%s', 'seats': [{'seat_type': '%s', 'quantity': 1}]}",
                                    O1, DT_GENERAL)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "seats");

  /* Only the registration process, with the seats back, revives it. */
  dt_when (world, "ConfirmOrder",
           dt_json ("{'order_id': '%s', 'payment_id': '%s', 'amount': 39800, 'after_expiry': true}",
                    O1, P1));
  dt_assert_events (world, "OrderConfirmed", NULL);
  g_assert_true (ccm_json_bool (dt_payload (world, 0), "after_expiry"));
  dt_world_free (world);
}

static void
test_registrant (void)
{
  DtWorld *world = given_conference ();

  g_assert_false (dt_when (world, "AssignRegistrantDetails",
                           dt_json ("{'order_id': '%s', 'first_name': 'Ann', 'last_name': 'Lee', "
                                    "'email': 'ann@example.com'}", O1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "order_id");

  place (world, O1, "ABC234", 1, 0);

  g_assert_false (dt_when (world, "AssignRegistrantDetails",
                           dt_json ("{'order_id': '%s', 'first_name': 'Ann', 'last_name': 'Lee', "
                                    "'email': 'ann.example.com'}", O1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "email");
  g_assert_false (dt_when (world, "AssignRegistrantDetails",
                           dt_json ("{'order_id': '%s', 'first_name': '  ', 'last_name': 'Lee', "
                                    "'email': 'ann@example.com'}", O1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "first_name");
  g_assert_false (dt_when (world, "AssignRegistrantDetails",
                           dt_json ("{'order_id': '%s', 'first_name': 'Ann', "
                                    "'email': 'ann@example.com'}", O1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "last_name");

  dt_when (world, "AssignRegistrantDetails",
           dt_json ("{'order_id': '%s', 'first_name': 'Ann', 'last_name': 'Lee', "
                    "'email': 'Ann@Example.com'}", O1));
  dt_assert_events (world, "OrderRegistrantAssigned", NULL);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "email"), ==, "Ann@Example.com");

  /* The same address in another case is the same registrant. */
  dt_when (world, "AssignRegistrantDetails",
           dt_json ("{'order_id': '%s', 'first_name': 'Ann', 'last_name': 'Lee', "
                    "'email': 'ann@example.COM'}", O1));
  dt_assert_events (world, NULL);

  dt_when (world, "AssignRegistrantDetails",
           dt_json ("{'order_id': '%s', 'first_name': 'Ann', 'last_name': 'Lee-Smith', "
                    "'email': 'ann@example.com'}", O1));
  dt_assert_events (world, "OrderRegistrantAssigned", NULL);
  dt_world_free (world);
}

static void
test_cancel_and_refund (void)
{
  DtWorld *world = given_conference ();

  place (world, O1, "ABC234", 1, 0);
  mark_reserved (world, 1, 0);
  dt_when (world, "ConfirmOrder",
           dt_json ("{'order_id': '%s', 'payment_id': '%s', 'amount': 19900}", O1, P1));

  dt_when (world, "CancelOrder", dt_json ("{'order_id': '%s', 'reason': 'Asked by phone'}", O1));
  dt_assert_events (world, "OrderCancelled", NULL);
  g_assert_true (ccm_json_bool (dt_payload (world, 0), "was_confirmed"));
  g_assert_cmpint (dt_seats_of (dt_payload (world, 0), "seats", DT_GENERAL), ==, 1);
  order_command (world, "CancelOrder");
  dt_assert_events (world, NULL);

  dt_when (world, "RecordRefund",
           dt_json ("{'order_id': '%s', 'payment_id': '%s', 'amount': 19900, 'reason': 'cancelled'}",
                    O1, P1));
  dt_assert_events (world, "RefundDue", NULL);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "amount", 0), ==, 19900);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "currency"), ==, "USD");
  dt_when (world, "RecordRefund",
           dt_json ("{'order_id': '%s', 'payment_id': '%s', 'amount': 19900, 'reason': 'cancelled'}",
                    O1, P1));
  dt_assert_events (world, NULL);

  g_assert_false (dt_when (world, "AssignRegistrantDetails",
                           dt_json ("{'order_id': '%s', 'first_name': 'Ann', 'last_name': 'Lee', "
                                    "'email': 'ann@example.com'}", O1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");
  dt_world_free (world);
}

static void
test_cancel_expired (void)
{
  DtWorld *world = given_conference ();

  place (world, O1, "ABC234", 1, 0);
  order_command (world, "RejectOrder");
  g_assert_false (order_command (world, "CancelOrder"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");
  dt_world_free (world);
}

static void
test_upcast_payment_confirmed (void)
{
  DtWorld *world = given_conference ();
  CcmEvent *old;

  place (world, O1, "ABC234", 1, 0);
  mark_reserved (world, 1, 0);
  old = dt_given_version (world, "order/" O1, "OrderPaymentConfirmed", 1, NULL);

  g_assert_cmpstr (old->type, ==, "OrderConfirmed");
  g_assert_cmpint (old->schema_version, ==, 2);
  g_assert_cmpint (status (world), ==, CCM_ORDER_CONFIRMED);

  /* The reservation stands as the confirmed seats. */
  g_assert_false (order_command (world, "RejectOrder"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");
  dt_world_free (world);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/domain/order/place", test_place);
  g_test_add_func ("/domain/order/reservation-window", test_reservation_window);
  g_test_add_func ("/domain/order/place-refused", test_place_refused);
  g_test_add_func ("/domain/order/access-code-unique", test_access_code_unique);
  g_test_add_func ("/domain/order/free", test_free_order);
  g_test_add_func ("/domain/order/partial-reservation", test_partial_repriced);
  g_test_add_func ("/domain/order/full-reservation", test_full_not_repriced);
  g_test_add_func ("/domain/order/update-seats", test_update_seats);
  g_test_add_func ("/domain/order/confirmed-is-final", test_confirmed_is_final);
  g_test_add_func ("/domain/order/confirm-refused", test_confirm_refused);
  g_test_add_func ("/domain/order/expiry", test_expiry);
  g_test_add_func ("/domain/order/registrant", test_registrant);
  g_test_add_func ("/domain/order/cancel-and-refund", test_cancel_and_refund);
  g_test_add_func ("/domain/order/cancel-expired", test_cancel_expired);
  g_test_add_func ("/domain/order/upcast-payment-confirmed", test_upcast_payment_confirmed);

  return g_test_run ();
}
