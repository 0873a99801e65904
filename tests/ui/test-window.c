/* test-window.c — the main window on a real store, driven through its
 * widgets: conference set-up, walk-up registration, a partial reservation,
 * cancellation and the overview's figures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <locale.h>

#include "ui-test-utils.h"
#include "ccm-conference-dialog.h"
#include "ccm-conference-views.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order-views.h"
#include "ccm-seats.h"
#include "ccm-store.h"
#include "ccm-sync-indicator.h"
#include "ccm-assignments.h"
#include "ccm-bar-chart.h"
#include "ccm-window-private.h"
#include "test-fixtures.h"
#include "test-spawn.h"

typedef struct
{
  char       *dir;
  CcmContext *context;
  CcmWindow  *window;
} Fixture;


static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("ccm-ui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "store.db", NULL);
  f->context = ccm_context_new (path, &error);
  g_assert_no_error (error);
  f->window = g_object_ref_sink (ccm_window_new (NULL, f->context));
  gtk_window_present (GTK_WINDOW (f->window));
  ui_test_iterate ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "store.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate ();
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->context);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static JsonObject *
get_order (Fixture    *f,
           const char *order_id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *order = ccm_order_views_get (ccm_context_get_store (f->context), "devcon",
                                           order_id, &error);

  g_assert_no_error (error);
  return order;
}

static gint64
seats (Fixture    *f,
       const char *name,
       const char *member)
{
  g_autoptr(JsonArray) list = ccm_seat_views_list (ccm_context_get_store (f->context), "devcon", NULL);

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);

      if (g_strcmp0 (ccm_json_string (o, "name"), name) == 0)
        return ccm_json_int (o, member, -1);
    }
  g_assert_not_reached ();
}

/* Read as a person reads it: on the overview, shown for the purpose (a
 * page off screen is brought up to date when shown); then back. */
static GtkWidget *
overview_child (Fixture    *f,
                const char *name)
{
  AdwViewStack *stack = ADW_VIEW_STACK (ui_test_child (f->window, CCM_TYPE_WINDOW, "view_stack"));
  g_autofree char *shown = g_strdup (adw_view_stack_get_visible_child_name (stack));
  GtkWidget *child;

  ccm_window_show_page (f->window, "overview");
  ui_test_iterate ();
  child = ui_test_child (ccm_window_get_overview_page (f->window), CCM_TYPE_OVERVIEW_PAGE, name);
  ccm_window_show_page (f->window, shown);
  ui_test_iterate ();
  return child;
}

static const char *
overview_label (Fixture    *f,
                const char *name)
{
  return gtk_label_get_text (GTK_LABEL (overview_child (f, name)));
}

static void
add_seat_type (Fixture    *f,
               const char *name,
               const char *price,
               const char *quota)
{
  CcmSeatTypesPage *page = ccm_window_get_seat_types_page (f->window);
  GtkWidget *editor;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "seat-types.add", NULL));
  ui_test_iterate ();
  editor = ccm_seat_types_page_get_editor (page);
  g_assert_nonnull (editor);
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "name")), name);
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "price")), price);
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "quota")), quota);
  ui_test_click (gtk_window_get_default_widget (GTK_WINDOW (editor)));
}

/* Creates "devcon" with Full pass (199.00, 5 seats) and Workshop (50.00,
 * 2 seats) and publishes it, through the dialogs, asserting each step. */
static void
set_up_conference (Fixture *f)
{
  CcmStore *store = ccm_context_get_store (f->context);
  g_autoptr(JsonObject) conference = NULL;
  CcmConferenceDialog *dialog;
  CcmSeatTypesPage *page = ccm_window_get_seat_types_page (f->window);
  GtkWidget *editor, *row, *publish;
  static const struct { const char *field, *text; } fields[] = {
    { "name", "DevCon 2027" },
    { "start_date", "2027-03-03" },
    { "end_date", "2027-03-01" },
    { "owner_name", "Ada Organizer" },
    { "owner_email", "ada@example.org" },
    { "location", "Lisbon" },
  };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-conference", NULL));
  ui_test_iterate ();
  dialog = CCM_CONFERENCE_DIALOG (ccm_window_get_conference_dialog (f->window));
  g_assert_nonnull (dialog);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    gtk_editable_set_text (GTK_EDITABLE (ccm_conference_dialog_get_row (dialog, fields[i].field)),
                           fields[i].text);
  /* The slug follows the name until it is typed by hand. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ccm_conference_dialog_get_row (dialog, "slug"))),
                   ==, "devcon-2027");
  gtk_editable_set_text (GTK_EDITABLE (ccm_conference_dialog_get_row (dialog, "slug")), "devcon");

  /* The decider refuses the end before the start; the dialog says so at
   * the end date and stays open. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  ui_test_iterate ();
  g_assert_nonnull (ccm_conference_dialog_get_error (dialog, "end_date"));
  g_assert_true (gtk_widget_has_css_class (ccm_conference_dialog_get_row (dialog, "end_date"), "error"));
  g_assert_null (ccm_conference_dialog_get_error (dialog, "name"));
  g_assert_null (ccm_conference_views_get (store, "devcon", NULL));

  gtk_editable_set_text (GTK_EDITABLE (ccm_conference_dialog_get_row (dialog, "end_date")), "2027-03-05");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  ui_test_iterate ();
  g_assert_null (ccm_window_get_conference_dialog (f->window));
  conference = ccm_conference_views_get (store, "devcon", NULL);
  g_assert_nonnull (conference);
  g_assert_cmpstr (ccm_json_string (conference, "end_date"), ==, "2027-03-05");
  g_assert_cmpuint (g_list_model_get_n_items (ccm_window_get_conferences (f->window)), ==, 1);
  g_assert_cmpstr (ccm_window_get_conference (f->window), ==, "devcon");

  /* A price that is not a number is caught before the command. */
  ccm_window_show_page (f->window, "seat-types");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "seat-types.add", NULL));
  ui_test_iterate ();
  editor = ccm_seat_types_page_get_editor (page);
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "name")), "Full pass");
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "price")), "lots");
  ui_test_click (gtk_window_get_default_widget (GTK_WINDOW (editor)));
  g_assert_nonnull (ccm_seat_type_editor_get_error (editor, "price"));
  /* A name too short is caught by the decider, at the name. */
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "name")), "F");
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "price")), "199.00");
  ui_test_click (gtk_window_get_default_widget (GTK_WINDOW (editor)));
  g_assert_nonnull (ccm_seat_type_editor_get_error (editor, "name"));
  gtk_window_destroy (GTK_WINDOW (editor));
  ui_test_iterate ();

  add_seat_type (f, "Full pass", "199.00", "5");
  g_assert_null (ccm_seat_types_page_get_editor (page));
  add_seat_type (f, "Workshop", "50", "2");
  g_assert_cmpint (seats (f, "Full pass", "price"), ==, 19900);
  g_assert_cmpint (seats (f, "Workshop", "quota"), ==, 2);
  row = ccm_seat_types_page_get_row (page, 1);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_sensitive (g_object_get_data (G_OBJECT (row), "remove")));

  /* Publish with the switch. */
  publish = ui_test_child (ccm_window_get_overview_page (f->window), CCM_TYPE_OVERVIEW_PAGE, "publish_switch");
  gtk_switch_set_active (GTK_SWITCH (publish), TRUE);
  ui_test_iterate ();
  g_clear_pointer (&conference, json_object_unref);
  conference = ccm_conference_views_get (store, "devcon", NULL);
  g_assert_true (ccm_json_bool (conference, "published"));
  /* Once published, seat types can no longer be removed. */
  row = ccm_seat_types_page_get_row (page, 1);
  g_assert_false (gtk_widget_get_sensitive (g_object_get_data (G_OBJECT (row), "remove")));
  g_assert_cmpstr (overview_label (f, "available_label"), ==, "7");
}

static void
test_window_create_destroy (Fixture       *f,
                            gconstpointer  data)
{
  g_assert_true (CCM_IS_WINDOW (f->window));
  g_assert_cmpuint (g_list_model_get_n_items (ccm_window_get_conferences (f->window)), ==, 0);
  g_assert_null (ccm_window_get_conference (f->window));
}

static void
test_conference_setup (Fixture       *f,
                       gconstpointer  data)
{
  set_up_conference (f);
}

static char *
reserve (Fixture    *f,
         const char *seat_type,
         int         quantity)
{
  CcmRegistrationPage *page = ccm_window_get_registration_page (f->window);

  ccm_window_show_page (f->window, "registration");
  ui_test_iterate ();
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "choose");
  gtk_spin_button_set_value (ccm_registration_page_get_quantity (page, seat_type), quantity);
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "reserve_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "reserved");
  return g_strdup (ccm_registration_page_get_order_id (page));
}

/* What Enter does in an entry row or a spin button: its text's key binding
 * emits "activate". */
static void
press_enter (GtkWidget *editable)
{
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (editable)), "activate");
}

static void
fill_registrant_and_pay (Fixture    *f,
                         const char *order_id)
{
  CcmRegistrationPage *page = ccm_window_get_registration_page (f->window);
  g_autoptr(JsonObject) order = NULL;

  GtkWidget *hold, *first_name, *email;

  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "continue_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "registrant");
  /* The countdown stays in sight while the details are typed. */
  hold = ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "hold_label");
  g_assert_true (gtk_widget_get_visible (hold));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (hold)), "Seats held for 1"));

  first_name = ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "first_name_row");
  email = ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "email_row");
  /* Enter in a name goes to the next row. */
  gtk_widget_grab_focus (first_name);
  press_enter (first_name);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "last_name_row")));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "registrant");

  gtk_editable_set_text (GTK_EDITABLE (first_name), "Grace");
  gtk_editable_set_text (GTK_EDITABLE (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "last_name_row")), "Hopper");
  gtk_editable_set_text (GTK_EDITABLE (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "email_row")), "grace@");
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "registrant_button"));
  /* The decider's reason, at the e-mail. */
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "registrant");
  g_assert_true (gtk_widget_get_visible (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "email_error")));
  g_assert_true (gtk_widget_has_css_class (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "email_row"), "error"));

  gtk_editable_set_text (GTK_EDITABLE (email), "grace@example.org");
  /* Enter on the last row continues, as the button does. */
  press_enter (email);
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "payment");
  g_assert_true (gtk_widget_get_visible (hold));
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (json_object_get_object_member (order, "registrant"), "email"),
                   ==, "grace@example.org");

  gtk_check_button_set_active (GTK_CHECK_BUTTON (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "card_check")), TRUE);
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "pay_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "done");
  g_assert_false (gtk_widget_get_visible (hold));
}

