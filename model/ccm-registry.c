/* ccm-registry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-registry"

#include "ccm-registry.h"
#include "ccm-errors.h"

struct _CcmRegistry
{
  GHashTable *commands;     /* type -> const CcmCommandHandler* */
  GPtrArray *projections;   /* const CcmProjection* */
  GPtrArray *managers;      /* const CcmProcessManager* */
  GHashTable *upcasters;    /* "type/version" -> CcmUpcastFunc */
  GHashTable *upcast_types; /* types with any upcaster: the common case is a miss */
};

static void
ccm_registry_finalize (CcmRegistry *self)
{
  g_hash_table_unref (self->commands);
  g_ptr_array_unref (self->projections);
  g_ptr_array_unref (self->managers);
  g_hash_table_unref (self->upcasters);
  g_hash_table_unref (self->upcast_types);
}

CcmRegistry *
ccm_registry_new (void)
{
  CcmRegistry *self = g_rc_box_new0 (CcmRegistry);

  self->commands = g_hash_table_new (g_str_hash, g_str_equal);
  self->projections = g_ptr_array_new ();
  self->managers = g_ptr_array_new ();
  self->upcasters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->upcast_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

CcmRegistry *
ccm_registry_ref (CcmRegistry *self)
{
  return g_rc_box_acquire (self);
}

void
ccm_registry_unref (CcmRegistry *self)
{
  g_rc_box_release_full (self, (GDestroyNotify) ccm_registry_finalize);
}

void
ccm_registry_add_command (CcmRegistry             *self,
                          const CcmCommandHandler *handler)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (handler != NULL && handler->type != NULL);
  g_return_if_fail (!g_hash_table_contains (self->commands, handler->type));

  g_hash_table_insert (self->commands, (gpointer) handler->type, (gpointer) handler);
}

void
ccm_registry_add_projection (CcmRegistry         *self,
                             const CcmProjection *projection)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (projection != NULL && projection->apply != NULL);

  g_ptr_array_add (self->projections, (gpointer) projection);
}

void
ccm_registry_add_process_manager (CcmRegistry             *self,
                                  const CcmProcessManager *manager)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (manager != NULL && manager->react != NULL);

  g_ptr_array_add (self->managers, (gpointer) manager);
}

void
ccm_registry_add_upcaster (CcmRegistry   *self,
                           const char    *type,
                           int            from_version,
                           CcmUpcastFunc  func)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (type != NULL && func != NULL);

  g_hash_table_insert (self->upcasters,
                       g_strdup_printf ("%s/%d", type, from_version),
                       func);
  g_hash_table_add (self->upcast_types, g_strdup (type));
}

const CcmCommandHandler *
ccm_registry_lookup_command (CcmRegistry *self,
                             const char  *type)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_hash_table_lookup (self->commands, type);
}

GPtrArray *
ccm_registry_get_projections (CcmRegistry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->projections;
}

GPtrArray *
ccm_registry_get_process_managers (CcmRegistry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->managers;
}

/* Old events are never rewritten in the log: they are brought to the current
 * shape each time they are read, one version step at a time. */
void
ccm_registry_upcast (CcmRegistry *self,
                     CcmEvent    *event)
{
  char key[128];

  g_return_if_fail (self != NULL);

  if (g_hash_table_size (self->upcast_types) == 0)
    return;

  for (guint guard = 0; guard < 64; guard++)
    {
      CcmUpcastFunc func;
      int before = event->schema_version;

      if (!g_hash_table_contains (self->upcast_types, event->type))
        return;

      g_snprintf (key, sizeof key, "%s/%d", event->type, event->schema_version);
      func = g_hash_table_lookup (self->upcasters, key);
      if (func == NULL)
        return;

      func (event);
      g_assert (event->schema_version > before);
    }

  g_critical ("Upcasting of a %s event does not end", event->type);
}

/* Decide context */

