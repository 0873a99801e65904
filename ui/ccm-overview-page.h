/* ccm-overview-page.h — seats, revenue, orders and check-ins at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

#define CCM_TYPE_OVERVIEW_PAGE (ccm_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (CcmOverviewPage, ccm_overview_page, CCM, OVERVIEW_PAGE, GtkWidget)

void ccm_overview_page_set_context    (CcmOverviewPage *self,
                                       CcmContext      *context);
void ccm_overview_page_set_conference (CcmOverviewPage *self,
                                       const char      *slug);
void ccm_overview_page_refresh        (CcmOverviewPage *self);

G_END_DECLS
