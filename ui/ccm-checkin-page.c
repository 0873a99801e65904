/* ccm-checkin-page.c — the check-in desk: scan, search, admit, count
 *
 * A USB scanner types a ticket code and Enter into the one entry, which
 * keeps the focus. A code is admitted at once (AdmitTicket); anything else
 * is searched as a name or e-mail, and Enter admits the chosen match.
 *
 * Every scan the domain sees is a fact and is recorded, flagged if odd
 * (DESIGN §3.4). The one refusal made here, before the domain, is a ticket
 * of a seat type this desk's check-in list does not admit: the person is
 * sent to the right door and nothing is recorded, as no one was let in.
 *
 * Unpaid orders have no tickets (tickets are issued when an order is
 * confirmed), so such a code is an unknown code here.
 *
 * Announcing the result: GTK 4.8 has no gtk_accessible_announce (4.14).
 * The result panel has the ALERT role, carries the whole verdict as its
 * accessible label, and is hidden and shown again for every result, so the
 * AT-SPI "showing" change of an alert makes screen readers read it. No
 * toast per scan: toasts queue, and at a queue of people they would lag
 * behind the panel by many seconds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-id.h"
#include "ccm-assignments.h"
#include "ccm-badge-print.h"
#include "ccm-checkin.h"
#include "ccm-checkin-page.h"
#include "ccm-clock.h"
#include "ccm-conference-views.h"
#include "ccm-json.h"
#include "ccm-order-views.h"
#include "ccm-ui-util.h"

#include <gsound.h>

#define MAX_MATCHES 8

struct _CcmCheckinPage
{
  GtkWidget       parent_instance;

  CcmContext     *context;
  char           *slug;
  JsonArray      *seat_types;     /* of the conference, for the check-in list */
  JsonArray      *matches;        /* what the entry's text finds */
  const char     *result;         /* interned verdict word */
  char           *result_code;    /* the ticket of the panel, for printing */
  CcmRefresh     *refresh;
  guint           search_id;
  guint           focus_id;
  guint           orient_id;
  CcmSyncClient  *sync_client;
  gboolean        updating_types;
  char           *print_to;       /* a PDF file instead of the print dialog */
  GSoundContext  *sound;          /* made at the first sound */
  GCancellable   *sound_cancellable;
  const char     *sound_id;       /* the last scan's sound, interned; NULL: none */
  gboolean        sound_failed;   /* no sound system: not tried again */
  GtkPrintSettings *print_settings; /* the desk's badge printer and its options */
  GPtrArray      *badge_codes;    /* badges to print once the panel is drawn */
  guint           badge_id;
  GCancellable   *badge_cancellable;
  guint           badges_pending; /* for the printer, queued or on their way */
  GQueue          badge_queue;    /* BadgeSent: the next ones, in turn */
  char           *sending_code;   /* the ticket of the badge on its way, or NULL */
  char           *badge_error;    /* the message for the last of those that failed */
  guint           print_timeout_ms;

  GtkBox         *status_bar;
  GtkImage       *network_icon;
  GtkLabel       *network_label;
  GtkLabel       *list_label;
  GtkWidget      *missed_box;
  GtkButton      *missed_button;
  GtkLabel       *missed_label;
  GtkWidget      *forget_missed_button;
  GtkToggleButton *exit_toggle;
  AdwFlap         *counts_flap;
  GtkToggleButton *counts_toggle;
  GtkMenuButton  *settings_button;
  GtkPopover     *settings_popover;
  GtkCheckButton *all_types_check;
  GtkBox         *seat_types_box;
  GtkCheckButton *reentry_check;
  GtkCheckButton *sounds_check;
  GtkCheckButton *badges_check;
  GtkEntry       *entry;
  GtkStack       *main_stack;
  GtkWidget      *result_box;
  GtkImage       *result_icon;
  GtkLabel       *result_title;
  GtkLabel       *result_subtitle;
  GtkLabel       *result_name;
  GtkLabel       *result_detail;
  GtkWidget      *print_button;
  GtkWidget      *undo_button;
  GtkLabel       *matches_label;
  GtkListBox     *match_list;
  GtkLabel       *total_label;
  GtkLabel       *inside_label;
  GtkListBox     *counts_list;
};

G_DEFINE_FINAL_TYPE (CcmCheckinPage, ccm_checkin_page, GTK_TYPE_WIDGET)

typedef enum
{
  STYLE_NEUTRAL,
  STYLE_OK,
  STYLE_WARNING,
  STYLE_BAD,
} ResultStyle;

static const char *const style_classes[] = {
  "ccm-neutral", "ccm-ok", "ccm-warning", "ccm-bad",
};

/* Focus */

static gboolean
focus_idle_cb (gpointer user_data)
{
  CcmCheckinPage *self = user_data;

  self->focus_id = 0;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      !gtk_widget_get_visible (GTK_WIDGET (self->settings_popover)))
    gtk_entry_grab_focus_without_selecting (self->entry);
  return G_SOURCE_REMOVE;
}

static void
queue_focus (CcmCheckinPage *self)
{
  if (self->focus_id == 0)
    self->focus_id = g_idle_add (focus_idle_cb, self);
}

void
ccm_checkin_page_focus_entry (CcmCheckinPage *self)
{
  g_return_if_fail (CCM_IS_CHECKIN_PAGE (self));
  queue_focus (self);
}

/* The desk's check-in list */

static gboolean
conference_has_type (CcmCheckinPage *self,
                     const char     *seat_type_id)
{
  for (guint i = 0; self->seat_types != NULL && i < json_array_get_length (self->seat_types); i++)
    if (g_strcmp0 (ccm_json_string (json_array_get_object_element (self->seat_types, i),
                                    "seat_type_id"), seat_type_id) == 0)
      return TRUE;
  return FALSE;
}

/* The seat types chosen for this conference; NULL when the list admits
 * every seat type (nothing chosen, or only another conference's types). */
static GStrv
chosen_types (CcmCheckinPage *self)
{
  g_auto(GStrv) all = g_settings_get_strv (ccm_context_get_settings (self->context),
                                           "checkin-seat-types");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  for (guint i = 0; all[i] != NULL; i++)
    if (conference_has_type (self, all[i]))
      {
        g_strv_builder_add (builder, all[i]);
        any = TRUE;
      }
  return any ? g_strv_builder_end (builder) : NULL;
}

static gboolean
desk_admits (CcmCheckinPage *self,
             const char     *seat_type_id)
{
  g_auto(GStrv) chosen = chosen_types (self);

  return chosen == NULL || g_strv_contains ((const char * const *) chosen, seat_type_id);
}

static char *
chosen_names (CcmCheckinPage *self)
{
  g_auto(GStrv) chosen = chosen_types (self);
  g_autoptr(GString) names = g_string_new (NULL);

  if (chosen == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (self->seat_types); i++)
    {
      JsonObject *o = json_array_get_object_element (self->seat_types, i);

      if (!g_strv_contains ((const char * const *) chosen, ccm_json_string (o, "seat_type_id")))
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, ccm_json_string (o, "name"));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
update_list_label (CcmCheckinPage *self)
{
  g_autofree char *names = chosen_names (self);
  gboolean reentry = g_settings_get_boolean (ccm_context_get_settings (self->context),
                                             "checkin-reentry");
  g_autofree char *text = NULL;

  if (names == NULL)
    text = g_strdup (reentry ? _("All seat types · re-entry allowed")
                             : _("All seat types · no re-entry"));
  else
    /* TRANSLATORS: %s is a list of seat type names */
    text = g_strdup_printf (reentry ? _("Only %s · re-entry allowed") : _("Only %s · no re-entry"),
                            names);
  /* A silent desk says so: nobody wonders why the door no longer beeps. */
  if (!g_settings_get_boolean (ccm_context_get_settings (self->context), "checkin-sounds"))
    {
      g_autofree char *with = NULL;

      /* TRANSLATORS: "All seat types · re-entry allowed · no sounds" */
      with = g_strdup_printf (_("%s · no sounds"), text);
      g_free (text);
      text = g_steal_pointer (&with);
    }
  if (g_settings_get_boolean (ccm_context_get_settings (self->context), "checkin-print-badges"))
    {
      g_autofree char *with = NULL;

      /* TRANSLATORS: "All seat types · re-entry allowed · prints badges" */
      with = g_strdup_printf (_("%s · prints badges"), text);
      g_free (text);
      text = g_steal_pointer (&with);
    }
  gtk_label_set_text (self->list_label, text);
  /* Cut short in a narrow window: said in full on hovering. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->list_label), text);
}

static void
type_toggled_cb (GtkCheckButton *check,
                 CcmCheckinPage *self)
{
  GSettings *settings = ccm_context_get_settings (self->context);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) old = NULL;
  g_auto(GStrv) chosen = NULL;

  if (self->updating_types)
    return;

  /* Keep the other conferences' choices. */
  old = g_settings_get_strv (settings, "checkin-seat-types");
  for (guint i = 0; old[i] != NULL; i++)
    if (!conference_has_type (self, old[i]))
      g_strv_builder_add (builder, old[i]);

  if (check != self->all_types_check || !gtk_check_button_get_active (check))
    for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->seat_types_box));
         c != NULL; c = gtk_widget_get_next_sibling (c))
      if (gtk_check_button_get_active (GTK_CHECK_BUTTON (c)))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (c), "seat-type-id"));

  chosen = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "checkin-seat-types", (const char * const *) chosen);
}

