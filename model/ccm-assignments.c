/* ccm-assignments.c — who sits in each seat of a confirmed order
 *
 * Stream "assignments/<order_id>". Each position carries a ticket code. The
 * codes are random and chosen by whoever issued the order (PlaceOrder or
 * UpdateSeats carry them, DESIGN §5.1), so the server's re-run issues the
 * same codes and a badge printed offline stays valid; the confirmed order
 * hands the ones it needs to CreateSeatAssignments, in line order.
 * Each ticket also gets a stream of its own, "ticket/<code>", which the
 * check-in decider reads: creating it here is what makes a code known.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-assignments"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-assignments.h"
#include "ccm-checkin.h"
#include "ccm-conference.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-seats.h"

/* Ticket codes */

char *
ccm_ticket_code_new (void)
{
  return ccm_random_code (CCM_ACCESS_CODE_ALPHABET, CCM_TICKET_CODE_LENGTH);
}

JsonArray *
ccm_ticket_codes_new (guint count)
{
  JsonArray *array = json_array_sized_new (count);

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *code = ccm_ticket_code_new ();

      json_array_add_string_element (array, code);
    }
  return array;
}

gboolean
ccm_ticket_code_is_valid (const char *code)
{
  if (code == NULL || strlen (code) != CCM_TICKET_CODE_LENGTH)
    return FALSE;
  for (guint i = 0; i < CCM_TICKET_CODE_LENGTH; i++)
    if (strchr (CCM_ACCESS_CODE_ALPHABET, code[i]) == NULL)
      return FALSE;
  return TRUE;
}

/* Codes typed by hand may come in lower case or with spaces. */
char *
ccm_ticket_code_normalize (const char *code)
{
  GString *s = g_string_new (NULL);

  for (const char *c = code; c != NULL && *c != '\0'; c++)
    if (!g_ascii_isspace (*c) && *c != '-')
      g_string_append_c (s, g_ascii_toupper (*c));
  return g_string_free (s, FALSE);
}

/* A list of distinct, well-formed ticket codes, at least `at_least` long. */
gboolean
ccm_ticket_codes_parse (JsonObject  *args,
                        const char  *member,
                        gint64       at_least,
                        GPtrArray  **out,
                        GError     **error)
{
  JsonArray *array = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (!ccm_json_get_array (args, member, TRUE, &array, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *code;

      if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
          json_node_get_value_type (node) != G_TYPE_STRING ||
          !ccm_ticket_code_is_valid ((code = json_node_get_string (node))))
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, member,
                                _("Entry %u of “%s” is not a ticket code of %d characters "
                                  "from %s."), i + 1, member, CCM_TICKET_CODE_LENGTH,
                                CCM_ACCESS_CODE_ALPHABET);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) code))
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, member,
                                _("The ticket code %s appears twice in “%s”; each seat "
                                  "needs a code of its own."), code, member);
          return FALSE;
        }
      g_ptr_array_add (codes, g_strdup (code));
    }

  if ((gint64) codes->len < at_least)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, member,
                            _("“%s” holds %u ticket codes for %lld seats; "
                              "give one code per seat."), member, codes->len,
                            (long long) at_least);
      return FALSE;
    }

  *out = g_steal_pointer (&codes);
  return TRUE;
}

/* State */

static void
seat_position_free (CcmSeatPosition *position)
{
  g_free (position->seat_type);
  g_free (position->ticket_code);
  g_free (position->email);
  g_free (position->first_name);
  g_free (position->last_name);
  g_free (position);
}

static gpointer
assignments_new_state (void)
{
  CcmAssignmentsState *state = g_new0 (CcmAssignmentsState, 1);

  state->positions = g_ptr_array_new_with_free_func ((GDestroyNotify) seat_position_free);
  return state;
}

static void
assignments_free_state (gpointer data)
{
  CcmAssignmentsState *state = data;

  g_free (state->order_id);
  g_free (state->conference);
  g_ptr_array_unref (state->positions);
  g_free (state);
}

static CcmSeatPosition *
position_of (CcmAssignmentsState *state,
             JsonObject          *payload)
{
  gint64 index = ccm_json_int (payload, "position", -1);

  if (index < 0 || index >= state->positions->len)
    return NULL;
  return g_ptr_array_index (state->positions, index);
}

