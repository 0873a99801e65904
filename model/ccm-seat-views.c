/* ccm-seat-views.c — seats per seat type and the waitlists, from the
 * conference/<slug> and seats/<slug> streams
 *
 * seat_availability keeps one row per seat type: its name, price and quota
 * from the conference, and from the seats stream what is left (available,
 * which goes negative after a quota cut), held by pending reservations
 * (reserved), by confirmed orders (sold) and leased to desks and not yet
 * used (allotted). seat_holds remembers what each reservation holds, so a
 * cancellation, commit or release moves exactly that; seat_allotments what
 * each allotment has left.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-seat-views"

#include <string.h>

#include "ccm-order-views.h"
#include "ccm-order-views-private.h"
#include "ccm-errors.h"
#include "ccm-json.h"

static const char *const tables[] = {
  "seat_availability", "seat_holds", "waitlist_entries", "seat_allotments", NULL
};

static const char schema[] =
  "CREATE TABLE seat_availability ("
  "  seat_type_id TEXT PRIMARY KEY,"
  "  conference TEXT NOT NULL,"
  "  name TEXT NOT NULL DEFAULT '',"
  "  price INTEGER NOT NULL DEFAULT 0,"
  "  quota INTEGER NOT NULL DEFAULT 0,"
  "  available INTEGER NOT NULL DEFAULT 0,"
  "  reserved INTEGER NOT NULL DEFAULT 0,"
  "  sold INTEGER NOT NULL DEFAULT 0,"
  "  allotted INTEGER NOT NULL DEFAULT 0,"
  "  ordinal INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE INDEX seat_availability_conference ON seat_availability (conference, ordinal);"
  "CREATE TABLE seat_holds ("
  "  reservation_id TEXT NOT NULL,"
  "  committed INTEGER NOT NULL,"
  "  seat_type_id TEXT NOT NULL,"
  "  conference TEXT NOT NULL,"
  "  quantity INTEGER NOT NULL,"
  "  PRIMARY KEY (reservation_id, committed, seat_type_id)) WITHOUT ROWID;"
  "CREATE TABLE waitlist_entries ("
  "  entry_id TEXT PRIMARY KEY,"
  "  conference TEXT NOT NULL,"
  "  seat_type_id TEXT NOT NULL,"
  "  quantity INTEGER NOT NULL,"
  "  waiting INTEGER NOT NULL,"
  "  promoted INTEGER NOT NULL DEFAULT 0,"
  "  email TEXT NOT NULL,"
  "  first_name TEXT,"
  "  last_name TEXT,"
  "  status TEXT NOT NULL,"
  "  reason TEXT,"
  "  hold_until INTEGER,"
  "  joined_at INTEGER NOT NULL,"
  "  joined_position INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX waitlist_entries_conference ON waitlist_entries (conference, joined_position);"
  "CREATE INDEX waitlist_entries_waiting ON waitlist_entries (seat_type_id, status, waiting);"
  "CREATE TABLE seat_allotments ("
  "  allotment_id TEXT PRIMARY KEY,"
  "  conference TEXT NOT NULL,"
  "  seat_type_id TEXT NOT NULL,"
  "  device_id TEXT,"
  "  granted INTEGER NOT NULL,"
  "  remaining INTEGER NOT NULL,"
  "  until INTEGER,"
  "  status TEXT NOT NULL) WITHOUT ROWID;";

static gboolean add_allotment_change (CcmStore    *store,
                                      JsonObject  *payload,
                                      GError     **error);

/* Conference stream: what a seat type is called, costs and may hold. */

static gboolean
project_seat_type (CcmStore        *store,
                   const CcmEvent  *event,
                   const char      *slug,
                   GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  /* coalesce keeps what an update did not change. */
  stmt = ccm_store_prepare (store,
                            "INSERT INTO seat_availability (seat_type_id, conference, name, "
                            "price, quota, ordinal) VALUES (?1, ?2, coalesce (?3, ''), "
                            "coalesce (?4, 0), coalesce (?5, 0), "
                            "(SELECT count(*) FROM seat_availability WHERE conference = ?2)) "
                            "ON CONFLICT (seat_type_id) DO UPDATE SET "
                            "name = coalesce (?3, name), price = coalesce (?4, price), "
                            "quota = coalesce (?5, quota)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ccm_json_string (p, "seat_type_id"), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_STATIC);
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "name"));
  if (json_object_has_member (p, "price"))
    sqlite3_bind_int64 (stmt, 4, ccm_json_int (p, "price", 0));
  if (json_object_has_member (p, "quota"))
    sqlite3_bind_int64 (stmt, 5, ccm_json_int (p, "quota", 0));
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
delete_seat_type (CcmStore    *store,
                  const char  *seat_type_id,
                  GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store, "DELETE FROM seat_availability WHERE seat_type_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, seat_type_id);
  return ccm_store_step_done (store, stmt, error);
}

