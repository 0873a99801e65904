/* ccm-order.c — an order for seats of one conference, and its pricing
 *
 * Stream "order/<order_id>". Prices come from the conference's own stream
 * at the moment seats are asked for (placement or change), never from a
 * read model, and are kept with the order: re-pricing after a partial
 * reservation uses the prices the registrant was shown.
 *
 * Access codes are unique per conference through a claim stream per code,
 * "order-code/<slug>/<CODE>": placing an order appends the claim in the same
 * transaction, and a code whose stream already has events is taken. On a
 * collision the decider substitutes a code derived from the order id (so the
 * server's re-run substitutes the same one) and says so in the result.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-order"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-order.h"
#include "ccm-assignments.h"
#include "ccm-conference.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-seats.h"

#define MINUTE_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define MAX_CODE_SUBSTITUTES 16

/* Access codes */

char *
ccm_access_code_new (void)
{
  return ccm_random_code (CCM_ACCESS_CODE_ALPHABET, CCM_ACCESS_CODE_LENGTH);
}

gboolean
ccm_access_code_is_valid (const char *code)
{
  if (code == NULL || strlen (code) != CCM_ACCESS_CODE_LENGTH)
    return FALSE;
  for (guint i = 0; i < CCM_ACCESS_CODE_LENGTH; i++)
    if (strchr (CCM_ACCESS_CODE_ALPHABET, code[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* The n-th substitute for a taken code: the same on every replica. 256 is a
 * multiple of the alphabet's 32 letters, so every letter is equally likely. */
static char *
substitute_access_code (const char *order_id,
                        guint       n)
{
  g_autofree char *input = g_strdup_printf ("%s:%u", order_id, n);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  char code[CCM_ACCESS_CODE_LENGTH + 1];

  g_checksum_update (checksum, (const guchar *) input, -1);
  g_checksum_get_digest (checksum, digest, &length);
  for (guint i = 0; i < CCM_ACCESS_CODE_LENGTH; i++)
    code[i] = CCM_ACCESS_CODE_ALPHABET[digest[i] % 32];
  code[CCM_ACCESS_CODE_LENGTH] = '\0';
  return g_strdup (code);
}

/* Order items */

static CcmOrderItem *
order_item_new (const char *seat_type,
                const char *name,
                gint64      quantity,
                gint64      unit_price)
{
  CcmOrderItem *item = g_new0 (CcmOrderItem, 1);

  item->seat_type = g_strdup (seat_type);
  item->name = g_strdup (name);
  item->quantity = quantity;
  item->unit_price = unit_price;
  return item;
}

static void
order_item_free (CcmOrderItem *item)
{
  g_free (item->seat_type);
  g_free (item->name);
  g_free (item);
}

static GPtrArray *
order_items_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) order_item_free);
}

static JsonArray *
items_to_json (GPtrArray *items)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < items->len; i++)
    {
      CcmOrderItem *item = g_ptr_array_index (items, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "seat_type", item->seat_type);
      json_object_set_string_member (o, "name", item->name);
      json_object_set_int_member (o, "quantity", item->quantity);
      json_object_set_int_member (o, "unit_price", item->unit_price);
      json_array_add_object_element (array, o);
    }
  return array;
}

static GPtrArray *
items_from_json (JsonObject *payload)
{
  JsonNode *node = json_object_get_member (payload, "items");
  GPtrArray *items = order_items_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return items;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      g_ptr_array_add (items, order_item_new (ccm_json_string (o, "seat_type"),
                                              ccm_json_string (o, "name"),
                                              ccm_json_int (o, "quantity", 0),
                                              ccm_json_int (o, "unit_price", 0)));
    }
  return items;
}

static GPtrArray *
items_to_seats (GPtrArray *items)
{
  GPtrArray *seats = ccm_seat_quantities_new ();

  for (guint i = 0; i < items->len; i++)
    {
      CcmOrderItem *item = g_ptr_array_index (items, i);

      ccm_seat_quantities_set (seats, item->seat_type, item->quantity);
    }
  return seats;
}

/* Line total = unit price × quantity; total = sum of lines; free when 0.
 * Quantities come from `seats` (what was reserved) or, when NULL, from the
 * items (what was asked); prices always from the items. */
static JsonObject *
price (const char *order_id,
       const char *conference,
       GPtrArray  *items,
       GPtrArray  *seats,
       const char *currency,
       gboolean    repriced)
{
  JsonObject *p = json_object_new ();
  JsonArray *lines = json_array_new ();
  gint64 total = 0;

  for (guint i = 0; i < items->len; i++)
    {
      CcmOrderItem *item = g_ptr_array_index (items, i);
      gint64 quantity = seats != NULL ? ccm_seat_quantities_get (seats, item->seat_type)
                                      : item->quantity;
      JsonObject *line;

      if (quantity <= 0)
        continue;

      line = json_object_new ();
      json_object_set_string_member (line, "seat_type", item->seat_type);
      json_object_set_string_member (line, "name", item->name);
      json_object_set_int_member (line, "quantity", quantity);
      json_object_set_int_member (line, "unit_price", item->unit_price);
      json_object_set_int_member (line, "line_total", item->unit_price * quantity);
      json_array_add_object_element (lines, line);
      total += item->unit_price * quantity;
    }

  json_object_set_string_member (p, "order_id", order_id);
  json_object_set_string_member (p, "conference", conference);
  json_object_set_array_member (p, "lines", lines);
  json_object_set_int_member (p, "total", total);
  json_object_set_string_member (p, "currency", currency);
  json_object_set_boolean_member (p, "is_free", total == 0);
  json_object_set_boolean_member (p, "repriced", repriced);
  return p;
}

