/* test-sync-ui.c — the header bar's sync indicator and the Preferences'
 * enrollment against a real contoso-server on 127.0.0.1
 *
 * A standalone store says it is not connected; the desk enrolls through
 * the Preferences widgets with a code from `contoso-server enroll-code`,
 * goes online with nothing pending; with the server stopped a conference
 * made in the window waits (offline, 1 pending); with the server back,
 * Sync Now sends it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <locale.h>

#include "test-spawn.h"
#include "ui-test-utils.h"
#include "ccm-clock.h"
#include "ccm-allotment-views.h"
#include "ccm-attention-row.h"
#include "ccm-conference-dialog.h"
#include "ccm-conference-views.h"
#include "ccm-json.h"
#include "ccm-order-views.h"
#include "ccm-preferences-window.h"
#include "ccm-sync-indicator.h"
#include "ccm-window-private.h"

typedef struct
{
  char        *dir;
  char        *data;
  GSubprocess *server;
  char        *url;
  guint        port;
  CcmContext  *context;
  CcmWindow   *window;
} Fixture;


static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until check() holds, for at most 20 s. */
#define WAIT_FOR(cond) G_STMT_START {                                         \
    gint64 _deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;        \
    guint _tick = g_timeout_add (20, tick_cb, NULL);                         \
    while (!(cond) && g_get_monotonic_time () < _deadline)                   \
      g_main_context_iteration (NULL, TRUE);                                 \
    g_source_remove (_tick);                                                 \
    if (!(cond))                                                             \
      g_error ("Timed out waiting for %s", #cond);                           \
    ui_test_iterate ();                                                              \
  } G_STMT_END

/* The server */

static void
server_start (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher = test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", f->port);
  const char *argv[] = { g_getenv ("CONTOSO_SERVER_BIN"), "serve", "--port", port,
                         "--data", f->data, NULL };

  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "", TRUE);
  g_clear_pointer (&f->url, g_free);
  f->server = test_server_spawnv (launcher, argv, &f->url, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (f->url, "http://127.0.0.1:"));
  f->port = atoi (strrchr (f->url, ':') + 1);
}

static void
server_stop (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->server == NULL)
    return;
  g_subprocess_send_signal (f->server, SIGTERM);
  g_subprocess_wait (f->server, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&f->server);
}

/* Whether `contoso-server devices list` shows a device of that name. */
static gboolean
server_lists_device (Fixture    *f,
                     const char *name)
{
  const char *argv[] = { g_getenv ("CONTOSO_SERVER_BIN"), "devices", "list", "--data", f->data, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return strstr (out, name) != NULL;
}

static gboolean
desk_name_told (Fixture    *f,
                const char *name)
{
  g_autofree char *told = ccm_store_get_meta (ccm_context_get_store (f->context),
                                              CCM_SYNC_META_DESK_NAME);

  return g_strcmp0 (told, name) == 0;
}

static char *
enroll_code (Fixture    *f,
             const char *role)
{
  const char *argv[] = { g_getenv ("CONTOSO_SERVER_BIN"), "enroll-code", "--role", role,
                         "--data", f->data, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strstrip (out);
}

/* The fixture */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("ccm-ui-sync-XXXXXX", &error);
  g_assert_no_error (error);
  f->data = g_build_filename (f->dir, "server", NULL);
  g_mkdir_with_parents (f->data, 0700);
  path = g_build_filename (f->dir, "store.db", NULL);
  f->context = ccm_context_new (path, &error);
  g_assert_no_error (error);
  f->window = g_object_ref_sink (ccm_window_new (NULL, f->context));
  gtk_window_present (GTK_WINDOW (f->window));
  ui_test_iterate ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cmd = NULL;
  CcmSyncClient *client = ccm_context_get_sync_client (f->context);

  if (client != NULL)
    g_object_ref (client);
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate ();
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->context);
  if (client != NULL)
    {
      /* Its last requests let go of it once they are cancelled. */
      WAIT_FOR (G_OBJECT (client)->ref_count == 1);
      g_assert_finalize_object (client);
    }
  server_stop (f);

  cmd = g_strdup_printf ("rm -rf '%s'", f->dir);
  g_assert_cmpint (system (cmd), ==, 0);
  g_free (f->dir);
  g_free (f->data);
  g_free (f->url);
}

