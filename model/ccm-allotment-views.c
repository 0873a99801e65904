/* ccm-allotment-views.c — the allotments read model
 *
 * One row per allotment, fed by the seats streams: granted, what is left of
 * it (seats reserved from it count as used; a cancelled reservation gives
 * them back while it runs) and whether it was returned or expired.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-allotment-views"

#include "ccm-allotment-views.h"
#include "ccm-json.h"
#include "ccm-order-views-private.h"

static const char *const tables[] = { "allotments", NULL };

static const char schema[] =
  "CREATE TABLE allotments ("
  "  allotment_id TEXT PRIMARY KEY,"
  "  conference TEXT NOT NULL,"
  "  device_id TEXT NOT NULL,"
  "  seat_type TEXT NOT NULL,"
  "  granted INTEGER NOT NULL,"
  "  remaining INTEGER NOT NULL,"
  "  returned INTEGER NOT NULL DEFAULT 0,"
  "  until INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  status TEXT NOT NULL,"
  "  source TEXT NOT NULL,"
  "  granted_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX allotments_conference ON allotments (conference, granted_at);";

static gboolean
project_granted (CcmStore        *store,
                 const CcmEvent  *event,
                 GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT OR REPLACE INTO allotments (allotment_id, conference, "
                            "device_id, seat_type, granted, remaining, until, expires_at, "
                            "status, source, granted_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ccm_json_string (p, "allotment_id"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ccm_json_string (p, "conference"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ccm_json_string (p, "device_id"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ccm_json_string (p, "seat_type"), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, ccm_json_int (p, "quantity", 0));
  sqlite3_bind_int64 (stmt, 6, ccm_json_int (p, "quantity", 0));
  sqlite3_bind_int64 (stmt, 7, ccm_json_int (p, "until", 0));
  sqlite3_bind_int64 (stmt, 8, ccm_json_int (p, "expires_at", 0));
  sqlite3_bind_text (stmt, 9, ccm_json_string (p, "source") != NULL
                              ? ccm_json_string (p, "source") : "grant", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, event->recorded_at);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_change (CcmStore        *store,
                const CcmEvent  *event,
                GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE allotments SET remaining = remaining + ? "
                            "WHERE allotment_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ccm_json_int (p, "allotment_changed", 0));
  sqlite3_bind_text (stmt, 2, ccm_json_string (p, "allotment_id"), -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_settled (CcmStore        *store,
                 const CcmEvent  *event,
                 const char      *status,
                 GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE allotments SET remaining = 0, returned = ?, status = ? "
                            "WHERE allotment_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, ccm_json_int (event->payload, "quantity", 0));
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ccm_json_string (event->payload, "allotment_id"), -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
allotment_apply (CcmStore        *store,
                 const CcmEvent  *event,
                 GError         **error)
{
  const char *type = event->type;

  if (!g_str_has_prefix (event->stream_id, "seats/"))
    return TRUE;

  if (g_str_equal (type, "AllotmentGranted"))
    return project_granted (store, event, error);
  if (g_str_equal (type, "AllotmentReturned"))
    return project_settled (store, event, "returned", error);
  if (g_str_equal (type, "AllotmentExpired"))
    return project_settled (store, event, "expired", error);
  if ((g_str_equal (type, "SeatsReserved") ||
       g_str_equal (type, "SeatsReservationCancelled") ||
       g_str_equal (type, "SeatsReleased")) &&
      ccm_json_int (event->payload, "allotment_changed", 0) != 0)
    return project_change (store, event, error);
  return TRUE;
}

const CcmProjection ccm_allotment_projection = {
  .name = "allotments",
  .version = 1,
  .schema = schema,
  .tables = tables,
  .apply = allotment_apply,
};

/* Queries */

#define ALLOTMENT_COLUMNS \
  "allotment_id, device_id, seat_type, granted, remaining, until, expires_at, status, source, " \
  "returned"

static JsonObject *
allotment_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();
  gint64 granted = sqlite3_column_int64 (stmt, 3);
  gint64 remaining = sqlite3_column_int64 (stmt, 4);
  const char *status = (const char *) sqlite3_column_text (stmt, 7);

  json_object_set_string_member (o, "allotment_id", (const char *) sqlite3_column_text (stmt, 0));
  json_object_set_string_member (o, "device_id", (const char *) sqlite3_column_text (stmt, 1));
  json_object_set_string_member (o, "seat_type", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_int_member (o, "granted", granted);
  json_object_set_int_member (o, "remaining", remaining);
  /* Seats sold from it: what it was granted less what it still has or gave back. */
  json_object_set_int_member (o, "used", granted - remaining - sqlite3_column_int64 (stmt, 9));
  /* Times as everywhere else in the read models: RFC 3339, UTC. */
  ccm_views_set_time (o, "until", stmt, 5);
  ccm_views_set_time (o, "expires_at", stmt, 6);
  json_object_set_string_member (o, "status", status);
  json_object_set_string_member (o, "source", (const char *) sqlite3_column_text (stmt, 8));
  return o;
}

JsonArray *
ccm_allotment_views_list (CcmStore    *store,
                          const char  *slug,
                          GError     **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (slug != NULL, NULL);

  stmt = ccm_store_prepare (store,
                            "SELECT " ALLOTMENT_COLUMNS " FROM allotments WHERE conference = ? "
                            "ORDER BY granted_at DESC, allotment_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (list, allotment_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (store, error, rc, "listing allotments");
      return NULL;
    }
  return g_steal_pointer (&list);
}

JsonObject *
ccm_allotment_views_find_usable (CcmStore    *store,
                                 const char  *slug,
                                 const char  *device_id,
                                 const char  *seat_type,
                                 gint64       now,
                                 GError     **error)
{
  g_autoptr(JsonObject) found = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  stmt = ccm_store_prepare (store,
                            "SELECT " ALLOTMENT_COLUMNS " FROM allotments "
                            "WHERE conference = ? AND device_id = ? AND seat_type = ? "
                            "AND status = 'active' AND until > ? AND remaining > 0 "
                            "ORDER BY remaining DESC, until LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, seat_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    found = allotment_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (store, error, rc, "finding an allotment");
      return NULL;
    }
  return g_steal_pointer (&found);
}
