/* ccm-server.c — the sync server: the protocol of DESIGN §5.4 over libsoup
 *
 * One handler for every path: the router answers 404 and 405 itself so
 * every error, those included, is the same JSON {error, message, field}.
 * The early handler refuses oversized bodies before they are read into
 * memory. Everything runs on the main loop, one request at a time, so the
 * sequence checks of a push and its commands cannot interleave with
 * another push.
 *
 * The protocol (version 1), JSON bodies; every error is a 4xx/5xx with
 * {error, message, field} (409 gaps add expected_seq):
 *
 *   GET  /v1/hello   → {server_id, epoch, server_time, server_time_us,
 *                       protocol {min, max}, schema {min, max}, max_batch, max_body}
 *   POST /v1/enroll  {code, name?} → {device_id, secret, role, conferences, name, …}
 *                       401 unknown, spent or expired code
 *   POST /v1/token   {device_id, secret, name?} → {token, expires_at, expires_in};
 *                       a name renames the device (its desk was renamed)
 *                       401 wrong secret, 403 revoked
 *   POST /v1/push    Bearer; {commands: [{seq, command_id, type, schema_version?,
 *                       args, device_time? (µs)}]} → {results: [{seq, command_id,
 *                       status: applied|rejected|duplicate, original_status?,
 *                       error?, message?, field?, first_position, last_position,
 *                       events, result}], last_seq}
 *                       409 seq-conflict (seq reused for another command),
 *                       409 seq-gap + expected_seq, 413 batch or body too large
 *   POST /v1/pull    Bearer; {cookie?: "EPOCH:POSITION", limit?} → {events,
 *                       cookie, has_more, server_time, devices?: {id: name} of
 *                       the desks whose events the page holds} or {reset: true,
 *                       epoch, cookie} when the epoch differs
 *   GET  /v1/poke?after=POSITION   Bearer; long-poll → {changed, position}
 *
 * A rejection by the domain, the role or the conference scope is an
 * outcome ("rejected", error "forbidden" for role and scope), advances the
 * device's sequence and lands on the conflict list.
 *
 * Connections stay open between requests (HTTP keep-alive). libsoup before
 * 3.3 never closes one whose client went away while it was idle (libsoup
 * commit d20c6601, "server: do not leak idle connections closed by the
 * client"): every desk that closed a connection left the server a socket
 * in CLOSE_WAIT, and a busy server ran out of file descriptors. Here the
 * idle connections are looked at every IDLE_SWEEP_MS, and one whose client
 * has gone is closed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-server"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-server.h"

/* Failed authentications from one address before it must wait (issue 7). */
#define AUTH_FAILURE_LIMIT   20
#define AUTH_FAILURE_WINDOW  (60 * G_USEC_PER_SEC)

/* How often idle connections are checked for a client that went away. */
#define IDLE_SWEEP_MS        1000

struct _CcmServer
{
  GObject parent_instance;

  CcmServerStore *store;
  SoupServer *soup;
  gboolean tls;
  char *address;
  guint port;
  guint poke_timeout;
  GList *pokes;              /* Poke*, paused long-polls */
  GHashTable *auth_failures; /* remote address -> AuthFailures* */
  GHashTable *idle;          /* GSocket* of connections between two requests */
  guint idle_sweep_id;
};

G_DEFINE_FINAL_TYPE (CcmServer, ccm_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PORT,
  PROP_POKE_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  guint count;
  gint64 window_start;
} AuthFailures;

typedef struct
{
  CcmServer *server;
  SoupServerMessage *msg;
  CcmDevice *device;
  gint64 after;
  guint timeout_id;
} Poke;

typedef enum
{
  ROUTE_PUBLIC,
  ROUTE_AUTHENTICATED,
} RouteAccess;

typedef void (*RouteFunc) (CcmServer         *self,
                           SoupServerMessage *msg,
                           JsonObject        *body,
                           const CcmDevice   *device,
                           GHashTable        *query);

typedef struct
{
  const char  *path;
  const char  *method;
  RouteAccess  access;
  gboolean     has_body;
  RouteFunc    func;
} Route;

static void poke_free (Poke *poke);

/* Responses */

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonObject        *body)
{
  gsize length = 0;
  char *data = ccm_protocol_to_data (body, &length);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, length);
}