static CcmSyncIndicator *
indicator (Fixture *f)
{
  return CCM_SYNC_INDICATOR (ui_test_child (f->window, CCM_TYPE_WINDOW, "sync_indicator"));
}

static const char *
indicator_text (Fixture    *f,
                const char *name)
{
  return gtk_label_get_text (GTK_LABEL (ui_test_child (indicator (f), CCM_TYPE_SYNC_INDICATOR, name)));
}

static void
enroll_through_preferences (Fixture    *f,
                            const char *code,
                            gboolean    expect_ok)
{
  CcmPreferencesWindow *prefs = ccm_preferences_window_new (f->context);
  GtkWidget *error_label = ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "enroll_error");
  GtkWidget *enrolled_row = ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "enrolled_row");
  GtkWidget *button = ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "enroll_button");

  gtk_window_present (GTK_WINDOW (prefs));
  ui_test_iterate ();
  g_assert_true (gtk_widget_get_visible (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "code_row")));
  g_assert_false (gtk_widget_get_visible (enrolled_row));
  gtk_editable_set_text (GTK_EDITABLE (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "server_url_row")),
                         f->url);
  gtk_editable_set_text (GTK_EDITABLE (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "code_row")), code);
  g_signal_emit_by_name (button, "clicked");
  /* The spinner runs and the button waits while the server answers. */
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_true (gtk_widget_get_visible (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "enroll_spinner")));
  WAIT_FOR (gtk_widget_get_sensitive (button) || gtk_widget_get_visible (enrolled_row));

  if (expect_ok)
    {
      g_assert_false (gtk_widget_get_visible (error_label));
      g_assert_true (gtk_widget_get_visible (enrolled_row));
      /* Every caller enrolls an admin device: the row says what it may do. */
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (enrolled_row)),
                                "(administrator: everything)"));
      g_assert_false (gtk_widget_get_visible (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "code_row")));
      g_assert_true (gtk_widget_get_visible (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "allotments_group")));
    }
  else
    {
      g_assert_true (gtk_widget_get_visible (error_label));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), !=, "");
      g_assert_false (gtk_widget_get_visible (enrolled_row));
      g_assert_true (gtk_widget_has_css_class (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "enroll_row"),
                                               "error"));
    }
  gtk_window_destroy (GTK_WINDOW (prefs));
  ui_test_iterate ();
}

static void
create_conference_in_window (Fixture *f)
{
  CcmConferenceDialog *dialog;
  static const struct { const char *field, *text; } fields[] = {
    { "name", "DevCon 2027" },
    { "slug", "devcon" },
    { "start_date", "2027-03-01" },
    { "end_date", "2027-03-03" },
    { "owner_name", "Ada Organizer" },
    { "owner_email", "ada@example.org" },
  };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-conference", NULL));
  ui_test_iterate ();
  dialog = CCM_CONFERENCE_DIALOG (ccm_window_get_conference_dialog (f->window));
  g_assert_nonnull (dialog);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    gtk_editable_set_text (GTK_EDITABLE (ccm_conference_dialog_get_row (dialog, fields[i].field)),
                           fields[i].text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  ui_test_iterate ();
  g_assert_null (ccm_window_get_conference_dialog (f->window));
}

static void
add_seat_type (Fixture    *f,
               const char *name,
               const char *price,
               const char *quota)
{
  CcmSeatTypesPage *page = ccm_window_get_seat_types_page (f->window);
  GtkWidget *editor;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "seat-types.add", NULL));
  ui_test_iterate ();
  editor = ccm_seat_types_page_get_editor (page);
  g_assert_nonnull (editor);
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "name")), name);
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "price")), price);
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "quota")), quota);
  ui_test_click (gtk_window_get_default_widget (GTK_WINDOW (editor)));
  g_assert_null (ccm_seat_types_page_get_editor (page));
}

