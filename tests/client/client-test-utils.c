/* client-test-utils.c — helpers shared by the client test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "client-test-utils.h"
#include "test-spawn.h"

void
run_free (Run *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}


/* The server */

/* LeakSanitizer (GCC 12 and clang 14 alike) crashes with "Tracer caught
 * signal 11" while scanning the thread-local storage of a process that
 * loaded the gnutls TLS backend, so the sanitizer build leak-checks every
 * process but those; AddressSanitizer still checks their memory. */
static char **
environ_without_leak_check (char **envp)
{
  const char *options = g_environ_getenv (envp, "ASAN_OPTIONS");
  g_autofree char *value = NULL;

  if (options == NULL)
    return envp;
  value = g_strconcat (options, ":detect_leaks=0", NULL);
  return g_environ_setenv (envp, "ASAN_OPTIONS", value, TRUE);
}

void
server_start (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher = test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", f->port);
  const char *argv[] = { g_getenv ("CONTOSO_SERVER_BIN"), "serve", "--port", port,
                         "--data", f->data, "--tls-cert", f->tls_cert, "--tls-key", f->tls_key,
                         NULL };

  if (f->tls_cert != NULL)
    {
      g_auto(GStrv) envp = environ_without_leak_check (g_get_environ ());

      g_subprocess_launcher_set_environ (launcher, envp);
    }
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "", TRUE);
  if (f->now != NULL)
    g_subprocess_launcher_setenv (launcher, "CONTOSO_NOW", f->now, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "CONTOSO_NOW");
  /* Without a certificate the arguments end before "--tls-cert". */
  if (f->tls_cert == NULL)
    argv[6] = NULL;
  g_clear_pointer (&f->url, g_free);
  f->server = test_server_spawnv (launcher, argv, &f->url, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (f->url, f->tls_cert != NULL ? "https://127.0.0.1:"
                                                               : "http://127.0.0.1:"));
  f->port = atoi (strrchr (f->url, ':') + 1);
}

void
server_stop (Fixture *f,
             int      signal_number)
{
  g_autoptr(GError) error = NULL;

  if (f->server == NULL)
    return;
  g_subprocess_send_signal (f->server, signal_number);
  g_subprocess_wait (f->server, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&f->server);
}

char *
server_run (Fixture    *f,
            const char *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int wait_status = 0;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) g_getenv ("CONTOSO_SERVER_BIN"));
  va_start (ap, first);
  for (arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, (gpointer) "--data");
  g_ptr_array_add (argv, f->data);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (wait_status, NULL))
    g_error ("contoso-server %s failed: %s", first, err);
  return g_strstrip (out);
}

char *
enroll_code (Fixture    *f,
             const char *role)
{
  return server_run (f, "enroll-code", "--role", role, NULL);
}

/* The `contoso` command line */

static char **
contoso_environ (Fixture *f)
{
  char **envp = g_get_environ ();

  envp = g_environ_setenv (envp, "HOME", g_get_home_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  envp = g_environ_unsetenv (envp, "CONTOSO_NOW");
  if (f->tls_cert != NULL)
    envp = environ_without_leak_check (envp);
  return envp;
}

static GPtrArray *
contoso_argv (const char *store,
              const char *first,
              va_list     ap)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) g_getenv ("CONTOSO_BIN"));
  g_ptr_array_add (argv, (gpointer) "--store");
  g_ptr_array_add (argv, (gpointer) store);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);
  return argv;
}

Run *
contoso (Fixture    *f,
         const char *store,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_auto(GStrv) envp = contoso_environ (f);
  g_autoptr(GError) error = NULL;
  Run *run = g_new0 (Run, 1);
  int wait_status = 0;
  va_list ap;

  va_start (ap, first);
  argv = contoso_argv (store, first, ap);
  va_end (ap);

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  /* A signal (a sanitizer's abort among them): say what the child said. */
  if (!WIFEXITED (wait_status))
    g_printerr ("contoso %s died: %s\n", first, run->err);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  return run;
}

GSubprocess *
contoso_spawn (Fixture    *f,
               const char *store,
               const char *first,
               ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GPtrArray) argv = NULL;
  g_auto(GStrv) envp = contoso_environ (f);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  va_list ap;

  va_start (ap, first);
  argv = contoso_argv (store, first, ap);
  va_end (ap);

  g_subprocess_launcher_set_environ (launcher, envp);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

JsonNode *
parse_run (Run *run)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if (run->status != 0)
    g_error ("contoso failed (%d): %s%s", run->status, run->out, run->err);
  node = json_from_string (run->out, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  run_free (run);
  return node;
}

JsonObject *
object_of (JsonNode *node)
{
  JsonObject *object;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_object_ref (json_node_get_object (node));
  json_node_unref (node);
  return object;
}

JsonArray *
array_of (JsonNode *node)
{
  JsonArray *array;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_array_ref (json_node_get_array (node));
  json_node_unref (node);
  return array;
}

JsonObject *
find_row (JsonArray  *rows,
          const char *member,
          const char *value)
{
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_strcmp0 (ccm_json_string (row, member), value) == 0)
        return row;
    }
  return NULL;
}

char *
store_path (Fixture    *f,
            const char *name)
{
  return g_build_filename (f->dir, name, NULL);
}

void
create_conference (Fixture    *f,
                   const char *store,
                   const char *slug)
{
  contoso_ok (f, store, "conference", "create", slug, "--name", "DevCon", "--start", "2027-03-01",
              "--end", "2027-03-03", "--owner-name", "Ada", "--owner-email", "ada@example.org");
  contoso_ok (f, store, "seat-type", "add", slug, "Full pass", "--price", "100", "--quota", "50");
  contoso_ok (f, store, "conference", "publish", slug);
}

