/* ccm-store.c — the event store
 *
 * One SQLite file in WAL mode with synchronous=FULL: when a command returns,
 * its events, read-model rows and process-manager effects are on disk
 * together, or none of them are.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-store"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-store.h"
#include "ccm-store-private.h"
#include "ccm-wal-vfs.h"

/* "CCM1": marks the file as ours, so another program's database is refused. */
#define CCM_APPLICATION_ID 0x43434d31
#define STATE_CACHE_LIMIT  4096
/* A snapshot is written once this many events were folded since the last
 * one, and at least one event for every SNAPSHOT_BYTES_PER_EVENT bytes of
 * it: writing a large state costs about what folding that many events
 * does. */
#define SNAPSHOT_MIN_EVENTS      1000
#define SNAPSHOT_BYTES_PER_EVENT 512
/* How long a statement waits for another connection's lock before failing. */
#define BUSY_TIMEOUT_MS    10000

/* Where a folded state stands against the log and its stored snapshot. */
typedef struct
{
  gint64 position;        /* the log position of the event at its version */
  gint64 snapshot_at;     /* the stream version of the stored snapshot; 0: none */
  gsize snapshot_bytes;
} FoldMark;

typedef struct
{
  const CcmAggregate *aggregate;
  gpointer state;
  gint64 version;
  FoldMark mark;
  guint64 used;        /* the store's tick when it was last put back */
} CachedState;

struct _CcmStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  CcmRegistry *registry;
  CcmClock *clock;
  char *device_id;
  int schema_version;

  GHashTable *statements;    /* SQL text -> sqlite3_stmt*, owns both */
  GHashTable *by_address;    /* where a caller's SQL text last was -> the same */
  JsonParser *parser;        /* reused for every payload read */
  GHashTable *cache;         /* stream id -> CachedState*, committed states */
  GHashTable *pending;       /* the same, written in the open transaction */
  guint depth;               /* transaction nesting */
  GArray *marks;             /* per open level: was anything appended before it */
  guint64 tick;              /* counts states put back, to age them */
  gboolean changed;          /* something was appended in the open transaction */
  gint64 appended_position;  /* the last position appended in it */
  gboolean outbox_pending;   /* the outbox may hold commands to dispatch */
  gboolean dispatching;
  gint64 data_version;
  gint64 wiped_at;           /* as last seen: another process may wipe */
  gint64 log_generation;     /* as last seen: another process may rebase */
  gboolean enrolled;         /* as last seen, like wiped_at */
  gint64 confirmed_position; /* enrolled: the log holds only confirmed events up to here */
  gint64 meta_version;       /* data_version when both were read; -1: read again */
  guint timer_id;
  guint slice_id;            /* the watch's next slice of due timers */
  gint64 slice_us;           /* how long one slice may run */
  int slice_priority;
  gboolean authority;        /* the server's store: it pushes nothing anywhere */
};

G_DEFINE_FINAL_TYPE (CcmStore, ccm_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define WATCH_INTERVAL_MS 1000
/* Due timers run in slices this long, with the main loop's other work
 * (drawing, input, a server's requests) between them: a desk opened after
 * a weekend away may find thousands of reservations to expire. */
#define DEFAULT_SLICE_US (20 * 1000)

static const char *const schema_v1 =
  "CREATE TABLE events ("
  "  position INTEGER PRIMARY KEY,"
  "  stream_id TEXT NOT NULL,"
  "  stream_version INTEGER NOT NULL,"
  "  type TEXT NOT NULL,"
  "  schema_version INTEGER NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  command_id TEXT,"
  "  correlation_id TEXT,"
  "  device_id TEXT,"
  "  recorded_at INTEGER NOT NULL,"
  "  UNIQUE (stream_id, stream_version));"
  "CREATE TABLE commands ("
  "  command_id TEXT PRIMARY KEY,"
  "  type TEXT NOT NULL,"
  "  outcome TEXT NOT NULL,"
  "  recorded_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE process_state ("
  "  manager TEXT NOT NULL,"
  "  instance TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  PRIMARY KEY (manager, instance)) WITHOUT ROWID;"
  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY,"
  "  command TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE TABLE timers ("
  "  id INTEGER PRIMARY KEY,"
  "  manager TEXT NOT NULL,"
  "  instance TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  due_at INTEGER NOT NULL,"
  "  command TEXT NOT NULL,"
  "  UNIQUE (manager, instance, key));"
  "CREATE INDEX timers_due ON timers (due_at, id);"
  "CREATE TABLE projections ("
  "  name TEXT PRIMARY KEY,"
  "  version INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL) WITHOUT ROWID;";

/* Version 2: the device's numbered command log and the tentative layer
 * (DESIGN §4): what a person issued, and the undo of its local effects
 * while the server has not confirmed it. */
static const char *const schema_v2 =
  "CREATE TABLE command_log ("
  "  seq INTEGER PRIMARY KEY,"
  "  command_id TEXT NOT NULL,"
  "  type TEXT NOT NULL,"
  "  command TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  outcome TEXT,"
  "  issued_at INTEGER NOT NULL);"
  /* Only pending entries are looked for by status; applied ones, the bulk
   * on a standalone desk, cost no index write. A command id is found in
   * the commands table. */
  "CREATE INDEX command_log_pending ON command_log (seq) WHERE status = 'pending';"
  "CREATE TABLE tentative ("
  "  seq INTEGER PRIMARY KEY,"
  "  changeset BLOB NOT NULL);";

/* Version 3: snapshots of long streams' states (CcmAggregate.snapshot), a
 * cache of the log: each names the event it was folded up to by stream
 * version and log position, and is used only while that event is still
 * there. */
static const char *const schema_v3 =
  "CREATE TABLE snapshots ("
  "  stream_id TEXT PRIMARY KEY,"
  "  aggregate TEXT NOT NULL,"
  "  format INTEGER NOT NULL,"
  "  stream_version INTEGER NOT NULL,"
  "  position INTEGER NOT NULL,"
  "  state TEXT NOT NULL);";

/* Version 4: the commands the server refused, found without reading the
 * whole log: they are items of the attention list, counted on every
 * change. Few rows ever have that status, so the index costs nothing. */
static const char *const schema_v4 =
  "CREATE INDEX command_log_rejected ON command_log (seq) WHERE status = 'rejected';";

/* Version 5: the other desks' names, as the server knows them (each desk
 * enrolls with its name), so that a desk reads "desk “North door”" where it
 * read the end of a device id. Not a read model: a pull writes it, and no
 * rebuild or new epoch forgets it. */
static const char *const schema_v5 =
  "CREATE TABLE desk_names ("
  "  device_id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL) WITHOUT ROWID;";

/* Version 6: a command's outcome as numbers, its result only when there is
 * one. The idempotency record is written by every command, appended at the
 * end of its B-tree: rows a third the size split a page a third as often,
 * and each split writes its neighbours and parent to the log too (measured
 * on the benchmark's commands: 1.49 pages of this table per commit before,
 * see README "Performance"). Nothing read its type or time. */
static const char *const schema_v6 =
  "CREATE TABLE commands_v6 ("
  "  command_id TEXT PRIMARY KEY,"
  "  first_position INTEGER NOT NULL,"
  "  last_position INTEGER NOT NULL,"
  "  events INTEGER NOT NULL,"
  "  result TEXT) WITHOUT ROWID;"
  "INSERT INTO commands_v6 (command_id, first_position, last_position, events, result) "
  "  SELECT command_id, coalesce (json_extract (o, '$.first_position'), 0),"
  "         coalesce (json_extract (o, '$.last_position'), 0),"
  "         coalesce (json_extract (o, '$.events'), 0),"
  "         nullif (json_extract (o, '$.result'), '{}')"
  "  FROM (SELECT command_id,"
  "               CASE WHEN json_valid (outcome) THEN outcome ELSE '{}' END AS o"
  "        FROM commands);"
  "DROP TABLE commands;"
  "ALTER TABLE commands_v6 RENAME TO commands;";

/* Each entry brings the schema from version i to i + 1. */
static const char *const *const migrations[] = {
  &schema_v1,
  &schema_v2,
  &schema_v3,
  &schema_v4,
  &schema_v5,
  &schema_v6,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CCM_STORE_SCHEMA_VERSION);

static void
cached_state_free (CachedState *cached)
{
  if (cached->state != NULL)
    cached->aggregate->free_state (cached->state);
  g_free (cached);
}

void
ccm_outcome_free (CcmOutcome *outcome)
{
  g_free (outcome->command_id);
  g_clear_pointer (&outcome->result, json_object_unref);
  g_free (outcome);
}

JsonObject *
ccm_outcome_to_json (const CcmOutcome *outcome)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "command_id", outcome->command_id);
  json_object_set_boolean_member (o, "duplicate", outcome->duplicate);
  json_object_set_int_member (o, "first_position", outcome->first_position);
  json_object_set_int_member (o, "last_position", outcome->last_position);
  json_object_set_int_member (o, "events", outcome->n_events);
  json_object_set_object_member (o, "result",
                                 outcome->result != NULL ? json_object_ref (outcome->result)
                                                         : json_object_new ());
  return o;
}

/* The text of ccm_outcome_to_json, written straight: the device's command
 * log keeps one for every command it ran. */
char *
ccm_outcome_to_string (const CcmOutcome *outcome)
{
  GString *out = g_string_sized_new (128);

  g_string_append_c (out, '{');
  ccm_json_append_string_member (out, "command_id", outcome->command_id);
  ccm_json_append_bool_member (out, "duplicate", outcome->duplicate);
  ccm_json_append_int_member (out, "first_position", outcome->first_position);
  ccm_json_append_int_member (out, "last_position", outcome->last_position);
  ccm_json_append_int_member (out, "events", outcome->n_events);
  ccm_json_append_object_member (out, "result", outcome->result);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static void
ccm_store_finalize (GObject *object)
{
  CcmStore *self = (CcmStore *)object;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->slice_id, g_source_remove);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->by_address, g_hash_table_unref);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_object (&self->parser);
  g_clear_pointer (&self->marks, g_array_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->registry, ccm_registry_unref);
  g_clear_object (&self->clock);
  g_free (self->device_id);
  g_free (self->path);

  G_OBJECT_CLASS (ccm_store_parent_class)->finalize (object);
}

