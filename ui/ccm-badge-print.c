/* ccm-badge-print.c — badges through GtkPrintOperation, one per page, or
 * straight to a desk's printer
 *
 * The drawing is ui/badge's, shared with `contoso badge pdf`; this file only
 * hands it each page's cairo context at the page's full size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>
#include <gtk/gtkunixprint.h>

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

/* Badge stock: A6 portrait, printed edge to edge; the dialog may change it. */
static GtkPageSetup *
badge_page_setup (void)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a6 = gtk_paper_size_new ("iso_a6");

  gtk_page_setup_set_paper_size_and_default_margins (setup, a6);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  return setup;
}

/* One badge per attendee (elements of ccm_attendee_views_search) of the
 * conference (ccm_conference_views_get), on A6 portrait by default. With
 * pdf_path NULL the print dialog asks where, starting from *print_settings
 * when set, and a print leaves the settings it used there; otherwise the
 * badges are exported to that PDF file without a dialog; *printed says
 * whether they went out. FALSE with error set when the print system
 * failed; a person cancelling is not an error. */
static gboolean
ccm_badge_print (GtkWindow          *parent,
                 JsonArray          *attendees,
                 JsonObject         *conference,
                 const char         *pdf_path,
                 GtkPrintSettings  **print_settings,
                 gboolean           *printed,
                 GError            **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = badge_page_setup ();
  GtkPrintOperationResult result;
  BadgeJob *job;

  g_return_val_if_fail (attendees != NULL, FALSE);
  g_return_val_if_fail (conference != NULL, FALSE);

  *printed = FALSE;
  if (json_array_get_length (attendees) == 0)
    return TRUE;

  job = g_new0 (BadgeJob, 1);
  job->attendees = json_array_ref (attendees);
  job->conference = json_object_ref (conference);

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
    {
      /* The dialog starts from the printer and options chosen last. */
      if (*print_settings != NULL)
        gtk_print_operation_set_print_settings (operation, *print_settings);
      result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                        parent, error);
      if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
        g_set_object (print_settings, gtk_print_operation_get_print_settings (operation));
    }
  *printed = result == GTK_PRINT_OPERATION_RESULT_APPLY;
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}

GtkPrintSettings *
ccm_badge_printer_get (GSettings *settings)
{
  g_autoptr(GVariant) saved = g_settings_get_value (settings, "badge-print-settings");

  return g_variant_n_children (saved) > 0 ? gtk_print_settings_new_from_gvariant (saved) : NULL;
}

gboolean
ccm_badge_print_dialog (GtkWidget   *widget,
                        GSettings   *settings,
                        JsonArray   *attendees,
                        JsonObject  *conference,
                        const char  *pdf_path,
                        gboolean    *printed,
                        GError     **error)
{
  g_autoptr(GtkPrintSettings) print_settings = ccm_badge_printer_get (settings);
  GtkPrintSettings *before = print_settings;
  GtkRoot *root = gtk_widget_get_root (widget);
  gboolean sent;

  if (!ccm_badge_print (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, attendees, conference,
                        pdf_path, &print_settings, &sent, error))
    return FALSE;
  if (printed != NULL)
    *printed = sent;
  if (print_settings != NULL && print_settings != before)
    g_settings_set_value (settings, "badge-print-settings",
                          gtk_print_settings_to_gvariant (print_settings));
  return TRUE;
}

/* Straight to a printer.
 *
 * Not through GtkPrintOperation's GTK_PRINT_OPERATION_ACTION_PRINT: GTK 4.8
 * looks the printer up without its details there (and crashes on a CUPS
 * printer), skips virtual printers such as "Print to File", and waits in a
 * nested main loop. Here the printer is found among the print system's
 * (gtk_enumerate_printers, not waiting), its details are asked for when it
 * has none yet, and the pages are drawn on a GtkPrintJob's surface and sent;
 * a time limit covers a print system that does not answer. */

typedef struct
{
  JsonArray        *attendees;
  JsonObject       *conference;
  GtkPrintSettings *settings;
  char             *printer_name;
  GtkPrinter       *printer;
  gulong            details_id;
  guint             timeout_id;
  guint             timeout_ms;
  gboolean          over;       /* a result was given: late answers are ignored */
} Direct;

static void
direct_free (gpointer data)
{
  Direct *direct = data;

  g_assert (direct->timeout_id == 0 && direct->details_id == 0);
  json_array_unref (direct->attendees);
  json_object_unref (direct->conference);
  g_object_unref (direct->settings);
  g_free (direct->printer_name);
  g_clear_object (&direct->printer);
  g_free (direct);
}

/* Ends the task once, with error (taken) or success. */
static void
direct_finish (GTask  *task,
               GError *error)
{
  Direct *direct = g_task_get_task_data (task);

  if (direct->over)
    {
      g_clear_error (&error);
      return;
    }
  direct->over = TRUE;
  g_clear_handle_id (&direct->timeout_id, g_source_remove);
  if (direct->details_id != 0)
    g_clear_signal_handler (&direct->details_id, direct->printer);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
direct_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Direct *direct = g_task_get_task_data (task);
  guint seconds = MAX (1, (direct->timeout_ms + 500) / 1000);

  direct->timeout_id = 0;
  direct_finish (task, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                    /* TRANSLATORS: %s is a printer's name, %u seconds */
                                    g_dngettext (NULL, "The printer “%s” did not answer within %u second",
                                                 "The printer “%s” did not answer within %u seconds",
                                                 seconds),
                                    direct->printer_name, seconds));
  return G_SOURCE_REMOVE;
}

