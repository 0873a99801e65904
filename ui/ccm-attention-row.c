/* ccm-attention-row.c — one row of the attention list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-attention-row.h"
#include "ccm-clock.h"
#include "ccm-json.h"
#include "ccm-ui-util.h"
#include "ccm-window.h"

static const char *
icon_for (const char *kind)
{
  if (g_strcmp0 (kind, "rejected_command") == 0)
    return "network-error-symbolic";
  if (g_strcmp0 (kind, "refund_due") == 0 || g_strcmp0 (kind, "amount_mismatch") == 0)
    return "dialog-warning-symbolic";
  return "dialog-warning-symbolic";
}

static void
open_order_clicked_cb (GtkButton *button)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (button), CCM_TYPE_WINDOW);

  if (window != NULL)
    ccm_window_show_order (CCM_WINDOW (window), g_object_get_data (G_OBJECT (button), "order-id"));
}

GtkWidget *
ccm_attention_row_new (JsonObject *item)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  const char *kind = ccm_json_string (item, "kind");
  const char *message = ccm_json_string (item, "message");
  const char *order_id = ccm_json_string (item, "order_id");
  g_autofree char *when = NULL;
  gint64 recorded_at = 0;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), message != NULL ? message : kind);
  /* Read models give times as RFC 3339 text. */
  if (ccm_json_string (item, "recorded_at") != NULL)
    ccm_time_parse (ccm_json_string (item, "recorded_at"), &recorded_at);
  when = recorded_at > 0 ? ccm_ui_format_time (recorded_at) : g_strdup ("");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), when);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);

  icon = gtk_image_new_from_icon_name (icon_for (kind));
  gtk_widget_add_css_class (icon, g_strcmp0 (kind, "rejected_command") == 0 ? "error" : "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  if (order_id != NULL && *order_id != '\0')
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open Order"));
      g_autofree char *label = g_strdup_printf (_("Open the order of “%s”"), message != NULL ? message : kind);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (button), "order-id", g_strdup (order_id), g_free);
      ccm_ui_set_accessible_label (button, label);
      g_signal_connect (button, "clicked", G_CALLBACK (open_order_clicked_cb), NULL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}
