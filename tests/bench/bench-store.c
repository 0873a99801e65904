/* bench-store.c — how close the command path and rebuild come to SQLite's
 * own ceilings on this disk.
 *
 *   (a) commands/s through ccm_store_submit (the command log, the decider,
 *       the events, the read models), one command per transaction
 *   (b) raw single-row inserts/s, one per transaction, same pragmas and
 *       the same file layer as the store (and, for comparison, on SQLite's
 *       default file layer)
 *   (c) events/s replayed by ccm_store_rebuild
 *   (d) events/s of a raw scan of the same table parsing every payload
 *
 * and, to tell the disk's share from the code's, what the store's schema
 * alone allows:
 *
 *   (e) the writes a command makes, as raw SQL on a store of the same
 *       schema: the idempotency and stream-version look-ups, the event row
 *       (and its stream index), the command's outcome record, its entry in
 *       the device's command log, the read-model row; one transaction each
 *   (f) (d) plus the read-model UPDATE each event makes, in one transaction
 *
 * and, of (a), (b) and (e), the microseconds each spent waiting for the
 * log's sync (as the store's file layer counts them) and the rest; and
 * (a)/(b) of each round of 100 alone (median, middle half), since the
 * disk's speed moves during a run.
 *
 * Usage: bench-store [--commands N] [--events N] [--dir DIR]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ccm-domain.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-store.h"
#include "ccm-wal-vfs.h"

#include "test-fixtures.h"

static CcmCommand *
update_command (gint64      now,
                const char *slug,
                guint       i)
{
  g_autofree char *id = ccm_id_new (now);
  g_autofree char *tagline = g_strdup_printf ("Tagline number %u", i);
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "tagline", tagline);
  if (i % 3 == 0)
    {
      g_autofree char *location = g_strdup_printf ("Hall %u", i % 7);

      json_object_set_string_member (args, "location", location);
    }
  return ccm_command_new ("UpdateConference", id, args);
}

static CcmCommand *
create_command (gint64      now,
                const char *slug)
{
  g_autofree char *id = ccm_id_new (now);

  return ccm_command_new ("CreateConference", id, test_conference_args (slug, now));
}

static void
must (gboolean  ok,
      GError   *error)
{
  if (!ok)
    {
      g_printerr ("bench-store: %s\n", error != NULL ? error->message : "failed");
      exit (1);
    }
}

static void
create_conferences (CcmStore *store)
{
  CcmClock *clock = ccm_store_get_clock (store);

  for (guint c = 0; c < 8; c++)
    {
      g_autofree char *slug = g_strdup_printf ("bench-%u", c);
      g_autoptr(CcmCommand) command = create_command (ccm_clock_now (clock), slug);
      g_autoptr(GError) error = NULL;
      g_autoptr(CcmOutcome) outcome = ccm_store_execute (store, command, &error);

      must (outcome != NULL, error);
    }
}

/* Returns the microseconds that `n` commands took, from the call that
 * submits each to its answer: the commands are made (as a window or the
 * command line makes them) before the clock starts. */
static gint64
run_commands (CcmStore *store,
              guint     first,
              guint     n)
{
  CcmClock *clock = ccm_store_get_clock (store);
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_unref);
  gint64 start;

  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *slug = g_strdup_printf ("bench-%u", i % 8);

      g_ptr_array_add (commands, update_command (ccm_clock_now (clock), slug, i));
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CcmOutcome) outcome = ccm_store_submit (store, g_ptr_array_index (commands, i), &error);

      must (outcome != NULL, error);
    }
  return g_get_monotonic_time () - start;
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_printerr ("bench-store: %s\n", message);
      exit (1);
    }
}

/* The ceiling: a row shaped like an event row, one transaction each, with
 * the store's pragmas. Returns the microseconds `n` inserts took. */
