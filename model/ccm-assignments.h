/* ccm-assignments.h — the SeatAssignments aggregate and ticket codes (DESIGN §3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

/* Ticket codes: 12 characters of CCM_ACCESS_CODE_ALPHABET, 60 random bits,
 * upper case and digits only so a QR code holds them in alphanumeric mode. */
#define CCM_TICKET_CODE_LENGTH 12

typedef struct
{
  guint  position;      /* from 0, in the order's line order */
  char  *seat_type;
  char  *ticket_code;
  char  *email;         /* NULL while unassigned */
  char  *first_name;
  char  *last_name;
} CcmSeatPosition;

typedef struct
{
  gboolean   created;
  gboolean   cancelled;
  char      *order_id;
  char      *conference;
  GPtrArray *positions;  /* CcmSeatPosition* */
} CcmAssignmentsState;

extern const CcmAggregate ccm_assignments_aggregate;

char      *ccm_assignments_stream   (const char *order_id);
void       ccm_assignments_register (CcmRegistry *registry);

/* For whoever issues the commands that carry ticket codes (DESIGN §5.1). */
char      *ccm_ticket_code_new      (void);
JsonArray *ccm_ticket_codes_new     (guint       count);
gboolean   ccm_ticket_code_is_valid (const char *code);
char      *ccm_ticket_code_normalize (const char *code);
gboolean   ccm_ticket_codes_parse   (JsonObject  *args,
                                     const char  *member,
                                     gint64       at_least,
                                     GPtrArray  **out,
                                     GError     **error);

G_END_DECLS
