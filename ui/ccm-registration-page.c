/* ccm-registration-page.c — walk-up registration, step by step
 *
 * choose seats → reservation with its countdown (accept or change a partial
 * one) → registrant → payment (free orders skip it) → confirmation with the
 * access code → attendees. Each step submits the real command and reads
 * the order back from the read model; the page keeps no state of its own
 * beyond the order id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-assignments.h"
#include "ccm-badge-print.h"
#include "ccm-conference.h"
#include "ccm-conference-views.h"
#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-allotment-views.h"
#include "ccm-clock.h"
#include "ccm-order-views.h"
#include "ccm-registration-page.h"
#include "ccm-ui-util.h"

struct _CcmRegistrationPage
{
  GtkWidget       parent_instance;

  CcmContext     *context;
  char           *slug;
  char           *order_id;
  JsonObject     *order;
  GHashTable     *spins;          /* seat type id → GtkSpinButton */
  GHashTable     *spins_by_name;  /* seat type name → GtkSpinButton */
  GHashTable     *waitlist_buttons;
  guint           countdown_id;
  gboolean        resumed;        /* the order was taken up, not placed here */
  gboolean        narrow;         /* seat rows' buttons stacked */
  CcmRefresh     *refresh;
  char           *print_to;       /* a PDF file instead of the print dialog */

  GtkLabel       *step_label;
  GtkLabel       *hold_label;
  GtkStack       *stack;
  GtkListBox     *choose_list;
  GtkLabel       *choose_error;
  GtkButton      *reserve_button;
  GtkWidget      *partial_banner;
  GtkLabel       *partial_label;
  GtkButton      *accept_button;
  GtkButton      *change_button;
  GtkListBox     *reserved_list;
  GtkLabel       *countdown_label;
  GtkLabel       *sale_label;
  GtkLabel       *reserved_error;
  GtkButton      *continue_button;
  GtkButton      *start_over_button;
  GtkWidget      *first_name_row;
  GtkWidget      *last_name_row;
  GtkWidget      *email_row;
  GtkLabel       *first_name_error;
  GtkLabel       *last_name_error;
  GtkLabel       *email_error;
  GtkButton      *registrant_button;
  AdwPreferencesGroup *payment_group;
  GtkCheckButton *cash_check;
  GtkCheckButton *card_check;
  GtkCheckButton *invoice_check;
  GtkCheckButton *processor_check;
  GtkSwitch      *processor_switch;
  GtkLabel       *payment_error;
  GtkButton      *pay_button;
  GtkLabel       *done_label;
  GtkLabel       *access_code_label;
  GtkListBox     *attendees_list;
  GtkBox         *done_buttons;
  GtkButton      *print_button;
  GtkButton      *new_button;
  GtkButton      *overview_button;
  GtkButton      *expired_button;
};

G_DEFINE_FINAL_TYPE (CcmRegistrationPage, ccm_registration_page, GTK_TYPE_WIDGET)

static void show_step (CcmRegistrationPage *self, const char *step);

static CcmStore *
store_of (CcmRegistrationPage *self)
{
  return ccm_context_get_store (self->context);
}

static const char *
order_status (CcmRegistrationPage *self)
{
  return self->order != NULL ? ccm_json_string (self->order, "status") : NULL;
}

/* The order's registrant, NULL before one is given. */
static JsonObject *
order_registrant (CcmRegistrationPage *self)
{
  return self->order != NULL && json_object_has_member (self->order, "registrant")
           ? json_object_get_object_member (self->order, "registrant") : NULL;
}

static gboolean
load_order (CcmRegistrationPage *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->order, json_object_unref);
  if (self->order_id == NULL)
    return FALSE;
  self->order = ccm_order_views_get (store_of (self), self->slug, self->order_id, &error);
  if (self->order == NULL)
    g_debug ("Reading order %s: %s", self->order_id, error->message);
  return self->order != NULL;
}

static void
set_label_error (GtkLabel     *label,
                 const GError *error)
{
  gtk_label_set_text (label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), error != NULL);
}

/* Step 1: seats */

static void reserve_clicked_cb (CcmRegistrationPage *self);

static void
seats_changed_cb (CcmRegistrationPage *self)
{
  set_label_error (self->choose_error, NULL);
}

static void
join_waitlist_response_cb (AdwMessageDialog    *dialog,
                           const char          *response,
                           CcmRegistrationPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  GtkWidget *email = g_object_get_data (G_OBJECT (dialog), "email");
  GtkWidget *name = g_object_get_data (G_OBJECT (dialog), "name");
  GtkSpinButton *seats = g_object_get_data (G_OBJECT (dialog), "seats");
  g_autofree char *entry_id = NULL;
  JsonObject *args;

  if (g_strcmp0 (response, "join") != 0)
    return;

  entry_id = ccm_context_new_id (self->context);
  args = json_object_new ();
  json_object_set_string_member (args, "conference", self->slug);
  json_object_set_string_member (args, "entry_id", entry_id);
  json_object_set_string_member (args, "seat_type", g_object_get_data (G_OBJECT (dialog), "seat-type"));
  json_object_set_int_member (args, "quantity", gtk_spin_button_get_value_as_int (seats));
  json_object_set_string_member (args, "email", gtk_editable_get_text (GTK_EDITABLE (email)));
  json_object_set_string_member (args, "first_name", gtk_editable_get_text (GTK_EDITABLE (name)));
  outcome = ccm_context_submit (self->context, "JoinWaitlist", args, &error);
  if (outcome == NULL)
    ccm_ui_show_error (GTK_WIDGET (self), error);
  else
    ccm_ui_add_toast (GTK_WIDGET (self), adw_toast_new (_("Added to the waitlist")));
}

