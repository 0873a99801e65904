/* test-cli.c — the `contoso` command line, run as a real process
 *
 * Every test gets its own folder (G_TEST_OPTION_ISOLATE_DIRS) and runs the
 * built binary named by CONTOSO_BIN against a store in it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ccm-id.h"

typedef struct
{
  char *store;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  f->store = g_build_filename (g_get_user_data_dir (), "test-store.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->store);
}

/* Runs contoso with argv as given (no --store added) and env changes. */
static Run *
run_full (const char *const *args,
          const char        *store_env)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);
  const char *bin = g_getenv ("CONTOSO_BIN");
  int wait_status = 0;

  g_assert_nonnull (bin);

  g_ptr_array_add (argv, (gpointer) bin);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  /* The test's isolated folders hold only in this process; the child gets
   * them through its environment. */
  envp = g_environ_setenv (envp, "HOME", g_get_home_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  envp = g_environ_unsetenv (envp, "CONTOSO_STORE");
  envp = g_environ_unsetenv (envp, "CONTOSO_NOW");
  if (store_env != NULL)
    envp = g_environ_setenv (envp, "CONTOSO_STORE", store_env, TRUE);

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);

  /* A crash (a failed assertion, a fatal warning) is never a valid answer. */
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  return run;
}

static Run *
run_argv (const char *const *args)
{
  return run_full (args, NULL);
}

/* contoso --store STORE args… */
static Run *
run_store (Fixture    *f,
           const char *first,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (gpointer) "--store");
  g_ptr_array_add (args, f->store);
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return run_argv ((const char *const *) args->pdata);
}

static void
assert_ok (Run *run)
{
  if (run->status != 0)
    g_test_message ("stderr: %s", run->err);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonNode) node = parse_json (text);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
show (Fixture    *f,
      const char *slug)
{
  g_autoptr(Run) run = run_store (f, "--json", "conference", "show", slug, NULL);

  assert_ok (run);
  return parse_object (run->out);
}

static gint64
event_count (Fixture *f)
{
  g_autoptr(Run) run = run_store (f, "--json", "status", NULL);
  g_autoptr(JsonObject) status = NULL;

  assert_ok (run);
  status = parse_object (run->out);
  return json_object_get_int_member (status, "events");
}

static void
create_conference (Fixture    *f,
                   const char *slug)
{
  g_autoptr(Run) run = run_store (f, "conference", "create", slug,
                                  "--name", "DevConf 2026",
                                  "--tagline", "Old tagline",
                                  "--location", "Brno",
                                  "--start", "2026-02-01", "--end", "2026-02-03",
                                  "--owner-name", "Jane Doe",
                                  "--owner-email", "jane@example.com",
                                  NULL);

  assert_ok (run);
  g_assert_nonnull (strstr (run->out, slug));
}

static void
add_seat_type (Fixture    *f,
               const char *slug,
               const char *name,
               const char *price,
               const char *quota)
{
  g_autoptr(Run) run = run_store (f, "seat-type", "add", slug, name,
                                  "--price", price, "--quota", quota, NULL);

  assert_ok (run);
}

static JsonObject *
seat_type_named (JsonObject *conference,
                 const char *name)
{
  JsonArray *seat_types = json_object_get_array_member (conference, "seat_types");

  for (guint i = 0; i < json_array_get_length (seat_types); i++)
    {
      JsonObject *s = json_array_get_object_element (seat_types, i);

      if (g_str_equal (json_object_get_string_member (s, "name"), name))
        return s;
    }
  return NULL;
}

/* Tests */

