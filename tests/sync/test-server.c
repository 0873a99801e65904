/* test-server.c — the real `contoso-server`, talked to over HTTP
 *
 * Every test starts the built binary (CONTOSO_SERVER_BIN) on 127.0.0.1
 * port 0 in its own data folder, reads the port from the line it prints,
 * and speaks the protocol with a SoupSession. The tear-down stops it with
 * SIGTERM and checks that it exits 0.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-server-store.h"
#include "test-spawn.h"

typedef struct
{
  char *dir;            /* the server's data folder */
  GSubprocess *server;
  char *url;
  char **extra_env;     /* for the next start */
  gboolean tls;         /* processes load the gnutls backend */
  SoupSession *session;
} Fixture;

typedef struct
{
  char *id;
  char *secret;
  char *token;
} Device;

static void
device_free (Device *device)
{
  g_free (device->id);
  g_free (device->secret);
  g_free (device->token);
  g_free (device);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

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

static char **
child_environment (Fixture *f)
{
  char **envp = g_get_environ ();

  envp = g_environ_unsetenv (envp, "CONTOSO_NOW");
  for (guint i = 0; f->extra_env != NULL && f->extra_env[i] != NULL; i += 2)
    envp = g_environ_setenv (envp, f->extra_env[i], f->extra_env[i + 1], TRUE);
  if (f->tls)
    envp = environ_without_leak_check (envp);
  return envp;
}

static void
start_server_with (Fixture            *f,
                   const char *const  *extra_args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = child_environment (f);
  const char *bin = g_getenv ("CONTOSO_SERVER_BIN");

  g_assert_nonnull (bin);
  g_assert_null (f->server);

  g_ptr_array_add (argv, (gpointer) bin);
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--data");
  g_ptr_array_add (argv, f->dir);
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_environ (launcher, envp);
  g_clear_pointer (&f->url, g_free);
  f->server = test_server_spawnv (launcher, (const char *const *) argv->pdata, &f->url, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (f->url, "http"));
}

static void
start_server (Fixture *f)
{
  start_server_with (f, NULL);
}

/* SIGTERM must end it cleanly: exit status 0. */
static void
stop_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  if (f->server == NULL)
    return;
  g_subprocess_send_signal (f->server, SIGTERM);
  g_subprocess_wait (f->server, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (f->server));
  g_assert_cmpint (g_subprocess_get_exit_status (f->server), ==, 0);
  g_clear_object (&f->server);
}

static void
kill_server (Fixture *f)
{
  g_subprocess_force_exit (f->server);
  g_subprocess_wait (f->server, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (f->server));
  g_assert_cmpint (g_subprocess_get_term_sig (f->server), ==, SIGKILL);
  g_clear_object (&f->server);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("contoso-server-XXXXXX", &error);
  g_assert_no_error (error);
  f->session = soup_session_new_with_options ("timeout", 60, NULL);
  if (data == NULL)
    start_server (f);
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

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  stop_server (f);
  g_assert_finalize_object (f->session);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->url);
  g_strfreev (f->extra_env);
}

/* The command line, beside the running server */

static int
run_cli_full (Fixture             *f,
              char               **out,
              char               **err,
              const char *const   *args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = child_environment (f);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("CONTOSO_SERVER_BIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        (err != NULL ? G_SUBPROCESS_FLAGS_STDERR_PIPE
                                                     : G_SUBPROCESS_FLAGS_STDERR_SILENCE));
  g_subprocess_launcher_set_environ (launcher, envp);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text,
                                 err != NULL ? &stderr_text : NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

static int
run_cli (Fixture             *f,
         char               **out,
         const char *const   *args)
{
  return run_cli_full (f, out, NULL, args);
}

static char *
new_code (Fixture    *f,
          const char *role,
          const char *conference)
{
  g_autofree char *out = NULL;
  const char *args[] = { "enroll-code", "--data", f->dir, "--role", role,
                         conference != NULL ? "--conference" : NULL, conference, NULL };

  g_assert_cmpint (run_cli (f, &out, args), ==, 0);
  g_strstrip (out);
  g_assert_cmpuint (strlen (out), ==, 14);
  return g_steal_pointer (&out);
}

static JsonNode *
cli_json (Fixture            *f,
          const char *const  *args)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_assert_cmpint (run_cli (f, &out, args), ==, 0);
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  return node;
}

/* The device as `devices list --json` gives it. */
static JsonObject *
listed_device (Fixture    *f,
               const char *device_id)
{
  const char *args[] = { "devices", "list", "--json", "--data", f->dir, NULL };
  g_autoptr(JsonNode) node = cli_json (f, args);
  JsonArray *devices = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      if (g_str_equal (json_object_get_string_member (device, "device_id"), device_id))
        return json_object_ref (device);
    }
  g_assert_not_reached ();
}

static gint64
device_last_seq (Fixture    *f,
                 const char *device_id)
{
  g_autoptr(JsonObject) device = listed_device (f, device_id);

  return json_object_get_int_member (device, "last_seq");
}

/* HTTP */

static JsonObject *
request_bytes (Fixture    *f,
               const char *method,
               const char *path,
               const char *token,
               GBytes     *body,
               guint      *status)
{
  g_autofree char *url = g_strconcat (f->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *type;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);

  response = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);

  /* Every answer, errors included, is a JSON object. */
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  g_assert_cmpstr (type, ==, "application/json");
  node = json_from_string (g_bytes_get_data (response, NULL), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *token,
         const char *body,
         guint      *status)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return request_bytes (f, method, path, token, bytes, status);
}

static JsonObject *
request_json (Fixture    *f,
              const char *path,
              const char *token,
              JsonObject *body,
              guint      *status)
{
  g_autofree char *text = ccm_json_to_string (body);

  return request (f, "POST", path, token, text, status);
}

static void
assert_error (JsonObject *response,
              const char *error,
              const char *field)
{
  g_assert_cmpstr (json_object_get_string_member (response, "error"), ==, error);
  g_assert_true (json_object_has_member (response, "message"));
  g_assert_cmpuint (strlen (json_object_get_string_member (response, "message")), >, 10);
  g_assert_true (json_object_has_member (response, "field"));
  if (field == NULL)
    g_assert_true (json_object_get_null_member (response, "field"));
  else
    g_assert_cmpstr (json_object_get_string_member (response, "field"), ==, field);
}

/* A token; with a name, the desk is called so from then on. */
static char *
get_named_token (Fixture    *f,
                 const char *device_id,
                 const char *secret,
                 const char *name,
                 guint      *status)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) response = NULL;

  json_object_set_string_member (body, "device_id", device_id);
  json_object_set_string_member (body, "secret", secret);
  if (name != NULL)
    json_object_set_string_member (body, "name", name);
  response = request_json (f, "/v1/token", NULL, body, status);
  if (*status != 200)
    return NULL;
  return g_strdup (json_object_get_string_member (response, "token"));
}

static char *
get_token (Fixture    *f,
           const char *device_id,
           const char *secret,
           guint      *status)
{
  return get_named_token (f, device_id, secret, NULL, status);
}

static Device *
enroll (Fixture    *f,
        const char *role,
        const char *conference)
{
  g_autofree char *code = new_code (f, role, conference);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) response = NULL;
  Device *device = g_new0 (Device, 1);
  guint status = 0;

  json_object_set_string_member (body, "code", code);
  json_object_set_string_member (body, "name", role);
  response = request_json (f, "/v1/enroll", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (response, "role"), ==, role);
  device->id = g_strdup (json_object_get_string_member (response, "device_id"));
  device->secret = g_strdup (json_object_get_string_member (response, "secret"));
  device->token = get_token (f, device->id, device->secret, &status);
  g_assert_cmpuint (status, ==, 200);
  return device;
}