static void
join_waitlist_clicked_cb (GtkButton           *button,
                          CcmRegistrationPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog, *list, *email, *name, *seats_row, *seats;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Join the Waitlist"),
                                   _("Freed seats go to the waitlist first, in the order people "
                                     "joined it."));
  list = gtk_list_box_new ();
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  name = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name), _("Name"));
  email = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (email), _("E-mail"));
  /* A family or a team waits for seats together. */
  seats = gtk_spin_button_new_with_range (1, 99, 1);
  gtk_widget_set_valign (seats, GTK_ALIGN_CENTER);
  ccm_ui_set_accessible_label (seats, _("Seats to wait for"));
  seats_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (seats_row), _("Seats"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (seats_row), seats);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (seats_row), seats);
  gtk_list_box_append (GTK_LIST_BOX (list), name);
  gtk_list_box_append (GTK_LIST_BOX (list), email);
  gtk_list_box_append (GTK_LIST_BOX (list), seats_row);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "join", _("_Join"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "join",
                                              ADW_RESPONSE_SUGGESTED);
  g_object_set_data (G_OBJECT (dialog), "email", email);
  g_object_set_data (G_OBJECT (dialog), "name", name);
  g_object_set_data (G_OBJECT (dialog), "seats", seats);
  g_object_set_data_full (G_OBJECT (dialog), "seat-type",
                          g_strdup (g_object_get_data (G_OBJECT (button), "seat-type")), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (join_waitlist_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
refresh_choose (CcmRegistrationPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) seats = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key, value;

  /* Keep what was typed across a refresh. */
  g_hash_table_iter_init (&iter, self->spins);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (keep, g_strdup (key),
                         GINT_TO_POINTER (gtk_spin_button_get_value_as_int (value)));

  ccm_ui_clear_box (GTK_WIDGET (self->choose_list));
  g_hash_table_remove_all (self->spins);
  g_hash_table_remove_all (self->spins_by_name);
  g_hash_table_remove_all (self->waitlist_buttons);

  conference = ccm_conference_views_get (store_of (self), self->slug, NULL);
  seats = ccm_seat_views_list (store_of (self), self->slug, &error);
  for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
    {
      JsonObject *o = json_array_get_object_element (seats, i);
      const char *id = ccm_json_string (o, "seat_type_id");
      const char *name = ccm_json_string (o, "name");
      gint64 available = ccm_json_int (o, "available", 0);
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      g_autofree char *price = ccm_ui_format_money (ccm_json_int (o, "price", 0),
                                                    conference != NULL
                                                      ? ccm_json_string (conference, "currency") : NULL);
      g_autofree char *subtitle = NULL;
      GtkWidget *spin, *buttons;

      if (available > 0)
        /* TRANSLATORS: price · how many seats are left */
        subtitle = g_strdup_printf (ngettext ("%s · %'lld seat left", "%s · %'lld seats left",
                                              (gulong) MIN (available, G_MAXLONG)),
                                    price, (long long) available);
      else
        subtitle = g_strdup_printf (_("%s · sold out"), price);
      /* An enrolled desk also sells from its own allotment, which the pool
       * does not count. */
      if (ccm_store_is_enrolled (store_of (self)))
        {
          CcmStore *store = store_of (self);
          g_autoptr(JsonObject) allotment =
            ccm_allotment_views_find_usable (store, self->slug, ccm_store_get_device_id (store), id,
                                             ccm_clock_now (ccm_context_get_clock (self->context)), NULL);
          gint64 own = allotment != NULL ? ccm_json_int (allotment, "remaining", 0) : 0;

          if (own > 0)
            {
              char *more = g_strdup_printf (ngettext ("%s · %'lld guaranteed from this desk’s allotment",
                                                      "%s · %'lld guaranteed from this desk’s allotment",
                                                      (gulong) MIN (own, G_MAXLONG)),
                                            subtitle, (long long) own);
              g_free (subtitle);
              subtitle = more;
              available = MAX (available, own);
            }
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

      /* Asking for more than is left is allowed: the reservation then comes
       * back partial and the registrant decides. */
      spin = gtk_spin_button_new_with_range (0, CCM_SEAT_TYPE_MAX_QUOTA, 1);
      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin),
                                 GPOINTER_TO_INT (g_hash_table_lookup (keep, id)));
      ccm_ui_set_accessible_label (spin, name);
      buttons = ccm_ui_row_add_button_box (ADW_ACTION_ROW (row), self->narrow);
      gtk_box_append (GTK_BOX (buttons), spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      /* A new count answers "choose at least one seat"; Enter reserves. */
      g_signal_connect_object (spin, "value-changed", G_CALLBACK (seats_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (gtk_editable_get_delegate (GTK_EDITABLE (spin)), "activate",
                               G_CALLBACK (reserve_clicked_cb), self, G_CONNECT_SWAPPED);
      g_hash_table_insert (self->spins, g_strdup (id), spin);
      g_hash_table_insert (self->spins_by_name, g_strdup (name), spin);

      if (available <= 0)
        {
          GtkWidget *join = gtk_button_new_with_mnemonic (_("Join _Waitlist…"));
          g_autofree char *label = g_strdup_printf (_("Join the waitlist for “%s”"), name);

          gtk_widget_set_valign (join, GTK_ALIGN_CENTER);
          ccm_ui_set_accessible_label (join, label);
          g_object_set_data_full (G_OBJECT (join), "seat-type", g_strdup (id), g_free);
          g_signal_connect (join, "clicked", G_CALLBACK (join_waitlist_clicked_cb), self);
          gtk_box_append (GTK_BOX (buttons), join);
          g_hash_table_insert (self->waitlist_buttons, g_strdup (name), join);
        }
      gtk_list_box_append (self->choose_list, row);
    }
}

static JsonArray *
chosen_seats (CcmRegistrationPage *self,
              gint64              *n_seats)
{
  JsonArray *seats = json_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  *n_seats = 0;
  g_hash_table_iter_init (&iter, self->spins);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int n;

      gtk_spin_button_update (value);
      n = gtk_spin_button_get_value_as_int (value);
      if (n > 0)
        {
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "seat_type", key);
          json_object_set_int_member (o, "quantity", n);
          json_array_add_object_element (seats, o);
          *n_seats += n;
        }
    }
  return seats;
}

/* An enrolled desk sells from its own allotment when it has one running
 * for a chosen seat type: the sale is then guaranteed, even offline. */
static void
use_own_allotment (CcmRegistrationPage *self,
                   JsonObject          *args)
{
  CcmStore *store = store_of (self);
  JsonArray *seats = json_object_get_array_member (args, "seats");
  gint64 now = ccm_clock_now (ccm_context_get_clock (self->context));

  if (!ccm_store_is_enrolled (store))
    return;
  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      const char *seat_type = ccm_json_string (json_array_get_object_element (seats, i), "seat_type");
      g_autoptr(JsonObject) allotment =
        ccm_allotment_views_find_usable (store, self->slug, ccm_store_get_device_id (store),
                                         seat_type, now, NULL);

      if (allotment != NULL)
        {
          json_object_set_string_member (args, "allotment_id",
                                         ccm_json_string (allotment, "allotment_id"));
          return;
        }
    }
}

