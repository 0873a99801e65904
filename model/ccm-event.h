/* ccm-event.h — a recorded domain event and a command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CCM_TYPE_EVENT (ccm_event_get_type ())
#define CCM_TYPE_COMMAND (ccm_command_get_type ())

/* An event as the log holds it. Fields other than type, schema_version and
 * payload are filled by the store when the event is appended. */
typedef struct
{
  gint64      position;
  char       *stream_id;
  gint64      stream_version;
  char       *type;
  int         schema_version;
  JsonObject *payload;
  char       *command_id;
  char       *correlation_id;
  char       *device_id;
  gint64      recorded_at;
} CcmEvent;

/* A request to change something: every id and random value its events need
 * is in args, chosen by whoever issued it, so a re-run decides the same. */
typedef struct
{
  char       *type;
  char       *command_id;
  JsonObject *args;
  char       *correlation_id;
  char       *device_id;
  gint64      issued_at;
} CcmCommand;

GType       ccm_event_get_type          (void) G_GNUC_CONST;
CcmEvent   *ccm_event_new               (const char       *type,
                                         int               schema_version,
                                         JsonObject       *payload);
CcmEvent   *ccm_event_ref               (CcmEvent         *event);
void        ccm_event_unref             (CcmEvent         *event);
JsonObject *ccm_event_to_json           (const CcmEvent   *event);

GType       ccm_command_get_type        (void) G_GNUC_CONST;
CcmCommand *ccm_command_new             (const char       *type,
                                         const char       *command_id,
                                         JsonObject       *args);
CcmCommand *ccm_command_ref             (CcmCommand       *command);
void        ccm_command_unref           (CcmCommand       *command);
JsonObject *ccm_command_to_json         (const CcmCommand *command);
char       *ccm_command_to_string       (const CcmCommand *command);
CcmCommand *ccm_command_new_from_json   (JsonObject       *object,
                                         GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmEvent, ccm_event_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmCommand, ccm_command_unref)

G_END_DECLS
