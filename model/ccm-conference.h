/* ccm-conference.h — the Conference aggregate (DESIGN §3.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

#define CCM_SEAT_TYPE_MAX_PRICE     5000000   /* 50 000.00 in cents */
#define CCM_SEAT_TYPE_MAX_QUOTA     100000
#define CCM_DEFAULT_RESERVATION_MIN 15

typedef struct
{
  char    *id;
  char    *name;
  char    *description;
  gint64   price;       /* cents */
  gint64   quota;
  gboolean removed;
} CcmSeatType;

/* Fields a ConferenceUpdated may change, in this order. */
#define CCM_CONFERENCE_N_FIELDS 10

typedef struct
{
  gboolean   exists;
  char      *id;
  char      *slug;
  char      *name;
  char      *tagline;
  char      *description;
  char      *location;
  char      *start_date;     /* YYYY-MM-DD */
  char      *end_date;
  char      *owner_name;
  char      *owner_email;
  char      *access_code;
  char      *currency;       /* ISO 4217 */
  gint64     reservation_minutes;
  gboolean   published;
  gboolean   was_ever_published;
  GPtrArray *seat_types;     /* CcmSeatType*, in creation order, removed ones kept */
  /* Per field: the stream version and device of its last change, to tell
   * concurrent edits of the same field from the same base (DESIGN §5.3). */
  gint64     field_version[CCM_CONFERENCE_N_FIELDS];
  char      *field_device[CCM_CONFERENCE_N_FIELDS];
} CcmConferenceState;

extern const CcmAggregate ccm_conference_aggregate;

char              *ccm_conference_stream          (const char               *slug);
const CcmSeatType *ccm_conference_find_seat_type  (const CcmConferenceState *state,
                                                   const char               *id_or_name);
void               ccm_conference_register        (CcmRegistry              *registry);

/* A person's members, as registrants, attendees and waitlist entries carry
 * them: first_name, last_name, email (ccm_registry_add_personal_data). */
extern const CcmPersonalField ccm_person_fields[];

/* Validation shared with forms and the command line. */
gboolean           ccm_validate_slug              (const char               *slug,
                                                   GError                  **error);
gboolean           ccm_validate_email             (const char               *field,
                                                   const char               *email,
                                                   GError                  **error);
gboolean           ccm_validate_date              (const char               *field,
                                                   const char               *date,
                                                   GError                  **error);

G_END_DECLS
