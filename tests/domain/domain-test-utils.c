/* domain-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "domain-test"

#include <stdarg.h>
#include <string.h>

#include "domain-test-utils.h"
#include "ccm-conference.h"
#include "ccm-orders-domain.h"
#include "ccm-seats.h"

struct _DtWorld
{
  CcmRegistry *registry;
  gint64 now;
  GHashTable *streams;       /* stream id -> GPtrArray of CcmEvent* */
  GPtrArray *log;            /* every event, in order */
  guint settled;             /* log events already offered to the managers */
  guint command_counter;

  GPtrArray *events;         /* of the last When */
  JsonObject *result;
  GError *error;

  GHashTable *pm_states;     /* "manager\ninstance" -> JsonObject* */
  GPtrArray *sent;           /* commands of the last dt_react */
  GPtrArray *timer_requests; /* DtTimer* of the last dt_react */
  GPtrArray *timers;         /* DtTimer*, pending */
};

static void
dt_timer_free (DtTimer *timer)
{
  g_free (timer->manager);
  g_free (timer->instance);
  g_free (timer->key);
  g_clear_pointer (&timer->command, ccm_command_unref);
  g_free (timer);
}

DtWorld *
dt_world_new (void)
{
  DtWorld *world = g_new0 (DtWorld, 1);

  world->registry = ccm_registry_new ();
  ccm_conference_register (world->registry);
  ccm_orders_register (world->registry);
  world->now = DT_T0;
  world->streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  world->log = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_event_unref);
  world->events = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_event_unref);
  world->result = json_object_new ();
  world->pm_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) json_object_unref);
  world->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_unref);
  world->timer_requests = g_ptr_array_new_with_free_func ((GDestroyNotify) dt_timer_free);
  world->timers = g_ptr_array_new_with_free_func ((GDestroyNotify) dt_timer_free);
  return world;
}

void
dt_world_free (DtWorld *world)
{
  ccm_registry_unref (world->registry);
  g_hash_table_unref (world->streams);
  g_ptr_array_unref (world->log);
  g_ptr_array_unref (world->events);
  json_object_unref (world->result);
  g_clear_error (&world->error);
  g_hash_table_unref (world->pm_states);
  g_ptr_array_unref (world->sent);
  g_ptr_array_unref (world->timer_requests);
  g_ptr_array_unref (world->timers);
  g_free (world);
}

void
dt_world_set_now (DtWorld *world,
                  gint64   now)
{
  world->now = now;
}

gint64
dt_world_get_now (DtWorld *world)
{
  return world->now;
}

CcmRegistry *
dt_world_get_registry (DtWorld *world)
{
  return world->registry;
}

JsonObject *
dt_json (const char *format,
         ...)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_strdelimit (text, "'", '"');
  object = ccm_json_from_string (text, -1, &error);
  g_assert_no_error (error);
  return object;
}

GPtrArray *
dt_stream (DtWorld    *world,
           const char *stream_id)
{
  GPtrArray *stream = g_hash_table_lookup (world->streams, stream_id);

  if (stream == NULL)
    {
      stream = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_event_unref);
      g_hash_table_insert (world->streams, g_strdup (stream_id), stream);
    }
  return stream;
}

static void
append (DtWorld    *world,
        CcmEvent   *event,
        const char *command_id,
        const char *correlation_id)
{
  GPtrArray *stream = dt_stream (world, event->stream_id);

  event->stream_version = stream->len + 1;
  event->position = world->log->len + 1;
  event->recorded_at = world->now;
  g_free (event->command_id);
  event->command_id = g_strdup (command_id);
  g_free (event->correlation_id);
  event->correlation_id = g_strdup (correlation_id);
  ccm_registry_upcast (world->registry, event);
  g_ptr_array_add (stream, ccm_event_ref (event));
  g_ptr_array_add (world->log, ccm_event_ref (event));
}

