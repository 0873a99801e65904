/* ccm-transfer.c — a conference's attendees and orders to CSV files, and a
 * partner's attendee list from one, for the window's menu
 *
 * The files themselves are ccm-export.c's and ccm-import.c's, the same as
 * `contoso export` and `contoso import`; this file asks which file, does
 * the work on a thread (below, "Work on the store's file"), and says what
 * came of it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>
#include <string.h>

#include "ccm-export.h"
#include "ccm-json.h"
#include "ccm-registry.h"
#include "ccm-transfer.h"
#include "ccm-ui-util.h"

/* Refused rows a dialog names one by one; it counts the rest. */
#define MAX_LISTED 12

typedef struct
{
  GtkWidget       *widget;    /* where toasts show; its window is the dialogs' parent */
  CcmContext      *context;
  char            *slug;
  CcmTransferKind  kind;
  GBytes          *data;      /* an import's file, between the check and the import */
  AdwToast        *working;   /* "Writing…", "Checking…": until the thread is done */
  char            *name;      /* the file's name, to show */
} Transfer;

static Transfer *
transfer_new (GtkWidget       *widget,
              CcmContext      *context,
              const char      *slug,
              CcmTransferKind  kind)
{
  Transfer *transfer = g_new0 (Transfer, 1);

  transfer->widget = g_object_ref (widget);
  transfer->context = g_object_ref (context);
  transfer->slug = g_strdup (slug);
  transfer->kind = kind;
  return transfer;
}

