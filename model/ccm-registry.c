/* ccm-registry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-registry"

#include <string.h>

#include "ccm-registry.h"
#include "ccm-errors.h"

struct _CcmRegistry
{
  GHashTable *commands;     /* type -> const CcmCommandHandler* */
  GPtrArray *projections;   /* const CcmProjection* */
  GPtrArray *managers;      /* const CcmProcessManager* */
  GHashTable *upcasters;    /* "type/version" -> CcmUpcastFunc */
  GHashTable *upcast_types; /* types with any upcaster: the common case is a miss */
  GHashTable *personal[2];  /* per CcmRecordKind: type -> const CcmPersonalData* */
  GHashTable *personal_names; /* last member of every declared path -> kind + 1 */
  gboolean personal_required;
  GHashTable *personal_warned; /* "kind/type" warned about once */
  GHashTable *device_decisions; /* timer command types a standalone device logs */
};

static void
ccm_registry_finalize (CcmRegistry *self)
{
  g_hash_table_unref (self->commands);
  g_ptr_array_unref (self->projections);
  g_ptr_array_unref (self->managers);
  g_hash_table_unref (self->upcasters);
  g_hash_table_unref (self->upcast_types);
  g_hash_table_unref (self->personal[CCM_RECORD_EVENT]);
  g_hash_table_unref (self->personal[CCM_RECORD_COMMAND]);
  g_hash_table_unref (self->personal_names);
  g_hash_table_unref (self->personal_warned);
  g_hash_table_unref (self->device_decisions);
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
  self->personal[CCM_RECORD_EVENT] = g_hash_table_new (g_str_hash, g_str_equal);
  self->personal[CCM_RECORD_COMMAND] = g_hash_table_new (g_str_hash, g_str_equal);
  self->personal_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->personal_warned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->device_decisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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

/* A timer's command whose decision is a standalone device's own (an order's
 * reservation running out): the device logs it when it fires, so that the
 * history it pushes when it enrolls carries the decision, and the server,
 * re-running that history later by its own clock, does not undo it. */
void
ccm_registry_add_device_decision (CcmRegistry *self,
                                  const char  *command_type)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (command_type != NULL);

  g_hash_table_add (self->device_decisions, g_strdup (command_type));
}

gboolean
ccm_registry_is_device_decision (CcmRegistry *self,
                                 const char  *command_type)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return command_type != NULL && g_hash_table_contains (self->device_decisions, command_type);
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

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
ccm_registry_list_commands (CcmRegistry *self)
{
  GPtrArray *types;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (self != NULL, NULL);

  types = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->commands);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (types, key);
  g_ptr_array_sort (types, compare_strings);
  return types;
}

/* Personal data */

void
ccm_registry_add_personal_data (CcmRegistry           *self,
                                const CcmPersonalData *data)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL && data->type != NULL);
  g_return_if_fail (data->record == CCM_RECORD_EVENT || data->record == CCM_RECORD_COMMAND);
  g_return_if_fail (!g_hash_table_contains (self->personal[data->record], data->type));

  g_hash_table_insert (self->personal[data->record], (gpointer) data->type, (gpointer) data);

  for (guint i = 0; data->fields != NULL && data->fields[i].path != NULL; i++)
    {
      const char *path = data->fields[i].path;
      const char *last = strrchr (path, '.');
      g_autofree char *name = g_strdup (last != NULL ? last + 1 : path);

      if (g_str_has_suffix (name, "[]"))
        name[strlen (name) - 2] = '\0';
      g_hash_table_replace (self->personal_names, g_steal_pointer (&name),
                            GINT_TO_POINTER (data->fields[i].kind + 1));
    }
}

const CcmPersonalData *
ccm_registry_lookup_personal_data (CcmRegistry   *self,
                                   CcmRecordKind  record,
                                   const char    *type)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (record == CCM_RECORD_EVENT || record == CCM_RECORD_COMMAND, NULL);

  return type != NULL ? g_hash_table_lookup (self->personal[record], type) : NULL;
}

/* From now on an event decided or a command run without a declaration is
 * a programming error, reported once per type. */
void
ccm_registry_require_personal_data (CcmRegistry *self)
{
  g_return_if_fail (self != NULL);

  self->personal_required = TRUE;
}