static void
set_attendee (CcmSeatPosition *position,
              const char      *email,
              const char      *first_name,
              const char      *last_name)
{
  g_free (position->email);
  g_free (position->first_name);
  g_free (position->last_name);
  position->email = g_strdup (email);
  position->first_name = g_strdup (first_name);
  position->last_name = g_strdup (last_name);
}

static void
assignments_evolve (gpointer        data,
                    const CcmEvent *event)
{
  CcmAssignmentsState *state = data;
  JsonObject *p = event->payload;

  if (g_str_equal (event->type, "SeatAssignmentsCreated"))
    {
      JsonNode *node = json_object_get_member (p, "positions");
      JsonArray *positions = node != NULL && JSON_NODE_HOLDS_ARRAY (node)
                             ? json_node_get_array (node) : NULL;

      state->created = TRUE;
      state->order_id = g_strdup (ccm_json_string (p, "order_id"));
      state->conference = g_strdup (ccm_json_string (p, "conference"));
      for (guint i = 0; positions != NULL && i < json_array_get_length (positions); i++)
        {
          JsonObject *o = json_array_get_object_element (positions, i);
          CcmSeatPosition *position = g_new0 (CcmSeatPosition, 1);

          position->position = state->positions->len;
          position->seat_type = g_strdup (ccm_json_string (o, "seat_type"));
          position->ticket_code = g_strdup (ccm_json_string (o, "ticket_code"));
          g_ptr_array_add (state->positions, position);
        }
    }
  else if (g_str_equal (event->type, "SeatAssigned") ||
           g_str_equal (event->type, "SeatAssignmentUpdated"))
    {
      CcmSeatPosition *position = position_of (state, p);

      if (position != NULL)
        set_attendee (position, ccm_json_string (p, "email"),
                      ccm_json_string (p, "first_name"), ccm_json_string (p, "last_name"));
    }
  else if (g_str_equal (event->type, "SeatUnassigned"))
    {
      CcmSeatPosition *position = position_of (state, p);

      if (position != NULL)
        set_attendee (position, NULL, NULL, NULL);
    }
  else if (g_str_equal (event->type, "SeatAssignmentsCancelled"))
    state->cancelled = TRUE;
}

const CcmAggregate ccm_assignments_aggregate = {
  .name = "assignments",
  .new_state = assignments_new_state,
  .free_state = assignments_free_state,
  .evolve = assignments_evolve,
};

char *
ccm_assignments_stream (const char *order_id)
{
  return g_strconcat ("assignments/", order_id, NULL);
}

/* Commands */

static char *
assignments_stream_for (const CcmCommand  *command,
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
  return ccm_assignments_stream (order_id);
}

static JsonObject *
assignments_payload (const CcmAssignmentsState *state)
{
  JsonObject *p = json_object_new ();

  json_object_set_string_member (p, "order_id", state->order_id);
  json_object_set_string_member (p, "conference", state->conference);
  return p;
}

