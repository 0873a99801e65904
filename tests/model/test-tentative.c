/* test-tentative.c — the command log, the tentative layer and rebase
 *
 * A second store plays the server: it runs the same commands, and its events
 * are what a pull would bring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ccm-errors.h"
#include "ccm-json.h"
#include "test-registry.h"

#define T0 G_GINT64_CONSTANT (1780000000000000)

typedef struct
{
  char *dir;
  CcmRegistry *registry;
  CcmClock *clock;
  CcmStore *desk;
  CcmStore *server;
  gint64 pulled;        /* the server position the desk has seen */
} Fixture;

static CcmStore *
open_named (Fixture    *f,
            const char *name)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  CcmStore *store = ccm_store_open (path, f->registry, f->clock, &error);

  g_assert_no_error (error);
  return store;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("ccm-tentative-XXXXXX", NULL);
  f->registry = test_registry_new ();
  f->clock = ccm_clock_new_fixed (T0);
  f->desk = open_named (f, "desk.db");
  f->server = open_named (f, "server.db");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_assert_finalize_object (f->desk);
  g_assert_finalize_object (f->server);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->registry, ccm_registry_unref);

  d = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static CcmOutcome *
submit (CcmStore   *store,
        const char *id,
        const char *counter,
        gint64      by)
{
  g_autoptr(CcmCommand) command = test_increment_new (id, counter, by, 1);
  g_autoptr(GError) error = NULL;
  CcmOutcome *outcome = ccm_store_submit (store, command, &error);

  g_assert_no_error (error);
  g_assert_nonnull (outcome);
  return outcome;
}

/* The server runs a command as a push would make it. */
static void
server_runs (Fixture    *f,
             const char *id,
             const char *counter,
             gint64      by)
{
  g_autoptr(CcmCommand) command = test_increment_new (id, counter, by, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = ccm_store_execute (f->server, command, &error);

  g_assert_no_error (error);
}

static CcmCommandResult *
result_new (gint64      seq,
            const char *status)
{
  CcmCommandResult *result = g_new0 (CcmCommandResult, 1);

  result->seq = seq;
  result->status = g_strdup (status);
  result->outcome = json_object_new ();
  return result;
}

/* A pull: every server event the desk has not seen, plus the results. */
static void
pull (Fixture   *f,
      GPtrArray *results)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  events = ccm_store_read_all (f->server, f->pulled, 0, &error);
  g_assert_no_error (error);
  if (events->len > 0)
    f->pulled = ((CcmEvent *) g_ptr_array_index (events, events->len - 1))->position;

  g_assert_true (ccm_store_rebase (f->desk, events, results, &error));
  g_assert_no_error (error);
}

static char *
log_shape (CcmStore *store)
{
  g_autoptr(GPtrArray) events = ccm_store_read_all (store, 0, 0, NULL);
  GString *shape = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *e = g_ptr_array_index (events, i);

      g_string_append_printf (shape, "%s#%lld:%s:%lld\n", e->stream_id,
                              (long long) e->stream_version, e->type,
                              (long long) ccm_json_int (e->payload, "by", 0));
    }
  return g_string_free (shape, FALSE);
}

static void
test_standalone_log (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CcmOutcome) first = submit (f->desk, "cmd-1", "a", 2);
  g_autoptr(CcmOutcome) second = submit (f->desk, "cmd-2", "a", 3);
  g_autoptr(CcmOutcome) again = submit (f->desk, "cmd-1", "a", 2);

  g_assert_cmpint (ccm_json_int (first->result, "seq", 0), ==, 1);
  g_assert_cmpint (ccm_json_int (second->result, "seq", 0), ==, 2);
  g_assert_false (ccm_json_bool (second->result, "pending"));
  g_assert_true (again->duplicate);

  /* Standalone: its own authority, nothing pending. */
  g_assert_false (ccm_store_is_enrolled (f->desk));
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 0);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 5);
  g_assert_cmpint (ccm_store_count_events (f->desk), ==, 2);
}

