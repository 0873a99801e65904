/* test-a11y.c — every control of every page and dialog, on a conference
 * with demo data, can be reached by keyboard and has a name a screen
 * reader can say
 *
 * A control is named when it has an accessible label, when GTK names it
 * from its own text (a label inside a button or a check button, a row's
 * title) or, for other widgets, when another widget labels it (a label's
 * mnemonic widget). Widgets
 * that libadwaita and GTK build inside their own composite widgets (the
 * parts of an entry, a spin button, a drop-down, the column view's
 * headers, the view switcher) are theirs to name and are not walked into.
 * A control is reachable when it can take focus, or is a row of a list
 * that can.
 *
 * The store is filled by the built `contoso demo` (CONTOSO_BIN).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>

#include "ccm-conference-dialog.h"
#include "ccm-conference-views.h"
#include "ccm-json.h"
#include "ccm-order-views.h"
#include "ccm-preferences-window.h"
#include "ccm-window-private.h"
#include "ui-test-utils.h"

static char *store_path;

static gboolean
has_text (const char *text)
{
  return text != NULL && *text != '\0';
}

/* A label with text anywhere under widget: GTK names buttons from it. */
static gboolean
has_label_inside (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && has_text (gtk_label_get_text (GTK_LABEL (widget))))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_label_inside (c))
      return TRUE;
  return FALSE;
}

static gboolean
is_named (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  if (ADW_IS_PREFERENCES_ROW (widget))
    return has_text (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  /* GTK relates a button to its child whatever the child is (an icon
   * too), so only text inside names it. */
  if (GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_LIST_BOX_ROW (widget) ||
      GTK_IS_MENU_BUTTON (widget))
    return has_label_inside (widget);
  return gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/* A chart or a drawing: an image to a screen reader, not an icon. */
static gboolean
is_figure (GtkWidget *widget)
{
  return GTK_IS_DRAWING_AREA (widget) ||
         (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) == GTK_ACCESSIBLE_ROLE_IMG &&
          !GTK_IS_IMAGE (widget) && !GTK_IS_PICTURE (widget));
}

/* What a person operates, or reads as a whole. */
static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget) ||
         GTK_IS_ENTRY (widget) || GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget) ||
         GTK_IS_TEXT_VIEW (widget) || GTK_IS_SCALE (widget) || GTK_IS_COLUMN_VIEW (widget) ||
         GTK_IS_LIST_VIEW (widget) || is_figure (widget) || ADW_IS_SPLIT_BUTTON (widget) ||
         (GTK_IS_LIST_BOX_ROW (widget) &&
          gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)));
}

/* Composite widgets whose insides their library names. */
static gboolean
is_opaque (GtkWidget *widget)
{
  return GTK_IS_SPIN_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_ENTRY (widget) ||
         GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget) || GTK_IS_TEXT (widget) ||
         GTK_IS_COLUMN_VIEW (widget) || GTK_IS_LIST_VIEW (widget) || GTK_IS_WINDOW_CONTROLS (widget) ||
         ADW_IS_VIEW_SWITCHER (widget) || ADW_IS_VIEW_SWITCHER_TITLE (widget) ||
         ADW_IS_VIEW_SWITCHER_BAR (widget) || ADW_IS_SPLIT_BUTTON (widget) ||
         GTK_IS_POPOVER_MENU (widget) || ADW_IS_ENTRY_ROW (widget) || GTK_IS_CALENDAR (widget) ||
         GTK_IS_MENU_BUTTON (widget);
}


/* Focusable itself, or a part of it is. */
static gboolean
is_reachable (GtkWidget *widget)
{
  if (is_figure (widget))
    return TRUE;   /* read, not operated: its name is what matters */
  if (gtk_widget_get_focusable (widget) && gtk_widget_get_can_focus (widget))
    return TRUE;
  /* A composite widget's focus goes to a part: an entry's text, a menu
   * button's toggle, a column view's list. */
  if (is_opaque (widget))
    for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
      if (is_reachable (c))
        return TRUE;
  return FALSE;
}