/* Commands */

static JsonObject *
command (gint64      seq,
         const char *type,
         JsonObject *args)
{
  JsonObject *o = json_object_new ();
  g_autofree char *id = ccm_id_new (g_get_real_time ());

  json_object_set_int_member (o, "seq", seq);
  json_object_set_string_member (o, "command_id", id);
  json_object_set_string_member (o, "type", type);
  json_object_set_int_member (o, "schema_version", 1);
  json_object_set_object_member (o, "args", args);
  json_object_set_int_member (o, "device_time", g_get_real_time ());
  return o;
}

static JsonObject *
create_conference (gint64      seq,
                   const char *slug)
{
  JsonObject *args = json_object_new ();
  g_autofree char *id = ccm_id_new (g_get_real_time ());

  json_object_set_string_member (args, "conference_id", id);
  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "name", "Test conference");
  json_object_set_string_member (args, "start_date", "2030-05-01");
  json_object_set_string_member (args, "end_date", "2030-05-02");
  json_object_set_string_member (args, "owner_name", "Olga Organizer");
  json_object_set_string_member (args, "owner_email", "olga@example.com");
  json_object_set_string_member (args, "access_code", "ABC123");
  return command (seq, "CreateConference", args);
}

static JsonObject *
add_seat_type (gint64      seq,
               const char *slug)
{
  JsonObject *args = json_object_new ();
  g_autofree char *id = ccm_id_new (g_get_real_time ());

  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "seat_type_id", id);
  json_object_set_string_member (args, "name", "General admission");
  json_object_set_int_member (args, "price", 10000);
  json_object_set_int_member (args, "quota", 100);
  return command (seq, "AddSeatType", args);
}

static JsonObject *
slug_command (gint64      seq,
              const char *type,
              const char *slug)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "slug", slug);
  return command (seq, type, args);
}

static JsonObject *
batch (JsonObject *first,
       ...)
{
  JsonObject *body = json_object_new ();
  JsonArray *commands = json_array_new ();
  va_list args;

  va_start (args, first);
  for (JsonObject *o = first; o != NULL; o = va_arg (args, JsonObject *))
    json_array_add_object_element (commands, o);
  va_end (args);
  json_object_set_array_member (body, "commands", commands);
  return body;
}

/* Takes the body: most callers build it inline. */
static JsonObject *
push (Fixture    *f,
      Device     *device,
      JsonObject *body,
      guint      *status)
{
  g_autoptr(JsonObject) owned = body;

  return request_json (f, "/v1/push", device->token, owned, status);
}

static JsonArray *
results (JsonObject *response)
{
  return json_object_get_array_member (response, "results");
}

static const char *
result_status (JsonObject *response,
               guint       index)
{
  return json_object_get_string_member (json_array_get_object_element (results (response), index),
                                        "status");
}

/* Pulls everything from the start; returns the events. */
static JsonArray *
pull_all (Fixture *f,
          Device  *device)
{
  JsonArray *all = json_array_new ();
  g_autofree char *cookie = NULL;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(JsonObject) body = json_object_new ();
      g_autoptr(JsonObject) response = NULL;
      JsonArray *events;
      guint status = 0;

      if (cookie != NULL)
        json_object_set_string_member (body, "cookie", cookie);
      response = request_json (f, "/v1/pull", device->token, body, &status);
      g_assert_cmpuint (status, ==, 200);
      g_assert_false (json_object_has_member (response, "reset"));
      events = json_object_get_array_member (response, "events");
      for (guint i = 0; i < json_array_get_length (events); i++)
        json_array_add_element (all, json_node_copy (json_array_get_element (events, i)));
      g_free (cookie);
      cookie = g_strdup (json_object_get_string_member (response, "cookie"));
      more = json_object_get_boolean_member (response, "has_more");
    }
  return all;
}

static guint
count_events (Fixture *f,
              Device  *device)
{
  g_autoptr(JsonArray) events = pull_all (f, device);

  return json_array_get_length (events);
}

static Device *
admin_with_conference (Fixture    *f,
                       const char *slug)
{
  Device *admin = enroll (f, "admin", NULL);
  g_autoptr(JsonObject) response = NULL;
  guint status = 0;

  response = push (f, admin, batch (create_conference (1, slug), add_seat_type (2, slug),
                                    slug_command (3, "PublishConference", slug), NULL), &status);
  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (result_status (response, i), ==, "applied");
  return admin;
}

/* Tests */

static void
test_hello (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JsonObject) response = NULL;
  JsonObject *protocol;
  guint status = 0;

  response = request (f, "GET", "/v1/hello", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (ccm_id_is_valid (json_object_get_string_member (response, "server_id")));
  g_assert_true (ccm_id_is_valid (json_object_get_string_member (response, "epoch")));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (response, "server_time"), "Z"));
  protocol = json_object_get_object_member (response, "protocol");
  g_assert_cmpint (json_object_get_int_member (protocol, "min"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (protocol, "max"), >=, 1);
  g_assert_true (json_object_has_member (response, "schema"));
}

static void
test_enroll_once (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *code = new_code (f, "desk", "devconf");
  g_autofree char *lower = g_ascii_strdown (code, -1);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) made_up = NULL;
  g_autofree char *token = NULL;
  g_autofree char *wrong = NULL;
  JsonArray *conferences;
  guint status = 0;

  /* People type codes in lower case. */
  json_object_set_string_member (body, "code", lower);
  first = request_json (f, "/v1/enroll", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (first, "role"), ==, "desk");
  conferences = json_object_get_array_member (first, "conferences");
  g_assert_cmpuint (json_array_get_length (conferences), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (conferences, 0), ==, "devconf");
  g_assert_cmpuint (strlen (json_object_get_string_member (first, "secret")), >=, 32);

  second = request_json (f, "/v1/enroll", NULL, body, &status);
  g_assert_cmpuint (status, ==, 401);
  assert_error (second, "unauthorized", "code");

  json_object_set_string_member (body, "code", "AAAA-BBBB-CCCC");
  made_up = request_json (f, "/v1/enroll", NULL, body, &status);
  g_assert_cmpuint (status, ==, 401);

  token = get_token (f, json_object_get_string_member (first, "device_id"),
                     json_object_get_string_member (first, "secret"), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (token);
  wrong = get_token (f, json_object_get_string_member (first, "device_id"), "not-the-secret",
                     &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_null (wrong);
}

static void
test_push_pull (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Device) admin = admin_with_conference (f, "pushconf");
  g_autoptr(JsonArray) events = pull_all (f, admin);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) rest = NULL;
  g_autoptr(GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);
  guint status = 0;

  for (guint i = 0; i < json_array_get_length (events); i++)
    g_hash_table_add (types, (gpointer) json_object_get_string_member (
                        json_array_get_object_element (events, i), "type"));
  g_assert_true (g_hash_table_contains (types, "ConferenceCreated"));
  g_assert_true (g_hash_table_contains (types, "SeatTypeCreated"));
  g_assert_true (g_hash_table_contains (types, "ConferencePublished"));
  /* The server's process managers ran: the seats stream got its quota. */
  g_assert_true (g_hash_table_contains (types, "AvailableSeatsChanged"));

  /* Paged: one event, a cookie, more to come; then the rest. */
  json_object_set_int_member (body, "limit", 1);
  first = request_json (f, "/v1/pull", admin->token, body, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (first, "events")), ==, 1);
  g_assert_true (json_object_get_boolean_member (first, "has_more"));
  json_object_set_string_member (body, "cookie", json_object_get_string_member (first, "cookie"));
  json_object_set_int_member (body, "limit", 1000);
  rest = request_json (f, "/v1/pull", admin->token, body, &status);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rest, "events")), ==,
                    json_array_get_length (events) - 1);
  g_assert_false (json_object_get_boolean_member (rest, "has_more"));

  /* A cookie of another epoch: start over. */
  {
    g_autoptr(JsonObject) other = json_object_new ();
    g_autoptr(JsonObject) reset = NULL;
    g_autofree char *epoch = ccm_id_new (g_get_real_time ());
    g_autofree char *cookie = g_strconcat (epoch, ":3", NULL);

    json_object_set_string_member (other, "cookie", cookie);
    reset = request_json (f, "/v1/pull", admin->token, other, &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_true (json_object_get_boolean_member (reset, "reset"));
    g_assert_cmpstr (json_object_get_string_member (reset, "epoch"), !=, epoch);
  }
}

