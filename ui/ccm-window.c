/* ccm-window.c — the main window: conferences beside their pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-attention.h"
#include "ccm-attention-row.h"
#include "ccm-conference-dialog.h"
#include "ccm-clock.h"
#include "ccm-conference-views.h"
#include "ccm-json.h"
#include "ccm-order-views.h"
#include "ccm-sync-indicator.h"
#include "ccm-transfer.h"
#include "ccm-ui-util.h"
#include "ccm-window-private.h"

struct _CcmWindow
{
  AdwApplicationWindow  parent_instance;

  CcmContext           *context;
  GListStore           *conferences;
  GtkSingleSelection   *selection;
  char                 *slug;
  GtkWidget            *dialog;      /* weak */
  GtkWidget            *attention_dialog;  /* weak */
  guint                 n_attention;
  gboolean              attention_stale;
  char                 *attention_kind;    /* the list shows only this kind; NULL: all */
  guint                 attention_limit;   /* how many items it shows at most */
  gint64                attention_open;    /* how many of its kind are open */
  gint64                attention_total;   /* and how many there are, resolved included */
  GPtrArray            *bulk_items;        /* the items "Mark All Resolved" marked last */
  char                 *bulk_conference;   /* and their conference, for the toast's Undo */
  GHashTable           *shown_items;       /* the keys of the items the rows show */
  GPtrArray            *attention_kinds;   /* the kind of each of attention_kind_dropdown's
                                            * entries, NULL for the first, "all" */
  gboolean              listing_kinds;
  guint                 reload_id;
  gboolean              narrow;
  guint                 narrow_id;
  gboolean              checkin_mode;
  char                 *transfer_file;  /* tests: the file exports and imports use */

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkStack             *sidebar_stack;
  GtkListView          *conference_list;
  GtkStack             *content_stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack         *view_stack;
  GtkButton            *back_button;
  GtkWidget            *edit_button;
  CcmSyncIndicator     *sync_indicator;
  CcmOverviewPage      *overview_page;
  CcmSeatTypesPage     *seat_types_page;
  CcmOrdersPage        *orders_page;
  CcmRegistrationPage  *registration_page;
  CcmCheckinPage       *checkin_page;
  GtkWidget            *sidebar_separator;
  AdwViewStackPage     *attention_stack_page;
  GtkStack             *attention_stack;
  AdwPreferencesGroup  *attention_group;
  GtkDropDown          *attention_kind_dropdown;
  GtkListBox           *attention_list;
  AdwPreferencesGroup  *resolved_group;
  GtkListBox           *resolved_list;
  GtkWidget            *attention_more_button;
  GtkWidget            *resolve_kind_button;
};

G_DEFINE_FINAL_TYPE (CcmWindow, ccm_window, ADW_TYPE_APPLICATION_WINDOW)

/* The attention rows made at once, and added by each "Show More". */
#define ATTENTION_ROWS 30

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The sidebar */

static void
conference_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *dates = gtk_label_new (NULL);
  GtkWidget *badge = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (dates), 0);
  gtk_widget_add_css_class (dates, "caption");
  gtk_widget_add_css_class (dates, "dim-label");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "ccm-badge");
  gtk_box_append (GTK_BOX (text), name);
  gtk_box_append (GTK_BOX (text), dates);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_list_item_set_child (item, box);
}

static void
conference_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  CcmJsonItem *conference = gtk_list_item_get_item (item);
  JsonObject *o = ccm_json_item_get_object (conference);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *text = gtk_widget_get_first_child (box);
  GtkWidget *name = gtk_widget_get_first_child (text);
  GtkWidget *dates = gtk_widget_get_next_sibling (name);
  GtkWidget *badge = gtk_widget_get_next_sibling (text);
  g_autofree char *range = ccm_ui_format_date_range (ccm_json_string (o, "start_date"),
                                                     ccm_json_string (o, "end_date"));
  gboolean published = ccm_json_bool (o, "published");

  gtk_label_set_text (GTK_LABEL (name), ccm_json_string (o, "name"));
  gtk_label_set_text (GTK_LABEL (dates), range);
  gtk_label_set_text (GTK_LABEL (badge), published ? _("Published") : _("Draft"));
  if (published)
    gtk_widget_add_css_class (badge, "ccm-published");
  else
    gtk_widget_remove_css_class (badge, "ccm-published");
}

static void
update_title (CcmWindow *self)
{
  JsonObject *o = NULL;
  guint pos = gtk_single_selection_get_selected (self->selection);
  g_autoptr(CcmJsonItem) item = NULL;

  if (pos != GTK_INVALID_LIST_POSITION)
    item = g_list_model_get_item (G_LIST_MODEL (self->conferences), pos);
  if (item != NULL)
    o = ccm_json_item_get_object (item);

  if (o != NULL)
    {
      g_autofree char *range = ccm_ui_format_date_range (ccm_json_string (o, "start_date"),
                                                         ccm_json_string (o, "end_date"));
      adw_view_switcher_title_set_title (self->switcher_title, ccm_json_string (o, "name"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, range);
    }
  else
    {
      adw_view_switcher_title_set_title (self->switcher_title, _("Contoso Conference"));
      adw_view_switcher_title_set_subtitle (self->switcher_title, "");
    }
}

static gboolean
attention_shown (CcmWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "attention") == 0;
}