CcmEvent *
dt_given_version (DtWorld    *world,
                  const char *stream_id,
                  const char *type,
                  int         schema_version,
                  JsonObject *payload)
{
  g_autoptr(CcmEvent) event = ccm_event_new (type, schema_version, payload);

  event->stream_id = g_strdup (stream_id);
  append (world, event, NULL, NULL);
  /* Given events are history: the managers have seen them already. */
  if (world->settled == world->log->len - 1)
    world->settled++;
  return event;
}

CcmEvent *
dt_given (DtWorld    *world,
          const char *stream_id,
          const char *type,
          JsonObject *payload)
{
  return dt_given_version (world, stream_id, type, 1, payload);
}

void
dt_given_seat_type (DtWorld    *world,
                    const char *slug,
                    const char *seat_type_id,
                    const char *name,
                    gint64      price,
                    gint64      quota)
{
  g_autofree char *conference = g_strconcat ("conference/", slug, NULL);
  g_autofree char *seats = g_strconcat ("seats/", slug, NULL);

  dt_given (world, conference, "SeatTypeCreated",
            dt_json ("{'seat_type_id': '%s', 'conference_id': '%s', 'name': '%s', "
                     "'description': '', 'price': %" G_GINT64_FORMAT ", "
                     "'quota': %" G_GINT64_FORMAT "}",
                     seat_type_id, DT_CONF_ID, name, price, quota));
  dt_given (world, seats, "AvailableSeatsChanged",
            dt_json ("{'conference': '%s', 'seats': [{'seat_type': '%s', "
                     "'quantity': %" G_GINT64_FORMAT "}], 'reason': 'quota'}",
                     slug, seat_type_id, quota));
}

void
dt_given_conference (DtWorld    *world,
                     const char *slug,
                     gboolean    published)
{
  g_autofree char *conference = g_strconcat ("conference/", slug, NULL);

  dt_given (world, conference, "ConferenceCreated",
            dt_json ("{'conference_id': '%s', 'slug': '%s', 'name': 'Contoso Days', "
                     "'tagline': '', 'description': '', 'location': 'Lisbon', "
                     "'start_date': '2025-06-01', 'end_date': '2025-06-02', "
                     "'owner_name': 'Ada Owner', 'owner_email': 'ada@example.com', "
                     "'access_code': 'CONFAB', 'currency': 'USD', "
                     "'reservation_minutes': 15}", DT_CONF_ID, slug));
  dt_given_seat_type (world, slug, DT_GENERAL, "General", 19900, 100);
  dt_given_seat_type (world, slug, DT_WORKSHOP, "Workshop", 5000, 10);
  if (published)
    dt_given (world, conference, "ConferencePublished", NULL);
}

static gpointer
fold (DtWorld            *world,
      const CcmAggregate *aggregate,
      const char         *stream_id,
      gint64             *version)
{
  GPtrArray *stream = g_hash_table_lookup (world->streams, stream_id);
  gpointer state = aggregate->new_state ();

  for (guint i = 0; stream != NULL && i < stream->len; i++)
    aggregate->evolve (state, g_ptr_array_index (stream, i));
  if (version != NULL)
    *version = stream != NULL ? stream->len : 0;
  return state;
}

gpointer
dt_state (DtWorld            *world,
          const CcmAggregate *aggregate,
          const char         *stream_id)
{
  return fold (world, aggregate, stream_id, NULL);
}

static gboolean
load_cb (gpointer             user_data,
         const CcmAggregate  *aggregate,
         const char          *stream_id,
         gpointer            *state,
         gint64              *version,
         GError             **error)
{
  *state = fold (user_data, aggregate, stream_id, version);
  return TRUE;
}