typedef struct
{
  GtkLabel *label;
  char *text;  /* as the first frame showed it */
} FirstDrawn;

static void
record_label_cb (GdkFrameClock *clock,
                 FirstDrawn    *first)
{
  if (first->text == NULL)
    first->text = g_strdup (gtk_label_get_text (first->label));
}

/* A page off screen does no work for a change: it catches up when shown,
 * in time for the first frame that shows it. */
static void
test_hidden_page_catches_up (Fixture       *f,
                             gconstpointer  data)
{
  GtkLabel *held = GTK_LABEL (ui_test_child (ccm_window_get_overview_page (f->window),
                                             CCM_TYPE_OVERVIEW_PAGE, "held_label"));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (f->window));
  FirstDrawn first = { held, NULL };
  g_autofree char *order_id = NULL;
  gulong id;

  set_up_conference (f);
  g_assert_cmpstr (overview_label (f, "held_label"), ==, "0");
  order_id = reserve (f, "Full pass", 2);
  g_assert_cmpint (seats (f, "Full pass", "reserved"), ==, 2);
  g_assert_cmpstr (gtk_label_get_text (held), ==, "0");

  id = g_signal_connect (clock, "after-paint", G_CALLBACK (record_label_cb), &first);
  ccm_window_show_page (f->window, "overview");
  while (first.text == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
  g_assert_cmpstr (first.text, ==, "2");
  g_free (first.text);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A reservation that ran out while the program was closed expires soon
 * after the next start, from the main loop: the start does not wait for it
 * (on a large store that can take a good part of a second). */
static void
test_due_timers_after_start (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "store.db", NULL);
  g_autofree char *order_id = NULL;
  g_autofree char *tomorrow = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = NULL;
  gboolean timed_out = FALSE;
  guint timeout;

  set_up_conference (f);
  order_id = reserve (f, "Full pass", 1);
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate ();
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->context);

  tomorrow = g_date_time_format_iso8601 (later);
  g_setenv ("CONTOSO_NOW", tomorrow, TRUE);
  f->context = ccm_context_new (path, &error);
  g_unsetenv ("CONTOSO_NOW");
  g_assert_no_error (error);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "reserved");
  g_assert_cmpint (ccm_store_count_timers (ccm_context_get_store (f->context)), >, 0);

  f->window = g_object_ref_sink (ccm_window_new (NULL, f->context));
  gtk_window_present (GTK_WINDOW (f->window));
  timeout = g_timeout_add_seconds (10, timeout_cb, &timed_out);
  while (!timed_out && g_strcmp0 (ccm_json_string (order, "status"), "expired") != 0)
    {
      g_main_context_iteration (NULL, TRUE);
      g_clear_pointer (&order, json_object_unref);
      order = get_order (f, order_id);
    }
  if (!timed_out)
    g_source_remove (timeout);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "expired");
}

static void
test_registration_walk_up (Fixture       *f,
                           gconstpointer  data)
{
  CcmRegistrationPage *page;
  g_autofree char *order_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  GtkWidget *row;
  JsonArray *payments, *attendees;

  set_up_conference (f);
  page = ccm_window_get_registration_page (f->window);
  g_assert_cmpstr (overview_label (f, "sold_label"), ==, "0");
  /* No orders: a sentence, not six empty bars. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (overview_child (f, "orders_stack"))), ==, "empty");

  order_id = reserve (f, "Full pass", 2);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "reserved");
  g_assert_cmpint (ccm_json_int (order, "total", 0), ==, 39800);
  g_assert_cmpint (seats (f, "Full pass", "reserved"), ==, 2);
  g_assert_cmpstr (overview_label (f, "held_label"), ==, "2");
  g_assert_cmpstr (overview_label (f, "available_label"), ==, "5");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (overview_child (f, "orders_stack"))), ==, "chart");
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE,
                                                                         "countdown_label"))),
                                   "Seats held for 1"));

  fill_registrant_and_pay (f, order_id);
  g_clear_pointer (&order, json_object_unref);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "confirmed");
  payments = json_object_get_array_member (order, "payments");
  g_assert_cmpuint (json_array_get_length (payments), ==, 1);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (payments, 0), "method"), ==, "card");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "access_code_label"))),
                   ==, ccm_json_string (order, "access_code"));

  /* The overview follows. */
  g_assert_cmpstr (overview_label (f, "sold_label"), ==, "2");
  g_assert_cmpstr (overview_label (f, "held_label"), ==, "0");
  g_assert_cmpstr (overview_label (f, "revenue_label"), ==, "398.00 EUR");

  /* No badge before a seat is named for someone. */
  g_assert_false (gtk_widget_get_visible (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE,
                                                         "print_button")));

  /* The first seat is the registrant's: one button fills it, Enter assigns. */
  row = ccm_registration_page_get_attendee_row (page, 0);
  g_assert_nonnull (row);
  ui_test_click (g_object_get_data (G_OBJECT (row), "fill"));
  g_assert_cmpstr (gtk_editable_get_text (g_object_get_data (G_OBJECT (row), "last-name")), ==, "Hopper");
  press_enter (g_object_get_data (G_OBJECT (row), "email"));
  g_clear_pointer (&order, json_object_unref);
  order = get_order (f, order_id);
  attendees = json_object_get_array_member (order, "attendees");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (attendees, 0), "email"),
                   ==, "grace@example.org");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (attendees, 0), "first_name"),
                   ==, "Grace");

  /* Name the person in the second seat. */
  row = ccm_registration_page_get_attendee_row (page, 1);
  g_assert_nonnull (row);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (row), "first-name"), "Alan");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (row), "last-name"), "Turing");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (row), "email"), "alan@example.org");
  ui_test_click (g_object_get_data (G_OBJECT (row), "assign"));
  g_clear_pointer (&order, json_object_unref);
  order = get_order (f, order_id);
  attendees = json_object_get_array_member (order, "attendees");
  g_assert_cmpuint (json_array_get_length (attendees), ==, 2);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (attendees, 1), "email"),
                   ==, "alan@example.org");
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (attendees, 1), "last_name"),
                   ==, "Turing");

  /* The registrant leaves with both badges, one a page. */
  {
    g_autofree char *pdf = g_build_filename (f->dir, "walk-up.pdf", NULL);
    g_autofree char *text = NULL;

    ccm_registration_page_set_print_to (page, pdf);
    ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "print_button"));
    ui_test_assert_pdf (pdf, 2);
    text = ui_test_pdf_text (pdf);
    g_assert_nonnull (strstr (text, "Grace"));
    g_assert_nonnull (strstr (text, "Turing"));
    g_unlink (pdf);
  }

  /* A new registration starts over. */
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "new_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "choose");
  g_assert_null (ccm_registration_page_get_order_id (page));
}

/* Closed for sale: the page says why and leads to where it opens. */
static void
test_registration_closed (Fixture       *f,
                          gconstpointer  data)
{
  CcmRegistrationPage *page;
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args = json_object_new ();

  set_up_conference (f);
  page = ccm_window_get_registration_page (f->window);
  json_object_set_string_member (args, "slug", ccm_window_get_conference (f->window));
  outcome = ccm_context_submit (f->context, "UnpublishConference", args, &error);
  g_assert_no_error (error);
  ccm_window_show_page (f->window, "registration");
  ui_test_iterate ();
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "closed");

  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "overview_button"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (ui_test_child (f->window, CCM_TYPE_WINDOW,
                                                                                       "view_stack"))),
                   ==, "overview");
}

/* Seats chosen from the keyboard: a count typed and Enter reserves, and a
 * new count takes back "choose at least one seat". */
static void
test_registration_seats_keyboard (Fixture       *f,
                                  gconstpointer  data)
{
  CcmRegistrationPage *page;
  GtkSpinButton *spin;
  GtkWidget *error;
  g_autoptr(JsonObject) order = NULL;

  set_up_conference (f);
  page = ccm_window_get_registration_page (f->window);
  ccm_window_show_page (f->window, "registration");
  ui_test_iterate ();
  error = ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "choose_error");

  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "reserve_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "choose");
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error)), ==, "Choose at least one seat.");

  gtk_spin_button_set_value (ccm_registration_page_get_quantity (page, "Full pass"), 1);
  g_assert_false (gtk_widget_get_visible (error));
  gtk_spin_button_set_value (ccm_registration_page_get_quantity (page, "Full pass"), 0);

  spin = ccm_registration_page_get_quantity (page, "Workshop");
  gtk_widget_grab_focus (GTK_WIDGET (spin));
  gtk_editable_set_text (GTK_EDITABLE (spin), "2");
  press_enter (GTK_WIDGET (spin));
  ui_test_iterate ();
  g_assert_false (gtk_widget_get_visible (error));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "reserved");
  order = get_order (f, ccm_registration_page_get_order_id (page));
  g_assert_cmpint (seats (f, "Workshop", "reserved"), ==, 2);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "reserved");

  /* The keyboard went along: Enter (on the focused Continue) goes on, and
   * the registrant's first name is where typing goes. */
  {
    GtkWidget *continue_button = ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "continue_button");
    GtkWidget *first_name = ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "first_name_row");
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

    g_assert_true (focus == continue_button);
    ui_test_click (continue_button);
    g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "registrant");
    focus = gtk_root_get_focus (GTK_ROOT (f->window));
    g_assert_true (focus == first_name || gtk_widget_is_ancestor (focus, first_name));
  }
}

static const char *resume_from_orders (Fixture    *f,
                                       const char *order_id,
                                       const char *button_label);

