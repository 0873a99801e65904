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

G_END_DECLS
