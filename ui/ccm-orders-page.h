/* ccm-orders-page.h — every order of a conference, searchable, and one
 * order's detail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"
#include "ccm-order-list-model.h"

G_BEGIN_DECLS

#define CCM_TYPE_ORDERS_PAGE (ccm_orders_page_get_type ())
G_DECLARE_FINAL_TYPE (CcmOrdersPage, ccm_orders_page, CCM, ORDERS_PAGE, GtkWidget)

void               ccm_orders_page_set_context    (CcmOrdersPage *self,
                                                   CcmContext    *context);
void               ccm_orders_page_set_conference (CcmOrdersPage *self,
                                                   const char    *slug);
void               ccm_orders_page_focus_search   (CcmOrdersPage *self);
void               ccm_orders_page_show_order     (CcmOrdersPage *self,
                                                   const char    *order_id);
CcmOrderListModel *ccm_orders_page_get_model      (CcmOrdersPage *self);
/* For tests: the detail's cancel button and the open confirmation. */
GtkWidget         *ccm_orders_page_get_cancel_button (CcmOrdersPage *self);
/* "Continue Registration" or "Name Attendees"; NULL for an order that
 * cannot go on. */
GtkWidget         *ccm_orders_page_get_resume_button (CcmOrdersPage *self);
AdwMessageDialog  *ccm_orders_page_get_cancel_dialog (CcmOrdersPage *self);
/* For tests: the detail's history, one row per event, and its pending tag. */
guint              ccm_orders_page_get_n_history_rows (CcmOrdersPage *self);
AdwActionRow      *ccm_orders_page_get_history_row    (CcmOrdersPage *self,
                                                       guint          index);
gboolean           ccm_orders_page_get_detail_pending (CcmOrdersPage *self);

G_END_DECLS
