/* ccm-ui-queries.c — counts, aggregates and search over the order read
 * model, for the overview and the lazy order list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

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
  stmt = ccm_store_prepare (store,
                            "SELECT status, count (*), coalesce (sum (total), 0), max (currency) "
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
  if (status != NULL)
    sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 2);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
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
    { "placed_at, order_id", "placed_at DESC, order_id DESC" },
    { "access_code, order_id", "access_code DESC, order_id DESC" },
    { "status, placed_at DESC", "status DESC, placed_at DESC" },
    { "last_name, first_name, order_id", "last_name DESC, first_name DESC, order_id DESC" },
    { "total, placed_at DESC", "total DESC, placed_at DESC" },
  };
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *folded = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (sort <= CCM_ORDER_SORT_TOTAL, NULL);

  sql = g_strconcat ("SELECT order_id FROM order_views "
                     "WHERE conference = ?1 AND (?2 IS NULL OR status = ?2) AND "
                     "(?3 IS NULL OR access_code LIKE ?3 ESCAPE '\\' OR "
                     " email_key LIKE ?3 ESCAPE '\\' OR first_name LIKE ?3 ESCAPE '\\' OR "
                     " last_name LIKE ?3 ESCAPE '\\' OR "
                     " (coalesce (first_name, '') || ' ' || coalesce (last_name, '')) "
                     "   LIKE ?3 ESCAPE '\\') "
                     "ORDER BY ", order_by[sort][descending ? 1 : 0], NULL);
  stmt = ccm_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  if (status != NULL)
    sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 2);
  if (search != NULL && *search != '\0')
    {
      GString *escaped = g_string_new (NULL);

      folded = g_utf8_casefold (search, -1);
      for (const char *p = folded; *p != '\0'; p++)
        {
          if (*p == '%' || *p == '_' || *p == '\\')
            g_string_append_c (escaped, '\\');
          g_string_append_c (escaped, *p);
        }
      g_string_append_c (escaped, '%');
      pattern = g_string_free (escaped, FALSE);
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
