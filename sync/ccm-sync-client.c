/* ccm-sync-client.c — the sync client: its state, rounds and automatic mode
 *
 * One round is in flight at a time; callers that ask meanwhile are served
 * by the round after it. In automatic mode a round runs at start, when the
 * network comes back, shortly after the store gains pending commands, and
 * when the server's poke says there is news. A failed round is retried
 * with exponential backoff and jitter, from 1 s up to 5 min; the next
 * attempt is always armed, except when the server revoked the device:
 * then the store's personal data is wiped (ccm_store_wipe_personal_data)
 * and syncing stops. Nothing here ever drops a pending command.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-sync"

#include <glib/gi18n-lib.h>

#include "ccm-clock.h"
#include "ccm-json.h"
#include "ccm-sync-client-private.h"

#define BACKOFF_MIN_MS       1000
#define BACKOFF_MAX_MS       (5 * 60 * 1000)
#define CHANGE_DEBOUNCE_MS   500
#define NETWORK_DEBOUNCE_MS  250
/* When the server cannot poke (an older one), look every minute. */
#define POLL_FALLBACK_MS     (60 * 1000)
/* Longer than the server holds a poke. */
#define SESSION_TIMEOUT_S    (CCM_PROTOCOL_POKE_TIMEOUT + 35)