static gint64
run_raw_inserts (sqlite3      *db,
                 sqlite3_stmt *stmt,
                 guint         first,
                 guint         n)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = first; i < first + n; i++)
    {
      exec_or_die (db, "BEGIN IMMEDIATE");
      sqlite3_bind_text (stmt, 1, "conference/bench", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, i + 1);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
      if (sqlite3_step (stmt) != SQLITE_DONE)
        exit (1);
      sqlite3_reset (stmt);
      exec_or_die (db, "COMMIT");
    }
  return g_get_monotonic_time () - start;
}

/* The texts one update command writes, made before the clock starts. */
typedef struct
{
  char *command_id;
  char *slug;
  char *stream_id;
  char *tagline;
  char *payload;
  char *command;
  char *outcome;
} SchemaRow;

static void
schema_row_clear (SchemaRow *row)
{
  g_free (row->command_id);
  g_free (row->slug);
  g_free (row->stream_id);
  g_free (row->tagline);
  g_free (row->payload);
  g_free (row->command);
  g_free (row->outcome);
}

static sqlite3_stmt *
prepare_or_die (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("bench-store: %s\n", sqlite3_errmsg (db));
      exit (1);
    }
  return stmt;
}

static void
step_or_die (sqlite3      *db,
             sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      g_printerr ("bench-store: %s\n", sqlite3_errmsg (db));
      exit (1);
    }
  sqlite3_reset (stmt);
}

/* (e): the command path's writes without the command path. Returns the
 * microseconds `n` of them took. */
