/* ccm-protocol.c — the sync protocol's JSON shapes, limits and errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-protocol"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-clock.h"
#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-protocol.h"

/* Sync errors carry the field at fault, like domain errors. */
typedef struct
{
  char *field;
} CcmSyncErrorPrivate;

static void
ccm_sync_error_private_init (CcmSyncErrorPrivate *priv)
{
  priv->field = NULL;
}

static void
ccm_sync_error_private_copy (const CcmSyncErrorPrivate *src,
                             CcmSyncErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
}

static void
ccm_sync_error_private_clear (CcmSyncErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (CcmSyncError, ccm_sync_error)

void
ccm_sync_error_set (GError        **error,
                    CcmSyncError    code,
                    const char     *field,
                    const char     *format,
                    ...)
{
  va_list args;
  GError *err;

  if (error == NULL)
    return;

  va_start (args, format);
  err = g_error_new_valist (CCM_SYNC_ERROR, code, format, args);
  va_end (args);

  if (field != NULL)
    ccm_sync_error_get_private (err)->field = g_strdup (field);
  g_propagate_error (error, err);
}

const char *
ccm_sync_error_get_field (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == CCM_DOMAIN_ERROR)
    return ccm_domain_error_get_field (error);
  if (error->domain != CCM_SYNC_ERROR)
    return NULL;
  return ccm_sync_error_get_private (error)->field;
}

guint
ccm_sync_error_status (const GError *error)
{
  static const guint statuses[] = {
    [CCM_SYNC_ERROR_INVALID] = 400,
    [CCM_SYNC_ERROR_UNAUTHORIZED] = 401,
    [CCM_SYNC_ERROR_REVOKED] = 403,
    [CCM_SYNC_ERROR_NOT_FOUND] = 404,
    [CCM_SYNC_ERROR_METHOD] = 405,
    [CCM_SYNC_ERROR_SEQ_CONFLICT] = 409,
    [CCM_SYNC_ERROR_SEQ_GAP] = 409,
    [CCM_SYNC_ERROR_TOO_LARGE] = 413,
    [CCM_SYNC_ERROR_RATE_LIMITED] = 429,
    [CCM_SYNC_ERROR_INTERNAL] = 500,
    [CCM_SYNC_ERROR_FORBIDDEN] = 403,
    [CCM_SYNC_ERROR_TOKEN_EXPIRED] = 401,
  };

  g_return_val_if_fail (error != NULL, 500);

  /* A request's own fields are checked with the model's getters. */
  if (error->domain == CCM_DOMAIN_ERROR)
    return 400;
  if (error->domain == CCM_SYNC_ERROR &&
      error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (statuses))
    return statuses[error->code];
  return 500;
}

const char *
ccm_sync_error_name (const GError *error)
{
  static const char *const sync_names[] = {
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
    [CCM_SYNC_ERROR_TOKEN_EXPIRED] = "unauthorized",
  };
  /* The same words as `contoso --json` uses for rejections. */
  static const char *const domain_names[] = {
    "invalid", "not-found", "conflict", "forbidden",
  };

  g_return_val_if_fail (error != NULL, "internal");

  if (error->domain == CCM_SYNC_ERROR &&
      error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (sync_names))
    return sync_names[error->code];
  if (error->domain == CCM_DOMAIN_ERROR &&
      error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (domain_names))
    return domain_names[error->code];
  return "internal";
}

JsonObject *
ccm_protocol_error_to_json (const GError *error)
{
  JsonObject *o = json_object_new ();

  g_return_val_if_fail (error != NULL, o);

  json_object_set_string_member (o, "error", ccm_sync_error_name (error));
  json_object_set_string_member (o, "message", error->message);
  ccm_json_set_string_or_null (o, "field", ccm_sync_error_get_field (error));
  return o;
}

/* Requests */

void
ccm_push_command_free (CcmPushCommand *command)
{
  g_free (command->command_id);
  g_free (command->type);
  g_clear_pointer (&command->args, json_object_unref);
  g_free (command->digest);
  g_free (command);
}

