/* ccm-store.h — the event store: one SQLite file per device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "ccm-clock.h"
#include "ccm-registry.h"

G_BEGIN_DECLS

/* The schema this program writes; a store with a higher one is refused. */
#define CCM_STORE_SCHEMA_VERSION 6

#define CCM_TYPE_STORE (ccm_store_get_type ())
G_DECLARE_FINAL_TYPE (CcmStore, ccm_store, CCM, STORE, GObject)

/* A numbered entry of the device's command log. */
typedef struct
{
  gint64      seq;
  CcmCommand *command;
} CcmLoggedCommand;

/* The server's answer to one pushed command. */
typedef struct
{
  gint64      seq;
  char       *status;          /* "applied", "rejected" or "duplicate" */
  JsonObject *outcome;         /* as the server sent it */
} CcmCommandResult;

typedef struct
{
  char       *command_id;
  gboolean    duplicate;       /* it had run before: nothing was written now */
  gint64      first_position;  /* 0 when the command emitted no events */
  gint64      last_position;
  guint       n_events;
  JsonObject *result;
} CcmOutcome;

char         *ccm_store_default_path        (void);
CcmStore     *ccm_store_open                (const char   *path,
                                             CcmRegistry  *registry,
                                             CcmClock     *clock,
                                             GError      **error);
const char   *ccm_store_get_path            (CcmStore     *self);
CcmClock     *ccm_store_get_clock           (CcmStore     *self);
CcmRegistry  *ccm_store_get_registry        (CcmStore     *self);
const char   *ccm_store_get_device_id       (CcmStore     *self);
gboolean      ccm_store_set_device_id       (CcmStore     *self,
                                             const char   *device_id,
                                             GError      **error);
int           ccm_store_get_schema_version  (CcmStore     *self);
gint64        ccm_store_get_last_position   (CcmStore     *self);
gint64        ccm_store_count_events        (CcmStore     *self);
gint64        ccm_store_count_timers        (CcmStore     *self);
gint64        ccm_store_count_outbox        (CcmStore     *self);

/* The event log. Events come back upcast to their current shape. */
gboolean      ccm_store_append              (CcmStore     *self,
                                             const char   *stream_id,
                                             gint64        expected_version,
                                             GPtrArray    *events,
                                             GError      **error);
gint64        ccm_store_stream_version      (CcmStore     *self,
                                             const char   *stream_id,
                                             GError      **error);
GPtrArray    *ccm_store_read_stream         (CcmStore     *self,
                                             const char   *stream_id,
                                             gint64        after_version,
                                             GError      **error);
GPtrArray    *ccm_store_read_all            (CcmStore     *self,
                                             gint64        after_position,
                                             guint         limit,
                                             GError      **error);

/* The command path: load, decide, append, project, react — one transaction. */
CcmOutcome   *ccm_store_execute             (CcmStore     *self,
                                             CcmCommand   *command,
                                             GError      **error);
gboolean      ccm_store_rebuild             (CcmStore     *self,
                                             GError      **error);

/* What a person issues goes through submit: it is numbered in the device's
 * command log and run locally. On a standalone store it is final at once;
 * on a store enrolled with a server it stays pending, its effects held in
 * the tentative layer, until a pull brings the server's answer. */
CcmOutcome   *ccm_store_submit              (CcmStore     *self,
                                             CcmCommand   *command,
                                             GError      **error);
gboolean      ccm_store_is_enrolled         (CcmStore     *self);
gint64        ccm_store_count_pending       (CcmStore     *self);
GPtrArray    *ccm_store_pending_commands    (CcmStore     *self,
                                             gint64        after_seq,
                                             guint         limit,
                                             GError      **error);
gboolean      ccm_store_enroll              (CcmStore     *self,
                                             GError      **error);
gboolean      ccm_store_rebase              (CcmStore     *self,
                                             GPtrArray    *confirmed_events,
                                             GPtrArray    *results,
                                             GError      **error);
gboolean      ccm_store_reset_confirmed     (CcmStore     *self,
                                             GError      **error);
gboolean      ccm_store_requeue             (CcmStore     *self,
                                             gint64        from_seq,
                                             GError      **error);
GHashTable   *ccm_store_tentative_keys      (CcmStore     *self,
                                             const char   *table,
                                             GError      **error);
char         *ccm_store_get_meta            (CcmStore     *self,
                                             const char   *key);
gboolean      ccm_store_set_meta            (CcmStore     *self,
                                             const char   *key,
                                             const char   *value,
                                             GError      **error);
/* The same for a whole number, stored as its decimal text; 0 when the key
 * is not there. */
