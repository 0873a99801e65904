/* ccm-badge-print.h — badges through GtkPrintOperation, one per page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Prints one badge per attendee (elements of ccm_attendee_views_search)
 * of the conference (ccm_conference_views_get), on A6 portrait by default.
 * With pdf_path NULL the print dialog asks where; otherwise the badges are
 * exported to that PDF file without a dialog. Returns FALSE with error set
 * when the print system failed; a person cancelling is not an error. */
gboolean ccm_badge_print (GtkWindow   *parent,
                          JsonArray   *attendees,
                          JsonObject  *conference,
                          const char  *pdf_path,
                          GError     **error);

G_END_DECLS
