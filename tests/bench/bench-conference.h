/* bench-conference.h — a conference for the benchmarks (bench-domain,
 * bench-checkin): seat types, and orders placed, paid and assigned through
 * the real commands, many to a transaction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"

#define SLUG "bench"

typedef struct
{
  CcmStore  *store;
  CcmClock  *clock;
  GRand     *rand;
  char      *types[3];
  gint64     prices[3];
  GPtrArray *codes;     /* every ticket code issued, for the queries */
  GPtrArray *names;     /* "first\tlast\temail" of some attendees */
  guint      person;
} Bench;

void        bench_must              (gboolean    ok,
                                     GError     *error);
/* A store in a new folder named after prefix under base_dir (or the
 * temporary folder), on the program's clock fixed at now; its folder. */
char       *bench_open              (Bench      *b,
                                     const char *prefix,
                                     const char *base_dir);
/* Closes the store, frees b and deletes the folder. */
void        bench_close             (Bench      *b,
                                     const char *dir);
JsonObject *bench_run               (Bench      *b,
                                     const char *type,
                                     JsonObject *args);
void        bench_run_ok            (Bench      *b,
                                     const char *type,
                                     JsonObject *args);
void        bench_create_conference (Bench      *b);
char       *bench_ascii_fold        (const char *text);
guint       bench_register_one      (Bench      *b);
void        bench_fill              (Bench      *b,
                                     guint       attendees);