typedef struct
{
  const CcmAggregate *aggregate;
  gpointer state;
  gint64 version;
} LoadedState;

struct _CcmDecideContext
{
  char *stream_id;
  gint64 now;
  CcmLoadFunc load;
  gpointer load_data;
  GHashTable *loaded;       /* stream id -> LoadedState */
  GPtrArray *events;
  JsonObject *result;
};

static void
loaded_state_free (LoadedState *loaded)
{
  if (loaded->state != NULL)
    loaded->aggregate->free_state (loaded->state);
  g_free (loaded);
}

CcmDecideContext *
ccm_decide_context_new (const char  *stream_id,
                        gint64       now,
                        CcmLoadFunc  load,
                        gpointer     user_data)
{
  CcmDecideContext *self = g_new0 (CcmDecideContext, 1);

  self->stream_id = g_strdup (stream_id);
  self->now = now;
  self->load = load;
  self->load_data = user_data;
  self->loaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) loaded_state_free);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_event_unref);
  self->result = json_object_new ();
  return self;
}

void
ccm_decide_context_free (CcmDecideContext *self)
{
  g_free (self->stream_id);
  g_hash_table_unref (self->loaded);
  g_ptr_array_unref (self->events);
  json_object_unref (self->result);
  g_free (self);
}

gint64
ccm_decide_context_now (CcmDecideContext *self)
{
  return self->now;
}

const char *
ccm_decide_context_stream (CcmDecideContext *self)
{
  return self->stream_id;
}

/* Gives the context a state for a stream (the context owns it), as a test's
 * Given or as a store's preload. */
void
ccm_decide_context_put_state (CcmDecideContext   *self,
                              const char         *stream_id,
                              const CcmAggregate *aggregate,
                              gpointer            state,
                              gint64              version)
{
  LoadedState *loaded = g_new0 (LoadedState, 1);

  loaded->aggregate = aggregate;
  loaded->state = state;
  loaded->version = version;
  g_hash_table_replace (self->loaded, g_strdup (stream_id), loaded);
}

/* The current state of another stream, read-only; a stream with no events
 * yields the aggregate's initial state and version 0. */
gconstpointer
ccm_decide_context_load (CcmDecideContext    *self,
                         const CcmAggregate  *aggregate,
                         const char          *stream_id,
                         gint64              *version,
                         GError             **error)
{
  LoadedState *loaded = g_hash_table_lookup (self->loaded, stream_id);

  if (loaded == NULL)
    {
      gpointer state = NULL;
      gint64 v = 0;

      if (self->load != NULL)
        {
          if (!self->load (self->load_data, aggregate, stream_id, &state, &v, error))
            return NULL;
        }
      else
        state = aggregate->new_state ();

      ccm_decide_context_put_state (self, stream_id, aggregate, state, v);
      loaded = g_hash_table_lookup (self->loaded, stream_id);
    }

  g_return_val_if_fail (loaded->aggregate == aggregate, NULL);

  if (version != NULL)
    *version = loaded->version;
  return loaded->state;
}

void
ccm_decide_context_emit (CcmDecideContext *self,
                         const char       *type,
                         JsonObject       *payload)
{
  ccm_decide_context_emit_full (self, NULL, type, 1, payload);
}

/* Emits to another stream when stream_id is given (e.g. a uniqueness claim). */
void
ccm_decide_context_emit_full (CcmDecideContext *self,
                              const char       *stream_id,
                              const char       *type,
                              int               schema_version,
                              JsonObject       *payload)
{
  CcmEvent *event = ccm_event_new (type, schema_version, payload);

  event->stream_id = g_strdup (stream_id != NULL ? stream_id : self->stream_id);
  g_ptr_array_add (self->events, event);
}

/* Hands a loaded state back to the caller (the store keeps it in its cache)
 * instead of freeing it with the context. */
