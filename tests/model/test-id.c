/* test-id.c — time-ordered ids (UUID version 7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ccm-id.h"

/* 2026-03-01 09:00:00.123456 UTC */
#define T0 G_GINT64_CONSTANT (1772355600123456)

static guint64
id_ms (const char *id)
{
  g_autofree char *hex = g_strndup (id, 8);
  guint64 high = g_ascii_strtoull (hex, NULL, 16);

  return high << 16 | g_ascii_strtoull (id + 9, NULL, 16);
}

static void
test_format (void)
{
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = ccm_id_new (T0 + i * 997);

      g_assert_true (ccm_id_is_valid (id));
      g_assert_cmpint (id[14], ==, '7');                      /* version */
      g_assert_nonnull (strchr ("89ab", id[19]));             /* RFC 9562 variant */
      g_assert_cmpuint (id_ms (id), ==, (guint64) (T0 + i * 997) / 1000);
    }
}

/* Made in one millisecond (a burst of commands, a clock held by a test),
 * ids still go up: each is appended to an index's tail. */
static void
test_ordered_within_millisecond (void)
{
  gint64 start = T0 - T0 % 1000;
  g_autofree char *previous = ccm_id_new (start);

  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *id = ccm_id_new (start + (i % 1000));

      g_assert_cmpint (strcmp (previous, id), <, 0);
      g_assert_cmpuint (id_ms (id), ==, (guint64) T0 / 1000);
      g_free (previous);
      previous = g_steal_pointer (&id);
    }
}

/* A clock set back: the id carries the millisecond it was made in, not the
 * last one's, and later ones go up from there. */
static void
test_clock_back (void)
{
  g_autofree char *later = ccm_id_new (T0 + 60 * G_USEC_PER_SEC);
  g_autofree char *earlier = ccm_id_new (T0);
  g_autofree char *next = ccm_id_new (T0);

  g_assert_cmpuint (id_ms (earlier), ==, (guint64) T0 / 1000);
  g_assert_cmpint (strcmp (earlier, later), <, 0);
  g_assert_cmpint (strcmp (earlier, next), <, 0);
}

#define N_THREADS 4
#define PER_THREAD 5000

static gpointer
make_ids (gpointer data)
{
  char **ids = data;

  for (guint i = 0; i < PER_THREAD; i++)
    ids[i] = ccm_id_new (T0);
  return NULL;
}

/* Threads making ids in the same millisecond: no two alike. */
static void
test_threads_distinct (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  char *ids[N_THREADS][PER_THREAD];
  GThread *threads[N_THREADS];

  for (guint t = 0; t < N_THREADS; t++)
    threads[t] = g_thread_new ("ids", make_ids, ids[t]);
  for (guint t = 0; t < N_THREADS; t++)
    g_thread_join (threads[t]);
  for (guint t = 0; t < N_THREADS; t++)
    for (guint i = 0; i < PER_THREAD; i++)
      {
        g_assert_true (ccm_id_is_valid (ids[t][i]));
        g_assert_true (g_hash_table_add (seen, ids[t][i]));
        if (i > 0)
          g_assert_cmpint (strcmp (ids[t][i - 1], ids[t][i]), <, 0);
      }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_THREADS * PER_THREAD);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/id/format", test_format);
  g_test_add_func ("/model/id/ordered-within-millisecond", test_ordered_within_millisecond);
  g_test_add_func ("/model/id/clock-back", test_clock_back);
  g_test_add_func ("/model/id/threads-distinct", test_threads_distinct);

  return g_test_run ();
}