/* The desk's connection keeps what it read of meta between commands; a
 * second connection to the same file (the command line while the window is
 * open) that enrolls it is seen by the next command, which stays pending. */
static void
test_enrolled_by_other_connection (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(CcmOutcome) first = submit (f->desk, "cmd-1", "a", 2);
  g_autoptr(CcmOutcome) second = NULL;
  g_autoptr(CcmStore) other = open_named (f, "desk.db");
  g_autoptr(GError) error = NULL;

  g_assert_false (ccm_json_bool (first->result, "pending"));
  g_assert_true (ccm_store_enroll (other, &error));
  g_assert_no_error (error);

  second = submit (f->desk, "cmd-2", "a", 3);
  g_assert_true (ccm_json_bool (second->result, "pending"));
  g_assert_true (ccm_store_is_enrolled (f->desk));
  /* Enrolling made the first one pending too, to be pushed. */
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 2);
}

/* Another connection to the same file (a second program syncing the same
 * store) rebases it: this one's own command, folded into its cached state,
 * was refused, and the server's event for the same stream took its place
 * at the same version. The next command decides on the server's event,
 * not on the cached state. */
static void
test_rebased_by_other_connection (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(CcmStore) other = open_named (f, "desk.db");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_result_free);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(CcmOutcome) mine = NULL;
  g_autoptr(CcmOutcome) next = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (ccm_store_enroll (f->desk, &error));
  g_assert_no_error (error);
  mine = submit (f->desk, "cmd-1", "a", 5);
  g_assert_cmpint (ccm_json_int (mine->result, "value", 0), ==, 5);

  /* The server ran another desk's increment first and refused this one. */
  server_runs (f, "elsewhere-1", "a", 100);
  events = ccm_store_read_all (f->server, 0, 0, &error);
  g_assert_no_error (error);
  g_ptr_array_add (results, result_new (1, "rejected"));
  g_assert_true (ccm_store_rebase (other, events, results, &error));
  g_assert_no_error (error);

  next = submit (f->desk, "cmd-2", "a", 1);
  g_assert_cmpint (ccm_json_int (next->result, "value", 0), ==, 101);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 101);
}

static void
test_refused_not_logged (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CcmCommand) command = test_increment_new ("cmd-bad", "a", -4, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GPtrArray) pending = NULL;

  g_assert_true (ccm_store_enroll (f->desk, &error));
  outcome = ccm_store_submit (f->desk, command, &error);
  g_assert_null (outcome);
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_INVALID);
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 0);
  g_assert_cmpint (ccm_store_count_events (f->desk), ==, 0);

  g_clear_error (&error);
  pending = ccm_store_pending_commands (f->desk, 0, 0, &error);
  g_assert_cmpuint (pending->len, ==, 0);
}

/* An enrolled device runs only what its role may push: refused at once,
 * nothing logged, rather than refused by the server at the next sync. */
static void
test_role_checked (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CcmCommand) command = test_increment_new ("cmd-role", "a", 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;

  g_assert_true (ccm_store_enroll (f->desk, &error));
  g_assert_true (ccm_store_set_meta (f->desk, CCM_STORE_META_ROLE, "checkin", &error));
  outcome = ccm_store_submit (f->desk, command, &error);
  g_assert_null (outcome);
  g_assert_error (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_FORBIDDEN);
  g_assert_cmpstr (ccm_domain_error_get_field (error), ==, "type");
  g_assert_nonnull (strstr (error->message, "checkin"));
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 0);
  g_assert_cmpint (ccm_store_count_events (f->desk), ==, 0);
  g_clear_error (&error);

  /* A role this program does not know is the server's to judge; an admin
   * runs everything. */
  g_assert_true (ccm_store_set_meta (f->desk, CCM_STORE_META_ROLE, "auditor", &error));
  g_clear_pointer (&outcome, ccm_outcome_free);
  outcome = ccm_store_submit (f->desk, command, &error);
  g_assert_no_error (error);
  g_assert_true (ccm_store_set_meta (f->desk, CCM_STORE_META_ROLE, "admin", &error));
  g_clear_pointer (&outcome, ccm_outcome_free);
  outcome = submit (f->desk, "cmd-admin", "a", 2);
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 2);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 3);
}

