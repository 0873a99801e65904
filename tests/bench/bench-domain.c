/* bench-domain.c — the registration path and the attendee search
 *
 *   (a) orders/s for the whole path a desk drives, one command per
 *       transaction: place → (reserve) → pay → (confirm, assign seats) →
 *       name every seat, through ccm_store_execute
 *   (b) attendee search latency, median and 99th percentile, on a
 *       conference of --attendees attendees (filled fast: the same commands
 *       inside a few large transactions), for a mix of ticket-code, name
 *       (with accents) and e-mail prefixes; and, apart, one- and two-letter
 *       prefixes, which match thousands
 *   (c) a desk starting on that conference: the store opened anew and one
 *       order through the whole path, its seats decision loading the
 *       conference's seats stream (an event for every reservation) from
 *       the stored snapshot, and with the snapshots deleted, from the
 *       stream's first event
 *   (d) the main menu's transfers on that conference: every attendee to
 *       CSV, and an import's check (a dry run) of a partner's list of ten
 *       guests and of that whole export read back; both walk the views
 *       row by row (their peak memory is measured on the command line,
 *       see the README)
 *
 * Usage: bench-domain [--orders N] [--attendees N] [--queries N] [--dir DIR]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ccm-assignments.h"
#include "ccm-domain.h"
#include "ccm-export.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-order-views.h"
#include "ccm-store.h"
#include "bench-conference.h"
#include "bench-times.h"

static double
bench_orders (Bench *b,
              guint  orders)
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  for (guint i = 0; i < orders; i++)
    bench_register_one (b);
  elapsed = g_get_monotonic_time () - start;
  return orders / (elapsed / (double) G_USEC_PER_SEC);
}

/* A prefix of 1 to n characters (not bytes) of text. */
static char *
utf8_prefix (GRand      *rand,
             const char *text,
             int         min,
             int         max)
{
  glong length = g_utf8_strlen (text, -1);
  glong n = MIN (length, g_rand_int_range (rand, min, max + 1));

  return g_utf8_substring (text, 0, n);
}

/* What a desk types: a ticket code read off a badge, the start of a first or
 * last name (as written, with its accents, or without them, in any case),
 * the start of an e-mail address, or a first name and part of a last one. */
static char *
realistic_query (Bench *b)
{
  GRand *rand = b->rand;
  const char *row = g_ptr_array_index (b->names, g_rand_int_range (rand, 0, b->names->len));
  g_auto(GStrv) parts = g_strsplit (row, "\t", 3);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:
      return utf8_prefix (rand, g_ptr_array_index (b->codes, g_rand_int_range (rand, 0, b->codes->len)),
                          4, 8);
    case 1:
      return utf8_prefix (rand, parts[0], 3, 6);
    case 2:
      last = utf8_prefix (rand, parts[1], 3, 6);
      return g_utf8_strup (last, -1);
    case 3:
      last = bench_ascii_fold (parts[1]);
      return utf8_prefix (rand, last, 3, 6);
    case 4:
      return utf8_prefix (rand, parts[2], 5, 12);
    default:
      first = g_utf8_strdown (parts[0], -1);
      last = utf8_prefix (rand, parts[1], 2, 4);
      return g_strdup_printf ("%s %s", first, last);
    }
}

static char *
short_query (Bench *b)
{
  const char *row = g_ptr_array_index (b->names, g_rand_int_range (b->rand, 0, b->names->len));
  g_auto(GStrv) parts = g_strsplit (row, "\t", 3);

  return utf8_prefix (b->rand, parts[g_rand_int_range (b->rand, 0, 2)], 1, 2);
}

static void
bench_search (Bench       *b,
              guint        queries,
              char      *(*make_query) (Bench *),
              const char  *label)
{
  g_autoptr(GArray) times = g_array_sized_new (FALSE, FALSE, sizeof (gint64), queries);
  guint64 found = 0;

  for (guint i = 0; i < queries; i++)
    {
      g_autofree char *query = make_query (b);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonArray) result = NULL;
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed;

      result = ccm_attendee_views_search (b->store, SLUG, query, 50, &error);
      elapsed = g_get_monotonic_time () - start;
      bench_must (result != NULL, error);
      found += json_array_get_length (result);
      g_array_append_val (times, elapsed);
    }

  bench_sort_times (times);
  g_print ("%s: median %" G_GINT64_FORMAT " us, p99 %" G_GINT64_FORMAT " us, max %"
           G_GINT64_FORMAT " us (%u queries, %.1f rows each)\n", label,
           bench_percentile (times, 50), bench_percentile (times, 99),
           bench_percentile (times, 100), queries, found / (double) queries);
}

/* Milliseconds to open the store anew and register one order; without a
 * snapshot, the order's seats decision folds the whole stream (and writes
 * one again). */