G_DEFINE_FINAL_TYPE (CcmSyncClient, ccm_sync_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_STATE,
  PROP_MESSAGE,
  PROP_PENDING,
  PROP_LAST_SYNC,
  PROP_SERVER_OFFSET,
  PROP_SERVER_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  PUSHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_round (CcmSyncClient *self,
                            guint          delay_ms);
static void start_poke     (CcmSyncClient *self);

GType
ccm_sync_state_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { CCM_SYNC_STATE_OFFLINE, "CCM_SYNC_STATE_OFFLINE", "offline" },
        { CCM_SYNC_STATE_IDLE, "CCM_SYNC_STATE_IDLE", "idle" },
        { CCM_SYNC_STATE_SYNCING, "CCM_SYNC_STATE_SYNCING", "syncing" },
        { CCM_SYNC_STATE_ERROR, "CCM_SYNC_STATE_ERROR", "error" },
        { CCM_SYNC_STATE_FORBIDDEN, "CCM_SYNC_STATE_FORBIDDEN", "forbidden" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("CcmSyncState"), values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

const char *
ccm_sync_state_to_string (CcmSyncState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (CCM_TYPE_SYNC_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  return value != NULL ? value->value_nick : "offline";
}

/* The state of that nick; `fallback` for text that is none. */
static CcmSyncState
sync_state_from_string (const char   *nick,
                        CcmSyncState  fallback)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (CCM_TYPE_SYNC_STATE);
  GEnumValue *value = g_enum_get_value_by_nick (klass, nick);

  return value != NULL ? (CcmSyncState) value->value : fallback;
}

char *
ccm_sync_client_dup_meta (CcmSyncClient *self,
                          const char    *key)
{
  return ccm_store_get_meta (self->store, key);
}

static void
set_meta_int (CcmSyncClient *self,
              const char    *key,
              gint64         value)
{
  g_autoptr(GError) error = NULL;

  if (!ccm_store_set_meta_int (self->store, key, value, &error))
    g_warning ("Saving %s failed: %s", key, error->message);
}

gint64
ccm_sync_client_server_now (CcmSyncClient *self)
{
  return ccm_clock_now (ccm_store_get_clock (self->store)) + self->server_offset;
}

static void
set_state (CcmSyncClient *self,
           CcmSyncState   state,
           const char    *message)
{
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

void
ccm_sync_client_set_server_offset (CcmSyncClient *self,
                                   gint64         offset)
{
  if (self->server_offset == offset)
    return;
  self->server_offset = offset;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_OFFSET]);
}

void
ccm_sync_client_emit_pushed (CcmSyncClient *self,
                             guint          n_commands,
                             gint64         round_trip)
{
  g_signal_emit (self, signals[PUSHED], 0, n_commands, round_trip);
}

void
ccm_sync_client_update_pending (CcmSyncClient *self)
{
  gint64 pending = ccm_store_count_pending (self->store);

  if (self->pending == pending)
    return;
  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

/* Reads what an earlier run left in the store. */
static void
load_settings (CcmSyncClient *self)
{
  g_autofree char *revoked = ccm_sync_client_dup_meta (self, CCM_SYNC_META_REVOKED);
  g_autofree char *ca = ccm_sync_client_dup_meta (self, CCM_SYNC_META_TLS_CA);
  g_autoptr(GError) error = NULL;
  const char *env_ca = g_getenv ("CONTOSO_TLS_CA");

  self->server_url = ccm_sync_client_dup_meta (self, CCM_SYNC_META_URL);
  self->server_offset = ccm_store_get_meta_int (self->store, CCM_SYNC_META_OFFSET);
  self->last_sync = ccm_store_get_meta_int (self->store, CCM_SYNC_META_LAST_SYNC);
  self->pending = ccm_store_count_pending (self->store);

  self->tls_ca_file = g_strdup (env_ca != NULL && *env_ca != '\0' ? env_ca : ca);
  if (!ccm_sync_client_load_tls_ca (self, &error))
    g_warning ("%s", error->message);

  if (!ccm_store_is_enrolled (self->store) || self->server_url == NULL)
    {
      self->state = CCM_SYNC_STATE_OFFLINE;
      self->message = g_strdup (_("This store is not enrolled with a server."));
    }
  else if (revoked != NULL)
    {
      self->state = CCM_SYNC_STATE_FORBIDDEN;
      self->message = g_steal_pointer (&revoked);
    }
  else
    {
      g_autofree char *failure = ccm_sync_client_dup_meta (self, CCM_SYNC_META_FAILURE);
      char *message = failure != NULL ? strchr (failure, '\n') : NULL;

      /* What the last round found, until the next one: a desk started, or
       * "contoso sync status" run, after a failed sync does not read idle. */
      self->state = CCM_SYNC_STATE_IDLE;
      if (message != NULL)
        {
          *message = '\0';
          self->state = sync_state_from_string (failure, CCM_SYNC_STATE_OFFLINE);
          self->message = g_strdup (message + 1);
        }
    }
}

/* Rounds */

/* The server revoked the device: the personal data goes from the store at
 * once, and again at every later answer of the kind (a wipe interrupted
 * before is finished then). Pending commands stay, without it. */
static char *
revoked (CcmSyncClient *self,
         const GError  *error)
{
  g_autoptr(GError) wipe_error = NULL;
  unsigned long pending = (unsigned long) MIN (self->pending, G_MAXLONG);

  if (!ccm_store_wipe_personal_data (self->store, &wipe_error))
    {
      g_warning ("Removing the personal data of %s failed: %s",
                 ccm_store_get_path (self->store), wipe_error->message);
      return g_strdup_printf (ngettext ("The server refused this device: %s Removing the personal "
                                        "data from this store failed (%s); it is tried again at "
                                        "the next sync. Its %lld pending command is kept.",
                                        "The server refused this device: %s Removing the personal "
                                        "data from this store failed (%s); it is tried again at "
                                        "the next sync. Its %lld pending commands are kept.",
                                        pending),
                              error->message, wipe_error->message, (long long) self->pending);
    }

  return g_strdup_printf (ngettext ("The server refused this device: %s The personal data in this "
                                    "store (names and e-mail addresses) was removed. Ask its "
                                    "administrator to enroll the desk again; its %lld pending "
                                    "command is kept, without personal data.",
                                    "The server refused this device: %s The personal data in this "
                                    "store (names and e-mail addresses) was removed. Ask its "
                                    "administrator to enroll the desk again; its %lld pending "
                                    "commands are kept, without personal data.",
                                    pending),
                          error->message, (long long) self->pending);
}

static void
round_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CcmSyncClient *self = CCM_SYNC_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) commit_error = NULL;
  g_autoptr(GPtrArray) callers = user_data;
  gboolean ok, transaction, cancelled, refused;
  CcmSyncState failed;

  self->round_in_flight = FALSE;
  ok = ccm_sync_round_finish (self, result, &error);
  ccm_sync_client_update_pending (self);
  cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  refused = g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_REVOKED);
  /* A failure of the round itself: the state it leaves, kept until one succeeds. */
  failed = ok || cancelled || refused ? CCM_SYNC_STATE_IDLE
           : ccm_sync_error_is_unreachable (error) ? CCM_SYNC_STATE_OFFLINE
           : CCM_SYNC_STATE_ERROR;

  /* One transaction, one wait for the disk, for what every round records. */
  transaction = ccm_store_begin (self->store, NULL);
  set_meta_int (self, CCM_SYNC_META_OFFSET, self->server_offset);
  if (ok)
    {
      self->last_sync = ccm_clock_now (ccm_store_get_clock (self->store));
      set_meta_int (self, CCM_SYNC_META_LAST_SYNC, self->last_sync);
      ccm_store_set_meta (self->store, CCM_SYNC_META_REVOKED, NULL, NULL);
      ccm_store_set_meta (self->store, CCM_SYNC_META_FAILURE, NULL, NULL);
    }
  else if (failed != CCM_SYNC_STATE_IDLE)
    {
      g_autofree char *failure = g_strconcat (ccm_sync_state_to_string (failed), "\n",
                                              error->message, NULL);

      ccm_store_set_meta (self->store, CCM_SYNC_META_FAILURE, failure, NULL);
    }
  if (transaction && !ccm_store_commit (self->store, &commit_error))
    g_warning ("Saving the sync state failed: %s", commit_error->message);

  if (ok)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
      self->failures = 0;
      set_state (self, CCM_SYNC_STATE_IDLE, NULL);
    }
  else if (cancelled)
    set_state (self, CCM_SYNC_STATE_IDLE, NULL);
  else if (refused)
    {
      g_autofree char *message = revoked (self, error);

      ccm_store_set_meta (self->store, CCM_SYNC_META_REVOKED, message, NULL);
      set_state (self, CCM_SYNC_STATE_FORBIDDEN, message);
    }
  else
    {
      g_debug ("Sync failed: %s", error->message);
      self->failures++;
      set_state (self, failed, error->message);
    }

  for (guint i = 0; i < callers->len; i++)
    {
      GTask *caller = g_ptr_array_index (callers, i);

      if (ok)
        g_task_return_boolean (caller, TRUE);
      else
        g_task_return_error (caller, g_error_copy (error));
    }

  if (self->waiting->len > 0)
    schedule_round (self, 0);
  else if (self->started && self->state == CCM_SYNC_STATE_FORBIDDEN)
    ccm_sync_client_stop (self);
  else if (self->started && !ok && !cancelled)
    {
      /* Exponential, with jitter so that desks coming back together spread out. */
      guint64 ceiling = MIN ((guint64) BACKOFF_MAX_MS,
                             (guint64) BACKOFF_MIN_MS << MIN (self->failures - 1, 20u));
      guint delay = ceiling / 2 + g_random_int_range (0, ceiling / 2 + 1);

      g_debug ("Next attempt in %u ms", delay);
      schedule_round (self, delay);
    }
  else if (self->started && ok)
    {
      /* Commands issued while this round was in flight. */
      g_autoptr(GPtrArray) newer = ccm_store_pending_commands (self->store, self->pushed_through,
                                                               1, NULL);

      if (newer != NULL && newer->len > 0)
        schedule_round (self, 0);
      start_poke (self);
    }
}

