/* test-registration.c — the registration process, seat quotas and waitlist
 * holds, event by event and end to end over the deciders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "domain-test-utils.h"
#include "ccm-order.h"
#include "ccm-registration.h"
#include "ccm-seats.h"

#define O1 "01955000-0000-7000-8000-0000000000b1"
#define O2 "01955000-0000-7000-8000-0000000000b2"
#define O3 "01955000-0000-7000-8000-0000000000b3"
#define P1 "01955000-0000-7000-8000-0000000000c1"
#define P2 "01955000-0000-7000-8000-0000000000c2"
#define E1 "01955000-0000-7000-8000-0000000000e1"

static const CcmProcessManager *pm = &ccm_registration_manager;

static DtWorld *
given_conference (void)
{
  DtWorld *world = dt_world_new ();

  dt_given_conference (world, "conf", TRUE);
  return world;
}

static void
place (DtWorld    *world,
       const char *order_id,
       const char *access_code,
       const char *seat_type,
       gint64      quantity)
{
  g_autofree char *codes = dt_codes (g_str_equal (order_id, O1) ? "TKA" :
                                     g_str_equal (order_id, O2) ? "TKB" : "TKC", quantity);

  g_assert_true (dt_when (world, "PlaceOrder",
                          dt_json ("{'order_id': '%s', 'conference': 'conf', 'access_code': '%s', "
                                   "'seats': [{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}], "
                                   "'ticket_codes': %s}",
                                   order_id, access_code, seat_type, quantity, codes)));
}

static void
pay (DtWorld    *world,
     const char *payment_id,
     const char *order_id,
     gint64      amount)
{
  g_assert_true (dt_when (world, "InitiatePayment",
                          dt_json ("{'payment_id': '%s', 'order_id': '%s', 'method': 'card', "
                                   "'amount': %" G_GINT64_FORMAT "}", payment_id, order_id, amount)));
  g_assert_true (dt_when (world, "CompletePayment", dt_json ("{'payment_id': '%s'}", payment_id)));
}

static CcmOrderStatus
order_status (DtWorld    *world,
              const char *order_id)
{
  g_autofree char *stream = g_strconcat ("order/", order_id, NULL);
  CcmOrderState *state = dt_state (world, &ccm_order_aggregate, stream);
  CcmOrderStatus status = state->status;

  ccm_order_aggregate.free_state (state);
  return status;
}

static gint64
remaining (DtWorld    *world,
           const char *seat_type)
{
  CcmSeatsState *state = dt_state (world, &ccm_seats_aggregate, "seats/conf");
  gint64 n = ccm_seats_find_type (state, seat_type)->remaining;

  ccm_seats_aggregate.free_state (state);
  return n;
}

static gboolean
committed (DtWorld    *world,
           const char *reservation_id)
{
  CcmSeatsState *state = dt_state (world, &ccm_seats_aggregate, "seats/conf");
  gboolean found = g_hash_table_contains (state->committed, reservation_id);

  ccm_seats_aggregate.free_state (state);
  return found;
}

static CcmEvent *
last_event (DtWorld    *world,
            const char *stream_id)
{
  GPtrArray *stream = dt_stream (world, stream_id);

  g_assert_cmpuint (stream->len, >, 0);
  return g_ptr_array_index (stream, stream->len - 1);
}

/* Event by event */