static void
test_duplicate_push (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Device) admin = enroll (f, "admin", NULL);
  g_autoptr(JsonObject) body = batch (create_conference (1, "dupconf"),
                                      add_seat_type (2, "dupconf"), NULL);
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  JsonObject *r0, *a0;
  guint status = 0, n_events;

  first = push (f, admin, json_object_ref (body), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (result_status (first, 0), ==, "applied");
  g_assert_cmpstr (result_status (first, 1), ==, "applied");
  n_events = count_events (f, admin);

  /* The answer was lost; the device sends the same batch again. */
  again = push (f, admin, json_object_ref (body), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (result_status (again, 0), ==, "duplicate");
  g_assert_cmpstr (result_status (again, 1), ==, "duplicate");
  r0 = json_array_get_object_element (results (first), 0);
  a0 = json_array_get_object_element (results (again), 0);
  g_assert_cmpstr (json_object_get_string_member (a0, "original_status"), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (a0, "first_position"), ==,
                   json_object_get_int_member (r0, "first_position"));
  g_assert_cmpuint (count_events (f, admin), ==, n_events);
  g_assert_cmpint (device_last_seq (f, admin->id), ==, 2);
}

static void
test_seq_conflict (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Device) admin = admin_with_conference (f, "seqconf");
  g_autoptr(JsonObject) response = NULL;
  guint status = 0, n_events = count_events (f, admin);

  /* Seq 2 again, for another command. */
  response = push (f, admin, batch (create_conference (2, "otherconf"), NULL), &status);
  g_assert_cmpuint (status, ==, 409);
  assert_error (response, "seq-conflict", "seq");
  g_assert_cmpuint (count_events (f, admin), ==, n_events);
  g_assert_cmpint (device_last_seq (f, admin->id), ==, 3);
}

static void
test_seq_gap (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Device) admin = admin_with_conference (f, "gapconf");
  g_autoptr(JsonObject) response = NULL;
  guint status = 0, n_events = count_events (f, admin);

  response = push (f, admin, batch (create_conference (6, "later"), NULL), &status);
  g_assert_cmpuint (status, ==, 409);
  assert_error (response, "seq-gap", "seq");
  g_assert_cmpint (json_object_get_int_member (response, "expected_seq"), ==, 4);
  g_assert_cmpuint (count_events (f, admin), ==, n_events);
}

static void
test_rejection_advances (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Device) admin = admin_with_conference (f, "rejconf");
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(JsonNode) conflicts = NULL;
  const char *args[] = { "conflicts", "list", "--json", "--data", f->dir, NULL };
  JsonObject *rejected, *conflict;
  guint status = 0;

  /* The slug is taken: a business rejection, then the next command runs. */
  response = push (f, admin, batch (create_conference (4, "rejconf"),
                                    create_conference (5, "nextconf"), NULL), &status);
  g_assert_cmpuint (status, ==, 200);
  rejected = json_array_get_object_element (results (response), 0);
  g_assert_cmpstr (json_object_get_string_member (rejected, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (rejected, "error"), ==, "conflict");
  g_assert_cmpstr (json_object_get_string_member (rejected, "field"), ==, "slug");
  g_assert_cmpstr (result_status (response, 1), ==, "applied");
  g_assert_cmpint (device_last_seq (f, admin->id), ==, 5);

  conflicts = cli_json (f, args);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (conflicts)), ==, 1);
  conflict = json_array_get_object_element (json_node_get_array (conflicts), 0);
  g_assert_cmpstr (json_object_get_string_member (conflict, "device_id"), ==, admin->id);
  g_assert_cmpint (json_object_get_int_member (conflict, "seq"), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (conflict, "conference"), ==, "rejconf");
}

/* A quota cut, then in the same batch a command that takes seats: the
 * cut's seats leave the pool before the next command runs, as on any store.
 * (Found by the fault test: the process managers' commands of a batch ran
 * after the whole batch, so the grant took the seats the cut had counted
 * as free, the seats' own cut was then refused, and they kept counting
 * the old quota: more seats on sale than the conference has.) */