static void
job_sent_cb (GtkPrintJob  *job,
             gpointer      user_data,
             const GError *error)
{
  GTask *task = user_data;
  Direct *direct = g_task_get_task_data (task);

  direct_finish (task, error == NULL ? NULL
                 : g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                /* TRANSLATORS: %s is a printer's name, then why */
                                _("The printer “%s” did not take the badge: %s"),
                                direct->printer_name, error->message));
}

static void
direct_print (GTask *task)
{
  Direct *direct = g_task_get_task_data (task);
  g_autoptr(GtkPageSetup) setup = badge_page_setup ();
  g_autoptr(GtkPrintJob) job = NULL;
  GtkPaperSize *paper = gtk_print_settings_get_paper_size (direct->settings);
  cairo_surface_t *surface;
  GError *error = NULL;
  cairo_t *cr;
  double width, height;

  /* The paper the dialog was last given, if it said one. */
  if (paper != NULL)
    {
      gtk_page_setup_set_paper_size_and_default_margins (setup, paper);
      gtk_paper_size_free (paper);
    }
  job = gtk_print_job_new (_("Badges"), direct->printer, direct->settings, setup);
  surface = gtk_print_job_get_surface (job, &error);
  if (surface == NULL)
    {
      direct_finish (task, error);
      return;
    }
  width = gtk_page_setup_get_paper_width (setup, GTK_UNIT_POINTS);
  height = gtk_page_setup_get_paper_height (setup, GTK_UNIT_POINTS);
  cr = cairo_create (surface);
  for (guint i = 0; i < json_array_get_length (direct->attendees); i++)
    {
      cairo_save (cr);
      ccm_badge_draw (cr, width, height, json_array_get_object_element (direct->attendees, i),
                      direct->conference);
      cairo_restore (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  gtk_print_job_send (job, job_sent_cb, g_object_ref (task), g_object_unref);
}

static void
details_acquired_cb (GtkPrinter *printer,
                     gboolean    success,
                     GTask      *task)
{
  Direct *direct = g_task_get_task_data (task);

  g_clear_signal_handler (&direct->details_id, printer);
  if (direct->over)
    return;
  if (!success)
    direct_finish (task, g_error_new (G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE,
                                      /* TRANSLATORS: %s is a printer's name */
                                      _("The printer “%s” could not be reached"),
                                      direct->printer_name));
  else
    direct_print (task);
}

static gboolean
printer_found_cb (GtkPrinter *printer,
                  gpointer    user_data)
{
  GTask *task = user_data;
  Direct *direct = g_task_get_task_data (task);

  if (direct->over || direct->printer != NULL)
    return TRUE;
  if (g_strcmp0 (gtk_printer_get_name (printer), direct->printer_name) != 0)
    return FALSE;
  direct->printer = g_object_ref (printer);
  if (gtk_printer_has_details (printer))
    direct_print (task);
  else
    {
      direct->details_id = g_signal_connect (printer, "details-acquired",
                                             G_CALLBACK (details_acquired_cb), task);
      gtk_printer_request_details (printer);
    }
  return TRUE;
}

/* The print system has listed all its printers (or the search stopped). */
static void
printers_listed_cb (gpointer user_data)
{
  GTask *task = user_data;
  Direct *direct = g_task_get_task_data (task);

  if (direct->printer == NULL)
    direct_finish (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                      /* TRANSLATORS: %s is a printer's name */
                                      _("No printer “%s” is known to this computer"),
                                      direct->printer_name));
  g_object_unref (task);
}

void
ccm_badge_print_direct (JsonArray           *attendees,
                        JsonObject          *conference,
                        GtkPrintSettings    *settings,
                        guint                timeout_ms,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Direct *direct;

  g_return_if_fail (attendees != NULL);
  g_return_if_fail (conference != NULL);
  g_return_if_fail (GTK_IS_PRINT_SETTINGS (settings));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ccm_badge_print_direct);
  direct = g_new0 (Direct, 1);
  direct->attendees = json_array_ref (attendees);
  direct->conference = json_object_ref (conference);
  direct->settings = gtk_print_settings_copy (settings);
  direct->printer_name = g_strdup (gtk_print_settings_get_printer (settings));
  direct->timeout_ms = timeout_ms;
  g_task_set_task_data (task, direct, direct_free);
  if (direct->printer_name == NULL)
    {
      direct_finish (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                                _("No printer was chosen for badges")));
      return;
    }
  direct->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, timeout_ms, direct_timeout_cb,
                                           g_object_ref (task), g_object_unref);
  /* The search holds the task until the print system has listed all it
   * knows, which may be after the time limit (printers_listed_cb). */
  gtk_enumerate_printers (printer_found_cb, g_object_ref (task), printers_listed_cb, FALSE);
}

gboolean
ccm_badge_print_direct_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Listing the printers */

typedef struct
{
  GWeakRef          owner;
  CcmPrinterFound   found;
} Listing;

static gboolean
listed_cb (GtkPrinter *printer,
           gpointer    user_data)
{
  Listing *listing = user_data;
  g_autoptr(GObject) owner = g_weak_ref_get (&listing->owner);

  if (owner == NULL)
    return TRUE;
  listing->found (owner, gtk_printer_get_name (printer));
  return FALSE;
}

static void
listing_free (gpointer user_data)
{
  Listing *listing = user_data;

  g_weak_ref_clear (&listing->owner);
  g_free (listing);
}

void
ccm_badge_printers_list (GObject         *owner,
                         CcmPrinterFound  found)
{
  Listing *listing = g_new0 (Listing, 1);

  g_return_if_fail (G_IS_OBJECT (owner));
  g_weak_ref_init (&listing->owner, owner);
  listing->found = found;
  gtk_enumerate_printers (listed_cb, listing, listing_free, FALSE);
}
