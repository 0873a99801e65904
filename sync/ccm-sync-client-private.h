/* ccm-sync-client-private.h — what the sync client's files share
 *
 * ccm-sync-client.c holds the object, its state and the automatic mode;
 * ccm-sync-http.c the JSON requests with their token; ccm-sync-round.c
 * enrollment and one round of push, pull and rebase.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ccm-protocol.h"
#include "ccm-sync-client.h"

G_BEGIN_DECLS

struct _CcmSyncClient
{
  GObject          parent_instance;

  CcmStore        *store;
  SoupSession     *session;
  GTlsDatabase    *extra_ca;       /* trusted besides the system's store */
  char            *tls_ca_file;

  CcmSyncState     state;
  char            *message;
  gint64           pending;
  gint64           last_sync;
  gint64           server_offset;
  gint64           received;       /* other devices' events, last round */
  char            *server_url;

  /* The token lives in memory and in meta, so the command line need not
   * ask for one on every run. */
  char            *token;
  gint64           token_expires;  /* server time, µs; 0 when unknown */

  /* One round at a time: the one in flight, and the callers of the next. */
  gboolean         round_in_flight;
  GPtrArray       *waiting;
  GCancellable    *cancellable;    /* cancelled by stop and dispose */
  gint64           pushed_through; /* the last seq the server answered */

  /* Automatic mode. */
  gboolean         started;
  GNetworkMonitor *monitor;
  guint            timer_id;
  gint64           timer_due;      /* monotonic µs */
  guint            failures;
  GCancellable    *poke_cancellable;
};

/* ccm-sync-http.c */
void         ccm_sync_client_request_async   (CcmSyncClient       *self,
                                              const char          *method,
                                              const char          *path,
                                              JsonObject          *body,
                                              gboolean             authenticated,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* The response's JSON object on a 2xx. On an HTTP error the server's
 * {error, message, field} becomes a CCM_SYNC_ERROR, and *error_body (when
 * given) holds the body, for expected_seq. */
JsonObject  *ccm_sync_client_request_finish  (CcmSyncClient       *self,
                                              GAsyncResult        *result,
                                              JsonObject         **error_body,
                                              GError             **error);
/* The last attempt's time from sending to the whole answer, in µs (a token
 * fetched first is not counted); 0 when no answer came. */
gint64       ccm_sync_client_request_get_round_trip (GAsyncResult *result);
void         ccm_sync_client_forget_token    (CcmSyncClient       *self);
gboolean     ccm_sync_client_load_tls_ca     (CcmSyncClient       *self,
                                              GError             **error);
/* Whether the error means the server could not be reached at all. */
gboolean     ccm_sync_error_is_unreachable   (const GError        *error);

/* ccm-sync-round.c */
void         ccm_sync_round_run              (CcmSyncClient       *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     ccm_sync_round_finish           (CcmSyncClient       *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* ccm-sync-client.c */
void         ccm_sync_client_emit_pushed     (CcmSyncClient       *self,
                                              guint                n_commands,
                                              gint64               round_trip);
void         ccm_sync_client_set_server_offset (CcmSyncClient     *self,
                                                gint64             offset);
void         ccm_sync_client_update_pending  (CcmSyncClient       *self);
gint64       ccm_sync_client_server_now      (CcmSyncClient       *self);
char        *ccm_sync_client_dup_meta        (CcmSyncClient       *self,
                                              const char          *key);

G_END_DECLS