static void
ccm_store_class_init (CcmStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ccm_store_finalize;

  /**
   * CcmStore::changed:
   * @last_position: the log position after the change
   *
   * Emitted after a transaction that appended events commits, and when
   * another process changed the file (see ccm_store_check_external_changes()).
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
ccm_store_init (CcmStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  self->by_address = g_hash_table_new (NULL, NULL);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) cached_state_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) cached_state_free);
  self->parser = json_parser_new ();
  self->marks = g_array_new (FALSE, FALSE, sizeof (gboolean));
  self->meta_version = -1;
  self->slice_us = DEFAULT_SLICE_US;
  self->slice_priority = G_PRIORITY_DEFAULT;
}

/* SQLite errors are mapped here and nowhere else. */
void
ccm_store_set_sqlite_error (CcmStore    *self,
                            GError     **error,
                            int          rc,
                            const char  *doing)
{
  const char *path = self != NULL ? self->path : "";
  const char *detail = self != NULL && self->db != NULL ? sqlite3_errmsg (self->db)
                                                         : sqlite3_errstr (rc);
  CcmStoreError code;

  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_A_STORE,
                   _("The file %s is not a Contoso Conference store (it is not an "
                   "SQLite database); it was left untouched."), path);
      return;
    case SQLITE_CORRUPT:
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_CORRUPT,
                   _("The store %s is damaged (%s) while %s; restore it from a "
                   "backup or sync it again from the server."), path, detail, doing);
      return;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = CCM_STORE_ERROR_BUSY;
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      code = CCM_STORE_ERROR_READ_ONLY;
      break;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      code = CCM_STORE_ERROR_IO;
      break;
    default:
      code = CCM_STORE_ERROR_FAILED;
      break;
    }

  g_set_error (error, CCM_STORE_ERROR, code,
               _("The store %s failed while %s: %s."), path, doing, detail);
}

sqlite3 *
ccm_store_get_db (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), NULL);

  return self->db;
}

/* Statements are cached by their text. Most callers pass string literals,
 * so the address the text was last seen at finds the statement without
 * hashing it; the text is compared all the same, since text built at run
 * time may be freed and its address reused for other SQL. */
sqlite3_stmt *
ccm_store_prepare (CcmStore    *self,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);

  stmt = g_hash_table_lookup (self->by_address, sql);
  if (stmt == NULL || strcmp (sqlite3_sql (stmt), sql) != 0)
    {
      stmt = g_hash_table_lookup (self->statements, sql);
      if (stmt == NULL)
        {
          rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
          if (rc != SQLITE_OK)
            {
              ccm_store_set_sqlite_error (self, error, rc, "preparing a query");
              return NULL;
            }
          g_hash_table_insert (self->statements, g_strdup (sql), stmt);
        }
      g_hash_table_replace (self->by_address, (gpointer) sql, stmt);
    }

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

gboolean
ccm_store_step_done (CcmStore      *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    rc = SQLITE_DONE;
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, "writing");
      return FALSE;
    }
  return TRUE;
}

gboolean
ccm_store_exec (CcmStore    *self,
                const char  *sql,
                GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "changing the schema");
      return FALSE;
    }
  return TRUE;
}

static gint64
query_int (CcmStore   *self,
           const char *sql,
           const char *text_arg,
           gint64      fallback)
{
  sqlite3_stmt *stmt = ccm_store_prepare (self, sql, NULL);
  gint64 value = fallback;

  if (stmt == NULL)
    return fallback;
  if (text_arg != NULL)
    sqlite3_bind_text (stmt, 1, text_arg, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

/* Begins, commits and releases run on every command: their statements are
 * prepared once, like any other. */
static gboolean
run_control (CcmStore    *self,
             const char  *sql,
             GError     **error)
{
  sqlite3_stmt *stmt = ccm_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, "starting or ending a transaction");
      return FALSE;
    }
  return TRUE;
}

/* meta's enrolled mark, as stored now. */
static gboolean
read_enrolled (CcmStore *self)
{
  g_autofree char *value = ccm_store_get_meta (self, "enrolled");

  return g_strcmp0 (value, "1") == 0;
}

/* Reads meta's wiped_at, log generation and enrolled, as of data_version
 * `version` (-1: read them again at the next transaction's start). A wipe
 * leaves every stream at its version: states folded before it would still
 * hold the names it removed; a rebase may leave a stream at its version
 * with other events (ccm_store_rewrote_log). */
static void
read_meta (CcmStore *self,
           gint64    version)
{
  gint64 wiped_at = ccm_store_get_wiped_at (self);
  gint64 generation = ccm_store_get_meta_int (self, CCM_STORE_META_LOG_GENERATION);

  if (wiped_at != self->wiped_at || generation != self->log_generation)
    {
      self->wiped_at = wiped_at;
      self->log_generation = generation;
      ccm_store_forget_states (self);
    }
  self->enrolled = read_enrolled (self);
  self->confirmed_position = self->enrolled
                               ? ccm_store_get_meta_int (self, CCM_STORE_META_CONFIRMED_POSITION)
                               : 0;
  self->meta_version = version;
}

/* Transactions nest through savepoints: a timer's command runs inside the
 * transaction that consumes the timer. */
gboolean
ccm_store_begin (CcmStore  *self,
                 GError   **error)
{
  g_autofree char *savepoint = NULL;

  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  /* The outermost level's text is a literal: its statement is found by
   * address, without hashing. */
  if (self->depth > 0)
    savepoint = g_strdup_printf ("SAVEPOINT s%u", self->depth);
  if (!run_control (self, savepoint != NULL ? savepoint : "BEGIN IMMEDIATE", error))
    return FALSE;
  g_array_set_size (self->marks, self->depth);
  g_array_append_val (self->marks, self->changed);
  self->depth++;

  /* Another connection may have wiped the store's personal data (folded
   * states from before must not decide, and write, with it) or enrolled it.
   * With the write lock held, data_version tells whether any other
   * connection committed since both were read; this one's own changes to
   * them forget what was read (ccm_store_forget_meta). */
  if (self->depth == 1)
    {
      gint64 version = query_int (self, "PRAGMA data_version", NULL, -1);

      if (version < 0 || version != self->meta_version)
        read_meta (self, version);
    }
  return TRUE;
}

/* Called when the tentative layer is empty: every event up to `position` is
 * confirmed. */
gboolean
ccm_store_set_confirmed_position (CcmStore  *self,
                                  gint64     position,
                                  GError   **error)
{
  if (!ccm_store_set_meta_int (self, CCM_STORE_META_CONFIRMED_POSITION, position, error))
    return FALSE;
  self->confirmed_position = position;
  return TRUE;
}

void
ccm_store_forget_meta (CcmStore *self)
{
  self->meta_version = -1;
}

gboolean
ccm_store_is_enrolled (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  /* Inside a transaction nobody else writes: what its start read holds. */
  if (self->depth > 0 && self->meta_version >= 0)
    return self->enrolled;
  return read_enrolled (self);
}

static int
compare_used (gconstpointer a,
              gconstpointer b)
{
  const CachedState *x = *(CachedState * const *) a;
  const CachedState *y = *(CachedState * const *) b;

  return x->used < y->used ? -1 : x->used > y->used;
}

/* Keeps the cache bounded by forgetting the least recently used half: a
 * conference's seats stream, used by every order, stays folded while the
 * many order streams come and go. */
static void
trim_cache (CcmStore *self)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_sized_new (g_hash_table_size (self->cache));
  GHashTableIter iter;
  gpointer key, value;
  guint64 cutoff;

  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (entries, value);
  g_ptr_array_sort (entries, compare_used);
  cutoff = ((CachedState *) g_ptr_array_index (entries, entries->len / 2))->used;

  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((CachedState *) value)->used < cutoff)
      g_hash_table_iter_remove (&iter);
}

static void
merge_pending_into_cache (CcmStore *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_replace (self->cache, key, value);
    }

  if (g_hash_table_size (self->cache) > STATE_CACHE_LIMIT)
    trim_cache (self);
}

gboolean
ccm_store_commit (CcmStore  *self,
                  GError   **error)
{
  g_autofree char *release = NULL;
  gboolean notify;

  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->depth > 1)
    release = g_strdup_printf ("RELEASE s%u", self->depth - 1);
  if (!run_control (self, release != NULL ? release : "COMMIT", error))
    {
      ccm_store_rollback (self);
      return FALSE;
    }
  self->depth--;

  if (self->depth > 0)
    return TRUE;

  /* Our own commits leave data_version as it is: no need to read it again,
   * and no read transaction after each command. */
  merge_pending_into_cache (self);
  notify = self->changed;
  self->changed = FALSE;
  if (notify)
    g_signal_emit (self, signals[CHANGED], 0, self->appended_position);
  return TRUE;
}

void
ccm_store_rollback (CcmStore *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (CCM_IS_STORE (self));
  g_return_if_fail (self->depth > 0);

  self->depth--;
  sql = self->depth == 0 ? g_strdup ("ROLLBACK")
                         : g_strdup_printf ("ROLLBACK TO s%u; RELEASE s%u",
                                            self->depth, self->depth);
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("Rolling back failed in %s: %s", self->path, sqlite3_errmsg (self->db));

  /* States folded in this transaction may include what was rolled back, and
   * nothing appended since the level began is there any more; nor, maybe,
   * what it wrote to meta. */
  g_hash_table_remove_all (self->pending);
  self->meta_version = -1;
  self->changed = g_array_index (self->marks, gboolean, self->depth);
}

gboolean
ccm_store_in_transaction (CcmStore *self)
{
  return self->depth > 0;
}

/* Checkpoints the write-ahead log into the file and empties it. Waits (up to
 * the busy timeout) for other connections' reads; one still reading makes it
 * fail with CCM_STORE_ERROR_BUSY, since frames it may read cannot go. */
static gboolean
checkpoint_truncate (CcmStore  *self,
                     GError   **error)
{
  int rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "emptying its write-ahead log");
      return FALSE;
    }
  return TRUE;
}

/* Leaves no earlier version of any row in the file or its -wal: the log is
 * checkpointed and truncated, VACUUM writes every page afresh (free pages
 * and all), and the log it went through is checkpointed and truncated too.
 * Outside any transaction. */
