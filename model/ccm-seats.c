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
#include "ccm-seats.h"
#include "ccm-conference.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"

#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

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
  g_free (reservation);
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
  return state;
}

static void
seats_free_state (gpointer data)
{
  CcmSeatsState *state = data;

  g_ptr_array_unref (state->types);
  g_hash_table_unref (state->pending);
  g_hash_table_unref (state->committed);
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

static CcmSeatReservation *
reservation_new (const char *reservation_id)
{
  CcmSeatReservation *reservation = g_new0 (CcmSeatReservation, 1);

  reservation->reservation_id = g_strdup (reservation_id);
  reservation->seats = ccm_seat_quantities_new ();
  return reservation;
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
            {
              CcmSeatAvailability *type = g_new0 (CcmSeatAvailability, 1);

              type->seat_type = g_strdup (q->seat_type);
              type->waitlist = g_ptr_array_new_with_free_func ((GDestroyNotify) waitlist_entry_free);
              g_ptr_array_add (state->types, type);
            }
        }
      apply_changes (state, payload_array (p, "seats"));
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
      apply_changes (state, payload_array (p, "available_seats_changed"));
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
      g_hash_table_remove (state->committed, reservation_id);
    }
  else if (g_str_equal (event->type, "WaitlistJoined"))
    {
      CcmSeatAvailability *type = find_type (state, ccm_json_string (p, "seat_type"));
      CcmWaitlistEntry *entry;

      if (type == NULL)
        return;
      entry = g_new0 (CcmWaitlistEntry, 1);
      entry->entry_id = g_strdup (ccm_json_string (p, "entry_id"));
      entry->email = g_strdup (ccm_json_string (p, "email"));
      entry->first_name = g_strdup (ccm_json_string (p, "first_name"));
      entry->last_name = g_strdup (ccm_json_string (p, "last_name"));
      entry->waiting = ccm_json_int (p, "quantity", 0);
      g_ptr_array_add (type->waitlist, entry);
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

const CcmAggregate ccm_seats_aggregate = {
  .name = "seats",
  .new_state = seats_new_state,
  .free_state = seats_free_state,
  .evolve = seats_evolve,
};

char *
ccm_seats_stream (const char *conference)
{
  return g_strconcat ("seats/", conference, NULL);
}

/* Commands */

static char *
seats_stream_for (const CcmCommand  *command,
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

static JsonObject *
seats_payload (const CcmCommand *command)
{
  JsonObject *p = json_object_new ();

  json_object_set_string_member (p, "conference",
                                 ccm_json_string (command->args, "conference"));
  return p;
}

static JsonArray *
one_change (const char *seat_type,
            gint64      quantity)
{
  g_autoptr(GPtrArray) list = ccm_seat_quantities_new ();

  ccm_seat_quantities_set (list, seat_type, quantity);
  return ccm_seat_quantities_to_json (list);
}

static gboolean
require_known_type (const CcmSeatsState  *state,
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

      p = seats_payload (command);
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
static void
serve_waitlists (const CcmSeatsState *state,
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

  p = seats_payload (command);
  json_object_set_array_member (p, "seats", one_change (seat_type, quantity));
  json_object_set_string_member (p, "reason", "quota");
  ccm_decide_context_emit (ctx, "AvailableSeatsChanged", p);

  ccm_seat_quantities_set (changes, seat_type, quantity);
  serve_waitlists (state, command, changes, NULL, ctx);
  return TRUE;
}

static gboolean
decide_remove_seats (gconstpointer      data,
                     const CcmCommand  *command,
                     CcmDecideContext  *ctx,
                     GError           **error)
{
  const CcmSeatsState *state = data;
  const char *seat_type = NULL;
  gint64 quantity = 0;
  JsonObject *p;

  if (!ccm_json_get_string (command->args, "seat_type", TRUE, &seat_type, error) ||
      !ccm_json_get_int (command->args, "quantity", TRUE, &quantity, error) ||
      !require_known_type (state, seat_type, error))
    return FALSE;
  if (quantity < 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "quantity",
                            _("The number of seats to remove is negative; add seats instead."));
      return FALSE;
    }
  if (quantity == 0)
    return TRUE;

  /* Remaining may go below zero: seats already reserved stay reserved, and
   * later reservations get nothing until the count is positive again. */
  p = seats_payload (command);
  json_object_set_array_member (p, "seats", one_change (seat_type, -quantity));
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

  p = seats_payload (command);
  json_object_set_string_member (p, "seat_type", seat_type);
  ccm_decide_context_emit (ctx, "SeatTypeRetired", p);
  return TRUE;
}

/* Reserving again under the same id replaces the earlier reservation: per
 * type, actual = min (wanted, max (remaining, 0) + already held). Types the
 * earlier reservation held and the new request leaves out are released. */
static gboolean
decide_make_reservation (gconstpointer      data,
                         const CcmCommand  *command,
                         CcmDecideContext  *ctx,
                         GError           **error)
{
  const CcmSeatsState *state = data;
  const char *reservation_id = NULL;
  const char *request_id = NULL;
  g_autoptr(GPtrArray) wanted = NULL;
  g_autoptr(GPtrArray) reserved = ccm_seat_quantities_new ();
  g_autoptr(GPtrArray) changes = ccm_seat_quantities_new ();
  g_autoptr(GPtrArray) freed = ccm_seat_quantities_new ();
  CcmSeatReservation *existing;
  GPtrArray *held;
  JsonObject *p;

  if (!read_reservation_id (command, &reservation_id, error) ||
      !ccm_json_get_string (command->args, "request_id", FALSE, &request_id, error) ||
      (wanted = ccm_seat_quantities_parse (command->args, "seats", error)) == NULL)
    return FALSE;

  for (guint i = 0; i < wanted->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (wanted, i);

      if (!require_known_type (state, q->seat_type, error))
        return FALSE;
    }

  existing = g_hash_table_lookup (state->pending, reservation_id);
  held = existing != NULL ? existing->seats : NULL;

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
      gint64 available = type != NULL ? MAX (type->remaining, 0) + before : before;
      gint64 actual = MIN (q->quantity, available);

      if (actual > 0)
        ccm_seat_quantities_set (reserved, q->seat_type, actual);
      if (actual != before)
        ccm_seat_quantities_set (changes, q->seat_type, before - actual);
      if (actual < before)
        ccm_seat_quantities_set (freed, q->seat_type, before - actual);
    }

  /* A waitlist entry whose held seats are now taken up by an order leaves
   * the queue, whatever it was still waiting for. */
  if (existing != NULL && existing->waitlist_hold)
    {
      for (guint i = 0; i < state->types->len; i++)
        {
          CcmSeatAvailability *type = g_ptr_array_index (state->types, i);

          if (find_waitlist_entry (type, reservation_id) != G_MAXUINT)
            {
              p = seats_payload (command);
              json_object_set_string_member (p, "entry_id", reservation_id);
              json_object_set_string_member (p, "seat_type", type->seat_type);
              json_object_set_string_member (p, "reason", "ordered");
              ccm_decide_context_emit (ctx, "WaitlistLeft", p);
            }
        }
    }

  /* Always answered, even when nothing changes: the order waits for it. */
  p = seats_payload (command);
  json_object_set_string_member (p, "reservation_id", reservation_id);
  ccm_json_set_string_or_null (p, "request_id", request_id);
  json_object_set_array_member (p, "requested", ccm_seat_quantities_to_json (wanted));
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (reserved));
  json_object_set_array_member (p, "available_seats_changed", ccm_seat_quantities_to_json (changes));
  ccm_decide_context_emit (ctx, "SeatsReserved", p);

  serve_waitlists (state, command, freed, reservation_id, ctx);
  return TRUE;
}

