/* ccm-window-private.h — what the UI tests and the benchmark reach into
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-window.h"
#include "ccm-checkin-page.h"
#include "ccm-orders-page.h"
#include "ccm-overview-page.h"
#include "ccm-registration-page.h"
#include "ccm-seat-types-page.h"

G_BEGIN_DECLS

GListModel          *ccm_window_get_conferences       (CcmWindow *self);
CcmOverviewPage     *ccm_window_get_overview_page     (CcmWindow *self);
CcmSeatTypesPage    *ccm_window_get_seat_types_page   (CcmWindow *self);
CcmOrdersPage       *ccm_window_get_orders_page       (CcmWindow *self);
CcmRegistrationPage *ccm_window_get_registration_page (CcmWindow *self);
CcmCheckinPage      *ccm_window_get_checkin_page      (CcmWindow *self);
GtkWidget           *ccm_window_get_conference_dialog (CcmWindow *self);
guint                ccm_window_count_attention       (CcmWindow *self);
/* The "Mark as Resolved?" dialog while it is open. */
GtkWidget           *ccm_window_get_attention_dialog  (CcmWindow *self);
/* The dropdown that picks the attention list's kind of item. */
GtkWidget           *ccm_window_get_attention_kind_dropdown (CcmWindow *self);
/* The button that shows more of the attention list. */
GtkWidget           *ccm_window_get_attention_more_button (CcmWindow *self);
/* Whether the rows' buttons are stacked for a narrow window. */
gboolean             ccm_window_get_narrow            (CcmWindow *self);
/* The file the exports and the import use, instead of asking (NULL: ask). */
void                 ccm_window_set_transfer_file     (CcmWindow  *self,
                                                       const char *path);

G_END_DECLS