static void
test_order_placed (void)
{
  DtWorld *world = given_conference ();
  CcmEvent *placed;
  CcmCommand *command;
  DtTimer *timer;
  GPtrArray *timers;

  place (world, O1, "ABC234", "General", 2);
  placed = g_ptr_array_index (dt_events (world), 1);
  g_assert_cmpstr (placed->type, ==, "OrderPlaced");

  dt_react (world, pm, placed);
  dt_assert_sent (world, "MakeSeatReservation", NULL);
  command = dt_sent_command (world, 0);
  g_assert_cmpstr (ccm_json_string (command->args, "conference"), ==, "conf");
  g_assert_cmpstr (ccm_json_string (command->args, "reservation_id"), ==, O1);
  g_assert_cmpstr (ccm_json_string (command->args, "request_id"), ==, O1 "/1");
  g_assert_cmpint (dt_seats_of (command->args, "seats", DT_GENERAL), ==, 2);

  timers = dt_timer_requests (world);
  g_assert_cmpuint (timers->len, ==, 1);
  timer = g_ptr_array_index (timers, 0);
  g_assert_cmpstr (timer->key, ==, CCM_REGISTRATION_EXPIRY_TIMER);
  g_assert_cmpint (timer->due_at, ==, DT_T0 + 15 * DT_MINUTE);
  g_assert_cmpstr (timer->command->type, ==, "RejectOrder");
  g_assert_cmpstr (ccm_json_string (timer->command->args, "order_id"), ==, O1);

  /* The same event again: nothing more. */
  dt_react (world, pm, placed);
  dt_assert_sent (world, NULL);
  g_assert_cmpuint (dt_timer_requests (world)->len, ==, 0);
  dt_world_free (world);
}

static CcmEvent *
seats_reserved (DtWorld    *world,
                const char *request_id,
                gint64      general)
{
  return dt_given (world, "seats/conf", "SeatsReserved",
                   dt_json ("{'conference': 'conf', 'reservation_id': '%s', 'request_id': '%s', "
                            "'seats': [{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}], "
                            "'available_seats_changed': []}",
                            O1, request_id, DT_GENERAL, general));
}

static void
test_stale_reply_ignored (void)
{
  DtWorld *world = given_conference ();
  CcmEvent *stale, *current;

  place (world, O1, "ABC234", "General", 3);
  dt_react (world, pm, g_ptr_array_index (dt_events (world), 1));
  dt_when (world, "UpdateSeats",
           dt_json ("{'order_id': '%s', 'seats': [{'seat_type': 'General', 'quantity': 2}]}", O1));
  dt_react (world, pm, g_ptr_array_index (dt_events (world), 0));
  dt_assert_sent (world, "MakeSeatReservation", NULL);
  g_assert_cmpstr (ccm_json_string (dt_sent_command (world, 0)->args, "request_id"), ==, O1 "/2");

  /* The answer to the first request arrives late: ignored. */
  stale = seats_reserved (world, O1 "/1", 3);
  dt_react (world, pm, stale);
  dt_assert_sent (world, NULL);

  current = seats_reserved (world, O1 "/2", 2);
  dt_react (world, pm, current);
  dt_assert_sent (world, "MarkSeatsAsReserved", NULL);
  g_assert_cmpint (dt_seats_of (dt_sent_command (world, 0)->args, "seats", DT_GENERAL), ==, 2);

  /* And a duplicate of the current one is harmless. */
  dt_react (world, pm, current);
  dt_assert_sent (world, NULL);
  dt_world_free (world);
}

static void
test_waitlist_reservations_not_correlated (void)
{
  g_autoptr(CcmEvent) event =
    ccm_event_new ("SeatsReserved", 1,
                   dt_json ("{'conference': 'conf', 'reservation_id': '%s', 'seats': []}", E1));
  g_autoptr(CcmEvent) other = ccm_event_new ("ConferencePublished", 1, NULL);

  g_assert_null (pm->correlate (event));
  g_assert_null (pm->correlate (other));
}

/* End to end over the deciders */

static void
test_happy_path (void)
{
  DtWorld *world = given_conference ();
  JsonObject *created;

  place (world, O1, "ABC234", "General", 2);
  dt_settle (world);
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_RESERVED);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 98);
  g_assert_cmpuint (dt_pending_timers (world), ==, 1);

  pay (world, P1, O1, 39800);
  dt_settle (world);

  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_CONFIRMED);
  g_assert_true (committed (world, O1));
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 98);
  g_assert_cmpuint (dt_count (world, "payment/" P1, "PaymentAmountMismatch"), ==, 0);
  g_assert_cmpstr (ccm_json_string (dt_last_payload (world, "order/" O1, "OrderConfirmed"),
                                    "payment_id"), ==, P1);

  created = dt_last_payload (world, "assignments/" O1, "SeatAssignmentsCreated");
  g_assert_nonnull (created);
  g_assert_cmpuint (dt_array_length (created, "positions"), ==, 2);

  /* The expiry timer is gone: the order stays confirmed. */
  g_assert_cmpuint (dt_pending_timers (world), ==, 0);
  dt_advance_to (world, DT_T0 + 60 * DT_MINUTE);
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_CONFIRMED);
  dt_world_free (world);
}

