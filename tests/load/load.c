/* load.c — the load harness: desks, desk processes, the run and its checks
 *
 * The parent starts the server, sets up two conferences as an organizer,
 * and starts the desk processes. They talk over their stdin and stdout,
 * one line at a time:
 *
 *   desk process                      parent
 *   "ready"  (desks enrolled, synced)
 *                                     "go DEADLINE"  (monotonic µs)
 *   "quiet"  (every desk pushed all)
 *                                     "final"
 *   {JSON figures}  (after a last pull), then it exits
 *
 * "final" waits for every desk process to be quiet, so the last pull of
 * every desk sees everything every other desk pushed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>

#include "ccm-allotment-views.h"
#include "ccm-assignments.h"
#include "ccm-conference-views.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-order-views.h"
#include "ccm-seats.h"
#include "load.h"
#include "sync-harness.h"
#include "test-fixtures.h"
#include "test-spawn.h"

#define WORKER_ARG        "--load-worker"
#define N_CONFERENCES     2
#define GENERAL_QUOTA     100000
#define GENERAL_PRICE     19900
#define WORKSHOP_PRICE    5000
/* Every ALLOTTED_EVERY-th desk asks for an allotment of the workshop. */
#define ALLOTTED_EVERY    5
#define ALLOTMENT_SEATS   2
/* Error messages each desk process prints, at most. */
#define MAX_MESSAGES      10
/* Rounds a desk may take to push everything after the load. */
#define QUIESCE_ROUNDS    20

static const char *const slugs[N_CONFERENCES] = { "load-a", "load-b" };

static const char *const first_names[] = {
  "José", "María", "Zoë", "Björn", "Łukasz", "Søren", "Chloé", "Ada", "Grace", "Linus",
  "Margaret", "Alan", "Barbara", "Edsger", "Frances", "Hana", "Yuki", "Aarav", "Fatima",
  "Wei", "Priya", "Kwame", "Amara", "Diego", "Camille",
};

static const char *const last_names[] = {
  "García", "Müller", "Núñez", "O'Brien", "Nguyễn", "Dvořák", "Åberg", "Lefèvre",
  "Kowalski", "Rossi", "Schröder", "Novák", "Yılmaz", "Ivanov", "Tanaka", "Okafor",
  "Mensah", "Da Silva", "Hernández", "Jean-Baptiste", "Van der Berg", "Krüger",
};

/* ------------------------------------------------------------------------
 * The desk processes
 * ------------------------------------------------------------------------ */

typedef struct _Worker Worker;

typedef enum
{
  STEP_PLACE,
  STEP_PAY,
  STEP_ASSIGN,
} Step;

typedef struct
{
  Worker        *worker;
  guint          index;
  guint          conference;
  char          *name;
  CcmStore      *store;
  CcmSyncClient *client;
  GRand         *rand;
  char          *device_id;
  char          *general;       /* seat type ids of its conference */
  char          *workshop;

  /* The walk-up being served */
  Step           step;
  char          *order_id;
  char          *seat_type;
  guint          quantity;

  guint          action_id;
  guint          sync_id;
} Desk;

struct _Worker
{
  char       *url;
  char       *data;
  char       *dir;
  guint       first;
  guint       count;
  guint       think_ms;
  guint       sync_min_ms;
  guint       sync_max_ms;
  guint       seed;

  GPtrArray  *desks;
  GMainLoop  *loop;
  gboolean    loading;                  /* the desks act until the deadline */
  gboolean    draining;                 /* rounds still in flight after it */
  guint       in_flight;
  guint       deadline_id;
  gint64      started;
  double      load_seconds;

  /* Figures */
  GArray     *push_us;                  /* gint64, pushes answered during the load */
  gint64      walkups, checkins, commands, refused, errors;
  gint64      pushes, pushed, rounds;
  guint       messages;
};

static void G_GNUC_PRINTF (3, 4)
desk_error (Worker     *w,
            Desk       *d,
            const char *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  w->errors++;
  if (w->messages++ >= MAX_MESSAGES)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("%s: desk %u: %s\n", g_get_prgname (), d != NULL ? d->index : 0, message);
}

static const char *
pick (GRand             *rand,
      const char *const *items,
      guint              n)
{
  return items[g_rand_int_range (rand, 0, n)];
}

#define PICK(rand, array) pick (rand, array, G_N_ELEMENTS (array))

/* A command on the desk's store. A refusal by its own deciders is the
 * person at the desk being told no: not logged, not an error. */
static CcmOutcome *
desk_submit (Desk       *d,
             const char *type,
             JsonObject *args)
{
  g_autoptr(GError) error = NULL;
  CcmOutcome *outcome = harness_submit (d->store, type, args, &error);

  if (outcome != NULL)
    d->worker->commands++;
  else if (error->domain == CCM_DOMAIN_ERROR)
    {
      d->worker->refused++;
      g_debug ("desk %u: %s refused: %s", d->index, type, error->message);
    }
  else
    desk_error (d->worker, d, "%s failed: %s", type, error->message);
  return outcome;
}

static void
walkup_done (Desk *d)
{
  d->step = STEP_PLACE;
  g_clear_pointer (&d->order_id, g_free);
  g_clear_pointer (&d->seat_type, g_free);
  d->quantity = 0;
}

/* Sets a registrant's names and e-mail address in args; returns it. */
static JsonObject *
set_registrant (Desk       *d,
                JsonObject *args)
{
  const char *first = PICK (d->rand, first_names);
  const char *last = PICK (d->rand, last_names);
  g_autofree char *ascii = g_str_to_ascii (last, "C");
  g_autofree char *email = g_strdup_printf ("%s.%u@example.org",
                                            g_strdelimit (ascii, " '", '-'),
                                            g_rand_int_range (d->rand, 0, 1000000));

  json_object_set_string_member (args, "first_name", first);
  json_object_set_string_member (args, "last_name", last);
  json_object_set_string_member (args, "email", email);
  return args;
}

static JsonObject *
registrant_args (Desk *d)
{
  return set_registrant (d, json_object_new ());
}