/* Seats stream */

/* A seat type's first change makes it known to the seats stream. */
static gboolean
project_seats_changed (CcmStore        *store,
                       const CcmEvent  *event,
                       const char      *slug,
                       GError         **error)
{
  JsonArray *seats = ccm_views_payload_array (event->payload, "seats");

  for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
    {
      JsonObject *q = json_array_get_object_element (seats, i);
      sqlite3_stmt *stmt;

      stmt = ccm_store_prepare (store,
                                "INSERT INTO seat_availability (seat_type_id, conference, "
                                "available, ordinal) VALUES (?1, ?2, ?3, "
                                "(SELECT count(*) FROM seat_availability WHERE conference = ?2)) "
                                "ON CONFLICT (seat_type_id) DO UPDATE SET "
                                "available = available + excluded.available", error);
      if (stmt == NULL)
        return FALSE;
      ccm_views_bind_text (stmt, 1, ccm_json_string (q, "seat_type"));
      sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, ccm_json_int (q, "quantity", 0));
      if (!ccm_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_available (CcmStore    *store,
               JsonObject  *payload,
               GError     **error)
{
  JsonArray *changes = ccm_views_payload_array (payload, "available_seats_changed");

  for (guint i = 0; changes != NULL && i < json_array_get_length (changes); i++)
    {
      JsonObject *q = json_array_get_object_element (changes, i);
      sqlite3_stmt *stmt;

      stmt = ccm_store_prepare (store,
                                "UPDATE seat_availability SET available = available + ?1 "
                                "WHERE seat_type_id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ccm_json_int (q, "quantity", 0));
      ccm_views_bind_text (stmt, 2, ccm_json_string (q, "seat_type"));
      if (!ccm_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
run_with_reservation (CcmStore     *store,
                      const char   *sql,
                      const char   *reservation_id,
                      GError      **error)
{
  sqlite3_stmt *stmt = ccm_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, reservation_id);
  return ccm_store_step_done (store, stmt, error);
}

/* Forgets what a reservation holds, pending or committed. */
static gboolean
drop_holds (CcmStore    *store,
            const char  *reservation_id,
            gboolean     committed,
            GError     **error)
{
  if (committed)
    return run_with_reservation (store,
                                 "UPDATE seat_availability SET sold = sold - h.quantity "
                                 "FROM seat_holds h WHERE h.reservation_id = ?1 "
                                 "AND h.committed = 1 "
                                 "AND seat_availability.seat_type_id = h.seat_type_id",
                                 reservation_id, error) &&
           run_with_reservation (store,
                                 "DELETE FROM seat_holds WHERE reservation_id = ?1 "
                                 "AND committed = 1", reservation_id, error);

  return run_with_reservation (store,
                               "UPDATE seat_availability SET reserved = reserved - h.quantity "
                               "FROM seat_holds h WHERE h.reservation_id = ?1 "
                               "AND h.committed = 0 "
                               "AND seat_availability.seat_type_id = h.seat_type_id",
                               reservation_id, error) &&
         run_with_reservation (store,
                               "DELETE FROM seat_holds WHERE reservation_id = ?1 "
                               "AND committed = 0", reservation_id, error);
}

static gboolean
add_hold (CcmStore    *store,
          const char  *reservation_id,
          const char  *seat_type_id,
          const char  *slug,
          gint64       quantity,
          GError     **error)
{
  sqlite3_stmt *stmt;

  if (quantity == 0)
    return TRUE;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO seat_holds (reservation_id, committed, seat_type_id, "
                            "conference, quantity) VALUES (?1, 0, ?2, ?3, ?4) "
                            "ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity",
                            error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, reservation_id);
  ccm_views_bind_text (stmt, 2, seat_type_id);
  sqlite3_bind_text (stmt, 3, slug, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, quantity);
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;

  stmt = ccm_store_prepare (store,
                            "UPDATE seat_availability SET reserved = reserved + ?1 "
                            "WHERE seat_type_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, quantity);
  ccm_views_bind_text (stmt, 2, seat_type_id);
  return ccm_store_step_done (store, stmt, error);
}

/* A reservation made again replaces what it held. */
static gboolean
project_seats_reserved (CcmStore        *store,
                        const CcmEvent  *event,
                        const char      *slug,
                        GError         **error)
{
  JsonObject *p = event->payload;
  const char *reservation_id = ccm_json_string (p, "reservation_id");
  JsonArray *seats = ccm_views_payload_array (p, "seats");

  if (!drop_holds (store, reservation_id, FALSE, error))
    return FALSE;
  for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
    {
      JsonObject *q = json_array_get_object_element (seats, i);

      if (!add_hold (store, reservation_id, ccm_json_string (q, "seat_type"), slug,
                     ccm_json_int (q, "quantity", 0), error))
        return FALSE;
    }
  return add_available (store, p, error) &&
         add_allotment_change (store, p, error);
}

static gboolean
project_committed (CcmStore        *store,
                   const CcmEvent  *event,
                   GError         **error)
{
  const char *reservation_id = ccm_json_string (event->payload, "reservation_id");

  return run_with_reservation (store,
                               "UPDATE seat_availability SET reserved = reserved - h.quantity, "
                               "sold = sold + h.quantity FROM seat_holds h "
                               "WHERE h.reservation_id = ?1 AND h.committed = 0 "
                               "AND seat_availability.seat_type_id = h.seat_type_id",
                               reservation_id, error) &&
         run_with_reservation (store,
                               "INSERT INTO seat_holds (reservation_id, committed, seat_type_id, "
                               "conference, quantity) SELECT reservation_id, 1, seat_type_id, "
                               "conference, quantity FROM seat_holds "
                               "WHERE reservation_id = ?1 AND committed = 0 "
                               "ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity",
                               reservation_id, error) &&
         run_with_reservation (store,
                               "DELETE FROM seat_holds WHERE reservation_id = ?1 "
                               "AND committed = 0", reservation_id, error);
}

/* Allotments: seats leased to a desk leave the pool; what the desk sells
 * from them, and what comes back, moves its remaining count. */

static gboolean
project_allotment_granted (CcmStore        *store,
                           const CcmEvent  *event,
                           const char      *slug,
                           GError         **error)
{
  JsonObject *p = event->payload;
  gint64 quantity = ccm_json_int (p, "quantity", 0);
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO seat_allotments (allotment_id, conference, seat_type_id, "
                            "device_id, granted, remaining, until, status) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, 'active') "
                            "ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "allotment_id"));
  sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_STATIC);
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "seat_type"));
  ccm_views_bind_text (stmt, 4, ccm_json_string (p, "device_id"));
  sqlite3_bind_int64 (stmt, 5, quantity);
  sqlite3_bind_int64 (stmt, 6, ccm_json_int (p, "until", 0));
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;

  stmt = ccm_store_prepare (store,
                            "UPDATE seat_availability SET available = available - ?1, "
                            "allotted = allotted + ?1 WHERE seat_type_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, quantity);
  ccm_views_bind_text (stmt, 2, ccm_json_string (p, "seat_type"));
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
change_allotment (CcmStore    *store,
                  const char  *allotment_id,
                  gint64       change,
                  GError     **error)
{
  sqlite3_stmt *stmt;

  if (allotment_id == NULL || change == 0)
    return TRUE;

  stmt = ccm_store_prepare (store,
                            "UPDATE seat_availability SET allotted = allotted + ?1 "
                            "WHERE seat_type_id = (SELECT seat_type_id FROM seat_allotments "
                            "WHERE allotment_id = ?2)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, change);
  ccm_views_bind_text (stmt, 2, allotment_id);
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;

  stmt = ccm_store_prepare (store,
                            "UPDATE seat_allotments SET remaining = remaining + ?1 "
                            "WHERE allotment_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, change);
  ccm_views_bind_text (stmt, 2, allotment_id);
  return ccm_store_step_done (store, stmt, error);
}

/* A reservation drew from an allotment, or gave seats back to it. */
static gboolean
add_allotment_change (CcmStore    *store,
                      JsonObject  *payload,
                      GError     **error)
{
  return change_allotment (store, ccm_json_string (payload, "allotment_id"),
                           ccm_json_int (payload, "allotment_changed", 0), error);
}

static gboolean
project_allotment_settled (CcmStore        *store,
                           const CcmEvent  *event,
                           const char      *status,
                           GError         **error)
{
  JsonObject *p = event->payload;
  const char *allotment_id = ccm_json_string (p, "allotment_id");
  sqlite3_stmt *stmt;
  gint64 remaining = 0;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT remaining FROM seat_allotments WHERE allotment_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, allotment_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    remaining = sqlite3_column_int64 (stmt, 0);
  if (!ccm_views_done (store, stmt, rc, "reading an allotment", error) ||
      !change_allotment (store, allotment_id, -remaining, error))
    return FALSE;

  stmt = ccm_store_prepare (store,
                            "UPDATE seat_allotments SET status = ?2 WHERE allotment_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, allotment_id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error) &&
         add_available (store, p, error);
}

/* Waitlists */

static gboolean
project_waitlist_joined (CcmStore        *store,
                         const CcmEvent  *event,
                         const char      *slug,
                         GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO waitlist_entries (entry_id, conference, seat_type_id, "
                            "quantity, waiting, email, first_name, last_name, status, "
                            "joined_at, joined_position) "
                            "VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, 'waiting', ?8, ?9) "
                            "ON CONFLICT (entry_id) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "entry_id"));
  sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_STATIC);
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "seat_type"));
  sqlite3_bind_int64 (stmt, 4, ccm_json_int (p, "quantity", 0));
  ccm_views_bind_text (stmt, 5, ccm_json_string (p, "email"));
  ccm_views_bind_text (stmt, 6, ccm_json_string (p, "first_name"));
  ccm_views_bind_text (stmt, 7, ccm_json_string (p, "last_name"));
  sqlite3_bind_int64 (stmt, 8, event->recorded_at);
  sqlite3_bind_int64 (stmt, 9, event->position);
  return ccm_store_step_done (store, stmt, error);
}

/* Seats freed for an entry are taken from the pool and held for it. */
static gboolean
project_waitlist_promoted (CcmStore        *store,
                           const CcmEvent  *event,
                           const char      *slug,
                           GError         **error)
{
  JsonObject *p = event->payload;
  const char *entry_id = ccm_json_string (p, "entry_id");
  const char *seat_type = ccm_json_string (p, "seat_type");
  gint64 quantity = ccm_json_int (p, "quantity", 0);
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE seat_availability SET available = available - ?1 "
                            "WHERE seat_type_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, quantity);
  ccm_views_bind_text (stmt, 2, seat_type);
  if (!ccm_store_step_done (store, stmt, error) ||
      !add_hold (store, entry_id, seat_type, slug, quantity, error))
    return FALSE;

  stmt = ccm_store_prepare (store,
                            "UPDATE waitlist_entries SET waiting = ?2, "
                            "promoted = promoted + ?3, hold_until = ?4, "
                            "status = CASE WHEN ?2 > 0 THEN 'waiting' ELSE 'promoted' END "
                            "WHERE entry_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, entry_id);
  sqlite3_bind_int64 (stmt, 2, MAX (ccm_json_int (p, "waiting", 0), 0));
  sqlite3_bind_int64 (stmt, 3, quantity);
  sqlite3_bind_int64 (stmt, 4, ccm_json_int (p, "hold_until", 0));
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
leave_waitlist (CcmStore    *store,
                const char  *entry_id,
                const char  *reason,
                GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE waitlist_entries SET status = 'left', waiting = 0, "
                            "reason = ?2 WHERE entry_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, entry_id);
  ccm_views_bind_text (stmt, 2, reason);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_cancelled (CcmStore        *store,
                   const CcmEvent  *event,
                   GError         **error)
{
  JsonObject *p = event->payload;
  const char *reservation_id = ccm_json_string (p, "reservation_id");

  /* Seats held for a waitlist entry that nobody ordered in time. */
  if (g_strcmp0 (ccm_json_string (p, "reason"), "waitlist-hold-expired") == 0 &&
      !leave_waitlist (store, reservation_id, "expired", error))
    return FALSE;
  return drop_holds (store, reservation_id, FALSE, error) &&
         add_available (store, p, error) &&
         add_allotment_change (store, p, error);
}

static gboolean
seat_views_apply (CcmStore        *store,
                  const CcmEvent  *event,
                  GError         **error)
{
  const char *type = event->type;
  const char *slug;

  if ((slug = ccm_views_stream_key (event, "conference/")) != NULL)
    {
      if (g_str_equal (type, "SeatTypeCreated") || g_str_equal (type, "SeatTypeUpdated"))
        return project_seat_type (store, event, slug, error);
      if (g_str_equal (type, "SeatTypeRemoved"))
        return delete_seat_type (store, ccm_json_string (event->payload, "seat_type_id"), error);
      return TRUE;
    }

  if ((slug = ccm_views_stream_key (event, "seats/")) == NULL)
    return TRUE;

  if (g_str_equal (type, "AvailableSeatsChanged"))
    return project_seats_changed (store, event, slug, error);
  if (g_str_equal (type, "SeatTypeRetired"))
    return delete_seat_type (store, ccm_json_string (event->payload, "seat_type"), error);
  if (g_str_equal (type, "SeatsReserved"))
    return project_seats_reserved (store, event, slug, error);
  if (g_str_equal (type, "SeatsReservationCancelled"))
    return project_cancelled (store, event, error);
  if (g_str_equal (type, "SeatsReservationCommitted"))
    return project_committed (store, event, error);
  if (g_str_equal (type, "SeatsReleased"))
    return drop_holds (store, ccm_json_string (event->payload, "reservation_id"), TRUE, error) &&
           add_available (store, event->payload, error) &&
           add_allotment_change (store, event->payload, error);
  if (g_str_equal (type, "AllotmentGranted"))
    return project_allotment_granted (store, event, slug, error);
  if (g_str_equal (type, "AllotmentReturned"))
    return project_allotment_settled (store, event, "returned", error);
  if (g_str_equal (type, "AllotmentExpired"))
    return project_allotment_settled (store, event, "expired", error);
  if (g_str_equal (type, "WaitlistJoined"))
    return project_waitlist_joined (store, event, slug, error);
  if (g_str_equal (type, "WaitlistPromoted"))
    return project_waitlist_promoted (store, event, slug, error);
  if (g_str_equal (type, "WaitlistLeft"))
    return leave_waitlist (store, ccm_json_string (event->payload, "entry_id"),
                           ccm_json_string (event->payload, "reason"), error);
  return TRUE;
}

const CcmProjection ccm_seat_views_projection = {
  .name = "seat-views",
  .version = 1,
  .schema = schema,
  .tables = tables,
  .apply = seat_views_apply,
};

/* Queries */

JsonArray *
ccm_seat_views_list (CcmStore    *store,
                     const char  *slug,
                     GError     **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  if (!ccm_views_require_conference (store, slug, error))
    return NULL;

  stmt = ccm_store_prepare (store,
                            "SELECT s.seat_type_id, s.name, s.price, s.quota, s.available, "
                            "s.reserved, s.sold, s.allotted, "
                            "(SELECT coalesce (sum (w.waiting), 0) FROM waitlist_entries w "
                            " WHERE w.seat_type_id = s.seat_type_id AND w.status = 'waiting') "
                            "FROM seat_availability s WHERE s.conference = ? "
                            "ORDER BY s.ordinal, s.seat_type_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      ccm_views_set_text (o, "seat_type_id", stmt, 0);
      ccm_views_set_text (o, "name", stmt, 1);
      json_object_set_int_member (o, "price", sqlite3_column_int64 (stmt, 2));
      json_object_set_int_member (o, "quota", sqlite3_column_int64 (stmt, 3));
      json_object_set_int_member (o, "available", sqlite3_column_int64 (stmt, 4));
      json_object_set_int_member (o, "reserved", sqlite3_column_int64 (stmt, 5));
      json_object_set_int_member (o, "sold", sqlite3_column_int64 (stmt, 6));
      json_object_set_int_member (o, "allotted", sqlite3_column_int64 (stmt, 7));
      json_object_set_int_member (o, "waiting", sqlite3_column_int64 (stmt, 8));
      json_array_add_object_element (list, o);
    }
  if (!ccm_views_done (store, stmt, rc, "listing seats", error))
    return NULL;
  return g_steal_pointer (&list);
}

/* A text column, "" for NULL. */
static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? text : "";
}

/* Whether every (folded) word is in the folded names or e-mail address of
 * the waitlist row at stmt. */
static gboolean
waitlist_entry_matches (sqlite3_stmt *stmt,
                        GPtrArray    *words)
{
  g_autofree char *text = g_strdup_printf ("%s %s %s", column_text (stmt, 5),
                                           column_text (stmt, 6), column_text (stmt, 4));
  g_autofree char *folded = ccm_views_fold (text);

  for (guint i = 0; i < words->len; i++)
    if (strstr (folded, g_ptr_array_index (words, i)) == NULL)
      return FALSE;
  return TRUE;
}

/* The waitlist in order, only the entries whose names or address hold
 * every one of words when words is not NULL; places in line counted over
 * the whole queue. */
static JsonArray *
waitlist_walk (CcmStore    *store,
               const char  *slug,
               GPtrArray   *words,
               GError     **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  g_autoptr(GHashTable) queue_lengths = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                               g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  if (!ccm_views_require_conference (store, slug, error))
    return NULL;

  stmt = ccm_store_prepare (store,
                            "SELECT w.entry_id, w.seat_type_id, s.name, w.quantity, w.email, "
                            "w.first_name, w.last_name, w.status, w.hold_until, w.waiting, "
                            "w.promoted, w.reason, w.joined_at "
                            "FROM waitlist_entries w LEFT JOIN seat_availability s "
                            "ON s.seat_type_id = w.seat_type_id "
                            "WHERE w.conference = ? ORDER BY w.joined_position", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o;
      const char *seat_type = (const char *) sqlite3_column_text (stmt, 1);
      const char *status = (const char *) sqlite3_column_text (stmt, 7);
      guint ahead = GPOINTER_TO_UINT (g_hash_table_lookup (queue_lengths, seat_type));

      /* The place in its seat type's queue, from 0, while still waiting. */
      if (g_strcmp0 (status, "waiting") == 0)
        g_hash_table_replace (queue_lengths, g_strdup (seat_type), GUINT_TO_POINTER (ahead + 1));
      if (words != NULL && !waitlist_entry_matches (stmt, words))
        continue;

      o = json_object_new ();
      ccm_views_set_text (o, "entry_id", stmt, 0);
      ccm_views_set_text (o, "seat_type_id", stmt, 1);
      ccm_views_set_text (o, "seat_type", stmt, 2);
      json_object_set_int_member (o, "quantity", sqlite3_column_int64 (stmt, 3));
      ccm_views_set_text (o, "email", stmt, 4);
      ccm_views_set_text (o, "first_name", stmt, 5);
      ccm_views_set_text (o, "last_name", stmt, 6);
      if (g_strcmp0 (status, "waiting") == 0)
        json_object_set_int_member (o, "position", ahead);
      else
        json_object_set_null_member (o, "position");
      json_object_set_string_member (o, "status", status);
      ccm_views_set_time (o, "hold_until", stmt, 8);
      json_object_set_int_member (o, "waiting", sqlite3_column_int64 (stmt, 9));
      json_object_set_int_member (o, "promoted", sqlite3_column_int64 (stmt, 10));
      ccm_views_set_text (o, "reason", stmt, 11);
      ccm_views_set_time (o, "joined_at", stmt, 12);
      json_array_add_object_element (list, o);
    }
  if (!ccm_views_done (store, stmt, rc, "listing the waitlist", error))
    return NULL;
  return g_steal_pointer (&list);
}

JsonArray *
ccm_waitlist_views_list (CcmStore    *store,
                         const char  *slug,
                         GError     **error)
{
  return waitlist_walk (store, slug, NULL, error);
}

JsonArray *
ccm_waitlist_views_search (CcmStore    *store,
                           const char  *slug,
                           const char  *query,
                           GError     **error)
{
  g_autoptr(GPtrArray) words = ccm_views_query_words (query);

  return waitlist_walk (store, slug, words, error);
}