void
ccm_registry_check_personal_data (CcmRegistry   *self,
                                  CcmRecordKind  record,
                                  const char    *type)
{
  g_autofree char *key = NULL;

  if (!self->personal_required || ccm_registry_lookup_personal_data (self, record, type) != NULL)
    return;

  key = g_strdup_printf ("%d/%s", record, type);
  if (!g_hash_table_add (self->personal_warned, g_steal_pointer (&key)))
    return;
  g_warning ("The %s type %s declares no personal data; add a CcmPersonalData for it "
             "(ccm_registry_add_personal_data), with CCM_NO_PERSONAL_DATA if it holds none",
             record == CCM_RECORD_EVENT ? "event" : "command", type);
}

static const char *
marker_of (CcmPersonalKind kind)
{
  return kind == CCM_PERSONAL_EMAIL ? CCM_PERSONAL_REDACTED_EMAIL : CCM_PERSONAL_REDACTED_TEXT;
}

/* A string becomes the marker; null, an empty string, the marker itself
 * and values of other types stay as they are. */
static guint
redact_node (JsonNode        *node,
             CcmPersonalKind  kind,
             GPtrArray       *removed)
{
  const char *value;

  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE || json_node_get_value_type (node) != G_TYPE_STRING)
    return 0;
  value = json_node_get_string (node);
  if (value == NULL || *value == '\0' || g_str_equal (value, marker_of (kind)))
    return 0;
  if (removed != NULL)
    g_ptr_array_add (removed, g_strdup (value));
  json_node_set_string (node, marker_of (kind));
  return 1;
}

guint
ccm_personal_redact_path (JsonObject      *object,
                          const char      *path,
                          CcmPersonalKind  kind,
                          GPtrArray       *removed)
{
  const char *dot;
  g_autofree char *name = NULL;
  const char *rest;
  gboolean each;
  JsonNode *node;
  guint n = 0;

  g_return_val_if_fail (object != NULL && path != NULL, 0);

  dot = strchr (path, '.');
  name = dot != NULL ? g_strndup (path, dot - path) : g_strdup (path);
  rest = dot != NULL ? dot + 1 : NULL;
  each = g_str_has_suffix (name, "[]");
  if (each)
    name[strlen (name) - 2] = '\0';

  node = json_object_get_member (object, name);
  if (node == NULL)
    return 0;

  if (each)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return 0;
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (rest == NULL)
            n += redact_node (element, kind, removed);
          else if (JSON_NODE_HOLDS_OBJECT (element))
            n += ccm_personal_redact_path (json_node_get_object (element), rest, kind, removed);
        }
      return n;
    }

  if (rest == NULL)
    return redact_node (node, kind, removed);
  if (JSON_NODE_HOLDS_OBJECT (node))
    return ccm_personal_redact_path (json_node_get_object (node), rest, kind, removed);
  return 0;
}

static guint
redact_tree_by_name (CcmRegistry *self,
                     JsonNode    *node,
                     GPtrArray   *removed)
{
  guint n = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        {
          gpointer kind = g_hash_table_lookup (self->personal_names, name);

          if (kind != NULL)
            n += redact_node (member, GPOINTER_TO_INT (kind) - 1, removed);
          n += redact_tree_by_name (self, member, removed);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        n += redact_tree_by_name (self, json_array_get_element (array, i), removed);
    }
  return n;
}

/* For what has no declaration (a type from a newer server, a process
 * manager's state): every member, at any depth, named like the last member
 * of a declared path. */
guint
ccm_registry_redact_by_name (CcmRegistry *self,
                             JsonObject  *object,
                             GPtrArray   *removed)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (self != NULL && object != NULL, 0);

  node = json_node_init_object (json_node_alloc (), object);
  return redact_tree_by_name (self, node, removed);
}

/* Replaces the personal values of one payload (events) or args (commands)
 * in place, adding each value replaced to removed (when given). Returns how
 * many values were replaced: 0 when the object was clean already. */
guint
ccm_registry_redact (CcmRegistry   *self,
                     CcmRecordKind  record,
                     const char    *type,
                     JsonObject    *object,
                     GPtrArray     *removed)
{
  const CcmPersonalData *data;
  guint n = 0;

  g_return_val_if_fail (self != NULL && object != NULL, 0);

  data = ccm_registry_lookup_personal_data (self, record, type);
  if (data == NULL)
    {
      g_message ("The %s type %s declares no personal data; members named like personal "
                 "ones are redacted", record == CCM_RECORD_EVENT ? "event" : "command", type);
      return ccm_registry_redact_by_name (self, object, removed);
    }

  for (guint i = 0; data->fields != NULL && data->fields[i].path != NULL; i++)
    n += ccm_personal_redact_path (object, data->fields[i].path, data->fields[i].kind, removed);
  if (data->redact != NULL)
    n += data->redact (object, removed);
  return n;
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