/* On an enrolled desk: is this sale the desk's to make (guaranteed) or
 * the server's (provisional, shown amber)? */
static void
refresh_sale_note (CcmRegistrationPage *self)
{
  gboolean enrolled = ccm_store_is_enrolled (store_of (self));
  gboolean guaranteed = self->order != NULL && ccm_json_bool (self->order, "guaranteed");
  g_autoptr(GHashTable) tentative = NULL;
  gboolean pending = FALSE;

  if (!enrolled || self->order == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->sale_label), FALSE);
      return;
    }
  tentative = ccm_store_tentative_keys (store_of (self), "order_views", NULL);
  pending = tentative != NULL && g_hash_table_contains (tentative, self->order_id);

  if (guaranteed)
    {
      gtk_label_set_text (self->sale_label,
                          pending ? _("Guaranteed: these seats come from this desk’s allotment, "
                                      "so the server will accept the sale when the desk syncs.")
                                  : _("Guaranteed: these seats come from this desk’s allotment."));
      gtk_widget_remove_css_class (GTK_WIDGET (self->sale_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->sale_label), "success");
    }
  else if (pending)
    {
      gtk_label_set_text (self->sale_label,
                          _("Provisional: this desk has no allotment for these seats. The sale "
                            "is confirmed when the desk syncs, if seats are still free then; "
                            "otherwise it is waitlisted or refunded."));
      gtk_widget_remove_css_class (GTK_WIDGET (self->sale_label), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->sale_label), "warning");
    }
  else
    {
      gtk_label_set_text (self->sale_label, _("Confirmed by the server."));
      gtk_widget_remove_css_class (GTK_WIDGET (self->sale_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->sale_label), "success");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->sale_label), TRUE);
}

static void
reserve_clicked_cb (CcmRegistrationPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(JsonArray) seats = NULL;
  gint64 n_seats;
  JsonObject *args;

  set_label_error (self->choose_error, NULL);
  seats = chosen_seats (self, &n_seats);
  if (n_seats == 0)
    {
      g_set_error_literal (&error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_INVALID,
                           _("Choose at least one seat."));
      set_label_error (self->choose_error, error);
      return;
    }

  args = json_object_new ();
  json_object_set_array_member (args, "seats", json_array_ref (seats));
  json_object_set_array_member (args, "ticket_codes", ccm_ticket_codes_new (n_seats));
  if (self->order_id != NULL && g_strcmp0 (order_status (self), "expired") != 0 &&
      g_strcmp0 (order_status (self), "cancelled") != 0)
    {
      /* Changing the seats of the order already held. */
      json_object_set_string_member (args, "order_id", self->order_id);
      outcome = ccm_context_submit (self->context, "UpdateSeats", args, &error);
    }
  else
    {
      g_autofree char *order_id = ccm_context_new_id (self->context);
      g_autofree char *code = ccm_access_code_new ();

      json_object_set_string_member (args, "order_id", order_id);
      json_object_set_string_member (args, "conference", self->slug);
      json_object_set_string_member (args, "access_code", code);
      use_own_allotment (self, args);
      outcome = ccm_context_submit (self->context, "PlaceOrder", args, &error);
      if (outcome != NULL)
        {
          g_free (self->order_id);
          self->order_id = g_steal_pointer (&order_id);
        }
    }

  if (outcome == NULL)
    {
      set_label_error (self->choose_error, error);
      return;
    }
  load_order (self);
  show_step (self, "reserved");
}

/* Step 2: the reservation */

static gboolean
countdown_cb (gpointer user_data)
{
  CcmRegistrationPage *self = user_data;
  const char *expires = self->order != NULL ? ccm_json_string (self->order, "expires_at") : NULL;
  const char *step = gtk_stack_get_visible_child_name (self->stack);
  gint64 expires_at = 0, left;
  g_autofree char *text = NULL;

  if (expires == NULL || !ccm_time_parse (expires, &expires_at) ||
      g_strcmp0 (order_status (self), "confirmed") == 0)
    {
      gtk_label_set_text (self->countdown_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->hold_label), FALSE);
      return G_SOURCE_CONTINUE;
    }

  left = MAX (expires_at - ccm_clock_now (ccm_context_get_clock (self->context)), 0) / G_USEC_PER_SEC;
  /* TRANSLATORS: the reservation countdown, minutes:seconds */
  text = g_strdup_printf (_("Seats held for %lld:%02d"), (long long) (left / 60), (int) (left % 60));
  gtk_label_set_text (self->countdown_label, text);
  gtk_label_set_text (self->hold_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->hold_label),
                          g_strcmp0 (step, "registrant") == 0 || g_strcmp0 (step, "payment") == 0);
  /* The last two minutes stand out: the desk should hurry or warn. */
  if (left < 120)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->countdown_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->hold_label), "warning");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->countdown_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->hold_label), "warning");
    }
  if (left == 0)
    {
      /* The store's timer expires the order; "changed" brings us there. */
      g_autoptr(GError) error = NULL;
      ccm_store_run_due_timers (store_of (self), &error);
    }
  return G_SOURCE_CONTINUE;
}