/* In-process stores and clients */

CcmStore *
open_store (const char *path)
{
  g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(GError) error = NULL;
  CcmStore *store = ccm_store_open (path, registry, clock, &error);

  g_assert_no_error (error);
  return store;
}

void
client_enroll (CcmSyncClient *client,
               const char    *url,
               const char    *code)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ccm_sync_client_enroll (client, url, code, "Test desk", &error));
  g_assert_no_error (error);
}

/* Waits for the client to let go of its last requests, then checks it is gone. */
void
client_free (CcmSyncClient *client)
{
  ccm_sync_client_stop (client);
  while (G_OBJECT (client)->ref_count > 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_finalize_object (client);
}

/* One round on the store file, as a desk app would do it. */
gboolean
sync_path (const char  *path,
           GError     **error)
{
  g_autoptr(CcmStore) store = open_store (path);
  CcmSyncClient *client = ccm_sync_client_new (store);
  gboolean ok = ccm_sync_client_sync (client, error);

  client_free (client);
  return ok;
}

void
sync_path_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = sync_path (path, &error);

  /* The error first: it says what went wrong. */
  g_assert_no_error (error);
  g_assert_true (ok);
}

void
enroll_path_named (Fixture    *f,
                   const char *path,
                   const char *role,
                   const char *name)
{
  g_autofree char *code = enroll_code (f, role);
  g_autoptr(Run) run = contoso (f, path, "device", "enroll", f->url, code, "--name", name, NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "Enrolled with"));
}

void
enroll_path (Fixture    *f,
             const char *path,
             const char *role)
{
  enroll_path_named (f, path, role, path);
}

/* What every store must agree on: the conferences, and the log's shape. */
char *
store_picture (CcmStore *store)
{
  g_autoptr(JsonArray) conferences = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *json = NULL;
  GString *picture = g_string_new (NULL);

  conferences = ccm_conference_views_list (store, &error);
  g_assert_no_error (error);
  node = json_node_init_array (json_node_alloc (), conferences);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  json = json_generator_to_data (generator, NULL);
  g_string_append_printf (picture, "%s\n", json);

  events = ccm_store_read_all (store, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);

      g_string_append_printf (picture, "%s#%" G_GINT64_FORMAT " %s\n", event->stream_id,
                              event->stream_version, event->type);
    }
  return g_string_free (picture, FALSE);
}

char *
path_picture (const char *path)
{
  g_autoptr(CcmStore) store = open_store (path);

  return store_picture (store);
}

CcmStore *
open_server_store (Fixture *f)
{
  g_autofree char *path = ccm_server_store_path (f->data);
  g_autoptr(CcmRegistry) registry = ccm_server_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(GError) error = NULL;
  CcmStore *store = ccm_store_open (path, registry, clock, &error);

  g_assert_no_error (error);
  return store;
}

char *
server_picture (Fixture *f)
{
  g_autoptr(CcmStore) store = open_server_store (f);

  return store_picture (store);
}

static void
append_json (GString   *picture,
             JsonArray *array)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);
  g_autofree char *json = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  json = json_generator_to_data (generator, NULL);
  g_string_append_printf (picture, "%s\n", json);
}

char *
full_picture (CcmStore   *store,
              const char *slug)
{
  g_autofree char *base = store_picture (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) seats = ccm_seat_views_list (store, slug, &error);
  g_autoptr(JsonArray) orders = NULL;
  g_autoptr(JsonArray) details = json_array_new ();
  GString *picture = g_string_new (base);

  g_assert_no_error (error);
  orders = ccm_order_views_list (store, slug, NULL, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *row = json_array_get_object_element (orders, i);
      JsonObject *order = ccm_order_views_get (store, slug, ccm_json_string (row, "order_id"),
                                               &error);

      g_assert_no_error (error);
      g_assert_nonnull (order);
      json_array_add_object_element (details, order);
    }

  append_json (picture, seats);
  append_json (picture, orders);
  append_json (picture, details);
  return g_string_free (picture, FALSE);
}

char *
full_picture_of_path (const char *path,
                      const char *slug)
{
  g_autoptr(CcmStore) store = open_store (path);

  return full_picture (store, slug);
}

char *
full_picture_of_server (Fixture    *f,
                        const char *slug)
{
  g_autoptr(CcmStore) store = open_server_store (f);

  return full_picture (store, slug);
}

JsonObject *
post_json (SoupSession *session,
           const char  *url,
           const char  *token,
           JsonObject  *body,
           guint       *status)
{
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  char *data = ccm_protocol_to_data (body, &length);

  bytes = g_bytes_new_take (data, length);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                    value);
    }
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (message);
  return ccm_json_from_string (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL);
}

gint64
count_type (const char *picture,
            const char *type)
{
  g_autofree char *needle = g_strdup_printf (" %s\n", type);
  gint64 n = 0;

  for (const char *p = strstr (picture, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

gint64
pending_of (const char *path)
{
  g_autoptr(CcmStore) store = open_store (path);

  return ccm_store_count_pending (store);
}

/* The fixture */

void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("ccm-client-XXXXXX", NULL);
  f->data = g_build_filename (f->dir, "server", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->data, 0700), ==, 0);
  server_start (f);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  server_stop (f, SIGTERM);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->data);
  g_free (f->url);
  g_free (f->tls_cert);
  g_free (f->tls_key);
  g_free (f->now);
}