CcmCommand *
ccm_push_command_to_command (const CcmPushCommand *push,
                             const char           *device_id)
{
  CcmCommand *command;

  g_return_val_if_fail (push != NULL, NULL);

  command = ccm_command_new (push->type, push->command_id, json_object_ref (push->args));
  command->device_id = g_strdup (device_id);
  command->issued_at = push->device_time;
  return command;
}

JsonObject *
ccm_protocol_parse_body (const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  CcmJsonEscapeFault fault;
  gssize bad;

  if (length > CCM_PROTOCOL_MAX_BODY)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_TOO_LARGE, NULL,
                          _("The request body has %llu bytes; at most %d are accepted. "
                            "Send fewer commands at a time."),
                          (unsigned long long) length, CCM_PROTOCOL_MAX_BODY);
      return NULL;
    }
  if (length == 0 || data == NULL)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, NULL,
                          _("The request has no body; it must be a JSON object."));
      return NULL;
    }
  if (!g_utf8_validate (data, length, NULL))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, NULL,
                          _("The request body is not UTF-8 text."));
      return NULL;
    }
  if (!ccm_json_precheck (data, length, &bad, &fault))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, NULL,
                          _("The request body must be a JSON object."));
      return NULL;
    }
  if (bad >= 0 && fault == CCM_JSON_ESCAPE_NUL)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, NULL,
                          _("The request body has a NUL character (\\u0000) in a string at byte "
                            "%lld; text may not contain it."), (long long) bad + 1);
      return NULL;
    }
  if (bad >= 0)
    {
      g_autofree char *what = ccm_json_describe_bad_escape (fault, bad);

      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, NULL,
                          _("The request body is not valid JSON: %s."), what);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, NULL,
                          _("The request body is not valid JSON: %s."), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, NULL,
                          _("The request body must be a JSON object."));
      return NULL;
    }
  if (!ccm_json_check_values (root, &local_error))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, ccm_domain_error_get_field (local_error),
                          "%s", local_error->message);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* The model's getters fail in CCM_DOMAIN_ERROR; on the wire that is a bad
 * request naming the same field. */
static gboolean
as_invalid (GError **error,
            GError  *local_error)
{
  ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID,
                      ccm_domain_error_get_field (local_error), "%s", local_error->message);
  g_error_free (local_error);
  return FALSE;
}

gboolean
ccm_protocol_parse_enroll (JsonObject  *body,
                           const char **code,
                           const char **name,
                           GError     **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (body != NULL, FALSE);

  if (!ccm_json_get_string (body, "code", TRUE, code, &local_error) ||
      !ccm_json_get_string (body, "name", FALSE, name, &local_error))
    return as_invalid (error, local_error);
  return TRUE;
}

gboolean
ccm_protocol_parse_token (JsonObject  *body,
                          const char **device_id,
                          const char **secret,
                          const char **name,
                          GError     **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (body != NULL, FALSE);

  if (!ccm_json_get_string (body, "device_id", TRUE, device_id, &local_error) ||
      !ccm_json_get_string (body, "secret", TRUE, secret, &local_error) ||
      !ccm_json_get_string (body, "name", FALSE, name, &local_error))
    return as_invalid (error, local_error);
  return TRUE;
}

static char *
command_digest (const CcmPushCommand *command)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *args = ccm_json_to_string (command->args);
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, command->schema_version);

  /* NUL separators keep "ab"+"c" apart from "a"+"bc". */
  g_checksum_update (checksum, (const guchar *) command->type, strlen (command->type) + 1);
  g_checksum_update (checksum, (const guchar *) command->command_id,
                     strlen (command->command_id) + 1);
  g_checksum_update (checksum, (const guchar *) version, strlen (version) + 1);
  g_checksum_update (checksum, (const guchar *) args, strlen (args));
  return g_strdup (g_checksum_get_string (checksum));
}