static void
run_round (CcmSyncClient *self)
{
  GPtrArray *callers = g_steal_pointer (&self->waiting);
  GCancellable *cancellable = self->cancellable;

  g_assert (!self->round_in_flight);

  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  set_state (self, CCM_SYNC_STATE_SYNCING, self->message);

  /* A caller's cancellable stops the round when the round is theirs alone. */
  if (!self->started && callers->len == 1 &&
      g_task_get_cancellable (g_ptr_array_index (callers, 0)) != NULL)
    cancellable = g_task_get_cancellable (g_ptr_array_index (callers, 0));

  self->round_in_flight = TRUE;
  ccm_sync_round_run (self, cancellable, round_done_cb, callers);
}

static gboolean
timer_cb (gpointer user_data)
{
  CcmSyncClient *self = user_data;

  self->timer_id = 0;
  if (!self->round_in_flight)
    run_round (self);
  return G_SOURCE_REMOVE;
}

/* Keeps an earlier timer: a burst of triggers makes one round. While a
 * round is in flight the timer fires into nothing; round_done_cb re-arms. */
static void
schedule_round (CcmSyncClient *self,
                guint          delay_ms)
{
  gint64 due = g_get_monotonic_time () + (gint64) delay_ms * 1000;

  if (self->timer_id != 0 && self->timer_due <= due)
    return;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_due = due;
  self->timer_id = g_timeout_add (delay_ms, timer_cb, self);
}

void
ccm_sync_client_sync_async (CcmSyncClient       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CCM_IS_SYNC_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ccm_sync_client_sync_async);
  g_ptr_array_add (self->waiting, task);

  if (!self->round_in_flight)
    run_round (self);
}

