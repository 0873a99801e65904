/* ccm-store-sync.c — the command log and the tentative layer
 *
 * Every command a person issues is numbered in the device's command log.
 * On a store enrolled with a server, a command's local effects (events, read
 * model rows, process-manager state) are recorded as an SQLite session
 * changeset: the tentative layer. A pull undoes those changesets (newest
 * first), applies the server's confirmed events, and replays the commands
 * still pending, all in one transaction — work proportional to the new
 * events and the pending commands, never to the size of the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-store"

/* The session extension is in Debian's libsqlite3; its API is declared only
 * when asked for. */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include <glib/gi18n-lib.h>

#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-roles.h"
#include "ccm-store-private.h"

void
ccm_logged_command_free (CcmLoggedCommand *logged)
{
  g_clear_pointer (&logged->command, ccm_command_unref);
  g_free (logged);
}

void
ccm_command_result_free (CcmCommandResult *result)
{
  g_free (result->status);
  g_clear_pointer (&result->outcome, json_object_unref);
  g_free (result);
}

char *
ccm_store_get_meta (CcmStore   *self,
                    const char *key)
{
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);

  stmt = ccm_store_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

/* NULL deletes the key. */
gboolean
ccm_store_set_meta (CcmStore    *self,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  if (value == NULL)
    stmt = ccm_store_prepare (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = ccm_store_prepare (self,
                              "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              error);
  if (stmt == NULL)
    return FALSE;
  ccm_store_forget_meta (self);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return ccm_store_step_done (self, stmt, error);
}

gint64
ccm_store_get_meta_int (CcmStore   *self,
                        const char *key)
{
  g_autofree char *value = ccm_store_get_meta (self, key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

gboolean
ccm_store_set_meta_int (CcmStore    *self,
                        const char  *key,
                        gint64       value,
                        GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return ccm_store_set_meta (self, key, text, error);
}

gint64
ccm_store_count_pending (CcmStore *self)
{
  sqlite3_stmt *stmt;
  gint64 n = 0;

  g_return_val_if_fail (CCM_IS_STORE (self), 0);

  stmt = ccm_store_prepare (self, "SELECT count(*) FROM command_log WHERE status = 'pending'", NULL);
  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static CcmCommand *
command_from_column (sqlite3_stmt *stmt,
                     int           column)
{
  g_autoptr(JsonObject) json = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, column),
                                                     sqlite3_column_bytes (stmt, column), NULL);

  return json != NULL ? ccm_command_new_from_json (json, NULL) : NULL;
}

/* Pending commands in sequence order, for a push. limit 0: all of them. */
GPtrArray *
ccm_store_pending_commands (CcmStore    *self,
                            gint64       after_seq,
                            guint        limit,
                            GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_logged_command_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);

  stmt = ccm_store_prepare (self,
                            "SELECT seq, command FROM command_log "
                            "WHERE status = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_seq);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : G_MAXINT64);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CcmLoggedCommand *logged = g_new0 (CcmLoggedCommand, 1);

      logged->seq = sqlite3_column_int64 (stmt, 0);
      logged->command = command_from_column (stmt, 1);
      if (logged->command == NULL)
        {
          ccm_logged_command_free (logged);
          sqlite3_reset (stmt);
          g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_CORRUPT,
                       _("The command log of %s holds an unreadable command."),
                       ccm_store_get_path (self));
          return NULL;
        }
      g_ptr_array_add (list, logged);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, "reading the command log");
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* The tentative layer covers what a command changes; not the log of what
 * was asked, nor the layer itself, nor the device's settings. */
static int
session_table_filter (void       *user_data,
                      const char *table)
{
  /* Snapshots are of confirmed events only (snapshot_limit in
   * ccm-store.c): undoing a pending command leaves them right. */
  return !(g_str_equal (table, "command_log") ||
           g_str_equal (table, "tentative") ||
           g_str_equal (table, "meta") ||
           g_str_equal (table, "snapshots") ||
           g_str_equal (table, "desk_names") ||
           /* Kept by triggers on attendee_views, which fire again when
            * the layer is undone: recording them too would count twice. */
           g_str_equal (table, "checkin_counts") ||
           g_str_has_prefix (table, "sqlite_"));
}

static gboolean
save_changeset (CcmStore      *self,
                gint64         seq,
                sqlite3_session *session,
                GError       **error)
{
  sqlite3_stmt *stmt;
  void *changeset = NULL;
  int n = 0;
  int rc;
  gboolean ok;

  rc = sqlite3session_changeset (session, &n, &changeset);
  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "recording a tentative change");
      return FALSE;
    }
  if (n == 0)
    {
      sqlite3_free (changeset);
      return TRUE;
    }

  stmt = ccm_store_prepare (self, "INSERT INTO tentative (seq, changeset) VALUES (?, ?)", error);
  if (stmt == NULL)
    {
      sqlite3_free (changeset);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_blob (stmt, 2, changeset, n, SQLITE_STATIC);
  ok = ccm_store_step_done (self, stmt, error);
  sqlite3_free (changeset);
  return ok;
}

/* Runs a command inside the open transaction; with a seq, its effects are
 * recorded as that seq's tentative changeset. */
static CcmOutcome *
run_recorded (CcmStore    *self,
              gint64       seq,
              CcmCommand  *command,
              GError     **error)
{
  g_autoptr(CcmOutcome) outcome = NULL;
  sqlite3_session *session = NULL;
  int rc;

  rc = sqlite3session_create (ccm_store_get_db (self), "main", &session);
  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "starting a tentative change");
      return NULL;
    }
  sqlite3session_table_filter (session, session_table_filter, NULL);
  sqlite3session_attach (session, NULL);

  if (!ccm_store_begin (self, error))
    goto out;
  outcome = ccm_store_execute_in_transaction (self, command, error);
  if (outcome == NULL)
    {
      ccm_store_rollback (self);
      goto out;
    }
  /* The commands its process managers send are part of its effects. */
  if (!ccm_store_commit (self, error) ||
      !ccm_store_dispatch_outbox (self, error) ||
      !save_changeset (self, seq, session, error))
    g_clear_pointer (&outcome, ccm_outcome_free);

