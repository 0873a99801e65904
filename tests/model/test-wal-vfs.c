/* test-wal-vfs.c — the store's file layer (model/ccm-wal-vfs.c): a commit's
 * log writes reach the file as one write, and nothing else changes
 *
 * Below the layer sits a counting layer, registered as SQLite's default
 * before the store's layer wraps the default: it counts the write calls
 * that reach each log file and can make them fail like a full disk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sqlite3.h>

#include <glib/gstdio.h>

#include "ccm-wal-vfs.h"

typedef struct
{
  sqlite3_file base;
  sqlite3_file *real;
} CountFile;

static sqlite3_vfs *system_vfs;
static sqlite3_vfs count_vfs;
static guint wal_writes;
static gboolean fail_wal_writes;
static guint wal_syncs;
static gulong sync_delay_us;

#define REAL(base) (((CountFile *) (base))->real)

static int
count_close (sqlite3_file *base)
{
  return REAL (base)->pMethods->xClose (REAL (base));
}

static int
count_read (sqlite3_file *base, void *data, int amount, sqlite3_int64 offset)
{
  return REAL (base)->pMethods->xRead (REAL (base), data, amount, offset);
}

static int
count_write (sqlite3_file *base, const void *data, int amount, sqlite3_int64 offset)
{
  wal_writes++;
  if (fail_wal_writes)
    return SQLITE_FULL;
  return REAL (base)->pMethods->xWrite (REAL (base), data, amount, offset);
}

static int
count_truncate (sqlite3_file *base, sqlite3_int64 size)
{
  return REAL (base)->pMethods->xTruncate (REAL (base), size);
}

static int
count_sync (sqlite3_file *base, int flags)
{
  wal_syncs++;
  if (sync_delay_us > 0)
    g_usleep (sync_delay_us);
  return REAL (base)->pMethods->xSync (REAL (base), flags);
}

static int
count_file_size (sqlite3_file *base, sqlite3_int64 *size)
{
  return REAL (base)->pMethods->xFileSize (REAL (base), size);
}

static int
count_lock (sqlite3_file *base, int level)
{
  return REAL (base)->pMethods->xLock (REAL (base), level);
}

static int
count_unlock (sqlite3_file *base, int level)
{
  return REAL (base)->pMethods->xUnlock (REAL (base), level);
}

static int
count_check_reserved_lock (sqlite3_file *base, int *reserved)
{
  return REAL (base)->pMethods->xCheckReservedLock (REAL (base), reserved);
}

static int
count_file_control (sqlite3_file *base, int op, void *arg)
{
  return REAL (base)->pMethods->xFileControl (REAL (base), op, arg);
}

static int
count_sector_size (sqlite3_file *base)
{
  return REAL (base)->pMethods->xSectorSize (REAL (base));
}

static int
count_device_characteristics (sqlite3_file *base)
{
  return REAL (base)->pMethods->xDeviceCharacteristics (REAL (base));
}

static const sqlite3_io_methods count_methods = {
  .iVersion = 1,
  .xClose = count_close,
  .xRead = count_read,
  .xWrite = count_write,
  .xTruncate = count_truncate,
  .xSync = count_sync,
  .xFileSize = count_file_size,
  .xLock = count_lock,
  .xUnlock = count_unlock,
  .xCheckReservedLock = count_check_reserved_lock,
  .xFileControl = count_file_control,
  .xSectorSize = count_sector_size,
  .xDeviceCharacteristics = count_device_characteristics,
};

/* Log files are wrapped; every other file is the system layer's own. */
static int
count_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *base, int flags, int *out_flags)
{
  CountFile *file = (CountFile *) base;
  int rc;

  if ((flags & SQLITE_OPEN_WAL) == 0)
    return system_vfs->xOpen (system_vfs, name, base, flags, out_flags);
  memset (file, 0, sizeof *file);
  file->real = (sqlite3_file *) (file + 1);
  rc = system_vfs->xOpen (system_vfs, name, file->real, flags, out_flags);
  if (rc == SQLITE_OK)
    file->base.pMethods = &count_methods;
  return rc;
}