/* State */

static gpointer
order_new_state (void)
{
  CcmOrderState *state = g_new0 (CcmOrderState, 1);

  state->items = order_items_new ();
  state->ticket_codes = g_ptr_array_new_with_free_func (g_free);
  state->refunded = g_ptr_array_new_with_free_func (g_free);
  return state;
}

static void
order_free_state (gpointer data)
{
  CcmOrderState *state = data;

  g_free (state->order_id);
  g_free (state->conference);
  g_free (state->access_code);
  g_free (state->currency);
  g_ptr_array_unref (state->items);
  g_clear_pointer (&state->reserved, g_ptr_array_unref);
  g_ptr_array_unref (state->ticket_codes);
  g_free (state->first_name);
  g_free (state->last_name);
  g_free (state->email);
  g_free (state->payment_id);
  g_ptr_array_unref (state->refunded);
  g_free (state->allotment_id);
  g_free (state->device_id);
  g_free (state);
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
take_ticket_codes (CcmOrderState *state,
                   JsonObject    *payload)
{
  JsonNode *node = json_object_get_member (payload, "ticket_codes");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  g_ptr_array_set_size (state->ticket_codes, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (state->ticket_codes, g_strdup (json_array_get_string_element (array, i)));
}

static GPtrArray *
seats_member (JsonObject *payload)
{
  JsonNode *node = json_object_get_member (payload, "seats");

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return ccm_seat_quantities_from_json (json_node_get_array (node));
}

static void
order_evolve (gpointer        data,
              const CcmEvent *event)
{
  CcmOrderState *state = data;
  JsonObject *p = event->payload;

  if (g_str_equal (event->type, "OrderPlaced"))
    {
      state->status = CCM_ORDER_PENDING;
      replace_string (&state->order_id, ccm_json_string (p, "order_id"));
      replace_string (&state->conference, ccm_json_string (p, "conference"));
      replace_string (&state->access_code, ccm_json_string (p, "access_code"));
      replace_string (&state->currency, ccm_json_string (p, "currency"));
      g_ptr_array_unref (state->items);
      state->items = items_from_json (p);
      take_ticket_codes (state, p);
      state->expires_at = ccm_json_int (p, "expires_at", 0);
      replace_string (&state->allotment_id, ccm_json_string (p, "allotment_id"));
      replace_string (&state->device_id, ccm_json_string (p, "device_id"));
    }
  else if (g_str_equal (event->type, "OrderUpdated"))
    {
      state->status = CCM_ORDER_PENDING;
      state->partial_accepted = FALSE;
      g_ptr_array_unref (state->items);
      state->items = items_from_json (p);
      take_ticket_codes (state, p);
    }
  else if (g_str_equal (event->type, "OrderTotalsCalculated"))
    state->total = ccm_json_int (p, "total", 0);
  else if (g_str_equal (event->type, "OrderReservationCompleted") ||
           g_str_equal (event->type, "OrderPartiallyReserved"))
    {
      state->status = g_str_equal (event->type, "OrderReservationCompleted")
                      ? CCM_ORDER_RESERVED : CCM_ORDER_PARTIALLY_RESERVED;
      state->partial_accepted = FALSE;
      state->guaranteed = ccm_json_bool (p, "guaranteed");
      g_clear_pointer (&state->reserved, g_ptr_array_unref);
      state->reserved = seats_member (p);
    }
  else if (g_str_equal (event->type, "OrderPartialReservationAccepted"))
    state->partial_accepted = TRUE;
  else if (g_str_equal (event->type, "OrderRegistrantAssigned"))
    {
      replace_string (&state->first_name, ccm_json_string (p, "first_name"));
      replace_string (&state->last_name, ccm_json_string (p, "last_name"));
      replace_string (&state->email, ccm_json_string (p, "email"));
    }
  else if (g_str_equal (event->type, "OrderConfirmed"))
    {
      g_autoptr(GPtrArray) seats = seats_member (p);

      state->status = CCM_ORDER_CONFIRMED;
      /* Upcast V1 events carry no seats: the reservation stands. */
      if (seats != NULL)
        {
          g_clear_pointer (&state->reserved, g_ptr_array_unref);
          state->reserved = g_steal_pointer (&seats);
        }
      if (ccm_json_string (p, "payment_id") != NULL)
        {
          replace_string (&state->payment_id, ccm_json_string (p, "payment_id"));
          state->amount_paid = ccm_json_int (p, "amount_paid", 0);
        }
    }
  else if (g_str_equal (event->type, "OrderExpired"))
    state->status = CCM_ORDER_EXPIRED;
  else if (g_str_equal (event->type, "OrderCancelled"))
    state->status = CCM_ORDER_CANCELLED;
  else if (g_str_equal (event->type, "RefundDue"))
    g_ptr_array_add (state->refunded, g_strdup (ccm_json_string (p, "payment_id")));
}

const CcmAggregate ccm_order_aggregate = {
  .name = "order",
  .new_state = order_new_state,
  .free_state = order_free_state,
  .evolve = order_evolve,
};

static gpointer
order_code_new_state (void)
{
  return g_new0 (CcmOrderCodeState, 1);
}

static void
order_code_free_state (gpointer data)
{
  CcmOrderCodeState *state = data;

  g_free (state->order_id);
  g_free (state);
}

static void
order_code_evolve (gpointer        data,
                   const CcmEvent *event)
{
  CcmOrderCodeState *state = data;

  if (g_str_equal (event->type, "OrderAccessCodeClaimed") && state->order_id == NULL)
    state->order_id = g_strdup (ccm_json_string (event->payload, "order_id"));
}

const CcmAggregate ccm_order_code_aggregate = {
  .name = "order-code",
  .new_state = order_code_new_state,
  .free_state = order_code_free_state,
  .evolve = order_code_evolve,
};

char *
ccm_order_stream (const char *order_id)
{
  return g_strconcat ("order/", order_id, NULL);
}

char *
ccm_order_code_stream (const char *conference,
                       const char *access_code)
{
  return g_strconcat ("order-code/", conference, "/", access_code, NULL);
}

const char *
ccm_order_status_to_string (CcmOrderStatus status)
{
  switch (status)
    {
    case CCM_ORDER_NEW: return "new";
    case CCM_ORDER_PENDING: return "pending";
    case CCM_ORDER_RESERVED: return "reserved";
    case CCM_ORDER_PARTIALLY_RESERVED: return "partially-reserved";
    case CCM_ORDER_CONFIRMED: return "confirmed";
    case CCM_ORDER_EXPIRED: return "expired";
    case CCM_ORDER_CANCELLED: return "cancelled";
    default: g_assert_not_reached ();
    }
}

GPtrArray *
ccm_order_get_seats (const CcmOrderState *state)
{
  g_return_val_if_fail (state != NULL, NULL);

  if (state->reserved != NULL)
    return ccm_seat_quantities_copy (state->reserved);
  return items_to_seats (state->items);
}

void
ccm_order_upcast_payment_confirmed (CcmEvent *event)
{
  g_free (event->type);
  event->type = g_strdup ("OrderConfirmed");
  event->schema_version = 2;
}

/* Commands */

static char *
order_stream_for (const CcmCommand  *command,
                  GError           **error)
{
  const char *order_id = NULL;

  if (!ccm_json_get_string (command->args, "order_id", TRUE, &order_id, error))
    return NULL;
  if (!ccm_id_is_valid (order_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "order_id",
                            _("The order id “%s” is not a UUID."), order_id);
      return NULL;
    }
  return ccm_order_stream (order_id);
}

static JsonObject *
order_payload (const CcmOrderState *state)
{
  JsonObject *p = json_object_new ();

  json_object_set_string_member (p, "order_id", state->order_id);
  json_object_set_string_member (p, "conference", state->conference);
  return p;
}

static gboolean
require_order (const CcmOrderState  *state,
               GError              **error)
{
  if (state->status != CCM_ORDER_NEW)
    return TRUE;

  ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "order_id",
                        _("There is no such order; check the order id."));
  return FALSE;
}

/* Orders may only change seats while nothing is settled. */
static gboolean
require_open (const CcmOrderState  *state,
              const char           *field,
              GError              **error)
{
  if (!require_order (state, error))
    return FALSE;

  switch (state->status)
    {
    case CCM_ORDER_PENDING:
    case CCM_ORDER_RESERVED:
    case CCM_ORDER_PARTIALLY_RESERVED:
      return TRUE;
    case CCM_ORDER_CONFIRMED:
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, field,
                            _("The order is confirmed; its seats can no longer change."));
      return FALSE;
    case CCM_ORDER_EXPIRED:
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, field,
                            _("The order expired and its seats were released; place a new "
                              "order."));
      return FALSE;
    case CCM_ORDER_CANCELLED:
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, field,
                            _("The order was cancelled; place a new order."));
      return FALSE;
    case CCM_ORDER_NEW:
    default:
      g_assert_not_reached ();
    }
}