static void
respond_error (SoupServerMessage *msg,
               const GError      *error,
               gint64             expected_seq)
{
  g_autoptr(JsonObject) body = ccm_protocol_error_to_json (error);
  guint status = ccm_sync_error_status (error);

  if (expected_seq > 0)
    json_object_set_int_member (body, "expected_seq", expected_seq);
  if (status >= 500)
    g_warning ("%s %s failed: %s", soup_server_message_get_method (msg),
               g_uri_get_path (soup_server_message_get_uri (msg)), error->message);
  else
    g_debug ("%s %s: %u %s", soup_server_message_get_method (msg),
             g_uri_get_path (soup_server_message_get_uri (msg)), status, error->message);
  respond_json (msg, status, body);
}

/* Rate limit of failed authentication */

static gboolean
auth_blocked (CcmServer         *self,
              SoupServerMessage *msg)
{
  const char *host = soup_server_message_get_remote_host (msg);
  AuthFailures *failures;

  if (host == NULL)
    return FALSE;
  failures = g_hash_table_lookup (self->auth_failures, host);
  if (failures == NULL)
    return FALSE;
  if (g_get_monotonic_time () - failures->window_start > AUTH_FAILURE_WINDOW)
    {
      g_hash_table_remove (self->auth_failures, host);
      return FALSE;
    }
  return failures->count >= AUTH_FAILURE_LIMIT;
}

static void
auth_failed (CcmServer         *self,
             SoupServerMessage *msg)
{
  const char *host = soup_server_message_get_remote_host (msg);
  AuthFailures *failures;

  if (host == NULL)
    return;
  failures = g_hash_table_lookup (self->auth_failures, host);
  if (failures == NULL)
    {
      failures = g_new0 (AuthFailures, 1);
      failures->window_start = g_get_monotonic_time ();
      g_hash_table_insert (self->auth_failures, g_strdup (host), failures);
    }
  failures->count++;
  if (failures->count == AUTH_FAILURE_LIMIT)
    g_message ("Too many failed authentications from %s; refusing it for a minute", host);
}

static void
respond_auth_error (CcmServer         *self,
                    SoupServerMessage *msg,
                    const GError      *error)
{
  /* A token this server issued that ran out is no guess: after an outage
   * every desk behind one address shows one, and counting them would lock
   * the desks out. */
  if (g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_TOKEN_EXPIRED))
    {
      if (error->code == CCM_SYNC_ERROR_UNAUTHORIZED)
        auth_failed (self, msg);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Bearer");
    }
  respond_error (msg, error, 0);
}

/* Endpoints */

static void
hello_cb (CcmServer         *self,
          SoupServerMessage *msg,
          JsonObject        *body,
          const CcmDevice   *device,
          GHashTable        *query)
{
  g_autoptr(JsonObject) response = NULL;

  response = ccm_protocol_hello_json (ccm_server_store_get_server_id (self->store),
                                      ccm_server_store_get_epoch (self->store),
                                      ccm_server_store_now (self->store));
  respond_json (msg, 200, response);
}

static void
enroll_cb (CcmServer         *self,
           SoupServerMessage *msg,
           JsonObject        *body,
           const CcmDevice   *unused,
           GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmDevice) device = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autofree char *secret = NULL;
  const char *code = NULL, *name = NULL;

  if (!ccm_protocol_parse_enroll (body, &code, &name, &error))
    {
      respond_error (msg, error, 0);
      return;
    }

  device = ccm_server_store_enroll (self->store, code, name, &secret, &error);
  if (device == NULL)
    {
      respond_auth_error (self, msg, error);
      return;
    }

  response = ccm_device_to_json (device);
  json_object_set_string_member (response, "secret", secret);
  json_object_set_string_member (response, "server_id",
                                 ccm_server_store_get_server_id (self->store));
  json_object_set_string_member (response, "epoch", ccm_server_store_get_epoch (self->store));
  respond_json (msg, 200, response);
}

