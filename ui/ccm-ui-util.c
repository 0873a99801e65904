/* ccm-ui-util.c — small helpers shared by the pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "ccm-json.h"
#include "ccm-money.h"
#include "ccm-ui-resources.h"
#include "ccm-ui-util.h"

struct _CcmJsonItem
{
  GObject     parent_instance;
  JsonObject *object;
};

G_DEFINE_FINAL_TYPE (CcmJsonItem, ccm_json_item, G_TYPE_OBJECT)

static void
ccm_json_item_finalize (GObject *object)
{
  CcmJsonItem *self = CCM_JSON_ITEM (object);

  g_clear_pointer (&self->object, json_object_unref);
  G_OBJECT_CLASS (ccm_json_item_parent_class)->finalize (object);
}

static void
ccm_json_item_class_init (CcmJsonItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ccm_json_item_finalize;
}

static void
ccm_json_item_init (CcmJsonItem *self)
{
}

/* Takes a reference on object. */
CcmJsonItem *
ccm_json_item_new (JsonObject *object)
{
  CcmJsonItem *self = g_object_new (CCM_TYPE_JSON_ITEM, NULL);

  self->object = json_object_ref (object);
  return self;
}

JsonObject *
ccm_json_item_get_object (CcmJsonItem *self)
{
  g_return_val_if_fail (CCM_IS_JSON_ITEM (self), NULL);
  return self->object;
}

const char *
ccm_json_item_get_string (CcmJsonItem *self,
                          const char  *member)
{
  g_return_val_if_fail (CCM_IS_JSON_ITEM (self), NULL);
  return ccm_json_string (self->object, member);
}

gint64
ccm_json_item_get_int (CcmJsonItem *self,
                       const char  *member)
{
  g_return_val_if_fail (CCM_IS_JSON_ITEM (self), 0);
  return ccm_json_int (self->object, member, 0);
}

char *
ccm_ui_format_money (gint64      cents,
                     const char *currency)
{
  return ccm_money_format (cents, currency, CCM_MONEY_LOCALIZED);
}

char *
ccm_ui_format_count (gint64 count)
{
  /* The ' flag groups as LC_NUMERIC says (nothing in C). */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

/* "12", "12.5", "12.50" or "12,50" → cents; FALSE on anything else. */
gboolean
ccm_ui_parse_money (const char *text,
                    gint64     *cents)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  char *sep;
  gint64 whole = 0, frac = 0;
  guint frac_digits = 0;

  if (*copy == '\0')
    return FALSE;
  sep = strpbrk (copy, ".,");
  if (sep != NULL)
    *sep = '\0';
  for (const char *p = copy; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) || whole > G_MAXINT64 / 1000)
        return FALSE;
      whole = whole * 10 + (*p - '0');
    }
  if (sep != NULL)
    for (const char *p = sep + 1; *p != '\0'; p++)
      {
        if (!g_ascii_isdigit (*p) || ++frac_digits > 2)
          return FALSE;
        frac = frac * 10 + (*p - '0');
      }
  if (frac_digits == 1)
    frac *= 10;
  *cents = whole * 100 + frac;
  return TRUE;
}

char *
ccm_ui_format_date_range (const char *start_date,
                          const char *end_date)
{
  if (start_date == NULL || *start_date == '\0')
    return g_strdup ("");
  if (end_date == NULL || g_str_equal (start_date, end_date))
    return g_strdup (start_date);
  /* TRANSLATORS: a conference's dates, start – end */
  return g_strdup_printf (_("%s – %s"), start_date, end_date);
}

char *
ccm_ui_format_time (gint64 time_us)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
ccm_ui_full_name (const char *first,
                  const char *last)
{
  char *name = g_strstrip (g_strjoin (" ", first != NULL ? first : "", last != NULL ? last : "", NULL));

  /* One name alone leaves a space between the two that strip takes away. */
  if (*name == '\0')
    g_clear_pointer (&name, g_free);
  return name;
}

const char *
ccm_ui_status_label (const char *status)
{
  if (status == NULL)
    return "";
  if (g_str_equal (status, "pending"))
    return C_("order status", "Pending");
  if (g_str_equal (status, "reserved"))
    return C_("order status", "Reserved");
  if (g_str_equal (status, "partially-reserved"))
    return C_("order status", "Partially reserved");
  if (g_str_equal (status, "confirmed"))
    return C_("order status", "Confirmed");
  if (g_str_equal (status, "expired"))
    return C_("order status", "Expired");
  if (g_str_equal (status, "cancelled"))
    return C_("order status", "Cancelled");
  return status;
}

const char *
ccm_ui_method_label (const char *method)
{
  if (g_strcmp0 (method, "cash") == 0)
    return C_("payment method", "Cash");
  if (g_strcmp0 (method, "card") == 0)
    return C_("payment method", "Card terminal");
  if (g_strcmp0 (method, "invoice") == 0)
    return C_("payment method", "Invoice");
  if (g_strcmp0 (method, "processor") == 0)
    return C_("payment method", "Payment processor");
  return method != NULL ? method : "";
}