gboolean
ccm_store_compact (CcmStore  *self,
                   GError   **error)
{
  GHashTableIter iter;
  gpointer stmt;
  int rc;

  g_return_val_if_fail (self->depth == 0, FALSE);

  /* VACUUM refuses to run while a statement is still stepping. */
  g_hash_table_iter_init (&iter, self->statements);
  while (g_hash_table_iter_next (&iter, NULL, &stmt))
    sqlite3_reset (stmt);

  if (!checkpoint_truncate (self, error))
    return FALSE;
  rc = sqlite3_exec (self->db, "VACUUM", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "rewriting its file");
      return FALSE;
    }
  return checkpoint_truncate (self, error);
}

void
ccm_store_forget_states (CcmStore *self)
{
  g_hash_table_remove_all (self->cache);
  g_hash_table_remove_all (self->pending);
}

gboolean
ccm_store_rewrote_log (CcmStore  *self,
                       GError   **error)
{
  g_return_val_if_fail (self->depth > 0, FALSE);

  /* The write lock is held: what the transaction's start read is current. */
  if (!ccm_store_set_meta_int (self, CCM_STORE_META_LOG_GENERATION, self->log_generation + 1, error))
    return FALSE;
  self->log_generation++;
  ccm_store_forget_states (self);
  return TRUE;
}

void
ccm_store_mark_changed (CcmStore *self)
{
  self->changed = TRUE;
  self->appended_position = ccm_store_get_last_position (self);
}

/* Opening */

/* Whether path exists, and a clear error for what SQLite would only call
 * "unable to open": a folder, or a file this user may not read and write.
 * No descriptor of the file is opened and closed here, nor anywhere but in
 * SQLite: closing one releases every POSIX lock this process holds on the
 * file, those of the store's other connections too (SQLite keeps its own
 * descriptors open while a connection of the process needs them), and
 * another program would then take the store for unused, checkpoint it and
 * delete its log and shared index under them: the window's connection
 * while an export opens its own, the command line's meanwhile. */
static gboolean
check_path (const char  *path,
            gboolean    *exists,
            GError     **error)
{
  GStatBuf info;
  int saved = 0;

  if (g_stat (path, &info) != 0)
    {
      saved = errno;
      if (saved == ENOENT)
        {
          *exists = FALSE;
          return TRUE;
        }
    }
  else if (S_ISDIR (info.st_mode))
    saved = EISDIR;
  else if (g_access (path, R_OK | W_OK) != 0)
    saved = errno;

  if (saved != 0)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO,
                   _("The store %s cannot be opened: %s."), path, g_strerror (saved));
      return FALSE;
    }
  *exists = TRUE;
  return TRUE;
}

/* Created 0600 from the start: the store holds attendees' personal data.
 * SQLite gives the -wal and -shm files the same mode. Never an existing
 * file (O_EXCL): this descriptor is closed again (see check_path). */
static gboolean
create_file (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO,
                   _("The folder %s for the store cannot be created: %s."),
                   dir, g_strerror (saved));
      return FALSE;
    }

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      /* Another program created it meanwhile: it is opened as it is. */
      if (saved == EEXIST)
        return TRUE;
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO,
                   _("The store %s cannot be created: %s."), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* The file's first bytes, read through SQLite's own descriptor (see
 * check_path) before any statement reads or writes it: a file that is not
 * an SQLite database is refused untouched. An empty file is what an
 * interrupted first start leaves: it is taken. */
static gboolean
check_header (CcmStore  *self,
              GError   **error)
{
  static const char magic[16] = "SQLite format 3";
  sqlite3_file *file = NULL;
  sqlite3_int64 size = 0;
  char header[16];
  int rc;

  rc = sqlite3_file_control (self->db, "main", SQLITE_FCNTL_FILE_POINTER, &file);
  if (rc == SQLITE_OK && (file == NULL || file->pMethods == NULL))
    rc = SQLITE_CANTOPEN;
  if (rc == SQLITE_OK)
    rc = file->pMethods->xFileSize (file, &size);
  if (rc == SQLITE_OK && size == 0)
    return TRUE;
  if (rc == SQLITE_OK && size >= (sqlite3_int64) sizeof header)
    rc = file->pMethods->xRead (file, header, sizeof header, 0);
  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "reading its header");
      return FALSE;
    }

  if (size < (sqlite3_int64) sizeof header || memcmp (header, magic, sizeof header) != 0)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_A_STORE,
                   _("The file %s is not a Contoso Conference store (it is not an "
                   "SQLite database); it was left untouched."), self->path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_pragma_int (CcmStore    *self,
                 const char  *pragma,
                 gint64      *value,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, pragma, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "reading its header");
      return FALSE;
    }
  return TRUE;
}

/* Everything here only reads: a file that is refused stays as it was. */
static gboolean
check_identity (CcmStore  *self,
                GError   **error)
{
  gint64 application_id = 0, user_version = 0, n_objects = 0;

  if (!read_pragma_int (self, "PRAGMA application_id", &application_id, error) ||
      !read_pragma_int (self, "PRAGMA user_version", &user_version, error) ||
      !read_pragma_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, error))
    return FALSE;

  if (application_id != 0 && application_id != CCM_APPLICATION_ID)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_A_STORE,
                   _("The file %s is another program’s database, not a Contoso "
                   "Conference store; it was left untouched."), self->path);
      return FALSE;
    }
  if (application_id == 0 && n_objects > 0)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_NOT_A_STORE,
                   _("The file %s is an SQLite database of another program, not a "
                   "Contoso Conference store; it was left untouched."), self->path);
      return FALSE;
    }
  if (user_version > CCM_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_NEWER_SCHEMA,
                   _("The store %s was written by a newer version of Contoso Conference "
                     "(schema %lld; this version knows up to %d). "
                     "Update the program to open it; the file was left untouched."),
                   self->path, (long long) user_version, CCM_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean
configure (CcmStore  *self,
           GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  if (!wal)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO,
                   _("The store %s cannot use write-ahead logging (%s); is its "
                   "folder on a network file system?"), self->path, sqlite3_errmsg (self->db));
      return FALSE;
    }

  /* FULL: a command returns once it is on disk; and the file layer's
   * gathered log writes (ccm-wal-vfs.c) are only safe with it. */
  return ccm_store_exec (self,
                         "PRAGMA synchronous=FULL;"
                         "PRAGMA foreign_keys=ON;"
                         "PRAGMA temp_store=MEMORY;"
                         "PRAGMA cache_size=-32768;",
                         error);
}

static gboolean
migrate (CcmStore  *self,
         GError   **error)
{
  gint64 version = 0;
  g_autofree char *set_version = NULL;

  if (!ccm_store_begin (self, error))
    return FALSE;

  /* Read again inside the write lock: another process may have migrated. */
  if (!read_pragma_int (self, "PRAGMA user_version", &version, error))
    goto fail;

  for (; version < CCM_STORE_SCHEMA_VERSION; version++)
    {
      g_debug ("Migrating %s to schema %" G_GINT64_FORMAT, self->path, version + 1);
      if (!ccm_store_exec (self, *migrations[version], error))
        goto fail;
    }

  set_version = g_strdup_printf ("PRAGMA application_id=%d; PRAGMA user_version=%d;",
                                 CCM_APPLICATION_ID, CCM_STORE_SCHEMA_VERSION);
  if (!ccm_store_exec (self, set_version, error))
    goto fail;

  self->schema_version = CCM_STORE_SCHEMA_VERSION;
  return ccm_store_commit (self, error);

fail:
  ccm_store_rollback (self);
  return FALSE;
}

static gboolean
load_device_id (CcmStore  *self,
                GError   **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (self, "SELECT value FROM meta WHERE key = 'device_id'", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    self->device_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (self->device_id != NULL)
    return TRUE;

  self->device_id = ccm_id_new (ccm_clock_now (self->clock));
  stmt = ccm_store_prepare (self, "INSERT OR IGNORE INTO meta (key, value) VALUES ('device_id', ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, self->device_id, -1, SQLITE_STATIC);
  return ccm_store_step_done (self, stmt, error);
}

static gboolean ensure_projections (CcmStore *self, GError **error);

/* The file the desktop application and the command line share, unless
 * CONTOSO_STORE names another. */
char *
ccm_store_default_path (void)
{
  const char *env = g_getenv ("CONTOSO_STORE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "contoso-conference", "store.db", NULL);
}

CcmStore *
ccm_store_open (const char   *path,
                CcmRegistry  *registry,
                CcmClock     *clock,
                GError      **error)
{
  g_autoptr(CcmStore) self = NULL;
  gboolean exists = FALSE;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (registry != NULL, NULL);
  g_return_val_if_fail (CCM_IS_CLOCK (clock), NULL);

  if (!check_path (path, &exists, error))
    return NULL;
  if (!exists && !create_file (path, error))
    return NULL;

  self = g_object_new (CCM_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->registry = ccm_registry_ref (registry);
  self->clock = g_object_ref (clock);

  /* The log's writes go out in one write per commit (ccm-wal-vfs.c); that
   * needs synchronous=FULL, which configure() sets. */
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        ccm_wal_vfs_name ());
  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "opening");
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  /* Before the first read: another process (the server, the desktop
   * application) may hold a lock for a moment. */
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  if (!check_header (self, error) ||
      !check_identity (self, error))
    return NULL;

  if (g_chmod (path, 0600) != 0)
    g_warning ("Cannot make %s private to its owner: %s", path, g_strerror (errno));

  if (!configure (self, error) ||
      !migrate (self, error) ||
      !load_device_id (self, error) ||
      !ensure_projections (self, error))
    return NULL;

  self->data_version = query_int (self, "PRAGMA data_version", NULL, 0);
  /* Read outside the write lock: read again when the first transaction starts. */
  read_meta (self, -1);
  /* A crash may have left commands behind. */
  self->outbox_pending = TRUE;
  return g_steal_pointer (&self);
}

const char *
ccm_store_get_path (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), NULL);
  return self->path;
}

CcmClock *
ccm_store_get_clock (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), NULL);
  return self->clock;
}

CcmRegistry *
ccm_store_get_registry (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), NULL);
  return self->registry;
}

const char *
ccm_store_get_device_id (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), NULL);
  return self->device_id;
}

/* Enrollment gives the device the id the server knows it by: its commands,
 * and the allotments leased to it, must name that one. */
gboolean
ccm_store_set_device_id (CcmStore    *self,
                         const char  *device_id,
                         GError     **error)
{
  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  if (!ccm_store_set_meta (self, "device_id", device_id, error))
    return FALSE;
  g_free (self->device_id);
  self->device_id = g_strdup (device_id);
  return TRUE;
}