typedef struct
{
  JsonObject *kind;
  guint       place;   /* in the dropdown before; G_MAXUINT: new there */
  guint       order;   /* in the store's answer: the most open first */
} KindPlace;

static int
compare_kind_places (gconstpointer a,
                     gconstpointer b)
{
  const KindPlace *x = a, *y = b;

  if (x->place != y->place)
    return x->place < y->place ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The kinds the conference's list holds, in the dropdown that picks one:
 * "All kinds (6,331)", then each kind with how many of it are open, the
 * most first when the dropdown first appears for the conference; after that
 * each kind keeps its place while the counts change (a kind newly listed
 * comes last), so that what a person is about to pick does not move. The
 * kind picked stays offered while it has none left open, so the list does
 * not change under a person reading it. Returns how many items the list
 * shown covers, kind or all, open in *open. */
static gint64
list_attention_kinds (CcmWindow *self,
                      JsonArray *kinds,
                      gint64    *open)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) places = g_array_new (FALSE, FALSE, sizeof (KindPlace));
  g_autofree char *all = ccm_ui_format_count (self->n_attention);
  GListModel *model = gtk_drop_down_get_model (self->attention_kind_dropdown);
  gboolean same, found = self->attention_kind == NULL;
  gint64 total = 0, kind_total = 0;
  guint selected = 0;

  *open = self->n_attention;

  for (guint i = 0; kinds != NULL && i < json_array_get_length (kinds); i++)
    {
      KindPlace place = { json_array_get_object_element (kinds, i), G_MAXUINT, i };
      const char *kind = ccm_json_string (place.kind, "kind");

      /* Places kept only from a dropdown that was shown (two kinds or more). */
      for (guint j = 1; self->attention_kinds->len > 2 && j < self->attention_kinds->len; j++)
        if (g_strcmp0 (g_ptr_array_index (self->attention_kinds, j), kind) == 0)
          {
            place.place = j;
            break;
          }
      g_array_append_val (places, place);
    }
  g_array_sort (places, compare_kind_places);

  /* TRANSLATORS: the attention list's filter: every item, and how many are open */
  g_ptr_array_add (labels, g_strdup_printf (_("All kinds (%s)"), all));
  g_ptr_array_add (names, NULL);
  for (guint i = 0; i < places->len; i++)
    {
      JsonObject *k = g_array_index (places, KindPlace, i).kind;
      const char *kind = ccm_json_string (k, "kind");
      const char *label = ccm_attention_views_kind_label (kind);
      g_autofree char *count = ccm_ui_format_count (ccm_json_int (k, "open", 0));

      total += ccm_json_int (k, "total", 0);
      if (g_strcmp0 (kind, self->attention_kind) == 0)
        {
          found = TRUE;
          selected = labels->len;
          *open = ccm_json_int (k, "open", 0);
          kind_total = ccm_json_int (k, "total", 0);
        }
      /* TRANSLATORS: a kind of attention item ("Refunds due") and how many are open */
      g_ptr_array_add (labels, g_strdup_printf (_("%s (%s)"), label != NULL ? label : kind, count));
      g_ptr_array_add (names, g_strdup (kind));
    }
  if (!found)
    {
      const char *label = ccm_attention_views_kind_label (self->attention_kind);

      selected = labels->len;
      *open = 0;
      g_ptr_array_add (labels, g_strdup_printf (_("%s (%s)"),
                                                label != NULL ? label : self->attention_kind, "0"));
      g_ptr_array_add (names, g_strdup (self->attention_kind));
    }

  /* A model made anew closes the dropdown's popover: only when it changed. */
  same = model != NULL && g_list_model_get_n_items (model) == labels->len;
  for (guint i = 0; same && i < labels->len; i++)
    same = g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i),
                        g_ptr_array_index (labels, i));
  if (!same)
    {
      g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

      for (guint i = 0; i < labels->len; i++)
        gtk_string_list_append (list, g_ptr_array_index (labels, i));
      self->listing_kinds = TRUE;
      gtk_drop_down_set_model (self->attention_kind_dropdown, G_LIST_MODEL (list));
      gtk_drop_down_set_selected (self->attention_kind_dropdown, selected);
      self->listing_kinds = FALSE;
    }
  g_ptr_array_unref (self->attention_kinds);
  self->attention_kinds = g_steal_pointer (&names);
  /* One kind alone needs no choosing. */
  gtk_widget_set_visible (GTK_WIDGET (self->attention_kind_dropdown), self->attention_kinds->len > 2);
  return self->attention_kind != NULL ? kind_total : total;
}

/* The rows of the items not shown yet: those still open in the list of
 * what needs someone, the resolved in theirs. */
static void
append_attention_rows (CcmWindow *self,
                       JsonArray *items)
{
  gboolean can_mark = ccm_context_may (self->context, "ResolveAttention");

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *key = ccm_json_string (item, "item");

      if (key != NULL && !g_hash_table_add (self->shown_items, g_strdup (key)))
        continue;

      if (ccm_json_bool (item, "resolved"))
        gtk_list_box_append (self->resolved_list, ccm_attention_row_new (item, can_mark, self->narrow));
      else
        gtk_list_box_append (self->attention_list, ccm_attention_row_new (item, can_mark, self->narrow));
    }
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += GTK_IS_LIST_BOX_ROW (child);
  return n;
}

