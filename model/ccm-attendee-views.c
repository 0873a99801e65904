/* ccm-attendee-views.c — tickets and attendees, their search, and check-ins
 *
 * attendee_views has one row per seat of a confirmed order, keyed by ticket
 * code, with the names assigned to it and its admission state. The search
 * goes through attendee_words: one row per (conference, folded key, ticket)
 * where the keys are the ticket code, each word of the names and the e-mail
 * address; each row also carries the attendee's sort key and all its keys,
 * so a search reads that table alone until it knows which rows to show
 * (ccm-attendee-search.c).
 * A seat nobody was named for yet is found by its order's registrant too:
 * attendee_buyers keeps each order's registrant (from the order stream, so
 * this projection replays on its own), and such a seat's keys are the
 * registrant's until a name is assigned to it, and again after it is
 * unassigned.
 * checkin_scans keeps every admission and exit, and every one taken back,
 * as it was recorded, keyed by the event's position.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-attendee-views"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-order-views.h"
#include "ccm-order-views-private.h"
#include "ccm-assignments.h"
#include "ccm-checkin.h"
#include "ccm-errors.h"
#include "ccm-json.h"

#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

static const char *const tables[] = {
  "attendee_views", "attendee_words", "attendee_buyers", "checkin_scans", "checkin_counts", NULL
};

/* Expected, admitted and inside per seat type, as a count over the valid
 * tickets would give them (a seat type with none has no row), kept by
 * triggers through every write to attendee_views (commands, a rebase, a
 * rebuild): the check-in desk reads a handful of rows at each scan
 * instead of counting 100 000. */
#define COUNTS_SCHEMA \
  "CREATE TABLE checkin_counts (" \
  "  conference TEXT NOT NULL," \
  "  seat_type_id TEXT NOT NULL," \
  "  expected INTEGER NOT NULL," \
  "  admitted INTEGER NOT NULL," \
  "  inside INTEGER NOT NULL," \
  "  PRIMARY KEY (conference, seat_type_id)) WITHOUT ROWID;" \
  "CREATE TRIGGER checkin_counts_insert AFTER INSERT ON attendee_views " \
  "WHEN NEW.status = 'valid' BEGIN " \
  "  INSERT INTO checkin_counts VALUES (NEW.conference, NEW.seat_type_id, 1, " \
  "    NEW.admitted_hour IS NOT NULL, NEW.inside) " \
  "  ON CONFLICT (conference, seat_type_id) DO UPDATE SET expected = expected + 1, " \
  "    admitted = admitted + excluded.admitted, inside = inside + excluded.inside; " \
  "END;" \
  "CREATE TRIGGER checkin_counts_delete AFTER DELETE ON attendee_views " \
  "WHEN OLD.status = 'valid' BEGIN " \
  "  UPDATE checkin_counts SET expected = expected - 1, " \
  "    admitted = admitted - (OLD.admitted_hour IS NOT NULL), inside = inside - OLD.inside " \
  "  WHERE conference = OLD.conference AND seat_type_id = OLD.seat_type_id; " \
  "  DELETE FROM checkin_counts WHERE conference = OLD.conference " \
  "    AND seat_type_id = OLD.seat_type_id AND expected = 0; " \
  "END;" \
  "CREATE TRIGGER checkin_counts_update " \
  "AFTER UPDATE OF conference, seat_type_id, status, admitted_hour, inside ON attendee_views " \
  "WHEN OLD.status = 'valid' OR NEW.status = 'valid' BEGIN " \
  "  UPDATE checkin_counts SET expected = expected - 1, " \
  "    admitted = admitted - (OLD.admitted_hour IS NOT NULL), inside = inside - OLD.inside " \
  "  WHERE OLD.status = 'valid' AND conference = OLD.conference " \
  "    AND seat_type_id = OLD.seat_type_id; " \
  "  DELETE FROM checkin_counts WHERE conference = OLD.conference " \
  "    AND seat_type_id = OLD.seat_type_id AND expected = 0; " \
  "  INSERT INTO checkin_counts SELECT NEW.conference, NEW.seat_type_id, 1, " \
  "    NEW.admitted_hour IS NOT NULL, NEW.inside WHERE NEW.status = 'valid' " \
  "  ON CONFLICT (conference, seat_type_id) DO UPDATE SET expected = expected + 1, " \
  "    admitted = admitted + excluded.admitted, inside = inside + excluded.inside; " \
  "END;"