static const CcmConferenceState *
load_open_conference (CcmDecideContext  *ctx,
                      const char        *slug,
                      GError           **error)
{
  g_autofree char *stream = ccm_conference_stream (slug);
  const CcmConferenceState *conference;

  conference = ccm_decide_context_load (ctx, &ccm_conference_aggregate, stream, NULL, error);
  if (conference == NULL)
    return NULL;
  if (!conference->exists)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "conference",
                            _("There is no conference “%s”."), slug);
      return NULL;
    }
  if (!conference->published)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "conference",
                            _("The conference “%s” is not published; it accepts no orders."),
                            slug);
      return NULL;
    }
  return conference;
}

/* The asked seats, with seat types named by id or name resolved to their
 * id and priced from the conference. */
static GPtrArray *
read_items (const CcmConferenceState  *conference,
            JsonObject                *args,
            GError                   **error)
{
  g_autoptr(GPtrArray) seats = ccm_seat_quantities_parse (args, "seats", error);
  g_autoptr(GPtrArray) items = order_items_new ();
  gint64 total = 0;

  if (seats == NULL)
    return NULL;

  for (guint i = 0; i < seats->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (seats, i);
      const CcmSeatType *type = ccm_conference_find_seat_type (conference, q->seat_type);

      if (type == NULL)
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "seat_type",
                                _("The conference “%s” has no seat type “%s”."),
                                conference->slug, q->seat_type);
          return NULL;
        }
      for (guint j = 0; j < items->len; j++)
        if (g_str_equal (((CcmOrderItem *) g_ptr_array_index (items, j))->seat_type, type->id))
          {
            ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "seat_type",
                                  _("The seat type “%s” is named twice; name each seat type "
                                    "once."), type->name);
            return NULL;
          }
      g_ptr_array_add (items, order_item_new (type->id, type->name, q->quantity, type->price));
      total += q->quantity;
    }

  if (total == 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "seats",
                            _("The order asks for no seats; ask for at least one seat."));
      return NULL;
    }
  return g_steal_pointer (&items);
}

