/* ccm-overview-page.c — seats, revenue, orders and check-ins at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>
#include <string.h>

#include "ccm-bar-chart.h"
#include "ccm-conference-views.h"
#include "ccm-json.h"
#include "ccm-order-views.h"
#include "ccm-overview-page.h"
#include "ccm-ui-queries.h"
#include "ccm-ui-util.h"

struct _CcmOverviewPage
{
  GtkWidget    parent_instance;

  CcmContext  *context;
  char        *slug;
  CcmRefresh  *refresh;

  AdwActionRow *publish_row;
  GtkSwitch   *publish_switch;
  AdwActionRow *access_code_row;
  GtkLabel    *sold_label;
  GtkLabel    *held_label;
  GtkLabel    *available_label;
  GtkLabel    *revenue_label;
  GtkStack    *seats_stack;
  CcmBarChart *seats_chart;
  CcmBarChart *orders_chart;
  GtkStack    *checkins_stack;
  GtkStack    *orders_stack;
  CcmBarChart *checkins_chart;
};

G_DEFINE_FINAL_TYPE (CcmOverviewPage, ccm_overview_page, GTK_TYPE_WIDGET)

static const char *const statuses[] = {
  "pending", "reserved", "partially-reserved", "confirmed", "expired", "cancelled",
};

static void
set_count (GtkLabel *label,
           gint64    value)
{
  g_autofree char *text = ccm_ui_format_count (value);

  gtk_label_set_text (label, text);
}

static gboolean publish_state_set_cb (CcmOverviewPage *self,
                                      gboolean         state,
                                      GtkSwitch       *button);

void
ccm_overview_page_refresh (CcmOverviewPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(JsonArray) seats = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonObject) checkins = NULL;
  g_autofree char *revenue = NULL;
  CcmStore *store;
  JsonObject *by_status;
  gint64 sold = 0, held = 0, available = 0;
  double orders = 0;
  gboolean published;

  g_return_if_fail (CCM_IS_OVERVIEW_PAGE (self));

  if (self->context == NULL || self->slug == NULL)
    return;
  store = ccm_context_get_store (self->context);

  conference = ccm_conference_views_get (store, self->slug, &error);
  if (conference == NULL)
    return;
  published = ccm_json_bool (conference, "published");
  g_signal_handlers_block_by_func (self->publish_switch, publish_state_set_cb, self);
  gtk_switch_set_active (self->publish_switch, published);
  gtk_switch_set_state (self->publish_switch, published);
  g_signal_handlers_unblock_by_func (self->publish_switch, publish_state_set_cb, self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->publish_switch),
                            ccm_context_may (self->context, published ? "UnpublishConference"
                                                                      : "PublishConference"));
  adw_action_row_set_subtitle (self->publish_row,
                               published ? _("Registration is open: orders are accepted.")
                                         : _("Registration is closed: no orders are accepted."));
  adw_action_row_set_subtitle (self->access_code_row, ccm_json_string (conference, "access_code"));

  ccm_bar_chart_clear (self->seats_chart);
  seats = ccm_seat_views_list (store, self->slug, &error);
  for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
    {
      JsonObject *o = json_array_get_object_element (seats, i);
      double values[3] = {
        ccm_json_int (o, "sold", 0),
        ccm_json_int (o, "reserved", 0),
        MAX (ccm_json_int (o, "available", 0), 0),
      };

      sold += values[0];
      held += values[1];
      available += values[2];
      ccm_bar_chart_append (self->seats_chart, ccm_json_string (o, "name"), values);
    }
  g_clear_error (&error);
  gtk_stack_set_visible_child_name (self->seats_stack,
                                    ccm_bar_chart_get_n_bars (self->seats_chart) > 0 ? "chart" : "empty");
  set_count (self->sold_label, sold);
  set_count (self->held_label, held);
  set_count (self->available_label, available);

  stats = ccm_ui_query_order_stats (store, self->slug, &error);
  g_clear_error (&error);
  by_status = stats != NULL ? json_object_get_object_member (stats, "by_status") : NULL;
  ccm_bar_chart_clear (self->orders_chart);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      double value = by_status != NULL ? ccm_json_int (by_status, statuses[i], 0) : 0;

      orders += value;
      ccm_bar_chart_append (self->orders_chart, ccm_ui_status_label (statuses[i]), &value);
    }
  gtk_stack_set_visible_child_name (self->orders_stack, orders > 0 ? "chart" : "empty");
  revenue = ccm_ui_format_money (stats != NULL ? ccm_json_int (stats, "revenue", 0) : 0,
                                 ccm_json_string (conference, "currency"));
  gtk_label_set_text (self->revenue_label, revenue);

  ccm_bar_chart_clear (self->checkins_chart);
  checkins = ccm_checkin_views_stats (store, self->slug, &error);
  if (checkins != NULL && json_object_has_member (checkins, "per_hour"))
    {
      JsonArray *hours = json_object_get_array_member (checkins, "per_hour");

      for (guint i = 0; hours != NULL && i < json_array_get_length (hours); i++)
        {
          JsonObject *o = json_array_get_object_element (hours, i);
          const char *hour = ccm_json_string (o, "hour");
          double value = ccm_json_int (o, "admitted", 0);
          g_autofree char *label = NULL;

          /* "2027-03-01T09:00:00Z" → "09:00" */
          label = hour != NULL && strlen (hour) >= 16 ? g_strndup (hour + 11, 5) : g_strdup (hour);
          ccm_bar_chart_append (self->checkins_chart, label != NULL ? label : "", &value);
        }
    }
  gtk_stack_set_visible_child_name (self->checkins_stack,
                                    ccm_bar_chart_get_n_bars (self->checkins_chart) > 0 ? "chart" : "empty");
}

