/* ccm-orders-page.c — every order of a conference, searchable, and one
 * order's detail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <string.h>

#include <glib/gi18n.h>

#include "ccm-attention.h"
#include "ccm-clock.h"
#include "ccm-event-describe.h"
#include "ccm-json.h"
#include "ccm-order-views.h"
#include "ccm-orders-page.h"
#include "ccm-store.h"
#include "ccm-ui-util.h"

typedef enum
{
  COLUMN_CODE,
  COLUMN_STATUS,
  COLUMN_REGISTRANT,
  COLUMN_SEATS,
  COLUMN_TOTAL,
  COLUMN_PLACED,
  N_COLUMNS
} Column;

typedef struct
{
  CcmOrdersPage *page;
  Column         column;
} ColumnSorter;

struct _CcmOrdersPage
{
  GtkWidget           parent_instance;

  CcmContext         *context;
  char               *slug;
  char               *order_id;        /* shown in the detail */
  CcmOrderListModel  *model;
  GtkSingleSelection *selection;
  GtkWidget          *cancel_button;   /* in the detail, owned by it */
  GtkWidget          *resume_button;   /* likewise; NULL when it cannot go on */
  GtkWidget          *cancel_dialog;   /* weak */
  ColumnSorter        sorters[N_COLUMNS];
  int                 probe_column;
  CcmRefresh         *refresh;
  GHashTable         *tentative;       /* order ids only tentative here */
  GPtrArray          *history_rows;    /* in the detail, owned by it */
  gint64              scroll_place;    /* to bring into sight once the list has a size; -1 */
  gboolean            select_pending;  /* order_id not found in the list yet: at the next refresh */
  guint               scroll_tick;
  GtkColumnViewColumn *narrow_columns[2]; /* left out beside the detail; owned by the view */
  int                 narrow_widths[2];   /* their widths meanwhile */

  AdwFlap            *flap;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *status_dropdown;
  GtkStack           *list_stack;
  GtkColumnView      *column_view;
  GtkLabel           *detail_title;
  GtkWidget          *pending_tag;
  GtkButton          *close_detail_button;
  GtkWidget          *detail_box;
};

G_DEFINE_FINAL_TYPE (CcmOrdersPage, ccm_orders_page, GTK_TYPE_WIDGET)

static const char *const dropdown_statuses[] = {
  NULL, "pending", "reserved", "partially-reserved", "confirmed", "expired", "cancelled",
};

static void show_detail (CcmOrdersPage *self);

/* Columns */

/* Shown where an order's effects are only tentative on an enrolled desk:
 * the server has not answered yet. */
static GtkWidget *
new_pending_tag (void)
{
  GtkWidget *tag = gtk_label_new (_("Pending sync"));

  gtk_widget_add_css_class (tag, "ccm-badge");
  gtk_widget_add_css_class (tag, "ccm-pending");
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (tag, _("This desk has not synced this order with the server yet"));
  gtk_widget_set_visible (tag, FALSE);
  return tag;
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  Column column = ((ColumnSorter *) user_data)->column;
  GtkWidget *label = gtk_label_new (NULL);

  if (column == COLUMN_STATUS)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *tag = new_pending_tag ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), tag);
      gtk_list_item_set_child (item, box);
    }
  else
    {
      gtk_label_set_xalign (GTK_LABEL (label), column == COLUMN_SEATS || column == COLUMN_TOTAL ? 1 : 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      if (column == COLUMN_CODE)
        gtk_widget_add_css_class (label, "monospace");
      if (column == COLUMN_SEATS || column == COLUMN_TOTAL)
        gtk_widget_add_css_class (label, "numeric");
      gtk_list_item_set_child (item, label);
    }
  /* Which place its row shows, for focus_follows_selection(), whichever
   * column was dragged first. */
  g_object_set_data (G_OBJECT (gtk_list_item_get_child (item)), "ccm-list-item", item);
}

/* Rows are places in the list: the one a cell shows may be given another
 * order (a search typed, an order placed elsewhere) and says "changed". */