static gint64
items_total_seats (GPtrArray *items)
{
  gint64 total = 0;

  for (guint i = 0; i < items->len; i++)
    total += ((CcmOrderItem *) g_ptr_array_index (items, i))->quantity;
  return total;
}

static JsonArray *
strings_to_json (GPtrArray *strings,
                 guint      count)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < MIN (count, strings->len); i++)
    json_array_add_string_element (array, g_ptr_array_index (strings, i));
  return array;
}

/* The requested code if free, else the first free substitute. */
static char *
claim_access_code (CcmDecideContext  *ctx,
                   const char        *conference,
                   const char        *order_id,
                   const char        *requested,
                   GError           **error)
{
  for (guint n = 0; n <= MAX_CODE_SUBSTITUTES; n++)
    {
      g_autofree char *code = n == 0 ? g_strdup (requested)
                                     : substitute_access_code (order_id, n);
      g_autofree char *stream = ccm_order_code_stream (conference, code);
      gint64 version = 0;

      if (ccm_decide_context_load (ctx, &ccm_order_code_aggregate, stream,
                                   &version, error) == NULL)
        return NULL;
      if (version == 0)
        return g_steal_pointer (&code);
    }

  ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "access_code",
                        _("No free access code could be found for the order; try again "
                          "with another access code."));
  return NULL;
}

/* 1 to 100 characters, not only spaces. */
static gboolean
name_ok (const char *name)
{
  g_autofree char *stripped = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  stripped = g_strstrip (g_strdup (name));
  return *stripped != '\0' && g_utf8_strlen (name, -1) <= 100;
}

static gboolean
validate_registrant (JsonObject   *args,
                     gboolean      required,
                     const char  **first_name,
                     const char  **last_name,
                     const char  **email,
                     GError      **error)
{
  if (!ccm_json_get_string (args, "first_name", required, first_name, error) ||
      !ccm_json_get_string (args, "last_name", required, last_name, error) ||
      !ccm_json_get_string (args, "email", required, email, error))
    return FALSE;

  if (*first_name == NULL && *last_name == NULL && *email == NULL)
    return TRUE;

  if (!name_ok (*first_name))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "first_name",
                            _("The registrant’s first name must have 1 to 100 characters."));
      return FALSE;
    }
  if (!name_ok (*last_name))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "last_name",
                            _("The registrant’s last name must have 1 to 100 characters."));
      return FALSE;
    }
  return ccm_validate_email ("email", *email, error);
}

static void
emit_registrant (const char       *order_id,
                 const char       *conference,
                 CcmDecideContext *ctx,
                 const char       *first_name,
                 const char       *last_name,
                 const char       *email)
{
  JsonObject *p = json_object_new ();

  json_object_set_string_member (p, "order_id", order_id);
  json_object_set_string_member (p, "conference", conference);
  json_object_set_string_member (p, "first_name", first_name);
  json_object_set_string_member (p, "last_name", last_name);
  json_object_set_string_member (p, "email", email);
  ccm_decide_context_emit (ctx, "OrderRegistrantAssigned", p);
}

