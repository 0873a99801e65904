/* ccm-allotments.c — seats leased to a desk (DESIGN §5.2, escrow)
 *
 * An allotment is a number of seats of one type leased to one device until
 * an expiry (server time). It lives in the conference's seats stream, like
 * every other seat, so granting one and selling the last free seat are
 * decided against the same count. It is taken only from free seats, and
 * while it runs those seats are out of the pool: a desk that sells from it
 * offline is served whatever else reached the server first.
 *
 *   GrantAllotment   an organizer names the device; all or nothing
 *   RequestAllotment a desk asks for itself while online; it gets what is
 *                    free, up to what it asked (a partial grant), and is
 *                    refused only when nothing of that type is free
 *   ReturnAllotment  the unused seats go back to the pool
 *   ExpireAllotment  the same, from a timer at until + the grace period
 *
 * Seats already reserved from an allotment stay with their orders; when such
 * a reservation is cancelled they go back to the allotment while it runs,
 * else to the pool (ccm-seats.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-allotments"

#include <glib/gi18n-lib.h>

#include "ccm-seats-private.h"
#include "ccm-conference.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"

#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
/* A desk's request without an end runs for a working day. */
#define DEFAULT_REQUEST_HOURS 10

static gboolean
read_allotment_id (const CcmCommand  *command,
                   const char       **allotment_id,
                   GError           **error)
{
  if (!ccm_json_get_string (command->args, "allotment_id", TRUE, allotment_id, error))
    return FALSE;
  if (!ccm_id_is_valid (*allotment_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "allotment_id",
                            _("The allotment id “%s” is not a UUID."), *allotment_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
grant (const CcmSeatsState  *state,
       const CcmCommand     *command,
       CcmDecideContext     *ctx,
       const char           *device_id,
       gboolean              partial,
       GError              **error)
{
  JsonObject *a = command->args;
  const char *allotment_id = NULL, *seat_type = NULL;
  gint64 quantity = 0, until = 0, now = ccm_decide_context_now (ctx);
  gint64 free_seats, granted;
  const CcmSeatAvailability *type;
  JsonObject *p, *result;

  if (!read_allotment_id (command, &allotment_id, error) ||
      !ccm_json_get_string (a, "seat_type", TRUE, &seat_type, error) ||
      !ccm_json_get_int (a, "quantity", TRUE, &quantity, error) ||
      !ccm_json_get_int (a, "until", !partial, &until, error))
    return FALSE;
  if (until == 0)
    until = now + DEFAULT_REQUEST_HOURS * HOUR_US;

  if (quantity < 1 || quantity > CCM_SEAT_TYPE_MAX_QUOTA)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "quantity",
                            _("An allotment must have between 1 and %d seats."),
                            CCM_SEAT_TYPE_MAX_QUOTA);
      return FALSE;
    }
  if (until <= now)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "until",
                            _("The allotment would end before it starts; give an end in the "
                              "future."));
      return FALSE;
    }
  if (!ccm_seats_require_type (state, seat_type, error))
    return FALSE;
  if (ccm_seats_find_allotment (state, allotment_id) != NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "allotment_id",
                            _("The allotment %s already exists."), allotment_id);
      return FALSE;
    }

  type = ccm_seats_find_type (state, seat_type);
  free_seats = MAX (type->remaining, 0);
  granted = partial ? MIN (quantity, free_seats) : quantity;
  if (granted == 0 || granted > free_seats)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "quantity",
                            _("Only %lld seats of “%s” are free; an allotment is granted "
                              "from free seats only."), (long long) free_seats, seat_type);
      return FALSE;
    }

  p = ccm_seats_payload (command);
  json_object_set_string_member (p, "allotment_id", allotment_id);
  json_object_set_string_member (p, "device_id", device_id);
  json_object_set_string_member (p, "seat_type", seat_type);
  json_object_set_int_member (p, "quantity", granted);
  json_object_set_int_member (p, "requested", quantity);
  json_object_set_int_member (p, "until", until);
  json_object_set_int_member (p, "expires_at", until + CCM_ALLOTMENT_GRACE_MINUTES * 60 * G_USEC_PER_SEC);
  json_object_set_string_member (p, "source", partial ? "request" : "grant");
  ccm_decide_context_emit (ctx, "AllotmentGranted", p);

  result = ccm_decide_context_get_result (ctx);
  json_object_set_string_member (result, "allotment_id", allotment_id);
  json_object_set_string_member (result, "device_id", device_id);
  json_object_set_int_member (result, "quantity", granted);
  json_object_set_int_member (result, "requested", quantity);
  json_object_set_int_member (result, "until", until);
  return TRUE;
}

static gboolean
decide_grant (gconstpointer      data,
              const CcmCommand  *command,
              CcmDecideContext  *ctx,
              GError           **error)
{
  const char *device_id = NULL;

  if (!ccm_json_get_string (command->args, "device_id", TRUE, &device_id, error))
    return FALSE;
  if (*device_id == '\0')
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "device_id",
                            _("Name the device the allotment is for."));
      return FALSE;
    }
  return grant (data, command, ctx, device_id, FALSE, error);
}

/* The device is the one that asks (the store's, or on the server the
 * token's), never one named in the arguments. */
static gboolean
decide_request (gconstpointer      data,
                const CcmCommand  *command,
                CcmDecideContext  *ctx,
                GError           **error)
{
  if (command->device_id == NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "device_id",
                            _("An allotment can only be requested by a device."));
      return FALSE;
    }
  return grant (data, command, ctx, command->device_id, TRUE, error);
}

