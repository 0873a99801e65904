/* test-allotments.c — seats leased to desks (DESIGN §5.2): grants from free
 * seats only, guaranteed and provisional sales, expiry after the grace
 * period, and committed + held + outstanding ≤ quota at every step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "domain-test-utils.h"
#include "ccm-order.h"
#include "ccm-seats.h"

#define A1 "01955000-0000-7000-8000-0000000000d1"
#define A2 "01955000-0000-7000-8000-0000000000d2"
#define O1 "01955000-0000-7000-8000-0000000000b1"
#define O2 "01955000-0000-7000-8000-0000000000b2"
#define O3 "01955000-0000-7000-8000-0000000000b3"
#define O4 "01955000-0000-7000-8000-0000000000b4"
#define P4 "01955000-0000-7000-8000-0000000000c4"
#define E1 "01955000-0000-7000-8000-0000000000e1"
#define DESK1 "01955000-0000-7000-8000-00000000de51"
#define DESK2 "01955000-0000-7000-8000-00000000de52"

#define HOUR (60 * DT_MINUTE)

static DtWorld *
given_conference (void)
{
  DtWorld *world = dt_world_new ();

  dt_given_conference (world, "conf", TRUE);
  return world;
}

/* Runs a command as the given device issued it (NULL: a process manager). */
static gboolean
when_by (DtWorld    *world,
         const char *device_id,
         const char *type,
         JsonObject *args)
{
  static guint counter;
  g_autofree char *id = g_strdup_printf ("allotment-test-%u", ++counter);
  g_autoptr(CcmCommand) command = ccm_command_new (type, id, args);

  command->device_id = g_strdup (device_id);
  command->issued_at = dt_world_get_now (world);
  return dt_when_command (world, command);
}

static gboolean
grant (DtWorld    *world,
       const char *allotment_id,
       const char *device_id,
       const char *seat_type,
       gint64      quantity,
       gint64      until)
{
  return dt_when (world, "GrantAllotment",
                  dt_json ("{'conference': 'conf', 'allotment_id': '%s', 'device_id': '%s', "
                           "'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT ", "
                           "'until': %" G_GINT64_FORMAT "}",
                           allotment_id, device_id, seat_type, quantity, until));
}

static void
place (DtWorld    *world,
       const char *device_id,
       const char *order_id,
       const char *access_code,
       const char *prefix,
       const char *seat_type,
       gint64      quantity,
       const char *allotment_id)
{
  g_autofree char *codes = dt_codes (prefix, quantity);
  g_autofree char *allotment = allotment_id != NULL
                               ? g_strdup_printf (", 'allotment_id': '%s'", allotment_id)
                               : g_strdup ("");

  g_assert_true (when_by (world, device_id, "PlaceOrder",
                          dt_json ("{'order_id': '%s', 'conference': 'conf', 'access_code': '%s', "
                                   "'seats': [{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}], "
                                   "'ticket_codes': %s%s}",
                                   order_id, access_code, seat_type, quantity, codes, allotment)));
  dt_settle (world);
}

static CcmOrderState *
order_state (DtWorld    *world,
             const char *order_id)
{
  g_autofree char *stream = g_strconcat ("order/", order_id, NULL);

  return dt_state (world, &ccm_order_aggregate, stream);
}

static void
assert_order (DtWorld        *world,
              const char     *order_id,
              CcmOrderStatus  status,
              gint64          reserved,
              gboolean        guaranteed)
{
  CcmOrderState *state = order_state (world, order_id);

  g_assert_cmpstr (ccm_order_status_to_string (state->status), ==,
                   ccm_order_status_to_string (status));
  g_assert_cmpint (ccm_seat_quantities_total (state->reserved), ==, reserved);
  g_assert_cmpint (state->guaranteed, ==, guaranteed);
  ccm_order_aggregate.free_state (state);
}

static CcmSeatInventory
inventory (DtWorld    *world,
           const char *seat_type)
{
  CcmSeatsState *state = dt_state (world, &ccm_seats_aggregate, "seats/conf");
  CcmSeatInventory counted;

  g_assert_true (ccm_seats_get_inventory (state, seat_type, &counted));
  ccm_seats_aggregate.free_state (state);
  return counted;
}

