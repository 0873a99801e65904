/* test-checkin.c — the check-in desk on a real store: a scanned code and
 * Enter admits, the same code again is already admitted, a cancelled
 * order's ticket is refused with the reason, names are found without their
 * accents, the counts follow, and the desk's check-in list refuses other
 * seat types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "ui-test-utils.h"
#include "ccm-assignments.h"
#include "ccm-badge-print.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-order-views.h"
#include "ccm-preferences-window.h"
#include "ccm-window-private.h"

typedef struct
{
  char           *dir;
  CcmContext     *context;
  CcmWindow      *window;
  CcmCheckinPage *page;
  char           *jose;        /* José Álvarez, Full pass */
  char           *ada;         /* Ada Lovelace, Workshop */
  char           *unassigned;  /* Full pass, nobody named yet */
  char           *jose_order;
  char           *cancelled;   /* Grace Hopper, order cancelled */
  guint           attention;   /* items before the test: Grace's refund */
} Fixture;


static void
submit (Fixture    *f,
        const char *type,
        JsonObject *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = ccm_context_submit (f->context, type, args, &error);

  g_assert_no_error (error);
  g_assert_nonnull (outcome);
}

static char *
new_id (Fixture *f)
{
  return ccm_context_new_id (f->context);
}

/* A paid order of `n` seats of one type; returns its ticket codes. */
static GStrv
place_paid_order (Fixture    *f,
                  const char *seat_type,
                  guint       n,
                  const char *first,
                  const char *last,
                  const char *email,
                  char      **order_id_out)
{
  g_autofree char *order_id = new_id (f);
  g_autofree char *payment_id = new_id (f);
  g_autofree char *access_code = ccm_access_code_new ();
  g_autoptr(GStrvBuilder) codes = g_strv_builder_new ();
  g_autoptr(JsonObject) order = NULL;
  JsonObject *args, *line;
  JsonArray *seats = json_array_new ();
  JsonArray *attendees;

  line = json_object_new ();
  json_object_set_string_member (line, "seat_type", seat_type);
  json_object_set_int_member (line, "quantity", n);
  json_array_add_object_element (seats, line);
  args = json_object_new ();
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "conference", "devcon");
  json_object_set_string_member (args, "access_code", access_code);
  json_object_set_array_member (args, "seats", seats);
  json_object_set_array_member (args, "ticket_codes", ccm_ticket_codes_new (n));
  json_object_set_string_member (args, "first_name", first);
  json_object_set_string_member (args, "last_name", last);
  json_object_set_string_member (args, "email", email);
  submit (f, "PlaceOrder", args);

  order = ccm_order_views_get (ccm_context_get_store (f->context), "devcon", order_id, NULL);
  g_assert_nonnull (order);
  args = json_object_new ();
  json_object_set_string_member (args, "payment_id", payment_id);
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "method", "cash");
  json_object_set_int_member (args, "amount", ccm_json_int (order, "total", 0));
  submit (f, "InitiatePayment", args);
  args = json_object_new ();
  json_object_set_string_member (args, "payment_id", payment_id);
  submit (f, "CompletePayment", args);

  g_clear_pointer (&order, json_object_unref);
  order = ccm_order_views_get (ccm_context_get_store (f->context), "devcon", order_id, NULL);
  g_assert_cmpstr (ccm_json_string (order, "status"), ==, "confirmed");
  attendees = json_object_get_array_member (order, "attendees");
  g_assert_cmpuint (json_array_get_length (attendees), ==, n);
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (codes, ccm_json_string (json_array_get_object_element (attendees, i),
                                                "ticket_code"));
  if (order_id_out != NULL)
    *order_id_out = g_steal_pointer (&order_id);
  return g_strv_builder_end (codes);
}

static void
assign (Fixture    *f,
        const char *order_id,
        guint       position,
        const char *first,
        const char *last,
        const char *email)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_int_member (args, "position", position);
  json_object_set_string_member (args, "first_name", first);
  json_object_set_string_member (args, "last_name", last);
  json_object_set_string_member (args, "email", email);
  submit (f, "AssignSeat", args);
}

static void
set_up_conference (Fixture *f)
{
  g_autofree char *conference_id = new_id (f);
  g_autofree char *jose_order = NULL;
  g_autofree char *ada_order = NULL;
  g_autofree char *grace_order = NULL;
  g_auto(GStrv) jose = NULL;
  g_auto(GStrv) ada = NULL;
  g_auto(GStrv) grace = NULL;
  JsonObject *args = json_object_new ();
  static const struct { const char *name; gint64 price, quota; } types[] = {
    { "Full pass", 19900, 10 },
    { "Workshop", 5000, 5 },
  };

  json_object_set_string_member (args, "conference_id", conference_id);
  json_object_set_string_member (args, "slug", "devcon");
  json_object_set_string_member (args, "access_code", "DEVCN27A");
  json_object_set_string_member (args, "name", "DevCon 2027");
  json_object_set_string_member (args, "location", "Lisbon");
  json_object_set_string_member (args, "start_date", "2027-03-03");
  json_object_set_string_member (args, "end_date", "2027-03-05");
  json_object_set_string_member (args, "owner_name", "Ada Organizer");
  json_object_set_string_member (args, "owner_email", "ada@example.org");
  json_object_set_string_member (args, "currency", "EUR");
  submit (f, "CreateConference", args);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *seat_type_id = new_id (f);

      args = json_object_new ();
      json_object_set_string_member (args, "slug", "devcon");
      json_object_set_string_member (args, "seat_type_id", seat_type_id);
      json_object_set_string_member (args, "name", types[i].name);
      json_object_set_int_member (args, "price", types[i].price);
      json_object_set_int_member (args, "quota", types[i].quota);
      submit (f, "AddSeatType", args);
    }
  args = json_object_new ();
  json_object_set_string_member (args, "slug", "devcon");
  submit (f, "PublishConference", args);

  jose = place_paid_order (f, "Full pass", 2, "José", "Álvarez", "jose@example.org", &jose_order);
  assign (f, jose_order, 0, "José", "Álvarez", "jose@example.org");
  ada = place_paid_order (f, "Workshop", 1, "Ada", "Lovelace", "ada.l@example.org", &ada_order);
  assign (f, ada_order, 0, "Ada", "Lovelace", "ada.l@example.org");
  grace = place_paid_order (f, "Full pass", 1, "Grace", "Hopper", "grace@example.org", &grace_order);
  assign (f, grace_order, 0, "Grace", "Hopper", "grace@example.org");
  args = json_object_new ();
  json_object_set_string_member (args, "order_id", grace_order);
  json_object_set_string_member (args, "reason", "Cannot travel");
  submit (f, "CancelOrder", args);

  f->jose_order = g_strdup (jose_order);
  f->jose = g_strdup (jose[0]);
  f->unassigned = g_strdup (jose[1]);
  f->ada = g_strdup (ada[0]);
  f->cancelled = g_strdup (grace[0]);
}

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
  set_up_conference (f);
  f->window = g_object_ref_sink (ccm_window_new (NULL, f->context));
  gtk_window_present (GTK_WINDOW (f->window));
  ui_test_iterate ();
  g_assert_true (ccm_window_select_conference (f->window, "devcon"));
  ccm_window_set_checkin_mode (f->window, TRUE);
  ui_test_iterate ();
  f->page = ccm_window_get_checkin_page (f->window);
  f->attention = ccm_window_count_attention (f->window);
  g_assert_cmpuint (f->attention, ==, 1);
}