int
ccm_store_get_schema_version (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), 0);
  return self->schema_version;
}

gint64
ccm_store_get_last_position (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), 0);
  return query_int (self, "SELECT max(position) FROM events", NULL, 0);
}

gint64
ccm_store_count_events (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), 0);
  return query_int (self, "SELECT count(*) FROM events", NULL, 0);
}

gint64
ccm_store_count_timers (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), 0);
  return query_int (self, "SELECT count(*) FROM timers", NULL, 0);
}

gint64
ccm_store_count_outbox (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), 0);
  return query_int (self, "SELECT count(*) FROM outbox", NULL, 0);
}

/* Reading */

#define EVENT_COLUMNS \
  "position, stream_id, stream_version, type, schema_version, payload, " \
  "command_id, correlation_id, device_id, recorded_at"

/* A stream's events after a version, in order. */
#define READ_STREAM_SQL \
  "SELECT " EVENT_COLUMNS " FROM events WHERE stream_id = ? AND stream_version > ? " \
  "ORDER BY stream_version"

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Fills an event from a row. Stream id and the ids point into the row
 * (valid until the next step); type and payload are the event's own, since
 * upcasters may replace them. */
/* Reads a stored payload with `parser` (reused: each payload object is
 * referenced out of it). */
static JsonObject *
decode_payload (CcmStore     *self,
                JsonParser   *parser,
                gint64        position,
                const char   *text,
                gssize        length,
                GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *payload = NULL;
  JsonNode *root;
  CcmJsonEscapeFault fault;
  gssize bad;

  if (!ccm_json_precheck (text, length, &bad, &fault))
    g_set_error_literal (&local_error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                         _("it is not a JSON object"));
  else if (bad >= 0)
    ccm_json_set_escape_error (&local_error, fault, bad);
  else if (json_parser_load_from_data (parser, text, length, &local_error))
    {
      root = json_parser_get_root (parser);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        payload = json_object_ref (json_node_get_object (root));
      else
        g_set_error_literal (&local_error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                             _("it is not a JSON object"));
    }
  if (payload == NULL)
    g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_CORRUPT,
                 _("The event at position %lld of %s has an unreadable payload: %s."),
                 (long long) position, self->path, local_error->message);
  return payload;
}

static gboolean
fill_event_from_row (CcmStore      *self,
                     sqlite3_stmt  *stmt,
                     CcmEvent      *event,
                     GError       **error)
{
  JsonObject *payload;

  payload = decode_payload (self, self->parser, sqlite3_column_int64 (stmt, 0),
                            (const char *) sqlite3_column_text (stmt, 5),
                            sqlite3_column_bytes (stmt, 5), error);
  if (payload == NULL)
    return FALSE;

  event->payload = payload;
  event->type = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  event->schema_version = sqlite3_column_int (stmt, 4);
  event->position = sqlite3_column_int64 (stmt, 0);
  event->stream_id = (char *) sqlite3_column_text (stmt, 1);
  event->stream_version = sqlite3_column_int64 (stmt, 2);
  event->command_id = (char *) sqlite3_column_text (stmt, 6);
  event->correlation_id = (char *) sqlite3_column_text (stmt, 7);
  event->device_id = (char *) sqlite3_column_text (stmt, 8);
  event->recorded_at = sqlite3_column_int64 (stmt, 9);

  ccm_registry_upcast (self->registry, event);
  return TRUE;
}

static void
clear_borrowed_event (CcmEvent *event)
{
  g_clear_pointer (&event->type, g_free);
  g_clear_pointer (&event->payload, json_object_unref);
}

static CcmEvent *
event_from_row (CcmStore      *self,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  CcmEvent borrowed = { 0, };
  CcmEvent *event;

  if (!fill_event_from_row (self, stmt, &borrowed, error))
    return NULL;

  event = ccm_event_new (borrowed.type, borrowed.schema_version, g_steal_pointer (&borrowed.payload));
  event->position = borrowed.position;
  event->stream_id = g_strdup (borrowed.stream_id);
  event->stream_version = borrowed.stream_version;
  event->command_id = g_strdup (borrowed.command_id);
  event->correlation_id = g_strdup (borrowed.correlation_id);
  event->device_id = g_strdup (borrowed.device_id);
  event->recorded_at = borrowed.recorded_at;
  clear_borrowed_event (&borrowed);
  return event;
}

static GPtrArray *
collect_events (CcmStore      *self,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_event_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CcmEvent *event = event_from_row (self, stmt, error);

      if (event == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (events, event);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, "reading events");
      return NULL;
    }
  return g_steal_pointer (&events);
}

gint64
ccm_store_stream_version (CcmStore    *self,
                          const char  *stream_id,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 version = 0;
  int rc;

  stmt = ccm_store_prepare (self, "SELECT max(stream_version) FROM events WHERE stream_id = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, stream_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      ccm_store_set_sqlite_error (self, error, rc, "reading a stream");
      return -1;
    }
  return version;
}

GPtrArray *
ccm_store_read_stream (CcmStore    *self,
                       const char  *stream_id,
                       gint64       after_version,
                       GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);
  g_return_val_if_fail (stream_id != NULL, NULL);

  stmt = ccm_store_prepare (self, READ_STREAM_SQL, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, stream_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, after_version);
  return collect_events (self, stmt, error);
}

/* limit 0 means no limit. */
GPtrArray *
ccm_store_read_all (CcmStore    *self,
                    gint64       after_position,
                    guint        limit,
                    GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);

  stmt = ccm_store_prepare (self,
                            "SELECT " EVENT_COLUMNS " FROM events "
                            "WHERE position > ? ORDER BY position LIMIT ?",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_position);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : G_MAXINT64);
  return collect_events (self, stmt, error);
}

/* Writing */

static gboolean drop_and_create (CcmStore *self, const CcmProjection *projection, GError **error);

static gboolean
apply_projections (CcmStore        *self,
                   const CcmEvent  *event,
                   GPtrArray       *projections,
                   GError         **error)
{
  for (guint i = 0; i < projections->len; i++)
    {
      const CcmProjection *projection = g_ptr_array_index (projections, i);
      g_autoptr(GError) local_error = NULL;

      if (!projection->apply (self, event, &local_error))
        {
          g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_PROJECTION,
                       _("The read model “%s” could not take the %s event at position "
                         "%lld: %s"), projection->name, event->type,
                       (long long) event->position, local_error->message);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
save_timer (CcmStore         *self,
            const char       *manager,
            const char       *instance,
            CcmTimerRequest  *request,
            GError          **error)
{
  sqlite3_stmt *stmt;

  if (request->command == NULL)
    {
      stmt = ccm_store_prepare (self,
                                "DELETE FROM timers WHERE manager = ? AND instance = ? AND key = ?",
                                error);
      if (stmt == NULL)
        return FALSE;
    }
  else
    {
      g_autofree char *text = ccm_command_to_string (request->command);

      stmt = ccm_store_prepare (self,
                                "INSERT INTO timers (manager, instance, key, due_at, command) "
                                "VALUES (?1, ?2, ?3, ?4, ?5) "
                                "ON CONFLICT (manager, instance, key) DO UPDATE SET "
                                "due_at = excluded.due_at, command = excluded.command",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 4, request->due_at);
      sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);
    }

  sqlite3_bind_text (stmt, 1, manager, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, instance, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, request->key, -1, SQLITE_STATIC);
  return ccm_store_step_done (self, stmt, error);
}

/* Each manager's state and the commands it sends are written in the same
 * transaction as the event that caused them; the commands run after commit. */
static gboolean
run_process_managers (CcmStore        *self,
                      const CcmEvent  *event,
                      GError         **error)
{
  GPtrArray *managers = ccm_registry_get_process_managers (self->registry);

  for (guint i = 0; i < managers->len; i++)
    {
      const CcmProcessManager *manager = g_ptr_array_index (managers, i);
      g_autofree char *instance = manager->correlate (event);
      g_autoptr(JsonObject) state = NULL;
      g_autoptr(CcmReaction) reaction = NULL;
      g_autofree char *state_text = NULL;
      GPtrArray *commands, *timers;
      sqlite3_stmt *stmt;

      if (instance == NULL)
        continue;

      stmt = ccm_store_prepare (self,
                                "SELECT state FROM process_state WHERE manager = ? AND instance = ?",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, manager->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, instance, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        state = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 0),
                                      sqlite3_column_bytes (stmt, 0), NULL);
      sqlite3_reset (stmt);
      if (state == NULL)
        state = json_object_new ();

      reaction = ccm_reaction_new (manager, instance, event, ccm_clock_now (self->clock));
      manager->react (state, event, reaction);

      state_text = ccm_json_to_string (state);
      stmt = ccm_store_prepare (self,
                                "INSERT INTO process_state (manager, instance, state) VALUES (?, ?, ?) "
                                "ON CONFLICT (manager, instance) DO UPDATE SET state = excluded.state",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, manager->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, instance, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, state_text, -1, SQLITE_STATIC);
      if (!ccm_store_step_done (self, stmt, error))
        return FALSE;

      commands = ccm_reaction_get_commands (reaction);
      for (guint j = 0; j < commands->len; j++)
        {
          g_autofree char *text = ccm_command_to_string (g_ptr_array_index (commands, j));

          self->outbox_pending = TRUE;
          stmt = ccm_store_prepare (self, "INSERT INTO outbox (command, created_at) VALUES (?, ?)", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 2, ccm_clock_now (self->clock));
          if (!ccm_store_step_done (self, stmt, error))
            return FALSE;
        }

      timers = ccm_reaction_get_timers (reaction);
      for (guint j = 0; j < timers->len; j++)
        if (!save_timer (self, manager->name, instance, g_ptr_array_index (timers, j), error))
          return FALSE;
    }

  return TRUE;
}

/* Writes one event row. A stream version that exists already means another
 * writer got there first — or, for a confirmed event, that this store
 * diverged from the server. */
