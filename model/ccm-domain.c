/* ccm-domain.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-domain"

#include "ccm-allotment-views.h"
#include "ccm-conference.h"
#include "ccm-conference-views.h"
#include "ccm-domain.h"
#include "ccm-order-views.h"
#include "ccm-orders-domain.h"

/* The same registry runs on every desk, laptop and the server. */
CcmRegistry *
ccm_domain_registry_new (void)
{
  CcmRegistry *registry = ccm_registry_new ();

  ccm_conference_register (registry);
  ccm_orders_register (registry);
  ccm_registry_add_projection (registry, &ccm_conference_projection);
  ccm_registry_add_projection (registry, &ccm_allotment_projection);
  ccm_order_views_register (registry);
  /* What a revoked device wipes must be declared for every type. */
  ccm_registry_require_personal_data (registry);
  return registry;
}
