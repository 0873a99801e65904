/* ccm-wal-vfs.h — SQLite's own file layer, with the write-ahead log's writes
 * gathered into one write per sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The name to open a store's connection with (the last argument of
 * sqlite3_open_v2), registered on first use. Only for connections that run
 * with synchronous=FULL: see ccm-wal-vfs.c. */
const char *ccm_wal_vfs_name (void);

/* Microseconds this process has spent waiting for the log's syncs on this
 * layer: what the disk, not the code, costs a commit. */
gint64 ccm_wal_vfs_sync_time (void);

G_END_DECLS
