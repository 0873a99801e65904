/* ccm-seat-types-page.c — a conference's seat types: add, edit, remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-clock.h"
#include "ccm-conference-views.h"
#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-money.h"
#include "ccm-order-views.h"
#include "ccm-seat-types-page.h"
#include "ccm-ui-util.h"

struct _CcmSeatTypesPage
{
  GtkWidget    parent_instance;

  CcmContext  *context;
  char        *slug;
  GtkWidget   *editor;   /* weak */
  CcmRefresh  *refresh;

  GtkStack    *stack;
  GtkListBox  *list;
  GtkWidget   *waitlist_group;
  GtkEditable *waitlist_search;
  GtkListBox  *waitlist;
  GHashTable  *waitlist_all;   /* seat type ids whose whole waitlist is shown */
};

/* People listed per seat type's waitlist until asked for all: a sold-out
 * conference may have thousands waiting, and a row each took a quarter of
 * a gigabyte and seconds at every change. */
#define WAITLIST_SHOWN 10
/* People listed for a search of the waitlist, in line order. */
#define WAITLIST_FOUND 50

G_DEFINE_FINAL_TYPE (CcmSeatTypesPage, ccm_seat_types_page, GTK_TYPE_WIDGET)

static const char *const editor_fields[] = { "name", "description", "price", "quota" };

/* The editor: a small window with four rows and the reason under each */

static GtkWidget *
editor_row (GtkWidget  *editor,
            const char *field)
{
  g_autofree char *key = g_strconcat ("row-", field, NULL);
  return g_object_get_data (G_OBJECT (editor), key);
}

static GtkLabel *
editor_error (GtkWidget  *editor,
              const char *field)
{
  g_autofree char *key = g_strconcat ("error-", field, NULL);
  return g_object_get_data (G_OBJECT (editor), key);
}

static void
editor_show_error (GtkWidget    *editor,
                   const char   *field,
                   const char   *message)
{
  GtkWidget *row = field != NULL ? editor_row (editor, field) : NULL;

  if (row == NULL)
    row = editor_row (editor, "name");
  ccm_ui_row_set_error (row, editor_error (editor, field != NULL && editor_row (editor, field) != NULL
                                                   ? field : "name"), message);
  gtk_widget_grab_focus (row);
}

void
ccm_seat_type_editor_save (GtkWidget *editor)
{
  CcmSeatTypesPage *self = g_object_get_data (G_OBJECT (editor), "page");
  const char *seat_type_id = g_object_get_data (G_OBJECT (editor), "seat-type-id");
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (editor_row (editor, "name")));
  const char *description = gtk_editable_get_text (GTK_EDITABLE (editor_row (editor, "description")));
  const char *price_text = gtk_editable_get_text (GTK_EDITABLE (editor_row (editor, "price")));
  const char *quota_text = gtk_editable_get_text (GTK_EDITABLE (editor_row (editor, "quota")));
  gint64 price = 0;
  guint64 quota = 0;
  g_autofree char *quota_copy = g_strdup (quota_text);
  JsonObject *args;

  for (guint i = 0; i < G_N_ELEMENTS (editor_fields); i++)
    ccm_ui_row_set_error (editor_row (editor, editor_fields[i]),
                          editor_error (editor, editor_fields[i]), NULL);

  /* Only what the domain cannot see is checked here: the text is a number. */
  if (!ccm_ui_parse_money (price_text, &price))
    {
      editor_show_error (editor, "price", _("Enter the price as a number such as 199.00."));
      return;
    }
  if (!g_ascii_string_to_unsigned (g_strstrip (quota_copy), 10, 0, G_MAXINT32, &quota, NULL))
    {
      editor_show_error (editor, "quota", _("Enter the quota as a whole number of seats."));
      return;
    }

  args = json_object_new ();
  json_object_set_string_member (args, "slug", self->slug);
  json_object_set_string_member (args, "name", name);
  json_object_set_string_member (args, "description", description);
  json_object_set_int_member (args, "price", price);
  json_object_set_int_member (args, "quota", (gint64) quota);
  if (seat_type_id != NULL)
    {
      json_object_set_string_member (args, "seat_type", seat_type_id);
      outcome = ccm_context_submit (self->context, "UpdateSeatType", args, &error);
    }
  else
    {
      g_autofree char *id = ccm_context_new_id (self->context);

      json_object_set_string_member (args, "seat_type_id", id);
      outcome = ccm_context_submit (self->context, "AddSeatType", args, &error);
    }

  if (outcome == NULL)
    {
      editor_show_error (editor, ccm_domain_error_get_field (error), error->message);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (editor));
}