static void
emit_settled (const CcmSeatsState *state,
              const CcmCommand    *command,
              const CcmAllotment  *allotment,
              const char          *type,
              CcmDecideContext    *ctx)
{
  JsonObject *p = ccm_seats_payload (command);
  g_autoptr(GPtrArray) back = ccm_seat_quantities_new ();

  ccm_seat_quantities_set (back, allotment->seat_type, allotment->remaining);
  json_object_set_string_member (p, "allotment_id", allotment->allotment_id);
  json_object_set_string_member (p, "device_id", allotment->device_id);
  json_object_set_string_member (p, "seat_type", allotment->seat_type);
  json_object_set_int_member (p, "quantity", allotment->remaining);
  json_object_set_int_member (p, "granted", allotment->granted);
  json_object_set_array_member (p, "available_seats_changed", ccm_seat_quantities_to_json (back));
  ccm_decide_context_emit (ctx, type, p);

  json_object_set_int_member (ccm_decide_context_get_result (ctx), "returned", allotment->remaining);
  ccm_seats_serve_waitlists (state, command, back, NULL, ctx);
}

/* Returning a settled allotment again does nothing. */
static gboolean
decide_return (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmSeatsState *state = data;
  const char *allotment_id = NULL;
  const CcmAllotment *allotment;

  if (!read_allotment_id (command, &allotment_id, error))
    return FALSE;

  allotment = ccm_seats_find_allotment (state, allotment_id);
  if (allotment == NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "allotment_id",
                            _("There is no allotment %s in this conference."), allotment_id);
      return FALSE;
    }
  if (allotment->status == CCM_ALLOTMENT_ACTIVE)
    emit_settled (state, command, allotment, "AllotmentReturned", ctx);
  return TRUE;
}

/* From the timer: an allotment that is still running at until + grace ends.
 * Early (a timer that fired against another clock) or late, it is harmless. */
static gboolean
decide_expire (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmSeatsState *state = data;
  const char *allotment_id = NULL;
  const CcmAllotment *allotment;

  if (!read_allotment_id (command, &allotment_id, error))
    return FALSE;

  allotment = ccm_seats_find_allotment (state, allotment_id);
  if (allotment == NULL || allotment->status != CCM_ALLOTMENT_ACTIVE)
    return TRUE;
  if (ccm_decide_context_now (ctx) < ccm_allotment_expires_at (allotment))
    {
      g_debug ("Allotment %s is not due to expire yet", allotment_id);
      return TRUE;
    }
  emit_settled (state, command, allotment, "AllotmentExpired", ctx);
  return TRUE;
}

CCM_SEATS_GUARDED (decide_grant)
CCM_SEATS_GUARDED (decide_request)
CCM_SEATS_GUARDED (decide_return)
CCM_SEATS_GUARDED (decide_expire)

static const CcmCommandHandler allotment_commands[] = {
  { "GrantAllotment", &ccm_seats_aggregate, ccm_seats_stream_for, decide_grant_guarded },
  { "RequestAllotment", &ccm_seats_aggregate, ccm_seats_stream_for, decide_request_guarded },
  { "ReturnAllotment", &ccm_seats_aggregate, ccm_seats_stream_for, decide_return_guarded },
  { "ExpireAllotment", &ccm_seats_aggregate, ccm_seats_stream_for, decide_expire_guarded },
};

/* The expiry timer: one per allotment, set when it is granted, dropped when
 * it is returned. */

static char *
allotment_correlate (const CcmEvent *event)
{
  if (g_str_equal (event->type, "AllotmentGranted") ||
      g_str_equal (event->type, "AllotmentReturned") ||
      g_str_equal (event->type, "AllotmentExpired"))
    return g_strdup (ccm_json_string (event->payload, "allotment_id"));
  return NULL;
}

static void
allotment_react (JsonObject     *state,
                 const CcmEvent *event,
                 CcmReaction    *reaction)
{
  JsonObject *p = event->payload;

  if (g_str_equal (event->type, "AllotmentGranted"))
    {
      JsonObject *args = json_object_new ();

      json_object_set_string_member (state, "status", "active");
      json_object_set_string_member (args, "conference", ccm_json_string (p, "conference"));
      json_object_set_string_member (args, "allotment_id", ccm_json_string (p, "allotment_id"));
      ccm_reaction_schedule (reaction, "expiry", ccm_json_int (p, "expires_at", 0),
                             "ExpireAllotment", args);
    }
  else
    {
      json_object_set_string_member (state, "status", "settled");
      ccm_reaction_cancel (reaction, "expiry");
    }
}

const CcmProcessManager ccm_allotment_manager = {
  .name = "allotment",
  .correlate = allotment_correlate,
  .react = allotment_react,
};

static const CcmPersonalData allotment_personal[] = {
  { CCM_RECORD_COMMAND, "GrantAllotment", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "RequestAllotment", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "ReturnAllotment", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "ExpireAllotment", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "AllotmentGranted", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "AllotmentReturned", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "AllotmentExpired", CCM_NO_PERSONAL_DATA, NULL },
};

void
ccm_allotments_register (CcmRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (allotment_commands); i++)
    ccm_registry_add_command (registry, &allotment_commands[i]);
  for (guint i = 0; i < G_N_ELEMENTS (allotment_personal); i++)
    ccm_registry_add_personal_data (registry, &allotment_personal[i]);
  ccm_registry_add_process_manager (registry, &ccm_allotment_manager);
}
