/* ccm-checkin.c — admissions and exits, one stream per ticket
 *
 * Stream "ticket/<code>", not one per conference: a door scan then folds a
 * handful of events instead of a conference's whole day, and two desks only
 * contend when they scan the same ticket — which is exactly the case worth
 * detecting. The stream starts with TicketIssued (from the seat assignments)
 * and learns of cancellation through TicketCancelled.
 *
 * An admission is a fact (DESIGN §3.4): a desk that let someone in, offline
 * or not, is recorded as it happened, with the device's time and the time
 * the decision was made. Doubtful admissions are recorded with a flag that
 * the attention list reads, never refused. A well-formed code nobody issued
 * is recorded and flagged too: an offline desk may scan a ticket sold on
 * another desk before it has heard of it, and the server's re-run of the same
 * command, which knows every ticket, then records it unflagged. A malformed
 * code is a typo, not a fact about a ticket, and is refused.
 *
 * An admission recorded by mistake (the wrong one of two people with the
 * same name, picked from a search) is undone by another fact,
 * TicketAdmissionUndone, while it is still the ticket's last scan: the
 * holder is then as before it, and the next admission counts as theirs.
 * So is an exit (Exit Scans left on): TicketExitUndone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-checkin"

#include <glib/gi18n-lib.h>
#include "ccm-checkin.h"
#include "ccm-assignments.h"
#include "ccm-errors.h"
#include "ccm-json.h"

static gpointer
ticket_new_state (void)
{
  return g_new0 (CcmTicketState, 1);
}

static void
ticket_free_state (gpointer data)
{
  CcmTicketState *state = data;

  g_free (state->ticket_code);
  g_free (state->order_id);
  g_free (state->conference);
  g_free (state->seat_type);
  g_free (state->entered_by);
  g_free (state->last_flag);
  g_free (state);
}

/* A scan as the one that may be taken back next. */
static void
remember_scan (CcmTicketState *state,
               const CcmEvent *event,
               CcmTicketScan   scan)
{
  state->last_scan = scan;
  state->inside_before_last = state->inside;
  state->last_scan_version = event->stream_version;
  g_free (state->last_flag);
  state->last_flag = g_strdup (ccm_json_string (event->payload, "flag"));
}

static void
ticket_evolve (gpointer        data,
               const CcmEvent *event)
{
  CcmTicketState *state = data;
  JsonObject *p = event->payload;

  if (g_str_equal (event->type, "TicketIssued"))
    {
      state->issued = TRUE;
      g_free (state->ticket_code);
      g_free (state->order_id);
      g_free (state->conference);
      g_free (state->seat_type);
      state->ticket_code = g_strdup (ccm_json_string (p, "ticket_code"));
      state->order_id = g_strdup (ccm_json_string (p, "order_id"));
      state->conference = g_strdup (ccm_json_string (p, "conference"));
      state->seat_type = g_strdup (ccm_json_string (p, "seat_type"));
      state->position = ccm_json_int (p, "position", 0);
    }
  else if (g_str_equal (event->type, "TicketCancelled"))
    state->cancelled = TRUE;
  else if (g_str_equal (event->type, "TicketAdmitted"))
    {
      const char *desk = ccm_json_string (p, "device_id");

      state->admissions++;
      remember_scan (state, event, CCM_TICKET_SCAN_ADMISSION);
      /* A double admission does not change who let the holder in. */
      if (!state->inside)
        {
          g_free (state->entered_by);
          state->entered_by = g_strdup (desk != NULL ? desk : event->device_id);
          state->entered_at = ccm_json_int (p, "device_time", event->recorded_at);
        }
      state->inside = TRUE;
    }
  else if (g_str_equal (event->type, "TicketExited"))
    {
      remember_scan (state, event, CCM_TICKET_SCAN_EXIT);
      state->exits++;
      state->inside = FALSE;
    }
  else if (g_str_equal (event->type, "TicketAdmissionUndone") ||
           g_str_equal (event->type, "TicketExitUndone"))
    {
      guint *count = g_str_equal (event->type, "TicketExitUndone") ? &state->exits : &state->admissions;

      if (*count > 0)
        (*count)--;
      state->inside = ccm_json_bool (p, "inside_before");
      state->last_scan = CCM_TICKET_SCAN_NONE;
      if (!state->inside)
        g_clear_pointer (&state->entered_by, g_free);
    }
}

const CcmAggregate ccm_ticket_aggregate = {
  .name = "ticket",
  .new_state = ticket_new_state,
  .free_state = ticket_free_state,
  .evolve = ticket_evolve,
};

