/* ccm-registration.c — the registration process and two small managers
 *
 * The registration process follows one order (instance = order id):
 *
 *   OrderPlaced / OrderUpdated  → MakeSeatReservation (with a fresh request
 *                                 id), and at placement the expiry timer
 *   SeatsReserved (this request) → MarkSeatsAsReserved (with whether the
 *                                 seats were guaranteed by the desk's allotment)
 *   reserved, and paid or free  → ConfirmOrder (+ FlagPaymentAmountMismatch
 *                                 when the payment is not the total)
 *   PaymentCompleted            → remember it; confirm once reserved
 *   OrderConfirmed              → CommitSeatReservation, CreateSeatAssignments
 *   expiry timer                → RejectOrder; OrderExpired → CancelSeatReservation
 *   paid, and no seat came back → RejectOrder at once (sold out), refund
 *   PaymentCompleted, expired   → MakeSeatReservation again: all back →
 *                                 ConfirmOrder (after_expiry), else release
 *                                 and RecordRefund (attention list)
 *   OrderCancelled              → CancelSeatReservation, or ReleaseSeats and
 *                                 CancelSeatAssignments if it was confirmed;
 *                                 RecordRefund if it was paid
 *
 * An order placed from a desk's allotment (OrderPlaced.allotment_id and the
 * placing device_id) passes both on with every reservation request; the
 * seats decide whether the allotment may be spent.
 *
 * Each reservation request carries a request id "<order id>/<n>"; a reply with
 * any other id is stale (an earlier request, or a duplicate of a handled
 * reply) and is ignored. Every reaction depends only on the state and the
 * event, so a replay sends the same commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-registration"

#include <string.h>

#include "ccm-registration.h"
#include "ccm-json.h"
#include "ccm-seats.h"

/* JSON state helpers */

static void
set_seats (JsonObject *state,
           const char *member,
           JsonObject *payload,
           const char *from)
{
  JsonNode *node = json_object_get_member (payload, from);
  g_autoptr(GPtrArray) list = ccm_seat_quantities_from_json (
    node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL);

  json_object_set_array_member (state, member, ccm_seat_quantities_to_json (list));
}

static GPtrArray *
get_seats (JsonObject *object,
           const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return ccm_seat_quantities_from_json (node != NULL && JSON_NODE_HOLDS_ARRAY (node)
                                        ? json_node_get_array (node) : NULL);
}

static JsonArray *
copy_array (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *copy = json_array_new ();

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy, json_node_copy (json_array_get_element (array, i)));
    }
  return copy;
}

static const char *
order_id_of (const CcmEvent *event)
{
  return ccm_json_string (event->payload, "order_id");
}

/* Registration process */

static char *
registration_correlate (const CcmEvent *event)
{
  static const char *const order_events[] = {
    "OrderPlaced", "OrderUpdated", "OrderTotalsCalculated",
    "OrderReservationCompleted", "OrderPartiallyReserved",
    "OrderPartialReservationAccepted", "OrderConfirmed", "OrderExpired",
    "OrderCancelled", "PaymentCompleted", NULL
  };

  if (g_strv_contains (order_events, event->type))
    return g_strdup (order_id_of (event));

  /* Only replies to this process's requests; a waitlist's seats have none. */
  if (g_str_equal (event->type, "SeatsReserved") &&
      ccm_json_string (event->payload, "request_id") != NULL)
    return g_strdup (ccm_json_string (event->payload, "reservation_id"));

  return NULL;
}

static JsonObject *
args_for (JsonObject     *state,
          const CcmEvent *event)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "order_id", ccm_json_string (state, "order_id"));
  return args;
}

static JsonObject *
seats_args (JsonObject *state)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "conference", ccm_json_string (state, "conference"));
  json_object_set_string_member (args, "reservation_id", ccm_json_string (state, "order_id"));
  return args;
}