static gboolean
decide_place (gconstpointer      data,
              const CcmCommand  *command,
              CcmDecideContext  *ctx,
              GError           **error)
{
  const CcmOrderState *state = data;
  JsonObject *a = command->args;
  const char *order_id = NULL, *slug = NULL, *requested_code = NULL;
  const char *first_name = NULL, *last_name = NULL, *email = NULL;
  const char *allotment_id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *access_code = NULL;
  g_autofree char *code_stream = NULL;
  const CcmConferenceState *conference;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) ticket_codes = NULL;
  g_autoptr(GPtrArray) seats = NULL;
  gint64 minutes, expires_at;
  JsonObject *p, *result;

  if (!ccm_json_get_string (a, "order_id", TRUE, &order_id, error) ||
      !ccm_json_get_string (a, "conference", TRUE, &slug, error) ||
      !ccm_json_get_string (a, "access_code", TRUE, &requested_code, error) ||
      !ccm_json_get_string (a, "allotment_id", FALSE, &allotment_id, error))
    return FALSE;

  if (allotment_id != NULL && !ccm_id_is_valid (allotment_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "allotment_id",
                            _("The allotment id “%s” is not a UUID."), allotment_id);
      return FALSE;
    }

  if (state->status != CCM_ORDER_NEW)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                            _("The order %s already exists."), order_id);
      return FALSE;
    }

  code = g_ascii_strup (requested_code, -1);
  if (!ccm_access_code_is_valid (code))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "access_code",
                            _("The access code “%s” must be %d characters from %s."),
                            requested_code, CCM_ACCESS_CODE_LENGTH, CCM_ACCESS_CODE_ALPHABET);
      return FALSE;
    }

  if ((conference = load_open_conference (ctx, slug, error)) == NULL ||
      (items = read_items (conference, a, error)) == NULL ||
      !ccm_ticket_codes_parse (a, "ticket_codes", items_total_seats (items),
                               &ticket_codes, error) ||
      !validate_registrant (a, FALSE, &first_name, &last_name, &email, error))
    return FALSE;

  if ((access_code = claim_access_code (ctx, slug, order_id, code, error)) == NULL)
    return FALSE;

  minutes = conference->reservation_minutes > 0 ? conference->reservation_minutes
                                                : CCM_DEFAULT_RESERVATION_MIN;
  expires_at = ccm_decide_context_now (ctx) + minutes * MINUTE_US;

  code_stream = ccm_order_code_stream (slug, access_code);
  p = json_object_new ();
  json_object_set_string_member (p, "order_id", order_id);
  json_object_set_string_member (p, "conference", slug);
  json_object_set_string_member (p, "access_code", access_code);
  ccm_decide_context_emit_full (ctx, code_stream, "OrderAccessCodeClaimed", 1, p);

  seats = items_to_seats (items);
  p = json_object_new ();
  json_object_set_string_member (p, "order_id", order_id);
  json_object_set_string_member (p, "conference", slug);
  json_object_set_string_member (p, "conference_id", conference->id);
  json_object_set_array_member (p, "items", items_to_json (items));
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (seats));
  json_object_set_string_member (p, "access_code", access_code);
  json_object_set_array_member (p, "ticket_codes", strings_to_json (ticket_codes, G_MAXUINT));
  json_object_set_string_member (p, "currency", conference->currency);
  json_object_set_int_member (p, "placed_at", ccm_decide_context_now (ctx));
  json_object_set_int_member (p, "expires_at", expires_at);
  /* Whether the allotment may be spent is the seats' decision; the order
   * records which one the desk sold from, and which desk that was. */
  if (allotment_id != NULL)
    {
      json_object_set_string_member (p, "allotment_id", allotment_id);
      ccm_json_set_string_or_null (p, "device_id", command->device_id);
    }
  ccm_decide_context_emit (ctx, "OrderPlaced", p);

  /* Price against the order as it now is. */
  p = price (order_id, slug, items, NULL, conference->currency, FALSE);
  result = ccm_decide_context_get_result (ctx);
  json_object_set_int_member (result, "total", json_object_get_int_member (p, "total"));
  ccm_decide_context_emit (ctx, "OrderTotalsCalculated", p);

  if (email != NULL)
    emit_registrant (order_id, slug, ctx, first_name, last_name, email);

  json_object_set_string_member (result, "order_id", order_id);
  json_object_set_string_member (result, "access_code", access_code);
  json_object_set_boolean_member (result, "access_code_substituted",
                                  !g_str_equal (access_code, code));
  json_object_set_string_member (result, "status", ccm_order_status_to_string (CCM_ORDER_PENDING));
  json_object_set_int_member (result, "expires_at", expires_at);
  ccm_json_set_string_or_null (result, "allotment_id", allotment_id);
  return TRUE;
}