static void
test_quota_cut_in_batch (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(Device) admin = enroll (f, "admin", NULL);
  g_autoptr(Device) desk = enroll (f, "desk", NULL);
  g_autoptr(JsonObject) setup = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(JsonArray) events = NULL;
  g_autofree char *seat_type = NULL;
  g_autofree char *allotment_id = ccm_id_new (g_get_real_time ());
  JsonObject *add = add_seat_type (2, "cutconf");
  JsonObject *cut = json_object_new ();
  JsonObject *grant = json_object_new ();
  JsonObject *rejected;
  gint64 on_sale = 0;
  guint status = 0;

  seat_type = g_strdup (json_object_get_string_member (json_object_get_object_member (add, "args"),
                                                       "seat_type_id"));
  setup = push (f, admin, batch (create_conference (1, "cutconf"), add,
                                 slug_command (3, "PublishConference", "cutconf"), NULL), &status);
  g_assert_cmpuint (status, ==, 200);

  /* 100 seats; cut to 40, and grant a desk all 100. */
  json_object_set_string_member (cut, "slug", "cutconf");
  json_object_set_string_member (cut, "seat_type", seat_type);
  json_object_set_int_member (cut, "quota", 40);
  json_object_set_string_member (grant, "conference", "cutconf");
  json_object_set_string_member (grant, "allotment_id", allotment_id);
  json_object_set_string_member (grant, "device_id", desk->id);
  json_object_set_string_member (grant, "seat_type", seat_type);
  json_object_set_int_member (grant, "quantity", 100);
  json_object_set_int_member (grant, "until", g_get_real_time () + G_TIME_SPAN_HOUR);
  response = push (f, admin, batch (command (4, "UpdateSeatType", cut),
                                    command (5, "GrantAllotment", grant), NULL), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (result_status (response, 0), ==, "applied");
  rejected = json_array_get_object_element (results (response), 1);
  g_assert_cmpstr (json_object_get_string_member (rejected, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (rejected, "field"), ==, "quantity");

  /* The seats count 40, and none of them is leased. */
  events = pull_all (f, admin);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      JsonObject *payload = json_object_get_object_member (event, "payload");
      const char *type = json_object_get_string_member (event, "type");

      g_assert_cmpstr (type, !=, "AllotmentGranted");
      if (g_str_equal (type, "AvailableSeatsChanged"))
        {
          JsonArray *seats = json_object_get_array_member (payload, "seats");

          for (guint j = 0; j < json_array_get_length (seats); j++)
            on_sale += json_object_get_int_member (json_array_get_object_element (seats, j),
                                                   "quantity");
        }
    }
  g_assert_cmpint (on_sale, ==, 40);
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(Device) admin = admin_with_conference (f, "roleconf");
  g_autoptr(Device) desk = enroll (f, "desk", NULL);
  g_autoptr(Device) checkin = enroll (f, "checkin", NULL);
  g_autoptr(Device) viewer = enroll (f, "viewer", NULL);
  g_autoptr(Device) organizer = enroll (f, "organizer", NULL);
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL;
  JsonObject *outcome;
  guint status = 0, n_events = count_events (f, admin);

  r1 = push (f, desk, batch (slug_command (1, "UnpublishConference", "roleconf"),
                             create_conference (2, "deskconf"), NULL), &status);
  g_assert_cmpuint (status, ==, 200);
  outcome = json_array_get_object_element (results (r1), 0);
  g_assert_cmpstr (json_object_get_string_member (outcome, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (outcome, "error"), ==, "forbidden");
  g_assert_cmpstr (result_status (r1, 1), ==, "rejected");
  g_assert_cmpint (device_last_seq (f, desk->id), ==, 2);

  r2 = push (f, checkin, batch (slug_command (1, "PublishConference", "roleconf"), NULL), &status);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results (r2), 0),
                                                  "error"), ==, "forbidden");
  r3 = push (f, viewer, batch (create_conference (1, "viewconf"), NULL), &status);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results (r3), 0),
                                                  "error"), ==, "forbidden");
  g_assert_cmpuint (count_events (f, admin), ==, n_events);

  /* An organizer may do what the desk may not; a desk may not confirm orders. */
  r4 = push (f, organizer, batch (slug_command (1, "UnpublishConference", "roleconf"), NULL),
             &status);
  g_assert_cmpstr (result_status (r4, 0), ==, "applied");
  {
    JsonObject *args = json_object_new ();
    g_autofree char *order_id = ccm_id_new (g_get_real_time ());

    json_object_set_string_member (args, "order_id", order_id);
    r5 = push (f, desk, batch (command (3, "ConfirmOrder", args), NULL), &status);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results (r5), 0),
                                                    "error"), ==, "forbidden");
  }
  /* But it may expire one: a standalone desk's expiries come with its
   * history. Here the order is unknown, which is the only objection. */
  {
    JsonObject *args = json_object_new ();
    g_autofree char *order_id = ccm_id_new (g_get_real_time ());
    g_autoptr(JsonObject) r6 = NULL;

    json_object_set_string_member (args, "order_id", order_id);
    json_object_set_string_member (args, "reason", "expired");
    r6 = push (f, desk, batch (command (4, "RejectOrder", args), NULL), &status);
    g_assert_cmpstr (result_status (r6, 0), ==, "rejected");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results (r6), 0),
                                                    "error"), !=, "forbidden");
  }
  /* Desks and organizers resolve the attention list's items; a check-in
   * device does not. */
  {
    g_autoptr(JsonObject) r7 = NULL, r8 = NULL;
    JsonObject *args = json_object_new ();

    json_object_set_string_member (args, "conference", "roleconf");
    json_object_set_string_member (args, "item", "order/unknown#3");
    json_object_set_string_member (args, "note", "Refunded by card");
    r7 = push (f, desk, batch (command (5, "ResolveAttention", json_object_ref (args)), NULL), &status);
    g_assert_cmpstr (result_status (r7, 0), ==, "applied");
    r8 = push (f, checkin, batch (command (2, "ResolveAttention", args), NULL), &status);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results (r8), 0),
                                                    "error"), ==, "forbidden");
  }
}

static void
test_scope (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(Device) admin = admin_with_conference (f, "alpha");
  g_autoptr(Device) organizer = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(JsonArray) events = NULL;
  JsonObject *outcome;
  guint status = 0;

  other = push (f, admin, batch (create_conference (4, "beta"), add_seat_type (5, "beta"), NULL),
                &status);
  g_assert_cmpstr (result_status (other, 1), ==, "applied");

  organizer = enroll (f, "organizer", "alpha");
  response = push (f, organizer, batch (slug_command (1, "UnpublishConference", "beta"),
                                        create_conference (2, "gamma"),
                                        slug_command (3, "UnpublishConference", "alpha"), NULL),
                   &status);
  g_assert_cmpuint (status, ==, 200);
  outcome = json_array_get_object_element (results (response), 0);
  g_assert_cmpstr (json_object_get_string_member (outcome, "error"), ==, "forbidden");
  g_assert_cmpstr (json_object_get_string_member (outcome, "field"), ==, "conference");
  g_assert_cmpstr (result_status (response, 1), ==, "rejected");
  g_assert_cmpstr (result_status (response, 2), ==, "applied");

  /* Only alpha's events come down to it. */
  events = pull_all (f, organizer);
  g_assert_cmpuint (json_array_get_length (events), >, 3);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      const char *stream = json_object_get_string_member (event, "stream_id");

      g_assert_true (g_str_has_suffix (stream, "/alpha"));
    }
  g_assert_cmpuint (json_array_get_length (events), <, count_events (f, admin));

  /* Desks renamed since: an alpha desk hears of the new names of the
   * desks it shares alpha with and of those that work for every
   * conference, not of a beta desk's. */
  {
    g_autoptr(Device) alpha_door = enroll (f, "checkin", "alpha");
    g_autoptr(Device) beta_door = enroll (f, "checkin", "beta");
    const struct { Device *device; const char *name; } renames[] = {
      { alpha_door, "Alpha door" }, { beta_door, "Beta door" }, { admin, "Head office" },
    };
    g_autoptr(JsonObject) pulled = NULL;
    g_autoptr(JsonObject) from_start = json_object_new ();
    JsonObject *names;

    for (guint i = 0; i < G_N_ELEMENTS (renames); i++)
      {
        g_free (renames[i].device->token);
        renames[i].device->token = get_named_token (f, renames[i].device->id,
                                                    renames[i].device->secret, renames[i].name,
                                                    &status);
        g_assert_cmpuint (status, ==, 200);
      }
    pulled = request_json (f, "/v1/pull", organizer->token, from_start, &status);
    g_assert_cmpuint (status, ==, 200);
    names = json_object_get_object_member (pulled, "devices");
    g_assert_nonnull (names);
    g_assert_cmpstr (ccm_json_string (names, alpha_door->id), ==, "Alpha door");
    g_assert_cmpstr (ccm_json_string (names, admin->id), ==, "Head office");
    g_assert_false (json_object_has_member (names, beta_door->id));
  }
}

static void
test_bad_requests (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Device) admin = admin_with_conference (f, "badconf");
  g_autoptr(JsonObject) r = NULL;
  guint status = 0, n_events = count_events (f, admin);
  const char *revoke[] = { "devices", "revoke", NULL, "--data", f->dir, NULL };

