/* test-order-list.c — the order list on a conference with many orders:
 * what the view shows, what a search or a change in the store costs, and
 * that the rows on screen follow
 *
 * The store is filled by the built `contoso demo` (CONTOSO_BIN).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>

#include "ui-test-utils.h"
#include "ccm-assignments.h"
#include "ccm-conference-views.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-order-views.h"
#include "ccm-store.h"
#include "ccm-window-private.h"

#define N_ORDERS 1500
/* A GTK 4.8 list view keeps up to 200 rows around the ones on screen:
 * three pages of the model. Reading every match would be fifteen. */
#define MAX_FETCHES 3

static char *store_path;

typedef struct
{
  CcmContext        *context;
  CcmWindow         *window;
  CcmOrdersPage     *page;
  CcmOrderListModel *model;
} Fixture;


static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->context = ccm_context_new (store_path, &error);
  g_assert_no_error (error);
  f->window = g_object_ref_sink (ccm_window_new (NULL, f->context));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  g_assert_true (ccm_window_select_conference (f->window, "big"));
  ccm_window_show_page (f->window, "orders");
  gtk_window_present (GTK_WINDOW (f->window));
  f->page = ccm_window_get_orders_page (f->window);
  f->model = ccm_orders_page_get_model (f->page);
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate ();
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->context);
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_labels (c, texts);
}

/* Whether a label on screen in the list says text. */
static gboolean
shown (Fixture    *f,
       const char *text)
{
  GtkWidget *view = ui_test_child (f->page, CCM_TYPE_ORDERS_PAGE, "column_view");
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  collect_labels (view, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

static char *
code_at (Fixture *f,
         guint    position)
{
  g_autoptr(CcmOrderRow) row = g_list_model_get_item (G_LIST_MODEL (f->model), position);

  g_assert_nonnull (row);
  return g_strdup (ccm_order_row_get_access_code (row));
}

typedef struct
{
  guint position, removed, added;
  guint n;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
  changes->n++;
}

/* A search reads the pages on screen, not every match: a list view told
 * that its rows were replaced would look for them among all of them. */
static void
test_search_reads_what_is_shown (Fixture       *f,
                                 gconstpointer  data)
{
  GtkWidget *search = ui_test_child (f->page, CCM_TYPE_ORDERS_PAGE, "search_entry");
  g_autofree char *top = code_at (f, 0);
  g_autofree char *found = NULL;
  g_autoptr(CcmOrderRow) before = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_autoptr(CcmOrderRow) after = NULL;
  g_autoptr(JsonArray) matches = NULL;
  g_autoptr(GError) error = NULL;
  guint fetches, n_all = g_list_model_get_n_items (G_LIST_MODEL (f->model));

  /* Some of the demo's registrants end on the waitlist, not in an order. */
  g_assert_cmpuint (n_all, >, N_ORDERS * 9 / 10);
  g_assert_true (shown (f, top));

  /* "a": most registrants have an "a" starting a name or an address. */
  fetches = ccm_order_list_model_get_n_fetches (f->model);
  gtk_editable_set_text (GTK_EDITABLE (search), "a");
  g_signal_emit_by_name (search, "search-changed");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), >, CCM_ORDER_LIST_PAGE_SIZE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), <, n_all);
  g_assert_cmpuint (ccm_order_list_model_get_n_fetches (f->model) - fetches, <=, MAX_FETCHES);

  /* The row on top is the same object, now showing the first match, and
   * the screen says so. */
  after = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
  g_assert_true (after == before);
  found = code_at (f, 0);
  g_assert_true (shown (f, found));
  {
    g_autofree char *key = ccm_order_views_search_key (ccm_order_row_get_access_code (after),
                                                       ccm_order_row_get_email (after),
                                                       ccm_order_row_get_registrant (after),
                                                       NULL);
    g_autofree char *pattern = ccm_order_views_search_pattern ("A");

    g_assert_nonnull (strstr (key, pattern));
  }

  /* Every order again, dearest first: all of them in another order, and
   * still only what is on screen read. */
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  g_signal_emit_by_name (search, "search-changed");
  fetches = ccm_order_list_model_get_n_fetches (f->model);
  ccm_order_list_model_set_sort (f->model, CCM_ORDER_SORT_TOTAL, TRUE);
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, n_all);
  g_assert_cmpuint (ccm_order_list_model_get_n_fetches (f->model) - fetches, <=, MAX_FETCHES);
  {
    /* (Reading the last row is one more page.) */
    g_autoptr(CcmOrderRow) first = g_list_model_get_item (G_LIST_MODEL (f->model), 0);
    g_autoptr(CcmOrderRow) last = g_list_model_get_item (G_LIST_MODEL (f->model), n_all - 1);

    g_assert_cmpint (ccm_order_row_get_total (first), >=, ccm_order_row_get_total (last));
    g_assert_cmpint (ccm_order_row_get_total (first), >, 0);
    g_assert_true (shown (f, ccm_order_row_get_access_code (first)));
  }
  ccm_order_list_model_set_sort (f->model, CCM_ORDER_SORT_PLACED, TRUE);

  /* Back to every order: the first row again. */
  fetches = ccm_order_list_model_get_n_fetches (f->model);
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  g_signal_emit_by_name (search, "search-changed");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, n_all);
  g_assert_cmpuint (ccm_order_list_model_get_n_fetches (f->model) - fetches, <=, MAX_FETCHES);
  g_assert_true (shown (f, top));
}