static void
refresh_reserved (CcmRegistrationPage *self)
{
  JsonArray *lines;
  g_autofree char *total = NULL;
  const char *currency;
  GtkWidget *row;
  gint64 asked = 0, got = 0;

  ccm_ui_clear_box (GTK_WIDGET (self->reserved_list));
  if (self->order == NULL)
    return;

  currency = ccm_json_string (self->order, "currency");
  lines = json_object_get_array_member (self->order, "lines");
  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      g_autofree char *line_total = ccm_ui_format_money (ccm_json_int (line, "line_total", 0), currency);
      g_autofree char *title = g_strdup_printf ("%'" G_GINT64_FORMAT " × %s",
                                                ccm_json_int (line, "quantity", 0),
                                                ccm_json_string (line, "name"));
      GtkWidget *label = gtk_label_new (line_total);

      asked += ccm_json_int (line, "requested", ccm_json_int (line, "quantity", 0));
      got += ccm_json_int (line, "quantity", 0);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_list_box_append (self->reserved_list, row);
    }

  total = ccm_ui_format_money (ccm_json_int (self->order, "total", 0), currency);
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Total"));
  gtk_widget_add_css_class (row, "heading");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_label_new (total));
  gtk_list_box_append (self->reserved_list, row);

  if (g_strcmp0 (order_status (self), "partially-reserved") == 0 &&
      !ccm_json_bool (self->order, "partial_accepted"))
    {
      g_autofree char *text = g_strdup_printf (
        ngettext ("Only %'lld of the %'lld seat asked for could be reserved. Accept them, "
                  "or change the order.",
                  "Only %'lld of the %'lld seats asked for could be reserved. Accept them, "
                  "or change the order.",
                  (gulong) MIN (asked, G_MAXLONG)),
        (long long) got, (long long) asked);

      gtk_label_set_text (self->partial_label, text);
      gtk_widget_set_visible (self->partial_banner, TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), FALSE);
    }
  else
    {
      gtk_widget_set_visible (self->partial_banner, FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button),
                                g_strcmp0 (order_status (self), "pending") != 0);
    }
  if (g_strcmp0 (order_status (self), "pending") == 0)
    gtk_label_set_text (self->reserved_error, _("Waiting for the seats to be reserved…"));
  gtk_widget_set_visible (GTK_WIDGET (self->reserved_error),
                          g_strcmp0 (order_status (self), "pending") == 0);
  refresh_sale_note (self);
  countdown_cb (self);
}

static void
simple_order_command (CcmRegistrationPage *self,
                      const char          *type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "order_id", self->order_id);
  outcome = ccm_context_submit (self->context, type, args, &error);
  if (outcome == NULL)
    ccm_ui_show_error (GTK_WIDGET (self), error);
  load_order (self);
}

static void
accept_clicked_cb (CcmRegistrationPage *self)
{
  simple_order_command (self, "AcceptPartialReservation");
  refresh_reserved (self);
}

static void
change_clicked_cb (CcmRegistrationPage *self)
{
  JsonArray *lines = self->order != NULL ? json_object_get_array_member (self->order, "lines") : NULL;

  show_step (self, "choose");
  /* Start from what was reserved. */
  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      GtkSpinButton *spin = g_hash_table_lookup (self->spins, ccm_json_string (line, "seat_type_id"));

      if (spin != NULL)
        gtk_spin_button_set_value (spin, ccm_json_int (line, "quantity", 0));
    }
}

static void
continue_clicked_cb (CcmRegistrationPage *self)
{
  show_step (self, "registrant");
}

static void
reset (CcmRegistrationPage *self)
{
  self->resumed = FALSE;
  gtk_button_set_label (self->start_over_button, _("_Start Over"));
  g_clear_pointer (&self->order_id, g_free);
  g_clear_pointer (&self->order, json_object_unref);
  gtk_editable_set_text (GTK_EDITABLE (self->first_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->last_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), "");
  g_hash_table_remove_all (self->spins);
  show_step (self, NULL);
}

static void
start_over_clicked_cb (CcmRegistrationPage *self)
{
  /* Give the held seats back at once rather than at expiry; but an order
   * taken up from the list is someone's, placed before: it is left as it is. */
  if (self->order_id != NULL && !self->resumed && g_strcmp0 (order_status (self), "confirmed") != 0)
    simple_order_command (self, "CancelOrder");
  reset (self);
}

/* Step 3: the registrant */

static void
registrant_clicked_cb (CcmRegistrationPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args = json_object_new ();
  const char *field;

  ccm_ui_row_set_error (self->first_name_row, self->first_name_error, NULL);
  ccm_ui_row_set_error (self->last_name_row, self->last_name_error, NULL);
  ccm_ui_row_set_error (self->email_row, self->email_error, NULL);

  json_object_set_string_member (args, "order_id", self->order_id);
  json_object_set_string_member (args, "first_name",
                                 gtk_editable_get_text (GTK_EDITABLE (self->first_name_row)));
  json_object_set_string_member (args, "last_name",
                                 gtk_editable_get_text (GTK_EDITABLE (self->last_name_row)));
  json_object_set_string_member (args, "email", gtk_editable_get_text (GTK_EDITABLE (self->email_row)));
  outcome = ccm_context_submit (self->context, "AssignRegistrantDetails", args, &error);
  if (outcome == NULL)
    {
      field = ccm_domain_error_get_field (error);
      if (g_strcmp0 (field, "first_name") == 0)
        ccm_ui_row_set_error (self->first_name_row, self->first_name_error, error->message);
      else if (g_strcmp0 (field, "last_name") == 0)
        ccm_ui_row_set_error (self->last_name_row, self->last_name_error, error->message);
      else if (g_strcmp0 (field, "email") == 0)
        ccm_ui_row_set_error (self->email_row, self->email_error, error->message);
      else
        ccm_ui_show_error (GTK_WIDGET (self), error);
      return;
    }

  load_order (self);
  if (g_strcmp0 (order_status (self), "confirmed") == 0 ||
      ccm_json_int (self->order, "total", 0) == 0)
    show_step (self, "done");
  else
    show_step (self, "payment");
}