static CcmPushCommand *
parse_push_command (JsonNode     *node,
                    guint         index,
                    CcmRegistry  *registry,
                    GError      **error)
{
  g_autoptr(CcmPushCommand) command = g_new0 (CcmPushCommand, 1);
  GError *local_error = NULL;
  const char *command_id = NULL, *type = NULL;
  JsonObject *object, *args = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "commands",
                          _("Command %u of the batch is not a JSON object."), index + 1);
      return NULL;
    }
  object = json_node_get_object (node);

  command->schema_version = 1;
  if (!ccm_json_get_int (object, "seq", TRUE, &command->seq, &local_error) ||
      !ccm_json_get_string (object, "command_id", TRUE, &command_id, &local_error) ||
      !ccm_json_get_string (object, "type", TRUE, &type, &local_error) ||
      !ccm_json_get_int (object, "schema_version", FALSE, &command->schema_version, &local_error) ||
      !ccm_json_get_object (object, "args", TRUE, &args, &local_error) ||
      !ccm_json_get_int (object, "device_time", FALSE, &command->device_time, &local_error))
    {
      as_invalid (error, local_error);
      return NULL;
    }

  if (command->seq < 1)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "seq",
                          _("The sequence number of command %u must be 1 or more, not %lld."),
                          index + 1, (long long) command->seq);
      return NULL;
    }
  if (*command_id == '\0' || strlen (command_id) > 64)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "command_id",
                          _("The command id of command %u must have 1 to 64 characters."),
                          index + 1);
      return NULL;
    }
  if (ccm_registry_lookup_command (registry, type) == NULL)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "type",
                          _("“%s” (command %u) is not a command this server knows."),
                          type, index + 1);
      return NULL;
    }
  if (command->schema_version < CCM_COMMAND_SCHEMA_MIN ||
      command->schema_version > CCM_COMMAND_SCHEMA_MAX)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "schema_version",
                          _("Command %u has schema version %lld; this server takes %d to %d. "
                            "Update the server or the client."),
                          index + 1, (long long) command->schema_version,
                          CCM_COMMAND_SCHEMA_MIN, CCM_COMMAND_SCHEMA_MAX);
      return NULL;
    }

  command->command_id = g_strdup (command_id);
  command->type = g_strdup (type);
  command->args = json_object_ref (args);
  command->digest = command_digest (command);
  return g_steal_pointer (&command);
}

GPtrArray *
ccm_protocol_parse_push (JsonObject   *body,
                         CcmRegistry  *registry,
                         GError      **error)
{
  g_autoptr(GPtrArray) commands = NULL;
  GError *local_error = NULL;
  JsonArray *array = NULL;
  guint n;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (registry != NULL, NULL);

  if (!ccm_json_get_array (body, "commands", TRUE, &array, &local_error))
    {
      as_invalid (error, local_error);
      return NULL;
    }

  n = json_array_get_length (array);
  if (n > CCM_PROTOCOL_MAX_BATCH)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_TOO_LARGE, "commands",
                          _("The batch has %u commands; at most %d are accepted in one push."),
                          n, CCM_PROTOCOL_MAX_BATCH);
      return NULL;
    }

  commands = g_ptr_array_new_full (n, (GDestroyNotify) ccm_push_command_free);
  for (guint i = 0; i < n; i++)
    {
      CcmPushCommand *command = parse_push_command (json_array_get_element (array, i), i,
                                                    registry, error);

      if (command == NULL)
        return NULL;
      /* seq is 1 or more, so seq - 1 cannot overflow where previous + 1 could */
      if (i > 0 && command->seq - 1 != ((CcmPushCommand *) g_ptr_array_index (commands, i - 1))->seq)
        {
          ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "seq",
                              _("The sequence numbers of a batch must follow each other; "
                                "command %u has %lld."), i + 1, (long long) command->seq);
          ccm_push_command_free (command);
          return NULL;
        }
      g_ptr_array_add (commands, command);
    }
  return g_steal_pointer (&commands);
}