/* The message dialog open above the window, or NULL. */
static AdwMessageDialog *
open_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* A seat type's quota changed through its editor. */
static void
set_quota (CcmSeatTypesPage *page,
           guint             index,
           const char       *quota)
{
  GtkWidget *editor;

  ui_test_click (g_object_get_data (G_OBJECT (ccm_seat_types_page_get_row (page, index)), "edit"));
  editor = ccm_seat_types_page_get_editor (page);
  g_assert_nonnull (editor);
  gtk_editable_set_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "quota")), quota);
  ui_test_click (gtk_window_get_default_widget (GTK_WINDOW (editor)));
  ui_test_iterate ();
}

static void
test_registration_partial (Fixture       *f,
                           gconstpointer  data)
{
  CcmRegistrationPage *page;
  CcmSeatTypesPage *seat_types;
  AdwMessageDialog *dialog;
  g_autofree char *order_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  GtkWidget *banner, *continue_button, *waitlist, *row;

  set_up_conference (f);
  page = ccm_window_get_registration_page (f->window);

  /* Three workshops asked, two exist. */
  order_id = reserve (f, "Workshop", 3);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "partially-reserved");
  g_assert_cmpint (ccm_json_int (order, "total", 0), ==, 10000);
  banner = ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "partial_banner");
  continue_button = ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "continue_button");
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_false (gtk_widget_get_sensitive (continue_button));

  /* Taken up again from the list, it waits for the same answer; leaving
   * it there does not cancel it, as "Start Over" does for a sale begun here. */
  ccm_registration_page_set_conference (page, NULL);
  ccm_registration_page_set_conference (page, ccm_window_get_conference (f->window));
  g_assert_cmpstr (resume_from_orders (f, order_id, "C_ontinue Registration"), ==, "reserved");
  g_assert_true (gtk_widget_get_visible (banner));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE,
                                                                     "start_over_button"))),
                   ==, "_Leave Order");
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "start_over_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "choose");
  g_clear_pointer (&order, json_object_unref);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "partially-reserved");
  g_assert_cmpstr (resume_from_orders (f, order_id, "C_ontinue Registration"), ==, "reserved");

  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "accept_button"));
  g_clear_pointer (&order, json_object_unref);
  order = get_order (f, order_id);
  g_assert_true (ccm_json_bool (order, "partial_accepted"));
  g_assert_false (gtk_widget_get_visible (banner));
  g_assert_true (gtk_widget_get_sensitive (continue_button));

  fill_registrant_and_pay (f, order_id);
  g_clear_pointer (&order, json_object_unref);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "confirmed");
  g_assert_cmpint (seats (f, "Workshop", "sold"), ==, 2);

  /* Sold out now: the waitlist is offered instead. */
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "new_button"));
  g_assert_nonnull (ccm_registration_page_get_waitlist_button (page, "Workshop"));
  g_assert_null (ccm_registration_page_get_waitlist_button (page, "Full pass"));

  /* Someone joins it; the seat types page counts and lists them. */
  ui_test_click (ccm_registration_page_get_waitlist_button (page, "Workshop"));
  dialog = open_message_dialog ();
  g_assert_nonnull (dialog);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "name"), "Hedy Lamarr");
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "email"), "hedy@example.org");
  gtk_spin_button_set_value (g_object_get_data (G_OBJECT (dialog), "seats"), 2);
  adw_message_dialog_response (dialog, "join");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ccm_window_show_page (f->window, "seat-types");
  ui_test_iterate ();
  seat_types = ccm_window_get_seat_types_page (f->window);
  waitlist = ui_test_child (seat_types, CCM_TYPE_SEAT_TYPES_PAGE, "waitlist");
  g_assert_true (gtk_widget_get_visible (ui_test_child (seat_types, CCM_TYPE_SEAT_TYPES_PAGE,
                                                        "waitlist_group")));
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (ccm_seat_types_page_get_row (seat_types, 1))),
                                   "· 2 sold · 0 held · 0 available · 1 waiting"));
  g_assert_false (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (ccm_seat_types_page_get_row (seat_types, 0))),
                                    "waiting"));
  row = gtk_widget_get_first_child (waitlist);
  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_null (gtk_widget_get_next_sibling (row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Hedy Lamarr");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Workshop · 2 seats · hedy@example.org · next in line");

  /* A larger quota: the freed seat is held for her (one of the two). */
  set_quota (seat_types, 1, "3");
  row = gtk_widget_get_first_child (waitlist);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   "Workshop · 2 seats · hedy@example.org · 1 held for them until "));
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ", next in line"));
  /* She still waits for her second seat. */
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (ccm_seat_types_page_get_row (seat_types, 1))),
                                   "· 1 waiting"));

  /* One more: both are held, she no longer waits. */
  set_quota (seat_types, 1, "4");
  row = gtk_widget_get_first_child (waitlist);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   "Workshop · 2 seats · hedy@example.org · seats held for them until "));
  g_assert_false (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (ccm_seat_types_page_get_row (seat_types, 1))),
                                    "waiting"));

  /* She no longer wants them: taken off, after a question, the seats go
   * back to anyone. */
  g_assert_cmpint (seats (f, "Workshop", "available"), ==, 0);
  ui_test_click (g_object_get_data (G_OBJECT (row), "take-off"));
  dialog = open_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Take Hedy Lamarr Off the Waitlist?");
  adw_message_dialog_response (dialog, "take-off");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_iterate ();
  g_assert_false (gtk_widget_get_visible (ui_test_child (seat_types, CCM_TYPE_SEAT_TYPES_PAGE,
                                                         "waitlist_group")));
  g_assert_cmpint (seats (f, "Workshop", "available"), ==, 2);
}

/* A long waitlist: the first ten of a seat type are listed, then a row
 * "N more" whose Show All lists everyone. */
static void
test_waitlist_long (Fixture       *f,
                    gconstpointer  data)
{
  CcmSeatTypesPage *seat_types;
  g_autoptr(JsonArray) types = NULL;
  const char *workshop = NULL;
  GtkWidget *waitlist, *row, *search;
  guint rows = 0;

  set_up_conference (f);
  g_free (reserve (f, "Workshop", 2));
  types = ccm_seat_views_list (ccm_context_get_store (f->context), "devcon", NULL);
  for (guint i = 0; i < json_array_get_length (types); i++)
    if (g_strcmp0 (ccm_json_string (json_array_get_object_element (types, i), "name"), "Workshop") == 0)
      workshop = ccm_json_string (json_array_get_object_element (types, i), "seat_type_id");
  g_assert_nonnull (workshop);
  for (guint i = 0; i < 13; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CcmOutcome) outcome = NULL;
      g_autofree char *entry_id = ccm_id_new (g_get_real_time ());
      g_autofree char *email = g_strdup_printf ("waiter%u@example.org", i);
      JsonObject *args = json_object_new ();

      json_object_set_string_member (args, "conference", "devcon");
      json_object_set_string_member (args, "entry_id", entry_id);
      json_object_set_string_member (args, "seat_type", workshop);
      json_object_set_int_member (args, "quantity", 1);
      json_object_set_string_member (args, "email", email);
      json_object_set_string_member (args, "first_name", "Wai");
      json_object_set_string_member (args, "last_name", "Ter");
      outcome = ccm_context_submit (f->context, "JoinWaitlist", args, &error);
      g_assert_no_error (error);
    }

  ccm_window_show_page (f->window, "seat-types");
  ui_test_iterate ();
  seat_types = ccm_window_get_seat_types_page (f->window);
  waitlist = ui_test_child (seat_types, CCM_TYPE_SEAT_TYPES_PAGE, "waitlist");
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (ccm_seat_types_page_get_row (seat_types, 1))),
                                   "· 13 waiting"));
  for (row = gtk_widget_get_first_child (waitlist); row != NULL; row = gtk_widget_get_next_sibling (row))
    rows++;
  g_assert_cmpuint (rows, ==, 11);
  row = gtk_widget_get_last_child (waitlist);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "3 more for “Workshop”");
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_widget_get_prev_sibling (row))),
                                   "· 9 ahead"));

  ui_test_click (g_object_get_data (G_OBJECT (row), "show-all"));
  ui_test_iterate ();
  rows = 0;
  for (row = gtk_widget_get_first_child (waitlist); row != NULL; row = gtk_widget_get_next_sibling (row))
    rows++;
  g_assert_cmpuint (rows, ==, 13);
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_widget_get_last_child (waitlist))),
                                   "· 12 ahead"));

  /* A search finds people by address or name, each with its place in the
   * whole line; one that finds nobody says so; cleared, the list is back. */
  search = ui_test_child (seat_types, CCM_TYPE_SEAT_TYPES_PAGE, "waitlist_search");
  g_assert_true (gtk_widget_get_visible (search));
  gtk_editable_set_text (GTK_EDITABLE (search), " WAITER1@ ");
  g_signal_emit_by_name (search, "search-changed");
  ui_test_iterate ();
  g_assert_cmpuint (ui_test_count_children (waitlist), ==, 1);
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_widget_get_first_child (waitlist))),
                                   "waiter1@example.org · 1 ahead"));
  gtk_editable_set_text (GTK_EDITABLE (search), "waiter1 ter");
  g_signal_emit_by_name (search, "search-changed");
  ui_test_iterate ();
  g_assert_cmpuint (ui_test_count_children (waitlist), ==, 4);   /* 1, 10, 11, 12 */
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_widget_get_last_child (waitlist))),
                                   "· 12 ahead"));
  gtk_editable_set_text (GTK_EDITABLE (search), "nobody");
  g_signal_emit_by_name (search, "search-changed");
  ui_test_iterate ();
  g_assert_cmpuint (ui_test_count_children (waitlist), ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_widget_get_first_child (waitlist))),
                   ==, "No one on the waitlist matches “nobody”");
  g_signal_emit_by_name (search, "stop-search");
  g_signal_emit_by_name (search, "search-changed");
  ui_test_iterate ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "");
  g_assert_cmpuint (ui_test_count_children (waitlist), ==, 13);
}

/* Opens the order in the list and takes it up where it stopped; returns
 * the registration step it reached. */