static gboolean
decide_update_seats (gconstpointer      data,
                     const CcmCommand  *command,
                     CcmDecideContext  *ctx,
                     GError           **error)
{
  const CcmOrderState *state = data;
  JsonObject *a = command->args;
  const CcmConferenceState *conference;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) ticket_codes = NULL;
  g_autoptr(GPtrArray) seats = NULL;
  g_autoptr(GPtrArray) before = NULL;
  JsonObject *p;

  if (!require_open (state, "seats", error) ||
      (conference = load_open_conference (ctx, state->conference, error)) == NULL ||
      (items = read_items (conference, a, error)) == NULL)
    return FALSE;

  /* New codes may come with the change; the order's codes must cover it. */
  if (json_object_has_member (a, "ticket_codes"))
    {
      if (!ccm_ticket_codes_parse (a, "ticket_codes", items_total_seats (items),
                                   &ticket_codes, error))
        return FALSE;
    }
  else if ((gint64) state->ticket_codes->len < items_total_seats (items))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "ticket_codes",
                            _("The order has %u ticket codes for %lld seats; "
                              "give one code per seat."), state->ticket_codes->len,
                            (long long) items_total_seats (items));
      return FALSE;
    }

  seats = items_to_seats (items);
  before = items_to_seats (state->items);
  if (ccm_seat_quantities_equal (seats, before) && ticket_codes == NULL)
    return TRUE;

  p = order_payload (state);
  json_object_set_array_member (p, "items", items_to_json (items));
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (seats));
  json_object_set_array_member (p, "ticket_codes",
                                strings_to_json (ticket_codes != NULL ? ticket_codes
                                                                      : state->ticket_codes,
                                                 G_MAXUINT));
  ccm_decide_context_emit (ctx, "OrderUpdated", p);
  ccm_decide_context_emit (ctx, "OrderTotalsCalculated",
                           price (state->order_id, state->conference, items, NULL, state->currency, FALSE));
  return TRUE;
}

/* The reservation came back: full keeps the price; short on any type makes
 * the order partially reserved and re-prices it on what was reserved. */
static gboolean
decide_mark_reserved (gconstpointer      data,
                      const CcmCommand  *command,
                      CcmDecideContext  *ctx,
                      GError           **error)
{
  const CcmOrderState *state = data;
  g_autoptr(GPtrArray) reserved = NULL;
  g_autoptr(GPtrArray) wanted = NULL;
  g_autoptr(GPtrArray) seats = ccm_seat_quantities_new ();
  gboolean full = TRUE;
  gboolean guaranteed = FALSE;
  JsonObject *p;

  if (!require_open (state, "order_id", error) ||
      (reserved = ccm_seat_quantities_parse (command->args, "seats", error)) == NULL ||
      !ccm_json_get_bool (command->args, "guaranteed", FALSE, &guaranteed, error))
    return FALSE;

  /* Only the asked types count, and never more than asked. */
  wanted = items_to_seats (state->items);
  for (guint i = 0; i < wanted->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (wanted, i);
      gint64 got = MIN (q->quantity, ccm_seat_quantities_get (reserved, q->seat_type));

      if (got > 0)
        ccm_seat_quantities_set (seats, q->seat_type, got);
      if (got < q->quantity)
        full = FALSE;
    }

  /* Guaranteed: every seat asked came from the desk's own allotment, so the
   * server grants it whatever arrived first. Otherwise the sale is
   * provisional until the server has decided (the desk shows it amber). */
  guaranteed = guaranteed && full;

  /* The same answer twice changes nothing. */
  if (state->reserved != NULL && ccm_seat_quantities_equal (state->reserved, seats) &&
      state->status == (full ? CCM_ORDER_RESERVED : CCM_ORDER_PARTIALLY_RESERVED) &&
      state->guaranteed == guaranteed)
    return TRUE;

  p = order_payload (state);
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (seats));
  json_object_set_int_member (p, "expires_at", state->expires_at);
  json_object_set_boolean_member (p, "guaranteed", guaranteed);
  ccm_json_set_string_or_null (p, "allotment_id", state->allotment_id);
  if (full)
    {
      ccm_decide_context_emit (ctx, "OrderReservationCompleted", p);
      return TRUE;
    }

  /* The new price first: whoever reacts to the partial reservation (the
   * registration process deciding whether a payment covers it) sees it. */
  json_object_set_array_member (p, "requested", ccm_seat_quantities_to_json (wanted));
  ccm_decide_context_emit (ctx, "OrderTotalsCalculated",
                           price (state->order_id, state->conference, state->items, seats,
                                  state->currency, TRUE));
  ccm_decide_context_emit (ctx, "OrderPartiallyReserved", p);
  return TRUE;
}

static gboolean
decide_accept_partial (gconstpointer      data,
                       const CcmCommand  *command,
                       CcmDecideContext  *ctx,
                       GError           **error)
{
  const CcmOrderState *state = data;

  if (!require_open (state, "order_id", error))
    return FALSE;
  if (state->status != CCM_ORDER_PARTIALLY_RESERVED)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                            _("The order is %s, not partially reserved; there is nothing "
                              "to accept."), ccm_order_status_to_string (state->status));
      return FALSE;
    }
  if (state->partial_accepted)
    return TRUE;

  ccm_decide_context_emit (ctx, "OrderPartialReservationAccepted", order_payload (state));
  return TRUE;
}

