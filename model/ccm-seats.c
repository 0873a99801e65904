/* ccm-seats.c — the SeatsAvailability aggregate and its waitlists
 *
 * One stream per conference, "seats/<slug>": every seat of the conference is
 * counted in one place, so two registrants can never be given the same seat.
 * The waitlists live here too rather than in a stream of their own: the seats
 * a cancellation frees and the queue they go to must be decided in the same
 * transaction, or a new order could take them before the queue is served.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-seats"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-seats.h"
#include "ccm-seats-private.h"
#include "ccm-conference.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"

#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define MINUTE_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

/* Seat quantity lists */

CcmSeatQuantity *
ccm_seat_quantity_new (const char *seat_type,
                       gint64      quantity)
{
  CcmSeatQuantity *self = g_new0 (CcmSeatQuantity, 1);

  self->seat_type = g_strdup (seat_type);
  self->quantity = quantity;
  return self;
}

void
ccm_seat_quantity_free (CcmSeatQuantity *self)
{
  g_free (self->seat_type);
  g_free (self);
}

GPtrArray *
ccm_seat_quantities_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_seat_quantity_free);
}

GPtrArray *
ccm_seat_quantities_copy (GPtrArray *list)
{
  GPtrArray *copy = ccm_seat_quantities_new ();

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (list, i);

      g_ptr_array_add (copy, ccm_seat_quantity_new (q->seat_type, q->quantity));
    }
  return copy;
}

static CcmSeatQuantity *
seat_quantities_find (GPtrArray  *list,
                      const char *seat_type)
{
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (list, i);

      if (g_strcmp0 (q->seat_type, seat_type) == 0)
        return q;
    }
  return NULL;
}

gint64
ccm_seat_quantities_get (GPtrArray  *list,
                         const char *seat_type)
{
  CcmSeatQuantity *q = seat_quantities_find (list, seat_type);

  return q != NULL ? q->quantity : 0;
}

void
ccm_seat_quantities_set (GPtrArray  *list,
                         const char *seat_type,
                         gint64      quantity)
{
  CcmSeatQuantity *q = seat_quantities_find (list, seat_type);

  if (q != NULL)
    q->quantity = quantity;
  else
    g_ptr_array_add (list, ccm_seat_quantity_new (seat_type, quantity));
}

gint64
ccm_seat_quantities_total (GPtrArray *list)
{
  gint64 total = 0;

  for (guint i = 0; list != NULL && i < list->len; i++)
    total += ((CcmSeatQuantity *) g_ptr_array_index (list, i))->quantity;
  return total;
}

static gboolean
seat_quantities_contained (GPtrArray *a,
                           GPtrArray *b)
{
  for (guint i = 0; a != NULL && i < a->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (a, i);

      if (q->quantity != ccm_seat_quantities_get (b, q->seat_type))
        return FALSE;
    }
  return TRUE;
}

/* Equal as quantities per type: order and zero entries do not matter. */
gboolean
ccm_seat_quantities_equal (GPtrArray *a,
                           GPtrArray *b)
{
  return seat_quantities_contained (a, b) && seat_quantities_contained (b, a);
}

JsonArray *
ccm_seat_quantities_to_json (GPtrArray *list)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (list, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "seat_type", q->seat_type);
      json_object_set_int_member (o, "quantity", q->quantity);
      json_array_add_object_element (array, o);
    }
  return array;
}

/* Unchecked: for payloads the program wrote itself. */
GPtrArray *
ccm_seat_quantities_from_json (JsonArray *array)
{
  GPtrArray *list = ccm_seat_quantities_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *o;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      o = json_node_get_object (node);
      if (ccm_json_string (o, "seat_type") == NULL)
        continue;
      ccm_seat_quantities_set (list, ccm_json_string (o, "seat_type"),
                               ccm_json_int (o, "quantity", 0));
    }
  return list;
}

/* Checked: for command arguments. Each entry names a seat type once with a
 * quantity that is not negative. */
GPtrArray *
ccm_seat_quantities_parse (JsonObject  *args,
                           const char  *member,
                           GError     **error)
{
  JsonArray *array = NULL;
  g_autoptr(GPtrArray) list = ccm_seat_quantities_new ();

  if (!ccm_json_get_array (args, member, TRUE, &array, error))
    return NULL;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *o;
      const char *seat_type = NULL;
      gint64 quantity = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, member,
                                _("Each entry of “%s” must be an object with a seat type "
                                  "and a quantity."), member);
          return NULL;
        }
      o = json_node_get_object (node);
      if (!ccm_json_get_string (o, "seat_type", TRUE, &seat_type, error) ||
          !ccm_json_get_int (o, "quantity", TRUE, &quantity, error))
        return NULL;
      if (quantity < 0)
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "quantity",
                                _("The quantity of “%s” is negative; ask for zero seats "
                                  "or more."), seat_type);
          return NULL;
        }
      if (quantity > CCM_SEAT_TYPE_MAX_QUOTA)
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "quantity",
                                _("The quantity of “%s” is more than %d seats."),
                                seat_type, CCM_SEAT_TYPE_MAX_QUOTA);
          return NULL;
        }
      if (seat_quantities_find (list, seat_type) != NULL)
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "seat_type",
                                _("The seat type “%s” is named twice in “%s”; name each "
                                  "seat type once."), seat_type, member);
          return NULL;
        }
      g_ptr_array_add (list, ccm_seat_quantity_new (seat_type, quantity));
    }

  return g_steal_pointer (&list);
}

/* State */

static void
waitlist_entry_free (CcmWaitlistEntry *entry)
{
  g_free (entry->entry_id);
  g_free (entry->email);
  g_free (entry->first_name);
  g_free (entry->last_name);
  g_free (entry);
}

static void
seat_availability_free (CcmSeatAvailability *type)
{
  g_free (type->seat_type);
  g_ptr_array_unref (type->waitlist);
  g_free (type);
}

static void
seat_reservation_free (CcmSeatReservation *reservation)
{
  g_free (reservation->reservation_id);
  g_ptr_array_unref (reservation->seats);
  g_free (reservation->allotment_id);
  g_free (reservation);
}

static void
allotment_free (CcmAllotment *allotment)
{
  g_free (allotment->allotment_id);
  g_free (allotment->device_id);
  g_free (allotment->seat_type);
  g_free (allotment);
}

static gpointer
seats_new_state (void)
{
  CcmSeatsState *state = g_new0 (CcmSeatsState, 1);

  state->types = g_ptr_array_new_with_free_func ((GDestroyNotify) seat_availability_free);
  state->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) seat_reservation_free);
  state->committed = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) seat_reservation_free);
  state->allotments = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) allotment_free);
  return state;
}

static void
seats_free_state (gpointer data)
{
  CcmSeatsState *state = data;

  g_ptr_array_unref (state->types);
  g_hash_table_unref (state->pending);
  g_hash_table_unref (state->committed);
  g_hash_table_unref (state->allotments);
  g_free (state);
}

const CcmSeatAvailability *
ccm_seats_find_type (const CcmSeatsState *state,
                     const char          *seat_type)
{
  g_return_val_if_fail (state != NULL, NULL);

  for (guint i = 0; i < state->types->len; i++)
    {
      CcmSeatAvailability *type = g_ptr_array_index (state->types, i);

      if (g_strcmp0 (type->seat_type, seat_type) == 0)
        return type;
    }
  return NULL;
}

static CcmSeatAvailability *
find_type (CcmSeatsState *state,
           const char    *seat_type)
{
  return (CcmSeatAvailability *) ccm_seats_find_type (state, seat_type);
}

const CcmAllotment *
ccm_seats_find_allotment (const CcmSeatsState *state,
                          const char          *allotment_id)
{
  g_return_val_if_fail (state != NULL, NULL);

  if (allotment_id == NULL)
    return NULL;
  return g_hash_table_lookup (state->allotments, allotment_id);
}