static void
token_cb (CcmServer         *self,
          SoupServerMessage *msg,
          JsonObject        *body,
          const CcmDevice   *unused,
          GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expires_text = NULL;
  const char *device_id = NULL, *secret = NULL, *name = NULL;
  gint64 expires_at = 0;

  if (!ccm_protocol_parse_token (body, &device_id, &secret, &name, &error))
    {
      respond_error (msg, error, 0);
      return;
    }

  token = ccm_server_store_issue_token (self->store, device_id, secret, name, &expires_at, &error);
  if (token == NULL)
    {
      respond_auth_error (self, msg, error);
      return;
    }

  expires_text = ccm_time_format (expires_at);
  response = json_object_new ();
  json_object_set_string_member (response, "token", token);
  json_object_set_string_member (response, "expires_at", expires_text);
  json_object_set_int_member (response, "expires_in", CCM_PROTOCOL_TOKEN_TTL / G_USEC_PER_SEC);
  respond_json (msg, 200, response);
}

static void
push_cb (CcmServer         *self,
         SoupServerMessage *msg,
         JsonObject        *body,
         const CcmDevice   *device,
         GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  g_autoptr(JsonObject) response = NULL;
  gint64 expected_seq = 0;

  commands = ccm_protocol_parse_push (body, ccm_store_get_registry (ccm_server_store_get_store (self->store)),
                                      &error);
  if (commands == NULL)
    {
      respond_error (msg, error, 0);
      return;
    }

  response = ccm_server_store_push (self->store, device, commands, &expected_seq, &error);
  if (response == NULL)
    {
      respond_error (msg, error, expected_seq);
      return;
    }
  respond_json (msg, 200, response);
}

static void
pull_cb (CcmServer         *self,
         SoupServerMessage *msg,
         JsonObject        *body,
         const CcmDevice   *device,
         GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autofree char *epoch = NULL;
  gint64 position = 0, limit = 0;

  if (!ccm_protocol_parse_pull (body, &epoch, &position, &limit, &error))
    {
      respond_error (msg, error, 0);
      return;
    }

  response = ccm_server_store_pull (self->store, device, epoch, position, limit, &error);
  if (response == NULL)
    {
      respond_error (msg, error, 0);
      return;
    }
  respond_json (msg, 200, response);
}

/* Long-poll: the message stays paused until the store changes in a way
 * the device cares about, or the timeout answers "nothing yet". */

static void
poke_answer (Poke     *poke,
             gboolean  changed)
{
  CcmServer *self = poke->server;
  g_autoptr(JsonObject) response = json_object_new ();

  g_clear_handle_id (&poke->timeout_id, g_source_remove);
  self->pokes = g_list_remove (self->pokes, poke);

  json_object_set_boolean_member (response, "changed", changed);
  json_object_set_int_member (response, "position",
                              ccm_store_get_last_position (ccm_server_store_get_store (self->store)));
  respond_json (poke->msg, 200, response);
  soup_server_message_unpause (poke->msg);
}

static gboolean
poke_timeout_cb (gpointer user_data)
{
  Poke *poke = user_data;

  poke->timeout_id = 0;
  poke_answer (poke, FALSE);
  return G_SOURCE_REMOVE;
}

static void
poke_finished_cb (SoupServerMessage *msg,
                  Poke              *poke)
{
  poke->server->pokes = g_list_remove (poke->server->pokes, poke);
  g_signal_handlers_disconnect_by_data (msg, poke);
  poke_free (poke);
}

static void
poke_free (Poke *poke)
{
  g_clear_handle_id (&poke->timeout_id, g_source_remove);
  g_clear_pointer (&poke->device, ccm_device_free);
  g_clear_object (&poke->msg);
  g_free (poke);
}

static void
store_changed_cb (CcmServer *self,
                  gint64     position,
                  CcmStore  *store)
{
  GList *pokes = g_list_copy (self->pokes);

  for (GList *l = pokes; l != NULL; l = l->next)
    {
      Poke *poke = l->data;

      if (ccm_server_store_has_news (self->store, poke->device, poke->after))
        poke_answer (poke, TRUE);
    }
  g_list_free (pokes);
}