static gboolean
same_text_casefold (const char *a,
                    const char *b)
{
  g_autofree char *fa = NULL, *fb = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return g_str_equal (fa, fb);
}

static gboolean
decide_assign_registrant (gconstpointer      data,
                          const CcmCommand  *command,
                          CcmDecideContext  *ctx,
                          GError           **error)
{
  const CcmOrderState *state = data;
  const char *first_name = NULL, *last_name = NULL, *email = NULL;

  if (!require_order (state, error) ||
      !validate_registrant (command->args, TRUE, &first_name, &last_name, &email, error))
    return FALSE;
  if (state->status == CCM_ORDER_CANCELLED)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                            _("The order was cancelled; its registrant cannot change."));
      return FALSE;
    }

  /* E-mail addresses are equal regardless of case. */
  if (g_strcmp0 (state->first_name, first_name) == 0 &&
      g_strcmp0 (state->last_name, last_name) == 0 &&
      same_text_casefold (state->email, email))
    return TRUE;

  emit_registrant (state->order_id, state->conference, ctx, first_name, last_name, email);
  return TRUE;
}

static gboolean
decide_confirm (gconstpointer      data,
                const CcmCommand  *command,
                CcmDecideContext  *ctx,
                GError           **error)
{
  const CcmOrderState *state = data;
  JsonObject *a = command->args;
  const char *payment_id = NULL;
  gint64 amount = 0;
  gboolean after_expiry = FALSE;
  g_autoptr(GPtrArray) seats = NULL;
  JsonObject *p;

  if (!require_order (state, error) ||
      !ccm_json_get_string (a, "payment_id", FALSE, &payment_id, error) ||
      !ccm_json_get_int (a, "amount", FALSE, &amount, error) ||
      !ccm_json_get_bool (a, "after_expiry", FALSE, &after_expiry, error))
    return FALSE;

  switch (state->status)
    {
    case CCM_ORDER_CONFIRMED:
      return TRUE;
    case CCM_ORDER_CANCELLED:
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                            _("The order was cancelled; it cannot be confirmed."));
      return FALSE;
    case CCM_ORDER_EXPIRED:
      /* Only the registration process, having got the seats back for a late
       * payment, may bring an expired order back. */
      if (!after_expiry)
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                                _("The order expired and its seats were released; it cannot "
                                  "be confirmed."));
          return FALSE;
        }
      break;
    case CCM_ORDER_PENDING:
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                            _("The order’s seats are not reserved yet; confirm it once they "
                              "are."));
      return FALSE;
    case CCM_ORDER_RESERVED:
    case CCM_ORDER_PARTIALLY_RESERVED:
      break;
    case CCM_ORDER_NEW:
    default:
      g_assert_not_reached ();
    }

  seats = ccm_order_get_seats (state);
  if (ccm_seat_quantities_total (seats) == 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "seats",
                            _("No seats could be reserved for the order; change it or join "
                              "the waitlist."));
      return FALSE;
    }

  p = order_payload (state);
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (seats));
  json_object_set_array_member (p, "ticket_codes",
                                strings_to_json (state->ticket_codes,
                                                 ccm_seat_quantities_total (seats)));
  json_object_set_int_member (p, "total", state->total);
  json_object_set_string_member (p, "currency", state->currency);
  ccm_json_set_string_or_null (p, "payment_id", payment_id);
  if (payment_id != NULL)
    json_object_set_int_member (p, "amount_paid", amount);
  json_object_set_boolean_member (p, "after_expiry", state->status == CCM_ORDER_EXPIRED);
  ccm_decide_context_emit (ctx, "OrderConfirmed", p);
  return TRUE;
}

/* Expiry: a confirmed order never expires. */
static gboolean
decide_reject (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmOrderState *state = data;
  g_autoptr(GPtrArray) seats = NULL;
  const char *reason = "expired";   /* or "sold_out" */
  JsonObject *p;

  if (!require_order (state, error))
    return FALSE;
  if (state->status == CCM_ORDER_CONFIRMED)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                            _("The order is confirmed; it cannot expire."));
      return FALSE;
    }
  if (state->status == CCM_ORDER_EXPIRED || state->status == CCM_ORDER_CANCELLED)
    return TRUE;

  if (!ccm_json_get_string (command->args, "reason", FALSE, &reason, error))
    return FALSE;

  seats = ccm_order_get_seats (state);
  p = order_payload (state);
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (seats));
  json_object_set_string_member (p, "reason", reason);
  ccm_decide_context_emit (ctx, "OrderExpired", p);
  return TRUE;
}

/* An organizer or desk cancels; the seats go back (the registration process
 * sees to that) and a paid order gets its refund recorded. */