#define EXPECT(method, path, token, body, code, error, field) \
  G_STMT_START { \
    g_autoptr(JsonObject) response = request (f, method, path, token, body, &status); \
    g_assert_cmpuint (status, ==, code); \
    assert_error (response, error, field); \
  } G_STMT_END

  EXPECT ("POST", "/v1/push", admin->token, "{\"commands\": [", 400, "invalid", NULL);
  EXPECT ("POST", "/v1/push", admin->token, "[1, 2]", 400, "invalid", NULL);
  EXPECT ("POST", "/v1/push", admin->token, "{\"commands\": {}}", 400, "invalid", "commands");
  EXPECT ("POST", "/v1/push", admin->token,
          "{\"commands\": [{\"seq\": \"4\", \"command_id\": \"x\", \"type\": \"PublishConference\", "
          "\"args\": {\"slug\": \"badconf\"}}]}", 400, "invalid", "seq");
  EXPECT ("POST", "/v1/push", admin->token,
          "{\"commands\": [{\"seq\": 4, \"command_id\": \"x\", \"type\": \"PublishConference\", "
          "\"args\": [\"badconf\"]}]}", 400, "invalid", "args");
  EXPECT ("POST", "/v1/push", admin->token,
          "{\"commands\": [{\"seq\": 4, \"command_id\": \"x\", \"type\": \"DropAllTables\", "
          "\"args\": {}}]}", 400, "invalid", "type");
  /* Text json-glib reads but no JSON can hold: refused before anything runs. */
  EXPECT ("POST", "/v1/push", admin->token,
          "{\"commands\": [{\"seq\": 4, \"command_id\": \"x\", \"type\": \"UpdateConference\", "
          "\"args\": {\"slug\": \"badconf\", \"tagline\": \"\\udc00x\"}}]}", 400, "invalid", "tagline");
  /* json-glib would keep "bad" of the tagline and drop the rest unseen. */
  EXPECT ("POST", "/v1/push", admin->token,
          "{\"commands\": [{\"seq\": 4, \"command_id\": \"x\", \"type\": \"UpdateConference\", "
          "\"args\": {\"slug\": \"badconf\", \"tagline\": \"bad\\u0000conf\"}}]}", 400, "invalid", NULL);
  EXPECT ("POST", "/v1/push", admin->token,
          "{\"commands\": [{\"seq\": 4, \"command_id\": \"x\", \"type\": \"PublishConference\", "
          "\"device_time\": 1e999, \"args\": {\"slug\": \"badconf\"}}]}", 400, "invalid",
          "device_time");
  EXPECT ("POST", "/v1/pull", admin->token, "{\"cookie\": 12}", 400, "invalid", "cookie");
  EXPECT ("POST", "/v1/pull", admin->token, "{\"cookie\": \"nonsense\"}", 400, "invalid", "cookie");
  EXPECT ("POST", "/v1/pull", admin->token, "{\"limit\": 0}", 400, "invalid", "limit");
  EXPECT ("POST", "/v1/token", NULL, "{\"device_id\": 5, \"secret\": \"s\"}", 400, "invalid",
          "device_id");
  EXPECT ("GET", "/v1/poke", admin->token, NULL, 400, "invalid", "after");
  EXPECT ("GET", "/v2/hello", NULL, NULL, 404, "not-found", NULL);
  EXPECT ("GET", "/v1/push", admin->token, NULL, 405, "method-not-allowed", NULL);
  EXPECT ("POST", "/v1/push", NULL, "{\"commands\": []}", 401, "unauthorized", "Authorization");
  EXPECT ("POST", "/v1/push", "0123456789abcdef", "{\"commands\": []}", 401, "unauthorized",
          "Authorization");

  /* A batch over the limit, and a body over the limit. */
  {
    g_autoptr(JsonObject) body = json_object_new ();
    JsonArray *commands = json_array_new ();

    for (int i = 0; i < 501; i++)
      json_array_add_object_element (commands, slug_command (4 + i, "PublishConference", "badconf"));
    json_object_set_array_member (body, "commands", commands);
    r = push (f, admin, json_object_ref (body), &status);
    g_assert_cmpuint (status, ==, 413);
    assert_error (r, "too-large", "commands");
  }
  {
    gsize size = 5 * 1024 * 1024;
    g_autofree char *big = g_malloc (size);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(JsonObject) response = NULL;

    memset (big, ' ', size);
    memcpy (big, "{\"commands\": []", 15);
    big[size - 1] = '}';
    bytes = g_bytes_new_take (g_steal_pointer (&big), size);
    response = request_bytes (f, "POST", "/v1/push", admin->token, bytes, &status);
    g_assert_cmpuint (status, ==, 413);
    assert_error (response, "too-large", NULL);
  }

  /* Nothing of all that was written. */
  g_assert_cmpuint (count_events (f, admin), ==, n_events);
  g_assert_cmpint (device_last_seq (f, admin->id), ==, 3);

  /* Revoked: 403 on every call, and no new token. */
  revoke[2] = admin->id;
  g_assert_cmpint (run_cli (f, NULL, revoke), ==, 0);
  EXPECT ("POST", "/v1/push", admin->token, "{\"commands\": []}", 403, "revoked", NULL);
  {
    g_autofree char *token = get_token (f, admin->id, admin->secret, &status);

    g_assert_null (token);
    g_assert_cmpuint (status, ==, 403);
  }
  g_assert_cmpint (device_last_seq (f, admin->id), ==, 3);

#undef EXPECT
}

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  guint status = 0;

  for (int i = 0; i < 20; i++)
    {
      g_autoptr(JsonObject) r = request (f, "POST", "/v1/pull", "guess", "{}", &status);

      g_assert_cmpuint (status, ==, 401);
    }
  {
    g_autoptr(JsonObject) r = request (f, "POST", "/v1/pull", "guess", "{}", &status);

    g_assert_cmpuint (status, ==, 429);
    assert_error (r, "rate-limited", NULL);
  }
}

/* The server started with its clock at `now` (CONTOSO_NOW). */
static void
start_server_at (Fixture    *f,
                 const char *now)
{
  const char *env[] = { "CONTOSO_NOW", now, NULL };

  g_strfreev (f->extra_env);
  f->extra_env = g_strdupv ((char **) env);
  start_server (f);
}

/* A desk enrolled at `now`, with the server stopped after. */
static Device *
enroll_at (Fixture    *f,
           const char *now)
{
  Device *desk;

  start_server_at (f, now);
  desk = enroll (f, "desk", NULL);
  stop_server (f);
  return desk;
}

