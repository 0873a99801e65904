/* test-seats.c — Given/When/Then for SeatsAvailability and its waitlists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "domain-test-utils.h"
#include "ccm-seats.h"

#define R1 "01955000-0000-7000-8000-0000000000a1"
#define R2 "01955000-0000-7000-8000-0000000000a2"
#define E1 "01955000-0000-7000-8000-0000000000e1"
#define E2 "01955000-0000-7000-8000-0000000000e2"
#define E3 "01955000-0000-7000-8000-0000000000e3"

static gboolean
reserve (DtWorld    *world,
         const char *reservation_id,
         gint64      general,
         gint64      workshop)
{
  return dt_when (world, "MakeSeatReservation",
                  dt_json ("{'conference': 'conf', 'reservation_id': '%s', 'request_id': 'q', "
                           "'seats': [{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}, "
                           "{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}]}",
                           reservation_id, DT_GENERAL, general, DT_WORKSHOP, workshop));
}

static gboolean
reserve_workshop (DtWorld    *world,
                  const char *reservation_id,
                  gint64      workshop)
{
  return dt_when (world, "MakeSeatReservation",
                  dt_json ("{'conference': 'conf', 'reservation_id': '%s', "
                           "'seats': [{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}]}",
                           reservation_id, DT_WORKSHOP, workshop));
}

static gint64
remaining (DtWorld    *world,
           const char *seat_type)
{
  CcmSeatsState *state = dt_state (world, &ccm_seats_aggregate, "seats/conf");
  const CcmSeatAvailability *type = ccm_seats_find_type (state, seat_type);
  gint64 n;

  g_assert_nonnull (type);
  n = type->remaining;
  ccm_seats_aggregate.free_state (state);
  return n;
}

static DtWorld *
given_conference (void)
{
  DtWorld *world = dt_world_new ();

  dt_given_conference (world, "conf", TRUE);
  return world;
}

static void
test_full_reservation (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  reserve (world, R1, 3, 2);

  dt_assert_events (world, "SeatsReserved", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpstr (ccm_json_string (p, "reservation_id"), ==, R1);
  g_assert_cmpstr (ccm_json_string (p, "request_id"), ==, "q");
  g_assert_cmpint (dt_seats_of (p, "seats", DT_GENERAL), ==, 3);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_WORKSHOP), ==, 2);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_GENERAL), ==, -3);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_WORKSHOP), ==, -2);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 97);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 8);
  dt_world_free (world);
}

static void
test_capped_reservation (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  reserve (world, R1, 1, 12);

  dt_assert_events (world, "SeatsReserved", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpint (dt_seats_of (p, "requested", DT_WORKSHOP), ==, 12);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_WORKSHOP), ==, 10);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_GENERAL), ==, 1);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_WORKSHOP), ==, -10);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 0);

  /* Sold out: the next one gets nothing, and is still answered. */
  reserve_workshop (world, R2, 1);
  dt_assert_events (world, "SeatsReserved", NULL);
  g_assert_cmpuint (dt_array_length (dt_payload (world, 0), "seats"), ==, 0);
  g_assert_cmpuint (dt_array_length (dt_payload (world, 0), "available_seats_changed"), ==, 0);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 0);
  dt_world_free (world);
}