static JsonObject *
own_allotment (Fixture *f)
{
  CcmStore *store = ccm_context_get_store (f->context);
  g_autoptr(JsonArray) list = ccm_allotment_views_list (store, "devcon", NULL);

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *a = json_array_get_object_element (list, i);

      if (g_strcmp0 (ccm_json_string (a, "device_id"), ccm_store_get_device_id (store)) == 0 &&
          g_strcmp0 (ccm_json_string (a, "status"), "active") == 0)
        return json_object_ref (a);
    }
  return NULL;
}

static void
reserve (Fixture    *f,
         const char *seat_type,
         int         quantity)
{
  CcmRegistrationPage *page = ccm_window_get_registration_page (f->window);

  gtk_spin_button_set_value (ccm_registration_page_get_quantity (page, seat_type), quantity);
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "reserve_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "reserved");
}

/* Tests */

static void
test_standalone (Fixture       *f,
                 gconstpointer  data)
{
  g_assert_null (ccm_context_get_sync_client (f->context));
  g_assert_cmpstr (ccm_sync_indicator_get_label (indicator (f)), ==, "Local");
  g_assert_cmpstr (indicator_text (f, "title_label"), ==, "Not connected to a server");
  g_assert_nonnull (strstr (ccm_sync_indicator_get_description (indicator (f)), "Not connected"));
  g_assert_true (gtk_widget_get_visible (ui_test_child (indicator (f), CCM_TYPE_SYNC_INDICATOR, "preferences_button")));
  g_assert_false (gtk_widget_get_visible (ui_test_child (indicator (f), CCM_TYPE_SYNC_INDICATOR, "sync_now_button")));
  /* Sync Now on a standalone store does nothing, and says nothing wrong. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync-now", NULL));
  ui_test_iterate ();
  g_assert_null (ccm_context_get_sync_client (f->context));
}

static void
test_enroll_offline_sync_now (Fixture       *f,
                              gconstpointer  data)
{
  CcmSyncClient *client;
  g_autofree char *code = NULL;

  server_start (f);

  /* A wrong code is refused, inline, and nothing changes. */
  enroll_through_preferences (f, "not-a-code", FALSE);
  g_assert_null (ccm_context_get_sync_client (f->context));
  g_assert_false (ccm_store_is_enrolled (ccm_context_get_store (f->context)));

  code = enroll_code (f, "admin");
  enroll_through_preferences (f, code, TRUE);
  client = ccm_context_get_sync_client (f->context);
  g_assert_nonnull (client);
  g_assert_true (ccm_store_is_enrolled (ccm_context_get_store (f->context)));

  /* The automatic round brings it online with nothing pending. */
  WAIT_FOR (ccm_sync_client_get_state (client) == CCM_SYNC_STATE_IDLE &&
            ccm_sync_client_get_last_sync (client) > 0);
  g_assert_cmpint (ccm_sync_client_get_pending (client), ==, 0);
  g_assert_cmpstr (ccm_sync_indicator_get_label (indicator (f)), ==, "Online");
  g_assert_cmpstr (indicator_text (f, "pending_label"), ==, "0 changes");
  g_assert_cmpstr (indicator_text (f, "last_sync_label"), ==, "Just now");
  g_assert_cmpstr (indicator_text (f, "server_label"), ==, f->url);
  /* Enrolled with no desk name: the server knows it by the computer's. */
  {
    g_autofree char *host = ccm_desk_name_clean (g_get_host_name ());

    g_assert_cmpstr (indicator_text (f, "desk_label"), ==, host);
  }
  g_assert_false (gtk_widget_get_visible (ui_test_child (indicator (f), CCM_TYPE_SYNC_INDICATOR, "pending_badge")));
  g_assert_true (gtk_widget_get_visible (ui_test_child (indicator (f), CCM_TYPE_SYNC_INDICATOR, "sync_now_button")));
  g_assert_false (gtk_widget_get_visible (ui_test_child (indicator (f), CCM_TYPE_SYNC_INDICATOR, "skew_label")));

  /* The server goes away; a conference made in the window waits. */
  server_stop (f);
  create_conference_in_window (f);
  g_assert_nonnull (ccm_conference_views_get (ccm_context_get_store (f->context), "devcon", NULL));
  WAIT_FOR (ccm_sync_client_get_state (client) == CCM_SYNC_STATE_OFFLINE &&
            ccm_sync_client_get_pending (client) == 1);
  g_assert_cmpstr (ccm_sync_indicator_get_label (indicator (f)), ==, "Offline");
  g_assert_cmpstr (indicator_text (f, "pending_badge"), ==, "1");
  g_assert_true (gtk_widget_get_visible (ui_test_child (indicator (f), CCM_TYPE_SYNC_INDICATOR, "pending_badge")));
  g_assert_cmpstr (indicator_text (f, "pending_label"), ==, "1 change");
  g_assert_nonnull (strstr (ccm_sync_indicator_get_description (indicator (f)), "Offline, 1 change waiting"));

  /* Back, on the same port; Sync Now sends it without waiting for the back-off. */
  server_start (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync-now", NULL));
  WAIT_FOR (ccm_sync_client_get_pending (client) == 0 &&
            ccm_sync_client_get_state (client) == CCM_SYNC_STATE_IDLE);
  g_assert_cmpstr (ccm_sync_indicator_get_label (indicator (f)), ==, "Online");
  g_assert_false (gtk_widget_get_visible (ui_test_child (indicator (f), CCM_TYPE_SYNC_INDICATOR, "pending_badge")));
  g_assert_cmpstr (indicator_text (f, "pending_label"), ==, "0 changes");
  /* The server has it: it is confirmed, not tentative, in the store. */
  {
    g_autoptr(GHashTable) tentative = ccm_store_tentative_keys (ccm_context_get_store (f->context),
                                                                "conference_views", NULL);
    g_assert_true (tentative == NULL || !g_hash_table_contains (tentative, "devcon"));
  }

  /* Renamed in the preferences: kept once the typing pauses, and the next
   * sync tells the server, whose device list then shows it. */
  {
    CcmPreferencesWindow *prefs = ccm_preferences_window_new (f->context);

    gtk_window_present (GTK_WINDOW (prefs));
    ui_test_iterate ();
    gtk_editable_set_text (GTK_EDITABLE (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW,
                                                        "desk_name_row")), "Main entrance");
    WAIT_FOR (desk_name_told (f, "Main entrance"));
    gtk_window_destroy (GTK_WINDOW (prefs));
    ui_test_iterate ();
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync-now", NULL));
    WAIT_FOR (ccm_sync_client_get_state (client) == CCM_SYNC_STATE_IDLE &&
              server_lists_device (f, "Main entrance"));
    /* The sync button's popover says which desk this is. */
    g_assert_cmpstr (indicator_text (f, "desk_label"), ==, "Main entrance");
    g_assert_true (gtk_widget_get_visible (ui_test_child (indicator (f), CCM_TYPE_SYNC_INDICATOR,
                                                          "desk_caption")));
  }

  /* Made a check-in device by the server: Preferences say so, and offer
   * no allotments, which only a selling desk requests. */
  {
    g_autoptr(GError) error = NULL;
    CcmPreferencesWindow *prefs;

    g_assert_true (ccm_store_set_meta (ccm_context_get_store (f->context), CCM_STORE_META_ROLE, "checkin",
                                       &error));
    g_assert_no_error (error);
    prefs = ccm_preferences_window_new (f->context);
    gtk_window_present (GTK_WINDOW (prefs));
    ui_test_iterate ();
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW,
                                                                                         "enrolled_row"))),
                              "(check-in only)"));
    g_assert_false (gtk_widget_get_visible (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "allotments_group")));
    gtk_window_destroy (GTK_WINDOW (prefs));
    ui_test_iterate ();
  }
}