static void
desk_place (Desk *d)
{
  CcmClock *clock = ccm_store_get_clock (d->store);
  gboolean workshop = g_rand_int_range (d->rand, 0, 4) == 0;
  guint quantity = workshop ? g_rand_int_range (d->rand, 1, 3) : g_rand_int_range (d->rand, 1, 4);
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args = test_order_args (slugs[d->conference], workshop ? d->workshop : d->general,
                                      quantity, ccm_clock_now (clock));
  g_autofree char *order_id = g_strdup (ccm_json_string (args, "order_id"));

  set_registrant (d, args);

  /* As the desk applications do: its own running allotment first. */
  if (workshop)
    {
      g_autoptr(JsonObject) allotment =
        ccm_allotment_views_find_usable (d->store, slugs[d->conference], d->device_id,
                                         d->workshop, ccm_clock_now (clock), NULL);

      if (allotment != NULL)
        json_object_set_string_member (args, "allotment_id",
                                       ccm_json_string (allotment, "allotment_id"));
    }

  outcome = desk_submit (d, "PlaceOrder", args);
  if (outcome != NULL)
    {
      d->worker->walkups++;
      d->step = STEP_PAY;
      d->order_id = g_steal_pointer (&order_id);
      d->seat_type = g_strdup (workshop ? d->workshop : d->general);
      d->quantity = quantity;
    }
}

static JsonObject *
desk_order (Desk *d)
{
  g_autoptr(GError) error = NULL;
  JsonObject *order = ccm_order_views_get (d->store, slugs[d->conference], d->order_id, &error);

  if (order == NULL)
    desk_error (d->worker, d, "order %s not found: %s", d->order_id,
                error != NULL ? error->message : "no such order");
  return order;
}

static JsonObject *
payment_args (const char *payment_id)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "payment_id", payment_id);
  return args;
}

/* Pays what the desk sees reserved; a registrant who got fewer seats takes
 * them, one who got none joins the waitlist now and then. */
static void
desk_pay (Desk *d)
{
  g_autoptr(JsonObject) order = desk_order (d);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) initiated = NULL;
  g_autoptr(CcmOutcome) completed = NULL;
  g_autofree char *payment_id = NULL;
  const char *status;
  gint64 total;
  JsonObject *args;

  if (order == NULL)
    {
      walkup_done (d);
      return;
    }
  status = ccm_json_string (order, "status");
  total = ccm_json_int (order, "total", 0);

  if (g_strcmp0 (status, "partially-reserved") == 0 && total > 0 &&
      !ccm_json_bool (order, "partial_accepted"))
    {
      g_autoptr(CcmOutcome) accepted = NULL;

      args = json_object_new ();
      json_object_set_string_member (args, "order_id", d->order_id);
      accepted = desk_submit (d, "AcceptPartialReservation", args);
      if (accepted == NULL)
        walkup_done (d);
      return;   /* pays at its next action */
    }

  if (total == 0 || (g_strcmp0 (status, "reserved") != 0 &&
                     g_strcmp0 (status, "partially-reserved") != 0))
    {
      if (g_rand_boolean (d->rand))
        {
          g_autofree char *entry_id = ccm_id_new (g_get_real_time ());
          g_autoptr(CcmOutcome) joined = NULL;

          args = registrant_args (d);
          json_object_set_string_member (args, "entry_id", entry_id);
          json_object_set_string_member (args, "conference", slugs[d->conference]);
          json_object_set_string_member (args, "seat_type", d->seat_type);
          json_object_set_int_member (args, "quantity", d->quantity);
          joined = desk_submit (d, "JoinWaitlist", args);
        }
      walkup_done (d);
      return;
    }

  /* Initiating and settling are one step at the desk: both or neither. */
  payment_id = ccm_id_new (g_get_real_time ());
  if (!ccm_store_begin (d->store, &error))
    {
      desk_error (d->worker, d, "%s", error->message);
      walkup_done (d);
      return;
    }
  args = payment_args (payment_id);
  json_object_set_string_member (args, "order_id", d->order_id);
  json_object_set_string_member (args, "method", g_rand_boolean (d->rand) ? "cash" : "card");
  json_object_set_int_member (args, "amount", total);
  initiated = desk_submit (d, "InitiatePayment", args);
  if (initiated != NULL)
    completed = desk_submit (d, "CompletePayment", payment_args (payment_id));
  if (completed == NULL)
    {
      ccm_store_rollback (d->store);
      if (initiated != NULL)
        d->worker->commands--;
      walkup_done (d);
      return;
    }
  if (!ccm_store_commit (d->store, &error) || !ccm_store_dispatch_outbox (d->store, &error))
    {
      desk_error (d->worker, d, "paying: %s", error->message);
      walkup_done (d);
      return;
    }
  d->step = STEP_ASSIGN;
}

/* Names every seat of a confirmed order. */
static void
desk_assign (Desk *d)
{
  g_autoptr(JsonObject) order = desk_order (d);
  JsonArray *attendees;

  if (order == NULL || g_strcmp0 (ccm_json_string (order, "status"), "confirmed") != 0)
    {
      walkup_done (d);
      return;
    }
  attendees = json_object_get_array_member (order, "attendees");
  for (guint i = 0; attendees != NULL && i < json_array_get_length (attendees); i++)
    {
      JsonObject *attendee = json_array_get_object_element (attendees, i);
      JsonObject *args = registrant_args (d);
      g_autoptr(CcmOutcome) outcome = NULL;

      json_object_set_string_member (args, "order_id", d->order_id);
      json_object_set_int_member (args, "position", ccm_json_int (attendee, "position", i));
      outcome = desk_submit (d, "AssignSeat", args);
    }
  walkup_done (d);
}

/* At the door: a ticket of the conference as the desk knows it, sold here
 * or at another desk and pulled since; it may be inside already, or, sold
 * elsewhere meanwhile, admitted at another door too. */
