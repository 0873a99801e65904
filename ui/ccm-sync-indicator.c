/* ccm-sync-indicator.c — the header bar's sync state and its popover
 *
 * The button shows an icon and a word for the state (online, offline,
 * syncing, error, revoked, or local for a standalone store) and the number
 * of commands waiting to be sent; its popover adds the client's message,
 * the last sync ("2 min ago"), the server, a warning when this computer's
 * clock is more than two minutes off the server's, and Sync Now
 * (win.sync-now). A standalone store points to Preferences instead.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include <glib/gi18n.h>

#include "ccm-sync-indicator.h"
#include "ccm-ui-util.h"

#define SKEW_WARNING_US (2 * 60 * G_USEC_PER_SEC)

struct _CcmSyncIndicator
{
  AdwBin          parent_instance;

  CcmContext     *context;
  CcmSyncClient  *client;
  guint           tick_id;
  char           *description;

  GtkMenuButton  *button;
  GtkImage       *icon;
  GtkLabel       *label;
  GtkLabel       *pending_badge;
  GtkPopover     *popover;
  GtkLabel       *title_label;
  GtkLabel       *message_label;
  GtkWidget      *facts;
  GtkLabel       *pending_label;
  GtkLabel       *last_sync_label;
  GtkLabel       *server_label;
  GtkWidget      *desk_caption;
  GtkLabel       *desk_label;
  GtkLabel       *skew_label;
  GtkWidget      *sync_now_button;
  GtkWidget      *preferences_button;
};

G_DEFINE_FINAL_TYPE (CcmSyncIndicator, ccm_sync_indicator, ADW_TYPE_BIN)

char *
ccm_sync_indicator_format_ago (gint64 then_us,
                               gint64 now_us)
{
  gint64 seconds = (now_us - then_us) / G_USEC_PER_SEC;
  gint64 minutes = seconds / 60;
  gint64 hours = minutes / 60;

  if (then_us <= 0)
    return g_strdup (_("Never"));
  if (seconds < 60)
    return g_strdup (_("Just now"));
  if (minutes < 60)
    /* TRANSLATORS: a time in the past, short: "2 min ago" */
    return g_strdup_printf (ngettext ("%d min ago", "%d min ago", (gulong) minutes), (int) minutes);
  if (hours < 24)
    return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", (gulong) hours), (int) hours);
  return ccm_ui_format_time (then_us);
}

static char *
format_skew (gint64 offset_us)
{
  gint64 minutes = ABS (offset_us) / (60 * G_USEC_PER_SEC);

  if (offset_us > 0)
    return g_strdup_printf (ngettext ("This computer’s clock is %d minute behind the server’s. "
                                      "Times shown here may be off; the server’s order decides.",
                                      "This computer’s clock is %d minutes behind the server’s. "
                                      "Times shown here may be off; the server’s order decides.",
                                      (gulong) minutes), (int) minutes);
  return g_strdup_printf (ngettext ("This computer’s clock is %d minute ahead of the server’s. "
                                    "Times shown here may be off; the server’s order decides.",
                                    "This computer’s clock is %d minutes ahead of the server’s. "
                                    "Times shown here may be off; the server’s order decides.",
                                    (gulong) minutes), (int) minutes);
}

static void
set_style (CcmSyncIndicator *self,
           const char       *style)
{
  static const char *const styles[] = { "warning", "error", "success", NULL };

  for (guint i = 0; styles[i] != NULL; i++)
    if (g_strcmp0 (styles[i], style) == 0)
      gtk_widget_add_css_class (GTK_WIDGET (self->icon), styles[i]);
    else
      gtk_widget_remove_css_class (GTK_WIDGET (self->icon), styles[i]);
}