/* A store marked enrolled without the server's address (by hand, or by a
 * program of its own): Preferences say what is missing, not "(null)". */
static void
test_enrolled_without_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ccm-ui-sync-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  CcmContext *context;
  CcmPreferencesWindow *prefs;
  const char *subtitle;

  g_assert_no_error (error);
  context = ccm_context_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (ccm_store_set_meta (ccm_context_get_store (context), "enrolled", "1", &error));
  g_assert_no_error (error);
  g_assert_true (ccm_store_set_meta (ccm_context_get_store (context), CCM_STORE_META_ROLE, "viewer",
                                     &error));
  g_assert_no_error (error);
  g_assert_finalize_object (context);

  context = ccm_context_new (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ccm_context_get_sync_client (context));
  prefs = ccm_preferences_window_new (context);
  gtk_window_present (GTK_WINDOW (prefs));
  ui_test_iterate ();
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW,
                                                                        "enrolled_row")));
  g_test_message ("%s", subtitle);
  g_assert_null (strstr (subtitle, "(null)"));
  g_assert_nonnull (strstr (subtitle, "(viewer: reading only)"));
  g_assert_nonnull (strstr (subtitle, "does not say which server"));
  gtk_window_destroy (GTK_WINDOW (prefs));
  ui_test_iterate ();
  g_object_unref (context);
  g_assert_cmpint (system (cmd), ==, 0);
}