static gboolean
desk_checkin (Desk *d)
{
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *code = NULL;
  gboolean exiting = g_rand_int_range (d->rand, 0, 6) == 0;
  sqlite3_stmt *stmt;
  gint64 tickets = 0;
  JsonObject *args;

  stmt = ccm_store_prepare (d->store, "SELECT count(*) FROM attendee_views "
                                      "WHERE conference = ? AND status = 'valid'", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, slugs[d->conference], -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    tickets = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (tickets == 0)
    return FALSE;

  stmt = ccm_store_prepare (d->store, "SELECT ticket_code FROM attendee_views "
                                      "WHERE conference = ? AND status = 'valid' "
                                      "ORDER BY ticket_code LIMIT 1 OFFSET ?", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, slugs[d->conference], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_rand_int_range (d->rand, 0, MIN (tickets, G_MAXINT32)));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (code == NULL)
    return FALSE;

  args = json_object_new ();
  json_object_set_string_member (args, "ticket_code", code);
  json_object_set_string_member (args, "conference", slugs[d->conference]);
  if (!exiting)
    json_object_set_boolean_member (args, "allow_reentry", TRUE);
  outcome = desk_submit (d, exiting ? "ExitTicket" : "AdmitTicket", args);
  if (outcome != NULL)
    d->worker->checkins++;
  return TRUE;
}

static gboolean action_cb (gpointer user_data);

static void
schedule_action (Desk *d)
{
  guint think = d->worker->think_ms;

  d->action_id = g_timeout_add (think / 2 + g_rand_int_range (d->rand, 0, think + 1), action_cb, d);
}

static gboolean
action_cb (gpointer user_data)
{
  Desk *d = user_data;

  d->action_id = 0;
  if (!d->worker->loading)
    return G_SOURCE_REMOVE;

  switch (d->step)
    {
    case STEP_PAY:
      desk_pay (d);
      break;
    case STEP_ASSIGN:
      desk_assign (d);
      break;
    case STEP_PLACE:
    default:
      if (g_rand_int_range (d->rand, 0, 100) >= 60 && desk_checkin (d))
        break;
      desk_place (d);
      break;
    }
  schedule_action (d);
  return G_SOURCE_REMOVE;
}

static gboolean sync_cb (gpointer user_data);

static void
schedule_sync (Desk *d)
{
  Worker *w = d->worker;

  d->sync_id = g_timeout_add (g_rand_int_range (d->rand, w->sync_min_ms, w->sync_max_ms + 1),
                              sync_cb, d);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Desk *d = user_data;
  Worker *w = d->worker;
  g_autoptr(GError) error = NULL;

  w->in_flight--;
  w->rounds++;
  if (!ccm_sync_client_sync_finish (d->client, result, &error))
    desk_error (w, d, "sync: %s", error->message);

  if (w->loading)
    schedule_sync (d);
  else if (w->in_flight == 0)
    g_main_loop_quit (w->loop);
}

static gboolean
sync_cb (gpointer user_data)
{
  Desk *d = user_data;

  d->sync_id = 0;
  d->worker->in_flight++;
  ccm_sync_client_sync_async (d->client, NULL, sync_done_cb, d);
  return G_SOURCE_REMOVE;
}

static void
pushed_cb (CcmSyncClient *client,
           guint          n_commands,
           gint64         round_trip,
           Desk          *d)
{
  Worker *w = d->worker;

  if (!w->loading && !w->draining)
    return;
  w->pushes++;
  w->pushed += n_commands;
  g_array_append_val (w->push_us, round_trip);
}

static gboolean
deadline_cb (gpointer user_data)
{
  Worker *w = user_data;

  w->deadline_id = 0;
  w->loading = FALSE;
  w->draining = TRUE;
  for (guint i = 0; i < w->desks->len; i++)
    {
      Desk *d = g_ptr_array_index (w->desks, i);

      g_clear_handle_id (&d->action_id, g_source_remove);
      g_clear_handle_id (&d->sync_id, g_source_remove);
    }
  if (w->in_flight == 0)
    g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

static const char *
seat_type_id (JsonObject *conference,
              const char *name)
{
  JsonArray *types = json_object_get_array_member (conference, "seat_types");

  for (guint i = 0; types != NULL && i < json_array_get_length (types); i++)
    {
      JsonObject *type = json_array_get_object_element (types, i);

      if (g_strcmp0 (ccm_json_string (type, "name"), name) == 0)
        return ccm_json_string (type, "seat_type_id");
    }
  return NULL;
}

/* Enrolled for its conference, synced; every ALLOTTED_EVERY-th desk asks
 * for a few workshop seats of its own while it is online. */
static Desk *
desk_new (Worker *w,
          guint   index)
{
  Desk *d = g_new0 (Desk, 1);
  g_autofree char *file = g_strdup_printf ("desk-%u.db", index);
  g_autofree char *path = g_build_filename (w->dir, file, NULL);
  g_autofree char *code = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(GError) error = NULL;

  d->worker = w;
  d->index = index;
  d->conference = index % N_CONFERENCES;
  d->name = g_strdup_printf ("Desk %u", index);
  d->rand = g_rand_new_with_seed (w->seed + index);
  code = harness_enroll_code (w->data, "desk", slugs[d->conference]);
  d->store = harness_new_desk (path, w->url, code, d->name);
  d->device_id = ccm_store_get_meta (d->store, CCM_SYNC_META_DEVICE_ID);
  d->client = ccm_sync_client_new (d->store);
  harness_client_sync_ok (d->client);

  conference = ccm_conference_views_get (d->store, slugs[d->conference], &error);
  harness_must (conference != NULL, error);
  d->general = g_strdup (seat_type_id (conference, "General"));
  d->workshop = g_strdup (seat_type_id (conference, "Workshop"));
  harness_must (d->general != NULL && d->workshop != NULL, NULL);

  if (index % ALLOTTED_EVERY == 0)
    {
      g_autofree char *allotment_id = ccm_id_new (g_get_real_time ());
      JsonObject *args = json_object_new ();
      g_autoptr(CcmOutcome) outcome = NULL;

      json_object_set_string_member (args, "conference", slugs[d->conference]);
      json_object_set_string_member (args, "allotment_id", allotment_id);
      json_object_set_string_member (args, "seat_type", d->workshop);
      json_object_set_int_member (args, "quantity", ALLOTMENT_SEATS);
      outcome = desk_submit (d, "RequestAllotment", args);
      harness_client_sync_ok (d->client);
    }

  g_signal_connect (d->client, "pushed", G_CALLBACK (pushed_cb), d);
  return d;
}

static void
desk_free (Desk *d)
{
  g_clear_handle_id (&d->action_id, g_source_remove);
  g_clear_handle_id (&d->sync_id, g_source_remove);
  harness_client_free (d->client);
  g_object_unref (d->store);
  walkup_done (d);
  g_rand_free (d->rand);
  g_free (d->device_id);
  g_free (d->general);
  g_free (d->workshop);
  g_free (d->name);
  g_free (d);
}

/* Every desk syncs until it has nothing pending; then once more for the
 * final pull. */
static void
worker_sync_all (Worker   *w,
                 gboolean  until_pushed)
{
  for (guint i = 0; i < w->desks->len; i++)
    {
      Desk *d = g_ptr_array_index (w->desks, i);
      guint tries = 0;

      do
        {
          g_autoptr(GError) error = NULL;

          if (!ccm_sync_client_sync (d->client, &error))
            desk_error (w, d, "sync after the load: %s", error->message);
        }
      while (until_pushed && ccm_store_count_pending (d->store) > 0 && ++tries < QUIESCE_ROUNDS);

      if (until_pushed && ccm_store_count_pending (d->store) > 0)
        desk_error (w, d, "%" G_GINT64_FORMAT " commands still pending after %u rounds",
                    ccm_store_count_pending (d->store), QUIESCE_ROUNDS);
    }
}

static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

  if (line == NULL)
    {
      g_printerr ("%s: the parent went away%s%s\n", g_get_prgname (), error != NULL ? ": " : "",
                  error != NULL ? error->message : "");
      exit (1);
    }
  return line;
}

static void
say (const char *line)
{
  fputs (line, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static char *
worker_figures (Worker *w)
{
  g_autoptr(JsonObject) o = json_object_new ();
  JsonArray *push_us = json_array_sized_new (w->push_us->len);
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  for (guint i = 0; i < w->push_us->len; i++)
    json_array_add_int_element (push_us, g_array_index (w->push_us, gint64, i));
  json_object_set_array_member (o, "push_us", push_us);
  json_object_set_int_member (o, "walkups", w->walkups);
  json_object_set_int_member (o, "checkins", w->checkins);
  json_object_set_int_member (o, "commands", w->commands);
  json_object_set_int_member (o, "refused", w->refused);
  json_object_set_int_member (o, "errors", w->errors);
  json_object_set_int_member (o, "pushes", w->pushes);
  json_object_set_int_member (o, "pushed", w->pushed);
  json_object_set_int_member (o, "rounds", w->rounds);
  json_object_set_double_member (o, "load_seconds", w->load_seconds);
  json_object_set_double_member (o, "cpu", usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
                                           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6);
  return ccm_json_to_string (o);
}

gboolean
load_is_worker (int    argc,
                char **argv)
{
  return argc > 1 && g_str_equal (argv[1], WORKER_ARG);
}

int
load_worker_main (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stdin_stream = g_unix_input_stream_new (0, FALSE);
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (stdin_stream);
  g_autofree char *go = NULL, *final = NULL, *figures = NULL;
  gboolean worker = FALSE;
  Worker w = { NULL, };
  int first = 0, count = 0, think = 1000, sync_min = 500, sync_max = 2000, seed = 1;
  gint64 deadline;
  GOptionEntry entries[] = {
    { "load-worker", 0, 0, G_OPTION_ARG_NONE, &worker, NULL, NULL },
    { "url", 0, 0, G_OPTION_ARG_STRING, &w.url, NULL, NULL },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &w.data, NULL, NULL },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &w.dir, NULL, NULL },
    { "first", 0, 0, G_OPTION_ARG_INT, &first, NULL, NULL },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, NULL, NULL },
    { "think", 0, 0, G_OPTION_ARG_INT, &think, NULL, NULL },
    { "sync-min", 0, 0, G_OPTION_ARG_INT, &sync_min, NULL, NULL },
    { "sync-max", 0, 0, G_OPTION_ARG_INT, &sync_max, NULL, NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_add_main_entries (context, entries, NULL);
  harness_must (g_option_context_parse (context, &argc, &argv, &error), error);
  harness_must (w.url != NULL && w.data != NULL && w.dir != NULL && count > 0 && think > 0 &&
                sync_min > 0 && sync_max >= sync_min, NULL);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  w.first = first;
  w.count = count;
  w.think_ms = think;
  w.sync_min_ms = sync_min;
  w.sync_max_ms = sync_max;
  w.seed = seed;
  w.push_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  w.desks = g_ptr_array_new_with_free_func ((GDestroyNotify) desk_free);
  w.loop = g_main_loop_new (NULL, FALSE);

  for (guint i = 0; i < w.count; i++)
    g_ptr_array_add (w.desks, desk_new (&w, w.first + i));
  say ("ready");

  go = read_line (in);
  harness_must (g_str_has_prefix (go, "go "), NULL);
  deadline = g_ascii_strtoll (go + 3, NULL, 10);

  w.loading = TRUE;
  w.started = g_get_monotonic_time ();
  for (guint i = 0; i < w.desks->len; i++)
    {
      Desk *d = g_ptr_array_index (w.desks, i);

      d->action_id = g_timeout_add (g_rand_int_range (d->rand, 0, w.think_ms + 1), action_cb, d);
      d->sync_id = g_timeout_add (g_rand_int_range (d->rand, 0, w.sync_max_ms + 1), sync_cb, d);
    }
  w.deadline_id = g_timeout_add (MAX (0, deadline - w.started) / 1000, deadline_cb, &w);
  g_main_loop_run (w.loop);
  w.draining = FALSE;
  w.load_seconds = harness_seconds_since (w.started);

  worker_sync_all (&w, TRUE);
  say ("quiet");
  final = read_line (in);
  harness_must (g_str_equal (final, "final"), NULL);
  worker_sync_all (&w, FALSE);

  figures = worker_figures (&w);
  say (figures);

  g_ptr_array_unref (w.desks);
  g_array_unref (w.push_us);
  g_main_loop_unref (w.loop);
  g_free (w.url);
  g_free (w.data);
  g_free (w.dir);
  return 0;
}

/* ------------------------------------------------------------------------
 * The parent: setup, the run, the checks
 * ------------------------------------------------------------------------ */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  GOutputStream    *in;
  guint             first, count;
} Child;

/* FALSE when the child went away. */
static gboolean
child_say (Child      *child,
           const char *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);

  return g_output_stream_write_all (child->in, text, strlen (text), NULL, NULL, NULL) &&
         g_output_stream_flush (child->in, NULL, NULL);
}

