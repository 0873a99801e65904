/* ccm-sync-http.c — the client's JSON requests, with their bearer token
 *
 * Every request is asynchronous (soup_session_send_and_read_async). An
 * authenticated request gets a token first when it has none or it ran
 * out, and a 401 forgets the token and tries once more with a fresh one.
 * Answers that carry the server's time update the server-time offset,
 * measured from the middle of the request's round trip.
 *
 * Requests reuse the session's open connection (over TLS, one handshake
 * for many rounds). libsoup sends a POST on a new connection unless it is
 * marked idempotent, which every request but enrollment is here: a push
 * sent twice is answered as duplicates (DESIGN §5.1), a pull or a token
 * request changes nothing that matters. A kept connection the server has
 * closed meanwhile (it restarted) fails at once; such a request is sent
 * once more on a new connection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-sync"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-clock.h"
#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-sync-client-private.h"

/* A token this close to its end is renewed before use. */
#define TOKEN_MARGIN (60 * G_USEC_PER_SEC)

typedef struct
{
  char        *method;
  char        *path;
  JsonObject  *body;
  gboolean     authenticated;
  gboolean     retried;
  gboolean     reconnected;  /* sent again on a new connection */
  gint64       started;      /* monotonic µs */
  gint64       round_trip;   /* µs from sending to the whole answer */
  JsonObject  *error_body;
} Request;

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_clear_pointer (&request->body, json_object_unref);
  g_clear_pointer (&request->error_body, json_object_unref);
  g_free (request);
}

gboolean
ccm_sync_error_is_unreachable (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == G_RESOLVER_ERROR)
    return TRUE;
  if (error->domain == G_IO_ERROR)
    return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  return FALSE;
}

void
ccm_sync_client_forget_token (CcmSyncClient *self)
{
  g_clear_pointer (&self->token, g_free);
  self->token_expires = 0;
  ccm_store_set_meta (self->store, CCM_SYNC_META_TOKEN, NULL, NULL);
  ccm_store_set_meta (self->store, CCM_SYNC_META_TOKEN_EXP, NULL, NULL);
}

static gboolean
token_is_usable (CcmSyncClient *self)
{
  if (self->token == NULL)
    {
      self->token = ccm_sync_client_dup_meta (self, CCM_SYNC_META_TOKEN);
      self->token_expires = ccm_store_get_meta_int (self->store, CCM_SYNC_META_TOKEN_EXP);
    }
  if (self->token == NULL)
    return FALSE;
  return self->token_expires == 0 ||
         self->token_expires - TOKEN_MARGIN > ccm_sync_client_server_now (self);
}

/* Times come as integer microseconds or as ISO 8601 text. */
static gboolean
json_time (JsonObject *object,
           const char *member,
           gint64     *time_us)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *time_us = json_node_get_int (node);
      return TRUE;
    }
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return ccm_time_parse (json_node_get_string (node), time_us);
  return FALSE;
}

static GError *
error_from_response (SoupMessage *message,
                     JsonObject  *body)
{
  static const char *const names[] = {
    [CCM_SYNC_ERROR_INVALID] = "invalid",
    [CCM_SYNC_ERROR_UNAUTHORIZED] = "unauthorized",
    [CCM_SYNC_ERROR_REVOKED] = "revoked",
    [CCM_SYNC_ERROR_NOT_FOUND] = "not-found",
    [CCM_SYNC_ERROR_METHOD] = "method-not-allowed",
    [CCM_SYNC_ERROR_SEQ_CONFLICT] = "seq-conflict",
    [CCM_SYNC_ERROR_SEQ_GAP] = "seq-gap",
    [CCM_SYNC_ERROR_TOO_LARGE] = "too-large",
    [CCM_SYNC_ERROR_RATE_LIMITED] = "rate-limited",
    [CCM_SYNC_ERROR_INTERNAL] = "internal",
    [CCM_SYNC_ERROR_FORBIDDEN] = "forbidden",
  };
  guint status = soup_message_get_status (message);
  const char *name = body != NULL ? ccm_json_string (body, "error") : NULL;
  const char *text = body != NULL ? ccm_json_string (body, "message") : NULL;
  const char *field = body != NULL ? ccm_json_string (body, "field") : NULL;
  int code = -1;
  GError *error = NULL;

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (names[i], name) == 0)
      code = i;

  /* Revoked is what makes the device wipe its personal data: only the
   * server's own word for it, on its own status, counts. A bare 403 (a
   * proxy's, a firewall's) is an error like any other, tried again. */
  if (code == CCM_SYNC_ERROR_REVOKED && status != 403)
    code = -1;

  if (code < 0)
    switch (status)
      {
      case 400: code = CCM_SYNC_ERROR_INVALID; break;
      case 401: code = CCM_SYNC_ERROR_UNAUTHORIZED; break;
      case 403: code = CCM_SYNC_ERROR_FORBIDDEN; break;
      case 404: code = CCM_SYNC_ERROR_NOT_FOUND; break;
      case 405: code = CCM_SYNC_ERROR_METHOD; break;
      case 409:
        code = body != NULL && json_object_has_member (body, "expected_seq")
               ? CCM_SYNC_ERROR_SEQ_GAP : CCM_SYNC_ERROR_SEQ_CONFLICT;
        break;
      case 413: code = CCM_SYNC_ERROR_TOO_LARGE; break;
      case 429: code = CCM_SYNC_ERROR_RATE_LIMITED; break;
      default: code = CCM_SYNC_ERROR_INTERNAL; break;
      }

  if (text != NULL)
    ccm_sync_error_set (&error, code, field, "%s", text);
  else
    ccm_sync_error_set (&error, code, field, _("The server answered “%u %s”."),
                        status, soup_message_get_reason_phrase (message));
  return error;
}

