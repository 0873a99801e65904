/* test-personal-data.c — what a revoked device wipes (README, "Threat model")
 *
 * Stores filled by `contoso demo` (every kind of order, payment, seat
 * assignment, waitlist entry and admission the domain has) are wiped with
 * ccm_store_wipe_personal_data. The people's names and e-mail addresses are
 * gathered first from the read models and from every member so named in
 * the log, independently of the registry's declarations; afterwards none
 * of them is in any row of any table, nor anywhere in the bytes of the file
 * and its -wal, while seats, orders, payments and admissions count as
 * before. Every type the demo decides and every command the registry runs
 * must declare its personal data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ccm-domain.h"
#include "ccm-json.h"
#include "ccm-seats.h"
#include "ccm-store.h"

#define DEMO_NOW "2027-03-02T12:00:00Z"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("ccm-wipe-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void remove_dir (const char *path);

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_dir (f->dir);
  g_free (f->dir);
}

static gboolean
copy_file (const char *from,
           const char *to);

/* The demo store every test starts from, made once by the command line as
 * a desk would have it (a sanitizer build takes its time over it). */
static char *demo_dir;
static char *demo_template;

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static char *
make_demo (Fixture    *f,
           const char *name)
{
  char *path = g_build_filename (f->dir, name, NULL);

  if (demo_template == NULL)
    {
      g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "CONTOSO_NOW", DEMO_NOW, TRUE);
      g_autoptr(GError) error = NULL;
      const char *argv[] = { g_getenv ("CONTOSO_BIN"), "--store", NULL, "demo", "--orders",
                             "200", "--seed", "7", NULL };
      int wait_status = 0;

      demo_dir = g_dir_make_tmp ("ccm-wipe-demo-XXXXXX", NULL);
      demo_template = g_build_filename (demo_dir, "demo.db", NULL);
      argv[2] = demo_template;
      g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                    NULL, NULL, &wait_status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
    }
  g_assert_true (copy_file (demo_template, path));
  return path;
}

static CcmStore *
open_path (const char *path)
{
  g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(GError) error = NULL;
  CcmStore *store = ccm_store_open (path, registry, clock, &error);

  g_assert_no_error (error);
  return store;
}

static void
wipe (CcmStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ccm_store_wipe_personal_data (store, &error));
  g_assert_no_error (error);
}

/* Rows of one query as text, one line each. */
static char *
query_text (CcmStore   *store,
            const char *sql)
{
  GString *text = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (ccm_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        {
          if (sqlite3_column_type (stmt, c) == SQLITE_BLOB)
            g_string_append_printf (text, "%s<%d bytes>", c > 0 ? "|" : "",
                                    sqlite3_column_bytes (stmt, c));
          else
            g_string_append_printf (text, "%s%s", c > 0 ? "|" : "",
                                    sqlite3_column_type (stmt, c) == SQLITE_NULL
                                    ? "∅" : (const char *) sqlite3_column_text (stmt, c));
        }
      g_string_append_c (text, '\n');
    }
  sqlite3_finalize (stmt);
  return g_string_free (text, FALSE);
}

static gint64
query_int (CcmStore   *store,
           const char *sql)
{
  g_autofree char *text = query_text (store, sql);

  return g_ascii_strtoll (text, NULL, 10);
}

static GPtrArray *
table_names (CcmStore *store)
{
  g_autofree char *text = query_text (store, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "ORDER BY name");
  g_auto(GStrv) lines = g_strsplit (g_strstrip (text), "\n", -1);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    g_ptr_array_add (names, g_strdup (lines[i]));
  return names;
}

/* What must not change: seats, orders and their money, payments, refunds,
 * admissions, waitlist places; with log_shape, the log's shape too (pending
 * commands are decided again from their redacted form, where a seat given
 * from one person to another is no change any more). */