static const char *const checkin_keys[] = {
  "checkin-seat-types", "checkin-reentry", "checkin-sounds", "checkin-print-badges",
  "badge-print-settings",
};

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "store.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  /* The settings live in this process's memory: the next test starts from
   * the defaults. */
  for (guint i = 0; i < G_N_ELEMENTS (checkin_keys); i++)
    g_settings_reset (ccm_context_get_settings (f->context), checkin_keys[i]);
  gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_iterate ();
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->context);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->jose);
  g_free (f->jose_order);
  g_free (f->ada);
  g_free (f->unassigned);
  g_free (f->cancelled);
}

static GtkWidget *
child (Fixture    *f,
       const char *name)
{
  return ui_test_child (f->page, CCM_TYPE_CHECKIN_PAGE, name);
}

static const char *
label (Fixture    *f,
       const char *name)
{
  return gtk_label_get_text (GTK_LABEL (child (f, name)));
}

/* What a USB scanner does: the characters, then Enter. */
static void
type_and_enter (Fixture    *f,
                const char *text)
{
  GtkWidget *entry = child (f, "entry");

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "activate");
  ui_test_iterate ();
  /* Whatever the verdict, the panel says it. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (f, "main_stack"))), ==, "result");
  g_assert_true (gtk_widget_get_visible (child (f, "result_box")));
  g_assert_true (gtk_widget_get_child_visible (child (f, "result_box")) ||
                 gtk_widget_get_mapped (child (f, "result_box")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

/* In a window too narrow for both, the counts fold away behind the status
 * bar's counts button, which brings them over the scans; wide again, they
 * are back beside them. */
static void
test_checkin_narrow (Fixture       *f,
                     gconstpointer  data)
{
  AdwFlap *flap = ADW_FLAP (ui_test_child (f->page, CCM_TYPE_CHECKIN_PAGE, "counts_flap"));
  GtkWidget *toggle = ui_test_child (f->page, CCM_TYPE_CHECKIN_PAGE, "counts_toggle");
  GtkWidget *status_bar = ui_test_child (f->page, CCM_TYPE_CHECKIN_PAGE, "status_bar");
  GtkWidget *network = ui_test_child (f->page, CCM_TYPE_CHECKIN_PAGE, "network_label");

  g_assert_false (adw_flap_get_folded (flap));
  g_assert_true (adw_flap_get_reveal_flap (flap));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));

  g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (status_bar)), ==,
                   GTK_ORIENTATION_HORIZONTAL);

  ui_test_resize_window (GTK_WINDOW (f->window), 360, 640);
  g_assert_true (adw_flap_get_folded (flap));
  g_assert_false (adw_flap_get_reveal_flap (flap));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  /* The network line above the buttons, sharing the page's width only
   * with the list's summary: not squeezed beside the buttons (a word a
   * line). */
  g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (status_bar)), ==,
                   GTK_ORIENTATION_VERTICAL);
  g_assert_cmpint (gtk_widget_get_width (network), >, gtk_widget_get_width (GTK_WIDGET (f->page)) / 3);

  ui_test_click (toggle);
  g_assert_true (adw_flap_get_reveal_flap (flap));
  ui_test_click (toggle);
  g_assert_false (adw_flap_get_reveal_flap (flap));

  ui_test_resize_window (GTK_WINDOW (f->window), 1100, 700);
  g_assert_false (adw_flap_get_folded (flap));
  g_assert_true (adw_flap_get_reveal_flap (flap));
  g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (status_bar)), ==,
                   GTK_ORIENTATION_HORIZONTAL);
}

static JsonObject *
ticket (Fixture    *f,
        const char *code)
{
  JsonObject *o = ccm_attendee_views_get_ticket (ccm_context_get_store (f->context), code, NULL);

  g_assert_nonnull (o);
  return o;
}

static void
test_checkin_create_destroy (Fixture       *f,
                             gconstpointer  data)
{
  g_assert_true (CCM_IS_CHECKIN_PAGE (f->page));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "idle");
  /* The desk opened with --checkin shows only the check-in page. */
  g_assert_false (gtk_widget_get_visible (ui_test_child (f->window, CCM_TYPE_WINDOW, "sidebar")));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->page)));
  {
    int min_width = 0;

    gtk_widget_measure (GTK_WIDGET (f->page), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
    /* The window's content column is 360 pixels at the narrowest. */
    g_assert_cmpint (min_width, <=, 360);
  }
  /* Nobody is enrolled: the desk says it works on its own. */
  g_assert_nonnull (strstr (label (f, "network_label"), "on its own"));
}

static void
test_checkin_scan_admits (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonObject) before = ticket (f, f->jose);
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *lower = g_ascii_strdown (f->jose, -1);
  GtkWidget *focus;

  g_assert_false (ccm_json_bool (before, "admitted"));
  g_assert_cmpstr (label (f, "total_label"), ==, "0 / 3");

  /* Scanners may send lower case. */
  type_and_enter (f, lower);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  g_assert_cmpstr (label (f, "result_title"), ==, "ADMITTED");
  g_assert_cmpstr (label (f, "result_name"), ==, "José Álvarez — Full pass");
  g_assert_true (gtk_widget_has_css_class (child (f, "result_box"), "ccm-ok"));
  g_assert_cmpstr (ccm_checkin_page_get_sound (f->page), ==, "complete");
  after = ticket (f, f->jose);
  g_assert_true (ccm_json_bool (after, "admitted"));
  /* The entry is empty and ready for the next scan. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (f, "entry"))), ==, "");
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == child (f, "entry") || gtk_widget_is_ancestor (focus, child (f, "entry")));

  /* The counts followed, live. */
  g_assert_cmpstr (label (f, "total_label"), ==, "1 / 3");
  g_assert_cmpstr (label (f, "inside_label"), ==, "1 inside now");

  /* The same code again: recorded, flagged, and said plainly. */
  type_and_enter (f, f->jose);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "already-admitted");
  g_assert_cmpstr (label (f, "result_title"), ==, "ALREADY ADMITTED");
  g_assert_cmpstr (ccm_checkin_page_get_sound (f->page), ==, "dialog-warning");
  g_assert_true (g_str_has_prefix (label (f, "result_subtitle"), "at this desk, "));
  g_assert_true (gtk_widget_get_visible (child (f, "result_subtitle")));
  g_assert_true (gtk_widget_has_css_class (child (f, "result_box"), "ccm-warning"));
  g_assert_cmpstr (label (f, "total_label"), ==, "1 / 3");
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, f->attention + 1);

  /* Out, then in again: re-entry is allowed by default. */
  gtk_editable_set_text (GTK_EDITABLE (child (f, "entry")), f->jose);
  ccm_checkin_page_activate (f->page, TRUE);
  ui_test_iterate ();
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "exited");
  g_assert_cmpstr (label (f, "inside_label"), ==, "0 inside now");
  type_and_enter (f, f->jose);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");

  /* Let in at another desk, whose name came with a sync: the desk says
   * which; before its name is known, the end of its id. */
  {
    const char *door = "0b1c2d3e-4f50-7162-8374-95a6b7c8d9ea";
    CcmStore *store = ccm_context_get_store (f->context);
    g_autoptr(CcmCommand) command = NULL;
    g_autoptr(CcmOutcome) outcome = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *command_id = new_id (f);
    JsonObject *args = json_object_new ();

    json_object_set_string_member (args, "ticket_code", f->ada);
    json_object_set_string_member (args, "conference", "devcon");
    command = ccm_command_new ("AdmitTicket", command_id, args);
    command->device_id = g_strdup (door);
    outcome = ccm_store_submit (store, command, &error);
    g_assert_no_error (error);

    type_and_enter (f, f->ada);
    g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "already-admitted");
    g_assert_true (g_str_has_prefix (label (f, "result_subtitle"), "at desk b7c8d9ea, "));

    g_assert_true (ccm_store_set_desk_name (store, door, "North door", &error));
    g_assert_no_error (error);
    type_and_enter (f, f->ada);
    g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "already-admitted");
    g_assert_true (g_str_has_prefix (label (f, "result_subtitle"), "at desk “North door”, "));
  }
}

