/* ccm-sync-round.c — enrollment, and one round of push, pull and rebase
 *
 * A round pushes every pending command in batches and keeps the server's
 * results in memory; then it pulls until the server has no more, rebasing
 * after each page so a first pull of a big server never sits in memory
 * whole. A result goes with the first rebase whose page reaches the
 * command's last event, so a confirmed command never leaves the tentative
 * layer before its events arrive. The cookie is saved in the rebase's
 * transaction. If anything fails, nothing is lost: commands the server
 * answered but the device did not record are pushed again, and the
 * server answers them as duplicates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-sync"

#include <glib/gi18n-lib.h>

#include "ccm-clock.h"
#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-sync-client-private.h"

/* A pull page: as many as the server gives, each rebase replays the
 * pending commands once. */
#define PULL_LIMIT CCM_PROTOCOL_PULL_MAX

/* Pages pulled are applied together, up to this many events: each rebase
 * undoes and replays every pending command, so rebasing page by page
 * costs pages × pending commands (DESIGN §4 wants new events + pending). */
#define REBASE_EVENTS 50000

/* A round gives way this many times to another program that applies the
 * same pages first (apply_pulled), then stops until the next. */
#define MAX_OVERTAKEN 8

/* Enrollment */

typedef struct
{
  char *url;
  char *code;
  char *name;
  char *server_id;
  char *previous_url;
} Enrollment;

static void
enrollment_free (Enrollment *enrollment)
{
  g_free (enrollment->url);
  g_free (enrollment->code);
  g_free (enrollment->name);
  g_free (enrollment->server_id);
  g_free (enrollment->previous_url);
  g_free (enrollment);
}

static void
enrollment_fail (GTask  *task,
                 GError *error)
{
  CcmSyncClient *self = g_task_get_source_object (task);
  Enrollment *enrollment = g_task_get_task_data (task);

  g_free (self->server_url);
  self->server_url = g_steal_pointer (&enrollment->previous_url);
  g_task_return_error (task, error);
}

static gboolean
save_enrollment (CcmSyncClient  *self,
                 Enrollment     *enrollment,
                 JsonObject     *body,
                 GError        **error)
{
  const char *device_id = NULL, *secret = NULL, *role = NULL;
  g_autofree char *desk_name = ccm_desk_name_clean (enrollment->name);
  GError *local_error = NULL;

  if (!ccm_json_get_string (body, "device_id", TRUE, &device_id, &local_error) ||
      !ccm_json_get_string (body, "secret", TRUE, &secret, &local_error) ||
      !ccm_json_get_string (body, "role", FALSE, &role, &local_error))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, NULL,
                          _("The server’s enrollment answer is not understood: %s"),
                          local_error->message);
      g_error_free (local_error);
      return FALSE;
    }

  /* The name it sent, if any, is what it told the server. */
  if (*desk_name == '\0')
    g_clear_pointer (&desk_name, g_free);
  /* The settings and the switch to enrolled commit together. */
  if (!ccm_store_begin (self->store, error))
    return FALSE;
  if (!ccm_store_set_meta (self->store, CCM_SYNC_META_URL, enrollment->url, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_SERVER_ID, enrollment->server_id, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_DEVICE_ID, device_id, error) ||
      !ccm_store_set_device_id (self->store, device_id, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_SECRET, secret, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_ROLE, role, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_TLS_CA, self->tls_ca_file, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_COOKIE, NULL, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_TOKEN, NULL, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_REVOKED, NULL, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_DESK_NAME, desk_name, error) ||
      !ccm_store_enroll (self->store, error))
    {
      ccm_store_rollback (self->store);
      return FALSE;
    }
  return ccm_store_commit (self->store, error);
}

static void
enroll_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcmSyncClient *self = CCM_SYNC_CLIENT (source);
  Enrollment *enrollment = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  body = ccm_sync_client_request_finish (self, result, NULL, &error);
  if (body == NULL || !save_enrollment (self, enrollment, body, &error))
    {
      enrollment_fail (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&self->token, g_free);
  self->token_expires = 0;
  g_object_notify (G_OBJECT (self), "server-url");
  ccm_sync_client_update_pending (self);
  g_task_return_boolean (task, TRUE);
}