char *
ccm_ticket_stream (const char *ticket_code)
{
  return g_strconcat ("ticket/", ticket_code, NULL);
}

static char *
ticket_stream_for (const CcmCommand  *command,
                   GError           **error)
{
  const char *code = NULL;
  g_autofree char *normalized = NULL;

  if (!ccm_json_get_string (command->args, "ticket_code", TRUE, &code, error))
    return NULL;

  normalized = ccm_ticket_code_normalize (code);
  if (!ccm_ticket_code_is_valid (normalized))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "ticket_code",
                            _("“%s” is not a ticket code: a ticket code has %d letters "
                              "and digits."), code, CCM_TICKET_CODE_LENGTH);
      return NULL;
    }
  return ccm_ticket_stream (normalized);
}

/* What every scan records: the ticket as known, the device and its clock,
 * and the time of the decision. */
static JsonObject *
scan_payload (const CcmTicketState  *state,
              const CcmCommand      *command,
              CcmDecideContext      *ctx,
              GError               **error)
{
  g_autoptr(JsonObject) p = json_object_new ();
  g_autofree char *code = NULL;
  const char *raw = NULL;
  const char *desk_conference = NULL;
  gint64 device_time = command->issued_at;

  if (!ccm_json_get_string (command->args, "ticket_code", TRUE, &raw, error) ||
      !ccm_json_get_string (command->args, "conference", FALSE, &desk_conference, error) ||
      !ccm_json_get_int (command->args, "device_time", FALSE, &device_time, error))
    return NULL;

  code = ccm_ticket_code_normalize (raw);
  json_object_set_string_member (p, "ticket_code", code);
  ccm_json_set_string_or_null (p, "order_id", state->order_id);
  ccm_json_set_string_or_null (p, "conference",
                               state->conference != NULL ? state->conference : desk_conference);
  ccm_json_set_string_or_null (p, "seat_type", state->seat_type);
  ccm_json_set_string_or_null (p, "device_id", command->device_id);
  json_object_set_int_member (p, "device_time", device_time);
  json_object_set_int_member (p, "decided_at", ccm_decide_context_now (ctx));
  return g_steal_pointer (&p);
}

static gboolean
decide_admit (gconstpointer      data,
              const CcmCommand  *command,
              CcmDecideContext  *ctx,
              GError           **error)
{
  const CcmTicketState *state = data;
  const char *desk_conference = NULL;
  gboolean allow_reentry = TRUE;
  const char *flag = NULL;
  gboolean reentry;
  JsonObject *p;

  if (!ccm_json_get_bool (command->args, "allow_reentry", FALSE, &allow_reentry, error) ||
      (p = scan_payload (state, command, ctx, error)) == NULL)
    return FALSE;
  desk_conference = ccm_json_string (command->args, "conference");

  /* Someone who went out and comes back is a re-entry, not a double. */
  reentry = state->admissions > 0 && !state->inside;

  if (!state->issued)
    flag = CCM_CHECKIN_FLAG_UNKNOWN_TICKET;
  else if (state->cancelled)
    flag = CCM_CHECKIN_FLAG_CANCELLED_ORDER;
  else if (desk_conference != NULL && g_strcmp0 (desk_conference, state->conference) != 0)
    flag = CCM_CHECKIN_FLAG_WRONG_CONFERENCE;
  else if (state->inside)
    flag = CCM_CHECKIN_FLAG_ALREADY_ADMITTED;
  else if (reentry && !allow_reentry)
    flag = CCM_CHECKIN_FLAG_REENTRY;

  /* Both desks and times go on the record of a double admission. */
  if (g_strcmp0 (flag, CCM_CHECKIN_FLAG_ALREADY_ADMITTED) == 0)
    {
      ccm_json_set_string_or_null (p, "earlier_device_id", state->entered_by);
      json_object_set_int_member (p, "earlier_device_time", state->entered_at);
    }
  json_object_set_boolean_member (p, "reentry", reentry);
  ccm_json_set_string_or_null (p, "flag", flag);
  json_object_set_int_member (p, "admission", state->admissions + 1);
  ccm_decide_context_emit (ctx, "TicketAdmitted", p);

  json_object_set_boolean_member (ccm_decide_context_get_result (ctx), "flagged", flag != NULL);
  ccm_json_set_string_or_null (ccm_decide_context_get_result (ctx), "flag", flag);
  return TRUE;
}