static gboolean
decide_cancel (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmOrderState *state = data;
  const char *reason = NULL;
  g_autoptr(GPtrArray) seats = NULL;
  JsonObject *p;

  if (!require_order (state, error) ||
      !ccm_json_get_string (command->args, "reason", FALSE, &reason, error))
    return FALSE;
  if (state->status == CCM_ORDER_CANCELLED)
    return TRUE;
  if (state->status == CCM_ORDER_EXPIRED)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                            _("The order already expired; its seats were released."));
      return FALSE;
    }

  seats = ccm_order_get_seats (state);
  p = order_payload (state);
  json_object_set_boolean_member (p, "was_confirmed", state->status == CCM_ORDER_CONFIRMED);
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (seats));
  ccm_json_set_string_or_null (p, "reason", reason);
  ccm_decide_context_emit (ctx, "OrderCancelled", p);
  return TRUE;
}

static gboolean
decide_record_refund (gconstpointer      data,
                      const CcmCommand  *command,
                      CcmDecideContext  *ctx,
                      GError           **error)
{
  const CcmOrderState *state = data;
  JsonObject *a = command->args;
  const char *payment_id = NULL, *reason = NULL;
  gint64 amount = 0;
  JsonObject *p;

  if (!require_order (state, error) ||
      !ccm_json_get_string (a, "payment_id", TRUE, &payment_id, error) ||
      !ccm_json_get_int (a, "amount", TRUE, &amount, error) ||
      !ccm_json_get_string (a, "reason", TRUE, &reason, error))
    return FALSE;

  for (guint i = 0; i < state->refunded->len; i++)
    if (g_str_equal (g_ptr_array_index (state->refunded, i), payment_id))
      return TRUE;

  p = order_payload (state);
  json_object_set_string_member (p, "payment_id", payment_id);
  json_object_set_int_member (p, "amount", amount);
  json_object_set_string_member (p, "currency", state->currency);
  json_object_set_string_member (p, "reason", reason);
  ccm_decide_context_emit (ctx, "RefundDue", p);
  return TRUE;
}

static const CcmCommandHandler order_commands[] = {
  { "PlaceOrder", &ccm_order_aggregate, order_stream_for, decide_place },
  { "UpdateSeats", &ccm_order_aggregate, order_stream_for, decide_update_seats },
  { "MarkSeatsAsReserved", &ccm_order_aggregate, order_stream_for, decide_mark_reserved },
  { "AcceptPartialReservation", &ccm_order_aggregate, order_stream_for, decide_accept_partial },
  { "AssignRegistrantDetails", &ccm_order_aggregate, order_stream_for, decide_assign_registrant },
  { "ConfirmOrder", &ccm_order_aggregate, order_stream_for, decide_confirm },
  { "RejectOrder", &ccm_order_aggregate, order_stream_for, decide_reject },
  { "CancelOrder", &ccm_order_aggregate, order_stream_for, decide_cancel },
  { "RecordRefund", &ccm_order_aggregate, order_stream_for, decide_record_refund },
};

/* What a person typed about a cancellation ("flight cancelled, ill"): free
 * text that may say more about someone than a name does. */
static const CcmPersonalField cancel_fields[] = {
  { "reason", CCM_PERSONAL_TEXT },
  { NULL }
};

/* Personal data: the registrant, placed with the order or assigned later,
 * and the reason given for a cancellation. */
static const CcmPersonalData order_personal[] = {
  { CCM_RECORD_COMMAND, "PlaceOrder", ccm_person_fields, NULL },
  { CCM_RECORD_COMMAND, "UpdateSeats", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "MarkSeatsAsReserved", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "AcceptPartialReservation", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "AssignRegistrantDetails", ccm_person_fields, NULL },
  { CCM_RECORD_COMMAND, "ConfirmOrder", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "RejectOrder", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "CancelOrder", cancel_fields, NULL },
  { CCM_RECORD_COMMAND, "RecordRefund", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderAccessCodeClaimed", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderPlaced", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderTotalsCalculated", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderUpdated", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderReservationCompleted", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderPartiallyReserved", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderPartialReservationAccepted", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderRegistrantAssigned", ccm_person_fields, NULL },
  { CCM_RECORD_EVENT, "OrderConfirmed", CCM_NO_PERSONAL_DATA, NULL },
  /* The first name of OrderConfirmed, upcast when read. */
  { CCM_RECORD_EVENT, "OrderPaymentConfirmed", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderExpired", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "OrderCancelled", cancel_fields, NULL },
  { CCM_RECORD_EVENT, "RefundDue", CCM_NO_PERSONAL_DATA, NULL },
};

void
ccm_order_register (CcmRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (order_commands); i++)
    ccm_registry_add_command (registry, &order_commands[i]);
  for (guint i = 0; i < G_N_ELEMENTS (order_personal); i++)
    ccm_registry_add_personal_data (registry, &order_personal[i]);

  ccm_registry_add_upcaster (registry, "OrderPaymentConfirmed", 1,
                             ccm_order_upcast_payment_confirmed);
}