static void
sync_type_checks (CcmCheckinPage *self)
{
  g_auto(GStrv) chosen = chosen_types (self);

  self->updating_types = TRUE;
  gtk_check_button_set_active (self->all_types_check, chosen == NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->seat_types_box));
       c != NULL; c = gtk_widget_get_next_sibling (c))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (c),
                                 chosen != NULL &&
                                 g_strv_contains ((const char * const *) chosen,
                                                  g_object_get_data (G_OBJECT (c), "seat-type-id")));
  self->updating_types = FALSE;
  update_list_label (self);
}

static void
rebuild_type_checks (CcmCheckinPage *self)
{
  ccm_ui_clear_box (GTK_WIDGET (self->seat_types_box));
  for (guint i = 0; self->seat_types != NULL && i < json_array_get_length (self->seat_types); i++)
    {
      JsonObject *o = json_array_get_object_element (self->seat_types, i);
      GtkWidget *check = gtk_check_button_new_with_label (ccm_json_string (o, "name"));

      g_object_set_data_full (G_OBJECT (check), "seat-type-id",
                              g_strdup (ccm_json_string (o, "seat_type_id")), g_free);
      g_signal_connect_object (check, "toggled", G_CALLBACK (type_toggled_cb), self, 0);
      gtk_box_append (self->seat_types_box, check);
    }
  sync_type_checks (self);
}

static void
settings_changed_cb (CcmCheckinPage *self)
{
  sync_type_checks (self);
}

/* The network */

/* A device whose role records no admissions (a viewer) still looks
 * tickets up: who it is, whether they are inside. */
static gboolean
may_admit (CcmCheckinPage *self)
{
  return self->context == NULL || ccm_context_may (self->context, "AdmitTicket");
}

static void
update_network (CcmCheckinPage *self)
{
  CcmStore *store = ccm_context_get_store (self->context);
  gboolean online = FALSE, admits = may_admit (self);
  const char *text;

  if (self->sync_client != NULL)
    {
      CcmSyncState state = ccm_sync_client_get_state (self->sync_client);

      online = state == CCM_SYNC_STATE_IDLE || state == CCM_SYNC_STATE_SYNCING;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->status_bar), "ccm-offline");
  if (!ccm_store_is_enrolled (store))
    {
      /* A desk on its own: nothing to sync, nothing missing. */
      text = _("This desk works on its own — every admission is kept on this computer");
      gtk_image_set_from_icon_name (self->network_icon, "computer-symbolic");
    }
  else if (online && !admits)
    {
      text = _("Online — look-ups show the admissions of every desk");
      gtk_image_set_from_icon_name (self->network_icon, "network-transmit-receive-symbolic");
    }
  else if (!admits)
    {
      text = _("Offline — look-ups show the admissions synced so far");
      gtk_image_set_from_icon_name (self->network_icon, "network-offline-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_bar), "ccm-offline");
    }
  else if (online)
    {
      text = _("Online — admissions are shared with the other desks");
      gtk_image_set_from_icon_name (self->network_icon, "network-transmit-receive-symbolic");
    }
  else
    {
      text = _("Offline — admissions are kept and synced later");
      gtk_image_set_from_icon_name (self->network_icon, "network-offline-symbolic");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_bar), "ccm-offline");
    }
  gtk_label_set_text (self->network_label, text);
}

/* Counts */

static GtkWidget *
count_row_new (const char *name,
               gint64      admitted,
               gint64      expected)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (name);
  g_autofree char *figures = g_strdup_printf ("%'" G_GINT64_FORMAT " / %'" G_GINT64_FORMAT,
                                              admitted, expected);
  GtkWidget *count = gtk_label_new (figures);
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, MAX (expected, 1));
  g_autofree char *description = g_strdup_printf (_("%s: %'lld of %'lld admitted"), name,
                                                  (long long) admitted, (long long) expected);

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (count, "numeric");
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), MIN (admitted, MAX (expected, 1)));
  gtk_box_append (GTK_BOX (line), title);
  gtk_box_append (GTK_BOX (line), count);
  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  ccm_ui_set_accessible_label (row, description);
  return row;
}

static void
refresh_counts (CcmCheckinPage *self)
{
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *total = NULL;
  g_autofree char *inside = NULL;
  JsonArray *per_type;

  ccm_ui_clear_box (GTK_WIDGET (self->counts_list));
  if (self->slug != NULL)
    stats = ccm_checkin_views_stats (ccm_context_get_store (self->context), self->slug, &error);
  if (stats == NULL)
    {
      if (error != NULL)
        g_debug ("Check-in counts: %s", error->message);
      gtk_label_set_text (self->total_label, "");
      gtk_label_set_text (self->inside_label, "");
      return;
    }

  total = g_strdup_printf ("%'" G_GINT64_FORMAT " / %'" G_GINT64_FORMAT,
                           ccm_json_int (stats, "admitted", 0), ccm_json_int (stats, "expected", 0));
  inside = g_strdup_printf (g_dngettext (NULL, "%'lld inside now", "%'lld inside now",
                                         ccm_json_int (stats, "inside", 0)),
                            (long long) ccm_json_int (stats, "inside", 0));
  gtk_label_set_text (self->total_label, total);
  gtk_label_set_text (self->inside_label, inside);

  per_type = json_object_get_array_member (stats, "per_seat_type");
  for (guint i = 0; per_type != NULL && i < json_array_get_length (per_type); i++)
    {
      JsonObject *o = json_array_get_object_element (per_type, i);

      gtk_list_box_append (self->counts_list,
                           count_row_new (ccm_json_string (o, "name"),
                                          ccm_json_int (o, "admitted", 0),
                                          ccm_json_int (o, "expected", 0)));
    }
}

/* Matches */

static char *
display_name (JsonObject *ticket)
{
  const char *first = ccm_json_string (ticket, "first_name");
  const char *last = ccm_json_string (ticket, "last_name");
  char *name;

  if (first == NULL && last == NULL)
    {
      const char *buyer_first = ccm_json_string (ticket, "registrant_first_name");
      const char *buyer_last = ccm_json_string (ticket, "registrant_last_name");

      if (buyer_first == NULL && buyer_last == NULL)
        return g_strdup (_("Seat not assigned to a person yet"));
      /* TRANSLATORS: a seat nobody was named for; %s %s is the first and
       * last name of the person who bought it */
      return g_strdup_printf (_("Seat not named yet · bought by %s %s"),
                              buyer_first != NULL ? buyer_first : "",
                              buyer_last != NULL ? buyer_last : "");
    }
  name = ccm_ui_full_name (first, last);
  return name != NULL ? name : g_strdup ("");
}

/* "José Álvarez — Full pass", the panel's line for a known ticket; NULL
 * for none. */
static char *
who_text (JsonObject *ticket)
{
  g_autofree char *name = ticket != NULL ? display_name (ticket) : NULL;
  const char *seat_type = ticket != NULL ? ccm_json_string (ticket, "seat_type") : NULL;

  return name != NULL && seat_type != NULL ? g_strdup_printf ("%s — %s", name, seat_type) : NULL;
}

/* The name of the conference a ticket is for, its slug if this desk does
 * not know it. */
static char *
conference_name (CcmCheckinPage *self,
                 const char     *slug)
{
  g_autoptr(JsonObject) conference = NULL;

  if (slug == NULL)
    return g_strdup (_("another conference"));
  conference = ccm_conference_views_get (ccm_context_get_store (self->context), slug, NULL);
  return g_strdup (conference != NULL ? ccm_json_string (conference, "name") : slug);
}