static void
test_duplicates_harmless (void)
{
  DtWorld *world = given_conference ();
  CcmEvent *confirmed, *completed;

  place (world, O1, "ABC234", "General", 1);
  dt_settle (world);
  pay (world, P1, O1, 19900);
  completed = ccm_event_ref (last_event (world, "payment/" P1));
  dt_settle (world);
  confirmed = ccm_event_ref (last_event (world, "order/" O1));
  g_assert_cmpstr (confirmed->type, ==, "OrderConfirmed");

  dt_react (world, pm, confirmed);
  dt_assert_sent (world, NULL);
  dt_react (world, pm, completed);
  dt_assert_sent (world, NULL);

  /* Re-running what the process sent changes nothing either. */
  g_assert_true (dt_when (world, "CommitSeatReservation",
                          dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", O1)));
  dt_assert_events (world, NULL);
  g_assert_true (dt_when (world, "ConfirmOrder", dt_json ("{'order_id': '%s'}", O1)));
  dt_assert_events (world, NULL);

  ccm_event_unref (confirmed);
  ccm_event_unref (completed);
  dt_world_free (world);
}

static void
test_expiry_releases_seats (void)
{
  DtWorld *world = given_conference ();

  place (world, O1, "ABC234", "Workshop", 4);
  dt_settle (world);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 6);

  dt_advance_to (world, DT_T0 + 15 * DT_MINUTE - 1);
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_RESERVED);

  dt_advance_to (world, DT_T0 + 15 * DT_MINUTE);
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_EXPIRED);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 10);
  g_assert_cmpuint (dt_count (world, "seats/conf", "SeatsReservationCancelled"), ==, 1);
  g_assert_cmpuint (dt_pending_timers (world), ==, 0);
  dt_world_free (world);
}

static void
test_payment_after_expiry_seats_free (void)
{
  DtWorld *world = given_conference ();
  JsonObject *confirmed;

  place (world, O1, "ABC234", "Workshop", 2);
  dt_advance_to (world, DT_T0 + 20 * DT_MINUTE);
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_EXPIRED);

  pay (world, P1, O1, 10000);
  dt_settle (world);

  confirmed = dt_last_payload (world, "order/" O1, "OrderConfirmed");
  g_assert_nonnull (confirmed);
  g_assert_true (ccm_json_bool (confirmed, "after_expiry"));
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_CONFIRMED);
  g_assert_true (committed (world, O1));
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 8);
  g_assert_nonnull (dt_last_payload (world, "assignments/" O1, "SeatAssignmentsCreated"));
  g_assert_null (dt_last_payload (world, "order/" O1, "RefundDue"));
  dt_world_free (world);
}

static void
test_payment_after_expiry_sold_out (void)
{
  DtWorld *world = given_conference ();
  JsonObject *refund;

  place (world, O1, "ABC234", "Workshop", 2);
  dt_advance_to (world, DT_T0 + 20 * DT_MINUTE);
  place (world, O2, "DEF567", "Workshop", 9);
  dt_settle (world);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 1);

  pay (world, P1, O1, 10000);
  dt_settle (world);

  /* Only one seat back out of two: give it back and refund. */
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_EXPIRED);
  refund = dt_last_payload (world, "order/" O1, "RefundDue");
  g_assert_nonnull (refund);
  g_assert_cmpstr (ccm_json_string (refund, "reason"), ==, "payment_after_expiry");
  g_assert_cmpstr (ccm_json_string (refund, "payment_id"), ==, P1);
  g_assert_cmpint (ccm_json_int (refund, "amount", 0), ==, 10000);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 1);
  g_assert_false (committed (world, O1));
  dt_world_free (world);
}

