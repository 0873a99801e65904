/* ccm-store-wipe.c — removing people's personal data from a store
 *
 * What a revoked device does at its next contact with the server (README,
 * "Threat model"): every name and e-mail address the registry declares
 * personal (CcmPersonalData) is replaced, in the stored events, the command
 * log, the outbox and the timers, by a fixed marker; the read models are
 * rebuilt from the redacted log; and the file is rewritten so no earlier
 * page keeps the text. The log keeps its shape — every event, seat, order,
 * payment and admission stays and folds as before — only the people's
 * names and addresses are gone.
 *
 * One transaction does the redaction: a crash leaves the old store or the
 * redacted one. The rewrite comes after it (VACUUM cannot run inside a
 * transaction); a crash before it ends leaves the redacted store with old
 * pages that the next wipe rewrites. Wiping a wiped store changes nothing
 * but rewrites the file again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-store"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-store-private.h"

/* One row to write back: its key and its redacted text. */
typedef struct
{
  gint64  id;
  char   *text;
  char   *outcome;   /* command log only; NULL leaves it */
} Redacted;

static void
redacted_free (Redacted *row)
{
  g_free (row->text);
  g_free (row->outcome);
  g_free (row);
}

/* Free text that may quote what was removed (a server's message about a
 * refused command): every occurrence becomes the marker. */
static gboolean
scrub_node (JsonNode  *node,
            GPtrArray *removed)
{
  gboolean changed = FALSE;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        changed |= scrub_node (member, removed);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        changed |= scrub_node (json_array_get_element (array, i), removed);
    }
  else if (JSON_NODE_TYPE (node) == JSON_NODE_VALUE &&
           json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autoptr(GString) text = g_string_new (json_node_get_string (node));
      guint n = 0;

      for (guint i = 0; i < removed->len; i++)
        n += g_string_replace (text, g_ptr_array_index (removed, i),
                               CCM_PERSONAL_REDACTED_TEXT, 0);
      if (n > 0)
        {
          json_node_set_string (node, text->str);
          changed = TRUE;
        }
    }
  return changed;
}

/* Redacts a stored command (the JSON of ccm_command_to_json) by its type;
 * with outcome, also the server's answer to it. */
static gboolean
redact_command_text (CcmRegistry  *registry,
                     const char   *text,
                     const char   *outcome,
                     Redacted     *row)
{
  g_autoptr(JsonObject) command = ccm_json_from_string (text, -1, NULL);
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  JsonObject *args = NULL;

  if (command == NULL ||
      !ccm_json_get_object (command, "args", FALSE, &args, NULL) || args == NULL)
    {
      g_warning ("A stored command cannot be read; its personal data cannot be removed");
      return FALSE;
    }

  if (ccm_registry_redact (registry, CCM_RECORD_COMMAND, ccm_json_string (command, "type"),
                           args, removed) == 0)
    return FALSE;
  row->text = ccm_json_to_string (command);

  if (outcome != NULL)
    {
      g_autoptr(JsonObject) answer = ccm_json_from_string (outcome, -1, NULL);
      g_autoptr(JsonNode) node = NULL;

      if (answer != NULL)
        {
          node = json_node_init_object (json_node_alloc (), answer);
          if (scrub_node (node, removed))
            row->outcome = ccm_json_to_string (answer);
        }
    }
  return TRUE;
}

static gboolean
write_back (CcmStore    *self,
            const char  *sql,
            GPtrArray   *rows,
            GError     **error)
{
  for (guint i = 0; i < rows->len; i++)
    {
      Redacted *row = g_ptr_array_index (rows, i);
      sqlite3_stmt *stmt = ccm_store_prepare (self, sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, row->text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, row->id);
      if (!ccm_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
step_rows (CcmStore      *self,
           sqlite3_stmt  *stmt,
           int            rc,
           const char    *doing,
           GError       **error)
{
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, doing);
      return FALSE;
    }
  return TRUE;
}

/* Events, by the type stored (an old name has a declaration of its own). */
static gboolean
redact_events (CcmStore  *self,
               guint     *n_changed,
               GError   **error)
{
  CcmRegistry *registry = ccm_store_get_registry (self);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) redacted_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (self, "SELECT position, type, payload FROM events ORDER BY position",
                            error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) payload = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                                            sqlite3_column_bytes (stmt, 2), NULL);
      Redacted *row;

      if (payload == NULL)
        {
          g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_CORRUPT,
                       _("The event at position %lld of %s has an unreadable payload; its "
                         "personal data cannot be removed."),
                       (long long) sqlite3_column_int64 (stmt, 0), ccm_store_get_path (self));
          sqlite3_reset (stmt);
          return FALSE;
        }
      if (ccm_registry_redact (registry, CCM_RECORD_EVENT,
                               (const char *) sqlite3_column_text (stmt, 1), payload, NULL) == 0)
        continue;

      row = g_new0 (Redacted, 1);
      row->id = sqlite3_column_int64 (stmt, 0);
      row->text = ccm_json_to_string (payload);
      g_ptr_array_add (rows, row);
    }
  if (!step_rows (self, stmt, rc, "reading events", error))
    return FALSE;

  *n_changed = rows->len;
  return write_back (self, "UPDATE events SET payload = ?1 WHERE position = ?2", rows, error);
}