gint64
ccm_allotment_expires_at (const CcmAllotment *allotment)
{
  g_return_val_if_fail (allotment != NULL, 0);

  return allotment->until + CCM_ALLOTMENT_GRACE_MINUTES * MINUTE_US;
}

static void
add_reservation_seats (GHashTable *reservations,
                       const char *seat_type,
                       gint64     *total)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, reservations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    *total += ccm_seat_quantities_get (((CcmSeatReservation *) value)->seats, seat_type);
}

/* Counted from scratch, not from `remaining`: the tests compare the two. */
gboolean
ccm_seats_get_inventory (const CcmSeatsState *state,
                         const char          *seat_type,
                         CcmSeatInventory    *inventory)
{
  const CcmSeatAvailability *type;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (state != NULL, FALSE);
  g_return_val_if_fail (inventory != NULL, FALSE);

  memset (inventory, 0, sizeof *inventory);
  type = ccm_seats_find_type (state, seat_type);
  if (type == NULL)
    return FALSE;

  inventory->quota = type->quota;
  inventory->remaining = type->remaining;
  add_reservation_seats (state->committed, seat_type, &inventory->committed);
  add_reservation_seats (state->pending, seat_type, &inventory->held);
  g_hash_table_iter_init (&iter, state->allotments);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CcmAllotment *allotment = value;

      if (allotment->status == CCM_ALLOTMENT_ACTIVE &&
          g_strcmp0 (allotment->seat_type, seat_type) == 0)
        inventory->outstanding += allotment->remaining;
    }
  return TRUE;
}

static guint
find_waitlist_entry (CcmSeatAvailability *type,
                     const char          *entry_id)
{
  for (guint i = 0; i < type->waitlist->len; i++)
    {
      CcmWaitlistEntry *entry = g_ptr_array_index (type->waitlist, i);

      if (g_strcmp0 (entry->entry_id, entry_id) == 0)
        return i;
    }
  return G_MAXUINT;
}

/* The entry leaves its seat type's queue, and why ("ordered", "expired",
 * "removed"). */
static void
emit_waitlist_left (const CcmCommand *command,
                    const char       *entry_id,
                    const char       *seat_type,
                    const char       *reason,
                    CcmDecideContext *ctx)
{
  JsonObject *p = ccm_seats_payload (command);

  json_object_set_string_member (p, "entry_id", entry_id);
  json_object_set_string_member (p, "seat_type", seat_type);
  json_object_set_string_member (p, "reason", reason);
  ccm_decide_context_emit (ctx, "WaitlistLeft", p);
}

static void
apply_changes (CcmSeatsState *state,
               JsonArray     *changes)
{
  g_autoptr(GPtrArray) list = ccm_seat_quantities_from_json (changes);

  for (guint i = 0; i < list->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (list, i);
      CcmSeatAvailability *type = find_type (state, q->seat_type);

      if (type != NULL)
        type->remaining += q->quantity;
    }
}