static void
test_unknown_type (void)
{
  DtWorld *world = given_conference ();

  g_assert_false (dt_when (world, "MakeSeatReservation",
                           dt_json ("{'conference': 'conf', 'reservation_id': '%s', "
                                    "'seats': [{'seat_type': '%s', 'quantity': 1}, "
                                    "{'seat_type': 'no-such-type', 'quantity': 1}]}",
                                    R1, DT_GENERAL)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "seat_type");
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 100);

  g_assert_false (dt_when (world, "RemoveSeats",
                           dt_json ("{'conference': 'conf', 'seat_type': 'nope', 'quantity': 1}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "seat_type");

  g_assert_false (dt_when (world, "MakeSeatReservation",
                           dt_json ("{'conference': 'conf', 'reservation_id': '%s', "
                                    "'seats': [{'seat_type': '%s', 'quantity': -1}]}",
                                    R1, DT_GENERAL)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "quantity");
  dt_world_free (world);
}

static void
test_rereservation (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  reserve (world, R1, 3, 0);

  /* Tops up: only the difference is taken from the pool. */
  reserve (world, R1, 5, 0);
  p = dt_payload (world, 0);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_GENERAL), ==, 5);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_GENERAL), ==, -2);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 95);

  /* Shrinks: the difference goes back. */
  reserve (world, R1, 2, 0);
  p = dt_payload (world, 0);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_GENERAL), ==, 2);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_GENERAL), ==, 3);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 98);

  /* Releases: a type left out of the new request is given back. */
  reserve_workshop (world, R1, 1);
  p = dt_payload (world, 0);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_GENERAL), ==, 0);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_WORKSHOP), ==, 1);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_GENERAL), ==, 2);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_WORKSHOP), ==, -1);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 100);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 9);
  dt_world_free (world);
}

static void
test_rereservation_counts_held_seats (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  reserve_workshop (world, R1, 8);
  reserve_workshop (world, R2, 2);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 0);

  /* min (10, max (0, 0) + 8): what R1 holds, nothing more. */
  reserve_workshop (world, R1, 10);
  p = dt_payload (world, 0);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_WORKSHOP), ==, 8);
  g_assert_cmpuint (dt_array_length (p, "available_seats_changed"), ==, 0);
  dt_world_free (world);
}

static void
test_cancel_and_commit_unknown (void)
{
  DtWorld *world = given_conference ();

  g_assert_true (dt_when (world, "CancelSeatReservation",
                          dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1)));
  dt_assert_events (world, NULL);
  g_assert_true (dt_when (world, "CommitSeatReservation",
                          dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1)));
  dt_assert_events (world, NULL);
  g_assert_true (dt_when (world, "ReleaseSeats",
                          dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1)));
  dt_assert_events (world, NULL);
  dt_world_free (world);
}

static void
test_cancel_releases (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  reserve (world, R1, 4, 3);
  dt_when (world, "CancelSeatReservation",
           dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1));

  dt_assert_events (world, "SeatsReservationCancelled", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_GENERAL), ==, 4);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_WORKSHOP), ==, 3);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 100);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 10);

  /* A second cancel finds nothing. */
  dt_when (world, "CancelSeatReservation",
           dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1));
  dt_assert_events (world, NULL);
  dt_world_free (world);
}

static void
test_commit_then_release (void)
{
  DtWorld *world = given_conference ();

  reserve (world, R1, 2, 1);
  dt_when (world, "CommitSeatReservation",
           dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1));
  dt_assert_events (world, "SeatsReservationCommitted", NULL);
  g_assert_cmpint (dt_seats_of (dt_payload (world, 0), "seats", DT_GENERAL), ==, 2);

  /* Committed seats are sold: cancelling the reservation no longer frees them. */
  dt_when (world, "CancelSeatReservation",
           dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1));
  dt_assert_events (world, NULL);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 98);

  /* A cancelled order's sold seats return to the pool, once. */
  dt_when (world, "ReleaseSeats", dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1));
  dt_assert_events (world, "SeatsReleased", NULL);
  g_assert_cmpint (dt_seats_of (dt_payload (world, 0), "available_seats_changed", DT_GENERAL), ==, 2);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 100);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 10);

  dt_when (world, "ReleaseSeats", dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1));
  dt_assert_events (world, NULL);
  g_assert_cmpint (remaining (world, DT_GENERAL), ==, 100);
  dt_world_free (world);
}