static void
hello_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcmSyncClient *self = CCM_SYNC_CLIENT (source);
  Enrollment *enrollment = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *protocol = NULL;
  GCancellable *cancellable;
  const char *server_id = NULL;

  body = ccm_sync_client_request_finish (self, result, NULL, &error);
  if (body == NULL)
    {
      enrollment_fail (task, g_steal_pointer (&error));
      return;
    }
  if (!ccm_json_get_string (body, "server_id", TRUE, &server_id, &error) ||
      !ccm_json_get_object (body, "protocol", TRUE, &protocol, &error))
    {
      enrollment_fail (task, g_error_new (CCM_SYNC_ERROR, CCM_SYNC_ERROR_INVALID,
                                          _("%s does not answer like a Contoso server: %s"),
                                          enrollment->url, error->message));
      return;
    }
  if (ccm_json_int (protocol, "min", 1) > CCM_PROTOCOL_VERSION_MAX ||
      ccm_json_int (protocol, "max", 1) < CCM_PROTOCOL_VERSION_MIN)
    {
      enrollment_fail (task, g_error_new (CCM_SYNC_ERROR, CCM_SYNC_ERROR_INVALID,
                                          _("The server speaks protocol versions %lld to %lld; "
                                            "this program speaks %d to %d. Update the older of "
                                            "the two."),
                                          (long long) ccm_json_int (protocol, "min", 1),
                                          (long long) ccm_json_int (protocol, "max", 1),
                                          CCM_PROTOCOL_VERSION_MIN, CCM_PROTOCOL_VERSION_MAX));
      return;
    }
  enrollment->server_id = g_strdup (server_id);

  request = json_object_new ();
  json_object_set_string_member (request, "code", enrollment->code);
  if (enrollment->name != NULL)
    json_object_set_string_member (request, "name", enrollment->name);
  cancellable = g_task_get_cancellable (task);
  ccm_sync_client_request_async (self, "POST", "/v1/enroll", request, FALSE,
                                 cancellable, enroll_cb, g_steal_pointer (&task));
}