static void
test_pending_then_confirmed (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_result_free);
  g_autofree char *desk_log = NULL;
  g_autofree char *server_log = NULL;

  g_assert_true (ccm_store_enroll (f->desk, &error));
  outcome = submit (f->desk, "cmd-1", "a", 5);
  g_assert_true (ccm_json_bool (outcome->result, "pending"));

  /* The desk sees its own write at once, marked as pending. */
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 5);
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 1);
  keys = ccm_store_tentative_keys (f->desk, "counters", &error);
  g_assert_true (g_hash_table_contains (keys, "counter/a"));

  pending = ccm_store_pending_commands (f->desk, 0, 0, &error);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstr (((CcmLoggedCommand *) g_ptr_array_index (pending, 0))->command->command_id, ==, "cmd-1");

  /* Meanwhile another desk's +100 reached the server first. */
  server_runs (f, "other-1", "a", 100);
  pull (f, NULL);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 105);
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 1);

  /* The push arrives: the server's order is the truth. */
  server_runs (f, "cmd-1", "a", 5);
  g_ptr_array_add (results, result_new (1, "applied"));
  pull (f, results);
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 0);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 105);

  g_clear_pointer (&keys, g_hash_table_unref);
  keys = ccm_store_tentative_keys (f->desk, "counters", &error);
  g_assert_cmpuint (g_hash_table_size (keys), ==, 0);

  desk_log = log_shape (f->desk);
  server_log = log_shape (f->server);
  g_assert_cmpstr (desk_log, ==, server_log);
  g_assert_nonnull (strstr (desk_log, "counter/a#1:Incremented:100\ncounter/a#2:Incremented:5\n"));
}

static void
test_rejected_by_server (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) o1 = NULL;
  g_autoptr(CcmOutcome) o2 = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_result_free);

  g_assert_true (ccm_store_enroll (f->desk, &error));
  o1 = submit (f->desk, "cmd-1", "a", 5);
  o2 = submit (f->desk, "cmd-2", "b", 7);
  g_assert_cmpint (test_counter_value (f->desk, "b"), ==, 7);

  /* The server refused the first, applied the second. */
  server_runs (f, "cmd-2", "b", 7);
  g_ptr_array_add (results, result_new (1, "rejected"));
  g_ptr_array_add (results, result_new (2, "applied"));
  pull (f, results);

  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 0);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, -1);
  g_assert_cmpint (test_counter_value (f->desk, "b"), ==, 7);
  g_assert_cmpint (ccm_store_count_events (f->desk), ==, 1);
}

static void
test_survives_restart (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) o1 = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_result_free);

  g_assert_true (ccm_store_enroll (f->desk, &error));
  o1 = submit (f->desk, "cmd-1", "a", 5);

  g_assert_finalize_object (f->desk);
  f->desk = open_named (f, "desk.db");
  g_assert_true (ccm_store_is_enrolled (f->desk));
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 1);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 5);

  server_runs (f, "other-1", "a", 10);
  server_runs (f, "cmd-1", "a", 5);
  g_ptr_array_add (results, result_new (1, "applied"));
  pull (f, results);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 15);
  g_assert_cmpint (ccm_store_count_events (f->desk), ==, 2);
}