static void
editor_save_clicked_cb (GtkWidget *editor)
{
  ccm_seat_type_editor_save (editor);
}

static GtkWidget *
add_editor_row (GtkWidget  *editor,
                GtkWidget  *group,
                const char *field,
                const char *title,
                const char *value)
{
  GtkWidget *row = adw_entry_row_new ();
  GtkWidget *error_row = gtk_list_box_row_new ();
  GtkWidget *error_label = gtk_label_new (NULL);
  g_autofree char *row_key = g_strconcat ("row-", field, NULL);
  g_autofree char *error_key = g_strconcat ("error-", field, NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  gtk_label_set_xalign (GTK_LABEL (error_label), 0);
  gtk_label_set_wrap (GTK_LABEL (error_label), TRUE);
  gtk_widget_set_margin_start (error_label, 12);
  gtk_widget_set_margin_end (error_label, 12);
  gtk_widget_set_margin_top (error_label, 6);
  gtk_widget_set_margin_bottom (error_label, 6);
  gtk_widget_add_css_class (error_label, "error");
  gtk_widget_add_css_class (error_label, "caption");
  gtk_widget_set_visible (error_label, FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (error_row), error_label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (error_row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (error_row), FALSE);
  gtk_widget_set_focusable (error_row, FALSE);
  g_object_bind_property (error_label, "visible", error_row, "visible", G_BINDING_SYNC_CREATE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), error_row);

  g_object_set_data (G_OBJECT (editor), row_key, row);
  g_object_set_data (G_OBJECT (editor), error_key, error_label);
  return row;
}

static GtkWidget *
editor_new (CcmSeatTypesPage *self,
            JsonObject       *seat_type)
{
  GtkWidget *editor = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *save = gtk_button_new_with_mnemonic (seat_type != NULL ? _("_Save") : _("_Add"));
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  const char *title = seat_type != NULL ? _("Edit Seat Type") : _("New Seat Type");
  g_autofree char *price = NULL;
  g_autofree char *quota = NULL;
  g_autofree char *price_title = NULL;
  g_autoptr(JsonObject) conference = ccm_conference_views_get (ccm_context_get_store (self->context),
                                                               self->slug, NULL);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkShortcutController *shortcuts;

  /* The price is in the conference's currency; say which. */
  if (conference != NULL && ccm_json_string (conference, "currency") != NULL)
    /* TRANSLATORS: %s is a currency code such as EUR */
    price_title = g_strdup_printf (_("_Price (%s)"), ccm_json_string (conference, "currency"));
  else
    price_title = g_strdup (_("_Price"));

  if (seat_type != NULL)
    {
      gint64 cents = ccm_json_int (seat_type, "price", 0);

      price = ccm_money_format (cents, NULL, CCM_MONEY_PLAIN);
      quota = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (seat_type, "quota", 0));
      g_object_set_data_full (G_OBJECT (editor), "seat-type-id",
                              g_strdup (ccm_json_string (seat_type, "seat_type_id")), g_free);
    }
  g_object_set_data (G_OBJECT (editor), "page", self);

  gtk_window_set_title (GTK_WINDOW (editor), title);
  gtk_window_set_modal (GTK_WINDOW (editor), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (editor), 480, 520);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (root));

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (title, NULL));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  gtk_widget_add_css_class (save, "suggested-action");
  g_signal_connect_swapped (save, "clicked", G_CALLBACK (editor_save_clicked_cb), editor);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_window_set_default_widget (GTK_WINDOW (editor), save);

  add_editor_row (editor, group, "name", _("_Name"),
                  seat_type != NULL ? ccm_json_string (seat_type, "name") : NULL);
  add_editor_row (editor, group, "description", _("_Description"),
                  seat_type != NULL ? ccm_json_string (seat_type, "description") : NULL);
  add_editor_row (editor, group, "price", price_title, price);
  add_editor_row (editor, group, "quota", _("_Quota (seats for sale)"), quota);
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "price")), price != NULL ? price : "0.00");
  gtk_editable_set_text (GTK_EDITABLE (editor_row (editor, "quota")), quota != NULL ? quota : "100");
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (editor_row (editor, "price")),
                                   GTK_INPUT_PURPOSE_NUMBER);
  adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (editor_row (editor, "quota")),
                                   GTK_INPUT_PURPOSE_DIGITS);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  gtk_widget_set_vexpand (page, TRUE);

  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (editor), box);

  shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (editor, GTK_EVENT_CONTROLLER (shortcuts));

  g_set_weak_pointer (&self->editor, editor);
  return editor;
}

