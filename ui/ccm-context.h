/* ccm-context.h — the composition root of the desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ccm-clock.h"
#include "ccm-store.h"

G_BEGIN_DECLS

#define CCM_TYPE_CONTEXT (ccm_context_get_type ())
G_DECLARE_FINAL_TYPE (CcmContext, ccm_context, CCM, CONTEXT, GObject)

CcmContext *ccm_context_new          (const char   *store_path,
                                      GError      **error);
CcmStore   *ccm_context_get_store    (CcmContext   *self);
CcmClock   *ccm_context_get_clock    (CcmContext   *self);
GSettings  *ccm_context_get_settings (CcmContext   *self);
GObject    *ccm_context_get_sync_client (CcmContext *self);
char       *ccm_context_new_id       (CcmContext   *self);
CcmOutcome *ccm_context_submit       (CcmContext   *self,
                                      const char   *type,
                                      JsonObject   *args,
                                      GError      **error);

G_END_DECLS