/* Created once, when the order is confirmed; a repeat does nothing. */
static gboolean
decide_create (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmAssignmentsState *state = data;
  JsonObject *a = command->args;
  const char *order_id = NULL, *conference = NULL;
  g_autoptr(GPtrArray) seats = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(JsonArray) positions = json_array_new ();
  guint next = 0;
  JsonObject *p;

  if (!ccm_json_get_string (a, "order_id", TRUE, &order_id, error) ||
      !ccm_json_get_string (a, "conference", TRUE, &conference, error) ||
      (seats = ccm_seat_quantities_parse (a, "seats", error)) == NULL ||
      !ccm_ticket_codes_parse (a, "ticket_codes", ccm_seat_quantities_total (seats),
                               &codes, error))
    return FALSE;

  if (state->created)
    return TRUE;

  if (ccm_seat_quantities_total (seats) == 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "seats",
                            _("An order with no seats has nothing to assign."));
      return FALSE;
    }

  for (guint i = 0; i < seats->len; i++)
    {
      CcmSeatQuantity *q = g_ptr_array_index (seats, i);

      for (gint64 n = 0; n < q->quantity; n++, next++)
        {
          const char *code = g_ptr_array_index (codes, next);
          g_autofree char *ticket_stream = ccm_ticket_stream (code);
          gint64 version = 0;
          JsonObject *o;

          /* 60 random bits make this all but impossible; refusing keeps a
           * ticket from ever belonging to two people. */
          if (ccm_decide_context_load (ctx, &ccm_ticket_aggregate, ticket_stream,
                                       &version, error) == NULL)
            return FALSE;
          if (version > 0)
            {
              ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "ticket_codes",
                                    _("The ticket code %s is already in use; issue new "
                                      "ticket codes."), code);
              return FALSE;
            }

          o = json_object_new ();
          json_object_set_int_member (o, "position", next);
          json_object_set_string_member (o, "seat_type", q->seat_type);
          json_object_set_string_member (o, "ticket_code", code);
          json_array_add_object_element (positions, o);
        }
    }

  p = json_object_new ();
  json_object_set_string_member (p, "order_id", order_id);
  json_object_set_string_member (p, "conference", conference);
  json_object_set_array_member (p, "positions", json_array_ref (positions));
  ccm_decide_context_emit (ctx, "SeatAssignmentsCreated", p);

  for (guint i = 0; i < json_array_get_length (positions); i++)
    {
      JsonObject *o = json_array_get_object_element (positions, i);
      const char *code = ccm_json_string (o, "ticket_code");
      g_autofree char *ticket_stream = ccm_ticket_stream (code);

      p = json_object_new ();
      json_object_set_string_member (p, "ticket_code", code);
      json_object_set_string_member (p, "order_id", order_id);
      json_object_set_string_member (p, "conference", conference);
      json_object_set_string_member (p, "seat_type", ccm_json_string (o, "seat_type"));
      json_object_set_int_member (p, "position", ccm_json_int (o, "position", 0));
      ccm_decide_context_emit_full (ctx, ticket_stream, "TicketIssued", 1, p);
    }
  return TRUE;
}

static const CcmSeatPosition *
require_position (const CcmAssignmentsState  *state,
                  const CcmCommand           *command,
                  GError                    **error)
{
  gint64 index = -1;

  if (!state->created)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "order_id",
                            _("The order has no seats to assign; it is not confirmed."));
      return NULL;
    }
  if (state->cancelled)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                            _("The order was cancelled; its seats cannot be assigned."));
      return NULL;
    }
  if (!ccm_json_get_int (command->args, "position", TRUE, &index, error))
    return NULL;
  if (index < 0 || index >= state->positions->len)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "position",
                            _("The order has no seat at position %lld; "
                              "positions run from 0 to %u."), (long long) index,
                            state->positions->len - 1);
      return NULL;
    }
  return g_ptr_array_index (state->positions, index);
}

static gboolean
same_email (const char *a,
            const char *b)
{
  g_autofree char *fa = NULL, *fb = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return g_str_equal (fa, fb);
}

static JsonObject *
position_payload (const CcmAssignmentsState *state,
                  const CcmSeatPosition     *position)
{
  JsonObject *p = assignments_payload (state);

  json_object_set_int_member (p, "position", position->position);
  json_object_set_string_member (p, "seat_type", position->seat_type);
  json_object_set_string_member (p, "ticket_code", position->ticket_code);
  return p;
}

static void
set_attendee_members (JsonObject *p,
                      const char *email,
                      const char *first_name,
                      const char *last_name)
{
  json_object_set_string_member (p, "email", email);
  json_object_set_string_member (p, "first_name", first_name);
  json_object_set_string_member (p, "last_name", last_name);
}

/* Another e-mail is another person: the seat is given up and given again.
 * The same e-mail (in any case) with other names only corrects the names. */