GtkWidget *
ccm_seat_type_editor_get_entry (GtkWidget  *editor,
                                const char *field)
{
  return editor_row (editor, field);
}

const char *
ccm_seat_type_editor_get_error (GtkWidget  *editor,
                                const char *field)
{
  GtkLabel *label = editor_error (editor, field);

  if (label == NULL || !gtk_widget_get_visible (GTK_WIDGET (label)))
    return NULL;
  return gtk_label_get_text (label);
}

/* The list */

static void
edit_clicked_cb (GtkButton        *button,
                 CcmSeatTypesPage *self)
{
  JsonObject *seat_type = g_object_get_data (G_OBJECT (button), "seat-type");

  gtk_window_present (GTK_WINDOW (editor_new (self, seat_type)));
}

static void
undo_remove_cb (AdwToast *toast,
                gpointer  user_data)
{
  CcmSeatTypesPage *self = CCM_SEAT_TYPES_PAGE (user_data);
  JsonObject *seat_type = g_object_get_data (G_OBJECT (toast), "seat-type");
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *id = ccm_context_new_id (self->context);
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "slug", self->slug);
  json_object_set_string_member (args, "seat_type_id", id);
  json_object_set_string_member (args, "name", ccm_json_string (seat_type, "name"));
  json_object_set_string_member (args, "description", ccm_json_string (seat_type, "description"));
  json_object_set_int_member (args, "price", ccm_json_int (seat_type, "price", 0));
  json_object_set_int_member (args, "quota", ccm_json_int (seat_type, "quota", 0));
  outcome = ccm_context_submit (self->context, "AddSeatType", args, &error);
  if (outcome == NULL)
    ccm_ui_show_error (GTK_WIDGET (self), error);
}

static void
remove_clicked_cb (GtkButton        *button,
                   CcmSeatTypesPage *self)
{
  JsonObject *seat_type = g_object_get_data (G_OBJECT (button), "seat-type");
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *title = NULL;
  JsonObject *args = json_object_new ();
  AdwToast *toast;

  json_object_ref (seat_type);
  json_object_set_string_member (args, "slug", self->slug);
  json_object_set_string_member (args, "seat_type", ccm_json_string (seat_type, "seat_type_id"));
  outcome = ccm_context_submit (self->context, "RemoveSeatType", args, &error);
  if (outcome == NULL)
    {
      ccm_ui_show_error (GTK_WIDGET (self), error);
      json_object_unref (seat_type);
      return;
    }

  /* TRANSLATORS: a toast after removing a seat type */
  title = g_strdup_printf (_("Removed “%s”"), ccm_json_string (seat_type, "name"));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "seat-type", seat_type,
                          (GDestroyNotify) json_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_remove_cb), self, 0);
  ccm_ui_add_toast (GTK_WIDGET (self), toast);
}

static GtkWidget *
icon_button (const char *icon,
             const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  ccm_ui_set_accessible_label (button, label);
  return button;
}