/* A desk sold and took payment offline; by the time the order reaches the
 * server, the seats are gone (DESIGN §5.2): rejected as sold out at once,
 * with a refund — not left waiting for its window to run out. */
static void
test_paid_sold_out (void)
{
  DtWorld *world = given_conference ();
  JsonObject *expired, *refund;

  place (world, O2, "DEF567", "Workshop", 10);
  dt_settle (world);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 0);

  place (world, O1, "ABC234", "Workshop", 2);
  pay (world, P1, O1, 10000);
  dt_settle (world);

  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_EXPIRED);
  expired = dt_last_payload (world, "order/" O1, "OrderExpired");
  g_assert_cmpstr (ccm_json_string (expired, "reason"), ==, "sold_out");
  refund = dt_last_payload (world, "order/" O1, "RefundDue");
  g_assert_nonnull (refund);
  g_assert_cmpstr (ccm_json_string (refund, "reason"), ==, "sold_out");
  g_assert_cmpint (ccm_json_int (refund, "amount", 0), ==, 10000);
  g_assert_cmpuint (dt_count (world, "order/" O1, "RefundDue"), ==, 1);

  /* An unpaid order that got nothing waits: the registrant may change it or
   * join the waitlist. */
  place (world, O3, "GHJ789", "Workshop", 1);
  dt_settle (world);
  g_assert_cmpint (order_status (world, O3), ==, CCM_ORDER_PARTIALLY_RESERVED);
  dt_world_free (world);
}

static void
test_free_order (void)
{
  DtWorld *world = given_conference ();

  dt_given_seat_type (world, "conf", "01955000-0000-7000-8000-000000000003", "Student", 0, 5);
  place (world, O1, "ABC234", "Student", 2);
  dt_settle (world);

  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_CONFIRMED);
  g_assert_null (ccm_json_string (dt_last_payload (world, "order/" O1, "OrderConfirmed"),
                                  "payment_id"));
  g_assert_true (committed (world, O1));
  g_assert_nonnull (dt_last_payload (world, "assignments/" O1, "SeatAssignmentsCreated"));
  dt_world_free (world);
}

static void
test_free_partial_waits_for_acceptance (void)
{
  DtWorld *world = given_conference ();

  dt_given_seat_type (world, "conf", "01955000-0000-7000-8000-000000000003", "Student", 0, 1);
  place (world, O1, "ABC234", "Student", 2);
  dt_settle (world);
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_PARTIALLY_RESERVED);

  dt_when (world, "AcceptPartialReservation", dt_json ("{'order_id': '%s'}", O1));
  dt_settle (world);
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_CONFIRMED);
  g_assert_cmpuint (dt_array_length (dt_last_payload (world, "assignments/" O1,
                                                      "SeatAssignmentsCreated"), "positions"), ==, 1);
  dt_world_free (world);
}

static void
test_partial_then_paid (void)
{
  DtWorld *world = given_conference ();

  place (world, O1, "ABC234", "Workshop", 12);
  dt_settle (world);
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_PARTIALLY_RESERVED);
  g_assert_cmpint (ccm_json_int (dt_last_payload (world, "order/" O1, "OrderTotalsCalculated"),
                                 "total", 0), ==, 10 * 5000);

  /* Paying the re-priced total is accepting the part. */
  pay (world, P1, O1, 50000);
  dt_settle (world);
  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_CONFIRMED);
  g_assert_cmpuint (dt_count (world, "payment/" P1, "PaymentAmountMismatch"), ==, 0);
  g_assert_cmpuint (dt_array_length (dt_last_payload (world, "assignments/" O1,
                                                      "SeatAssignmentsCreated"), "positions"), ==, 10);
  dt_world_free (world);
}

