/* ccm-allotment-views.h — the allotments read model (DESIGN §5.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"

G_BEGIN_DECLS

extern const CcmProjection ccm_allotment_projection;

/* A conference's allotments, newest first, as JSON objects: allotment_id,
 * device_id, seat_type, granted, remaining, used, until, expires_at and
 * status ("active", "returned" or "expired"). */
JsonArray  *ccm_allotment_views_list       (CcmStore    *store,
                                            const char  *slug,
                                            GError     **error);
/* The device's running allotment of a seat type with the most seats left
 * at `now` (before its until), or NULL when it has none. */
JsonObject *ccm_allotment_views_find_usable (CcmStore    *store,
                                             const char  *slug,
                                             const char  *device_id,
                                             const char  *seat_type,
                                             gint64       now,
                                             GError     **error);

G_END_DECLS