void
ccm_sync_client_enroll_async (CcmSyncClient       *self,
                              const char          *url,
                              const char          *code,
                              const char          *name,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *device_id = NULL;
  g_autoptr(GError) error = NULL;
  Enrollment *enrollment;
  gsize length;

  g_return_if_fail (CCM_IS_SYNC_CLIENT (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ccm_sync_client_enroll_async);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      ccm_sync_error_set (&error, CCM_SYNC_ERROR_INVALID, "url",
                          _("“%s” is not a server address; give one like "
                            "https://sync.example.org:8443."), url);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  device_id = ccm_sync_client_dup_meta (self, CCM_SYNC_META_DEVICE_ID);
  if (ccm_store_is_enrolled (self->store) && device_id != NULL)
    {
      g_autofree char *server = ccm_sync_client_dup_meta (self, CCM_SYNC_META_URL);

      ccm_sync_error_set (&error, CCM_SYNC_ERROR_INVALID, "url",
                          _("This store is already enrolled as device %s with %s; a store "
                            "syncs with one server."), device_id, server);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!ccm_sync_client_load_tls_ca (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  enrollment = g_new0 (Enrollment, 1);
  enrollment->url = g_strdup (url);
  length = strlen (enrollment->url);
  while (length > 0 && enrollment->url[length - 1] == '/')
    enrollment->url[--length] = '\0';
  enrollment->code = g_strdup (code);
  enrollment->name = g_strdup (name);
  enrollment->previous_url = g_steal_pointer (&self->server_url);
  self->server_url = g_strdup (enrollment->url);
  g_task_set_task_data (task, enrollment, (GDestroyNotify) enrollment_free);

  ccm_sync_client_request_async (self, "GET", "/v1/hello", NULL, FALSE, cancellable,
                                 hello_cb, g_steal_pointer (&task));
}

gboolean
ccm_sync_client_enroll_finish (CcmSyncClient  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* A round */

typedef struct
{
  GPtrArray *results;      /* CcmCommandResult, answered but not yet recorded */
  gint64     after_seq;    /* pushed through this seq */
  guint      batch_limit;
  guint      resets;
  guint      pages;
  gboolean   requeued;
  gboolean   starting_over; /* a new epoch: the next rebase replaces everything */
  gboolean   started_over;  /* this round did: what it pulls is not news */
  GPtrArray *pulled;       /* CcmEvent, pulled but not yet applied */
  GHashTable *desk_names;  /* device id → name, of their desks */
  char      *cookie;       /* the cookie after them */
  char      *base;         /* the store's cookie when the first of them was asked for */
  guint      overtaken;    /* pages another program applied first */
} Round;

static void
round_free (Round *round)
{
  g_clear_pointer (&round->results, g_ptr_array_unref);
  g_clear_pointer (&round->pulled, g_ptr_array_unref);
  g_clear_pointer (&round->desk_names, g_hash_table_unref);
  g_free (round->cookie);
  g_free (round->base);
  g_free (round);
}

static void push_next (GTask *task);
static void pull_next (GTask *task);

static CcmCommandResult *
result_from_json (JsonNode  *node,
                  GError   **error)
{
  g_autoptr(CcmCommandResult) result = g_new0 (CcmCommandResult, 1);
  JsonObject *object;
  const char *status = NULL;
  GError *local_error = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "results",
                          _("The server’s push answer holds a result that is not an object."));
      return NULL;
    }
  object = json_node_get_object (node);
  if (!ccm_json_get_int (object, "seq", TRUE, &result->seq, &local_error) ||
      !ccm_json_get_string (object, "status", TRUE, &status, &local_error))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, ccm_domain_error_get_field (local_error),
                          _("The server’s push answer is not understood: %s"),
                          local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  /* A repeat carries its first answer: a rejection stays a rejection. */
  if (g_str_equal (status, "duplicate") &&
      (ccm_json_string (object, "error") != NULL ||
       g_strcmp0 (ccm_json_string (object, "original_status"), "rejected") == 0))
    status = "rejected";
  result->status = g_strdup (status);
  result->outcome = json_object_ref (object);
  return g_steal_pointer (&result);
}

static void
push_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcmSyncClient *self = CCM_SYNC_CLIENT (source);
  Round *round = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *results = NULL;
  guint n;

  body = ccm_sync_client_request_finish (self, result, &error_body, &error);

  /* A gap before what is pending: the server was restored from a backup and
   * lost this device's latest commands. They are still in the command log:
   * queue them again and push from where the server stands (once a round). */
  if (body == NULL && !round->requeued && error_body != NULL &&
      g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_SEQ_GAP) &&
      ccm_json_int (error_body, "expected_seq", 0) > 0)
    {
      gint64 expected = ccm_json_int (error_body, "expected_seq", 0);
      g_autoptr(GError) requeue_error = NULL;

      if (ccm_store_requeue (self->store, expected, &requeue_error))
        {
          g_debug ("The server expects command %lld again: pushing from there", (long long) expected);
          round->requeued = TRUE;
          round->after_seq = expected - 1;
          self->pushed_through = MIN (self->pushed_through, expected - 1);
          push_next (g_steal_pointer (&task));
          return;
        }
      g_warning ("%s", requeue_error->message);
    }

  if (body == NULL)
    {
      if (g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_SEQ_GAP) && error_body != NULL)
        g_prefix_error (&error, _("The server expects command %lld of this device next, which "
                                  "this device no longer has pending: "),
                        (long long) ccm_json_int (error_body, "expected_seq", 0));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!ccm_json_get_array (body, "results", TRUE, &results, &error) ||
      (n = json_array_get_length (results)) == 0)
    {
      g_task_return_new_error (task, CCM_SYNC_ERROR, CCM_SYNC_ERROR_INVALID,
                               _("The server’s push answer has no results."));
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      CcmCommandResult *answer = result_from_json (json_array_get_element (results, i), &error);

      if (answer == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      round->after_seq = MAX (round->after_seq, answer->seq);
      g_ptr_array_add (round->results, answer);
    }
  self->pushed_through = MAX (self->pushed_through, round->after_seq);
  round->batch_limit = CCM_PROTOCOL_MAX_BATCH;
  ccm_sync_client_emit_pushed (self, n, ccm_sync_client_request_get_round_trip (result));

  push_next (g_steal_pointer (&task));
}