static const char *
resume_from_orders (Fixture    *f,
                    const char *order_id,
                    const char *button_label)
{
  CcmOrdersPage *orders = ccm_window_get_orders_page (f->window);
  CcmRegistrationPage *page = ccm_window_get_registration_page (f->window);
  GtkWidget *button;

  ccm_window_show_page (f->window, "orders");
  ccm_orders_page_show_order (orders, order_id);
  ui_test_iterate ();
  button = ccm_orders_page_get_resume_button (orders);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, button_label);
  ui_test_click (button);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (ui_test_child (f->window, CCM_TYPE_WINDOW,
                                                                                       "view_stack"))),
                   ==, "registration");
  g_assert_cmpstr (ccm_registration_page_get_order_id (page), ==, order_id);
  return ccm_registration_page_get_step (page);
}

/* An order left half-way (the desk restarted, the person came back later)
 * goes on from the order list: registrant, payment, then its attendees. */
static void
test_orders_resume (Fixture       *f,
                    gconstpointer  data)
{
  CcmRegistrationPage *page;
  CcmOrdersPage *orders;
  g_autofree char *order_id = NULL;
  g_autofree char *label = NULL;
  g_autoptr(JsonObject) order = NULL;

  set_up_conference (f);
  page = ccm_window_get_registration_page (f->window);
  orders = ccm_window_get_orders_page (f->window);
  order_id = reserve (f, "Full pass", 1);
  /* The page forgets it, as after a restart. */
  ccm_registration_page_set_conference (page, NULL);
  ccm_registration_page_set_conference (page, ccm_window_get_conference (f->window));
  g_assert_null (ccm_registration_page_get_order_id (page));

  g_assert_cmpstr (resume_from_orders (f, order_id, "C_ontinue Registration"), ==, "registrant");
  /* The step names the order taken up. */
  order = get_order (f, order_id);
  label = g_strdup_printf ("Step 3 of 5 · order %s", ccm_json_string (order, "access_code"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "step_label"))),
                   ==, label);
  g_clear_pointer (&order, json_object_unref);
  gtk_editable_set_text (GTK_EDITABLE (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "first_name_row")), "Ada");
  gtk_editable_set_text (GTK_EDITABLE (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "last_name_row")), "Lovelace");
  gtk_editable_set_text (GTK_EDITABLE (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "email_row")), "ada@example.org");
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "registrant_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "payment");

  /* Left again before paying: it comes back at the payment, its registrant kept. */
  ccm_registration_page_set_conference (page, NULL);
  ccm_registration_page_set_conference (page, ccm_window_get_conference (f->window));
  g_assert_cmpstr (resume_from_orders (f, order_id, "C_ontinue Registration"), ==, "payment");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE,
                                                                        "email_row"))), ==, "ada@example.org");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "cash_check")), TRUE);
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "pay_button"));
  g_assert_cmpstr (ccm_registration_page_get_step (page), ==, "done");

  /* A confirmed order opens at its attendees. */
  ccm_registration_page_set_conference (page, NULL);
  ccm_registration_page_set_conference (page, ccm_window_get_conference (f->window));
  g_assert_cmpstr (resume_from_orders (f, order_id, "_Name Attendees"), ==, "done");
  g_assert_nonnull (ccm_registration_page_get_attendee_row (page, 0));
  g_assert_true (gtk_widget_has_css_class (ccm_orders_page_get_resume_button (orders),
                                           "suggested-action"));

  /* Every seat named: nothing asks for more, the names can still change. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmOutcome) outcome = NULL;
    JsonObject *args = json_object_new ();

    json_object_set_string_member (args, "order_id", order_id);
    json_object_set_int_member (args, "position", 0);
    json_object_set_string_member (args, "first_name", "Ada");
    json_object_set_string_member (args, "last_name", "Lovelace");
    json_object_set_string_member (args, "email", "ada@example.org");
    outcome = ccm_context_submit (f->context, "AssignSeat", args, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpstr (resume_from_orders (f, order_id, "C_hange Attendees"), ==, "done");
  g_assert_false (gtk_widget_has_css_class (ccm_orders_page_get_resume_button (orders),
                                            "suggested-action"));

  /* A cancelled order cannot go on. */
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "confirmed");
  g_clear_pointer (&order_id, g_free);
  ui_test_click (ui_test_child (page, CCM_TYPE_REGISTRATION_PAGE, "new_button"));
  order_id = reserve (f, "Full pass", 1);
  ccm_window_show_page (f->window, "orders");
  ccm_orders_page_show_order (orders, order_id);
  ui_test_iterate ();
  ui_test_click (ccm_orders_page_get_cancel_button (orders));
  adw_message_dialog_response (ccm_orders_page_get_cancel_dialog (orders), "cancel");
  ui_test_iterate ();
  g_assert_null (ccm_orders_page_get_resume_button (orders));
  g_assert_false (ccm_registration_page_resume (page, order_id));
}

/* The order list's column of this title (owned by the list). */
static GtkColumnViewColumn *
order_column (CcmOrdersPage *page,
              const char    *title)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "column_view"));
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      GtkColumnViewColumn *column = g_list_model_get_item (columns, i);

      g_object_unref (column);
      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }
  g_assert_not_reached ();
}

static gboolean
order_column_visible (CcmOrdersPage *page,
                      const char    *title)
{
  return gtk_column_view_column_get_visible (order_column (page, title));
}

static void
test_orders_cancel (Fixture       *f,
                    gconstpointer  data)
{
  CcmOrdersPage *page;
  CcmOrderListModel *model;
  g_autofree char *order_id = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(CcmOrderRow) row = NULL;
  AdwMessageDialog *dialog;
  CcmBarChart *chart;

  set_up_conference (f);
  order_id = reserve (f, "Full pass", 1);
  g_assert_cmpint (seats (f, "Full pass", "available"), ==, 4);

  page = ccm_window_get_orders_page (f->window);
  model = ccm_orders_page_get_model (page);
  ccm_window_show_page (f->window, "orders");
  ui_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (ccm_order_row_get_order_id (row), ==, order_id);
  g_assert_cmpstr (ccm_order_row_get_status (row), ==, "reserved");

  g_assert_true (order_column_visible (page, "Seats"));
  g_assert_true (order_column_visible (page, "Placed"));
  /* As if the user had dragged it wider. */
  gtk_column_view_column_set_fixed_width (order_column (page, "Placed"), 180);
  ccm_orders_page_show_order (page, order_id);
  ui_test_iterate ();
  /* Beside the detail, which shows them, the list leaves out the seats and
   * the time placed, so that the totals are not cut off at its edge. */
  g_assert_false (order_column_visible (page, "Seats"));
  g_assert_false (order_column_visible (page, "Placed"));
  g_assert_true (order_column_visible (page, "Total"));
  ui_test_click (ccm_orders_page_get_cancel_button (page));
  dialog = ccm_orders_page_get_cancel_dialog (page);
  g_assert_nonnull (dialog);
  /* "Keep" changes nothing. */
  adw_message_dialog_response (dialog, "keep");
  ui_test_iterate ();
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "reserved");

  ui_test_click (ccm_orders_page_get_cancel_button (page));
  dialog = ccm_orders_page_get_cancel_dialog (page);
  adw_message_dialog_response (dialog, "cancel");
  ui_test_iterate ();
  g_clear_pointer (&order, json_object_unref);
  order = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "cancelled");
  g_assert_cmpint (seats (f, "Full pass", "available"), ==, 5);

  /* The list and the overview follow. */
  g_clear_object (&row);
  row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (ccm_order_row_get_status (row), ==, "cancelled");
  g_assert_false (gtk_widget_get_visible (ccm_orders_page_get_cancel_button (page)));
  g_assert_cmpstr (overview_label (f, "available_label"), ==, "7");
  chart = CCM_BAR_CHART (ui_test_child (ccm_window_get_overview_page (f->window), CCM_TYPE_OVERVIEW_PAGE,
                                "orders_chart"));
  /* Bars: pending, reserved, partially reserved, confirmed, expired, cancelled. */
  g_assert_cmpfloat (ccm_bar_chart_get_value (chart, 1, 0), ==, 0);
  g_assert_cmpfloat (ccm_bar_chart_get_value (chart, 5, 0), ==, 1);

  /* The detail closed, the list has its width and every column back. */
  ui_test_click (ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "close_detail_button"));
  ui_test_iterate ();
  g_assert_true (order_column_visible (page, "Seats"));
  g_assert_true (order_column_visible (page, "Placed"));
  g_assert_cmpint (gtk_column_view_column_get_fixed_width (order_column (page, "Seats")), ==, 60);
  g_assert_cmpint (gtk_column_view_column_get_fixed_width (order_column (page, "Placed")), ==, 180);
}

static void
test_orders_search_filter (Fixture       *f,
                           gconstpointer  data)
{
  CcmOrdersPage *page;
  CcmOrderListModel *model;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  GtkWidget *search, *dropdown;

  set_up_conference (f);
  first = reserve (f, "Full pass", 1);
  fill_registrant_and_pay (f, first);
  ui_test_click (ui_test_child (ccm_window_get_registration_page (f->window), CCM_TYPE_REGISTRATION_PAGE, "new_button"));
  second = reserve (f, "Workshop", 1);

  page = ccm_window_get_orders_page (f->window);
  model = ccm_orders_page_get_model (page);
  search = ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "search_entry");
  dropdown = ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "status_dropdown");
  ccm_window_show_page (f->window, "orders");
  ui_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);

  ccm_order_list_model_set_search (model, "hop");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (search), "nobody");
  g_signal_emit_by_name (search, "search-changed");
  ui_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "list_stack"))),
                   ==, "no-results");
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  g_signal_emit_by_name (search, "search-changed");
  ui_test_iterate ();

  /* 2 = "Reserved" */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 2);
  ui_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  {
    g_autoptr(CcmOrderRow) row = g_list_model_get_item (G_LIST_MODEL (model), 0);
    g_assert_cmpstr (ccm_order_row_get_order_id (row), ==, second);
  }
}

/* How many visible labels under widget say text. */
static guint
count_visible_labels (GtkWidget  *widget,
                      const char *text)
{
  guint n = 0;

  if (!gtk_widget_get_visible (widget))
    return 0;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    n++;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += count_visible_labels (c, text);
  return n;
}