static void
test_version (void)
{
  const char *const plain[] = { "--version", NULL };
  const char *const json[] = { "--json", "--version", NULL };
  g_autoptr(Run) run = run_argv (plain);
  g_autoptr(Run) run_json = run_argv (json);
  g_autoptr(JsonObject) o = NULL;

  assert_ok (run);
  g_assert_cmpstr (run->out, ==, "contoso " PACKAGE_VERSION "\n");

  assert_ok (run_json);
  o = parse_object (run_json->out);
  g_assert_cmpstr (json_object_get_string_member (o, "version"), ==, PACKAGE_VERSION);
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  /* Each level's help, and an option it must list. */
  static const struct
  {
    const char *args[4];
    const char *must_list;
  } levels[] = {
    { { "--help" }, "--store" },
    { { "status", "--help" }, "--json" },
    { { "log", "--help" }, "--after" },
    { { "log", "--help" }, "--limit" },
    { { "rebuild", "--help" }, "--help" },
    { { "conference", "--help" }, "publish" },
    { { "conference", "create", "--help" }, "--owner-email" },
    { { "conference", "create", "--help" }, "--reservation-minutes" },
    { { "conference", "update", "--help" }, "--currency" },
    { { "conference", "publish", "--help" }, "SLUG" },
    { { "conference", "unpublish", "--help" }, "SLUG" },
    { { "conference", "list", "--help" }, "--json" },
    { { "conference", "show", "--help" }, "SLUG" },
    { { "seat-type", "--help" }, "remove" },
    { { "seat-type", "add", "--help" }, "--price" },
    { { "seat-type", "update", "--help" }, "--quota" },
    { { "seat-type", "remove", "--help" }, "SEAT-TYPE" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      const char *args[7] = { "--store", f->store, NULL, };
      g_autoptr(Run) run = NULL;

      for (guint a = 0; a < 4 && levels[i].args[a] != NULL; a++)
        args[2 + a] = levels[i].args[a];
      run = run_argv (args);

      assert_ok (run);
      g_assert_true (g_str_has_prefix (run->out, "Usage:"));
      g_assert_nonnull (strstr (run->out, levels[i].must_list));
    }

  /* Help never opens, let alone creates, the store. */
  g_assert_false (g_file_test (f->store, G_FILE_TEST_EXISTS));
}

static void
test_status (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(Run) run = run_store (f, "--json", "status", NULL);
  g_autoptr(Run) human = NULL;
  g_autoptr(JsonObject) o = NULL;

  assert_ok (run);
  o = parse_object (run->out);
  g_assert_cmpstr (json_object_get_string_member (o, "store"), ==, f->store);
  g_assert_cmpint (json_object_get_int_member (o, "schema_version"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (o, "events"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (o, "pending_timers"), ==, 0);
  g_assert_true (ccm_id_is_valid (json_object_get_string_member (o, "device_id")));

  human = run_store (f, "status", NULL);
  assert_ok (human);
  g_assert_nonnull (strstr (human->out, f->store));
  g_assert_nonnull (strstr (human->out, json_object_get_string_member (o, "device_id")));
}

static void
test_default_store (void)
{
  const char *const args[] = { "--json", "status", NULL };
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "contoso-conference",
                                                "store.db", NULL);
  g_autofree char *other = g_build_filename (g_get_user_data_dir (), "other.db", NULL);
  g_autoptr(Run) run = run_argv (args);
  g_autoptr(Run) run_env = run_full (args, other);
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(JsonObject) o_env = NULL;

  assert_ok (run);
  o = parse_object (run->out);
  g_assert_cmpstr (json_object_get_string_member (o, "store"), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));

  assert_ok (run_env);
  o_env = parse_object (run_env->out);
  g_assert_cmpstr (json_object_get_string_member (o_env, "store"), ==, other);
}

static void
test_conference_lifecycle (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(Run) create = NULL;
  g_autoptr(Run) publish = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) list_human = NULL;
  g_autoptr(Run) show_human = NULL;
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonObject) shown = NULL;
  JsonObject *conference;
  JsonArray *array;
  JsonObject *full;

  create = run_store (f, "--json", "conference", "create", "devconf-2026",
                      "--name", "DevConf 2026", "--start", "2026-02-01", "--end", "2026-02-03",
                      "--owner-name", "Jane Doe", "--owner-email", "jane@example.com",
                      "--currency", "EUR", "--reservation-minutes", "20", NULL);
  assert_ok (create);
  created = parse_object (create->out);
  g_assert_cmpint (json_object_get_int_member (created, "events"), ==, 1);
  conference = json_object_get_object_member (created, "conference");
  g_assert_cmpstr (json_object_get_string_member (conference, "slug"), ==, "devconf-2026");
  g_assert_cmpstr (json_object_get_string_member (conference, "name"), ==, "DevConf 2026");
  g_assert_cmpstr (json_object_get_string_member (conference, "currency"), ==, "EUR");
  g_assert_cmpint (json_object_get_int_member (conference, "reservation_minutes"), ==, 20);
  g_assert_true (ccm_id_is_valid (json_object_get_string_member (conference, "conference_id")));
  g_assert_cmpint (strlen (json_object_get_string_member (conference, "access_code")), >=, 6);
  g_assert_false (json_object_get_boolean_member (conference, "published"));

  add_seat_type (f, "devconf-2026", "Full pass", "199", "100");
  add_seat_type (f, "devconf-2026", "Day ticket", "49.5", "300");

  publish = run_store (f, "conference", "publish", "devconf-2026", NULL);
  assert_ok (publish);

  list = run_store (f, "--json", "conference", "list", NULL);
  assert_ok (list);
  listed = parse_json (list->out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (listed));
  array = json_node_get_array (listed);
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  conference = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (conference, "slug"), ==, "devconf-2026");
  g_assert_true (json_object_get_boolean_member (conference, "published"));
  g_assert_true (json_object_get_boolean_member (conference, "was_ever_published"));

  shown = show (f, "devconf-2026");
  g_assert_true (json_object_get_boolean_member (shown, "published"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (shown, "seat_types")),
                    ==, 2);
  full = seat_type_named (shown, "Full pass");
  g_assert_nonnull (full);
  g_assert_cmpint (json_object_get_int_member (full, "price"), ==, 19900);
  g_assert_cmpint (json_object_get_int_member (full, "quota"), ==, 100);
  g_assert_cmpint (json_object_get_int_member (seat_type_named (shown, "Day ticket"), "price"),
                   ==, 4950);

  list_human = run_store (f, "conference", "list", NULL);
  assert_ok (list_human);
  g_assert_nonnull (strstr (list_human->out, "devconf-2026"));
  g_assert_nonnull (strstr (list_human->out, "published"));

  show_human = run_store (f, "conference", "show", "devconf-2026", NULL);
  assert_ok (show_human);
  g_assert_nonnull (strstr (show_human->out, "199.00 EUR"));
  g_assert_nonnull (strstr (show_human->out, "49.50 EUR"));
}

