/* ccm-badge-print.h — badges through GtkPrintOperation, one per page, or
 * straight to a desk's printer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The desk's badge printer and its options: what a badge's print dialog
 * ended on last (the setting badge-print-settings of settings), or NULL
 * when none was chosen yet. */
GtkPrintSettings *ccm_badge_printer_get (GSettings *settings);

/* Prints one badge per attendee (elements of ccm_attendee_views_search)
 * of the conference (ccm_conference_views_get), on A6 portrait by default,
 * one a page. With pdf_path NULL the print dialog asks where, starting from
 * the desk's badge printer, and the printer it ends on becomes it;
 * otherwise the badges are exported to that PDF file without a dialog.
 * printed (may be NULL) says whether the badges went to the printer or the
 * file (FALSE when the person cancelled the dialog). Returns FALSE with
 * error set when the print system failed; a person cancelling is not an
 * error. */
gboolean ccm_badge_print_dialog (GtkWidget           *widget,
                                 GSettings           *settings,
                                 JsonArray           *attendees,
                                 JsonObject          *conference,
                                 const char          *pdf_path,
                                 gboolean            *printed,
                                 GError             **error);

/* How long a badge sent straight to a printer may take to be taken. */
#define CCM_BADGE_PRINT_TIMEOUT_MS (10 * 1000)

/* The same badges straight to the printer settings name (a desk's last
 * choice in the print dialog), with its options and no dialog. Fails with
 * G_IO_ERROR_NOT_FOUND when the print system knows no printer of that name,
 * G_IO_ERROR_TIMED_OUT when it has not taken the job within timeout_ms, or
 * another error from the print system, each naming the printer. */
void     ccm_badge_print_direct (JsonArray           *attendees,
                                 JsonObject          *conference,
                                 GtkPrintSettings    *settings,
                                 guint                timeout_ms,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean ccm_badge_print_direct_finish (GAsyncResult  *result,
                                        GError       **error);

/* Calls found with the name of each printer the print system knows, from
 * the main loop as they are found, for as long as owner lives. */
typedef void (*CcmPrinterFound) (GObject    *owner,
                                 const char *name);
void     ccm_badge_printers_list (GObject         *owner,
                                  CcmPrinterFound  found);

G_END_DECLS
