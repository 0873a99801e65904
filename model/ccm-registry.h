/* ccm-registry.h — deciders, projections, process managers and upcasters
 *
 * Every aggregate is a decider: plain state, a pure evolve and a pure decide.
 * Process managers react to events with commands and timers. Projections keep
 * read-model tables. The registry lists what a store runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-event.h"

G_BEGIN_DECLS

typedef struct _CcmStore CcmStore;
typedef struct _CcmRegistry CcmRegistry;
typedef struct _CcmDecideContext CcmDecideContext;
typedef struct _CcmReaction CcmReaction;

typedef struct
{
  const char *name;
  gpointer  (*new_state)  (void);
  void      (*free_state) (gpointer        state);
  void      (*evolve)     (gpointer        state,
                           const CcmEvent *event);
  /* Optional, for aggregates whose streams grow long: the state as JSON
   * text, and the state back from that text (NULL when it cannot be read).
   * The store keeps such a snapshot of a long stream, so loading it folds
   * only the events after it. snapshot_version names the snapshots' shape
   * and evolve's meaning: bump it when either changes, and older snapshots
   * are ignored. */
  int         snapshot_version;
  char     *(*snapshot)   (gconstpointer   state);
  gpointer  (*restore)    (JsonObject     *snapshot);
} CcmAggregate;

/* Names the stream a command targets, from its args. */
typedef char    *(*CcmStreamForFunc) (const CcmCommand  *command,
                                      GError           **error);
/* Emits events through the context, or fails with a CCM_DOMAIN_ERROR. */
typedef gboolean (*CcmDecideFunc)    (gconstpointer      state,
                                      const CcmCommand  *command,
                                      CcmDecideContext  *context,
                                      GError           **error);

typedef struct
{
  const char         *type;
  const CcmAggregate *aggregate;
  CcmStreamForFunc    stream_for;
  CcmDecideFunc       decide;
} CcmCommandHandler;

/* What brings a projection's tables of version `from` to version from + 1
 * in place: SQL, or a function (run inside the store's transaction) when
 * the rows must be recomputed with the projection's own code. */
typedef struct
{
  int         from;
  const char *sql;
  gboolean  (*run) (CcmStore  *store,
                    GError   **error);
} CcmProjectionUpgrade;

typedef struct
{
  const char        *name;
  int                version;    /* bump to have every store rebuild it */
  const char        *schema;     /* CREATE … statements */
  const char *const *tables;     /* what to drop, NULL-terminated */
  /* Steps from older versions to this one, without a replay (which takes
   * half a minute on a store of 100 000 orders), ended by { 0, NULL, NULL }; a
   * store whose version no chain of steps leads from is replayed. NULL:
   * every older version is replayed. */
  const CcmProjectionUpgrade *upgrades;
  gboolean         (*apply)      (CcmStore        *store,
                                  const CcmEvent  *event,
                                  GError         **error);
} CcmProjection;

typedef struct
{
  const char *name;
  /* The instance an event concerns, or NULL when the manager ignores it. */
  char      *(*correlate) (const CcmEvent *event);
  /* Changes the instance's state in place and sends commands or timers. */
  void       (*react)     (JsonObject     *state,
                           const CcmEvent *event,
                           CcmReaction    *reaction);
} CcmProcessManager;

/* Turns an event of one (type, schema_version) into the next shape, in place:
 * it must raise event->schema_version and may rename event->type. */
typedef void (*CcmUpcastFunc) (CcmEvent *event);

/* Personal data: what a revoked device wipes (ccm_store_wipe_personal_data).
 * Every event type (by the type stored in the log) and every command type
 * declares which members of its payload, or of its args, hold a person's
 * name or e-mail address — or that it holds none. The product registry
 * requires a declaration of every type it decides or runs
 * (ccm_registry_require_personal_data), so a new type cannot forget it. */
typedef enum
{
  CCM_RECORD_EVENT,
  CCM_RECORD_COMMAND,
} CcmRecordKind;

typedef enum
{
  CCM_PERSONAL_TEXT,    /* a name or other text: becomes CCM_PERSONAL_REDACTED_TEXT */
  CCM_PERSONAL_EMAIL,   /* an e-mail address: becomes CCM_PERSONAL_REDACTED_EMAIL */
} CcmPersonalKind;

/* What a redacted value becomes. Both pass the deciders' checks, so pending
 * commands still run and folding still works; an empty value stays empty. */
#define CCM_PERSONAL_REDACTED_TEXT   "—"
#define CCM_PERSONAL_REDACTED_EMAIL  "removed@redacted.invalid"

typedef struct
{
  /* Member names separated by dots; "name[]" walks every element of an
   * array: "email", "registrant.email", "positions[].email". */
  const char      *path;
  CcmPersonalKind  kind;
} CcmPersonalField;

/* Redacts what paths cannot say (a member that is personal for some values
 * only); returns how many values it replaced, adding each to removed. */
typedef guint (*CcmRedactFunc) (JsonObject *object,
                                GPtrArray  *removed);

typedef struct
{
  CcmRecordKind           record;
  const char             *type;
  const CcmPersonalField *fields;   /* ends with { NULL }; NULL: nothing personal */
  CcmRedactFunc           redact;   /* optional */
} CcmPersonalData;

#define CCM_NO_PERSONAL_DATA ((const CcmPersonalField *) NULL)

/* Registry */
CcmRegistry             *ccm_registry_new                    (void);
CcmRegistry             *ccm_registry_ref                    (CcmRegistry              *self);
void                     ccm_registry_unref                  (CcmRegistry              *self);
void                     ccm_registry_add_command            (CcmRegistry              *self,
                                                              const CcmCommandHandler  *handler);
