/* ccm-orders-domain.h — orders, seats, payments, seat assignments, check-in
 * and the registration process (DESIGN §3.2–3.4), registered in one go
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

void ccm_orders_register (CcmRegistry *registry);

G_END_DECLS
