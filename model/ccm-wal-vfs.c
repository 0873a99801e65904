/* ccm-wal-vfs.c — SQLite's own file layer, with the write-ahead log's writes
 * gathered into one write per sync
 *
 * SQLite writes each frame of the log as two writes, its 24-byte header and
 * then the page, so a command that changes six pages makes twelve write
 * calls before the sync that commits it. Each is a system call that takes
 * the file's locks in the kernel. This layer wraps the default one and
 * changes one thing: the log's writes that follow each other are kept in a
 * buffer and reach the file as one write, before anything that has to see
 * them: a sync, a read, a size query, a truncation, a file control, close.
 * Every other file (the database, its journal, temporary files) is the
 * default layer's own, untouched. It also adds up the time the log's syncs
 * take (ccm_wal_vfs_sync_time), the disk's share of a commit.
 *
 * Why nothing changes for durability or for other connections:
 *
 *   - A commit returns after the log's sync, and the sync writes the buffer
 *     first. What a commit acknowledged is on disk exactly as before.
 *   - With synchronous=FULL, SQLite syncs the log before it publishes the
 *     commit's frames in the shared index, so no other connection (or
 *     process) can look for a frame that is still in a buffer. With NORMAL
 *     or OFF it publishes without a sync; that is why only connections that
 *     keep synchronous=FULL may use this layer (the store does, always).
 *   - Writes reach the file in the order SQLite made them: a write that
 *     does not continue the buffer sends the buffer first.
 *   - A process killed with a full buffer loses frames of a transaction
 *     that had not committed, which SQLite ignores after a crash anyway.
 *   - A failed write (a full disk) is reported by the call that sends the
 *     buffer, in a commit its sync, and the commit fails as it would have.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-store"

#include <stdatomic.h>
#include <string.h>
#include <sqlite3.h>

#include "ccm-wal-vfs.h"

#define VFS_NAME "ccm-wal"
/* The default unix layer writes at most 128 KiB in one call. A command's
 * frames take a few dozen KiB; a large import sends the buffer when full. */
#define BUFFER_SIZE (96 * 1024)

typedef struct
{
  sqlite3_file base;
  sqlite3_file *real;   /* the default layer's file, right after this struct */
  guchar *buffer;
  gsize length;
  sqlite3_int64 offset; /* where buffer[0] goes in the file */
} WalFile;

static sqlite3_vfs *parent;
/* Microseconds spent in the log's syncs, by every connection of the
 * process: two clock readings beside each sync, which on a disk takes a
 * hundred microseconds or more, so the readings hardly count. */
static _Atomic gint64 sync_time;
static sqlite3_vfs wal_vfs;

static int
send_buffer (WalFile *file)
{
  int rc;

  if (file->length == 0)
    return SQLITE_OK;
  rc = file->real->pMethods->xWrite (file->real, file->buffer, (int) file->length,
                                     file->offset);
  file->length = 0;
  return rc;
}

static int
wal_close (sqlite3_file *base)
{
  WalFile *file = (WalFile *) base;
  int rc = send_buffer (file);
  int close_rc = file->real->pMethods->xClose (file->real);

  g_clear_pointer (&file->buffer, g_free);
  return rc != SQLITE_OK ? rc : close_rc;
}

static int
wal_read (sqlite3_file  *base,
          void          *data,
          int            amount,
          sqlite3_int64  offset)
{
  WalFile *file = (WalFile *) base;
  int rc = send_buffer (file);

  if (rc != SQLITE_OK)
    return rc;
  return file->real->pMethods->xRead (file->real, data, amount, offset);
}

static int
wal_write (sqlite3_file  *base,
           const void    *data,
           int            amount,
           sqlite3_int64  offset)
{
  WalFile *file = (WalFile *) base;

  if (file->length > 0 &&
      (offset != file->offset + (sqlite3_int64) file->length ||
       file->length + (gsize) amount > BUFFER_SIZE))
    {
      int rc = send_buffer (file);

      if (rc != SQLITE_OK)
        return rc;
    }
  if ((gsize) amount > BUFFER_SIZE)
    return file->real->pMethods->xWrite (file->real, data, amount, offset);

  if (file->buffer == NULL)
    file->buffer = g_malloc (BUFFER_SIZE);
  if (file->length == 0)
    file->offset = offset;
  memcpy (file->buffer + file->length, data, amount);
  file->length += amount;
  return SQLITE_OK;
}

static int
wal_truncate (sqlite3_file  *base,
              sqlite3_int64  size)
{
  WalFile *file = (WalFile *) base;
  int rc = send_buffer (file);

  if (rc != SQLITE_OK)
    return rc;
  return file->real->pMethods->xTruncate (file->real, size);
}

