/* ccm-registration.h — the process managers of orders and seats (DESIGN §3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

/* Key of the expiry timer of an order's registration process. */
#define CCM_REGISTRATION_EXPIRY_TIMER "expiry"
#define CCM_WAITLIST_HOLD_TIMER       "hold"

/* Per order: reservation, expiry, payment, confirmation, cancellation. */
extern const CcmProcessManager ccm_registration_manager;
/* Per conference: seat type quotas into seat counts. */
extern const CcmProcessManager ccm_seat_quota_manager;
/* Per waitlist entry: releases held seats nobody ordered in time. */
extern const CcmProcessManager ccm_waitlist_hold_manager;

void ccm_registration_register (CcmRegistry *registry);

G_END_DECLS