/* The counter total the desk's event for a command was decided on. */
static gint64
decided_on (CcmStore   *store,
            const char *command_id)
{
  g_autoptr(GPtrArray) events = ccm_store_read_stream (store, "counter/a", 0, NULL);

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);

      if (g_strcmp0 (event->command_id, command_id) == 0)
        return ccm_json_int (event->payload, "before", -1);
    }
  return -1;
}

/* On an enrolled desk a snapshot of folded state holds confirmed events
 * only. A pull undoes and replays the pending commands: a snapshot that
 * held one of them would decide on a past the server did not keep. */
static void
test_snapshot_confirmed_only (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) first = NULL;
  g_autoptr(CcmOutcome) last = NULL;
  guint folded;

  g_assert_true (ccm_store_enroll (f->desk, &error));
  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *id = g_strdup_printf ("server-%u", i);

      server_runs (f, id, "a", 1);
    }
  pull (f, NULL);

  /* The desk's first command folds the confirmed 1 500 and stores them. */
  first = submit (f->desk, "cmd-1", "a", 5);
  g_assert_cmpint (test_query_int (f->desk, "SELECT stream_version FROM snapshots"), ==, 1500);

  /* 1 100 pending commands later, no state holding them was stored. */
  for (guint i = 0; i < 1100; i++)
    {
      g_autofree char *id = g_strdup_printf ("pending-%u", i);
      g_autoptr(CcmOutcome) outcome = submit (f->desk, id, "a", 1);
    }
  g_assert_cmpint (test_query_int (f->desk, "SELECT count(*) FROM snapshots"), ==, 1);
  g_assert_cmpint (test_query_int (f->desk, "SELECT stream_version FROM snapshots"), ==, 1500);

  /* Another desk's +100 reached the server first: the pull puts it under
   * every pending command, which decide again on top of it. */
  server_runs (f, "other-1", "a", 100);
  folded = test_counter_evolutions ();
  pull (f, NULL);
  /* The replay folded from the snapshot, not from the stream's start: the
   * pulled event, then each replayed command's own. */
  g_assert_cmpuint (test_counter_evolutions () - folded, ==, 1 + 1101);
  g_assert_cmpint (decided_on (f->desk, "cmd-1"), ==, 1600);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 1500 + 100 + 5 + 1100);
  /* The undo left the snapshot, and nothing past the confirmed log was
   * stored since. */
  g_assert_cmpint (test_query_int (f->desk, "SELECT count(*) FROM snapshots"), ==, 1);
  g_assert_cmpint (test_query_int (f->desk, "SELECT s.position <= CAST(m.value AS INTEGER) "
                                            "FROM snapshots s, meta m "
                                            "WHERE m.key = 'confirmed_position'"),
                   ==, 1);

  /* Started again, the desk decides from the snapshot and the rest. */
  g_assert_finalize_object (f->desk);
  f->desk = open_named (f, "desk.db");
  last = submit (f->desk, "cmd-last", "a", 1);
  g_assert_cmpint (decided_on (f->desk, "cmd-last"), ==, 2705);
}

static void
test_enroll_pushes_history (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_result_free);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("cmd-%d", i);
      g_autoptr(CcmOutcome) outcome = submit (f->desk, id, "a", i);
    }
  before = test_dump_read_models (f->desk);

  g_assert_true (ccm_store_enroll (f->desk, &error));
  g_assert_no_error (error);

  /* The history is now pending, to be pushed; what the desk shows is unchanged. */
  pending = ccm_store_pending_commands (f->desk, 0, 0, &error);
  g_assert_cmpuint (pending->len, ==, 3);
  after = test_dump_read_models (f->desk);
  g_assert_cmpstr (before, ==, after);

  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("cmd-%d", i);

      server_runs (f, id, "a", i);
      g_ptr_array_add (results, result_new (i, "applied"));
    }
  pull (f, results);
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 0);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 6);
}

