/* ccm-conference-dialog.c — create or edit a conference
 *
 * The form holds no rules of its own: saving submits the real command, and
 * a refusal is shown at the field the decider names (DESIGN §3.1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-conference-dialog.h"
#include "ccm-conference-views.h"
#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-ui-util.h"

typedef struct
{
  const char *field;
  gsize       row_offset;
  gsize       error_offset;
} Field;

struct _CcmConferenceDialog
{
  AdwWindow       parent_instance;

  CcmContext     *context;
  char           *slug;          /* NULL when creating */
  gint64          version;
  gboolean        slug_edited;
  gboolean        setting_slug;

  AdwWindowTitle *window_title;
  GtkButton      *save_button;
  GtkLabel       *general_error;
  GtkWidget      *name_row;
  GtkWidget      *slug_row;
  GtkWidget      *tagline_row;
  GtkWidget      *description_row;
  GtkWidget      *location_row;
  GtkWidget      *start_date_row;
  GtkWidget      *end_date_row;
  GtkWidget      *owner_name_row;
  GtkWidget      *owner_email_row;
  GtkWidget      *currency_row;
  GtkWidget      *reservation_row;
  GtkSpinButton  *reservation_spin;
  GtkLabel       *name_error;
  GtkLabel       *slug_error;
  GtkLabel       *tagline_error;
  GtkLabel       *description_error;
  GtkLabel       *location_error;
  GtkLabel       *start_date_error;
  GtkLabel       *end_date_error;
  GtkLabel       *owner_name_error;
  GtkLabel       *owner_email_error;
  GtkLabel       *currency_error;
  GtkLabel       *reservation_minutes_error;
};

G_DEFINE_FINAL_TYPE (CcmConferenceDialog, ccm_conference_dialog, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define FIELD(name, row) { #name, G_STRUCT_OFFSET (CcmConferenceDialog, row), \
                           G_STRUCT_OFFSET (CcmConferenceDialog, name##_error) }
static const Field fields[] = {
  FIELD (name, name_row),
  FIELD (slug, slug_row),
  FIELD (tagline, tagline_row),
  FIELD (description, description_row),
  FIELD (location, location_row),
  FIELD (start_date, start_date_row),
  FIELD (end_date, end_date_row),
  FIELD (owner_name, owner_name_row),
  FIELD (owner_email, owner_email_row),
  FIELD (currency, currency_row),
  FIELD (reservation_minutes, reservation_row),
};
#undef FIELD

#define ROW(self, f) (*(GtkWidget **) G_STRUCT_MEMBER_P ((self), (f)->row_offset))
#define ERROR_LABEL(self, f) (*(GtkLabel **) G_STRUCT_MEMBER_P ((self), (f)->error_offset))

static const Field *
find_field (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].field, name))
      return &fields[i];
  return NULL;
}

static void
clear_errors (CcmConferenceDialog *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    ccm_ui_row_set_error (ROW (self, &fields[i]), ERROR_LABEL (self, &fields[i]), NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->general_error), FALSE);
}

static void
show_error (CcmConferenceDialog *self,
            const GError        *error)
{
  const Field *field = NULL;

  if (g_error_matches (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_INVALID) ||
      g_error_matches (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_CONFLICT))
    field = find_field (ccm_domain_error_get_field (error));

  if (field != NULL)
    {
      ccm_ui_row_set_error (ROW (self, field), ERROR_LABEL (self, field), error->message);
      gtk_widget_grab_focus (ROW (self, field));
    }
  else
    {
      gtk_label_set_text (self->general_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->general_error), TRUE);
    }
}