static void
test_token_expiry (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Device) desk = enroll_at (f, "2030-01-01T09:00:00Z");
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *fresh = NULL;
  guint status = 0;

  start_server_at (f, "2030-01-01T09:20:00Z");
  r = request (f, "POST", "/v1/pull", desk->token, "{}", &status);
  g_assert_cmpuint (status, ==, 401);
  assert_error (r, "unauthorized", "Authorization");
  g_assert_nonnull (strstr (json_object_get_string_member (r, "message"), "expired"));

  /* The secret gets a fresh one. */
  fresh = get_token (f, desk->id, desk->secret, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* When a device last reached the server: its token, then any request of
 * it (a desk that only pulls is seen too), at most once a minute; a request
 * that fails to authenticate is not a sighting. */
static void
test_last_seen (Fixture       *f,
                gconstpointer  data)
{
  static const struct { const char *now; gboolean own_token; const char *seen; } steps[] = {
    { "2030-01-01T09:00:30Z", TRUE, "2030-01-01T09:00:00.000Z" },  /* within the minute */
    { "2030-01-01T09:02:00Z", TRUE, "2030-01-01T09:02:00.000Z" },
    { "2030-01-01T09:04:00Z", FALSE, "2030-01-01T09:02:00.000Z" },
    { "2030-01-01T09:05:00Z", TRUE, "2030-01-01T09:05:00.000Z" },
  };
  g_autoptr(Device) desk = enroll_at (f, "2030-01-01T09:00:00Z");
  guint status = 0;

  {
    g_autoptr(JsonObject) listed = listed_device (f, desk->id);

    g_assert_cmpstr (json_object_get_string_member (listed, "last_seen_at"), ==,
                     "2030-01-01T09:00:00.000Z");
  }

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(JsonObject) r = NULL;
      g_autoptr(JsonObject) listed = NULL;

      start_server_at (f, steps[i].now);
      r = request (f, "POST", "/v1/pull", steps[i].own_token ? desk->token : "guess", "{}",
                   &status);
      g_assert_cmpuint (status, ==, steps[i].own_token ? 200 : 401);
      stop_server (f);
      listed = listed_device (f, desk->id);
      g_assert_cmpstr (json_object_get_string_member (listed, "last_seen_at"), ==, steps[i].seen);
    }

  {
    g_autofree char *out = NULL;
    const char *list[] = { "devices", "list", "--data", f->dir, NULL };

    g_assert_cmpint (run_cli (f, &out, list), ==, 0);
    g_assert_nonnull (strstr (out, " seen 2030-01-01T09:05:00.000Z"));
  }
}

/* Many desks behind one address come back after an outage, each with a
 * token that ran out: those are not guesses and lock nobody out. */
static void
test_expired_tokens_not_counted (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(Device) desk = enroll_at (f, "2030-01-01T09:00:00Z");
  guint status = 0;

  start_server_at (f, "2030-01-01T09:20:00Z");
  for (int i = 0; i < 30; i++)
    {
      g_autoptr(JsonObject) r = request (f, "POST", "/v1/pull", desk->token, "{}", &status);

      g_assert_cmpuint (status, ==, 401);
      assert_error (r, "unauthorized", "Authorization");
    }
  /* Guesses still count: twenty, then the address waits. */
  for (int i = 0; i < 20; i++)
    {
      g_autoptr(JsonObject) r = request (f, "POST", "/v1/pull", "guess", "{}", &status);

      g_assert_cmpuint (status, ==, 401);
    }
  {
    g_autoptr(JsonObject) r = request (f, "POST", "/v1/pull", "guess", "{}", &status);

    g_assert_cmpuint (status, ==, 429);
  }
}

static void
poke_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GBytes **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
test_poke (Fixture       *f,
           gconstpointer  data)
{
  const char *args[] = { "--poke-timeout", "2", NULL };
  g_autoptr(Device) admin = NULL;
  g_autoptr(JsonObject) quiet = NULL;
  g_autoptr(JsonObject) r = NULL;
  g_autoptr(SoupSession) waiter = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) woken = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  gint64 start, last;
  guint status = 0;

  start_server_with (f, args);
  admin = admin_with_conference (f, "pokeconf");
  last = count_events (f, admin);

  /* Nothing new: after the timeout, changed is false. */
  start = g_get_monotonic_time ();
  path = g_strdup_printf ("/v1/poke?after=%" G_GINT64_FORMAT, last);
  quiet = request (f, "GET", path, admin->token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_false (json_object_get_boolean_member (quiet, "changed"));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);

  /* Something new already: answered at once. */
  {
    g_autoptr(JsonObject) at_once = request (f, "GET", "/v1/poke?after=0", admin->token, NULL,
                                             &status);

    g_assert_true (json_object_get_boolean_member (at_once, "changed"));
  }

  /* Waiting, then a push wakes it. */
  url = g_strconcat (f->url, path, NULL);
  msg = soup_message_new ("GET", url);
  auth = g_strconcat ("Bearer ", admin->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_send_and_read_async (waiter, msg, G_PRIORITY_DEFAULT, NULL, poke_done_cb, &answer);
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < G_USEC_PER_SEC / 5)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (answer);

  r = push (f, admin, batch (slug_command (4, "UnpublishConference", "pokeconf"), NULL), &status);
  g_assert_cmpstr (result_status (r, 0), ==, "applied");
  while (answer == NULL)
    g_main_context_iteration (NULL, TRUE);
  woken = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (woken), "changed"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (woken), "position"), >, last);
}

static void
push_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  /* The server dies under it: an error, or rarely the whole answer. */
  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  *done = TRUE;
}

static JsonObject *
conference_batch (gint64 first_seq,
                  guint  n)
{
  JsonObject *body = json_object_new ();
  JsonArray *commands = json_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *slug = g_strdup_printf ("conf-%" G_GINT64_FORMAT, first_seq + i);

      json_array_add_object_element (commands, create_conference (first_seq + i, slug));
    }
  json_object_set_array_member (body, "commands", commands);
  return body;
}

static void
test_kill_restart (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Device) admin = enroll (f, "admin", NULL);
  g_autoptr(JsonObject) lost = conference_batch (101, 300);
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) last = NULL;
  g_autoptr(JsonArray) events = NULL;
  g_autoptr(GHashTable) slugs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SoupSession) doomed = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body_bytes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  gboolean done = FALSE;
  guint status = 0, applied = 0, duplicates = 0;
  gint64 start;

  for (gint64 seq = 1; seq <= 100; seq += 50)
    {
      g_autoptr(JsonObject) r = push (f, admin, conference_batch (seq, 50), &status);

      g_assert_cmpuint (status, ==, 200);
    }

  /* A long push, and the server killed while it runs. */
  text = ccm_json_to_string (lost);
  url = g_strconcat (f->url, "/v1/push", NULL);
  msg = soup_message_new ("POST", url);
  auth = g_strconcat ("Bearer ", admin->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  body_bytes = g_bytes_new_static (text, strlen (text));
  soup_message_set_request_body_from_bytes (msg, "application/json", body_bytes);
  soup_session_send_and_read_async (doomed, msg, G_PRIORITY_DEFAULT, NULL, push_done_cb, &done);
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < G_USEC_PER_SEC / 10)
    g_main_context_iteration (NULL, FALSE);
  kill_server (f);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* Restarted on the same data: the unacknowledged batch again. */
  start_server (f);
  again = push (f, admin, json_object_ref (lost), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (results (again)), ==, 300);
  for (guint i = 0; i < 300; i++)
    {
      const char *outcome = result_status (again, i);

      if (g_str_equal (outcome, "applied"))
        applied++;
      else if (g_str_equal (outcome, "duplicate"))
        {
          /* What ran before the kill comes first, in sequence order. */
          g_assert_cmpuint (applied, ==, 0);
          duplicates++;
        }
      else
        g_assert_not_reached ();
    }
  g_test_message ("%u commands ran before the kill, %u after the restart", duplicates, applied);
  g_assert_cmpuint (applied + duplicates, ==, 300);

  last = push (f, admin, conference_batch (401, 10), &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (result_status (last, 9), ==, "applied");

  /* Nothing lost, nothing doubled: one ConferenceCreated per command. */
  events = pull_all (f, admin);
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      const char *stream = json_object_get_string_member (event, "stream_id");

      g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "ConferenceCreated");
      g_assert_false (g_hash_table_contains (slugs, stream));
      g_hash_table_add (slugs, (gpointer) stream);
    }
  g_assert_cmpuint (g_hash_table_size (slugs), ==, 410);
  g_assert_cmpint (device_last_seq (f, admin->id), ==, 410);
}