/* Revoked: at the next contact the desk wipes the personal data in its
 * store, and the indicator says both. */
static void
test_revoked_wiped (Fixture       *f,
                    gconstpointer  data)
{
  CcmStore *store = ccm_context_get_store (f->context);
  CcmSyncClient *client;
  g_autofree char *code = NULL, *device_id = NULL, *err = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("CONTOSO_SERVER_BIN"), "devices", "revoke", NULL,
                         "--data", f->data, NULL };
  int status = 0;

  server_start (f);
  code = enroll_code (f, "admin");
  enroll_through_preferences (f, code, TRUE);
  client = ccm_context_get_sync_client (f->context);
  create_conference_in_window (f);
  WAIT_FOR (ccm_sync_client_get_state (client) == CCM_SYNC_STATE_IDLE &&
            ccm_sync_client_get_pending (client) == 0);

  device_id = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
  argv[3] = device_id;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync-now", NULL));
  WAIT_FOR (ccm_sync_client_get_state (client) == CCM_SYNC_STATE_FORBIDDEN);
  g_assert_cmpstr (ccm_sync_indicator_get_label (indicator (f)), ==, "Revoked");
  g_assert_cmpstr (indicator_text (f, "title_label"), ==,
                   "This desk’s access was revoked and its personal data removed");
  g_assert_nonnull (strstr (indicator_text (f, "message_label"),
                            "The personal data in this store (names and e-mail addresses) was removed"));
  g_assert_cmpint (ccm_store_get_wiped_at (store), >, 0);

  conference = ccm_conference_views_get (store, "devcon", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ccm_json_string (conference, "owner_name"), ==, CCM_PERSONAL_REDACTED_TEXT);
  g_assert_cmpstr (ccm_json_string (conference, "owner_email"), ==, CCM_PERSONAL_REDACTED_EMAIL);
  g_assert_cmpstr (ccm_json_string (conference, "name"), ==, "DevCon 2027");
}