static GtkWidget *
match_row_new (JsonObject *o,
               guint       index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  g_autofree char *key = g_strdup_printf ("Alt+%u", index + 1);
  g_autofree char *name = display_name (o);
  /* A named seat: its e-mail; a seat nobody was named for: its order. */
  g_autofree char *sub = ccm_json_string (o, "email") != NULL
                           ? g_strdup_printf ("%s · %s · %s", ccm_json_string (o, "email"),
                                              ccm_json_string (o, "seat_type"),
                                              ccm_json_string (o, "ticket_code"))
                           /* TRANSLATORS: seat type · ticket code · order access code */
                           : g_strdup_printf (_("%s · %s · order %s"), ccm_json_string (o, "seat_type"),
                                              ccm_json_string (o, "ticket_code"),
                                              ccm_json_string (o, "access_code") ?: "—");
  GtkWidget *key_label = gtk_label_new (key);
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *sub_label = gtk_label_new (sub);
  GtkWidget *state = gtk_label_new (NULL);
  g_autofree char *accessible = NULL;

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_add_css_class (key_label, "dim-label");
  gtk_widget_add_css_class (key_label, "monospace");
  gtk_widget_add_css_class (key_label, "caption");
  gtk_widget_set_valign (key_label, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_widget_add_css_class (name_label, "heading");
  gtk_label_set_xalign (GTK_LABEL (sub_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (sub_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (sub_label, "dim-label");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (state, "ccm-badge");
  if (g_strcmp0 (ccm_json_string (o, "status"), "cancelled") == 0)
    {
      gtk_label_set_text (GTK_LABEL (state), _("Order cancelled"));
      gtk_widget_add_css_class (state, "ccm-cancelled");
    }
  else if (ccm_json_bool (o, "admitted"))
    gtk_label_set_text (GTK_LABEL (state), _("Already admitted"));
  else
    gtk_widget_set_visible (state, FALSE);

  gtk_box_append (GTK_BOX (text), name_label);
  gtk_box_append (GTK_BOX (text), sub_label);
  gtk_box_append (GTK_BOX (box), key_label);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), state);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  accessible = g_strdup_printf ("%s, %s %s", name, sub, gtk_label_get_text (GTK_LABEL (state)));
  ccm_ui_set_accessible_label (row, accessible);
  return row;
}

static void
run_search (CcmCheckinPage *self)
{
  g_autofree char *query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
  g_autoptr(GError) error = NULL;
  guint n;

  g_clear_handle_id (&self->search_id, g_source_remove);
  g_clear_pointer (&self->matches, json_array_unref);
  ccm_ui_clear_box (GTK_WIDGET (self->match_list));

  if (self->slug == NULL || g_utf8_strlen (query, -1) < 2)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "result");
      return;
    }

  self->matches = ccm_attendee_views_search (ccm_context_get_store (self->context), self->slug,
                                             query, MAX_MATCHES, &error);
  if (self->matches == NULL)
    g_debug ("Attendee search: %s", error->message);
  n = self->matches != NULL ? json_array_get_length (self->matches) : 0;
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->match_list,
                         match_row_new (json_array_get_object_element (self->matches, i), i));
  gtk_widget_set_visible (GTK_WIDGET (self->match_list), n > 0);
  if (n > 0)
    {
      gtk_list_box_select_row (self->match_list, gtk_list_box_get_row_at_index (self->match_list, 0));
      gtk_label_set_text (self->matches_label,
                          _("Enter admits the highlighted attendee; Up and Down choose another"));
    }
  else
    gtk_label_set_text (self->matches_label, _("No attendee matches. A ticket code has 12 characters."));
  gtk_stack_set_visible_child_name (self->main_stack, "matches");
}

static gboolean
search_idle_cb (gpointer user_data)
{
  CcmCheckinPage *self = user_data;

  self->search_id = 0;
  run_search (self);
  return G_SOURCE_REMOVE;
}

/* An idle, so a scanner's burst of keys ends in Enter before any search. */
static void
entry_changed_cb (CcmCheckinPage *self)
{
  if (self->search_id == 0)
    self->search_id = g_idle_add (search_idle_cb, self);
}

/* The result panel */

static void queue_admitted_badge (CcmCheckinPage *self,
                                  const char     *code,
                                  JsonObject     *before);

/* Sounds: at a door the staff look at the person, not at the screen, so a
 * scan is also heard, as on pretix's scanner: a chime when it lets someone
 * in or out, the desktop's warning sound for one to look at, its error
 * sound for a refusal. They come from the sound theme through GSound
 * (libcanberra), which plays them on its own thread. */
static const char *
sound_for (const char  *word,
           ResultStyle  style)
{
  switch (style)
    {
    case STYLE_OK:
      return "complete";
    case STYLE_WARNING:
      return "dialog-warning";
    case STYLE_BAD:
      return "dialog-error";
    case STYLE_NEUTRAL:
    default:
      return g_str_equal (word, "exited") ? "complete" : NULL;
    }
}

static void
sound_played_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* No sound card, no theme, or a newer scan's sound cut it short: the
   * screen says it all the same. */
  if (!gsound_context_play_full_finish (GSOUND_CONTEXT (source), result, &error))
    g_debug ("A check-in sound was not played: %s", error->message);
}

static void
play_sound (CcmCheckinPage *self,
            const char     *sound_id)
{
  g_autoptr(GError) error = NULL;

  self->sound_id = NULL;
  if (sound_id == NULL || self->context == NULL ||
      !g_settings_get_boolean (ccm_context_get_settings (self->context), "checkin-sounds"))
    return;
  self->sound_id = g_intern_static_string (sound_id);
  if (self->sound == NULL && !self->sound_failed)
    {
      self->sound = gsound_context_new (NULL, &error);
      if (self->sound == NULL)
        {
          g_debug ("No sounds at this desk: %s", error->message);
          self->sound_failed = TRUE;
          return;
        }
    }
  if (self->sound == NULL)
    return;
  /* One scan's sound at a time: a quick second scan cuts the first short. */
  if (self->sound_cancellable != NULL)
    g_cancellable_cancel (self->sound_cancellable);
  g_set_object (&self->sound_cancellable, g_cancellable_new ());
  gsound_context_play_full (self->sound, self->sound_cancellable, sound_played_cb, NULL,
                            GSOUND_ATTR_EVENT_ID, sound_id,
                            GSOUND_ATTR_CANBERRA_CACHE_CONTROL, "permanent",
                            NULL);
}

static void
show_result (CcmCheckinPage *self,
             const char     *word,
             ResultStyle     style,
             const char     *icon,
             const char     *title,
             const char     *subtitle,
             const char     *name,
             const char     *detail,
             const char     *code)
{
  g_autoptr(GString) sentence = g_string_new (title);
  const char *parts[] = { subtitle, name, detail };

  self->result = g_intern_string (word);
  g_free (self->result_code);
  self->result_code = g_strdup (code);

  for (guint i = 0; i < G_N_ELEMENTS (style_classes); i++)
    gtk_widget_remove_css_class (self->result_box, style_classes[i]);
  gtk_widget_add_css_class (self->result_box, style_classes[style]);
  gtk_image_set_from_icon_name (self->result_icon, icon);
  gtk_label_set_text (self->result_title, title);
  gtk_label_set_text (self->result_subtitle, subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (GTK_WIDGET (self->result_subtitle), subtitle != NULL);
  gtk_label_set_text (self->result_name, name != NULL ? name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->result_name), name != NULL);
  gtk_label_set_text (self->result_detail, detail != NULL ? detail : "");
  play_sound (self, g_str_equal (word, "idle") ? NULL : sound_for (word, style));
  /* A badge for whoever the desk has just let in (or let in before). */
  gtk_widget_set_visible (self->print_button,
                          code != NULL && (g_str_equal (word, "admitted") ||
                                           g_str_equal (word, "already-admitted")));
  /* The desk's own clean admission, or its exit (clean, or of someone who
   * was not inside: Exit Scans left on), just made, can be taken back. */
  if (code != NULL && g_str_equal (word, "admitted"))
    {
      gtk_button_set_label (GTK_BUTTON (self->undo_button), _("_Undo Admission (Ctrl+Z)"));
      gtk_widget_set_visible (self->undo_button, ccm_context_may (self->context, "UndoAdmission"));
    }
  else if (code != NULL && (g_str_equal (word, "exited") || g_str_equal (word, "not-inside")))
    {
      gtk_button_set_label (GTK_BUTTON (self->undo_button), _("_Undo Exit (Ctrl+Z)"));
      gtk_widget_set_visible (self->undo_button, ccm_context_may (self->context, "UndoExit"));
    }
  else
    gtk_widget_set_visible (self->undo_button, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL)
      g_string_append_printf (sentence, ". %s", parts[i]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->result_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, sentence->str,
                                  -1);
  /* Hidden and shown again: the alert's "showing" change is what a
   * screen reader announces in GTK 4.8. */
  gtk_stack_set_visible_child_name (self->main_stack, "result");
  gtk_widget_set_visible (self->result_box, FALSE);
  gtk_widget_set_visible (self->result_box, TRUE);
}

