/* ccm-views-common.c — search folding and small helpers of the read models
 * of orders, seats, attendees and the attention list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-views"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-order-views-private.h"
#include "ccm-errors.h"

/* Search folding */

static gboolean
is_ascii (const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    if ((guchar) *c >= 0x80)
      return FALSE;
  return TRUE;
}

/* Letters that keep their stroke or ligature through decomposition, as
 * they are typed on a keyboard without them: "Søren" is found by "soren",
 * "Łukasz" by "lukasz". Case folding comes first, so lower case only. */
static const struct
{
  gunichar    letter;
  const char *typed;
} typed_as[] = {
  { 0x00E6, "ae" },   /* æ */
  { 0x00F0, "d" },    /* ð */
  { 0x00F8, "o" },    /* ø */
  { 0x00FE, "th" },   /* þ */
  { 0x0111, "d" },    /* đ */
  { 0x0127, "h" },    /* ħ */
  { 0x0131, "i" },    /* ı */
  { 0x0142, "l" },    /* ł */
  { 0x0153, "oe" },   /* œ */
  { 0x0167, "t" },    /* ŧ */
  { 0x0180, "b" },    /* ƀ */
  { 0x01B6, "z" },    /* ƶ */
};

static const char *
typed_form (gunichar c)
{
  for (guint i = 0; i < G_N_ELEMENTS (typed_as); i++)
    if (typed_as[i].letter == c)
      return typed_as[i].typed;
  return NULL;
}

/* Compatibility decomposition (ligatures, full-width letters), case folding,
 * then every combining mark dropped and the letters of typed_as written as
 * typed. ASCII, the usual case, takes a shortcut to the same result.
 * Folding must never depend on the locale: the keys are stored, and a
 * rebuild elsewhere must give the same bytes (a change to it is a new
 * version of every read model that stores folded keys). */
char *
ccm_views_fold (const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");
  if (is_ascii (text))
    return g_ascii_strdown (text, -1);

  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_strdup ("");
  folded = g_utf8_casefold (decomposed, -1);

  out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (g_unichar_type (c))
        {
        case G_UNICODE_NON_SPACING_MARK:
        case G_UNICODE_SPACING_MARK:
        case G_UNICODE_ENCLOSING_MARK:
          break;
        default:
          if (typed_form (c) != NULL)
            g_string_append (out, typed_form (c));
          else
            g_string_append_unichar (out, c);
        }
    }
  return g_string_free (out, FALSE);
}

/* Splits folded text at white space. */
static void
split_words (const char *folded,
             GPtrArray  *words)
{
  const char *start = NULL;

  for (const char *p = folded;; p = g_utf8_next_char (p))
    {
      gboolean end = *p == '\0' || g_unichar_isspace (g_utf8_get_char (p));

      if (end && start != NULL)
        {
          g_ptr_array_add (words, g_strndup (start, p - start));
          start = NULL;
        }
      else if (!end && start == NULL)
        start = p;
      if (*p == '\0')
        break;
    }
}

static gboolean
contains_word (GPtrArray  *words,
               const char *word)
{
  for (guint i = 0; i < words->len; i++)
    if (g_str_equal (g_ptr_array_index (words, i), word))
      return TRUE;
  return FALSE;
}

static void
add_key (GPtrArray *keys,
         char      *key)
{
  if (*key == '\0' || contains_word (keys, key))
    g_free (key);
  else
    g_ptr_array_add (keys, key);
}

/* "jean-luc" is found by "jean-l", "jean" and "luc". */
static void
add_name_keys (GPtrArray  *keys,
               const char *name)
{
  g_autofree char *folded = ccm_views_fold (name);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

  split_words (folded, words);
  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);
      const char *start = NULL;

      add_key (keys, g_strdup (word));
      for (const char *p = word;; p = g_utf8_next_char (p))
        {
          gboolean part = *p != '\0' && g_unichar_isalnum (g_utf8_get_char (p));

          if (!part && start != NULL && (start != word || *p != '\0'))
            add_key (keys, g_strndup (start, p - start));
          if (!part)
            start = NULL;
          else if (start == NULL)
            start = p;
          if (*p == '\0')
            break;
        }
    }
}