static const char schema[] =
  "CREATE TABLE attendee_views ("
  "  ticket_code TEXT PRIMARY KEY,"
  "  conference TEXT NOT NULL,"
  "  order_id TEXT NOT NULL,"
  "  position INTEGER NOT NULL,"
  "  seat_type_id TEXT NOT NULL,"
  "  first_name TEXT,"
  "  last_name TEXT,"
  "  email TEXT,"
  "  status TEXT NOT NULL DEFAULT 'valid',"
  "  admissions INTEGER NOT NULL DEFAULT 0,"
  "  exits INTEGER NOT NULL DEFAULT 0,"
  "  inside INTEGER NOT NULL DEFAULT 0,"
  "  admitted_at INTEGER,"
  "  admitted_hour INTEGER,"
  "  admitted_by TEXT,"
  "  sort_key TEXT NOT NULL,"
  "  search_keys TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX attendee_views_order ON attendee_views (order_id, position);"
  "CREATE INDEX attendee_views_sort ON attendee_views (conference, sort_key, search_keys);"
  "CREATE INDEX attendee_views_hours ON attendee_views (conference, status, admitted_hour);"
  "CREATE TABLE attendee_words ("
  "  conference TEXT NOT NULL,"
  "  word TEXT NOT NULL,"
  "  ticket_code TEXT NOT NULL,"
  "  sort_key TEXT NOT NULL,"
  "  search_keys TEXT NOT NULL,"
  "  PRIMARY KEY (conference, word, ticket_code)) WITHOUT ROWID;"
  "CREATE TABLE attendee_buyers ("
  "  order_id TEXT PRIMARY KEY,"
  "  first_name TEXT,"
  "  last_name TEXT,"
  "  email TEXT) WITHOUT ROWID;"
  "CREATE TABLE checkin_scans ("
  "  position INTEGER PRIMARY KEY,"
  "  ticket_code TEXT NOT NULL,"
  "  conference TEXT,"
  "  order_id TEXT,"
  "  seat_type_id TEXT,"
  "  kind TEXT NOT NULL,"
  "  device_id TEXT,"
  "  device_time INTEGER,"
  "  decided_at INTEGER NOT NULL,"
  "  recorded_at INTEGER NOT NULL,"
  "  flag TEXT,"
  "  reentry INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX checkin_scans_conference ON checkin_scans (conference, decided_at);"
  "CREATE INDEX checkin_scans_ticket ON checkin_scans (ticket_code, position);"
  COUNTS_SCHEMA;

static gboolean refold_attendees (CcmStore  *store,
                                  GError   **error);

static const CcmProjectionUpgrade upgrades[] = {
  /* The counts, from the tickets the store holds. */
  { 2, COUNTS_SCHEMA
       "INSERT INTO checkin_counts SELECT conference, seat_type_id, count (*), "
       "  count (admitted_hour), sum (inside) FROM attendee_views WHERE status = 'valid' "
       "  GROUP BY conference, seat_type_id;" },
  /* The counts had an index of their own before they were kept: one
   * B-tree less to write at each admission. */
  { 3, "DROP INDEX IF EXISTS attendee_views_counts;", NULL },
  /* Folding learnt the letters typed without their stroke. */
  { 4, NULL, refold_attendees },
  { 0, NULL, NULL }
};

/* Search keys */

/* Named seats first, by last then first name; unassigned ones last. The
 * separator sorts below every character, so "Smith" comes before "Smithson". */
static char *
sort_key_for (const char *first_name,
              const char *last_name,
              const char *email,
              const char *ticket_code)
{
  g_autofree char *first = ccm_views_fold (first_name);
  g_autofree char *last = ccm_views_fold (last_name);

  if (email == NULL)
    return g_strconcat ("1\x1f\x1f", ticket_code, NULL);
  return g_strconcat ("0", last, "\x1f", first, "\x1f", ticket_code, NULL);
}