void                     ccm_registry_add_projection         (CcmRegistry              *self,
                                                              const CcmProjection      *projection);
void                     ccm_registry_add_process_manager    (CcmRegistry              *self,
                                                              const CcmProcessManager  *manager);
void                     ccm_registry_add_upcaster           (CcmRegistry              *self,
                                                              const char               *type,
                                                              int                       from_version,
                                                              CcmUpcastFunc             func);
void                     ccm_registry_add_device_decision    (CcmRegistry              *self,
                                                              const char               *command_type);
gboolean                 ccm_registry_is_device_decision     (CcmRegistry              *self,
                                                              const char               *command_type);
const CcmCommandHandler *ccm_registry_lookup_command         (CcmRegistry              *self,
                                                              const char               *type);
GPtrArray               *ccm_registry_get_projections        (CcmRegistry              *self);
GPtrArray               *ccm_registry_get_process_managers   (CcmRegistry              *self);
void                     ccm_registry_upcast                 (CcmRegistry              *self,
                                                              CcmEvent                 *event);
/* Command types, sorted: the caller frees the array, not the strings. */
GPtrArray               *ccm_registry_list_commands          (CcmRegistry              *self);

/* Personal data */
void                     ccm_registry_add_personal_data      (CcmRegistry              *self,
                                                              const CcmPersonalData    *data);
const CcmPersonalData   *ccm_registry_lookup_personal_data   (CcmRegistry              *self,
                                                              CcmRecordKind             record,
                                                              const char               *type);
void                     ccm_registry_require_personal_data  (CcmRegistry              *self);
void                     ccm_registry_check_personal_data    (CcmRegistry              *self,
                                                              CcmRecordKind             record,
                                                              const char               *type);
guint                    ccm_registry_redact                 (CcmRegistry              *self,
                                                              CcmRecordKind             record,
                                                              const char               *type,
                                                              JsonObject               *object,
                                                              GPtrArray                *removed);
guint                    ccm_registry_redact_by_name         (CcmRegistry              *self,
                                                              JsonObject               *object,
                                                              GPtrArray                *removed);
guint                    ccm_personal_redact_path            (JsonObject               *object,
                                                              const char               *path,
                                                              CcmPersonalKind           kind,
                                                              GPtrArray                *removed);

/* Decide context: what a decider may see besides its own state. */
typedef gboolean (*CcmLoadFunc) (gpointer             user_data,
                                 const CcmAggregate  *aggregate,
                                 const char          *stream_id,
                                 gpointer            *state,
                                 gint64              *version,
                                 GError             **error);

CcmDecideContext        *ccm_decide_context_new              (const char               *stream_id,
                                                              gint64                    now,
                                                              CcmLoadFunc               load,
                                                              gpointer                  user_data);
void                     ccm_decide_context_free             (CcmDecideContext         *self);
gint64                   ccm_decide_context_now              (CcmDecideContext         *self);
const char              *ccm_decide_context_stream           (CcmDecideContext         *self);
void                     ccm_decide_context_put_state        (CcmDecideContext         *self,
                                                              const char               *stream_id,
                                                              const CcmAggregate       *aggregate,
                                                              gpointer                  state,
                                                              gint64                    version);
gconstpointer            ccm_decide_context_load             (CcmDecideContext         *self,
                                                              const CcmAggregate       *aggregate,
                                                              const char               *stream_id,
                                                              gint64                   *version,
                                                              GError                  **error);
void                     ccm_decide_context_emit             (CcmDecideContext         *self,
                                                              const char               *type,
                                                              JsonObject               *payload);
void                     ccm_decide_context_emit_full        (CcmDecideContext         *self,
                                                              const char               *stream_id,
                                                              const char               *type,
                                                              int                       schema_version,
                                                              JsonObject               *payload);
gpointer                 ccm_decide_context_take_state       (CcmDecideContext         *self,
                                                              const char               *stream_id,
                                                              gint64                   *version);
GPtrArray               *ccm_decide_context_get_events       (CcmDecideContext         *self);
JsonObject              *ccm_decide_context_get_result       (CcmDecideContext         *self);

/* Reaction: what a process manager asks for in answer to one event. */
typedef struct
{
  char       *key;       /* unique within the manager instance */
  gint64      due_at;    /* 0 when the timer is cancelled */
  CcmCommand *command;   /* NULL when the timer is cancelled */
} CcmTimerRequest;

CcmReaction             *ccm_reaction_new                    (const CcmProcessManager  *manager,
                                                              const char               *instance,
                                                              const CcmEvent           *event,
                                                              gint64                    now);
void                     ccm_reaction_free                   (CcmReaction              *self);
gint64                   ccm_reaction_now                    (CcmReaction              *self);
void                     ccm_reaction_send                   (CcmReaction              *self,
                                                              const char               *type,
                                                              JsonObject               *args);
void                     ccm_reaction_schedule               (CcmReaction              *self,
                                                              const char               *key,
                                                              gint64                    due_at,
                                                              const char               *type,
                                                              JsonObject               *args);
void                     ccm_reaction_cancel                 (CcmReaction              *self,
                                                              const char               *key);
GPtrArray               *ccm_reaction_get_commands           (CcmReaction              *self);
GPtrArray               *ccm_reaction_get_timers             (CcmReaction              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmRegistry, ccm_registry_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmDecideContext, ccm_decide_context_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmReaction, ccm_reaction_free)

G_END_DECLS
