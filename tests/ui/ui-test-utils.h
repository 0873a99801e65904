/* ui-test-utils.h — what the UI test programs share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Runs what is ready in the main loop, twice: an idle refresh may queue
 * another one. */
void ui_test_iterate         (void);
/* Until widget's window has drawn a frame after now, then iterates. */
void ui_test_wait_for_frame  (GtkWidget *widget);
/* The template child `name` of widget, an instance of type; the test fails
 * when there is none. */
GtkWidget *ui_test_child     (gpointer    widget,
                              GType       type,
                              const char *name);
/* The first button under widget (itself included) whose label is label,
 * or any button when label is NULL; NULL when there is none. */
void       ui_test_resize_window (GtkWindow *window,
                                  int        width,
                                  int        height);
gboolean   ui_test_shows_text   (GtkWidget  *widget,
                                 const char *text);
GtkWidget *ui_test_find_button  (GtkWidget  *widget,
                                 const char *label);
/* How many children widget has: a list box's rows. */
guint ui_test_count_children (GtkWidget *widget);
/* Clicks button, which must be sensitive, and iterates. */
void ui_test_click           (GtkWidget *button);
/* A new store in a new temporary folder, filled by the built `contoso demo`
 * (CONTOSO_BIN) with about orders orders of conference slug; its path. */
char *ui_test_demo_store     (guint       orders,
                              const char *slug,
                              guint       seed);
/* Deletes such a store, its -wal and -shm, and its folder. */
void  ui_test_remove_store   (const char *path);
/* path is a PDF file of pages pages (counted when poppler's pdfinfo is
 * there); its words, as poppler's pdftotext reads them. */
void  ui_test_assert_pdf     (const char *path,
                              int         pages);
char *ui_test_pdf_text       (const char *path);

G_END_DECLS