static void
test_checkin_cancelled_unknown (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(JsonObject) grace = NULL;

  type_and_enter (f, f->cancelled);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "cancelled");
  g_assert_cmpstr (label (f, "result_title"), ==, "ORDER CANCELLED");
  g_assert_cmpstr (ccm_checkin_page_get_sound (f->page), ==, "dialog-error");
  g_assert_true (g_str_has_prefix (label (f, "result_detail"), "Do not admit"));
  g_assert_nonnull (strstr (label (f, "result_detail"), "cancelled"));
  g_assert_true (gtk_widget_has_css_class (child (f, "result_box"), "ccm-bad"));
  /* A fact nonetheless: recorded and on the attention list, but not counted. */
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, f->attention + 1);
  g_assert_cmpstr (label (f, "total_label"), ==, "0 / 3");

  /* A well-formed code nobody sold here. */
  type_and_enter (f, "ABCDEFGHJKMN");
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "unknown");
  g_assert_cmpstr (label (f, "result_title"), ==, "UNKNOWN CODE");

  /* Neither a code nor anybody's name: nothing to record. */
  type_and_enter (f, "zzzz-nobody");
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "not-a-code");
  g_assert_cmpstr (ccm_checkin_page_get_sound (f->page), ==, "dialog-error");
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, f->attention + 2);

  /* A desk that wants quiet turns the sounds off in its settings. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (f, "sounds_check")), FALSE);
  g_assert_false (g_settings_get_boolean (ccm_context_get_settings (f->context), "checkin-sounds"));
  g_assert_true (g_str_has_suffix (label (f, "list_label"), " · no sounds"));
  type_and_enter (f, "ABCDEFGHJKMN");
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "unknown");
  g_assert_null (ccm_checkin_page_get_sound (f->page));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (f, "sounds_check")), TRUE);
  g_assert_cmpstr (label (f, "list_label"), ==, "All seat types · re-entry allowed");
}

static void
test_checkin_search (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *entry = child (f, "entry");
  g_auto(GStrv) matches = NULL;
  g_autoptr(JsonObject) jose = NULL;

  /* As the person types: no accent, lower case. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "jose");
  ui_test_iterate ();
  matches = ccm_checkin_page_get_matches (f->page);
  /* His own seat first; then the seat he bought that nobody was named for. */
  g_assert_cmpuint (g_strv_length (matches), ==, 2);
  g_assert_cmpstr (matches[0], ==, f->jose);
  g_assert_cmpstr (matches[1], ==, f->unassigned);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (f, "main_stack"))), ==, "matches");
  {
    /* That seat's row names its order, where a named one has the e-mail. */
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (child (f, "match_list")), 1);
    GtkWidget *text = gtk_widget_get_next_sibling (gtk_widget_get_first_child (gtk_list_box_row_get_child (row)));
    g_autoptr(JsonObject) seat = ticket (f, f->unassigned);
    g_autofree char *expected = g_strdup_printf ("Full pass · %s · order %s", f->unassigned,
                                                 ccm_json_string (seat, "access_code"));

    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (text))), ==, expected);
  }

  /* Enter admits the highlighted match. */
  g_signal_emit_by_name (entry, "activate");
  ui_test_iterate ();
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  g_assert_cmpstr (label (f, "result_name"), ==, "José Álvarez — Full pass");
  jose = ticket (f, f->jose);
  g_assert_true (ccm_json_bool (jose, "admitted"));

  /* By the order's access code, as on its confirmation: its seats, in
   * seat order. */
  {
    g_autoptr(JsonObject) seat = ticket (f, f->unassigned);
    g_autofree char *code = g_ascii_strdown (ccm_json_string (seat, "access_code"), -1);
    g_autoptr(JsonObject) own = ticket (f, f->jose);
    gboolean jose_first = ccm_json_int (own, "position", 0) < ccm_json_int (seat, "position", 0);

    g_clear_pointer (&matches, g_strfreev);
    gtk_editable_set_text (GTK_EDITABLE (entry), code);
    ui_test_iterate ();
    matches = ccm_checkin_page_get_matches (f->page);
    g_assert_cmpuint (g_strv_length (matches), ==, 2);
    g_assert_cmpstr (matches[0], ==, jose_first ? f->jose : f->unassigned);
    g_assert_cmpstr (matches[1], ==, jose_first ? f->unassigned : f->jose);
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
    ui_test_iterate ();
  }

  /* By e-mail prefix, and the list shows who is inside already. */
  g_clear_pointer (&matches, g_strfreev);
  gtk_editable_set_text (GTK_EDITABLE (entry), "ada.l@");
  ui_test_iterate ();
  matches = ccm_checkin_page_get_matches (f->page);
  g_assert_cmpuint (g_strv_length (matches), ==, 1);
  g_assert_cmpstr (matches[0], ==, f->ada);
  g_assert_cmpstr (label (f, "total_label"), ==, "1 / 3");
  g_signal_emit_by_name (entry, "activate");
  ui_test_iterate ();
  g_assert_cmpstr (label (f, "result_name"), ==, "Ada Lovelace — Workshop");
  g_assert_cmpstr (label (f, "total_label"), ==, "2 / 3");
}