static gboolean
insert_event_row (CcmStore    *self,
                  CcmEvent    *event,
                  gboolean     confirmed,
                  GError     **error)
{
  g_autofree char *payload = ccm_json_to_string (event->payload);
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (self,
                            "INSERT INTO events (stream_id, stream_version, type, "
                            "schema_version, payload, command_id, correlation_id, "
                            "device_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, event->stream_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, event->stream_version);
  sqlite3_bind_text (stmt, 3, event->type, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, event->schema_version);
  sqlite3_bind_text (stmt, 5, payload, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, event->command_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, event->correlation_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, event->device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, event->recorded_at);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE && confirmed)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_CONCURRENCY,
                   _("The confirmed stream %s already has a version %lld here; "
                     "the store must be reset from the server."),
                   event->stream_id, (long long) event->stream_version);
      return FALSE;
    }
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_CONCURRENCY,
                   _("The stream %s changed while the command ran (version %lld "
                     "exists already); run it again."),
                   event->stream_id, (long long) event->stream_version);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, "appending an event");
      return FALSE;
    }

  event->position = sqlite3_last_insert_rowid (self->db);
  self->appended_position = event->position;
  self->changed = TRUE;
  return TRUE;
}

/* Appends events (each with stream_id set), assigning stream versions from
 * the given starting versions, then projects and reacts to each. */
static gboolean
append_events (CcmStore          *self,
               GPtrArray         *events,
               GHashTable        *versions,
               const CcmCommand  *command,
               GError           **error)
{
  GPtrArray *projections = ccm_registry_get_projections (self->registry);
  gint64 now = ccm_clock_now (self->clock);

  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);
      gint64 *version = g_hash_table_lookup (versions, event->stream_id);

      if (version == NULL)
        {
          gint64 current = ccm_store_stream_version (self, event->stream_id, error);

          if (current < 0)
            return FALSE;
          version = g_new (gint64, 1);
          *version = current;
          g_hash_table_insert (versions, g_strdup (event->stream_id), version);
        }

      ccm_registry_check_personal_data (self->registry, CCM_RECORD_EVENT, event->type);
      event->stream_version = ++(*version);
      event->recorded_at = now;
      if (command != NULL)
        {
          g_free (event->command_id);
          event->command_id = g_strdup (command->command_id);
          g_free (event->correlation_id);
          event->correlation_id = g_strdup (command->correlation_id != NULL
                                            ? command->correlation_id
                                            : command->command_id);
        }
      if (event->device_id == NULL)
        event->device_id = g_strdup (command != NULL && command->device_id != NULL
                                     ? command->device_id : self->device_id);

      if (!insert_event_row (self, event, FALSE, error))
        return FALSE;

      if (!apply_projections (self, event, projections, error) ||
          !run_process_managers (self, event, error))
        return FALSE;
    }

  return TRUE;
}

/* Takes an event the server confirmed, as the server numbered it in its
 * stream, into the confirmed layer: read models follow, process managers do
 * not (their effects arrive as the server's own events). */
gboolean
ccm_store_append_confirmed (CcmStore  *self,
                            CcmEvent  *event,
                            GError   **error)
{
  if (!insert_event_row (self, event, TRUE, error))
    return FALSE;

  ccm_registry_upcast (self->registry, event);
  return apply_projections (self, event, ccm_registry_get_projections (self->registry), error);
}

/* Drops the confirmed layer: the log, the process managers' state and every
 * read model, as after a server reset. The command log stays. */
gboolean
ccm_store_clear_confirmed (CcmStore  *self,
                           GError   **error)
{
  GPtrArray *projections = ccm_registry_get_projections (self->registry);

  if (!ccm_store_exec (self,
                       "DELETE FROM events; DELETE FROM commands; DELETE FROM process_state;"
                       "DELETE FROM outbox; DELETE FROM timers; DELETE FROM tentative;"
                       "DELETE FROM snapshots;",
                       error) ||
      !ccm_store_set_confirmed_position (self, 0, error))
    return FALSE;

  for (guint i = 0; i < projections->len; i++)
    if (!drop_and_create (self, g_ptr_array_index (projections, i), error))
      return FALSE;

  if (!ccm_store_rewrote_log (self, error))
    return FALSE;
  self->changed = TRUE;
  self->appended_position = 0;
  return TRUE;
}

gboolean
ccm_store_append (CcmStore    *self,
                  const char  *stream_id,
                  gint64       expected_version,
                  GPtrArray   *events,
                  GError     **error)
{
  g_autoptr(GHashTable) versions = NULL;
  gint64 current;

  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (stream_id != NULL, FALSE);
  g_return_val_if_fail (events != NULL, FALSE);

  if (!ccm_store_begin (self, error))
    return FALSE;

  current = ccm_store_stream_version (self, stream_id, error);
  if (current < 0)
    goto fail;
  if (current != expected_version)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_CONCURRENCY,
                   _("The stream %s is at version %lld, not at the expected %lld; "
                     "nothing was written."),
                   stream_id, (long long) current, (long long) expected_version);
      goto fail;
    }

  versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);

      if (event->stream_id == NULL)
        event->stream_id = g_strdup (stream_id);
    }
  g_hash_table_remove (self->cache, stream_id);

  if (!append_events (self, events, versions, NULL, error))
    goto fail;

  return ccm_store_commit (self, error);

fail:
  ccm_store_rollback (self);
  return FALSE;
}

/* What one decision loaded, so the folded states can go back to the cache. */
typedef struct
{
  CcmStore *store;
  GPtrArray *streams;            /* LoadRecord* */
} LoadScope;

typedef struct
{
  char *stream_id;
  const CcmAggregate *aggregate;
  gint64 version;                /* the stream's version when it was loaded */
  FoldMark mark;                 /* and where the loaded state stood */
} LoadRecord;

static void
load_record_free (LoadRecord *record)
{
  g_free (record->stream_id);
  g_free (record);
}

/* The stream's stored snapshot, when its aggregate reads snapshots of this
 * format, it is not past `current`, and the event it was folded up to is
 * still in the log at the same position (a rewritten log leaves it
 * unused). NULL otherwise: the stream is folded from its start. */
static gpointer
read_snapshot (CcmStore           *self,
               const CcmAggregate *aggregate,
               const char         *stream_id,
               gint64              current,
               gint64             *version,
               FoldMark           *mark)
{
  sqlite3_stmt *stmt;
  gpointer state = NULL;

  if (aggregate->restore == NULL)
    return NULL;
  stmt = ccm_store_prepare (self,
                            "SELECT s.stream_version, s.position, s.state FROM snapshots s "
                            "JOIN events e ON e.stream_id = s.stream_id "
                            "AND e.stream_version = s.stream_version AND e.position = s.position "
                            "WHERE s.stream_id = ?1 AND s.aggregate = ?2 AND s.format = ?3 "
                            "AND s.stream_version <= ?4", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, stream_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, aggregate->name, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, aggregate->snapshot_version);
  sqlite3_bind_int64 (stmt, 4, current);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      int length = sqlite3_column_bytes (stmt, 2);
      g_autoptr(JsonObject) object = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                                           length, NULL);

      if (object != NULL && (state = aggregate->restore (object)) != NULL)
        {
          *version = sqlite3_column_int64 (stmt, 0);
          mark->position = sqlite3_column_int64 (stmt, 1);
          mark->snapshot_at = *version;
          mark->snapshot_bytes = length;
        }
    }
  sqlite3_reset (stmt);
  return state;
}

/* Up to which log position a folded state may be stored. On an enrolled
 * store, the events of pending commands are undone and replayed at every
 * pull: a snapshot holds confirmed events only, those up to the position the
 * last pull left (the tentative layer was empty then, and every later
 * event is a pending command's). */
static gint64
snapshot_limit (CcmStore *self)
{
  return self->enrolled ? self->confirmed_position : G_MAXINT64;
}

/* Stores a snapshot of a state that has come SNAPSHOT_MIN_EVENTS (or, for a
 * large state, more) events past the last one, in the open transaction,
 * when it holds no event past snapshot_limit(). A snapshot is a cache: one
 * that cannot be written is only logged, and the next is tried as far on. */
static void
maybe_write_snapshot (CcmStore           *self,
                      const char         *stream_id,
                      const CcmAggregate *aggregate,
                      gconstpointer       state,
                      gint64              version,
                      FoldMark           *mark)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;
  gint64 interval;

  if (aggregate->snapshot == NULL || mark->position <= 0 || mark->position > snapshot_limit (self))
    return;
  interval = MAX (SNAPSHOT_MIN_EVENTS, (gint64) (mark->snapshot_bytes / SNAPSHOT_BYTES_PER_EVENT));
  if (version - mark->snapshot_at < interval)
    return;

  text = aggregate->snapshot (state);
  mark->snapshot_at = version;
  mark->snapshot_bytes = strlen (text);
  stmt = ccm_store_prepare (self,
                            "INSERT OR REPLACE INTO snapshots (stream_id, aggregate, format, "
                            "stream_version, position, state) VALUES (?, ?, ?, ?, ?, ?)", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, stream_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, aggregate->name, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, aggregate->snapshot_version);
      sqlite3_bind_int64 (stmt, 4, version);
      sqlite3_bind_int64 (stmt, 5, mark->position);
      sqlite3_bind_text (stmt, 6, text, (int) mark->snapshot_bytes, SQLITE_STATIC);
      ccm_store_step_done (self, stmt, &error);
    }
  if (error != NULL)
    g_debug ("No snapshot of %s at version %" G_GINT64_FORMAT ": %s",
             stream_id, version, error->message);
}

/* Loads a stream's state: from the cache when it is current, else by folding
 * only the events the cached copy (or the stored snapshot) has not seen. */
