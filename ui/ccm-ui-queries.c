/* ccm-ui-queries.c — counts, aggregates and search over the order read
 * model, for the overview and the lazy order list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include "ccm-order-views.h"
#include "ccm-ui-queries.h"

JsonObject *
ccm_ui_query_order_stats (CcmStore    *store,
                          const char  *slug,
                          GError     **error)
{
  g_autoptr(JsonObject) o = json_object_new ();
  JsonObject *by_status = json_object_new ();
  sqlite3_stmt *stmt;
  gint64 orders = 0, revenue = 0;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  json_object_set_object_member (o, "by_status", by_status);
  /* Counts and sums come from the (conference, status, …, total) index
   * alone; the currency, the same on every order of a conference, from
   * one row. */
  stmt = ccm_store_prepare (store,
                            "SELECT status, count (*), coalesce (sum (total), 0), "
                            "  (SELECT currency FROM order_views WHERE conference = ?1 LIMIT 1) "
                            "FROM order_views WHERE conference = ?1 GROUP BY status",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *status = (const char *) sqlite3_column_text (stmt, 0);
      gint64 n = sqlite3_column_int64 (stmt, 1);

      json_object_set_int_member (by_status, status, n);
      orders += n;
      if (g_strcmp0 (status, "confirmed") == 0)
        revenue = sqlite3_column_int64 (stmt, 2);
      if (sqlite3_column_text (stmt, 3) != NULL)
        json_object_set_string_member (o, "currency", (const char *) sqlite3_column_text (stmt, 3));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (store, error, rc, "counting orders");
      return NULL;
    }
  json_object_set_int_member (o, "orders", orders);
  json_object_set_int_member (o, "revenue", revenue);
  return g_steal_pointer (&o);
}

gint64
ccm_ui_query_count_orders (CcmStore    *store,
                           const char  *slug,
                           const char  *status,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;

  g_return_val_if_fail (CCM_IS_STORE (store), -1);

  stmt = ccm_store_prepare (store,
                            "SELECT count (*) FROM order_views "
                            "WHERE conference = ?1 AND (?2 IS NULL OR status = ?2)",
                            error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  /* A NULL text binds SQL NULL: every state. */
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

gint64
ccm_ui_query_order_position (CcmStore    *store,
                             const char  *slug,
                             const char  *status,
                             const char  *order_id,
                             GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 position = -1;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), -1);

  /* The orders placed after it, by the index the list is read by. */
  stmt = ccm_store_prepare (store,
                            "SELECT (SELECT count (*) FROM order_views o "
                            "        WHERE o.conference = ?1 AND (?2 IS NULL OR o.status = ?2) "
                            "        AND (o.placed_at > x.placed_at OR (o.placed_at = x.placed_at "
                            "             AND o.placed_position > x.placed_position))) "
                            "FROM order_views x WHERE x.order_id = ?3 AND x.conference = ?1 "
                            "AND (?2 IS NULL OR x.status = ?2)",
                            error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  /* A NULL text binds SQL NULL: every state. */
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, order_id, -1, SQLITE_STATIC);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    position = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    ccm_store_set_sqlite_error (store, error, rc, "finding an order in the list");
  return position;
}

GPtrArray *
ccm_ui_query_order_ids (CcmStore     *store,
                        const char   *slug,
                        const char   *status,
                        const char   *search,
                        CcmOrderSort  sort,
                        gboolean      descending,
                        GError      **error)
{
  /* One fixed statement per sort key and direction: the ORDER BY is chosen
   * from this table, never built from data. */
  static const char *const order_by[][2] = {
    { "placed_at, placed_position", "placed_at DESC, placed_position DESC" },
    { "access_code, placed_position", "access_code DESC, placed_position DESC" },
    { "status, placed_at DESC, placed_position DESC", "status DESC, placed_at DESC, placed_position DESC" },
    { "last_name, first_name, placed_position", "last_name DESC, first_name DESC, placed_position DESC" },
    { "total, placed_at DESC, placed_position DESC", "total DESC, placed_at DESC, placed_position DESC" },
  };
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = NULL;
  g_autofree char *pattern = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (sort <= CCM_ORDER_SORT_TOTAL, NULL);

  /* Every column read is in the (conference[, status]) index, and the
   * search is one substring test on the folded key (see
   * ccm_order_views_search_key). */
  sql = g_strconcat ("SELECT order_id FROM order_views "
                     "WHERE conference = ?1 AND (?2 IS NULL OR status = ?2) AND "
                     "(?3 IS NULL OR instr (search_key, ?3) > 0) "
                     "ORDER BY ", order_by[sort][descending ? 1 : 0], NULL);
  stmt = ccm_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  /* A NULL text binds SQL NULL: every state. */
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  if (search != NULL && *search != '\0')
    {
      pattern = ccm_order_views_search_pattern (search);
      sqlite3_bind_text (stmt, 3, pattern, -1, SQLITE_STATIC);
    }
  else
    sqlite3_bind_null (stmt, 3);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (store, error, rc, "searching orders");
      return NULL;
    }
  return g_steal_pointer (&ids);
}
