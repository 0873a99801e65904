/* test-registry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ccm-errors.h"
#include "ccm-json.h"
#include "test-registry.h"

typedef struct
{
  gint64 value;
  gint64 reminders;
} CounterState;

static gpointer
counter_new (void)
{
  return g_new0 (CounterState, 1);
}

static guint evolutions;

static void
counter_evolve (gpointer        data,
                const CcmEvent *event)
{
  CounterState *state = data;

  evolutions++;
  if (g_str_equal (event->type, "Incremented"))
    state->value += ccm_json_int (event->payload, "by", 0);
  else if (g_str_equal (event->type, "Reminded"))
    state->reminders++;
}

static char *
counter_snapshot (gconstpointer data)
{
  const CounterState *state = data;

  return g_strdup_printf ("{\"value\":%" G_GINT64_FORMAT ",\"reminders\":%" G_GINT64_FORMAT "}",
                          state->value, state->reminders);
}

static gpointer
counter_restore (JsonObject *snapshot)
{
  CounterState *state;

  if (!json_object_has_member (snapshot, "value"))
    return NULL;
  state = g_new0 (CounterState, 1);
  state->value = ccm_json_int (snapshot, "value", 0);
  state->reminders = ccm_json_int (snapshot, "reminders", 0);
  return state;
}

static const CcmAggregate counter_aggregate = {
  .name = "counter",
  .new_state = counter_new,
  .free_state = g_free,
  .evolve = counter_evolve,
  .snapshot_version = 1,
  .snapshot = counter_snapshot,
  .restore = counter_restore,
};

gint64
test_query_int (CcmStore   *store,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (ccm_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

guint
test_counter_evolutions (void)
{
  return evolutions;
}

static char *
counter_stream_for (const CcmCommand  *command,
                    GError           **error)
{
  const char *counter = NULL;

  if (!ccm_json_get_string (command->args, "counter", TRUE, &counter, error))
    return NULL;
  return g_strconcat ("counter/", counter, NULL);
}

static gboolean
decide_increment (gconstpointer      data,
                  const CcmCommand  *command,
                  CcmDecideContext  *ctx,
                  GError           **error)
{
  const CounterState *state = data;
  gint64 by = 0, events = 1, remind_after = 0;
  gboolean poison = FALSE;

  if (!ccm_json_get_int (command->args, "by", TRUE, &by, error) ||
      !ccm_json_get_int (command->args, "events", FALSE, &events, error) ||
      !ccm_json_get_int (command->args, "remind_after_s", FALSE, &remind_after, error) ||
      !ccm_json_get_bool (command->args, "poison", FALSE, &poison, error))
    return FALSE;

  if (by <= 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "by",
                            "The increment must be positive.");
      return FALSE;
    }

  for (gint64 i = 0; i < events; i++)
    {
      JsonObject *p = json_object_new ();

      json_object_set_int_member (p, "by", by);
      json_object_set_int_member (p, "before", state->value + i * by);
      if (poison)
        json_object_set_boolean_member (p, "poison", TRUE);
      if (remind_after > 0 && i == 0)
        json_object_set_int_member (p, "remind_after_s", remind_after);
      ccm_decide_context_emit_full (ctx, NULL, "Incremented", 2, p);
    }

  json_object_set_int_member (ccm_decide_context_get_result (ctx), "value",
                              state->value + events * by);
  return TRUE;
}

static gboolean
decide_remind (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  ccm_decide_context_emit (ctx, "Reminded", NULL);
  return TRUE;
}

static const CcmCommandHandler increment_handler = {
  "Increment", &counter_aggregate, counter_stream_for, decide_increment,
};

static const CcmCommandHandler remind_handler = {
  "Remind", &counter_aggregate, counter_stream_for, decide_remind,
};

static const char *const counter_tables[] = { "counters", NULL };

static gboolean
counters_apply (CcmStore        *store,
                const CcmEvent  *event,
                GError         **error)
{
  sqlite3_stmt *stmt;

  if (ccm_json_bool (event->payload, "poison"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "poisoned event");
      return FALSE;
    }

  if (g_str_equal (event->type, "Incremented"))
    {
      stmt = ccm_store_prepare (store,
                                "INSERT INTO counters (name, value, reminders) VALUES (?1, ?2, 0) "
                                "ON CONFLICT (name) DO UPDATE SET value = value + ?2",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, event->stream_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, ccm_json_int (event->payload, "by", 0));
      return ccm_store_step_done (store, stmt, error);
    }
  if (g_str_equal (event->type, "Reminded"))
    {
      stmt = ccm_store_prepare (store,
                                "UPDATE counters SET reminders = reminders + 1 WHERE name = ?",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, event->stream_id, -1, SQLITE_STATIC);
      return ccm_store_step_done (store, stmt, error);
    }
  return TRUE;
}

static const CcmProjection counters_projection = {
  .name = "counters",
  .version = 1,
  .schema = "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL, "
            "reminders INTEGER NOT NULL)",
  .tables = counter_tables,
  .apply = counters_apply,
};

static char *
reminder_correlate (const CcmEvent *event)
{
  if (g_str_equal (event->type, "Incremented") &&
      ccm_json_int (event->payload, "remind_after_s", 0) > 0)
    return g_strdup (event->stream_id);
  return NULL;
}

static void
reminder_react (JsonObject     *state,
                const CcmEvent *event,
                CcmReaction    *reaction)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "counter", event->stream_id + strlen ("counter/"));
  json_object_set_int_member (state, "scheduled", ccm_json_int (state, "scheduled", 0) + 1);
  ccm_reaction_schedule (reaction, "remind",
                         ccm_reaction_now (reaction)
                         + ccm_json_int (event->payload, "remind_after_s", 0) * G_USEC_PER_SEC,
                         "Remind", args);
}

static const CcmProcessManager reminder_manager = {
  "reminder", reminder_correlate, reminder_react,
};

/* Version 1 of Incremented called the amount "amount". */
static void
upcast_incremented_v1 (CcmEvent *event)
{
  gint64 amount = ccm_json_int (event->payload, "amount", 0);

  json_object_remove_member (event->payload, "amount");
  json_object_set_int_member (event->payload, "by", amount);
  event->schema_version = 2;
}