static void
describe (GString   *problems,
          GtkWidget *widget,
          const char *what)
{
  GtkWidget *w;

  g_string_append_printf (problems, "  %s %s", G_OBJECT_TYPE_NAME (widget), what);
  if (GTK_IS_BUILDABLE (widget) && gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)) != NULL)
    g_string_append_printf (problems, " id=%s", gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)));
  if (gtk_widget_get_tooltip_text (widget) != NULL)
    g_string_append_printf (problems, " tooltip=“%s”", gtk_widget_get_tooltip_text (widget));
  g_string_append (problems, " in");
  for (w = gtk_widget_get_parent (widget); w != NULL; w = gtk_widget_get_parent (w))
    if (GTK_IS_BUILDABLE (w) && gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)) != NULL)
      {
        g_string_append_printf (problems, " %s", gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)));
        break;
      }
  for (w = gtk_widget_get_parent (widget); w != NULL; w = gtk_widget_get_parent (w))
    if (g_str_has_prefix (G_OBJECT_TYPE_NAME (w), "Ccm"))
      {
        g_string_append_printf (problems, " (%s)", G_OBJECT_TYPE_NAME (w));
        break;
      }
  g_string_append_c (problems, '\n');
}

/* A combo row is named by its title and operated as a whole (it is the
 * focusable row); the list inside it only shows the chosen item, and the
 * list of its popover is libadwaita's. */
static gboolean
is_combo_row_value (GtkWidget *widget)
{
  return GTK_IS_LIST_VIEW (widget) && gtk_widget_get_ancestor (widget, ADW_TYPE_COMBO_ROW) != NULL;
}

static void
audit (GtkWidget *widget,
       GString   *problems,
       guint     *n_controls)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget) ||
      is_combo_row_value (widget))
    return;

  if (is_control (widget) && gtk_widget_get_sensitive (widget))
    {
      (*n_controls)++;
      if (!is_named (widget))
        describe (problems, widget, "has no accessible name");
      if (!is_reachable (widget))
        describe (problems, widget, "cannot take keyboard focus");
    }
  if (is_opaque (widget))
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    audit (c, problems, n_controls);
}

static void
assert_accessible (GtkWidget  *root,
                   const char *what,
                   guint       min_controls)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n_controls = 0;

  audit (root, problems, &n_controls);
  g_test_message ("%s: %u controls", what, n_controls);
  if (problems->len > 0)
    g_error ("%s:\n%s", what, problems->str);
  g_assert_cmpuint (n_controls, >=, min_controls);
}

typedef struct
{
  CcmContext *context;
  CcmWindow  *window;
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
  g_assert_true (ccm_window_select_conference (f->window, "demo"));
  gtk_window_present (GTK_WINDOW (f->window));
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
test_pages (Fixture       *f,
            gconstpointer  data)
{
  static const char *const pages[] = {
    "overview", "seat-types", "orders", "registration", "checkin", "attention",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      ccm_window_show_page (f->window, pages[i]);
      ui_test_wait_for_frame (GTK_WIDGET (f->window));
      assert_accessible (GTK_WIDGET (f->window), pages[i], 5);
    }

  /* The attention list's first "Open Order" is named by the code of its
   * order: the first item that concerns one. */
  {
    g_autoptr(JsonArray) items = ccm_attention_views_list (ccm_context_get_store (f->context), "demo", NULL);
    GtkWidget *list = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_list");
    g_autofree char *expected = NULL;

    for (guint i = 0; items != NULL && i < json_array_get_length (items) && expected == NULL; i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);

        if (ccm_json_string (item, "order_id") != NULL && !ccm_json_bool (item, "resolved"))
          expected = g_strdup_printf ("Open order %s", ccm_json_string (item, "access_code"));
      }
    g_assert_nonnull (expected);
    gtk_test_accessible_assert_property (ui_test_find_button (list, "_Open Order"),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
  }

  /* An order's detail, beside the list. */
  {
    CcmOrdersPage *orders = ccm_window_get_orders_page (f->window);
    GListModel *model = G_LIST_MODEL (ccm_orders_page_get_model (orders));
    g_autoptr(CcmOrderRow) row = g_list_model_get_item (model, 0);

    ccm_window_show_page (f->window, "orders");
    ccm_orders_page_show_order (orders, ccm_order_row_get_order_id (row));
    ui_test_wait_for_frame (GTK_WIDGET (f->window));
    assert_accessible (GTK_WIDGET (f->window), "order detail", 5);
  }
}

static GtkWidget *
page_child (CcmRegistrationPage *page,
            const char          *name)
{
  return ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, name);
}