static gint64
allotment_left (DtWorld    *world,
                const char *allotment_id)
{
  CcmSeatsState *state = dt_state (world, &ccm_seats_aggregate, "seats/conf");
  const CcmAllotment *allotment = ccm_seats_find_allotment (state, allotment_id);
  gint64 left;

  g_assert_nonnull (allotment);
  left = allotment->status == CCM_ALLOTMENT_ACTIVE ? allotment->remaining : -1;
  ccm_seats_aggregate.free_state (state);
  return left;
}

/* The invariant, counted from the reservations and allotments themselves,
 * and the free count the deciders work with agreeing with it. */
static void
assert_invariant (DtWorld *world)
{
  CcmSeatsState *state = dt_state (world, &ccm_seats_aggregate, "seats/conf");
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < state->types->len; i++)
    {
      CcmSeatAvailability *type = g_ptr_array_index (state->types, i);
      CcmSeatInventory counted;

      g_assert_true (ccm_seats_get_inventory (state, type->seat_type, &counted));
      g_assert_cmpint (counted.committed + counted.held + counted.outstanding, <=, counted.quota);
      g_assert_cmpint (counted.remaining, ==,
                       counted.quota - counted.committed - counted.held - counted.outstanding);
    }

  g_hash_table_iter_init (&iter, state->allotments);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CcmAllotment *allotment = value;

      g_assert_cmpint (allotment->remaining, >=, 0);
      g_assert_cmpint (allotment->remaining, <=, allotment->granted);
    }
  ccm_seats_aggregate.free_state (state);
}

static void
test_grant_from_free_seats (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  /* Workshop: 10 seats, 7 reserved: 3 free. */
  g_assert_true (dt_when (world, "MakeSeatReservation",
                          dt_json ("{'conference': 'conf', 'reservation_id': '%s', "
                                   "'seats': [{'seat_type': '%s', 'quantity': 7}]}",
                                   O1, DT_WORKSHOP)));

  g_assert_false (grant (world, A1, DESK1, DT_WORKSHOP, 4, DT_T0 + HOUR));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "quantity");
  g_assert_false (grant (world, A1, DESK1, DT_WORKSHOP, 3, DT_T0));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "until");
  g_assert_false (grant (world, A1, DESK1, "no-such-type", 3, DT_T0 + HOUR));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "seat_type");

  g_assert_true (grant (world, A1, DESK1, DT_WORKSHOP, 3, DT_T0 + HOUR));
  dt_assert_events (world, "AllotmentGranted", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpstr (ccm_json_string (p, "device_id"), ==, DESK1);
  g_assert_cmpint (ccm_json_int (p, "quantity", 0), ==, 3);
  g_assert_cmpint (ccm_json_int (p, "expires_at", 0), ==,
                   DT_T0 + HOUR + CCM_ALLOTMENT_GRACE_MINUTES * DT_MINUTE);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).outstanding, ==, 3);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).remaining, ==, 0);
  assert_invariant (world);

  g_assert_false (grant (world, A1, DESK2, DT_GENERAL, 1, DT_T0 + HOUR));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "allotment_id");

  /* A desk's request gets what is free, up to what it asked... */
  g_assert_true (when_by (world, DESK2, "RequestAllotment",
                          dt_json ("{'conference': 'conf', 'allotment_id': '%s', "
                                   "'seat_type': '%s', 'quantity': 150, 'device_id': '%s'}",
                                   A2, DT_GENERAL, DESK1)));
  p = dt_payload (world, 0);
  g_assert_cmpint (ccm_json_int (p, "quantity", 0), ==, 100);
  g_assert_cmpint (ccm_json_int (p, "requested", 0), ==, 150);
  /* ...for itself, whatever the arguments say, and for a default lease. */
  g_assert_cmpstr (ccm_json_string (p, "device_id"), ==, DESK2);
  g_assert_cmpint (ccm_json_int (p, "until", 0), >, DT_T0);
  assert_invariant (world);

  /* ...and nothing when nothing is free. */
  g_assert_false (when_by (world, DESK2, "RequestAllotment",
                           dt_json ("{'conference': 'conf', 'allotment_id': '%s', "
                                    "'seat_type': '%s', 'quantity': 1}",
                                    "01955000-0000-7000-8000-0000000000d3", DT_WORKSHOP)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "quantity");

  /* Returned, the unused seats are free again, once. */
  g_assert_true (dt_when (world, "ReturnAllotment",
                          dt_json ("{'conference': 'conf', 'allotment_id': '%s'}", A1)));
  dt_assert_events (world, "AllotmentReturned", NULL);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).remaining, ==, 3);
  g_assert_true (dt_when (world, "ReturnAllotment",
                          dt_json ("{'conference': 'conf', 'allotment_id': '%s'}", A1)));
  dt_assert_events (world, NULL);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).remaining, ==, 3);
  assert_invariant (world);
  dt_world_free (world);
}

