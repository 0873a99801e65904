/* test-load.c — a short run of the load harness (load.h) in the test suite
 *
 * Many desks against one real contoso-server for a few seconds; the test
 * is that nothing failed and nothing was violated: no error, one outcome
 * per command, every desk showing what the server shows, the seat
 * invariant after every server command. Timing is printed, never asserted:
 * tests/bench/bench-load measures it.
 *
 * Usage: test-load [--desks N] [--seconds N] [--scarce N] [--seed N]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

#include "load.h"
#include "sync-harness.h"

static LoadOptions options = LOAD_OPTIONS_DEFAULT;

static void
test_load (void)
{
  LoadReport report;

  load_run (&options, &report);
  load_report_print (&report, stderr);

  g_assert_cmpint (report.errors, ==, 0);
  g_assert_cmpint (report.outcome_violations, ==, 0);
  g_assert_cmpint (report.diverged, ==, 0);
  g_assert_cmpint (report.invariant_violations, ==, 0);
  /* It did something: desks sold and admitted, the server answered and
   * turned some sales down, and the invariant was looked at. */
  g_assert_cmpint (report.walkups, >, 0);
  g_assert_cmpint (report.pushes, >, 0);
  g_assert_cmpint (report.logged, ==, report.commands);
  g_assert_cmpint (report.invariant_checks, >, 0);
  g_assert_true (load_report_ok (&report));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int desks = 50, seconds = 5, scarce = 10, seed = 0;
  GOptionEntry entries[] = {
    { "desks", 0, 0, G_OPTION_ARG_INT, &desks, "Desks", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Seconds of load", "N" },
    { "scarce", 0, 0, G_OPTION_ARG_INT, &scarce, "The workshop's quota in each conference", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the desks' choices", "N" },
    G_OPTION_ENTRY_NULL
  };

  if (load_is_worker (argc, argv))
    return load_worker_main (argc, argv);

  g_test_init (&argc, &argv, NULL);
  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  harness_must (g_option_context_parse (context, &argc, &argv, &error), error);
  options.desks = desks;
  options.seconds = seconds;
  options.scarce = scarce;
  options.seed = seed;

  g_test_add_func ("/load/desks", test_load);
  return g_test_run ();
}