static void send_request (GTask *task);
static void really_send  (GTask *task);

/* The server went away while the connection was kept: not a timeout, not
 * a refused connection, not TLS. */
static gboolean
lost_connection (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
}

static void
response_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcmSyncClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) body = NULL;
  gint64 round_trip;
  gint64 server_time = 0;
  guint status;
  gsize size = 0;
  const char *data;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  round_trip = request->round_trip = g_get_monotonic_time () - request->started;
  if (bytes == NULL && !request->reconnected && lost_connection (error))
    {
      g_debug ("The connection for %s was lost (%s); trying a new one", request->path,
               error->message);
      request->reconnected = TRUE;
      really_send (g_steal_pointer (&task));
      return;
    }
  if (bytes == NULL)
    {
      if (ccm_sync_error_is_unreachable (error))
        g_prefix_error (&error, _("The server at %s cannot be reached: "), self->server_url);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = soup_message_get_status (message);
  data = g_bytes_get_data (bytes, &size);
  if (size > 0)
    body = ccm_json_from_string (data, size, NULL);

  if (status == SOUP_STATUS_UNAUTHORIZED && request->authenticated && !request->retried)
    {
      g_debug ("The token was refused; asking for a new one");
      request->retried = TRUE;
      ccm_sync_client_forget_token (self);
      send_request (g_steal_pointer (&task));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      request->error_body = body != NULL ? json_object_ref (body) : NULL;
      g_task_return_error (task, error_from_response (message, body));
      return;
    }

  if (body == NULL)
    {
      ccm_sync_error_set (&error, CCM_SYNC_ERROR_INVALID, NULL,
                          _("The server at %s answered %s with something other than a "
                            "JSON object; is it a Contoso server?"),
                          self->server_url, request->path);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (json_time (body, "server_time_us", &server_time) ||
      json_time (body, "server_time", &server_time))
    {
      gint64 local = ccm_clock_now (ccm_store_get_clock (self->store)) - round_trip / 2;

      ccm_sync_client_set_server_offset (self, server_time - local);
    }

  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) json_object_unref);
}

static void
really_send (GTask *task)
{
  CcmSyncClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autofree char *url = g_strconcat (self->server_url, request->path, NULL);
  g_autoptr(SoupMessage) message = NULL;

  message = soup_message_new (request->method, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, CCM_SYNC_ERROR, CCM_SYNC_ERROR_INVALID,
                               _("“%s” is not a server address; give one like "
                                 "https://sync.example.org:8443."), self->server_url);
      g_object_unref (task);
      return;
    }

  if (request->body != NULL)
    {
      gsize length = 0;
      char *data = ccm_protocol_to_data (request->body, &length);
      g_autoptr(GBytes) bytes = g_bytes_new_take (data, length);

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  if (request->authenticated)
    {
      g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", value);
    }
  /* An enrollment code is spent once: its request goes alone. */
  if (request->reconnected || g_str_equal (request->path, "/v1/enroll"))
    soup_message_add_flags (message, SOUP_MESSAGE_NEW_CONNECTION);
  else
    soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);

  request->started = g_get_monotonic_time ();
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), response_cb, task);
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcmSyncClient *self = CCM_SYNC_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = NULL;
  const char *token = NULL;
  gint64 expires = 0;

  body = ccm_sync_client_request_finish (self, result, NULL, &error);
  if (body != NULL && !ccm_json_get_string (body, "token", TRUE, &token, &error))
    g_prefix_error (&error, _("The server’s token answer is not understood: "));
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  json_time (body, "expires_at", &expires);
  g_free (self->token);
  self->token = g_strdup (token);
  self->token_expires = expires;
  ccm_store_set_meta (self->store, CCM_SYNC_META_TOKEN, token, NULL);
  ccm_store_set_meta_int (self->store, CCM_SYNC_META_TOKEN_EXP, expires, NULL);

  really_send (g_steal_pointer (&task));
}