/* Step 4: payment */

static void
pay_clicked_cb (CcmRegistrationPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) initiated = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *payment_id = ccm_context_new_id (self->context);
  gboolean processor = gtk_check_button_get_active (self->processor_check);
  gboolean reject = processor && !gtk_switch_get_active (self->processor_switch);
  const char *method = "cash";
  JsonObject *args;

  set_label_error (self->payment_error, NULL);
  if (gtk_check_button_get_active (self->card_check))
    method = "card";
  else if (gtk_check_button_get_active (self->invoice_check))
    method = "invoice";
  else if (processor)
    method = "processor";

  args = json_object_new ();
  json_object_set_string_member (args, "payment_id", payment_id);
  json_object_set_string_member (args, "order_id", self->order_id);
  json_object_set_string_member (args, "method", method);
  json_object_set_int_member (args, "amount", ccm_json_int (self->order, "total", 0));
  initiated = ccm_context_submit (self->context, "InitiatePayment", args, &error);
  if (initiated == NULL)
    {
      set_label_error (self->payment_error, error);
      return;
    }

  args = json_object_new ();
  json_object_set_string_member (args, "payment_id", payment_id);
  if (reject)
    json_object_set_string_member (args, "reason", _("Declined by the payment processor"));
  outcome = ccm_context_submit (self->context, reject ? "RejectPayment" : "CompletePayment",
                                args, &error);
  if (outcome == NULL)
    {
      set_label_error (self->payment_error, error);
      return;
    }
  if (reject)
    {
      g_set_error_literal (&error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_CONFLICT,
                           _("The payment processor declined the payment. Try again or "
                             "choose another method."));
      set_label_error (self->payment_error, error);
      return;
    }

  load_order (self);
  show_step (self, "done");
}

/* Step 5: done, attendees */

static void
assign_clicked_cb (GtkButton           *button,
                   CcmRegistrationPage *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "row");
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "order_id", self->order_id);
  json_object_set_int_member (args, "position",
                              GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "position")));
  json_object_set_string_member (args, "email",
                                 gtk_editable_get_text (g_object_get_data (G_OBJECT (row), "email")));
  json_object_set_string_member (args, "first_name",
                                 gtk_editable_get_text (g_object_get_data (G_OBJECT (row), "first-name")));
  json_object_set_string_member (args, "last_name",
                                 gtk_editable_get_text (g_object_get_data (G_OBJECT (row), "last-name")));
  outcome = ccm_context_submit (self->context, "AssignSeat", args, &error);
  if (outcome == NULL)
    {
      ccm_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  ccm_ui_add_toast (GTK_WIDGET (self), adw_toast_new (_("Seat assigned")));
}

/* Enter in the e-mail, the seat's last entry, assigns it. */
static void
attendee_email_activated_cb (AdwEntryRow         *email,
                             CcmRegistrationPage *self)
{
  assign_clicked_cb (g_object_get_data (G_OBJECT (email), "assign"), self);
}

/* Most walk-up orders are one seat for the person at the desk. */
static void
fill_from_registrant_cb (GtkButton           *button,
                         CcmRegistrationPage *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "row");
  JsonObject *registrant = order_registrant (self);
  static const char *const members[] = { "first_name", "last_name", "email" };
  static const char *const entries[] = { "first-name", "last-name", "email" };

  if (registrant == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    gtk_editable_set_text (g_object_get_data (G_OBJECT (row), entries[i]),
                           ccm_json_string (registrant, members[i]) ?: "");
  gtk_widget_grab_focus (g_object_get_data (G_OBJECT (row), "assign"));
}

static GtkWidget *
attendee_entry (GtkWidget  *expander,
                const char *title,
                const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
  return row;
}

/* The order's seats named for someone, once it is paid (its tickets are
 * valid then); NULL otherwise. */
static JsonArray *
named_seats (CcmRegistrationPage *self)
{
  if (self->order == NULL || g_strcmp0 (order_status (self), "confirmed") != 0 ||
      !json_object_has_member (self->order, "attendees"))
    return NULL;
  return json_object_get_array_member (self->order, "attendees");
}

static gboolean
has_named_seat (CcmRegistrationPage *self)
{
  JsonArray *seats = named_seats (self);

  for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
    if (ccm_json_string (json_array_get_object_element (seats, i), "email") != NULL)
      return TRUE;
  return FALSE;
}

/* The tickets of those seats, as the badges draw them. */
static JsonArray *
named_tickets (CcmRegistrationPage *self)
{
  g_autoptr(JsonArray) tickets = json_array_new ();
  JsonArray *seats = named_seats (self);

  for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
    {
      JsonObject *a = json_array_get_object_element (seats, i);
      JsonObject *ticket;

      if (ccm_json_string (a, "email") == NULL || ccm_json_string (a, "ticket_code") == NULL)
        continue;
      ticket = ccm_attendee_views_get_ticket (store_of (self), ccm_json_string (a, "ticket_code"), NULL);
      if (ticket != NULL)
        json_array_add_object_element (tickets, ticket);
    }
  return json_array_get_length (tickets) > 0 ? g_steal_pointer (&tickets) : NULL;
}

/* A walk-up registration ends with the badges in hand: each named seat's,
 * one a page, through the print dialog (from the desk's badge printer). */
static void
print_clicked_cb (CcmRegistrationPage *self)
{
  g_autoptr(JsonArray) tickets = named_tickets (self);
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(GError) error = NULL;

  if (tickets == NULL)
    return;
  conference = ccm_conference_views_get (store_of (self), self->slug, &error);
  if (conference == NULL ||
      !ccm_badge_print_dialog (GTK_WIDGET (self), ccm_context_get_settings (self->context), tickets,
                               conference, self->print_to, NULL, &error))
    ccm_ui_show_error (GTK_WIDGET (self), error);
}