gpointer
ccm_decide_context_take_state (CcmDecideContext *self,
                               const char       *stream_id,
                               gint64           *version)
{
  LoadedState *loaded = g_hash_table_lookup (self->loaded, stream_id);
  gpointer state;

  if (loaded == NULL)
    return NULL;

  state = g_steal_pointer (&loaded->state);
  if (version != NULL)
    *version = loaded->version;
  g_hash_table_remove (self->loaded, stream_id);
  return state;
}

GPtrArray *
ccm_decide_context_get_events (CcmDecideContext *self)
{
  return self->events;
}

/* Values the caller wants back (the new order's id, a substituted code…). */
JsonObject *
ccm_decide_context_get_result (CcmDecideContext *self)
{
  return self->result;
}

/* Reaction */

struct _CcmReaction
{
  const CcmProcessManager *manager;
  char *instance;
  char *base_id;
  char *correlation_id;
  gint64 now;
  guint counter;
  GPtrArray *commands;
  GPtrArray *timers;
};

static void
timer_request_free (CcmTimerRequest *request)
{
  g_free (request->key);
  g_clear_pointer (&request->command, ccm_command_unref);
  g_free (request);
}

/* Command ids of a reaction derive from the triggering event's place in its
 * stream, which is the same on every replica: a re-run produces the same
 * ids, so idempotency holds across devices and the server. */
CcmReaction *
ccm_reaction_new (const CcmProcessManager *manager,
                  const char              *instance,
                  const CcmEvent          *event,
                  gint64                   now)
{
  CcmReaction *self = g_new0 (CcmReaction, 1);

  self->manager = manager;
  self->instance = g_strdup (instance);
  self->base_id = g_strdup_printf ("%s:%s:%" G_GINT64_FORMAT,
                                   manager->name,
                                   event->stream_id != NULL ? event->stream_id : "",
                                   event->stream_version);
  self->correlation_id = g_strdup (event->correlation_id);
  self->now = now;
  self->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_unref);
  self->timers = g_ptr_array_new_with_free_func ((GDestroyNotify) timer_request_free);
  return self;
}

void
ccm_reaction_free (CcmReaction *self)
{
  g_free (self->instance);
  g_free (self->base_id);
  g_free (self->correlation_id);
  g_ptr_array_unref (self->commands);
  g_ptr_array_unref (self->timers);
  g_free (self);
}

gint64
ccm_reaction_now (CcmReaction *self)
{
  return self->now;
}

static CcmCommand *
reaction_command (CcmReaction *self,
                  const char  *type,
                  JsonObject  *args)
{
  g_autofree char *id = g_strdup_printf ("%s:%u", self->base_id, self->counter++);
  CcmCommand *command = ccm_command_new (type, id, args);

  command->correlation_id = g_strdup (self->correlation_id);
  command->issued_at = self->now;
  return command;
}

void
ccm_reaction_send (CcmReaction *self,
                   const char  *type,
                   JsonObject  *args)
{
  g_ptr_array_add (self->commands, reaction_command (self, type, args));
}

/* A timer with the same key in the same instance replaces the earlier one. */
void
ccm_reaction_schedule (CcmReaction *self,
                       const char  *key,
                       gint64       due_at,
                       const char  *type,
                       JsonObject  *args)
{
  CcmTimerRequest *request = g_new0 (CcmTimerRequest, 1);

  request->key = g_strdup (key);
  request->due_at = due_at;
  request->command = reaction_command (self, type, args);
  g_ptr_array_add (self->timers, request);
}

void
ccm_reaction_cancel (CcmReaction *self,
                     const char  *key)
{
  CcmTimerRequest *request = g_new0 (CcmTimerRequest, 1);

  request->key = g_strdup (key);
  g_ptr_array_add (self->timers, request);
}

GPtrArray *
ccm_reaction_get_commands (CcmReaction *self)
{
  return self->commands;
}

GPtrArray *
ccm_reaction_get_timers (CcmReaction *self)
{
  return self->timers;
}