static void
take_off_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      CcmSeatTypesPage *self)
{
  const char *entry_id = g_object_get_data (G_OBJECT (dialog), "entry-id");
  const char *name = g_object_get_data (G_OBJECT (dialog), "name");
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *text = NULL;
  JsonObject *args;

  if (g_strcmp0 (response, "take-off") != 0 || self->slug == NULL)
    return;
  args = json_object_new ();
  json_object_set_string_member (args, "conference", self->slug);
  json_object_set_string_member (args, "entry_id", entry_id);
  outcome = ccm_context_submit (self->context, "LeaveWaitlist", args, &error);
  if (outcome == NULL)
    {
      ccm_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  /* TRANSLATORS: %s is a person's name or e-mail address */
  text = g_strdup_printf (_("%s is off the waitlist"), name);
  ccm_ui_add_toast (GTK_WIDGET (self), adw_toast_new (text));
}

/* Someone no longer waiting (they found seats elsewhere, or changed their
 * mind) is taken off after a question: it cannot be undone, their place
 * in line is gone. */
static void
take_off_clicked_cb (GtkButton        *button,
                     CcmSeatTypesPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *name = g_object_get_data (G_OBJECT (button), "name");
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  /* TRANSLATORS: %s is a person's name or e-mail address */
  heading = g_strdup_printf (_("Take %s Off the Waitlist?"), name);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading,
                                                       _("They lose their place in line, and seats "
                                                         "held for them go to the next in line.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "take-off", _("_Take Off"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "take-off", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "entry-id",
                          g_strdup (g_object_get_data (G_OBJECT (button), "entry-id")), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (take_off_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_all_clicked_cb (GtkButton        *button,
                     CcmSeatTypesPage *self)
{
  g_hash_table_add (self->waitlist_all,
                    g_strdup (g_object_get_data (G_OBJECT (button), "seat-type-id")));
  ccm_seat_types_page_refresh (self);
}

/* "N more waiting for “Type”" and a button that lists them all. */
static GtkWidget *
more_row_new (CcmSeatTypesPage *self,
              const char       *seat_type_id,
              const char       *seat_type,
              guint             more)
{
  /* TRANSLATORS: %u people, %s a seat type */
  g_autofree char *title = g_strdup_printf (g_dngettext (NULL, "%'u more for “%s”",
                                                         "%'u more for “%s”", more),
                                            more, seat_type);
  /* TRANSLATORS: %s is a seat type */
  g_autofree char *label = g_strdup_printf (_("Show everyone on the waitlist for “%s”"), seat_type);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Show _All"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  ccm_ui_set_accessible_label (button, label);
  g_object_set_data_full (G_OBJECT (button), "seat-type-id", g_strdup (seat_type_id), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (show_all_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  g_object_set_data (G_OBJECT (row), "show-all", button);
  return row;
}

/* One person's row: who, for what, where in line or until when seats are
 * held for them, and Take Off when this desk may. */
static GtkWidget *
waitlist_row_new (CcmSeatTypesPage *self,
                  JsonObject       *o,
                  gboolean          may_take_off)
{
  const char *status = ccm_json_string (o, "status");
  guint seats = (guint) ccm_json_int (o, "quantity", 0);
  g_autofree char *name = ccm_ui_full_name (ccm_json_string (o, "first_name"),
                                            ccm_json_string (o, "last_name"));
  g_autofree char *count = g_strdup_printf (g_dngettext (NULL, "%'u seat", "%'u seats", seats), seats);
  g_autofree char *state = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;
  const char *who = name != NULL ? name : ccm_json_string (o, "email");
  const char *until = ccm_json_string (o, "hold_until");
  gint64 until_us;
  g_autofree char *at = until != NULL && ccm_time_parse (until, &until_us)
                          ? ccm_ui_format_time (until_us) : NULL;
  guint held = (guint) ccm_json_int (o, "promoted", 0);

  if (g_strcmp0 (status, "waiting") == 0)
    {
      guint ahead = (guint) ccm_json_int (o, "position", 0);
      g_autofree char *place = ahead == 0 ? g_strdup (_("next in line"))
        /* TRANSLATORS: how many people wait before this one */
        : g_strdup_printf (g_dngettext (NULL, "%'u ahead", "%'u ahead", ahead), ahead);

      /* Some of their seats came free already, the rest still waited for. */
      state = held > 0 && at != NULL
        /* TRANSLATORS: seats held, a time, then the place in line */
        ? g_strdup_printf (g_dngettext (NULL, "%'u held for them until %s, %s",
                                        "%'u held for them until %s, %s", held), held, at, place)
        : g_steal_pointer (&place);
    }
  else
    state = at != NULL
      /* TRANSLATORS: %s is a time */
      ? g_strdup_printf (_("seats held for them until %s"), at)
      : g_strdup (_("seats offered"));

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), who);
  if (may_take_off)
    {
      /* TRANSLATORS: %s is a person's name or e-mail address */
      g_autofree char *label = g_strdup_printf (_("Take %s off the waitlist"), who);
      GtkWidget *take_off = icon_button ("list-remove-symbolic", label);

      g_object_set_data_full (G_OBJECT (take_off), "entry-id",
                              g_strdup (ccm_json_string (o, "entry_id")), g_free);
      g_object_set_data_full (G_OBJECT (take_off), "name", g_strdup (who), g_free);
      g_signal_connect (take_off, "clicked", G_CALLBACK (take_off_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), take_off);
      g_object_set_data (G_OBJECT (row), "take-off", take_off);
    }
  /* TRANSLATORS: seat type · number of seats · e-mail · where in line */
  subtitle = g_strdup_printf (_("%s · %s · %s · %s"), ccm_json_string (o, "seat_type"), count,
                              ccm_json_string (o, "email"), state);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

/* Adds one to a count kept per seat type id (a borrowed key). */
static guint
count_up (GHashTable *counts,
          const char *seat_type_id)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, seat_type_id)) + 1;

  g_hash_table_insert (counts, (gpointer) seat_type_id, GUINT_TO_POINTER (n));
  return n;
}

/* A row that only says something. */
static GtkWidget *
note_row_new (const char *title,
              const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "dim-label");
  return row;
}

/* Still in line, or seats held for them: not those who left. */
static gboolean
still_waiting (JsonObject *entry)
{
  const char *status = ccm_json_string (entry, "status");

  return g_strcmp0 (status, "waiting") == 0 || g_strcmp0 (status, "promoted") == 0;
}

/* The people a search of the waitlist finds, the first WAITLIST_FOUND of
 * them, then how many more or that nobody matches. */
static void
fill_waitlist_found (CcmSeatTypesPage *self,
                     const char       *query,
                     gboolean          may_take_off)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) found = ccm_waitlist_views_search (ccm_context_get_store (self->context),
                                                          self->slug, query, &error);
  guint n = 0, more = 0;

  if (found == NULL)
    {
      g_debug ("Waitlist search: %s", error->message);
      return;
    }
  for (guint i = 0; i < json_array_get_length (found); i++)
    {
      JsonObject *o = json_array_get_object_element (found, i);

      if (!still_waiting (o))
        continue;
      if (n++ < WAITLIST_FOUND)
        gtk_list_box_append (self->waitlist, waitlist_row_new (self, o, may_take_off));
      else
        more++;
    }
  if (n == 0)
    {
      /* TRANSLATORS: %s is what was typed in the waitlist's search */
      g_autofree char *title = g_strdup_printf (_("No one on the waitlist matches “%s”"), query);

      gtk_list_box_append (self->waitlist, note_row_new (title, NULL));
    }
  else if (more > 0)
    {
      g_autofree char *title = g_strdup_printf (g_dngettext (NULL, "%'u more found", "%'u more found", more),
                                                more);

      gtk_list_box_append (self->waitlist,
                           note_row_new (title, _("Type more of a name or an address to find fewer.")));
    }
}

