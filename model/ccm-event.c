/* ccm-event.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-event"

#include "ccm-event.h"
#include "ccm-json.h"
#include "ccm-clock.h"

G_DEFINE_BOXED_TYPE (CcmEvent, ccm_event, ccm_event_ref, ccm_event_unref)
G_DEFINE_BOXED_TYPE (CcmCommand, ccm_command, ccm_command_ref, ccm_command_unref)

static void
ccm_event_clear (CcmEvent *event)
{
  g_free (event->stream_id);
  g_free (event->type);
  g_clear_pointer (&event->payload, json_object_unref);
  g_free (event->command_id);
  g_free (event->correlation_id);
  g_free (event->device_id);
}

/* Takes ownership of payload; NULL means an empty object. */
CcmEvent *
ccm_event_new (const char *type,
               int         schema_version,
               JsonObject *payload)
{
  CcmEvent *event;

  g_return_val_if_fail (type != NULL, NULL);

  event = g_atomic_rc_box_new0 (CcmEvent);
  event->type = g_strdup (type);
  event->schema_version = schema_version;
  event->payload = payload != NULL ? payload : json_object_new ();
  return event;
}

CcmEvent *
ccm_event_ref (CcmEvent *event)
{
  return g_atomic_rc_box_acquire (event);
}

void
ccm_event_unref (CcmEvent *event)
{
  g_atomic_rc_box_release_full (event, (GDestroyNotify) ccm_event_clear);
}

JsonObject *
ccm_event_to_json (const CcmEvent *event)
{
  JsonObject *o = json_object_new ();
  g_autofree char *recorded_at = ccm_time_format (event->recorded_at);

  json_object_set_int_member (o, "position", event->position);
  json_object_set_string_member (o, "stream_id", event->stream_id);
  json_object_set_int_member (o, "stream_version", event->stream_version);
  json_object_set_string_member (o, "type", event->type);
  json_object_set_int_member (o, "schema_version", event->schema_version);
  json_object_set_object_member (o, "payload", json_object_ref (event->payload));
  ccm_json_set_string_or_null (o, "command_id", event->command_id);
  ccm_json_set_string_or_null (o, "correlation_id", event->correlation_id);
  ccm_json_set_string_or_null (o, "device_id", event->device_id);
  json_object_set_string_member (o, "recorded_at", recorded_at);
  return o;
}

static void
ccm_command_clear (CcmCommand *command)
{
  g_free (command->type);
  g_free (command->command_id);
  g_clear_pointer (&command->args, json_object_unref);
  g_free (command->correlation_id);
  g_free (command->device_id);
}

/* Takes ownership of args; NULL means an empty object. */
CcmCommand *
ccm_command_new (const char *type,
                 const char *command_id,
                 JsonObject *args)
{
  CcmCommand *command;

  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (command_id != NULL, NULL);

  command = g_atomic_rc_box_new0 (CcmCommand);
  command->type = g_strdup (type);
  command->command_id = g_strdup (command_id);
  command->args = args != NULL ? args : json_object_new ();
  return command;
}

CcmCommand *
ccm_command_ref (CcmCommand *command)
{
  return g_atomic_rc_box_acquire (command);
}

void
ccm_command_unref (CcmCommand *command)
{
  g_atomic_rc_box_release_full (command, (GDestroyNotify) ccm_command_clear);
}

JsonObject *
ccm_command_to_json (const CcmCommand *command)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "type", command->type);
  json_object_set_string_member (o, "command_id", command->command_id);
  json_object_set_object_member (o, "args", json_object_ref (command->args));
  ccm_json_set_string_or_null (o, "correlation_id", command->correlation_id);
  ccm_json_set_string_or_null (o, "device_id", command->device_id);
  json_object_set_int_member (o, "issued_at", command->issued_at);
  return o;
}

/* The text of ccm_command_to_json, written straight: the command log
 * stores one for every command issued. */
char *
ccm_command_to_string (const CcmCommand *command)
{
  GString *out = g_string_sized_new (256);

  g_string_append_c (out, '{');
  ccm_json_append_string_member (out, "type", command->type);
  ccm_json_append_string_member (out, "command_id", command->command_id);
  ccm_json_append_object_member (out, "args", command->args);
  ccm_json_append_string_member (out, "correlation_id", command->correlation_id);
  ccm_json_append_string_member (out, "device_id", command->device_id);
  ccm_json_append_int_member (out, "issued_at", command->issued_at);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

CcmCommand *
ccm_command_new_from_json (JsonObject  *object,
                           GError     **error)
{
  const char *type, *command_id, *correlation_id = NULL, *device_id = NULL;
  JsonObject *args;
  gint64 issued_at = 0;
  CcmCommand *command;

  if (!ccm_json_get_string (object, "type", TRUE, &type, error) ||
      !ccm_json_get_string (object, "command_id", TRUE, &command_id, error) ||
      !ccm_json_get_object (object, "args", TRUE, &args, error) ||
      !ccm_json_get_string (object, "correlation_id", FALSE, &correlation_id, error) ||
      !ccm_json_get_string (object, "device_id", FALSE, &device_id, error) ||
      !ccm_json_get_int (object, "issued_at", FALSE, &issued_at, error))
    return NULL;

  command = ccm_command_new (type, command_id, json_object_ref (args));
  command->correlation_id = g_strdup (correlation_id);
  command->device_id = g_strdup (device_id);
  command->issued_at = issued_at;
  return command;
}