static void
show_attention_counts (CcmWindow *self,
                       gint64     open,
                       gint64     total)
{
  guint n_open = count_rows (self->attention_list);
  guint n_resolved = count_rows (self->resolved_list);
  g_autofree char *description = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->attention_list), n_open > 0);
  if (n_open > 0 && open > n_open)
    {
      g_autofree char *shown = ccm_ui_format_count (n_open);
      g_autofree char *of = ccm_ui_format_count (open);

      description = g_strdup_printf (self->attention_kind == NULL && self->attention_kinds->len > 2
                                     ? _("The newest %s of %s are shown; choose a kind, or show "
                                         "more at the end.")
                                     : _("The newest %s of %s are shown; more at the end."),
                                     shown, of);
    }
  adw_preferences_group_set_description (self->attention_group,
                                         description != NULL ? description
                                         : n_open > 0 ? _("Each item says what happened and what to do about it.")
                                                      : _("Nothing needs attention now."));
  gtk_widget_set_visible (GTK_WIDGET (self->resolved_group), n_resolved > 0);
  gtk_widget_set_visible (self->attention_more_button, total > n_open + n_resolved);
  /* Items of one kind, dealt with in one go: every refund of a cancelled
   * conference paid back. */
  gtk_widget_set_visible (self->resolve_kind_button,
                          self->attention_kind != NULL && open > 1 &&
                          ccm_context_may (self->context, "ResolveAttention"));
  gtk_stack_set_visible_child_name (self->attention_stack,
                                    n_open + n_resolved > 0 || self->attention_kind != NULL
                                    ? "list" : "empty");
}

/* The count (the page's badge) always; the rows only while the page is
 * shown, or when it is next shown: rows of wrapped text take long to lay
 * out (about 10 ms each), so the newest few are made, and more at the
 * end of the list when asked for. */
static void
refresh_attention (CcmWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = NULL;
  g_autoptr(JsonArray) kinds = NULL;
  CcmStore *store = ccm_context_get_store (self->context);
  gint64 n = 0, open, total;

  /* Shown, the page counts its items kind by kind, which adds up to the
   * badge's count; hidden, only that count is needed. */
  if (self->slug != NULL && attention_shown (self))
    kinds = ccm_attention_views_kinds (store, self->slug, &error);
  else if (self->slug != NULL)
    n = ccm_attention_views_count (store, self->slug, &error);
  if (error != NULL)
    g_debug ("Attention list: %s", error->message);
  g_clear_error (&error);
  for (guint i = 0; kinds != NULL && i < json_array_get_length (kinds); i++)
    n += ccm_json_int (json_array_get_object_element (kinds, i), "open", 0);
  self->n_attention = n > 0 ? (guint) n : 0;
  adw_view_stack_page_set_badge_number (self->attention_stack_page, self->n_attention);
  adw_view_stack_page_set_needs_attention (self->attention_stack_page, self->n_attention > 0);

  self->attention_stale = !attention_shown (self);
  if (self->attention_stale)
    {
      gtk_stack_set_visible_child_name (self->attention_stack,
                                        self->n_attention > 0 ? "list" : "empty");
      return;
    }

  total = list_attention_kinds (self, kinds, &open);
  ccm_ui_clear_box (GTK_WIDGET (self->attention_list));
  ccm_ui_clear_box (GTK_WIDGET (self->resolved_list));
  g_hash_table_remove_all (self->shown_items);
  if (self->slug != NULL)
    items = ccm_attention_views_newest (store, self->slug, self->attention_kind,
                                        self->attention_limit, &error);
  if (error != NULL)
    g_debug ("Attention list: %s", error->message);
  /* What needs someone, newest first, then what was dealt with. */
  append_attention_rows (self, items);
  self->attention_total = total;
  self->attention_open = open;
  show_attention_counts (self, open, total);
}

/* The next rows after those shown, in the order the list gives them (the
 * rows shown stay as they are: made anew, they would all be laid out
 * again); the keyboard goes on from the first of them. */
static void
more_attention_cb (CcmWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = NULL;
  guint n_open = count_rows (self->attention_list);
  guint n_resolved = count_rows (self->resolved_list);
  GtkListBoxRow *first_new;

  self->attention_limit += ATTENTION_ROWS;
  if (self->slug != NULL)
    items = ccm_attention_views_newest (ccm_context_get_store (self->context), self->slug,
                                        self->attention_kind, self->attention_limit, &error);
  if (error != NULL)
    g_debug ("Attention list: %s", error->message);
  append_attention_rows (self, items);
  show_attention_counts (self, self->attention_open, self->attention_total);
  first_new = gtk_list_box_get_row_at_index (self->attention_list, (int) n_open);
  if (first_new == NULL)
    first_new = gtk_list_box_get_row_at_index (self->resolved_list, (int) n_resolved);
  if (first_new != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (first_new));
}

static void
attention_kind_cb (CcmWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->attention_kind_dropdown);

  if (self->listing_kinds || selected >= self->attention_kinds->len)
    return;
  g_free (self->attention_kind);
  self->attention_kind = g_strdup (g_ptr_array_index (self->attention_kinds, selected));
  self->attention_limit = ATTENTION_ROWS;
  refresh_attention (self);
}