/* An order placed elsewhere: the list grows by one at its end, the rows
 * on screen are filled again (the new order on top), nothing else is read. */
static void
test_store_change (Fixture       *f,
                   gconstpointer  data)
{
  CcmStore *store = ccm_context_get_store (f->context);
  g_autoptr(JsonArray) seat_types = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(JsonArray) lines = json_array_new ();
  g_autoptr(JsonObject) line = json_object_new ();
  g_autoptr(CcmCommand) command = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = ccm_id_new (g_get_real_time ());
  g_autofree char *order_id = ccm_id_new (g_get_real_time ());
  g_autofree char *access_code = ccm_access_code_new ();
  g_autofree char *old_top = code_at (f, 0);
  g_autofree char *new_top = NULL;
  g_autoptr(JsonObject) order = NULL;
  Changes changes = { 0 };
  gulong handler;
  guint fetches, n_all = g_list_model_get_n_items (G_LIST_MODEL (f->model));

  seat_types = ccm_seat_views_list (store, "big", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (seat_types); i++)
    {
      JsonObject *o = json_array_get_object_element (seat_types, i);

      if (ccm_json_int (o, "available", 0) > 0)
        {
          json_object_set_string_member (line, "seat_type", ccm_json_string (o, "seat_type_id"));
          break;
        }
    }
  g_assert_true (json_object_has_member (line, "seat_type"));
  json_object_set_int_member (line, "quantity", 1);
  json_array_add_object_element (lines, g_steal_pointer (&line));
  json_object_set_string_member (args, "conference", "big");
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "access_code", access_code);
  json_object_set_array_member (args, "ticket_codes", ccm_ticket_codes_new (1));
  json_object_set_array_member (args, "seats", g_steal_pointer (&lines));

  handler = g_signal_connect (f->model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  fetches = ccm_order_list_model_get_n_fetches (f->model);
  command = ccm_command_new ("PlaceOrder", id, g_steal_pointer (&args));
  outcome = ccm_store_submit (store, command, &error);
  g_assert_no_error (error);
  g_assert_nonnull (outcome);
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_signal_handler_disconnect (f->model, handler);

  g_assert_cmpuint (changes.n, ==, 1);
  g_assert_cmpuint (changes.position, ==, n_all);
  g_assert_cmpuint (changes.removed, ==, 0);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_cmpuint (ccm_order_list_model_get_n_fetches (f->model) - fetches, <=, MAX_FETCHES);

  order = ccm_order_views_get (store, "big", order_id, &error);
  g_assert_no_error (error);
  new_top = code_at (f, 0);
  g_assert_cmpstr (new_top, ==, ccm_json_string (order, "access_code"));
  g_assert_true (shown (f, new_top));
  g_assert_true (shown (f, old_top));
}

/* The attention list's rows are made when its page is shown, not before;
 * its count (the page's badge) is always there. */
static void
test_attention_on_show (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *list = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_list");
  guint n = ccm_window_count_attention (f->window);
  gint64 count = ccm_attention_views_count (ccm_context_get_store (f->context), "big", NULL);

  g_assert_cmpint (count, >, 0);
  g_assert_cmpuint (n, ==, count);
  g_assert_cmpuint (ui_test_count_children (list), ==, 0);

  ccm_window_show_page (f->window, "attention");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpuint (ui_test_count_children (list), ==, MIN (n, 30));
}

/* An access code typed and entered at once (before the entry says its
 * text changed) opens that order; the keyboard stays in the search. An
 * empty search opens nothing. */
static void
test_search_enter_opens (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *search = ui_test_child (f->page, CCM_TYPE_ORDERS_PAGE, "search_entry");
  GtkWidget *title = ui_test_child (f->page, CCM_TYPE_ORDERS_PAGE, "detail_title");
  g_autofree char *code = code_at (f, 17);
  g_autofree char *expected = g_strdup_printf ("Order %s", code);
  GtkWidget *focus;

  ccm_orders_page_focus_search (f->page);
  g_signal_emit_by_name (search, "activate");
  ui_test_iterate ();
  g_assert_false (gtk_widget_get_mapped (title));

  gtk_editable_set_text (GTK_EDITABLE (search), code);
  g_signal_emit_by_name (search, "activate");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->model)), ==, 1);
  g_assert_true (gtk_widget_get_mapped (title));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==, expected);
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (focus == search || gtk_widget_is_ancestor (focus, search));
}

int
main (int    argc,
      char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  g_setenv ("CONTOSO_NOW", "2026-05-01T09:00:00Z", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  store_path = ui_test_demo_store (N_ORDERS, "big", 7);

  g_test_add ("/ui/order-list/search", Fixture, NULL, fixture_set_up,
              test_search_reads_what_is_shown, fixture_tear_down);
  g_test_add ("/ui/order-list/store-change", Fixture, NULL, fixture_set_up,
              test_store_change, fixture_tear_down);
  g_test_add ("/ui/order-list/search-enter-opens", Fixture, NULL, fixture_set_up,
              test_search_enter_opens, fixture_tear_down);
  g_test_add ("/ui/order-list/attention-on-show", Fixture, NULL, fixture_set_up,
              test_attention_on_show, fixture_tear_down);
  status = g_test_run ();

  ui_test_remove_store (store_path);
  g_free (store_path);
  return status;
}