/* The waitlist: who is waiting, for what, in order, and whose freed seats
 * are held for them until when; the first WAITLIST_SHOWN of each seat type
 * unless all were asked for, or those the search finds. Returns how many
 * wait per seat type id. */
static GHashTable *
fill_waitlist (CcmSeatTypesPage *self)
{
  g_autoptr(JsonArray) entries = ccm_waitlist_views_list (ccm_context_get_store (self->context),
                                                          self->slug, NULL);
  GHashTable *waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) hidden = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) hidden_types = g_ptr_array_new ();   /* JsonObject, in order */
  gboolean may_take_off = ccm_context_may (self->context, "LeaveWaitlist");
  g_autofree char *query = g_strstrip (g_strdup (gtk_editable_get_text (self->waitlist_search)));
  gboolean searching = *query != '\0';
  guint n = 0;

  ccm_ui_clear_box (GTK_WIDGET (self->waitlist));
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonObject *o = json_array_get_object_element (entries, i);
      const char *seat_type_id = ccm_json_string (o, "seat_type_id");

      if (!still_waiting (o))
        continue;   /* left: nothing more to do for them */
      n++;
      if (g_strcmp0 (ccm_json_string (o, "status"), "waiting") == 0)
        g_hash_table_replace (waiting, g_strdup (seat_type_id),
                              GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (waiting, seat_type_id)) + 1));
      if (searching)
        continue;
      if (!g_hash_table_contains (self->waitlist_all, seat_type_id) &&
          GPOINTER_TO_UINT (g_hash_table_lookup (listed, seat_type_id)) >= WAITLIST_SHOWN)
        {
          if (count_up (hidden, seat_type_id) == 1)
            g_ptr_array_add (hidden_types, o);
          continue;
        }
      count_up (listed, seat_type_id);
      gtk_list_box_append (self->waitlist, waitlist_row_new (self, o, may_take_off));
    }
  for (guint i = 0; i < hidden_types->len; i++)
    {
      JsonObject *o = g_ptr_array_index (hidden_types, i);
      const char *seat_type_id = ccm_json_string (o, "seat_type_id");

      gtk_list_box_append (self->waitlist,
                           more_row_new (self, seat_type_id, ccm_json_string (o, "seat_type"),
                                         GPOINTER_TO_UINT (g_hash_table_lookup (hidden, seat_type_id))));
    }
  if (searching)
    fill_waitlist_found (self, query, may_take_off);
  /* The search is for a waitlist longer than a glance. */
  gtk_widget_set_visible (GTK_WIDGET (self->waitlist_search), searching || n > WAITLIST_SHOWN);
  gtk_widget_set_visible (self->waitlist_group, n > 0);
  return waiting;
}