static void
poke_cb (CcmServer         *self,
         SoupServerMessage *msg,
         JsonObject        *body,
         const CcmDevice   *device,
         GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  const char *after_text = query != NULL ? g_hash_table_lookup (query, "after") : NULL;
  guint64 after = 0;
  Poke *poke;

  if (after_text == NULL ||
      !g_ascii_string_to_unsigned (after_text, 10, 0, G_MAXINT64, &after, NULL))
    {
      ccm_sync_error_set (&error, CCM_SYNC_ERROR_INVALID, "after",
                          _("The query parameter “after” must be the last log position the "
                            "device has seen (a whole number)."));
      respond_error (msg, error, 0);
      return;
    }

  poke = g_new0 (Poke, 1);
  poke->server = self;
  /* Hold the message: a client that goes away may take it with its
   * connection, and dispose still has to disconnect from it. */
  poke->msg = g_object_ref (msg);
  poke->device = g_memdup2 (device, sizeof *device);
  poke->device->id = g_strdup (device->id);
  poke->device->name = g_strdup (device->name);
  poke->device->conferences = g_strdupv (device->conferences);
  poke->after = (gint64) after;

  g_signal_connect (msg, "finished", G_CALLBACK (poke_finished_cb), poke);
  self->pokes = g_list_prepend (self->pokes, poke);

  if (ccm_server_store_has_news (self->store, device, poke->after))
    {
      poke_answer (poke, TRUE);
      return;
    }

  poke->timeout_id = g_timeout_add_seconds (self->poke_timeout, poke_timeout_cb, poke);
  soup_server_message_pause (msg);
}

static const Route routes[] = {
  { "/v1/hello",  "GET",  ROUTE_PUBLIC,        FALSE, hello_cb },
  { "/v1/enroll", "POST", ROUTE_PUBLIC,        TRUE,  enroll_cb },
  { "/v1/token",  "POST", ROUTE_PUBLIC,        TRUE,  token_cb },
  { "/v1/push",   "POST", ROUTE_AUTHENTICATED, TRUE,  push_cb },
  { "/v1/pull",   "POST", ROUTE_AUTHENTICATED, TRUE,  pull_cb },
  { "/v1/poke",   "GET",  ROUTE_AUTHENTICATED, FALSE, poke_cb },
};

static const Route *
find_route (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_str_equal (routes[i].path, path))
      return &routes[i];
  return NULL;
}

static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  value += 7;
  while (*value == ' ')
    value++;
  return value;
}

/* Set by the early handler when a body without Content-Length grows past
 * the limit; it is then no longer kept. */
static const char *const too_large_key = "ccm-too-large";
static const char *const received_key = "ccm-received";

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  gsize *received = g_object_get_data (G_OBJECT (msg), received_key);

  *received += g_bytes_get_size (chunk);
  if (*received > CCM_PROTOCOL_MAX_BODY &&
      g_object_get_data (G_OBJECT (msg), too_large_key) == NULL)
    {
      g_object_set_data (G_OBJECT (msg), too_large_key, GINT_TO_POINTER (TRUE));
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      soup_message_body_truncate (soup_server_message_get_request_body (msg));
    }
}