static JsonArray *
payload_array (JsonObject *payload,
               const char *member)
{
  JsonNode *node = json_object_get_member (payload, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Seats going back to (or, negative, taken from) an allotment. */
static void
apply_allotment_change (CcmSeatsState *state,
                        JsonObject    *payload)
{
  CcmAllotment *allotment;

  allotment = (CcmAllotment *) ccm_seats_find_allotment (state,
                                                        ccm_json_string (payload, "allotment_id"));
  if (allotment != NULL)
    allotment->remaining += ccm_json_int (payload, "allotment_changed", 0);
}

static CcmSeatReservation *
reservation_new (const char *reservation_id)
{
  CcmSeatReservation *reservation = g_new0 (CcmSeatReservation, 1);

  reservation->reservation_id = g_strdup (reservation_id);
  reservation->seats = ccm_seat_quantities_new ();
  return reservation;
}

static CcmSeatAvailability *
seat_availability_new (const char *seat_type)
{
  CcmSeatAvailability *type = g_new0 (CcmSeatAvailability, 1);

  type->seat_type = g_strdup (seat_type);
  type->waitlist = g_ptr_array_new_with_free_func ((GDestroyNotify) waitlist_entry_free);
  return type;
}

/* From a WaitlistJoined payload (the seats asked for are "quantity") or a
 * snapshot's entry (the seats still wanted are "waiting"). */
static CcmWaitlistEntry *
waitlist_entry_new (JsonObject *object,
                    const char *waiting_member)
{
  CcmWaitlistEntry *entry = g_new0 (CcmWaitlistEntry, 1);

  entry->entry_id = g_strdup (ccm_json_string (object, "entry_id"));
  entry->email = g_strdup (ccm_json_string (object, "email"));
  entry->first_name = g_strdup (ccm_json_string (object, "first_name"));
  entry->last_name = g_strdup (ccm_json_string (object, "last_name"));
  entry->waiting = ccm_json_int (object, waiting_member, 0);
  return entry;
}

/* What an AllotmentGranted payload and a snapshot's allotment both say. */
static CcmAllotment *
allotment_new (JsonObject *object,
               const char *granted_member)
{
  CcmAllotment *allotment = g_new0 (CcmAllotment, 1);

  allotment->allotment_id = g_strdup (ccm_json_string (object, "allotment_id"));
  allotment->device_id = g_strdup (ccm_json_string (object, "device_id"));
  allotment->seat_type = g_strdup (ccm_json_string (object, "seat_type"));
  allotment->granted = ccm_json_int (object, granted_member, 0);
  allotment->until = ccm_json_int (object, "until", 0);
  return allotment;
}

static void
seats_evolve (gpointer        data,
              const CcmEvent *event)
{
  CcmSeatsState *state = data;
  JsonObject *p = event->payload;
  const char *reservation_id = ccm_json_string (p, "reservation_id");

  if (g_str_equal (event->type, "AvailableSeatsChanged"))
    {
      g_autoptr(GPtrArray) list = ccm_seat_quantities_from_json (payload_array (p, "seats"));

      /* The first change of a seat type makes it known. */
      for (guint i = 0; i < list->len; i++)
        {
          CcmSeatQuantity *q = g_ptr_array_index (list, i);

          if (find_type (state, q->seat_type) == NULL)
            g_ptr_array_add (state->types, seat_availability_new (q->seat_type));
        }
      apply_changes (state, payload_array (p, "seats"));
      for (guint i = 0; i < list->len; i++)
        {
          CcmSeatQuantity *q = g_ptr_array_index (list, i);

          find_type (state, q->seat_type)->quota += q->quantity;
        }
    }
  else if (g_str_equal (event->type, "SeatTypeRetired"))
    {
      CcmSeatAvailability *type = find_type (state, ccm_json_string (p, "seat_type"));

      if (type != NULL)
        g_ptr_array_remove (state->types, type);
    }
  else if (g_str_equal (event->type, "SeatsReserved"))
    {
      CcmSeatReservation *reservation = reservation_new (reservation_id);

      g_ptr_array_unref (reservation->seats);
      reservation->seats = ccm_seat_quantities_from_json (payload_array (p, "seats"));
      reservation->from_allotment = ccm_json_int (p, "from_allotment", 0);
      if (reservation->from_allotment > 0)
        reservation->allotment_id = g_strdup (ccm_json_string (p, "allotment_id"));
      apply_changes (state, payload_array (p, "available_seats_changed"));
      apply_allotment_change (state, p);
      if (reservation->seats->len > 0)
        g_hash_table_replace (state->pending, reservation->reservation_id, reservation);
      else
        {
          g_hash_table_remove (state->pending, reservation_id);
          seat_reservation_free (reservation);
        }
    }
  else if (g_str_equal (event->type, "SeatsReservationCancelled"))
    {
      apply_changes (state, payload_array (p, "available_seats_changed"));
      apply_allotment_change (state, p);
      g_hash_table_remove (state->pending, reservation_id);
    }
  else if (g_str_equal (event->type, "SeatsReservationCommitted"))
    {
      gpointer key, value;

      if (g_hash_table_steal_extended (state->pending, reservation_id, &key, &value))
        g_hash_table_replace (state->committed,
                              ((CcmSeatReservation *) value)->reservation_id, value);
    }
  else if (g_str_equal (event->type, "SeatsReleased"))
    {
      apply_changes (state, payload_array (p, "available_seats_changed"));
      apply_allotment_change (state, p);
      g_hash_table_remove (state->committed, reservation_id);
    }
  else if (g_str_equal (event->type, "WaitlistJoined"))
    {
      CcmSeatAvailability *type = find_type (state, ccm_json_string (p, "seat_type"));

      if (type == NULL)
        return;
      g_ptr_array_add (type->waitlist, waitlist_entry_new (p, "quantity"));
    }
  else if (g_str_equal (event->type, "WaitlistPromoted"))
    {
      const char *entry_id = ccm_json_string (p, "entry_id");
      const char *seat_type = ccm_json_string (p, "seat_type");
      CcmSeatAvailability *type = find_type (state, seat_type);
      gint64 quantity = ccm_json_int (p, "quantity", 0);
      CcmSeatReservation *hold;
      guint index;

      if (type == NULL)
        return;
      type->remaining -= quantity;

      hold = g_hash_table_lookup (state->pending, entry_id);
      if (hold == NULL)
        {
          hold = reservation_new (entry_id);
          g_hash_table_replace (state->pending, hold->reservation_id, hold);
        }
      hold->waitlist_hold = TRUE;
      hold->hold_until = ccm_json_int (p, "hold_until", 0);
      ccm_seat_quantities_set (hold->seats, seat_type,
                               ccm_seat_quantities_get (hold->seats, seat_type) + quantity);

      index = find_waitlist_entry (type, entry_id);
      if (index != G_MAXUINT)
        {
          CcmWaitlistEntry *entry = g_ptr_array_index (type->waitlist, index);

          entry->waiting = ccm_json_int (p, "waiting", 0);
          if (entry->waiting <= 0)
            g_ptr_array_remove_index (type->waitlist, index);
        }
    }
  else if (g_str_equal (event->type, "AllotmentGranted"))
    {
      CcmAllotment *allotment = allotment_new (p, "quantity");
      CcmSeatAvailability *type = find_type (state, ccm_json_string (p, "seat_type"));

      allotment->remaining = allotment->granted;
      allotment->status = CCM_ALLOTMENT_ACTIVE;
      if (type != NULL)
        type->remaining -= allotment->granted;
      g_hash_table_replace (state->allotments, allotment->allotment_id, allotment);
    }
  else if (g_str_equal (event->type, "AllotmentReturned") ||
           g_str_equal (event->type, "AllotmentExpired"))
    {
      CcmAllotment *allotment = (CcmAllotment *) ccm_seats_find_allotment (
        state, ccm_json_string (p, "allotment_id"));

      apply_changes (state, payload_array (p, "available_seats_changed"));
      if (allotment != NULL)
        {
          allotment->remaining = 0;
          allotment->status = g_str_equal (event->type, "AllotmentReturned")
                              ? CCM_ALLOTMENT_RETURNED : CCM_ALLOTMENT_EXPIRED;
        }
    }
  else if (g_str_equal (event->type, "WaitlistLeft"))
    {
      CcmSeatAvailability *type = find_type (state, ccm_json_string (p, "seat_type"));
      guint index;

      if (type == NULL)
        return;
      index = find_waitlist_entry (type, ccm_json_string (p, "entry_id"));
      if (index != G_MAXUINT)
        g_ptr_array_remove_index (type->waitlist, index);
    }
}

/* Snapshots: a conference's seats stream gets an event for every
 * reservation, so a desk or a server starting on a long sale would fold
 * hundreds of thousands of them before its first seats decision. */

static int
compare_ids (const void *a,
             const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Unchecked element readers that, unlike json-glib's, take any element. */
static const char *
element_string (JsonArray *array,
                guint      index)
{
  JsonNode *node = index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static gint64
element_int (JsonArray *array,
             guint      index)
{
  JsonNode *node = index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
         ? json_node_get_int (node) : 0;
}

static JsonArray *
element_array (JsonArray *array,
               guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Sorted by id, so the same state always makes the same text. Each is an
 * array: its id, then seat type and quantity by turns (arrays read back
 * several times faster than objects). The rare extras follow in their own
 * lists: "holds" [id, hold_until] for a waitlist's held seats, "allotted"
 * [id, allotment id, seats from it]. */
static void
append_reservations (GString    *out,
                     const char *member,
                     GHashTable *reservations)
{
  g_autofree gpointer *ids = g_hash_table_get_keys_as_array (reservations, NULL);
  guint n = g_hash_table_size (reservations);
  g_autoptr(GString) holds = g_string_new (NULL);
  g_autoptr(GString) allotted = g_string_new (NULL);

  qsort (ids, n, sizeof (gpointer), compare_ids);
  g_string_append_printf (out, ",\"%s\":[", member);
  for (guint i = 0; i < n; i++)
    {
      CcmSeatReservation *r = g_hash_table_lookup (reservations, ids[i]);

      g_string_append (out, i > 0 ? ",[" : "[");
      ccm_json_append_string (out, r->reservation_id);
      for (guint j = 0; j < r->seats->len; j++)
        {
          CcmSeatQuantity *q = g_ptr_array_index (r->seats, j);

          g_string_append_c (out, ',');
          ccm_json_append_string (out, q->seat_type);
          g_string_append_printf (out, ",%" G_GINT64_FORMAT, q->quantity);
        }
      g_string_append_c (out, ']');
      if (r->waitlist_hold)
        {
          g_string_append (holds, holds->len > 0 ? ",[" : "[");
          ccm_json_append_string (holds, r->reservation_id);
          g_string_append_printf (holds, ",%" G_GINT64_FORMAT "]", r->hold_until);
        }
      if (r->allotment_id != NULL)
        {
          g_string_append (allotted, allotted->len > 0 ? ",[" : "[");
          ccm_json_append_string (allotted, r->reservation_id);
          g_string_append_c (allotted, ',');
          ccm_json_append_string (allotted, r->allotment_id);
          g_string_append_printf (allotted, ",%" G_GINT64_FORMAT "]", r->from_allotment);
        }
    }
  g_string_append_printf (out, "],\"%s_holds\":[%s],\"%s_allotted\":[%s]",
                          member, holds->str, member, allotted->str);
}

static char *
seats_snapshot (gconstpointer data)
{
  const CcmSeatsState *state = data;
  GString *out = g_string_sized_new (4096 + 96 * (g_hash_table_size (state->pending) +
                                                  g_hash_table_size (state->committed)));
  g_autofree gpointer *allotment_ids = NULL;
  guint n_allotments = 0;

  g_string_append (out, "{\"types\":[");
  for (guint i = 0; i < state->types->len; i++)
    {
      CcmSeatAvailability *type = g_ptr_array_index (state->types, i);

      g_string_append (out, i > 0 ? ",{" : "{");
      ccm_json_append_string_member (out, "seat_type", type->seat_type);
      ccm_json_append_int_member (out, "remaining", type->remaining);
      ccm_json_append_int_member (out, "quota", type->quota);
      g_string_append (out, ",\"waitlist\":[");
      for (guint j = 0; j < type->waitlist->len; j++)
        {
          CcmWaitlistEntry *entry = g_ptr_array_index (type->waitlist, j);

          g_string_append (out, j > 0 ? ",{" : "{");
          ccm_json_append_string_member (out, "entry_id", entry->entry_id);
          ccm_json_append_string_member (out, "email", entry->email);
          ccm_json_append_string_member (out, "first_name", entry->first_name);
          ccm_json_append_string_member (out, "last_name", entry->last_name);
          ccm_json_append_int_member (out, "waiting", entry->waiting);
          g_string_append_c (out, '}');
        }
      g_string_append (out, "]}");
    }
  g_string_append_c (out, ']');
  append_reservations (out, "pending", state->pending);
  append_reservations (out, "committed", state->committed);

  allotment_ids = g_hash_table_get_keys_as_array (state->allotments, &n_allotments);
  qsort (allotment_ids, n_allotments, sizeof (gpointer), compare_ids);
  g_string_append (out, ",\"allotments\":[");
  for (guint i = 0; i < n_allotments; i++)
    {
      CcmAllotment *a = g_hash_table_lookup (state->allotments, allotment_ids[i]);

      g_string_append (out, i > 0 ? ",{" : "{");
      ccm_json_append_string_member (out, "allotment_id", a->allotment_id);
      ccm_json_append_string_member (out, "device_id", a->device_id);
      ccm_json_append_string_member (out, "seat_type", a->seat_type);
      ccm_json_append_int_member (out, "granted", a->granted);
      ccm_json_append_int_member (out, "remaining", a->remaining);
      ccm_json_append_int_member (out, "until", a->until);
      ccm_json_append_int_member (out, "status", a->status);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

static gboolean
restore_reservations (GHashTable *reservations,
                      JsonObject *snapshot,
                      const char *member)
{
  g_autofree char *holds_member = g_strconcat (member, "_holds", NULL);
  g_autofree char *allotted_member = g_strconcat (member, "_allotted", NULL);
  JsonArray *array = payload_array (snapshot, member);
  JsonArray *holds = payload_array (snapshot, holds_member);
  JsonArray *allotted = payload_array (snapshot, allotted_member);

  if (array == NULL || holds == NULL || allotted == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonArray *a = element_array (array, i);
      CcmSeatReservation *r;
      guint length;

      if (a == NULL)
        return FALSE;
      length = json_array_get_length (a);
      if (length % 2 != 1 || element_string (a, 0) == NULL)
        return FALSE;
      r = reservation_new (element_string (a, 0));
      g_hash_table_replace (reservations, r->reservation_id, r);
      for (guint j = 1; j < length; j += 2)
        {
          const char *seat_type = element_string (a, j);

          if (seat_type == NULL)
            return FALSE;
          g_ptr_array_add (r->seats,
                           ccm_seat_quantity_new (seat_type, element_int (a, j + 1)));
        }
    }
  for (guint i = 0; i < json_array_get_length (holds); i++)
    {
      JsonArray *a = element_array (holds, i);
      const char *id = a != NULL && json_array_get_length (a) == 2 ? element_string (a, 0) : NULL;
      CcmSeatReservation *r = id != NULL ? g_hash_table_lookup (reservations, id) : NULL;

      if (r == NULL)
        return FALSE;
      r->waitlist_hold = TRUE;
      r->hold_until = element_int (a, 1);
    }
  for (guint i = 0; i < json_array_get_length (allotted); i++)
    {
      JsonArray *a = element_array (allotted, i);
      const char *id = a != NULL && json_array_get_length (a) == 3 ? element_string (a, 0) : NULL;
      CcmSeatReservation *r = id != NULL ? g_hash_table_lookup (reservations, id) : NULL;

      if (r == NULL)
        return FALSE;
      r->allotment_id = g_strdup (element_string (a, 1));
      r->from_allotment = element_int (a, 2);
    }
  return TRUE;
}

/* NULL for a text seats_snapshot did not write. */
static gpointer
seats_restore (JsonObject *snapshot)
{
  CcmSeatsState *state = seats_new_state ();
  JsonArray *types = payload_array (snapshot, "types");
  JsonArray *allotments = payload_array (snapshot, "allotments");

  if (types == NULL || allotments == NULL ||
      !restore_reservations (state->pending, snapshot, "pending") ||
      !restore_reservations (state->committed, snapshot, "committed"))
    goto fail;

  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      JsonNode *node = json_array_get_element (types, i);
      JsonObject *o;
      CcmSeatAvailability *type;
      JsonArray *waitlist;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto fail;
      o = json_node_get_object (node);
      waitlist = payload_array (o, "waitlist");
      if (ccm_json_string (o, "seat_type") == NULL || waitlist == NULL)
        goto fail;
      type = seat_availability_new (ccm_json_string (o, "seat_type"));
      type->remaining = ccm_json_int (o, "remaining", 0);
      type->quota = ccm_json_int (o, "quota", 0);
      g_ptr_array_add (state->types, type);
      for (guint j = 0; j < json_array_get_length (waitlist); j++)
        {
          JsonNode *entry_node = json_array_get_element (waitlist, j);

          if (!JSON_NODE_HOLDS_OBJECT (entry_node))
            goto fail;
          g_ptr_array_add (type->waitlist, waitlist_entry_new (json_node_get_object (entry_node),
                                                               "waiting"));
        }
    }

  for (guint i = 0; i < json_array_get_length (allotments); i++)
    {
      JsonNode *node = json_array_get_element (allotments, i);
      JsonObject *o;
      CcmAllotment *a;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto fail;
      o = json_node_get_object (node);
      if (ccm_json_string (o, "allotment_id") == NULL)
        goto fail;
      a = allotment_new (o, "granted");
      a->remaining = ccm_json_int (o, "remaining", 0);
      a->status = (CcmAllotmentStatus) CLAMP (ccm_json_int (o, "status", 0),
                                              CCM_ALLOTMENT_ACTIVE, CCM_ALLOTMENT_EXPIRED);
      g_hash_table_replace (state->allotments, a->allotment_id, a);
    }
  return state;

fail:
  seats_free_state (state);
  return NULL;
}

const CcmAggregate ccm_seats_aggregate = {
  .name = "seats",
  .new_state = seats_new_state,
  .free_state = seats_free_state,
  .evolve = seats_evolve,
  /* Bump when the state or the meaning of an event for it changes: older
   * snapshots are then ignored and the stream is folded from the start. */
  .snapshot_version = 1,
  .snapshot = seats_snapshot,
  .restore = seats_restore,
};

char *
ccm_seats_stream (const char *conference)
{
  return g_strconcat ("seats/", conference, NULL);
}

/* Commands */

char *
ccm_seats_stream_for (const CcmCommand  *command,
                  GError           **error)
{
  const char *conference = NULL;

  if (!ccm_json_get_string (command->args, "conference", TRUE, &conference, error))
    return NULL;
  if (!ccm_validate_slug (conference, NULL))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "conference",
                            _("“%s” is not a conference slug."), conference);
      return NULL;
    }
  return ccm_seats_stream (conference);
}

JsonObject *
ccm_seats_payload (const CcmCommand *command)
{
  JsonObject *p = json_object_new ();

  json_object_set_string_member (p, "conference",
                                 ccm_json_string (command->args, "conference"));
  return p;
}

JsonArray *
ccm_seats_one_change (const char *seat_type,
            gint64      quantity)
{
  g_autoptr(GPtrArray) list = ccm_seat_quantities_new ();

  ccm_seat_quantities_set (list, seat_type, quantity);
  return ccm_seat_quantities_to_json (list);
}

gboolean
ccm_seats_require_type (const CcmSeatsState  *state,
                    const char           *seat_type,
                    GError              **error)
{
  if (ccm_seats_find_type (state, seat_type) != NULL)
    return TRUE;

  ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "seat_type",
                        _("The seat type “%s” has no seats in this conference."), seat_type);
  return FALSE;
}

static gboolean
read_reservation_id (const CcmCommand  *command,
                     const char       **reservation_id,
                     GError           **error)
{
  if (!ccm_json_get_string (command->args, "reservation_id", TRUE, reservation_id, error))
    return FALSE;
  if (!ccm_id_is_valid (*reservation_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "reservation_id",
                            _("The reservation id “%s” is not a UUID."), *reservation_id);
      return FALSE;
    }
  return TRUE;
}

/* Seats that become free go to the seat type's waitlist first, first come
 * first served; an entry may be served in several goes. `free` is what the
 * type has left after the decision's other events; `skip` is an entry those
 * events already took out of the queue. */
static void
serve_waitlist (const CcmSeatsState *state,
                const CcmCommand    *command,
                const char          *seat_type,
                gint64               free,
                const char          *skip,
                CcmDecideContext    *ctx)
{
  const CcmSeatAvailability *type = ccm_seats_find_type (state, seat_type);

  if (type == NULL)
    return;

  for (guint i = 0; i < type->waitlist->len && free > 0; i++)
    {
      CcmWaitlistEntry *entry = g_ptr_array_index (type->waitlist, i);
      gint64 quantity;
      JsonObject *p;

      if (g_strcmp0 (entry->entry_id, skip) == 0)
        continue;

      quantity = MIN (free, entry->waiting);
      free -= quantity;

      p = ccm_seats_payload (command);
      json_object_set_string_member (p, "entry_id", entry->entry_id);
      json_object_set_string_member (p, "seat_type", seat_type);
      json_object_set_int_member (p, "quantity", quantity);
      json_object_set_int_member (p, "waiting", entry->waiting - quantity);
      json_object_set_string_member (p, "email", entry->email);
      ccm_json_set_string_or_null (p, "first_name", entry->first_name);
      ccm_json_set_string_or_null (p, "last_name", entry->last_name);
      json_object_set_int_member (p, "hold_until",
                                  ccm_decide_context_now (ctx) + CCM_WAITLIST_HOLD_HOURS * HOUR_US);
      ccm_decide_context_emit (ctx, "WaitlistPromoted", p);
    }
}

/* Serves the waitlists of every type a change gave seats back to. */
void
ccm_seats_serve_waitlists (const CcmSeatsState *state,
                 const CcmCommand    *command,
                 GPtrArray           *changes,
                 const char          *skip,
                 CcmDecideContext    *ctx)
{
  for (guint i = 0; i < changes->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (changes, i);
      const CcmSeatAvailability *type = ccm_seats_find_type (state, q->seat_type);

      if (type != NULL && q->quantity > 0)
        serve_waitlist (state, command, q->seat_type, type->remaining + q->quantity, skip, ctx);
    }
}

static gboolean
decide_add_seats (gconstpointer      data,
                  const CcmCommand  *command,
                  CcmDecideContext  *ctx,
                  GError           **error)
{
  const CcmSeatsState *state = data;
  const char *seat_type = NULL;
  gint64 quantity = 0;
  g_autoptr(GPtrArray) changes = ccm_seat_quantities_new ();
  JsonObject *p;

  if (!ccm_json_get_string (command->args, "seat_type", TRUE, &seat_type, error) ||
      !ccm_json_get_int (command->args, "quantity", TRUE, &quantity, error))
    return FALSE;
  if (quantity < 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "quantity",
                            _("The number of seats to add is negative; remove seats instead."));
      return FALSE;
    }

  /* A known type with nothing to add has nothing to record; an unknown type
   * is recorded even with zero seats, so it becomes known. */
  if (quantity == 0 && ccm_seats_find_type (state, seat_type) != NULL)
    return TRUE;

  p = ccm_seats_payload (command);
  json_object_set_array_member (p, "seats", ccm_seats_one_change (seat_type, quantity));
  json_object_set_string_member (p, "reason", "quota");
  ccm_decide_context_emit (ctx, "AvailableSeatsChanged", p);

  ccm_seat_quantities_set (changes, seat_type, quantity);
  ccm_seats_serve_waitlists (state, command, changes, NULL, ctx);
  return TRUE;
}

static gboolean
decide_remove_seats (gconstpointer      data,
                     const CcmCommand  *command,
                     CcmDecideContext  *ctx,
                     GError           **error)
{
  const CcmSeatsState *state = data;
  const CcmSeatAvailability *type;
  const char *seat_type = NULL;
  gint64 quantity = 0;
  JsonObject *p;

  if (!ccm_json_get_string (command->args, "seat_type", TRUE, &seat_type, error) ||
      !ccm_json_get_int (command->args, "quantity", TRUE, &quantity, error) ||
      !ccm_seats_require_type (state, seat_type, error))
    return FALSE;
  if (quantity < 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "quantity",
                            _("The number of seats to remove is negative; add seats instead."));
      return FALSE;
    }
  if (quantity == 0)
    return TRUE;

  /* DESIGN §5.3: a cut may only take free seats; what is committed, held or
   * allotted to a desk stays promised. */
  type = ccm_seats_find_type (state, seat_type);
  if (quantity > MAX (type->remaining, 0))
    {
      CcmSeatInventory inventory;

      ccm_seats_get_inventory (state, seat_type, &inventory);
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "quantity",
                            _("The quota of “%s” cannot go below %lld seats: %lld are "
                              "committed, %lld held and %lld allotted to desks."),
                            seat_type,
                            (long long) (inventory.committed + inventory.held + inventory.outstanding),
                            (long long) inventory.committed, (long long) inventory.held,
                            (long long) inventory.outstanding);
      return FALSE;
    }

  p = ccm_seats_payload (command);
  json_object_set_array_member (p, "seats", ccm_seats_one_change (seat_type, -quantity));
  json_object_set_string_member (p, "reason", "quota");
  ccm_decide_context_emit (ctx, "AvailableSeatsChanged", p);
  return TRUE;
}