gboolean
dt_when_command (DtWorld    *world,
                 CcmCommand *command)
{
  const CcmCommandHandler *handler;
  g_autofree char *stream_id = NULL;
  g_autoptr(CcmDecideContext) ctx = NULL;
  gpointer state;
  gboolean ok;
  GPtrArray *events;

  g_ptr_array_set_size (world->events, 0);
  g_clear_error (&world->error);
  json_object_unref (world->result);
  world->result = json_object_new ();

  handler = ccm_registry_lookup_command (world->registry, command->type);
  g_assert_nonnull (handler);

  stream_id = handler->stream_for (command, &world->error);
  if (stream_id == NULL)
    {
      g_assert_nonnull (world->error);
      return FALSE;
    }

  state = fold (world, handler->aggregate, stream_id, NULL);
  ctx = ccm_decide_context_new (stream_id, world->now, load_cb, world);
  ok = handler->decide (state, command, ctx, &world->error);
  handler->aggregate->free_state (state);

  events = ccm_decide_context_get_events (ctx);
  if (!ok)
    {
      g_assert_nonnull (world->error);
      g_assert_cmpuint (events->len, ==, 0);
      return FALSE;
    }
  g_assert_no_error (world->error);

  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);

      /* As the store does: events carry the device that issued the command. */
      if (event->device_id == NULL)
        event->device_id = g_strdup (command->device_id);
      append (world, event, command->command_id,
              command->correlation_id != NULL ? command->correlation_id : command->command_id);
      g_ptr_array_add (world->events, ccm_event_ref (event));
    }

  json_object_unref (world->result);
  world->result = json_object_ref (ccm_decide_context_get_result (ctx));
  return TRUE;
}

gboolean
dt_when (DtWorld    *world,
         const char *type,
         JsonObject *args)
{
  g_autofree char *id = g_strdup_printf ("test-command-%u", ++world->command_counter);
  g_autoptr(CcmCommand) command = ccm_command_new (type, id, args);

  command->issued_at = world->now;
  return dt_when_command (world, command);
}

GPtrArray *
dt_events (DtWorld *world)
{
  return world->events;
}

JsonObject *
dt_result (DtWorld *world)
{
  return world->result;
}

const GError *
dt_error (DtWorld *world)
{
  return world->error;
}

JsonObject *
dt_payload (DtWorld *world,
            guint    index)
{
  g_assert_cmpuint (index, <, world->events->len);
  return ((CcmEvent *) g_ptr_array_index (world->events, index))->payload;
}

static char *
event_types (GPtrArray *events)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < events->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "",
                            ((CcmEvent *) g_ptr_array_index (events, i))->type);
  g_string_append (s, "]");
  return g_string_free (s, FALSE);
}

void
dt_assert_events (DtWorld *world,
                  ...)
{
  g_autoptr(GString) expected = g_string_new ("[");
  g_autofree char *actual = NULL;
  const char *type;
  va_list args;
  guint n = 0;

  if (world->error != NULL)
    g_error ("The command was refused: %s (field %s)", world->error->message,
             ccm_domain_error_get_field (world->error));

  va_start (args, world);
  while ((type = va_arg (args, const char *)) != NULL)
    g_string_append_printf (expected, "%s%s", n++ > 0 ? ", " : "", type);
  va_end (args);
  g_string_append (expected, "]");

  actual = event_types (world->events);
  g_assert_cmpstr (actual, ==, expected->str);
}

void
dt_assert_rejected (DtWorld        *world,
                    CcmDomainError  code,
                    const char     *field)
{
  g_assert_error (world->error, CCM_DOMAIN_ERROR, (int) code);
  g_assert_cmpstr (ccm_domain_error_get_field (world->error), ==, field);
  /* A sentence a user can act on. */
  g_assert_true (g_str_has_suffix (world->error->message, "."));
  g_assert_cmpuint (world->events->len, ==, 0);
}

void
dt_assert_accepted (DtWorld *world)
{
  g_assert_no_error (world->error);
}

/* Process managers */

static char *
pm_key (const char *manager,
        const char *instance)
{
  return g_strconcat (manager, "\n", instance, NULL);
}

JsonObject *
dt_pm_state (DtWorld    *world,
             const char *manager,
             const char *instance)
{
  g_autofree char *key = pm_key (manager, instance);
  JsonObject *state = g_hash_table_lookup (world->pm_states, key);

  if (state == NULL)
    {
      state = json_object_new ();
      g_hash_table_insert (world->pm_states, g_steal_pointer (&key), state);
    }
  return state;
}