/* Takes the task's reference. */
static void
push_next (GTask *task)
{
  CcmSyncClient *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  JsonArray *commands;
  gsize length = 0;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  pending = ccm_store_pending_commands (self->store, round->after_seq, round->batch_limit, &error);
  if (pending == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (pending->len == 0)
    {
      pull_next (task);
      return;
    }

  commands = json_array_sized_new (pending->len);
  for (guint i = 0; i < pending->len; i++)
    {
      CcmLoggedCommand *logged = g_ptr_array_index (pending, i);

      json_array_add_object_element (commands,
                                     ccm_protocol_push_command_json (logged->seq, logged->command,
                                                                     CCM_COMMAND_SCHEMA_MAX));
    }
  body = json_object_new ();
  json_object_set_array_member (body, "commands", commands);

  /* The body is bounded too: halve the batch until it fits. */
  data = ccm_protocol_to_data (body, &length);
  if (length > CCM_PROTOCOL_MAX_BODY)
    {
      if (pending->len == 1)
        {
          g_task_return_new_error (task, CCM_SYNC_ERROR, CCM_SYNC_ERROR_TOO_LARGE,
                                   _("Pending command %lld is larger than the server accepts "
                                     "(%d bytes)."),
                                   (long long) ((CcmLoggedCommand *) g_ptr_array_index (pending, 0))->seq,
                                   CCM_PROTOCOL_MAX_BODY);
          g_object_unref (task);
          return;
        }
      round->batch_limit = pending->len / 2;
      push_next (task);
      return;
    }

  g_debug ("Pushing %u commands after %" G_GINT64_FORMAT, pending->len, round->after_seq);
  ccm_sync_client_request_async (self, "POST", "/v1/push", body, TRUE,
                                 g_task_get_cancellable (task), push_cb, task);
}

static CcmEvent *
event_from_json (JsonNode  *node,
                 GError   **error)
{
  g_autoptr(CcmEvent) event = NULL;
  GError *local_error = NULL;
  JsonObject *object, *payload = NULL;
  const char *stream_id = NULL, *type = NULL, *command_id = NULL;
  const char *correlation_id = NULL, *device_id = NULL, *recorded_at = NULL;
  gint64 position = 0, stream_version = 0, schema_version = 1;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "events",
                          _("The server’s pull answer holds an event that is not an object."));
      return NULL;
    }
  object = json_node_get_object (node);
  if (!ccm_json_get_int (object, "position", TRUE, &position, &local_error) ||
      !ccm_json_get_string (object, "stream_id", TRUE, &stream_id, &local_error) ||
      !ccm_json_get_int (object, "stream_version", TRUE, &stream_version, &local_error) ||
      !ccm_json_get_string (object, "type", TRUE, &type, &local_error) ||
      !ccm_json_get_int (object, "schema_version", FALSE, &schema_version, &local_error) ||
      !ccm_json_get_object (object, "payload", TRUE, &payload, &local_error) ||
      !ccm_json_get_string (object, "command_id", FALSE, &command_id, &local_error) ||
      !ccm_json_get_string (object, "correlation_id", FALSE, &correlation_id, &local_error) ||
      !ccm_json_get_string (object, "device_id", FALSE, &device_id, &local_error) ||
      !ccm_json_get_string (object, "recorded_at", FALSE, &recorded_at, &local_error))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, ccm_domain_error_get_field (local_error),
                          _("The server’s pull answer holds an event that is not understood: %s"),
                          local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  event = ccm_event_new (type, (int) schema_version, json_object_ref (payload));
  event->position = position;
  event->stream_id = g_strdup (stream_id);
  event->stream_version = stream_version;
  event->command_id = g_strdup (command_id);
  event->correlation_id = g_strdup (correlation_id);
  event->device_id = g_strdup (device_id);
  if (recorded_at != NULL)
    ccm_time_parse (recorded_at, &event->recorded_at);
  return g_steal_pointer (&event);
}