static void
show_idle (CcmCheckinPage *self)
{
  const char *detail;

  if (self->slug == NULL)
    detail = _("Choose a conference first.");
  else if (!may_admit (self))
    detail = _("This device’s role lets it look tickets up but not record admissions. Scan a "
               "ticket, or type a name or e-mail and press Enter.");
  else
    detail = _("Scan a ticket, or type a name or e-mail and press Enter.");
  show_result (self, "idle", STYLE_NEUTRAL, "edit-find-symbolic", _("Ready"), NULL, NULL, detail, NULL);
}

static char *
desk_text (CcmCheckinPage *self,
           const char     *device)
{
  if (device == NULL)
    return g_strdup (_("another desk"));
  return ccm_store_describe_desk (ccm_context_get_store (self->context), device);
}

static char *
earlier_admission (CcmCheckinPage *self,
                   JsonObject     *ticket)
{
  g_autofree char *desk = desk_text (self, ticket != NULL ? ccm_json_string (ticket, "admitted_by") : NULL);
  g_autofree char *when = NULL;
  gint64 at = 0;

  if (ticket != NULL && ccm_json_string (ticket, "admitted_at") != NULL)
    ccm_time_parse (ccm_json_string (ticket, "admitted_at"), &at);
  if (at > 0)
    {
      g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (at / G_USEC_PER_SEC);
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (ccm_clock_now (ccm_context_get_clock (self->context))
                                                                  / G_USEC_PER_SEC);

      /* Today's time alone; another day's with its date. */
      if (then != NULL && now != NULL &&
          g_date_time_get_year (then) == g_date_time_get_year (now) &&
          g_date_time_get_day_of_year (then) == g_date_time_get_day_of_year (now))
        when = g_date_time_format (then, "%H:%M");
      else
        when = ccm_ui_format_time (at);
    }
  else
    when = g_strdup (_("an earlier time"));
  /* TRANSLATORS: "at this desk, 09:12", "at desk “North door”, 09:12" or
   * "at desk 01a1…, 2027-03-03 09:12" */
  return g_strdup_printf (_("at %s, %s"), desk, when);
}

static void
show_verdict (CcmCheckinPage *self,
              const char     *code,
              const char     *flag,
              gboolean        exiting,
              JsonObject     *before)
{
  g_autofree char *who = who_text (before);
  g_autofree char *detail = NULL;

  if (flag == NULL && !exiting)
    {
      detail = g_strdup_printf (_("Ticket %s, order %s."), code, ccm_json_string (before, "access_code"));
      show_result (self, "admitted", STYLE_OK, "emblem-ok-symbolic", _("ADMITTED"), NULL, who, detail, code);
      queue_admitted_badge (self, code, before);
    }
  else if (flag == NULL)
    {
      detail = g_strdup_printf (_("Ticket %s went out. Scan it again to let them back in."), code);
      show_result (self, "exited", STYLE_NEUTRAL, "go-previous-symbolic", _("EXITED"), NULL, who, detail, code);
    }
  else if (g_str_equal (flag, CCM_CHECKIN_FLAG_ALREADY_ADMITTED))
    {
      g_autofree char *earlier = earlier_admission (self, before);

      detail = g_strdup_printf (_("Ticket %s is already inside. Check the person and the ticket "
                                  "before letting them in. The scan was recorded and is on the "
                                  "attention list."), code);
      show_result (self, "already-admitted", STYLE_WARNING, "dialog-warning-symbolic",
                   _("ALREADY ADMITTED"), earlier, who,
                   detail, code);
    }
  else if (g_str_equal (flag, CCM_CHECKIN_FLAG_CANCELLED_ORDER))
    {
      detail = g_strdup_printf (_("Do not admit: ticket %s belongs to order %s, which was cancelled. "
                                  "Send them to the registration desk. The scan was recorded and "
                                  "is on the attention list."),
                                code, before != NULL ? ccm_json_string (before, "access_code") : "?");
      show_result (self, "cancelled", STYLE_BAD, "action-unavailable-symbolic", _("ORDER CANCELLED"),
                   NULL, who, detail, code);
    }
  else if (g_str_equal (flag, CCM_CHECKIN_FLAG_UNKNOWN_TICKET))
    {
      detail = g_strdup_printf (_("Do not admit: this desk knows no ticket %s. A ticket sold on another "
                                  "desk a moment ago is known after the next sync. The scan was "
                                  "recorded and is on the attention list."), code);
      show_result (self, "unknown", STYLE_BAD, "dialog-error-symbolic", _("UNKNOWN CODE"), NULL, NULL,
                   detail, code);
    }
  else if (g_str_equal (flag, CCM_CHECKIN_FLAG_WRONG_CONFERENCE))
    {
      g_autofree char *other = conference_name (self, before != NULL ? ccm_json_string (before, "conference")
                                                                     : NULL);

      detail = g_strdup_printf (_("Do not admit here: ticket %s is for %s. The scan was recorded and "
                                  "is on the attention list."), code, other);
      show_result (self, "wrong-conference", STYLE_BAD, "dialog-error-symbolic",
                   _("WRONG CONFERENCE"), NULL, who, detail, code);
    }
  else if (g_str_equal (flag, CCM_CHECKIN_FLAG_REENTRY))
    {
      detail = g_strdup_printf (_("Ticket %s went out earlier and this desk does not allow re-entry. "
                                  "The scan was recorded and is on the attention list."), code);
      show_result (self, "reentry-not-allowed", STYLE_BAD, "action-unavailable-symbolic",
                   _("RE-ENTRY NOT ALLOWED"), NULL, who, detail, code);
    }
  else if (g_str_equal (flag, CCM_CHECKIN_FLAG_NOT_INSIDE))
    {
      detail = g_strdup_printf (_("Ticket %s was not admitted, so it cannot go out. The exit was "
                                  "recorded and is on the attention list."), code);
      show_result (self, "not-inside", STYLE_WARNING, "dialog-warning-symbolic", _("NOT INSIDE"),
                   NULL, who, detail, code);
    }
  else
    {
      detail = g_strdup_printf (_("Ticket %s was recorded with the remark “%s” and is on the "
                                  "attention list."), code, flag);
      show_result (self, "flagged", STYLE_WARNING, "dialog-warning-symbolic", _("CHECK THIS TICKET"),
                   NULL, who, detail, code);
    }
}

/* What a device that may not admit shows for a ticket: its state, and
 * that nothing was recorded. */
static void
show_lookup (CcmCheckinPage *self,
             const char     *code,
             JsonObject     *ticket)
{
  static const char *const nothing = N_("This device’s role records no admissions: nothing was recorded.");
  g_autofree char *who = who_text (ticket);
  g_autofree char *detail = NULL;
  const char *other = ticket != NULL ? ccm_json_string (ticket, "conference") : NULL;

  if (ticket == NULL)
    {
      /* TRANSLATORS: the second %s is "This device’s role records no admissions: …" */
      detail = g_strdup_printf (_("This device knows no ticket %s; one sold on another desk is known "
                                  "after the next sync. %s"), code, _(nothing));
      show_result (self, "lookup-unknown", STYLE_WARNING, "dialog-question-symbolic",
                   _("NOT KNOWN HERE"), NULL, NULL, detail, code);
    }
  else if (g_strcmp0 (other, self->slug) != 0)
    {
      g_autofree char *other_name = conference_name (self, other);

      detail = g_strdup_printf (_("Ticket %s is for %s. %s"), code, other_name, _(nothing));
      show_result (self, "lookup-other-conference", STYLE_BAD, "dialog-error-symbolic",
                   _("OTHER CONFERENCE"), NULL, who, detail, code);
    }
  else if (g_strcmp0 (ccm_json_string (ticket, "status"), "cancelled") == 0)
    {
      detail = g_strdup_printf (_("Ticket %s belongs to order %s, which was cancelled. %s"), code,
                                ccm_json_string (ticket, "access_code"), _(nothing));
      show_result (self, "lookup-cancelled", STYLE_BAD, "action-unavailable-symbolic",
                   _("ORDER CANCELLED"), NULL, who, detail, code);
    }
  else if (ccm_json_bool (ticket, "inside"))
    {
      g_autofree char *earlier = earlier_admission (self, ticket);
      /* TRANSLATORS: %s is "at this desk, 09:12" */
      g_autofree char *since = g_strdup_printf (_("Admitted %s"), earlier);

      detail = g_strdup_printf (_("Ticket %s, order %s. %s"), code,
                                ccm_json_string (ticket, "access_code"), _(nothing));
      show_result (self, "lookup-inside", STYLE_OK, "emblem-ok-symbolic", _("INSIDE"), since, who,
                   detail, code);
    }
  else if (ccm_json_bool (ticket, "admitted"))
    {
      detail = g_strdup_printf (_("Ticket %s was admitted and went out again. %s"), code, _(nothing));
      show_result (self, "lookup-went-out", STYLE_NEUTRAL, "go-previous-symbolic", _("WENT OUT"),
                   NULL, who, detail, code);
    }
  else
    {
      detail = g_strdup_printf (_("Ticket %s, order %s, has not been admitted. %s"), code,
                                ccm_json_string (ticket, "access_code"), _(nothing));
      show_result (self, "lookup-not-admitted", STYLE_NEUTRAL, "edit-find-symbolic",
                   _("NOT YET ADMITTED"), NULL, who, detail, code);
    }
}