out:
  sqlite3session_delete (session);
  return g_steal_pointer (&outcome);
}

static gboolean
log_command (CcmStore          *self,
             CcmCommand        *command,
             const char        *status,
             const CcmOutcome  *outcome,
             gint64            *seq,
             GError           **error)
{
  g_autofree char *text = ccm_command_to_string (command);
  g_autofree char *outcome_text = outcome != NULL ? ccm_outcome_to_string (outcome) : NULL;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (self,
                            "INSERT INTO command_log (command_id, type, command, status, outcome, issued_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, command->command_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, command->type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, outcome_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, command->issued_at);
  if (!ccm_store_step_done (self, stmt, error))
    return FALSE;
  *seq = sqlite3_last_insert_rowid (ccm_store_get_db (self));
  return TRUE;
}

gboolean
ccm_store_log_decision (CcmStore          *self,
                        CcmCommand        *command,
                        const CcmOutcome  *outcome,
                        GError           **error)
{
  gint64 seq;

  /* Issued when it was decided: when the timer ran, not when it was set. */
  command->issued_at = ccm_clock_now (ccm_store_get_clock (self));
  if (command->device_id == NULL)
    command->device_id = g_strdup (ccm_store_get_device_id (self));
  return log_command (self, command, "applied", outcome, &seq, error);
}

/* An enrolled device runs only what its role lets it push: a check-in
 * device that sold a seat offline would learn only at its next sync that
 * the server refused the sale. A role this program does not know is left
 * to the server. */
static gboolean
role_allows (CcmStore          *self,
             const CcmCommand  *command,
             GError           **error)
{
  g_autofree char *text = NULL;

  if (ccm_store_may_run (self, command->type))
    return TRUE;
  text = ccm_store_get_meta (self, CCM_STORE_META_ROLE);
  ccm_domain_error_set (error, CCM_DOMAIN_ERROR_FORBIDDEN, "type",
                        _("This device is enrolled with the role %s, which may not run %s; the "
                          "server would refuse it."), text, command->type);
  return FALSE;
}

gboolean
ccm_store_may_run (CcmStore   *self,
                   const char *type)
{
  g_autofree char *text = NULL;
  CcmRole role;

  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  if (!ccm_store_is_enrolled (self))
    return TRUE;
  text = ccm_store_get_meta (self, CCM_STORE_META_ROLE);
  return text == NULL || !ccm_role_from_string (text, &role) || ccm_role_allows (role, type);
}

CcmOutcome *
ccm_store_submit (CcmStore    *self,
                  CcmCommand  *command,
                  GError     **error)
{
  g_autoptr(CcmOutcome) outcome = NULL;
  gboolean enrolled;
  gint64 seq = 0;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);
  g_return_val_if_fail (command != NULL, NULL);

  if (command->issued_at == 0)
    command->issued_at = ccm_clock_now (ccm_store_get_clock (self));
  if (command->device_id == NULL)
    command->device_id = g_strdup (ccm_store_get_device_id (self));

  if (!ccm_store_begin (self, error))
    return NULL;

  /* The same command id again (it ran here, or runs tentatively): its
   * first answer, nothing written. */
  if (!ccm_store_lookup_outcome (self, command->command_id, &outcome, error))
    goto fail;
  if (outcome != NULL)
    {
      ccm_store_rollback (self);
      return g_steal_pointer (&outcome);
    }

  enrolled = ccm_store_is_enrolled (self);
  if (enrolled)
    {
      /* The seq is known before the run: log first (the row is outside the
       * tentative layer), then record the run under it. */
      if (!role_allows (self, command, error) ||
          !log_command (self, command, "pending", NULL, &seq, error))
        goto fail;
      outcome = run_recorded (self, seq, command, error);
      if (outcome == NULL)
        goto fail;
    }
  else
    {
      /* Nothing was written yet: a rejection rolls back the one level. */
      outcome = ccm_store_execute_new_in_transaction (self, command, error);
      if (outcome == NULL ||
          !log_command (self, command, "applied", outcome, &seq, error))
        goto fail;
    }

  if (!ccm_store_commit (self, error))
    return NULL;

  json_object_set_int_member (outcome->result, "seq", seq);
  json_object_set_boolean_member (outcome->result, "pending", enrolled);

  if (!enrolled)
    {
      g_autoptr(GError) dispatch_error = NULL;

      if (!ccm_store_dispatch_outbox (self, &dispatch_error))
        g_warning ("%s", dispatch_error->message);
    }
  return g_steal_pointer (&outcome);

fail:
  ccm_store_rollback (self);
  return NULL;
}