/* The child's next line; NULL when it went away. */
static char *
child_hear (Child *child)
{
  return g_data_input_stream_read_line_utf8 (child->out, NULL, NULL, NULL);
}

static void
add_seat_type (CcmStore   *store,
               const char *slug,
               const char *name,
               gint64      price,
               gint64      quota)
{
  g_autofree char *id = ccm_id_new (g_get_real_time ());
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "seat_type_id", id);
  json_object_set_string_member (args, "name", name);
  json_object_set_int_member (args, "price", price);
  json_object_set_int_member (args, "quota", quota);
  harness_submit_ok (store, "AddSeatType", args);
}

/* The organizer: two published conferences, a big general admission and a
 * scarce workshop each. */
static void
set_up_conferences (const char    *dir,
                    HarnessServer *server,
                    guint          scarce)
{
  g_autofree char *path = g_build_filename (dir, "organizer.db", NULL);
  g_autofree char *code = harness_enroll_code (server->data, "admin", NULL);
  g_autoptr(CcmStore) store = harness_new_desk (path, server->url, code, "Organizer");
  CcmSyncClient *client;

  for (guint i = 0; i < N_CONFERENCES; i++)
    {
      JsonObject *args = json_object_new ();

      harness_create_conference (store, slugs[i]);
      add_seat_type (store, slugs[i], "General", GENERAL_PRICE, GENERAL_QUOTA);
      add_seat_type (store, slugs[i], "Workshop", WORKSHOP_PRICE, scarce);
      json_object_set_string_member (args, "slug", slugs[i]);
      harness_submit_ok (store, "PublishConference", args);
    }
  client = ccm_sync_client_new (store);
  harness_client_sync_ok (client);
  harness_client_free (client);
}

