/* ccm-preferences-window.c — desk name, badge printer, server and
 * enrollment, reservation default, and the allotments this desk holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-allotment-views.h"
#include "ccm-badge-print.h"
#include "ccm-clock.h"
#include "ccm-conference-views.h"
#include "ccm-json.h"
#include "ccm-preferences-window.h"
#include "ccm-ui-util.h"

struct _CcmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  CcmContext           *context;
  GCancellable         *cancellable;
  GPtrArray            *request_choices;   /* JsonObject: conference, seat_type */
  guint                 refresh_id;
  char                 *conference;        /* the slug a test badge is of, or NULL */
  GtkStringList        *printers;          /* 0: none chosen; then printers' names */
  gboolean              printers_updating; /* the list follows the setting: no write */
  char                 *test_printer;      /* while a test badge prints */
  char                 *test_result;       /* the last test badge's message */

  GtkWidget            *desk_name_row;
  GtkWidget            *server_url_row;
  AdwPreferencesGroup  *server_group;
  GtkSpinButton        *reservation_spin;
  AdwComboRow          *badge_printer_row;
  GtkWidget            *test_badge_row;
  GtkWidget            *test_badge_button;
  GtkWidget            *code_row;
  GtkWidget            *enroll_row;
  GtkWidget            *enroll_button;
  GtkWidget            *enroll_spinner;
  GtkLabel             *enroll_error;
  GtkWidget            *enrolled_row;
  GtkWidget            *allotments_group;
  GtkListBox           *allotments_list;
  GtkLabel             *allotment_error;
  AdwComboRow          *request_type_row;
  GtkSpinButton        *request_spin;
  GtkWidget            *request_button;
};

G_DEFINE_FINAL_TYPE (CcmPreferencesWindow, ccm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static CcmStore *
store_of (CcmPreferencesWindow *self)
{
  return ccm_context_get_store (self->context);
}

/* Enrollment */

/* What the server lets this device do (ccm-roles.c), in a few words. */
static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, "admin") == 0)
    return _("administrator: everything");
  if (g_strcmp0 (role, "organizer") == 0)
    return _("organizer: conferences, seat types, cancellations");
  if (g_strcmp0 (role, "desk") == 0)
    return _("desk: sales, payments, attendees and check-in");
  if (g_strcmp0 (role, "checkin") == 0)
    return _("check-in only");
  if (g_strcmp0 (role, "viewer") == 0)
    return _("viewer: reading only");
  return role != NULL ? role : _("role not known");
}

static void
update_enrollment (CcmPreferencesWindow *self)
{
  CcmSyncClient *client = ccm_context_get_sync_client (self->context);
  gboolean enrolled = client != NULL && ccm_store_is_enrolled (store_of (self));

  gtk_widget_set_visible (self->code_row, !enrolled);
  gtk_widget_set_visible (self->enroll_row, !enrolled);
  gtk_widget_set_visible (self->enrolled_row, enrolled);
  /* A store syncs with the one server it enrolled with: the row below says which. */
  gtk_widget_set_visible (self->server_url_row, !enrolled);
  adw_preferences_group_set_description (self->server_group,
                                         enrolled
                                           ? _("This desk sends its work to the server and receives the other desks’ work; it keeps working while the server is out of reach.")
                                           : _("Without a server everything stays on this computer, and nothing stops working. To share work with other desks, enroll this one with a code from the server’s administrator."));
  if (enrolled)
    {
      g_autofree char *role = ccm_store_get_meta (store_of (self), CCM_STORE_META_ROLE);
      const char *url = ccm_sync_client_get_server_url (client);
      const char *device = ccm_store_get_device_id (store_of (self));
      /* Every enrollment stores the address; a store marked enrolled by
       * other means may lack it, and says so rather than "(null)". */
      g_autofree char *subtitle =
        url != NULL && *url != '\0'
          /* TRANSLATORS: a device id, what its role lets it do, the server's address */
          ? g_strdup_printf (_("Device %s (%s), syncing with %s"), device, role_label (role), url)
          /* TRANSLATORS: a device id, what its role lets it do */
          : g_strdup_printf (_("Device %s (%s); this store does not say which server it syncs with"),
                             device, role_label (role));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->enrolled_row), subtitle);
    }
  /* Seats set aside for the desk's sales: nothing to a device that does not
   * sell (check-in, viewer, organizer). */
  gtk_widget_set_visible (self->allotments_group,
                          enrolled && ccm_store_may_run (store_of (self), "RequestAllotment"));
}