/* The results whose events are all in the store once this page is: those
 * that wrote nothing, and those that end at or before the page. The last
 * page takes the rest. */
static GPtrArray *
take_results (Round    *round,
              gint64    position,
              gboolean  last_page)
{
  GPtrArray *taken = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_result_free);

  for (guint i = 0; i < round->results->len;)
    {
      CcmCommandResult *result = g_ptr_array_index (round->results, i);

      if (last_page ||
          g_str_equal (result->status, "rejected") ||
          ccm_json_int (result->outcome, "last_position", 0) <= position)
        g_ptr_array_add (taken, g_ptr_array_steal_index (round->results, i));
      else
        i++;
    }
  return taken;
}

/* Appends a page's events, and the names of their desks, to those pulled
 * in this round. */
static gboolean
add_page (Round      *round,
          JsonArray  *array,
          JsonObject *desk_names,
          const char *cookie,
          GError    **error)
{
  guint n = json_array_get_length (array);
  JsonObjectIter iter;
  const char *device_id;
  JsonNode *name;

  if (desk_names != NULL)
    {
      json_object_iter_init (&iter, desk_names);
      while (json_object_iter_next (&iter, &device_id, &name))
        {
          if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
            {
              g_set_error (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_INVALID,
                           _("The name of desk %s is not a text."), device_id);
              return FALSE;
            }
          g_hash_table_replace (round->desk_names, g_strdup (device_id),
                                g_strdup (json_node_get_string (name)));
        }
    }

  for (guint i = 0; i < n; i++)
    {
      CcmEvent *event = event_from_json (json_array_get_element (array, i), error);

      if (event == NULL)
        return FALSE;
      g_ptr_array_add (round->pulled, event);
    }
  g_free (round->cookie);
  round->cookie = g_strdup (cookie);
  return TRUE;
}

/* The desks' names a pull brought (device id → name), inside the caller's
 * transaction. */
static gboolean
keep_desk_names (CcmSyncClient  *self,
                 GHashTable     *desk_names,
                 GError        **error)
{
  GHashTableIter iter;
  gpointer device_id, name;

  g_hash_table_iter_init (&iter, desk_names);
  while (g_hash_table_iter_next (&iter, &device_id, &name))
    if (!ccm_store_set_desk_name (self->store, device_id, name, error))
      return FALSE;
  return TRUE;
}

/* Rebases the store on the events pulled so far, in one transaction with
 * the cookie after them. After a new epoch, the same transaction first
 * drops what the old one confirmed: until then the desk keeps showing it.
 * *overtaken: another program applied them first; nothing was done. */
