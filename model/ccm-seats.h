/* ccm-seats.h — the SeatsAvailability aggregate and its waitlists (DESIGN §3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

/* How long seats freed for a waitlisted registrant are held for them. */
#define CCM_WAITLIST_HOLD_HOURS 24

/* How long past its `until` an allotment still counts: sales a desk made
 * before the lease ran out may reach the server a little later. */
#define CCM_ALLOTMENT_GRACE_MINUTES 10

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

/* Per seat type: quota = committed + held + outstanding allotments + remaining
 * (the free pool). The deciders keep remaining ≥ 0 (DESIGN §5.2); only a
 * quota cut recorded before that rule existed can have left it negative. */
typedef struct
{
  char      *seat_type;
  gint64     remaining;  /* free seats; negative only after an old quota cut */
  gint64     quota;      /* sum of the quota changes */
  GPtrArray *waitlist;   /* CcmWaitlistEntry*, first come first */
} CcmSeatAvailability;

typedef struct
{
  char      *reservation_id;
  GPtrArray *seats;          /* CcmSeatQuantity* */
  gboolean   waitlist_hold;  /* seats put aside for a waitlist entry */
  gint64     hold_until;
  char      *allotment_id;   /* the allotment some of the seats came from */
  gint64     from_allotment; /* how many, all of the allotment's seat type */
} CcmSeatReservation;

typedef enum
{
  CCM_ALLOTMENT_ACTIVE,
  CCM_ALLOTMENT_RETURNED,
  CCM_ALLOTMENT_EXPIRED,
} CcmAllotmentStatus;

/* Seats of one type leased to one device until `until` (server time). */
typedef struct
{
  char               *allotment_id;
  char               *device_id;
  char               *seat_type;
  gint64              granted;
  gint64              remaining;  /* not yet reserved from it: "outstanding" */
  gint64              until;      /* µs UTC */
  CcmAllotmentStatus  status;
} CcmAllotment;

typedef struct
{
  GPtrArray  *types;         /* CcmSeatAvailability*, in the order added */
  GHashTable *pending;       /* reservation id -> CcmSeatReservation* */
  GHashTable *committed;     /* reservation id -> CcmSeatReservation* */
  GHashTable *allotments;    /* allotment id -> CcmAllotment*, settled ones too */
} CcmSeatsState;

/* Per seat type, counted from the reservations and allotments themselves. */
typedef struct
{
  gint64 quota;
  gint64 committed;
  gint64 held;
  gint64 outstanding;
  gint64 remaining;
} CcmSeatInventory;

extern const CcmAggregate ccm_seats_aggregate;

char                      *ccm_seats_stream                 (const char          *conference);
const CcmSeatAvailability *ccm_seats_find_type              (const CcmSeatsState *state,
                                                             const char          *seat_type);
void                       ccm_seats_register               (CcmRegistry         *registry);
const CcmAllotment        *ccm_seats_find_allotment         (const CcmSeatsState *state,
                                                             const char          *allotment_id);
/* The allotment's `until` plus the grace period: from then on it is spent. */
gint64                     ccm_allotment_expires_at         (const CcmAllotment  *allotment);
gboolean                   ccm_seats_get_inventory          (const CcmSeatsState *state,
                                                             const char          *seat_type,
                                                             CcmSeatInventory    *inventory);

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