static void
enroll_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CcmPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  gtk_spinner_stop (GTK_SPINNER (self->enroll_spinner));
  gtk_widget_set_visible (self->enroll_spinner, FALSE);
  gtk_widget_set_sensitive (self->enroll_button, TRUE);
  gtk_widget_set_sensitive (self->code_row, TRUE);
  gtk_widget_set_sensitive (self->server_url_row, TRUE);

  if (!ccm_context_enroll_finish (CCM_CONTEXT (source), result, &error))
    {
      ccm_ui_row_set_error (self->enroll_row, self->enroll_error, error->message);
      return;
    }
  ccm_ui_row_set_error (self->enroll_row, self->enroll_error, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  update_enrollment (self);
}

static void
enroll_clicked_cb (CcmPreferencesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_url_row))));
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_row))));
  g_autofree char *desk = g_settings_get_string (ccm_context_get_settings (self->context), "desk-name");

  if (*url == '\0')
    {
      ccm_ui_row_set_error (self->enroll_row, self->enroll_error,
                            _("Give the server’s address, like https://sync.example.org:8443."));
      return;
    }
  if (*code == '\0')
    {
      ccm_ui_row_set_error (self->enroll_row, self->enroll_error,
                            _("Give the one-time code from the server’s administrator."));
      return;
    }
  ccm_ui_row_set_error (self->enroll_row, self->enroll_error, NULL);
  gtk_widget_set_visible (self->enroll_spinner, TRUE);
  gtk_spinner_start (GTK_SPINNER (self->enroll_spinner));
  gtk_widget_set_sensitive (self->enroll_button, FALSE);
  gtk_widget_set_sensitive (self->code_row, FALSE);
  gtk_widget_set_sensitive (self->server_url_row, FALSE);
  ccm_context_enroll_async (self->context, url, code,
                            *desk != '\0' ? desk : g_get_host_name (),
                            self->cancellable, enroll_done_cb, g_object_ref (self));
}

/* Allotments */

static const char *
seat_type_name (JsonObject *conference,
                const char *seat_type_id)
{
  JsonArray *types = conference != NULL ? json_object_get_array_member (conference, "seat_types") : NULL;

  for (guint i = 0; types != NULL && i < json_array_get_length (types); i++)
    {
      JsonObject *t = json_array_get_object_element (types, i);

      if (g_strcmp0 (ccm_json_string (t, "seat_type_id"), seat_type_id) == 0)
        return ccm_json_string (t, "name");
    }
  return seat_type_id;
}

static char *
format_until (JsonObject *allotment)
{
  gint64 until = 0;
  JsonNode *node = json_object_get_member (allotment, "until");

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
    ccm_time_parse (json_node_get_string (node), &until);
  else if (node != NULL && json_node_get_value_type (node) == G_TYPE_INT64)
    until = json_node_get_int (node);
  return until > 0 ? ccm_ui_format_time (until) : g_strdup ("");
}

static void
return_clicked_cb (GtkButton            *button,
                   CcmPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "conference",
                                 g_object_get_data (G_OBJECT (button), "conference"));
  json_object_set_string_member (args, "allotment_id",
                                 g_object_get_data (G_OBJECT (button), "allotment-id"));
  outcome = ccm_context_submit (self->context, "ReturnAllotment", args, &error);
  ccm_ui_row_set_error (NULL, self->allotment_error, outcome == NULL ? error->message : NULL);
}