static gboolean
load_state (gpointer             user_data,
            const CcmAggregate  *aggregate,
            const char          *stream_id,
            gpointer            *state_out,
            gint64              *version_out,
            GError             **error)
{
  LoadScope *scope = user_data;
  CcmStore *self = scope->store;
  CachedState *cached = NULL;
  LoadRecord *record;
  gpointer state;
  gint64 version = 0, current;
  FoldMark mark = { 0 };
  gpointer key = NULL;

  current = ccm_store_stream_version (self, stream_id, error);
  if (current < 0)
    return FALSE;

  if (g_hash_table_steal_extended (self->pending, stream_id, &key, (gpointer *) &cached) ||
      g_hash_table_steal_extended (self->cache, stream_id, &key, (gpointer *) &cached))
    {
      g_free (key);
      if (cached->aggregate != aggregate || cached->version > current)
        g_clear_pointer (&cached, cached_state_free);
    }

  if (cached != NULL)
    {
      state = g_steal_pointer (&cached->state);
      version = cached->version;
      mark = cached->mark;
      g_free (cached);
    }
  else if ((state = read_snapshot (self, aggregate, stream_id, current, &version, &mark)) == NULL)
    state = aggregate->new_state ();

  if (version < current)
    {
      gint64 limit = snapshot_limit (self);
      sqlite3_stmt *stmt = ccm_store_prepare (self, READ_STREAM_SQL, error);
      int rc;

      if (stmt == NULL)
        {
          aggregate->free_state (state);
          return FALSE;
        }
      sqlite3_bind_text (stmt, 1, stream_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, version);
      /* Each event folded as it is read, borrowed from its row and gone
       * before the next: a long stream is never all in memory at once. */
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          CcmEvent event = { 0, };

          if (!fill_event_from_row (self, stmt, &event, error))
            {
              sqlite3_reset (stmt);
              aggregate->free_state (state);
              return FALSE;
            }
          /* The last state a snapshot may hold, on an enrolled store. */
          if (event.position > limit && mark.position <= limit)
            maybe_write_snapshot (self, stream_id, aggregate, state, version, &mark);
          aggregate->evolve (state, &event);
          version = event.stream_version;
          mark.position = event.position;
          clear_borrowed_event (&event);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          ccm_store_set_sqlite_error (self, error, rc, "reading a stream");
          aggregate->free_state (state);
          return FALSE;
        }
    }
  /* The state the command decides on. A rejection rolls its snapshot back
   * with the rest, and the next is written an interval later. */
  maybe_write_snapshot (self, stream_id, aggregate, state, version, &mark);

  record = g_new0 (LoadRecord, 1);
  record->stream_id = g_strdup (stream_id);
  record->aggregate = aggregate;
  record->version = version;
  record->mark = mark;
  g_ptr_array_add (scope->streams, record);

  *state_out = state;
  *version_out = version;
  return TRUE;
}

/* Gives the states a decision loaded back to the cache, brought up to date
 * with the events it appended (events is NULL after a rejection). */
static void
keep_states (CcmStore         *self,
             LoadScope        *scope,
             CcmDecideContext *ctx,
             GPtrArray        *events,
             GHashTable       *versions)
{
  GHashTable *target;

  /* Inside an outer transaction a rejection's states may hold that
   * transaction's uncommitted work: only pending (dropped on rollback) is safe. */
  target = events != NULL || self->depth > 1 ? self->pending : self->cache;

  for (guint i = 0; i < scope->streams->len; i++)
    {
      LoadRecord *record = g_ptr_array_index (scope->streams, i);
      FoldMark mark = record->mark;
      CachedState *cached;
      gint64 version;
      gpointer state;

      state = ccm_decide_context_take_state (ctx, record->stream_id, &version);
      if (state == NULL)
        continue;

      if (events != NULL && g_hash_table_contains (versions, record->stream_id))
        {
          for (guint j = 0; j < events->len; j++)
            {
              CcmEvent *event = g_ptr_array_index (events, j);

              if (g_str_equal (event->stream_id, record->stream_id))
                {
                  record->aggregate->evolve (state, event);
                  version = event->stream_version;
                  mark.position = event->position;
                }
            }
        }

      cached = g_new0 (CachedState, 1);
      cached->aggregate = record->aggregate;
      cached->state = state;
      cached->version = version;
      cached->mark = mark;
      cached->used = ++self->tick;
      g_hash_table_replace (target, g_strdup (record->stream_id), cached);
    }

  /* Streams written without being loaded: whatever is cached is stale. */
  if (versions != NULL)
    {
      GHashTableIter iter;
      gpointer stream_id;

      g_hash_table_iter_init (&iter, versions);
      while (g_hash_table_iter_next (&iter, &stream_id, NULL))
        if (!g_hash_table_contains (self->pending, stream_id))
          g_hash_table_remove (self->cache, stream_id);
    }
}

gboolean
ccm_store_lookup_outcome (CcmStore     *self,
                          const char   *command_id,
                          CcmOutcome  **outcome,
                          GError      **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(JsonObject) result = NULL;
  gint64 first = 0, last = 0, n_events = 0;
  int rc;

  *outcome = NULL;
  stmt = ccm_store_prepare (self,
                            "SELECT first_position, last_position, events, result "
                            "FROM commands WHERE command_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, command_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      first = sqlite3_column_int64 (stmt, 0);
      last = sqlite3_column_int64 (stmt, 1);
      n_events = sqlite3_column_int64 (stmt, 2);
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        result = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 3),
                                       sqlite3_column_bytes (stmt, 3), NULL);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, "looking up a command");
      return FALSE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;

  *outcome = g_new0 (CcmOutcome, 1);
  (*outcome)->command_id = g_strdup (command_id);
  (*outcome)->duplicate = TRUE;
  (*outcome)->first_position = first;
  (*outcome)->last_position = last;
  (*outcome)->n_events = n_events;
  (*outcome)->result = result != NULL ? g_steal_pointer (&result) : json_object_new ();
  return TRUE;
}

static gboolean
record_outcome (CcmStore          *self,
                const CcmCommand  *command,
                const CcmOutcome  *outcome,
                GError           **error)
{
  g_autofree char *result = NULL;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (self,
                            "INSERT INTO commands (command_id, first_position, last_position, "
                            "events, result) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  /* Most commands have no result beyond their events: no text at all. */
  if (outcome->result != NULL && json_object_get_size (outcome->result) > 0)
    result = ccm_json_to_string (outcome->result);
  sqlite3_bind_text (stmt, 1, command->command_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, outcome->first_position);
  sqlite3_bind_int64 (stmt, 3, outcome->last_position);
  sqlite3_bind_int64 (stmt, 4, outcome->n_events);
  sqlite3_bind_text (stmt, 5, result, -1, SQLITE_STATIC);
  return ccm_store_step_done (self, stmt, error);
}

/* The one command path. Inside a transaction (nesting allowed): look up the
 * command id (unless the caller just did), load and fold the target stream,
 * decide, append, project, react, record the outcome. A rejection rolls
 * everything back. */
static CcmOutcome *
execute_in_transaction (CcmStore    *self,
                        CcmCommand  *command,
                        gboolean     look_up_id,
                        GError     **error)
{
  const CcmCommandHandler *handler;
  g_autoptr(CcmDecideContext) ctx = NULL;
  g_autoptr(GHashTable) versions = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  g_autofree char *stream_id = NULL;
  LoadScope scope;
  gconstpointer state;
  GPtrArray *events;

  handler = ccm_registry_lookup_command (self->registry, command->type);
  if (handler == NULL)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_UNKNOWN_COMMAND,
                   _("“%s” is not a command this program knows."), command->type);
      return NULL;
    }

  if (look_up_id)
    {
      if (!ccm_store_lookup_outcome (self, command->command_id, &outcome, error))
        return NULL;
      if (outcome != NULL)
        return g_steal_pointer (&outcome);
    }

  ccm_registry_check_personal_data (self->registry, CCM_RECORD_COMMAND, command->type);

  /* Text that is not UTF-8 would go into the log as JSON no one can read
   * back (a command line's bytes, a pushed "\udc00"). */
  if (!ccm_json_check_object (command->args, error))
    return NULL;

  stream_id = handler->stream_for (command, error);
  if (stream_id == NULL)
    return NULL;

  loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) load_record_free);
  scope.store = self;
  scope.streams = loaded;
  ctx = ccm_decide_context_new (stream_id, ccm_clock_now (self->clock), load_state, &scope);

  state = ccm_decide_context_load (ctx, handler->aggregate, stream_id, NULL, error);
  if (state == NULL)
    return NULL;

  if (!handler->decide (state, command, ctx, error))
    {
      keep_states (self, &scope, ctx, NULL, NULL);
      return NULL;
    }

  /* A stream loaded for the decision is appended to from the version it was
   * loaded at: the write lock has been held since, so no need to look again. */
  events = ccm_decide_context_get_events (ctx);
  versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < loaded->len; i++)
    {
      LoadRecord *record = g_ptr_array_index (loaded, i);

      if (!g_hash_table_contains (versions, record->stream_id))
        g_hash_table_insert (versions, g_strdup (record->stream_id),
                             g_memdup2 (&record->version, sizeof record->version));
    }
  if (!append_events (self, events, versions, command, error))
    return NULL;

  outcome = g_new0 (CcmOutcome, 1);
  outcome->command_id = g_strdup (command->command_id);
  outcome->n_events = events->len;
  if (events->len > 0)
    {
      outcome->first_position = ((CcmEvent *) g_ptr_array_index (events, 0))->position;
      outcome->last_position = ((CcmEvent *) g_ptr_array_index (events, events->len - 1))->position;
    }
  outcome->result = json_object_ref (ccm_decide_context_get_result (ctx));

  if (!record_outcome (self, command, outcome, error))
    return NULL;

  keep_states (self, &scope, ctx, events, versions);
  return g_steal_pointer (&outcome);
}

CcmOutcome *
ccm_store_execute_in_transaction (CcmStore    *self,
                                  CcmCommand  *command,
                                  GError     **error)
{
  return execute_in_transaction (self, command, TRUE, error);
}

CcmOutcome *
ccm_store_execute_new_in_transaction (CcmStore    *self,
                                      CcmCommand  *command,
                                      GError     **error)
{
  return execute_in_transaction (self, command, FALSE, error);
}

CcmOutcome *
ccm_store_execute (CcmStore    *self,
                   CcmCommand  *command,
                   GError     **error)
{
  g_autoptr(CcmOutcome) outcome = NULL;

  g_return_val_if_fail (CCM_IS_STORE (self), NULL);
  g_return_val_if_fail (command != NULL, NULL);

  if (!ccm_store_begin (self, error))
    return NULL;

  outcome = ccm_store_execute_in_transaction (self, command, error);
  if (outcome == NULL)
    {
      ccm_store_rollback (self);
      return NULL;
    }

  if (!ccm_store_commit (self, error))
    return NULL;

  if (self->depth == 0)
    {
      g_autoptr(GError) dispatch_error = NULL;

      if (!ccm_store_dispatch_outbox (self, &dispatch_error))
        g_warning ("%s", dispatch_error->message);
    }

  return g_steal_pointer (&outcome);
}

/* Read models */