static void
fill_cell (GtkListItem  *item,
           ColumnSorter *sorter)
{
  Column column = sorter->column;
  CcmOrderRow *row = gtk_list_item_get_item (item);
  GtkWidget *cell = gtk_list_item_get_child (item);
  GtkLabel *label = GTK_LABEL (GTK_IS_LABEL (cell) ? cell : gtk_widget_get_first_child (cell));
  g_autofree char *text = NULL;

  switch (column)
    {
    case COLUMN_CODE:
      gtk_label_set_text (label, ccm_order_row_get_access_code (row));
      break;
    case COLUMN_STATUS:
      gtk_label_set_text (label, ccm_ui_status_label (ccm_order_row_get_status (row)));
      gtk_widget_set_visible (gtk_widget_get_last_child (cell),
                              sorter->page->tentative != NULL &&
                              ccm_order_row_get_order_id (row) != NULL &&
                              g_hash_table_contains (sorter->page->tentative,
                                                     ccm_order_row_get_order_id (row)));
      break;
    case COLUMN_REGISTRANT:
      gtk_label_set_text (label, ccm_order_row_get_registrant (row) != NULL
                                   ? ccm_order_row_get_registrant (row) : "—");
      break;
    case COLUMN_SEATS:
      text = ccm_ui_format_count (ccm_order_row_get_seats (row));
      gtk_label_set_text (label, text);
      break;
    case COLUMN_TOTAL:
      text = ccm_ui_format_money (ccm_order_row_get_total (row), ccm_order_row_get_currency (row));
      gtk_label_set_text (label, text);
      break;
    case COLUMN_PLACED:
      text = ccm_ui_format_time (ccm_order_row_get_placed_at (row));
      gtk_label_set_text (label, text);
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
row_changed_cb (CcmOrderRow *row,
                GtkListItem *item)
{
  fill_cell (item, g_object_get_data (G_OBJECT (item), "ccm-column"));
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  g_object_set_data (G_OBJECT (item), "ccm-column", user_data);
  g_signal_connect (gtk_list_item_get_item (item), "changed", G_CALLBACK (row_changed_cb), item);
  fill_cell (item, user_data);
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (item), row_changed_cb, item);
}

static void list_to_top       (CcmOrdersPage *self);
static void update_list_stack (CcmOrdersPage *self);

/* GTK 4.8 cannot tell which column the view sorts by, and sorting 100 000
 * rows in memory would defeat the lazy model. So the columns' sorters are
 * only ever called by probe_sort(): with both probes "less than" in every
 * column, the first column asked is the primary one, and the sign of the
 * answer tells the direction. The database then sorts. */
static int
column_compare_cb (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  ColumnSorter *sorter = user_data;

  if (sorter->page->probe_column < 0)
    sorter->page->probe_column = sorter->column;
  return -1;
}

static void
sorter_changed_cb (CcmOrdersPage *self)
{
  static const CcmOrderSort keys[N_COLUMNS] = {
    CCM_ORDER_SORT_CODE, CCM_ORDER_SORT_STATUS, CCM_ORDER_SORT_REGISTRANT,
    CCM_ORDER_SORT_PLACED, CCM_ORDER_SORT_TOTAL, CCM_ORDER_SORT_PLACED,
  };
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  g_autoptr(CcmOrderRow) a = NULL, b = NULL;
  g_autoptr(JsonObject) empty = json_object_new ();
  GtkOrdering order;

  a = ccm_order_row_new_from_json (empty);
  b = ccm_order_row_new_from_json (empty);
  self->probe_column = -1;
  order = gtk_sorter_compare (sorter, a, b);

  list_to_top (self);
  if (self->probe_column < 0)
    ccm_order_list_model_set_sort (self->model, CCM_ORDER_SORT_PLACED, TRUE);
  else
    ccm_order_list_model_set_sort (self->model, keys[self->probe_column],
                                   order == GTK_ORDERING_LARGER);
  update_list_stack (self);
}

/* Returns the column, owned by the column view. */
static GtkColumnViewColumn *
add_column (CcmOrdersPage *self,
            Column         column,
            const char    *title,
            int            width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;
  GtkSorter *sorter;

  self->sorters[column].page = self;
  self->sorters[column].column = column;
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), &self->sorters[column]);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), &self->sorters[column]);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), &self->sorters[column]);
  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (view_column, width < 0);
  if (width > 0)
    gtk_column_view_column_set_fixed_width (view_column, width);
  gtk_column_view_column_set_resizable (view_column, TRUE);

  if (column != COLUMN_SEATS)
    {
      sorter = GTK_SORTER (gtk_custom_sorter_new (column_compare_cb, &self->sorters[column], NULL));
      gtk_column_view_column_set_sorter (view_column, sorter);
      g_object_unref (sorter);
    }

  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (view_column);
  return view_column;
}

/* With an order's detail beside it the list has about half the width: the
 * seats and the time placed, which the detail shows, give their room to the
 * totals (else cut off at the list's edge). GTK 4.8's column view counts a
 * hidden column's width when it shares out the room of the others, so a
 * hidden one is also made 0 wide, and gets its width back (the one it was
 * given, or that the user dragged it to) when it shows again. */