static char *
counts_of (CcmStore *store,
           gboolean  log_shape)
{
  static const char *const queries[] = {
    "SELECT count(*), group_concat(type, ',') FROM (SELECT type FROM events ORDER BY position)",
    "SELECT count(*) FROM tentative",
    "SELECT * FROM seat_availability ORDER BY seat_type_id",
    "SELECT status, count(*), sum(total), sum(amount_paid) FROM order_views GROUP BY status ORDER BY status",
    "SELECT order_id, seat_type_id, quantity, line_total FROM order_lines ORDER BY 1, 2",
    "SELECT status, method, count(*), sum(amount) FROM payment_views GROUP BY 1, 2 ORDER BY 1, 2",
    "SELECT count(*), sum(amount) FROM refund_views",
    "SELECT status, count(*), sum(admissions), sum(exits), sum(inside), count(email) FROM attendee_views GROUP BY 1 ORDER BY 1",
    "SELECT kind, count(*), count(flag) FROM checkin_scans GROUP BY kind ORDER BY kind",
    "SELECT status, count(*), sum(waiting) FROM waitlist_entries GROUP BY status ORDER BY status",
    "SELECT kind, count(*) FROM attention_items GROUP BY kind ORDER BY kind",
    "SELECT status, count(*) FROM command_log GROUP BY status ORDER BY status",
  };
  GString *text = g_string_new (NULL);

  for (guint i = log_shape ? 0 : 2; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *rows = query_text (store, queries[i]);

      g_string_append_printf (text, "%s\n%s", queries[i], rows);
    }
  return g_string_free (text, FALSE);
}

static char *
counts (CcmStore *store)
{
  return counts_of (store, TRUE);
}

/* Every row of every table but meta (the wipe's time is there), in order. */
static char *
everything (CcmStore *store)
{
  g_autoptr(GPtrArray) names = table_names (store);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *sql = NULL;
      g_autofree char *rows = NULL;

      if (g_str_equal (name, "meta"))
        continue;
      sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1, 2", name);
      rows = query_text (store, sql);
      g_string_append_printf (text, "== %s\n%s", name, rows);
    }
  return g_string_free (text, FALSE);
}

/* The read models alone, as a rebuild makes them. */
static char *
read_models (CcmStore *store)
{
  g_autoptr(GPtrArray) names = table_names (store);
  static const char *const not_read_models[] = {
    "events", "commands", "process_state", "outbox", "timers", "projections", "meta",
    "command_log", "tentative", NULL
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *sql = NULL;
      g_autofree char *rows = NULL;

      if (g_strv_contains (not_read_models, name))
        continue;
      sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1, 2", name);
      rows = query_text (store, sql);
      g_string_append_printf (text, "== %s\n%s", name, rows);
    }
  return g_string_free (text, FALSE);
}

static void
add_value (GHashTable *values,
           const char *value)
{
  if (value != NULL && *value != '\0')
    g_hash_table_add (values, g_strdup (value));
}

static void
add_column_values (GHashTable *values,
                   CcmStore   *store,
                   const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (ccm_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < sqlite3_column_count (stmt); c++)
      add_value (values, (const char *) sqlite3_column_text (stmt, c));
  sqlite3_finalize (stmt);
}

static const char *const person_members[] = {
  "first_name", "last_name", "email", "owner_name", "owner_email", NULL
};

static void
add_member_values (GHashTable *values,
                   JsonNode   *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          if (g_strv_contains (person_members, name) && JSON_NODE_TYPE (member) == JSON_NODE_VALUE &&
              json_node_get_value_type (member) == G_TYPE_STRING)
            add_value (values, json_node_get_string (member));
          add_member_values (values, member);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        add_member_values (values, json_array_get_element (array, i));
    }
}

static void
add_json_values (GHashTable *values,
                 CcmStore   *store,
                 const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (ccm_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 0), -1, NULL))
        add_member_values (values, json_parser_get_root (parser));
    }
  sqlite3_finalize (stmt);
}

/* The people's data in a store, found without the registry's help. */
static GPtrArray *
personal_values (CcmStore *store)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  add_column_values (values, store, "SELECT first_name, last_name, email FROM order_views");
  add_column_values (values, store, "SELECT first_name, last_name, email FROM attendee_views");
  add_column_values (values, store, "SELECT first_name, last_name, email FROM waitlist_entries");
  add_column_values (values, store, "SELECT owner_name, owner_email FROM conferences");
  add_column_values (values, store, "SELECT cancel_reason FROM order_views WHERE status = 'cancelled'");
  add_json_values (values, store, "SELECT payload FROM events");
  add_json_values (values, store, "SELECT command FROM command_log");
  add_json_values (values, store, "SELECT command FROM outbox");
  add_json_values (values, store, "SELECT command FROM timers");

  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &value, NULL))
    if (!g_str_equal (value, CCM_PERSONAL_REDACTED_TEXT) &&
        !g_str_equal (value, CCM_PERSONAL_REDACTED_EMAIL))
      g_ptr_array_add (list, g_strdup (value));
  return list;
}

