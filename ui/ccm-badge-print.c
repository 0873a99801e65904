/* ccm-badge-print.c — badges through GtkPrintOperation, one per page
 *
 * The drawing is ui/badge's, shared with `contoso badge pdf`; this file only
 * hands it each page's cairo context at the page's full size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-badge.h"
#include "ccm-badge-print.h"

typedef struct
{
  JsonArray  *attendees;
  JsonObject *conference;
} BadgeJob;

static void
badge_job_free (gpointer data)
{
  BadgeJob *job = data;

  json_array_unref (job->attendees);
  json_object_unref (job->conference);
  g_free (job);
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              BadgeJob          *job)
{
  g_assert ((guint) page_nr < json_array_get_length (job->attendees));

  ccm_badge_draw (gtk_print_context_get_cairo_context (context),
                  gtk_print_context_get_width (context),
                  gtk_print_context_get_height (context),
                  json_array_get_object_element (job->attendees, page_nr),
                  job->conference);
}

gboolean
ccm_badge_print (GtkWindow   *parent,
                 JsonArray   *attendees,
                 JsonObject  *conference,
                 const char  *pdf_path,
                 GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a6 = gtk_paper_size_new ("iso_a6");
  GtkPrintOperationResult result;
  BadgeJob *job;

  g_return_val_if_fail (attendees != NULL, FALSE);
  g_return_val_if_fail (conference != NULL, FALSE);

  if (json_array_get_length (attendees) == 0)
    return TRUE;

  job = g_new0 (BadgeJob, 1);
  job->attendees = json_array_ref (attendees);
  job->conference = json_object_ref (conference);

  /* Badge stock: A6 portrait, printed edge to edge; the dialog may change it. */
  gtk_page_setup_set_paper_size_and_default_margins (setup, a6);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  operation = gtk_print_operation_new ();
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_n_pages (operation, json_array_get_length (attendees));
  gtk_print_operation_set_job_name (operation, _("Badges"));
  g_object_set_data_full (G_OBJECT (operation), "ccm-badge-job", job, badge_job_free);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), job);

  if (pdf_path != NULL)
    {
      gtk_print_operation_set_export_filename (operation, pdf_path);
      result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, parent, error);
    }
  else
    result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                      parent, error);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}