static gboolean
drop_and_create (CcmStore             *self,
                 const CcmProjection  *projection,
                 GError              **error)
{
  for (guint i = 0; projection->tables != NULL && projection->tables[i] != NULL; i++)
    {
      /* Table names come from the program's own registry, never from data. */
      g_autofree char *sql = g_strdup_printf ("DROP TABLE IF EXISTS \"%s\"",
                                              projection->tables[i]);

      if (!ccm_store_exec (self, sql, error))
        return FALSE;
    }

  if (projection->schema != NULL && !ccm_store_exec (self, projection->schema, error))
    return FALSE;

  return TRUE;
}

static gboolean
set_projection_version (CcmStore             *self,
                        const CcmProjection  *projection,
                        GError              **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (self,
                            "INSERT INTO projections (name, version) VALUES (?, ?) "
                            "ON CONFLICT (name) DO UPDATE SET version = excluded.version",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, projection->name, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, projection->version);
  return ccm_store_step_done (self, stmt, error);
}

/* A long replay runs on two threads: one steps through the log and decodes
 * the payloads, the other feeds the projections, so decoding a batch of
 * events overlaps with projecting the one before. The decoding thread reads
 * through a connection of its own, which sees the log as last committed:
 * the threads are used only when the replay's transaction is the only one
 * open, which writes read models and leaves the log as it was. */
#define REPLAY_BATCH 128
#define REPLAY_BATCHES 4

/* Texts of a row, copied under the lock into one buffer; the event's
 * stream id and ids then point into it (type and payload are its own, as
 * upcasters may replace them). */
enum { TEXT_STREAM, TEXT_TYPE, TEXT_PAYLOAD, TEXT_COMMAND, TEXT_CORRELATION, TEXT_DEVICE, N_TEXTS };

static const int text_columns[N_TEXTS] = { 1, 3, 5, 6, 7, 8 };

typedef struct
{
  CcmEvent events[REPLAY_BATCH];
  gssize texts[REPLAY_BATCH][N_TEXTS]; /* offsets in arena, -1 for NULL */
  int payload_bytes[REPLAY_BATCH];
  GString *arena;
  guint n;
  gboolean last;
  GError *error;
} ReplayBatch;

typedef struct
{
  CcmStore *store;
  sqlite3 *db;                        /* the decoding thread's */
  sqlite3_stmt *stmt;
  GAsyncQueue *full;                  /* ReplayBatch*, decoded */
  GAsyncQueue *empty;                 /* ReplayBatch*, to fill */
  gint stop;
} Replay;

static void
replay_batch_clear (ReplayBatch *batch)
{
  for (guint i = 0; i < batch->n; i++)
    {
      g_free (batch->events[i].type);
      g_clear_pointer (&batch->events[i].payload, json_object_unref);
    }
  memset (batch->events, 0, sizeof batch->events);
  g_string_truncate (batch->arena, 0);
  batch->n = 0;
  batch->last = FALSE;
  g_clear_error (&batch->error);
}

static const char *
batch_text (ReplayBatch *batch,
            guint        i,
            guint        text)
{
  return batch->texts[i][text] < 0 ? NULL : batch->arena->str + batch->texts[i][text];
}

static gpointer
replay_decode (gpointer data)
{
  Replay *replay = data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gboolean last = FALSE;

  while (!last)
    {
      ReplayBatch *batch = g_async_queue_pop (replay->empty);
      sqlite3_stmt *stmt = replay->stmt;
      int rc = SQLITE_DONE;

      /* Payloads are freed by the thread that made them: one thread's
       * allocations freed by another cost both a lock. */
      replay_batch_clear (batch);

      if (!g_atomic_int_get (&replay->stop))
        {
          while (batch->n < REPLAY_BATCH && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              CcmEvent *event = &batch->events[batch->n];

              event->position = sqlite3_column_int64 (stmt, 0);
              event->stream_version = sqlite3_column_int64 (stmt, 2);
              event->schema_version = sqlite3_column_int (stmt, 4);
              event->recorded_at = sqlite3_column_int64 (stmt, 9);
              for (guint t = 0; t < N_TEXTS; t++)
                {
                  const char *text = (const char *) sqlite3_column_text (stmt, text_columns[t]);

                  batch->texts[batch->n][t] = text != NULL ? (gssize) batch->arena->len : -1;
                  if (text != NULL)
                    g_string_append_len (batch->arena, text,
                                         sqlite3_column_bytes (stmt, text_columns[t]) + 1);
                }
              batch->payload_bytes[batch->n] = sqlite3_column_bytes (stmt, 5);
              batch->n++;
            }
          if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            g_set_error (&batch->error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO,
                         _("The store %s failed while %s: %s."), replay->store->path,
                         "replaying the log", sqlite3_errmsg (replay->db));
        }
      last = rc != SQLITE_ROW;

      for (guint i = 0; i < batch->n && batch->error == NULL; i++)
        {
          CcmEvent *event = &batch->events[i];
          const char *payload = batch_text (batch, i, TEXT_PAYLOAD);

          event->stream_id = (char *) batch_text (batch, i, TEXT_STREAM);
          event->type = g_strdup (batch_text (batch, i, TEXT_TYPE));
          event->command_id = (char *) batch_text (batch, i, TEXT_COMMAND);
          event->correlation_id = (char *) batch_text (batch, i, TEXT_CORRELATION);
          event->device_id = (char *) batch_text (batch, i, TEXT_DEVICE);
          event->payload = decode_payload (replay->store, parser, event->position, payload,
                                           batch->payload_bytes[i], &batch->error);
        }
      if (batch->error != NULL)
        last = TRUE;
      batch->last = last;
      g_async_queue_push (replay->full, batch);
    }
  return NULL;
}

/* Returns FALSE with *ran FALSE when no second connection could be had:
 * the caller replays on one thread then. */
static gboolean
replay_threaded (CcmStore   *self,
                 GPtrArray  *projections,
                 gboolean   *ran,
                 GError    **error)
{
  ReplayBatch *batches;
  Replay replay = { 0, };
  GThread *thread;
  gboolean ok = TRUE, last = FALSE;

  *ran = FALSE;
  if (sqlite3_open_v2 (self->path, &replay.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK ||
      sqlite3_busy_timeout (replay.db, 10000) != SQLITE_OK ||
      sqlite3_prepare_v2 (replay.db, "SELECT " EVENT_COLUMNS " FROM events ORDER BY position",
                          -1, &replay.stmt, NULL) != SQLITE_OK)
    {
      sqlite3_close_v2 (replay.db);
      return FALSE;
    }
  *ran = TRUE;

  replay.store = self;
  replay.full = g_async_queue_new ();
  replay.empty = g_async_queue_new ();
  batches = g_new0 (ReplayBatch, REPLAY_BATCHES);
  for (guint i = 0; i < REPLAY_BATCHES; i++)
    {
      batches[i].arena = g_string_sized_new (REPLAY_BATCH * 512);
      g_async_queue_push (replay.empty, &batches[i]);
    }

  thread = g_thread_new ("ccm-replay", replay_decode, &replay);
  while (!last)
    {
      ReplayBatch *batch = g_async_queue_pop (replay.full);

      last = batch->last;
      if (ok && batch->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&batch->error));
          ok = FALSE;
        }
      for (guint i = 0; ok && i < batch->n; i++)
        {
          ccm_registry_upcast (self->registry, &batch->events[i]);
          ok = apply_projections (self, &batch->events[i], projections, error);
        }
      /* After a failure the decoder is told to stop; its batches are
       * taken until the last one, so that it never waits for room. */
      if (!ok)
        g_atomic_int_set (&replay.stop, TRUE);
      g_async_queue_push (replay.empty, batch);
    }

  g_thread_join (thread);
  sqlite3_finalize (replay.stmt);
  sqlite3_close_v2 (replay.db);
  g_async_queue_unref (replay.full);
  g_async_queue_unref (replay.empty);
  for (guint i = 0; i < REPLAY_BATCHES; i++)
    {
      replay_batch_clear (&batches[i]);
      g_string_free (batches[i].arena, TRUE);
    }
  g_free (batches);
  return ok;
}

/* Replays the whole log into the given projections, inside the caller's
 * transaction. One pass over the log feeds them all. */
static gboolean
replay_into (CcmStore   *self,
             GPtrArray  *projections,
             GError    **error)
{
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; i < projections->len; i++)
    if (!drop_and_create (self, g_ptr_array_index (projections, i), error) ||
        !set_projection_version (self, g_ptr_array_index (projections, i), error))
      return FALSE;

  if (self->depth == 1 && ccm_store_get_last_position (self) >= CCM_STORE_REPLAY_THREADED_FROM)
    {
      gboolean ran, ok = replay_threaded (self, projections, &ran, error);

      if (ran)
        return ok;
    }

  /* A statement of its own: projections use the cached ones meanwhile. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT " EVENT_COLUMNS " FROM events ORDER BY position",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      ccm_store_set_sqlite_error (self, error, rc, "replaying the log");
      return FALSE;
    }

  /* Replay is the hot loop of a rebuild: events are borrowed from the row. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CcmEvent event = { 0, };
      gboolean ok;

      ok = fill_event_from_row (self, stmt, &event, error) &&
           apply_projections (self, &event, projections, error);
      clear_borrowed_event (&event);
      if (!ok)
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self, error, rc, "replaying the log");
      return FALSE;
    }
  return TRUE;
}

/* The step of projection's upgrades from version `from`, or NULL. */
static const CcmProjectionUpgrade *
upgrade_from (const CcmProjection *projection,
              gint64               from)
{
  if (projection->upgrades == NULL)
    return NULL;
  for (const CcmProjectionUpgrade *step = projection->upgrades;
       step->sql != NULL || step->run != NULL; step++)
    if (step->from == from)
      return step;
  return NULL;
}

/* Whether steps lead from version to the projection's own. */
static gboolean
upgradable_from (const CcmProjection *projection,
                 gint64               version)
{
  if (version < 0 || version >= projection->version)
    return FALSE;
  for (; version < projection->version; version++)
    if (upgrade_from (projection, version) == NULL)
      return FALSE;
  return TRUE;
}

/* A projection whose version changed (or that is new) is rebuilt at open,
 * or upgraded in place when its steps lead from the version it has. */
