/* ccm-event-describe.h — one event of an order's history as a sentence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-event.h"
#include "ccm-store.h"

G_BEGIN_DECLS

char *ccm_event_describe        (const CcmEvent *event);
char *ccm_event_describe_where  (CcmStore       *store,
                                 const CcmEvent *event);

G_END_DECLS