/* The command log keeps what was asked and the server's answers. */
static gboolean
redact_command_log (CcmStore  *self,
                    GError   **error)
{
  CcmRegistry *registry = ccm_store_get_registry (self);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) redacted_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (self, "SELECT seq, command, outcome FROM command_log ORDER BY seq",
                            error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree Redacted *row = g_new0 (Redacted, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      if (redact_command_text (registry, (const char *) sqlite3_column_text (stmt, 1),
                               (const char *) sqlite3_column_text (stmt, 2), row))
        g_ptr_array_add (rows, g_steal_pointer (&row));
    }
  if (!step_rows (self, stmt, rc, "reading the command log", error))
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      Redacted *row = g_ptr_array_index (rows, i);

      stmt = ccm_store_prepare (self,
                                "UPDATE command_log SET command = ?1, outcome = coalesce (?3, outcome) "
                                "WHERE seq = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, row->text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, row->id);
      sqlite3_bind_text (stmt, 3, row->outcome, -1, SQLITE_STATIC);
      if (!ccm_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The outbox's and the timers' commands. */
static gboolean
redact_stored_commands (CcmStore    *self,
                        const char  *select_sql,
                        const char  *update_sql,
                        GError     **error)
{
  CcmRegistry *registry = ccm_store_get_registry (self);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) redacted_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (self, select_sql, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree Redacted *row = g_new0 (Redacted, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      if (redact_command_text (registry, (const char *) sqlite3_column_text (stmt, 1), NULL, row))
        g_ptr_array_add (rows, g_steal_pointer (&row));
    }
  if (!step_rows (self, stmt, rc, "reading stored commands", error))
    return FALSE;
  return write_back (self, update_sql, rows, error);
}

/* Process managers keep ids, states and amounts; should one ever keep a
 * person's member, it goes by its name. */
static gboolean
redact_process_state (CcmStore  *self,
                      GError   **error)
{
  CcmRegistry *registry = ccm_store_get_registry (self);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (self, "SELECT manager, instance, state FROM process_state", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) state = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                                          sqlite3_column_bytes (stmt, 2), NULL);
      char **row;

      if (state == NULL || ccm_registry_redact_by_name (registry, state, NULL) == 0)
        continue;
      row = g_new0 (char *, 4);
      row[0] = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row[1] = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row[2] = ccm_json_to_string (state);
      g_ptr_array_add (rows, row);
    }
  if (!step_rows (self, stmt, rc, "reading process managers' state", error))
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      stmt = ccm_store_prepare (self,
                                "UPDATE process_state SET state = ?3 "
                                "WHERE manager = ?1 AND instance = ?2", error);
      if (stmt == NULL)
        return FALSE;
      for (int c = 0; c < 3; c++)
        sqlite3_bind_text (stmt, c + 1, row[c], -1, SQLITE_STATIC);
      if (!ccm_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Inside the caller's transaction. */
static gboolean
redact_all (CcmStore  *self,
            GError   **error)
{
  guint n_events = 0;

  /* The tentative layer's changesets hold the rows it wrote, names and all:
   * undo it, and replay the redacted pending commands afterwards. */
  if (!ccm_store_undo_tentative (self, error) ||
      !redact_events (self, &n_events, error) ||
      !redact_command_log (self, error) ||
      !redact_stored_commands (self, "SELECT id, command FROM outbox",
                               "UPDATE outbox SET command = ?1 WHERE id = ?2", error) ||
      !redact_stored_commands (self, "SELECT id, command FROM timers",
                               "UPDATE timers SET command = ?1 WHERE id = ?2", error) ||
      !redact_process_state (self, error) ||
      /* Snapshots of folded states hold names too (a waitlist's); they are
       * made again from the redacted events. */
      !ccm_store_exec (self, "DELETE FROM snapshots", error))
    return FALSE;

  /* Folded states in memory hold names too. */
  ccm_store_forget_states (self);

  /* Read models come from the events alone: rebuilt when they changed. */
  if (n_events > 0 && !ccm_store_rebuild (self, error))
    return FALSE;
  if (!ccm_store_replay_pending (self, error))
    return FALSE;

  if (!ccm_store_set_meta_int (self, CCM_STORE_META_WIPED_AT,
                               ccm_clock_now (ccm_store_get_clock (self)), error))
    return FALSE;
  ccm_store_mark_changed (self);
  return TRUE;
}

/**
 * ccm_store_wipe_personal_data:
 *
 * Removes every person's name and e-mail address from the store (see the
 * top of this file). Outside any transaction; the store stays usable.
 * Fails with CCM_STORE_ERROR_BUSY when another program reading the store
 * keeps the file from being rewritten: the data is then out of the store's
 * rows but may remain in its free pages until a wipe succeeds.
 */
gboolean
ccm_store_wipe_personal_data (CcmStore  *self,
                              GError   **error)
{
  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  if (ccm_store_in_transaction (self))
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_FAILED,
                   _("The personal data of %s cannot be removed inside a transaction."),
                   ccm_store_get_path (self));
      return FALSE;
    }

  /* What is deleted or overwritten from now on is zeroed in its page. */
  if (!ccm_store_exec (self, "PRAGMA secure_delete=ON", error))
    return FALSE;

  if (!ccm_store_begin (self, error))
    return FALSE;
  if (!redact_all (self, error))
    {
      ccm_store_rollback (self);
      return FALSE;
    }
  if (!ccm_store_commit (self, error))
    return FALSE;

  return ccm_store_compact (self, error);
}

gint64
ccm_store_get_wiped_at (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), 0);

  return ccm_store_get_meta_int (self, CCM_STORE_META_WIPED_AT);
}