static void
refresh_done (CcmRegistrationPage *self)
{
  JsonArray *attendees;
  JsonObject *registrant;
  g_autofree char *text = NULL;

  ccm_ui_clear_box (GTK_WIDGET (self->attendees_list));
  if (self->order == NULL)
    return;

  gtk_label_set_text (self->access_code_label, ccm_json_string (self->order, "access_code"));
  if (g_strcmp0 (order_status (self), "confirmed") == 0)
    text = g_strdup (_("The order is confirmed. Give the registrant this access code: it finds "
                       "the order at any desk."));
  else
    /* TRANSLATORS: %s is an order state such as "Reserved" */
    text = g_strdup_printf (_("The order is %s. Give the registrant this access code: it finds "
                              "the order at any desk."),
                            ccm_ui_status_label (order_status (self)));
  gtk_label_set_text (self->done_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->print_button), has_named_seat (self));

  attendees = json_object_has_member (self->order, "attendees")
                ? json_object_get_array_member (self->order, "attendees") : NULL;
  registrant = order_registrant (self);
  for (guint i = 0; attendees != NULL && i < json_array_get_length (attendees); i++)
    {
      JsonObject *a = json_array_get_object_element (attendees, i);
      GtkWidget *expander = adw_expander_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
      GtkWidget *assign = gtk_button_new_with_mnemonic (_("_Assign"));
      GtkWidget *button_row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (button_row), FALSE);
      gint64 position = ccm_json_int (a, "position", i);
      g_autofree char *title = g_strdup_printf (_("Seat %lld · %s"), (long long) position + 1,
                                                ccm_json_string (a, "seat_type") ?: "");
      g_autofree char *subtitle = NULL;
      g_autofree char *accessible = NULL;
      GtkWidget *email, *buttons;

      if (ccm_json_string (a, "email") != NULL)
        subtitle = g_strdup_printf ("%s %s <%s>", ccm_json_string (a, "first_name") ?: "",
                                    ccm_json_string (a, "last_name") ?: "",
                                    ccm_json_string (a, "email"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander),
                                     subtitle != NULL ? subtitle : _("Not assigned"));
      g_object_set_data (G_OBJECT (expander), "position", GINT_TO_POINTER ((int) position));
      g_object_set_data (G_OBJECT (expander), "first-name",
                         attendee_entry (expander, _("First name"), ccm_json_string (a, "first_name")));
      g_object_set_data (G_OBJECT (expander), "last-name",
                         attendee_entry (expander, _("Last name"), ccm_json_string (a, "last_name")));
      email = attendee_entry (expander, _("E-mail"), ccm_json_string (a, "email"));
      g_object_set_data (G_OBJECT (expander), "email", email);
      g_object_set_data (G_OBJECT (email), "assign", assign);
      g_signal_connect (email, "entry-activated", G_CALLBACK (attendee_email_activated_cb), self);
      gtk_widget_set_valign (assign, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (assign, "suggested-action");
      /* TRANSLATORS: the accessible name of a seat's Assign button */
      accessible = g_strdup_printf (_("Assign seat %lld"), (long long) position + 1);
      ccm_ui_set_accessible_label (assign, accessible);
      buttons = ccm_ui_row_add_button_box (ADW_ACTION_ROW (button_row), self->narrow);
      /* The list's row is the expander: ccm_ui_list_stack_buttons finds
       * the box there. */
      g_object_set_data (G_OBJECT (expander), "ccm-button-box", buttons);
      if (registrant != NULL && ccm_json_string (registrant, "email") != NULL)
        {
          GtkWidget *fill = gtk_button_new_with_mnemonic (_("Use _Registrant’s Details"));

          gtk_widget_set_valign (fill, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (fill, "flat");
          g_object_set_data (G_OBJECT (fill), "row", expander);
          g_object_set_data (G_OBJECT (expander), "fill", fill);
          g_signal_connect (fill, "clicked", G_CALLBACK (fill_from_registrant_cb), self);
          gtk_box_append (GTK_BOX (buttons), fill);
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (button_row),
                                     ccm_json_string (a, "ticket_code") ?: "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (button_row), _("Ticket code"));
      gtk_box_append (GTK_BOX (buttons), assign);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), button_row);
      g_object_set_data (G_OBJECT (assign), "row", expander);
      g_object_set_data (G_OBJECT (expander), "assign", assign);
      g_signal_connect (assign, "clicked", G_CALLBACK (assign_clicked_cb), self);
      gtk_list_box_append (self->attendees_list, expander);
    }
}

/* Steps */

static gboolean
is_published (CcmRegistrationPage *self)
{
  g_autoptr(JsonObject) conference = ccm_conference_views_get (store_of (self), self->slug, NULL);

  return conference != NULL && ccm_json_bool (conference, "published");
}

/* A new step takes the keyboard where its work starts: Continue once the
 * seats are held (Enter goes on), the registrant's first name; the other
 * steps their first control, as the stack gives it. Only when the keyboard
 * was in the steps: a refresh never takes it from elsewhere. */
static void
focus_step (CcmRegistrationPage *self,
            const char          *step)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->stack)))
    return;
  if (g_str_equal (step, "reserved") && gtk_widget_get_sensitive (GTK_WIDGET (self->continue_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->continue_button));
  else if (g_str_equal (step, "registrant"))
    gtk_widget_grab_focus (self->first_name_row);
}