static gboolean
decide_exit (gconstpointer      data,
             const CcmCommand  *command,
             CcmDecideContext  *ctx,
             GError           **error)
{
  const CcmTicketState *state = data;
  const char *flag = NULL;
  JsonObject *p;

  if ((p = scan_payload (state, command, ctx, error)) == NULL)
    return FALSE;

  if (!state->issued)
    flag = CCM_CHECKIN_FLAG_UNKNOWN_TICKET;
  else if (!state->inside)
    flag = CCM_CHECKIN_FLAG_NOT_INSIDE;

  ccm_json_set_string_or_null (p, "flag", flag);
  ccm_decide_context_emit (ctx, "TicketExited", p);

  json_object_set_boolean_member (ccm_decide_context_get_result (ctx), "flagged", flag != NULL);
  ccm_json_set_string_or_null (ccm_decide_context_get_result (ctx), "flag", flag);
  return TRUE;
}

/* Takes back the ticket's last scan, an admission or an exit as the
 * command says, while nothing was scanned after it: the holder is as before
 * it (outside, or still inside after a double admission; inside again after
 * an exit). */
static gboolean
decide_undo (const CcmTicketState  *state,
             const CcmCommand      *command,
             CcmDecideContext      *ctx,
             CcmTicketScan          scan,
             GError               **error)
{
  gboolean is_exit = scan == CCM_TICKET_SCAN_EXIT;
  JsonObject *p;

  if ((p = scan_payload (state, command, ctx, error)) == NULL)
    return FALSE;
  if (state->last_scan != scan)
    {
      const char *code = ccm_json_string (p, "ticket_code");

      if ((is_exit ? state->exits : state->admissions) == 0)
        ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "ticket_code",
                              is_exit ? _("Ticket %s has no exit to undo.")
                                      : _("Ticket %s has no admission to undo."), code);
      else
        ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "ticket_code",
                              is_exit
                              ? _("The last exit of ticket %s cannot be undone: the ticket was "
                                  "scanned again after it, or it was undone already.")
                              : _("The last admission of ticket %s cannot be undone: the ticket "
                                  "was scanned again after it, or it was undone already."),
                              code);
      json_object_unref (p);
      return FALSE;
    }
  json_object_set_int_member (p, is_exit ? "exit" : "admission",
                              is_exit ? state->exits : state->admissions);
  json_object_set_boolean_member (p, "inside_before", state->inside_before_last);
  ccm_json_set_string_or_null (p, "undone_flag", state->last_flag);
  /* Which event it takes back: a flagged one is an attention item by it. */
  json_object_set_int_member (p, "undone_version", state->last_scan_version);
  ccm_decide_context_emit (ctx, is_exit ? "TicketExitUndone" : "TicketAdmissionUndone", p);
  json_object_set_boolean_member (ccm_decide_context_get_result (ctx), "inside", state->inside_before_last);
  return TRUE;
}

static gboolean
decide_undo_admission (gconstpointer      data,
                       const CcmCommand  *command,
                       CcmDecideContext  *ctx,
                       GError           **error)
{
  return decide_undo (data, command, ctx, CCM_TICKET_SCAN_ADMISSION, error);
}

static gboolean
decide_undo_exit (gconstpointer      data,
                  const CcmCommand  *command,
                  CcmDecideContext  *ctx,
                  GError           **error)
{
  return decide_undo (data, command, ctx, CCM_TICKET_SCAN_EXIT, error);
}

static const CcmCommandHandler checkin_commands[] = {
  { "AdmitTicket", &ccm_ticket_aggregate, ticket_stream_for, decide_admit },
  { "ExitTicket", &ccm_ticket_aggregate, ticket_stream_for, decide_exit },
  { "UndoAdmission", &ccm_ticket_aggregate, ticket_stream_for, decide_undo_admission },
  { "UndoExit", &ccm_ticket_aggregate, ticket_stream_for, decide_undo_exit },
};

/* A scan records the ticket and the desk, not the person. */
static const CcmPersonalData checkin_personal[] = {
  { CCM_RECORD_COMMAND, "AdmitTicket", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "ExitTicket", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "UndoAdmission", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "UndoExit", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "TicketAdmitted", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "TicketExited", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "TicketAdmissionUndone", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "TicketExitUndone", CCM_NO_PERSONAL_DATA, NULL },
};

void
ccm_checkin_register (CcmRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (checkin_commands); i++)
    ccm_registry_add_command (registry, &checkin_commands[i]);
  for (guint i = 0; i < G_N_ELEMENTS (checkin_personal); i++)
    ccm_registry_add_personal_data (registry, &checkin_personal[i]);
}