/* The layer's rows were written by this store alone; any conflict means the
 * store was changed behind its back, and the whole rebase is abandoned. */
static int
undo_conflict_cb (void                   *user_data,
                  int                     conflict,
                  sqlite3_changeset_iter *iter)
{
  return SQLITE_CHANGESET_ABORT;
}

/* Undoes the tentative layer inside the open transaction: its changesets
 * are combined, oldest first, into one, whose inverse is applied once. One
 * apply instead of one per pending command: each apply opens a savepoint,
 * and in a large transaction that is the cost of a rebase. */
gboolean
ccm_store_undo_tentative (CcmStore  *self,
                          GError   **error)
{
  sqlite3_changegroup *group = NULL;
  sqlite3_stmt *stmt;
  void *combined = NULL, *inverse = NULL;
  int n_combined = 0, n_inverse = 0;
  int rc;

  stmt = ccm_store_prepare (self, "SELECT seq, changeset FROM tentative ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3changegroup_new (&group);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    rc = sqlite3changegroup_add (group, sqlite3_column_bytes (stmt, 1),
                                 (void *) sqlite3_column_blob (stmt, 1));
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    rc = sqlite3changegroup_output (group, &n_combined, &combined);
  sqlite3changegroup_delete (group);
  if (rc == SQLITE_OK && n_combined > 0)
    rc = sqlite3changeset_invert (n_combined, combined, &n_inverse, &inverse);
  if (rc == SQLITE_OK && n_inverse > 0)
    rc = sqlite3changeset_apply (ccm_store_get_db (self), n_inverse, inverse,
                                 NULL, undo_conflict_cb, NULL);
  sqlite3_free (combined);
  sqlite3_free (inverse);
  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "undoing the tentative layer");
      return FALSE;
    }

  if (n_inverse == 0)
    ccm_store_forget_states (self);
  else if (!ccm_store_rewrote_log (self, error))
    return FALSE;
  return ccm_store_exec (self, "DELETE FROM tentative", error);
}

/* Replays every pending command into a fresh tentative layer. A command the
 * local state now refuses stays pending: the server will answer it. */