static void
request_seats (JsonObject  *state,
               CcmReaction *reaction,
               const char  *seats_member)
{
  gint64 seq = ccm_json_int (state, "request_seq", 0) + 1;
  g_autofree char *request_id = g_strdup_printf ("%s/%" G_GINT64_FORMAT,
                                                 ccm_json_string (state, "order_id"), seq);
  JsonObject *args = seats_args (state);

  json_object_set_int_member (state, "request_seq", seq);
  json_object_set_string_member (state, "request_id", request_id);

  json_object_set_string_member (args, "request_id", request_id);
  json_object_set_array_member (args, "seats", copy_array (state, seats_member));
  /* The seats decide whether the allotment may be spent: it must be the
   * ordering device's, and still running when they decide. */
  if (ccm_json_string (state, "allotment_id") != NULL)
    {
      json_object_set_string_member (args, "allotment_id", ccm_json_string (state, "allotment_id"));
      ccm_json_set_string_or_null (args, "device_id", ccm_json_string (state, "device_id"));
    }
  ccm_reaction_send (reaction, "MakeSeatReservation", args);
}

static void
send_seats_command (JsonObject  *state,
                    CcmReaction *reaction,
                    const char  *type)
{
  ccm_reaction_send (reaction, type, seats_args (state));
}

static void
record_refund (JsonObject  *state,
               CcmReaction *reaction,
               const char  *payment_id,
               gint64       amount,
               const char  *reason)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "order_id", ccm_json_string (state, "order_id"));
  json_object_set_string_member (args, "payment_id", payment_id);
  json_object_set_int_member (args, "amount", amount);
  json_object_set_string_member (args, "reason", reason);
  ccm_reaction_send (reaction, "RecordRefund", args);
}

static gboolean
is_status (JsonObject *state,
           const char *status)
{
  return g_strcmp0 (ccm_json_string (state, "status"), status) == 0;
}

static void
send_confirm (JsonObject  *state,
              CcmReaction *reaction,
              gboolean     after_expiry)
{
  JsonObject *args = json_object_new ();
  const char *payment_id = ccm_json_string (state, "payment_id");

  json_object_set_string_member (args, "order_id", ccm_json_string (state, "order_id"));
  if (payment_id != NULL)
    {
      gint64 amount = ccm_json_int (state, "amount_paid", 0);
      gint64 total = ccm_json_int (state, "total", 0);

      json_object_set_string_member (args, "payment_id", payment_id);
      json_object_set_int_member (args, "amount", amount);

      /* The money is in: confirm, and let a person sort out the difference. */
      if (amount != total)
        {
          JsonObject *flag = json_object_new ();

          json_object_set_string_member (flag, "payment_id", payment_id);
          json_object_set_int_member (flag, "expected_amount", total);
          ccm_reaction_send (reaction, "FlagPaymentAmountMismatch", flag);
        }
    }
  if (after_expiry)
    json_object_set_boolean_member (args, "after_expiry", TRUE);
  ccm_reaction_send (reaction, "ConfirmOrder", args);
  json_object_set_boolean_member (state, "confirming", TRUE);
}

/* A reserved order is confirmed when paid, or when free and the registrant
 * took what was reserved (all of it, or accepted a part). Paying for a
 * partial reservation is accepting it. */
static void
maybe_confirm (JsonObject  *state,
               CcmReaction *reaction)
{
  g_autoptr(GPtrArray) reserved = get_seats (state, "reserved");

  if (!(is_status (state, "reserved") || is_status (state, "partially-reserved")) ||
      ccm_json_bool (state, "confirming"))
    return;

  /* Paid, and not one seat came back: the seats went to orders that reached
   * the server first (a desk's provisional sale, DESIGN §5.2). Nothing is
   * left to wait for: reject it now, and the payment goes back. */
  if (ccm_seat_quantities_total (reserved) == 0)
    {
      if (ccm_json_string (state, "payment_id") != NULL &&
          !ccm_json_bool (state, "sold_out"))
        {
          JsonObject *args = json_object_new ();

          json_object_set_string_member (args, "order_id", ccm_json_string (state, "order_id"));
          json_object_set_string_member (args, "reason", "sold_out");
          json_object_set_boolean_member (state, "sold_out", TRUE);
          ccm_reaction_send (reaction, "RejectOrder", args);
        }
      return;
    }

  if (ccm_json_string (state, "payment_id") != NULL)
    send_confirm (state, reaction, FALSE);
  else if (ccm_json_bool (state, "ready") && ccm_json_int (state, "total", -1) == 0)
    send_confirm (state, reaction, FALSE);
}