static Child *
child_start (const LoadOptions *o,
             HarnessServer     *server,
             const char        *dir,
             const char        *exe,
             guint              seed,
             guint              first,
             guint              count)
{
  g_autoptr(GSubprocessLauncher) launcher =
    test_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *first_text = g_strdup_printf ("%u", first);
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  g_autofree char *think = g_strdup_printf ("%u", o->think_ms);
  g_autofree char *sync_min = g_strdup_printf ("%u", o->sync_min_ms);
  g_autofree char *sync_max = g_strdup_printf ("%u", o->sync_max_ms);
  g_autofree char *seed_text = g_strdup_printf ("%u", seed);
  Child *child = g_new0 (Child, 1);

  child->first = first;
  child->count = count;
  child->process = g_subprocess_launcher_spawn (launcher, &error, exe, WORKER_ARG,
                                                "--url", server->url, "--data", server->data,
                                                "--dir", dir, "--first", first_text,
                                                "--count", count_text, "--think", think,
                                                "--sync-min", sync_min, "--sync-max", sync_max,
                                                "--seed", seed_text, NULL);
  harness_must (child->process != NULL, error);
  child->in = g_object_ref (g_subprocess_get_stdin_pipe (child->process));
  child->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child->process));
  return child;
}

static void
child_free (Child *child)
{
  g_clear_object (&child->in);
  g_clear_object (&child->out);
  g_clear_object (&child->process);
  g_free (child);
}

