/* test-registry.h — a small counter domain for testing the store itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"

G_BEGIN_DECLS

/* Command "Increment" {counter, by, events (default 1), poison, remind_after_s}
 * appends `events` Incremented events of `by` each to "counter/<counter>".
 * The "counters" projection sums them and fails on a poisoned event. The
 * "reminder" manager schedules a "Remind" command remind_after_s later. */
CcmRegistry *test_registry_new          (void);
CcmCommand  *test_increment_new         (const char *command_id,
                                         const char *counter,
                                         gint64      by,
                                         gint64      events);
gint64       test_counter_value         (CcmStore   *store,
                                         const char *counter);
/* The first column of the first row of a query, or -1 when none. */
gint64       test_query_int             (CcmStore   *store,
                                         const char *sql);
/* How many events the counter aggregate has folded in this process. */
guint        test_counter_evolutions    (void);
char        *test_dump_read_models      (CcmStore   *store);

G_END_DECLS