static void
waitlist_search_changed_cb (CcmSeatTypesPage *self)
{
  if (self->context != NULL && self->slug != NULL)
    g_hash_table_unref (fill_waitlist (self));
}

static void
waitlist_stop_search_cb (CcmSeatTypesPage *self)
{
  gtk_editable_set_text (self->waitlist_search, "");
}

void
ccm_seat_types_page_refresh (CcmSeatTypesPage *self)
{
  g_autoptr(GHashTable) waiting = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(JsonArray) seats = NULL;
  g_autoptr(GHashTable) availability = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *types;
  gboolean locked, may_update, may_remove;
  guint n = 0;

  g_return_if_fail (CCM_IS_SEAT_TYPES_PAGE (self));

  ccm_ui_clear_box (GTK_WIDGET (self->list));
  if (self->context == NULL || self->slug == NULL)
    return;
  waiting = fill_waitlist (self);

  conference = ccm_conference_views_get (ccm_context_get_store (self->context), self->slug, &error);
  if (conference == NULL)
    return;
  seats = ccm_seat_views_list (ccm_context_get_store (self->context), self->slug, NULL);
  for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
    {
      JsonObject *o = json_array_get_object_element (seats, i);
      g_hash_table_insert (availability, (gpointer) ccm_json_string (o, "seat_type_id"), o);
    }

  locked = ccm_json_bool (conference, "was_ever_published");
  may_update = ccm_context_may (self->context, "UpdateSeatType");
  may_remove = ccm_context_may (self->context, "RemoveSeatType");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "seat-types.add",
                                 ccm_context_may (self->context, "AddSeatType"));
  types = json_object_has_member (conference, "seat_types")
            ? json_object_get_array_member (conference, "seat_types") : NULL;
  for (guint i = 0; types != NULL && i < json_array_get_length (types); i++)
    {
      JsonObject *o = json_array_get_object_element (types, i);
      JsonObject *seat = g_hash_table_lookup (availability, ccm_json_string (o, "seat_type_id"));
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      g_autofree char *price = ccm_ui_format_money (ccm_json_int (o, "price", 0),
                                                    ccm_json_string (conference, "currency"));
      g_autofree char *subtitle = NULL;
      g_autofree char *edit_label = g_strdup_printf (_("Edit “%s”"), ccm_json_string (o, "name"));
      g_autofree char *remove_label = g_strdup_printf (_("Remove “%s”"), ccm_json_string (o, "name"));
      GtkWidget *edit = icon_button ("document-edit-symbolic", edit_label);
      GtkWidget *remove = icon_button ("user-trash-symbolic", remove_label);

      guint n_waiting = GPOINTER_TO_UINT (g_hash_table_lookup (waiting, ccm_json_string (o, "seat_type_id")));

      if (seat != NULL)
        /* TRANSLATORS: price · quota · sold · held · available */
        subtitle = g_strdup_printf (_("%s · quota %'lld · %'lld sold · %'lld held · %'lld available"),
                                    price, (long long) ccm_json_int (o, "quota", 0),
                                    (long long) ccm_json_int (seat, "sold", 0),
                                    (long long) ccm_json_int (seat, "reserved", 0),
                                    (long long) ccm_json_int (seat, "available", 0));
      if (seat != NULL && n_waiting > 0)
        {
          g_autofree char *plain = g_steal_pointer (&subtitle);

          /* TRANSLATORS: the seat type's figures, then how many people wait for it */
          subtitle = g_strdup_printf (g_dngettext (NULL, "%s · %'u waiting", "%s · %'u waiting", n_waiting),
                                      plain, n_waiting);
        }
      else if (seat == NULL)
        subtitle = g_strdup_printf (_("%s · quota %'lld"), price,
                                    (long long) ccm_json_int (o, "quota", 0));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ccm_json_string (o, "name"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (edit), "seat-type", json_object_ref (o),
                              (GDestroyNotify) json_object_unref);
      g_object_set_data_full (G_OBJECT (remove), "seat-type", json_object_ref (o),
                              (GDestroyNotify) json_object_unref);
      g_signal_connect (edit, "clicked", G_CALLBACK (edit_clicked_cb), self);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
      if (locked)
        {
          gtk_widget_set_sensitive (remove, FALSE);
          gtk_widget_set_tooltip_text (remove, _("A seat type cannot be removed once the "
                                                 "conference was published"));
        }
      /* What the device's role may not do is not offered. */
      gtk_widget_set_visible (edit, may_update);
      gtk_widget_set_visible (remove, may_remove);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      g_object_set_data (G_OBJECT (row), "edit", edit);
      g_object_set_data (G_OBJECT (row), "remove", remove);
      gtk_list_box_append (self->list, row);
      n++;
    }
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CcmSeatTypesPage *self = CCM_SEAT_TYPES_PAGE (widget);

  if (self->slug != NULL)
    gtk_window_present (GTK_WINDOW (editor_new (self, NULL)));
}