/* And before that, the event was called "Added". */
static void
upcast_added_v0 (CcmEvent *event)
{
  g_free (event->type);
  event->type = g_strdup ("Incremented");
  event->schema_version = 1;
}

CcmRegistry *
test_registry_new (void)
{
  CcmRegistry *registry = ccm_registry_new ();

  ccm_registry_add_command (registry, &increment_handler);
  ccm_registry_add_command (registry, &remind_handler);
  ccm_registry_add_projection (registry, &counters_projection);
  ccm_registry_add_process_manager (registry, &reminder_manager);
  ccm_registry_add_upcaster (registry, "Added", 0, upcast_added_v0);
  ccm_registry_add_upcaster (registry, "Incremented", 1, upcast_incremented_v1);
  return registry;
}

CcmCommand *
test_increment_new (const char *command_id,
                    const char *counter,
                    gint64      by,
                    gint64      events)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "counter", counter);
  json_object_set_int_member (args, "by", by);
  json_object_set_int_member (args, "events", events);
  return ccm_command_new ("Increment", command_id, args);
}

gint64
test_counter_value (CcmStore   *store,
                    const char *counter)
{
  g_autofree char *name = g_strconcat ("counter/", counter, NULL);
  sqlite3_stmt *stmt = ccm_store_prepare (store, "SELECT value FROM counters WHERE name = ?", NULL);
  gint64 value = -1;

  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

/* Every row of every read-model table, in a stable order, as text. */
char *
test_dump_read_models (CcmStore *store)
{
  GPtrArray *projections = ccm_registry_get_projections (ccm_store_get_registry (store));
  GString *dump = g_string_new (NULL);

  for (guint i = 0; i < projections->len; i++)
    {
      const CcmProjection *projection = g_ptr_array_index (projections, i);

      for (guint t = 0; projection->tables[t] != NULL; t++)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1, 2",
                                                  projection->tables[t]);
          sqlite3_stmt *stmt = NULL;

          g_assert_cmpint (sqlite3_prepare_v2 (ccm_store_get_db (store), sql, -1, &stmt, NULL),
                           ==, SQLITE_OK);
          g_string_append_printf (dump, "[%s]\n", projection->tables[t]);
          while (sqlite3_step (stmt) == SQLITE_ROW)
            {
              for (int c = 0; c < sqlite3_column_count (stmt); c++)
                {
                  const char *text = (const char *) sqlite3_column_text (stmt, c);

                  g_string_append_printf (dump, "%s%s", c > 0 ? "|" : "",
                                          text != NULL ? text : "NULL");
                }
              g_string_append_c (dump, '\n');
            }
          sqlite3_finalize (stmt);
        }
    }
  return g_string_free (dump, FALSE);
}