static void
finish_scan (CcmCheckinPage *self)
{
  g_signal_handlers_block_by_func (self->entry, entry_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  g_signal_handlers_unblock_by_func (self->entry, entry_changed_cb, self);
  g_clear_handle_id (&self->search_id, g_source_remove);
  g_clear_pointer (&self->matches, json_array_unref);
  ccm_ui_clear_box (GTK_WIDGET (self->match_list));
  queue_focus (self);
}

/* What every scan at this desk says: the ticket, the conference the desk
 * admits to and the desk's clock. */
static JsonObject *
scan_args (CcmCheckinPage *self,
           const char     *code)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "ticket_code", code);
  json_object_set_string_member (args, "conference", self->slug);
  json_object_set_int_member (args, "device_time", ccm_clock_now (ccm_context_get_clock (self->context)));
  return args;
}

static void
scan (CcmCheckinPage *self,
      const char     *code,
      gboolean        exiting)
{
  CcmStore *store = ccm_context_get_store (self->context);
  g_autoptr(JsonObject) before = ccm_attendee_views_get_ticket (store, code, NULL);
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *args;
  gboolean reentry = g_settings_get_boolean (ccm_context_get_settings (self->context),
                                             "checkin-reentry");

  if (!may_admit (self))
    {
      show_lookup (self, code, before);
      finish_scan (self);
      return;
    }

  if (!exiting && before != NULL &&
      g_strcmp0 (ccm_json_string (before, "conference"), self->slug) == 0 &&
      !desk_admits (self, ccm_json_string (before, "seat_type_id")))
    {
      g_autofree char *who = who_text (before);
      g_autofree char *names = chosen_names (self);
      g_autofree char *detail =
        g_strdup_printf (_("This desk admits %s only. Send them to the entrance for %s. "
                           "Nothing was recorded."), names, ccm_json_string (before, "seat_type"));

      show_result (self, "wrong-seat-type", STYLE_BAD, "action-unavailable-symbolic",
                   _("WRONG SEAT TYPE"), NULL, who, detail, code);
      finish_scan (self);
      return;
    }

  args = scan_args (self, code);
  if (!exiting)
    json_object_set_boolean_member (args, "allow_reentry", reentry);
  outcome = ccm_context_submit (self->context, exiting ? "ExitTicket" : "AdmitTicket", args, &error);
  if (outcome == NULL)
    {
      show_result (self, "error", STYLE_BAD, "dialog-error-symbolic", _("NOT RECORDED"), NULL, NULL,
                   error->message, code);
      finish_scan (self);
      return;
    }

  show_verdict (self, code, ccm_json_string (outcome->result, "flag"), exiting, before);
  finish_scan (self);
}

void
ccm_checkin_page_activate (CcmCheckinPage *self,
                           gboolean        exiting)
{
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;
  GtkListBoxRow *row;

  g_return_if_fail (CCM_IS_CHECKIN_PAGE (self));

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
  exiting = exiting || gtk_toggle_button_get_active (self->exit_toggle);
  if (self->slug == NULL || *text == '\0')
    {
      finish_scan (self);
      return;
    }

  /* A ticket code is scanned even when this desk does not know it yet
   * (sold elsewhere, not synced): the scan is a fact to record. A known
   * ticket wins over a name that happens to look like a code. */
  code = ccm_ticket_code_normalize (text);
  if (ccm_ticket_code_is_valid (code))
    {
      g_autoptr(JsonObject) known = ccm_attendee_views_get_ticket (ccm_context_get_store (self->context),
                                                                  code, NULL);
      if (known == NULL)
        run_search (self);
      if (known != NULL || self->matches == NULL || json_array_get_length (self->matches) == 0)
        {
          scan (self, code, exiting);
          return;
        }
    }

  if (self->search_id != 0 || self->matches == NULL)
    run_search (self);
  row = gtk_list_box_get_selected_row (self->match_list);
  if (row != NULL && self->matches != NULL &&
      (guint) gtk_list_box_row_get_index (row) < json_array_get_length (self->matches))
    {
      JsonObject *o = json_array_get_object_element (self->matches, gtk_list_box_row_get_index (row));
      g_autofree char *match = g_strdup (ccm_json_string (o, "ticket_code"));

      scan (self, match, exiting);
      return;
    }

  {
    g_autofree char *detail = g_strdup_printf (_("“%s” is neither a ticket code nor the name or e-mail "
                                                 "of an attendee. Nothing was recorded."), text);

    show_result (self, "not-a-code", STYLE_BAD, "dialog-error-symbolic", _("NOT A TICKET CODE"),
                 NULL, NULL, detail, NULL);
    finish_scan (self);
  }
}

static void
entry_activate_cb (CcmCheckinPage *self)
{
  ccm_checkin_page_activate (self, FALSE);
}

static void
match_activated_cb (CcmCheckinPage *self,
                    GtkListBoxRow  *row)
{
  gtk_list_box_select_row (self->match_list, row);
  ccm_checkin_page_activate (self, FALSE);
}

static gboolean
admit_match (CcmCheckinPage *self,
             int             index,
             gboolean        exiting)
{
  GtkListBoxRow *row;

  if (self->search_id != 0)
    run_search (self);
  row = gtk_list_box_get_row_at_index (self->match_list, index);
  if (row == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->match_list)))
    return FALSE;
  gtk_list_box_select_row (self->match_list, row);
  ccm_checkin_page_activate (self, exiting);
  return TRUE;
}

static void
move_selection (CcmCheckinPage *self,
                int             delta)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->match_list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) + delta : 0;
  GtkListBoxRow *next;

  if (self->search_id != 0)
    run_search (self);
  next = gtk_list_box_get_row_at_index (self->match_list, MAX (index, 0));
  if (next != NULL)
    gtk_list_box_select_row (self->match_list, next);
}

/* Badges */

static void update_missed (CcmCheckinPage *self);

/* The desk's badge printer, as the print dialog left it last (in this
 * window or another). */
static void
load_print_settings (CcmCheckinPage *self)
{
  g_clear_object (&self->print_settings);
  self->print_settings = ccm_badge_printer_get (ccm_context_get_settings (self->context));
  update_missed (self);
}

typedef struct
{
  CcmCheckinPage *self;
  JsonArray      *attendees;
  JsonObject     *conference;
  char           *name;
  char           *code;
} BadgeSent;

static void
badge_sent_free (BadgeSent *sent)
{
  g_object_unref (sent->self);
  json_array_unref (sent->attendees);
  json_object_unref (sent->conference);
  g_free (sent->name);
  g_free (sent->code);
  g_free (sent);
}

/* Badges not printed: a door's badges are listed (setting
 * checkin-unprinted-badges) from the moment they are queued until the
 * printer took them, so one that failed, or was still queued when the desk
 * closed, is offered again, after a restart too. */

/* The list with code added at its end (once), or one occurrence out. */
static void
unprinted_change (CcmCheckinPage *self,
                  const char     *code,
                  gboolean        add)
{
  GSettings *settings = ccm_context_get_settings (self->context);
  g_auto(GStrv) codes = g_settings_get_strv (settings, "checkin-unprinted-badges");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) now = NULL;
  gboolean found = FALSE;

  for (guint i = 0; codes[i] != NULL; i++)
    {
      if (g_strcmp0 (codes[i], code) == 0 && !found)
        {
          found = TRUE;
          if (add)
            return;
          continue;
        }
      g_strv_builder_add (builder, codes[i]);
    }
  if (add)
    g_strv_builder_add (builder, code);
  else if (!found)
    return;
  now = g_strv_builder_end (builder);
  g_settings_set_strv (settings, "checkin-unprinted-badges", (const char *const *) now);
}

/* Whether the badge of code is queued or on its way to the printer. */
static gboolean
badge_in_flight (CcmCheckinPage *self,
                 const char     *code)
{
  if (g_strcmp0 (self->sending_code, code) == 0)
    return TRUE;
  for (GList *l = self->badge_queue.head; l != NULL; l = l->next)
    if (g_strcmp0 (((BadgeSent *) l->data)->code, code) == 0)
      return TRUE;
  return FALSE;
}

/* The tickets (ccm_attendee_views_get_ticket) of the listed badges of this
 * conference not on their way now. */