static void
test_conference_update (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(Run) update = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) log = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) last = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *payload;
  gint64 count;

  create_conference (f, "devconf");
  before = show (f, "devconf");

  update = run_store (f, "conference", "update", "devconf", "--name", "DevConf 2026 Europe", NULL);
  assert_ok (update);
  after = show (f, "devconf");

  g_assert_cmpstr (json_object_get_string_member (after, "name"), ==, "DevConf 2026 Europe");
  /* Everything else as it was, but the stream version the edit moved on. */
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==,
                   json_object_get_int_member (before, "version") + 1);
  json_object_set_string_member (before, "name", "DevConf 2026 Europe");
  json_object_set_int_member (before, "version", json_object_get_int_member (after, "version"));
  {
    g_autoptr(JsonNode) a = json_node_init_object (json_node_alloc (), before);
    g_autoptr(JsonNode) b = json_node_init_object (json_node_alloc (), after);

    g_assert_true (json_node_equal (a, b));
  }

  /* The event carries only the changed field. */
  log = run_store (f, "log", NULL);
  assert_ok (log);
  lines = g_strsplit (g_strchomp (log->out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  last = parse_object (lines[1]);
  g_assert_cmpstr (json_object_get_string_member (last, "type"), ==, "ConferenceUpdated");
  payload = json_object_get_object_member (last, "payload");
  g_assert_cmpuint (json_object_get_size (payload), ==, 1);
  g_assert_true (json_object_has_member (payload, "name"));

  /* The same value again changes nothing and writes nothing. */
  count = event_count (f);
  again = run_store (f, "conference", "update", "devconf", "--name", "DevConf 2026 Europe", NULL);
  assert_ok (again);
  g_assert_cmpint (event_count (f), ==, count);
}

static void
test_seat_types (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) c = NULL;
  g_autoptr(JsonObject) c2 = NULL;
  g_autoptr(JsonObject) c3 = NULL;
  g_autoptr(JsonObject) c4 = NULL;
  g_autoptr(Run) update = NULL;
  g_autoptr(Run) update_by_id = NULL;
  g_autoptr(Run) remove = NULL;
  g_autoptr(Run) publish = NULL;
  g_autoptr(Run) refused = NULL;
  g_autofree char *full_id = NULL;
  JsonObject *s;
  gint64 count;

  create_conference (f, "devconf");
  add_seat_type (f, "devconf", "Full pass", "199", "100");
  add_seat_type (f, "devconf", "Day ticket", "199.5", "300");
  add_seat_type (f, "devconf", "Student", "199.50", "20");

  c = show (f, "devconf");
  g_assert_cmpint (json_object_get_int_member (seat_type_named (c, "Full pass"), "price"), ==, 19900);
  g_assert_cmpint (json_object_get_int_member (seat_type_named (c, "Day ticket"), "price"), ==, 19950);
  g_assert_cmpint (json_object_get_int_member (seat_type_named (c, "Student"), "price"), ==, 19950);
  full_id = g_strdup (json_object_get_string_member (seat_type_named (c, "Full pass"), "seat_type_id"));

  /* By name, in any case: only the quota changes. */
  update = run_store (f, "seat-type", "update", "devconf", "full pass", "--quota", "120", NULL);
  assert_ok (update);
  c2 = show (f, "devconf");
  s = seat_type_named (c2, "Full pass");
  g_assert_cmpint (json_object_get_int_member (s, "quota"), ==, 120);
  g_assert_cmpint (json_object_get_int_member (s, "price"), ==, 19900);

  /* By id: price and name. */
  update_by_id = run_store (f, "seat-type", "update", "devconf", full_id,
                            "--price", "205.5", "--name", "Conference pass", NULL);
  assert_ok (update_by_id);
  c3 = show (f, "devconf");
  g_assert_null (seat_type_named (c3, "Full pass"));
  s = seat_type_named (c3, "Conference pass");
  g_assert_nonnull (s);
  g_assert_cmpint (json_object_get_int_member (s, "price"), ==, 20550);
  g_assert_cmpint (json_object_get_int_member (s, "quota"), ==, 120);

  /* Removal before publication works… */
  remove = run_store (f, "seat-type", "remove", "devconf", "Day ticket", NULL);
  assert_ok (remove);

  /* …and is refused once the conference was published, writing nothing. */
  publish = run_store (f, "conference", "publish", "devconf", NULL);
  assert_ok (publish);
  count = event_count (f);
  refused = run_store (f, "seat-type", "remove", "devconf", "Student", NULL);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (refused->err, "published"));
  g_assert_cmpint (event_count (f), ==, count);

  c4 = show (f, "devconf");
  g_assert_null (seat_type_named (c4, "Day ticket"));
  g_assert_nonnull (seat_type_named (c4, "Student"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c4, "seat_types")), ==, 2);
}

