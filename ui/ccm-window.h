/* ccm-window.h — the main window: conferences beside their pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

#define CCM_TYPE_WINDOW (ccm_window_get_type ())
G_DECLARE_FINAL_TYPE (CcmWindow, ccm_window, CCM, WINDOW, AdwApplicationWindow)

CcmWindow  *ccm_window_new                 (GtkApplication *application,
                                            CcmContext     *context);
CcmContext *ccm_window_get_context         (CcmWindow      *self);
const char *ccm_window_get_conference      (CcmWindow      *self);
gboolean    ccm_window_select_conference   (CcmWindow      *self,
                                            const char     *slug);
void        ccm_window_show_page           (CcmWindow      *self,
                                            const char     *name);
void        ccm_window_show_order          (CcmWindow      *self,
                                            const char     *order_id_or_code);
void        ccm_window_set_checkin_mode    (CcmWindow      *self,
                                            gboolean        checkin_mode);
void        ccm_window_add_toast           (CcmWindow      *self,
                                            AdwToast       *toast);

G_END_DECLS