/* A toast whose Undo runs `action` (with `target`, NULL for none). */
static void
add_undo_toast (CcmWindow  *self,
                const char *text,
                const char *action,
                GVariant   *target)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, action);
  if (target != NULL)
    adw_toast_set_action_target_value (toast, target);
  ccm_window_add_toast (self, toast);
}

static void
mark_attention (CcmWindow  *self,
                const char *type,
                const char *item,
                const char *note)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(JsonObject) found = NULL;
  JsonObject *args;

  /* The item's own conference: a toast's Undo may come after another
   * conference was chosen. */
  found = ccm_attention_views_get (ccm_context_get_store (self->context), item, &error);
  if (found == NULL)
    {
      ccm_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  args = json_object_new ();
  json_object_set_string_member (args, "conference", ccm_json_string (found, "conference"));
  json_object_set_string_member (args, "item", item);
  if (note != NULL && *note != '\0')
    json_object_set_string_member (args, "note", note);
  outcome = ccm_context_submit (self->context, type, args, &error);
  if (outcome == NULL)
    {
      ccm_ui_show_error (GTK_WIDGET (self), error);
      return;
    }

  if (g_str_equal (type, "ReopenAttention"))
    {
      ccm_window_add_toast (self, adw_toast_new (_("Reopened")));
      return;
    }
  add_undo_toast (self, _("Marked resolved"), "win.reopen-attention", g_variant_new_string (item));
}

/* "Mark as Resolved?": what the item is, and a note of what was done,
 * which may stay empty ("note" of the dialog's data). */
static GtkWidget *
resolve_dialog_new (CcmWindow  *self,
                    const char *heading,
                    const char *body,
                    const char *resolve_label)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  GtkWidget *note = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (note), _("What was done (optional)"));
  gtk_entry_set_activates_default (GTK_ENTRY (note), TRUE);
  gtk_entry_set_max_length (GTK_ENTRY (note), CCM_ATTENTION_NOTE_MAX);
  ccm_ui_set_accessible_label (note, _("What was done"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), note);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "resolve", resolve_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "resolve",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "resolve");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "note", note);
  return dialog;
}

static void
resolve_dialog_present (CcmWindow *self,
                        GtkWidget *dialog)
{
  g_set_weak_pointer (&self->attention_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (g_object_get_data (G_OBJECT (dialog), "note"));
}

static void
resolve_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     CcmWindow        *self)
{
  GtkEditable *note = g_object_get_data (G_OBJECT (dialog), "note");

  if (g_strcmp0 (response, "resolve") == 0)
    mark_attention (self, "ResolveAttention", g_object_get_data (G_OBJECT (dialog), "item"),
                    gtk_editable_get_text (note));
}

/* Asks what was done (a note, which may stay empty), then marks the item. */
static void
resolve_attention_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  CcmWindow *self = CCM_WINDOW (widget);
  const char *item = g_variant_get_string (parameter, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) found = NULL;
  GtkWidget *dialog;

  found = ccm_attention_views_get (ccm_context_get_store (self->context), item, &error);
  if (found == NULL)
    {
      ccm_ui_show_error (widget, error);
      return;
    }

  dialog = resolve_dialog_new (self, _("Mark as Resolved?"), ccm_json_string (found, "message"),
                               _("_Mark Resolved"));
  g_object_set_data_full (G_OBJECT (dialog), "item", g_strdup (item), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (resolve_response_cb), self, 0);
  resolve_dialog_present (self, dialog);
}

static CcmOutcome *
submit_cb (gpointer     user_data,
           const char  *type,
           JsonObject  *args,
           GError     **error)
{
  return ccm_context_submit (CCM_CONTEXT (user_data), type, args, error);
}

/* Marks `items` of conference `slug` resolved or reopened (`type`), all or none. */
static gboolean
mark_attention_items (CcmWindow   *self,
                      const char  *type,
                      const char  *slug,
                      GPtrArray   *items,
                      const char  *note,
                      GError     **error)
{
  return ccm_attention_mark_items (ccm_context_get_store (self->context), type, slug, items, note,
                                   submit_cb, self->context, error) >= 0;
}

static void
resolve_kind_response_cb (AdwMessageDialog *dialog,
                          const char       *response,
                          CcmWindow        *self)
{
  GPtrArray *items = g_object_get_data (G_OBJECT (dialog), "items");
  const char *slug = g_object_get_data (G_OBJECT (dialog), "conference");
  GtkEditable *note = g_object_get_data (G_OBJECT (dialog), "note");
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "resolve") != 0)
    return;
  if (!mark_attention_items (self, "ResolveAttention", slug, items, gtk_editable_get_text (note),
                             &error))
    {
      ccm_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  g_clear_pointer (&self->bulk_items, g_ptr_array_unref);
  self->bulk_items = g_ptr_array_ref (items);
  g_free (self->bulk_conference);
  self->bulk_conference = g_strdup (slug);
  count = ccm_ui_format_count (items->len);
  text = g_strdup_printf (g_dngettext (NULL, "%s item marked resolved", "%s items marked resolved",
                                       items->len), count);
  add_undo_toast (self, text, "win.reopen-bulk", NULL);
}

