/* client-test-utils.h — what the client test programs share: a real
 * contoso-server on 127.0.0.1 port 0, `contoso` runs on store files,
 * in-process sync rounds, and store "pictures" to compare
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include "ccm-clock.h"
#include "ccm-conference-views.h"
#include "ccm-domain.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order-views.h"
#include "ccm-protocol.h"
#include "ccm-server-store.h"
#include "ccm-sync-client.h"

G_BEGIN_DECLS

typedef struct
{
  char        *dir;
  char        *data;
  GSubprocess *server;
  char        *url;
  guint        port;
  char        *tls_cert;   /* HTTPS when set */
  char        *tls_key;
  char        *now;        /* the server's CONTOSO_NOW; NULL: its real clock */
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

void      run_free          (Run            *run);
void      server_start      (Fixture        *f);
void      server_stop       (Fixture        *f,
                             int             signal_number);
char     *server_run        (Fixture        *f,
                             const char     *first,
                             ...) G_GNUC_NULL_TERMINATED;
char     *enroll_code       (Fixture        *f,
                             const char     *role);
Run      *contoso           (Fixture        *f,
                             const char     *store,
                             const char     *first,
                             ...) G_GNUC_NULL_TERMINATED;
/* The same, left running (its output thrown away): for killing it. */
GSubprocess *contoso_spawn (Fixture    *f,
                            const char *store,
                            const char *first,
                            ...) G_GNUC_NULL_TERMINATED;
char     *store_path        (Fixture        *f,
                             const char     *name);
void      create_conference (Fixture        *f,
                             const char     *store,
                             const char     *slug);
CcmStore *open_store        (const char     *path);
void      client_enroll     (CcmSyncClient  *client,
                             const char     *url,
                             const char     *code);
void      client_free       (CcmSyncClient  *client);
gboolean  sync_path         (const char     *path,
                             GError        **error);
void      sync_path_ok      (const char     *path);
void      enroll_path       (Fixture        *f,
                             const char     *path,
                             const char     *role);
/* The same with the desk's name (enroll_path names it by its path). */
void      enroll_path_named (Fixture        *f,
                             const char     *path,
                             const char     *role,
                             const char     *name);
char     *store_picture     (CcmStore       *store);
char     *path_picture      (const char     *path);
char     *server_picture    (Fixture        *f);
CcmStore *open_server_store (Fixture        *f);
/* store_picture, and of one conference its seat counts and every order in
 * full: all of it from the server's events, nothing volatile. */
char     *full_picture      (CcmStore       *store,
                             const char     *slug);
char     *full_picture_of_path   (const char  *path,
                                  const char  *slug);
char     *full_picture_of_server (Fixture     *f,
                                  const char  *slug);
/* A request of the protocol itself, past the sync client. */
JsonObject *post_json (SoupSession *session,
                       const char  *url,
                       const char  *token,
                       JsonObject  *body,
                       guint       *status);
gint64    count_type        (const char     *picture,
                             const char     *type);
gint64    pending_of        (const char     *path);
void      fixture_set_up    (Fixture        *f,
                             gconstpointer   data);
void      fixture_tear_down (Fixture        *f,
                             gconstpointer   data);

/* A run's output as its one JSON document (the run must have succeeded;
 * it is freed), and that document as an object or an array. */
JsonNode   *parse_run (Run        *run);
JsonObject *object_of (JsonNode   *node);
JsonArray  *array_of  (JsonNode   *node);
/* The first element of `rows` whose string `member` is `value`, or NULL. */
JsonObject *find_row  (JsonArray  *rows,
                       const char *member,
                       const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

/* `contoso --json …` on a store: its one JSON document. */
#define contoso_object(f, store, ...) object_of (parse_run (contoso (f, store, "--json", __VA_ARGS__, NULL)))
#define contoso_array(f, store, ...) array_of (parse_run (contoso (f, store, "--json", __VA_ARGS__, NULL)))

#define contoso_ok(f, store, ...) G_STMT_START {                             \
    g_autoptr(Run) _run = contoso (f, store, __VA_ARGS__, NULL);             \
    if (_run->status != 0)                                                   \
      g_error ("contoso failed (%d): %s%s", _run->status, _run->out, _run->err); \
  } G_STMT_END


G_END_DECLS