static gboolean
apply_pulled (CcmSyncClient  *self,
              Round          *round,
              gboolean        last_page,
              gboolean       *overtaken,
              GError        **error)
{
  g_autoptr(GPtrArray) events = g_steal_pointer (&round->pulled);
  g_autoptr(GHashTable) desk_names = g_steal_pointer (&round->desk_names);
  g_autofree char *cookie = g_steal_pointer (&round->cookie);
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *epoch = NULL;
  g_autofree char *stored = NULL;
  gint64 position = 0;

  round->pulled = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_event_unref);
  round->desk_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  *overtaken = FALSE;
  if (cookie == NULL)
    return TRUE;
  if (!ccm_protocol_cookie_parse (cookie, &epoch, &position, error))
    return FALSE;

  if (!ccm_store_begin (self->store, error))
    return FALSE;
  /* Another program syncing this store (the window and `contoso sync`)
   * moved its cookie since these pages were asked for: it applied them, or
   * more. They are dropped, and the results kept for the pages after. */
  stored = ccm_sync_client_dup_meta (self, CCM_SYNC_META_COOKIE);
  if (g_strcmp0 (stored, round->base) != 0)
    {
      g_debug ("Another program synced this store up to %s meanwhile; pulling from there",
               stored != NULL ? stored : "the start");
      ccm_store_rollback (self->store);
      *overtaken = TRUE;
      return TRUE;
    }
  results = take_results (round, position, last_page);

  /* Nothing new but the cookie, and perhaps a desk's new name. */
  if (events->len == 0 && results->len == 0 && !round->starting_over)
    {
      if (!ccm_store_set_meta (self->store, CCM_SYNC_META_COOKIE, cookie, error) ||
          !keep_desk_names (self, desk_names, error))
        goto fail;
      return ccm_store_commit (self->store, error);
    }

  g_debug ("Rebasing on %u events and %u results, up to %s%s", events->len, results->len, cookie,
           round->starting_over ? ", from nothing" : "");
  if ((round->starting_over && !ccm_store_reset_confirmed (self->store, error)) ||
      !ccm_store_rebase (self->store, events, results, error) ||
      !ccm_store_set_meta (self->store, CCM_SYNC_META_COOKIE, cookie, error) ||
      !keep_desk_names (self, desk_names, error))
    goto fail;
  if (!ccm_store_commit (self->store, error))
    return FALSE;
  round->started_over |= round->starting_over;
  round->starting_over = FALSE;
  /* After a new epoch the desk takes everything again, known or not: no
   * count then rather than one that says all of it is new. */
  for (guint i = 0; !round->started_over && i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);

      if (g_strcmp0 (event->device_id, ccm_store_get_device_id (self->store)) != 0)
        self->received++;
    }
  return TRUE;

fail:
  ccm_store_rollback (self->store);
  /* Not recorded: the next round pushes them again and gets them back. */
  return FALSE;
}

static void
pull_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CcmSyncClient *self = CCM_SYNC_CLIENT (source);
  Round *round = g_task_get_task_data (task);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *events = NULL;
  JsonObject *desk_names = NULL;
  const char *cookie = NULL;
  gboolean reset = FALSE, has_more = FALSE, overtaken = FALSE;
  gint64 last_seq = -1;

  body = ccm_sync_client_request_finish (self, result, NULL, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!ccm_json_get_bool (body, "reset", FALSE, &reset, &error))
    goto invalid;
  if (reset)
    {
      /* A new epoch: the server was restored. Start over from it; the
       * command log stays, and its pending commands are pushed again. The
       * old epoch's confirmed events stay in view until the new epoch's
       * replace them in one transaction (apply_pulled): a round that fails
       * meanwhile must not leave the desk with nothing to show. */
      g_message ("The server at %s started a new epoch; pulling everything again",
                 self->server_url);
      if (++round->resets > 2)
        {
          g_task_return_new_error (task, CCM_SYNC_ERROR, CCM_SYNC_ERROR_INTERNAL,
                                   _("The server keeps asking this device to start over."));
          return;
        }
      if (!ccm_json_get_int (body, "last_seq", FALSE, &last_seq, &error))
        goto invalid;
      if (last_seq == G_MAXINT64)
        {
          /* No device numbers that far; and last_seq + 1 below would overflow. */
          g_set_error (&error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_INVALID,
                       _("last_seq %lld is out of range."), (long long) last_seq);
          goto invalid;
        }
      /* What this round pulled from the old epoch is not to be applied. */
      g_ptr_array_set_size (round->pulled, 0);
      g_hash_table_remove_all (round->desk_names);
      g_clear_pointer (&round->cookie, g_free);
      round->starting_over = TRUE;
      /* Requeued commands replay harmlessly on the old confirmed layer:
       * their ids already ran there. */
      if (last_seq >= 0 && !ccm_store_requeue (self->store, last_seq + 1, &error))
        goto fail;

      /* Push what the restored server lacks, then pull everything. */
      if (last_seq >= 0)
        {
          round->after_seq = last_seq;
          self->pushed_through = MIN (self->pushed_through, last_seq);
          push_next (g_steal_pointer (&task));
          return;
        }
      pull_next (g_steal_pointer (&task));
      return;
    }

  if (!ccm_json_get_array (body, "events", TRUE, &events, &error) ||
      !ccm_json_get_string (body, "cookie", TRUE, &cookie, &error) ||
      !ccm_json_get_bool (body, "has_more", FALSE, &has_more, &error) ||
      !ccm_json_get_object (body, "devices", FALSE, &desk_names, &error))
    goto invalid;
  /* A page that moves nothing forward cannot end. */
  if (has_more && json_array_get_length (events) == 0)
    has_more = FALSE;

  round->pages++;
  if (!add_page (round, events, desk_names, cookie, &error))
    goto invalid;
  if ((!has_more || round->pulled->len >= REBASE_EVENTS) &&
      !apply_pulled (self, round, !has_more, &overtaken, &error))
    goto fail;

  if (overtaken)
    {
      if (++round->overtaken > MAX_OVERTAKEN)
        {
          g_task_return_new_error (task, CCM_SYNC_ERROR, CCM_SYNC_ERROR_INTERNAL,
                                   _("Another program keeps syncing this store at the same time; "
                                     "this one stops for now."));
          return;
        }
      /* From what the store has now, in whatever epoch the other program
       * left it (a new one is found again if not). */
      round->starting_over = FALSE;
      pull_next (g_steal_pointer (&task));
      return;
    }
  if (has_more)
    {
      pull_next (g_steal_pointer (&task));
      return;
    }
  g_task_return_boolean (task, TRUE);
  return;

