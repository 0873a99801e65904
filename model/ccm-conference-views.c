/* ccm-conference-views.c — the conferences and seat_types read models
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-conference-views"

#include <glib/gi18n-lib.h>
#include "ccm-conference-views.h"
#include "ccm-errors.h"
#include <string.h>

#include "ccm-json.h"

static const char *const tables[] = { "seat_types", "conferences", NULL };

static const char schema[] =
  "CREATE TABLE conferences ("
  "  slug TEXT PRIMARY KEY,"
  "  conference_id TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  tagline TEXT NOT NULL,"
  "  description TEXT NOT NULL,"
  "  location TEXT NOT NULL,"
  "  start_date TEXT NOT NULL,"
  "  end_date TEXT NOT NULL,"
  "  owner_name TEXT NOT NULL,"
  "  owner_email TEXT NOT NULL,"
  "  access_code TEXT NOT NULL,"
  "  currency TEXT NOT NULL,"
  "  reservation_minutes INTEGER NOT NULL,"
  "  published INTEGER NOT NULL DEFAULT 0,"
  "  was_ever_published INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE seat_types ("
  "  seat_type_id TEXT PRIMARY KEY,"
  "  conference_id TEXT NOT NULL REFERENCES conferences (conference_id),"
  "  name TEXT NOT NULL,"
  "  description TEXT NOT NULL,"
  "  price INTEGER NOT NULL,"
  "  quota INTEGER NOT NULL,"
  "  ordinal INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX seat_types_conference ON seat_types (conference_id, ordinal);";

/* Fields a ConferenceUpdated may carry, in the order of the UPDATE below. */
static const char *const updatable[] = {
  "name", "tagline", "description", "location", "start_date", "end_date",
  "owner_name", "owner_email", "currency", "reservation_minutes", NULL
};