static gint64
run_schema_writes (CcmStore *store,
                   guint     first,
                   guint     n)
{
  sqlite3 *db = ccm_store_get_db (store);
  CcmClock *clock = ccm_store_get_clock (store);
  const char *device_id = ccm_store_get_device_id (store);
  g_autofree SchemaRow *rows = g_new0 (SchemaRow, n);
  sqlite3_stmt *begin, *commit, *seen, *version, *event, *view, *outcome, *log;
  gint64 start;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcmCommand) command = NULL;
      g_autoptr(JsonObject) json = NULL;

      rows[i].slug = g_strdup_printf ("bench-%u", (first + i) % 8);
      command = update_command (ccm_clock_now (clock), rows[i].slug, first + i);
      command->device_id = g_strdup (device_id);
      command->issued_at = ccm_clock_now (clock);
      json = ccm_command_to_json (command);
      rows[i].command_id = g_strdup (command->command_id);
      rows[i].stream_id = g_strdup_printf ("conference/%s", rows[i].slug);
      rows[i].tagline = g_strdup (ccm_json_string (command->args, "tagline"));
      rows[i].payload = g_strdup_printf ("{\"tagline\":\"%s\"}", rows[i].tagline);
      rows[i].command = ccm_json_to_string (json);
      rows[i].outcome = g_strdup ("{\"first_position\":1,\"last_position\":1,\"events\":1,\"result\":{}}");
    }

  begin = prepare_or_die (db, "BEGIN IMMEDIATE");
  commit = prepare_or_die (db, "COMMIT");
  seen = prepare_or_die (db, "SELECT first_position, last_position, events, result "
                              "FROM commands WHERE command_id = ?");
  version = prepare_or_die (db, "SELECT max(stream_version) FROM events WHERE stream_id = ?");
  event = prepare_or_die (db, "INSERT INTO events (stream_id, stream_version, type, schema_version, "
                              "payload, command_id, correlation_id, device_id, recorded_at) "
                              "VALUES (?1, ?2, 'ConferenceUpdated', 1, ?3, ?4, ?4, ?5, ?6)");
  view = prepare_or_die (db, "UPDATE conferences SET tagline = ?1, updated_at = ?2, version = ?3 "
                             "WHERE slug = ?4");
  outcome = prepare_or_die (db, "INSERT INTO commands (command_id, first_position, last_position, "
                                "events) VALUES (?1, ?2, ?2, 1)");
  log = prepare_or_die (db, "INSERT INTO command_log (command_id, type, command, status, outcome, "
                            "issued_at) VALUES (?, 'UpdateConference', ?, 'applied', ?, ?)");

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      SchemaRow *row = &rows[i];
      gint64 now = g_get_real_time (), stream_version;

      step_or_die (db, begin);
      sqlite3_bind_text (seen, 1, row->command_id, -1, SQLITE_STATIC);
      step_or_die (db, seen);
      sqlite3_bind_text (version, 1, row->stream_id, -1, SQLITE_STATIC);
      if (sqlite3_step (version) != SQLITE_ROW)
        exit (1);
      stream_version = sqlite3_column_int64 (version, 0) + 1;
      sqlite3_reset (version);

      sqlite3_bind_text (event, 1, row->stream_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (event, 2, stream_version);
      sqlite3_bind_text (event, 3, row->payload, -1, SQLITE_STATIC);
      sqlite3_bind_text (event, 4, row->command_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (event, 5, device_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (event, 6, now);
      step_or_die (db, event);
      sqlite3_bind_text (view, 1, row->tagline, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (view, 2, now);
      sqlite3_bind_int64 (view, 3, stream_version);
      sqlite3_bind_text (view, 4, row->slug, -1, SQLITE_STATIC);
      step_or_die (db, view);
      sqlite3_bind_text (outcome, 1, row->command_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (outcome, 2, sqlite3_last_insert_rowid (db));
      step_or_die (db, outcome);
      sqlite3_bind_text (log, 1, row->command_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (log, 2, row->command, -1, SQLITE_STATIC);
      sqlite3_bind_text (log, 3, row->outcome, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (log, 4, now);
      step_or_die (db, log);
      step_or_die (db, commit);
    }
  start = g_get_monotonic_time () - start;

  sqlite3_finalize (begin);
  sqlite3_finalize (commit);
  sqlite3_finalize (seen);
  sqlite3_finalize (version);
  sqlite3_finalize (event);
  sqlite3_finalize (view);
  sqlite3_finalize (outcome);
  sqlite3_finalize (log);
  for (guint i = 0; i < n; i++)
    schema_row_clear (&rows[i]);
  return start;
}

/* A table shaped like the events table, on `vfs` (NULL: SQLite's default
 * file layer), with the store's pragmas; its insert statement in *stmt. */
static sqlite3 *
open_raw (const char    *path,
          const char    *vfs,
          sqlite3_stmt **stmt)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs) != SQLITE_OK)
    exit (1);
  sqlite3_busy_timeout (db, 10000);
  exec_or_die (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                   "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32768;"
                   "CREATE TABLE raw (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, "
                   "stream_version INTEGER NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, "
                   "recorded_at INTEGER NOT NULL, UNIQUE (stream_id, stream_version))");
  *stmt = prepare_or_die (db, "INSERT INTO raw (stream_id, stream_version, type, payload, recorded_at) "
                              "VALUES (?, ?, 'ConferenceUpdated', '{\"tagline\":\"Tagline\"}', ?)");
  return db;
}

/* What (a), (b) and (e) measured: the rates, and of each the microseconds
 * per command (or insert) spent waiting for the log's sync, the disk's
 * share (a little more for a commit that writes more pages); the rest is
 * the processor's, on caches gone cold during each sync. */
typedef struct
{
  double a, b, b_default, e;
  double a_sync, b_sync, e_sync;
  /* (a)/(b) of each round alone: how much the disk moved during the run. */
  double round_low, round_median, round_high;
} Rates;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* (a), (b) and (e) run in alternating rounds on the same disk, so drift in the
 * disk's speed weighs on all alike, after a warm-up that is not timed. (b) runs twice: on the store's file
 * layer (ccm-wal-vfs.c: the log's writes of a commit in one write), the
 * ceiling for the same pragmas and the same layer, and on SQLite's default
 * one (b_default). */
static void
bench_commands_and_inserts (CcmStore   *store,
                            CcmStore   *schema_store,
                            const char *raw_path,
                            const char *raw_default_path,
                            guint       n,
                            Rates      *rates)
{
  const guint round = 100, warm_up = 600;
  sqlite3_stmt *stmt = NULL, *default_stmt = NULL;
  sqlite3 *db = open_raw (raw_path, ccm_wal_vfs_name (), &stmt);
  sqlite3 *default_db = open_raw (raw_default_path, NULL, &default_stmt);
  gint64 a_us = 0, b_us = 0, b_default_us = 0, e_us = 0;
  gint64 a_sync = 0, b_sync = 0, e_sync = 0;
  g_autoptr(GArray) round_ratios = g_array_new (FALSE, FALSE, sizeof (double));

  create_conferences (store);
  create_conferences (schema_store);

  /* Not timed: each log first grows to the size it is checkpointed at
   * (1 000 pages) and starts over once. While a log file grows, every sync
   * also commits the file's new size, a cost the raw insert, with a third
   * of the pages per commit, would bear three times as long. */
  for (guint done = 0; done < warm_up; done += round)
    {
      run_raw_inserts (db, stmt, n + done, round);
      run_commands (store, n + done, round);
      run_schema_writes (schema_store, n + done, round);
      run_raw_inserts (default_db, default_stmt, n + done, round);
    }

  for (guint done = 0; done < n; done += round)
    {
      guint k = MIN (round, n - done);
      gint64 synced = ccm_wal_vfs_sync_time ();
      gint64 b_round, a_round;
      double ratio;

      b_round = run_raw_inserts (db, stmt, done, k);
      b_us += b_round;
      b_sync += ccm_wal_vfs_sync_time () - synced;
      synced = ccm_wal_vfs_sync_time ();
      a_round = run_commands (store, done, k);
      a_us += a_round;
      a_sync += ccm_wal_vfs_sync_time () - synced;
      ratio = b_round / (double) a_round;
      g_array_append_val (round_ratios, ratio);
      synced = ccm_wal_vfs_sync_time ();
      e_us += run_schema_writes (schema_store, done, k);
      e_sync += ccm_wal_vfs_sync_time () - synced;
      b_default_us += run_raw_inserts (default_db, default_stmt, done, k);
    }

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  sqlite3_finalize (default_stmt);
  sqlite3_close (default_db);
  rates->a = n / (a_us / (double) G_USEC_PER_SEC);
  rates->b = n / (b_us / (double) G_USEC_PER_SEC);
  rates->b_default = n / (b_default_us / (double) G_USEC_PER_SEC);
  rates->e = n / (e_us / (double) G_USEC_PER_SEC);
  rates->a_sync = a_sync / (double) n;
  rates->b_sync = b_sync / (double) n;
  rates->e_sync = e_sync / (double) n;

  g_array_sort (round_ratios, compare_doubles);
  rates->round_low = g_array_index (round_ratios, double, round_ratios->len / 4);
  rates->round_median = g_array_index (round_ratios, double, round_ratios->len / 2);
  rates->round_high = g_array_index (round_ratios, double, (3 * round_ratios->len) / 4);
}

/* Fills the log quickly: many commands inside one outer transaction. */
static void
fill (CcmStore *store,
      guint     n)
{
  CcmClock *clock = ccm_store_get_clock (store);
  g_autoptr(GError) error = NULL;

  must (ccm_store_begin (store, &error), error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *slug = g_strdup_printf ("bench-%u", i % 8);
      g_autoptr(CcmCommand) command = update_command (ccm_clock_now (clock), slug, i + 1000000);
      g_autoptr(CcmOutcome) outcome = ccm_store_execute (store, command, &error);

      must (outcome != NULL, error);
    }
  must (ccm_store_commit (store, &error), error);
}

static double
bench_rebuild (CcmStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 events = ccm_store_count_events (store);
  gint64 start = g_get_monotonic_time ();

  must (ccm_store_rebuild (store, &error), error);
  return events / ((g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

static double
bench_raw_scan (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 start, n = 0, checksum = 0;

  if (sqlite3_open (path, &db) != SQLITE_OK)
    exit (1);
  sqlite3_prepare_v2 (db, "SELECT position, stream_id, stream_version, type, schema_version, "
                          "payload, command_id, correlation_id, device_id, recorded_at "
                          "FROM events ORDER BY position", -1, &stmt, NULL);

  start = g_get_monotonic_time ();
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonNode *root;

      if (!json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 5),
                                       sqlite3_column_bytes (stmt, 5), NULL))
        exit (1);
      root = json_parser_get_root (parser);
      checksum += json_object_get_size (json_node_get_object (root));
      n++;
    }
  start = g_get_monotonic_time () - start;

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert (checksum > 0);
  return n / (start / (double) G_USEC_PER_SEC);
}

/* (f): what (c) cannot do without, in one pass of raw SQL: the scan, the
 * parse, and the read-model row each event changes. */
static double
bench_raw_replay (CcmStore *store)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  sqlite3 *db = ccm_store_get_db (store);
  sqlite3_stmt *scan, *view;
  gint64 start, n = 0;

  scan = prepare_or_die (db, "SELECT position, stream_id, stream_version, type, schema_version, "
                             "payload, command_id, correlation_id, device_id, recorded_at "
                             "FROM events ORDER BY position");
  view = prepare_or_die (db, "UPDATE conferences SET tagline = coalesce (?1, tagline), "
                             "location = coalesce (?2, location), updated_at = ?3, version = ?4 "
                             "WHERE slug = ?5");

  start = g_get_monotonic_time ();
  exec_or_die (db, "BEGIN IMMEDIATE");
  while (sqlite3_step (scan) == SQLITE_ROW)
    {
      const char *stream_id = (const char *) sqlite3_column_text (scan, 1);
      JsonObject *payload;

      if (!json_parser_load_from_data (parser, (const char *) sqlite3_column_text (scan, 5),
                                       sqlite3_column_bytes (scan, 5), NULL))
        exit (1);
      payload = json_node_get_object (json_parser_get_root (parser));
      n++;
      if (!g_str_has_prefix (stream_id, "conference/") ||
          !g_str_equal ((const char *) sqlite3_column_text (scan, 3), "ConferenceUpdated"))
        continue;
      sqlite3_bind_text (view, 1, ccm_json_string (payload, "tagline"), -1, SQLITE_STATIC);
      sqlite3_bind_text (view, 2, ccm_json_string (payload, "location"), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (view, 3, sqlite3_column_int64 (scan, 9));
      sqlite3_bind_int64 (view, 4, sqlite3_column_int64 (scan, 2));
      sqlite3_bind_text (view, 5, stream_id + strlen ("conference/"), -1, SQLITE_STATIC);
      step_or_die (db, view);
    }
  exec_or_die (db, "COMMIT");
  start = g_get_monotonic_time () - start;

  sqlite3_finalize (scan);
  sqlite3_finalize (view);
  return n / (start / (double) G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmRegistry) registry = NULL;
  g_autoptr(CcmClock) clock = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(CcmStore) schema_store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *schema_path = NULL;
  g_autofree char *raw_path = NULL;
  g_autofree char *raw_default_path = NULL;
  int commands = 2000, events = 200000;
  char *base_dir = NULL;
  double a, b, c, d, e, f;
  Rates rates;
  GOptionEntry entries[] = {
    { "commands", 0, 0, G_OPTION_ARG_INT, &commands, "Commands for (a) and inserts for (b)", "N" },
    { "events", 0, 0, G_OPTION_ARG_INT, &events, "Events in the log for (c) and (d)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &base_dir, "Folder on the disk to measure", "DIR" },
    { NULL }
  };

  context = g_option_context_new ("— event store benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-store: %s\n", error->message);
      return 2;
    }

  dir = base_dir != NULL ? g_build_filename (base_dir, "bench-store-XXXXXX", NULL)
                         : g_build_filename (g_get_tmp_dir (), "bench-store-XXXXXX", NULL);
  if (g_mkdtemp (dir) == NULL)
    return 1;
  store_path = g_build_filename (dir, "store.db", NULL);
  raw_path = g_build_filename (dir, "raw.db", NULL);
  raw_default_path = g_build_filename (dir, "raw-default.db", NULL);
  schema_path = g_build_filename (dir, "schema.db", NULL);

  registry = ccm_domain_registry_new ();
  clock = ccm_clock_new_system ();
  store = ccm_store_open (store_path, registry, clock, &error);
  must (store != NULL, error);
  schema_store = ccm_store_open (schema_path, registry, clock, &error);
  must (schema_store != NULL, error);

  g_print ("bench-store: %d commands, %d events, in %s\n", commands, events, dir);

  bench_commands_and_inserts (store, schema_store, raw_path, raw_default_path, commands,
                              &rates);
  a = rates.a;
  b = rates.b;
  e = rates.e;
  g_clear_object (&schema_store);
  g_print ("(a) command path, one command per transaction: %10.0f commands/s\n", a);
  g_print ("(b) raw SQLite insert, one per transaction:    %10.0f inserts/s\n", b);
  g_print ("    ratio (a)/(b): %.2f (target >= 0.80)\n", a / b);
  g_print ("    (a)/(b) of each round of 100 alone: median %.2f, middle half %.2f to %.2f\n",
           rates.round_median, rates.round_low, rates.round_high);
  g_print ("(b) on SQLite's default file layer:            %10.0f inserts/s\n", rates.b_default);
  g_print ("    ratio (a)/(that): %.2f\n", a / rates.b_default);
  g_print ("(e) a command's table writes as raw SQL:       %10.0f commands/s\n", e);
  g_print ("    ratio (e)/(b): %.2f (what the schema allows), (a)/(e): %.2f (the code's share)\n",
           e / b, a / e);
  g_print ("    microseconds each, waiting for the log's sync + the rest:\n"
           "    (a) %.0f + %.0f, (b) %.0f + %.0f, (e) %.0f + %.0f\n",
           rates.a_sync, G_USEC_PER_SEC / a - rates.a_sync,
           rates.b_sync, G_USEC_PER_SEC / b - rates.b_sync,
           rates.e_sync, G_USEC_PER_SEC / e - rates.e_sync);

  fill (store, MAX (0, events - (int) ccm_store_count_events (store)));
  /* The fill leaves the kernel writing a large log out; (c), (d) and (f)
   * measure replay and decoding, not that, so it is finished first. */
  sync ();
  c = bench_rebuild (store);
  d = bench_raw_scan (store_path);
  f = bench_raw_replay (store);
  g_print ("(c) rebuild replay of %" G_GINT64_FORMAT " events:  %10.0f events/s\n",
           ccm_store_count_events (store), c);
  g_print ("(d) raw scan + json-glib parse:                %10.0f events/s\n", d);
  g_print ("    ratio (c)/(d): %.2f (target >= 0.40)\n", c / d);
  g_print ("(f) (d) + each event's read-model UPDATE:      %10.0f events/s\n", f);
  g_print ("    ratio (f)/(d): %.2f (what the read model allows), (c)/(f): %.2f (the code's share)\n",
           f / d, c / f);

  g_clear_object (&store);
  g_unlink (store_path);
  g_unlink (schema_path);
  for (guint i = 0; i < 2; i++)
    {
      const char *path = i == 0 ? raw_path : raw_default_path;
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
    }
  g_rmdir (dir);
  g_free (base_dir);
  return 0;
}