/* Finds any of many strings (of four bytes or more) in one pass: each is
 * filed under its first four bytes. */
typedef struct
{
  GHashTable *by_prefix;   /* guint32 -> GPtrArray of char* */
} Matcher;

static guint32
prefix_of (const char *bytes)
{
  guint32 prefix;

  memcpy (&prefix, bytes, sizeof prefix);
  return prefix;
}

static Matcher *
matcher_new (void)
{
  Matcher *m = g_new0 (Matcher, 1);

  m->by_prefix = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  return m;
}

static void
matcher_add (Matcher    *m,
             const char *pattern)
{
  gpointer key;
  GPtrArray *list;

  g_assert_cmpuint (strlen (pattern), >=, 4);
  key = GUINT_TO_POINTER (prefix_of (pattern));
  list = g_hash_table_lookup (m->by_prefix, key);
  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (m->by_prefix, key, list);
    }
  g_ptr_array_add (list, g_strdup (pattern));
}

static void
matcher_free (Matcher *m)
{
  g_hash_table_unref (m->by_prefix);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Matcher, matcher_free)

static const char *
matcher_find (Matcher    *m,
              const char *data,
              gsize       length)
{
  for (gsize i = 0; i + 4 <= length; i++)
    {
      GPtrArray *list = g_hash_table_lookup (m->by_prefix, GUINT_TO_POINTER (prefix_of (data + i)));

      for (guint j = 0; list != NULL && j < list->len; j++)
        {
          const char *pattern = g_ptr_array_index (list, j);
          gsize n = strlen (pattern);

          if (i + n <= length && memcmp (data + i, pattern, n) == 0)
            return pattern;
        }
    }
  return NULL;
}

/* No row of any table holds a value: text and blobs (the tentative
 * layer's changesets) alike. A value of three bytes or less (a short first
 * name) counts as a whole cell only: it may be part of an unrelated word. */
static void
assert_no_value_in_rows (CcmStore  *store,
                         GPtrArray *values)
{
  g_autoptr(GPtrArray) names = table_names (store);
  g_autoptr(Matcher) matcher = matcher_new ();
  g_autoptr(GHashTable) short_values = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint v = 0; v < values->len; v++)
    {
      const char *value = g_ptr_array_index (values, v);

      if (strlen (value) >= 4)
        matcher_add (matcher, value);
      else
        g_hash_table_add (short_values, (gpointer) value);
    }

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"",
                                              (const char *) g_ptr_array_index (names, i));
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (ccm_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            const char *cell = sqlite3_column_blob (stmt, c);
            gsize length = sqlite3_column_bytes (stmt, c);
            g_autofree char *whole = NULL;
            const char *found;

            if (cell == NULL)
              continue;
            whole = g_strndup (cell, length);
            found = g_hash_table_contains (short_values, whole) ? whole
                                                                : matcher_find (matcher, cell, length);
            if (found != NULL)
              g_error ("Table %s still holds “%s”: %.*s",
                       (const char *) g_ptr_array_index (names, i), found,
                       (int) MIN (length, 300), cell);
          }
      sqlite3_finalize (stmt);
    }
}

/* Nor any byte of the file: values of four bytes and more anywhere, every
 * value as a JSON string. */
static void
assert_no_value_in_file (const char *path,
                         GPtrArray  *values)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  const char *files[] = { path, wal };
  g_autoptr(Matcher) matcher = matcher_new ();

  for (guint v = 0; v < values->len; v++)
    {
      const char *value = g_ptr_array_index (values, v);
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", value);

      matcher_add (matcher, strlen (value) >= 4 ? value : quoted);
    }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *bytes = NULL;
      gsize length = 0;
      const char *found;

      if (!g_file_test (files[i], G_FILE_TEST_EXISTS))
        continue;
      g_assert_true (g_file_get_contents (files[i], &bytes, &length, NULL));
      found = matcher_find (matcher, bytes, length);
      if (found != NULL)
        g_error ("%s still holds “%s”", files[i], found);
    }
}

