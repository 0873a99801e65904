/* ccm-conference-dialog.h — create or edit a conference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

#define CCM_TYPE_CONFERENCE_DIALOG (ccm_conference_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CcmConferenceDialog, ccm_conference_dialog, CCM, CONFERENCE_DIALOG, AdwWindow)

CcmConferenceDialog *ccm_conference_dialog_new        (CcmContext          *context,
                                                       const char          *slug);
/* The row showing the field's error, or NULL: for tests. */
GtkWidget           *ccm_conference_dialog_get_row    (CcmConferenceDialog *self,
                                                       const char          *field);
const char          *ccm_conference_dialog_get_error  (CcmConferenceDialog *self,
                                                       const char          *field);

G_END_DECLS
