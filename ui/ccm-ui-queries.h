/* ccm-ui-queries.h — read-model queries the pages need that
 * model/ccm-order-views.h does not offer (yet): counts, aggregates and a
 * search that stay fast on 100 000 orders. They read the read-model
 * tables only, through the store's cached prepared statements.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"

G_BEGIN_DECLS

typedef enum
{
  CCM_ORDER_SORT_PLACED,
  CCM_ORDER_SORT_CODE,
  CCM_ORDER_SORT_STATUS,
  CCM_ORDER_SORT_REGISTRANT,
  CCM_ORDER_SORT_TOTAL,
} CcmOrderSort;

/* {by_status: {status: n}, orders: n, revenue: cents of confirmed orders,
 *  currency} */
JsonObject *ccm_ui_query_order_stats (CcmStore      *store,
                                      const char    *slug,
                                      GError       **error);
gint64      ccm_ui_query_count_orders (CcmStore     *store,
                                      const char    *slug,
                                      const char    *status,
                                      GError       **error);
/* Order ids matching a text (access-code, e-mail or name prefix), in the
 * given order. */
/* Where ORDER_ID stands in the list newest first (of one state, or all):
 * how many orders come before it; -1 if it is not in that list. */
gint64      ccm_ui_query_order_position (CcmStore    *store,
                                         const char  *slug,
                                         const char  *status,
                                         const char  *order_id,
                                         GError     **error);
GPtrArray  *ccm_ui_query_order_ids   (CcmStore      *store,
                                      const char    *slug,
                                      const char    *status,
                                      const char    *search,
                                      CcmOrderSort   sort,
                                      gboolean       descending,
                                      GError       **error);

G_END_DECLS