/* A redaction of what is stored finds nothing more to redact. */
static void
assert_nothing_declared_left (CcmStore *store)
{
  CcmRegistry *registry = ccm_store_get_registry (store);
  static const struct { CcmRecordKind record; const char *sql; } sources[] = {
    { CCM_RECORD_EVENT, "SELECT type, payload FROM events" },
    { CCM_RECORD_COMMAND, "SELECT type, command FROM command_log" },
    { CCM_RECORD_COMMAND, "SELECT NULL, command FROM outbox" },
    { CCM_RECORD_COMMAND, "SELECT NULL, command FROM timers" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (ccm_store_get_db (store), sources[i].sql, -1, &stmt, NULL),
                       ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_autoptr(JsonObject) json = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 1),
                                                             -1, NULL);
          JsonObject *object = json;
          const char *type = (const char *) sqlite3_column_text (stmt, 0);

          g_assert_nonnull (json);
          if (sources[i].record == CCM_RECORD_COMMAND)
            {
              type = ccm_json_string (json, "type");
              object = json_object_get_object_member (json, "args");
            }
          g_assert_cmpuint (ccm_registry_redact (registry, sources[i].record, type, object, NULL), ==, 0);
        }
      sqlite3_finalize (stmt);
    }
}

static void
assert_wiped_full (const char *path,
                   GPtrArray  *values,
                   const char *counts_before,
                   gboolean    log_shape)
{
  g_autoptr(CcmStore) store = open_path (path);
  g_autofree char *counts_after = counts_of (store, log_shape);

  g_assert_cmpint (ccm_store_get_wiped_at (store), >, 0);
  g_assert_cmpstr (counts_after, ==, counts_before);
  assert_nothing_declared_left (store);
  assert_no_value_in_rows (store, values);
  g_clear_object (&store);
  assert_no_value_in_file (path, values);
}

static void
assert_wiped (const char *path,
              GPtrArray  *values,
              const char *counts_before)
{
  assert_wiped_full (path, values, counts_before, TRUE);
}

/* Tests */

/* Every command the registry runs, and every event and command type the
 * demo's log holds, says what of it is personal. */
static void
test_declared (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = make_demo (f, "demo.db");
  g_autoptr(CcmStore) store = open_path (path);
  CcmRegistry *registry = ccm_store_get_registry (store);
  g_autoptr(GPtrArray) commands = ccm_registry_list_commands (registry);
  g_autofree char *event_types = query_text (store, "SELECT DISTINCT type FROM events");
  g_autofree char *command_types = query_text (store, "SELECT DISTINCT type FROM command_log");
  g_auto(GStrv) events = g_strsplit (g_strstrip (event_types), "\n", -1);
  g_auto(GStrv) logged = g_strsplit (g_strstrip (command_types), "\n", -1);
  guint personal = 0;

  g_assert_cmpuint (commands->len, >, 30);
  for (guint i = 0; i < commands->len; i++)
    if (ccm_registry_lookup_personal_data (registry, CCM_RECORD_COMMAND,
                                           g_ptr_array_index (commands, i)) == NULL)
      g_error ("The command %s declares no personal data",
               (const char *) g_ptr_array_index (commands, i));

  /* The demo exercises the registration, payment, assignment, waitlist
   * and check-in events, at least. */
  g_assert_cmpuint (g_strv_length (events), >=, 25);
  for (guint i = 0; events[i] != NULL; i++)
    {
      const CcmPersonalData *declared = ccm_registry_lookup_personal_data (registry, CCM_RECORD_EVENT,
                                                                          events[i]);

      if (declared == NULL)
        g_error ("The event %s declares no personal data", events[i]);
      if (declared->fields != NULL)
        personal++;
    }
  g_assert_cmpuint (personal, >=, 3);
  for (guint i = 0; logged[i] != NULL; i++)
    g_assert_nonnull (ccm_registry_lookup_personal_data (registry, CCM_RECORD_COMMAND, logged[i]));
}