/* Every open item of the kind the list shows, with one note. */
static void
resolve_kind_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CcmWindow *self = CCM_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *count = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  const char *label;
  GtkWidget *dialog;

  if (self->slug == NULL || self->attention_kind == NULL)
    return;
  items = ccm_attention_views_open_items (ccm_context_get_store (self->context), self->slug,
                                          self->attention_kind, &error);
  if (items == NULL)
    {
      ccm_ui_show_error (widget, error);
      return;
    }
  if (items->len == 0)
    return;

  count = ccm_ui_format_count (items->len);
  heading = g_strdup_printf (g_dngettext (NULL, "Mark %s Item Resolved?", "Mark %s Items Resolved?",
                                          items->len), count);
  label = ccm_attention_views_kind_label (self->attention_kind);
  /* TRANSLATORS: %s is a kind of attention item, such as "Refunds due" */
  body = g_strdup_printf (_("Every open item of “%s” in this conference is marked resolved, with "
                            "the note below. Each can be reopened."),
                          label != NULL ? label : self->attention_kind);
  dialog = resolve_dialog_new (self, heading, body, _("_Mark All Resolved"));
  g_object_set_data_full (G_OBJECT (dialog), "items", g_steal_pointer (&items),
                          (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (dialog), "conference", g_strdup (self->slug), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (resolve_kind_response_cb), self, 0);
  resolve_dialog_present (self, dialog);
}

static void
reopen_bulk_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CcmWindow *self = CCM_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_steal_pointer (&self->bulk_items);
  g_autofree char *slug = g_steal_pointer (&self->bulk_conference);

  if (items == NULL)
    return;
  if (!mark_attention_items (self, "ReopenAttention", slug, items, NULL, &error))
    ccm_ui_show_error (widget, error);
  else
    ccm_window_add_toast (self, adw_toast_new (_("Reopened")));
}

static void
reopen_attention_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  mark_attention (CCM_WINDOW (widget), "ReopenAttention", g_variant_get_string (parameter, NULL),
                  NULL);
}

static void
visible_page_cb (CcmWindow *self)
{
  if (self->attention_stale && attention_shown (self))
    refresh_attention (self);
}

static void
set_conference (CcmWindow  *self,
                const char *slug)
{
  gboolean may_edit;

  if (g_strcmp0 (self->slug, slug) != 0)
    {
      g_free (self->slug);
      self->slug = g_strdup (slug);
      if (slug != NULL)
        g_settings_set_string (ccm_context_get_settings (self->context), "last-conference", slug);
      ccm_overview_page_set_conference (self->overview_page, slug);
      ccm_seat_types_page_set_conference (self->seat_types_page, slug);
      ccm_orders_page_set_conference (self->orders_page, slug);
      ccm_registration_page_set_conference (self->registration_page, slug);
      ccm_checkin_page_set_conference (self->checkin_page, slug);
      g_clear_pointer (&self->attention_kind, g_free);
      /* Its kinds are listed the most open first again. */
      g_ptr_array_set_size (self->attention_kinds, 0);
      self->attention_limit = ATTENTION_ROWS;
    }

  gtk_stack_set_visible_child_name (self->content_stack, slug != NULL ? "pages" : "empty");
  /* What the device's role may not do is not offered (ccm_context_may). */
  may_edit = slug != NULL && ccm_context_may (self->context, "UpdateConference");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-conference",
                                 ccm_context_may (self->context, "CreateConference"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-conference", may_edit);
  gtk_widget_set_visible (self->edit_button, may_edit);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-attendees", slug != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-orders", slug != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-attendees",
                                 slug != NULL && ccm_context_may (self->context, "AssignSeat"));
  update_title (self);
  refresh_attention (self);
}

static void
selection_changed_cb (CcmWindow *self)
{
  g_autoptr(CcmJsonItem) item = gtk_single_selection_get_selected_item (self->selection) != NULL
    ? g_object_ref (gtk_single_selection_get_selected_item (self->selection)) : NULL;

  set_conference (self, item != NULL ? ccm_json_item_get_string (item, "slug") : NULL);
}

static void
conference_activate_cb (CcmWindow *self,
                        guint      position)
{
  adw_leaflet_set_visible_child (self->leaflet, self->content);
}