static void
test_checkin_list_rules (Fixture       *f,
                         gconstpointer  data)
{
  GSettings *settings = ccm_context_get_settings (f->context);
  g_autoptr(JsonObject) full = ticket (f, f->jose);
  g_autoptr(JsonObject) ada = NULL;
  const char *only_full[] = { ccm_json_string (full, "seat_type_id"), NULL };

  /* This desk admits Full passes only. */
  g_settings_set_strv (settings, "checkin-seat-types", only_full);
  ui_test_iterate ();
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (child (f, "all_types_check"))));
  g_assert_cmpstr (label (f, "list_label"), ==, "Only Full pass · re-entry allowed");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (child (f, "list_label")), ==,
                   "Only Full pass · re-entry allowed");

  type_and_enter (f, f->ada);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "wrong-seat-type");
  g_assert_nonnull (strstr (label (f, "result_detail"), "Nothing was recorded"));
  ada = ticket (f, f->ada);
  g_assert_false (ccm_json_bool (ada, "admitted"));
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, f->attention);

  /* The unnamed seat is a Full pass: admitted, and says so. */
  type_and_enter (f, f->unassigned);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  g_assert_cmpstr (label (f, "result_name"), ==, "Seat not named yet · bought by José Álvarez — Full pass");

  /* No re-entry: out, and in again is flagged. */
  g_settings_set_boolean (settings, "checkin-reentry", FALSE);
  ui_test_iterate ();
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (child (f, "reentry_check"))));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (f, "exit_toggle")), TRUE);
  g_assert_true (gtk_widget_has_css_class (child (f, "status_bar"), "ccm-exit-mode"));
  type_and_enter (f, f->unassigned);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "exited");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (f, "exit_toggle")), FALSE);
  type_and_enter (f, f->unassigned);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "reentry-not-allowed");

  /* Back to every seat type. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (f, "all_types_check")), TRUE);
  ui_test_iterate ();
  {
    g_auto(GStrv) chosen = g_settings_get_strv (settings, "checkin-seat-types");
    g_assert_cmpuint (g_strv_length (chosen), ==, 0);
  }
  type_and_enter (f, f->ada);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
}

/* A key as the entry's own key controller sees it (GTK 4 has no public
 * way to synthesize key events). */
static gboolean
press (Fixture         *f,
       guint            keyval,
       GdkModifierType  state)
{
  GtkWidget *entry = child (f, "entry");
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (entry);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c) &&
          gtk_event_controller_get_propagation_phase (c) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, state, &handled);
    }
  ui_test_iterate ();
  return handled;
}

static void
test_checkin_keys (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *entry = child (f, "entry");
  GtkListBox *list = GTK_LIST_BOX (child (f, "match_list"));
  g_auto(GStrv) matches = NULL;
  g_autoptr(JsonObject) ada = NULL;

  /* One character does not search yet; "al" finds Álvarez, and the seat
   * he bought that nobody was named for yet. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "a");
  ui_test_iterate ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (f, "main_stack"))), ==, "result");
  gtk_editable_set_text (GTK_EDITABLE (entry), "al");
  ui_test_iterate ();
  matches = ccm_checkin_page_get_matches (f->page);
  g_assert_cmpuint (g_strv_length (matches), ==, 2);
  g_assert_cmpstr (matches[0], ==, f->jose);
  g_assert_cmpstr (matches[1], ==, f->unassigned);
  g_clear_pointer (&matches, g_strfreev);

  /* José's colleague Josefa gets the second seat. */
  assign (f, f->jose_order, 1, "Josefa", "Alba", "josefa@example.org");
  gtk_editable_set_text (GTK_EDITABLE (entry), "jos");
  ui_test_iterate ();
  matches = ccm_checkin_page_get_matches (f->page);
  g_assert_cmpuint (g_strv_length (matches), ==, 2);
  g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (list)), ==, 0);
  g_assert_true (press (f, GDK_KEY_Down, 0));
  g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (list)), ==, 1);
  g_assert_true (press (f, GDK_KEY_Up, 0));
  g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (list)), ==, 0);

  /* Alt+2 admits the second match at once. */
  g_assert_true (press (f, GDK_KEY_2, GDK_ALT_MASK));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  {
    g_autoptr(JsonObject) second = ticket (f, matches[1]);
    g_assert_true (ccm_json_bool (second, "admitted"));
  }
  /* With no matches Alt+digits stay the window's page keys. */
  g_assert_false (press (f, GDK_KEY_2, GDK_ALT_MASK));

  /* Shift+Enter scans an exit. */
  gtk_editable_set_text (GTK_EDITABLE (entry), matches[1]);
  g_assert_true (press (f, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "exited");
  /* An exit of someone never let in is flagged. */
  gtk_editable_set_text (GTK_EDITABLE (entry), f->ada);
  ada = ticket (f, f->ada);
  g_assert_false (ccm_json_bool (ada, "admitted"));
  g_assert_true (press (f, GDK_KEY_KP_Enter, GDK_SHIFT_MASK));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "not-inside");
  /* Escape clears what was typed. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "jos");
  ui_test_iterate ();
  g_assert_true (press (f, GDK_KEY_Escape, 0));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

/* The wrong one of two namesakes let in from a search: Ctrl+Z (or the
 * button) takes the admission back, the counts follow, and the right one
 * is let in. */
static void
test_checkin_undo (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *entry = child (f, "entry");
  g_auto(GStrv) matches = NULL;
  g_autoptr(JsonObject) wrong = NULL;
  g_autoptr(JsonObject) right = NULL;

  assign (f, f->jose_order, 1, "Josefa", "Alba", "josefa@example.org");
  gtk_editable_set_text (GTK_EDITABLE (entry), "jos");
  ui_test_iterate ();
  matches = ccm_checkin_page_get_matches (f->page);
  g_assert_cmpuint (g_strv_length (matches), ==, 2);
  g_assert_true (press (f, GDK_KEY_2, GDK_ALT_MASK));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  g_assert_true (gtk_widget_get_visible (child (f, "undo_button")));
  g_assert_cmpstr (label (f, "total_label"), ==, "1 / 3");

  /* Typed text: Ctrl+Z is the entry's. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "x");
  g_assert_false (press (f, GDK_KEY_z, GDK_CONTROL_MASK));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");

  g_assert_true (press (f, GDK_KEY_z, GDK_CONTROL_MASK));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "undone");
  g_assert_cmpstr (label (f, "result_title"), ==, "ADMISSION UNDONE");
  g_assert_false (gtk_widget_get_visible (child (f, "undo_button")));
  g_assert_false (gtk_widget_get_visible (child (f, "print_button")));
  wrong = ticket (f, matches[1]);
  g_assert_false (ccm_json_bool (wrong, "admitted"));
  g_assert_cmpstr (label (f, "total_label"), ==, "0 / 3");
  g_assert_cmpstr (label (f, "inside_label"), ==, "0 inside now");
  /* Nothing more to take back. */
  g_assert_false (press (f, GDK_KEY_z, GDK_CONTROL_MASK));

  gtk_editable_set_text (GTK_EDITABLE (entry), "jos");
  ui_test_iterate ();
  g_assert_true (press (f, GDK_KEY_1, GDK_ALT_MASK));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  right = ticket (f, matches[0]);
  g_assert_true (ccm_json_bool (right, "admitted"));

  /* Out by mistake: the exit is taken back, inside again. */
  gtk_editable_set_text (GTK_EDITABLE (entry), matches[0]);
  g_assert_true (press (f, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "exited");
  g_assert_cmpstr (label (f, "inside_label"), ==, "0 inside now");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (child (f, "undo_button"))), ==,
                   "_Undo Exit (Ctrl+Z)");
  g_assert_true (press (f, GDK_KEY_z, GDK_CONTROL_MASK));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "exit-undone");
  g_assert_cmpstr (label (f, "result_title"), ==, "EXIT UNDONE");
  g_assert_cmpstr (label (f, "inside_label"), ==, "1 inside now");

  /* Exit Scans left on as someone arrives: the flagged exit taken back
   * leaves nothing for the attention list. */
  gtk_editable_set_text (GTK_EDITABLE (entry), matches[1]);
  g_assert_true (press (f, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "not-inside");
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, f->attention + 1);
  ui_test_click (child (f, "undo_button"));
  ui_test_iterate ();
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "exit-undone");
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, f->attention);

  /* The button takes back an admission too. */
  type_and_enter (f, matches[1]);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  ui_test_click (child (f, "undo_button"));
  ui_test_iterate ();
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "undone");
  g_clear_pointer (&wrong, json_object_unref);
  wrong = ticket (f, matches[1]);
  g_assert_false (ccm_json_bool (wrong, "admitted"));
}

