/* ccm-order.h — the Order aggregate and its pricing (DESIGN §3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

#define CCM_ACCESS_CODE_LENGTH 6

typedef enum
{
  CCM_ORDER_NEW,                 /* no such order yet */
  CCM_ORDER_PENDING,             /* placed, waiting for its seats */
  CCM_ORDER_RESERVED,
  CCM_ORDER_PARTIALLY_RESERVED,
  CCM_ORDER_CONFIRMED,
  CCM_ORDER_EXPIRED,
  CCM_ORDER_CANCELLED,
} CcmOrderStatus;

/* A seat type in an order: what was asked, at which unit price. */
typedef struct
{
  char   *seat_type;    /* id */
  char   *name;
  gint64  quantity;
  gint64  unit_price;   /* cents, as read from the conference when asked */
} CcmOrderItem;

typedef struct
{
  CcmOrderStatus  status;
  char           *order_id;
  char           *conference;     /* slug */
  char           *access_code;
  char           *currency;
  GPtrArray      *items;          /* CcmOrderItem*, what was asked, in line order */
  GPtrArray      *reserved;       /* CcmSeatQuantity*, NULL until reserved */
  GPtrArray      *ticket_codes;   /* char*, one per seat asked at least */
  gint64          total;          /* cents */
  gint64          expires_at;     /* µs UTC */
  gboolean        partial_accepted;
  char           *first_name;
  char           *last_name;
  char           *email;
  char           *payment_id;     /* of the payment that confirmed it */
  gint64          amount_paid;
  GPtrArray      *refunded;       /* char*, payment ids with a refund recorded */
  char           *allotment_id;   /* the selling desk's allotment, if any */
  char           *device_id;      /* the device that placed it, with an allotment */
  gboolean        guaranteed;     /* its reservation came all from that allotment */
} CcmOrderState;

/* Claims of access codes, stream "order-code/<slug>/<CODE>". */
typedef struct
{
  char *order_id;
} CcmOrderCodeState;

extern const CcmAggregate ccm_order_aggregate;
extern const CcmAggregate ccm_order_code_aggregate;

char       *ccm_order_stream             (const char           *order_id);
char       *ccm_order_code_stream        (const char           *conference,
                                          const char           *access_code);
const char *ccm_order_status_to_string   (CcmOrderStatus        status);
/* The seats a confirmation would hold: what was reserved, else what was asked. */
GPtrArray  *ccm_order_get_seats          (const CcmOrderState  *state);
void        ccm_order_register           (CcmRegistry          *registry);

char       *ccm_access_code_new          (void);
gboolean    ccm_access_code_is_valid     (const char           *code);

/* The original system's V1 "OrderPaymentConfirmed" is today's "OrderConfirmed". */
void        ccm_order_upcast_payment_confirmed (CcmEvent       *event);

G_END_DECLS