static void
add_allotment_row (CcmPreferencesWindow *self,
                   JsonObject           *conference,
                   JsonObject           *allotment)
{
  const char *slug = ccm_json_string (conference, "slug");
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *until = format_until (allotment);
  g_autofree char *label = NULL;

  title = g_strdup_printf ("%s — %s", seat_type_name (conference, ccm_json_string (allotment, "seat_type")),
                           ccm_json_string (conference, "name"));
  /* TRANSLATORS: an allotment: "7 of 10 left, until Mar 1 18:00" */
  subtitle = g_strdup_printf (_("%'lld of %'lld left, until %s"),
                              (long long) ccm_json_int (allotment, "remaining", 0),
                              (long long) ccm_json_int (allotment, "granted", 0), until);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  button = gtk_button_new_with_mnemonic (_("Re_turn"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  label = g_strdup_printf (_("Return the unused seats of %s"), title);
  ccm_ui_set_accessible_label (button, label);
  gtk_widget_set_tooltip_text (button, _("Give the unused seats back to the pool"));
  g_object_set_data_full (G_OBJECT (button), "conference", g_strdup (slug), g_free);
  g_object_set_data_full (G_OBJECT (button), "allotment-id",
                          g_strdup (ccm_json_string (allotment, "allotment_id")), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (return_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  gtk_list_box_append (self->allotments_list, row);
}

static void
refresh_allotments (CcmPreferencesWindow *self)
{
  CcmStore *store = store_of (self);
  const char *device_id = ccm_store_get_device_id (store);
  g_autoptr(JsonArray) conferences = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n_rows = 0, keep = adw_combo_row_get_selected (self->request_type_row);

  ccm_ui_clear_box (GTK_WIDGET (self->allotments_list));
  g_ptr_array_set_size (self->request_choices, 0);
  if (!ccm_store_is_enrolled (store))
    return;

  conferences = ccm_conference_views_list (store, NULL);
  for (guint i = 0; conferences != NULL && i < json_array_get_length (conferences); i++)
    {
      const char *slug = ccm_json_string (json_array_get_object_element (conferences, i), "slug");
      g_autoptr(JsonObject) conference = ccm_conference_views_get (store, slug, NULL);
      g_autoptr(JsonArray) allotments = ccm_allotment_views_list (store, slug, NULL);
      JsonArray *types;

      if (conference == NULL)
        continue;
      for (guint j = 0; allotments != NULL && j < json_array_get_length (allotments); j++)
        {
          JsonObject *a = json_array_get_object_element (allotments, j);

          if (g_strcmp0 (ccm_json_string (a, "device_id"), device_id) != 0 ||
              g_strcmp0 (ccm_json_string (a, "status"), "active") != 0)
            continue;
          add_allotment_row (self, conference, a);
          n_rows++;
        }

      types = json_object_get_array_member (conference, "seat_types");
      for (guint j = 0; types != NULL && j < json_array_get_length (types); j++)
        {
          JsonObject *t = json_array_get_object_element (types, j);
          JsonObject *choice = json_object_new ();
          g_autofree char *name = g_strdup_printf ("%s — %s", ccm_json_string (t, "name"),
                                                   ccm_json_string (conference, "name"));

          json_object_set_string_member (choice, "conference", slug);
          json_object_set_string_member (choice, "seat_type", ccm_json_string (t, "seat_type_id"));
          g_ptr_array_add (self->request_choices, choice);
          gtk_string_list_append (names, name);
        }
    }

  if (n_rows == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No allotments"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Sales beyond an allotment are provisional until the desk syncs."));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->allotments_list, row);
    }

  adw_combo_row_set_model (self->request_type_row, G_LIST_MODEL (names));
  if (keep < self->request_choices->len)
    adw_combo_row_set_selected (self->request_type_row, keep);
  gtk_widget_set_sensitive (self->request_button, self->request_choices->len > 0);
}

static gboolean
refresh_idle_cb (gpointer user_data)
{
  CcmPreferencesWindow *self = user_data;

  self->refresh_id = 0;
  refresh_allotments (self);
  update_enrollment (self);
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (CcmPreferencesWindow *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add (refresh_idle_cb, self);
}

static void
request_clicked_cb (CcmPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->request_type_row);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *allotment_id = NULL;
  JsonObject *choice, *args;

  if (selected >= self->request_choices->len)
    return;
  choice = g_ptr_array_index (self->request_choices, selected);
  allotment_id = ccm_context_new_id (self->context);
  args = json_object_new ();
  json_object_set_string_member (args, "conference", ccm_json_string (choice, "conference"));
  json_object_set_string_member (args, "allotment_id", allotment_id);
  json_object_set_string_member (args, "seat_type", ccm_json_string (choice, "seat_type"));
  json_object_set_int_member (args, "quantity", gtk_spin_button_get_value_as_int (self->request_spin));
  outcome = ccm_context_submit (self->context, "RequestAllotment", args, &error);
  ccm_ui_row_set_error (NULL, self->allotment_error, outcome == NULL ? error->message : NULL);
  if (outcome != NULL)
    {
      AdwToast *toast = adw_toast_new (_("Seats requested; the server grants them on the next sync"));
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
    }
}

/* The object */

static void
ccm_preferences_window_dispose (GObject *object)
{
  CcmPreferencesWindow *self = CCM_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->context != NULL)
    {
      g_signal_handlers_disconnect_by_data (ccm_context_get_store (self->context), self);
      g_signal_handlers_disconnect_by_data (self->context, self);
    }
  g_clear_object (&self->context);
  G_OBJECT_CLASS (ccm_preferences_window_parent_class)->dispose (object);
}

