/* bench-times.c — timings collected by the benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-times.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

void
bench_sort_times (GArray *times)
{
  g_array_sort (times, compare_gint64);
}

gint64
bench_percentile (GArray *times,
                  guint   percent)
{
  guint i;

  g_return_val_if_fail (times->len > 0, 0);
  i = MIN ((times->len * percent) / 100, times->len - 1);
  return g_array_index (times, gint64, i);
}