gboolean
ccm_sync_client_sync_finish (CcmSyncClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Blocking */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_main_loop_run (wait->loop);
  g_main_loop_unref (wait->loop);
  return wait->result;
}

gboolean
ccm_sync_client_sync (CcmSyncClient  *self,
                      GError        **error)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), FALSE);

  ccm_sync_client_sync_async (self, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  return ccm_sync_client_sync_finish (self, result, error);
}

gboolean
ccm_sync_client_enroll (CcmSyncClient  *self,
                        const char     *url,
                        const char     *code,
                        const char     *name,
                        GError        **error)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), FALSE);

  ccm_sync_client_enroll_async (self, url, code, name, NULL, wait_cb, &wait);
  result = wait_for (&wait);
  return ccm_sync_client_enroll_finish (self, result, error);
}

/* Automatic mode */

static void
poke_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CcmSyncClient *self = CCM_SYNC_CLIENT (source);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;

  body = ccm_sync_client_request_finish (self, result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->started)
    return;

  if (body == NULL)
    {
      g_debug ("Poke failed: %s", error->message);
      /* An older server without poke: look now and then. Otherwise the
       * round finds out what is wrong, and backs off. */
      schedule_round (self, g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_NOT_FOUND)
                            ? POLL_FALLBACK_MS : BACKOFF_MIN_MS);
      return;
    }

  /* A round in flight pulls anyway (often this very news: the answer to
   * its own push), and its end asks again from where it pulled to, which
   * the server answers at once if anything came after. A round scheduled
   * now could start right after it, and find nothing. */
  if (self->round_in_flight)
    return;
  if (ccm_json_bool (body, "news") || ccm_json_bool (body, "changed") ||
      (!json_object_has_member (body, "news") && !json_object_has_member (body, "changed")))
    schedule_round (self, 0);
  else
    start_poke (self);
}

static void
start_poke (CcmSyncClient *self)
{
  g_autofree char *cookie = ccm_sync_client_dup_meta (self, CCM_SYNC_META_COOKIE);
  g_autofree char *epoch = NULL;
  g_autofree char *path = NULL;
  gint64 position = 0;

  if (self->poke_cancellable != NULL)
    g_cancellable_cancel (self->poke_cancellable);
  g_clear_object (&self->poke_cancellable);

  if (cookie != NULL)
    ccm_protocol_cookie_parse (cookie, &epoch, &position, NULL);
  path = g_strdup_printf ("/v1/poke?after=%" G_GINT64_FORMAT, position);
  self->poke_cancellable = g_cancellable_new ();
  ccm_sync_client_request_async (self, "GET", path, NULL, TRUE, self->poke_cancellable,
                                 poke_cb, NULL);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    CcmSyncClient   *self)
{
  if (!available)
    return;
  g_debug ("The network changed; syncing");
  self->failures = 0;
  schedule_round (self, NETWORK_DEBOUNCE_MS);
}

static void
store_changed_cb (CcmStore      *store,
                  gint64         last_position,
                  CcmSyncClient *self)
{
  g_autoptr(GPtrArray) newer = NULL;

  ccm_sync_client_update_pending (self);
  if (!self->started || self->failures > 0)
    return;

  /* A rebase changes the store too; only commands not yet pushed count. */
  newer = ccm_store_pending_commands (self->store, self->pushed_through, 1, NULL);
  if (newer != NULL && newer->len > 0)
    schedule_round (self, CHANGE_DEBOUNCE_MS);
}

void
ccm_sync_client_start (CcmSyncClient *self)
{
  g_return_if_fail (CCM_IS_SYNC_CLIENT (self));

  if (self->started)
    return;
  self->started = TRUE;

  if (self->monitor == NULL)
    {
      self->monitor = g_object_ref (g_network_monitor_get_default ());
      g_signal_connect_object (self->monitor, "network-changed",
                               G_CALLBACK (network_changed_cb), self, 0);
    }
  self->failures = 0;
  schedule_round (self, 0);
}

void
ccm_sync_client_stop (CcmSyncClient *self)
{
  g_return_if_fail (CCM_IS_SYNC_CLIENT (self));

  self->started = FALSE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->poke_cancellable != NULL)
    g_cancellable_cancel (self->poke_cancellable);
  g_clear_object (&self->poke_cancellable);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, network_changed_cb, self);
  g_clear_object (&self->monitor);

  /* The round in flight ends at its next step; a fresh cancellable for the
   * rounds after it. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

gboolean
ccm_sync_client_is_started (CcmSyncClient *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), FALSE);

  return self->started;
}

/* The object */

