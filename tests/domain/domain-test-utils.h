/* domain-test-utils.h — Given/When/Then over the deciders, in memory
 *
 * A DtWorld holds event streams in memory and runs commands the way the store
 * does: fold the target stream with evolve, decide, append. It can also run
 * the process managers and their timers, so a test can follow an order from
 * placement to seat assignment without a database.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-registry.h"

G_BEGIN_DECLS

#define DT_MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
/* 2025-03-01T09:00:00Z */
#define DT_T0 G_GINT64_CONSTANT (1740819600000000)

/* Seat type ids of dt_given_conference. */
#define DT_GENERAL  "01955000-0000-7000-8000-000000000001"
#define DT_WORKSHOP "01955000-0000-7000-8000-000000000002"
#define DT_CONF_ID  "01955000-0000-7000-8000-0000000000cf"

typedef struct _DtWorld DtWorld;

/* A timer a manager asked for; command is NULL when it cancelled one. */
typedef struct
{
  char       *manager;
  char       *instance;
  char       *key;
  gint64      due_at;
  CcmCommand *command;
} DtTimer;

DtWorld     *dt_world_new              (void);
void         dt_world_free             (DtWorld           *world);
void         dt_world_set_now          (DtWorld           *world,
                                        gint64             now);
gint64       dt_world_get_now          (DtWorld           *world);
CcmRegistry *dt_world_get_registry     (DtWorld           *world);

/* JSON from a printf-style template; single quotes stand for double quotes
 * so templates stay readable: dt_json ("{'seat_type': '%s'}", id). */
JsonObject  *dt_json                   (const char        *format,
                                        ...) G_GNUC_PRINTF (1, 2);

/* Given: appends an event (payload is taken) to a stream. */
CcmEvent    *dt_given                  (DtWorld           *world,
                                        const char        *stream_id,
                                        const char        *type,
                                        JsonObject        *payload);
CcmEvent    *dt_given_version          (DtWorld           *world,
                                        const char        *stream_id,
                                        const char        *type,
                                        int                schema_version,
                                        JsonObject        *payload);
/* Given: a published conference "conf" (USD, 15-minute window) with the seat
 * types "General" ($199.00, quota 100) and "Workshop" ($50.00, quota 10),
 * and their seats counted in "seats/conf". */
void         dt_given_conference       (DtWorld           *world,
                                        const char        *slug,
                                        gboolean           published);
void         dt_given_seat_type        (DtWorld           *world,
                                        const char        *slug,
                                        const char        *seat_type_id,
                                        const char        *name,
                                        gint64             price,
                                        gint64             quota);

/* The folded state of a stream; free it with the aggregate. */
gpointer     dt_state                  (DtWorld           *world,
                                        const CcmAggregate *aggregate,
                                        const char        *stream_id);
GPtrArray   *dt_stream                 (DtWorld           *world,
                                        const char        *stream_id);

/* When: decides a command (args are taken) and, if accepted, appends its
 * events. Returns whether it was accepted. */
gboolean     dt_when                   (DtWorld           *world,
                                        const char        *type,
                                        JsonObject        *args);
gboolean     dt_when_command           (DtWorld           *world,
                                        CcmCommand        *command);

/* Then: the events of the last When. */
GPtrArray   *dt_events                 (DtWorld           *world);
JsonObject  *dt_result                 (DtWorld           *world);
const GError *dt_error                 (DtWorld           *world);
JsonObject  *dt_payload                (DtWorld           *world,
                                        guint              index);
void         dt_assert_events          (DtWorld           *world,
                                        ...) G_GNUC_NULL_TERMINATED;
void         dt_assert_rejected        (DtWorld           *world,
                                        CcmDomainError     code,
                                        const char        *field);
void         dt_assert_accepted        (DtWorld           *world);

/* Process managers. dt_react offers one event to one manager and keeps the
 * commands and timers it asked for; dt_settle runs every manager on every
 * new event and runs the commands they send, until nothing new happens. */
void         dt_react                  (DtWorld           *world,
                                        const CcmProcessManager *manager,
                                        CcmEvent          *event);
GPtrArray   *dt_sent                   (DtWorld           *world);
GPtrArray   *dt_timer_requests         (DtWorld           *world);   /* DtTimer* */
CcmCommand  *dt_sent_command           (DtWorld           *world,
                                        guint              index);
void         dt_assert_sent            (DtWorld           *world,
                                        ...) G_GNUC_NULL_TERMINATED;
JsonObject  *dt_pm_state               (DtWorld           *world,
                                        const char        *manager,
                                        const char        *instance);
void         dt_settle                 (DtWorld           *world);
/* Moves the clock to `now` and runs the timers due by then, settling after each. */
void         dt_advance_to             (DtWorld           *world,
                                        gint64             now);
guint        dt_pending_timers         (DtWorld           *world);

/* The payload of the last event of a type in a stream, or NULL; how many. */
JsonObject  *dt_last_payload           (DtWorld           *world,
                                        const char        *stream_id,
                                        const char        *type);
guint        dt_count                  (DtWorld           *world,
                                        const char        *stream_id,
                                        const char        *type);

/* `count` well-formed, distinct ticket codes starting with `prefix` (three
 * letters from the code alphabet), as a JSON list text: ["TKA22222222A", …]. */
char        *dt_codes                  (const char        *prefix,
                                        guint              count);
/* The i-th code dt_codes would give. */
char        *dt_code                   (const char        *prefix,
                                        guint              index);

/* Small readers for assertions. */
gint64       dt_seats_of               (JsonObject        *payload,
                                        const char        *member,
                                        const char        *seat_type);
guint        dt_array_length           (JsonObject        *payload,
                                        const char        *member);
JsonObject  *dt_array_object           (JsonObject        *payload,
                                        const char        *member,
                                        guint              index);

G_END_DECLS