static void
update (CcmSyncIndicator *self)
{
  const char *icon, *word, *title, *style = NULL;
  g_autofree char *message = NULL;
  g_autofree char *pending_text = NULL;
  g_autofree char *ago = NULL;
  gint64 pending = 0, offset = 0;
  gboolean connected = self->client != NULL;

  if (!connected)
    {
      icon = "network-offline-symbolic";
      /* TRANSLATORS: the header bar's sync button on a store without a server */
      word = C_("sync state", "Local");
      title = _("Not connected to a server");
      message = g_strdup (_("Everything is saved on this computer. Enroll this desk with a "
                            "server in Preferences to share work with other desks."));
    }
  else
    {
      CcmSyncState state = ccm_sync_client_get_state (self->client);
      const char *client_message = ccm_sync_client_get_message (self->client);

      pending = ccm_sync_client_get_pending (self->client);
      offset = ccm_sync_client_get_server_offset (self->client);
      switch (state)
        {
        case CCM_SYNC_STATE_IDLE:
          icon = "emblem-ok-symbolic";
          word = C_("sync state", "Online");
          title = _("Connected to the server");
          style = "success";
          break;
        case CCM_SYNC_STATE_SYNCING:
          icon = "emblem-synchronizing-symbolic";
          word = C_("sync state", "Syncing");
          title = _("Syncing with the server…");
          break;
        case CCM_SYNC_STATE_ERROR:
          icon = "network-error-symbolic";
          word = C_("sync state", "Sync Error");
          title = _("The server reported an error");
          style = "error";
          break;
        case CCM_SYNC_STATE_FORBIDDEN:
          icon = "action-unavailable-symbolic";
          word = C_("sync state", "Revoked");
          /* The client's message says more: what was removed, what is kept. */
          title = ccm_store_get_wiped_at (ccm_sync_client_get_store (self->client)) != 0
                  ? _("This desk’s access was revoked and its personal data removed")
                  : _("This desk’s access was revoked");
          style = "error";
          break;
        case CCM_SYNC_STATE_OFFLINE:
        default:
          icon = "network-offline-symbolic";
          word = C_("sync state", "Offline");
          title = _("The server cannot be reached");
          style = "warning";
          break;
        }
      if (client_message != NULL && *client_message != '\0')
        message = g_strdup (client_message);
      else if (state == CCM_SYNC_STATE_OFFLINE)
        message = g_strdup (_("Work goes on here and is sent when the server is back."));
      else if (state == CCM_SYNC_STATE_IDLE)
        message = g_strdup (_("Changes are sent and received as they happen."));
    }

  gtk_image_set_from_icon_name (self->icon, icon);
  set_style (self, style);
  gtk_label_set_text (self->label, word);
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);

  pending_text = ccm_ui_format_count (pending);
  gtk_label_set_text (self->pending_badge, pending_text);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_badge), pending > 0);
  {
    g_autofree char *commands =
      g_strdup_printf (ngettext ("%'lld change", "%'lld changes", (gulong) MIN (pending, G_MAXLONG)),
                       (long long) pending);
    gtk_label_set_text (self->pending_label, commands);
  }

  if (connected)
    {
      CcmClock *clock = ccm_context_get_clock (self->context);

      ago = ccm_sync_indicator_format_ago (ccm_sync_client_get_last_sync (self->client),
                                          ccm_clock_now (clock));
      gtk_label_set_text (self->last_sync_label, ago);
      gtk_label_set_text (self->server_label, ccm_sync_client_get_server_url (self->client) != NULL
                                               ? ccm_sync_client_get_server_url (self->client) : "");
      /* The name the server and the other desks know this one by. */
      {
        g_autofree char *desk = ccm_store_get_meta (ccm_sync_client_get_store (self->client),
                                                    CCM_SYNC_META_DESK_NAME);

        gtk_label_set_text (self->desk_label, desk != NULL ? desk : "");
        gtk_widget_set_visible (self->desk_caption, desk != NULL);
        gtk_widget_set_visible (GTK_WIDGET (self->desk_label), desk != NULL);
      }
    }
  gtk_widget_set_visible (self->facts, connected);

  if (connected && ABS (offset) > SKEW_WARNING_US)
    {
      g_autofree char *skew = format_skew (offset);
      gtk_label_set_text (self->skew_label, skew);
      gtk_widget_set_visible (GTK_WIDGET (self->skew_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->skew_label), FALSE);

  gtk_widget_set_visible (self->sync_now_button, connected);
  gtk_widget_set_visible (self->preferences_button, !connected);

  /* What a screen reader says for the button, and its tooltip. */
  g_free (self->description);
  if (pending > 0)
    self->description = g_strdup_printf (ngettext ("Sync: %s, %'lld change waiting to be sent",
                                                   "Sync: %s, %'lld changes waiting to be sent",
                                                   (gulong) MIN (pending, G_MAXLONG)),
                                         word, (long long) pending);
  else if (connected)
    self->description = g_strdup_printf (_("Sync: %s, last sync %s"), word, ago);
  else
    self->description = g_strdup_printf (_("Sync: %s"), title);
  ccm_ui_set_accessible_label (GTK_WIDGET (self->button), self->description);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), self->description);
}

