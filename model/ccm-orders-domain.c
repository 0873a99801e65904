/* ccm-orders-domain.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-orders-domain"

#include "ccm-orders-domain.h"
#include "ccm-seats.h"

void
ccm_orders_register (CcmRegistry *registry)
{
  g_return_if_fail (registry != NULL);

  ccm_seats_register (registry);
}