/* Each bad input: its exit status and a word of the one-line message. */
static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  static const struct
  {
    const char *args[16];
    int         status;
    const char *names;
  } cases[] = {
    { { "conference", "create", "other", "--name", "", "--start", "2026-02-01", "--end",
        "2026-02-03", "--owner-name", "Jane", "--owner-email", "jane@example.com" }, 1, "name" },
    { { "conference", "create", "Bad Slug!", "--name", "X", "--start", "2026-02-01", "--end",
        "2026-02-03", "--owner-name", "Jane", "--owner-email", "jane@example.com" }, 1, "slug" },
    { { "conference", "create", "other", "--name", "X", "--start", "2026-02-01", "--end",
        "2026-01-01", "--owner-name", "Jane", "--owner-email", "jane@example.com" }, 1, "end date" },
    { { "conference", "create", "other", "--name", "X", "--start", "2026-02-01", "--end",
        "2026-02-03", "--owner-name", "Jane", "--owner-email", "jane.example.com" }, 1, "e-mail" },
    { { "conference", "create", "devconf", "--name", "X", "--start", "2026-02-01", "--end",
        "2026-02-03", "--owner-name", "Jane", "--owner-email", "jane@example.com" }, 1, "slug" },
    { { "conference", "create", "other", "--name", "X", "--start", "2026-13-01", "--end",
        "2026-02-03", "--owner-name", "Jane", "--owner-email", "jane@example.com" }, 2, "--start" },
    { { "conference", "create", "other", "--name", "X", "--end", "2026-02-03",
        "--owner-name", "Jane", "--owner-email", "jane@example.com" }, 2, "--start" },
    { { "conference", "update", "devconf", "--name", "" }, 1, "name" },
    { { "conference", "update", "devconf", "--end", "2026-01-31" }, 1, "end date" },
    { { "conference", "update", "devconf", "--reservation-minutes", "soon" }, 2,
      "--reservation-minutes" },
    { { "conference", "update", "devconf" }, 2, "--name" },
    { { "conference", "update", "nope", "--name", "X" }, 1, "nope" },
    { { "conference", "publish", "nope" }, 1, "nope" },
    { { "conference", "show", "nope" }, 1, "nope" },
    { { "seat-type", "add", "devconf", "Full pass", "--price", "-1", "--quota", "10" }, 1, "price" },
    { { "seat-type", "add", "devconf", "Full pass", "--price", "1.234", "--quota", "10" }, 2, "price" },
    { { "seat-type", "add", "devconf", "Full pass", "--price", "abc", "--quota", "10" }, 2, "price" },
    { { "seat-type", "add", "devconf", "Full pass", "--price", "50000.01", "--quota", "10" }, 1,
      "price" },
    { { "seat-type", "add", "devconf", "Full pass", "--price", "10", "--quota", "many" }, 2, "quota" },
    { { "seat-type", "add", "devconf", "Full pass", "--price", "10", "--quota", "-5" }, 1, "quota" },
    { { "seat-type", "add", "devconf", "Full pass", "--quota", "10" }, 2, "--price" },
    { { "seat-type", "add", "devconf", "X", "--price", "10", "--quota", "10" }, 1, "name" },
    { { "seat-type", "add", "nope", "Full pass", "--price", "10", "--quota", "10" }, 1, "nope" },
    { { "seat-type", "add", "devconf", "--price", "10", "--quota", "10" }, 2, "NAME" },
    { { "seat-type", "update", "devconf", "Nothing such", "--quota", "10" }, 1, "Nothing such" },
    { { "seat-type", "remove", "devconf", "Nothing such" }, 1, "Nothing such" },
    { { "frobnicate" }, 2, "frobnicate" },
    { { "conference", "frobnicate" }, 2, "frobnicate" },
    { { "conference" }, 2, "conference --help" },
    { { "conference", "show" }, 2, "SLUG" },
    { { "conference", "show", "devconf", "extra" }, 2, "extra" },
    { { "conference", "list", "--colour" }, 2, "--colour" },
    { { "log", "--after", "-1" }, 2, "--after" },
    { { "log", "--limit", "ten" }, 2, "--limit" },
    { { "--no-such-option", "status" }, 2, "--no-such-option" },
    /* Bytes that are not text here: an option's, and an argument's. */
    { { "conference", "update", "devconf", "--tagline", "caf\xe9" }, 2, "character set" },
    { { "seat-type", "add", "devconf", "Caf\xe9 pass", "--price", "10", "--quota", "10" }, 1,
      "“name” is not UTF-8 text" },
  };
  gint64 count;

  create_conference (f, "devconf");
  count = event_count (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[19] = { "--store", f->store, NULL, };
      g_autoptr(Run) run = NULL;

      for (guint a = 0; a < 16 && cases[i].args[a] != NULL; a++)
        args[2 + a] = cases[i].args[a];
      run = run_argv (args);

      g_test_message ("case %u: %s → %d: %s", i, cases[i].args[0], run->status, run->err);
      g_assert_cmpint (run->status, ==, cases[i].status);
      g_assert_cmpstr (run->out, ==, "");
      /* One line, a sentence, naming what is wrong. */
      g_assert_true (g_str_has_prefix (run->err, "contoso: "));
      g_assert_true (g_str_has_suffix (run->err, ".\n"));
      g_assert_cmpint (strchr (run->err, '\n') - run->err, ==, (int) strlen (run->err) - 1);
      g_assert_nonnull (strstr (run->err, cases[i].names));
    }

  /* Nothing was written by any of them. */
  g_assert_cmpint (event_count (f), ==, count);
}

