/* ccm-context.h — the composition root of the desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ccm-clock.h"
#include "ccm-store.h"
#include "ccm-sync-client.h"

G_BEGIN_DECLS

#define CCM_TYPE_CONTEXT (ccm_context_get_type ())
G_DECLARE_FINAL_TYPE (CcmContext, ccm_context, CCM, CONTEXT, GObject)

CcmContext *ccm_context_new          (const char   *store_path,
                                      GError      **error);
CcmStore   *ccm_context_get_store    (CcmContext   *self);
CcmClock   *ccm_context_get_clock    (CcmContext   *self);
GSettings  *ccm_context_get_settings (CcmContext   *self);
CcmSyncClient *ccm_context_get_sync_client (CcmContext *self);
void        ccm_context_enroll_async (CcmContext          *self,
                                      const char          *url,
                                      const char          *code,
                                      const char          *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean    ccm_context_enroll_finish (CcmContext   *self,
                                       GAsyncResult *result,
                                       GError      **error);
void        ccm_context_sync_now     (CcmContext   *self);
char       *ccm_context_new_id       (CcmContext   *self);
CcmOutcome *ccm_context_submit       (CcmContext   *self,
                                      const char   *type,
                                      JsonObject   *args,
                                      GError      **error);
/* Whether this device may run commands of the type (its role, once
 * enrolled): pages hide or disable what it may not. */
gboolean    ccm_context_may          (CcmContext   *self,
                                      const char   *type);

G_END_DECLS
