/* ccm-context.c — owns the store, the clock, the settings and (once it
 * exists) the sync client; every window and page is handed this object
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
  GObject   *sync_client;
};

G_DEFINE_FINAL_TYPE (CcmContext, ccm_context, G_TYPE_OBJECT)

static void
ccm_context_dispose (GObject *object)
{
  CcmContext *self = CCM_CONTEXT (object);

  g_clear_object (&self->sync_client);
  g_clear_object (&self->store);
  g_clear_object (&self->clock);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ccm_context_parent_class)->dispose (object);
}

static void
ccm_context_class_init (CcmContextClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ccm_context_dispose;
}

static void
ccm_context_init (CcmContext *self)
{
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
  GError *timer_error = NULL;

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

  ccm_store_run_due_timers (self->store, &timer_error);
  if (timer_error != NULL)
    {
      g_propagate_error (error, timer_error);
      return NULL;
    }

  ccm_store_watch (self->store);
  self->settings = g_settings_new (APP_ID);
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

/* NULL until the sync client lands (sync/ccm-sync-client.h). */
GObject *
ccm_context_get_sync_client (CcmContext *self)
{
  g_return_val_if_fail (CCM_IS_CONTEXT (self), NULL);
  return self->sync_client;
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