static void
transfer_free (Transfer *transfer)
{
  g_object_unref (transfer->widget);
  g_object_unref (transfer->context);
  g_free (transfer->slug);
  g_clear_pointer (&transfer->data, g_bytes_unref);
  g_clear_object (&transfer->working);
  g_free (transfer->name);
  g_free (transfer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Transfer, transfer_free)

static void
transfer_free_closure (gpointer  data,
                       GClosure *closure)
{
  transfer_free (data);
}

static GtkWindow *
parent_of (Transfer *transfer)
{
  GtkRoot *root = gtk_widget_get_root (transfer->widget);

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static char *
display_name (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  return path != NULL ? g_filename_display_basename (path) : g_file_get_uri (file);
}

static void
toast (Transfer   *transfer,
       const char *text)
{
  ccm_ui_add_toast (transfer->widget, adw_toast_new (text));
}

/* Asks for a file, then calls done with it (the chooser's own when the
 * person accepts; nothing happens when they cancel). */
typedef void (*ChosenFunc) (Transfer *transfer,
                            GFile    *file);

static void
chosen_cb (GtkNativeDialog *native,
           int              response,
           gpointer         user_data)
{
  g_autoptr(Transfer) transfer = user_data;
  ChosenFunc done = g_object_get_data (G_OBJECT (native), "ccm-done");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        done (transfer, file);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
choose_file (Transfer             *transfer,
             GtkFileChooserAction  action,
             const char           *title,
             const char           *accept,
             const char           *suggested_name,
             ChosenFunc            done)
{
  GtkFileChooserNative *native = gtk_file_chooser_native_new (title, parent_of (transfer), action,
                                                              accept, _("_Cancel"));
  GtkFileFilter *csv = gtk_file_filter_new ();
  GtkFileFilter *all = gtk_file_filter_new ();

  gtk_file_filter_set_name (csv, _("CSV files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), csv);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  g_object_unref (csv);
  g_object_unref (all);
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_object_set_data (G_OBJECT (native), "ccm-done", done);
  g_signal_connect (native, "response", G_CALLBACK (chosen_cb), transfer);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* With path, at once with that file; otherwise once a chooser gave one.
 * Takes transfer. */
static void
with_file (Transfer             *transfer,
           const char           *path,
           GtkFileChooserAction  action,
           const char           *title,
           const char           *accept,
           const char           *suggested_name,
           ChosenFunc            done)
{
  if (path != NULL)
    {
      g_autoptr(Transfer) owned = transfer;
      g_autoptr(GFile) file = g_file_new_for_path (path);

      done (owned, file);
      return;
    }
  choose_file (transfer, action, title, accept, suggested_name, done);
}

/* Work on the store's file */

/* An export reads every row of a read model, an import's check looks at
 * every ticket of the conference (132 000 attendees on the demo store take
 * seconds): both run on a thread of their own, on their own connection to
 * the store, as `contoso` would beside the window, and the window goes on
 * meanwhile, saying what it waits for in a toast until it is done. */
typedef struct
{
  char            *store_path;
  CcmRegistry     *registry;
  CcmClock        *clock;
  char            *slug;
  CcmTransferKind  kind;
  GFile           *file;     /* what an export writes, or an import reads */
  GBytes          *data;     /* an import's file, once read */
  CcmImportFlags   flags;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->store_path);
  ccm_registry_unref (job->registry);
  g_object_unref (job->clock);
  g_free (job->slug);
  g_clear_object (&job->file);
  g_clear_pointer (&job->data, g_bytes_unref);
  g_free (job);
}

/* Starts func on a thread with a job for transfer's store; done gets a
 * transfer of its own, whose toast says working until it is dismissed. */
static void
run_job (Transfer            *transfer,
         GFile               *file,
         GBytes              *data,
         CcmImportFlags       flags,
         const char          *working,
         GTaskThreadFunc      func,
         GAsyncReadyCallback  done)
{
  CcmStore *store = ccm_context_get_store (transfer->context);
  Job *job = g_new0 (Job, 1);
  Transfer *running = transfer_new (transfer->widget, transfer->context, transfer->slug,
                                    transfer->kind);
  g_autoptr(GTask) task = NULL;

  job->store_path = g_strdup (ccm_store_get_path (store));
  job->registry = ccm_registry_ref (ccm_store_get_registry (store));
  job->clock = g_object_ref (ccm_store_get_clock (store));
  job->slug = g_strdup (transfer->slug);
  job->kind = transfer->kind;
  job->file = file != NULL ? g_object_ref (file) : NULL;
  job->data = data != NULL ? g_bytes_ref (data) : NULL;
  job->flags = flags;
  running->name = g_strdup (transfer->name);
  running->working = adw_toast_new (working);
  adw_toast_set_timeout (running->working, 0);
  ccm_ui_add_toast (transfer->widget, g_object_ref (running->working));
  task = g_task_new (NULL, NULL, done, running);
  g_task_set_task_data (task, job, job_free);
  g_task_run_in_thread (task, func);
}

/* In done: the job's transfer, its toast dismissed. */
static Transfer *
job_done (gpointer user_data)
{
  Transfer *transfer = user_data;

  if (transfer->working != NULL)
    adw_toast_dismiss (transfer->working);
  return transfer;
}

/* Export */

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmStore) store = ccm_store_open (job->store_path, job->registry, job->clock, &error);
  g_autofree char *csv = NULL;

  if (store != NULL)
    csv = job->kind == CCM_TRANSFER_ATTENDEES
      ? ccm_export_attendees_csv (store, job->slug, &error)
      : ccm_export_orders_csv (store, job->slug, &error);
  /* Names and e-mail addresses: readable by their owner only, as the
   * store is. Written beside and renamed over, so a failed write leaves
   * what the file held. */
  if (csv == NULL ||
      !g_file_replace_contents (job->file, csv, strlen (csv), NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                NULL, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Transfer) transfer = job_done (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      ccm_ui_show_error (transfer->widget, error);
      return;
    }
  text = transfer->kind == CCM_TRANSFER_ATTENDEES
    /* TRANSLATORS: %s is a file's name */
    ? g_strdup_printf (_("Attendees written to “%s”"), transfer->name)
    /* TRANSLATORS: %s is a file's name */
    : g_strdup_printf (_("Orders written to “%s”"), transfer->name);
  toast (transfer, text);
}

static void
export_to (Transfer *transfer,
           GFile    *file)
{
  g_autofree char *text = NULL;

  transfer->name = display_name (file);
  text = transfer->kind == CCM_TRANSFER_ATTENDEES
    /* TRANSLATORS: %s is a file's name */
    ? g_strdup_printf (_("Writing attendees to “%s”…"), transfer->name)
    /* TRANSLATORS: %s is a file's name */
    : g_strdup_printf (_("Writing orders to “%s”…"), transfer->name);
  run_job (transfer, file, NULL, CCM_IMPORT_NONE, text, export_thread, exported_cb);
}

void
ccm_transfer_export (GtkWidget       *widget,
                     CcmContext      *context,
                     const char      *slug,
                     CcmTransferKind  kind,
                     const char      *path)
{
  g_autofree char *suggested = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (CCM_IS_CONTEXT (context));
  g_return_if_fail (slug != NULL);

  /* TRANSLATORS: a file name; %s is the conference's short name */
  suggested = g_strdup_printf (kind == CCM_TRANSFER_ATTENDEES ? _("%s-attendees.csv") : _("%s-orders.csv"),
                               slug);
  with_file (transfer_new (widget, context, slug, kind), path, GTK_FILE_CHOOSER_ACTION_SAVE,
             kind == CCM_TRANSFER_ATTENDEES ? _("Export Attendees") : _("Export Orders"),
             _("_Export"), suggested, export_to);
}

/* Import: a check of every row (CCM_IMPORT_DRY_RUN), then, when nothing
 * was refused or when asked to, the import of the accepted rows. The rows
 * are written by the thread's connection, as `contoso import` writes them
 * beside the window; the window's store sees them at its next look. */

static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmStore) store = NULL;
  JsonObject *report = NULL;

  if (job->data == NULL)
    {
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_load_contents (job->file, NULL, &contents, &length, NULL, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      job->data = g_bytes_new_take (g_steal_pointer (&contents), length);
    }
  store = ccm_store_open (job->store_path, job->registry, job->clock, &error);
  if (store != NULL)
    /* The window says how many and which were refused, never each row. */
    report = ccm_import_attendees (store, job->slug, g_bytes_get_data (job->data, NULL),
                                   g_bytes_get_size (job->data), job->flags | CCM_IMPORT_NO_RESULTS,
                                   &error);
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, (GDestroyNotify) json_object_unref);
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Transfer) transfer = job_done (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) report = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL;
  guint accepted;

  if (report == NULL)
    {
      ccm_ui_show_error (transfer->widget, error);
      return;
    }
  accepted = (guint) ccm_json_int (report, "accepted", 0);
  text = g_strdup_printf (g_dngettext (NULL, "%'u person from “%s” has a seat",
                                       "%'u people from “%s” have seats", accepted),
                          accepted, transfer->name);
  toast (transfer, text);
}

/* Writes the rows the check accepted (flags CCM_IMPORT_SKIP_REFUSED when
 * some were not). */
static void
import_rows (Transfer       *transfer,
             CcmImportFlags  flags)
{
  /* TRANSLATORS: %s is a file's name */
  g_autofree char *text = g_strdup_printf (_("Importing “%s”…"), transfer->name);

  run_job (transfer, NULL, transfer->data, flags, text, import_thread, imported_cb);
}

static void
refused_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Transfer         *transfer)
{
  if (g_strcmp0 (response, "import") == 0)
    import_rows (transfer, CCM_IMPORT_SKIP_REFUSED);
}