static void
on_seats_reserved (JsonObject     *state,
                   const CcmEvent *event,
                   CcmReaction    *reaction)
{
  JsonObject *p = event->payload;
  JsonObject *args;

  if (g_strcmp0 (ccm_json_string (p, "request_id"), ccm_json_string (state, "request_id")) != 0)
    {
      g_debug ("Ignoring a stale seat reservation reply for order %s",
               ccm_json_string (state, "order_id"));
      return;
    }
  json_object_remove_member (state, "request_id");

  if (ccm_json_bool (state, "reacquiring"))
    {
      g_autoptr(GPtrArray) wanted = get_seats (state, "reacquire");
      g_autoptr(GPtrArray) got = get_seats (p, "seats");

      json_object_set_boolean_member (state, "reacquiring", FALSE);
      if (ccm_seat_quantities_equal (wanted, got))
        send_confirm (state, reaction, TRUE);
      else
        {
          /* Sold in the meantime: give back what we got, refund the payment. */
          send_seats_command (state, reaction, "CancelSeatReservation");
          record_refund (state, reaction, ccm_json_string (state, "payment_id"),
                         ccm_json_int (state, "amount_paid", 0), "payment_after_expiry");
        }
      return;
    }

  if (is_status (state, "expired") || is_status (state, "cancelled"))
    {
      send_seats_command (state, reaction, "CancelSeatReservation");
      return;
    }

  args = args_for (state, event);
  json_object_set_array_member (args, "seats", copy_array (p, "seats"));
  json_object_set_boolean_member (args, "guaranteed", ccm_json_bool (p, "guaranteed"));
  ccm_reaction_send (reaction, "MarkSeatsAsReserved", args);
}

static void
on_payment_completed (JsonObject     *state,
                      const CcmEvent *event,
                      CcmReaction    *reaction)
{
  JsonObject *p = event->payload;
  const char *payment_id = ccm_json_string (p, "payment_id");
  const char *known = ccm_json_string (state, "payment_id");
  gint64 amount = ccm_json_int (p, "amount", 0);

  if (g_strcmp0 (known, payment_id) == 0)
    return;

  /* A second payment for the same order is money to give back. */
  if (known != NULL || is_status (state, "confirmed"))
    {
      record_refund (state, reaction, payment_id, amount, "duplicate_payment");
      return;
    }
  if (is_status (state, "cancelled"))
    {
      record_refund (state, reaction, payment_id, amount, "cancelled");
      return;
    }

  json_object_set_string_member (state, "payment_id", payment_id);
  json_object_set_int_member (state, "amount_paid", amount);

  if (is_status (state, "expired"))
    {
      g_autoptr(GPtrArray) reserved = get_seats (state, "reserved");

      /* Try to get back what the order held, or what it asked for. */
      json_object_set_array_member (state, "reacquire",
                                    copy_array (state, ccm_seat_quantities_total (reserved) > 0
                                                       ? "reserved" : "seats"));
      json_object_set_boolean_member (state, "reacquiring", TRUE);
      request_seats (state, reaction, "reacquire");
      return;
    }

  maybe_confirm (state, reaction);
}