/* The index of the first history row whose title starts with prefix and
 * ends with suffix, after index from; fails when there is none. */
static guint
history_index (CcmOrdersPage *page,
               guint          from,
               const char    *prefix,
               const char    *suffix)
{
  for (guint i = from; i < ccm_orders_page_get_n_history_rows (page); i++)
    {
      AdwActionRow *row = ccm_orders_page_get_history_row (page, i);
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

      if (g_str_has_prefix (title, prefix) && g_str_has_suffix (title, suffix))
        {
          g_assert_cmpstr (adw_action_row_get_subtitle (row), !=, "");
          return i;
        }
    }
  g_error ("No history row “%s…%s” after row %u", prefix, suffix, from);
}

/* A paid order of one Full pass, its detail shown on the orders page. */
static char *
show_paid_order (Fixture        *f,
                 CcmOrdersPage **page)
{
  char *order_id;

  set_up_conference (f);
  order_id = reserve (f, "Full pass", 1);
  fill_registrant_and_pay (f, order_id);
  *page = ccm_window_get_orders_page (f->window);
  ccm_window_show_page (f->window, "orders");
  ccm_orders_page_show_order (*page, order_id);
  ui_test_iterate ();
  return order_id;
}

/* "Cancel Order…", then "Cancel Order" in its dialog. */
static void
cancel_shown_order (CcmOrdersPage *page)
{
  ui_test_click (ccm_orders_page_get_cancel_button (page));
  adw_message_dialog_response (ccm_orders_page_get_cancel_dialog (page), "cancel");
  ui_test_iterate ();
}

static void
test_orders_history (Fixture       *f,
                     gconstpointer  data)
{
  CcmOrdersPage *page;
  g_autofree char *order_id = NULL;
  guint placed, reserved, paid, confirmed, assigned;

  order_id = show_paid_order (f, &page);

  /* Order, payment and assignment streams, merged in log order. */
  placed = history_index (page, 0, "Placed: 1 seat", "");
  reserved = history_index (page, placed + 1, "Seats reserved", "");
  paid = history_index (page, reserved + 1, "Paid 199.00 ", " by card");
  confirmed = history_index (page, paid + 1, "Confirmed", "");
  assigned = history_index (page, confirmed + 1, "Tickets issued", "");
  g_assert_cmpuint (placed, ==, 0);
  g_assert_cmpuint (assigned, >, confirmed);

  /* A standalone desk has nothing pending. */
  g_assert_false (ccm_orders_page_get_detail_pending (page));
  g_assert_cmpuint (count_visible_labels (ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "column_view"),
                                          "Pending sync"), ==, 0);

  /* Cancelling adds to the history, at the end. */
  cancel_shown_order (page);
  history_index (page, assigned + 1, "Cancelled", "");
}

/* A refund paid back: "Resolve…" asks what was done, the item leaves the
 * badge's count for the Resolved group, the order's history says so, and
 * the toast's Undo (win.reopen-attention) puts it back. */
static void
test_attention_resolve (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *list = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_list");
  GtkWidget *resolved = ui_test_child (f->window, CCM_TYPE_WINDOW, "resolved_list");
  GtkWidget *stack = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_stack");
  GtkWidget *button, *dialog, *note;
  g_autofree char *order_id = NULL;
  g_autoptr(JsonArray) items = NULL;
  CcmOrdersPage *page;

  order_id = show_paid_order (f, &page);
  cancel_shown_order (page);
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 1);

  ccm_window_show_page (f->window, "attention");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "list");
  g_assert_cmpuint (ui_test_count_children (list), ==, 1);
  g_assert_false (gtk_widget_get_visible (ui_test_child (f->window, CCM_TYPE_WINDOW, "resolved_group")));

  /* Cancelling the dialog changes nothing. */
  button = ui_test_find_button (list, "_Resolve…");
  g_assert_nonnull (button);
  ui_test_click (button);
  dialog = ccm_window_get_attention_dialog (f->window);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  ui_test_iterate ();
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 1);

  ui_test_click (ui_test_find_button (list, "_Resolve…"));
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  dialog = ccm_window_get_attention_dialog (f->window);
  note = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  g_assert_true (GTK_IS_ENTRY (note));
  gtk_editable_set_text (GTK_EDITABLE (note), "Refunded by card");
  /* Enter in the note takes the default response: resolve. */
  g_assert_true (gtk_entry_get_activates_default (GTK_ENTRY (note)));
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==, "resolve");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "resolve");
  ui_test_iterate ();

  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "list");
  g_assert_false (gtk_widget_get_visible (list));
  g_assert_cmpuint (ui_test_count_children (resolved), ==, 1);
  g_assert_true (gtk_widget_get_visible (ui_test_child (f->window, CCM_TYPE_WINDOW, "resolved_group")));
  g_assert_nonnull (ui_test_find_button (resolved, "Re_open"));
  items = ccm_attention_views_list (ccm_context_get_store (f->context), "devcon", NULL);
  g_assert_cmpstr (ccm_json_string (json_array_get_object_element (items, 0), "resolution_note"), ==,
                   "Refunded by card");

  ccm_window_show_page (f->window, "orders");
  ccm_orders_page_show_order (page, order_id);
  ui_test_iterate ();
  history_index (page, history_index (page, 0, "Refund due", ""), "Marked resolved: Refunded by card", "");

  /* Undo, as the toast does it, after another conference was chosen: the
   * item's own conference gets it back. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmOutcome) outcome = NULL;
    JsonObject *args = test_conference_args ("other", g_get_real_time ());

    outcome = ccm_context_submit (f->context, "CreateConference", args, &error);
    g_assert_no_error (error);
  }
  ui_test_iterate ();
  g_assert_true (ccm_window_select_conference (f->window, "other"));
  ui_test_iterate ();
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.reopen-attention", "s",
                              ccm_json_string (json_array_get_object_element (items, 0), "item"));
  ui_test_iterate ();
  g_assert_cmpint (ccm_attention_views_count (ccm_context_get_store (f->context), "devcon", NULL), ==, 1);
  g_assert_true (ccm_window_select_conference (f->window, "devcon"));
  ccm_window_show_page (f->window, "attention");
  ui_test_iterate ();
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 1);
  g_assert_cmpuint (ui_test_count_children (list), ==, 1);
  g_assert_true (gtk_widget_get_visible (list));
  g_assert_false (gtk_widget_get_visible (ui_test_child (f->window, CCM_TYPE_WINDOW, "resolved_group")));
}

/* `n` tickets no order issued admitted at "devcon", in one transaction:
 * as many attention items. */
static void
admit_unknown (Fixture *f,
               guint    n)
{
  CcmStore *store = ccm_context_get_store (f->context);
  g_autoptr(GError) error = NULL;

  g_assert_true (ccm_store_begin (store, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CcmOutcome) outcome = NULL;
      g_autofree char *code = ccm_ticket_code_new ();
      JsonObject *args = json_object_new ();

      json_object_set_string_member (args, "ticket_code", code);
      json_object_set_string_member (args, "conference", "devcon");
      outcome = ccm_context_submit (f->context, "AdmitTicket", args, &error);
      g_assert_no_error (error);
    }
  g_assert_true (ccm_store_commit (store, &error));
}

static const char *
dropdown_text (GtkWidget *dropdown,
               guint      position)
{
  return gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))),
                                     position);
}

/* A list longer than the page shows says so and shows more at its end, and
 * a dropdown shows one kind at a time, each with how many are open; the
 * kind chosen stays chosen when none of it is left open. */
static void
test_attention_kinds (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *list = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_list");
  GtkWidget *resolved = ui_test_child (f->window, CCM_TYPE_WINDOW, "resolved_list");
  GtkWidget *dropdown = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_kind_dropdown");
  GtkWidget *more = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_more_button");
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (ui_test_child (f->window, CCM_TYPE_WINDOW,
                                                                     "attention_group"));
  g_autofree char *order_id = NULL;
  CcmOrdersPage *page;

  order_id = show_paid_order (f, &page);
  cancel_shown_order (page);
  ccm_window_show_page (f->window, "attention");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  /* One kind alone: nothing to choose. */
  g_assert_cmpuint (ui_test_count_children (list), ==, 1);
  g_assert_false (gtk_widget_get_visible (dropdown));

  admit_unknown (f, 205);
  ui_test_iterate ();

  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 206);
  g_assert_true (gtk_widget_get_visible (dropdown));
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))), ==, 3);
  g_assert_cmpstr (dropdown_text (dropdown, 0), ==, "All kinds (206)");
  g_assert_cmpstr (dropdown_text (dropdown, 1), ==, "Unknown tickets (205)");
  g_assert_cmpstr (dropdown_text (dropdown, 2), ==, "Refunds due (1)");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==, 0);
  g_assert_cmpuint (ui_test_count_children (list), ==, 30);
  g_assert_cmpstr (adw_preferences_group_get_description (group), ==,
                   "The newest 30 of 206 are shown; choose a kind, or show more at the end.");
  g_assert_true (gtk_widget_get_visible (more));
  /* The next 30, the keyboard at the first of them. */
  gtk_widget_grab_focus (more);
  ui_test_click (more);
  ui_test_iterate ();
  g_assert_cmpuint (ui_test_count_children (list), ==, 60);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 30))));
  g_assert_cmpstr (adw_preferences_group_get_description (group), ==,
                   "The newest 60 of 206 are shown; choose a kind, or show more at the end.");

  /* The refund, which the newest 60 left out. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 2);
  ui_test_iterate ();
  g_assert_cmpuint (ui_test_count_children (list), ==, 1);
  g_assert_nonnull (ui_test_find_button (list, "_Open Order"));
  g_assert_cmpstr (adw_preferences_group_get_description (group), ==,
                   "Each item says what happened and what to do about it.");
  g_assert_false (gtk_widget_get_visible (more));

  /* Resolved, it stays in view under its kind, now none open. */
  ui_test_click (ui_test_find_button (list, "_Resolve…"));
  ui_test_iterate ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (ccm_window_get_attention_dialog (f->window)),
                               "resolve");
  ui_test_iterate ();
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 205);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==, 2);
  g_assert_cmpstr (dropdown_text (dropdown, 2), ==, "Refunds due (0)");
  g_assert_false (gtk_widget_get_visible (list));
  g_assert_cmpuint (ui_test_count_children (resolved), ==, 1);
  g_assert_false (gtk_widget_get_visible (more));

  /* One kind, still more than the page shows, to its end. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 1);
  ui_test_iterate ();
  g_assert_cmpuint (ui_test_count_children (list), ==, 30);
  g_assert_cmpstr (adw_preferences_group_get_description (group), ==,
                   "The newest 30 of 205 are shown; more at the end.");
  g_assert_false (gtk_widget_get_visible (ui_test_child (f->window, CCM_TYPE_WINDOW, "resolved_group")));
  for (guint i = 0; i < 6; i++)
    {
      g_assert_true (gtk_widget_get_visible (more));
      ui_test_click (more);
      ui_test_iterate ();
    }
  g_assert_cmpuint (ui_test_count_children (list), ==, 205);
  g_assert_false (gtk_widget_get_visible (more));
  g_assert_cmpstr (adw_preferences_group_get_description (group), ==,
                   "Each item says what happened and what to do about it.");
}

/* Every open item of one kind marked resolved at once, with one note, and
 * taken back by the toast's Undo. */