static void
test_amount_mismatch (void)
{
  DtWorld *world = given_conference ();
  JsonObject *mismatch;

  place (world, O1, "ABC234", "General", 1);
  dt_settle (world);
  pay (world, P1, O1, 10000);
  dt_settle (world);

  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_CONFIRMED);
  mismatch = dt_last_payload (world, "payment/" P1, "PaymentAmountMismatch");
  g_assert_nonnull (mismatch);
  g_assert_cmpint (ccm_json_int (mismatch, "expected_amount", 0), ==, 19900);
  g_assert_cmpint (ccm_json_int (mismatch, "amount", 0), ==, 10000);
  dt_world_free (world);
}

static void
test_payment_before_reservation_answer (void)
{
  DtWorld *world = given_conference ();
  CcmEvent *placed, *completed;

  /* Event by event: the payment lands while the seats are still pending. */
  place (world, O1, "ABC234", "General", 1);
  placed = g_ptr_array_index (dt_events (world), 1);
  dt_react (world, pm, placed);
  dt_react (world, pm, g_ptr_array_index (dt_stream (world, "order/" O1), 1));
  pay (world, P1, O1, 19900);
  completed = last_event (world, "payment/" P1);
  dt_react (world, pm, completed);
  dt_assert_sent (world, NULL);

  /* Then the seats: reserved and paid, so confirmed. */
  dt_when (world, "MarkSeatsAsReserved",
           dt_json ("{'order_id': '%s', 'seats': [{'seat_type': '%s', 'quantity': 1}]}",
                    O1, DT_GENERAL));
  dt_react (world, pm, g_ptr_array_index (dt_events (world), 0));
  dt_assert_sent (world, "ConfirmOrder", NULL);
  g_assert_cmpstr (ccm_json_string (dt_sent_command (world, 0)->args, "payment_id"), ==, P1);
  dt_world_free (world);
}

static void
test_cancel_paid_order (void)
{
  DtWorld *world = given_conference ();
  JsonObject *refund;
  g_autofree char *code = dt_code ("TKA", 0);
  g_autofree char *ticket = g_strconcat ("ticket/", code, NULL);

  place (world, O1, "ABC234", "General", 2);
  dt_settle (world);
  pay (world, P1, O1, 39800);
  dt_settle (world);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 98);

  dt_when (world, "CancelOrder", dt_json ("{'order_id': '%s', 'reason': 'Organizer'}", O1));
  dt_settle (world);

  g_assert_cmpint (order_status (world, O1), ==, CCM_ORDER_CANCELLED);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 100);
  g_assert_false (committed (world, O1));
  g_assert_cmpuint (dt_count (world, "assignments/" O1, "SeatAssignmentsCancelled"), ==, 1);
  g_assert_cmpuint (dt_count (world, ticket, "TicketCancelled"), ==, 1);
  refund = dt_last_payload (world, "order/" O1, "RefundDue");
  g_assert_nonnull (refund);
  g_assert_cmpstr (ccm_json_string (refund, "reason"), ==, "cancelled");
  g_assert_cmpint (ccm_json_int (refund, "amount", 0), ==, 39800);
  dt_world_free (world);
}

static void
test_cancel_pending_order (void)
{
  DtWorld *world = given_conference ();

  place (world, O1, "ABC234", "General", 3);
  dt_settle (world);
  dt_when (world, "CancelOrder", dt_json ("{'order_id': '%s'}", O1));
  dt_settle (world);

  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 100);
  g_assert_null (dt_last_payload (world, "order/" O1, "RefundDue"));
  g_assert_cmpuint (dt_pending_timers (world), ==, 0);
  dt_world_free (world);
}

static void
test_second_payment_refunded (void)
{
  DtWorld *world = given_conference ();
  JsonObject *refund;

  place (world, O1, "ABC234", "General", 1);
  dt_settle (world);
  pay (world, P1, O1, 19900);
  dt_settle (world);
  pay (world, P2, O1, 19900);
  dt_settle (world);

  refund = dt_last_payload (world, "order/" O1, "RefundDue");
  g_assert_nonnull (refund);
  g_assert_cmpstr (ccm_json_string (refund, "payment_id"), ==, P2);
  g_assert_cmpstr (ccm_json_string (refund, "reason"), ==, "duplicate_payment");
  dt_world_free (world);
}

