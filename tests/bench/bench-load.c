/* bench-load.c — 50 desks against one contoso-server on loopback
 *
 * The load harness (tests/load/load.h): desks in their own processes, each
 * its own store, token and HTTP session, selling and admitting for a
 * bounded time and syncing on their own cadence; then every desk is made
 * quiet and the run is checked. Prints commands/s the server answered and
 * the push latency (median, p99, max); target on the CI kind of machine
 * (2 cores): 50 desks, p99 under 250 ms, no error, no violation. Exits 1
 * on any error or violation.
 *
 * Usage: bench-load [--desks N] [--seconds N] [--processes N] [--think MS]
 *                   [--sync-min MS] [--sync-max MS] [--scarce N] [--seed N]
 *                   [--dir DIR]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "load.h"
#include "sync-harness.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  LoadOptions o = LOAD_OPTIONS_DEFAULT;
  int desks = o.desks, seconds = o.seconds, processes = o.processes, think = o.think_ms;
  int sync_min = o.sync_min_ms, sync_max = o.sync_max_ms, scarce = o.scarce, seed = o.seed;
  GOptionEntry entries[] = {
    { "desks", 0, 0, G_OPTION_ARG_INT, &desks, "Desks (default 50)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds of load (default 30)", "N" },
    { "processes", 0, 0, G_OPTION_ARG_INT, &processes, "Desk processes (default: one per desk)", "N" },
    { "think", 0, 0, G_OPTION_ARG_INT, &think, "A desk's mean pause between two actions (default 1000)", "MS" },
    { "sync-min", 0, 0, G_OPTION_ARG_INT, &sync_min, "Shortest pause between a desk's syncs (default 500)", "MS" },
    { "sync-max", 0, 0, G_OPTION_ARG_INT, &sync_max, "Longest pause between a desk's syncs (default 2000)", "MS" },
    { "scarce", 0, 0, G_OPTION_ARG_INT, &scarce, "The workshop's quota in each conference (default 40)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the desks' choices (default: from the clock)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Folder for the stores, kept (default: a new one in /tmp, removed)", "DIR" },
    G_OPTION_ENTRY_NULL
  };
  LoadReport report;

  if (load_is_worker (argc, argv))
    return load_worker_main (argc, argv);

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  harness_must (g_option_context_parse (context, &argc, &argv, &error), error);
  if (desks < 1 || seconds < 1 || processes < 0 || think < 1 || sync_min < 1 ||
      sync_max < sync_min || scarce < 1 || seed < 0)
    {
      g_printerr ("bench-load: give positive numbers, --sync-max at least --sync-min\n");
      return 2;
    }
  o.desks = desks;
  o.seconds = seconds;
  o.processes = processes;
  o.think_ms = think;
  o.sync_min_ms = sync_min;
  o.sync_max_ms = sync_max;
  o.scarce = scarce;
  o.seed = seed;
  o.dir = dir;

  load_run (&o, &report);
  load_report_print (&report, stdout);
  printf ("target: p99 push latency < 250 ms with 50 desks, no error, no violation: %s\n",
          load_report_ok (&report) && report.push_p99_ms < 250 && report.desks >= 50 ? "met" : "not met");
  return load_report_ok (&report) ? 0 : 1;
}