static void
undo_publish_cb (CcmOverviewPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "slug", self->slug);
  outcome = ccm_context_submit (self->context, "UnpublishConference", args, &error);
  if (outcome == NULL)
    ccm_ui_show_error (GTK_WIDGET (self), error);
}

static gboolean
publish_state_set_cb (CcmOverviewPage *self,
                      gboolean         state,
                      GtkSwitch       *button)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args = json_object_new ();
  AdwToast *toast;

  json_object_set_string_member (args, "slug", self->slug);
  outcome = ccm_context_submit (self->context,
                                state ? "PublishConference" : "UnpublishConference",
                                args, &error);
  if (outcome == NULL)
    {
      ccm_ui_show_error (GTK_WIDGET (self), error);
      ccm_overview_page_refresh (self);
      return TRUE;
    }

  toast = adw_toast_new (state ? _("Published") : _("Unpublished"));
  if (state)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_publish_cb), self,
                               G_CONNECT_SWAPPED);
    }
  ccm_ui_add_toast (GTK_WIDGET (self), toast);
  ccm_overview_page_refresh (self);
  return TRUE;
}

static void
refresh_cb (gpointer page)
{
  CcmOverviewPage *self = page;

  ccm_overview_page_refresh (self);
}

static void
ccm_overview_page_dispose (GObject *object)
{
  CcmOverviewPage *self = CCM_OVERVIEW_PAGE (object);

  g_clear_pointer (&self->refresh, ccm_refresh_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CCM_TYPE_OVERVIEW_PAGE);
  ccm_ui_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->context);
  g_clear_pointer (&self->slug, g_free);
  G_OBJECT_CLASS (ccm_overview_page_parent_class)->dispose (object);
}

static void
ccm_overview_page_class_init (CcmOverviewPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ccm_overview_page_dispose;
  g_type_ensure (CCM_TYPE_BAR_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/contoso/Conference/ccm-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, publish_row);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, publish_switch);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, access_code_row);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, sold_label);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, held_label);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, available_label);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, revenue_label);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, seats_stack);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, seats_chart);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, orders_chart);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, checkins_stack);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, orders_stack);
  gtk_widget_class_bind_template_child (widget_class, CcmOverviewPage, checkins_chart);
}

static void
ccm_overview_page_init (CcmOverviewPage *self)
{
  const char *names[4];

  gtk_widget_init_template (GTK_WIDGET (self));

  names[0] = _("Sold");
  names[1] = _("Held");
  names[2] = _("Available");
  names[3] = NULL;
  ccm_bar_chart_set_series (self->seats_chart, names);
  ccm_bar_chart_set_vertical (self->orders_chart, TRUE);
  ccm_bar_chart_set_vertical (self->checkins_chart, TRUE);
  g_signal_connect_swapped (self->publish_switch, "state-set",
                            G_CALLBACK (publish_state_set_cb), self);
}

void
ccm_overview_page_set_context (CcmOverviewPage *self,
                               CcmContext      *context)
{
  g_return_if_fail (CCM_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  self->refresh = ccm_refresh_new (GTK_WIDGET (self), ccm_context_get_store (context), refresh_cb);
}

void
ccm_overview_page_set_conference (CcmOverviewPage *self,
                                  const char      *slug)
{
  g_return_if_fail (CCM_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (self->context != NULL);

  g_free (self->slug);
  self->slug = g_strdup (slug);
  ccm_refresh_now_or_when_shown (self->refresh);
}