/* Adds one desk process's figures to the report; FALSE when there are none. */
static gboolean
add_figures (LoadReport *r,
             GArray     *push_us,
             const char *line)
{
  g_autoptr(JsonObject) o = line != NULL ? ccm_json_from_string (line, strlen (line), NULL) : NULL;
  JsonArray *samples;

  if (o == NULL || (samples = json_object_get_array_member (o, "push_us")) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (samples); i++)
    {
      gint64 us = json_array_get_int_element (samples, i);

      g_array_append_val (push_us, us);
    }
  r->walkups += ccm_json_int (o, "walkups", 0);
  r->checkins += ccm_json_int (o, "checkins", 0);
  r->commands += ccm_json_int (o, "commands", 0);
  r->refused_locally += ccm_json_int (o, "refused", 0);
  r->errors += ccm_json_int (o, "errors", 0);
  r->pushes += ccm_json_int (o, "pushes", 0);
  r->pushed += ccm_json_int (o, "pushed", 0);
  r->rounds += ccm_json_int (o, "rounds", 0);
  r->load_seconds = MAX (r->load_seconds, json_object_get_double_member (o, "load_seconds"));
  r->cpu_desks += json_object_get_double_member (o, "cpu");
  return TRUE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest rank. */
static double
percentile_ms (GArray *sorted,
               double  fraction)
{
  guint rank;

  if (sorted->len == 0)
    return 0;
  rank = (guint) ceil (fraction * sorted->len);
  rank = CLAMP (rank, 1, sorted->len);
  return g_array_index (sorted, gint64, rank - 1) / 1000.0;
}

/* Checks */

static void G_GNUC_PRINTF (2, 3)
violation (gint64     *counter,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if ((*counter)++ >= MAX_MESSAGES)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("%s: %s\n", g_get_prgname (), message);
}

static sqlite3_stmt *
prepare (CcmStore   *store,
         const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = ccm_store_prepare (store, sql, &error);

  harness_must (stmt != NULL, error);
  return stmt;
}

static gint64
count_rows (CcmStore   *store,
            const char *sql)
{
  sqlite3_stmt *stmt = prepare (store, sql);
  gint64 n = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;

  sqlite3_reset (stmt);
  return n;
}

/* Every command of the desk's log against what the server recorded for the
 * device: the same commands under the same numbers, one outcome each, the
 * same verdict; nothing pending, nothing tentative. */
static void
check_outcomes (LoadReport *r,
                CcmStore   *server,
                CcmStore   *desk,
                guint       index)
{
  g_autofree char *device_id = ccm_store_get_meta (desk, CCM_SYNC_META_DEVICE_ID);
  sqlite3_stmt *mine = prepare (desk, "SELECT seq, command_id, status FROM command_log ORDER BY seq");
  sqlite3_stmt *theirs = prepare (server, "SELECT seq, command_id, outcome FROM sync_device_commands "
                                          "WHERE device_id = ? ORDER BY seq");
  gint64 tentative = count_rows (desk, "SELECT count(*) FROM tentative");
  int rc_mine, rc_theirs;

  if (tentative != 0)
    violation (&r->outcome_violations, "desk %u: %" G_GINT64_FORMAT " tentative changes left",
               index, tentative);

  sqlite3_bind_text (theirs, 1, device_id, -1, SQLITE_TRANSIENT);
  for (;;)
    {
      const char *status, *command_id;
      g_autoptr(JsonObject) outcome = NULL;
      const char *verdict;
      gint64 seq;

      rc_mine = sqlite3_step (mine);
      rc_theirs = sqlite3_step (theirs);
      if (rc_mine != SQLITE_ROW || rc_theirs != SQLITE_ROW)
        break;

      seq = sqlite3_column_int64 (mine, 0);
      command_id = (const char *) sqlite3_column_text (mine, 1);
      status = (const char *) sqlite3_column_text (mine, 2);
      outcome = ccm_json_from_string ((const char *) sqlite3_column_text (theirs, 2),
                                      sqlite3_column_bytes (theirs, 2), NULL);
      verdict = outcome != NULL ? ccm_json_string (outcome, "status") : NULL;
      r->logged++;
      if (g_strcmp0 (verdict, "rejected") == 0)
        r->rejected++;

      if (seq != sqlite3_column_int64 (theirs, 0) ||
          g_strcmp0 (command_id, (const char *) sqlite3_column_text (theirs, 1)) != 0)
        violation (&r->outcome_violations, "desk %u: command %" G_GINT64_FORMAT " (%s) is not the "
                   "server's command %" G_GINT64_FORMAT " (%s)", index, seq, command_id,
                   (gint64) sqlite3_column_int64 (theirs, 0), sqlite3_column_text (theirs, 1));
      else if (g_strcmp0 (status, "pending") == 0)
        violation (&r->outcome_violations, "desk %u: command %" G_GINT64_FORMAT " still pending",
                   index, seq);
      else if (verdict == NULL ||
               (g_strcmp0 (status, "rejected") == 0) != (g_strcmp0 (verdict, "rejected") == 0) ||
               (g_strcmp0 (status, "applied") != 0 && g_strcmp0 (status, "rejected") != 0))
        violation (&r->outcome_violations, "desk %u: command %" G_GINT64_FORMAT " is %s on the "
                   "desk, %s on the server", index, seq, status, verdict);
    }
  if (rc_mine == SQLITE_ROW || rc_theirs == SQLITE_ROW)
    violation (&r->outcome_violations, "desk %u: %s has commands the %s has no outcome for",
               index, rc_mine == SQLITE_ROW ? "the desk" : "the server",
               rc_mine == SQLITE_ROW ? "server" : "desk");
  sqlite3_reset (mine);
  sqlite3_reset (theirs);
}

static void
append_node (GString  *picture,
             JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *json = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  json = json_generator_to_data (generator, NULL);
  g_string_append_printf (picture, "%s\n", json);
}

static void
append_array (GString   *picture,
              JsonArray *array)
{
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);

  append_node (picture, node);
}

/* What a desk and the server must agree on about one conference: the
 * conference, its seats, every order in full, and the log's shape (the
 * server's log filtered as its pulls filter it). */
static char *
conference_picture (CcmStore   *store,
                    const char *slug,
                    gboolean    server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) conference = ccm_conference_views_get (store, slug, &error);
  g_autoptr(JsonArray) seats = NULL;
  g_autoptr(JsonArray) orders = NULL;
  g_autoptr(JsonArray) details = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  GString *picture = g_string_new (NULL);
  sqlite3_stmt *stmt;

  harness_must (conference != NULL, error);
  node = json_node_init_object (json_node_alloc (), conference);
  append_node (picture, node);
  seats = ccm_seat_views_list (store, slug, &error);
  harness_must (seats != NULL, error);
  append_array (picture, seats);
  orders = ccm_order_views_list (store, slug, NULL, 0, 0, &error);
  harness_must (orders != NULL, error);
  append_array (picture, orders);
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      const char *order_id = ccm_json_string (json_array_get_object_element (orders, i), "order_id");
      JsonObject *order = ccm_order_views_get (store, slug, order_id, &error);

      harness_must (order != NULL, error);
      json_array_add_object_element (details, order);
    }
  append_array (picture, details);

  if (server)
    {
      stmt = prepare (store, "SELECT e.stream_id, e.stream_version, e.type FROM sync_event_conference c "
                             "JOIN events e ON e.position = c.position WHERE c.conference = ? "
                             "ORDER BY c.position");
      sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_TRANSIENT);
    }
  else
    stmt = prepare (store, "SELECT stream_id, stream_version, type FROM events ORDER BY position");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (picture, "%s#%lld %s\n", sqlite3_column_text (stmt, 0),
                            (long long) sqlite3_column_int64 (stmt, 1), sqlite3_column_text (stmt, 2));
  sqlite3_reset (stmt);
  return g_string_free (picture, FALSE);
}

