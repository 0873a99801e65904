/* load.h — many desks against one contoso-server on loopback, for a bounded
 * time, then checked (issue 7, item 4)
 *
 * The desks are registration desks, each its own SQLite store on disk,
 * enrolled with the role "desk" for one of two conferences, with its own
 * CcmSyncClient (its own token and HTTP session). They run in desk
 * processes (this program again, with --load-worker), by default one desk
 * each, as on the desks' own machines; with fewer processes, several desks
 * share one's main loop, and one desk's disk writes delay the others'
 * answers. Each desk, until the time is up:
 *
 *   - serves walk-ups: places an order (a quarter of them for the scarce
 *     workshop, some from the desk's own allotment), pays it, assigns its
 *     seats; a sold-out registrant may join the waitlist instead;
 *   - admits (and now and then lets out) attendees of tickets sold so far;
 *   - syncs (push, then pull) on its own cadence, jittered.
 *
 * Every command goes through ccm_store_submit on the desk's own store,
 * offline first, as the applications do; the server re-runs it and
 * resolves the seats the desks fought over. Every push is timed, from
 * sending it to the whole answer (the client's "pushed" signal).
 *
 * Then every desk syncs until nothing is pending, and once more to pull
 * what the others pushed last, and the run is checked:
 *
 *   - errors: any failed sync round, any store failure, any desk process
 *     that did not end well;
 *   - outcomes: every command of every desk's log has exactly one outcome,
 *     the one the server recorded for that device and sequence number, and
 *     nothing is pending or tentative;
 *   - convergence: each desk shows what the server shows of its
 *     conference: the conference, seats, orders in full, and the log;
 *   - the seat invariant (committed + held + allotted ≤ quota for each seat
 *     type, the free count agreeing, no allotment below 0 or above what was
 *     granted), replayed from the server's log after every command the
 *     server ran — each server commit is a sequence of whole commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint       desks;        /* 50 */
  guint       seconds;      /* of load: 30 */
  guint       processes;    /* desk processes; 0: one per desk */
  guint       think_ms;     /* a desk's mean pause between two actions */
  guint       sync_min_ms;  /* a desk syncs again after a pause in … */
  guint       sync_max_ms;  /* … [min, max] */
  guint       scarce;       /* the workshop's quota in each conference */
  guint       seed;         /* for the desks' choices; 0: from the clock */
  const char *dir;          /* stores' folder; NULL: a new one, removed after */
} LoadOptions;

#define LOAD_OPTIONS_DEFAULT { 50, 30, 0, 1000, 500, 2000, 40, 0, NULL }

typedef struct
{
  guint   desks;
  guint   processes;
  guint   seed;
  double  load_seconds;      /* from the start until the last round of the load ended */
  double  quiesce_seconds;   /* until every desk had pushed everything */

  /* During the load */
  gint64  walkups;           /* orders placed */
  gint64  checkins;          /* admissions and exits */
  gint64  commands;          /* issued on the desks */
  gint64  refused_locally;   /* refused by a desk's own store: not logged */
  gint64  pushes;            /* push requests answered */
  gint64  pushed;            /* commands they carried */
  gint64  rounds;            /* sync rounds (push + pull) */
  double  push_median_ms;
  double  push_p99_ms;
  double  push_max_ms;

  /* The whole run */
  gint64  errors;
  gint64  logged;            /* commands in the desks' logs */
  gint64  rejected;          /* … the server rejected (sold out, lost races…) */
  char    rejections[256];   /* how many of each type and error, for reading */
  gint64  short_orders;      /* orders the server gave fewer seats than the desk asked */
  gint64  scarce_left;       /* workshop seats free at the end, both conferences */
  gint64  double_admissions; /* admissions the server flagged: in at another door */
  gint64  server_events;
  gint64  outcome_violations;
  gint64  diverged;          /* desks that do not show what the server shows */
  gint64  invariant_checks;  /* server commands after which it was checked */
  gint64  invariant_violations;
  double  cpu_desks;         /* CPU seconds of the desk processes */
  double  cpu_server;
} LoadReport;

/* Whether this process is a desk process; then run load_worker_main. */
gboolean  load_is_worker    (int                argc,
                             char             **argv);
int       load_worker_main  (int                argc,
                             char             **argv);

/* Runs the whole thing; exits 1 when the server or the setup fails. */
void      load_run          (const LoadOptions *options,
                             LoadReport        *report);
void      load_report_print (const LoadReport  *report,
                             FILE              *out);
/* No error, no violation, no divergence. */
gboolean  load_report_ok    (const LoadReport  *report);

G_END_DECLS