invalid:
  g_prefix_error (&error, _("The server’s pull answer is not understood: "));
fail:
  g_task_return_error (task, g_steal_pointer (&error));
}

/* Takes the task's reference. */
static void
pull_next (GTask *task)
{
  CcmSyncClient *self = g_task_get_source_object (task);
  g_autoptr(JsonObject) body = json_object_new ();
  Round *round = g_task_get_task_data (task);
  const char *cookie;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  /* The first page of those to be applied together starts from the
   * store's cookie, which apply_pulled expects to find still there. */
  if (round->cookie == NULL)
    {
      g_free (round->base);
      round->base = ccm_sync_client_dup_meta (self, CCM_SYNC_META_COOKIE);
    }
  cookie = round->cookie != NULL ? round->cookie : round->starting_over ? NULL : round->base;
  if (cookie != NULL)
    json_object_set_string_member (body, "cookie", cookie);
  json_object_set_int_member (body, "limit", PULL_LIMIT);
  ccm_sync_client_request_async (self, "POST", "/v1/pull", body, TRUE,
                                 g_task_get_cancellable (task), pull_cb, task);
}

void
ccm_sync_round_run (CcmSyncClient       *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task;
  Round *round;

  g_assert (CCM_IS_SYNC_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ccm_sync_round_run);
  round = g_new0 (Round, 1);
  round->results = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_result_free);
  round->pulled = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_event_unref);
  round->desk_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  round->batch_limit = CCM_PROTOCOL_MAX_BATCH;
  g_task_set_task_data (task, round, (GDestroyNotify) round_free);
  self->received = 0;

  if (self->server_url == NULL || !ccm_store_is_enrolled (self->store))
    {
      g_task_return_new_error (task, CCM_SYNC_ERROR, CCM_SYNC_ERROR_UNAUTHORIZED,
                               _("This store is not enrolled with a server; run "
                                 "“contoso device enroll URL CODE” first."));
      g_object_unref (task);
      return;
    }

  push_next (task);
}

gboolean
ccm_sync_round_finish (CcmSyncClient  *self,
                       GAsyncResult   *result,
                       GError        **error)
{
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_boolean (G_TASK (result), error);
}
