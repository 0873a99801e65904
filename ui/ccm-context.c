/* ccm-context.c — owns the store, the clock, the settings and, on a store
 * enrolled with a server, the sync client; every window and page is handed
 * this object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include "ccm-context.h"
#include "ccm-domain.h"
#include "ccm-id.h"

struct _CcmContext
{
  GObject    parent_instance;

  CcmStore  *store;
  CcmClock  *clock;
  GSettings *settings;
  CcmSyncClient *sync_client;
  guint      desk_name_id;
};

G_DEFINE_FINAL_TYPE (CcmContext, ccm_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SYNC_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ccm_context_dispose (GObject *object)
{
  CcmContext *self = CCM_CONTEXT (object);

  g_clear_handle_id (&self->desk_name_id, g_source_remove);
  if (self->sync_client != NULL)
    ccm_sync_client_stop (self->sync_client);
  g_clear_object (&self->sync_client);
  g_clear_object (&self->store);
  g_clear_object (&self->clock);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ccm_context_parent_class)->dispose (object);
}

static void
ccm_context_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CcmContext *self = CCM_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SYNC_CLIENT:
      g_value_set_object (value, self->sync_client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ccm_context_class_init (CcmContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ccm_context_dispose;
  object_class->get_property = ccm_context_get_property;

  /* NULL on a standalone store; set once the store is enrolled. */
  properties[PROP_SYNC_CLIENT] =
    g_param_spec_object ("sync-client", NULL, NULL, CCM_TYPE_SYNC_CLIENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ccm_context_init (CcmContext *self)
{
}

/* The desk's name in the preferences is the one the other desks read: an
 * enrolled desk tells the server (ccm_sync_client_set_desk_name). */
static void
apply_desk_name (CcmContext *self)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  if (self->sync_client == NULL)
    return;
  name = g_settings_get_string (self->settings, "desk-name");
  if (!ccm_sync_client_set_desk_name (self->sync_client, name, &error))
    g_warning ("The desk’s new name is not kept: %s", error->message);
}

static gboolean
apply_desk_name_cb (gpointer user_data)
{
  CcmContext *self = user_data;

  self->desk_name_id = 0;
  apply_desk_name (self);
  return G_SOURCE_REMOVE;
}

/* The entry changes the setting at every key: the name is kept once the
 * typing has paused (or at the next start, should the program close
 * first), not written to the store key by key. */
static void
desk_name_changed_cb (CcmContext *self)
{
  g_clear_handle_id (&self->desk_name_id, g_source_remove);
  self->desk_name_id = g_timeout_add_seconds (1, apply_desk_name_cb, self);
}

/* Opens the store (store_path NULL: CONTOSO_STORE or the default file),
 * runs timers that fell due while nobody ran the program, and keeps
 * watching for due timers and other processes' writes. */
CcmContext *
ccm_context_new (const char  *store_path,
                 GError     **error)
{
  g_autoptr(CcmContext) self = g_object_new (CCM_TYPE_CONTEXT, NULL);
  g_autoptr(CcmRegistry) registry = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;

  self->clock = ccm_clock_new_from_environment (error);
  if (self->clock == NULL)
    return NULL;

  path = store_path != NULL ? g_strdup (store_path) : ccm_store_default_path ();
  dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0700);

  registry = ccm_domain_registry_new ();
  self->store = ccm_store_open (path, registry, self->clock, error);
  if (self->store == NULL)
    return NULL;

  /* Timers that fell due while the program was closed run once the window
   * is drawn (CcmApplication) or at the main loop's first tick: on a large
   * store they can take a good part of a second. Many run in slices of
   * 20 ms, each after the window has drawn and the views have shown the
   * last. */
  ccm_store_set_timer_slice (self->store, 20 * 1000, G_PRIORITY_LOW);
  ccm_store_watch_later (self->store);
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::desk-name",
                           G_CALLBACK (desk_name_changed_cb), self, G_CONNECT_SWAPPED);

  /* An enrolled desk syncs by itself: at once, when it has something to
   * push, when the server pokes and when the network comes back. */
  if (ccm_store_is_enrolled (self->store))
    {
      self->sync_client = ccm_sync_client_new (self->store);
      /* Renamed while the program was closed, or by another program. */
      apply_desk_name (self);
      ccm_sync_client_start (self->sync_client);
    }
  return g_steal_pointer (&self);
}