static gboolean
decide_assign (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmAssignmentsState *state = data;
  JsonObject *a = command->args;
  const CcmSeatPosition *position;
  const char *email = NULL, *first_name = "", *last_name = "";
  JsonObject *p;

  if ((position = require_position (state, command, error)) == NULL ||
      !ccm_json_get_string (a, "email", TRUE, &email, error) ||
      !ccm_json_get_string (a, "first_name", FALSE, &first_name, error) ||
      !ccm_json_get_string (a, "last_name", FALSE, &last_name, error) ||
      !ccm_validate_email ("email", email, error))
    return FALSE;

  if (g_utf8_strlen (first_name, -1) > 100 || g_utf8_strlen (last_name, -1) > 100)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID,
                            g_utf8_strlen (first_name, -1) > 100 ? "first_name" : "last_name",
                            _("An attendee’s first and last name must be at most 100 "
                              "characters long."));
      return FALSE;
    }

  if (position->email != NULL && same_email (position->email, email))
    {
      if (g_strcmp0 (position->first_name, first_name) == 0 &&
          g_strcmp0 (position->last_name, last_name) == 0)
        return TRUE;

      p = position_payload (state, position);
      set_attendee_members (p, position->email, first_name, last_name);
      ccm_decide_context_emit (ctx, "SeatAssignmentUpdated", p);
      return TRUE;
    }

  if (position->email != NULL)
    {
      p = position_payload (state, position);
      json_object_set_string_member (p, "email", position->email);
      ccm_decide_context_emit (ctx, "SeatUnassigned", p);
    }

  p = position_payload (state, position);
  set_attendee_members (p, email, first_name, last_name);
  ccm_decide_context_emit (ctx, "SeatAssigned", p);
  return TRUE;
}

static gboolean
decide_unassign (gconstpointer      data,
                 const CcmCommand  *command,
                 CcmDecideContext  *ctx,
                 GError           **error)
{
  const CcmAssignmentsState *state = data;
  const CcmSeatPosition *position;
  JsonObject *p;

  if ((position = require_position (state, command, error)) == NULL)
    return FALSE;
  if (position->email == NULL)
    return TRUE;

  p = position_payload (state, position);
  json_object_set_string_member (p, "email", position->email);
  ccm_decide_context_emit (ctx, "SeatUnassigned", p);
  return TRUE;
}

/* A cancelled order's tickets stop being valid; check-in reads that from
 * each ticket's stream. */
static gboolean
decide_cancel (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmAssignmentsState *state = data;
  g_autoptr(JsonArray) codes = json_array_new ();
  JsonObject *p;

  if (!state->created || state->cancelled)
    return TRUE;

  for (guint i = 0; i < state->positions->len; i++)
    json_array_add_string_element (codes,
                                   ((CcmSeatPosition *) g_ptr_array_index (state->positions, i))->ticket_code);

  p = assignments_payload (state);
  json_object_set_array_member (p, "ticket_codes", json_array_ref (codes));
  ccm_decide_context_emit (ctx, "SeatAssignmentsCancelled", p);

  for (guint i = 0; i < state->positions->len; i++)
    {
      CcmSeatPosition *position = g_ptr_array_index (state->positions, i);
      g_autofree char *ticket_stream = ccm_ticket_stream (position->ticket_code);

      p = assignments_payload (state);
      json_object_set_string_member (p, "ticket_code", position->ticket_code);
      ccm_decide_context_emit_full (ctx, ticket_stream, "TicketCancelled", 1, p);
    }
  return TRUE;
}

static const CcmCommandHandler assignments_commands[] = {
  { "CreateSeatAssignments", &ccm_assignments_aggregate, assignments_stream_for, decide_create },
  { "AssignSeat", &ccm_assignments_aggregate, assignments_stream_for, decide_assign },
  { "UnassignSeat", &ccm_assignments_aggregate, assignments_stream_for, decide_unassign },
  { "CancelSeatAssignments", &ccm_assignments_aggregate, assignments_stream_for, decide_cancel },
};

/* Personal data: who sits in a seat. */
static const CcmPersonalData assignments_personal[] = {
  { CCM_RECORD_COMMAND, "CreateSeatAssignments", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "AssignSeat", ccm_person_fields, NULL },
  { CCM_RECORD_COMMAND, "UnassignSeat", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "CancelSeatAssignments", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatAssignmentsCreated", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "TicketIssued", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatAssigned", ccm_person_fields, NULL },
  { CCM_RECORD_EVENT, "SeatAssignmentUpdated", ccm_person_fields, NULL },
  { CCM_RECORD_EVENT, "SeatUnassigned", ccm_person_fields, NULL },
  { CCM_RECORD_EVENT, "SeatAssignmentsCancelled", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "TicketCancelled", CCM_NO_PERSONAL_DATA, NULL },
};

void
ccm_assignments_register (CcmRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (assignments_commands); i++)
    ccm_registry_add_command (registry, &assignments_commands[i]);
  for (guint i = 0; i < G_N_ELEMENTS (assignments_personal); i++)
    ccm_registry_add_personal_data (registry, &assignments_personal[i]);
}