static gboolean
project_created (CcmStore        *store,
                 const CcmEvent  *event,
                 GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO conferences (conference_id, slug, name, tagline, "
                            "description, location, start_date, end_date, owner_name, "
                            "owner_email, access_code, currency, reservation_minutes, "
                            "created_at, updated_at, version) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, ccm_json_string (p, "conference_id"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ccm_json_string (p, "slug"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ccm_json_string (p, "name"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ccm_json_string (p, "tagline"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, ccm_json_string (p, "description"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, ccm_json_string (p, "location"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, ccm_json_string (p, "start_date"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, ccm_json_string (p, "end_date"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, ccm_json_string (p, "owner_name"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, ccm_json_string (p, "owner_email"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, ccm_json_string (p, "access_code"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, ccm_json_string (p, "currency"), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 13, ccm_json_int (p, "reservation_minutes", 15));
  sqlite3_bind_int64 (stmt, 14, event->recorded_at);
  sqlite3_bind_int64 (stmt, 15, event->recorded_at);
  sqlite3_bind_int64 (stmt, 16, event->stream_version);
  return ccm_store_step_done (store, stmt, error);
}

static const char *
conference_id_of_stream (const CcmEvent *event)
{
  /* Events after ConferenceCreated do not all repeat the id; the stream's
   * slug finds the row. */
  return event->stream_id + strlen ("conference/");
}

/* One statement for any subset of fields: coalesce keeps what the event did
 * not change (events carry changed fields only). */
static gboolean
project_updated (CcmStore        *store,
                 const CcmEvent  *event,
                 GError         **error)
{
  JsonObject *p = event->payload;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE conferences SET name = coalesce (?1, name), "
                            "tagline = coalesce (?2, tagline), "
                            "description = coalesce (?3, description), "
                            "location = coalesce (?4, location), "
                            "start_date = coalesce (?5, start_date), "
                            "end_date = coalesce (?6, end_date), "
                            "owner_name = coalesce (?7, owner_name), "
                            "owner_email = coalesce (?8, owner_email), "
                            "currency = coalesce (?9, currency), "
                            "reservation_minutes = coalesce (?10, reservation_minutes), "
                            "updated_at = ?11, version = ?13 WHERE slug = ?12", error);
  if (stmt == NULL)
    return FALSE;

  /* Walk the few members the event has rather than look up every field. */
  json_object_iter_init (&iter, p);
  while (json_object_iter_next (&iter, &member, &node))
    {
      for (guint i = 0; updatable[i] != NULL; i++)
        {
          if (strcmp (member, updatable[i]) != 0 || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
            continue;
          if (json_node_get_value_type (node) == G_TYPE_INT64)
            sqlite3_bind_int64 (stmt, i + 1, json_node_get_int (node));
          else
            sqlite3_bind_text (stmt, i + 1, json_node_get_string (node), -1, SQLITE_STATIC);
          break;
        }
    }
  sqlite3_bind_int64 (stmt, 11, event->recorded_at);
  sqlite3_bind_text (stmt, 12, conference_id_of_stream (event), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 13, event->stream_version);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_published (CcmStore        *store,
                   const CcmEvent  *event,
                   gboolean         published,
                   GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE conferences SET published = ?1, "
                            "was_ever_published = max(was_ever_published, ?1), updated_at = ?2, "
                            "version = ?4 WHERE slug = ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, published);
  sqlite3_bind_int64 (stmt, 2, event->recorded_at);
  sqlite3_bind_text (stmt, 3, conference_id_of_stream (event), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, event->stream_version);
  return ccm_store_step_done (store, stmt, error);
}

/* Seat type events move the conference's version too: an edit's base is the
 * whole stream. */
static gboolean
project_version (CcmStore        *store,
                 const CcmEvent  *event,
                 GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store, "UPDATE conferences SET version = ? WHERE slug = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, event->stream_version);
  sqlite3_bind_text (stmt, 2, conference_id_of_stream (event), -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_seat_type_created (CcmStore        *store,
                           const CcmEvent  *event,
                           GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO seat_types (seat_type_id, conference_id, name, "
                            "description, price, quota, ordinal) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                            "(SELECT count(*) FROM seat_types WHERE conference_id = ?2))",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ccm_json_string (p, "seat_type_id"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ccm_json_string (p, "conference_id"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ccm_json_string (p, "name"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ccm_json_string (p, "description"), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, ccm_json_int (p, "price", 0));
  sqlite3_bind_int64 (stmt, 6, ccm_json_int (p, "quota", 0));
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_seat_type_updated (CcmStore        *store,
                           const CcmEvent  *event,
                           GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  /* coalesce keeps what the event did not change. */
  stmt = ccm_store_prepare (store,
                            "UPDATE seat_types SET name = coalesce (?2, name), "
                            "description = coalesce (?3, description), "
                            "price = coalesce (?4, price), quota = coalesce (?5, quota) "
                            "WHERE seat_type_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ccm_json_string (p, "seat_type_id"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ccm_json_string (p, "name"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ccm_json_string (p, "description"), -1, SQLITE_STATIC);
  if (json_object_has_member (p, "price"))
    sqlite3_bind_int64 (stmt, 4, ccm_json_int (p, "price", 0));
  if (json_object_has_member (p, "quota"))
    sqlite3_bind_int64 (stmt, 5, ccm_json_int (p, "quota", 0));
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_seat_type_removed (CcmStore        *store,
                           const CcmEvent  *event,
                           GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store, "DELETE FROM seat_types WHERE seat_type_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ccm_json_string (event->payload, "seat_type_id"), -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
conference_apply (CcmStore        *store,
                  const CcmEvent  *event,
                  GError         **error)
{
  const char *type = event->type;

  if (!g_str_has_prefix (event->stream_id, "conference/"))
    return TRUE;

  if (g_str_equal (type, "ConferenceCreated"))
    return project_created (store, event, error);
  if (g_str_equal (type, "ConferenceUpdated"))
    return project_updated (store, event, error);
  if (g_str_equal (type, "ConferencePublished"))
    return project_published (store, event, TRUE, error);
  if (g_str_equal (type, "ConferenceUnpublished"))
    return project_published (store, event, FALSE, error);
  if (g_str_equal (type, "SeatTypeCreated"))
    return project_seat_type_created (store, event, error) &&
           project_version (store, event, error);
  if (g_str_equal (type, "SeatTypeUpdated"))
    return project_seat_type_updated (store, event, error) &&
           project_version (store, event, error);
  if (g_str_equal (type, "SeatTypeRemoved"))
    return project_seat_type_removed (store, event, error) &&
           project_version (store, event, error);
  return project_version (store, event, error);
}

const CcmProjection ccm_conference_projection = {
  .name = "conferences",
  .version = 3,
  .schema = schema,
  .tables = tables,
  .apply = conference_apply,
};

/* Queries */

static JsonObject *
conference_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "conference_id", (const char *) sqlite3_column_text (stmt, 0));
  json_object_set_string_member (o, "slug", (const char *) sqlite3_column_text (stmt, 1));
  json_object_set_string_member (o, "name", (const char *) sqlite3_column_text (stmt, 2));
  json_object_set_string_member (o, "tagline", (const char *) sqlite3_column_text (stmt, 3));
  json_object_set_string_member (o, "description", (const char *) sqlite3_column_text (stmt, 4));
  json_object_set_string_member (o, "location", (const char *) sqlite3_column_text (stmt, 5));
  json_object_set_string_member (o, "start_date", (const char *) sqlite3_column_text (stmt, 6));
  json_object_set_string_member (o, "end_date", (const char *) sqlite3_column_text (stmt, 7));
  json_object_set_string_member (o, "owner_name", (const char *) sqlite3_column_text (stmt, 8));
  json_object_set_string_member (o, "owner_email", (const char *) sqlite3_column_text (stmt, 9));
  json_object_set_string_member (o, "access_code", (const char *) sqlite3_column_text (stmt, 10));
  json_object_set_string_member (o, "currency", (const char *) sqlite3_column_text (stmt, 11));
  json_object_set_int_member (o, "reservation_minutes", sqlite3_column_int64 (stmt, 12));
  json_object_set_boolean_member (o, "published", sqlite3_column_int (stmt, 13));
  json_object_set_boolean_member (o, "was_ever_published", sqlite3_column_int (stmt, 14));
  json_object_set_int_member (o, "version", sqlite3_column_int64 (stmt, 15));
  return o;
}

#define CONFERENCE_COLUMNS \
  "conference_id, slug, name, tagline, description, location, start_date, " \
  "end_date, owner_name, owner_email, access_code, currency, " \
  "reservation_minutes, published, was_ever_published, version"

JsonArray *
ccm_conference_views_list (CcmStore  *store,
                           GError   **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  stmt = ccm_store_prepare (store,
                            "SELECT " CONFERENCE_COLUMNS " FROM conferences "
                            "ORDER BY start_date, slug", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (list, conference_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (store, error, rc, "listing conferences");
      return NULL;
    }
  return g_steal_pointer (&list);
}

JsonObject *
ccm_conference_views_get (CcmStore    *store,
                          const char  *slug,
                          GError     **error)
{
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(JsonArray) seat_types = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  stmt = ccm_store_prepare (store,
                            "SELECT " CONFERENCE_COLUMNS " FROM conferences WHERE slug = ?",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    conference = conference_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (store, error, rc, "reading a conference");
      return NULL;
    }
  if (conference == NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "slug",
                            _("There is no conference “%s”."), slug);
      return NULL;
    }

  stmt = ccm_store_prepare (store,
                            "SELECT seat_type_id, name, description, price, quota "
                            "FROM seat_types WHERE conference_id = ? ORDER BY ordinal",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, ccm_json_string (conference, "conference_id"), -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "seat_type_id", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (o, "name", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (o, "description", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_int_member (o, "price", sqlite3_column_int64 (stmt, 3));
      json_object_set_int_member (o, "quota", sqlite3_column_int64 (stmt, 4));
      json_array_add_object_element (seat_types, o);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (store, error, rc, "reading seat types");
      return NULL;
    }

  json_object_set_array_member (conference, "seat_types", g_steal_pointer (&seat_types));
  return g_steal_pointer (&conference);
}