CcmStore *
ccm_context_get_store (CcmContext *self)
{
  g_return_val_if_fail (CCM_IS_CONTEXT (self), NULL);
  return self->store;
}

CcmClock *
ccm_context_get_clock (CcmContext *self)
{
  g_return_val_if_fail (CCM_IS_CONTEXT (self), NULL);
  return self->clock;
}

GSettings *
ccm_context_get_settings (CcmContext *self)
{
  g_return_val_if_fail (CCM_IS_CONTEXT (self), NULL);
  return self->settings;
}

/* NULL while the store is standalone (not enrolled with a server). */
CcmSyncClient *
ccm_context_get_sync_client (CcmContext *self)
{
  g_return_val_if_fail (CCM_IS_CONTEXT (self), NULL);
  return self->sync_client;
}

static void
enroll_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcmContext *self = g_task_get_source_object (task);
  CcmSyncClient *client = CCM_SYNC_CLIENT (source);
  GError *error = NULL;

  if (!ccm_sync_client_enroll_finish (client, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->sync_client != client)
    {
      if (self->sync_client != NULL)
        ccm_sync_client_stop (self->sync_client);
      g_set_object (&self->sync_client, client);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_CLIENT]);
    }
  /* Renamed while the enrollment ran. */
  apply_desk_name (self);
  ccm_sync_client_start (self->sync_client);
  g_task_return_boolean (task, TRUE);
}

/* Enrolls the store with a server by a one-time code, then keeps it in
 * sync; the sync client exists from then on. */
void
ccm_context_enroll_async (CcmContext          *self,
                          const char          *url,
                          const char          *code,
                          const char          *name,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(CcmSyncClient) client = NULL;
  GTask *task;

  g_return_if_fail (CCM_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ccm_context_enroll_async);
  /* A re-enrollment (a revoked desk) goes through the client it has. */
  if (self->sync_client != NULL)
    {
      client = g_object_ref (self->sync_client);
      ccm_sync_client_stop (client);
    }
  else
    client = ccm_sync_client_new (self->store);
  ccm_sync_client_enroll_async (client, url, code, name, cancellable, enroll_cb, task);
}

gboolean
ccm_context_enroll_finish (CcmContext    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sync_now_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The client's state and message say what went wrong. */
  if (!ccm_sync_client_sync_finish (CCM_SYNC_CLIENT (source), result, &error))
    g_debug ("Sync now: %s", error->message);
}

/* A round at once, whatever the back-off says. */
void
ccm_context_sync_now (CcmContext *self)
{
  g_return_if_fail (CCM_IS_CONTEXT (self));

  if (self->sync_client == NULL)
    return;
  if (!ccm_sync_client_is_started (self->sync_client) &&
      ccm_sync_client_get_state (self->sync_client) != CCM_SYNC_STATE_FORBIDDEN)
    ccm_sync_client_start (self->sync_client);
  ccm_sync_client_sync_async (self->sync_client, NULL, sync_now_cb, NULL);
}

char *
ccm_context_new_id (CcmContext *self)
{
  g_return_val_if_fail (CCM_IS_CONTEXT (self), NULL);
  return ccm_id_new (ccm_clock_now (self->clock));
}

/* Takes ownership of args. What a person does goes through the command
 * log, like the command line's verbs; each call is a new command. */
CcmOutcome *
ccm_context_submit (CcmContext  *self,
                    const char  *type,
                    JsonObject  *args,
                    GError     **error)
{
  g_autoptr(CcmCommand) command = NULL;
  g_autofree char *command_id = NULL;

  g_return_val_if_fail (CCM_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);

  command_id = ccm_context_new_id (self);
  command = ccm_command_new (type, command_id, args);
  command->issued_at = ccm_clock_now (self->clock);
  return ccm_store_submit (self->store, command, error);
}

gboolean
ccm_context_may (CcmContext *self,
                 const char *type)
{
  g_return_val_if_fail (CCM_IS_CONTEXT (self), FALSE);
  return ccm_store_may_run (self->store, type);
}
