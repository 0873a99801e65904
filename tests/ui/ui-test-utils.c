/* ui-test-utils.c — what the UI test programs share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccm-ui-util.h"
#include "ui-test-utils.h"

void
ui_test_iterate (void)
{
  for (int i = 0; i < 2; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      /* A page may hold its refresh back a little in a burst of changes. */
      while (ccm_refresh_count_scheduled () > 0)
        g_main_context_iteration (NULL, TRUE);
    }
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

char *
ui_test_demo_store (guint       orders,
                    const char *slug,
                    guint       seed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ccm-ui-demo-XXXXXX", &error);
  g_autofree char *orders_text = g_strdup_printf ("%u", orders);
  g_autofree char *seed_text = g_strdup_printf ("%u", seed);
  const char *bin = g_getenv ("CONTOSO_BIN");
  char *path;
  int wait_status = 0;

  g_assert_no_error (error);
  g_assert_nonnull (bin);
  path = g_build_filename (dir, "store.db", NULL);
  {
    const char *fill[] = { bin, "--store", path, "demo", "--orders", orders_text,
                           "--slug", slug, "--seed", seed_text, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) fill, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                 NULL, NULL, &wait_status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  }
  return path;
}

void
ui_test_remove_store (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

GtkWidget *
ui_test_child (gpointer    widget,
               GType       type,
               const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

GtkWidget *
ui_test_find_button (GtkWidget  *widget,
                     const char *label)
{
  if (GTK_IS_BUTTON (widget) &&
      (label == NULL || g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = ui_test_find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

guint
ui_test_count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    n++;
  return n;
}

void
ui_test_click (GtkWidget *button)
{
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  ui_test_iterate ();
}

/* Whether a label under widget (itself included) shows text. */
gboolean
ui_test_shows_text (GtkWidget  *widget,
                    const char *text)
{
  if (widget == NULL)
    return FALSE;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ui_test_shows_text (child, text))
      return TRUE;
  return FALSE;
}

/* A window shown anew at another size: GTK 4.8 does not resize a mapped
 * window to a new default size. Then what the window does once laid out
 * at that size (its idle callbacks: narrow layouts), and the frame that
 * lays that out. */
void
ui_test_resize_window (GtkWindow *window,
                       int        width,
                       int        height)
{
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);
  ui_test_wait_for_frame (GTK_WIDGET (window));
  ui_test_wait_for_frame (GTK_WIDGET (window));
  ui_test_iterate ();
  ui_test_wait_for_frame (GTK_WIDGET (window));
}

/* PDF files the print path wrote */

static int
pdf_pages (const char *path)
{
  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
  g_autofree char *out = NULL;
  const char *argv[] = { "pdfinfo", path, NULL };
  const char *pages;
  int status = 0;

  if (pdfinfo == NULL)
    return -1;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  pages = strstr (out, "Pages:");
  g_assert_nonnull (pages);
  return atoi (pages + strlen ("Pages:"));
}

/* The words on a PDF's pages (poppler's pdftotext). */
char *
ui_test_pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", path, "-", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

void
ui_test_assert_pdf (const char *path,
                    int         pages)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  int n;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
  n = pdf_pages (path);
  if (n >= 0)
    g_assert_cmpint (n, ==, pages);
}