static void
test_reset_keeps_outbox (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) o1 = NULL;

  g_assert_true (ccm_store_enroll (f->desk, &error));
  server_runs (f, "other-1", "a", 10);
  pull (f, NULL);
  o1 = submit (f->desk, "cmd-1", "a", 5);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 15);

  /* The server was restored from a backup: a new epoch. */
  g_assert_true (ccm_store_reset_confirmed (f->desk, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ccm_store_count_pending (f->desk), ==, 1);
  g_assert_cmpint (test_counter_value (f->desk, "a"), ==, 5);
  g_assert_cmpint (ccm_store_count_events (f->desk), ==, 1);
}

static void
test_enrolled_timers_wait_for_server (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(CcmCommand) command = test_increment_new ("cmd-1", "a", 1, 1);
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (ccm_store_enroll (f->desk, &error));
  json_object_set_int_member (command->args, "remind_after_s", 10);
  outcome = ccm_store_submit (f->desk, command, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ccm_store_count_timers (f->desk), ==, 1);

  ccm_clock_advance (f->clock, 60 * G_USEC_PER_SEC);
  g_assert_cmpuint (ccm_store_run_due_timers (f->desk, &error), ==, 0);
  g_assert_cmpint (ccm_store_count_timers (f->desk), ==, 1);
}

/* A standalone desk's timer decision (here the test registry's Remind,
 * declared one) goes into its command log, so the history it pushes when it
 * enrolls carries it; the server's store, the authority, logs none. */
static void
test_standalone_timer_decision_logged (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  CcmStore *stores[] = { f->desk, f->server };

  ccm_registry_add_device_decision (f->registry, "Remind");
  ccm_store_set_authority (f->server, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (stores); i++)
    {
      g_autoptr(CcmCommand) command = test_increment_new ("cmd-1", "a", 1, 1);
      g_autoptr(CcmOutcome) outcome = NULL;

      json_object_set_int_member (command->args, "remind_after_s", 10);
      outcome = ccm_store_submit (stores[i], command, &error);
      g_assert_no_error (error);
    }
  ccm_clock_advance (f->clock, 60 * G_USEC_PER_SEC);
  for (guint i = 0; i < G_N_ELEMENTS (stores); i++)
    {
      g_assert_cmpuint (ccm_store_run_due_timers (stores[i], &error), ==, 1);
      g_assert_no_error (error);
    }

  g_assert_true (ccm_store_enroll (f->desk, &error));
  g_assert_no_error (error);
  pending = ccm_store_pending_commands (f->desk, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 2);
  g_assert_cmpstr (((CcmLoggedCommand *) g_ptr_array_index (pending, 1))->command->type, ==, "Remind");
  g_clear_pointer (&pending, g_ptr_array_unref);

  g_assert_true (ccm_store_enroll (f->server, &error));
  pending = ccm_store_pending_commands (f->server, 0, 0, &error);
  g_assert_cmpuint (pending->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)

  ADD ("/tentative/standalone-log", test_standalone_log);
  ADD ("/tentative/enrolled-by-other-connection", test_enrolled_by_other_connection);
  ADD ("/tentative/rebased-by-other-connection", test_rebased_by_other_connection);
  ADD ("/tentative/refused-not-logged", test_refused_not_logged);
  ADD ("/tentative/role-checked", test_role_checked);
  ADD ("/tentative/pending-then-confirmed", test_pending_then_confirmed);
  ADD ("/tentative/rejected-by-server", test_rejected_by_server);
  ADD ("/tentative/survives-restart", test_survives_restart);
  ADD ("/tentative/enroll-pushes-history", test_enroll_pushes_history);
  ADD ("/tentative/reset-keeps-outbox", test_reset_keeps_outbox);
  ADD ("/tentative/enrolled-timers-wait", test_enrolled_timers_wait_for_server);
  ADD ("/tentative/standalone-timer-decision-logged", test_standalone_timer_decision_logged);
  ADD ("/tentative/snapshot-confirmed-only", test_snapshot_confirmed_only);

  return g_test_run ();
}