static void
register_count_vfs (void)
{
  system_vfs = sqlite3_vfs_find (NULL);
  count_vfs = *system_vfs;
  count_vfs.zName = "count";
  count_vfs.pNext = NULL;
  count_vfs.szOsFile = (int) sizeof (CountFile) + system_vfs->szOsFile;
  count_vfs.xOpen = count_open;
  g_assert_cmpint (sqlite3_vfs_register (&count_vfs, 1), ==, SQLITE_OK);
}

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = g_dir_make_tmp ("test-wal-vfs-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
  fixture->path = g_build_filename (fixture->dir, "test.db", NULL);
  wal_writes = 0;
  fail_wal_writes = FALSE;
  wal_syncs = 0;
  sync_delay_us = 0;
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (fixture->path, suffixes[i], NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
exec_ok (sqlite3 *db, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* The store's pragmas, and a table with two indexes: an insert changes
 * three pages, six log writes without the layer. */
static sqlite3 *
open_db (const char *path, const char *vfs)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
                   ==, SQLITE_OK);
  sqlite3_extended_result_codes (db, 1);
  exec_ok (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);"
               "CREATE INDEX IF NOT EXISTS t_a ON t (a);"
               "CREATE INDEX IF NOT EXISTS t_b ON t (b);");
  return db;
}

static int
insert_row (sqlite3 *db, guint i)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO t (a, b) VALUES ('a%08u', 'b%08u')", i, i);

  return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

static guint
writes_for_commits (const char *path, const char *vfs, guint commits)
{
  sqlite3 *db = open_db (path, vfs);
  guint before = wal_writes;

  for (guint i = 0; i < commits; i++)
    g_assert_cmpint (insert_row (db, i), ==, SQLITE_OK);
  sqlite3_close (db);
  return wal_writes - before;
}

/* Without the layer, each commit writes every frame as two calls; with it,
 * one call per commit (the log's header, written and synced on its own
 * when the log starts, adds one). */
static void
test_one_write_per_commit (Fixture *fixture, gconstpointer data)
{
  g_autofree char *plain_path = g_build_filename (fixture->dir, "plain.db", NULL);
  const guint commits = 50;
  guint layered = writes_for_commits (fixture->path, ccm_wal_vfs_name (), commits);
  guint plain = writes_for_commits (plain_path, "count", commits);

  g_test_message ("%u commits: %u log writes through the layer, %u without", commits, layered, plain);
  g_assert_cmpuint (layered, >=, commits);
  g_assert_cmpuint (layered, <=, commits + 2);
  g_assert_cmpuint (plain, >=, 6 * commits);

  for (guint i = 0; i < 3; i++)
    {
      const char *suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *path = g_strconcat (plain_path, suffixes[i], NULL);

      g_unlink (path);
    }
}

/* Another connection (as another process would) sees each commit as soon
 * as it returns: nothing it needs is left in the writer's buffer. */
static void
test_other_connection_sees_commits (Fixture *fixture, gconstpointer data)
{
  sqlite3 *writer = open_db (fixture->path, ccm_wal_vfs_name ());
  sqlite3 *reader = open_db (fixture->path, NULL);

  for (guint i = 0; i < 200; i++)
    {
      g_assert_cmpint (insert_row (writer, i), ==, SQLITE_OK);
      g_assert_cmpint (query (reader, "SELECT count(*) FROM t"), ==, i + 1);
    }
  /* Past the automatic checkpoint, so the log has started over too. */
  g_assert_cmpint (query (reader, "PRAGMA wal_checkpoint(PASSIVE)"), ==, 0);
  for (guint i = 200; i < 400; i++)
    {
      g_assert_cmpint (insert_row (writer, i), ==, SQLITE_OK);
      g_assert_cmpint (query (reader, "SELECT count(b) FROM t INDEXED BY t_b"), ==, i + 1);
    }
  sqlite3_close (reader);
  sqlite3_close (writer);
}

/* The time the layer reports spent in the log's syncs (what bench-store
 * tells the disk's share by) is the time the syncs below it took: each
 * commit's sync made 3 ms long below the layer counts, and a read, which
 * syncs nothing, adds nothing. */