/* Desk 1 holds 3 workshop seats; everyone else sells the 7 free ones first.
 * Desk 1's sale inside its allotment still gets its seats: guaranteed. */
static void
test_guaranteed_in_any_order (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  g_assert_true (grant (world, A1, DESK1, DT_WORKSHOP, 3, DT_T0 + 4 * HOUR));
  dt_settle (world);

  place (world, DESK2, O1, "AAAAAA", "TKA", "Workshop", 7, NULL);
  assert_order (world, O1, CCM_ORDER_RESERVED, 7, FALSE);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).remaining, ==, 0);

  place (world, DESK1, O2, "BBBBBB", "TKB", "Workshop", 3, A1);
  assert_order (world, O2, CCM_ORDER_RESERVED, 3, TRUE);
  p = dt_last_payload (world, "seats/conf", "SeatsReserved");
  g_assert_true (ccm_json_bool (p, "guaranteed"));
  g_assert_cmpint (ccm_json_int (p, "from_allotment", 0), ==, 3);
  g_assert_cmpstr (ccm_json_string (p, "allotment_status"), ==, "used");
  p = dt_last_payload (world, "order/" O2, "OrderReservationCompleted");
  g_assert_true (ccm_json_bool (p, "guaranteed"));
  g_assert_cmpstr (ccm_json_string (p, "allotment_id"), ==, A1);
  g_assert_cmpint (allotment_left (world, A1), ==, 0);
  assert_invariant (world);

  /* Confirmed, the seats are committed; the allotment stays spent. */
  g_assert_true (dt_when (world, "ConfirmOrder", dt_json ("{'order_id': '%s'}", O2)));
  dt_settle (world);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).committed, ==, 3);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).outstanding, ==, 0);
  assert_invariant (world);

  /* One more seat than the allotment had: provisional, and sold out. Paid
   * at the desk, it expires and the payment goes to the refund list. */
  place (world, DESK1, O4, "DDDDDD", "TKD", "Workshop", 1, A1);
  assert_order (world, O4, CCM_ORDER_PARTIALLY_RESERVED, 0, FALSE);
  p = dt_last_payload (world, "seats/conf", "SeatsReserved");
  g_assert_false (ccm_json_bool (p, "guaranteed"));
  g_assert_cmpstr (ccm_json_string (p, "allotment_status"), ==, "short");
  g_assert_true (dt_when (world, "InitiatePayment",
                          dt_json ("{'payment_id': '%s', 'order_id': '%s', 'method': 'cash', "
                                   "'amount': 5000}", P4, O4)));
  g_assert_true (dt_when (world, "CompletePayment", dt_json ("{'payment_id': '%s'}", P4)));
  dt_settle (world);
  dt_advance_to (world, DT_T0 + 20 * DT_MINUTE);
  assert_order (world, O4, CCM_ORDER_EXPIRED, 0, FALSE);
  g_assert_nonnull (dt_last_payload (world, "order/" O4, "RefundDue"));
  assert_invariant (world);
  dt_world_free (world);
}

/* Beyond its allotment a desk sells provisionally: those seats come from the
 * free pool in the order the sales arrive. */