static void
test_json_error (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonObject) o = NULL;

  create_conference (f, "devconf");
  run = run_store (f, "--json", "conference", "update", "devconf", "--name", "", NULL);
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, "name"));
  o = parse_object (run->out);
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "invalid");
  g_assert_cmpstr (json_object_get_string_member (o, "field"), ==, "name");
  g_assert_cmpint (json_object_get_int_member (o, "exit_status"), ==, 1);
}

static void
test_log_after (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Run) all = NULL;
  g_autoptr(Run) after = NULL;
  g_autoptr(Run) limited = NULL;
  g_autoptr(Run) none = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) later = NULL;
  g_autofree char *first_text = NULL;
  gint64 first = 0;

  create_conference (f, "devconf");
  add_seat_type (f, "devconf", "Full pass", "199", "100");
  add_seat_type (f, "devconf", "Day ticket", "49", "300");

  all = run_store (f, "log", NULL);
  assert_ok (all);
  lines = g_strsplit (g_strchomp (all->out), "\n", -1);
  /* Each seat type also gives the seats stream its quota: 1 + 2 × 2 events. */
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonObject) event = parse_object (lines[i]);
      gint64 position = json_object_get_int_member (event, "position");

      g_assert_cmpint (position, >, first);
      g_assert_true (json_object_has_member (event, "payload"));
      g_assert_true (json_object_has_member (event, "type"));
      if (i == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "ConferenceCreated");
          first_text = g_strdup_printf ("%" G_GINT64_FORMAT, position);
        }
      first = position;
    }

  after = run_store (f, "log", "--after", first_text, NULL);
  assert_ok (after);
  later = g_strsplit (g_strchomp (after->out), "\n", -1);
  g_assert_cmpuint (g_strv_length (later), ==, 4);
  for (guint i = 0; later[i] != NULL; i++)
    g_assert_cmpstr (later[i], ==, lines[i + 1]);

  limited = run_store (f, "log", "--after", first_text, "--limit", "1", NULL);
  assert_ok (limited);
  g_assert_cmpstr (g_strchomp (limited->out), ==, lines[1]);

  none = run_store (f, "log", "--after", "1000", NULL);
  assert_ok (none);
  g_assert_cmpstr (none->out, ==, "");
}

