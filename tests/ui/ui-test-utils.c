/* ui-test-utils.c — what the UI test programs share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ui-test-utils.h"

void
ui_test_iterate (void)
{
  for (int i = 0; i < 2; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  *(gboolean *) user_data = TRUE;
}

void
ui_test_wait_for_frame (GtkWidget *widget)
{
  gboolean drawn = FALSE;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &drawn);
  gtk_widget_queue_draw (widget);
  while (!drawn)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
  ui_test_iterate ();
}