static void
flap_revealed_cb (CcmOrdersPage *self)
{
  gboolean detail = adw_flap_get_reveal_flap (self->flap);

  for (guint i = 0; i < G_N_ELEMENTS (self->narrow_columns); i++)
    {
      GtkColumnViewColumn *column = self->narrow_columns[i];

      if (gtk_column_view_column_get_visible (column) != detail)
        continue;
      if (detail)
        {
          self->narrow_widths[i] = gtk_column_view_column_get_fixed_width (column);
          gtk_column_view_column_set_fixed_width (column, 0);
        }
      else
        gtk_column_view_column_set_fixed_width (column, self->narrow_widths[i]);
      gtk_column_view_column_set_visible (column, !detail);
    }
}

/* List */

/* Once per refresh, not per row: which orders are only tentative here. */
static void
update_tentative (CcmOrdersPage *self)
{
  CcmStore *store;

  g_clear_pointer (&self->tentative, g_hash_table_unref);
  if (self->context == NULL)
    return;
  store = ccm_context_get_store (self->context);
  if (ccm_store_is_enrolled (store))
    self->tentative = ccm_store_tentative_keys (store, "order_views", NULL);
}

static gboolean
is_tentative (CcmOrdersPage *self,
              const char    *order_id)
{
  return self->tentative != NULL && order_id != NULL &&
         g_hash_table_contains (self->tentative, order_id);
}

static void
update_list_stack (CcmOrdersPage *self)
{
  gboolean filtered = gtk_drop_down_get_selected (self->status_dropdown) > 0 ||
                      *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0';

  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    gtk_stack_set_visible_child_name (self->list_stack, "list");
  else
    gtk_stack_set_visible_child_name (self->list_stack, filtered ? "no-results" : "empty");
}

/* Another search, state or sort: the list starts at its top again, with
 * nothing selected (the rows stay, showing other orders). Before the list
 * changes: GTK 4.8's list view, scrolled down to a place that a shorter
 * list no longer has, warns that it "failed to scroll to given position". */
static void
list_to_top (CcmOrdersPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

  self->scroll_place = -1;
  self->select_pending = FALSE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
}

