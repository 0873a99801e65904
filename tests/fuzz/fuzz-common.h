/* fuzz-common.h — what the libFuzzer harnesses share
 *
 * Each harness defines LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize
 * when it needs set-up). The same source is linked twice: with libFuzzer
 * (-Dfuzzing=true, clang) and with fuzz-replay.c, a plain test program
 * that feeds it the saved crashes and the seed corpus in every build.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <stddef.h>

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* A warning or critical on any input is a bug the harness must report
 * (g_return_if_fail included); g_print output would only slow the run
 * (stderr stays: assertion messages go there). */
static inline void
fuzz_quiet_print_cb (const char *text)
{
}

/* Fatal messages end in abort(), not in GLib's breakpoint: libFuzzer saves
 * the input of a SIGABRT, while a SIGTRAP would end the run without it. */
static inline GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  /* Info and debug messages would only slow the run. */
  if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING |
                 G_LOG_LEVEL_MESSAGE)))
    return G_LOG_WRITER_HANDLED;
  g_log_writer_standard_streams (level, fields, n_fields, user_data);
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_setup_glib (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_fatal_mask (NULL, G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
  g_set_print_handler (fuzz_quiet_print_cb);
}

/* Removes the SQLite file DB with its -wal, -shm and -journal, then the
 * folder it is in (a harness's store, at exit). NULL does nothing. */
static inline void
fuzz_remove_store_files (const char *db)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autofree char *dir = NULL;

  if (db == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (db, suffixes[i], NULL);

      g_unlink (file);
    }
  dir = g_path_get_dirname (db);
  g_rmdir (dir);
}