gint64        ccm_store_get_meta_int        (CcmStore     *self,
                                             const char   *key);
gboolean      ccm_store_set_meta_int        (CcmStore     *self,
                                             const char   *key,
                                             gint64        value,
                                             GError      **error);

/* Desks by name: the server tells each desk the names of those whose
 * events it pulls. A name is kept as given, without control characters and
 * at most CCM_STORE_DESK_NAME_MAX characters long; an empty one forgets the
 * desk's name. */
#define CCM_STORE_DESK_NAME_MAX 60
/* A name as it is kept: what the server records too. */
char         *ccm_desk_name_clean           (const char   *name);
gboolean      ccm_store_set_desk_name       (CcmStore     *self,
                                             const char   *device_id,
                                             const char   *name,
                                             GError      **error);
/* NULL when the desk's name is not known. */
char         *ccm_store_get_desk_name       (CcmStore     *self,
                                             const char   *device_id);
/* Every known name, device id → name: for naming many rows at once (a
 * venue has a handful of desks) without a look-up per row. */
GHashTable   *ccm_store_list_desk_names     (CcmStore     *self,
                                             GError      **error);
/* A desk as a sentence names it: "this desk" for the store's own,
 * "desk “North door”" when its name is known, else "desk 1a2b3c4d" (the
 * end of its id); NULL for no device. */
char         *ccm_store_describe_desk       (CcmStore     *self,
                                             const char   *device_id);

/* The role the server gave this device when it enrolled (ccm-roles.h). */
#define CCM_STORE_META_ROLE "sync.role"
/* Whether ccm_store_submit runs commands of this type here: always on a
 * standalone store; on an enrolled one, when its role may push them (a
 * role this program does not know is the server's to judge). */
gboolean      ccm_store_may_run             (CcmStore     *self,
                                             const char   *type);

/* What a revoked device does: every name and e-mail address declared
 * personal (CcmPersonalData) is replaced by a marker, the read models are
 * rebuilt and the file rewritten. The time it last ran is in meta. */
#define CCM_STORE_META_WIPED_AT "privacy.wiped_at"
gboolean      ccm_store_wipe_personal_data  (CcmStore     *self,
                                             GError      **error);
gint64        ccm_store_get_wiped_at        (CcmStore     *self);

/* Process managers' timers and outbox. */
gint64        ccm_store_next_timer_due      (CcmStore     *self);
guint         ccm_store_run_due_timers      (CcmStore     *self,
                                             GError      **error);
gboolean      ccm_store_dispatch_outbox     (CcmStore     *self,
                                             GError      **error);
void          ccm_store_watch               (CcmStore     *self);
void          ccm_store_watch_later         (CcmStore     *self);
void          ccm_store_watch_now           (CcmStore     *self);
/* How the watch runs many due timers: slice_us at a time (20 ms unless set;
 * 0: one timer), the next slice from a main-loop source of this priority
 * (G_PRIORITY_DEFAULT unless set: shares turns with a server's requests;
 * a window sets one below its drawing and views). */
void          ccm_store_set_timer_slice     (CcmStore     *self,
                                             gint64        slice_us,
                                             int           priority);
void          ccm_store_set_authority       (CcmStore     *self,
                                             gboolean      authority);
gboolean      ccm_store_check_external_changes (CcmStore  *self);

/* For projections and queries: cached prepared statements. */
sqlite3      *ccm_store_get_db              (CcmStore     *self);
sqlite3_stmt *ccm_store_prepare             (CcmStore     *self,
                                             const char   *sql,
                                             GError      **error);
gboolean      ccm_store_step_done           (CcmStore     *self,
                                             sqlite3_stmt *stmt,
                                             GError      **error);
gboolean      ccm_store_exec                (CcmStore     *self,
                                             const char   *sql,
                                             GError      **error);
gboolean      ccm_store_begin               (CcmStore     *self,
                                             GError      **error);
gboolean      ccm_store_commit              (CcmStore     *self,
                                             GError      **error);
void          ccm_store_rollback            (CcmStore     *self);
void          ccm_store_set_sqlite_error    (CcmStore     *self,
                                             GError      **error,
                                             int           rc,
                                             const char   *doing);

void          ccm_outcome_free              (CcmOutcome   *outcome);
void          ccm_logged_command_free       (CcmLoggedCommand *logged);
void          ccm_command_result_free       (CcmCommandResult *result);
JsonObject   *ccm_outcome_to_json           (const CcmOutcome *outcome);
char         *ccm_outcome_to_string         (const CcmOutcome *outcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmOutcome, ccm_outcome_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmLoggedCommand, ccm_logged_command_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmCommandResult, ccm_command_result_free)

G_END_DECLS