/* Some rows refused: which and why, and whether to import the others. */
static void
show_refused (Transfer   *transfer,
              JsonObject *report)
{
  JsonArray *refused = json_object_get_array_member (report, "refused");
  guint n_refused = json_array_get_length (refused);
  guint accepted = (guint) ccm_json_int (report, "accepted", 0);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  for (guint i = 0; i < n_refused && i < MAX_LISTED; i++)
    {
      JsonObject *row = json_array_get_object_element (refused, i);

      if (body->len > 0)
        g_string_append_c (body, '\n');
      /* The reason names its line ("Line 4: …"). */
      g_string_append (body, ccm_json_string (row, "reason"));
    }
  if (n_refused > MAX_LISTED)
    {
      g_string_append_c (body, '\n');
      g_string_append_printf (body, g_dngettext (NULL, "and %'u more line", "and %'u more lines",
                                                 n_refused - MAX_LISTED),
                              n_refused - MAX_LISTED);
    }
  heading = g_strdup_printf (g_dngettext (NULL, "%'u row of “%s” cannot be imported",
                                          "%'u rows of “%s” cannot be imported", n_refused),
                             n_refused, transfer->name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_of (transfer), heading, body->str));
  if (accepted > 0)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (NULL, "_Import the Other Row",
                                                             "_Import the Other %'u Rows", accepted),
                                                accepted);

      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), NULL);
      adw_message_dialog_add_response (dialog, "import", label);
      adw_message_dialog_set_response_appearance (dialog, "import", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "import");
    }
  else
    {
      adw_message_dialog_add_responses (dialog, "cancel", _("_Close"), NULL);
      adw_message_dialog_set_default_response (dialog, "cancel");
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  /* The dialog holds the file until it is answered. */
  g_signal_connect_data (dialog, "response", G_CALLBACK (refused_response_cb), transfer,
                         transfer_free_closure, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Transfer) transfer = job_done (user_data);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) report = g_task_propagate_pointer (G_TASK (result), &error);

  if (report == NULL)
    {
      ccm_ui_show_error (transfer->widget, error);
      return;
    }
  /* The thread is done with the job: the file it read stays with us. */
  transfer->data = g_bytes_ref (job->data);
  if (ccm_json_int (report, "refused_count", 0) == 0)
    import_rows (transfer, CCM_IMPORT_NONE);
  else
    show_refused (g_steal_pointer (&transfer), report);
}

static void
import_from (Transfer *transfer,
             GFile    *file)
{
  g_autofree char *text = NULL;

  transfer->name = display_name (file);
  /* TRANSLATORS: %s is a file's name */
  text = g_strdup_printf (_("Checking “%s”…"), transfer->name);
  run_job (transfer, file, NULL, CCM_IMPORT_DRY_RUN, text, import_thread, checked_cb);
}

void
ccm_transfer_import (GtkWidget  *widget,
                     CcmContext *context,
                     const char *slug,
                     const char *path)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (CCM_IS_CONTEXT (context));
  g_return_if_fail (slug != NULL);

  with_file (transfer_new (widget, context, slug, CCM_TRANSFER_ATTENDEES), path,
             GTK_FILE_CHOOSER_ACTION_OPEN, _("Import Attendees"), _("_Import"), NULL, import_from);
}
