/* ccm-domain.h — the product's registry: every decider, projection,
 * process manager and upcaster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

CcmRegistry *ccm_domain_registry_new (void);

G_END_DECLS
