/* ccm-orders-domain.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-orders-domain"

#include "ccm-orders-domain.h"
#include "ccm-assignments.h"
#include "ccm-attention.h"
#include "ccm-checkin.h"
#include "ccm-order.h"
#include "ccm-payment.h"
#include "ccm-registration.h"
#include "ccm-seats.h"

/* Command handlers, process managers and upcasters of DESIGN §3.2–3.4. */
void
ccm_orders_register (CcmRegistry *registry)
{
  g_return_if_fail (registry != NULL);

  ccm_seats_register (registry);
  ccm_order_register (registry);
  ccm_payment_register (registry);
  ccm_assignments_register (registry);
  ccm_checkin_register (registry);
  ccm_registration_register (registry);
  ccm_attention_register (registry);
}