static void
registration_react (JsonObject     *state,
                    const CcmEvent *event,
                    CcmReaction    *reaction)
{
  JsonObject *p = event->payload;
  const char *type = event->type;

  if (g_str_equal (type, "OrderPlaced"))
    {
      JsonObject *args;

      if (json_object_has_member (state, "order_id"))
        return;
      json_object_set_string_member (state, "order_id", ccm_json_string (p, "order_id"));
      json_object_set_string_member (state, "conference", ccm_json_string (p, "conference"));
      json_object_set_string_member (state, "status", "pending");
      json_object_set_int_member (state, "expires_at", ccm_json_int (p, "expires_at", 0));
      if (ccm_json_string (p, "allotment_id") != NULL)
        {
          json_object_set_string_member (state, "allotment_id", ccm_json_string (p, "allotment_id"));
          ccm_json_set_string_or_null (state, "device_id", ccm_json_string (p, "device_id"));
        }
      set_seats (state, "seats", p, "seats");
      request_seats (state, reaction, "seats");

      args = args_for (state, event);
      ccm_reaction_schedule (reaction, CCM_REGISTRATION_EXPIRY_TIMER,
                             ccm_json_int (p, "expires_at", 0), "RejectOrder", args);
      return;
    }

  /* Nothing else makes sense for an order this process never saw placed. */
  if (!json_object_has_member (state, "order_id"))
    return;

  if (g_str_equal (type, "OrderUpdated"))
    {
      json_object_set_string_member (state, "status", "pending");
      json_object_set_boolean_member (state, "ready", FALSE);
      json_object_remove_member (state, "reserved");
      set_seats (state, "seats", p, "seats");
      request_seats (state, reaction, "seats");
    }
  else if (g_str_equal (type, "OrderTotalsCalculated"))
    json_object_set_int_member (state, "total", ccm_json_int (p, "total", 0));
  else if (g_str_equal (type, "SeatsReserved"))
    on_seats_reserved (state, event, reaction);
  else if (g_str_equal (type, "OrderReservationCompleted") ||
           g_str_equal (type, "OrderPartiallyReserved"))
    {
      gboolean full = g_str_equal (type, "OrderReservationCompleted");

      json_object_set_string_member (state, "status", full ? "reserved" : "partially-reserved");
      json_object_set_boolean_member (state, "ready", full);
      set_seats (state, "reserved", p, "seats");
      maybe_confirm (state, reaction);
    }
  else if (g_str_equal (type, "OrderPartialReservationAccepted"))
    {
      json_object_set_boolean_member (state, "ready", TRUE);
      maybe_confirm (state, reaction);
    }
  else if (g_str_equal (type, "PaymentCompleted"))
    on_payment_completed (state, event, reaction);
  else if (g_str_equal (type, "OrderConfirmed"))
    {
      JsonObject *args;

      if (is_status (state, "confirmed"))
        return;
      json_object_set_string_member (state, "status", "confirmed");
      json_object_set_boolean_member (state, "confirming", FALSE);
      ccm_reaction_cancel (reaction, CCM_REGISTRATION_EXPIRY_TIMER);
      send_seats_command (state, reaction, "CommitSeatReservation");

      args = args_for (state, event);
      json_object_set_string_member (args, "conference", ccm_json_string (state, "conference"));
      json_object_set_array_member (args, "seats", copy_array (p, "seats"));
      json_object_set_array_member (args, "ticket_codes", copy_array (p, "ticket_codes"));
      ccm_reaction_send (reaction, "CreateSeatAssignments", args);
    }
  else if (g_str_equal (type, "OrderExpired"))
    {
      if (is_status (state, "expired"))
        return;
      json_object_set_string_member (state, "status", "expired");
      json_object_set_boolean_member (state, "confirming", FALSE);
      ccm_reaction_cancel (reaction, CCM_REGISTRATION_EXPIRY_TIMER);
      send_seats_command (state, reaction, "CancelSeatReservation");
      /* Paid but never reserved in time, or sold out: the payment goes back. */
      if (ccm_json_string (state, "payment_id") != NULL)
        record_refund (state, reaction, ccm_json_string (state, "payment_id"),
                       ccm_json_int (state, "amount_paid", 0),
                       ccm_json_bool (state, "sold_out") ? "sold_out" : "expired");
    }
  else if (g_str_equal (type, "OrderCancelled"))
    {
      if (is_status (state, "cancelled"))
        return;
      json_object_set_string_member (state, "status", "cancelled");
      ccm_reaction_cancel (reaction, CCM_REGISTRATION_EXPIRY_TIMER);
      if (ccm_json_bool (p, "was_confirmed"))
        {
          JsonObject *args = args_for (state, event);

          send_seats_command (state, reaction, "ReleaseSeats");
          ccm_reaction_send (reaction, "CancelSeatAssignments", args);
        }
      else
        send_seats_command (state, reaction, "CancelSeatReservation");

      if (ccm_json_string (state, "payment_id") != NULL)
        record_refund (state, reaction, ccm_json_string (state, "payment_id"),
                       ccm_json_int (state, "amount_paid", 0), "cancelled");
    }
}

const CcmProcessManager ccm_registration_manager = {
  .name = "registration",
  .correlate = registration_correlate,
  .react = registration_react,
};

/* Seat quotas: the conference's seat types become seat counts. The manager
 * keeps each type's quota so a repeated event changes nothing. */