static void
search_changed_cb (CcmOrdersPage *self)
{
  list_to_top (self);
  ccm_order_list_model_set_search (self->model,
                                   gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_list_stack (self);
}

/* Enter in the search opens the first order it finds, as a desk looking an
 * order up by its access code expects; the keyboard stays in the search for
 * the next one. The entry waits a moment before it says its text changed,
 * so the search is brought up to the text first (the list to its top). */
static void
search_activate_cb (CcmOrdersPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (*text == '\0')
    return;
  search_changed_cb (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

static void
status_selected_cb (CcmOrdersPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->status_dropdown);

  list_to_top (self);
  ccm_order_list_model_set_status (self->model,
                                   selected < G_N_ELEMENTS (dropdown_statuses)
                                     ? dropdown_statuses[selected] : NULL);
  update_list_stack (self);
}

static void
selection_changed_cb (CcmOrdersPage *self)
{
  CcmOrderRow *row = gtk_single_selection_get_selected_item (self->selection);

  if (row != NULL && ccm_order_row_get_order_id (row) != NULL &&
      g_strcmp0 (ccm_order_row_get_order_id (row), self->order_id) != 0)
    ccm_orders_page_show_order (self, ccm_order_row_get_order_id (row));
}

/* GTK 4.8's column view has no scroll_to. Its rows are all one height, so
 * a place is its share of the scrolled height: brought to the middle unless
 * it is in sight already. FALSE while the list has no size yet (its page
 * was shown this very moment). */
static gboolean
scroll_to_place (CcmOrdersPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  double lower, upper, page, value, row, top;

  if (self->scroll_place < 0 || (guint64) self->scroll_place >= n_items || adjustment == NULL)
    return TRUE;
  lower = gtk_adjustment_get_lower (adjustment);
  upper = gtk_adjustment_get_upper (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  if (page <= 0 || upper <= lower)
    return FALSE;

  row = (upper - lower) / n_items;
  top = lower + row * self->scroll_place;
  value = gtk_adjustment_get_value (adjustment);
  if (top < value || top + row > value + page)
    gtk_adjustment_set_value (adjustment, top - (page - row) / 2);
  self->scroll_place = -1;
  return TRUE;
}

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  CcmOrdersPage *self = CCM_ORDERS_PAGE (widget);

  if (!scroll_to_place (self))
    return G_SOURCE_CONTINUE;
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

/* An order opened from elsewhere (the attention list, the registration
 * page) is selected in the list and scrolled to, if the list holds it. */
static void
select_in_list (CcmOrdersPage *self)
{
  CcmOrderRow *selected = gtk_single_selection_get_selected_item (self->selection);
  gint64 position;

  if (self->order_id == NULL ||
      (selected != NULL && g_strcmp0 (ccm_order_row_get_order_id (selected), self->order_id) == 0))
    return;
  position = ccm_order_list_model_find (self->model, self->order_id);
  if (position < 0)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return;
    }
  self->select_pending = FALSE;
  gtk_single_selection_set_selected (self->selection, (guint) position);
  self->scroll_place = position;
  if (!scroll_to_place (self) && self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_tick_cb, NULL, NULL);
}

/* Detail */

static GtkWidget *
add_group (CcmOrdersPage *self,
           const char    *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (GTK_BOX (self->detail_box), group);
  return group;
}

static GtkWidget *
add_row (GtkWidget  *group,
         const char *title,
         const char *subtitle,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : "");
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (value != NULL)
    {
      GtkWidget *label = gtk_label_new (value);

      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static void
cancel_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    CcmOrdersPage    *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  const char *order_id = g_object_get_data (G_OBJECT (dialog), "order-id");
  const char *code = g_object_get_data (G_OBJECT (dialog), "access-code");
  g_autofree char *title = NULL;
  JsonObject *args;

  if (g_strcmp0 (response, "cancel") != 0)
    return;

  args = json_object_new ();
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "reason", _("Cancelled at the desk"));
  outcome = ccm_context_submit (self->context, "CancelOrder", args, &error);
  if (outcome == NULL)
    {
      ccm_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  /* TRANSLATORS: a toast; %s is the order's access code */
  title = g_strdup_printf (_("Order %s cancelled"), code);
  ccm_ui_add_toast (GTK_WIDGET (self), adw_toast_new (title));
}

static void
cancel_clicked_cb (CcmOrdersPage *self,
                   GtkButton     *button)
{
  const char *code = g_object_get_data (G_OBJECT (button), "access-code");
  g_autofree char *heading = g_strdup_printf (_("Cancel Order %s?"), code);
  GtkWidget *dialog;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                   _("Its seats go back on sale. A paid order gets a refund "
                                     "record on the attention list."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Order"),
                                    "cancel", _("_Cancel Order"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "order-id", g_strdup (self->order_id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "access-code", g_strdup (code), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response_cb), self, 0);
  g_set_weak_pointer (&self->cancel_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static int
compare_position (gconstpointer a,
                  gconstpointer b)
{
  const CcmEvent *x = *(CcmEvent * const *) a;
  const CcmEvent *y = *(CcmEvent * const *) b;

  return x->position < y->position ? -1 : x->position > y->position;
}

static void
append_stream (GPtrArray  *events,
               CcmStore   *store,
               const char *stream_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stream = ccm_store_read_stream (store, stream_id, 0, &error);

  if (stream == NULL)
    {
      g_warning ("Cannot read %s: %s", stream_id, error->message);
      return;
    }
  for (guint i = 0; i < stream->len; i++)
    g_ptr_array_add (events, ccm_event_ref (g_ptr_array_index (stream, i)));
}

/* The attention list's marks on items those events raised (a refund due
 * marked resolved), from the conference's attention stream. */
static void
append_attention_marks (GPtrArray  *events,
                        CcmStore   *store,
                        const char *slug)
{
  g_autoptr(GHashTable) streams = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) marks = NULL;
  g_autofree char *stream_id = ccm_attention_stream (slug);
  guint n = events->len;

  for (guint i = 0; i < n; i++)
    g_hash_table_add (streams, ((CcmEvent *) g_ptr_array_index (events, i))->stream_id);
  marks = ccm_store_read_stream (store, stream_id, 0, NULL);
  for (guint i = 0; marks != NULL && i < marks->len; i++)
    {
      CcmEvent *mark = g_ptr_array_index (marks, i);
      const char *item = ccm_json_string (mark->payload, "item");
      const char *hash = item != NULL ? strrchr (item, '#') : NULL;
      g_autofree char *item_stream = hash != NULL ? g_strndup (item, hash - item) : NULL;

      if (item_stream != NULL && g_hash_table_contains (streams, item_stream))
        g_ptr_array_add (events, ccm_event_ref (mark));
    }
}

/* The order's events, its payments' and its assignments', in log order,
 * and what the attention list's marks said of them. */
static void
add_history (CcmOrdersPage *self,
             JsonObject    *order)
{
  CcmStore *store = ccm_context_get_store (self->context);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_event_unref);
  g_autofree char *order_stream = g_strconcat ("order/", self->order_id, NULL);
  g_autofree char *assignments_stream = g_strconcat ("assignments/", self->order_id, NULL);
  JsonArray *payments;
  GtkWidget *group;

  append_stream (events, store, order_stream);
  payments = json_object_has_member (order, "payments") ? json_object_get_array_member (order, "payments") : NULL;
  for (guint i = 0; payments != NULL && i < json_array_get_length (payments); i++)
    {
      const char *payment_id = ccm_json_string (json_array_get_object_element (payments, i),
                                                "payment_id");
      g_autofree char *stream_id = NULL;

      if (payment_id == NULL)
        continue;
      stream_id = g_strconcat ("payment/", payment_id, NULL);
      append_stream (events, store, stream_id);
    }
  append_stream (events, store, assignments_stream);
  append_attention_marks (events, store, self->slug);
  g_ptr_array_sort (events, compare_position);

  group = add_group (self, _("History"));
  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;

      /* The totals follow every change of seats; the total row says them. */
      if (g_strcmp0 (event->type, "OrderTotalsCalculated") == 0)
        continue;
      title = ccm_event_describe (event);
      subtitle = ccm_event_describe_where (store, event);
      g_ptr_array_add (self->history_rows, add_row (group, title, subtitle, NULL));
    }
}

static gboolean
every_seat_named (JsonObject *order)
{
  JsonArray *attendees = json_object_has_member (order, "attendees")
                         ? json_object_get_array_member (order, "attendees") : NULL;

  for (guint i = 0; attendees != NULL && i < json_array_get_length (attendees); i++)
    if (ccm_json_string (json_array_get_object_element (attendees, i), "email") == NULL)
      return FALSE;
  return attendees != NULL && json_array_get_length (attendees) > 0;
}

static void
show_detail (CcmOrdersPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *title = NULL;
  g_autofree char *total = NULL;
  g_autofree char *placed = NULL;
  g_autofree char *expires = NULL;
  GtkWidget *group, *button;
  JsonArray *array;
  JsonObject *registrant;
  const char *status, *currency;
  gint64 placed_at = 0, expires_at = 0;

  ccm_ui_clear_box (self->detail_box);
  self->cancel_button = NULL;
  self->resume_button = NULL;
  g_ptr_array_set_size (self->history_rows, 0);
  if (self->order_id == NULL || self->slug == NULL)
    {
      adw_flap_set_reveal_flap (self->flap, FALSE);
      return;
    }

  order = ccm_order_views_get (ccm_context_get_store (self->context), self->slug,
                               self->order_id, &error);
  if (order == NULL)
    {
      adw_flap_set_reveal_flap (self->flap, FALSE);
      return;
    }

  /* It may have been opened by its access code. */
  if (g_strcmp0 (self->order_id, ccm_json_string (order, "order_id")) != 0)
    {
      g_free (self->order_id);
      self->order_id = g_strdup (ccm_json_string (order, "order_id"));
    }
  status = ccm_json_string (order, "status");
  currency = ccm_json_string (order, "currency");
  /* TRANSLATORS: the detail's title; %s is the order's access code */
  title = g_strdup_printf (_("Order %s"), ccm_json_string (order, "access_code"));
  gtk_label_set_text (self->detail_title, title);
  gtk_widget_set_visible (self->pending_tag, is_tentative (self, self->order_id));

  group = add_group (self, NULL);
  add_row (group, _("State"), NULL, ccm_ui_status_label (status));
  total = ccm_ui_format_money (ccm_json_int (order, "total", 0), currency);
  add_row (group, _("Total"), ccm_json_bool (order, "is_free") ? _("Free order") : NULL, total);
  if (ccm_json_string (order, "placed_at") != NULL &&
      ccm_time_parse (ccm_json_string (order, "placed_at"), &placed_at))
    {
      placed = ccm_ui_format_time (placed_at);
      add_row (group, _("Placed"), NULL, placed);
    }
  if ((g_strcmp0 (status, "reserved") == 0 || g_strcmp0 (status, "partially-reserved") == 0) &&
      ccm_json_string (order, "expires_at") != NULL &&
      ccm_time_parse (ccm_json_string (order, "expires_at"), &expires_at))
    {
      expires = ccm_ui_format_time (expires_at);
      add_row (group, _("Seats held until"), NULL, expires);
    }

  /* An order that can still go on is taken up on the registration page;
   * the button comes first, above a history that may be long. */
  /* Going on needs what a sales desk may do: naming attendees, paying. */
  if (g_strcmp0 (status, "cancelled") != 0 && g_strcmp0 (status, "expired") != 0 &&
      ccm_context_may (self->context, g_strcmp0 (status, "confirmed") == 0 ? "AssignSeat"
                                                                              : "CompletePayment"))
    {
      gboolean confirmed = g_strcmp0 (status, "confirmed") == 0;
      gboolean all_named = confirmed && every_seat_named (order);

      /* A confirmed order whose every seat has a name has nothing left to
       * do: its names can still change, but nothing asks for it. */
      button = gtk_button_new_with_mnemonic (!confirmed ? _("C_ontinue Registration")
                                             : all_named ? _("C_hange Attendees")
                                             : _("_Name Attendees"));
      if (!all_named)
        gtk_widget_add_css_class (button, "suggested-action");
      gtk_widget_add_css_class (button, "pill");
      gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.resume-order");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", ccm_json_string (order, "order_id"));
      gtk_box_append (GTK_BOX (self->detail_box), button);
      self->resume_button = button;
    }

  group = add_group (self, _("Seats"));
  array = json_object_has_member (order, "lines") ? json_object_get_array_member (order, "lines") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *line = json_array_get_object_element (array, i);
      g_autofree char *unit = ccm_ui_format_money (ccm_json_int (line, "unit_price", 0), currency);
      g_autofree char *subtitle = NULL;
      g_autofree char *line_total = ccm_ui_format_money (ccm_json_int (line, "line_total", 0), currency);

      if (ccm_json_int (line, "requested", 0) != ccm_json_int (line, "quantity", 0))
        /* TRANSLATORS: 2 of 3 asked × 199.00 EUR */
        subtitle = g_strdup_printf (_("%'lld of %'lld asked × %s"),
                                    (long long) ccm_json_int (line, "quantity", 0),
                                    (long long) ccm_json_int (line, "requested", 0), unit);
      else
        subtitle = g_strdup_printf ("%'" G_GINT64_FORMAT " × %s", ccm_json_int (line, "quantity", 0), unit);
      add_row (group, ccm_json_string (line, "name"), subtitle, line_total);
    }

  group = add_group (self, _("Registrant"));
  registrant = json_object_has_member (order, "registrant")
                 ? json_object_get_object_member (order, "registrant") : NULL;
  if (registrant != NULL && ccm_json_string (registrant, "email") != NULL)
    {
      g_autofree char *name = ccm_ui_full_name (ccm_json_string (registrant, "first_name"),
                                                ccm_json_string (registrant, "last_name"));
      add_row (group, name != NULL ? name : "", ccm_json_string (registrant, "email"), NULL);
    }
  else
    add_row (group, _("Not given yet"), NULL, NULL);

  group = add_group (self, _("Payment"));
  array = json_object_has_member (order, "payments") ? json_object_get_array_member (order, "payments") : NULL;
  if (array == NULL || json_array_get_length (array) == 0)
    add_row (group, ccm_json_bool (order, "is_free") ? _("No payment needed") : _("Not paid"),
             NULL, NULL);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *p = json_array_get_object_element (array, i);
      g_autofree char *amount = ccm_ui_format_money (ccm_json_int (p, "amount", 0), currency);

      add_row (group, ccm_ui_method_label (ccm_json_string (p, "method")),
               ccm_json_string (p, "status"), amount);
    }

  array = json_object_has_member (order, "attendees") ? json_object_get_array_member (order, "attendees") : NULL;
  if (array != NULL && json_array_get_length (array) > 0)
    {
      group = add_group (self, _("Attendees"));
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *a = json_array_get_object_element (array, i);
          g_autofree char *seat = g_strdup_printf (_("Seat %lld · %s"),
                                                   (long long) ccm_json_int (a, "position", 0) + 1,
                                                   ccm_json_string (a, "seat_type") ?: "");
          g_autofree char *who = NULL;

          if (ccm_json_string (a, "email") != NULL)
            who = g_strdup_printf ("%s %s <%s>", ccm_json_string (a, "first_name") ?: "",
                                   ccm_json_string (a, "last_name") ?: "",
                                   ccm_json_string (a, "email"));
          add_row (group, seat, who != NULL ? who : _("Not assigned"),
                   ccm_json_string (a, "ticket_code"));
        }
    }

  add_history (self, order);

  button = gtk_button_new_with_mnemonic (_("_Cancel Order…"));
  gtk_widget_add_css_class (button, "destructive-action");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "access-code",
                          g_strdup (ccm_json_string (order, "access_code")), g_free);
  /* An order that has ended has nothing to cancel: no button. One this
   * device's role may not cancel shows it, unavailable. */
  gtk_widget_set_visible (button, g_strcmp0 (status, "cancelled") != 0 &&
                                  g_strcmp0 (status, "expired") != 0);
  gtk_widget_set_sensitive (button, ccm_context_may (self->context, "CancelOrder"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  gtk_box_append (GTK_BOX (self->detail_box), button);
  self->cancel_button = button;

  adw_flap_set_reveal_flap (self->flap, TRUE);
}

static void
close_detail_cb (CcmOrdersPage *self)
{
  g_clear_pointer (&self->order_id, g_free);
  show_detail (self);
}

/* The column view's own list, where its rows and their focus are. */
static GtkWidget *
inner_list (CcmOrdersPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

/* Keyboard focus on a row stays at its place when the orders under the
 * rows move; it goes with the selection to the row now at `position`, so
 * the arrow keys go on from the selected order. GTK 4.8 has no call for
 * it: the row is found by the place its cells show (cell_setup_cb). */
static void
focus_follows_selection (CcmOrdersPage *self,
                         guint          position)
{
  GtkWidget *list = inner_list (self);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (list == NULL || focus == NULL || !gtk_widget_is_ancestor (focus, list))
    return;
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *cell = gtk_widget_get_first_child (row);
      GtkWidget *content = cell != NULL ? gtk_widget_get_first_child (cell) : NULL;
      GtkListItem *item = content != NULL ? g_object_get_data (G_OBJECT (content), "ccm-list-item") : NULL;

      if (item != NULL && gtk_list_item_get_position (item) == position)
        {
          if (row != focus)
            gtk_widget_grab_focus (row);
          return;
        }
    }
}

static void
refresh_cb (gpointer page)
{
  CcmOrdersPage *self = page;

  CcmOrderRow *selected = gtk_single_selection_get_selected_item (self->selection);
  gboolean was_selected = selected != NULL &&
                          g_strcmp0 (ccm_order_row_get_order_id (selected), self->order_id) == 0;

  update_tentative (self);
  ccm_order_list_model_reload (self->model);
  /* The selected place may show another order now (one that landed above
   * it moved it down): the order stays selected at its new place, and the
   * list stays where it is, not moving under the person's eyes. */
  selected = gtk_single_selection_get_selected_item (self->selection);
  if (selected != NULL && g_strcmp0 (ccm_order_row_get_order_id (selected), self->order_id) != 0)
    {
      gint64 position = was_selected ? ccm_order_list_model_find (self->model, self->order_id) : -1;

      gtk_single_selection_set_selected (self->selection,
                                         position >= 0 ? (guint) position : GTK_INVALID_LIST_POSITION);
      if (position >= 0)
        focus_follows_selection (self, (guint) position);
    }
  update_list_stack (self);
  show_detail (self);
  if (self->select_pending)
    {
      select_in_list (self);
      self->select_pending = FALSE;
    }
}

static void
ccm_orders_page_dispose (GObject *object)
{
  CcmOrdersPage *self = CCM_ORDERS_PAGE (object);

  if (self->cancel_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->cancel_dialog));
  g_clear_weak_pointer (&self->cancel_dialog);
  g_clear_pointer (&self->refresh, ccm_refresh_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CCM_TYPE_ORDERS_PAGE);
  ccm_ui_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->context);
  g_clear_pointer (&self->slug, g_free);
  g_clear_pointer (&self->order_id, g_free);
  g_clear_pointer (&self->tentative, g_hash_table_unref);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (ccm_orders_page_parent_class)->dispose (object);
}