/* " key1 key2 … ": a word prefix is then an instr() of " prefix". */
static char *
keys_text (GPtrArray *keys)
{
  GString *text = g_string_new (" ");

  for (guint i = 0; i < keys->len; i++)
    {
      g_string_append (text, g_ptr_array_index (keys, i));
      g_string_append_c (text, ' ');
    }
  return g_string_free (text, FALSE);
}

static gboolean
change_words (CcmStore    *store,
              const char  *conference,
              const char  *ticket_code,
              const char  *keys,
              const char  *sort_key,
              gboolean     insert,
              GError     **error)
{
  g_auto(GStrv) words = g_strsplit (keys, " ", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      sqlite3_stmt *stmt;

      if (*words[i] == '\0')
        continue;
      if (insert)
        stmt = ccm_store_prepare (store,
                                  "INSERT INTO attendee_words (conference, word, ticket_code, "
                                  "sort_key, search_keys) VALUES (?1, ?2, ?3, ?4, ?5)", error);
      else
        stmt = ccm_store_prepare (store,
                                  "DELETE FROM attendee_words WHERE conference = ?1 "
                                  "AND word = ?2 AND ticket_code = ?3", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, conference, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, words[i], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, ticket_code, -1, SQLITE_TRANSIENT);
      if (insert)
        {
          sqlite3_bind_text (stmt, 4, sort_key, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 5, keys, -1, SQLITE_STATIC);
        }
      if (!ccm_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The search keys of a seat nobody was named for: its code, and its
 * order's registrant when one was given. NULL on a storage error. */
static char *
unnamed_keys (CcmStore    *store,
              const char  *order_id,
              const char  *ticket_code,
              GError     **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT first_name, last_name, email FROM attendee_buyers "
                            "WHERE order_id = ?", error);
  if (stmt == NULL)
    return NULL;
  ccm_views_bind_text (stmt, 1, order_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    keys = ccm_views_attendee_keys ((const char *) sqlite3_column_text (stmt, 0),
                                    (const char *) sqlite3_column_text (stmt, 1),
                                    (const char *) sqlite3_column_text (stmt, 2),
                                    ticket_code);
  if (!ccm_views_done (store, stmt, rc, "reading an order's registrant", error))
    return NULL;
  if (keys == NULL)
    keys = ccm_views_attendee_keys (NULL, NULL, NULL, ticket_code);
  return keys_text (keys);
}

/* The search keys and sort key of a seat as the projection writes them:
 * its names when it was assigned (an e-mail address is), else its order's
 * registrant. FALSE on a storage error. */
static gboolean
attendee_keys (CcmStore    *store,
               const char  *order_id,
               const char  *first,
               const char  *last,
               const char  *email,
               const char  *code,
               char       **text,
               char       **sort_key,
               GError     **error)
{
  *sort_key = sort_key_for (first, last, email, code);
  if (email != NULL)
    {
      g_autoptr(GPtrArray) keys = ccm_views_attendee_keys (first, last, email, code);

      *text = keys_text (keys);
    }
  else if ((*text = unnamed_keys (store, order_id, code, error)) == NULL)
    {
      g_clear_pointer (sort_key, g_free);
      return FALSE;
    }
  return TRUE;
}

/* Version 4 to 5: every seat's keys folded again, written only where they
 * changed (names with ø, ł, æ…), their words with them. */
static gboolean
refold_attendees (CcmStore  *store,
                  GError   **error)
{
  /* ticket_code, conference, old keys, old sort key, new keys, new sort key */
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT ticket_code, conference, order_id, first_name, last_name, email, "
                            "search_keys, sort_key FROM attendee_views", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *code = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *text = NULL;
      g_autofree char *sort_key = NULL;

      if (!attendee_keys (store, (const char *) sqlite3_column_text (stmt, 2),
                          (const char *) sqlite3_column_text (stmt, 3),
                          (const char *) sqlite3_column_text (stmt, 4),
                          (const char *) sqlite3_column_text (stmt, 5), code, &text, &sort_key,
                          error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
      if (g_strcmp0 (text, (const char *) sqlite3_column_text (stmt, 6)) == 0 &&
          g_strcmp0 (sort_key, (const char *) sqlite3_column_text (stmt, 7)) == 0)
        continue;
      g_ptr_array_add (changed, g_strdup (code));
      g_ptr_array_add (changed, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      g_ptr_array_add (changed, g_strdup ((const char *) sqlite3_column_text (stmt, 6)));
      g_ptr_array_add (changed, g_strdup ((const char *) sqlite3_column_text (stmt, 7)));
      g_ptr_array_add (changed, g_steal_pointer (&text));
      g_ptr_array_add (changed, g_steal_pointer (&sort_key));
    }
  if (!ccm_views_done (store, stmt, rc, "reading the attendees", error))
    return FALSE;

  for (guint i = 0; i < changed->len; i += 6)
    {
      const char *code = g_ptr_array_index (changed, i);
      const char *conference = g_ptr_array_index (changed, i + 1);

      stmt = ccm_store_prepare (store,
                                "UPDATE attendee_views SET search_keys = ?2, sort_key = ?3 "
                                "WHERE ticket_code = ?1", error);
      if (stmt == NULL)
        return FALSE;
      ccm_views_bind_text (stmt, 1, code);
      ccm_views_bind_text (stmt, 2, g_ptr_array_index (changed, i + 4));
      ccm_views_bind_text (stmt, 3, g_ptr_array_index (changed, i + 5));
      if (!ccm_store_step_done (store, stmt, error) ||
          !change_words (store, conference, code, g_ptr_array_index (changed, i + 2),
                         g_ptr_array_index (changed, i + 3), FALSE, error) ||
          !change_words (store, conference, code, g_ptr_array_index (changed, i + 4),
                         g_ptr_array_index (changed, i + 5), TRUE, error))
        return FALSE;
    }
  return TRUE;
}

/* Assignment stream */

static gboolean
insert_attendee (CcmStore    *store,
                 const char  *conference,
                 const char  *order_id,
                 JsonObject  *position,
                 GError     **error)
{
  const char *code = ccm_json_string (position, "ticket_code");
  g_autofree char *text = unnamed_keys (store, order_id, code, error);
  g_autofree char *sort_key = sort_key_for (NULL, NULL, NULL, code);
  sqlite3_stmt *stmt;

  if (text == NULL)
    return FALSE;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO attendee_views (ticket_code, conference, order_id, "
                            "position, seat_type_id, sort_key, search_keys) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, code);
  ccm_views_bind_text (stmt, 2, conference);
  ccm_views_bind_text (stmt, 3, order_id);
  sqlite3_bind_int64 (stmt, 4, ccm_json_int (position, "position", 0));
  ccm_views_bind_text (stmt, 5, ccm_json_string (position, "seat_type"));
  sqlite3_bind_text (stmt, 6, sort_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, text, -1, SQLITE_STATIC);
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (ccm_store_get_db (store)) == 0)
    return TRUE;
  return change_words (store, conference, code, text, sort_key, TRUE, error);
}

static gboolean
project_assignments_created (CcmStore        *store,
                             const CcmEvent  *event,
                             GError         **error)
{
  JsonObject *p = event->payload;
  JsonArray *positions = ccm_views_payload_array (p, "positions");

  for (guint i = 0; positions != NULL && i < json_array_get_length (positions); i++)
    if (!insert_attendee (store, ccm_json_string (p, "conference"),
                          ccm_json_string (p, "order_id"),
                          json_array_get_object_element (positions, i), error))
      return FALSE;
  return TRUE;
}

/* New names: the ticket's old search words go, the new ones come. */
static gboolean
project_attendee (CcmStore        *store,
                  const CcmEvent  *event,
                  gboolean         assigned,
                  GError         **error)
{
  JsonObject *p = event->payload;
  const char *code = ccm_json_string (p, "ticket_code");
  const char *first = assigned ? ccm_json_string (p, "first_name") : NULL;
  const char *last = assigned ? ccm_json_string (p, "last_name") : NULL;
  const char *email = assigned ? ccm_json_string (p, "email") : NULL;
  g_autofree char *text = NULL;
  g_autofree char *sort_key = NULL;
  g_autofree char *conference = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *old_sort_key = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT conference, search_keys, sort_key, order_id FROM attendee_views "
                            "WHERE ticket_code = ?", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, code);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      conference = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      old_text = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      old_sort_key = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      order_id = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    }
  if (!ccm_views_done (store, stmt, rc, "reading an attendee", error))
    return FALSE;
  if (conference == NULL)
    return TRUE;

  if (!attendee_keys (store, order_id, first, last, email, code, &text, &sort_key, error))
    return FALSE;

  stmt = ccm_store_prepare (store,
                            "UPDATE attendee_views SET first_name = ?2, last_name = ?3, "
                            "email = ?4, sort_key = ?5, search_keys = ?6 "
                            "WHERE ticket_code = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, code);
  ccm_views_bind_text (stmt, 2, first);
  ccm_views_bind_text (stmt, 3, last);
  ccm_views_bind_text (stmt, 4, email);
  sqlite3_bind_text (stmt, 5, sort_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, text, -1, SQLITE_STATIC);
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;

  return change_words (store, conference, code, old_text, old_sort_key, FALSE, error) &&
         change_words (store, conference, code, text, sort_key, TRUE, error);
}

/* Order stream: the registrant, and the keys of the order's unnamed seats */

static gboolean
project_registrant (CcmStore        *store,
                    const CcmEvent  *event,
                    GError         **error)
{
  JsonObject *p = event->payload;
  const char *order_id = ccm_json_string (p, "order_id");
  g_autoptr(GPtrArray) seats = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO attendee_buyers (order_id, first_name, last_name, email) "
                            "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (order_id) DO UPDATE SET "
                            "first_name = ?2, last_name = ?3, email = ?4", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, order_id);
  ccm_views_bind_text (stmt, 2, ccm_json_string (p, "first_name"));
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "last_name"));
  ccm_views_bind_text (stmt, 4, ccm_json_string (p, "email"));
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;

  /* Usually none: the registrant comes before the seats exist. */
  stmt = ccm_store_prepare (store,
                            "SELECT ticket_code, conference, search_keys, sort_key FROM attendee_views "
                            "WHERE order_id = ? AND email IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, order_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    for (int i = 0; i < 4; i++)
      g_ptr_array_add (seats, g_strdup ((const char *) sqlite3_column_text (stmt, i)));
  if (!ccm_views_done (store, stmt, rc, "reading an order's seats", error))
    return FALSE;

  for (guint i = 0; i < seats->len; i += 4)
    {
      const char *code = g_ptr_array_index (seats, i);
      const char *conference = g_ptr_array_index (seats, i + 1);
      const char *sort_key = g_ptr_array_index (seats, i + 3);
      /* The registrant just stored: its keys come from the event itself. */
      g_autoptr(GPtrArray) keys = ccm_views_attendee_keys (ccm_json_string (p, "first_name"),
                                                           ccm_json_string (p, "last_name"),
                                                           ccm_json_string (p, "email"), code);
      g_autofree char *text = keys_text (keys);

      stmt = ccm_store_prepare (store, "UPDATE attendee_views SET search_keys = ?2 WHERE ticket_code = ?1",
                                error);
      if (stmt == NULL)
        return FALSE;
      ccm_views_bind_text (stmt, 1, code);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
      if (!ccm_store_step_done (store, stmt, error) ||
          !change_words (store, conference, code, g_ptr_array_index (seats, i + 2), sort_key, FALSE, error) ||
          !change_words (store, conference, code, text, sort_key, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

/* Ticket stream */

static gboolean
project_ticket_cancelled (CcmStore        *store,
                          const CcmEvent  *event,
                          GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE attendee_views SET status = 'cancelled' "
                            "WHERE ticket_code = ?", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (event->payload, "ticket_code"));
  return ccm_store_step_done (store, stmt, error);
}

/* The desk that scanned: as the command named it, else the device that
 * recorded the event. */
static const char *
device_of (const CcmEvent *event)
{
  const char *device_id = ccm_json_string (event->payload, "device_id");

  return device_id != NULL ? device_id : event->device_id;
}

static gboolean
record_scan (CcmStore        *store,
             const CcmEvent  *event,
             const char      *kind,
             GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO checkin_scans (position, ticket_code, conference, "
                            "order_id, seat_type_id, kind, device_id, device_time, decided_at, "
                            "recorded_at, flag, reentry) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, event->position);
  ccm_views_bind_text (stmt, 2, ccm_json_string (p, "ticket_code"));
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "conference"));
  ccm_views_bind_text (stmt, 4, ccm_json_string (p, "order_id"));
  ccm_views_bind_text (stmt, 5, ccm_json_string (p, "seat_type"));
  sqlite3_bind_text (stmt, 6, kind, -1, SQLITE_STATIC);
  ccm_views_bind_text (stmt, 7, device_of (event));
  if (json_object_has_member (p, "device_time"))
    sqlite3_bind_int64 (stmt, 8, ccm_json_int (p, "device_time", 0));
  sqlite3_bind_int64 (stmt, 9, ccm_json_int (p, "decided_at", event->recorded_at));
  sqlite3_bind_int64 (stmt, 10, event->recorded_at);
  ccm_views_bind_text (stmt, 11, ccm_json_string (p, "flag"));
  sqlite3_bind_int (stmt, 12, ccm_json_bool (p, "reentry"));
  return ccm_store_step_done (store, stmt, error);
}

/* Every admission is a fact about the ticket, flagged or not, except one at
 * another conference's door: that one says nothing about this conference. */
/* Whether a scan with this flag moves the ticket's admissions, exits and
 * place: not one of a ticket unknown here or of another conference, nor
 * the exit of someone who was not inside. */
static gboolean
scan_counts (const char *flag)
{
  return g_strcmp0 (flag, CCM_CHECKIN_FLAG_UNKNOWN_TICKET) != 0 &&
         g_strcmp0 (flag, CCM_CHECKIN_FLAG_WRONG_CONFERENCE) != 0 &&
         g_strcmp0 (flag, CCM_CHECKIN_FLAG_NOT_INSIDE) != 0;
}

static gboolean
project_scan (CcmStore        *store,
              const CcmEvent  *event,
              gboolean         admitted,
              GError         **error)
{
  JsonObject *p = event->payload;
  const char *flag = ccm_json_string (p, "flag");
  gint64 decided_at = ccm_json_int (p, "decided_at", event->recorded_at);
  sqlite3_stmt *stmt;

  if (!record_scan (store, event, admitted ? "admit" : "exit", error))
    return FALSE;
  if (!scan_counts (flag))
    return TRUE;

  if (admitted)
    stmt = ccm_store_prepare (store,
                              "UPDATE attendee_views SET admissions = admissions + 1, inside = 1, "
                              "admitted_at = coalesce (admitted_at, ?2), "
                              "admitted_hour = coalesce (admitted_hour, ?3), "
                              "admitted_by = coalesce (admitted_by, ?4) "
                              "WHERE ticket_code = ?1", error);
  else
    stmt = ccm_store_prepare (store,
                              "UPDATE attendee_views SET exits = exits + 1, inside = 0 "
                              "WHERE ticket_code = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "ticket_code"));
  if (admitted)
    {
      sqlite3_bind_int64 (stmt, 2, decided_at);
      sqlite3_bind_int64 (stmt, 3, decided_at - decided_at % HOUR_US);
      ccm_views_bind_text (stmt, 4, device_of (event));
    }
  return ccm_store_step_done (store, stmt, error);
}

/* A scan taken back. An admission: one fewer, inside as before it, and no
 * admission time once none is left. An exit: one fewer, inside as before
 * it. */
static gboolean
project_undo (CcmStore        *store,
              const CcmEvent  *event,
              gboolean         exit,
              GError         **error)
{
  JsonObject *p = event->payload;
  const char *flag = ccm_json_string (p, "undone_flag");
  sqlite3_stmt *stmt;

  if (!record_scan (store, event, exit ? "undo-exit" : "undo", error))
    return FALSE;
  /* A scan that did not count is not counted back. */
  if (!scan_counts (flag))
    return TRUE;

  if (exit)
    stmt = ccm_store_prepare (store,
                              "UPDATE attendee_views SET exits = max (exits - 1, 0), inside = ?2 "
                              "WHERE ticket_code = ?1", error);
  else
    stmt = ccm_store_prepare (store,
                              "UPDATE attendee_views SET admissions = max (admissions - 1, 0), "
                              "inside = ?2, "
                              "admitted_at = CASE WHEN admissions > 1 THEN admitted_at END, "
                              "admitted_hour = CASE WHEN admissions > 1 THEN admitted_hour END, "
                              "admitted_by = CASE WHEN admissions > 1 THEN admitted_by END "
                              "WHERE ticket_code = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "ticket_code"));
  sqlite3_bind_int (stmt, 2, ccm_json_bool (p, "inside_before"));
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
attendee_views_apply (CcmStore        *store,
                      const CcmEvent  *event,
                      GError         **error)
{
  const char *type = event->type;

  if (ccm_views_stream_key (event, "assignments/") != NULL)
    {
      if (g_str_equal (type, "SeatAssignmentsCreated"))
        return project_assignments_created (store, event, error);
      if (g_str_equal (type, "SeatAssigned") || g_str_equal (type, "SeatAssignmentUpdated"))
        return project_attendee (store, event, TRUE, error);
      if (g_str_equal (type, "SeatUnassigned"))
        return project_attendee (store, event, FALSE, error);
      return TRUE;
    }

  if (g_str_equal (type, "OrderRegistrantAssigned"))
    return ccm_views_stream_key (event, "order/") == NULL || project_registrant (store, event, error);

  if (ccm_views_stream_key (event, "ticket/") == NULL)
    return TRUE;
  if (g_str_equal (type, "TicketCancelled"))
    return project_ticket_cancelled (store, event, error);
  if (g_str_equal (type, "TicketAdmitted"))
    return project_scan (store, event, TRUE, error);
  if (g_str_equal (type, "TicketExited"))
    return project_scan (store, event, FALSE, error);
  if (g_str_equal (type, "TicketAdmissionUndone"))
    return project_undo (store, event, FALSE, error);
  if (g_str_equal (type, "TicketExitUndone"))
    return project_undo (store, event, TRUE, error);
  return TRUE;
}

const CcmProjection ccm_attendee_views_projection = {
  .name = "attendee-views",
  /* 2: unnamed seats are found by their order's registrant; 3: the
   * check-in counts kept by triggers; 4: without the counts' old index;
   * 5: keys folded with the letters typed without their stroke (ø, ł…). */
  .version = 5,
  .schema = schema,
  .tables = tables,
  .upgrades = upgrades,
  .apply = attendee_views_apply,
};

/* Queries */

JsonObject *
ccm_views_attendee_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();

  ccm_views_set_text (o, "ticket_code", stmt, 0);
  ccm_views_set_text (o, "order_id", stmt, 1);
  ccm_views_set_text (o, "access_code", stmt, 2);
  json_object_set_int_member (o, "position", sqlite3_column_int64 (stmt, 3));
  ccm_views_set_text (o, "seat_type_id", stmt, 4);
  ccm_views_set_text (o, "seat_type", stmt, 5);
  ccm_views_set_text (o, "first_name", stmt, 6);
  ccm_views_set_text (o, "last_name", stmt, 7);
  ccm_views_set_text (o, "email", stmt, 8);
  ccm_views_set_text (o, "status", stmt, 9);
  json_object_set_boolean_member (o, "admitted", sqlite3_column_int (stmt, 10));
  ccm_views_set_time (o, "admitted_at", stmt, 11);
  ccm_views_set_text (o, "admitted_by", stmt, 12);
  json_object_set_boolean_member (o, "inside", sqlite3_column_int (stmt, 13));
  /* Who bought it: what a seat nobody was named for is found by. */
  ccm_views_set_text (o, "registrant_first_name", stmt, 15);
  ccm_views_set_text (o, "registrant_last_name", stmt, 16);
  return o;
}

JsonObject *
ccm_attendee_views_get_ticket (CcmStore    *store,
                               const char  *ticket_code,
                               GError     **error)
{
  g_autoptr(JsonObject) ticket = NULL;
  g_autofree char *code = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (ticket_code != NULL, NULL);

  /* As printed or typed: any case, spaces and dashes. */
  code = ccm_ticket_code_normalize (ticket_code);

  stmt = ccm_store_prepare (store,
                            "SELECT " CCM_VIEWS_ATTENDEE_COLUMNS " FROM "
                            "(SELECT ticket_code FROM attendee_views WHERE ticket_code = ?) m"
                            CCM_VIEWS_ATTENDEE_JOINS, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      ticket = ccm_views_attendee_from_row (stmt);
      ccm_views_set_text (ticket, "conference", stmt, 14);
    }
  if (!ccm_views_done (store, stmt, rc, "reading a ticket", error))
    return NULL;
  if (ticket == NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "ticket_code",
                            _("There is no ticket “%s”; check the code."), ticket_code);
      return NULL;
    }
  return g_steal_pointer (&ticket);
}

/* Check-in statistics */

JsonObject *
ccm_checkin_views_stats (CcmStore    *store,
                         const char  *slug,
                         GError     **error)
{
  g_autoptr(JsonObject) stats = json_object_new ();
  g_autoptr(JsonArray) per_type = json_array_new ();
  g_autoptr(JsonArray) per_hour = json_array_new ();
  gint64 expected = 0, admitted = 0, inside = 0;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  if (!ccm_views_require_conference (store, slug, error))
    return NULL;

  stmt = ccm_store_prepare (store,
                            "SELECT s.seat_type_id, s.name, coalesce (c.expected, 0), "
                            "coalesce (c.admitted, 0), coalesce (c.inside, 0) "
                            "FROM seat_availability s LEFT JOIN checkin_counts c "
                            "ON c.conference = ?1 AND c.seat_type_id = s.seat_type_id "
                            "WHERE s.conference = ?1 ORDER BY s.ordinal, s.seat_type_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      ccm_views_set_text (o, "seat_type_id", stmt, 0);
      ccm_views_set_text (o, "name", stmt, 1);
      json_object_set_int_member (o, "expected", sqlite3_column_int64 (stmt, 2));
      json_object_set_int_member (o, "admitted", sqlite3_column_int64 (stmt, 3));
      json_object_set_int_member (o, "inside", sqlite3_column_int64 (stmt, 4));
      expected += sqlite3_column_int64 (stmt, 2);
      admitted += sqlite3_column_int64 (stmt, 3);
      inside += sqlite3_column_int64 (stmt, 4);
      json_array_add_object_element (per_type, o);
    }
  if (!ccm_views_done (store, stmt, rc, "counting check-ins", error))
    return NULL;

  /* First admissions per hour of the tickets still valid. */
  stmt = ccm_store_prepare (store,
                            "SELECT admitted_hour, count (*) FROM attendee_views "
                            "WHERE conference = ? AND status = 'valid' "
                            "AND admitted_hour IS NOT NULL "
                            "GROUP BY admitted_hour ORDER BY admitted_hour", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      ccm_views_set_time (o, "hour", stmt, 0);
      json_object_set_int_member (o, "admitted", sqlite3_column_int64 (stmt, 1));
      json_array_add_object_element (per_hour, o);
    }
  if (!ccm_views_done (store, stmt, rc, "counting check-ins per hour", error))
    return NULL;

  json_object_set_int_member (stats, "expected", expected);
  json_object_set_int_member (stats, "admitted", admitted);
  json_object_set_int_member (stats, "inside", inside);
  json_object_set_array_member (stats, "per_seat_type", g_steal_pointer (&per_type));
  json_object_set_array_member (stats, "per_hour", g_steal_pointer (&per_hour));
  return g_steal_pointer (&stats);
}
