/* fuzz-event.c — decoding stored event rows, upcasting and projecting them
 *
 * The input is an event row: its type on the first line, its schema
 * version on the second, the payload (any bytes) after. The harness writes
 * the row into a real store's events table as a corrupted, old or hostile
 * file would hold it, reads it back through the store (JSON decoding and
 * the registry's upcasters), and takes every event it decoded into the read
 * models the way a pulled event arrives (ccm_store_append_confirmed). Each
 * input runs in a transaction that is rolled back, so inputs do not meet.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "ccm-domain.h"
#include "ccm-store.h"
#include "ccm-store-private.h"

#include "fuzz-common.h"

static CcmStore *store;

static void
remove_dir_at_exit (void)
{
  const char *dir = g_getenv ("CCM_FUZZ_DIR");
  g_autofree char *path = dir != NULL ? g_build_filename (dir, "store.db", NULL) : NULL;

  g_clear_object (&store);
  fuzz_remove_store_files (path);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(CcmRegistry) registry = NULL;
  g_autoptr(CcmClock) clock = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  fuzz_setup_glib ();
  dir = g_dir_make_tmp ("ccm-fuzz-event-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("CCM_FUZZ_DIR", dir, TRUE);
  atexit (remove_dir_at_exit);

  path = g_build_filename (dir, "store.db", NULL);
  registry = ccm_domain_registry_new ();
  clock = ccm_clock_new_fixed (G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC);
  store = ccm_store_open (path, registry, clock, &error);
  g_assert_no_error (error);
  return 0;
}

static void
insert_row (const char   *type,
            gint64        schema_version,
            const char   *payload,
            gsize         payload_length)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (ccm_store_get_db (store),
                           "INSERT INTO events (stream_id, stream_version, type, schema_version, "
                           "payload, recorded_at) VALUES ('fuzz', 1, ?, ?, ?, 0)",
                           -1, &stmt, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, schema_version);
  sqlite3_bind_text (stmt, 3, payload, (int) payload_length, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *type = NULL;
  const char *text = (const char *) data;
  const char *end = text + size;
  const char *newline;
  gint64 schema_version = 1;
  gint64 last;

  /* Line 1: the type. */
  newline = memchr (text, '\n', size);
  if (newline == NULL)
    return 0;
  type = g_strndup (text, newline - text);
  text = newline + 1;

  /* Line 2: the schema version (anything that is not a number is 1). */
  newline = memchr (text, '\n', end - text);
  if (newline == NULL)
    return 0;
  {
    g_autofree char *version = g_strndup (text, newline - text);

    g_ascii_string_to_signed (version, 10, G_MININT32, G_MAXINT32, &schema_version, NULL);
  }
  text = newline + 1;

  /* The store reads the payload as TEXT; SQLite keeps its bytes as given. */
  last = ccm_store_get_last_position (store);
  g_assert (ccm_store_begin (store, NULL));
  insert_row (type, schema_version, text, end - text);

  events = ccm_store_read_all (store, last, 10, &error);
  if (events == NULL)
    g_assert (error != NULL);
  g_clear_error (&error);

  if (events != NULL)
    {
      g_assert_cmpuint (events->len, ==, 1);
      g_assert (sqlite3_exec (ccm_store_get_db (store), "DELETE FROM events WHERE stream_id = 'fuzz'",
                              NULL, NULL, NULL) == SQLITE_OK);
      for (guint i = 0; i < events->len; i++)
        {
          CcmEvent *event = g_ptr_array_index (events, i);

          g_assert_nonnull (event->type);
          g_assert_nonnull (event->payload);
          if (!ccm_store_append_confirmed (store, event, &error))
            g_assert (error != NULL);
          g_clear_error (&error);
        }
    }

  ccm_store_rollback (store);
  ccm_store_forget_states (store);
  return 0;
}