static gboolean
decide_retire_seat_type (gconstpointer      data,
                         const CcmCommand  *command,
                         CcmDecideContext  *ctx,
                         GError           **error)
{
  const CcmSeatsState *state = data;
  const char *seat_type = NULL;
  JsonObject *p;

  if (!ccm_json_get_string (command->args, "seat_type", TRUE, &seat_type, error))
    return FALSE;
  if (ccm_seats_find_type (state, seat_type) == NULL)
    return TRUE;

  p = ccm_seats_payload (command);
  json_object_set_string_member (p, "seat_type", seat_type);
  ccm_decide_context_emit (ctx, "SeatTypeRetired", p);
  return TRUE;
}

/* Why an order's allotment was not (fully) used, for the desk to show. */
static const char *
allotment_usable (const CcmSeatsState  *state,
                  const CcmCommand     *command,
                  const CcmAllotment   *allotment,
                  CcmDecideContext     *ctx)
{
  const char *device_id = command->device_id;

  /* A process manager's command carries no device: the order's own record
   * of who sold it (OrderPlaced.device_id, passed along) stands in. */
  if (device_id == NULL)
    device_id = ccm_json_string (command->args, "device_id");

  if (allotment == NULL)
    return "unknown";
  if (allotment->status == CCM_ALLOTMENT_RETURNED)
    return "returned";
  if (allotment->status == CCM_ALLOTMENT_EXPIRED ||
      ccm_decide_context_now (ctx) >= ccm_allotment_expires_at (allotment))
    return "expired";
  if (g_strcmp0 (allotment->device_id, device_id) != 0)
    return "other-device";
  return NULL;
}