/* The registry of the product reports a type without a declaration. */
static void
test_undeclared_warns (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();

      ccm_registry_check_personal_data (registry, CCM_RECORD_EVENT, "OrderPlaced");
      ccm_registry_check_personal_data (registry, CCM_RECORD_EVENT, "AttendeePhotographed");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_stderr ("*event type AttendeePhotographed declares no personal data*");
}

/* Paths reach into objects and arrays; markers and empty values stay. */
static void
test_paths (void)
{
  g_autoptr(JsonObject) o = ccm_json_from_string (
    "{\"email\": \"zoe@example.com\", \"first_name\": \"\", \"last_name\": null,"
    " \"registrant\": {\"email\": \"ana@example.com\", \"id\": 7},"
    " \"positions\": [{\"email\": \"a@example.com\"}, {\"email\": \"removed@redacted.invalid\"}, 3],"
    " \"aliases\": [\"Zoë\", \"\"]}", -1, NULL);
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;

  g_assert_nonnull (o);
  g_assert_cmpuint (ccm_personal_redact_path (o, "email", CCM_PERSONAL_EMAIL, removed), ==, 1);
  g_assert_cmpuint (ccm_personal_redact_path (o, "first_name", CCM_PERSONAL_TEXT, removed), ==, 0);
  g_assert_cmpuint (ccm_personal_redact_path (o, "last_name", CCM_PERSONAL_TEXT, removed), ==, 0);
  g_assert_cmpuint (ccm_personal_redact_path (o, "missing", CCM_PERSONAL_TEXT, removed), ==, 0);
  g_assert_cmpuint (ccm_personal_redact_path (o, "registrant.email", CCM_PERSONAL_EMAIL, removed), ==, 1);
  g_assert_cmpuint (ccm_personal_redact_path (o, "registrant.id", CCM_PERSONAL_TEXT, removed), ==, 0);
  g_assert_cmpuint (ccm_personal_redact_path (o, "positions[].email", CCM_PERSONAL_EMAIL, removed), ==, 1);
  g_assert_cmpuint (ccm_personal_redact_path (o, "aliases[]", CCM_PERSONAL_TEXT, removed), ==, 1);
  g_assert_cmpuint (ccm_personal_redact_path (o, "positions[].email", CCM_PERSONAL_EMAIL, removed), ==, 0);
  g_assert_cmpuint (removed->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (removed, 0), ==, "zoe@example.com");
  g_assert_cmpstr (g_ptr_array_index (removed, 3), ==, "Zoë");

  text = ccm_json_to_string (o);
  g_assert_cmpstr (text, ==,
                   "{\"email\":\"removed@redacted.invalid\",\"first_name\":\"\",\"last_name\":null,"
                   "\"registrant\":{\"email\":\"removed@redacted.invalid\",\"id\":7},"
                   "\"positions\":[{\"email\":\"removed@redacted.invalid\"},"
                   "{\"email\":\"removed@redacted.invalid\"},3],\"aliases\":[\"—\",\"\"]}");
}

/* Stores a snapshot of the demo conference's seats state as the store does
 * for a long stream (the demo's is shorter than that): its waitlist holds
 * names and addresses. Returns the snapshot's text. */
static char *
store_seats_snapshot (CcmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = ccm_store_read_stream (store, "seats/contoso-demo", 0, &error);
  gpointer state = ccm_seats_aggregate.new_state ();
  CcmEvent *last;
  char *text;
  sqlite3_stmt *stmt;

  g_assert_no_error (error);
  g_assert_cmpuint (events->len, >, 0);
  for (guint i = 0; i < events->len; i++)
    ccm_seats_aggregate.evolve (state, g_ptr_array_index (events, i));
  last = g_ptr_array_index (events, events->len - 1);
  text = ccm_seats_aggregate.snapshot (state);
  ccm_seats_aggregate.free_state (state);

  stmt = ccm_store_prepare (store, "INSERT INTO snapshots (stream_id, aggregate, format, "
                                   "stream_version, position, state) VALUES (?, ?, ?, ?, ?, ?)",
                            &error);
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, last->stream_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ccm_seats_aggregate.name, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, ccm_seats_aggregate.snapshot_version);
  sqlite3_bind_int64 (stmt, 4, last->stream_version);
  sqlite3_bind_int64 (stmt, 5, last->position);
  sqlite3_bind_text (stmt, 6, text, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
  return text;
}

