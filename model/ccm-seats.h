/* ccm-seats.h — the SeatsAvailability aggregate and its waitlists (DESIGN §3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

/* How long seats freed for a waitlisted registrant are held for them. */
#define CCM_WAITLIST_HOLD_HOURS 24

/* A number of seats of one type; lists of them keep their order. */
typedef struct
{
  char   *seat_type;
  gint64  quantity;
} CcmSeatQuantity;

/* A registrant waiting for seats of one type. */
typedef struct
{
  char   *entry_id;
  char   *email;
  char   *first_name;
  char   *last_name;
  gint64  waiting;     /* seats still wanted */
} CcmWaitlistEntry;

typedef struct
{
  char      *seat_type;
  gint64     remaining;  /* may be negative after a quota cut */
  GPtrArray *waitlist;   /* CcmWaitlistEntry*, first come first */
} CcmSeatAvailability;

typedef struct
{
  char      *reservation_id;
  GPtrArray *seats;          /* CcmSeatQuantity* */
  gboolean   waitlist_hold;  /* seats put aside for a waitlist entry */
  gint64     hold_until;
} CcmSeatReservation;

typedef struct
{
  GPtrArray  *types;         /* CcmSeatAvailability*, in the order added */
  GHashTable *pending;       /* reservation id -> CcmSeatReservation* */
  GHashTable *committed;     /* reservation id -> CcmSeatReservation* */
} CcmSeatsState;

extern const CcmAggregate ccm_seats_aggregate;

char                      *ccm_seats_stream                 (const char          *conference);
const CcmSeatAvailability *ccm_seats_find_type              (const CcmSeatsState *state,
                                                             const char          *seat_type);
void                       ccm_seats_register               (CcmRegistry         *registry);

/* Seat quantity lists, as JSON [{"seat_type": …, "quantity": …}, …]. */
CcmSeatQuantity           *ccm_seat_quantity_new            (const char          *seat_type,
                                                             gint64               quantity);
void                       ccm_seat_quantity_free           (CcmSeatQuantity     *self);
GPtrArray                 *ccm_seat_quantities_new          (void);
GPtrArray                 *ccm_seat_quantities_copy         (GPtrArray           *list);
gint64                     ccm_seat_quantities_get          (GPtrArray           *list,
                                                             const char          *seat_type);
void                       ccm_seat_quantities_set          (GPtrArray           *list,
                                                             const char          *seat_type,
                                                             gint64               quantity);
gint64                     ccm_seat_quantities_total        (GPtrArray           *list);
gboolean                   ccm_seat_quantities_equal        (GPtrArray           *a,
                                                             GPtrArray           *b);
JsonArray                 *ccm_seat_quantities_to_json      (GPtrArray           *list);
GPtrArray                 *ccm_seat_quantities_from_json    (JsonArray           *array);
GPtrArray                 *ccm_seat_quantities_parse        (JsonObject          *args,
                                                             const char          *member,
                                                             GError             **error);

G_END_DECLS
