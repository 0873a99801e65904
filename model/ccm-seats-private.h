/* ccm-seats-private.h — what the allotment deciders share with the seats ones
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-seats.h"

G_BEGIN_DECLS

char       *ccm_seats_stream_for       (const CcmCommand     *command,
                                        GError              **error);
/* A payload naming the command's conference. */
JsonObject *ccm_seats_payload          (const CcmCommand     *command);
JsonArray  *ccm_seats_one_change       (const char           *seat_type,
                                        gint64                quantity);
gboolean    ccm_seats_require_type     (const CcmSeatsState  *state,
                                        const char           *seat_type,
                                        GError              **error);
/* Seats given back to the pool go to the types' waitlists first. */
void        ccm_seats_serve_waitlists  (const CcmSeatsState  *state,
                                        const CcmCommand     *command,
                                        GPtrArray            *changes,
                                        const char           *skip,
                                        CcmDecideContext     *ctx);
/* Runs a seats decider, then refuses its events if they would promise more
 * seats of a type than its quota (committed + held + outstanding allotments
 * > quota) or take more from an allotment than it has left. */
gboolean    ccm_seats_guard            (CcmDecideFunc         decide,
                                        gconstpointer         state,
                                        const CcmCommand     *command,
                                        CcmDecideContext     *ctx,
                                        GError              **error);

#define CCM_SEATS_GUARDED(func) \
  static gboolean \
  func##_guarded (gconstpointer      state, \
                  const CcmCommand  *command, \
                  CcmDecideContext  *ctx, \
                  GError           **error) \
  { \
    return ccm_seats_guard (func, state, command, ctx, error); \
  }

/* Allotments (ccm-allotments.c) */
void        ccm_allotments_register    (CcmRegistry          *registry);

extern const CcmProcessManager ccm_allotment_manager;

G_END_DECLS