static void
back_clicked_cb (CcmWindow *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

static guint
find_conference (CcmWindow  *self,
                 const char *slug)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->conferences));

  for (guint i = 0; slug != NULL && i < n; i++)
    {
      g_autoptr(CcmJsonItem) item = g_list_model_get_item (G_LIST_MODEL (self->conferences), i);

      if (g_strcmp0 (ccm_json_item_get_string (item, "slug"), slug) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
reload_conferences (CcmWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *keep = g_strdup (self->slug);
  guint pos;

  list = ccm_conference_views_list (ccm_context_get_store (self->context), &error);
  if (list == NULL)
    {
      g_warning ("Could not list the conferences: %s", error->message);
      return;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    g_ptr_array_add (items, ccm_json_item_new (json_array_get_object_element (list, i)));

  g_signal_handlers_block_by_func (self->selection, selection_changed_cb, self);
  g_list_store_splice (self->conferences, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->conferences)),
                       items->pdata, items->len);
  pos = find_conference (self, keep);
  gtk_single_selection_set_selected (self->selection, pos);
  g_signal_handlers_unblock_by_func (self->selection, selection_changed_cb, self);

  gtk_stack_set_visible_child_name (self->sidebar_stack, items->len > 0 ? "list" : "empty");
  set_conference (self, pos != GTK_INVALID_LIST_POSITION ? keep : NULL);
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  CcmWindow *self = user_data;

  self->reload_id = 0;
  reload_conferences (self);
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (CcmWindow *self,
                  gint64     position)
{
  if (self->reload_id == 0)
    self->reload_id = g_idle_add (reload_idle_cb, self);
}

/* Actions */

static void
dialog_saved_cb (CcmWindow  *self,
                 const char *slug)
{
  /* The new conference is listed now, not at the next idle. */
  g_clear_handle_id (&self->reload_id, g_source_remove);
  reload_conferences (self);
  ccm_window_select_conference (self, slug);
}

static void
open_dialog (CcmWindow  *self,
             const char *slug)
{
  CcmConferenceDialog *dialog = ccm_conference_dialog_new (self->context, slug);

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  g_signal_connect_object (dialog, "saved", G_CALLBACK (dialog_saved_cb), self,
                           G_CONNECT_SWAPPED);
  g_set_weak_pointer (&self->dialog, GTK_WIDGET (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_conference_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  open_dialog (CCM_WINDOW (widget), NULL);
}

static void
edit_conference_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CcmWindow *self = CCM_WINDOW (widget);

  if (self->slug != NULL)
    open_dialog (self, self->slug);
}

/* The conference's attendees or orders to a CSV file, and a partner's
 * attendee list from one (ccm-transfer.c). */
static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CcmWindow *self = CCM_WINDOW (widget);

  if (self->slug != NULL)
    ccm_transfer_export (GTK_WIDGET (self->content_stack), self->context, self->slug,
                         g_str_equal (action_name, "win.export-orders") ? CCM_TRANSFER_ORDERS
                                                                        : CCM_TRANSFER_ATTENDEES,
                         self->transfer_file);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CcmWindow *self = CCM_WINDOW (widget);

  if (self->slug != NULL)
    ccm_transfer_import (GTK_WIDGET (self->content_stack), self->context, self->slug,
                         self->transfer_file);
}

/* Alt+digit: the page, and the keyboard with it. The focus goes to the
 * page's first control instead of staying on the switcher button of the
 * page before (where Space would go back to it); the check-in page puts it
 * in its scan field itself when shown. */
static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CcmWindow *self = CCM_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  GtkWidget *focus, *page;

  ccm_window_show_page (self, name);
  page = adw_view_stack_get_visible_child (self->view_stack);
  if (page == NULL || g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), name) != 0 ||
      g_str_equal (name, "checkin"))
    return;
  /* Already in the page: the page was shown already, or the focus was in
   * the page before, and the view stack moved it into this one. It stays. */
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus == NULL || !gtk_widget_is_ancestor (focus, page))
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
}

/* An order from the list, taken up on the registration page where it
 * stopped (its registrant, its payment, its attendees). */
static void
resume_order_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CcmWindow *self = CCM_WINDOW (widget);

  if (self->slug != NULL &&
      ccm_registration_page_resume (self->registration_page, g_variant_get_string (parameter, NULL)))
    ccm_window_show_page (self, "registration");
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ccm_context_sync_now (CCM_WINDOW (widget)->context);
}

static void
search_orders_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CcmWindow *self = CCM_WINDOW (widget);

  if (self->slug == NULL)
    return;
  ccm_window_show_page (self, "orders");
  ccm_orders_page_focus_search (self->orders_page);
}

/* Window state */

static void
save_window_state (CcmWindow *self)
{
  GSettings *settings = ccm_context_get_settings (self->context);
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
}

static gboolean
ccm_window_close_request (GtkWindow *window)
{
  save_window_state (CCM_WINDOW (window));
  return GTK_WINDOW_CLASS (ccm_window_parent_class)->close_request (window);
}

