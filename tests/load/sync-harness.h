/* sync-harness.h — a real contoso-server on loopback and desks around it,
 * for the sync benchmark (tests/bench/bench-sync) and the load harness
 * (tests/bench/bench-load, tests/load/test-load)
 *
 * Everything here fails loudly: a failure prints the program's name and the
 * error and exits 1, since a benchmark or a load run cannot go on without
 * its server or its desks.
 *
 * The server is the built contoso-server: CONTOSO_SERVER_BIN in the
 * environment, else the path this library was built with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ccm-store.h"
#include "ccm-sync-client.h"

G_BEGIN_DECLS

typedef struct
{
  char        *data;    /* the server's data folder */
  char        *url;     /* http://127.0.0.1:PORT once started */
  GSubprocess *server;
} HarnessServer;

/* CPU seconds used so far by this process (and its children waited for)
 * and by the server: on a busy machine the wall time says little. */
typedef struct
{
  double client, server;
} HarnessCpu;

void           harness_must              (gboolean        ok,
                                          GError         *error);
const char    *harness_server_bin        (void);

/* Starts `contoso-server serve --port 0 --data DATA`; the server dies with
 * this process. */
void           harness_server_start      (HarnessServer  *server);
void           harness_server_stop       (HarnessServer  *server);
void           harness_server_clear      (HarnessServer  *server);
/* `contoso-server enroll-code --role ROLE [--conference SLUG]`. */
char          *harness_enroll_code       (const char     *data,
                                          const char     *role,
                                          const char     *conference);
/* Removes a folder and everything in it. */
void           harness_remove_tree       (const char     *path);
HarnessCpu     harness_cpu_now           (HarnessServer  *server);
double         harness_seconds_since     (gint64          start);

/* Stores and clients */
CcmStore      *harness_open_store        (const char     *path);
CcmStore      *harness_open_server_store (const char     *data);
/* A new store at PATH enrolled with the server under CODE, not yet synced. */
CcmStore      *harness_new_desk          (const char     *path,
                                          const char     *url,
                                          const char     *code,
                                          const char     *name);
/* One round (ccm_sync_client_sync) that must succeed. */
void           harness_client_sync_ok    (CcmSyncClient  *client);
/* Stops the client, waits for it to let go of its requests, unrefs it. */
void           harness_client_free       (CcmSyncClient  *client);

/* Commands through ccm_store_submit, as a person issues them; ARGS are
 * taken. */
CcmOutcome    *harness_submit            (CcmStore       *store,
                                          const char     *type,
                                          JsonObject     *args,
                                          GError        **error);
void           harness_submit_ok         (CcmStore       *store,
                                          const char     *type,
                                          JsonObject     *args);
/* CreateConference SLUG, nothing else. */
void           harness_create_conference (CcmStore       *store,
                                          const char     *slug);

G_END_DECLS