/* Reserving again under the same id replaces the earlier reservation: per
 * type, actual = min (wanted, max (remaining, 0) + already held). Types the
 * earlier reservation held and the new request leaves out are released.
 *
 * With an allotment of the ordering device that is still running, its seat
 * type is served from the allotment's balance first: those seats are the
 * desk's alone, so they are granted whatever else arrived in between
 * (guaranteed). The rest comes from the free pool as above (provisional).
 * A reservation keeps the allotment it first drew on. */
static gboolean
decide_make_reservation (gconstpointer      data,
                         const CcmCommand  *command,
                         CcmDecideContext  *ctx,
                         GError           **error)
{
  const CcmSeatsState *state = data;
  const char *reservation_id = NULL;
  const char *request_id = NULL;
  const char *allotment_id = NULL;
  const char *device_id = NULL;
  const char *allotment_status = NULL;
  const CcmAllotment *allotment = NULL;
  g_autoptr(GPtrArray) wanted = NULL;
  g_autoptr(GPtrArray) reserved = ccm_seat_quantities_new ();
  g_autoptr(GPtrArray) changes = ccm_seat_quantities_new ();
  g_autoptr(GPtrArray) freed = ccm_seat_quantities_new ();
  CcmSeatReservation *existing;
  GPtrArray *held;
  gint64 before_from = 0, from = 0, allotment_changed = 0;
  gboolean usable = FALSE, guaranteed;
  JsonObject *p;

  if (!read_reservation_id (command, &reservation_id, error) ||
      !ccm_json_get_string (command->args, "request_id", FALSE, &request_id, error) ||
      !ccm_json_get_string (command->args, "allotment_id", FALSE, &allotment_id, error) ||
      !ccm_json_get_string (command->args, "device_id", FALSE, &device_id, error) ||
      (wanted = ccm_seat_quantities_parse (command->args, "seats", error)) == NULL)
    return FALSE;

  for (guint i = 0; i < wanted->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (wanted, i);

      if (!ccm_seats_require_type (state, q->seat_type, error))
        return FALSE;
    }

  /* A committed reservation is sold: reserving it again would count its
   * seats twice. (An order cannot change once confirmed.) */
  if (g_hash_table_contains (state->committed, reservation_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "reservation_id",
                            _("The reservation %s is already committed; its seats can no "
                              "longer change."), reservation_id);
      return FALSE;
    }

  existing = g_hash_table_lookup (state->pending, reservation_id);
  held = existing != NULL ? existing->seats : NULL;

  if (existing != NULL && existing->allotment_id != NULL && existing->from_allotment > 0)
    {
      allotment_id = existing->allotment_id;
      before_from = existing->from_allotment;
    }
  if (allotment_id != NULL)
    {
      allotment = ccm_seats_find_allotment (state, allotment_id);
      allotment_status = allotment_usable (state, command, allotment, ctx);
      usable = allotment_status == NULL;
      if (usable && ccm_seat_quantities_get (wanted, allotment->seat_type) == 0 &&
          before_from == 0)
        allotment_status = "other-seat-type";
    }

  /* Types held before but not asked for now count as wanted 0. */
  for (guint i = 0; held != NULL && i < held->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (held, i);

      if (seat_quantities_find (wanted, q->seat_type) == NULL)
        ccm_seat_quantities_set (wanted, q->seat_type, 0);
    }

  for (guint i = 0; i < wanted->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (wanted, i);
      const CcmSeatAvailability *type = ccm_seats_find_type (state, q->seat_type);
      gint64 before = ccm_seat_quantities_get (held, q->seat_type);
      gint64 before_pool = before;
      gint64 actual, pool_change;

      if (allotment != NULL && g_strcmp0 (allotment->seat_type, q->seat_type) == 0)
        {
          /* Seats already drawn stay drawn; more only while it is usable. */
          gint64 allotment_available = before_from + (usable ? allotment->remaining : 0);

          from = MIN (q->quantity, allotment_available);
          before_pool = before - before_from;
          /* Seats given back go to the allotment while it runs, else to the pool. */
          if (allotment->status == CCM_ALLOTMENT_ACTIVE)
            allotment_changed = before_from - from;
        }

      {
        gint64 rest = allotment != NULL && g_strcmp0 (allotment->seat_type, q->seat_type) == 0
                      ? q->quantity - from : q->quantity;
        gint64 available = type != NULL ? MAX (type->remaining, 0) + before_pool : before_pool;
        gint64 pool = MIN (rest, available);

        actual = pool + (allotment != NULL &&
                         g_strcmp0 (allotment->seat_type, q->seat_type) == 0 ? from : 0);
        pool_change = before - actual - (allotment != NULL &&
                                         g_strcmp0 (allotment->seat_type, q->seat_type) == 0
                                         ? allotment_changed : 0);
      }

      if (actual > 0)
        ccm_seat_quantities_set (reserved, q->seat_type, actual);
      if (pool_change != 0)
        ccm_seat_quantities_set (changes, q->seat_type, pool_change);
      if (pool_change > 0)
        ccm_seat_quantities_set (freed, q->seat_type, pool_change);
    }

  guaranteed = usable && from > 0 && from == ccm_seat_quantities_total (wanted);
  if (usable && !guaranteed && allotment_status == NULL)
    allotment_status = "short";

  /* A waitlist entry whose held seats are now taken up by an order leaves
   * the queue, whatever it was still waiting for. */
  if (existing != NULL && existing->waitlist_hold)
    {
      for (guint i = 0; i < state->types->len; i++)
        {
          CcmSeatAvailability *type = g_ptr_array_index (state->types, i);

          if (find_waitlist_entry (type, reservation_id) != G_MAXUINT)
            emit_waitlist_left (command, reservation_id, type->seat_type, "ordered", ctx);
        }
    }

  /* Always answered, even when nothing changes: the order waits for it. */
  p = ccm_seats_payload (command);
  json_object_set_string_member (p, "reservation_id", reservation_id);
  ccm_json_set_string_or_null (p, "request_id", request_id);
  json_object_set_array_member (p, "requested", ccm_seat_quantities_to_json (wanted));
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (reserved));
  json_object_set_array_member (p, "available_seats_changed", ccm_seat_quantities_to_json (changes));
  json_object_set_boolean_member (p, "guaranteed", guaranteed);
  if (allotment_id != NULL)
    {
      json_object_set_string_member (p, "allotment_id", allotment_id);
      json_object_set_int_member (p, "from_allotment", from);
      json_object_set_int_member (p, "allotment_changed", allotment_changed);
      ccm_json_set_string_or_null (p, "allotment_status",
                                   guaranteed ? "used" : allotment_status);
    }
  ccm_decide_context_emit (ctx, "SeatsReserved", p);

  ccm_seats_serve_waitlists (state, command, freed, reservation_id, ctx);
  return TRUE;
}