static const char *
text_of (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_text (GtkWidget  *row,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CcmConferenceDialog *self = CCM_CONFERENCE_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *slug = NULL;
  JsonObject *args = json_object_new ();
  static const char *const text_fields[] = {
    "name", "tagline", "description", "location", "start_date", "end_date",
    "owner_name", "owner_email",
  };

  clear_errors (self);
  slug = g_strdup (self->slug != NULL ? self->slug : text_of (self->slug_row));
  json_object_set_string_member (args, "slug", slug);
  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    json_object_set_string_member (args, text_fields[i],
                                   text_of (ROW (self, find_field (text_fields[i]))));
  {
    g_autofree char *currency = g_ascii_strup (text_of (self->currency_row), -1);
    json_object_set_string_member (args, "currency", g_strstrip (currency));
  }
  gtk_spin_button_update (self->reservation_spin);
  json_object_set_int_member (args, "reservation_minutes",
                              gtk_spin_button_get_value_as_int (self->reservation_spin));

  if (self->slug == NULL)
    {
      g_autofree char *id = ccm_context_new_id (self->context);
      g_autofree char *code = ccm_access_code_new ();

      json_object_set_string_member (args, "conference_id", id);
      json_object_set_string_member (args, "access_code", code);
      outcome = ccm_context_submit (self->context, "CreateConference", args, &error);
    }
  else
    {
      json_object_set_int_member (args, "base_version", self->version);
      outcome = ccm_context_submit (self->context, "UpdateConference", args, &error);
    }

  if (outcome == NULL)
    {
      show_error (self, error);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, slug);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Until the slug is typed by hand it follows the name. */
static void
name_changed_cb (CcmConferenceDialog *self)
{
  g_autoptr(GString) slug = g_string_new (NULL);
  g_autofree char *ascii = NULL;
  gboolean dash = FALSE;

  if (self->slug != NULL || self->slug_edited)
    return;

  ascii = g_str_to_ascii (text_of (self->name_row), "C");
  for (const char *p = ascii; *p != '\0' && slug->len < 60; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (dash && slug->len > 0)
            g_string_append_c (slug, '-');
          g_string_append_c (slug, g_ascii_tolower (*p));
          dash = FALSE;
        }
      else
        dash = TRUE;
    }
  self->setting_slug = TRUE;
  set_text (self->slug_row, slug->str);
  self->setting_slug = FALSE;
}

static void
slug_changed_cb (CcmConferenceDialog *self)
{
  if (!self->setting_slug)
    self->slug_edited = TRUE;
}

static void
load (CcmConferenceDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = NULL;
  static const char *const text_fields[] = {
    "name", "slug", "tagline", "description", "location", "start_date", "end_date",
    "owner_name", "owner_email", "currency",
  };

  o = ccm_conference_views_get (ccm_context_get_store (self->context), self->slug, &error);
  if (o == NULL)
    {
      show_error (self, error);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    set_text (ROW (self, find_field (text_fields[i])), ccm_json_string (o, text_fields[i]));
  gtk_spin_button_set_value (self->reservation_spin, ccm_json_int (o, "reservation_minutes", 15));
  self->version = ccm_json_int (o, "version", 0);
}

/* A calendar beside each date, for those who prefer to point. */
static void
calendar_day_selected_cb (GtkCalendar *calendar,
                          GtkWidget   *row)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%Y-%m-%d");

  set_text (row, text);
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (calendar),
                                                             GTK_TYPE_POPOVER)));
}

static void
add_calendar (GtkWidget  *row,
              const char *label)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  ccm_ui_set_accessible_label (button, label);
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  g_signal_connect (calendar, "day-selected", G_CALLBACK (calendar_day_selected_cb), row);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), button);
}

static void
ccm_conference_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CCM_TYPE_CONFERENCE_DIALOG);
  G_OBJECT_CLASS (ccm_conference_dialog_parent_class)->dispose (object);
}

static void
ccm_conference_dialog_finalize (GObject *object)
{
  CcmConferenceDialog *self = CCM_CONFERENCE_DIALOG (object);

  g_clear_object (&self->context);
  g_clear_pointer (&self->slug, g_free);
  G_OBJECT_CLASS (ccm_conference_dialog_parent_class)->finalize (object);
}

static void
ccm_conference_dialog_class_init (CcmConferenceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ccm_conference_dialog_dispose;
  object_class->finalize = ccm_conference_dialog_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/contoso/Conference/ccm-conference-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, general_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, slug_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, tagline_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, location_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, start_date_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, end_date_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, owner_name_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, owner_email_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, currency_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, reservation_row);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, reservation_spin);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, slug_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, tagline_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, description_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, location_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, start_date_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, end_date_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, owner_name_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, owner_email_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, currency_error);
  gtk_widget_class_bind_template_child (widget_class, CcmConferenceDialog, reservation_minutes_error);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "dialog.save", NULL);
}

static void
ccm_conference_dialog_init (CcmConferenceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  add_calendar (self->start_date_row, _("Choose the start date"));
  add_calendar (self->end_date_row, _("Choose the end date"));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (self->name_row), TRUE);
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (name_changed_cb), self);
  g_signal_connect_swapped (self->slug_row, "changed", G_CALLBACK (slug_changed_cb), self);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->save_button));
  set_text (self->currency_row, "EUR");
}

CcmConferenceDialog *
ccm_conference_dialog_new (CcmContext *context,
                           const char *slug)
{
  CcmConferenceDialog *self;

  g_return_val_if_fail (CCM_IS_CONTEXT (context), NULL);

  self = g_object_new (CCM_TYPE_CONFERENCE_DIALOG, NULL);
  self->context = g_object_ref (context);
  self->slug = g_strdup (slug);

  if (slug != NULL)
    {
      adw_window_title_set_title (self->window_title, _("Edit Conference"));
      gtk_button_set_label (self->save_button, _("_Save"));
      gtk_widget_set_sensitive (self->slug_row, FALSE);
      load (self);
    }
  gtk_window_set_title (GTK_WINDOW (self),
                        adw_window_title_get_title (self->window_title));
  return self;
}

GtkWidget *
ccm_conference_dialog_get_row (CcmConferenceDialog *self,
                               const char          *field)
{
  const Field *f = find_field (field);

  g_return_val_if_fail (CCM_IS_CONFERENCE_DIALOG (self), NULL);
  return f != NULL ? ROW (self, f) : NULL;
}

const char *
ccm_conference_dialog_get_error (CcmConferenceDialog *self,
                                 const char          *field)
{
  const Field *f = find_field (field);

  g_return_val_if_fail (CCM_IS_CONFERENCE_DIALOG (self), NULL);
  if (f == NULL || !gtk_widget_get_visible (GTK_WIDGET (ERROR_LABEL (self, f))))
    return NULL;
  return gtk_label_get_text (ERROR_LABEL (self, f));
}