static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > CCM_PROTOCOL_MAX_BODY)
    {
      g_autoptr(GError) error = NULL;

      ccm_sync_error_set (&error, CCM_SYNC_ERROR_TOO_LARGE, NULL,
                          _("The request body has %lld bytes; at most %d are accepted. "
                            "Send fewer commands at a time."),
                          (long long) soup_message_headers_get_content_length (headers),
                          CCM_PROTOCOL_MAX_BODY);
      /* Read and dropped, not kept: the answer comes after the body. */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      respond_error (msg, error, 0);
      return;
    }

  g_object_set_data_full (G_OBJECT (msg), received_key, g_new0 (gsize, 1), g_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), NULL);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  CcmServer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(CcmDevice) device = NULL;
  const char *method = soup_server_message_get_method (msg);
  const Route *route = find_route (path);

  if (route == NULL)
    {
      ccm_sync_error_set (&error, CCM_SYNC_ERROR_NOT_FOUND, NULL,
                          _("There is no endpoint %s; see GET /v1/hello for the protocol "
                            "version."), path);
      respond_error (msg, error, 0);
      return;
    }
  if (!g_str_equal (method, route->method))
    {
      ccm_sync_error_set (&error, CCM_SYNC_ERROR_METHOD, NULL,
                          _("%s takes %s, not %s."), path, route->method, method);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", route->method);
      respond_error (msg, error, 0);
      return;
    }

  if (g_object_get_data (G_OBJECT (msg), too_large_key) != NULL)
    {
      ccm_sync_error_set (&error, CCM_SYNC_ERROR_TOO_LARGE, NULL,
                          _("The request body is larger than %d bytes; send fewer commands "
                            "at a time."), CCM_PROTOCOL_MAX_BODY);
      respond_error (msg, error, 0);
      return;
    }

  if (route->access == ROUTE_AUTHENTICATED || route->func == enroll_cb ||
      route->func == token_cb)
    {
      if (auth_blocked (self, msg))
        {
          ccm_sync_error_set (&error, CCM_SYNC_ERROR_RATE_LIMITED, NULL,
                              _("Too many failed attempts to authenticate from this address; "
                                "wait a minute."));
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Retry-After", "60");
          respond_error (msg, error, 0);
          return;
        }
    }

  if (route->access == ROUTE_AUTHENTICATED)
    {
      device = ccm_server_store_authenticate (self->store, bearer_token (msg), &error);
      if (device == NULL)
        {
          respond_auth_error (self, msg, error);
          return;
        }
      /* A push records the time in its own transaction: no second commit. */
      if (route->func != push_cb)
        ccm_server_store_note_seen (self->store, device);
    }

  if (route->has_body)
    {
      SoupMessageBody *request = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (request);
      gsize length = 0;
      const char *data = g_bytes_get_data (bytes, &length);

      body = ccm_protocol_parse_body (data, length, &error);
      if (body == NULL)
        {
          respond_error (msg, error, 0);
          return;
        }
    }

  route->func (self, msg, body, device, query);
}

/* Idle connections (see the top of the file) */

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    CcmServer         *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_hash_table_remove (self->idle, socket);
}

static void
request_ended_cb (SoupServer        *soup,
                  SoupServerMessage *msg,
                  CcmServer         *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && !g_socket_is_closed (socket))
    g_hash_table_add (self->idle, g_object_ref (socket));
}

/* A client that went away left an end of file and nothing before it. A
 * request on its way leaves bytes, and libsoup reads them. */
static gboolean
idle_sweep_cb (gpointer user_data)
{
  CcmServer *self = user_data;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->idle);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      GSocket *socket = key;
      gssize n;
      char byte;

      if (g_socket_is_closed (socket))
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        {
          g_debug ("Closing an idle connection its client closed");
          g_socket_close (socket, NULL);
          g_hash_table_iter_remove (&iter);
        }
    }
  return G_SOURCE_CONTINUE;
}

/* The object */

static void
ccm_server_dispose (GObject *object)
{
  CcmServer *self = (CcmServer *)object;

  /* Paused long-polls die with the connections; forget them first. */
  while (self->pokes != NULL)
    {
      Poke *poke = self->pokes->data;

      self->pokes = g_list_delete_link (self->pokes, self->pokes);
      g_signal_handlers_disconnect_by_data (poke->msg, poke);
      poke_free (poke);
    }
  g_clear_handle_id (&self->idle_sweep_id, g_source_remove);
  if (self->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
    }
  g_clear_object (&self->soup);
  if (self->idle != NULL)
    g_hash_table_remove_all (self->idle);

  G_OBJECT_CLASS (ccm_server_parent_class)->dispose (object);
}

static void
ccm_server_finalize (GObject *object)
{
  CcmServer *self = (CcmServer *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->auth_failures, g_hash_table_unref);
  g_clear_pointer (&self->idle, g_hash_table_unref);
  g_free (self->address);

  G_OBJECT_CLASS (ccm_server_parent_class)->finalize (object);
}

