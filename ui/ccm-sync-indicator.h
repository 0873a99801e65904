/* ccm-sync-indicator.h — the header bar's sync state and its popover
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

#define CCM_TYPE_SYNC_INDICATOR (ccm_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (CcmSyncIndicator, ccm_sync_indicator, CCM, SYNC_INDICATOR, AdwBin)

void        ccm_sync_indicator_set_context (CcmSyncIndicator *self,
                                            CcmContext       *context);
/* In a narrow window the button shows its icon (and the pending count)
 * without the word beside it; its tooltip and accessible label still say
 * it all. */
void        ccm_sync_indicator_set_compact (CcmSyncIndicator *self,
                                            gboolean          compact);
gboolean    ccm_sync_indicator_get_compact (CcmSyncIndicator *self);
/* What the button says (for tests): its short label and its accessible label. */
const char *ccm_sync_indicator_get_label      (CcmSyncIndicator *self);
const char *ccm_sync_indicator_get_description (CcmSyncIndicator *self);
/* "2 min ago", "just now", "never". */
char       *ccm_sync_indicator_format_ago     (gint64            then_us,
                                               gint64            now_us);

G_END_DECLS
