/* ccm-sync-client.h — a device's half of sync: enroll, push, pull, rebase
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ccm-store.h"

G_BEGIN_DECLS

typedef enum
{
  CCM_SYNC_STATE_OFFLINE,    /* not enrolled, or the server cannot be reached */
  CCM_SYNC_STATE_IDLE,       /* the last round succeeded */
  CCM_SYNC_STATE_SYNCING,    /* a round is in flight */
  CCM_SYNC_STATE_ERROR,      /* the server answered with an error; retried */
  CCM_SYNC_STATE_FORBIDDEN,  /* the device was revoked: syncing stopped */
} CcmSyncState;

#define CCM_TYPE_SYNC_STATE (ccm_sync_state_get_type ())
GType        ccm_sync_state_get_type    (void) G_GNUC_CONST;
const char  *ccm_sync_state_to_string   (CcmSyncState state);

/* The keys of the client's settings in the store's meta table. */
#define CCM_SYNC_META_URL        "sync.server_url"
#define CCM_SYNC_META_SERVER_ID  "sync.server_id"
#define CCM_SYNC_META_DEVICE_ID  "sync.device_id"
#define CCM_SYNC_META_SECRET     "sync.secret"
#define CCM_SYNC_META_ROLE       CCM_STORE_META_ROLE
#define CCM_SYNC_META_TOKEN      "sync.token"
#define CCM_SYNC_META_TOKEN_EXP  "sync.token_expires"
#define CCM_SYNC_META_COOKIE     "sync.cookie"
#define CCM_SYNC_META_OFFSET     "sync.server_offset"
#define CCM_SYNC_META_LAST_SYNC  "sync.last_sync"
/* How the last round failed, while no later one succeeded: the state's
 * nick ("offline" or "error"), a line break, the message. */
#define CCM_SYNC_META_FAILURE    "sync.failure"
#define CCM_SYNC_META_TLS_CA     "sync.tls_ca"
#define CCM_SYNC_META_REVOKED    "sync.revoked"
/* The desk's name as it last told the server (enrollment, token requests). */
#define CCM_SYNC_META_DESK_NAME  "sync.desk_name"

#define CCM_TYPE_SYNC_CLIENT (ccm_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (CcmSyncClient, ccm_sync_client, CCM, SYNC_CLIENT, GObject)

/* Signals:
 *
 *   "pushed" (CcmSyncClient *client, guint commands, gint64 round_trip_us)
 *     A push request was answered with its results: how many commands it
 *     carried, and the microseconds from sending it to having the whole
 *     answer (a token fetched first is not counted). For benchmarks and the
 *     load harness (tests/bench/bench-load); a failed push is the round's
 *     error instead. */

CcmSyncClient *ccm_sync_client_new               (CcmStore            *store);
CcmStore      *ccm_sync_client_get_store         (CcmSyncClient       *self);
CcmSyncState   ccm_sync_client_get_state         (CcmSyncClient       *self);
/* Why the state is offline, error or forbidden: a sentence for the user. */
const char    *ccm_sync_client_get_message       (CcmSyncClient       *self);
gint64         ccm_sync_client_get_pending       (CcmSyncClient       *self);
gint64         ccm_sync_client_get_last_sync     (CcmSyncClient       *self);
gint64         ccm_sync_client_get_server_offset (CcmSyncClient       *self);
/* How many events of other devices the last round brought in. */
gint64         ccm_sync_client_get_received      (CcmSyncClient       *self);
const char    *ccm_sync_client_get_server_url    (CcmSyncClient       *self);
/* A CA certificate (PEM) trusted besides the system's; CONTOSO_TLS_CA by default. */
void           ccm_sync_client_set_tls_ca_file   (CcmSyncClient       *self,
                                                  const char          *path);
/* The desk's name as the other desks and the server's administrator read
 * it. A new one reaches the server with the next token request (the token
 * in hand is dropped for it); an empty one leaves the server's as it is. */
gboolean       ccm_sync_client_set_desk_name     (CcmSyncClient       *self,
                                                  const char          *name,
                                                  GError             **error);

void           ccm_sync_client_enroll_async      (CcmSyncClient       *self,
                                                  const char          *url,
                                                  const char          *code,
                                                  const char          *name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       ccm_sync_client_enroll_finish     (CcmSyncClient       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* One round: push every pending command, pull until the server has no
 * more, rebase. While a round is in flight another one is queued after it. */
void           ccm_sync_client_sync_async        (CcmSyncClient       *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       ccm_sync_client_sync_finish       (CcmSyncClient       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* The same two, for a program with nothing else to do meanwhile (the
 * command line, tests, benchmarks): the default main context runs until
 * the answer is in. */
gboolean       ccm_sync_client_sync              (CcmSyncClient       *self,
                                                  GError             **error);
gboolean       ccm_sync_client_enroll            (CcmSyncClient       *self,
                                                  const char          *url,
                                                  const char          *code,
                                                  const char          *name,
                                                  GError             **error);

/* Automatic mode: a round now, then whenever the network comes back, the
 * store has new pending commands or the server pokes; failures back off. */
void           ccm_sync_client_start             (CcmSyncClient       *self);
void           ccm_sync_client_stop              (CcmSyncClient       *self);
gboolean       ccm_sync_client_is_started        (CcmSyncClient       *self);

G_END_DECLS