/* The seats of a reservation that go back: those drawn from a still running
 * allotment to it, the rest to the pool (and its waitlists). */
static GPtrArray *
split_returned (const CcmSeatsState      *state,
                const CcmSeatReservation *reservation,
                JsonObject               *payload)
{
  GPtrArray *pool = ccm_seat_quantities_copy (reservation->seats);
  const CcmAllotment *allotment = ccm_seats_find_allotment (state, reservation->allotment_id);

  if (allotment != NULL && reservation->from_allotment > 0)
    {
      gint64 back = allotment->status == CCM_ALLOTMENT_ACTIVE ? reservation->from_allotment : 0;

      json_object_set_string_member (payload, "allotment_id", allotment->allotment_id);
      json_object_set_int_member (payload, "allotment_changed", back);
      if (back > 0)
        ccm_seat_quantities_set (pool, allotment->seat_type,
                                 ccm_seat_quantities_get (pool, allotment->seat_type) - back);
    }
  return pool;
}

static void
emit_cancelled (const CcmSeatsState      *state,
                const CcmCommand         *command,
                const CcmSeatReservation *reservation,
                const char               *reason,
                CcmDecideContext         *ctx)
{
  JsonObject *p = ccm_seats_payload (command);
  g_autoptr(GPtrArray) pool = NULL;

  json_object_set_string_member (p, "reservation_id", reservation->reservation_id);
  json_object_set_string_member (p, "reason", reason);
  pool = split_returned (state, reservation, p);
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (reservation->seats));
  json_object_set_array_member (p, "available_seats_changed", ccm_seat_quantities_to_json (pool));
  ccm_decide_context_emit (ctx, "SeatsReservationCancelled", p);
  ccm_seats_serve_waitlists (state, command, pool, reservation->reservation_id, ctx);
}

/* An unknown or already settled reservation is not an error: the order may
 * have been rejected twice, or the reservation never made. */