static void
ccm_preferences_window_finalize (GObject *object)
{
  CcmPreferencesWindow *self = CCM_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->request_choices, g_ptr_array_unref);
  g_clear_object (&self->printers);
  g_free (self->conference);
  g_free (self->test_printer);
  g_free (self->test_result);
  G_OBJECT_CLASS (ccm_preferences_window_parent_class)->finalize (object);
}

static void
ccm_preferences_window_class_init (CcmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ccm_preferences_window_dispose;
  object_class->finalize = ccm_preferences_window_finalize;

  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/contoso/Conference/ccm-preferences-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CcmPreferencesWindow, name)
  BIND (desk_name_row);
  BIND (server_url_row);
  BIND (server_group);
  BIND (reservation_spin);
  BIND (badge_printer_row);
  BIND (test_badge_row);
  BIND (test_badge_button);
  BIND (code_row);
  BIND (enroll_row);
  BIND (enroll_button);
  BIND (enroll_spinner);
  BIND (enroll_error);
  BIND (enrolled_row);
  BIND (allotments_group);
  BIND (allotments_list);
  BIND (allotment_error);
  BIND (request_type_row);
  BIND (request_spin);
  BIND (request_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, enroll_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, request_clicked_cb);
}

static void
ccm_preferences_window_init (CcmPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->request_choices = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
}

/* The badge printer: the printer badges go to at the door, from this list
 * or from the last badge's print dialog (setting badge-print-settings). The
 * list holds the printers the print system knows, found in the background,
 * and the chosen one even before it is found (or when it is gone). */

static guint
printer_position (CcmPreferencesWindow *self,
                  const char           *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->printers));

  for (guint i = 1; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->printers, i), name) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
add_printer (CcmPreferencesWindow *self,
             const char           *name)
{
  if (name == NULL || printer_position (self, name) != GTK_INVALID_LIST_POSITION)
    return;
  self->printers_updating = TRUE;
  gtk_string_list_append (self->printers, name);
  self->printers_updating = FALSE;
}

static void
update_badge_printer (CcmPreferencesWindow *self)
{
  g_autoptr(GtkPrintSettings) settings = ccm_badge_printer_get (ccm_context_get_settings (self->context));
  const char *printer = settings != NULL ? gtk_print_settings_get_printer (settings) : NULL;

  add_printer (self, printer);
  self->printers_updating = TRUE;
  adw_combo_row_set_selected (self->badge_printer_row,
                              printer != NULL ? printer_position (self, printer) : 0);
  self->printers_updating = FALSE;
  gtk_widget_set_sensitive (self->test_badge_button, printer != NULL && self->test_printer == NULL);
  /* What the last test badge came to, until another printer is chosen. */
  gtk_widget_set_sensitive (self->test_badge_row, printer != NULL);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->test_badge_row),
                               self->test_printer != NULL ? _("Printing…")
                               : self->test_result != NULL ? self->test_result
                               : _("One badge on the printer above, with no dialog, as the door prints it"));
}

static void
badge_printer_changed_cb (CcmPreferencesWindow *self)
{
  g_clear_pointer (&self->test_result, g_free);
  update_badge_printer (self);
}

/* A printer chosen in the list becomes the desk's badge printer, with the
 * print system's defaults for it; "none" makes the next badge ask. */
static void
badge_printer_selected_cb (CcmPreferencesWindow *self)
{
  GSettings *settings = ccm_context_get_settings (self->context);
  g_autoptr(GtkPrintSettings) current = ccm_badge_printer_get (settings);
  guint position = adw_combo_row_get_selected (self->badge_printer_row);
  g_autoptr(GtkPrintSettings) chosen = NULL;
  const char *name;

  if (self->printers_updating)
    return;
  if (position == 0 || position == GTK_INVALID_LIST_POSITION)
    {
      if (current != NULL)
        g_settings_reset (settings, "badge-print-settings");
      return;
    }
  name = gtk_string_list_get_string (self->printers, position);
  if (current != NULL && g_strcmp0 (gtk_print_settings_get_printer (current), name) == 0)
    return;
  chosen = gtk_print_settings_new ();
  gtk_print_settings_set_printer (chosen, name);
  g_settings_set_value (settings, "badge-print-settings", gtk_print_settings_to_gvariant (chosen));
}

static void
printer_listed_cb (GObject    *owner,
                   const char *name)
{
  add_printer (CCM_PREFERENCES_WINDOW (owner), name);
}