static void
refresh_cb (gpointer page)
{
  CcmSeatTypesPage *self = page;

  ccm_seat_types_page_refresh (self);
}

static void
ccm_seat_types_page_dispose (GObject *object)
{
  CcmSeatTypesPage *self = CCM_SEAT_TYPES_PAGE (object);

  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  g_clear_weak_pointer (&self->editor);
  g_clear_pointer (&self->refresh, ccm_refresh_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CCM_TYPE_SEAT_TYPES_PAGE);
  ccm_ui_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->context);
  g_clear_pointer (&self->slug, g_free);
  g_clear_pointer (&self->waitlist_all, g_hash_table_unref);
  G_OBJECT_CLASS (ccm_seat_types_page_parent_class)->dispose (object);
}

static void
ccm_seat_types_page_class_init (CcmSeatTypesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ccm_seat_types_page_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/contoso/Conference/ccm-seat-types-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CcmSeatTypesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CcmSeatTypesPage, list);
  gtk_widget_class_bind_template_child (widget_class, CcmSeatTypesPage, waitlist_group);
  gtk_widget_class_bind_template_child (widget_class, CcmSeatTypesPage, waitlist);
  gtk_widget_class_bind_template_child (widget_class, CcmSeatTypesPage, waitlist_search);
  gtk_widget_class_bind_template_callback (widget_class, waitlist_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, waitlist_stop_search_cb);
  gtk_widget_class_install_action (widget_class, "seat-types.add", NULL, add_action);
}

static void
ccm_seat_types_page_init (CcmSeatTypesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->waitlist_all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
ccm_seat_types_page_set_context (CcmSeatTypesPage *self,
                                 CcmContext       *context)
{
  g_return_if_fail (CCM_IS_SEAT_TYPES_PAGE (self));
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  self->refresh = ccm_refresh_new (GTK_WIDGET (self), ccm_context_get_store (context), refresh_cb);
}

void
ccm_seat_types_page_set_conference (CcmSeatTypesPage *self,
                                    const char       *slug)
{
  g_return_if_fail (CCM_IS_SEAT_TYPES_PAGE (self));
  g_return_if_fail (self->context != NULL);

  g_free (self->slug);
  self->slug = g_strdup (slug);
  g_hash_table_remove_all (self->waitlist_all);
  gtk_editable_set_text (self->waitlist_search, "");
  ccm_refresh_now_or_when_shown (self->refresh);
}

GtkWidget *
ccm_seat_types_page_get_editor (CcmSeatTypesPage *self)
{
  g_return_val_if_fail (CCM_IS_SEAT_TYPES_PAGE (self), NULL);
  return self->editor;
}

GtkWidget *
ccm_seat_types_page_get_row (CcmSeatTypesPage *self,
                             guint             index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (CCM_IS_SEAT_TYPES_PAGE (self), NULL);
  row = gtk_list_box_get_row_at_index (self->list, index);
  return row != NULL ? GTK_WIDGET (row) : NULL;
}
