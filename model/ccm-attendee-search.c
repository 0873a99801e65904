/* ccm-attendee-search.c — attendees by ticket-code, name or e-mail prefix
 *
 * A query is folded like the keys (ccm-views-common.c) and split into words;
 * an attendee matches when each word starts one of its keys. Results come
 * ordered by last name, first name. Two plans, chosen per query:
 *
 *  - range: the rarest word's keys are one range of attendee_words' primary
 *    key (word >= prefix AND word < prefix-end); each row carries the
 *    attendee's sort key and all its keys, so the other words are checked
 *    and the matches ranked without leaving the index. Its cost grows with
 *    the rarest word's matches, which the plan counts first (capped).
 *  - in order: when every word is common (a first letter, a frequent first
 *    name), walk the attendees in name order and keep those that match,
 *    stopping at the limit; a common word makes that walk short. The walk
 *    is bounded, and falls back to the range plan when it ends short.
 *
 * A query of one word that is an order's access code (someone at the door
 * with the order's confirmation and no ticket) lists that order's seats
 * first, in seat order, then the other matches.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-attendee-search"

#include "ccm-order-views.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-order-views-private.h"

/* Above this many matching keys for its rarest word, a query walks the
 * attendees in order instead of ranking every match. */
#define RANGE_CAP 1500
/* How many attendees the walk in order reads at most. */
#define WALK_BUDGET 4000

static gboolean
collect (CcmStore      *store,
         sqlite3_stmt  *stmt,
         JsonArray     *list,
         GError       **error)
{
  return ccm_views_collect (store, stmt, ccm_views_attendee_from_row, list,
                            "searching attendees", error);
}

static void
bind_range (sqlite3_stmt *stmt,
            int           from,
            const char   *prefix)
{
  g_autofree char *end = ccm_views_prefix_end (prefix);

  sqlite3_bind_text (stmt, from, prefix, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, from + 1, end, -1, SQLITE_TRANSIENT);
}

/* " word": a key starts with word when the keys text contains it. */
static void
bind_needle (sqlite3_stmt *stmt,
             int           index,
             const char   *word)
{
  g_autofree char *needle = g_strconcat (" ", word, NULL);

  sqlite3_bind_text (stmt, index, needle, -1, SQLITE_TRANSIENT);
}

/* How many keys start with prefix, counting no further than cap. */
static gint64
count_keys (CcmStore    *store,
            const char  *slug,
            const char  *prefix,
            GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT count (*) FROM (SELECT 1 FROM attendee_words "
                            "WHERE conference = ?1 AND word >= ?2 AND word < ?3 LIMIT ?4)",
                            error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  bind_range (stmt, 2, prefix);
  sqlite3_bind_int (stmt, 4, RANGE_CAP);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  if (!ccm_views_done (store, stmt, rc, "searching attendees", error))
    return -1;
  return count;
}

/* The first limit attendees (0: all) in name order. */
static sqlite3_stmt *
prepare_all (CcmStore    *store,
             const char  *slug,
             guint        limit,
             GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "SELECT " CCM_VIEWS_ATTENDEE_COLUMNS " FROM "
                            "(SELECT ticket_code, sort_key FROM attendee_views "
                            " WHERE conference = ?1 ORDER BY sort_key LIMIT ?2) m"
                            CCM_VIEWS_ATTENDEE_JOINS " ORDER BY m.sort_key", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  return stmt;
}

static gboolean
search_all (CcmStore    *store,
            const char  *slug,
            guint        limit,
            JsonArray   *list,
            GError     **error)
{
  sqlite3_stmt *stmt = prepare_all (store, slug, limit, error);

  return stmt != NULL && collect (store, stmt, list, error);
}

gboolean
ccm_attendee_views_foreach (CcmStore         *store,
                            const char       *slug,
                            CcmViewsRowFunc   func,
                            gpointer          user_data,
                            GError          **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_STORE (store), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!ccm_views_require_conference (store, slug, error) ||
      (stmt = prepare_all (store, slug, 0, error)) == NULL)
    return FALSE;
  return ccm_views_walk (store, stmt, ccm_views_attendee_from_row, func, user_data,
                         "listing attendees", error);
}