static int
wal_sync (sqlite3_file *base,
          int           flags)
{
  WalFile *file = (WalFile *) base;
  int rc = send_buffer (file);
  gint64 start;

  if (rc != SQLITE_OK)
    return rc;
  start = g_get_monotonic_time ();
  rc = file->real->pMethods->xSync (file->real, flags);
  atomic_fetch_add_explicit (&sync_time, g_get_monotonic_time () - start, memory_order_relaxed);
  return rc;
}

static int
wal_file_size (sqlite3_file  *base,
               sqlite3_int64 *size)
{
  WalFile *file = (WalFile *) base;
  int rc = send_buffer (file);

  if (rc != SQLITE_OK)
    return rc;
  return file->real->pMethods->xFileSize (file->real, size);
}

static int
wal_lock (sqlite3_file *base,
          int           level)
{
  WalFile *file = (WalFile *) base;

  return file->real->pMethods->xLock (file->real, level);
}

static int
wal_unlock (sqlite3_file *base,
            int           level)
{
  WalFile *file = (WalFile *) base;

  return file->real->pMethods->xUnlock (file->real, level);
}

static int
wal_check_reserved_lock (sqlite3_file *base,
                         int          *reserved)
{
  WalFile *file = (WalFile *) base;

  return file->real->pMethods->xCheckReservedLock (file->real, reserved);
}

static int
wal_file_control (sqlite3_file *base,
                  int           op,
                  void         *arg)
{
  WalFile *file = (WalFile *) base;
  int rc = send_buffer (file);

  if (rc != SQLITE_OK)
    return rc;
  return file->real->pMethods->xFileControl (file->real, op, arg);
}

static int
wal_sector_size (sqlite3_file *base)
{
  WalFile *file = (WalFile *) base;

  return file->real->pMethods->xSectorSize (file->real);
}

static int
wal_device_characteristics (sqlite3_file *base)
{
  WalFile *file = (WalFile *) base;

  return file->real->pMethods->xDeviceCharacteristics (file->real);
}

/* Version 1: the log is never memory-mapped and has no shared memory of its
 * own (the shared index belongs to the database file). */
static const sqlite3_io_methods wal_methods = {
  .iVersion = 1,
  .xClose = wal_close,
  .xRead = wal_read,
  .xWrite = wal_write,
  .xTruncate = wal_truncate,
  .xSync = wal_sync,
  .xFileSize = wal_file_size,
  .xLock = wal_lock,
  .xUnlock = wal_unlock,
  .xCheckReservedLock = wal_check_reserved_lock,
  .xFileControl = wal_file_control,
  .xSectorSize = wal_sector_size,
  .xDeviceCharacteristics = wal_device_characteristics,
};

static int
wal_vfs_open (sqlite3_vfs  *vfs,
              const char   *name,
              sqlite3_file *base,
              int           flags,
              int          *out_flags)
{
  WalFile *file = (WalFile *) base;
  int rc;

  /* Any other file is the default layer's, in place: the space SQLite
   * allocated (szOsFile) holds it. */
  if ((flags & SQLITE_OPEN_WAL) == 0)
    return parent->xOpen (parent, name, base, flags, out_flags);

  memset (file, 0, sizeof *file);
  file->real = (sqlite3_file *) (file + 1);
  rc = parent->xOpen (parent, name, file->real, flags, out_flags);
  if (rc != SQLITE_OK)
    return rc;   /* pMethods stays NULL: SQLite will not close it */
  file->base.pMethods = &wal_methods;
  return SQLITE_OK;
}

const char *
ccm_wal_vfs_name (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      int rc;

      /* The process's first use of SQLite, so before it initializes: no
       * count of its memory, which nothing reads and which took a global
       * lock around each of its allocations (about 150 per command, as
       * Debian's SQLite has no lookaside to serve them). Refused, and
       * harmless, if something else in the process initialized it first. */
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      parent = sqlite3_vfs_find (NULL);
      g_assert (parent != NULL);
      wal_vfs = *parent;
      wal_vfs.zName = VFS_NAME;
      wal_vfs.pNext = NULL;
      wal_vfs.szOsFile = (int) sizeof (WalFile) + parent->szOsFile;
      wal_vfs.xOpen = wal_vfs_open;
      rc = sqlite3_vfs_register (&wal_vfs, 0);
      if (rc != SQLITE_OK)
        g_error ("Cannot register the %s file layer: %s", VFS_NAME, sqlite3_errstr (rc));
      g_once_init_leave (&registered, 1);
    }
  return VFS_NAME;
}

gint64
ccm_wal_vfs_sync_time (void)
{
  return atomic_load_explicit (&sync_time, memory_order_relaxed);
}
