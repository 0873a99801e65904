/* ccm-application.c — the contoso-conference application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-application.h"
#include "ccm-preferences-window.h"
#include "ccm-window-private.h"

struct _CcmApplication
{
  AdwApplication  parent_instance;

  char           *store_path;
  char           *checkin;      /* --checkin SLUG: the check-in desk (issue 6) */
  char           *page;         /* --page NAME, --order CODE: where to open */
  char           *order;
  char          **scan;         /* --scan TEXT…, --type TEXT: for tools/screenshots */
  char           *type;
  CcmContext     *context;
};

G_DEFINE_FINAL_TYPE (CcmApplication, ccm_application, ADW_TYPE_APPLICATION)

static int
ccm_application_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  CcmApplication *self = CCM_APPLICATION (application);
  const char *value = NULL;

  if (g_variant_dict_lookup (options, "store", "^&ay", &value))
    self->store_path = g_strdup (value);
  if (g_variant_dict_lookup (options, "checkin", "&s", &value))
    self->checkin = g_strdup (value);
  if (g_variant_dict_lookup (options, "page", "&s", &value))
    self->page = g_strdup (value);
  if (g_variant_dict_lookup (options, "order", "&s", &value))
    self->order = g_strdup (value);
  g_variant_dict_lookup (options, "scan", "^as", &self->scan);
  if (g_variant_dict_lookup (options, "type", "&s", &value))
    self->type = g_strdup (value);
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("contoso-conference %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

/* Reservations may have run out while the program was closed. Their timers
 * run once the first frame is shown, so that a large store shows its
 * window first (the store's watch would run them within a second anyway). */
static gboolean
watch_now_cb (gpointer user_data)
{
  ccm_store_watch_now (ccm_context_get_store (user_data));
  return G_SOURCE_REMOVE;
}

static void
watch_soon (CcmApplication *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, watch_now_cb, g_object_ref (self->context),
                   g_object_unref);
}

static void
first_frame_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, user_data);
  watch_soon (user_data);
}

static void
ccm_application_activate (GApplication *application)
{
  CcmApplication *self = CCM_APPLICATION (application);
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (self->context == NULL)
    self->context = ccm_context_new (self->store_path, &error);
  if (self->context == NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (NULL, _("Cannot Open the Store"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  window = GTK_WINDOW (ccm_window_new (GTK_APPLICATION (self), self->context));
  if (self->checkin != NULL)
    {
      if (ccm_window_select_conference (CCM_WINDOW (window), self->checkin))
        ccm_window_set_checkin_mode (CCM_WINDOW (window), TRUE);
      else
        {
          /* TRANSLATORS: %s is a conference slug given with --checkin */
          g_autofree char *text = g_strdup_printf (_("There is no conference “%s” on this desk"),
                                                   self->checkin);

          ccm_window_add_toast (CCM_WINDOW (window), adw_toast_new (text));
        }
    }
  if (self->page != NULL)
    ccm_window_show_page (CCM_WINDOW (window), self->page);
  if (self->order != NULL)
    ccm_window_show_order (CCM_WINDOW (window), self->order);
  gtk_window_present (window);
  if (gtk_widget_get_frame_clock (GTK_WIDGET (window)) != NULL)
    g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                      G_CALLBACK (first_frame_cb), self);
  else
    watch_soon (self);
  if (self->checkin != NULL)
    {
      CcmCheckinPage *page = ccm_window_get_checkin_page (CCM_WINDOW (window));

      for (guint i = 0; self->scan != NULL && self->scan[i] != NULL; i++)
        ccm_checkin_page_type_text (page, self->scan[i], TRUE);
      if (self->type != NULL)
        ccm_checkin_page_type_text (page, self->type, FALSE);
    }
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (user_data));

  /* Closing the windows saves their state. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "Contoso Conference contributors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Contoso Conference"),
                         "application-icon", APP_ID,
                         "developer-name", _("Contoso Conference contributors"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Sell seats and welcome attendees, with or without a network"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* TRANSLATORS: your name, to be credited in the About window */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CcmApplication *self = CCM_APPLICATION (user_data);
  CcmPreferencesWindow *preferences;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->context == NULL)
    return;
  preferences = ccm_preferences_window_new (self->context);
  if (CCM_IS_WINDOW (window))
    ccm_preferences_window_set_conference (preferences, ccm_window_get_conference (CCM_WINDOW (window)));
  gtk_window_set_transient_for (GTK_WINDOW (preferences), window);
  gtk_window_set_modal (GTK_WINDOW (preferences), TRUE);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
ccm_application_startup (GApplication *application)
{
  static const GActionEntry entries[] = {
    { "quit", quit_activated },
    { "about", about_activated },
    { "preferences", preferences_activated },
  };
  static const char *const quit_accels[] = { "<Control>q", NULL };
  static const char *const preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (ccm_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), entries, G_N_ELEMENTS (entries),
                                   application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.preferences",
                                         preferences_accels);
}

static void
ccm_application_finalize (GObject *object)
{
  CcmApplication *self = CCM_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_pointer (&self->store_path, g_free);
  g_clear_pointer (&self->checkin, g_free);
  g_clear_pointer (&self->page, g_free);
  g_clear_pointer (&self->order, g_free);
  g_clear_pointer (&self->scan, g_strfreev);
  g_clear_pointer (&self->type, g_free);
  G_OBJECT_CLASS (ccm_application_parent_class)->finalize (object);
}

static void
ccm_application_class_init (CcmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ccm_application_finalize;
  app_class->activate = ccm_application_activate;
  app_class->startup = ccm_application_startup;
  app_class->handle_local_options = ccm_application_handle_local_options;
}

static void
ccm_application_init (CcmApplication *self)
{
  static const GOptionEntry options[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Use the store FILE (default: $CONTOSO_STORE or the user’s data folder)"), N_("FILE") },
    { "checkin", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Open the conference SLUG at its check-in desk"), N_("SLUG") },
    /* For tools/screenshots: open at a page, or at one order. */
    { "page", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL, NULL, NULL },
    { "order", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL, NULL, NULL },
    /* With --checkin: scan these codes, then type this text. */
    { "scan", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, NULL },
    { "type", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL, NULL, NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

CcmApplication *
ccm_application_new (void)
{
  /* NON_UNIQUE: a second instance on another store is a second desk. */
  return g_object_new (CCM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/com/contoso/Conference",
                       NULL);
}

CcmContext *
ccm_application_get_context (CcmApplication *self)
{
  g_return_val_if_fail (CCM_IS_APPLICATION (self), NULL);
  return self->context;
}