static GPtrArray *
missed_badges (CcmCheckinPage *self)
{
  GPtrArray *missed = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_auto(GStrv) codes = NULL;

  if (self->context == NULL || self->slug == NULL)
    return missed;
  codes = g_settings_get_strv (ccm_context_get_settings (self->context), "checkin-unprinted-badges");
  for (guint i = 0; codes[i] != NULL; i++)
    {
      JsonObject *ticket;

      if (badge_in_flight (self, codes[i]))
        continue;
      ticket = ccm_attendee_views_get_ticket (ccm_context_get_store (self->context), codes[i], NULL);
      if (ticket != NULL && g_strcmp0 (ccm_json_string (ticket, "conference"), self->slug) == 0)
        g_ptr_array_add (missed, ticket);
      else if (ticket != NULL)
        json_object_unref (ticket);
    }
  return missed;
}

static const char *
missed_code (GPtrArray *missed,
             guint      i)
{
  return ccm_json_string (g_ptr_array_index (missed, i), "ticket_code");
}

/* "2 badges did not print" under the bar, to print them again (straight
 * to the desk's printer: one must be chosen) or to forget them. It changes
 * with the list, the badges sent, the printer and the conference, not with
 * each scan. */
#define MISSED_NAMED 3

static void
update_missed (CcmCheckinPage *self)
{
  g_autoptr(GPtrArray) missed = missed_badges (self);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *label = NULL;

  gtk_widget_set_visible (self->missed_box, missed->len > 0);
  if (missed->len == 0)
    return;
  /* Whose, so that the door can call them back. */
  for (guint i = 0; i < missed->len && i < MISSED_NAMED; i++)
    {
      g_autofree char *name = display_name (g_ptr_array_index (missed, i));

      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, name);
    }
  if (missed->len > MISSED_NAMED)
    {
      g_string_append_c (names, ' ');
      /* TRANSLATORS: after a few names: how many others */
      g_string_append_printf (names, g_dngettext (NULL, "and %u more", "and %u more",
                                                  missed->len - MISSED_NAMED),
                              missed->len - MISSED_NAMED);
    }
  /* TRANSLATORS: how many badges, then whose */
  label = g_strdup_printf (g_dngettext (NULL, "%u badge did not print: %s",
                                        "%u badges did not print: %s", missed->len),
                           missed->len, names->str);
  gtk_label_set_text (self->missed_label, label);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "checkin.print-missed",
                                 self->print_settings != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->missed_button),
                               self->print_settings != NULL
                                 ? _("Print them again, in the order people were let in")
                                 : _("Choose the badge printer in the preferences to print them again"));
}

static void badge_sent_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data);

/* One badge at a time goes to the printer, so that they come out in the
 * order people were let in. */
static void
send_next_badge (CcmCheckinPage *self)
{
  BadgeSent *sent;

  /* The printer forgotten meanwhile (in the preferences): nowhere to go. */
  while (self->print_settings == NULL && (sent = g_queue_pop_head (&self->badge_queue)) != NULL)
    {
      self->badges_pending--;
      badge_sent_free (sent);
    }
  if (self->sending_code != NULL || (sent = g_queue_pop_head (&self->badge_queue)) == NULL)
    return;
  self->sending_code = g_strdup (sent->code);
  ccm_badge_print_direct (sent->attendees, sent->conference, self->print_settings,
                          self->print_timeout_ms, self->badge_cancellable, badge_sent_cb, sent);
}

/* The toast lives above the page, out of reach of the page's actions. */
static void
print_again_cb (AdwToast       *toast,
                CcmCheckinPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "checkin.print-ticket", "s",
                              g_object_get_data (G_OBJECT (toast), "ccm-ticket"));
}

static void
badge_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BadgeSent *sent = user_data;
  CcmCheckinPage *self = sent->self;
  g_autoptr(GError) error = NULL;
  gboolean printed = ccm_badge_print_direct_finish (result, &error);
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Printed: off the list. Not printed: it stays, offered again. The page
   * gone (cancelled): it stays for the next start. */
  if (printed)
    unprinted_change (self, sent->code, FALSE);
  if (!printed && !cancelled)
    {
      AdwToast *toast;

      g_free (self->badge_error);
      /* TRANSLATORS: the first %s is a person's name, the second why */
      self->badge_error = g_strdup_printf (_("No badge for %s: %s"), sent->name, error->message);
      toast = adw_toast_new (self->badge_error);
      adw_toast_set_timeout (toast, 8);
      /* The same badge again, through the dialog: another printer, or the
       * same once it answers. */
      adw_toast_set_button_label (toast, _("_Print…"));
      g_object_set_data_full (G_OBJECT (toast), "ccm-ticket", g_strdup (sent->code), g_free);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (print_again_cb), self, 0);
      ccm_ui_add_toast (GTK_WIDGET (self), toast);
    }
  g_assert (self->badges_pending > 0);
  self->badges_pending--;
  g_clear_pointer (&self->sending_code, g_free);
  send_next_badge (self);
  if (!cancelled)
    update_missed (self);
  badge_sent_free (sent);
}

/* Through the print dialog (ask), which starts from the desk's badge
 * printer, or straight to that printer without a dialog; the printer a
 * dialog ends on is kept in the settings for the next start. */
static void
print_badges (CcmCheckinPage *self,
              JsonArray      *attendees,
              gboolean        ask)
{
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(GError) error = NULL;
  gboolean printed = FALSE;

  conference = ccm_conference_views_get (ccm_context_get_store (self->context), self->slug, &error);
  if (conference == NULL)
    {
      ccm_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  if (!ask && self->print_to == NULL && self->print_settings != NULL)
    {
      BadgeSent *sent = g_new0 (BadgeSent, 1);

      sent->self = g_object_ref (self);
      sent->attendees = json_array_ref (attendees);
      sent->conference = g_steal_pointer (&conference);
      sent->name = display_name (json_array_get_object_element (attendees, 0));
      sent->code = g_strdup (ccm_json_string (json_array_get_object_element (attendees, 0),
                                              "ticket_code"));
      self->badges_pending++;
      g_queue_push_tail (&self->badge_queue, sent);
      unprinted_change (self, sent->code, TRUE);
      send_next_badge (self);
      return;
    }
  /* The desk's printer follows through the setting (load_print_settings). */
  if (!ccm_badge_print_dialog (GTK_WIDGET (self), ccm_context_get_settings (self->context),
                               attendees, conference, self->print_to, &printed, &error))
    ccm_ui_show_error (GTK_WIDGET (self), error);
  /* A listed badge printed through the dialog (its toast's Print…, or
   * Ctrl+P on its admission) is off the list; cancelled, it stays. */
  for (guint i = 0; printed && i < json_array_get_length (attendees); i++)
    unprinted_change (self, ccm_json_string (json_array_get_object_element (attendees, i),
                                             "ticket_code"), FALSE);
  queue_focus (self);
}

/* One ticket's badge (print_badges) */
static void
print_ticket_badge (CcmCheckinPage *self,
                    const char     *code,
                    gboolean        ask)
{
  g_autoptr(JsonArray) attendees = json_array_new ();
  JsonObject *ticket;

  if (self->slug == NULL)
    return;
  ticket = ccm_attendee_views_get_ticket (ccm_context_get_store (self->context), code, NULL);
  if (ticket == NULL)
    return;
  json_array_add_object_element (attendees, ticket);
  print_badges (self, attendees, ask);
}

static gboolean
print_admitted_badge_cb (gpointer user_data)
{
  CcmCheckinPage *self = user_data;
  g_autoptr(GPtrArray) codes = g_steal_pointer (&self->badge_codes);

  self->badge_id = 0;
  self->badge_codes = g_ptr_array_new_with_free_func (g_free);
  /* In the order they were let in (a fast scanner may let in several
   * before the panel is drawn). */
  for (guint i = 0; i < codes->len; i++)
    print_ticket_badge (self, g_ptr_array_index (codes, i), self->print_settings == NULL);
  return G_SOURCE_REMOVE;
}

/* A desk that hands out badges at the door prints one at each first
 * admission of a named seat (not at a re-entry, nor for a seat nobody was
 * named for), once the panel is drawn: straight to the printer it printed
 * badges on last; the first time, the print dialog asks which. */
static void
queue_admitted_badge (CcmCheckinPage *self,
                      const char     *code,
                      JsonObject     *before)
{
  if (!g_settings_get_boolean (ccm_context_get_settings (self->context), "checkin-print-badges") ||
      ccm_json_bool (before, "admitted") || ccm_json_string (before, "email") == NULL)
    return;
  g_ptr_array_add (self->badge_codes, g_strdup (code));
  if (self->badge_id == 0)
    self->badge_id = g_idle_add_full (G_PRIORITY_LOW, print_admitted_badge_cb, self, NULL);
}

static void
print_badge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CcmCheckinPage *self = CCM_CHECKIN_PAGE (widget);

  /* Only for someone let in: Ctrl+P on a refusal prints nothing. */
  if (self->result_code == NULL || !gtk_widget_get_visible (self->print_button))
    return;
  print_ticket_badge (self, self->result_code, TRUE);
}