/* A standalone desk's demo store: every name and address goes, every count
 * stays. */
static void
test_demo_wiped (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = make_demo (f, "demo.db");
  g_autoptr(CcmStore) store = open_path (path);
  g_autoptr(GPtrArray) values = personal_values (store);
  g_autofree char *before = counts (store);
  g_autofree char *owner = query_text (store, "SELECT owner_name FROM conferences");

  /* The demo's people: hundreds of them, with their accents. */
  g_assert_cmpuint (values->len, >, 200);
  g_assert_true (g_ptr_array_find_with_equal_func (values, "José", g_str_equal, NULL));
  /* And what was typed about a cancellation. */
  g_assert_true (g_ptr_array_find_with_equal_func (values, "Cannot travel; refund requested",
                                                   g_str_equal, NULL));
  g_assert_cmpint (ccm_store_get_wiped_at (store), ==, 0);

  /* A snapshot of folded state keeps the waitlist's people. */
  {
    g_autofree char *snapshot = store_seats_snapshot (store);
    g_autofree char *emails = query_text (store, "SELECT email FROM waitlist_entries");
    g_auto(GStrv) lines = g_strsplit (emails, "\n", -1);
    guint found = 0;

    for (guint i = 0; lines[i] != NULL; i++)
      if (*lines[i] != '\0' && strstr (snapshot, lines[i]) != NULL)
        found++;
    g_assert_cmpuint (found, >, 0);
  }

  wipe (store);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM snapshots"), ==, 0);
  g_clear_object (&store);
  assert_wiped (path, values, before);

  /* What is left to show: markers. */
  store = open_path (path);
  g_clear_pointer (&owner, g_free);
  owner = query_text (store, "SELECT owner_name, owner_email FROM conferences");
  g_assert_cmpstr (owner, ==, "—|removed@redacted.invalid\n");
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM order_views WHERE email IS NOT NULL "
                                     "AND email != 'removed@redacted.invalid'"), ==, 0);
}

/* A second wipe changes nothing, and a rebuild gives the same read models. */
static void
test_idempotent (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = make_demo (f, "demo.db");
  g_autoptr(CcmStore) store = open_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL, *second = NULL, *models = NULL, *rebuilt = NULL;

  wipe (store);
  first = everything (store);
  models = read_models (store);

  wipe (store);
  second = everything (store);
  g_assert_cmpstr (second, ==, first);

  g_assert_true (ccm_store_rebuild (store, &error));
  g_assert_no_error (error);
  rebuilt = read_models (store);
  g_assert_cmpstr (rebuilt, ==, models);

  /* And in a new process, from the file. */
  g_clear_object (&store);
  store = open_path (path);
  g_clear_pointer (&second, g_free);
  second = everything (store);
  g_assert_cmpstr (second, ==, first);
}

/* An enrolled desk whose whole history is pending: the tentative layer's
 * changesets hold the rows it wrote, and are rebuilt from the redacted
 * commands; nothing pending is dropped. */
static void
test_enrolled_pending (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = make_demo (f, "demo.db");
  g_autoptr(CcmStore) store = open_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_autofree char *before = NULL, *models = NULL, *rebuilt = NULL;
  gint64 pending;

  g_assert_true (ccm_store_enroll (store, &error));
  g_assert_no_error (error);
  pending = ccm_store_count_pending (store);
  g_assert_cmpint (pending, >, 100);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM tentative"), >, 0);

  values = personal_values (store);
  before = counts_of (store, FALSE);
  wipe (store);
  g_assert_cmpint (ccm_store_count_pending (store), ==, pending);
  g_assert_cmpint (query_int (store, "SELECT count(*) FROM tentative"), >, 0);

  models = read_models (store);
  g_assert_true (ccm_store_rebuild (store, &error));
  g_assert_no_error (error);
  rebuilt = read_models (store);
  g_assert_cmpstr (rebuilt, ==, models);

  g_clear_object (&store);
  assert_wiped_full (path, values, before, FALSE);
}