static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *cert = g_build_filename (f->dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (f->dir, "key.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(SoupSession) untrusting = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) hello = NULL;
  g_autoptr(Device) admin = NULL;
  g_autofree char *url = NULL;
  int wait_status = 0;
  guint status = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  {
    const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  }

  f->tls = TRUE;
  {
    const char *args[] = { "--tls-cert", cert, "--tls-key", key, NULL };

    start_server_with (f, args);
  }
  g_assert_true (g_str_has_prefix (f->url, "https://127.0.0.1:"));

  /* A client that trusts the test certificate syncs through it. */
  database = g_tls_file_database_new (cert, &error);
  g_assert_no_error (error);
  soup_session_set_tls_database (f->session, database);
  hello = request (f, "GET", "/v1/hello", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  admin = admin_with_conference (f, "tlsconf");
  g_assert_cmpuint (count_events (f, admin), >, 3);

  /* One that does not, refuses it. */
  untrusting = soup_session_new ();
  url = g_strconcat (f->url, "/v1/hello", NULL);
  msg = soup_message_new ("GET", url);
  bytes = soup_session_send_and_read (untrusting, msg, NULL, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_null (bytes);
}

static void
test_backup (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(Device) admin = admin_with_conference (f, "backconf");
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  const char *args[] = { "backup", "--data", f->dir, copy, NULL };
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(CcmRegistry) registry = ccm_server_registry_new ();
  g_autoptr(JsonObject) hello = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0, n_events = count_events (f, admin);

  g_assert_cmpint (run_cli (f, NULL, args), ==, 0);
  /* Never over an existing file. */
  g_assert_cmpint (run_cli (f, NULL, args), ==, 3);

  hello = request (f, "GET", "/v1/hello", NULL, NULL, &status);

  /* Each time the backup is put in place it starts a new epoch: restoring
   * the same backup twice tells the devices that synced with the first
   * copy to start over too. */
  {
    g_autofree char *contents = NULL;
    char *epochs[2] = { NULL, NULL };
    gsize length = 0;

    g_assert_true (g_file_get_contents (copy, &contents, &length, NULL));
    for (guint i = 0; i < 2; i++)
      {
        g_autofree char *name = g_strdup_printf ("restored-%u.db", i);
        g_autofree char *restored = g_build_filename (f->dir, name, NULL);
        g_autoptr(CcmStore) opened = NULL;
        g_autoptr(CcmServerStore) opened_server = NULL;
        g_autoptr(CcmStore) again = NULL;
        g_autoptr(CcmServerStore) again_server = NULL;

        g_assert_true (g_file_set_contents (restored, contents, length, NULL));
        opened = ccm_store_open (restored, registry, clock, &error);
        g_assert_no_error (error);
        g_assert_cmpint (ccm_store_count_events (opened), ==, n_events);
        opened_server = ccm_server_store_new (opened, &error);
        g_assert_no_error (error);
        epochs[i] = g_strdup (ccm_server_store_get_epoch (opened_server));
        g_assert_cmpstr (epochs[i], !=, json_object_get_string_member (hello, "epoch"));
        g_clear_object (&opened_server);
        g_clear_object (&opened);

        /* Once in place, it keeps its epoch from one start to the next. */
        again = ccm_store_open (restored, registry, clock, &error);
        g_assert_no_error (error);
        again_server = ccm_server_store_new (again, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (ccm_server_store_get_epoch (again_server), ==, epochs[i]);
      }
    g_assert_cmpstr (epochs[0], !=, epochs[1]);
    g_free (epochs[0]);
    g_free (epochs[1]);
  }
}

static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* A server store of schema 1 (before desks' renames were dated) is brought
 * to schema 2 when the server opens it, its devices kept. */
static void
test_schema_upgrade (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "old.db", NULL);
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(CcmRegistry) registry = ccm_server_registry_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CcmStore) store = ccm_store_open (path, registry, clock, &error);
      g_autoptr(CcmServerStore) server = NULL;
      sqlite3_stmt *stmt;

      g_assert_no_error (error);
      server = ccm_server_store_new (store, &error);
      g_assert_no_error (error);
      stmt = ccm_store_prepare (store, "SELECT value FROM meta WHERE key = 'sync_schema_version'",
                                &error);
      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "2");
      sqlite3_reset (stmt);
      stmt = ccm_store_prepare (store, "SELECT count(*) FROM sync_devices "
                                "WHERE renamed_at_position IS NULL AND name = 'Old desk'", &error);
      g_assert_no_error (error);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, i);
      sqlite3_reset (stmt);
      if (i == 0)
        {
          g_clear_object (&server);
          g_clear_object (&store);
          /* What a schema-1 server left: no column, version 1, a desk. */
          exec_sql (path, "ALTER TABLE sync_devices DROP COLUMN renamed_at_position;"
                          "UPDATE meta SET value = '1' WHERE key = 'sync_schema_version';"
                          "INSERT INTO sync_devices (id, name, role, secret_salt, secret_hash, "
                          "created_at) VALUES ('d1', 'Old desk', 'organizer', 's', 'h', 0);");
        }
    }
}

static void
test_command_line (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *out = NULL;
  const char *help[] = { "serve", "--help", NULL };
  const char *no_verb[] = { "frobnicate", NULL };
  const char *bad_role[] = { "enroll-code", "--data", f->dir, "--role", "janitor", NULL };
  const char *no_data[] = { "devices", "list", NULL };
  const char *unknown[] = { "devices", "revoke", "01900000-0000-7000-8000-000000000000",
                            "--data", f->dir, NULL };
  const char *list[] = { "devices", "list", "--data", f->dir, NULL };
  const char *rebuild[] = { "rebuild", "--data", f->dir, NULL };
  g_autofree char *typo = g_build_filename (f->dir, "typo", NULL);
  const char *mistyped[][7] = {
    { "devices", "list", "--data", typo, NULL },
    { "conflicts", "list", "--data", typo, NULL },
    { "enroll-code", "--role", "desk", "--data", typo, NULL },
    { "rebuild", "--data", typo, NULL },
  };
  /* A number out of range is refused, a negative one too (it once read as
   * "not given", and the default was used). */
  const char *out_of_range[][9] = {
    { "enroll-code", "--data", f->dir, "--role", "desk", "--expires-in", "-5", NULL },
    { "enroll-code", "--data", f->dir, "--role", "desk", "--expires-in", "0", NULL },
    { "serve", "--data", f->dir, "--port", "-1", NULL },
    { "serve", "--data", f->dir, "--port", "65536", NULL },
    { "serve", "--data", f->dir, "--poke-timeout", "-30", NULL },
  };

  g_assert_cmpint (run_cli (f, &out, help), ==, 0);
  g_assert_nonnull (strstr (out, "--tls-cert"));

  /* A second server on the port the first holds: a sentence that says so. */
  {
    g_autoptr(GUri) uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, NULL);
    g_autofree char *port = g_strdup_printf ("%d", g_uri_get_port (uri));
    g_autofree char *other = g_build_filename (f->dir, "other", NULL);
    const char *second[] = { "serve", "--data", other, "--port", port, NULL };
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli_full (f, NULL, &err, second), ==, 3);
    g_assert_nonnull (strstr (err, "is already in use; is another contoso-server running?"));
  }

  /* A group of commands has its own help, and its errors point to it. */
  {
    const char *devices_help[] = { "devices", "--help", NULL };
    const char *conflicts_help[] = { "conflicts", "-h", NULL };
    const char *devices_alone[] = { "devices", NULL };
    g_autofree char *listed = NULL;
    g_autofree char *conflicts = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (f, &listed, devices_help), ==, 0);
    g_assert_nonnull (strstr (listed, "contoso-server devices COMMAND"));
    g_assert_nonnull (strstr (listed, "\n  list "));
    g_assert_nonnull (strstr (listed, "\n  revoke "));
    g_assert_null (strstr (listed, "enroll-code"));
    g_assert_cmpint (run_cli (f, &conflicts, conflicts_help), ==, 0);
    g_assert_nonnull (strstr (conflicts, "\n  list "));
    g_assert_cmpint (run_cli_full (f, NULL, &err, devices_alone), ==, 2);
    g_assert_nonnull (strstr (err, "“contoso-server devices --help”"));
  }
  g_assert_cmpint (run_cli (f, NULL, no_verb), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, bad_role), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, no_data), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, unknown), ==, 1);
  g_assert_cmpint (run_cli (f, NULL, list), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, rebuild), ==, 0);

  /* A mistyped --data is an error, not a new empty server beside the real one. */
  for (guint i = 0; i < G_N_ELEMENTS (mistyped); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli_full (f, NULL, &err, mistyped[i]), ==, 2);
      g_assert_nonnull (strstr (err, "There is no server store in "));
      g_assert_nonnull (strstr (err, typo));
      g_assert_false (g_file_test (typo, G_FILE_TEST_EXISTS));
    }

  for (guint i = 0; i < G_N_ELEMENTS (out_of_range); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli_full (f, NULL, &err, out_of_range[i]), ==, 2);
      g_assert_nonnull (strstr (err, " must be between "));
      g_assert_nonnull (strstr (err, out_of_range[i][6] != NULL ? out_of_range[i][6]
                                                                : out_of_range[i][4]));
    }
}