/* Takes back the admission or exit just shown (the wrong one of two
 * namesakes was picked; Exit Scans was left on): the ticket is as before
 * it, and the panel says so. */
static void
undo_scan_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CcmCheckinPage *self = CCM_CHECKIN_PAGE (widget);
  g_autofree char *code = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autofree char *who = NULL;
  g_autofree char *detail = NULL;
  gboolean is_exit;

  if (self->result_code == NULL || !gtk_widget_get_visible (self->undo_button))
    return;
  code = g_strdup (self->result_code);
  is_exit = !g_str_equal (self->result, "admitted");
  outcome = ccm_context_submit (self->context, is_exit ? "UndoExit" : "UndoAdmission",
                                scan_args (self, code), &error);
  if (outcome == NULL)
    {
      show_result (self, "error", STYLE_BAD, "dialog-error-symbolic", _("NOT UNDONE"), NULL, NULL,
                   error->message, code);
      queue_focus (self);
      return;
    }
  ticket = ccm_attendee_views_get_ticket (ccm_context_get_store (self->context), code, NULL);
  who = who_text (ticket);
  if (!is_exit)
    {
      detail = g_strdup_printf (_("Ticket %s is not admitted any more. Scan it again to let its "
                                  "holder in."), code);
      show_result (self, "undone", STYLE_NEUTRAL, "edit-undo-symbolic", _("ADMISSION UNDONE"), NULL,
                   who, detail, code);
    }
  else
    {
      detail = ccm_json_bool (outcome->result, "inside")
        ? g_strdup_printf (_("Ticket %s counts as inside again."), code)
        : g_strdup_printf (_("Ticket %s was not inside, and is not. Scan it again, with Exit Scans "
                             "off, to let its holder in."), code);
      show_result (self, "exit-undone", STYLE_NEUTRAL, "edit-undo-symbolic", _("EXIT UNDONE"), NULL,
                   who, detail, code);
    }
  queue_focus (self);
}

/* A ticket's badge through the print dialog (a badge the printer did not
 * print, from its toast). */
static void
print_ticket_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  print_ticket_badge (CCM_CHECKIN_PAGE (widget), g_variant_get_string (parameter, NULL), TRUE);
}

/* The badges not printed, again, in the order they were listed. */
static void
print_missed_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CcmCheckinPage *self = CCM_CHECKIN_PAGE (widget);
  g_autoptr(GPtrArray) missed = missed_badges (self);

  if (self->print_settings == NULL)
    return;
  for (guint i = 0; i < missed->len; i++)
    print_ticket_badge (self, missed_code (missed, i), FALSE);
  update_missed (self);
}

static void
forget_missed_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CcmCheckinPage *self = CCM_CHECKIN_PAGE (widget);
  g_autoptr(GPtrArray) missed = missed_badges (self);

  for (guint i = 0; i < missed->len; i++)
    unprinted_change (self, missed_code (missed, i), FALSE);
}

/* Every named, valid ticket of the conference, one badge a page. */
static void
print_all_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CcmCheckinPage *self = CCM_CHECKIN_PAGE (widget);
  g_autoptr(JsonArray) named = NULL;
  g_autoptr(GError) error = NULL;

  if (self->slug == NULL)
    return;
  named = ccm_attendee_views_named (ccm_context_get_store (self->context), self->slug, &error);
  if (named == NULL)
    {
      ccm_ui_show_error (widget, error);
      return;
    }
  if (json_array_get_length (named) == 0)
    {
      ccm_ui_add_toast (widget, adw_toast_new (_("No seat is assigned to a person yet: there is no badge to print")));
      return;
    }
  print_badges (self, named, TRUE);
}

/* Capture phase on the entry: before its text sees Enter and the arrows. */
static gboolean
entry_key_pressed_cb (CcmCheckinPage        *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  state &= gtk_accelerator_get_default_mod_mask ();

  switch (keyval)
    {
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      if (state == GDK_SHIFT_MASK)
        {
          ccm_checkin_page_activate (self, TRUE);
          return TRUE;
        }
      return FALSE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return TRUE;
    case GDK_KEY_z:
    case GDK_KEY_Z:
      /* Ctrl+Z with nothing typed takes back the scan shown; with text,
       * it is the entry's own undo. */
      if (state != GDK_CONTROL_MASK || gtk_editable_get_text (GTK_EDITABLE (self->entry))[0] != '\0' ||
          !gtk_widget_get_visible (self->undo_button))
        return FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self), "checkin.undo-scan", NULL);
      return TRUE;
    case GDK_KEY_Escape:
      if (gtk_editable_get_text (GTK_EDITABLE (self->entry))[0] == '\0')
        return FALSE;
      finish_scan (self);
      gtk_stack_set_visible_child_name (self->main_stack, "result");
      return TRUE;
    default:
      break;
    }

  /* Alt+1…8 admit a match; with no matches they stay the window's. */
  if (state == GDK_ALT_MASK && keyval >= GDK_KEY_1 && keyval < GDK_KEY_1 + MAX_MATCHES)
    return admit_match (self, keyval - GDK_KEY_1, FALSE);
  return FALSE;
}

/* A click anywhere on the page gives the focus back to the entry, except
 * in the settings popover. */
static void
page_click_released_cb (CcmCheckinPage *self)
{
  queue_focus (self);
}

static void
popover_closed_cb (CcmCheckinPage *self)
{
  queue_focus (self);
}

static void
exit_toggled_cb (CcmCheckinPage *self)
{
  gboolean exiting = gtk_toggle_button_get_active (self->exit_toggle);

  gtk_entry_set_placeholder_text (self->entry,
                                  exiting ? _("Exit mode: scan a ticket going out")
                                  : may_admit (self) ? _("Scan a ticket, or type a name or e-mail")
                                  : _("Look up a ticket, a name or an e-mail"));
  /* Unmissable: the whole bar turns the accent colour while scans are exits. */
  if (exiting)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "ccm-exit-mode");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_bar), "ccm-exit-mode");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "ccm-exit-mode");
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_bar), "ccm-exit-mode");
    }
  queue_focus (self);
}

/* Refresh */

/* Enrolling, or a new role from the server, changes what the page offers:
 * a device that may not record exits has no exit mode. */
static void
update_role (CcmCheckinPage *self)
{
  gboolean may_exit = ccm_context_may (self->context, "ExitTicket");

  if (!may_exit)
    gtk_toggle_button_set_active (self->exit_toggle, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->exit_toggle), may_exit);
  exit_toggled_cb (self);
  if (self->result == g_intern_static_string ("idle"))
    show_idle (self);
}

static void
refresh (CcmCheckinPage *self)
{
  /* Seat types added or renamed: the check-in list follows, unless it is
   * open in front of the person. */
  if (self->slug != NULL && !gtk_widget_get_visible (GTK_WIDGET (self->settings_popover)))
    {
      g_clear_pointer (&self->seat_types, json_array_unref);
      self->seat_types = ccm_seat_views_list (ccm_context_get_store (self->context), self->slug, NULL);
      rebuild_type_checks (self);
    }
  refresh_counts (self);
  update_network (self);
  update_role (self);
  /* Matches on screen show who is inside: keep them current. */
  if (g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "matches"))
    {
      GtkListBoxRow *row = gtk_list_box_get_selected_row (self->match_list);
      int index = row != NULL ? gtk_list_box_row_get_index (row) : 0;

      run_search (self);
      row = gtk_list_box_get_row_at_index (self->match_list, index);
      if (row != NULL)
        gtk_list_box_select_row (self->match_list, row);
    }
}

static void
refresh_cb (gpointer page)
{
  CcmCheckinPage *self = page;

  refresh (self);
}

static void
sync_state_cb (CcmCheckinPage *self)
{
  update_network (self);
}

static void
page_map_cb (CcmCheckinPage *self)
{
  queue_focus (self);
}

static void
ccm_checkin_page_dispose (GObject *object)
{
  CcmCheckinPage *self = CCM_CHECKIN_PAGE (object);

  g_clear_pointer (&self->refresh, ccm_refresh_free);
  g_clear_handle_id (&self->search_id, g_source_remove);
  g_clear_handle_id (&self->focus_id, g_source_remove);
  g_clear_handle_id (&self->orient_id, g_source_remove);
  g_clear_handle_id (&self->badge_id, g_source_remove);
  g_clear_pointer (&self->badge_codes, g_ptr_array_unref);
  g_cancellable_cancel (self->badge_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CCM_TYPE_CHECKIN_PAGE);
  ccm_ui_unparent_children (GTK_WIDGET (self));
  if (self->sound_cancellable != NULL)
    g_cancellable_cancel (self->sound_cancellable);
  g_clear_object (&self->sound_cancellable);
  g_clear_object (&self->sound);
  g_clear_object (&self->sync_client);
  g_clear_object (&self->context);
  g_clear_pointer (&self->slug, g_free);
  g_clear_pointer (&self->result_code, g_free);
  g_clear_pointer (&self->print_to, g_free);
  g_clear_object (&self->print_settings);
  g_clear_object (&self->badge_cancellable);
  g_clear_pointer (&self->badge_error, g_free);
  g_clear_pointer (&self->sending_code, g_free);
  g_clear_pointer (&self->seat_types, json_array_unref);
  g_clear_pointer (&self->matches, json_array_unref);
  G_OBJECT_CLASS (ccm_checkin_page_parent_class)->dispose (object);
}