static void
test_checkin_offline (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) jose = NULL;

  /* Enrolled with a server this desk cannot reach (none here): admissions
   * still work, stay pending, and the page says so. */
  g_assert_true (ccm_store_enroll (ccm_context_get_store (f->context), &error));
  g_assert_no_error (error);
  type_and_enter (f, f->jose);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  g_assert_cmpstr (label (f, "network_label"), ==, "Offline — admissions are kept and synced later");
  g_assert_true (gtk_widget_has_css_class (child (f, "status_bar"), "ccm-offline"));
  g_assert_cmpint (ccm_store_count_pending (ccm_context_get_store (f->context)), >, 0);
  jose = ticket (f, f->jose);
  g_assert_true (ccm_json_bool (jose, "admitted"));
}

/* A viewer (its role from the server, here set by hand) looks tickets up:
 * who they are and whether they are inside, with nothing recorded. */
static void
test_checkin_viewer_looks_up (Fixture       *f,
                              gconstpointer  data)
{
  CcmStore *store = ccm_context_get_store (f->context);
  g_autoptr(GError) error = NULL;
  gint64 events, pending;

  type_and_enter (f, f->jose);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  g_assert_true (gtk_widget_get_visible (child (f, "exit_toggle")));

  g_assert_true (ccm_store_enroll (store, &error));
  g_assert_no_error (error);
  g_assert_true (ccm_store_set_meta (store, CCM_STORE_META_ROLE, "viewer", &error));
  g_assert_no_error (error);
  ccm_checkin_page_set_conference (f->page, "devcon");
  ui_test_iterate ();
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "idle");
  g_assert_nonnull (strstr (label (f, "result_detail"), "not record admissions"));
  g_assert_false (gtk_widget_get_visible (child (f, "exit_toggle")));
  g_assert_cmpstr (gtk_entry_get_placeholder_text (GTK_ENTRY (child (f, "entry"))), ==,
                   "Look up a ticket, a name or an e-mail");
  g_assert_cmpstr (label (f, "network_label"), ==, "Offline — look-ups show the admissions synced so far");
  events = ccm_store_count_events (store);
  pending = ccm_store_count_pending (store);

  type_and_enter (f, f->jose);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "lookup-inside");
  g_assert_cmpstr (label (f, "result_title"), ==, "INSIDE");
  g_assert_true (g_str_has_prefix (label (f, "result_subtitle"), "Admitted at this desk, "));
  g_assert_cmpstr (label (f, "result_name"), ==, "José Álvarez — Full pass");
  g_assert_nonnull (strstr (label (f, "result_detail"), "nothing was recorded"));
  /* No badge from a device that admits nobody. */
  g_assert_false (gtk_widget_get_visible (child (f, "print_button")));

  /* By name, as at a desk: Enter looks the highlighted match up. */
  gtk_editable_set_text (GTK_EDITABLE (child (f, "entry")), "lovelace");
  ui_test_iterate ();
  g_signal_emit_by_name (child (f, "entry"), "activate");
  ui_test_iterate ();
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "lookup-not-admitted");
  g_assert_cmpstr (label (f, "result_title"), ==, "NOT YET ADMITTED");

  type_and_enter (f, f->cancelled);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "lookup-cancelled");
  g_assert_true (gtk_widget_has_css_class (child (f, "result_box"), "ccm-bad"));
  type_and_enter (f, "ABCDEFGHJKMN");
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "lookup-unknown");
  g_assert_cmpstr (label (f, "result_title"), ==, "NOT KNOWN HERE");

  /* Nothing recorded, nothing queued, nothing on the attention list. */
  g_assert_cmpint (ccm_store_count_events (store), ==, events);
  g_assert_cmpint (ccm_store_count_pending (store), ==, pending);
  g_assert_cmpuint (ccm_window_count_attention (f->window), ==, f->attention);
}

static void
test_checkin_print_badges (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *one = g_build_filename (f->dir, "badge.pdf", NULL);
  g_autofree char *all = g_build_filename (f->dir, "badges.pdf", NULL);
  GtkWidget *print_button = child (f, "print_button");

  /* A refusal offers no badge, and Ctrl+P's action prints nothing. */
  ccm_checkin_page_set_print_to (f->page, one);
  type_and_enter (f, f->cancelled);
  g_assert_false (gtk_widget_get_visible (print_button));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "checkin.print-badge", NULL));
  g_assert_false (g_file_test (one, G_FILE_TEST_EXISTS));

  /* Whoever was let in gets a badge, one A6 page. */
  type_and_enter (f, f->jose);
  g_assert_true (gtk_widget_get_visible (print_button));
  ui_test_click (print_button);
  ui_test_assert_pdf (one, 1);

  /* Every named, valid ticket: José and Ada; not the unnamed seat, not
   * Grace's cancelled order. */
  ccm_checkin_page_set_print_to (f->page, all);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "checkin.print-all", NULL));
  ui_test_iterate ();
  ui_test_assert_pdf (all, 2);

  /* A desk that hands out badges at the door: one at each first admission
   * of a named seat, printed by itself (here to the PDF file). */
  g_unlink (one);
  ccm_checkin_page_set_print_to (f->page, one);
  g_assert_true (gtk_widget_activate (child (f, "badges_check")));
  g_assert_true (g_settings_get_boolean (ccm_context_get_settings (f->context),
                                         "checkin-print-badges"));
  g_assert_nonnull (strstr (label (f, "list_label"), "prints badges"));
  type_and_enter (f, f->ada);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  ui_test_iterate ();
  ui_test_assert_pdf (one, 1);
  g_unlink (one);
  /* Not at a double admission, a re-entry, or for a seat nobody was named
   * for. */
  type_and_enter (f, f->ada);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "already-admitted");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (f, "exit_toggle")), TRUE);
  type_and_enter (f, f->jose);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "exited");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child (f, "exit_toggle")), FALSE);
  type_and_enter (f, f->jose);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  type_and_enter (f, f->unassigned);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  ui_test_iterate ();
  g_assert_false (g_file_test (one, G_FILE_TEST_EXISTS));

  g_unlink (all);
}

