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

/* "Resolve…" or "Reopen", acting on the item's key through the window. */
static GtkWidget *
mark_button (const char *item,
             const char *message,
             gboolean    resolved)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (resolved ? _("Re_open") : _("_Resolve…"));
  g_autofree char *label = NULL;

  /* TRANSLATORS: accessible names of the attention list's buttons; %s is the item's message */
  label = g_strdup_printf (resolved ? _("Reopen “%s”") : _("Mark “%s” resolved"), message);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button),
                                  resolved ? "win.reopen-attention" : "win.resolve-attention");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", item);
  ccm_ui_set_accessible_label (button, label);
  return button;
}

static char *
time_text (JsonObject *item,
           const char *member)
{
  gint64 t = 0;

  /* Read models give times as RFC 3339 text. */
  if (ccm_json_string (item, member) == NULL || !ccm_time_parse (ccm_json_string (item, member), &t) ||
      t <= 0)
    return g_strdup ("");
  return ccm_ui_format_time (t);
}

/* The order an item concerns, as people know it: "Order 7E3A9D · Ada
 * Lovelace"; NULL for an item of no order, or of one this device has not
 * seen. */
static char *
order_text (JsonObject *item)
{
  const char *code = ccm_json_string (item, "access_code");
  g_autofree char *name = NULL;

  if (code == NULL)
    return NULL;
  name = ccm_ui_full_name (ccm_json_string (item, "registrant_first_name"),
                           ccm_json_string (item, "registrant_last_name"));
  if (name == NULL)
    /* TRANSLATORS: under an attention item: the access code of the order it concerns */
    return g_strdup_printf (_("Order %s"), code);
  /* TRANSLATORS: under an attention item: the order's access code, then who placed it */
  return g_strdup_printf (_("Order %s · %s"), code, name);
}

GtkWidget *
ccm_attention_row_new (JsonObject *item,
                       gboolean    can_mark,
                       gboolean    stacked)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon, *buttons;
  const char *kind = ccm_json_string (item, "kind");
  const char *message = ccm_json_string (item, "message");
  const char *order_id = ccm_json_string (item, "order_id");
  const char *key = ccm_json_string (item, "item");
  const char *note = ccm_json_string (item, "resolution_note");
  gboolean resolved = ccm_json_bool (item, "resolved");
  g_autofree char *when = time_text (item, "recorded_at");
  g_autofree char *order = order_text (item);
  g_autofree char *subtitle = NULL;

  if (message == NULL)
    message = kind;
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), message);
  if (resolved)
    {
      g_autofree char *resolved_at = time_text (item, "resolved_at");

      subtitle = note != NULL
        /* TRANSLATORS: under a resolved attention item: when it was raised, when resolved, the note */
        ? g_strdup_printf (_("%s · resolved %s: %s"), when, resolved_at, note)
        /* TRANSLATORS: under a resolved attention item: when it was raised, when resolved */
        : g_strdup_printf (_("%s · resolved %s"), when, resolved_at);
    }
  if (subtitle == NULL)
    subtitle = g_strdup (when);
  if (order != NULL)
    {
      char *with_order = *subtitle == '\0' ? g_strdup (order)
                                            : g_strdup_printf ("%s · %s", order, subtitle);

      g_free (subtitle);
      subtitle = with_order;
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);

  icon = gtk_image_new_from_icon_name (resolved ? "emblem-ok-symbolic" : icon_for (kind));
  if (resolved)
    gtk_widget_add_css_class (icon, "dim-label");
  else
    gtk_widget_add_css_class (icon, g_strcmp0 (kind, "rejected_command") == 0 ? "error" : "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  buttons = ccm_ui_row_add_button_box (ADW_ACTION_ROW (row), stacked);

  if (order_id != NULL && *order_id != '\0')
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open Order"));
      const char *code = ccm_json_string (item, "access_code");
      g_autofree char *label = code != NULL
        /* TRANSLATORS: accessible name of an attention item's button; %s is the order's access code */
        ? g_strdup_printf (_("Open order %s"), code)
        : g_strdup_printf (_("Open the order of “%s”"), message);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (button), "order-id", g_strdup (order_id), g_free);
      ccm_ui_set_accessible_label (button, label);
      g_signal_connect (button, "clicked", G_CALLBACK (open_order_clicked_cb), NULL);
      gtk_box_append (GTK_BOX (buttons), button);
    }
  /* A mark travels in its conference's stream: an item of none has none. */
  if (can_mark && key != NULL && ccm_json_string (item, "conference") != NULL)
    gtk_box_append (GTK_BOX (buttons), mark_button (key, message, resolved));
  gtk_widget_set_visible (buttons, gtk_widget_get_first_child (buttons) != NULL);
  return row;
}