static void
apply_timer (DtWorld         *world,
             const char      *manager,
             const char      *instance,
             CcmTimerRequest *request)
{
  DtTimer *timer;

  for (guint i = 0; i < world->timers->len; i++)
    {
      DtTimer *t = g_ptr_array_index (world->timers, i);

      if (g_str_equal (t->manager, manager) && g_str_equal (t->instance, instance) &&
          g_str_equal (t->key, request->key))
        {
          g_ptr_array_remove_index (world->timers, i);
          break;
        }
    }

  timer = g_new0 (DtTimer, 1);
  timer->manager = g_strdup (manager);
  timer->instance = g_strdup (instance);
  timer->key = g_strdup (request->key);
  timer->due_at = request->due_at;
  timer->command = request->command != NULL ? ccm_command_ref (request->command) : NULL;
  g_ptr_array_add (world->timer_requests, timer);

  if (request->command != NULL)
    {
      DtTimer *pending = g_new0 (DtTimer, 1);

      pending->manager = g_strdup (manager);
      pending->instance = g_strdup (instance);
      pending->key = g_strdup (request->key);
      pending->due_at = request->due_at;
      pending->command = ccm_command_ref (request->command);
      g_ptr_array_add (world->timers, pending);
    }
}

void
dt_react (DtWorld                 *world,
          const CcmProcessManager *manager,
          CcmEvent                *event)
{
  g_autofree char *instance = NULL;
  g_autoptr(CcmReaction) reaction = NULL;
  GPtrArray *commands, *timers;

  g_ptr_array_set_size (world->sent, 0);
  g_ptr_array_set_size (world->timer_requests, 0);

  instance = manager->correlate (event);
  if (instance == NULL)
    return;

  reaction = ccm_reaction_new (manager, instance, event, world->now);
  manager->react (dt_pm_state (world, manager->name, instance), event, reaction);

  commands = ccm_reaction_get_commands (reaction);
  for (guint i = 0; i < commands->len; i++)
    g_ptr_array_add (world->sent, ccm_command_ref (g_ptr_array_index (commands, i)));

  timers = ccm_reaction_get_timers (reaction);
  for (guint i = 0; i < timers->len; i++)
    apply_timer (world, manager->name, instance, g_ptr_array_index (timers, i));
}

GPtrArray *
dt_sent (DtWorld *world)
{
  return world->sent;
}

GPtrArray *
dt_timer_requests (DtWorld *world)
{
  return world->timer_requests;
}

CcmCommand *
dt_sent_command (DtWorld *world,
                 guint    index)
{
  g_assert_cmpuint (index, <, world->sent->len);
  return g_ptr_array_index (world->sent, index);
}

void
dt_assert_sent (DtWorld *world,
                ...)
{
  g_autoptr(GString) expected = g_string_new ("[");
  g_autoptr(GString) actual = g_string_new ("[");
  const char *type;
  va_list args;
  guint n = 0;

  va_start (args, world);
  while ((type = va_arg (args, const char *)) != NULL)
    g_string_append_printf (expected, "%s%s", n++ > 0 ? ", " : "", type);
  va_end (args);
  g_string_append (expected, "]");

  for (guint i = 0; i < world->sent->len; i++)
    g_string_append_printf (actual, "%s%s", i > 0 ? ", " : "",
                            ((CcmCommand *) g_ptr_array_index (world->sent, i))->type);
  g_string_append (actual, "]");

  g_assert_cmpstr (actual->str, ==, expected->str);
}

/* Like a store: every new event goes to every manager; the commands they
 * send run at once, and their events are offered in turn. Rejections of
 * reactive commands are not failures of the test: the tests look at the
 * outcome in the streams. */