/* Where two pictures first differ, for the message. */
static guint
first_difference_line (const char *a,
                       const char *b)
{
  guint line = 1;

  for (; *a != '\0' && *a == *b; a++, b++)
    if (*a == '\n')
      line++;
  return line;
}

static void
check_seats (LoadReport      *r,
             CcmSeatsState   *state,
             const char      *slug,
             const CcmEvent  *event)
{
  GHashTableIter iter;
  gpointer value;

  r->invariant_checks++;
  for (guint i = 0; i < state->types->len; i++)
    {
      CcmSeatAvailability *type = g_ptr_array_index (state->types, i);
      CcmSeatInventory n;

      ccm_seats_get_inventory (state, type->seat_type, &n);
      if (n.committed < 0 || n.held < 0 || n.outstanding < 0 ||
          n.committed + n.held + n.outstanding > n.quota ||
          n.remaining != n.quota - n.committed - n.held - n.outstanding)
        violation (&r->invariant_violations, "%s, after event %" G_GINT64_FORMAT " (%s): seat type "
                   "%s has %" G_GINT64_FORMAT " committed + %" G_GINT64_FORMAT " held + %"
                   G_GINT64_FORMAT " allotted of %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " free",
                   slug, event->position, event->type, type->seat_type, n.committed, n.held,
                   n.outstanding, n.quota, n.remaining);
    }
  g_hash_table_iter_init (&iter, state->allotments);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CcmAllotment *allotment = value;

      if (allotment->remaining < 0 || allotment->remaining > allotment->granted)
        violation (&r->invariant_violations, "%s, after event %" G_GINT64_FORMAT ": allotment %s "
                   "has %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " seats left", slug,
                   event->position, allotment->allotment_id, allotment->remaining,
                   allotment->granted);
    }
}

/* What the server rejected, by command type and error; how many sales it
 * cut short. */
static void
summarize_rejections (LoadReport *r,
                      CcmStore   *server)
{
  sqlite3_stmt *stmt = prepare (server, "SELECT type, error, count(*) FROM sync_conflicts "
                                        "GROUP BY type, error ORDER BY count(*) DESC, type");
  GString *text = g_string_new (NULL);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "%s%s %s %lld", text->len > 0 ? ", " : "",
                            sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                            (long long) sqlite3_column_int64 (stmt, 2));
  sqlite3_reset (stmt);
  g_strlcpy (r->rejections, text->len > 0 ? text->str : "none", sizeof r->rejections);
  g_string_free (text, TRUE);

  /* The races the server settled: sales it could not honour in full. */
  r->short_orders = count_rows (server, "SELECT count(DISTINCT order_id) FROM order_lines "
                                        "WHERE requested > quantity");
  r->scarce_left = count_rows (server, "SELECT coalesce(sum(available), 0) FROM seat_availability "
                                       "WHERE name = 'Workshop'");
  r->double_admissions = count_rows (server, "SELECT count(*) FROM events WHERE type = 'TicketAdmitted' "
                                             "AND json_extract(payload, '$.flag') = 'already_admitted'");
}

/* Replays every conference's seats from the server's log and checks them
 * after each command the server ran (a command's events are consecutive
 * and share its id; a server commit is a run of whole commands). */
static void
check_invariant (LoadReport *r,
                 CcmStore   *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = ccm_store_read_all (server, 0, 0, &error);
  g_autoptr(GHashTable) states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        ccm_seats_aggregate.free_state);
  g_autoptr(GHashTable) touched = g_hash_table_new (g_str_hash, g_str_equal);

  harness_must (events != NULL, error);
  r->server_events = events->len;
  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);
      CcmEvent *next = i + 1 < events->len ? g_ptr_array_index (events, i + 1) : NULL;

      if (g_str_has_prefix (event->stream_id, "seats/"))
        {
          gpointer stream = NULL, state = NULL;

          if (!g_hash_table_lookup_extended (states, event->stream_id, &stream, &state))
            {
              stream = g_strdup (event->stream_id);
              state = ccm_seats_aggregate.new_state ();
              g_hash_table_insert (states, stream, state);
            }
          ccm_seats_aggregate.evolve (state, event);
          g_hash_table_add (touched, stream);
        }

      if (g_hash_table_size (touched) > 0 &&
          (next == NULL || event->command_id == NULL ||
           g_strcmp0 (next->command_id, event->command_id) != 0))
        {
          GHashTableIter iter;
          gpointer stream;

          g_hash_table_iter_init (&iter, touched);
          while (g_hash_table_iter_next (&iter, &stream, NULL))
            check_seats (r, g_hash_table_lookup (states, stream), (const char *) stream + strlen ("seats/"),
                         event);
          g_hash_table_remove_all (touched);
        }
    }
}