static gboolean
tick_cb (gpointer user_data)
{
  update (user_data);
  return G_SOURCE_CONTINUE;
}

static void
set_client (CcmSyncIndicator *self,
            CcmSyncClient    *client)
{
  if (self->client == client)
    return;
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  if (client != NULL)
    {
      static const char *const names[] = {
        "notify::state", "notify::pending", "notify::last-sync",
        "notify::server-offset", "notify::message", "notify::server-url",
      };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        g_signal_connect_swapped (client, names[i], G_CALLBACK (update), self);
    }
  update (self);
}

static void
client_changed_cb (CcmSyncIndicator *self)
{
  set_client (self, ccm_context_get_sync_client (self->context));
}

static void
preferences_clicked_cb (CcmSyncIndicator *self)
{
  gtk_popover_popdown (self->popover);
}

static void
ccm_sync_indicator_dispose (GObject *object)
{
  CcmSyncIndicator *self = CCM_SYNC_INDICATOR (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (ccm_sync_indicator_parent_class)->dispose (object);
}

static void
ccm_sync_indicator_finalize (GObject *object)
{
  CcmSyncIndicator *self = CCM_SYNC_INDICATOR (object);

  g_free (self->description);
  G_OBJECT_CLASS (ccm_sync_indicator_parent_class)->finalize (object);
}

static void
ccm_sync_indicator_class_init (CcmSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ccm_sync_indicator_dispose;
  object_class->finalize = ccm_sync_indicator_finalize;

  ccm_ui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/contoso/Conference/ccm-sync-indicator.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CcmSyncIndicator, name)
  BIND (button);
  BIND (icon);
  BIND (label);
  BIND (pending_badge);
  BIND (popover);
  BIND (title_label);
  BIND (message_label);
  BIND (facts);
  BIND (pending_label);
  BIND (last_sync_label);
  BIND (server_label);
  BIND (desk_caption);
  BIND (desk_label);
  BIND (skew_label);
  BIND (sync_now_button);
  BIND (preferences_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, preferences_clicked_cb);
}

static void
ccm_sync_indicator_init (CcmSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  update (self);
}

void
ccm_sync_indicator_set_context (CcmSyncIndicator *self,
                                CcmContext       *context)
{
  g_return_if_fail (CCM_IS_SYNC_INDICATOR (self));
  g_return_if_fail (CCM_IS_CONTEXT (context));

  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_set_object (&self->context, context);
  g_signal_connect_swapped (context, "notify::sync-client", G_CALLBACK (client_changed_cb), self);
  /* "2 min ago" moves on by itself. */
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (30, tick_cb, self);
  set_client (self, ccm_context_get_sync_client (context));
  update (self);
}

void
ccm_sync_indicator_set_compact (CcmSyncIndicator *self,
                                gboolean          compact)
{
  g_return_if_fail (CCM_IS_SYNC_INDICATOR (self));
  gtk_widget_set_visible (GTK_WIDGET (self->label), !compact);
}

gboolean
ccm_sync_indicator_get_compact (CcmSyncIndicator *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_INDICATOR (self), FALSE);
  return !gtk_widget_get_visible (GTK_WIDGET (self->label));
}

const char *
ccm_sync_indicator_get_label (CcmSyncIndicator *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_INDICATOR (self), NULL);
  return gtk_label_get_text (self->label);
}

const char *
ccm_sync_indicator_get_description (CcmSyncIndicator *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_INDICATOR (self), NULL);
  return self->description;
}
