/* ccm-payment.h — the Payment aggregate (DESIGN §3.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

typedef enum
{
  CCM_PAYMENT_NEW,
  CCM_PAYMENT_INITIATED,
  CCM_PAYMENT_COMPLETED,
  CCM_PAYMENT_REJECTED,
} CcmPaymentStatus;

typedef struct
{
  CcmPaymentStatus  status;
  char             *payment_id;
  char             *order_id;
  char             *conference;
  char             *method;        /* cash, card, invoice, processor */
  char             *currency;
  gint64            amount;        /* cents */
  gboolean          mismatch_flagged;
} CcmPaymentState;

extern const CcmAggregate ccm_payment_aggregate;

char       *ccm_payment_stream             (const char       *payment_id);
const char *ccm_payment_status_to_string   (CcmPaymentStatus  status);
void        ccm_payment_register           (CcmRegistry      *registry);

G_END_DECLS