static gboolean
ensure_projections (CcmStore  *self,
                    GError   **error)
{
  GPtrArray *all = ccm_registry_get_projections (self->registry);
  g_autoptr(GPtrArray) stale = g_ptr_array_new ();
  g_autoptr(GArray) versions = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) upgradable = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    {
      const CcmProjection *projection = g_ptr_array_index (all, i);
      gint64 version = query_int (self, "SELECT version FROM projections WHERE name = ?",
                                  projection->name, -1);

      if (version == projection->version)
        continue;
      if (upgradable_from (projection, version))
        {
          g_ptr_array_add (upgradable, (gpointer) projection);
          g_array_append_val (versions, version);
        }
      else
        g_ptr_array_add (stale, (gpointer) projection);
    }

  if (stale->len == 0 && upgradable->len == 0)
    return TRUE;

  if (!ccm_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < upgradable->len; i++)
    {
      const CcmProjection *projection = g_ptr_array_index (upgradable, i);

      for (gint64 v = g_array_index (versions, gint64, i); v < projection->version; v++)
        {
          const CcmProjectionUpgrade *step = upgrade_from (projection, v);

          g_debug ("Upgrading the read model %s from version %" G_GINT64_FORMAT,
                   projection->name, v);
          if (step->sql != NULL ? !ccm_store_exec (self, step->sql, error) : !step->run (self, error))
            goto fail;
        }
      if (!set_projection_version (self, projection, error))
        goto fail;
    }
  if (stale->len > 0 && !replay_into (self, stale, error))
    goto fail;
  return ccm_store_commit (self, error);

fail:
  ccm_store_rollback (self);
  return FALSE;
}

gboolean
ccm_store_rebuild (CcmStore  *self,
                   GError   **error)
{
  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  if (!ccm_store_begin (self, error))
    return FALSE;
  /* Everything derived from the log starts again from it: the snapshots of
   * folded states too. */
  if (!ccm_store_exec (self, "DELETE FROM snapshots", error) ||
      !replay_into (self, ccm_registry_get_projections (self->registry), error))
    {
      ccm_store_rollback (self);
      return FALSE;
    }
  ccm_store_forget_states (self);
  self->changed = TRUE;
  self->appended_position = ccm_store_get_last_position (self);
  return ccm_store_commit (self, error);
}

/* Timers and outbox */

gint64
ccm_store_next_timer_due (CcmStore *self)
{
  g_return_val_if_fail (CCM_IS_STORE (self), 0);

  return query_int (self, "SELECT min(due_at) FROM timers", NULL, 0);
}

static CcmCommand *
command_from_text (const char *text)
{
  g_autoptr(JsonObject) json = ccm_json_from_string (text, -1, NULL);

  return json != NULL ? ccm_command_new_from_json (json, NULL) : NULL;
}

/* Runs one stored command (a timer's or the outbox's) and deletes its row in
 * the same transaction: it runs once, even across a crash. A business
 * rejection is an answer too and consumes the row. */
static gboolean
run_stored_command (CcmStore    *self,
                    const char  *delete_sql,
                    gint64       id,
                    const char  *text,
                    gboolean     timer,
                    GError     **error)
{
  g_autoptr(CcmCommand) command = command_from_text (text);
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;

  if (!ccm_store_begin (self, error))
    return FALSE;

  stmt = ccm_store_prepare (self, delete_sql, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!ccm_store_step_done (self, stmt, error))
    goto fail;

  if (command == NULL)
    g_warning ("Dropping an unreadable stored command in %s", self->path);
  else
    {
      if (!ccm_store_begin (self, error))
        goto fail;
      outcome = ccm_store_execute_in_transaction (self, command, &local_error);
      if (outcome == NULL)
        {
          ccm_store_rollback (self);
          if (local_error->domain != CCM_DOMAIN_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              goto fail;
            }
          g_debug ("%s was refused: %s", command->type, local_error->message);
        }
      /* A decision that changed nothing (the order had ended already)
       * need not travel. */
      else if (timer && !self->authority && outcome->n_events > 0 &&
               ccm_registry_is_device_decision (self->registry, command->type) &&
               !ccm_store_log_decision (self, command, outcome, error))
        {
          ccm_store_rollback (self);
          goto fail;
        }
      else if (!ccm_store_commit (self, error))
        goto fail;
    }

  return ccm_store_commit (self, error);

fail:
  ccm_store_rollback (self);
  return FALSE;
}

gboolean
ccm_store_dispatch_outbox (CcmStore  *self,
                           GError   **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  /* Commands sent while dispatching join the same loop. Most commands send
   * none: then there is nothing to look up. */
  if (self->dispatching || !self->outbox_pending)
    return TRUE;
  self->dispatching = TRUE;

  while (ok)
    {
      sqlite3_stmt *stmt;
      g_autofree char *text = NULL;
      gint64 id = 0;

      stmt = ccm_store_prepare (self, "SELECT id, command FROM outbox ORDER BY id LIMIT 1", error);
      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          id = sqlite3_column_int64 (stmt, 0);
          text = column_dup (stmt, 1);
        }
      sqlite3_reset (stmt);
      if (text == NULL)
        {
          self->outbox_pending = FALSE;
          break;
        }

      ok = run_stored_command (self, "DELETE FROM outbox WHERE id = ?", id, text, FALSE, error);
    }

  self->dispatching = FALSE;
  return ok;
}

/* Runs the timers that are due, oldest first, until none is or, with a
 * deadline (monotonic µs, 0 for none), until it has passed; at least one
 * runs. *more says whether some were left due. */
static guint
run_due_timers_until (CcmStore  *self,
                      gint64     deadline,
                      gboolean  *more,
                      GError   **error)
{
  guint fired = 0;

  *more = FALSE;

  /* On a device enrolled with a server, timers run on the server: the local
   * ones only belong to the tentative layer. */
  if (ccm_store_is_enrolled (self))
    return 0;

  /* Commands left in the outbox by an earlier crash go first. */
  if (!ccm_store_dispatch_outbox (self, error))
    return 0;

  for (;;)
    {
      sqlite3_stmt *stmt;
      g_autofree char *text = NULL;
      gint64 id = 0;

      stmt = ccm_store_prepare (self,
                                "SELECT id, command FROM timers WHERE due_at <= ? "
                                "ORDER BY due_at, id LIMIT 1", error);
      if (stmt == NULL)
        return fired;
      sqlite3_bind_int64 (stmt, 1, ccm_clock_now (self->clock));
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          id = sqlite3_column_int64 (stmt, 0);
          text = column_dup (stmt, 1);
        }
      sqlite3_reset (stmt);
      if (text == NULL)
        return fired;
      if (fired > 0 && deadline != 0 && g_get_monotonic_time () >= deadline)
        {
          *more = TRUE;
          return fired;
        }

      if (!run_stored_command (self, "DELETE FROM timers WHERE id = ?", id, text, TRUE, error) ||
          !ccm_store_dispatch_outbox (self, error))
        return fired;
      fired++;
    }
}

guint
ccm_store_run_due_timers (CcmStore  *self,
                          GError   **error)
{
  gboolean more;

  g_return_val_if_fail (CCM_IS_STORE (self), 0);

  return run_due_timers_until (self, 0, &more, error);
}

/* Another process (the command line beside the desktop app) may write the
 * same file: data_version tells. */
gboolean
ccm_store_check_external_changes (CcmStore *self)
{
  gint64 version;

  g_return_val_if_fail (CCM_IS_STORE (self), FALSE);

  version = query_int (self, "PRAGMA data_version", NULL, 0);
  if (version == self->data_version)
    return FALSE;

  self->data_version = version;
  self->outbox_pending = TRUE;
  read_meta (self, version);
  g_signal_emit (self, signals[CHANGED], 0, ccm_store_get_last_position (self));
  return TRUE;
}

static gboolean
slice_cb (gpointer user_data)
{
  CcmStore *self = user_data;

  self->slice_id = 0;
  ccm_store_watch_now (self);
  return G_SOURCE_REMOVE;
}

/* What the watch does once a second: notices another process's changes and
 * runs the timers that fell due, for one slice, the rest from the main loop
 * when it is idle (a failure is logged: the next tick tries again). */
void
ccm_store_watch_now (CcmStore *self)
{
  g_autoptr(GError) error = NULL;
  gboolean more = FALSE;
  gint64 due;

  g_return_if_fail (CCM_IS_STORE (self));

  ccm_store_check_external_changes (self);
  /* The tick runs a slice even while the next one waits for the main loop
   * to be idle: a busy server may seldom be. */
  g_clear_handle_id (&self->slice_id, g_source_remove);
  due = ccm_store_next_timer_due (self);
  if (due != 0 && due <= ccm_clock_now (self->clock))
    {
      run_due_timers_until (self, g_get_monotonic_time () + self->slice_us, &more, &error);
      if (error != NULL)
        g_warning ("Running due timers failed: %s", error->message);
      else if (more)
        self->slice_id = g_idle_add_full (self->slice_priority, slice_cb, self, NULL);
    }
}

/* The server's store decides for everyone and pushes nothing: the timers it
 * runs are not logged as a device's decisions. */
void
ccm_store_set_authority (CcmStore *self,
                         gboolean  authority)
{
  g_return_if_fail (CCM_IS_STORE (self));
  self->authority = authority;
}

void
ccm_store_set_timer_slice (CcmStore *self,
                           gint64    slice_us,
                           int       priority)
{
  g_return_if_fail (CCM_IS_STORE (self));
  self->slice_us = slice_us;
  self->slice_priority = priority;
}

static gboolean
watch_tick_cb (gpointer user_data)
{
  ccm_store_watch_now (user_data);
  return G_SOURCE_CONTINUE;
}

/* From the main loop, once a second, runs the timers that fell due and
 * notices changes made by other processes; nothing now. Once a second is
 * fine-grained enough for reservation windows of minutes. A program that
 * shows a window first runs what is due once it is drawn. */
void
ccm_store_watch_later (CcmStore *self)
{
  g_return_if_fail (CCM_IS_STORE (self));

  if (self->timer_id == 0)
    self->timer_id = g_timeout_add (WATCH_INTERVAL_MS, watch_tick_cb, self);
}

/* The same, with a first run now. */
void
ccm_store_watch (CcmStore *self)
{
  g_return_if_fail (CCM_IS_STORE (self));

  if (self->timer_id != 0)
    return;

  ccm_store_watch_now (self);
  ccm_store_watch_later (self);
}