static gboolean
search_range (CcmStore    *store,
              const char  *slug,
              GPtrArray   *words,
              guint        driver,
              guint        limit,
              JsonArray   *list,
              GError     **error)
{
  sqlite3_stmt *stmt;
  int next = 5;

  stmt = ccm_store_prepare (store,
                            "SELECT " CCM_VIEWS_ATTENDEE_COLUMNS " FROM "
                            "(SELECT DISTINCT w.sort_key, w.ticket_code FROM attendee_words w "
                            " WHERE w.conference = ?1 AND w.word >= ?2 AND w.word < ?3 "
                            " AND (?5 IS NULL OR instr (w.search_keys, ?5) > 0) "
                            " AND (?6 IS NULL OR instr (w.search_keys, ?6) > 0) "
                            " AND (?7 IS NULL OR instr (w.search_keys, ?7) > 0) "
                            " ORDER BY w.sort_key LIMIT ?4) m"
                            CCM_VIEWS_ATTENDEE_JOINS " ORDER BY m.sort_key", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  bind_range (stmt, 2, g_ptr_array_index (words, driver));
  sqlite3_bind_int64 (stmt, 4, limit > 0 ? (gint64) limit : -1);
  for (guint i = 0; i < words->len; i++)
    if (i != driver)
      bind_needle (stmt, next++, g_ptr_array_index (words, i));
  return collect (store, stmt, list, error);
}

static gboolean
search_in_order (CcmStore    *store,
                 const char  *slug,
                 GPtrArray   *words,
                 guint        limit,
                 JsonArray   *list,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "SELECT " CCM_VIEWS_ATTENDEE_COLUMNS " FROM "
                            "(SELECT ticket_code, sort_key FROM "
                            " (SELECT ticket_code, sort_key, search_keys FROM attendee_views "
                            "  WHERE conference = ?1 ORDER BY sort_key LIMIT ?7) "
                            " WHERE instr (search_keys, ?2) > 0 "
                            " AND (?3 IS NULL OR instr (search_keys, ?3) > 0) "
                            " AND (?4 IS NULL OR instr (search_keys, ?4) > 0) "
                            " AND (?5 IS NULL OR instr (search_keys, ?5) > 0) "
                            " ORDER BY sort_key LIMIT ?6) m"
                            CCM_VIEWS_ATTENDEE_JOINS " ORDER BY m.sort_key", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  for (guint i = 0; i < words->len; i++)
    bind_needle (stmt, 2 + i, g_ptr_array_index (words, i));
  sqlite3_bind_int64 (stmt, 6, limit);
  sqlite3_bind_int (stmt, 7, WALK_BUDGET);
  return collect (store, stmt, list, error);
}

/* The seats of the order of this conference whose access code word is, in
 * seat order, up to limit; none when word is not one. */
static gboolean
search_order (CcmStore    *store,
              const char  *slug,
              const char  *word,
              guint        limit,
              JsonArray   *list,
              GError     **error)
{
  g_autofree char *code = g_ascii_strup (word, -1);
  sqlite3_stmt *stmt;

  if (!ccm_access_code_is_valid (code))
    return TRUE;
  stmt = ccm_store_prepare (store,
                            "SELECT " CCM_VIEWS_ATTENDEE_COLUMNS " FROM "
                            "(SELECT s.ticket_code, s.position FROM order_views b "
                            " JOIN attendee_views s ON s.order_id = b.order_id "
                            " WHERE b.access_code = ?1 AND b.conference = ?2) m"
                            CCM_VIEWS_ATTENDEE_JOINS " ORDER BY m.position LIMIT ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);
  return collect (store, stmt, list, error);
}

/* others after list, leaving out the tickets already there, up to limit. */
static void
append_others (JsonArray *list,
               JsonArray *others,
               guint      limit)
{
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (list); i++)
    g_hash_table_add (listed, (gpointer) ccm_json_string (json_array_get_object_element (list, i),
                                                         "ticket_code"));
  for (guint i = 0; i < json_array_get_length (others); i++)
    {
      JsonObject *o = json_array_get_object_element (others, i);

      if (limit > 0 && json_array_get_length (list) >= limit)
        break;
      if (!g_hash_table_contains (listed, ccm_json_string (o, "ticket_code")))
        json_array_add_object_element (list, json_object_ref (o));
    }
}

static JsonArray *search_words (CcmStore    *store,
                                const char  *slug,
                                GPtrArray   *words,
                                guint        limit,
                                GError     **error);

JsonArray *
ccm_attendee_views_search (CcmStore    *store,
                           const char  *slug,
                           const char  *query,
                           guint        limit,
                           GError     **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  g_autoptr(GPtrArray) words = NULL;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  if (!ccm_views_require_conference (store, slug, error))
    return NULL;

  words = ccm_views_query_words (query);
  if (words->len > CCM_VIEWS_SEARCH_MAX_WORDS)
    g_ptr_array_set_size (words, CCM_VIEWS_SEARCH_MAX_WORDS);
  if (words->len == 0)
    return search_all (store, slug, limit, list, error) ? g_steal_pointer (&list) : NULL;

  if (words->len == 1)
    {
      g_autoptr(JsonArray) order = json_array_new ();
      g_autoptr(JsonArray) others = NULL;

      if (!search_order (store, slug, g_ptr_array_index (words, 0), limit, order, error))
        return NULL;
      if (json_array_get_length (order) > 0)
        {
          if ((others = search_words (store, slug, words, limit, error)) == NULL)
            return NULL;
          append_others (order, others, limit);
          return g_steal_pointer (&order);
        }
    }
  return search_words (store, slug, words, limit, error);
}

/* The matches of words, in name order (see the top of the file). */
static JsonArray *
search_words (CcmStore    *store,
              const char  *slug,
              GPtrArray   *words,
              guint        limit,
              GError     **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  gint64 fewest = G_MAXINT64;
  guint driver = 0;

  for (guint i = 0; i < words->len; i++)
    {
      gint64 count = count_keys (store, slug, g_ptr_array_index (words, i), error);

      if (count < 0)
        return NULL;
      if (count < fewest)
        {
          fewest = count;
          driver = i;
        }
    }

  /* Every word common: the first matches in name order come soon. */
  if (fewest >= RANGE_CAP && limit > 0)
    {
      if (!search_in_order (store, slug, words, limit, list, error))
        return NULL;
      if (json_array_get_length (list) >= limit)
        return g_steal_pointer (&list);
      g_clear_pointer (&list, json_array_unref);
      list = json_array_new ();
    }

  if (!search_range (store, slug, words, driver, limit, list, error))
    return NULL;
  return g_steal_pointer (&list);
}

GPtrArray *
ccm_attendee_views_codes_with_key (CcmStore    *store,
                                   const char  *slug,
                                   const char  *key,
                                   GError     **error)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *word = ccm_views_fold (key);
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT ticket_code FROM attendee_words "
                            "WHERE conference = ?1 AND word = ?2 ORDER BY sort_key", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, word, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (codes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (!ccm_views_done (store, stmt, rc, "looking an attendee up", error))
    return NULL;
  return g_steal_pointer (&codes);
}

static gboolean
keep_named (JsonObject  *attendee,
            gpointer     user_data,
            GError     **error)
{
  if (ccm_json_string (attendee, "email") != NULL &&
      g_strcmp0 (ccm_json_string (attendee, "status"), "cancelled") != 0)
    json_array_add_object_element (user_data, json_object_ref (attendee));
  return TRUE;
}

JsonArray *
ccm_attendee_views_named (CcmStore    *store,
                          const char  *slug,
                          GError     **error)
{
  g_autoptr(JsonArray) named = json_array_new ();

  if (!ccm_attendee_views_foreach (store, slug, keep_named, named, error))
    return NULL;
  return g_steal_pointer (&named);
}