static void
test_attention_resolve_kind (Fixture       *f,
                             gconstpointer  data)
{
  GtkWidget *list = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_list");
  GtkWidget *resolved = ui_test_child (f->window, CCM_TYPE_WINDOW, "resolved_list");
  GtkWidget *dropdown = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_kind_dropdown");
  GtkWidget *button = ui_test_child (f->window, CCM_TYPE_WINDOW, "resolve_kind_button");
  g_autofree char *order_id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) items = NULL;
  AdwMessageDialog *dialog;
  CcmOrdersPage *page;

  order_id = show_paid_order (f, &page);
  cancel_shown_order (page);
  admit_unknown (f, 3);
  ccm_window_show_page (f->window, "attention");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 4);
  /* Not for every kind at once. */
  g_assert_false (gtk_widget_get_visible (button));
  g_assert_cmpstr (dropdown_text (dropdown, 1), ==, "Unknown tickets (3)");
  g_assert_cmpstr (dropdown_text (dropdown, 2), ==, "Refunds due (1)");
  /* Nor for one item alone: its own button does it. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 2);
  ui_test_iterate ();
  g_assert_false (gtk_widget_get_visible (button));

  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 1);
  ui_test_iterate ();
  g_assert_true (gtk_widget_get_visible (button));
  ui_test_click (button);
  ui_test_iterate ();
  dialog = ADW_MESSAGE_DIALOG (ccm_window_get_attention_dialog (f->window));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Mark 3 Items Resolved?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Unknown tickets”"));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Staff badges");
  adw_message_dialog_response (dialog, "resolve");
  ui_test_iterate ();

  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 1);
  /* Still chosen, in its place: the kinds do not move while the counts
   * change. */
  g_assert_cmpstr (dropdown_text (dropdown, 1), ==, "Unknown tickets (0)");
  g_assert_cmpstr (dropdown_text (dropdown, 2), ==, "Refunds due (1)");
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==, 1);
  g_assert_false (gtk_widget_get_visible (list));
  g_assert_cmpuint (ui_test_count_children (resolved), ==, 3);
  g_assert_false (gtk_widget_get_visible (button));
  items = ccm_attention_views_newest (ccm_context_get_store (f->context), "devcon", "unknown_ticket",
                                      0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpstr (ccm_json_string (json_array_get_object_element (items, i), "resolution_note"),
                     ==, "Staff badges");

  /* The toast's Undo. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.reopen-bulk", NULL));
  ui_test_iterate ();
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 4);
  g_assert_cmpuint (ui_test_count_children (list), ==, 3);
  g_assert_true (gtk_widget_get_visible (button));
}

/* Alt+digit takes the keyboard to the page it shows: the focus leaves
 * the switcher (or wherever it was) for the page's first control, and
 * stays put when the page is the one shown already. */
static void
test_page_keys (Fixture       *f,
                gconstpointer  data)
{
  CcmOrdersPage *orders = ccm_window_get_orders_page (f->window);
  CcmSeatTypesPage *seat_types = ccm_window_get_seat_types_page (f->window);
  GtkWidget *search = ui_test_child (orders, CCM_TYPE_ORDERS_PAGE, "search_entry");
  GtkWidget *focus;

  set_up_conference (f);
  ccm_window_show_page (f->window, "overview");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  /* At the window's first size the page switcher has room in the header
   * (not only in the bar at the bottom). */
  g_assert_false (adw_view_switcher_title_get_title_visible (
    ADW_VIEW_SWITCHER_TITLE (ui_test_child (f->window, CCM_TYPE_WINDOW, "switcher_title"))));
  gtk_root_set_focus (GTK_ROOT (f->window), NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "orders"));
  ui_test_iterate ();
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == search || gtk_widget_is_ancestor (focus, search));

  /* The page shown already: the focus does not move on. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "orders"));
  ui_test_iterate ();
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == focus);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "seat-types"));
  ui_test_iterate ();
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (seat_types)));

  /* From inside one page to the next: its first control too, not the one
   * after it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-page", "s", "orders"));
  ui_test_iterate ();
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (focus == search || gtk_widget_is_ancestor (focus, search));
}

static GtkOrientation
buttons_orientation (GtkWidget *list)
{
  GtkWidget *row = gtk_widget_get_first_child (list);
  GtkWidget *box = row != NULL ? g_object_get_data (G_OBJECT (row), "ccm-button-box") : NULL;

  g_assert_nonnull (box);
  return gtk_orientable_get_orientation (GTK_ORIENTABLE (box));
}

/* A phone-sized window: no page asks the content column for more than its
 * 360 pixels (a seat's buttons under the ticket code on the registration's
 * last step included); the rows of the attention list and of the
 * registration's seats put their buttons one above the other, so their
 * text keeps room; the sync button drops its word for the conference's
 * name. Wide again, all as before. */
static void
test_window_narrow (Fixture       *f,
                    gconstpointer  data)
{
  GtkWidget *attention = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_list");
  GtkWidget *pages = ui_test_child (f->window, CCM_TYPE_WINDOW, "view_stack");
  CcmRegistrationPage *registration = ccm_window_get_registration_page (f->window);
  GtkWidget *seats = ui_test_child (registration, CCM_TYPE_REGISTRATION_PAGE, "choose_list");
  CcmSyncIndicator *sync = CCM_SYNC_INDICATOR (ui_test_child (f->window, CCM_TYPE_WINDOW, "sync_indicator"));
  CcmOrdersPage *page;
  g_autofree char *order_id = NULL;
  int min_width = 0;

  order_id = show_paid_order (f, &page);
  cancel_shown_order (page);
  ccm_window_show_page (f->window, "attention");
  ui_test_resize_window (GTK_WINDOW (f->window), 1100, 700);
  g_assert_false (ccm_window_get_narrow (f->window));
  g_assert_cmpint (buttons_orientation (attention), ==, GTK_ORIENTATION_HORIZONTAL);

  ui_test_resize_window (GTK_WINDOW (f->window), 360, 700);
  g_assert_true (ccm_window_get_narrow (f->window));
  g_assert_true (ccm_sync_indicator_get_compact (sync));
  gtk_widget_measure (pages, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  g_assert_cmpint (buttons_orientation (attention), ==, GTK_ORIENTATION_VERTICAL);
  ccm_window_show_page (f->window, "registration");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpint (buttons_orientation (seats), ==, GTK_ORIENTATION_VERTICAL);
  /* The last step's Print Badges and New Registration, one above the other. */
  g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (ui_test_child (registration,
                                                                                  CCM_TYPE_REGISTRATION_PAGE,
                                                                                  "done_buttons"))),
                   ==, GTK_ORIENTATION_VERTICAL);

  ui_test_resize_window (GTK_WINDOW (f->window), 1100, 700);
  g_assert_false (ccm_window_get_narrow (f->window));
  g_assert_false (ccm_sync_indicator_get_compact (sync));
  g_assert_cmpint (buttons_orientation (seats), ==, GTK_ORIENTATION_HORIZONTAL);
  g_assert_cmpint (buttons_orientation (attention), ==, GTK_ORIENTATION_HORIZONTAL);

  /* A desk opened with --checkin has no conference list, so no leaflet
   * folds: its pages are narrow where the list and a page would not fit
   * side by side. */
  ccm_window_set_checkin_mode (f->window, TRUE);
  ui_test_resize_window (GTK_WINDOW (f->window), 560, 700);
  g_assert_true (ccm_window_get_narrow (f->window));
  ccm_window_show_page (f->window, "attention");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpint (buttons_orientation (attention), ==, GTK_ORIENTATION_VERTICAL);
  ui_test_resize_window (GTK_WINDOW (f->window), 1100, 700);
  g_assert_false (ccm_window_get_narrow (f->window));
  g_assert_cmpint (buttons_orientation (attention), ==, GTK_ORIENTATION_HORIZONTAL);
}

/* A large revenue in a narrow window (German grouping, long): the figure
 * is never broken inside, only the currency may go under it; when two
 * tiles do not fit side by side, they go one to a row. */
static void
test_overview_narrow (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *revenue = overview_child (f, "revenue_label");
  GtkWidget *tile = gtk_widget_get_ancestor (revenue, GTK_TYPE_FLOW_BOX_CHILD);
  GtkWidget *tiles = gtk_widget_get_ancestor (revenue, GTK_TYPE_FLOW_BOX);
  PangoLayout *layout;
  int min_width = 0, figure = 0, one_line = 0, at_min = 0, tile_min = 0, tiles_min = 0;

  gtk_label_set_text (GTK_LABEL (revenue), "36.702.507,00 USD");
  layout = gtk_widget_create_pango_layout (revenue, "36.702.507,00");
  pango_layout_get_pixel_size (layout, &figure, NULL);
  g_object_unref (layout);

  gtk_widget_measure (revenue, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, >=, figure);
  gtk_widget_measure (revenue, GTK_ORIENTATION_VERTICAL, -1, &one_line, NULL, NULL, NULL);
  gtk_widget_measure (revenue, GTK_ORIENTATION_VERTICAL, min_width, &at_min, NULL, NULL, NULL);
  g_assert_cmpint (at_min, >, one_line);
  g_assert_cmpint (at_min, <, 3 * one_line);

  gtk_widget_measure (tile, GTK_ORIENTATION_HORIZONTAL, -1, &tile_min, NULL, NULL, NULL);
  gtk_widget_measure (tiles, GTK_ORIENTATION_HORIZONTAL, -1, &tiles_min, NULL, NULL, NULL);
  g_assert_cmpint (tiles_min, <, 2 * tile_min);
  g_assert_cmpuint (gtk_flow_box_get_max_children_per_line (GTK_FLOW_BOX (tiles)), ==, 2);
}