gboolean
ccm_store_replay_pending (CcmStore  *self,
                          GError   **error)
{
  g_autoptr(GPtrArray) pending = ccm_store_pending_commands (self, 0, 0, error);

  if (pending == NULL)
    return FALSE;

  for (guint i = 0; i < pending->len; i++)
    {
      CcmLoggedCommand *logged = g_ptr_array_index (pending, i);
      g_autoptr(CcmOutcome) outcome = NULL;
      g_autoptr(GError) local_error = NULL;

      outcome = run_recorded (self, logged->seq, logged->command, &local_error);
      if (outcome == NULL)
        {
          if (local_error->domain != CCM_DOMAIN_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_debug ("Pending command %lld is refused locally for now: %s",
                   (long long) logged->seq, local_error->message);
        }
    }
  return TRUE;
}

static gboolean
record_results (CcmStore   *self,
                GPtrArray  *results,
                GError    **error)
{
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      CcmCommandResult *result = g_ptr_array_index (results, i);
      g_autofree char *text = result->outcome != NULL ? ccm_json_to_string (result->outcome) : NULL;
      const char *status = g_strcmp0 (result->status, "rejected") == 0 ? "rejected" : "applied";
      sqlite3_stmt *stmt;

      stmt = ccm_store_prepare (self,
                                "UPDATE command_log SET status = ?, outcome = ? "
                                "WHERE seq = ? AND status = 'pending'", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, status, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, result->seq);
      if (!ccm_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The switch of DESIGN §5.1 rule 4, in one transaction: state = confirmed
 * server events + the still-pending commands replayed on top. */
gboolean
ccm_store_rebase (CcmStore   *self,
                  GPtrArray  *confirmed_events,
                  GPtrArray  *results,
                  GError    **error)
{
  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  if (!ccm_store_begin (self, error))
    return FALSE;

  if (!ccm_store_undo_tentative (self, error) ||
      !record_results (self, results, error))
    goto fail;

  for (guint i = 0; confirmed_events != NULL && i < confirmed_events->len; i++)
    if (!ccm_store_append_confirmed (self, g_ptr_array_index (confirmed_events, i), error))
      goto fail;

  /* Nothing tentative is left in the log yet: all of it is confirmed. */
  if (!ccm_store_set_confirmed_position (self, ccm_store_get_last_position (self), error) ||
      !ccm_store_replay_pending (self, error))
    goto fail;

  ccm_store_mark_changed (self);
  return ccm_store_commit (self, error);

fail:
  ccm_store_rollback (self);
  return FALSE;
}

/* A new server epoch (the server was restored from a backup): drop the
 * confirmed layer, keep the command log; the next pull starts over. */
gboolean
ccm_store_reset_confirmed (CcmStore  *self,
                           GError   **error)
{
  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  if (!ccm_store_begin (self, error))
    return FALSE;
  if (!ccm_store_clear_confirmed (self, error) ||
      !ccm_store_replay_pending (self, error))
    goto fail;
  return ccm_store_commit (self, error);

fail:
  ccm_store_rollback (self);
  return FALSE;
}

/* A server restored from a backup has forgotten this device's commands from
 * from_seq on: they become pending again, to be pushed once more. Their
 * replay is harmless meanwhile — a command id that already ran here only
 * returns its first outcome. */
gboolean
ccm_store_requeue (CcmStore    *self,
                   gint64       from_seq,
                   GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  stmt = ccm_store_prepare (self,
                            "UPDATE command_log SET status = 'pending', outcome = NULL "
                            "WHERE seq >= ? AND status != 'pending'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from_seq);
  return ccm_store_step_done (self, stmt, error);
}

/* From now on the server's answer is the confirmed layer. A standalone
 * store's history becomes pending, to be pushed (DESIGN §4). */
gboolean
ccm_store_enroll (CcmStore  *self,
                  GError   **error)
{
  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  if (ccm_store_is_enrolled (self))
    return TRUE;

  if (!ccm_store_begin (self, error))
    return FALSE;
  if (!ccm_store_set_meta (self, "enrolled", "1", error) ||
      !ccm_store_exec (self, "UPDATE command_log SET status = 'pending' WHERE status = 'applied'", error) ||
      !ccm_store_clear_confirmed (self, error) ||
      !ccm_store_replay_pending (self, error))
    goto fail;
  return ccm_store_commit (self, error);

fail:
  ccm_store_rollback (self);
  return FALSE;
}

/* Desks by name */

/* Invalid UTF-8, control characters and runs of spaces become one space;
 * the ends are trimmed and the whole cut to CCM_STORE_DESK_NAME_MAX. */
char *
ccm_desk_name_clean (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name != NULL ? name : "", -1);
  GString *clean = g_string_new (NULL);
  gboolean space = FALSE;
  glong length = 0;

  for (const char *p = valid; *p != '\0' && length < CCM_STORE_DESK_NAME_MAX; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c) || c == 0xFFFD)
        {
          space = clean->len > 0;
          continue;
        }
      if (space)
        {
          g_string_append_c (clean, ' ');
          length++;
          space = FALSE;
          if (length == CCM_STORE_DESK_NAME_MAX)
            break;
        }
      g_string_append_unichar (clean, c);
      length++;
    }
  return g_string_free (clean, FALSE);
}

gboolean
ccm_store_set_desk_name (CcmStore    *self,
                         const char  *device_id,
                         const char  *name,
                         GError     **error)
{
  g_autofree char *clean = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  clean = ccm_desk_name_clean (name);
  if (*clean == '\0')
    stmt = ccm_store_prepare (self, "DELETE FROM desk_names WHERE device_id = ?1", error);
  else
    stmt = ccm_store_prepare (self,
                              "INSERT INTO desk_names (device_id, name) VALUES (?1, ?2) "
                              "ON CONFLICT (device_id) DO UPDATE SET name = excluded.name "
                              "WHERE name IS NOT excluded.name",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  if (*clean != '\0')
    sqlite3_bind_text (stmt, 2, clean, -1, SQLITE_STATIC);
  return ccm_store_step_done (self, stmt, error);
}

char *
ccm_store_get_desk_name (CcmStore   *self,
                         const char *device_id)
{
  sqlite3_stmt *stmt;
  char *name = NULL;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);

  if (device_id == NULL)
    return NULL;
  stmt = ccm_store_prepare (self, "SELECT name FROM desk_names WHERE device_id = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return name;
}

GHashTable *
ccm_store_list_desk_names (CcmStore  *self,
                           GError   **error)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);

  stmt = ccm_store_prepare (self, "SELECT device_id, name FROM desk_names", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, "reading the desks' names");
      return NULL;
    }
  return g_steal_pointer (&names);
}

