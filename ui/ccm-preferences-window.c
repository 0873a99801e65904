/* ccm-preferences-window.c — desk name, server address, reservation default
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include "ccm-preferences-window.h"
#include "ccm-ui-util.h"

struct _CcmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkWidget            *desk_name_row;
  GtkWidget            *server_url_row;
  GtkSpinButton        *reservation_spin;
};

G_DEFINE_FINAL_TYPE (CcmPreferencesWindow, ccm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
ccm_preferences_window_class_init (CcmPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/contoso/Conference/ccm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CcmPreferencesWindow, desk_name_row);
  gtk_widget_class_bind_template_child (widget_class, CcmPreferencesWindow, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, CcmPreferencesWindow, reservation_spin);
}

static void
ccm_preferences_window_init (CcmPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CcmPreferencesWindow *
ccm_preferences_window_new (CcmContext *context)
{
  CcmPreferencesWindow *self;
  GSettings *settings;

  g_return_val_if_fail (CCM_IS_CONTEXT (context), NULL);

  self = g_object_new (CCM_TYPE_PREFERENCES_WINDOW, NULL);
  settings = ccm_context_get_settings (context);
  /* Settings apply as they are typed, as GNOME preferences do. */
  g_settings_bind (settings, "desk-name", self->desk_name_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "server-url", self->server_url_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "reservation-minutes", self->reservation_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  return self;
}