/* Counts read as the locale writes numbers, in the window (the overview's
 * tiles, a seat type's row); the editor's quota stays plain, for
 * reading back. */
static void
test_counts_grouped (Fixture       *f,
                     gconstpointer  data)
{
  CcmSeatTypesPage *page = ccm_window_get_seat_types_page (f->window);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "locales", NULL);
  GtkWidget *editor;
  const char *subtitle;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  test_compile_locale (dir, "en_US.UTF-8");
  test_compile_locale (dir, "de_DE.UTF-8");
  g_setenv ("LOCPATH", dir, TRUE);
  set_up_conference (f);

  g_assert_nonnull (setlocale (LC_NUMERIC, "en_US.UTF-8"));
  ccm_window_show_page (f->window, "seat-types");
  set_quota (page, 0, "12500");
  g_assert_cmpstr (overview_label (f, "available_label"), ==, "12,502");
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (ccm_seat_types_page_get_row (page, 0)));
  g_assert_nonnull (strstr (subtitle, "quota 12,500 · 0 sold · 0 held · 12,500 available"));

  ui_test_click (g_object_get_data (G_OBJECT (ccm_seat_types_page_get_row (page, 0)), "edit"));
  editor = ccm_seat_types_page_get_editor (page);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ccm_seat_type_editor_get_entry (editor, "quota"))),
                   ==, "12500");
  gtk_window_destroy (GTK_WINDOW (editor));
  ui_test_iterate ();

  g_assert_nonnull (setlocale (LC_NUMERIC, "de_DE.UTF-8"));
  set_quota (page, 0, "25000");
  g_assert_cmpstr (overview_label (f, "available_label"), ==, "25.002");

  setlocale (LC_NUMERIC, "C.UTF-8");
  g_unsetenv ("LOCPATH");
  set_quota (page, 0, "12500");
  g_assert_cmpstr (overview_label (f, "available_label"), ==, "12502");
}

/* An order opened from elsewhere is selected in the list and scrolled to,
 * and stays selected when orders land above it; one the search leaves out
 * is not selected. */
static void
test_orders_open_selects (Fixture       *f,
                          gconstpointer  data)
{
  CcmOrdersPage *page = ccm_window_get_orders_page (f->window);
  GtkWidget *view = ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "column_view");
  GtkWidget *search;
  GtkSingleSelection *selection;
  GtkAdjustment *adjustment;
  g_autofree char *oldest = NULL, *oldest_code = NULL;
  const char *seat_type = NULL;
  g_autoptr(JsonArray) types = NULL;

  set_up_conference (f);
  types = ccm_seat_views_list (ccm_context_get_store (f->context), "devcon", NULL);
  seat_type = ccm_json_string (json_array_get_object_element (types, 0), "seat_type_id");
  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CcmOutcome) outcome = NULL;
      JsonObject *args = test_order_args ("devcon", seat_type, 1, g_get_real_time ());

      if (i == 0)
        oldest = g_strdup (ccm_json_string (args, "order_id"));
      outcome = ccm_context_submit (f->context, "PlaceOrder", args, &error);
      g_assert_no_error (error);
    }
  selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

  /* Newest first: the oldest is the last of 60. Opened as the attention
   * list opens it, with the orders page shown that moment for the first
   * time: the list has no size yet, and is scrolled once it has. */
  ccm_window_show_order (f->window, oldest);
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 59);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);

  /* An order lands above it (a sale at another desk, a sync): it stays
   * selected, one place further down, and the list does not move. The
   * keyboard focus, on its row, goes with it: the arrow keys go on from
   * there. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmOutcome) outcome = NULL;
    double scrolled;
    GtkWidget *list = NULL;

    for (GtkWidget *child = gtk_widget_get_first_child (view); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_LIST_VIEW (child))
        list = child;
    g_assert_nonnull (list);
    oldest_code = g_strdup (ccm_order_row_get_access_code (gtk_single_selection_get_selected_item (selection)));
    for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
         row = gtk_widget_get_next_sibling (row))
      if (ui_test_shows_text (row, oldest_code))
        g_assert_true (gtk_widget_grab_focus (row));
    g_assert_true (ui_test_shows_text (gtk_root_get_focus (GTK_ROOT (f->window)), oldest_code));
    scrolled = gtk_adjustment_get_value (adjustment);

    outcome = ccm_context_submit (f->context, "PlaceOrder",
                                  test_order_args ("devcon", seat_type, 1, g_get_real_time ()), &error);
    g_assert_no_error (error);
    ui_test_wait_for_frame (GTK_WIDGET (f->window));
    g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 60);
    g_assert_cmpstr (ccm_order_row_get_order_id (gtk_single_selection_get_selected_item (selection)),
                     ==, oldest);
    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, scrolled);
    g_assert_true (ui_test_shows_text (gtk_root_get_focus (GTK_ROOT (f->window)), oldest_code));
  }

  /* Left out by a search (typed with the list scrolled down, which GTK
   * 4.8 warned about): the detail shows it, the list selects nothing. */
  search = ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "search_entry");
  gtk_editable_set_text (GTK_EDITABLE (search), "nobody-by-this-name");
  g_signal_emit_by_name (search, "search-changed");
  ui_test_iterate ();
  ccm_orders_page_show_order (page, oldest);
  ui_test_iterate ();
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, GTK_INVALID_LIST_POSITION);
}

/* A command the server refused counts on the badge and is resolved like
 * any item; the server's answer is given here by hand, as a sync would. */
static void
test_attention_refused (Fixture       *f,
                        gconstpointer  data)
{
  CcmStore *store = ccm_context_get_store (f->context);
  GtkWidget *list = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_list");
  GtkWidget *resolved = ui_test_child (f->window, CCM_TYPE_WINDOW, "resolved_list");
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *args = json_object_new ();

  set_up_conference (f);
  g_assert_true (ccm_store_enroll (store, &error));
  g_assert_no_error (error);
  json_object_set_string_member (args, "slug", "devcon");
  json_object_set_string_member (args, "tagline", "Edited offline");
  outcome = ccm_context_submit (f->context, "UpdateConference", args, &error);
  g_assert_no_error (error);

  test_reject_command (store, ccm_json_int (outcome->result, "seq", 0), "Someone changed it first.");
  ui_test_iterate ();
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 1);

  ccm_window_show_page (f->window, "attention");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  g_assert_cmpuint (ui_test_count_children (list), ==, 1);
  ui_test_click (ui_test_find_button (list, "_Resolve…"));
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (ccm_window_get_attention_dialog (f->window)), "resolve");
  ui_test_iterate ();
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, 0);
  g_assert_cmpuint (ui_test_count_children (resolved), ==, 1);
  g_assert_nonnull (ui_test_find_button (resolved, "Re_open"));
}

/* A check-in device (its role from the server, here set by hand): the
 * window offers none of what the server would refuse it. */