char *
ccm_store_describe_desk (CcmStore   *self,
                         const char *device_id)
{
  g_autofree char *name = NULL;
  g_autofree char *short_id = NULL;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);

  if (device_id == NULL || *device_id == '\0')
    return NULL;
  if (g_strcmp0 (device_id, ccm_store_get_device_id (self)) == 0)
    return g_strdup (_("this desk"));
  name = ccm_store_get_desk_name (self, device_id);
  if (name != NULL)
    /* TRANSLATORS: a desk by the name it enrolled with: "desk “North door”" */
    return g_strdup_printf (_("desk “%s”"), name);
  short_id = ccm_id_short (device_id);
  /* TRANSLATORS: a desk whose name is not known, by the end of its id */
  return g_strdup_printf (_("desk %s"), short_id);
}

/* The primary keys (first key column, as text) of a table's rows that only
 * the tentative layer holds or changed: what the interface shows as pending. */
GHashTable *
ccm_store_tentative_keys (CcmStore    *self,
                          const char  *table,
                          GError     **error)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);

  stmt = ccm_store_prepare (self, "SELECT changeset FROM tentative ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      sqlite3_changeset_iter *iter = NULL;

      if (sqlite3changeset_start (&iter, sqlite3_column_bytes (stmt, 0),
                                  (void *) sqlite3_column_blob (stmt, 0)) != SQLITE_OK)
        continue;
      while (sqlite3changeset_next (iter) == SQLITE_ROW)
        {
          const char *name = NULL;
          int n_columns = 0, op = 0, indirect = 0;
          unsigned char *pk = NULL;
          int n_pk = 0;
          sqlite3_value *value = NULL;

          sqlite3changeset_op (iter, &name, &n_columns, &op, &indirect);
          if (g_strcmp0 (name, table) != 0)
            continue;
          sqlite3changeset_pk (iter, &pk, &n_pk);
          for (int c = 0; c < n_columns; c++)
            {
              if (!pk[c])
                continue;
              if (op == SQLITE_INSERT)
                sqlite3changeset_new (iter, c, &value);
              else
                sqlite3changeset_old (iter, c, &value);
              if (value != NULL && sqlite3_value_text (value) != NULL)
                g_hash_table_add (keys, g_strdup ((const char *) sqlite3_value_text (value)));
              break;
            }
        }
      sqlite3changeset_finalize (iter);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, "reading the tentative layer");
      return NULL;
    }
  return g_steal_pointer (&keys);
}