static void
test_badge_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CcmPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ccm_badge_print_direct_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_free (self->test_result);
  self->test_result = error != NULL
    /* TRANSLATORS: the test badge; %s says why the printer did not print it */
    ? g_strdup_printf (_("Not printed: %s"), error->message)
    /* TRANSLATORS: the test badge; %s is a printer's name */
    : g_strdup_printf (_("Sent to “%s”"), self->test_printer);
  g_clear_pointer (&self->test_printer, g_free);
  update_badge_printer (self);
}

/* One badge, as the door prints it: the conference the window shows (or
 * a made-up one) and a person called "Test Badge", whose code is no
 * ticket's. */
static void
test_badge_cb (CcmPreferencesWindow *self)
{
  g_autoptr(GtkPrintSettings) settings = ccm_badge_printer_get (ccm_context_get_settings (self->context));
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(JsonArray) attendees = json_array_new ();
  JsonObject *attendee = json_object_new ();

  if (settings == NULL || gtk_print_settings_get_printer (settings) == NULL)
    return;
  if (self->conference != NULL)
    conference = ccm_conference_views_get (store_of (self), self->conference, NULL);
  if (conference == NULL)
    {
      conference = json_object_new ();
      json_object_set_string_member (conference, "name", _("Conference"));
    }
  json_object_set_string_member (attendee, "first_name", _("Test"));
  json_object_set_string_member (attendee, "last_name", _("Badge"));
  json_object_set_string_member (attendee, "seat_type", _("Seat type"));
  json_object_set_string_member (attendee, "ticket_code", "TEST-BADGE");
  json_array_add_object_element (attendees, attendee);
  g_free (self->test_printer);
  self->test_printer = g_strdup (gtk_print_settings_get_printer (settings));
  g_clear_pointer (&self->test_result, g_free);
  update_badge_printer (self);
  ccm_badge_print_direct (attendees, conference, settings, CCM_BADGE_PRINT_TIMEOUT_MS, self->cancellable,
                          test_badge_done_cb, g_object_ref (self));
}

CcmPreferencesWindow *
ccm_preferences_window_new (CcmContext *context)
{
  CcmPreferencesWindow *self;
  GSettings *settings;
  CcmSyncClient *client;

  g_return_val_if_fail (CCM_IS_CONTEXT (context), NULL);

  self = g_object_new (CCM_TYPE_PREFERENCES_WINDOW, NULL);
  self->context = g_object_ref (context);
  settings = ccm_context_get_settings (context);
  /* Settings apply as they are typed, as GNOME preferences do. */
  g_settings_bind (settings, "desk-name", self->desk_name_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "server-url", self->server_url_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "reservation-minutes", self->reservation_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  /* An enrolled store's server is the one it enrolled with. */
  client = ccm_context_get_sync_client (context);
  if (client != NULL && ccm_sync_client_get_server_url (client) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_url_row), ccm_sync_client_get_server_url (client));

  g_signal_connect_object (settings, "changed::badge-print-settings",
                           G_CALLBACK (badge_printer_changed_cb), self, G_CONNECT_SWAPPED);
  self->printers = gtk_string_list_new (NULL);
  gtk_string_list_append (self->printers, _("Ask at the first badge"));
  adw_combo_row_set_model (self->badge_printer_row, G_LIST_MODEL (self->printers));
  update_badge_printer (self);
  g_signal_connect_swapped (self->badge_printer_row, "notify::selected",
                            G_CALLBACK (badge_printer_selected_cb), self);
  g_signal_connect_swapped (self->test_badge_button, "clicked", G_CALLBACK (test_badge_cb), self);
  ccm_badge_printers_list (G_OBJECT (self), printer_listed_cb);
  g_signal_connect_swapped (ccm_context_get_store (context), "changed",
                            G_CALLBACK (store_changed_cb), self);
  g_signal_connect_swapped (context, "notify::sync-client", G_CALLBACK (store_changed_cb), self);
  update_enrollment (self);
  refresh_allotments (self);
  return self;
}

/* The conference the window behind shows: a test badge is of it. */
void
ccm_preferences_window_set_conference (CcmPreferencesWindow *self,
                                       const char           *slug)
{
  g_return_if_fail (CCM_IS_PREFERENCES_WINDOW (self));
  g_free (self->conference);
  self->conference = g_strdup (slug);
}

const char *
ccm_preferences_window_get_test_result (CcmPreferencesWindow *self)
{
  g_return_val_if_fail (CCM_IS_PREFERENCES_WINDOW (self), NULL);
  return self->test_result;
}