static void
test_waitlist_promotion_and_hold (void)
{
  DtWorld *world = given_conference ();
  g_autofree char *codes = dt_codes ("TKE", 1);

  place (world, O1, "ABC234", "Workshop", 10);
  dt_settle (world);
  g_assert_true (dt_when (world, "JoinWaitlist",
                          dt_json ("{'conference': 'conf', 'entry_id': '%s', 'seat_type': '%s', "
                                   "'quantity': 1, 'email': 'w@example.com'}", E1, DT_WORKSHOP)));

  /* O1 expires: its seats go to the waitlist, held for a day. */
  dt_advance_to (world, DT_T0 + 16 * DT_MINUTE);
  g_assert_cmpuint (dt_count (world, "seats/conf", "WaitlistPromoted"), ==, 1);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 9);
  g_assert_cmpuint (dt_pending_timers (world), ==, 1);

  /* The waitlisted registrant orders under the entry's id and gets the seat. */
  g_assert_true (dt_when (world, "PlaceOrder",
                          dt_json ("{'order_id': '%s', 'conference': 'conf', 'access_code': 'WAYT22', "
                                   "'seats': [{'seat_type': 'Workshop', 'quantity': 1}], "
                                   "'ticket_codes': %s}", E1, codes)));
  dt_settle (world);
  g_assert_cmpint (order_status (world, E1), ==, CCM_ORDER_RESERVED);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 9);

  /* The hold's timer then does nothing. */
  dt_advance_to (world, DT_T0 + 16 * DT_MINUTE + 24 * 60 * DT_MINUTE);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 9 + 1);   /* E1's own order expired */
  g_assert_cmpuint (dt_count (world, "seats/conf", "SeatsReservationCancelled"), ==, 2);
  dt_world_free (world);
}

static void
test_waitlist_hold_expires (void)
{
  DtWorld *world = given_conference ();

  place (world, O1, "ABC234", "Workshop", 10);
  dt_settle (world);
  dt_when (world, "JoinWaitlist",
           dt_json ("{'conference': 'conf', 'entry_id': '%s', 'seat_type': '%s', "
                    "'quantity': 2, 'email': 'w@example.com'}", E1, DT_WORKSHOP));
  dt_advance_to (world, DT_T0 + 16 * DT_MINUTE);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 8);

  dt_advance_to (world, DT_T0 + 16 * DT_MINUTE + 24 * 60 * DT_MINUTE);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 10);
  g_assert_cmpstr (ccm_json_string (dt_last_payload (world, "seats/conf", "SeatsReservationCancelled"),
                                    "reason"), ==, "waitlist-hold-expired");
  dt_world_free (world);
}

static void
test_seat_quota (void)
{
  DtWorld *world = dt_world_new ();
  const CcmProcessManager *quota = &ccm_seat_quota_manager;
  CcmEvent *created;
  CcmCommand *command;

  created = dt_given (world, "conference/conf", "SeatTypeCreated",
                      dt_json ("{'seat_type_id': '%s', 'name': 'General', 'price': 100, "
                               "'quota': 100}", DT_GENERAL));
  dt_react (world, quota, created);
  dt_assert_sent (world, "AddSeats", NULL);
  command = dt_sent_command (world, 0);
  g_assert_cmpstr (ccm_json_string (command->args, "conference"), ==, "conf");
  g_assert_cmpstr (ccm_json_string (command->args, "seat_type"), ==, DT_GENERAL);
  g_assert_cmpint (ccm_json_int (command->args, "quantity", 0), ==, 100);

  dt_react (world, quota, created);
  dt_assert_sent (world, NULL);

  dt_react (world, quota, dt_given (world, "conference/conf", "SeatTypeUpdated",
                                    dt_json ("{'seat_type_id': '%s', 'quota': 80, "
                                             "'previous_quota': 100}", DT_GENERAL)));
  dt_assert_sent (world, "RemoveSeats", NULL);
  g_assert_cmpint (ccm_json_int (dt_sent_command (world, 0)->args, "quantity", 0), ==, 20);

  dt_react (world, quota, dt_given (world, "conference/conf", "SeatTypeUpdated",
                                    dt_json ("{'seat_type_id': '%s', 'quota': 120}", DT_GENERAL)));
  dt_assert_sent (world, "AddSeats", NULL);
  g_assert_cmpint (ccm_json_int (dt_sent_command (world, 0)->args, "quantity", 0), ==, 40);

  /* A price change is no business of the seat counts. */
  dt_react (world, quota, dt_given (world, "conference/conf", "SeatTypeUpdated",
                                    dt_json ("{'seat_type_id': '%s', 'price': 500}", DT_GENERAL)));
  dt_assert_sent (world, NULL);

  dt_react (world, quota, dt_given (world, "conference/conf", "SeatTypeRemoved",
                                    dt_json ("{'seat_type_id': '%s', 'quota': 120}", DT_GENERAL)));
  dt_assert_sent (world, "RetireSeatType", NULL);
  dt_world_free (world);
}