static void
test_allotment_guaranteed_provisional (Fixture       *f,
                                       gconstpointer  data)
{
  CcmSyncClient *client;
  CcmPreferencesWindow *prefs;
  CcmRegistrationPage *page = ccm_window_get_registration_page (f->window);
  g_autofree char *code = NULL;
  g_autoptr(JsonObject) allotment = NULL;
  GListModel *choices;
  GtkWidget *row, *note;
  guint full_pass = G_MAXUINT;

  server_start (f);
  code = enroll_code (f, "admin");
  enroll_through_preferences (f, code, TRUE);
  client = ccm_context_get_sync_client (f->context);
  WAIT_FOR (ccm_sync_client_get_state (client) == CCM_SYNC_STATE_IDLE &&
            ccm_sync_client_get_last_sync (client) > 0);

  create_conference_in_window (f);
  add_seat_type (f, "Full pass", "100", "5");
  add_seat_type (f, "Workshop", "50", "2");
  gtk_switch_set_active (GTK_SWITCH (ui_test_child (ccm_window_get_overview_page (f->window),
                                            CCM_TYPE_OVERVIEW_PAGE, "publish_switch")), TRUE);
  ui_test_iterate ();
  WAIT_FOR (ccm_sync_client_get_pending (client) == 0 &&
            ccm_sync_client_get_state (client) == CCM_SYNC_STATE_IDLE);

  /* Request three Full pass seats in Preferences; the server grants them. */
  prefs = ccm_preferences_window_new (f->context);
  gtk_window_present (GTK_WINDOW (prefs));
  ui_test_iterate ();
  g_assert_true (gtk_widget_get_visible (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "allotments_group")));
  choices = adw_combo_row_get_model (ADW_COMBO_ROW (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "request_type_row")));
  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (choices), i), "Full pass"))
      full_pass = i;
  g_assert_cmpuint (full_pass, !=, G_MAXUINT);
  adw_combo_row_set_selected (ADW_COMBO_ROW (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "request_type_row")),
                              full_pass);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "request_spin")), 3);
  ui_test_click (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "request_button"));
  g_assert_false (gtk_widget_get_visible (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "allotment_error")));
  WAIT_FOR (ccm_sync_client_get_pending (client) == 0 &&
            ccm_sync_client_get_state (client) == CCM_SYNC_STATE_IDLE);
  allotment = own_allotment (f);
  g_assert_nonnull (allotment);
  g_assert_cmpint (ccm_json_int (allotment, "granted", 0), ==, 3);
  /* Its times are RFC 3339, like every read model's, and in the future. */
  {
    gint64 until = 0;

    g_assert_true (ccm_time_parse (ccm_json_string (allotment, "until"), &until));
    g_assert_cmpint (until, >, g_get_real_time ());
    g_assert_true (g_str_has_suffix (ccm_json_string (allotment, "until"), "Z"));
  }
  row = gtk_widget_get_first_child (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "allotments_list"));
  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Full pass — DevCon 2027");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "3 of 3 left"));
  gtk_window_destroy (GTK_WINDOW (prefs));
  ui_test_iterate ();

  /* Offline: two Full pass seats come from the allotment, guaranteed. */
  server_stop (f);
  ccm_window_show_page (f->window, "registration");
  ui_test_iterate ();
  reserve (f, "Full pass", 2);
  note = ccm_registration_page_get_sale_note (page);
  g_assert_nonnull (note);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (note)), "Guaranteed"));
  g_assert_true (gtk_widget_has_css_class (note, "success"));
  g_assert_false (gtk_widget_has_css_class (note, "warning"));
  {
    g_autoptr(JsonObject) order = ccm_order_views_get (ccm_context_get_store (f->context), "devcon",
                                                       ccm_registration_page_get_order_id (page), NULL);
    g_assert_true (ccm_json_bool (order, "guaranteed"));
  }

  /* A Workshop seat is beyond the allotment: provisional, in amber. */
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "start_over_button"));
  reserve (f, "Workshop", 1);
  note = ccm_registration_page_get_sale_note (page);
  g_assert_nonnull (note);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (note)), "Provisional"));
  g_assert_true (gtk_widget_has_css_class (note, "warning"));
  g_assert_cmpint (ccm_sync_client_get_pending (client), >=, 1);
}