static gboolean
decide_cancel_reservation (gconstpointer      data,
                           const CcmCommand  *command,
                           CcmDecideContext  *ctx,
                           GError           **error)
{
  const CcmSeatsState *state = data;
  const char *reservation_id = NULL;
  const CcmSeatReservation *reservation;

  if (!read_reservation_id (command, &reservation_id, error))
    return FALSE;

  reservation = g_hash_table_lookup (state->pending, reservation_id);
  if (reservation != NULL)
    emit_cancelled (state, command, reservation, "cancelled", ctx);
  return TRUE;
}

static gboolean
decide_commit_reservation (gconstpointer      data,
                           const CcmCommand  *command,
                           CcmDecideContext  *ctx,
                           GError           **error)
{
  const CcmSeatsState *state = data;
  const char *reservation_id = NULL;
  const CcmSeatReservation *reservation;
  JsonObject *p;

  if (!read_reservation_id (command, &reservation_id, error))
    return FALSE;

  reservation = g_hash_table_lookup (state->pending, reservation_id);
  if (reservation == NULL)
    return TRUE;

  p = ccm_seats_payload (command);
  json_object_set_string_member (p, "reservation_id", reservation_id);
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (reservation->seats));
  if (reservation->allotment_id != NULL)
    {
      json_object_set_string_member (p, "allotment_id", reservation->allotment_id);
      json_object_set_int_member (p, "from_allotment", reservation->from_allotment);
    }
  ccm_decide_context_emit (ctx, "SeatsReservationCommitted", p);
  return TRUE;
}

/* Seats of a confirmed order that was cancelled go back to the pool (and so
 * to the waitlists first). Releasing twice does nothing. */
static gboolean
decide_release_seats (gconstpointer      data,
                      const CcmCommand  *command,
                      CcmDecideContext  *ctx,
                      GError           **error)
{
  const CcmSeatsState *state = data;
  const char *reservation_id = NULL;
  const CcmSeatReservation *reservation;
  g_autoptr(GPtrArray) pool = NULL;
  JsonObject *p;

  if (!read_reservation_id (command, &reservation_id, error))
    return FALSE;

  reservation = g_hash_table_lookup (state->committed, reservation_id);
  if (reservation == NULL)
    return TRUE;

  p = ccm_seats_payload (command);
  json_object_set_string_member (p, "reservation_id", reservation_id);
  pool = split_returned (state, reservation, p);
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (reservation->seats));
  json_object_set_array_member (p, "available_seats_changed", ccm_seat_quantities_to_json (pool));
  ccm_decide_context_emit (ctx, "SeatsReleased", p);
  ccm_seats_serve_waitlists (state, command, pool, NULL, ctx);
  return TRUE;
}

static gboolean
decide_join_waitlist (gconstpointer      data,
                      const CcmCommand  *command,
                      CcmDecideContext  *ctx,
                      GError           **error)
{
  const CcmSeatsState *state = data;
  JsonObject *a = command->args;
  const char *entry_id = NULL, *seat_type = NULL, *email = NULL;
  const char *first_name = NULL, *last_name = NULL;
  gint64 quantity = 0;
  const CcmSeatAvailability *type;
  JsonObject *p;

  if (!ccm_json_get_string (a, "entry_id", TRUE, &entry_id, error) ||
      !ccm_json_get_string (a, "seat_type", TRUE, &seat_type, error) ||
      !ccm_json_get_int (a, "quantity", TRUE, &quantity, error) ||
      !ccm_json_get_string (a, "email", TRUE, &email, error) ||
      !ccm_json_get_string (a, "first_name", FALSE, &first_name, error) ||
      !ccm_json_get_string (a, "last_name", FALSE, &last_name, error))
    return FALSE;

  if (!ccm_id_is_valid (entry_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "entry_id",
                            _("The waitlist entry id “%s” is not a UUID."), entry_id);
      return FALSE;
    }
  if (quantity < 1 || quantity > CCM_SEAT_TYPE_MAX_QUOTA)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "quantity",
                            _("The number of seats to wait for must be between 1 and %d."),
                            CCM_SEAT_TYPE_MAX_QUOTA);
      return FALSE;
    }
  if (!ccm_validate_email ("email", email, error) ||
      !ccm_seats_require_type (state, seat_type, error))
    return FALSE;

  type = ccm_seats_find_type (state, seat_type);
  if (type->remaining > 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "seat_type",
                            _("The seat type “%s” is not sold out; place an order instead "
                              "of joining its waitlist."), seat_type);
      return FALSE;
    }
  if (g_hash_table_contains (state->pending, entry_id) ||
      g_hash_table_contains (state->committed, entry_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "entry_id",
                            _("The id “%s” is already used by a reservation."), entry_id);
      return FALSE;
    }
  for (guint i = 0; i < state->types->len; i++)
    if (find_waitlist_entry (g_ptr_array_index (state->types, i), entry_id) != G_MAXUINT)
      {
        ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "entry_id",
                              _("The waitlist entry “%s” already exists."), entry_id);
        return FALSE;
      }

  p = ccm_seats_payload (command);
  json_object_set_string_member (p, "entry_id", entry_id);
  json_object_set_string_member (p, "seat_type", seat_type);
  json_object_set_int_member (p, "quantity", quantity);
  json_object_set_string_member (p, "email", email);
  ccm_json_set_string_or_null (p, "first_name", first_name);
  ccm_json_set_string_or_null (p, "last_name", last_name);
  json_object_set_int_member (p, "position", type->waitlist->len);
  ccm_decide_context_emit (ctx, "WaitlistJoined", p);

  json_object_set_string_member (ccm_decide_context_get_result (ctx), "entry_id", entry_id);
  return TRUE;
}

/* Someone taken off the waitlist (they no longer want the seats, or found
 * them elsewhere): they leave their queue, and seats already held for them
 * go on to the next in line, as when the hold runs out. */
static gboolean
decide_leave_waitlist (gconstpointer      data,
                       const CcmCommand  *command,
                       CcmDecideContext  *ctx,
                       GError           **error)
{
  const CcmSeatsState *state = data;
  const char *entry_id = NULL;
  const CcmSeatReservation *hold;
  gboolean found = FALSE;

  if (!ccm_json_get_string (command->args, "entry_id", TRUE, &entry_id, error))
    return FALSE;

  hold = g_hash_table_lookup (state->pending, entry_id);
  if (hold != NULL && !hold->waitlist_hold)
    hold = NULL;
  for (guint i = 0; i < state->types->len; i++)
    {
      CcmSeatAvailability *type = g_ptr_array_index (state->types, i);
      /* Still waiting for some seats, or all of them held: either way on
       * the list. */
      gboolean held = hold != NULL && ccm_seat_quantities_get (hold->seats, type->seat_type) > 0;

      if (held || find_waitlist_entry (type, entry_id) != G_MAXUINT)
        {
          emit_waitlist_left (command, entry_id, type->seat_type, "removed", ctx);
          found = TRUE;
        }
    }
  if (!found)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "entry_id",
                            _("Nobody is on the waitlist with the entry “%s”."), entry_id);
      return FALSE;
    }
  if (hold != NULL)
    emit_cancelled (state, command, hold, "waitlist-left", ctx);
  json_object_set_string_member (ccm_decide_context_get_result (ctx), "entry_id", entry_id);
  return TRUE;
}

/* Seats held for a waitlist entry that no order took up in time go on to
 * the next in line. Once an order took them, this does nothing. */
static gboolean
decide_expire_waitlist_hold (gconstpointer      data,
                             const CcmCommand  *command,
                             CcmDecideContext  *ctx,
                             GError           **error)
{
  const CcmSeatsState *state = data;
  const char *entry_id = NULL;
  const CcmSeatReservation *hold;

  if (!ccm_json_get_string (command->args, "entry_id", TRUE, &entry_id, error))
    return FALSE;

  hold = g_hash_table_lookup (state->pending, entry_id);
  if (hold == NULL || !hold->waitlist_hold)
    return TRUE;

  for (guint i = 0; i < state->types->len; i++)
    {
      CcmSeatAvailability *type = g_ptr_array_index (state->types, i);

      if (find_waitlist_entry (type, entry_id) != G_MAXUINT)
        emit_waitlist_left (command, entry_id, type->seat_type, "expired", ctx);
    }

  emit_cancelled (state, command, hold, "waitlist-hold-expired", ctx);
  return TRUE;
}