static void
test_quota_cut (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  reserve_workshop (world, R1, 8);

  /* DESIGN §5.3: a cut may take free seats only (2 of the 10 here). */
  g_assert_false (dt_when (world, "RemoveSeats",
                           dt_json ("{'conference': 'conf', 'seat_type': '%s', 'quantity': 5}",
                                    DT_WORKSHOP)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "quantity");
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 2);
  g_assert_true (dt_when (world, "RemoveSeats",
                          dt_json ("{'conference': 'conf', 'seat_type': '%s', 'quantity': 2}",
                                   DT_WORKSHOP)));
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 0);

  /* A cut recorded before that rule may have left the count negative. */
  dt_given (world, "seats/conf", "AvailableSeatsChanged",
            dt_json ("{'conference': 'conf', 'seats': [{'seat_type': '%s', 'quantity': -3}], "
                     "'reason': 'quota'}", DT_WORKSHOP));
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, -3);

  /* Later reservations are capped at zero, never below. */
  reserve_workshop (world, R2, 2);
  p = dt_payload (world, 0);
  g_assert_cmpuint (dt_array_length (p, "seats"), ==, 0);
  g_assert_cmpuint (dt_array_length (p, "available_seats_changed"), ==, 0);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, -3);

  /* Seats added back count from the negative figure. */
  dt_when (world, "AddSeats",
           dt_json ("{'conference': 'conf', 'seat_type': '%s', 'quantity': 4}", DT_WORKSHOP));
  dt_assert_events (world, "AvailableSeatsChanged", NULL);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 1);
  reserve_workshop (world, R2, 2);
  g_assert_cmpint (dt_seats_of (dt_payload (world, 0), "seats", DT_WORKSHOP), ==, 1);
  dt_world_free (world);
}

static void
test_add_seats (void)
{
  DtWorld *world = given_conference ();
  CcmSeatsState *state;

  /* A new type becomes known even with no seats yet. */
  dt_when (world, "AddSeats",
           dt_json ("{'conference': 'conf', 'seat_type': 'new-type', 'quantity': 0}"));
  dt_assert_events (world, "AvailableSeatsChanged", NULL);
  state = dt_state (world, &ccm_seats_aggregate, "seats/conf");
  g_assert_nonnull (ccm_seats_find_type (state, "new-type"));
  ccm_seats_aggregate.free_state (state);

  /* Nothing to add to a known type: nothing recorded. */
  dt_when (world, "AddSeats",
           dt_json ("{'conference': 'conf', 'seat_type': 'new-type', 'quantity': 0}"));
  dt_assert_events (world, NULL);

  g_assert_false (dt_when (world, "AddSeats",
                           dt_json ("{'conference': 'conf', 'seat_type': 'new-type', 'quantity': -2}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "quantity");

  dt_when (world, "RetireSeatType", dt_json ("{'conference': 'conf', 'seat_type': 'new-type'}"));
  dt_assert_events (world, "SeatTypeRetired", NULL);
  g_assert_false (dt_when (world, "MakeSeatReservation",
                           dt_json ("{'conference': 'conf', 'reservation_id': '%s', "
                                    "'seats': [{'seat_type': 'new-type', 'quantity': 1}]}", R1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "seat_type");
  dt_world_free (world);
}

static void
join (DtWorld    *world,
      const char *entry_id,
      gint64      quantity)
{
  dt_when (world, "JoinWaitlist",
           dt_json ("{'conference': 'conf', 'entry_id': '%s', 'seat_type': '%s', "
                    "'quantity': %" G_GINT64_FORMAT ", 'email': 'w@example.com'}",
                    entry_id, DT_WORKSHOP, quantity));
}

static void
test_waitlist_join (void)
{
  DtWorld *world = given_conference ();

  /* Not sold out: the registrant should order instead. */
  join (world, E1, 2);
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "seat_type");

  reserve_workshop (world, R1, 10);
  join (world, E1, 2);
  dt_assert_events (world, "WaitlistJoined", NULL);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "position", -1), ==, 0);
  join (world, E2, 1);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "position", -1), ==, 1);

  join (world, E2, 1);
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "entry_id");

  dt_when (world, "JoinWaitlist",
           dt_json ("{'conference': 'conf', 'entry_id': '01955000-0000-7000-8000-0000000000e3', "
                    "'seat_type': '%s', 'quantity': 1, 'email': 'not-an-address'}", DT_WORKSHOP));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "email");
  dt_world_free (world);
}

