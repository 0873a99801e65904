/* test-fixtures.h — the data that benchmarks and harnesses start from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ccm-store.h"

G_BEGIN_DECLS

/* The arguments of a CreateConference for SLUG ("Benchmark Conference",
 * 1–3 March 2027, access code BENCH1), its conference id made at NOW. */
JsonObject *test_conference_args (const char *slug,
                                  gint64      now);

/* The arguments of a PlaceOrder of QUANTITY seats of SEAT_TYPE at SLUG, its
 * order id made at NOW, with an access code and ticket codes: the
 * registrant's names are the caller's. */
JsonObject *test_order_args      (const char *slug,
                                  const char *seat_type,
                                  guint       quantity,
                                  gint64      now);

/* What a sync does when the server refused the pending command SEQ of an
 * enrolled STORE with MESSAGE: the rebase that takes its effects back and
 * leaves it "rejected" in the command log. */
void        test_reject_command  (CcmStore   *store,
                                  gint64      seq,
                                  const char *message);

G_END_DECLS