GPtrArray *
ccm_views_attendee_keys (const char *first_name,
                         const char *last_name,
                         const char *email,
                         const char *ticket_code)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  if (ticket_code != NULL)
    add_key (keys, ccm_views_fold (ticket_code));
  add_name_keys (keys, first_name);
  add_name_keys (keys, last_name);
  if (email != NULL)
    {
      g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *folded = ccm_views_fold (email);

      split_words (folded, words);
      for (guint i = 0; i < words->len; i++)
        add_key (keys, g_strdup (g_ptr_array_index (words, i)));
    }
  return keys;
}

static int
longest_first (gconstpointer a,
               gconstpointer b)
{
  gsize la = strlen (*(const char *const *) a);
  gsize lb = strlen (*(const char *const *) b);

  return la < lb ? 1 : la > lb ? -1 : 0;
}

GPtrArray *
ccm_views_query_words (const char *query)
{
  g_autofree char *folded = ccm_views_fold (query);
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  split_words (folded, words);
  /* The longest word narrows the index range most; the sort is stable. */
  g_ptr_array_sort (words, longest_first);
  return words;
}

char *
ccm_views_prefix_end (const char *prefix)
{
  char *end = g_strdup (prefix);
  gsize length = strlen (end);

  /* Bytes compare as unsigned: raise the last one that can be raised. */
  while (length > 0 && (guchar) end[length - 1] == 0xff)
    end[--length] = '\0';
  if (length > 0)
    end[length - 1] = (char) ((guchar) end[length - 1] + 1);
  return end;
}

/* Helpers */

JsonArray *
ccm_views_payload_array (JsonObject *payload,
                         const char *member)
{
  JsonNode *node = payload != NULL ? json_object_get_member (payload, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* The part of the stream id after "prefix", or NULL for another stream. */
const char *
ccm_views_stream_key (const CcmEvent *event,
                      const char     *prefix)
{
  gsize length = strlen (prefix);

  if (event->stream_id == NULL || strncmp (event->stream_id, prefix, length) != 0)
    return NULL;
  return event->stream_id + length;
}

gboolean
ccm_views_require_conference (CcmStore    *store,
                              const char  *slug,
                              GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (slug == NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "slug",
                            _("No conference was named; give a conference slug."));
      return FALSE;
    }

  stmt = ccm_store_prepare (store, "SELECT 1 FROM conferences WHERE slug = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (store, error, rc, "reading a conference");
      return FALSE;
    }
  ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "slug",
                        _("There is no conference “%s”."), slug);
  return FALSE;
}

/* Ends a loop of sqlite3_step: resets the statement and maps a failure. */
gboolean
ccm_views_done (CcmStore      *store,
                sqlite3_stmt  *stmt,
                int            rc,
                const char    *doing,
                GError       **error)
{
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  ccm_store_set_sqlite_error (store, error, rc, doing);
  return FALSE;
}

gboolean
ccm_views_walk (CcmStore         *store,
                sqlite3_stmt     *stmt,
                JsonObject     *(*from_row) (sqlite3_stmt *stmt),
                CcmViewsRowFunc   func,
                gpointer          user_data,
                const char       *doing,
                GError          **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) row = from_row (stmt);

      if (!func (row, user_data, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  return ccm_views_done (store, stmt, rc, doing, error);
}

static gboolean
append_row (JsonObject  *row,
            gpointer     list,
            GError     **error)
{
  json_array_add_object_element (list, json_object_ref (row));
  return TRUE;
}

gboolean
ccm_views_collect (CcmStore         *store,
                   sqlite3_stmt     *stmt,
                   JsonObject     *(*from_row) (sqlite3_stmt *stmt),
                   JsonArray        *list,
                   const char       *doing,
                   GError          **error)
{
  return ccm_views_walk (store, stmt, from_row, append_row, list, doing, error);
}

void
ccm_views_set_text (JsonObject   *object,
                    const char   *member,
                    sqlite3_stmt *stmt,
                    int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    json_object_set_null_member (object, member);
  else
    json_object_set_string_member (object, member,
                                   (const char *) sqlite3_column_text (stmt, column));
}

void
ccm_views_set_time (JsonObject   *object,
                    const char   *member,
                    sqlite3_stmt *stmt,
                    int           column)
{
  g_autofree char *text = NULL;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    {
      json_object_set_null_member (object, member);
      return;
    }
  text = ccm_time_format (sqlite3_column_int64 (stmt, column));
  json_object_set_string_member (object, member, text);
}

/* NULL binds SQL NULL. */
void
ccm_views_bind_text (sqlite3_stmt *stmt,
                     int           index,
                     const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}
