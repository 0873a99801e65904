/* ccm-event-describe.c — one event of an order's history as a sentence
 *
 * The order's detail shows its events from the order's, its payments' and
 * its assignments' streams; each type says what happened in a few words.
 * A type this file does not know shows its name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "ccm-event-describe.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-ui-util.h"

static gint64
count_seats (JsonObject *p)
{
  JsonArray *seats;
  gint64 n = 0;

  if (p == NULL || !json_object_has_member (p, "seats") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (p, "seats")))
    return 0;
  seats = json_object_get_array_member (p, "seats");
  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      JsonNode *node = json_array_get_element (seats, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        n += ccm_json_int (json_node_get_object (node), "quantity", 0);
    }
  return n;
}

/* "Ada Lovelace", or the e-mail when there is no name. */
static char *
person (JsonObject *p)
{
  char *name = ccm_ui_full_name (ccm_json_string (p, "first_name"),
                                 ccm_json_string (p, "last_name"));

  if (name != NULL)
    return name;
  return g_strdup (ccm_json_string (p, "email") ?: "");
}

static char *
describe_payment (JsonObject *p)
{
  g_autofree char *amount = ccm_ui_format_money (ccm_json_int (p, "amount", 0),
                                                 ccm_json_string (p, "currency"));
  const char *method = ccm_json_string (p, "method");

  if (g_strcmp0 (method, "cash") == 0)
    /* TRANSLATORS: an order's history; %s is an amount like "249.00 USD" */
    return g_strdup_printf (_("Paid %s in cash"), amount);
  else if (g_strcmp0 (method, "card") == 0)
    /* TRANSLATORS: an order's history; %s is an amount like "249.00 USD" */
    return g_strdup_printf (_("Paid %s by card"), amount);
  else if (g_strcmp0 (method, "invoice") == 0)
    /* TRANSLATORS: an order's history; %s is an amount like "249.00 USD" */
    return g_strdup_printf (_("Paid %s by invoice"), amount);
  else if (g_strcmp0 (method, "processor") == 0)
    /* TRANSLATORS: an order's history; %s is an amount like "249.00 USD" */
    return g_strdup_printf (_("Paid %s through the payment processor"), amount);
  else
    /* TRANSLATORS: an order's history; %s is an amount like "249.00 USD" */
    return g_strdup_printf (_("Paid %s"), amount);
}

