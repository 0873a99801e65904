/* ccm-checkin.h — admission facts per ticket (DESIGN §3.4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

/* Why an admission or exit was recorded but sent to the attention list. */
#define CCM_CHECKIN_FLAG_ALREADY_ADMITTED  "already_admitted"
#define CCM_CHECKIN_FLAG_CANCELLED_ORDER   "cancelled_order"
#define CCM_CHECKIN_FLAG_UNKNOWN_TICKET    "unknown_ticket"
#define CCM_CHECKIN_FLAG_WRONG_CONFERENCE  "wrong_conference"
#define CCM_CHECKIN_FLAG_REENTRY           "reentry_not_allowed"
#define CCM_CHECKIN_FLAG_NOT_INSIDE        "not_inside"

/* The ticket's last scan, while it may still be taken back. */
typedef enum
{
  CCM_TICKET_SCAN_NONE,
  CCM_TICKET_SCAN_ADMISSION,
  CCM_TICKET_SCAN_EXIT,
} CcmTicketScan;

typedef struct
{
  gboolean  issued;
  gboolean  cancelled;
  char     *ticket_code;
  char     *order_id;
  char     *conference;
  char     *seat_type;
  gint64    position;
  gboolean  inside;
  guint     admissions;  /* every recorded admission, flagged or not */
  guint     exits;
  char     *entered_by;  /* the desk and device time of the admission that */
  gint64    entered_at;  /* let the holder in, while inside */
  /* The ticket's last scan, not undone: it may be undone (UndoAdmission,
   * UndoExit), which puts back whether the holder was inside. */
  CcmTicketScan last_scan;
  gboolean  inside_before_last;
  char     *last_flag;   /* that scan's flag, or NULL */
  gint64    last_scan_version;   /* its place in the ticket's stream */
} CcmTicketState;

extern const CcmAggregate ccm_ticket_aggregate;

char *ccm_ticket_stream      (const char  *ticket_code);
void  ccm_checkin_register   (CcmRegistry *registry);

G_END_DECLS