static void
test_waitlist_fifo (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  reserve_workshop (world, R1, 10);
  join (world, E1, 2);
  join (world, E2, 1);

  /* One seat frees: the first in line gets it, and still waits for one. */
  reserve_workshop (world, R1, 9);
  dt_assert_events (world, "SeatsReserved", "WaitlistPromoted", NULL);
  p = dt_payload (world, 1);
  g_assert_cmpstr (ccm_json_string (p, "entry_id"), ==, E1);
  g_assert_cmpint (ccm_json_int (p, "quantity", 0), ==, 1);
  g_assert_cmpint (ccm_json_int (p, "waiting", -1), ==, 1);
  g_assert_cmpint (ccm_json_int (p, "hold_until", 0), ==,
                   DT_T0 + CCM_WAITLIST_HOLD_HOURS * 60 * DT_MINUTE);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 0);

  /* The second goes to the same entry: no overtaking. */
  reserve_workshop (world, R1, 8);
  dt_assert_events (world, "SeatsReserved", "WaitlistPromoted", NULL);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 1), "entry_id"), ==, E1);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 1), "waiting", -1), ==, 0);

  /* Then the next in line; what is left over is free for anyone. */
  dt_when (world, "CancelSeatReservation",
           dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1));
  dt_assert_events (world, "SeatsReservationCancelled", "WaitlistPromoted", NULL);
  p = dt_payload (world, 1);
  g_assert_cmpstr (ccm_json_string (p, "entry_id"), ==, E2);
  g_assert_cmpint (ccm_json_int (p, "quantity", 0), ==, 1);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 7);
  dt_world_free (world);
}

static void
test_waitlist_hold (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  reserve_workshop (world, R1, 10);
  join (world, E1, 2);
  join (world, E2, 2);
  reserve_workshop (world, R1, 6);
  dt_assert_events (world, "SeatsReserved", "WaitlistPromoted", "WaitlistPromoted", NULL);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 0);

  /* An order under the entry's id takes up the held seats. */
  reserve_workshop (world, E1, 2);
  dt_assert_events (world, "SeatsReserved", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpint (dt_seats_of (p, "seats", DT_WORKSHOP), ==, 2);
  g_assert_cmpuint (dt_array_length (p, "available_seats_changed"), ==, 0);

  /* Its hold can no longer expire. */
  dt_when (world, "ExpireWaitlistHold", dt_json ("{'conference': 'conf', 'entry_id': '%s'}", E1));
  dt_assert_events (world, NULL);

  /* E2 never ordered: its seats go back, to whoever is next (nobody). */
  dt_when (world, "ExpireWaitlistHold", dt_json ("{'conference': 'conf', 'entry_id': '%s'}", E2));
  dt_assert_events (world, "SeatsReservationCancelled", NULL);
  g_assert_cmpint (dt_seats_of (dt_payload (world, 0), "available_seats_changed", DT_WORKSHOP), ==, 2);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 2);
  dt_world_free (world);
}

static void
test_waitlist_partial_hold_then_order (void)
{
  DtWorld *world = given_conference ();
  CcmSeatsState *state;

  reserve_workshop (world, R1, 10);
  join (world, E1, 3);
  reserve_workshop (world, R1, 9);
  dt_assert_events (world, "SeatsReserved", "WaitlistPromoted", NULL);

  /* Ordering with one seat held leaves the queue: later seats go elsewhere. */
  reserve_workshop (world, E1, 3);
  dt_assert_events (world, "WaitlistLeft", "SeatsReserved", NULL);
  g_assert_cmpint (dt_seats_of (dt_payload (world, 1), "seats", DT_WORKSHOP), ==, 1);
  state = dt_state (world, &ccm_seats_aggregate, "seats/conf");
  g_assert_cmpuint (ccm_seats_find_type (state, DT_WORKSHOP)->waitlist->len, ==, 0);
  ccm_seats_aggregate.free_state (state);
  dt_world_free (world);
}

