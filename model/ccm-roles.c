/* ccm-roles.c — what each role of an enrolled device may run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-roles"

#include "ccm-roles.h"

static const char *const role_names[] = {
  [CCM_ROLE_ADMIN] = "admin",
  [CCM_ROLE_ORGANIZER] = "organizer",
  [CCM_ROLE_DESK] = "desk",
  [CCM_ROLE_CHECKIN] = "checkin",
  [CCM_ROLE_VIEWER] = "viewer",
};

const char *
ccm_role_to_string (CcmRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (role_names), "viewer");
  return role_names[role];
}

gboolean
ccm_role_from_string (const char *text,
                      CcmRole    *role)
{
  g_return_val_if_fail (role != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (text, role_names[i]))
      {
        *role = i;
        return TRUE;
      }
  return FALSE;
}

/* DESIGN §5.5. Commands only process managers and timers send
 * (ConfirmOrder, MakeSeatReservation, ExpireAllotment…) are for admins: a
 * desk that could send them could confirm an unpaid order. One exception:
 * RejectOrder, an order's reservation running out, which a standalone desk
 * decided by its own timer and pushes with its history when it enrolls
 * (ccm_registry_add_device_decision); it can only end an unconfirmed order,
 * which CancelOrder, a desk's anyway, does too. Organizers grant
 * allotments (DESIGN §5.2), desks request and return them; a request is
 * always for the device the token names. Organizers and desks resolve
 * the attention list's items (a refund paid back, a doubtful admission
 * looked into). */
static const char *const organizer_commands[] = {
  "CreateConference", "UpdateConference", "PublishConference", "UnpublishConference",
  "AddSeatType", "UpdateSeatType", "RemoveSeatType",
  "CancelOrder", "LeaveWaitlist",
  "GrantAllotment", "ReturnAllotment",
  "ResolveAttention", "ReopenAttention",
  NULL
};

static const char *const desk_commands[] = {
  "PlaceOrder", "UpdateSeats", "AcceptPartialReservation", "AssignRegistrantDetails",
  "CancelOrder", "RejectOrder",
  "InitiatePayment", "CompletePayment", "RejectPayment",
  "AssignSeat", "UnassignSeat",
  "AdmitTicket", "ExitTicket", "UndoAdmission", "UndoExit",
  "JoinWaitlist", "LeaveWaitlist",
  "RequestAllotment", "ReturnAllotment",
  "ResolveAttention", "ReopenAttention",
  NULL
};

static const char *const checkin_commands[] = {
  "AdmitTicket", "ExitTicket", "UndoAdmission", "UndoExit",
  NULL
};

gboolean
ccm_role_allows (CcmRole     role,
                 const char *command_type)
{
  g_return_val_if_fail (command_type != NULL, FALSE);

  switch (role)
    {
    case CCM_ROLE_ADMIN:
      return TRUE;
    case CCM_ROLE_ORGANIZER:
      return g_strv_contains (organizer_commands, command_type);
    case CCM_ROLE_DESK:
      return g_strv_contains (desk_commands, command_type);
    case CCM_ROLE_CHECKIN:
      return g_strv_contains (checkin_commands, command_type);
    case CCM_ROLE_VIEWER:
    default:
      return FALSE;
    }
}