/* step NULL: where the order (or its absence) says we are. */
static void
show_step (CcmRegistrationPage *self,
           const char          *step)
{
  static const char *const numbered[] = { "choose", "reserved", "registrant", "payment", "done" };
  const char *status = order_status (self);
  g_autofree char *label = NULL;
  gboolean changed;

  if (self->slug == NULL || self->context == NULL)
    return;

  if (step == NULL)
    {
      const char *current = gtk_stack_get_visible_child_name (self->stack);

      if (self->order_id == NULL)
        step = is_published (self) ? "choose" : "closed";
      else if (g_strcmp0 (status, "expired") == 0)
        step = "expired";
      else if (g_strcmp0 (status, "cancelled") == 0)
        step = is_published (self) ? "choose" : "closed";
      else
        step = current;
    }
  if (g_strcmp0 (step, "choose") == 0 && !is_published (self))
    step = "closed";
  /* A check-in or viewing device: nothing here it may do. */
  if (!ccm_context_may (self->context, "PlaceOrder"))
    step = "no-sale";

  if (g_strcmp0 (step, "choose") == 0)
    refresh_choose (self);
  else if (g_strcmp0 (step, "reserved") == 0)
    refresh_reserved (self);
  else if (g_strcmp0 (step, "payment") == 0)
    {
      g_autofree char *total = ccm_ui_format_money (ccm_json_int (self->order, "total", 0),
                                                    ccm_json_string (self->order, "currency"));
      g_autofree char *description = g_strdup_printf (_("Amount due: %s"), total);

      adw_preferences_group_set_description (self->payment_group, description);
    }
  else if (g_strcmp0 (step, "done") == 0)
    refresh_done (self);

  changed = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), step) != 0;
  gtk_stack_set_visible_child_name (self->stack, step);
  if (changed)
    focus_step (self, step);
  countdown_cb (self);

  for (guint i = 0; i < G_N_ELEMENTS (numbered); i++)
    if (g_str_equal (step, numbered[i]) && self->order != NULL &&
        ccm_json_string (self->order, "access_code") != NULL)
      /* TRANSLATORS: "Step 3 of 5 · order K7QX2M", the order's access code */
      label = g_strdup_printf (_("Step %u of %u · order %s"), i + 1, (guint) G_N_ELEMENTS (numbered),
                               ccm_json_string (self->order, "access_code"));
    else if (g_str_equal (step, numbered[i]))
      /* TRANSLATORS: "Step 2 of 5" */
      label = g_strdup_printf (_("Step %u of %u"), i + 1, (guint) G_N_ELEMENTS (numbered));
  gtk_label_set_text (self->step_label, label != NULL ? label : "");
}

static void
refresh_cb (gpointer page)
{
  CcmRegistrationPage *self = page;
  const char *step = gtk_stack_get_visible_child_name (self->stack);

  load_order (self);
  if (g_strcmp0 (order_status (self), "expired") == 0 && g_strcmp0 (step, "done") != 0)
    show_step (self, "expired");
  else if (g_strcmp0 (step, "closed") == 0 || g_strcmp0 (step, "choose") == 0 ||
           g_strcmp0 (step, "no-sale") == 0)
    show_step (self, "choose");
  else
    show_step (self, step);
}

static void
new_clicked_cb (CcmRegistrationPage *self)
{
  reset (self);
}

static void
ccm_registration_page_dispose (GObject *object)
{
  CcmRegistrationPage *self = CCM_REGISTRATION_PAGE (object);

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_pointer (&self->refresh, ccm_refresh_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CCM_TYPE_REGISTRATION_PAGE);
  ccm_ui_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->spins, g_hash_table_unref);
  g_clear_pointer (&self->spins_by_name, g_hash_table_unref);
  g_clear_pointer (&self->waitlist_buttons, g_hash_table_unref);
  g_clear_pointer (&self->order, json_object_unref);
  g_clear_pointer (&self->order_id, g_free);
  g_clear_pointer (&self->slug, g_free);
  g_clear_pointer (&self->print_to, g_free);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (ccm_registration_page_parent_class)->dispose (object);
}

static void
ccm_registration_page_class_init (CcmRegistrationPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ccm_registration_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/contoso/Conference/ccm-registration-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CcmRegistrationPage, name)
  BIND (step_label);
  BIND (stack);
  BIND (choose_list);
  BIND (choose_error);
  BIND (reserve_button);
  BIND (partial_banner);
  BIND (partial_label);
  BIND (accept_button);
  BIND (change_button);
  BIND (reserved_list);
  BIND (countdown_label);
  BIND (hold_label);
  BIND (sale_label);
  BIND (reserved_error);
  BIND (continue_button);
  BIND (start_over_button);
  BIND (first_name_row);
  BIND (last_name_row);
  BIND (email_row);
  BIND (first_name_error);
  BIND (last_name_error);
  BIND (email_error);
  BIND (registrant_button);
  BIND (payment_group);
  BIND (cash_check);
  BIND (card_check);
  BIND (invoice_check);
  BIND (processor_check);
  BIND (processor_switch);
  BIND (payment_error);
  BIND (pay_button);
  BIND (done_label);
  BIND (access_code_label);
  BIND (attendees_list);
  BIND (done_buttons);
  BIND (print_button);
  BIND (new_button);
  BIND (overview_button);
  BIND (expired_button);
#undef BIND
}