/* Until the badges sent straight to the printer are taken or refused. */
static void
wait_for_badges (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  ui_test_iterate ();
  while (ccm_checkin_page_get_badges_pending (f->page) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* A printer the print system finishes with after taking the job (CUPS
 * hands it to its back end a moment later). */
static void
wait_for_file (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
    }
}

static void
set_badge_printer (Fixture    *f,
                   const char *printer,
                   const char *output_path)
{
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();

  gtk_print_settings_set_printer (settings, printer);
  if (output_path != NULL)
    {
      g_autofree char *uri = g_filename_to_uri (output_path, NULL, NULL);

      gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_URI, uri);
    }
  g_settings_set_value (ccm_context_get_settings (f->context), "badge-print-settings",
                        gtk_print_settings_to_gvariant (settings));
}

/* What the badge printer list shows chosen. */
static const char *
combo_row_text (GtkWidget *row)
{
  GObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (row));

  g_assert_true (GTK_IS_STRING_OBJECT (item));
  return gtk_string_object_get_string (GTK_STRING_OBJECT (item));
}

static void
wait_for_test_badge (CcmPreferencesWindow *prefs)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (ccm_preferences_window_get_test_result (prefs) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Badges at each admission go straight to the desk's badge printer, with
 * no dialog: GTK's "Print to File" printer, then one the print system does
 * not know, which the desk names in its message. */
static void
test_checkin_badge_printer (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *door = g_build_filename (f->dir, "door.pdf", NULL);

  set_badge_printer (f, "Print to File", door);
  g_assert_true (gtk_widget_activate (child (f, "badges_check")));
  type_and_enter (f, f->ada);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  wait_for_badges (f);
  g_assert_null (ccm_checkin_page_get_badge_error (f->page));
  wait_for_file (door);
  ui_test_assert_pdf (door, 1);
  g_unlink (door);

  set_badge_printer (f, "Badge Printer Nobody Installed", NULL);
  type_and_enter (f, f->jose);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  wait_for_badges (f);
  g_assert_nonnull (ccm_checkin_page_get_badge_error (f->page));
  g_assert_true (g_str_has_prefix (ccm_checkin_page_get_badge_error (f->page),
                                  "No badge for José Álvarez: "));
  g_assert_nonnull (strstr (ccm_checkin_page_get_badge_error (f->page),
                            "“Badge Printer Nobody Installed”"));
  g_assert_false (g_file_test (door, G_FILE_TEST_EXISTS));
  {
    GSettings *settings = ccm_context_get_settings (f->context);
    GtkWidget *missed = child (f, "missed_box");
    GtkWidget *again = child (f, "missed_button");
    g_auto(GStrv) listed = g_settings_get_strv (settings, "checkin-unprinted-badges");
    g_autofree char *text = NULL;
    const char *const ada_only[] = { f->ada, NULL };
    const char *const jose_only[] = { f->jose, NULL };

    /* José's badge is listed as not printed, under the bar. */
    g_assert_cmpuint (g_strv_length (listed), ==, 1);
    g_assert_cmpstr (listed[0], ==, f->jose);
    g_assert_true (gtk_widget_get_visible (missed));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "missed_label"))), ==,
                     "1 badge did not print: José Álvarez");

    /* The toast's Print… button prints that badge through the dialog (here
     * to the PDF file), whoever the panel shows by then; printed, it is off
     * the list. */
    type_and_enter (f, f->ada);
    ccm_checkin_page_set_print_to (f->page, door);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "checkin.print-ticket", "s",
                                               f->jose));
    ui_test_iterate ();
    ui_test_assert_pdf (door, 1);
    text = ui_test_pdf_text (door);
    g_assert_nonnull (strstr (text, "José"));
    g_assert_null (strstr (text, "Ada"));
    g_clear_pointer (&text, g_free);
    g_unlink (door);
    g_assert_false (gtk_widget_get_visible (missed));
    g_clear_pointer (&listed, g_strfreev);
    listed = g_settings_get_strv (settings, "checkin-unprinted-badges");
    g_assert_cmpuint (g_strv_length (listed), ==, 0);

    /* Listed when the desk closed: the bar offers it again, straight to the
     * printer. */
    g_settings_set_strv (settings, "checkin-unprinted-badges", jose_only);
    g_assert_true (gtk_widget_get_visible (missed));
    ccm_checkin_page_set_print_to (f->page, NULL);
    set_badge_printer (f, "Print to File", door);
    ui_test_click (again);
    wait_for_badges (f);
    wait_for_file (door);
    text = ui_test_pdf_text (door);
    g_assert_nonnull (strstr (text, "José"));
    g_unlink (door);
    g_assert_false (gtk_widget_get_visible (missed));
    g_clear_pointer (&listed, g_strfreev);
    listed = g_settings_get_strv (settings, "checkin-unprinted-badges");
    g_assert_cmpuint (g_strv_length (listed), ==, 0);

    /* Listed when the desk closed: offered at the next start; and forgotten. */
    g_settings_set_strv (settings, "checkin-unprinted-badges", ada_only);
    g_assert_true (gtk_widget_get_visible (missed));
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (f, "missed_label"))), ==,
                     "1 badge did not print: Ada Lovelace");
    ui_test_click (child (f, "forget_missed_button"));
    g_assert_false (gtk_widget_get_visible (missed));
    g_clear_pointer (&listed, g_strfreev);
    listed = g_settings_get_strv (settings, "checkin-unprinted-badges");
    g_assert_cmpuint (g_strv_length (listed), ==, 0);
  }

  /* The preferences name the desk's badge printer, print a test badge on
   * it, and can forget it: the next badge asks again. */
  set_badge_printer (f, "Print to File", door);
  {
    CcmPreferencesWindow *prefs = ccm_preferences_window_new (f->context);
    g_autoptr(GVariant) saved = NULL;
    GtkWidget *row = ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "badge_printer_row");
    GtkWidget *test = ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "test_badge_button");
    GtkWidget *test_row = ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "test_badge_row");
    g_autofree char *text = NULL;

    ccm_preferences_window_set_conference (prefs, "devcon");
    g_assert_cmpstr (combo_row_text (row), ==, "Print to File");
    g_assert_true (gtk_widget_get_sensitive (test));
    ui_test_click (test);
    wait_for_test_badge (prefs);
    g_assert_cmpstr (ccm_preferences_window_get_test_result (prefs), ==,
                     "Sent to “Print to File”");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (test_row)), ==,
                     "Sent to “Print to File”");
    g_assert_true (gtk_widget_get_sensitive (test));
    wait_for_file (door);
    ui_test_assert_pdf (door, 1);
    text = ui_test_pdf_text (door);
    g_assert_nonnull (strstr (text, "Test"));
    g_assert_nonnull (strstr (text, "DevCon 2027"));
    g_unlink (door);

    set_badge_printer (f, "Badge Printer Nobody Installed", NULL);
    g_assert_cmpstr (combo_row_text (row), ==, "Badge Printer Nobody Installed");
    ui_test_click (test);
    wait_for_test_badge (prefs);
    g_assert_cmpstr (ccm_preferences_window_get_test_result (prefs), ==,
                     "Not printed: No printer “Badge Printer Nobody Installed” is known to "
                     "this computer");

    adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
    g_assert_false (gtk_widget_get_sensitive (test_row));
    g_assert_null (ccm_preferences_window_get_test_result (prefs));
    saved = g_settings_get_value (ccm_context_get_settings (f->context), "badge-print-settings");
    g_assert_cmpuint (g_variant_n_children (saved), ==, 0);
    gtk_window_destroy (GTK_WINDOW (prefs));
  }
}