static void
test_provisional_in_arrival_order (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  g_assert_true (grant (world, A1, DESK1, DT_WORKSHOP, 2, DT_T0 + 4 * HOUR));
  dt_settle (world);

  /* 3 asked, 2 from the allotment and 1 from the pool: all reserved, but
   * provisional (the pool seat depended on arrival order). */
  place (world, DESK1, O1, "AAAAAA", "TKA", "Workshop", 3, A1);
  assert_order (world, O1, CCM_ORDER_RESERVED, 3, FALSE);
  p = dt_last_payload (world, "seats/conf", "SeatsReserved");
  g_assert_cmpint (ccm_json_int (p, "from_allotment", 0), ==, 2);
  g_assert_cmpint (dt_seats_of (p, "available_seats_changed", DT_WORKSHOP), ==, -1);

  /* 7 free: the next arrivals get 6, then 1 of 2, then none. */
  place (world, DESK2, O2, "BBBBBB", "TKB", "Workshop", 6, NULL);
  assert_order (world, O2, CCM_ORDER_RESERVED, 6, FALSE);
  place (world, DESK1, O3, "CCCCCC", "TKC", "Workshop", 2, NULL);
  assert_order (world, O3, CCM_ORDER_PARTIALLY_RESERVED, 1, FALSE);
  place (world, DESK1, O4, "DDDDDD", "TKD", "Workshop", 1, NULL);
  assert_order (world, O4, CCM_ORDER_PARTIALLY_RESERVED, 0, FALSE);
  assert_invariant (world);

  /* Sold out: the registrant may wait for a seat. */
  g_assert_true (dt_when (world, "JoinWaitlist",
                          dt_json ("{'conference': 'conf', 'entry_id': '%s', 'seat_type': '%s', "
                                   "'quantity': 1, 'email': 'wait@example.com'}",
                                   E1, DT_WORKSHOP)));

  /* O1 cancelled: its allotment seats go back to the allotment, which is
   * still running; its pool seat to the waitlist. */
  g_assert_true (dt_when (world, "CancelOrder", dt_json ("{'order_id': '%s'}", O1)));
  dt_settle (world);
  g_assert_cmpint (allotment_left (world, A1), ==, 2);
  g_assert_cmpint (dt_count (world, "seats/conf", "WaitlistPromoted"), ==, 1);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).remaining, ==, 0);
  assert_invariant (world);
  dt_world_free (world);
}

static void
test_other_device (void)
{
  DtWorld *world = given_conference ();
  JsonObject *p;

  g_assert_true (grant (world, A1, DESK1, DT_WORKSHOP, 3, DT_T0 + HOUR));
  dt_settle (world);

  place (world, DESK2, O1, "AAAAAA", "TKA", "Workshop", 2, A1);
  assert_order (world, O1, CCM_ORDER_RESERVED, 2, FALSE);
  p = dt_last_payload (world, "seats/conf", "SeatsReserved");
  g_assert_cmpstr (ccm_json_string (p, "allotment_status"), ==, "other-device");
  g_assert_cmpint (ccm_json_int (p, "from_allotment", -1), ==, 0);
  g_assert_cmpint (allotment_left (world, A1), ==, 3);

  /* Naming the owner in the arguments does not help a device that is not it. */
  g_assert_true (when_by (world, DESK2, "MakeSeatReservation",
                          dt_json ("{'conference': 'conf', 'reservation_id': '%s', "
                                   "'allotment_id': '%s', 'device_id': '%s', "
                                   "'seats': [{'seat_type': '%s', 'quantity': 1}]}",
                                   O2, A1, DESK1, DT_WORKSHOP)));
  g_assert_false (ccm_json_bool (dt_payload (world, 0), "guaranteed"));
  g_assert_cmpint (allotment_left (world, A1), ==, 3);
  assert_invariant (world);
  dt_world_free (world);
}

static void
test_expiry_after_grace (void)
{
  DtWorld *world = given_conference ();
  gint64 until = DT_T0 + HOUR;

  g_assert_true (grant (world, A1, DESK1, DT_WORKSHOP, 4, until));
  dt_settle (world);
  g_assert_cmpuint (dt_pending_timers (world), ==, 1);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).remaining, ==, 6);

  /* A sale that reaches the server within the grace period still counts. */
  dt_advance_to (world, until + 5 * DT_MINUTE);
  place (world, DESK1, O1, "AAAAAA", "TKA", "Workshop", 1, A1);
  assert_order (world, O1, CCM_ORDER_RESERVED, 1, TRUE);
  g_assert_cmpint (dt_count (world, "seats/conf", "AllotmentExpired"), ==, 0);

  /* An expiry asked for early does nothing. */
  g_assert_true (dt_when (world, "ExpireAllotment",
                          dt_json ("{'conference': 'conf', 'allotment_id': '%s'}", A1)));
  dt_assert_events (world, NULL);

  /* At until + grace the timer returns the unused 3 to the pool. */
  dt_advance_to (world, until + CCM_ALLOTMENT_GRACE_MINUTES * DT_MINUTE);
  g_assert_cmpint (dt_count (world, "seats/conf", "AllotmentExpired"), ==, 1);
  g_assert_cmpint (ccm_json_int (dt_last_payload (world, "seats/conf", "AllotmentExpired"),
                                 "quantity", 0), ==, 3);
  g_assert_cmpint (allotment_left (world, A1), ==, -1);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).outstanding, ==, 0);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).remaining, ==, 9);
  assert_invariant (world);

  /* Afterwards the allotment guarantees nothing... */
  place (world, DESK1, O2, "BBBBBB", "TKB", "Workshop", 1, A1);
  assert_order (world, O2, CCM_ORDER_RESERVED, 1, FALSE);
  g_assert_cmpstr (ccm_json_string (dt_last_payload (world, "seats/conf", "SeatsReserved"),
                                    "allotment_status"), ==, "expired");

  /* ...and a reservation made from it gives its seats to the pool. */
  g_assert_true (dt_when (world, "CancelOrder", dt_json ("{'order_id': '%s'}", O1)));
  dt_settle (world);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).remaining, ==, 9);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).held, ==, 1);
  assert_invariant (world);

  /* A returned allotment's timer is gone. */
  g_assert_true (grant (world, A2, DESK1, DT_WORKSHOP, 2, until + 2 * HOUR));
  dt_settle (world);
  g_assert_cmpuint (dt_pending_timers (world), >=, 1);
  g_assert_true (dt_when (world, "ReturnAllotment",
                          dt_json ("{'conference': 'conf', 'allotment_id': '%s'}", A2)));
  dt_settle (world);
  dt_advance_to (world, until + 4 * HOUR);
  g_assert_cmpint (dt_count (world, "seats/conf", "AllotmentExpired"), ==, 1);
  dt_world_free (world);
}