static void
test_rebuild (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Run) json_before = NULL;
  g_autoptr(Run) human_before = NULL;
  g_autoptr(Run) list_before = NULL;
  g_autoptr(Run) rebuild = NULL;
  g_autoptr(Run) json_after = NULL;
  g_autoptr(Run) human_after = NULL;
  g_autoptr(Run) list_after = NULL;
  g_autoptr(Run) update = NULL;
  g_autoptr(Run) publish = NULL;
  g_autoptr(Run) remove = NULL;

  create_conference (f, "devconf");
  add_seat_type (f, "devconf", "Full pass", "199", "100");
  add_seat_type (f, "devconf", "Day ticket", "49", "300");
  add_seat_type (f, "devconf", "Student", "19.99", "30");
  update = run_store (f, "seat-type", "update", "devconf", "Day ticket", "--price", "59", NULL);
  assert_ok (update);
  remove = run_store (f, "seat-type", "remove", "devconf", "Student", NULL);
  assert_ok (remove);
  publish = run_store (f, "conference", "publish", "devconf", NULL);
  assert_ok (publish);

  json_before = run_store (f, "--json", "conference", "show", "devconf", NULL);
  human_before = run_store (f, "conference", "show", "devconf", NULL);
  list_before = run_store (f, "--json", "conference", "list", NULL);
  assert_ok (json_before);

  rebuild = run_store (f, "rebuild", NULL);
  assert_ok (rebuild);

  json_after = run_store (f, "--json", "conference", "show", "devconf", NULL);
  human_after = run_store (f, "conference", "show", "devconf", NULL);
  list_after = run_store (f, "--json", "conference", "list", NULL);
  g_assert_cmpstr (json_after->out, ==, json_before->out);
  g_assert_cmpstr (human_after->out, ==, human_before->out);
  g_assert_cmpstr (list_after->out, ==, list_before->out);
  g_assert_nonnull (strstr (human_after->out, "59.00 USD"));
}

static void
test_not_a_store (Fixture       *f,
                  gconstpointer  data)
{
  static const char content[] = "name,email\nJane,jane@example.com\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (f->store, "-wal", NULL);
  gsize length = 0;
  const char *const verbs[][4] = {
    { "status" },
    { "conference", "list" },
    { "conference", "publish", "devconf" },
    { "rebuild" },
  };

  g_file_set_contents (f->store, content, -1, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      const char *args[7] = { "--store", f->store, NULL, };
      g_autoptr(Run) run = NULL;

      for (guint a = 0; a < 4 && verbs[i][a] != NULL; a++)
        args[2 + a] = verbs[i][a];
      run = run_argv (args);
      g_assert_cmpint (run->status, ==, 3);
      g_assert_true (g_str_has_prefix (run->err, "contoso: "));
      g_assert_nonnull (strstr (run->err, f->store));
    }

  g_file_get_contents (f->store, &after, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, strlen (content));
  g_assert_cmpstr (after, ==, content);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/store/default", test_default_store);
  ADD ("help", test_help);
  ADD ("status", test_status);
  ADD ("conference/lifecycle", test_conference_lifecycle);
  ADD ("conference/update-only-given", test_conference_update);
  ADD ("seat-type/add-update-remove", test_seat_types);
  ADD ("errors/bad-input", test_bad_input);
  ADD ("errors/json", test_json_error);
  ADD ("log/after", test_log_after);
  ADD ("rebuild/same-read-models", test_rebuild);
  ADD ("store/not-sqlite", test_not_a_store);

#undef ADD

  return g_test_run ();
}