static void
ccm_server_constructed (GObject *object)
{
  CcmServer *self = (CcmServer *)object;

  G_OBJECT_CLASS (ccm_server_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  g_signal_connect_object (ccm_server_store_get_store (self->store), "changed",
                           G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
ccm_server_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CcmServer *self = CCM_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_POKE_TIMEOUT:
      g_value_set_uint (value, self->poke_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ccm_server_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CcmServer *self = CCM_SERVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_POKE_TIMEOUT:
      ccm_server_set_poke_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ccm_server_class_init (CcmServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ccm_server_constructed;
  object_class->dispose = ccm_server_dispose;
  object_class->finalize = ccm_server_finalize;
  object_class->get_property = ccm_server_get_property;
  object_class->set_property = ccm_server_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CCM_TYPE_SERVER_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POKE_TIMEOUT] =
    g_param_spec_uint ("poke-timeout", NULL, NULL, 1, 3600, CCM_PROTOCOL_POKE_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ccm_server_init (CcmServer *self)
{
  g_autofree char *header = g_strdup_printf ("contoso-server/%s ", PACKAGE_VERSION);

  self->poke_timeout = CCM_PROTOCOL_POKE_TIMEOUT;
  self->auth_failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->soup = soup_server_new ("server-header", header, NULL);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler_cb, self, NULL);

  self->idle = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_ended_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_ended_cb), self);
  self->idle_sweep_id = g_timeout_add (IDLE_SWEEP_MS, idle_sweep_cb, self);
}

CcmServer *
ccm_server_new (CcmServerStore *store)
{
  g_return_val_if_fail (CCM_IS_SERVER_STORE (store), NULL);

  return g_object_new (CCM_TYPE_SERVER, "store", store, NULL);
}

CcmServerStore *
ccm_server_get_store (CcmServer *self)
{
  g_return_val_if_fail (CCM_IS_SERVER (self), NULL);
  return self->store;
}

gboolean
ccm_server_set_tls_files (CcmServer   *self,
                          const char  *cert_file,
                          const char  *key_file,
                          GError     **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;

  g_return_val_if_fail (CCM_IS_SERVER (self), FALSE);
  g_return_val_if_fail (cert_file != NULL && key_file != NULL, FALSE);

  certificate = g_tls_certificate_new_from_files (cert_file, key_file, error);
  if (certificate == NULL)
    return FALSE;
  soup_server_set_tls_certificate (self->soup, certificate);
  self->tls = TRUE;
  return TRUE;
}

gboolean
ccm_server_listen (CcmServer   *self,
                   const char  *address,
                   guint        port,
                   GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  GSList *uris;

  g_return_val_if_fail (CCM_IS_SERVER (self), FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);

  if (address == NULL)
    address = "127.0.0.1";
  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address to listen on (such as 127.0.0.1 or ::)."),
                   address);
      return FALSE;
    }

  if (!g_inet_address_get_is_loopback (inet) && !self->tls)
    g_warning ("Listening on %s without TLS: device secrets, tokens and attendees’ data "
               "cross the network in clear text. Give --tls-cert and --tls-key.", address);

  socket_address = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (self->soup, socket_address,
                           self->tls ? SOUP_SERVER_LISTEN_HTTPS : 0, &local_error))
    {
      /* The usual cause at a venue: the server already runs. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("The port %u on %s is already in use; is another contoso-server "
                       "running? Stop it, or choose another port with --port."),
                     port, address);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  uris = soup_server_get_uris (self->soup);
  if (uris != NULL)
    self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_free (self->address);
  self->address = g_inet_address_to_string (inet);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  return TRUE;
}

guint
ccm_server_get_port (CcmServer *self)
{
  g_return_val_if_fail (CCM_IS_SERVER (self), 0);
  return self->port;
}

char *
ccm_server_get_url (CcmServer *self)
{
  g_return_val_if_fail (CCM_IS_SERVER (self), NULL);

  if (self->address == NULL)
    return NULL;
  if (strchr (self->address, ':') != NULL)
    return g_strdup_printf ("%s://[%s]:%u", self->tls ? "https" : "http", self->address, self->port);
  return g_strdup_printf ("%s://%s:%u", self->tls ? "https" : "http", self->address, self->port);
}

guint
ccm_server_get_poke_timeout (CcmServer *self)
{
  g_return_val_if_fail (CCM_IS_SERVER (self), 0);
  return self->poke_timeout;
}

void
ccm_server_set_poke_timeout (CcmServer *self,
                             guint      seconds)
{
  g_return_if_fail (CCM_IS_SERVER (self));
  g_return_if_fail (seconds > 0);

  if (self->poke_timeout == seconds)
    return;
  self->poke_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POKE_TIMEOUT]);
}

void
ccm_server_disconnect (CcmServer *self)
{
  g_return_if_fail (CCM_IS_SERVER (self));

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
}