/* The invariant of DESIGN §5.2, checked on what a decision would do. Every
 * seats event says how the free pool changes; the pool is what the quota
 * leaves after committed, held and allotted seats, so the invariant holds
 * exactly when no type's pool goes below zero. A pool an old quota cut left
 * negative may stay so, but no decision may take more from it. */
static void
add_pool_change (GHashTable *pool,
                 const char *seat_type,
                 gint64      change)
{
  gint64 *value;

  if (seat_type == NULL)
    return;
  value = g_hash_table_lookup (pool, seat_type);
  if (value != NULL)
    *value += change;
}

static void
add_pool_changes (GHashTable *pool,
                  JsonObject *payload,
                  const char *member,
                  gint64      sign)
{
  JsonArray *array = payload_array (payload, member);
  g_autoptr(GPtrArray) list = ccm_seat_quantities_from_json (array);

  for (guint i = 0; i < list->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (list, i);

      add_pool_change (pool, q->seat_type, sign * q->quantity);
    }
}

static gboolean seats_check_pool (const CcmSeatsState  *state,
                                  GPtrArray            *events,
                                  guint                 first,
                                  const char           *stream,
                                  GError              **error);

gboolean
ccm_seats_guard (CcmDecideFunc       decide,
                 gconstpointer       data,
                 const CcmCommand   *command,
                 CcmDecideContext   *ctx,
                 GError            **error)
{
  GPtrArray *events = ccm_decide_context_get_events (ctx);
  guint first = events->len;

  if (!decide (data, command, ctx, error))
    return FALSE;
  if (seats_check_pool (data, events, first, ccm_decide_context_stream (ctx), error))
    return TRUE;

  /* A refused decision records nothing. */
  g_ptr_array_set_size (events, first);
  return FALSE;
}

static gboolean
seats_check_pool (const CcmSeatsState  *state,
                  GPtrArray            *events,
                  guint                 first,
                  const char           *stream,
                  GError              **error)
{
  g_autoptr(GHashTable) pool = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) drawn = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (guint i = 0; i < state->types->len; i++)
    {
      CcmSeatAvailability *type = g_ptr_array_index (state->types, i);

      g_hash_table_insert (pool, type->seat_type, g_memdup2 (&type->remaining, sizeof (gint64)));
    }

  for (guint i = first; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);
      JsonObject *p = event->payload;
      const char *allotment_id = ccm_json_string (p, "allotment_id");

      if (g_strcmp0 (event->stream_id, stream) != 0)
        continue;
      if (g_str_equal (event->type, "AvailableSeatsChanged"))
        add_pool_changes (pool, p, "seats", 1);
      else if (g_str_equal (event->type, "WaitlistPromoted"))
        add_pool_change (pool, ccm_json_string (p, "seat_type"), -ccm_json_int (p, "quantity", 0));
      else if (g_str_equal (event->type, "AllotmentGranted"))
        add_pool_change (pool, ccm_json_string (p, "seat_type"), -ccm_json_int (p, "quantity", 0));
      else
        add_pool_changes (pool, p, "available_seats_changed", 1);

      /* An allotment never gives more than it has left. */
      if (allotment_id != NULL && json_object_has_member (p, "allotment_changed"))
        {
          const CcmAllotment *allotment = ccm_seats_find_allotment (state, allotment_id);
          gint64 *balance = g_hash_table_lookup (drawn, allotment_id);

          if (balance == NULL && allotment != NULL)
            {
              balance = g_memdup2 (&allotment->remaining, sizeof (gint64));
              g_hash_table_insert (drawn, (gpointer) allotment->allotment_id, balance);
            }
          if (balance != NULL)
            {
              *balance += ccm_json_int (p, "allotment_changed", 0);
              if (*balance < 0)
                {
                  ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "allotment_id",
                                        _("The allotment %s has not enough seats left."),
                                        allotment_id);
                  return FALSE;
                }
            }
        }
    }

  for (guint i = 0; i < state->types->len; i++)
    {
      CcmSeatAvailability *type = g_ptr_array_index (state->types, i);
      gint64 after = *(gint64 *) g_hash_table_lookup (pool, type->seat_type);

      if (after < 0 && after < type->remaining)
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "quantity",
                                _("This would promise %lld more seats of “%s” than its quota "
                                  "of %lld: committed, held and allotted seats may not exceed "
                                  "it."), (long long) -after, type->seat_type,
                                (long long) type->quota);
          return FALSE;
        }
    }
  return TRUE;
}

CCM_SEATS_GUARDED (decide_add_seats)
CCM_SEATS_GUARDED (decide_remove_seats)
CCM_SEATS_GUARDED (decide_make_reservation)
CCM_SEATS_GUARDED (decide_cancel_reservation)
CCM_SEATS_GUARDED (decide_commit_reservation)
CCM_SEATS_GUARDED (decide_release_seats)
CCM_SEATS_GUARDED (decide_join_waitlist)
CCM_SEATS_GUARDED (decide_expire_waitlist_hold)
CCM_SEATS_GUARDED (decide_leave_waitlist)

/* Every decider that moves seats runs guarded; retiring a type drops it. */
static const CcmCommandHandler seats_commands[] = {
  { "AddSeats", &ccm_seats_aggregate, ccm_seats_stream_for, decide_add_seats_guarded },
  { "RemoveSeats", &ccm_seats_aggregate, ccm_seats_stream_for, decide_remove_seats_guarded },
  { "RetireSeatType", &ccm_seats_aggregate, ccm_seats_stream_for, decide_retire_seat_type },
  { "MakeSeatReservation", &ccm_seats_aggregate, ccm_seats_stream_for, decide_make_reservation_guarded },
  { "CancelSeatReservation", &ccm_seats_aggregate, ccm_seats_stream_for, decide_cancel_reservation_guarded },
  { "CommitSeatReservation", &ccm_seats_aggregate, ccm_seats_stream_for, decide_commit_reservation_guarded },
  { "ReleaseSeats", &ccm_seats_aggregate, ccm_seats_stream_for, decide_release_seats_guarded },
  { "JoinWaitlist", &ccm_seats_aggregate, ccm_seats_stream_for, decide_join_waitlist_guarded },
  { "ExpireWaitlistHold", &ccm_seats_aggregate, ccm_seats_stream_for, decide_expire_waitlist_hold_guarded },
  { "LeaveWaitlist", &ccm_seats_aggregate, ccm_seats_stream_for, decide_leave_waitlist_guarded },
};

/* Personal data: who waits on a waitlist. */
static const CcmPersonalData seats_personal[] = {
  { CCM_RECORD_COMMAND, "AddSeats", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "RemoveSeats", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "RetireSeatType", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "MakeSeatReservation", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "CancelSeatReservation", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "CommitSeatReservation", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "ReleaseSeats", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "JoinWaitlist", ccm_person_fields, NULL },
  { CCM_RECORD_COMMAND, "ExpireWaitlistHold", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "LeaveWaitlist", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "AvailableSeatsChanged", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatTypeRetired", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatsReserved", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatsReservationCancelled", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatsReservationCommitted", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatsReleased", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "WaitlistJoined", ccm_person_fields, NULL },
  { CCM_RECORD_EVENT, "WaitlistPromoted", ccm_person_fields, NULL },
  { CCM_RECORD_EVENT, "WaitlistLeft", CCM_NO_PERSONAL_DATA, NULL },
};

void
ccm_seats_register (CcmRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (seats_commands); i++)
    ccm_registry_add_command (registry, &seats_commands[i]);
  for (guint i = 0; i < G_N_ELEMENTS (seats_personal); i++)
    ccm_registry_add_personal_data (registry, &seats_personal[i]);
  ccm_allotments_register (registry);
}