/* A fresh copy: no -wal or -shm of an earlier one may stay beside it. */
static gboolean
copy_file (const char *from,
           const char *to)
{
  g_autofree char *bytes = NULL;
  g_autofree char *wal = g_strconcat (to, "-wal", NULL);
  g_autofree char *shm = g_strconcat (to, "-shm", NULL);
  gsize length = 0;

  g_unlink (wal);
  g_unlink (shm);
  return g_file_get_contents (from, &bytes, &length, NULL) &&
         g_file_set_contents_full (to, bytes, length, G_FILE_SET_CONTENTS_NONE, 0600, NULL);
}

static gint64
run_wipe_store (const char *path,
                gint64      kill_after_us)
{
  g_autofree char *helper = g_test_build_filename (G_TEST_BUILT, "security", "wipe-store", NULL);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gint64 started;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, helper, path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "wiping");
  started = g_get_monotonic_time ();

  if (kill_after_us >= 0)
    {
      g_usleep (kill_after_us);
      g_subprocess_send_signal (child, SIGKILL);
    }
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  if (kill_after_us < 0)
    g_assert_true (g_subprocess_get_successful (child));
  return g_get_monotonic_time () - started;
}

/* Killed anywhere, the store is the old one or the wiped one — never half
 * of each — and consistent; the next wipe finishes the job. */
static void
test_killed (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *original = make_demo (f, "demo.db");
  g_autofree char *path = g_build_filename (f->dir, "killed.db", NULL);
  g_autofree char *before = NULL, *models_before = NULL;
  g_autoptr(GPtrArray) values = NULL;
  gint64 whole;
  guint old = 0, wiped = 0;

  {
    g_autoptr(CcmStore) store = open_path (original);

    values = personal_values (store);
    before = counts (store);
    models_before = read_models (store);
  }

  g_assert_true (copy_file (original, path));
  whole = run_wipe_store (path, -1);
  g_test_message ("A whole wipe took %" G_GINT64_FORMAT " ms", whole / 1000);

  /* From the start to the end, in quarters of a whole wipe; the last one
   * is not killed at all. */
  for (guint round = 0; round < 6; round++)
    {
      g_autoptr(CcmStore) store = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *models = NULL, *rebuilt = NULL, *now = NULL;
      gint64 left;

      g_assert_true (copy_file (original, path));
      run_wipe_store (path, round < 5 ? whole * round / 4 : -1);

      store = open_path (path);
      now = counts (store);
      g_assert_cmpstr (now, ==, before);
      left = query_int (store, "SELECT count(*) FROM events WHERE type = 'OrderRegistrantAssigned' "
                               "AND json_extract (payload, '$.email') != 'removed@redacted.invalid'");
      models = read_models (store);
      g_assert_true (ccm_store_rebuild (store, &error));
      g_assert_no_error (error);
      rebuilt = read_models (store);
      g_assert_cmpstr (rebuilt, ==, models);

      if (ccm_store_get_wiped_at (store) == 0)
        {
          /* The old store, whole. */
          g_assert_cmpint (left, >, 0);
          g_assert_cmpstr (models, ==, models_before);
          old++;
          continue;
        }

      /* The redacted store, its file perhaps not rewritten yet: the next
       * contact wipes again, and that finishes it. */
      g_assert_cmpint (left, ==, 0);
      assert_nothing_declared_left (store);
      assert_no_value_in_rows (store, values);
      wiped++;
      wipe (store);
      g_clear_object (&store);
      assert_wiped (path, values, before);
    }
  g_test_message ("%u kills left the old store, %u the wiped one", old, wiped);
  g_assert_cmpuint (old, >, 0);
  g_assert_cmpuint (wiped, >, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/security/personal-data/paths", test_paths);
  g_test_add_func ("/security/personal-data/undeclared-warns", test_undeclared_warns);
  if (g_getenv ("CONTOSO_BIN") == NULL)
    {
      g_test_skip ("CONTOSO_BIN names the contoso binary that makes demo stores");
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/security/personal-data/declared", test_declared);
  ADD ("/security/personal-data/demo-wiped", test_demo_wiped);
  ADD ("/security/personal-data/idempotent", test_idempotent);
  ADD ("/security/personal-data/enrolled-pending", test_enrolled_pending);
  ADD ("/security/personal-data/killed", test_killed);

  status = g_test_run ();
  if (demo_dir != NULL)
    remove_dir (demo_dir);
  g_free (demo_dir);
  g_free (demo_template);
  return status;
}