static void
emit_cancelled (const CcmSeatsState      *state,
                const CcmCommand         *command,
                const CcmSeatReservation *reservation,
                const char               *reason,
                CcmDecideContext         *ctx)
{
  JsonObject *p = seats_payload (command);

  json_object_set_string_member (p, "reservation_id", reservation->reservation_id);
  json_object_set_string_member (p, "reason", reason);
  json_object_set_array_member (p, "available_seats_changed",
                                ccm_seat_quantities_to_json (reservation->seats));
  ccm_decide_context_emit (ctx, "SeatsReservationCancelled", p);
  serve_waitlists (state, command, reservation->seats, reservation->reservation_id, ctx);
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

  p = seats_payload (command);
  json_object_set_string_member (p, "reservation_id", reservation_id);
  json_object_set_array_member (p, "seats", ccm_seat_quantities_to_json (reservation->seats));
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
  JsonObject *p;

  if (!read_reservation_id (command, &reservation_id, error))
    return FALSE;

  reservation = g_hash_table_lookup (state->committed, reservation_id);
  if (reservation == NULL)
    return TRUE;

  p = seats_payload (command);
  json_object_set_string_member (p, "reservation_id", reservation_id);
  json_object_set_array_member (p, "available_seats_changed",
                                ccm_seat_quantities_to_json (reservation->seats));
  ccm_decide_context_emit (ctx, "SeatsReleased", p);
  serve_waitlists (state, command, reservation->seats, NULL, ctx);
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
      !require_known_type (state, seat_type, error))
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

  p = seats_payload (command);
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
        {
          JsonObject *p = seats_payload (command);

          json_object_set_string_member (p, "entry_id", entry_id);
          json_object_set_string_member (p, "seat_type", type->seat_type);
          json_object_set_string_member (p, "reason", "expired");
          ccm_decide_context_emit (ctx, "WaitlistLeft", p);
        }
    }

  emit_cancelled (state, command, hold, "waitlist-hold-expired", ctx);
  return TRUE;
}

static const CcmCommandHandler seats_commands[] = {
  { "AddSeats", &ccm_seats_aggregate, seats_stream_for, decide_add_seats },
  { "RemoveSeats", &ccm_seats_aggregate, seats_stream_for, decide_remove_seats },
  { "RetireSeatType", &ccm_seats_aggregate, seats_stream_for, decide_retire_seat_type },
  { "MakeSeatReservation", &ccm_seats_aggregate, seats_stream_for, decide_make_reservation },
  { "CancelSeatReservation", &ccm_seats_aggregate, seats_stream_for, decide_cancel_reservation },
  { "CommitSeatReservation", &ccm_seats_aggregate, seats_stream_for, decide_commit_reservation },
  { "ReleaseSeats", &ccm_seats_aggregate, seats_stream_for, decide_release_seats },
  { "JoinWaitlist", &ccm_seats_aggregate, seats_stream_for, decide_join_waitlist },
  { "ExpireWaitlistHold", &ccm_seats_aggregate, seats_stream_for, decide_expire_waitlist_hold },
};

void
ccm_seats_register (CcmRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (seats_commands); i++)
    ccm_registry_add_command (registry, &seats_commands[i]);
}