static void
test_config_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *config = g_build_filename (f->dir, "server.conf", NULL);
  g_autofree char *text = g_strdup_printf ("[server]\ndata=%s\nlisten=127.0.0.1\nport=0\n", f->dir);
  g_autoptr(JsonObject) hello = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--config", config, NULL };
  guint status = 0;

  g_file_set_contents (config, text, -1, &error);
  g_assert_no_error (error);
  start_server_with (f, args);
  hello = request (f, "GET", "/v1/hello", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* Whether the bytes of a file (NULs and all) hold text. */
static gboolean
bytes_contain (const char *bytes,
               gsize       length,
               const char *text)
{
  gsize n = strlen (text);

  for (gsize i = 0; n > 0 && i + n <= length; i++)
    if (memcmp (bytes + i, text, n) == 0)
      return TRUE;
  return FALSE;
}

/* A stolen server.db gives no way in: secrets, tokens and codes are only
 * there hashed. And a code is good for its time only. */
static void
test_secrets_hashed (Fixture       *f,
                     gconstpointer  data)
{
  const char *at_start[] = { "CONTOSO_NOW", "2030-01-01T09:00:00Z", NULL };
  const char *later[] = { "CONTOSO_NOW", "2030-01-01T09:10:00Z", NULL };
  const char *args[] = { "enroll-code", "--data", NULL, "--role", "desk", "--expires-in", "5",
                         NULL };
  g_autoptr(Device) desk = NULL;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) r = NULL;
  g_autofree char *code = NULL;
  g_autofree char *path = ccm_server_store_path (f->dir);
  const char *suffixes[] = { "", "-wal" };
  guint status = 0;

  f->extra_env = g_strdupv ((char **) at_start);
  start_server (f);
  desk = enroll (f, "desk", NULL);
  args[2] = f->dir;
  g_assert_cmpint (run_cli (f, &code, args), ==, 0);
  g_strstrip (code);
  stop_server (f);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (!g_file_get_contents (file, &bytes, &length, NULL))
        continue;
      g_assert_false (bytes_contain (bytes, length, desk->secret));
      g_assert_false (bytes_contain (bytes, length, desk->token));
      g_assert_false (bytes_contain (bytes, length, code));
      /* The device itself is there: the search does find text. */
      if (i == 0)
        g_assert_true (bytes_contain (bytes, length, desk->id));
    }

  /* Ten minutes on, the five-minute code is refused. */
  g_strfreev (f->extra_env);
  f->extra_env = g_strdupv ((char **) later);
  start_server (f);
  json_object_set_string_member (body, "code", code);
  r = request_json (f, "/v1/enroll", NULL, body, &status);
  g_assert_cmpuint (status, ==, 401);
  assert_error (r, "unauthorized", "code");
}

/* Sockets the server holds open: listening, and one per connection. */
static guint
server_sockets (Fixture *f)
{
  g_autofree char *fd_dir = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (f->server));
  g_autoptr(GDir) dir = g_dir_open (fd_dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fd_dir, name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:"))
        n++;
    }
  return n;
}

/* Desks come and go: a connection its client closed while it was idle is
 * closed by the server too (libsoup before 3.3 kept every one of them open,
 * in CLOSE_WAIT, until the server ran out of file descriptors). */
static void
test_idle_connections_closed (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->url, "/v1/hello", NULL);
  gint64 deadline;
  guint before, during;

  before = server_sockets (f);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      bytes = soup_session_send_and_read (session, message, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (message), ==, 200);
      soup_session_abort (session);
    }
  during = server_sockets (f);
  g_test_message ("server sockets: %u before, %u after 20 clients came and went", before, during);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (server_sockets (f) > before && g_get_monotonic_time () < deadline)
    g_usleep (100000);
  g_assert_cmpuint (server_sockets (f), <=, before);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/server/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_UNSTARTED(path, func) \
  g_test_add ("/sync/server/" path, Fixture, "", fixture_set_up, func, fixture_tear_down)

  ADD ("hello", test_hello);
  ADD ("enroll-once", test_enroll_once);
  ADD ("push-pull", test_push_pull);
  ADD ("duplicate-push", test_duplicate_push);
  ADD ("seq-conflict", test_seq_conflict);
  ADD ("seq-gap", test_seq_gap);
  ADD ("rejection-advances", test_rejection_advances);
  ADD ("quota-cut-in-batch", test_quota_cut_in_batch);
  ADD ("roles", test_roles);
  ADD ("scope", test_scope);
  ADD ("bad-requests", test_bad_requests);
  ADD ("rate-limit", test_rate_limit);
  ADD_UNSTARTED ("expired-tokens-not-counted", test_expired_tokens_not_counted);
  ADD_UNSTARTED ("token-expiry", test_token_expiry);
  ADD_UNSTARTED ("last-seen", test_last_seen);
  ADD_UNSTARTED ("secrets-hashed", test_secrets_hashed);
  ADD_UNSTARTED ("poke", test_poke);
  ADD ("kill-restart", test_kill_restart);
  ADD ("idle-connections-closed", test_idle_connections_closed);
  ADD_UNSTARTED ("tls", test_tls);
  ADD ("backup", test_backup);
  ADD ("command-line", test_command_line);
  ADD_UNSTARTED ("schema-upgrade", test_schema_upgrade);
  ADD_UNSTARTED ("config-file", test_config_file);

  return g_test_run ();
}