/* Takes the task's reference. */
static void
send_request (GTask *task)
{
  CcmSyncClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autofree char *device_id = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *desk_name = NULL;
  g_autoptr(JsonObject) body = NULL;

  if (!request->authenticated || token_is_usable (self))
    {
      really_send (task);
      return;
    }

  device_id = ccm_sync_client_dup_meta (self, CCM_SYNC_META_DEVICE_ID);
  secret = ccm_sync_client_dup_meta (self, CCM_SYNC_META_SECRET);
  desk_name = ccm_sync_client_dup_meta (self, CCM_SYNC_META_DESK_NAME);
  if (device_id == NULL || secret == NULL)
    {
      g_task_return_new_error (task, CCM_SYNC_ERROR, CCM_SYNC_ERROR_UNAUTHORIZED,
                               _("This store is not enrolled with a server; run "
                                 "“contoso device enroll URL CODE” first."));
      g_object_unref (task);
      return;
    }

  body = json_object_new ();
  json_object_set_string_member (body, "device_id", device_id);
  json_object_set_string_member (body, "secret", secret);
  /* A renamed desk tells the server with its next token request. */
  if (desk_name != NULL)
    json_object_set_string_member (body, "name", desk_name);
  ccm_sync_client_request_async (self, "POST", "/v1/token", body, FALSE,
                                 g_task_get_cancellable (task), token_cb, task);
}

void
ccm_sync_client_request_async (CcmSyncClient       *self,
                               const char          *method,
                               const char          *path,
                               JsonObject          *body,
                               gboolean             authenticated,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Request *request;

  g_assert (CCM_IS_SYNC_CLIENT (self));
  g_assert (self->server_url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ccm_sync_client_request_async);
  request = g_new0 (Request, 1);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->body = body != NULL ? json_object_ref (body) : NULL;
  request->authenticated = authenticated;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  send_request (task);
}

JsonObject *
ccm_sync_client_request_finish (CcmSyncClient  *self,
                                GAsyncResult   *result,
                                JsonObject    **error_body,
                                GError        **error)
{
  Request *request;

  g_assert (g_task_is_valid (result, self));

  request = g_task_get_task_data (G_TASK (result));
  if (error_body != NULL)
    *error_body = request->error_body != NULL ? json_object_ref (request->error_body) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64
ccm_sync_client_request_get_round_trip (GAsyncResult *result)
{
  Request *request = g_task_get_task_data (G_TASK (result));

  return request->round_trip;
}

/* TLS: the system's trust store, and for self-hosted servers and tests one
 * more CA, checked when the system's store refused the certificate. */
static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  CcmSyncClient *self = user_data;
  GUri *uri = soup_message_get_uri (message);
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificateFlags flags;

  if (self->extra_ca == NULL)
    return FALSE;

  identity = g_network_address_new (g_uri_get_host (uri), g_uri_get_port (uri));
  flags = g_tls_database_verify_chain (self->extra_ca, certificate,
                                       G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                       identity, NULL, G_TLS_DATABASE_VERIFY_NONE,
                                       NULL, &error);
  if (error != NULL)
    g_debug ("Checking the certificate against %s failed: %s", self->tls_ca_file, error->message);
  return error == NULL && flags == 0;
}

static void
request_queued_cb (SoupSession *session,
                   SoupMessage *message,
                   gpointer     user_data)
{
  g_signal_connect_object (message, "accept-certificate",
                           G_CALLBACK (accept_certificate_cb), user_data, 0);
}

gboolean
ccm_sync_client_load_tls_ca (CcmSyncClient  *self,
                             GError        **error)
{
  g_clear_object (&self->extra_ca);
  if (self->tls_ca_file == NULL || *self->tls_ca_file == '\0')
    return TRUE;

  self->extra_ca = g_tls_file_database_new (self->tls_ca_file, error);
  if (self->extra_ca == NULL)
    {
      g_prefix_error (error, _("The CA certificate file %s cannot be used: "), self->tls_ca_file);
      return FALSE;
    }
  if (g_signal_handler_find (self->session, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA,
                             0, 0, NULL, request_queued_cb, self) == 0)
    g_signal_connect_object (self->session, "request-queued",
                             G_CALLBACK (request_queued_cb), self, 0);
  return TRUE;
}