static void
press (Fixture   *f,
       GtkWidget *button)
{
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
}

/* Every step of a walk-up sale. */
static void
test_registration (Fixture       *f,
                   gconstpointer  data)
{
  CcmRegistrationPage *page = ccm_window_get_registration_page (f->window);
  g_autoptr(JsonArray) seat_types = ccm_seat_views_list (ccm_context_get_store (f->context), "demo", NULL);
  const char *name = NULL;

  for (guint i = 0; seat_types != NULL && i < json_array_get_length (seat_types) && name == NULL; i++)
    {
      JsonObject *o = json_array_get_object_element (seat_types, i);

      if (ccm_json_int (o, "available", 0) > 0 && ccm_json_int (o, "price", 0) > 0)
        name = ccm_json_string (o, "name");
    }
  g_assert_nonnull (name);

  ccm_window_show_page (f->window, "registration");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  gtk_spin_button_set_value (ccm_registration_page_get_quantity (page, name), 1);
  press (f, page_child (page, "reserve_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "reserved");
  assert_accessible (GTK_WIDGET (f->window), "registration: reserved", 5);

  press (f, page_child (page, "continue_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "registrant");
  assert_accessible (GTK_WIDGET (f->window), "registration: registrant", 5);

  gtk_editable_set_text (GTK_EDITABLE (page_child (page, "first_name_row")), "Ada");
  gtk_editable_set_text (GTK_EDITABLE (page_child (page, "last_name_row")), "Lovelace");
  gtk_editable_set_text (GTK_EDITABLE (page_child (page, "email_row")), "ada@example.org");
  press (f, page_child (page, "registrant_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "payment");
  assert_accessible (GTK_WIDGET (f->window), "registration: payment", 5);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (page_child (page, "card_check")), TRUE);
  press (f, page_child (page, "pay_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "done");
  assert_accessible (GTK_WIDGET (f->window), "registration: done", 5);
}

static void
test_dialogs (Fixture       *f,
              gconstpointer  data)
{
  CcmConferenceDialog *dialog = ccm_conference_dialog_new (f->context, "demo");
  CcmPreferencesWindow *preferences = ccm_preferences_window_new (f->context);

  gtk_window_present (GTK_WINDOW (dialog));
  ui_test_wait_for_frame (GTK_WIDGET (dialog));
  assert_accessible (GTK_WIDGET (dialog), "conference dialog", 5);
  gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_window_present (GTK_WINDOW (preferences));
  ui_test_wait_for_frame (GTK_WIDGET (preferences));
  assert_accessible (GTK_WIDGET (preferences), "preferences", 3);
  gtk_window_destroy (GTK_WINDOW (preferences));
  ui_test_iterate ();
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

  store_path = ui_test_demo_store (150, "demo", 3);

  g_test_add ("/ui/a11y/pages", Fixture, NULL, fixture_set_up, test_pages, fixture_tear_down);
  g_test_add ("/ui/a11y/registration", Fixture, NULL, fixture_set_up, test_registration,
              fixture_tear_down);
  g_test_add ("/ui/a11y/dialogs", Fixture, NULL, fixture_set_up, test_dialogs, fixture_tear_down);
  status = g_test_run ();

  ui_test_remove_store (store_path);
  g_free (store_path);
  return status;
}