static void
test_role_checkin (Fixture       *f,
                   gconstpointer  data)
{
  CcmStore *store = ccm_context_get_store (f->context);
  CcmSeatTypesPage *seat_types;
  CcmOrdersPage *page;
  GtkWidget *publish, *list;
  g_autofree char *order_id = NULL, *live_id = NULL;
  g_autoptr(GError) error = NULL;

  order_id = show_paid_order (f, &page);
  cancel_shown_order (page);
  ui_test_click (ui_test_child (ccm_window_get_registration_page (f->window), CCM_TYPE_REGISTRATION_PAGE,
                                "new_button"));
  live_id = reserve (f, "Full pass", 1);
  g_assert_true (ccm_window_select_conference (f->window, "devcon"));
  g_assert_true (gtk_widget_is_visible (ui_test_child (f->window, CCM_TYPE_WINDOW, "edit_button")));

  g_assert_true (ccm_store_enroll (store, &error));
  g_assert_true (ccm_store_set_meta (store, CCM_STORE_META_ROLE, "checkin", &error));
  g_assert_false (ccm_context_may (f->context, "PlaceOrder"));
  g_assert_true (ccm_context_may (f->context, "AdmitTicket"));

  /* The window as at the next start. */
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate ();
  g_assert_finalize_object (f->window);
  f->window = g_object_ref_sink (ccm_window_new (NULL, f->context));
  gtk_window_present (GTK_WINDOW (f->window));
  ui_test_iterate ();
  g_assert_true (ccm_window_select_conference (f->window, "devcon"));
  ui_test_iterate ();

  /* A disabled action still "activates" (it is found), but does nothing. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-conference", NULL);
  ui_test_iterate ();
  g_assert_null (ccm_window_get_conference_dialog (f->window));
  g_assert_false (gtk_widget_get_visible (ui_test_child (f->window, CCM_TYPE_WINDOW, "edit_button")));

  ccm_window_show_page (f->window, "registration");
  ui_test_iterate ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (ui_test_child (ccm_window_get_registration_page (f->window),
                                                                              CCM_TYPE_REGISTRATION_PAGE, "stack"))),
                   ==, "no-sale");

  ccm_window_show_page (f->window, "overview");
  ui_test_iterate ();
  publish = overview_child (f, "publish_switch");
  g_assert_false (gtk_widget_get_sensitive (publish));

  seat_types = ccm_window_get_seat_types_page (f->window);
  ccm_window_show_page (f->window, "seat-types");
  ui_test_iterate ();
  gtk_widget_activate_action (GTK_WIDGET (seat_types), "seat-types.add", NULL);
  ui_test_iterate ();
  g_assert_null (ccm_seat_types_page_get_editor (seat_types));
  g_assert_false (gtk_widget_get_visible (g_object_get_data (G_OBJECT (ccm_seat_types_page_get_row (seat_types, 0)),
                                                             "edit")));

  page = ccm_window_get_orders_page (f->window);
  ccm_window_show_page (f->window, "orders");
  ccm_orders_page_show_order (page, live_id);
  ui_test_iterate ();
  g_assert_true (gtk_widget_get_visible (ccm_orders_page_get_cancel_button (page)));
  g_assert_false (gtk_widget_get_sensitive (ccm_orders_page_get_cancel_button (page)));
  g_assert_null (ccm_orders_page_get_resume_button (page));

  ccm_window_show_page (f->window, "attention");
  ui_test_wait_for_frame (GTK_WIDGET (f->window));
  list = ui_test_child (f->window, CCM_TYPE_WINDOW, "attention_list");
  g_assert_cmpuint (ui_test_count_children (list), ==, 1);
  g_assert_null (ui_test_find_button (list, "_Resolve…"));
  g_assert_nonnull (ui_test_find_button (list, "_Open Order"));
}

static void
test_orders_pending_sync (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CcmOrdersPage *page;
  g_autofree char *order_id = NULL;
  GtkWidget *view;

  set_up_conference (f);
  /* Enrolled with a server it cannot reach (none here): what it sells
   * stays tentative until a sync. */
  g_assert_true (ccm_store_enroll (ccm_context_get_store (f->context), &error));
  g_assert_no_error (error);
  order_id = reserve (f, "Full pass", 1);
  g_assert_cmpint (ccm_store_count_pending (ccm_context_get_store (f->context)), >, 0);

  page = ccm_window_get_orders_page (f->window);
  view = ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "column_view");
  ccm_window_show_page (f->window, "orders");
  ui_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ccm_orders_page_get_model (page))), ==, 1);
  /* The row carries the tag (a standalone desk's do not: see
   * /ui/orders/history), and so does the detail's header. */
  g_assert_cmpuint (count_visible_labels (view, "Pending sync"), ==, 1);
  g_assert_false (ccm_orders_page_get_detail_pending (page));
  ccm_orders_page_show_order (page, order_id);
  ui_test_iterate ();
  g_assert_true (ccm_orders_page_get_detail_pending (page));
  g_assert_cmpuint (count_visible_labels (ui_test_child (page, CCM_TYPE_ORDERS_PAGE, "pending_tag"),
                                          "Pending sync"), ==, 1);
}

static JsonObject *
attendee_of (JsonObject *order,
             guint       i)
{
  return json_array_get_object_element (json_object_get_array_member (order, "attendees"), i);
}

/* An import's check runs on a thread of its own: its dialog, once shown. */
static AdwMessageDialog *
wait_for_message_dialog (void)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  AdwMessageDialog *dialog;

  while ((dialog = open_message_dialog ()) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  return dialog;
}

/* The e-mail address of an order's first seat once it is `email` (the
 * import's rows are written on its thread). */
static void
wait_for_attendee (Fixture    *f,
                   const char *order_id,
                   const char *email)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(JsonObject) order = get_order (f, order_id);

      if (g_strcmp0 (ccm_json_string (attendee_of (order, 0), "email"), email) == 0)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

/* An export runs on a thread of its own: the file, once it is there and
 * begins as it should (a file is renamed over, never half-written). */
static char *
wait_for_export (const char *path,
                 const char *start)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL) && g_str_has_prefix (text, start))
        return g_steal_pointer (&text);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

/* The main menu's exports write the conference's attendees and orders as
 * CSV, readable by their owner only; its import gives the people of a
 * partner's list their seats, after saying which rows it cannot take. */
static void
test_export_import (Fixture       *f,
                    gconstpointer  data)
{
  CcmOrdersPage *page;
  g_autofree char *order_id = show_paid_order (f, &page);
  g_autoptr(JsonObject) order = get_order (f, order_id);
  g_autoptr(JsonObject) after = NULL;
  const char *access_code = ccm_json_string (order, "access_code");
  g_autofree char *path = g_build_filename (f->dir, "list.csv", NULL);
  g_autofree char *text = NULL;
  g_autofree char *import = NULL;
  AdwMessageDialog *dialog;
  GStatBuf st;

  ccm_window_set_transfer_file (f->window, path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.export-attendees", NULL));
  text = wait_for_export (path, "ticket_code,");
  g_assert_true (g_str_has_prefix (text, "ticket_code,first_name,last_name,email,seat_type,"
                                         "access_code,"));
  g_assert_nonnull (strstr (text, access_code));
  g_assert_nonnull (strstr (text, ",Full pass,"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_pointer (&text, g_free);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.export-orders", NULL));
  text = wait_for_export (path, "access_code,");
  g_assert_true (g_str_has_prefix (text, "access_code,status,total,currency,registrant,email,"));
  g_assert_nonnull (strstr (text, access_code));
  g_assert_nonnull (strstr (text, "199.00"));
  g_assert_nonnull (strstr (text, "grace@example.org"));

  /* One row it cannot take: the dialog says which and why, and imports
   * the other when asked. */
  import = g_strdup_printf ("email,first_name,last_name,seat_type,access_code\n"
                            "alan@example.org,Alan,Turing,Full pass,%s\n"
                            "not an address,Bad,Row,Full pass,%s\n",
                            access_code, access_code);
  g_assert_true (g_file_set_contents (path, import, -1, NULL));
  g_assert_null (open_message_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.import-attendees", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "1 row of “list.csv” cannot be imported");
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog), "Line 3: "));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "Line 3: Line"));
  g_assert_null (strchr (adw_message_dialog_get_body (dialog), '\n'));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "import"), ==,
                   "_Import the Other Row");
  after = get_order (f, order_id);
  g_assert_null (ccm_json_string (attendee_of (after, 0), "email"));
  g_clear_pointer (&after, json_object_unref);
  adw_message_dialog_response (dialog, "import");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_for_attendee (f, order_id, "alan@example.org");
  after = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (attendee_of (after, 0), "last_name"), ==, "Turing");
  g_clear_pointer (&after, json_object_unref);

  /* Every row taken: no question, the rows are written. */
  after = get_order (f, order_id);
  {
    g_autofree char *rename = g_strdup_printf ("ticket_code,first_name,last_name,email,seat_type\n"
                                               "%s,Alan,Mathison Turing,alan@example.org,Full pass\n",
                                               ccm_json_string (attendee_of (after, 0), "ticket_code"));
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    g_assert_true (g_file_set_contents (path, rename, -1, NULL));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.import-attendees", NULL));
    for (;;)
      {
        g_clear_pointer (&after, json_object_unref);
        after = get_order (f, order_id);
        if (g_strcmp0 (ccm_json_string (attendee_of (after, 0), "last_name"), "Mathison Turing") == 0)
          break;
        g_assert_null (open_message_dialog ());
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10 * 1000);
      }
    g_clear_pointer (&after, json_object_unref);
  }

  /* Nothing it can take: the dialog only says why. */
  g_assert_true (g_file_set_contents (path, "email,first_name,last_name,seat_type,access_code\n"
                                            "ada@example.org,Ada,Lovelace,No such seat,\n", -1, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.import-attendees", NULL));
  dialog = wait_for_message_dialog ();
  g_assert_false (adw_message_dialog_has_response (dialog, "import"));
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog), "Line 2: "));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_iterate ();
  after = get_order (f, order_id);
  g_assert_cmpstr (ccm_json_string (attendee_of (after, 0), "email"), ==, "alan@example.org");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) mime_dirs = g_ptr_array_new_with_free_func (g_free);
  const char *const *data_dirs = g_get_system_data_dirs ();

  setlocale (LC_ALL, "");
  /* Isolated dirs hide the MIME database, and without it no SVG icon
   * loads: keep reading the system's one. */
  for (guint i = 0; data_dirs[i] != NULL; i++)
    g_ptr_array_add (mime_dirs, g_build_filename (data_dirs[i], "mime", NULL));
  g_ptr_array_add (mime_dirs, NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char * const *) mime_dirs->pdata);
  gtk_init ();
  adw_init ();
  /* No transitions: pages and panes change at once, so the tests do not
   * depend on how fast frames come (and no half-way frame is laid out). */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/window/create-destroy", test_window_create_destroy);
  ADD ("/ui/conference/create-seat-types-publish", test_conference_setup);
  ADD ("/ui/window/due-timers-after-start", test_due_timers_after_start);
  ADD ("/ui/window/hidden-page-catches-up", test_hidden_page_catches_up);
  ADD ("/ui/registration/walk-up", test_registration_walk_up);
  ADD ("/ui/registration/seats-keyboard", test_registration_seats_keyboard);
  ADD ("/ui/registration/closed", test_registration_closed);
  ADD ("/ui/registration/partial-reservation", test_registration_partial);
  ADD ("/ui/seat-types/waitlist-long", test_waitlist_long);
  ADD ("/ui/orders/cancel", test_orders_cancel);
  ADD ("/ui/orders/resume", test_orders_resume);
  ADD ("/ui/orders/search-filter", test_orders_search_filter);
  ADD ("/ui/orders/history", test_orders_history);
  ADD ("/ui/orders/pending-sync", test_orders_pending_sync);
  ADD ("/ui/attention/resolve", test_attention_resolve);
  ADD ("/ui/attention/kinds", test_attention_kinds);
  ADD ("/ui/attention/resolve-kind", test_attention_resolve_kind);
  ADD ("/ui/window/role-checkin", test_role_checkin);
  ADD ("/ui/attention/refused-command", test_attention_refused);
  ADD ("/ui/orders/open-selects", test_orders_open_selects);
  ADD ("/ui/overview/narrow", test_overview_narrow);
  ADD ("/ui/window/counts-grouped", test_counts_grouped);
  ADD ("/ui/window/page-keys", test_page_keys);
  ADD ("/ui/window/export-import", test_export_import);
  ADD ("/ui/window/narrow", test_window_narrow);
#undef ADD
  return g_test_run ();
}