void
ccm_ui_row_set_error (GtkWidget  *row,
                      GtkLabel   *message_label,
                      const char *message)
{
  gboolean failed = message != NULL && *message != '\0';

  if (row != NULL)
    {
      if (failed)
        gtk_widget_add_css_class (row, "error");
      else
        gtk_widget_remove_css_class (row, "error");
    }
  if (message_label != NULL)
    {
      gtk_label_set_text (message_label, failed ? message : "");
      gtk_widget_set_visible (GTK_WIDGET (message_label), failed);
    }
  if (failed && row != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                    -1);
}

void
ccm_ui_set_accessible_label (GtkWidget  *widget,
                             const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

void
ccm_ui_clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_BOX (box))
        gtk_box_remove (GTK_BOX (box), child);
      else if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_widget_unparent (child);
    }
}

GtkWidget *
ccm_ui_row_add_button_box (AdwActionRow *row,
                           gboolean      stacked)
{
  GtkWidget *box = gtk_box_new (stacked ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (row, box);
  g_object_set_data (G_OBJECT (row), "ccm-button-box", box);
  return box;
}

void
ccm_ui_list_stack_buttons (GtkListBox *list,
                           gboolean    stacked)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = g_object_get_data (G_OBJECT (row), "ccm-button-box");

      if (box != NULL)
        gtk_orientable_set_orientation (GTK_ORIENTABLE (box), stacked ? GTK_ORIENTATION_VERTICAL
                                                                      : GTK_ORIENTATION_HORIZONTAL);
    }
}

/* Takes ownership of toast. */
void
ccm_ui_add_toast (GtkWidget *widget,
                  AdwToast  *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (toast);
}

/* A refusal the page has no field for: a toast with the reason. */
void
ccm_ui_show_error (GtkWidget    *widget,
                   const GError *error)
{
  AdwToast *toast = adw_toast_new (error->message);

  adw_toast_set_timeout (toast, 6);
  ccm_ui_add_toast (widget, toast);
}

void
ccm_ui_ensure_resources (void)
{
  g_assert (ccm_ui_get_resource () != NULL);
}

/* For GtkWidget subclasses with a template: what the template parented
 * must go before the widget finalizes. */
void
ccm_ui_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

struct _CcmRefresh
{
  GtkWidget *page;        /* not owned: the page owns this */
  CcmStore *store;
  CcmRefreshFunc refresh; /* called with the page */
  guint idle_id;
  gboolean stale;         /* changed while off screen */
  gulong map_id;
  gulong changed_id;
  gint64 ready_at;        /* monotonic µs: not sooner, in a burst */
};

/* In a long burst of commits, refreshing takes at most a quarter of the
 * time: the commits go on, and the page still shows how far they are. */
#define REFRESH_SHARE 4

static guint n_scheduled;

static gboolean
refresh_idle_cb (gpointer user_data)
{
  CcmRefresh *self = user_data;
  gint64 start = g_get_monotonic_time ();

  self->idle_id = 0;
  n_scheduled--;
  self->refresh (self->page);
  self->ready_at = start + REFRESH_SHARE * (g_get_monotonic_time () - start);
  return G_SOURCE_REMOVE;
}

static void
schedule (CcmRefresh *self,
          int         priority)
{
  gint64 wait_ms = (self->ready_at - g_get_monotonic_time ()) / 1000;

  if (self->idle_id != 0)
    return;
  n_scheduled++;
  if (wait_ms > 0)
    self->idle_id = g_timeout_add_full (priority, (guint) wait_ms, refresh_idle_cb, self, NULL);
  else
    self->idle_id = g_idle_add_full (priority, refresh_idle_cb, self, NULL);
}

static void
unschedule (CcmRefresh *self)
{
  if (self->idle_id == 0)
    return;
  g_clear_handle_id (&self->idle_id, g_source_remove);
  n_scheduled--;
}

/* Before the frame that shows the page is drawn. */
static void
page_map_cb (CcmRefresh *self)
{
  if (!self->stale)
    return;
  self->stale = FALSE;
  self->ready_at = 0;
  unschedule (self);
  schedule (self, G_PRIORITY_HIGH_IDLE);
}

CcmRefresh *
ccm_refresh_new (GtkWidget      *page,
                 CcmStore       *store,
                 CcmRefreshFunc  refresh)
{
  CcmRefresh *self = g_new0 (CcmRefresh, 1);

  self->page = page;
  self->store = g_object_ref (store);
  self->refresh = refresh;
  self->map_id = g_signal_connect_swapped (page, "map", G_CALLBACK (page_map_cb), self);
  self->changed_id = g_signal_connect_swapped (store, "changed", G_CALLBACK (ccm_refresh_queue), self);
  return self;
}

void
ccm_refresh_queue (CcmRefresh *self)
{
  if (gtk_widget_get_mapped (self->page))
    schedule (self, G_PRIORITY_DEFAULT_IDLE);
  else
    self->stale = TRUE;
}

void
ccm_refresh_now_or_when_shown (CcmRefresh *self)
{
  if (!gtk_widget_get_mapped (self->page))
    {
      self->stale = TRUE;
      return;
    }
  unschedule (self);
  self->stale = FALSE;
  self->refresh (self->page);
}

void
ccm_refresh_free (CcmRefresh *self)
{
  if (self == NULL)
    return;
  unschedule (self);
  g_clear_signal_handler (&self->map_id, self->page);
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_free (self);
}

guint
ccm_refresh_count_scheduled (void)
{
  return n_scheduled;
}