static void
ccm_registration_page_init (CcmRegistrationPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->spins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->spins_by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->waitlist_buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_signal_connect_swapped (self->reserve_button, "clicked", G_CALLBACK (reserve_clicked_cb), self);
  g_signal_connect_swapped (self->accept_button, "clicked", G_CALLBACK (accept_clicked_cb), self);
  g_signal_connect_swapped (self->change_button, "clicked", G_CALLBACK (change_clicked_cb), self);
  g_signal_connect_swapped (self->continue_button, "clicked", G_CALLBACK (continue_clicked_cb), self);
  g_signal_connect_swapped (self->start_over_button, "clicked", G_CALLBACK (start_over_clicked_cb), self);
  g_signal_connect_swapped (self->registrant_button, "clicked", G_CALLBACK (registrant_clicked_cb), self);
  g_signal_connect_swapped (self->pay_button, "clicked", G_CALLBACK (pay_clicked_cb), self);
  g_signal_connect_swapped (self->new_button, "clicked", G_CALLBACK (new_clicked_cb), self);
  g_signal_connect_swapped (self->print_button, "clicked", G_CALLBACK (print_clicked_cb), self);
  g_signal_connect_swapped (self->expired_button, "clicked", G_CALLBACK (new_clicked_cb), self);
  /* Enter moves down the form, and on its last row continues. */
  g_signal_connect_swapped (self->first_name_row, "entry-activated",
                            G_CALLBACK (gtk_widget_grab_focus), self->last_name_row);
  g_signal_connect_swapped (self->last_name_row, "entry-activated",
                            G_CALLBACK (gtk_widget_grab_focus), self->email_row);
  g_signal_connect_swapped (self->email_row, "entry-activated", G_CALLBACK (registrant_clicked_cb), self);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (self->email_row), GTK_INPUT_PURPOSE_EMAIL);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (self->first_name_row), GTK_INPUT_PURPOSE_NAME);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (self->last_name_row), GTK_INPUT_PURPOSE_NAME);
}

void
ccm_registration_page_set_context (CcmRegistrationPage *self,
                                   CcmContext          *context)
{
  g_return_if_fail (CCM_IS_REGISTRATION_PAGE (self));
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  self->refresh = ccm_refresh_new (GTK_WIDGET (self), ccm_context_get_store (context), refresh_cb);
  self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
}

void
ccm_registration_page_set_narrow (CcmRegistrationPage *self,
                                  gboolean             narrow)
{
  g_return_if_fail (CCM_IS_REGISTRATION_PAGE (self));

  self->narrow = narrow;
  ccm_ui_list_stack_buttons (self->choose_list, narrow);
  ccm_ui_list_stack_buttons (self->attendees_list, narrow);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->done_buttons),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
}

void
ccm_registration_page_set_conference (CcmRegistrationPage *self,
                                      const char          *slug)
{
  g_return_if_fail (CCM_IS_REGISTRATION_PAGE (self));

  if (g_strcmp0 (self->slug, slug) == 0)
    return;
  g_free (self->slug);
  self->slug = g_strdup (slug);
  reset (self);
}

/* Takes up an order placed earlier, at this desk or another, at the step it
 * stopped at: the reservation while a partial one waits for an answer, the
 * registrant, the payment, or the attendees of a confirmed order. FALSE
 * when the order is not this conference's or can no longer go on. */
gboolean
ccm_registration_page_resume (CcmRegistrationPage *self,
                              const char          *order_id)
{
  JsonObject *registrant;
  const char *status;
  const char *step;

  g_return_val_if_fail (CCM_IS_REGISTRATION_PAGE (self), FALSE);
  g_return_val_if_fail (order_id != NULL, FALSE);

  reset (self);
  self->order_id = g_strdup (order_id);
  self->resumed = TRUE;
  gtk_button_set_label (self->start_over_button, _("_Leave Order"));
  status = load_order (self) ? order_status (self) : NULL;
  if (status == NULL || g_str_equal (status, "expired") || g_str_equal (status, "cancelled"))
    {
      reset (self);
      return FALSE;
    }

  registrant = order_registrant (self);
  if (registrant != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->first_name_row), ccm_json_string (registrant, "first_name") ?: "");
      gtk_editable_set_text (GTK_EDITABLE (self->last_name_row), ccm_json_string (registrant, "last_name") ?: "");
      gtk_editable_set_text (GTK_EDITABLE (self->email_row), ccm_json_string (registrant, "email") ?: "");
    }

  if (g_str_equal (status, "confirmed"))
    step = "done";
  else if (g_str_equal (status, "pending") ||
           (g_str_equal (status, "partially-reserved") &&
            !ccm_json_bool (self->order, "partial_accepted")))
    step = "reserved";
  else if (registrant == NULL || ccm_json_string (registrant, "email") == NULL)
    step = "registrant";
  else if (ccm_json_int (self->order, "total", 0) == 0)
    step = "done";
  else
    step = "payment";
  show_step (self, step);
  return TRUE;
}

const char *
ccm_registration_page_get_step (CcmRegistrationPage *self)
{
  g_return_val_if_fail (CCM_IS_REGISTRATION_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkWidget *
ccm_registration_page_get_sale_note (CcmRegistrationPage *self)
{
  g_return_val_if_fail (CCM_IS_REGISTRATION_PAGE (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->sale_label)) ? GTK_WIDGET (self->sale_label) : NULL;
}

const char *
ccm_registration_page_get_order_id (CcmRegistrationPage *self)
{
  g_return_val_if_fail (CCM_IS_REGISTRATION_PAGE (self), NULL);
  return self->order_id;
}

GtkSpinButton *
ccm_registration_page_get_quantity (CcmRegistrationPage *self,
                                    const char          *seat_type_name)
{
  g_return_val_if_fail (CCM_IS_REGISTRATION_PAGE (self), NULL);
  return g_hash_table_lookup (self->spins_by_name, seat_type_name);
}

GtkWidget *
ccm_registration_page_get_waitlist_button (CcmRegistrationPage *self,
                                           const char          *seat_type_name)
{
  g_return_val_if_fail (CCM_IS_REGISTRATION_PAGE (self), NULL);
  return g_hash_table_lookup (self->waitlist_buttons, seat_type_name);
}

GtkWidget *
ccm_registration_page_get_attendee_row (CcmRegistrationPage *self,
                                        guint                position)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (CCM_IS_REGISTRATION_PAGE (self), NULL);
  row = gtk_list_box_get_row_at_index (self->attendees_list, position);
  return row != NULL ? GTK_WIDGET (row) : NULL;
}

/* For the tests: badges go to this PDF file instead of the print dialog. */
void
ccm_registration_page_set_print_to (CcmRegistrationPage *self,
                                    const char          *pdf_path)
{
  g_return_if_fail (CCM_IS_REGISTRATION_PAGE (self));

  g_free (self->print_to);
  self->print_to = g_strdup (pdf_path);
}