/* A real CUPS scheduler on 127.0.0.1, from a folder of its own: a printer
 * "Badges" whose back end writes each job to a file, as a badge printer
 * prints it. */

static int cups_port;

static int
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static char *
find_sbin (const char *name)
{
  g_autofree char *sbin = g_build_filename ("/usr/sbin", name, NULL);
  char *found = g_find_program_in_path (name);

  if (found == NULL && g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
    found = g_steal_pointer (&sbin);
  return found;
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents,
            int         mode)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

/* In the scheduler's process: it ends with the test's, even one that
 * failed half-way. */
static void
end_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts cupsd in dir/cups with a printer "Badges" writing each job to the
 * folder out_dir, as job-ID.pdf;
 * FALSE (the test skipped) when CUPS is not installed. */
static gboolean
start_cupsd (const char *dir,
             const char *out_dir,
             GPid       *pid)
{
  g_autofree char *cupsd = find_sbin ("cupsd");
  g_autofree char *lpadmin = find_sbin ("lpadmin");
  g_autofree char *root = g_build_filename (dir, "cups", NULL);
  g_autofree char *bin = g_build_filename (root, "bin", NULL);
  g_autofree char *backends = g_build_filename (bin, "backend", NULL);
  g_autofree char *conf = g_build_filename (root, "cupsd.conf", NULL);
  g_autofree char *files = g_build_filename (root, "cups-files.conf", NULL);
  g_autofree char *server = g_strdup_printf ("127.0.0.1:%d", cups_port);
  g_autofree char *cupsd_conf = NULL;
  g_autofree char *files_conf = NULL;
  g_autofree char *device = g_strdup_printf ("badgefile:%s", out_dir);
  g_autoptr(GDir) system_bin = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  const char *entry;
  const char *const subdirs[] = { "spool", "cache", "state", "log", "tmp" };
  gint64 deadline;

  if (cupsd == NULL || lpadmin == NULL)
    {
      g_test_skip ("CUPS is not installed (packages cups-daemon and cups-client)");
      return FALSE;
    }
  g_assert_cmpint (g_mkdir_with_parents (backends, 0755), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *sub = g_build_filename (root, subdirs[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
    }
  /* The scheduler's own helpers, and one back end of the test's. */
  system_bin = g_dir_open ("/usr/lib/cups", 0, &error);
  g_assert_no_error (error);
  while ((entry = g_dir_read_name (system_bin)) != NULL)
    if (strcmp (entry, "backend") != 0)
      {
        g_autofree char *target = g_build_filename ("/usr/lib/cups", entry, NULL);
        g_autofree char *link = g_build_filename (bin, entry, NULL);

        g_assert_cmpint (symlink (target, link), ==, 0);
      }
  write_file (backends, "badgefile",
              "#!/bin/sh\n"
              "# A badge printer: each job lands whole in the folder the device\n"
              "# names, as job-ID.pdf.\n"
              "if [ $# -eq 0 ]; then echo 'direct badgefile \"Unknown\" \"Badge file\"'; exit 0; fi\n"
              "out=\"${DEVICE_URI#badgefile:}/job-$1.pdf\"\n"
              "if [ -n \"$6\" ]; then cat \"$6\" > \"$out.part\"; else cat > \"$out.part\"; fi\n"
              "mv \"$out.part\" \"$out\"\n", 0700);
  cupsd_conf = g_strdup_printf ("Listen %s\n"
                                "LogLevel warn\n"
                                "Browsing No\n"
                                "WebInterface No\n"
                                "DefaultAuthType None\n"
                                "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
                                "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
                                "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
                                server);
  write_file (root, "cupsd.conf", cupsd_conf, 0644);
  files_conf = g_strdup_printf ("ServerRoot %s\n"
                                "ServerBin %s\n"
                                "RequestRoot %s/spool\n"
                                "CacheDir %s/cache\n"
                                "StateDir %s/state\n"
                                "TempDir %s/tmp\n"
                                "AccessLog %s/log/access_log\n"
                                "ErrorLog %s/log/error_log\n"
                                "PageLog %s/log/page_log\n",
                                root, bin, root, root, root, root, root, root, root);
  write_file (root, "cups-files.conf", files_conf, 0644);

  {
    const char *argv[] = { cupsd, "-f", "-c", conf, "-s", files, NULL };

    g_spawn_async (NULL, (char **) argv, NULL,
                   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                   end_with_test, NULL, pid, &error);
    g_assert_no_error (error);
  }
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr(GSocketConnection) connection =
        g_socket_client_connect_to_host (client, server, cups_port, NULL, NULL);

      if (connection != NULL)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
  {
    const char *argv[] = { lpadmin, "-h", server, "-p", "Badges", "-E", "-v", device, NULL };

    run (argv);
  }
  return TRUE;
}

static void
stop_cupsd (const char *dir,
            GPid        pid)
{
  g_autofree char *root = g_build_filename (dir, "cups", NULL);
  const char *argv[] = { "rm", "-rf", root, NULL };
  int status;

  kill (pid, SIGCONT);
  kill (pid, SIGTERM);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* GTK's CUPS printers ask colord for colour profiles over the system bus,
 * which this machine does not run: that one warning is the machine's, not
 * the test's; every other goes on to GLib (and fails the test). */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (strcmp (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0 &&
        g_str_has_prefix (fields[i].value, "failed to contact colord:"))
      return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Through a real CUPS scheduler, as a door desk's badge printer is
 * reached: the badge lands as a one-page PDF; a scheduler that stops
 * answering costs the desk its time limit and a message, not the door. */
static void
assert_printed (const char *path,
                const char *name)
{
  g_autofree char *text = NULL;

  wait_for_file (path);
  ui_test_assert_pdf (path, 1);
  text = ui_test_pdf_text (path);
  g_assert_nonnull (strstr (text, name));
  g_unlink (path);
}

static void
test_checkin_badge_printer_cups (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *out = g_build_filename (f->dir, "printed", NULL);
  g_autofree char *job1 = g_build_filename (out, "job-1.pdf", NULL);
  g_autofree char *job2 = g_build_filename (out, "job-2.pdf", NULL);
  g_autofree char *job3 = g_build_filename (out, "job-3.pdf", NULL);
  g_autofree char *job4 = g_build_filename (out, "job-4.pdf", NULL);
  g_autofree char *hedy_order = NULL;
  g_auto(GStrv) hedy = NULL;
  GPid pid;

  g_assert_cmpint (g_mkdir (out, 0777), ==, 0);
  if (!start_cupsd (f->dir, out, &pid))
    return;
  /* The desk chooses its printer in the preferences, among those the print
   * system lists, and prints a test badge on it. */
  {
    CcmPreferencesWindow *prefs = ccm_preferences_window_new (f->context);
    GtkWidget *row = ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "badge_printer_row");
    GListModel *printers = adw_combo_row_get_model (ADW_COMBO_ROW (row));
    g_autoptr(GtkPrintSettings) chosen = NULL;
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    guint position = GTK_INVALID_LIST_POSITION;

    ccm_preferences_window_set_conference (prefs, "devcon");
    g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 0);
    while (position == GTK_INVALID_LIST_POSITION)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, TRUE);
        for (guint i = 0; i < g_list_model_get_n_items (printers); i++)
          if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (printers), i), "Badges") == 0)
            position = i;
      }
    adw_combo_row_set_selected (ADW_COMBO_ROW (row), position);
    chosen = ccm_badge_printer_get (ccm_context_get_settings (f->context));
    g_assert_nonnull (chosen);
    g_assert_cmpstr (gtk_print_settings_get_printer (chosen), ==, "Badges");
    ui_test_click (ui_test_child (prefs, CCM_TYPE_PREFERENCES_WINDOW, "test_badge_button"));
    wait_for_test_badge (prefs);
    g_assert_cmpstr (ccm_preferences_window_get_test_result (prefs), ==,
                     "Sent to “Badges”");
    assert_printed (job1, "DevCon 2027");
    gtk_window_destroy (GTK_WINDOW (prefs));
  }
  g_assert_true (gtk_widget_activate (child (f, "badges_check")));
  type_and_enter (f, f->ada);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  wait_for_badges (f);
  g_assert_null (ccm_checkin_page_get_badge_error (f->page));
  assert_printed (job2, "Lovelace");

  /* Two let in faster than the panel is drawn (a scanner's burst): both
   * badges, in that order (one job at a time goes to the printer). */
  assign (f, f->jose_order, 1, "Alan", "Turing", "alan@example.org");
  ccm_checkin_page_type_text (f->page, f->jose, TRUE);
  ccm_checkin_page_type_text (f->page, f->unassigned, TRUE);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  wait_for_badges (f);
  g_assert_null (ccm_checkin_page_get_badge_error (f->page));
  assert_printed (job3, "Álvarez");
  assert_printed (job4, "Turing");

  /* The scheduler stops answering (stopped, its port still open). */
  hedy = place_paid_order (f, "Workshop", 1, "Hedy", "Lamarr", "hedy@example.org", &hedy_order);
  assign (f, hedy_order, 0, "Hedy", "Lamarr", "hedy@example.org");
  kill (pid, SIGSTOP);
  ccm_checkin_page_set_print_timeout (f->page, 2000);
  type_and_enter (f, hedy[0]);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "admitted");
  wait_for_badges (f);
  g_assert_cmpstr (ccm_checkin_page_get_badge_error (f->page), ==,
                   "No badge for Hedy Lamarr: The printer “Badges” did not answer within 2 "
                   "seconds");
  /* The door went on meanwhile. */
  type_and_enter (f, f->ada);
  g_assert_cmpstr (ccm_checkin_page_get_result (f->page), ==, "already-admitted");

  stop_cupsd (f->dir, pid);
  g_rmdir (out);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) mime_dirs = g_ptr_array_new_with_free_func (g_free);
  const char *const *data_dirs = g_get_system_data_dirs ();
  g_autofree char *recent_home = NULL;
  int status;

  setlocale (LC_ALL, "");
  for (guint i = 0; data_dirs[i] != NULL; i++)
    g_ptr_array_add (mime_dirs, g_build_filename (data_dirs[i], "mime", NULL));
  g_ptr_array_add (mime_dirs, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  /* GTK's "Print to File" files what it prints among the recent files, in
   * the user data folder of the moment the recent files were first used,
   * and writes that file a while later: a test's own folder is gone by
   * then. The recent files are made below, in a folder that lasts as long
   * as this program (and never in the user's own). */
  recent_home = g_dir_make_tmp ("ccm-recent-XXXXXX", NULL);
  g_assert_nonnull (recent_home);
  g_setenv ("XDG_DATA_HOME", recent_home, TRUE);
  g_assert_nonnull (gtk_recent_manager_get_default ());
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* The print system this process asks: a CUPS scheduler of the tests' own
   * (test_checkin_badge_printer_cups starts it), never the machine's.
   * libcups reads this once. */
  cups_port = free_port ();
  {
    g_autofree char *server = g_strdup_printf ("127.0.0.1:%d", cups_port);

    g_setenv ("CUPS_SERVER", server, TRUE);
  }
  g_content_type_set_mime_dirs ((const char * const *) mime_dirs->pdata);
  gtk_init ();
  adw_init ();
  /* No transitions: pages and panes change at once, so the tests do not
   * depend on how fast frames come (and no half-way frame is laid out). */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-recent-files-enabled", FALSE, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/checkin/create-destroy", test_checkin_create_destroy);
  ADD ("/ui/checkin/narrow", test_checkin_narrow);
  ADD ("/ui/checkin/scan-admits-then-already-admitted", test_checkin_scan_admits);
  ADD ("/ui/checkin/cancelled-and-unknown", test_checkin_cancelled_unknown);
  ADD ("/ui/checkin/name-search", test_checkin_search);
  ADD ("/ui/checkin/list-rules", test_checkin_list_rules);
  ADD ("/ui/checkin/print-badges", test_checkin_print_badges);
  ADD ("/ui/checkin/badge-printer", test_checkin_badge_printer);
  ADD ("/ui/checkin/badge-printer-cups", test_checkin_badge_printer_cups);
  ADD ("/ui/checkin/keys", test_checkin_keys);
  ADD ("/ui/checkin/undo", test_checkin_undo);
  ADD ("/ui/checkin/offline", test_checkin_offline);
  ADD ("/ui/checkin/viewer-looks-up", test_checkin_viewer_looks_up);
#undef ADD
  status = g_test_run ();
  {
    g_autofree char *recent = g_build_filename (recent_home, "recently-used.xbel", NULL);

    g_unlink (recent);
    g_rmdir (recent_home);
  }
  return status;
}