static void
test_quota_cut_refused (void)
{
  DtWorld *world = given_conference ();

  /* Workshop: 5 held, 3 allotted, 2 free. */
  g_assert_true (dt_when (world, "MakeSeatReservation",
                          dt_json ("{'conference': 'conf', 'reservation_id': '%s', "
                                   "'seats': [{'seat_type': '%s', 'quantity': 5}]}",
                                   O1, DT_WORKSHOP)));
  g_assert_true (grant (world, A1, DESK1, DT_WORKSHOP, 3, DT_T0 + HOUR));

  g_assert_false (dt_when (world, "UpdateSeatType",
                           dt_json ("{'slug': 'conf', 'seat_type': 'Workshop', 'quota': 7}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "quota");
  g_assert_false (dt_when (world, "RemoveSeats",
                           dt_json ("{'conference': 'conf', 'seat_type': '%s', 'quantity': 3}",
                                    DT_WORKSHOP)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "quantity");

  /* Down to exactly what is promised: allowed on both sides. (The seat
   * quota manager, which never saw these given seat types created, is
   * played by hand.) */
  g_assert_true (dt_when (world, "UpdateSeatType",
                          dt_json ("{'slug': 'conf', 'seat_type': 'Workshop', 'quota': 8}")));
  dt_assert_events (world, "SeatTypeUpdated", NULL);
  g_assert_true (dt_when (world, "RemoveSeats",
                          dt_json ("{'conference': 'conf', 'seat_type': '%s', 'quantity': 2}",
                                   DT_WORKSHOP)));
  g_assert_cmpint (inventory (world, DT_WORKSHOP).quota, ==, 8);
  g_assert_cmpint (inventory (world, DT_WORKSHOP).remaining, ==, 0);
  assert_invariant (world);

  /* Raising a quota is always allowed. */
  g_assert_true (dt_when (world, "UpdateSeatType",
                          dt_json ("{'slug': 'conf', 'seat_type': 'Workshop', 'quota': 20}")));
  dt_assert_events (world, "SeatTypeUpdated", NULL);
  dt_world_free (world);
}

/* Grants, requests, reservations (with and without allotments, by either
 * desk or by the process manager on a desk's behalf), commits, cancels,
 * releases, returns, expiries and quota changes in a seeded random order;
 * the invariant is checked after every step, accepted or refused. */
static void
test_invariant_random (void)
{
  DtWorld *world = given_conference ();
  const char *types[] = { DT_GENERAL, DT_WORKSHOP };
  const char *desks[] = { DESK1, DESK2, NULL };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20250301);
  guint accepted = 0, guaranteed = 0;

  for (guint step = 0; step < 2000; step++)
    {
      g_autofree char *reservation = g_strdup_printf ("01955000-0000-7000-8000-%012x",
                                                      g_rand_int_range (rand, 0, 40));
      /* A few allotments in play at a time, new ones as the walk goes on. */
      g_autofree char *allotment = g_strdup_printf ("01955000-0000-7000-8001-%012x",
                                                    step / 40 + g_rand_int_range (rand, 0, 4));
      const char *type = types[g_rand_int_range (rand, 0, 2)];
      const char *desk = desks[g_rand_int_range (rand, 0, 3)];
      gint64 quantity = g_rand_int_range (rand, 0, 12);
      gint64 now = dt_world_get_now (world);
      gboolean ok = FALSE;

      switch (g_rand_int_range (rand, 0, 11))
        {
        case 0:
          ok = grant (world, allotment, desks[g_rand_int_range (rand, 0, 2)], type,
                      quantity, now + g_rand_int_range (rand, 1, 120) * DT_MINUTE);
          break;
        case 1:
          ok = when_by (world, desks[g_rand_int_range (rand, 0, 2)], "RequestAllotment",
                        dt_json ("{'conference': 'conf', 'allotment_id': '%s', "
                                 "'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}",
                                 allotment, type, quantity));
          break;
        case 2:
        case 3:
          ok = when_by (world, desk, "MakeSeatReservation",
                        dt_json ("{'conference': 'conf', 'reservation_id': '%s', "
                                 "'allotment_id': '%s', 'device_id': '%s', "
                                 "'seats': [{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}, "
                                 "{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}]}",
                                 reservation, allotment,
                                 desks[g_rand_int_range (rand, 0, 2)], type, quantity / 3 + 1,
                                 type == types[0] ? types[1] : types[0],
                                 (gint64) (g_rand_boolean (rand) ? 0 : g_rand_int_range (rand, 0, 3))));
          if (ok && ccm_json_bool (dt_last_payload (world, "seats/conf", "SeatsReserved"),
                                   "guaranteed"))
            guaranteed++;
          break;
        case 4:
          ok = dt_when (world, "MakeSeatReservation",
                        dt_json ("{'conference': 'conf', 'reservation_id': '%s', "
                                 "'seats': [{'seat_type': '%s', 'quantity': %" G_GINT64_FORMAT "}]}",
                                 reservation, type, quantity));
          break;
        case 5:
          ok = dt_when (world, "CommitSeatReservation",
                        dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", reservation));
          break;
        case 6:
          ok = dt_when (world, "CancelSeatReservation",
                        dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", reservation));
          break;
        case 7:
          ok = dt_when (world, "ReleaseSeats",
                        dt_json ("{'conference': 'conf', 'reservation_id': '%s'}", reservation));
          break;
        case 8:
          if (g_rand_int_range (rand, 0, 4) != 0)
            break;
          ok = dt_when (world, "ReturnAllotment",
                        dt_json ("{'conference': 'conf', 'allotment_id': '%s'}", allotment));
          break;
        case 9:
          /* Time passes; due expiries run from their timers. */
          dt_advance_to (world, now + g_rand_int_range (rand, 1, 30) * DT_MINUTE);
          ok = TRUE;
          break;
        case 10:
          ok = dt_when (world, g_rand_boolean (rand) ? "AddSeats" : "RemoveSeats",
                        dt_json ("{'conference': 'conf', 'seat_type': '%s', "
                                 "'quantity': %" G_GINT64_FORMAT "}", type, quantity));
          break;
        default:
          g_assert_not_reached ();
        }

      dt_settle (world);
      if (ok)
        accepted++;
      assert_invariant (world);
    }

  /* The walk did reach the interesting cases. */
  g_test_message ("%u of 2000 steps accepted, %u guaranteed reservations", accepted, guaranteed);
  g_assert_cmpuint (accepted, >, 800);
  g_assert_cmpuint (guaranteed, >, 5);
  g_assert_cmpuint (dt_count (world, "seats/conf", "AllotmentExpired"), >, 0);
  g_assert_cmpuint (dt_count (world, "seats/conf", "AllotmentReturned"), >, 0);
  g_assert_cmpuint (dt_count (world, "seats/conf", "SeatsReleased"), >, 0);
  dt_world_free (world);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/domain/allotments/grant-from-free-seats", test_grant_from_free_seats);
  g_test_add_func ("/domain/allotments/guaranteed-in-any-order", test_guaranteed_in_any_order);
  g_test_add_func ("/domain/allotments/provisional-in-arrival-order", test_provisional_in_arrival_order);
  g_test_add_func ("/domain/allotments/other-device", test_other_device);
  g_test_add_func ("/domain/allotments/expiry-after-grace", test_expiry_after_grace);
  g_test_add_func ("/domain/allotments/quota-cut-refused", test_quota_cut_refused);
  g_test_add_func ("/domain/allotments/invariant-random", test_invariant_random);

  return g_test_run ();
}