void
dt_settle (DtWorld *world)
{
  GPtrArray *managers = ccm_registry_get_process_managers (world->registry);

  while (world->settled < world->log->len)
    {
      g_autoptr(CcmEvent) event = ccm_event_ref (g_ptr_array_index (world->log, world->settled++));

      for (guint m = 0; m < managers->len; m++)
        {
          g_autoptr(GPtrArray) commands =
            g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_unref);

          dt_react (world, g_ptr_array_index (managers, m), event);
          for (guint c = 0; c < world->sent->len; c++)
            g_ptr_array_add (commands, ccm_command_ref (g_ptr_array_index (world->sent, c)));
          for (guint c = 0; c < commands->len; c++)
            {
              CcmCommand *command = g_ptr_array_index (commands, c);

              if (!dt_when_command (world, command))
                g_test_message ("%s was refused: %s", command->type, world->error->message);
            }
        }
    }
  g_ptr_array_set_size (world->sent, 0);
}

void
dt_advance_to (DtWorld *world,
               gint64   now)
{
  dt_settle (world);

  for (;;)
    {
      DtTimer *next = NULL;
      guint index = 0;
      g_autoptr(CcmCommand) command = NULL;

      for (guint i = 0; i < world->timers->len; i++)
        {
          DtTimer *t = g_ptr_array_index (world->timers, i);

          if (t->due_at <= now && (next == NULL || t->due_at < next->due_at))
            {
              next = t;
              index = i;
            }
        }
      if (next == NULL)
        break;

      world->now = MAX (world->now, next->due_at);
      command = ccm_command_ref (next->command);
      g_ptr_array_remove_index (world->timers, index);
      if (!dt_when_command (world, command))
        g_test_message ("%s was refused: %s", command->type, world->error->message);
      dt_settle (world);
    }

  world->now = now;
}

guint
dt_pending_timers (DtWorld *world)
{
  return world->timers->len;
}

JsonObject *
dt_last_payload (DtWorld    *world,
                 const char *stream_id,
                 const char *type)
{
  GPtrArray *stream = dt_stream (world, stream_id);

  for (guint i = stream->len; i > 0; i--)
    {
      CcmEvent *event = g_ptr_array_index (stream, i - 1);

      if (g_str_equal (event->type, type))
        return event->payload;
    }
  return NULL;
}

guint
dt_count (DtWorld    *world,
          const char *stream_id,
          const char *type)
{
  GPtrArray *stream = dt_stream (world, stream_id);
  guint n = 0;

  for (guint i = 0; i < stream->len; i++)
    if (g_str_equal (((CcmEvent *) g_ptr_array_index (stream, i))->type, type))
      n++;
  return n;
}

/* Codes */

char *
dt_code (const char *prefix,
         guint       index)
{
  static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ123456789";
  char code[13];

  g_assert_cmpuint (strlen (prefix), ==, 3);
  memcpy (code, prefix, 3);
  for (int i = 11; i >= 3; i--)
    {
      code[i] = alphabet[index % 32];
      index /= 32;
    }
  code[12] = '\0';
  return g_strdup (code);
}

char *
dt_codes (const char *prefix,
          guint       count)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *code = dt_code (prefix, i);

      g_string_append_printf (s, "%s'%s'", i > 0 ? ", " : "", code);
    }
  g_string_append (s, "]");
  return g_string_free (s, FALSE);
}

/* Readers */

gint64
dt_seats_of (JsonObject *payload,
             const char *member,
             const char *seat_type)
{
  JsonNode *node = json_object_get_member (payload, member);
  JsonArray *array;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (ccm_json_string (o, "seat_type"), seat_type) == 0)
        return ccm_json_int (o, "quantity", 0);
    }
  return 0;
}

guint
dt_array_length (JsonObject *payload,
                 const char *member)
{
  JsonNode *node = json_object_get_member (payload, member);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_get_length (json_node_get_array (node));
}

JsonObject *
dt_array_object (JsonObject *payload,
                 const char *member,
                 guint       index)
{
  JsonNode *node = json_object_get_member (payload, member);
  JsonArray *array;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_node_get_array (node);
  g_assert_cmpuint (index, <, json_array_get_length (array));
  return json_array_get_object_element (array, index);
}