static double
cold_start_ms (Bench    *b,
               gboolean  keep_snapshots)
{
  g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup (ccm_store_get_path (b->store));
  gint64 start;

  if (!keep_snapshots)
    bench_must (ccm_store_exec (b->store, "DELETE FROM snapshots", &error), error);
  g_clear_object (&b->store);

  start = g_get_monotonic_time ();
  b->store = ccm_store_open (path, registry, b->clock, &error);
  bench_must (b->store != NULL, error);
  bench_register_one (b);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_cold_start (Bench *b)
{
  g_autofree char *stream = g_strconcat ("seats/", SLUG, NULL);
  gint64 events = ccm_store_stream_version (b->store, stream, NULL);
  double folded = G_MAXDOUBLE, snapshot = G_MAXDOUBLE;

  /* The best of three: the first runs fill the page cache alike. */
  for (guint i = 0; i < 3; i++)
    {
      folded = MIN (folded, cold_start_ms (b, FALSE));
      snapshot = MIN (snapshot, cold_start_ms (b, TRUE));
    }
  g_print ("(c) open the store and register one order, seats stream of %" G_GINT64_FORMAT
           " events: %.0f ms from its snapshot, %.0f ms folding it whole (%.1fx)\n",
           events, snapshot, folded, folded / snapshot);
}

/* Milliseconds of an import's check of data; its report's unchanged rows. */
static double
import_check_ms (Bench      *b,
                 const char *data,
                 gint64     *unchanged)
{
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  JsonArray *results;

  report = ccm_import_attendees (b->store, SLUG, data, strlen (data), CCM_IMPORT_DRY_RUN, &error);
  bench_must (report != NULL, error);
  results = json_object_get_array_member (report, "results");
  *unchanged = 0;
  for (guint i = 0; results != NULL && i < json_array_get_length (results); i++)
    if (g_strcmp0 (ccm_json_string (json_array_get_object_element (results, i), "action"),
                   "unchanged") == 0)
      (*unchanged)++;
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_transfer (Bench *b)
{
  g_autoptr(GString) partner = g_string_new ("email,first_name,last_name,seat_type\r\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 unchanged_few, unchanged_all;
  double export_ms, few_ms, all_ms;

  csv = ccm_export_attendees_csv (b->store, SLUG, &error);
  bench_must (csv != NULL, error);
  export_ms = (g_get_monotonic_time () - start) / 1000.0;

  for (guint i = 0; i < 10; i++)
    g_string_append_printf (partner, "guest%u@example.org,Guest,Number %u,Workshop\r\n", i, i);
  few_ms = import_check_ms (b, partner->str, &unchanged_few);
  all_ms = import_check_ms (b, csv, &unchanged_all);
  g_print ("(d) export of %u attendees to CSV: %.0f ms (%.1f MB); an import's check of 10 rows: "
           "%.0f ms, of the whole export read back: %.0f ms (%" G_GINT64_FORMAT
           " rows unchanged)\n", b->person, export_ms, strlen (csv) / 1e6, few_ms, all_ms,
           unchanged_all);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  int orders = 2000, attendees = 100000, queries = 5000;
  char *base_dir = NULL;
  Bench b = { 0, };
  gint64 start;
  double rate;
  GOptionEntry entries[] = {
    { "orders", 0, 0, G_OPTION_ARG_INT, &orders, "Orders for (a), one command per transaction", "N" },
    { "attendees", 0, 0, G_OPTION_ARG_INT, &attendees, "Attendees of the conference searched in (b)", "N" },
    { "queries", 0, 0, G_OPTION_ARG_INT, &queries, "Searches timed in (b)", "N" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &base_dir, "Folder on the disk to measure", "DIR" },
    { NULL }
  };

  context = g_option_context_new ("— registration path and attendee search benchmark");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-domain: %s\n", error->message);
      return 2;
    }
  if (orders < 1 || attendees < 1 || queries < 1)
    {
      g_printerr ("bench-domain: --orders, --attendees and --queries must be at least 1\n");
      return 2;
    }

  dir = bench_open (&b, "bench-domain", base_dir);

  g_print ("bench-domain: %d orders, %d attendees, %d queries, in %s\n",
           orders, attendees, queries, dir);
  bench_create_conference (&b);

  rate = bench_orders (&b, orders);
  g_print ("(a) place -> reserve -> pay -> confirm -> assign, one command per transaction: "
           "%.0f orders/s (%u seats named)\n", rate, b.person);

  start = g_get_monotonic_time ();
  bench_fill (&b, MAX (0, attendees - (int) b.person));
  g_print ("    filled to %u attendees in %.1f s (%" G_GINT64_FORMAT " events)\n", b.person,
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
           ccm_store_count_events (b.store));

  bench_search (&b, queries, realistic_query,
                "(b) attendee search, codes, names with accents, e-mail (target p99 < 5000 us)");
  bench_search (&b, MAX (queries / 5, 1), short_query,
                "    one- and two-letter prefixes");
  bench_cold_start (&b);
  bench_transfer (&b);

  bench_close (&b, dir);
  g_free (base_dir);
  return 0;
}
