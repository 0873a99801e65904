/* ccm-protocol.h — the sync protocol's JSON shapes, limits and errors
 *
 * Both halves use this file: the server parses requests and builds
 * responses, the client builds requests and parses responses. Every field
 * that comes off the wire is type-checked here and a failure names it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ccm-store.h"

G_BEGIN_DECLS

#define CCM_PROTOCOL_VERSION_MIN   1
#define CCM_PROTOCOL_VERSION_MAX   1
/* The command schema versions the server accepts in a push. */
#define CCM_COMMAND_SCHEMA_MIN     1
#define CCM_COMMAND_SCHEMA_MAX     1

#define CCM_PROTOCOL_MAX_BODY      (4 * 1024 * 1024)  /* bytes of a request body */
#define CCM_PROTOCOL_MAX_BATCH     500                /* commands in one push */
#define CCM_PROTOCOL_PULL_DEFAULT  1000               /* events in one pull … */
#define CCM_PROTOCOL_PULL_MAX      5000               /* … and at most */
#define CCM_PROTOCOL_TOKEN_TTL     (15 * 60 * G_USEC_PER_SEC)
#define CCM_PROTOCOL_POKE_TIMEOUT  25                 /* seconds */

#define CCM_SYNC_ERROR (ccm_sync_error_quark ())

/* Each code is one HTTP status; see ccm_sync_error_status(). */
typedef enum
{
  CCM_SYNC_ERROR_INVALID,          /* 400: malformed JSON, a field of the wrong type */
  CCM_SYNC_ERROR_UNAUTHORIZED,     /* 401: missing, wrong or expired token, code or secret */
  CCM_SYNC_ERROR_REVOKED,          /* 403: the device was revoked */
  CCM_SYNC_ERROR_NOT_FOUND,        /* 404: no such endpoint */
  CCM_SYNC_ERROR_METHOD,           /* 405 */
  CCM_SYNC_ERROR_SEQ_CONFLICT,     /* 409: a sequence number reused for another command */
  CCM_SYNC_ERROR_SEQ_GAP,          /* 409: commands missing before this one */
  CCM_SYNC_ERROR_TOO_LARGE,        /* 413: body or batch over the limit */
  CCM_SYNC_ERROR_RATE_LIMITED,     /* 429: too many failed attempts from one address */
  CCM_SYNC_ERROR_INTERNAL,         /* 500: the server's store failed */
  CCM_SYNC_ERROR_FORBIDDEN,        /* 403 that is not the server's "revoked" (a proxy's):
                                    * the server never sends it, the client never wipes on it */
  CCM_SYNC_ERROR_TOKEN_EXPIRED,    /* 401 "unauthorized" on the wire, like any bad token; the
                                    * server's own token run out: not a failed authentication
                                    * (only the client that held it can show it) */
} CcmSyncError;

GQuark       ccm_sync_error_quark          (void);
void         ccm_sync_error_set            (GError       **error,
                                            CcmSyncError   code,
                                            const char    *field,
                                            const char    *format,
                                            ...) G_GNUC_PRINTF (4, 5);
const char  *ccm_sync_error_get_field      (const GError  *error);
guint        ccm_sync_error_status         (const GError  *error);
const char  *ccm_sync_error_name           (const GError  *error);
/* {error, message, field} for any GError; expected_seq is added by the caller. */
JsonObject  *ccm_protocol_error_to_json    (const GError  *error);

/* Requests */

typedef struct
{
  gint64      seq;
  char       *command_id;
  char       *type;
  gint64      schema_version;
  JsonObject *args;
  gint64      device_time;   /* microseconds since the epoch, 0 when not given */
  char       *digest;        /* SHA-256 of what the command asks for */
} CcmPushCommand;

void         ccm_push_command_free         (CcmPushCommand *command);
CcmCommand  *ccm_push_command_to_command   (const CcmPushCommand *command,
                                            const char     *device_id);

/* Parses a request body (at most CCM_PROTOCOL_MAX_BODY bytes) as a JSON object. */
JsonObject  *ccm_protocol_parse_body       (const char     *data,
                                            gsize           length,
                                            GError        **error);

gboolean     ccm_protocol_parse_enroll     (JsonObject     *body,
                                            const char    **code,
                                            const char    **name,
                                            GError        **error);
gboolean     ccm_protocol_parse_token      (JsonObject     *body,
                                            const char    **device_id,
                                            const char    **secret,
                                            const char    **name,
                                            GError        **error);
/* Checks every command's fields, that their types are known to registry,
 * that seqs increase and that the batch is within CCM_PROTOCOL_MAX_BATCH. */
GPtrArray   *ccm_protocol_parse_push       (JsonObject     *body,
                                            CcmRegistry    *registry,
                                            GError        **error);
gboolean     ccm_protocol_parse_pull       (JsonObject     *body,
                                            char          **epoch,
                                            gint64         *position,
                                            gint64         *limit,
                                            GError        **error);

/* Cookies are "EPOCH:POSITION". */
char        *ccm_protocol_cookie_format    (const char     *epoch,
                                            gint64          position);
gboolean     ccm_protocol_cookie_parse     (const char     *cookie,
                                            char          **epoch,
                                            gint64         *position,
                                            GError        **error);

/* Building requests (the client's half) */
JsonObject  *ccm_protocol_push_command_json (gint64            seq,
                                             const CcmCommand *command,
                                             gint64            schema_version);

/* Responses */
JsonObject  *ccm_protocol_hello_json       (const char     *server_id,
                                            const char     *epoch,
                                            gint64          server_time);
char        *ccm_protocol_to_data          (JsonObject     *object,
                                            gsize          *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmPushCommand, ccm_push_command_free)

G_END_DECLS
