/* bench-times.h — timings collected by the benchmarks, sorted for their
 * median and percentiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

/* Sorts times (an array of gint64 µs) from fastest to slowest. */
void   bench_sort_times (GArray *times);
/* Of times sorted: the one below which `percent` of them lie. */
gint64 bench_percentile (GArray *times,
                         guint   percent);