static void
test_seat_quota_end_to_end (void)
{
  DtWorld *world = dt_world_new ();

  g_assert_true (dt_when (world, "CreateConference",
                          dt_json ("{'conference_id': '%s', 'slug': 'conf', 'name': 'Contoso Days', "
                                   "'start_date': '2025-06-01', 'end_date': '2025-06-02', "
                                   "'owner_name': 'Ada', 'owner_email': 'ada@example.com', "
                                   "'access_code': 'CONFAB'}", DT_CONF_ID)));
  g_assert_true (dt_when (world, "AddSeatType",
                          dt_json ("{'slug': 'conf', 'seat_type_id': '%s', 'name': 'General', "
                                   "'price': 19900, 'quota': 50}", DT_GENERAL)));
  dt_settle (world);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 50);

  g_assert_true (dt_when (world, "UpdateSeatType",
                          dt_json ("{'slug': 'conf', 'seat_type': 'General', 'quota': 30}")));
  dt_settle (world);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 30);
  dt_world_free (world);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/domain/registration/order-placed", test_order_placed);
  g_test_add_func ("/domain/registration/stale-reply-ignored", test_stale_reply_ignored);
  g_test_add_func ("/domain/registration/waitlist-not-correlated",
                   test_waitlist_reservations_not_correlated);
  g_test_add_func ("/domain/registration/happy-path", test_happy_path);
  g_test_add_func ("/domain/registration/duplicates-harmless", test_duplicates_harmless);
  g_test_add_func ("/domain/registration/expiry-releases-seats", test_expiry_releases_seats);
  g_test_add_func ("/domain/registration/payment-after-expiry-free",
                   test_payment_after_expiry_seats_free);
  g_test_add_func ("/domain/registration/payment-after-expiry-sold-out",
                   test_payment_after_expiry_sold_out);
  g_test_add_func ("/domain/registration/paid-sold-out", test_paid_sold_out);
  g_test_add_func ("/domain/registration/free-order", test_free_order);
  g_test_add_func ("/domain/registration/free-partial-waits", test_free_partial_waits_for_acceptance);
  g_test_add_func ("/domain/registration/partial-then-paid", test_partial_then_paid);
  g_test_add_func ("/domain/registration/amount-mismatch", test_amount_mismatch);
  g_test_add_func ("/domain/registration/payment-before-reservation",
                   test_payment_before_reservation_answer);
  g_test_add_func ("/domain/registration/cancel-paid-order", test_cancel_paid_order);
  g_test_add_func ("/domain/registration/cancel-pending-order", test_cancel_pending_order);
  g_test_add_func ("/domain/registration/second-payment-refunded", test_second_payment_refunded);
  g_test_add_func ("/domain/registration/waitlist-promotion", test_waitlist_promotion_and_hold);
  g_test_add_func ("/domain/registration/waitlist-hold-expires", test_waitlist_hold_expires);
  g_test_add_func ("/domain/registration/seat-quota", test_seat_quota);
  g_test_add_func ("/domain/registration/seat-quota-end-to-end", test_seat_quota_end_to_end);

  return g_test_run ();
}