static void
ccm_checkin_page_class_init (CcmCheckinPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ccm_checkin_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "checkin.print-badge", NULL, print_badge_action);
  gtk_widget_class_install_action (widget_class, "checkin.print-all", NULL, print_all_action);
  gtk_widget_class_install_action (widget_class, "checkin.print-missed", NULL, print_missed_action);
  gtk_widget_class_install_action (widget_class, "checkin.forget-missed", NULL, forget_missed_action);
  gtk_widget_class_install_action (widget_class, "checkin.print-ticket", "s", print_ticket_action);
  gtk_widget_class_install_action (widget_class, "checkin.undo-scan", NULL, undo_scan_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "checkin.print-badge", NULL);
  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/contoso/Conference/ccm-checkin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, status_bar);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, network_icon);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, network_label);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, list_label);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, missed_box);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, missed_button);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, missed_label);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, forget_missed_button);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, exit_toggle);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, counts_flap);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, counts_toggle);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, settings_button);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, settings_popover);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, all_types_check);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, seat_types_box);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, reentry_check);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, entry);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, result_box);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, result_icon);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, result_title);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, result_subtitle);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, result_name);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, result_detail);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, print_button);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, undo_button);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, sounds_check);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, badges_check);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, matches_label);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, match_list);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, total_label);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, inside_label);
  gtk_widget_class_bind_template_child (widget_class, CcmCheckinPage, counts_list);
}

/* Counts folded away, the window is narrow: the status bar stacks its
 * network line above its buttons instead of squeezing the line beside them.
 * The flap folds while the page is being laid out, so the bar turns after
 * that frame, not in the middle of it (a box turned during layout would be
 * drawn without a size). */
static gboolean
orient_status_bar_cb (gpointer user_data)
{
  CcmCheckinPage *self = user_data;
  gboolean narrow = adw_flap_get_folded (self->counts_flap);

  self->orient_id = 0;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->status_bar),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  /* Beside the wrapped network line the list's summary keeps a few words
   * ("All seat types…"), not just "…"; beside the buttons it keeps the
   * bar's minimum width down instead. */
  gtk_label_set_width_chars (self->list_label, narrow ? 12 : -1);
  return G_SOURCE_REMOVE;
}

static void
flap_folded_cb (CcmCheckinPage *self)
{
  if (self->orient_id == 0)
    self->orient_id = g_idle_add (orient_status_bar_cb, self);
}

static void
ccm_checkin_page_init (CcmCheckinPage *self)
{
  GtkEventController *key;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->badge_cancellable = g_cancellable_new ();
  self->badge_codes = g_ptr_array_new_with_free_func (g_free);
  self->print_timeout_ms = CCM_BADGE_PRINT_TIMEOUT_MS;
  g_signal_connect_swapped (self->counts_flap, "notify::folded", G_CALLBACK (flap_folded_cb), self);

  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (entry_activate_cb), self);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (entry_changed_cb), self);
  g_signal_connect_swapped (self->match_list, "row-activated", G_CALLBACK (match_activated_cb), self);
  g_signal_connect_swapped (self->exit_toggle, "toggled", G_CALLBACK (exit_toggled_cb), self);
  g_signal_connect_swapped (self->settings_popover, "closed", G_CALLBACK (popover_closed_cb), self);
  g_signal_connect (self->all_types_check, "toggled", G_CALLBACK (type_toggled_cb), self);
  g_signal_connect_swapped (self, "map", G_CALLBACK (page_map_cb), self);

  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (key, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), key);

  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (click, "released", G_CALLBACK (page_click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  show_idle (self);
}

void
ccm_checkin_page_set_context (CcmCheckinPage *self,
                              CcmContext     *context)
{
  GSettings *settings;

  g_return_if_fail (CCM_IS_CHECKIN_PAGE (self));
  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  settings = ccm_context_get_settings (context);
  self->refresh = ccm_refresh_new (GTK_WIDGET (self), ccm_context_get_store (context), refresh_cb);
  g_settings_bind (settings, "checkin-reentry", self->reentry_check, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "checkin-sounds", self->sounds_check, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "checkin-print-badges", self->badges_check, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed::badge-print-settings",
                           G_CALLBACK (load_print_settings), self, G_CONNECT_SWAPPED);
  load_print_settings (self);
  g_signal_connect_object (settings, "changed::checkin-seat-types",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::checkin-reentry",
                           G_CALLBACK (update_list_label), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::checkin-sounds",
                           G_CALLBACK (update_list_label), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::checkin-print-badges",
                           G_CALLBACK (update_list_label), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::checkin-unprinted-badges",
                           G_CALLBACK (update_missed), self, G_CONNECT_SWAPPED);

  /* An enrolled store's sync client: its state says online or offline. */
  g_set_object (&self->sync_client, ccm_context_get_sync_client (context));
  if (self->sync_client != NULL)
    g_signal_connect_object (self->sync_client, "notify::state",
                             G_CALLBACK (sync_state_cb), self, G_CONNECT_SWAPPED);
  update_network (self);
  update_list_label (self);
  update_role (self);
}

void
ccm_checkin_page_set_conference (CcmCheckinPage *self,
                                 const char     *slug)
{
  g_return_if_fail (CCM_IS_CHECKIN_PAGE (self));
  g_return_if_fail (self->context != NULL);

  g_free (self->slug);
  self->slug = g_strdup (slug);
  g_clear_pointer (&self->seat_types, json_array_unref);
  rebuild_type_checks (self);
  finish_scan (self);
  show_idle (self);
  update_missed (self);
  ccm_refresh_now_or_when_shown (self->refresh);
}

const char *
ccm_checkin_page_get_result (CcmCheckinPage *self)
{
  g_return_val_if_fail (CCM_IS_CHECKIN_PAGE (self), NULL);
  return self->result;
}

const char *
ccm_checkin_page_get_sound (CcmCheckinPage *self)
{
  g_return_val_if_fail (CCM_IS_CHECKIN_PAGE (self), NULL);
  return self->sound_id;
}

GStrv
ccm_checkin_page_get_matches (CcmCheckinPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (CCM_IS_CHECKIN_PAGE (self), NULL);

  for (guint i = 0; self->matches != NULL && i < json_array_get_length (self->matches); i++)
    g_strv_builder_add (builder, ccm_json_string (json_array_get_object_element (self->matches, i),
                                                  "ticket_code"));
  return g_strv_builder_end (builder);
}

void
ccm_checkin_page_type_text (CcmCheckinPage *self,
                            const char     *text,
                            gboolean        enter)
{
  g_return_if_fail (CCM_IS_CHECKIN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  if (enter)
    ccm_checkin_page_activate (self, FALSE);
  else
    run_search (self);
}

/* For the tests and for desks that print to a watched folder: badges go
 * to this PDF file instead of the print dialog (NULL: the dialog). */
void
ccm_checkin_page_set_print_to (CcmCheckinPage *self,
                               const char     *pdf_path)
{
  g_return_if_fail (CCM_IS_CHECKIN_PAGE (self));

  g_free (self->print_to);
  self->print_to = g_strdup (pdf_path);
}

/* Badges sent straight to the printer and not yet taken or refused. */
guint
ccm_checkin_page_get_badges_pending (CcmCheckinPage *self)
{
  g_return_val_if_fail (CCM_IS_CHECKIN_PAGE (self), 0);
  return self->badges_pending;
}

/* The message a badge sent straight to the printer and not printed gave
 * last ("No badge for NAME: why"), or NULL. */
const char *
ccm_checkin_page_get_badge_error (CcmCheckinPage *self)
{
  g_return_val_if_fail (CCM_IS_CHECKIN_PAGE (self), NULL);
  return self->badge_error;
}

/* How long a badge printer may take to take a badge (ten seconds unless set). */
void
ccm_checkin_page_set_print_timeout (CcmCheckinPage *self,
                                    guint           timeout_ms)
{
  g_return_if_fail (CCM_IS_CHECKIN_PAGE (self));
  self->print_timeout_ms = timeout_ms;
}