char *
ccm_protocol_cookie_format (const char *epoch,
                            gint64      position)
{
  return g_strdup_printf ("%s:%" G_GINT64_FORMAT, epoch, position);
}

gboolean
ccm_protocol_cookie_parse (const char  *cookie,
                           char       **epoch,
                           gint64      *position,
                           GError     **error)
{
  const char *colon;
  guint64 value = 0;

  g_return_val_if_fail (cookie != NULL, FALSE);

  colon = strrchr (cookie, ':');
  if (colon == NULL || colon == cookie ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXINT64, &value, NULL))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "cookie",
                          _("The cookie “%s” is not of the form EPOCH:POSITION; send the "
                            "cookie of the last pull, or none to start over."), cookie);
      return FALSE;
    }
  *epoch = g_strndup (cookie, colon - cookie);
  *position = (gint64) value;
  return TRUE;
}

gboolean
ccm_protocol_parse_pull (JsonObject  *body,
                         char       **epoch,
                         gint64      *position,
                         gint64      *limit,
                         GError     **error)
{
  GError *local_error = NULL;
  const char *cookie = NULL;

  g_return_val_if_fail (body != NULL, FALSE);

  *epoch = NULL;
  *position = 0;
  *limit = CCM_PROTOCOL_PULL_DEFAULT;
  if (!ccm_json_get_string (body, "cookie", FALSE, &cookie, &local_error) ||
      !ccm_json_get_int (body, "limit", FALSE, limit, &local_error))
    return as_invalid (error, local_error);

  if (*limit < 1 || *limit > CCM_PROTOCOL_PULL_MAX)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_INVALID, "limit",
                          _("The limit must be between 1 and %d events, not %lld."),
                          CCM_PROTOCOL_PULL_MAX, (long long) *limit);
      return FALSE;
    }
  if (cookie != NULL && !ccm_protocol_cookie_parse (cookie, epoch, position, error))
    return FALSE;
  return TRUE;
}

JsonObject *
ccm_protocol_push_command_json (gint64            seq,
                                const CcmCommand *command,
                                gint64            schema_version)
{
  JsonObject *o = json_object_new ();

  g_return_val_if_fail (command != NULL, o);

  json_object_set_int_member (o, "seq", seq);
  json_object_set_string_member (o, "command_id", command->command_id);
  json_object_set_string_member (o, "type", command->type);
  json_object_set_int_member (o, "schema_version", schema_version);
  json_object_set_object_member (o, "args", json_object_ref (command->args));
  if (command->issued_at != 0)
    json_object_set_int_member (o, "device_time", command->issued_at);
  return o;
}

/* Responses */

JsonObject *
ccm_protocol_hello_json (const char *server_id,
                         const char *epoch,
                         gint64      server_time)
{
  JsonObject *o = json_object_new ();
  JsonObject *protocol = json_object_new ();
  JsonObject *schema = json_object_new ();
  g_autofree char *time = ccm_time_format (server_time);

  json_object_set_int_member (protocol, "min", CCM_PROTOCOL_VERSION_MIN);
  json_object_set_int_member (protocol, "max", CCM_PROTOCOL_VERSION_MAX);
  json_object_set_int_member (schema, "min", CCM_COMMAND_SCHEMA_MIN);
  json_object_set_int_member (schema, "max", CCM_COMMAND_SCHEMA_MAX);

  json_object_set_string_member (o, "server_id", server_id);
  json_object_set_string_member (o, "epoch", epoch);
  json_object_set_string_member (o, "server_time", time);
  json_object_set_int_member (o, "server_time_us", server_time);
  json_object_set_object_member (o, "protocol", protocol);
  json_object_set_object_member (o, "schema", schema);
  json_object_set_int_member (o, "max_batch", CCM_PROTOCOL_MAX_BATCH);
  json_object_set_int_member (o, "max_body", CCM_PROTOCOL_MAX_BODY);
  return o;
}

char *
ccm_protocol_to_data (JsonObject *object,
                      gsize      *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, length);
}