static void
test_sync_time (Fixture *fixture, gconstpointer data)
{
  sqlite3 *db = open_db (fixture->path, ccm_wal_vfs_name ());
  const guint commits = 10;
  gint64 before, spent;
  guint syncs;

  sync_delay_us = 3000;
  before = ccm_wal_vfs_sync_time ();
  syncs = wal_syncs;
  for (guint i = 0; i < commits; i++)
    g_assert_cmpint (insert_row (db, i), ==, SQLITE_OK);
  spent = ccm_wal_vfs_sync_time () - before;
  syncs = wal_syncs - syncs;
  g_test_message ("%u commits, %u syncs of the log: %" G_GINT64_FORMAT " us", commits, syncs, spent);
  g_assert_cmpuint (syncs, >=, commits);
  g_assert_cmpint (spent, >=, (gint64) syncs * 3000);
  /* Not the time of whole commits: a sleep far longer than them all. */
  g_assert_cmpint (spent, <, (gint64) syncs * 3000 + 2 * G_USEC_PER_SEC);

  before = ccm_wal_vfs_sync_time ();
  g_assert_cmpint (query (db, "SELECT count(*) FROM t"), ==, commits);
  g_assert_cmpint (ccm_wal_vfs_sync_time (), ==, before);
  sqlite3_close (db);
}

/* A transaction far larger than the buffer, with a page cache so small
 * that pages are written to the log before the commit and written again
 * in place: every write lands where and in the order SQLite made it. */
static void
test_large_transaction (Fixture *fixture, gconstpointer data)
{
  sqlite3 *db = open_db (fixture->path, ccm_wal_vfs_name ());
  gint64 sum;

  exec_ok (db, "PRAGMA cache_size=8; BEGIN");
  for (guint i = 0; i < 20000; i++)
    g_assert_cmpint (insert_row (db, i), ==, SQLITE_OK);
  exec_ok (db, "UPDATE t SET b = 'x' || b WHERE id % 3 = 0; COMMIT");
  sum = query (db, "SELECT sum(id) FROM t WHERE b LIKE 'x%'");
  sqlite3_close (db);

  /* Read back on SQLite's default layer, the log replayed from the file. */
  db = open_db (fixture->path, NULL);
  g_assert_cmpint (query (db, "SELECT count(*) FROM t"), ==, 20000);
  g_assert_cmpint (query (db, "SELECT sum(id) FROM t WHERE b LIKE 'x%'"), ==, sum);
  g_assert_cmpint (query (db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'"),
                   ==, 0);
  sqlite3_close (db);
}

/* A write that fails (a full disk) fails the commit that needed it, and the
 * file keeps every earlier commit and nothing of the failed one. */
static void
test_failed_write_fails_commit (Fixture *fixture, gconstpointer data)
{
  sqlite3 *db = open_db (fixture->path, ccm_wal_vfs_name ());
  int rc;

  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (insert_row (db, i), ==, SQLITE_OK);

  fail_wal_writes = TRUE;
  rc = insert_row (db, 10);
  fail_wal_writes = FALSE;
  g_assert_cmpint (rc & 0xff, ==, SQLITE_FULL);
  g_assert_cmpint (query (db, "SELECT count(*) FROM t"), ==, 10);

  /* The connection goes on, and the next commit lands. */
  g_assert_cmpint (insert_row (db, 11), ==, SQLITE_OK);
  sqlite3_close (db);

  db = open_db (fixture->path, NULL);
  g_assert_cmpint (query (db, "SELECT count(*) FROM t"), ==, 11);
  g_assert_cmpint (query (db, "SELECT count(*) FROM t WHERE a = 'a00000010'"), ==, 0);
  g_assert_cmpint (query (db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'"),
                   ==, 0);
  sqlite3_close (db);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Before the store's layer first wraps the default one. */
  register_count_vfs ();

  g_test_add ("/wal-vfs/one-write-per-commit", Fixture, NULL,
              fixture_set_up, test_one_write_per_commit, fixture_tear_down);
  g_test_add ("/wal-vfs/other-connection-sees-commits", Fixture, NULL,
              fixture_set_up, test_other_connection_sees_commits, fixture_tear_down);
  g_test_add ("/wal-vfs/sync-time", Fixture, NULL,
              fixture_set_up, test_sync_time, fixture_tear_down);
  g_test_add ("/wal-vfs/large-transaction", Fixture, NULL,
              fixture_set_up, test_large_transaction, fixture_tear_down);
  g_test_add ("/wal-vfs/failed-write-fails-commit", Fixture, NULL,
              fixture_set_up, test_failed_write_fails_commit, fixture_tear_down);
  return g_test_run ();
}
