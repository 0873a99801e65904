/* ccm-conference-views.h — read models of conferences and seat types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"

G_BEGIN_DECLS

extern const CcmProjection ccm_conference_projection;

/* Queries return JSON objects shaped like the command line's --json output. */
JsonArray  *ccm_conference_views_list (CcmStore    *store,
                                       GError     **error);
JsonObject *ccm_conference_views_get  (CcmStore    *store,
                                       const char  *slug,
                                       GError     **error);

G_END_DECLS