static char *
seat_quota_correlate (const CcmEvent *event)
{
  if ((g_str_equal (event->type, "SeatTypeCreated") ||
       g_str_equal (event->type, "SeatTypeUpdated") ||
       g_str_equal (event->type, "SeatTypeRemoved")) &&
      event->stream_id != NULL && g_str_has_prefix (event->stream_id, "conference/"))
    return g_strdup (event->stream_id + strlen ("conference/"));
  return NULL;
}

static JsonObject *
quotas_of (JsonObject *state)
{
  JsonObject *quotas = NULL;

  if (!json_object_has_member (state, "quotas"))
    json_object_set_object_member (state, "quotas", json_object_new ());
  quotas = json_object_get_object_member (state, "quotas");
  return quotas;
}

static void
send_seat_change (CcmReaction *reaction,
                  const char  *type,
                  const char  *conference,
                  const char  *seat_type,
                  gint64       quantity)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "conference", conference);
  json_object_set_string_member (args, "seat_type", seat_type);
  if (quantity >= 0)
    json_object_set_int_member (args, "quantity", quantity);
  ccm_reaction_send (reaction, type, args);
}

static void
seat_quota_react (JsonObject     *state,
                  const CcmEvent *event,
                  CcmReaction    *reaction)
{
  const char *conference = event->stream_id + strlen ("conference/");
  const char *seat_type = ccm_json_string (event->payload, "seat_type_id");
  JsonObject *quotas = quotas_of (state);
  gint64 quota = ccm_json_int (event->payload, "quota", -1);

  if (seat_type == NULL)
    return;

  if (g_str_equal (event->type, "SeatTypeCreated"))
    {
      if (json_object_has_member (quotas, seat_type))
        return;
      json_object_set_int_member (quotas, seat_type, MAX (quota, 0));
      send_seat_change (reaction, "AddSeats", conference, seat_type, MAX (quota, 0));
    }
  else if (g_str_equal (event->type, "SeatTypeUpdated"))
    {
      gint64 before = ccm_json_int (quotas, seat_type, 0);

      if (quota < 0 || !json_object_has_member (quotas, seat_type) || quota == before)
        return;
      json_object_set_int_member (quotas, seat_type, quota);
      if (quota > before)
        send_seat_change (reaction, "AddSeats", conference, seat_type, quota - before);
      else
        send_seat_change (reaction, "RemoveSeats", conference, seat_type, before - quota);
    }
  else if (g_str_equal (event->type, "SeatTypeRemoved"))
    {
      if (!json_object_has_member (quotas, seat_type))
        return;
      json_object_remove_member (quotas, seat_type);
      send_seat_change (reaction, "RetireSeatType", conference, seat_type, -1);
    }
}

const CcmProcessManager ccm_seat_quota_manager = {
  .name = "seat-quota",
  .correlate = seat_quota_correlate,
  .react = seat_quota_react,
};

/* Waitlist holds: seats put aside for a waitlisted registrant are held until
 * the promotion's hold_until; a later promotion of the same entry moves it. */

static char *
waitlist_hold_correlate (const CcmEvent *event)
{
  if (g_str_equal (event->type, "WaitlistPromoted"))
    return g_strdup (ccm_json_string (event->payload, "entry_id"));
  return NULL;
}

static void
waitlist_hold_react (JsonObject     *state,
                     const CcmEvent *event,
                     CcmReaction    *reaction)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "conference",
                                 ccm_json_string (event->payload, "conference"));
  json_object_set_string_member (args, "entry_id",
                                 ccm_json_string (event->payload, "entry_id"));
  ccm_reaction_schedule (reaction, CCM_WAITLIST_HOLD_TIMER,
                         ccm_json_int (event->payload, "hold_until", 0),
                         "ExpireWaitlistHold", args);
}

const CcmProcessManager ccm_waitlist_hold_manager = {
  .name = "waitlist-hold",
  .correlate = waitlist_hold_correlate,
  .react = waitlist_hold_react,
};

void
ccm_registration_register (CcmRegistry *registry)
{
  ccm_registry_add_process_manager (registry, &ccm_registration_manager);
  ccm_registry_add_process_manager (registry, &ccm_seat_quota_manager);
  ccm_registry_add_process_manager (registry, &ccm_waitlist_hold_manager);
  /* A standalone desk's expiries travel with its history (DESIGN §4). */
  ccm_registry_add_device_decision (registry, "RejectOrder");
}