static void
ccm_window_constructed (GObject *object)
{
  CcmWindow *self = CCM_WINDOW (object);
  GSettings *settings;
  g_autofree char *last = NULL;

  G_OBJECT_CLASS (ccm_window_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  settings = ccm_context_get_settings (self->context);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  ccm_overview_page_set_context (self->overview_page, self->context);
  ccm_seat_types_page_set_context (self->seat_types_page, self->context);
  ccm_orders_page_set_context (self->orders_page, self->context);
  ccm_registration_page_set_context (self->registration_page, self->context);
  ccm_sync_indicator_set_context (self->sync_indicator, self->context);
  ccm_checkin_page_set_context (self->checkin_page, self->context);

  g_signal_connect_object (ccm_context_get_store (self->context), "changed",
                           G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child",
                           G_CALLBACK (visible_page_cb), self, G_CONNECT_SWAPPED);
  reload_conferences (self);

  last = g_settings_get_string (settings, "last-conference");
  if (!ccm_window_select_conference (self, last) &&
      g_list_model_get_n_items (G_LIST_MODEL (self->conferences)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

static void
ccm_window_dispose (GObject *object)
{
  CcmWindow *self = CCM_WINDOW (object);

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  g_clear_weak_pointer (&self->dialog);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->narrow_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CCM_TYPE_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->conferences);

  G_OBJECT_CLASS (ccm_window_parent_class)->dispose (object);
}

static void
ccm_window_finalize (GObject *object)
{
  CcmWindow *self = CCM_WINDOW (object);

  g_clear_object (&self->context);
  g_clear_pointer (&self->slug, g_free);
  g_clear_pointer (&self->transfer_file, g_free);
  g_clear_pointer (&self->attention_kind, g_free);
  g_clear_pointer (&self->attention_kinds, g_ptr_array_unref);
  g_clear_pointer (&self->shown_items, g_hash_table_unref);
  g_clear_pointer (&self->bulk_items, g_ptr_array_unref);
  g_clear_pointer (&self->bulk_conference, g_free);
  G_OBJECT_CLASS (ccm_window_parent_class)->finalize (object);
}

static void
ccm_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CcmWindow *self = CCM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ccm_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CcmWindow *self = CCM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ccm_window_class_init (CcmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  static const char *const pages[] = {
    "overview", "seat-types", "orders", "registration", "checkin", "attention"
  };

  object_class->constructed = ccm_window_constructed;
  object_class->dispose = ccm_window_dispose;
  object_class->finalize = ccm_window_finalize;
  object_class->set_property = ccm_window_set_property;
  object_class->get_property = ccm_window_get_property;
  window_class->close_request = ccm_window_close_request;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, CCM_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CCM_TYPE_OVERVIEW_PAGE);
  g_type_ensure (CCM_TYPE_SEAT_TYPES_PAGE);
  g_type_ensure (CCM_TYPE_ORDERS_PAGE);
  g_type_ensure (CCM_TYPE_REGISTRATION_PAGE);
  g_type_ensure (CCM_TYPE_SYNC_INDICATOR);
  g_type_ensure (CCM_TYPE_CHECKIN_PAGE);

  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, "/com/contoso/Conference/ccm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, content);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, conference_list);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, seat_types_page);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, orders_page);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, registration_page);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, checkin_page);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, sidebar_separator);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, attention_stack_page);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, attention_stack);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, attention_group);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, attention_list);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, attention_kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, attention_more_button);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, resolve_kind_button);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, resolved_group);
  gtk_widget_class_bind_template_child (widget_class, CcmWindow, resolved_list);

  gtk_widget_class_install_action (widget_class, "win.new-conference", NULL, new_conference_action);
  gtk_widget_class_install_action (widget_class, "win.edit-conference", NULL, edit_conference_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.search-orders", NULL, search_orders_action);
  gtk_widget_class_install_action (widget_class, "win.resume-order", "s", resume_order_action);
  gtk_widget_class_install_action (widget_class, "win.resolve-attention", "s", resolve_attention_action);
  gtk_widget_class_install_action (widget_class, "win.reopen-attention", "s", reopen_attention_action);
  gtk_widget_class_install_action (widget_class, "win.resolve-kind", NULL, resolve_kind_action);
  gtk_widget_class_install_action (widget_class, "win.reopen-bulk", NULL, reopen_bulk_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.export-attendees", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-orders", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.import-attendees", NULL, import_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-conference", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.edit-conference", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search-orders", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.sync-now", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page", "s", pages[i]);
}

/* Narrow: the conference list and the page no longer fit side by side
 * (the leaflet folded), so the page has a phone's or half a screen's
 * width. The rows of the attention list and of the registration's seats
 * then put their buttons one above the other, and their text keeps room to
 * be read. The leaflet folds during layout; the rows change after it. */
/* A desk opened with --checkin has no conference list, so its leaflet never
 * folds; its pages are narrow in a window where the leaflet would have
 * folded: narrower than the list and the page side by side. */
static gboolean
too_narrow_for_sidebar (CcmWindow *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int sidebar = 0, content = 0;

  gtk_widget_get_size_request (self->sidebar, &sidebar, NULL);
  gtk_widget_measure (self->content, GTK_ORIENTATION_HORIZONTAL, -1, &content, NULL, NULL, NULL);
  return width > 0 && width < sidebar + 1 + content;
}

static gboolean
apply_narrow_cb (gpointer user_data)
{
  CcmWindow *self = user_data;
  gboolean narrow = self->checkin_mode ? too_narrow_for_sidebar (self)
                                       : adw_leaflet_get_folded (self->leaflet);

  self->narrow_id = 0;
  if (narrow == self->narrow)
    return G_SOURCE_REMOVE;
  self->narrow = narrow;
  ccm_ui_list_stack_buttons (self->attention_list, self->narrow);
  ccm_ui_list_stack_buttons (self->resolved_list, self->narrow);
  ccm_registration_page_set_narrow (self->registration_page, self->narrow);
  /* The conference's name in the header gets the room of the word. */
  ccm_sync_indicator_set_compact (self->sync_indicator, self->narrow);
  return G_SOURCE_REMOVE;
}

static void
folded_cb (CcmWindow *self)
{
  if (self->narrow_id == 0)
    self->narrow_id = g_idle_add (apply_narrow_cb, self);
}

/* The window's surface took a new size: in --checkin mode, where no leaflet
 * folds, whether it is narrow is known once the window is laid out at it. */
static void
surface_layout_cb (CcmWindow *self)
{
  if (self->checkin_mode)
    folded_cb (self);
}

static void
window_realize_cb (CcmWindow *self)
{
  g_signal_connect_object (gtk_native_get_surface (GTK_NATIVE (self)), "layout",
                           G_CALLBACK (surface_layout_cb), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

GtkWidget *
ccm_window_get_attention_kind_dropdown (CcmWindow *self)
{
  g_return_val_if_fail (CCM_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->attention_kind_dropdown);
}

GtkWidget *
ccm_window_get_attention_more_button (CcmWindow *self)
{
  g_return_val_if_fail (CCM_IS_WINDOW (self), NULL);
  return self->attention_more_button;
}

gboolean
ccm_window_get_narrow (CcmWindow *self)
{
  g_return_val_if_fail (CCM_IS_WINDOW (self), FALSE);
  return self->narrow;
}

static void
ccm_window_init (CcmWindow *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->conferences = g_list_store_new (CCM_TYPE_JSON_ITEM);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->conferences)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (selection_changed_cb), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (conference_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (conference_bind_cb), NULL);
  gtk_list_view_set_factory (self->conference_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->conference_list, GTK_SELECTION_MODEL (self->selection));
  gtk_list_view_set_single_click_activate (self->conference_list, FALSE);
  g_signal_connect_swapped (self->conference_list, "activate",
                            G_CALLBACK (conference_activate_cb), self);
  g_signal_connect_swapped (self->back_button, "clicked", G_CALLBACK (back_clicked_cb), self);
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (folded_cb), self);
  g_signal_connect_after (self, "realize", G_CALLBACK (window_realize_cb), NULL);
  self->attention_kinds = g_ptr_array_new_with_free_func (g_free);
  self->shown_items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->attention_limit = ATTENTION_ROWS;
  g_signal_connect_swapped (self->attention_more_button, "clicked",
                            G_CALLBACK (more_attention_cb), self);
  g_signal_connect_swapped (self->attention_kind_dropdown, "notify::selected",
                            G_CALLBACK (attention_kind_cb), self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-conference", FALSE);
}

CcmWindow *
ccm_window_new (GtkApplication *application,
                CcmContext     *context)
{
  g_return_val_if_fail (CCM_IS_CONTEXT (context), NULL);

  return g_object_new (CCM_TYPE_WINDOW,
                       "application", application,
                       "context", context,
                       NULL);
}

CcmContext *
ccm_window_get_context (CcmWindow *self)
{
  g_return_val_if_fail (CCM_IS_WINDOW (self), NULL);
  return self->context;
}

const char *
ccm_window_get_conference (CcmWindow *self)
{
  g_return_val_if_fail (CCM_IS_WINDOW (self), NULL);
  return self->slug;
}

gboolean
ccm_window_select_conference (CcmWindow  *self,
                              const char *slug)
{
  guint pos;

  g_return_val_if_fail (CCM_IS_WINDOW (self), FALSE);

  pos = find_conference (self, slug);
  if (pos == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, pos);
  return TRUE;
}

void
ccm_window_show_page (CcmWindow  *self,
                      const char *name)
{
  g_return_if_fail (CCM_IS_WINDOW (self));

  if (self->slug != NULL && adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    {
      adw_view_stack_set_visible_child_name (self->view_stack, name);
      adw_leaflet_set_visible_child (self->leaflet, self->content);
    }
}

void
ccm_window_show_order (CcmWindow  *self,
                       const char *order_id_or_code)
{
  g_return_if_fail (CCM_IS_WINDOW (self));

  ccm_window_show_page (self, "orders");
  ccm_orders_page_show_order (self->orders_page, order_id_or_code);
}

/* The desk opened with --checkin: the check-in page fills the window (the
 * conference list is hidden, so the leaflet never folds to it); the other
 * pages stay one click or Alt+digit away. */
void
ccm_window_set_checkin_mode (CcmWindow *self,
                             gboolean   checkin_mode)
{
  g_return_if_fail (CCM_IS_WINDOW (self));

  self->checkin_mode = checkin_mode;
  gtk_widget_set_visible (self->sidebar, !checkin_mode);
  gtk_widget_set_visible (self->sidebar_separator, !checkin_mode);
  folded_cb (self);
  if (checkin_mode)
    {
      ccm_window_show_page (self, "checkin");
      ccm_checkin_page_focus_entry (self->checkin_page);
    }
}

void
ccm_window_add_toast (CcmWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (CCM_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

GListModel *
ccm_window_get_conferences (CcmWindow *self)
{
  return G_LIST_MODEL (self->conferences);
}

CcmOverviewPage *
ccm_window_get_overview_page (CcmWindow *self)
{
  return self->overview_page;
}

CcmSeatTypesPage *
ccm_window_get_seat_types_page (CcmWindow *self)
{
  return self->seat_types_page;
}

CcmOrdersPage *
ccm_window_get_orders_page (CcmWindow *self)
{
  return self->orders_page;
}

CcmRegistrationPage *
ccm_window_get_registration_page (CcmWindow *self)
{
  return self->registration_page;
}

CcmCheckinPage *
ccm_window_get_checkin_page (CcmWindow *self)
{
  return self->checkin_page;
}

GtkWidget *
ccm_window_get_conference_dialog (CcmWindow *self)
{
  return self->dialog;
}

guint
ccm_window_count_attention (CcmWindow *self)
{
  return self->n_attention;
}

GtkWidget *
ccm_window_get_attention_dialog (CcmWindow *self)
{
  g_return_val_if_fail (CCM_IS_WINDOW (self), NULL);
  return self->attention_dialog;
}

void
ccm_window_set_transfer_file (CcmWindow  *self,
                              const char *path)
{
  g_return_if_fail (CCM_IS_WINDOW (self));
  g_free (self->transfer_file);
  self->transfer_file = g_strdup (path);
}
