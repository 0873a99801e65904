/* ccm-preferences-window.h — desk name, badge printer, server address,
 * reservation default
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

#define CCM_TYPE_PREFERENCES_WINDOW (ccm_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (CcmPreferencesWindow, ccm_preferences_window, CCM, PREFERENCES_WINDOW, AdwPreferencesWindow)

CcmPreferencesWindow *ccm_preferences_window_new (CcmContext *context);
void ccm_preferences_window_set_conference (CcmPreferencesWindow *self,
                                            const char           *slug);
/* What the last test badge came to (the printer row says it), NULL while
 * one prints. */
const char *ccm_preferences_window_get_test_result (CcmPreferencesWindow *self);

G_END_DECLS