static void
ccm_orders_page_class_init (CcmOrdersPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ccm_orders_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/contoso/Conference/ccm-orders-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CcmOrdersPage, flap);
  gtk_widget_class_bind_template_child (widget_class, CcmOrdersPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CcmOrdersPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CcmOrdersPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, CcmOrdersPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, CcmOrdersPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, CcmOrdersPage, pending_tag);
  gtk_widget_class_bind_template_child (widget_class, CcmOrdersPage, close_detail_button);
  gtk_widget_class_bind_template_child (widget_class, CcmOrdersPage, detail_box);
}

static void
ccm_orders_page_init (CcmOrdersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->history_rows = g_ptr_array_new ();
  self->scroll_place = -1;

  add_column (self, COLUMN_CODE, _("Code"), 90);
  add_column (self, COLUMN_STATUS, _("State"), 150);
  add_column (self, COLUMN_REGISTRANT, _("Registrant"), -1);
  self->narrow_columns[0] = add_column (self, COLUMN_SEATS, _("Seats"), 60);
  add_column (self, COLUMN_TOTAL, _("Total"), 120);
  self->narrow_columns[1] = add_column (self, COLUMN_PLACED, _("Placed"), 150);
  g_signal_connect_swapped (self->flap, "notify::reveal-flap",
                            G_CALLBACK (flap_revealed_cb), self);
  g_signal_connect_swapped (gtk_column_view_get_sorter (self->column_view), "changed",
                            G_CALLBACK (sorter_changed_cb), self);

  g_signal_connect_swapped (self->search_entry, "search-changed",
                            G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (self->search_entry, "activate",
                            G_CALLBACK (search_activate_cb), self);
  g_signal_connect_swapped (self->status_dropdown, "notify::selected",
                            G_CALLBACK (status_selected_cb), self);
  g_signal_connect_swapped (self->close_detail_button, "clicked",
                            G_CALLBACK (close_detail_cb), self);
}

void
ccm_orders_page_set_context (CcmOrdersPage *self,
                             CcmContext    *context)
{
  g_return_if_fail (CCM_IS_ORDERS_PAGE (self));
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  self->model = ccm_order_list_model_new (ccm_context_get_store (context));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (selection_changed_cb), self);
  update_tentative (self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  self->refresh = ccm_refresh_new (GTK_WIDGET (self), ccm_context_get_store (context), refresh_cb);
  update_list_stack (self);
}

void
ccm_orders_page_set_conference (CcmOrdersPage *self,
                                const char    *slug)
{
  g_return_if_fail (CCM_IS_ORDERS_PAGE (self));

  g_free (self->slug);
  self->slug = g_strdup (slug);
  g_clear_pointer (&self->order_id, g_free);
  ccm_order_list_model_set_conference (self->model, slug);
  update_list_stack (self);
  show_detail (self);
}

void
ccm_orders_page_focus_search (CcmOrdersPage *self)
{
  g_return_if_fail (CCM_IS_ORDERS_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
ccm_orders_page_show_order (CcmOrdersPage *self,
                            const char    *order_id)
{
  g_return_if_fail (CCM_IS_ORDERS_PAGE (self));

  if (g_strcmp0 (self->order_id, order_id) != 0)
    {
      g_free (self->order_id);
      self->order_id = g_strdup (order_id);
    }
  show_detail (self);
  /* A page shown this moment for the first time reads its list at its
   * refresh: the order is looked for again then. */
  self->select_pending = TRUE;
  select_in_list (self);
}

guint
ccm_orders_page_get_n_history_rows (CcmOrdersPage *self)
{
  g_return_val_if_fail (CCM_IS_ORDERS_PAGE (self), 0);
  return self->history_rows->len;
}

AdwActionRow *
ccm_orders_page_get_history_row (CcmOrdersPage *self,
                                 guint          index)
{
  g_return_val_if_fail (CCM_IS_ORDERS_PAGE (self), NULL);
  g_return_val_if_fail (index < self->history_rows->len, NULL);
  return g_ptr_array_index (self->history_rows, index);
}

gboolean
ccm_orders_page_get_detail_pending (CcmOrdersPage *self)
{
  g_return_val_if_fail (CCM_IS_ORDERS_PAGE (self), FALSE);
  return gtk_widget_get_visible (self->pending_tag);
}

CcmOrderListModel *
ccm_orders_page_get_model (CcmOrdersPage *self)
{
  g_return_val_if_fail (CCM_IS_ORDERS_PAGE (self), NULL);
  return self->model;
}

GtkWidget *
ccm_orders_page_get_cancel_button (CcmOrdersPage *self)
{
  g_return_val_if_fail (CCM_IS_ORDERS_PAGE (self), NULL);
  return self->cancel_button;
}

GtkWidget *
ccm_orders_page_get_resume_button (CcmOrdersPage *self)
{
  g_return_val_if_fail (CCM_IS_ORDERS_PAGE (self), NULL);
  return self->resume_button;
}

AdwMessageDialog *
ccm_orders_page_get_cancel_dialog (CcmOrdersPage *self)
{
  g_return_val_if_fail (CCM_IS_ORDERS_PAGE (self), NULL);
  return self->cancel_dialog != NULL ? ADW_MESSAGE_DIALOG (self->cancel_dialog) : NULL;
}