void
load_run (const LoadOptions *o,
          LoadReport        *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func ((GDestroyNotify) child_free);
  g_autoptr(GArray) push_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(CcmStore) server = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", &error);
  HarnessServer s = { NULL, };
  HarnessCpu cpu_before, cpu_after;
  guint processes = o->processes > 0 ? MIN (o->processes, o->desks) : o->desks;
  guint seed = o->seed != 0 ? o->seed : (guint) (g_get_real_time () % G_MAXINT32);
  guint desk = 0;
  gint64 deadline, quiet_started;
  g_autofree char *go = NULL;

  harness_must (exe != NULL, error);
  harness_must (o->desks > 0 && o->seconds > 0, NULL);
  /* A desk process that dies is an error to count, not a SIGPIPE here. */
  signal (SIGPIPE, SIG_IGN);
  memset (r, 0, sizeof *r);
  r->desks = o->desks;
  r->processes = processes;
  r->seed = seed;
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  dir = o->dir != NULL ? g_strdup (o->dir) : g_dir_make_tmp ("load-XXXXXX", &error);
  harness_must (dir != NULL, error);
  s.data = g_build_filename (dir, "server", NULL);
  if (g_file_test (s.data, G_FILE_TEST_EXISTS))
    {
      g_printerr ("%s: %s holds an earlier run; give a new folder\n", g_get_prgname (), dir);
      exit (1);
    }
  harness_must (g_mkdir_with_parents (s.data, 0700) == 0, NULL);
  harness_server_start (&s);
  set_up_conferences (dir, &s, o->scarce);

  /* The desks enroll and sync once, in their processes, all at once. */
  for (guint i = 0; i < processes; i++)
    {
      guint count = o->desks / processes + (i < o->desks % processes ? 1 : 0);

      g_ptr_array_add (children, child_start (o, &s, dir, exe, seed, desk, count));
      desk += count;
    }
  for (guint i = 0; i < children->len; i++)
    {
      g_autofree char *line = child_hear (g_ptr_array_index (children, i));

      if (g_strcmp0 (line, "ready") != 0)
        {
          g_printerr ("%s: desk process %u did not get ready\n", g_get_prgname (), i);
          exit (1);
        }
    }

  cpu_before = harness_cpu_now (&s);
  deadline = g_get_monotonic_time () + (gint64) o->seconds * G_USEC_PER_SEC;
  go = g_strdup_printf ("go %" G_GINT64_FORMAT, deadline);
  for (guint i = 0; i < children->len; i++)
    if (!child_say (g_ptr_array_index (children, i), go))
      violation (&r->errors, "desk process %u went away before the start", i);

  /* When every desk process is quiet, the server has everything. */
  for (guint i = 0; i < children->len; i++)
    {
      g_autofree char *line = child_hear (g_ptr_array_index (children, i));

      if (g_strcmp0 (line, "quiet") != 0)
        violation (&r->errors, "desk process %u ended before it was quiet", i);
    }
  quiet_started = g_get_monotonic_time ();
  r->quiesce_seconds = (quiet_started - deadline) / (double) G_USEC_PER_SEC;

  for (guint i = 0; i < children->len; i++)
    {
      Child *child = g_ptr_array_index (children, i);
      g_autofree char *line = NULL;

      if (child_say (child, "final"))
        line = child_hear (child);
      if (!add_figures (r, push_us, line))
        violation (&r->errors, "desk process %u gave no figures", i);
      if (!g_subprocess_wait (child->process, NULL, &error) ||
          !g_subprocess_get_if_exited (child->process) ||
          g_subprocess_get_exit_status (child->process) != 0)
        violation (&r->errors, "desk process %u did not end well", i);
      g_clear_error (&error);
    }
  cpu_after = harness_cpu_now (&s);
  r->cpu_server = cpu_after.server - cpu_before.server;
  harness_server_stop (&s);

  g_array_sort (push_us, compare_gint64);
  r->push_median_ms = percentile_ms (push_us, 0.5);
  r->push_p99_ms = percentile_ms (push_us, 0.99);
  r->push_max_ms = percentile_ms (push_us, 1.0);

  /* The checks, on the files. */
  server = harness_open_server_store (s.data);
  for (guint i = 0; i < o->desks; i++)
    {
      g_autofree char *file = g_strdup_printf ("desk-%u.db", i);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autoptr(CcmStore) store = NULL;
      g_autofree char *mine = NULL, *theirs = NULL;
      const char *slug = slugs[i % N_CONFERENCES];

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          violation (&r->errors, "desk %u has no store", i);
          continue;
        }
      store = harness_open_store (path);
      check_outcomes (r, server, store, i);
      mine = conference_picture (store, slug, FALSE);
      theirs = conference_picture (server, slug, TRUE);
      if (!g_str_equal (mine, theirs))
        violation (&r->diverged, "desk %u does not show what the server shows of %s (line %u "
                   "first differs)", i, slug, first_difference_line (mine, theirs));
    }
  check_invariant (r, server);
  summarize_rejections (r, server);
  g_clear_object (&server);

  if (o->dir == NULL)
    harness_remove_tree (dir);
  harness_server_clear (&s);
}

void
load_report_print (const LoadReport *r,
                   FILE             *out)
{
  fprintf (out,
           "%u desks in %u processes, %.1f s of load (seed %u)\n"
           "  walk-ups %" G_GINT64_FORMAT ", check-ins %" G_GINT64_FORMAT ", commands issued %"
           G_GINT64_FORMAT " (%" G_GINT64_FORMAT " refused by the desk itself)\n"
           "  server: %.0f commands/s answered (%" G_GINT64_FORMAT " in %" G_GINT64_FORMAT
           " pushes), %" G_GINT64_FORMAT " sync rounds\n"
           "  push latency: median %.1f ms, p99 %.1f ms, max %.1f ms\n"
           "  quiet %.1f s after the load; CPU: desks %.1f s, server %.1f s\n"
           "  %" G_GINT64_FORMAT " commands logged, %" G_GINT64_FORMAT " rejected by the server (%s); "
           "%" G_GINT64_FORMAT " events\n"
           "  %" G_GINT64_FORMAT " orders given fewer seats than the desk sold, %" G_GINT64_FORMAT
           " workshop seats left, %" G_GINT64_FORMAT " double admissions flagged\n"
           "  errors %" G_GINT64_FORMAT ", outcome violations %" G_GINT64_FORMAT
           ", desks diverged %" G_GINT64_FORMAT ", seat invariant violations %" G_GINT64_FORMAT
           " (checked after %" G_GINT64_FORMAT " server commands)\n",
           r->desks, r->processes, r->load_seconds, r->seed,
           r->walkups, r->checkins, r->commands, r->refused_locally,
           r->load_seconds > 0 ? r->pushed / r->load_seconds : 0, r->pushed, r->pushes, r->rounds,
           r->push_median_ms, r->push_p99_ms, r->push_max_ms,
           r->quiesce_seconds, r->cpu_desks, r->cpu_server,
           r->logged, r->rejected, r->rejections, r->server_events,
           r->short_orders, r->scarce_left, r->double_admissions,
           r->errors, r->outcome_violations, r->diverged, r->invariant_violations,
           r->invariant_checks);
}

gboolean
load_report_ok (const LoadReport *r)
{
  return r->errors == 0 && r->outcome_violations == 0 && r->diverged == 0 &&
         r->invariant_violations == 0 && r->invariant_checks > 0 && r->pushes > 0;
}