static void
test_format_ago (void)
{
  gint64 now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;
  g_autofree char *never = ccm_sync_indicator_format_ago (0, now);
  g_autofree char *recent = ccm_sync_indicator_format_ago (now - 10 * G_USEC_PER_SEC, now);
  g_autofree char *two = ccm_sync_indicator_format_ago (now - 150 * G_USEC_PER_SEC, now);
  g_autofree char *hours = ccm_sync_indicator_format_ago (now - G_GINT64_CONSTANT (3 * 3600) * G_USEC_PER_SEC, now);

  g_assert_cmpstr (never, ==, "Never");
  g_assert_cmpstr (recent, ==, "Just now");
  g_assert_cmpstr (two, ==, "2 min ago");
  g_assert_cmpstr (hours, ==, "3 hours ago");
}

static void
test_attention_row (void)
{
  g_autoptr(JsonObject) refund = json_object_new ();
  g_autoptr(JsonObject) flag = json_object_new ();
  GtkWidget *row, *other;

  json_object_set_string_member (refund, "kind", "refund_due");
  json_object_set_string_member (refund, "message", "A refund of €10.00 is due: sold out.");
  json_object_set_string_member (refund, "order_id", "0190c0de-0000-7000-8000-000000000001");
  json_object_set_string_member (refund, "access_code", "7E3A9D");
  json_object_set_string_member (refund, "registrant_first_name", "Ann & <b>");
  json_object_set_null_member (refund, "registrant_last_name");
  json_object_set_string_member (flag, "kind", "already_admitted");
  json_object_set_string_member (flag, "message", "Ticket X was admitted while already inside.");
  json_object_set_null_member (flag, "order_id");

  row = g_object_ref_sink (ccm_attention_row_new (refund, TRUE, FALSE));
  other = g_object_ref_sink (ccm_attention_row_new (flag, TRUE, FALSE));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   "A refund of €10.00 is due: sold out.");
  /* The refund names its order as people know it, names taken as they
   * are (no markup); the flag concerns no order, and says only when. */
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Order 7E3A9D · Ann & <b>");
  g_assert_true (ui_test_shows_text (row, "Order 7E3A9D · Ann & <b>"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (other)), ==, "");
  /* The refund has somewhere to go; the flag has nothing to open. */
  g_assert_nonnull (ui_test_find_button (row, "_Open Order"));
  g_assert_null (ui_test_find_button (other, NULL));
  g_object_unref (row);
  g_object_unref (other);
}

int
main (int   argc,
      char *argv[])
{
  const char * const *data_dirs = g_get_system_data_dirs ();
  g_autoptr(GPtrArray) mime_dirs = g_ptr_array_new_with_free_func (g_free);

  setlocale (LC_ALL, "");
  /* Isolated dirs hide the MIME database, and without it no SVG icon
   * loads: keep reading the system's one. */
  for (guint i = 0; data_dirs[i] != NULL; i++)
    g_ptr_array_add (mime_dirs, g_build_filename (data_dirs[i], "mime", NULL));
  g_ptr_array_add (mime_dirs, NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char * const *) mime_dirs->pdata);
  gtk_init ();
  adw_init ();
  /* No transitions: pages and panes change at once, so the tests do not
   * depend on how fast frames come (and no half-way frame is laid out). */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/ui/sync/format-ago", test_format_ago);
  g_test_add_func ("/ui/sync/attention-row", test_attention_row);
  g_test_add_func ("/ui/sync/enrolled-without-address", test_enrolled_without_address);
  g_test_add ("/ui/sync/standalone", Fixture, NULL, fixture_set_up, test_standalone, fixture_tear_down);
  g_test_add ("/ui/sync/enroll-offline-sync-now", Fixture, NULL, fixture_set_up,
              test_enroll_offline_sync_now, fixture_tear_down);
  g_test_add ("/ui/sync/allotment-guaranteed-provisional", Fixture, NULL, fixture_set_up,
              test_allotment_guaranteed_provisional, fixture_tear_down);
  g_test_add ("/ui/sync/revoked-wiped", Fixture, NULL, fixture_set_up, test_revoked_wiped,
              fixture_tear_down);
  return g_test_run ();
}