static void
leave (DtWorld    *world,
       const char *entry_id)
{
  dt_when (world, "LeaveWaitlist",
           dt_json ("{'conference': 'conf', 'entry_id': '%s'}", entry_id));
}

static void
test_waitlist_leave (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  reserve_workshop (world, R1, 10);
  join (world, E1, 2);
  join (world, E2, 1);
  join (world, E3, 1);

  /* Taken off while waiting: the next one moves up. */
  leave (world, E1);
  dt_assert_events (world, "WaitlistLeft", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpstr (ccm_json_string (p, "entry_id"), ==, E1);
  g_assert_cmpstr (ccm_json_string (p, "reason"), ==, "removed");
  reserve_workshop (world, R1, 9);
  dt_assert_events (world, "SeatsReserved", "WaitlistPromoted", NULL);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 1), "entry_id"), ==, E2);

  /* Taken off with a seat held: the seat goes on to the next in line. */
  leave (world, E2);
  dt_assert_events (world, "WaitlistLeft", "SeatsReservationCancelled", "WaitlistPromoted", NULL);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 2), "entry_id"), ==, E3);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 0);

  /* And with nobody left in line, back to anyone. */
  leave (world, E3);
  dt_assert_events (world, "WaitlistLeft", "SeatsReservationCancelled", NULL);
  g_assert_cmpint (remaining (world, DT_WORKSHOP), ==, 1);

  /* Nobody to take off. */
  g_assert_false (dt_when (world, "LeaveWaitlist",
                           dt_json ("{'conference': 'conf', 'entry_id': '%s'}", E3)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "entry_id");
  g_assert_false (dt_when (world, "LeaveWaitlist", dt_json ("{'conference': 'conf'}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "entry_id");
  dt_world_free (world);
}

static void
assert_same_inventory (CcmSeatsState *a,
                       CcmSeatsState *b,
                       const char    *seat_type)
{
  CcmSeatInventory x, y;

  g_assert_true (ccm_seats_get_inventory (a, seat_type, &x));
  g_assert_true (ccm_seats_get_inventory (b, seat_type, &y));
  g_assert_cmpint (x.quota, ==, y.quota);
  g_assert_cmpint (x.committed, ==, y.committed);
  g_assert_cmpint (x.held, ==, y.held);
  g_assert_cmpint (x.outstanding, ==, y.outstanding);
  g_assert_cmpint (x.remaining, ==, y.remaining);
}

/* The state a store keeps as a snapshot comes back whole: reservations
 * held and committed, a waitlist's held seats and its queue, an allotment. */
static void
test_snapshot_round_trip (void)
{
  DtWorld *world = given_conference ();
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonObject) object = NULL;
  CcmSeatsState *state, *restored;
  const CcmSeatReservation *hold;
  const CcmSeatAvailability *workshop;
  const CcmAllotment *allotment;

  reserve (world, R1, 3, 2);
  g_assert_true (dt_when (world, "CommitSeatReservation",
                          dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", R1)));
  reserve_workshop (world, R2, 8);
  join (world, E1, 2);
  join (world, E2, 1);
  reserve_workshop (world, R2, 7);
  dt_assert_events (world, "SeatsReserved", "WaitlistPromoted", NULL);
  g_assert_true (dt_when (world, "GrantAllotment",
                          dt_json ("{'conference': 'conf', 'allotment_id': '%s', 'device_id': 'desk', "
                                   "'seat_type': '%s', 'quantity': 4, 'until': %" G_GINT64_FORMAT "}",
                                   E3, DT_GENERAL, DT_T0 + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)));
  dt_assert_events (world, "AllotmentGranted", NULL);

  state = dt_state (world, &ccm_seats_aggregate, "seats/conf");
  text = ccm_seats_aggregate.snapshot (state);
  object = ccm_json_from_string (text, -1, NULL);
  g_assert_nonnull (object);
  restored = ccm_seats_aggregate.restore (object);
  g_assert_nonnull (restored);
  again = ccm_seats_aggregate.snapshot (restored);
  g_assert_cmpstr (again, ==, text);

  g_assert_cmpuint (g_hash_table_size (restored->committed), ==, 1);
  g_assert_true (g_hash_table_contains (restored->committed, R1));
  g_assert_cmpint (ccm_seat_quantities_get (((CcmSeatReservation *) g_hash_table_lookup (
                     restored->committed, R1))->seats, DT_GENERAL), ==, 3);
  hold = g_hash_table_lookup (restored->pending, E1);
  g_assert_nonnull (hold);
  g_assert_true (hold->waitlist_hold);
  g_assert_cmpint (hold->hold_until, ==,
                   ((CcmSeatReservation *) g_hash_table_lookup (state->pending, E1))->hold_until);
  g_assert_cmpint (hold->hold_until, >, 0);
  workshop = ccm_seats_find_type (restored, DT_WORKSHOP);
  g_assert_cmpuint (workshop->waitlist->len, ==, 2);
  g_assert_cmpstr (((CcmWaitlistEntry *) g_ptr_array_index (workshop->waitlist, 1))->email, ==,
                   "w@example.com");
  allotment = ccm_seats_find_allotment (restored, E3);
  g_assert_nonnull (allotment);
  g_assert_cmpstr (allotment->device_id, ==, "desk");
  g_assert_cmpint (allotment->granted, ==, 4);
  g_assert_cmpint (allotment->until, ==, DT_T0 + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC);
  assert_same_inventory (state, restored, DT_GENERAL);
  assert_same_inventory (state, restored, DT_WORKSHOP);

  /* Text it did not write gives no state. */
  {
    g_autoptr(JsonObject) other = ccm_json_from_string ("{\"types\":[],\"pending\":[1]}", -1, NULL);

    g_assert_null (ccm_seats_aggregate.restore (other));
  }

  ccm_seats_aggregate.free_state (state);
  ccm_seats_aggregate.free_state (restored);
  dt_world_free (world);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/domain/seats/full-reservation", test_full_reservation);
  g_test_add_func ("/domain/seats/capped-reservation", test_capped_reservation);
  g_test_add_func ("/domain/seats/unknown-type", test_unknown_type);
  g_test_add_func ("/domain/seats/re-reservation", test_rereservation);
  g_test_add_func ("/domain/seats/re-reservation-counts-held", test_rereservation_counts_held_seats);
  g_test_add_func ("/domain/seats/cancel-commit-unknown", test_cancel_and_commit_unknown);
  g_test_add_func ("/domain/seats/cancel-releases", test_cancel_releases);
  g_test_add_func ("/domain/seats/commit-then-release", test_commit_then_release);
  g_test_add_func ("/domain/seats/quota-cut", test_quota_cut);
  g_test_add_func ("/domain/seats/add-seats", test_add_seats);
  g_test_add_func ("/domain/seats/waitlist-join", test_waitlist_join);
  g_test_add_func ("/domain/seats/waitlist-fifo", test_waitlist_fifo);
  g_test_add_func ("/domain/seats/waitlist-hold", test_waitlist_hold);
  g_test_add_func ("/domain/seats/waitlist-partial-hold", test_waitlist_partial_hold_then_order);
  g_test_add_func ("/domain/seats/waitlist-leave", test_waitlist_leave);
  g_test_add_func ("/domain/seats/snapshot-round-trip", test_snapshot_round_trip);

  return g_test_run ();
}