CcmSyncClient *
ccm_sync_client_new (CcmStore *store)
{
  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  return g_object_new (CCM_TYPE_SYNC_CLIENT, "store", store, NULL);
}

CcmStore *
ccm_sync_client_get_store (CcmSyncClient *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), NULL);

  return self->store;
}

CcmSyncState
ccm_sync_client_get_state (CcmSyncClient *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), CCM_SYNC_STATE_OFFLINE);

  return self->state;
}

const char *
ccm_sync_client_get_message (CcmSyncClient *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), NULL);

  return self->message;
}

gint64
ccm_sync_client_get_pending (CcmSyncClient *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), 0);

  return self->pending;
}

gint64
ccm_sync_client_get_last_sync (CcmSyncClient *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), 0);

  return self->last_sync;
}

gint64
ccm_sync_client_get_server_offset (CcmSyncClient *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), 0);

  return self->server_offset;
}

gint64
ccm_sync_client_get_received (CcmSyncClient *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), 0);

  return self->received;
}

const char *
ccm_sync_client_get_server_url (CcmSyncClient *self)
{
  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), NULL);

  return self->server_url;
}

void
ccm_sync_client_set_tls_ca_file (CcmSyncClient *self,
                                 const char    *path)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CCM_IS_SYNC_CLIENT (self));

  g_free (self->tls_ca_file);
  self->tls_ca_file = g_strdup (path);
  if (!ccm_sync_client_load_tls_ca (self, &error))
    g_warning ("%s", error->message);
}

gboolean
ccm_sync_client_set_desk_name (CcmSyncClient  *self,
                               const char     *name,
                               GError        **error)
{
  g_autofree char *clean = NULL;
  g_autofree char *told = NULL;

  g_return_val_if_fail (CCM_IS_SYNC_CLIENT (self), FALSE);

  clean = ccm_desk_name_clean (name);
  told = ccm_sync_client_dup_meta (self, CCM_SYNC_META_DESK_NAME);
  if (*clean == '\0' || g_strcmp0 (clean, told) == 0)
    return TRUE;
  if (!ccm_store_set_meta (self->store, CCM_SYNC_META_DESK_NAME, clean, error))
    return FALSE;
  ccm_sync_client_forget_token (self);
  return TRUE;
}

static void
ccm_sync_client_constructed (GObject *object)
{
  CcmSyncClient *self = CCM_SYNC_CLIENT (object);

  G_OBJECT_CLASS (ccm_sync_client_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  load_settings (self);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self, 0);
}

static void
ccm_sync_client_dispose (GObject *object)
{
  CcmSyncClient *self = CCM_SYNC_CLIENT (object);

  ccm_sync_client_stop (self);
  if (self->session != NULL)
    soup_session_abort (self->session);

  G_OBJECT_CLASS (ccm_sync_client_parent_class)->dispose (object);
}

static void
ccm_sync_client_finalize (GObject *object)
{
  CcmSyncClient *self = CCM_SYNC_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->extra_ca);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_free (self->tls_ca_file);
  g_free (self->message);
  g_free (self->server_url);
  g_free (self->token);

  G_OBJECT_CLASS (ccm_sync_client_parent_class)->finalize (object);
}

static void
ccm_sync_client_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CcmSyncClient *self = CCM_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, self->pending);
      break;
    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;
    case PROP_SERVER_OFFSET:
      g_value_set_int64 (value, self->server_offset);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ccm_sync_client_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CcmSyncClient *self = CCM_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ccm_sync_client_class_init (CcmSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ccm_sync_client_constructed;
  object_class->dispose = ccm_sync_client_dispose;
  object_class->finalize = ccm_sync_client_finalize;
  object_class->get_property = ccm_sync_client_get_property;
  object_class->set_property = ccm_sync_client_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CCM_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CCM_TYPE_SYNC_STATE, CCM_SYNC_STATE_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_OFFSET] =
    g_param_spec_int64 ("server-offset", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PUSHED] =
    g_signal_new ("pushed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_INT64);
}

static void
ccm_sync_client_init (CcmSyncClient *self)
{
  self->session = soup_session_new_with_options ("timeout", SESSION_TIMEOUT_S,
                                                 "user-agent", "contoso/" PACKAGE_VERSION,
                                                 NULL);
  self->cancellable = g_cancellable_new ();
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
}