char *
ccm_event_describe (const CcmEvent *event)
{
  JsonObject *p;
  const char *type;

  g_return_val_if_fail (event != NULL, NULL);

  p = event->payload;
  type = event->type != NULL ? event->type : "";

  if (g_str_equal (type, "OrderPlaced"))
    {
      gint64 n = count_seats (p);
      /* TRANSLATORS: an order's history */
      return g_strdup_printf (ngettext ("Placed: %'lld seat", "Placed: %'lld seats",
                                           (gulong) n), (long long) n);
    }
  if (g_str_equal (type, "OrderUpdated"))
    {
      gint64 n = count_seats (p);
      /* TRANSLATORS: an order's history */
      return g_strdup_printf (ngettext ("Changed to %'lld seat",
                                           "Changed to %'lld seats", (gulong) n), (long long) n);
    }
  if (g_str_equal (type, "OrderTotalsCalculated"))
    {
      g_autofree char *total = ccm_ui_format_money (ccm_json_int (p, "total", 0),
                                                    ccm_json_string (p, "currency"));
      /* TRANSLATORS: an order's history; %s is an amount like "249.00 USD" */
      return g_strdup_printf (_("Total: %s"), g_strstrip (total));
    }
  if (g_str_equal (type, "OrderReservationCompleted"))
    return g_strdup (_("Seats reserved"));
  if (g_str_equal (type, "OrderPartiallyReserved"))
    return g_strdup (_("Partially reserved"));
  if (g_str_equal (type, "OrderPartialReservationAccepted"))
    return g_strdup (_("Partial reservation accepted"));
  if (g_str_equal (type, "OrderRegistrantAssigned"))
    {
      g_autofree char *who = person (p);
      /* TRANSLATORS: an order's history; %s is a name or an e-mail address */
      return g_strdup_printf (_("Registrant: %s"), who);
    }
  if (g_str_equal (type, "OrderConfirmed"))
    return g_strdup (_("Confirmed"));
  if (g_str_equal (type, "OrderExpired"))
    return g_strdup (g_strcmp0 (ccm_json_string (p, "reason"), "sold_out") == 0
                     ? _("Sold out") : _("Expired"));
  if (g_str_equal (type, "OrderCancelled"))
    return g_strdup (_("Cancelled"));
  if (g_str_equal (type, "RefundDue"))
    {
      g_autofree char *amount = NULL;

      if (p == NULL || !json_object_has_member (p, "amount"))
        return g_strdup (_("Refund due"));
      amount = ccm_ui_format_money (ccm_json_int (p, "amount", 0), ccm_json_string (p, "currency"));
      /* TRANSLATORS: an order's history; %s is an amount like "249.00 USD" */
      return g_strdup_printf (_("Refund due: %s"), amount);
    }
  if (g_str_equal (type, "AttentionResolved"))
    {
      const char *note = p != NULL ? ccm_json_string (p, "note") : NULL;

      /* TRANSLATORS: an order's history; %s is what the person who resolved it wrote */
      return note != NULL ? g_strdup_printf (_("Marked resolved: %s"), note)
                          : g_strdup (_("Marked resolved"));
    }
  if (g_str_equal (type, "AttentionReopened"))
    return g_strdup (_("Put back on the attention list"));
  if (g_str_equal (type, "PaymentInitiated"))
    return g_strdup (_("Payment started"));
  if (g_str_equal (type, "PaymentCompleted"))
    return describe_payment (p);
  if (g_str_equal (type, "PaymentRejected"))
    return g_strdup (_("Payment rejected"));
  if (g_str_equal (type, "PaymentAmountMismatch"))
    return g_strdup (_("Payment does not match the total"));
  if (g_str_equal (type, "SeatAssignmentsCreated"))
    return g_strdup (_("Tickets issued"));
  if (g_str_equal (type, "SeatAssignmentsCancelled"))
    return g_strdup (_("Tickets cancelled"));
  if (g_str_equal (type, "SeatAssigned") || g_str_equal (type, "SeatAssignmentUpdated") ||
      g_str_equal (type, "SeatUnassigned"))
    {
      long long seat = (long long) ccm_json_int (p, "position", 0) + 1;
      g_autofree char *who = person (p);

      if (g_str_equal (type, "SeatAssigned"))
        /* TRANSLATORS: an order's history; %lld is the seat's number, %s a
         * name or an e-mail address */
        return g_strdup_printf (_("Seat %lld assigned to %s"), seat, who);
      if (g_str_equal (type, "SeatAssignmentUpdated"))
        /* TRANSLATORS: an order's history; %lld is the seat's number, %s a
         * name or an e-mail address */
        return g_strdup_printf (_("Seat %lld: name changed to %s"), seat, who);
      /* TRANSLATORS: an order's history; %lld is the seat's number, %s an
       * e-mail address */
      return g_strdup_printf (_("Seat %lld given up by %s"), seat,
                              ccm_json_string (p, "email") ?: "");
    }

  return g_strdup (type);
}

/* "2027-03-03 09:12 · desk “North door”": when, and at which desk when
 * known ("this desk", its name, or the end of its id). */
char *
ccm_event_describe_where (CcmStore       *store,
                          const CcmEvent *event)
{
  g_autofree char *when = ccm_ui_format_time (event->recorded_at);
  g_autofree char *desk = NULL;

  if (event->device_id == NULL || *event->device_id == '\0')
    return g_steal_pointer (&when);
  if (g_strcmp0 (event->device_id, ccm_store_get_device_id (store)) == 0)
    desk = g_strdup (C_("order history", "this desk"));
  else
    desk = ccm_store_describe_desk (store, event->device_id);
  /* TRANSLATORS: an event's time and the desk it was recorded at: "this
   * desk", "desk “North door”" or "desk 1a2b3c4d" */
  return g_strdup_printf (_("%s · %s"), when, desk);
}
