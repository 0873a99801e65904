/* ccm-order-list-model.h — a GListModel of a conference's orders that
 * fetches rows page by page as the view asks for them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ccm-store.h"
#include "ccm-ui-queries.h"

G_BEGIN_DECLS

#define CCM_TYPE_ORDER_ROW (ccm_order_row_get_type ())
G_DECLARE_FINAL_TYPE (CcmOrderRow, ccm_order_row, CCM, ORDER_ROW, GObject)

const char *ccm_order_row_get_order_id    (CcmOrderRow *self);
const char *ccm_order_row_get_access_code (CcmOrderRow *self);
const char *ccm_order_row_get_status      (CcmOrderRow *self);
const char *ccm_order_row_get_registrant  (CcmOrderRow *self);
const char *ccm_order_row_get_email       (CcmOrderRow *self);
const char *ccm_order_row_get_currency    (CcmOrderRow *self);
gint64      ccm_order_row_get_total       (CcmOrderRow *self);
gint64      ccm_order_row_get_seats       (CcmOrderRow *self);
gint64      ccm_order_row_get_placed_at   (CcmOrderRow *self);
CcmOrderRow *ccm_order_row_new_from_json  (JsonObject  *object);

#define CCM_TYPE_ORDER_LIST_MODEL (ccm_order_list_model_get_type ())
G_DECLARE_FINAL_TYPE (CcmOrderListModel, ccm_order_list_model, CCM, ORDER_LIST_MODEL, GObject)

#define CCM_ORDER_LIST_PAGE_SIZE 100

CcmOrderListModel *ccm_order_list_model_new         (CcmStore          *store);
void               ccm_order_list_model_set_conference (CcmOrderListModel *self,
                                                     const char        *slug);
void               ccm_order_list_model_set_status  (CcmOrderListModel *self,
                                                     const char        *status);
void               ccm_order_list_model_set_search  (CcmOrderListModel *self,
                                                     const char        *search);
void               ccm_order_list_model_set_sort    (CcmOrderListModel *self,
                                                     CcmOrderSort       sort,
                                                     gboolean           descending);
/* Drops the cached pages and counts again: after the store changed. */
void               ccm_order_list_model_reload      (CcmOrderListModel *self);
gint64             ccm_order_list_model_find        (CcmOrderListModel *self,
                                                     const char        *order_id);
guint              ccm_order_list_model_get_n_fetches (CcmOrderListModel *self);

G_END_DECLS
