/* bench-ui.c — the desktop on a large store: time to the first drawn
 * window, to filter the order list, to run the timers that fell due while
 * the program was closed (and the longest the window does not answer
 * meanwhile), and a check-in desk's scans (result on screen; the work each
 * scan causes)
 *
 *   bench-ui STORE [SLUG] [QUERY]
 *
 * Fill STORE first, e.g. `contoso --store STORE demo --orders 100000`; a
 * copy of it, for the run admits tickets and expires reservations.
 * Targets: first frame under 1 s, filtering under 100 ms.
 * Needs a display (xvfb-run -a) and GSETTINGS_SCHEMA_DIR=BUILD/data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <time.h>

#include "ccm-ui-util.h"
#include "ccm-window-private.h"
#include "bench-times.h"

static gboolean drawn;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  drawn = TRUE;
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
timers_due (CcmStore *store)
{
  gint64 due = ccm_store_next_timer_due (store);

  return due != 0 && due <= ccm_clock_now (ccm_store_get_clock (store));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmContext) context = NULL;
  const char *slug = argc > 2 ? argv[2] : "contoso-demo";
  const char *query = argc > 3 ? argv[3] : "mar";
  CcmWindow *window;
  CcmOrderListModel *model;
  gint64 start, first_frame, filtered, filtered_drawn;
  guint n_all, n_found;

  if (argc < 2)
    {
      fprintf (stderr, "Usage: bench-ui STORE [SLUG] [QUERY]\n");
      return 2;
    }

  start = g_get_monotonic_time ();
  gtk_init ();
  adw_init ();
  context = ccm_context_new (argv[1], &error);
  if (context == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  window = ccm_window_new (NULL, context);
  ccm_window_select_conference (window, slug);
  ccm_window_show_page (window, "orders");
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);
  while (!drawn)
    g_main_context_iteration (NULL, TRUE);
  first_frame = g_get_monotonic_time () - start;

  model = ccm_orders_page_get_model (ccm_window_get_orders_page (window));
  n_all = g_list_model_get_n_items (G_LIST_MODEL (model));
  start = g_get_monotonic_time ();
  ccm_order_list_model_set_search (model, query);
  n_found = g_list_model_get_n_items (G_LIST_MODEL (model));
  /* What the view shows at once: the first page of rows. */
  for (guint i = 0; i < MIN (n_found, 40); i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
  filtered = g_get_monotonic_time () - start;
  /* And until the window shows it. */
  drawn = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (window));
  while (!drawn)
    g_main_context_iteration (NULL, TRUE);
  filtered_drawn = g_get_monotonic_time () - start;

  printf ("orders in %s: %u\n", slug, n_all);
  printf ("time to first drawn window: %.0f ms (target < 1000 ms)\n", first_frame / 1000.0);
  printf ("time to filter the order list by \"%s\" (%u matches, first 40 rows fetched): %.1f ms "
          "(target < 100 ms)\n", query, n_found, filtered / 1000.0);
  printf ("  … and until the filtered list is drawn: %.1f ms\n", filtered_drawn / 1000.0);

  /* The timers that fell due while the program was closed, run as the
   * application runs them after its first frame; what a person feels is the
   * longest time the window does not answer. */
  {
    CcmStore *store = ccm_context_get_store (context);
    gint64 due_start = g_get_monotonic_time (), last = due_start, longest = 0;
    gint64 before = ccm_store_count_timers (store);

    ccm_store_watch_now (store);
    while (g_main_context_pending (NULL) || timers_due (store))
      {
        gint64 now;

        g_main_context_iteration (NULL, FALSE);
        now = g_get_monotonic_time ();
        longest = MAX (longest, now - last);
        last = now;
      }
    printf ("due timers run after the first frame: %" G_GINT64_FORMAT " in %.0f ms, "
            "longest the window did not answer: %.0f ms\n",
            before - ccm_store_count_timers (store), (last - due_start) / 1000.0, longest / 1000.0);
  }

  /* At the check-in desk: a scan and Enter. What a person waits for is
   * the result on screen; what the desk is kept busy with is the work the
   * admission causes (the desk's own refresh, whatever other pages do, the
   * frames), measured as the processor time of the window's thread until
   * the next ticket, a quarter of a second later (rendering threads left
   * out). */
  {
    CcmStore *store = ccm_context_get_store (context);
    CcmCheckinPage *desk = ccm_window_get_checkin_page (window);
    GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
    g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(GArray) busy = g_array_new (FALSE, FALSE, sizeof (gint64));
    sqlite3_stmt *stmt;
    gulong paint_id;

    stmt = ccm_store_prepare (store, "SELECT ticket_code FROM attendee_views "
                                     "WHERE conference = ? AND status = 'valid' "
                                     "AND admissions = 0 LIMIT 41", &error);
    if (stmt == NULL)
      {
        fprintf (stderr, "%s\n", error->message);
        return 1;
      }
    sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_TRANSIENT);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (codes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    sqlite3_reset (stmt);

    ccm_window_show_page (window, "checkin");
    while (g_main_context_iteration (NULL, FALSE))
      ;
    paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
    for (guint i = 0; i < codes->len; i++)
      {
        gint64 t0 = g_get_monotonic_time (), cpu0 = thread_cpu_us (), next, to_screen, work;
        gboolean waited;

        drawn = FALSE;
        ccm_checkin_page_type_text (desk, codes->pdata[i], TRUE);
        while (!drawn)
          g_main_context_iteration (NULL, TRUE);
        to_screen = g_get_monotonic_time () - t0;
        if (g_strcmp0 (ccm_checkin_page_get_result (desk), "admitted") != 0)
          {
            fprintf (stderr, "%s was not admitted: %s\n", (char *) codes->pdata[i],
                     ccm_checkin_page_get_result (desk));
            return 1;
          }
        next = t0 + G_USEC_PER_SEC / 4;
        waited = FALSE;
        g_timeout_add (MAX (1, (next - g_get_monotonic_time ()) / 1000), set_flag_cb, &waited);
        while (!waited)
          g_main_context_iteration (NULL, TRUE);
        work = thread_cpu_us () - cpu0;
        if (i > 0) /* the first warms the caches */
          {
            g_array_append_val (shown, to_screen);
            g_array_append_val (busy, work);
          }
      }
    g_signal_handler_disconnect (clock, paint_id);
    if (shown->len > 0)
      {
        bench_sort_times (shown);
        bench_sort_times (busy);
        printf ("check-in page, %u scans + Enter: result drawn, median %.1f ms, slowest %.1f ms; "
                "the window thread's processor time per scan, median %.1f ms, most %.1f ms\n", shown->len,
                bench_percentile (shown, 50) / 1000.0, bench_percentile (shown, 100) / 1000.0,
                bench_percentile (busy, 50) / 1000.0, bench_percentile (busy, 100) / 1000.0);
      }
  }

  /* The attention list: from choosing its page until it is drawn, its
   * newest rows laid out, and again for one kind of item. */
  {
    GtkWidget *dropdown = ccm_window_get_attention_kind_dropdown (window);
    GtkWidget *more = ccm_window_get_attention_more_button (window);
    gint64 t0 = g_get_monotonic_time (), to_page, to_kind, to_more;

    drawn = FALSE;
    ccm_window_show_page (window, "attention");
    while (!drawn)
      g_main_context_iteration (NULL, TRUE);
    to_page = g_get_monotonic_time () - t0;
    t0 = g_get_monotonic_time ();
    drawn = FALSE;
    gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 1);
    while (!drawn)
      g_main_context_iteration (NULL, TRUE);
    to_kind = g_get_monotonic_time () - t0;
    t0 = g_get_monotonic_time ();
    drawn = FALSE;
    g_signal_emit_by_name (more, "clicked");
    while (!drawn)
      g_main_context_iteration (NULL, TRUE);
    to_more = g_get_monotonic_time () - t0;
    printf ("attention page (%u open items): shown and drawn %.0f ms; one kind of item chosen, "
            "drawn %.0f ms; its next rows (Show More), drawn %.0f ms\n",
            ccm_window_count_attention (window), to_page / 1000.0, to_kind / 1000.0,
            to_more / 1000.0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
