/* test-faults.c — randomized scenarios of desks, a server and a network
 * that breaks things (issue 7, item 3)
 *
 * Each scenario, drawn from its seed: a real contoso-server on 127.0.0.1
 * with its clock held (CONTOSO_NOW), an organizer and three desks, each a
 * store of its own that the `contoso` binary works on and syncs through a
 * fault proxy of its own (fault-proxy.c: drops, delays, truncations and
 * resets of requests and responses). A quota short of what the desks sell
 * makes them compete for seats. Between the desks' commands and syncs the
 * scenario takes desks offline, kills `contoso sync` with SIGKILL in the
 * middle, kills the server with SIGKILL (sometimes in the middle of a
 * desk's sync) and starts it again on the same data, moves the server's
 * clock past every token's lifetime, backs the server up and later
 * restores it from the backup (a new epoch: desks start over from it and
 * push again what it lacks), and pushes a desk's commands itself through
 * the protocol: again (the server answers with the stored outcomes and
 * writes nothing) and out of order (409 gap, 400 for a batch out of order,
 * nothing written).
 *
 * Watched all along: no desk's command log loses or renumbers an entry, no
 * desk's cookie goes back within an epoch nor to an epoch it left, no
 * device's last sequence number on the server goes back within an epoch.
 * After quiescence (every proxy passes everything, every desk online, all
 * of them synced until nothing is pending, then once more):
 *
 *   - the seat invariant held after every event the server committed:
 *     committed + held + allotted ≤ quota per seat type, nothing negative,
 *     and at the end available = quota − the three (the server's log
 *     replayed into a fresh store; before a restore, the history about to
 *     be lost too);
 *   - every entry of every desk's command log has exactly one outcome,
 *     the one the server recorded for that device and sequence number
 *     (none pending, none missing on either side: "lost" otherwise);
 *   - no pushed command ran twice on the server: its events are exactly
 *     those of its recorded outcome ("doubled" otherwise);
 *   - every store shows the same as the server (full_picture).
 *
 * CONTOSO_FAULT_SEED=N runs that seed alone; CONTOSO_FAULT_SCENARIOS=N runs
 * N scenarios (from seed 1, or from CONTOSO_FAULT_SEED); CONTOSO_FAULT_KEEP=1
 * keeps a failed scenario's stores. A failure names its seed, each
 * violation and the steps taken. What a SIGKILL interrupts depends on the
 * machine's speed, so a failing seed may need a few runs to fail again;
 * the steps and every proxy decision are the seed's alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "client-test-utils.h"
#include "fault-proxy.h"

#ifndef FAULT_SCENARIOS
#define FAULT_SCENARIOS 200
#endif

#define SLUG       "devcon"
#define PASS       "Full pass"
#define WORKSHOP   "Workshop"
#define N_DESKS    4          /* the organizer, then three desks */
/* Past the token lifetime (15 min) and a reservation window (15 min). */
#define CLOCK_STEP (16 * 60 * G_USEC_PER_SEC)
#define QUIESCENCE_PASSES 8

typedef enum
{
  COUNT_SERVER_KILLS,
  COUNT_CLIENT_KILLS,
  COUNT_DUPLICATE_PUSHES,
  COUNT_REORDERED_PUSHES,
  COUNT_TOKEN_EXPIRIES,
  COUNT_RESTORES,
  COUNT_OFFLINE,
  COUNT_STEPS,
  COUNT_COMMANDS,
  COUNT_SYNCS,
  COUNT_LOST,
  COUNT_DOUBLED,
  N_COUNTS
} Count;

typedef struct
{
  guint proxy[N_FAULT_KINDS];
  guint other[N_COUNTS];
  guint scenarios;
  guint failed;
} Totals;

typedef struct
{
  char       *name;
  char       *path;
  FaultProxy *proxy;
  char       *device_id;
  gboolean    offline;
  GPtrArray  *log;          /* command ids, by seq − 1, as last seen */
  char       *epoch;        /* the last cookie seen */
  gint64      position;
  GPtrArray  *left_epochs;  /* epochs this desk's cookie moved away from */
} Desk;

typedef struct
{
  guint        seed;
  GRand       *rand;
  Fixture      f;
  Desk         desks[N_DESKS];
  SoupSession *session;
  gboolean     running;     /* the server */
  gint64       clock;
  char        *backup;      /* taken, not restored yet */
  guint        backups;
  char        *server_epoch;
  GHashTable  *last_seqs;   /* device id → its last seq on the server, this epoch */
  GPtrArray   *orders;      /* ids of the orders placed, on any desk */
  guint        counts[N_COUNTS];
  GString     *trail;
  GString     *failures;
} Scenario;

static Totals totals;

/* Failures: every violation is noted; the scenario then fails with them. */

static void violation (Scenario   *sc,
                       const char *format,
                       ...) G_GNUC_PRINTF (2, 3);

static void
violation (Scenario   *sc,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (sc->failures->len < 4000)
    g_string_append_printf (sc->failures, "\n  %s", message);
}

static void trail (Scenario   *sc,
                   const char *format,
                   ...) G_GNUC_PRINTF (2, 3);

static void
trail (Scenario   *sc,
       const char *format,
       ...)
{
  va_list ap;

  if (sc->trail->len > 0)
    g_string_append (sc->trail, ", ");
  va_start (ap, format);
  g_string_append_vprintf (sc->trail, format, ap);
  va_end (ap);
}

static guint
pick (Scenario *sc,
      guint     n)
{
  return g_rand_int_range (sc->rand, 0, n);
}

static gboolean
chance (Scenario *sc,
        guint     percent)
{
  return pick (sc, 100) < percent;
}

/* Reading stores: plain SQLite, so the test changes nothing in them. */

static sqlite3 *
db_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  return db;
}

static sqlite3_stmt *
db_prepare (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  return stmt;
}

/* The first column of the first row, or NULL. */
static char *
db_text (sqlite3    *db,
         const char *sql,
         const char *arg)
{
  sqlite3_stmt *stmt = db_prepare (db, sql);
  char *value = NULL;

  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static gint64
db_int (sqlite3    *db,
        const char *sql,
        const char *arg)
{
  g_autofree char *text = db_text (db, sql, arg);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

static char *
server_db_path (Scenario *sc)
{
  return ccm_server_store_path (sc->f.data);
}

static gint64
server_last_position (Scenario *sc)
{
  g_autofree char *path = server_db_path (sc);
  sqlite3 *db = db_open (path);
  gint64 last = db_int (db, "SELECT coalesce (max (position), 0) FROM events", NULL);

  sqlite3_close (db);
  return last;
}

static gint64
server_last_seq (Scenario   *sc,
                 const char *device_id)
{
  g_autofree char *path = server_db_path (sc);
  sqlite3 *db = db_open (path);
  gint64 last = db_int (db, "SELECT last_seq FROM sync_devices WHERE id = ?", device_id);

  sqlite3_close (db);
  return last;
}

/* Watching: logs, cookies and sequence numbers never go back */

static void
observe_desk (Scenario *sc,
              Desk     *d)
{
  sqlite3 *db = db_open (d->path);
  sqlite3_stmt *stmt = db_prepare (db, "SELECT seq, command_id FROM command_log ORDER BY seq");
  g_autofree char *cookie = NULL;
  guint n = 0;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      const char *id = (const char *) sqlite3_column_text (stmt, 1);

      n++;
      if (seq != n)
        {
          violation (sc, "%s: its command log has seq %" G_GINT64_FORMAT " where %u belongs",
                     d->name, seq, n);
          break;
        }
      if (n <= d->log->len && g_strcmp0 (g_ptr_array_index (d->log, n - 1), id) != 0)
        violation (sc, "%s: seq %u was command %s and is now %s", d->name, n,
                   (char *) g_ptr_array_index (d->log, n - 1), id);
      else if (n > d->log->len)
        g_ptr_array_add (d->log, g_strdup (id));
    }
  sqlite3_finalize (stmt);
  if (n < d->log->len)
    violation (sc, "%s: its command log shrank from %u entries to %u", d->name, d->log->len, n);

  cookie = db_text (db, "SELECT value FROM meta WHERE key = 'sync.cookie'", NULL);
  sqlite3_close (db);
  if (cookie != NULL)
    {
      g_autofree char *epoch = NULL;
      gint64 position = 0;

      if (!ccm_protocol_cookie_parse (cookie, &epoch, &position, NULL))
        violation (sc, "%s: its cookie “%s” is not one", d->name, cookie);
      else if (d->epoch != NULL && g_str_equal (epoch, d->epoch))
        {
          if (position < d->position)
            violation (sc, "%s: its cookie went back from %" G_GINT64_FORMAT " to %"
                       G_GINT64_FORMAT, d->name, d->position, position);
          d->position = position;
        }
      else
        {
          for (guint i = 0; i < d->left_epochs->len; i++)
            if (g_str_equal (g_ptr_array_index (d->left_epochs, i), epoch))
              violation (sc, "%s: its cookie went back to epoch %s, which it had left",
                         d->name, epoch);
          if (d->epoch != NULL)
            g_ptr_array_add (d->left_epochs, g_steal_pointer (&d->epoch));
          d->epoch = g_steal_pointer (&epoch);
          d->position = position;
        }
    }
}

/* The server's epoch changes with a restore only; within an epoch no
 * device's last sequence number goes back. */
static void
observe_server (Scenario *sc)
{
  g_autofree char *path = server_db_path (sc);
  g_autofree char *epoch = NULL;
  sqlite3_stmt *stmt;
  sqlite3 *db;

  db = db_open (path);
  epoch = db_text (db, "SELECT value FROM meta WHERE key = 'sync_epoch'", NULL);
  if (g_strcmp0 (epoch, sc->server_epoch) != 0)
    {
      violation (sc, "the server's epoch changed from %s to %s without a restore",
                 sc->server_epoch, epoch);
      g_free (sc->server_epoch);
      sc->server_epoch = g_strdup (epoch);
    }

  stmt = db_prepare (db, "SELECT id, last_seq FROM sync_devices");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      gint64 last_seq = sqlite3_column_int64 (stmt, 1);
      gpointer before = g_hash_table_lookup (sc->last_seqs, id);

      if (before != NULL && last_seq < GPOINTER_TO_INT (before) - 1)
        violation (sc, "device %s: its last seq on the server went back from %d to %"
                   G_GINT64_FORMAT, id, GPOINTER_TO_INT (before) - 1, last_seq);
      g_hash_table_insert (sc->last_seqs, g_strdup (id), GINT_TO_POINTER ((int) last_seq + 1));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
restored_epoch (Scenario *sc)
{
  g_autofree char *path = server_db_path (sc);
  sqlite3 *db = db_open (path);

  g_free (sc->server_epoch);
  sc->server_epoch = db_text (db, "SELECT value FROM meta WHERE key = 'sync_epoch'", NULL);
  g_hash_table_remove_all (sc->last_seqs);
  sqlite3_close (db);
}

/* The seat invariant, replayed */

/* Every event of the server's log into a fresh store, in one transaction
 * rolled back at the end; after each event of a conference's or its
 * seats' stream, every seat type's counts are checked (the read model
 * seat_availability: quota from the conference, available, reserved,
 * sold and allotted from the seats). */
static void
check_seat_log (Scenario   *sc,
                const char *when)
{
  g_autofree char *replay_path = g_build_filename (sc->f.dir, "replay.db", NULL);
  g_autoptr(CcmStore) server = open_server_store (&sc->f);
  g_autoptr(CcmStore) replay = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  events = ccm_store_read_all (server, 0, 0, &error);
  g_assert_no_error (error);
  g_clear_object (&server);

  replay = open_store (replay_path);
  g_assert_true (ccm_store_begin (replay, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      gboolean bad = FALSE;

      g_ptr_array_add (one, event);
      if (!ccm_store_rebase (replay, one, NULL, &error))
        g_error ("Replaying event %" G_GINT64_FORMAT " failed: %s", event->position,
                 error->message);
      if (!g_str_has_prefix (event->stream_id, "seats/") &&
          !g_str_has_prefix (event->stream_id, "conference/") && i < events->len - 1)
        continue;

      stmt = ccm_store_prepare (replay, "SELECT name, quota, available, reserved, sold, allotted "
                                        "FROM seat_availability", &error);
      g_assert_no_error (error);
      while (!bad && sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 quota = sqlite3_column_int64 (stmt, 1);
          gint64 available = sqlite3_column_int64 (stmt, 2);
          gint64 held = sqlite3_column_int64 (stmt, 3);
          gint64 committed = sqlite3_column_int64 (stmt, 4);
          gint64 allotted = sqlite3_column_int64 (stmt, 5);

          /* The conference's quota and the seats' own count of it (what
           * is available besides) agree once the seats took a change of
           * quota, a transaction later; neither may be exceeded meanwhile. */
          if (held < 0 || committed < 0 || allotted < 0 || available < 0 ||
              committed + held + allotted > quota ||
              (i == events->len - 1 && available != quota - committed - held - allotted))
            {
              violation (sc, "seat invariant broken at server position %" G_GINT64_FORMAT
                         " (%s, %s %s): quota %" G_GINT64_FORMAT ", committed %" G_GINT64_FORMAT
                         ", held %" G_GINT64_FORMAT ", allotted %" G_GINT64_FORMAT
                         ", available %" G_GINT64_FORMAT, event->position, when,
                         event->type, (const char *) sqlite3_column_text (stmt, 0), quota,
                         committed, held, allotted, available);
              bad = TRUE;
            }
        }
      sqlite3_reset (stmt);
      if (bad)
        break;
    }
  ccm_store_rollback (replay);
  g_clear_object (&replay);
  g_unlink (replay_path);
  {
    g_autofree char *wal = g_strconcat (replay_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (replay_path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
}

/* The server */

/* The server comes back on its port after every kill, while desks open
 * and close connections: a port outside the range the kernel hands out to
 * them, so none of theirs can hold it then. */
static guint
server_port (void)
{
  g_autofree char *range = NULL;
  guint64 low = 0;

  if (g_file_get_contents ("/proc/sys/net/ipv4/ip_local_port_range", &range, NULL, NULL))
    low = g_ascii_strtoull (range, NULL, 10);
  for (guint attempt = 0; low > 12000 && attempt < 50; attempt++)
    {
      guint port = low - 10000 + g_random_int_range (0, 9000);
      g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);

      if (socket != NULL && g_socket_bind (socket, address, FALSE, NULL))
        return port;
    }
  return 0;
}

static void
server_up (Scenario *sc)
{
  if (sc->running)
    return;
  g_free (sc->f.now);
  sc->f.now = ccm_time_format (sc->clock);
  server_start (&sc->f);
  sc->running = TRUE;
}

static void
server_down (Scenario *sc,
             int       signal_number)
{
  if (!sc->running)
    return;
  server_stop (&sc->f, signal_number);
  sc->running = FALSE;
}

/* Desks: the `contoso` command line */

/* Runs contoso on the desk; 0 or 1 (a rule refused it) are answers, the
 * rest a failure of the program. Returns the run for its output. */
static Run *
desk_run (Scenario   *sc,
          Desk       *d,
          const char *what,
          Run        *run)
{
  if (run->status != 0 && run->status != 1)
    violation (sc, "%s: contoso %s failed (%d): %s", d->name, what, run->status, run->err);
  if (run->status == 0)
    sc->counts[COUNT_COMMANDS]++;
  observe_desk (sc, d);
  return run;
}

static JsonNode *
run_json (Run *run)
{
  if (run->status != 0)
    return NULL;
  return json_from_string (run->out, NULL);
}

/* One `contoso sync`; exit 0 synced, 3 could not (the network, the server
 * down), 1 refused. */
static int
desk_sync (Scenario *sc,
           Desk     *d)
{
  g_autoptr(Run) run = contoso (&sc->f, d->path, "sync", NULL);

  sc->counts[COUNT_SYNCS]++;
  if (run->status != 0 && run->status != 3 && run->status != 1)
    violation (sc, "%s: contoso sync failed (%d): %s", d->name, run->status, run->err);
  observe_desk (sc, d);
  if (sc->running)
    observe_server (sc);
  return run->status;
}

static const char *
random_order (Scenario *sc)
{
  if (sc->orders->len == 0)
    return NULL;
  /* Recent orders more often than old ones. */
  if (chance (sc, 60))
    return g_ptr_array_index (sc->orders, sc->orders->len - 1 - pick (sc, MIN (sc->orders->len, 3u)));
  return g_ptr_array_index (sc->orders, pick (sc, sc->orders->len));
}

static Desk *
random_desk (Scenario *sc)
{
  return &sc->desks[1 + pick (sc, N_DESKS - 1)];
}

/* Steps */

static void
step_place (Scenario *sc,
            Desk     *d)
{
  g_autofree char *pass = g_strdup_printf (PASS "=%u", 1 + pick (sc, 3));
  g_autofree char *workshop = g_strdup_printf (WORKSHOP "=%u", 1 + pick (sc, 2));
  g_autofree char *email = g_strdup_printf ("r%u@example.org", pick (sc, 5));
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint shape = pick (sc, 4);

  if (shape == 0)
    run = contoso (&sc->f, d->path, "--json", "order", "place", SLUG, pass, workshop,
                   "--first-name", "Grace", "--last-name", "Hopper", "--email", email, NULL);
  else if (shape == 1)
    run = contoso (&sc->f, d->path, "--json", "order", "place", SLUG, workshop,
                   "--first-name", "Ada", "--last-name", "Lovelace", "--email", email, NULL);
  else
    run = contoso (&sc->f, d->path, "--json", "order", "place", SLUG, pass,
                   "--first-name", "Alan", "--last-name", "Turing", "--email", email, NULL);
  desk_run (sc, d, "order place", run);
  trail (sc, "place@%s=%d", d->name, run->status);
  node = run_json (run);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *result = json_object_get_object_member (json_node_get_object (node), "result");
      const char *order_id = result != NULL ? ccm_json_string (result, "order_id") : NULL;

      if (order_id != NULL)
        g_ptr_array_add (sc->orders, g_strdup (order_id));
    }
}

static void
step_order (Scenario   *sc,
            Desk       *d,
            const char *verb)
{
  const char *order_id = random_order (sc);
  g_autofree char *seats = g_strdup_printf (PASS "=%u", pick (sc, 3));
  g_autoptr(Run) run = NULL;

  if (order_id == NULL)
    return;
  if (g_str_equal (verb, "pay"))
    run = contoso (&sc->f, d->path, "order", "pay", order_id, "--method", "cash", NULL);
  else if (g_str_equal (verb, "update"))
    run = contoso (&sc->f, d->path, "order", "update", order_id, seats, NULL);
  else if (g_str_equal (verb, "accept"))
    run = contoso (&sc->f, d->path, "order", "accept", order_id, NULL);
  else
    run = contoso (&sc->f, d->path, "order", "cancel", order_id, NULL);
  desk_run (sc, d, verb, run);
  trail (sc, "%s@%s=%d", verb, d->name, run->status);
}

static void
step_checkin (Scenario *sc,
              Desk     *d)
{
  g_autoptr(Run) list = contoso (&sc->f, d->path, "--json", "checkin", "list", SLUG, NULL);
  g_autoptr(JsonNode) node = run_json (list);
  g_autoptr(Run) run = NULL;
  JsonArray *attendees;
  const char *code;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      violation (sc, "%s: contoso checkin list failed (%d): %s", d->name, list->status, list->err);
      return;
    }
  attendees = json_node_get_array (node);
  if (json_array_get_length (attendees) == 0)
    return;
  code = ccm_json_string (json_array_get_object_element (attendees,
                                                         pick (sc, json_array_get_length (attendees))),
                          "ticket_code");
  if (chance (sc, 20))
    run = contoso (&sc->f, d->path, "checkin", code, "--exit", NULL);
  else
    run = contoso (&sc->f, d->path, "checkin", code, NULL);
  desk_run (sc, d, "checkin", run);
  trail (sc, "checkin@%s=%d", d->name, run->status);
}

static void
step_allotment (Scenario *sc,
                Desk     *d)
{
  g_autofree char *seats = g_strdup_printf (PASS "=%u", 1 + pick (sc, 3));
  /* Some leases end before the next clock jump (and its grace period). */
  const char *until = chance (sc, 40) ? "+5m" : "+8h";
  g_autoptr(Run) run = NULL;

  if (chance (sc, 50))
    {
      Desk *org = &sc->desks[0];

      run = contoso (&sc->f, org->path, "allotment", "grant", SLUG, d->device_id, seats,
                     "--until", until, NULL);
      desk_run (sc, org, "allotment grant", run);
      trail (sc, "grant@%s=%d", d->name, run->status);
    }
  else if (chance (sc, 60))
    {
      run = contoso (&sc->f, d->path, "allotment", "request", SLUG, seats, "--until", until, NULL);
      desk_run (sc, d, "allotment request", run);
      trail (sc, "request@%s=%d", d->name, run->status);
    }
  else
    {
      g_autoptr(Run) list = contoso (&sc->f, d->path, "--json", "allotment", "list", SLUG, NULL);
      g_autoptr(JsonNode) node = run_json (list);
      JsonArray *allotments;

      if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
        {
          violation (sc, "%s: contoso allotment list failed (%d): %s", d->name, list->status,
                     list->err);
          return;
        }
      allotments = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (allotments); i++)
        {
          JsonObject *allotment = json_array_get_object_element (allotments, i);

          if (g_strcmp0 (ccm_json_string (allotment, "device_id"), d->device_id) != 0)
            continue;
          run = contoso (&sc->f, d->path, "allotment", "return", SLUG,
                         ccm_json_string (allotment, "allotment_id"), NULL);
          desk_run (sc, d, "allotment return", run);
          trail (sc, "return@%s=%d", d->name, run->status);
          break;
        }
    }
}

static void
step_waitlist (Scenario *sc,
               Desk     *d)
{
  g_autofree char *email = g_strdup_printf ("w%u@example.org", pick (sc, 5));
  g_autoptr(Run) run = contoso (&sc->f, d->path, "waitlist", "join", SLUG, PASS "=1",
                                "--email", email, NULL);

  desk_run (sc, d, "waitlist join", run);
  trail (sc, "waitlist@%s=%d", d->name, run->status);
}

static void
step_quota (Scenario *sc)
{
  Desk *org = &sc->desks[0];
  g_autofree char *quota = g_strdup_printf ("%u", 2 + pick (sc, 8));
  g_autoptr(Run) run = contoso (&sc->f, org->path, "seat-type", "update", SLUG, PASS,
                                "--quota", quota, NULL);

  desk_run (sc, org, "seat-type update", run);
  trail (sc, "quota=%s:%d", quota, run->status);
}

static void
step_sync (Scenario *sc,
           Desk     *d)
{
  trail (sc, "sync@%s=%d", d->name, desk_sync (sc, d));
}

static gboolean
killed_by (GSubprocess *process,
           int          signal_number)
{
  return g_subprocess_get_if_signaled (process) &&
         g_subprocess_get_term_sig (process) == signal_number;
}

/* `contoso sync`, or a command, killed after a while: wherever that falls. */
static void
step_kill_client (Scenario *sc,
                  Desk     *d)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  guint after_ms = pick (sc, 45);
  gboolean command = chance (sc, 20);

  if (command)
    process = contoso_spawn (&sc->f, d->path, "order", "place", SLUG, PASS "=1",
                             "--email", "killed@example.org", NULL);
  else
    process = contoso_spawn (&sc->f, d->path, "sync", NULL);
  g_usleep (after_ms * 1000);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  if (killed_by (process, SIGKILL))
    sc->counts[COUNT_CLIENT_KILLS]++;
  else if (!g_subprocess_get_if_exited (process) ||
           (g_subprocess_get_exit_status (process) != (command ? 0 : 3) &&
            g_subprocess_get_exit_status (process) != (command ? 1 : 0)))
    violation (sc, "%s: contoso %s ended with status %d", d->name, command ? "order place" : "sync",
               g_subprocess_get_status (process));
  trail (sc, "kill-%s@%s+%ums%s", command ? "place" : "sync", d->name, after_ms,
         killed_by (process, SIGKILL) ? "" : "(too late)");
  observe_desk (sc, d);
}

/* SIGKILL, sometimes while a desk syncs; the server comes back at once or
 * a few steps later. */
static void
step_kill_server (Scenario *sc)
{
  g_autoptr(GSubprocess) process = NULL;
  Desk *d = random_desk (sc);
  guint after_ms = pick (sc, 40);

  server_up (sc);
  if (chance (sc, 60))
    {
      process = contoso_spawn (&sc->f, d->path, "sync", NULL);
      g_usleep (after_ms * 1000);
    }
  server_down (sc, SIGKILL);
  sc->counts[COUNT_SERVER_KILLS]++;
  if (process != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      if (!g_subprocess_get_if_exited (process) ||
          (g_subprocess_get_exit_status (process) != 0 && g_subprocess_get_exit_status (process) != 3))
        violation (sc, "%s: contoso sync ended with status %d when the server was killed",
                   d->name, g_subprocess_get_status (process));
      observe_desk (sc, d);
      trail (sc, "kill-server(sync@%s+%ums)", d->name, after_ms);
    }
  else
    trail (sc, "kill-server");
  if (chance (sc, 50))
    {
      server_up (sc);
      observe_server (sc);
    }
}

/* The server stops and comes back 16 minutes later by its clock: every
 * token it gave is out of date, reservation windows ran out. */
static void
step_token_expiry (Scenario *sc)
{
  server_down (sc, SIGTERM);
  sc->clock += CLOCK_STEP;
  server_up (sc);
  observe_server (sc);
  sc->counts[COUNT_TOKEN_EXPIRIES]++;
  trail (sc, "token-expiry");
}

static void
step_backup (Scenario *sc)
{
  g_autofree char *name = g_strdup_printf ("backup-%u.db", ++sc->backups);
  g_autofree char *out = NULL;

  g_free (sc->backup);
  sc->backup = g_build_filename (sc->f.dir, name, NULL);
  out = server_run (&sc->f, "backup", sc->backup, NULL);
  trail (sc, "backup");
}

/* The administrator puts the backup in place of a server killed as it ran. */
static void
step_restore (Scenario *sc)
{
  g_autofree char *live = server_db_path (sc);
  g_autofree char *wal = g_strconcat (live, "-wal", NULL);
  g_autofree char *shm = g_strconcat (live, "-shm", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  server_down (sc, SIGKILL);
  check_seat_log (sc, "the history a restore dropped");
  g_assert_true (g_file_get_contents (sc->backup, &contents, &length, NULL));
  g_unlink (wal);
  g_unlink (shm);
  g_assert_true (g_file_set_contents (live, contents, length, NULL));
  g_clear_pointer (&sc->backup, g_free);
  /* The server gives a restored backup a new epoch as it opens it. */
  server_up (sc);
  restored_epoch (sc);
  sc->counts[COUNT_RESTORES]++;
  trail (sc, "restore");
}

static void
step_offline (Scenario *sc,
              Desk     *d)
{
  d->offline = !d->offline;
  fault_proxy_set_offline (d->proxy, d->offline);
  if (d->offline)
    sc->counts[COUNT_OFFLINE]++;
  trail (sc, "%s@%s", d->offline ? "offline" : "online", d->name);
}

/* The protocol itself: a desk's commands pushed by the test */

/* What the network still carries lands first: a request held back for a
 * desk that was killed meanwhile still reaches the server. Then a request
 * of the test's own: the server answers one request at a time, and it
 * has the earlier ones before this one arrives. */
static void
wait_network_idle (Scenario *sc)
{
  g_autofree char *url = g_strconcat (sc->f.url, "/v1/hello", NULL);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) answer = NULL;

  for (guint i = 0; i < N_DESKS; i++)
    if (!fault_proxy_wait_idle (sc->desks[i].proxy, 30000))
      violation (sc, "%s: its proxy still has connections open after 30 s", sc->desks[i].name);
  if (!sc->running)
    return;
  message = soup_message_new ("GET", url);
  answer = soup_session_send_and_read (sc->session, message, NULL, NULL);
  if (soup_message_get_status (message) != 200)
    violation (sc, "the server answered hello with %u", soup_message_get_status (message));
}

static char *
device_token (Scenario *sc,
              Desk     *d)
{
  g_autofree char *url = g_strconcat (sc->f.url, "/v1/token", NULL);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *secret = NULL;
  sqlite3 *db = db_open (d->path);
  guint status = 0;

  secret = db_text (db, "SELECT value FROM meta WHERE key = 'sync.secret'", NULL);
  sqlite3_close (db);
  json_object_set_string_member (body, "device_id", d->device_id);
  json_object_set_string_member (body, "secret", secret);
  answer = post_json (sc->session, url, NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (ccm_json_string (answer, "token"));
}

/* The push body of the desk's commands FIRST … LAST of its command log,
 * in that order (LAST < FIRST: backwards); NULL when the log lacks one. */
static JsonObject *
push_body (Scenario *sc,
           Desk     *d,
           gint64    first,
           gint64    last)
{
  JsonObject *body = json_object_new ();
  JsonArray *commands = json_array_new ();
  sqlite3 *db = db_open (d->path);
  sqlite3_stmt *stmt = db_prepare (db, "SELECT command FROM command_log WHERE seq = ?");
  gint64 step = last >= first ? 1 : -1;

  for (gint64 seq = first;; seq += step)
    {
      g_autoptr(JsonObject) json = NULL;
      g_autoptr(CcmCommand) command = NULL;

      sqlite3_bind_int64 (stmt, 1, seq);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          violation (sc, "%s: the server knows its command %" G_GINT64_FORMAT ", its command "
                     "log does not (%" G_GINT64_FORMAT "…%" G_GINT64_FORMAT ", %u seen)",
                     d->name, seq, first, last, d->log->len);
          sqlite3_finalize (stmt);
          sqlite3_close (db);
          json_array_unref (commands);
          json_object_unref (body);
          return NULL;
        }
      json = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 0), -1, NULL);
      command = ccm_command_new_from_json (json, NULL);
      g_assert_nonnull (command);
      json_array_add_object_element (commands, ccm_protocol_push_command_json (seq, command, 1));
      sqlite3_reset (stmt);
      if (seq == last)
        break;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  json_object_set_array_member (body, "commands", commands);
  return body;
}

static JsonObject *
push (Scenario   *sc,
      const char *token,
      JsonObject *body,
      guint      *status)
{
  g_autofree char *url = g_strconcat (sc->f.url, "/v1/push", NULL);
  JsonObject *answer = post_json (sc->session, url, token, body, status);

  g_assert_nonnull (answer);
  return answer;
}

/* What the server recorded for the device's seq. */
static JsonObject *
stored_outcome (Scenario   *sc,
                const char *device_id,
                gint64      seq)
{
  g_autofree char *path = server_db_path (sc);
  g_autofree char *seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  sqlite3 *db = db_open (path);
  sqlite3_stmt *stmt = db_prepare (db, "SELECT outcome FROM sync_device_commands "
                                       "WHERE device_id = ? AND seq = ?");
  JsonObject *outcome = NULL;

  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, seq);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    outcome = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 0), -1, NULL);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return outcome;
}

/* A repeat answers what the first push was answered, and writes nothing. */
static void
check_duplicate (Scenario   *sc,
                 Desk       *d,
                 JsonObject *result)
{
  gint64 seq = ccm_json_int (result, "seq", 0);
  g_autoptr(JsonObject) stored = stored_outcome (sc, d->device_id, seq);
  static const char *const same[] = { "command_id", "first_position", "last_position", "events" };

  if (g_strcmp0 (ccm_json_string (result, "status"), "duplicate") != 0)
    {
      violation (sc, "%s: seq %" G_GINT64_FORMAT " pushed again was answered “%s”, not as "
                 "a duplicate", d->name, seq, ccm_json_string (result, "status"));
      return;
    }
  if (stored == NULL)
    {
      violation (sc, "%s: seq %" G_GINT64_FORMAT " is a duplicate the server has no record of",
                 d->name, seq);
      return;
    }
  if (g_strcmp0 (ccm_json_string (result, "original_status"), ccm_json_string (stored, "status")) != 0)
    violation (sc, "%s: seq %" G_GINT64_FORMAT " pushed again says it was %s; the server "
               "recorded %s", d->name, seq, ccm_json_string (result, "original_status"),
               ccm_json_string (stored, "status"));
  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      JsonNode *a = json_object_get_member (result, same[i]);
      JsonNode *b = json_object_get_member (stored, same[i]);

      if (a == NULL || b == NULL || !json_node_equal (a, b))
        violation (sc, "%s: seq %" G_GINT64_FORMAT " pushed again differs in %s from what the "
                   "server recorded", d->name, seq, same[i]);
    }
}

static void
step_duplicate_push (Scenario *sc,
                     Desk     *d)
{
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *results = NULL;
  gint64 last_seq, first, last, before;
  guint status = 0;

  server_up (sc);
  wait_network_idle (sc);
  last_seq = server_last_seq (sc, d->device_id);
  if (last_seq == 0)
    return;
  first = 1 + pick (sc, last_seq);
  last = first + pick (sc, 4);
  last = MIN (last, last_seq);
  token = device_token (sc, d);
  body = push_body (sc, d, first, last);
  if (body == NULL)
    return;
  before = server_last_position (sc);
  answer = push (sc, token, body, &status);
  sc->counts[COUNT_DUPLICATE_PUSHES]++;
  trail (sc, "dup-push@%s[%" G_GINT64_FORMAT "..%" G_GINT64_FORMAT "]=%u", d->name, first, last,
         status);

  if (status != 200 || !ccm_json_get_array (answer, "results", TRUE, &results, NULL) ||
      json_array_get_length (results) != (guint) (last - first + 1))
    {
      violation (sc, "%s: commands %" G_GINT64_FORMAT "…%" G_GINT64_FORMAT " pushed again: "
                 "HTTP %u, %s", d->name, first, last, status, ccm_json_string (answer, "message"));
      return;
    }
  for (guint i = 0; i < json_array_get_length (results); i++)
    check_duplicate (sc, d, json_array_get_object_element (results, i));
  if (server_last_position (sc) != before)
    violation (sc, "%s: commands pushed again wrote events", d->name);
  observe_server (sc);
}

/* Whether the desk's commands FIRST … LAST wait for the server's answer:
 * only those would the desk push. (After a restore, before the desk hears
 * of it, the server lacks commands the desk holds as answered; the desk
 * queues them again before it pushes them, and then records the new
 * answers.) */
static gboolean
all_pending (Desk   *d,
             gint64  first,
             gint64  last)
{
  sqlite3 *db = db_open (d->path);
  sqlite3_stmt *stmt = db_prepare (db, "SELECT count(*) FROM command_log WHERE seq BETWEEN ? AND ? "
                                       "AND status = 'pending'");
  gint64 pending;

  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, last);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  pending = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return pending == last - first + 1;
}

/* Commands the server has not seen yet, pushed out of order first. */
static void
step_reordered_push (Scenario *sc,
                     Desk     *d)
{
  g_autofree char *token = NULL;
  g_autoptr(JsonObject) gap = NULL, backwards = NULL, next = NULL, both = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *results = NULL;
  gint64 last_seq, n, before;
  guint status = 0;

  server_up (sc);
  wait_network_idle (sc);
  observe_desk (sc, d);
  last_seq = server_last_seq (sc, d->device_id);
  n = d->log->len;
  if (n < last_seq + 2 || !all_pending (d, last_seq + 1, MIN (n, last_seq + 4)))
    return;
  gap = push_body (sc, d, last_seq + 2, MIN (n, last_seq + 4));
  backwards = push_body (sc, d, last_seq + 2, last_seq + 1);
  next = push_body (sc, d, last_seq + 1, last_seq + 1);
  both = push_body (sc, d, last_seq + 1, last_seq + 2);
  if (gap == NULL || backwards == NULL || next == NULL || both == NULL)
    return;
  token = device_token (sc, d);
  before = server_last_position (sc);
  sc->counts[COUNT_REORDERED_PUSHES] += 2;
  sc->counts[COUNT_DUPLICATE_PUSHES]++;
  trail (sc, "reordered-push@%s[%" G_GINT64_FORMAT "..]", d->name, last_seq + 1);

  /* Later ones first: a gap, nothing runs. */
  answer = push (sc, token, gap, &status);
  if (status != 409 || g_strcmp0 (ccm_json_string (answer, "error"), "seq-gap") != 0 ||
      ccm_json_int (answer, "expected_seq", 0) != last_seq + 1)
    violation (sc, "%s: a push from seq %" G_GINT64_FORMAT " when the server expects %"
               G_GINT64_FORMAT " got HTTP %u %s, expected_seq %" G_GINT64_FORMAT, d->name,
               last_seq + 2, last_seq + 1, status, ccm_json_string (answer, "error"),
               ccm_json_int (answer, "expected_seq", 0));
  g_clear_pointer (&answer, json_object_unref);

  /* Two in one batch, backwards: refused whole. */
  answer = push (sc, token, backwards, &status);
  if (status != 400 || g_strcmp0 (ccm_json_string (answer, "field"), "seq") != 0)
    violation (sc, "%s: a batch with seqs backwards got HTTP %u %s", d->name, status,
               ccm_json_string (answer, "error"));
  g_clear_pointer (&answer, json_object_unref);
  if (server_last_position (sc) != before || server_last_seq (sc, d->device_id) != last_seq)
    violation (sc, "%s: pushes out of order changed the server", d->name);

  /* Then in order: the next one runs; with the one after it, it is a repeat. */
  answer = push (sc, token, next, &status);
  if (status != 200 || !ccm_json_get_array (answer, "results", TRUE, &results, NULL) ||
      json_array_get_length (results) != 1)
    violation (sc, "%s: seq %" G_GINT64_FORMAT " pushed in order got HTTP %u %s", d->name,
               last_seq + 1, status, ccm_json_string (answer, "message"));
  g_clear_pointer (&answer, json_object_unref);

  answer = push (sc, token, both, &status);
  if (status != 200 || !ccm_json_get_array (answer, "results", TRUE, &results, NULL) ||
      json_array_get_length (results) != 2)
    violation (sc, "%s: seqs %" G_GINT64_FORMAT "…%" G_GINT64_FORMAT " got HTTP %u %s", d->name,
               last_seq + 1, last_seq + 2, status, ccm_json_string (answer, "message"));
  else
    {
      JsonObject *second = json_array_get_object_element (results, 1);

      check_duplicate (sc, d, json_array_get_object_element (results, 0));
      if (g_strcmp0 (ccm_json_string (second, "status"), "applied") != 0 &&
          g_strcmp0 (ccm_json_string (second, "status"), "rejected") != 0)
        violation (sc, "%s: seq %" G_GINT64_FORMAT " was answered “%s”", d->name,
                   last_seq + 2, ccm_json_string (second, "status"));
    }
  if (server_last_seq (sc, d->device_id) != last_seq + 2)
    violation (sc, "%s: the server's last seq is %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT,
               d->name, server_last_seq (sc, d->device_id), last_seq + 2);
  observe_server (sc);
}

/* The scenario */

/* Enrolled through its proxy, in this process: the command line's
 * enrollment is tested elsewhere, and four of them cost a third of a
 * scenario. */
static void
desk_init (Scenario       *sc,
           CcmServerStore *server,
           guint           i,
           const char     *name,
           CcmRole         role)
{
  Desk *d = &sc->desks[i];
  g_autofree char *file = g_strconcat (name, ".db", NULL);
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  CcmSyncClient *client;

  d->name = g_strdup (name);
  d->path = store_path (&sc->f, file);
  d->log = g_ptr_array_new_with_free_func (g_free);
  d->left_epochs = g_ptr_array_new_with_free_func (g_free);
  d->proxy = fault_proxy_new (sc->f.port, (guint64) sc->seed << 8 | i);
  url = fault_proxy_dup_url (d->proxy);
  code = ccm_server_store_create_code (server, role, NULL, name, G_TIME_SPAN_HOUR, &error);
  g_assert_no_error (error);

  store = open_store (d->path);
  client = ccm_sync_client_new (store);
  client_enroll (client, url, code);
  client_free (client);
  d->device_id = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
}

static void
desk_clear (Desk *d)
{
  g_clear_pointer (&d->proxy, fault_proxy_free);
  g_free (d->name);
  g_free (d->path);
  g_free (d->device_id);
  g_free (d->epoch);
  g_clear_pointer (&d->log, g_ptr_array_unref);
  g_clear_pointer (&d->left_epochs, g_ptr_array_unref);
}

static void
setup (Scenario *sc)
{
  Desk *org = &sc->desks[0];
  g_autofree char *pass_quota = g_strdup_printf ("%u", 3 + pick (sc, 7));
  g_autofree char *workshop_quota = g_strdup_printf ("%u", 1 + pick (sc, 3));

  sc->f.dir = g_dir_make_tmp ("ccm-faults-XXXXXX", NULL);
  sc->f.data = g_build_filename (sc->f.dir, "server", NULL);
  g_assert_cmpint (g_mkdir_with_parents (sc->f.data, 0700), ==, 0);
  sc->clock = g_get_real_time ();
  sc->f.port = server_port ();
  server_up (sc);
  restored_epoch (sc);

  {
    g_autoptr(CcmClock) clock = ccm_clock_new_fixed (sc->clock);
    g_autoptr(CcmServerStore) server = ccm_server_store_open (sc->f.data, clock, NULL);

    g_assert_nonnull (server);
    desk_init (sc, server, 0, "org", CCM_ROLE_ORGANIZER);
    desk_init (sc, server, 1, "desk1", CCM_ROLE_DESK);
    desk_init (sc, server, 2, "desk2", CCM_ROLE_DESK);
    desk_init (sc, server, 3, "desk3", CCM_ROLE_DESK);
  }

  contoso_ok (&sc->f, org->path, "conference", "create", SLUG, "--name", "DevCon",
              "--start", "2027-03-01", "--end", "2027-03-03",
              "--owner-name", "Ada", "--owner-email", "ada@example.org");
  contoso_ok (&sc->f, org->path, "seat-type", "add", SLUG, PASS, "--price", "100",
              "--quota", pass_quota);
  contoso_ok (&sc->f, org->path, "seat-type", "add", SLUG, WORKSHOP, "--price", "0",
              "--quota", workshop_quota);
  contoso_ok (&sc->f, org->path, "conference", "publish", SLUG);
  trail (sc, "quota %s/%s", pass_quota, workshop_quota);
  g_assert_cmpint (desk_sync (sc, org), ==, 0);
  for (guint i = 1; i < N_DESKS; i++)
    g_assert_cmpint (desk_sync (sc, &sc->desks[i]), ==, 0);
}

static void
random_step (Scenario *sc)
{
  static const struct { guint weight; const char *name; } steps[] = {
    { 14, "place" }, { 8, "pay" }, { 2, "update" }, { 1, "accept" }, { 3, "cancel" },
    { 3, "checkin" }, { 3, "allotment" }, { 1, "waitlist" }, { 1, "quota" },
    { 18, "sync" }, { 4, "kill-client" }, { 3, "offline" }, { 3, "kill-server" },
    { 2, "token-expiry" }, { 2, "backup" }, { 2, "restore" }, { 2, "duplicate-push" },
    { 2, "reordered-push" },
  };
  guint total = 0, x;
  const char *step = NULL;
  Desk *d = random_desk (sc);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    total += steps[i].weight;
  x = pick (sc, total);
  for (guint i = 0; step == NULL; i++)
    {
      if (x < steps[i].weight)
        step = steps[i].name;
      else
        x -= steps[i].weight;
    }

  /* A server killed earlier comes back after a while. */
  if (!sc->running && chance (sc, 35))
    {
      server_up (sc);
      observe_server (sc);
      trail (sc, "server-up");
    }

  sc->counts[COUNT_STEPS]++;
  if (g_str_equal (step, "place"))
    step_place (sc, chance (sc, 5) ? &sc->desks[0] : d);
  else if (g_str_equal (step, "pay") || g_str_equal (step, "update") ||
           g_str_equal (step, "accept"))
    step_order (sc, d, step);
  else if (g_str_equal (step, "cancel"))
    step_order (sc, chance (sc, 30) ? &sc->desks[0] : d, step);
  else if (g_str_equal (step, "checkin"))
    step_checkin (sc, d);
  else if (g_str_equal (step, "allotment"))
    step_allotment (sc, d);
  else if (g_str_equal (step, "waitlist"))
    step_waitlist (sc, d);
  else if (g_str_equal (step, "quota"))
    step_quota (sc);
  else if (g_str_equal (step, "sync"))
    step_sync (sc, chance (sc, 15) ? &sc->desks[0] : d);
  else if (g_str_equal (step, "kill-client"))
    step_kill_client (sc, d);
  else if (g_str_equal (step, "offline"))
    step_offline (sc, d);
  else if (g_str_equal (step, "kill-server"))
    step_kill_server (sc);
  else if (g_str_equal (step, "token-expiry"))
    step_token_expiry (sc);
  else if (g_str_equal (step, "backup"))
    step_backup (sc);
  else if (g_str_equal (step, "restore") && sc->backup != NULL)
    step_restore (sc);
  else if (g_str_equal (step, "duplicate-push"))
    step_duplicate_push (sc, chance (sc, 20) ? &sc->desks[0] : d);
  else if (g_str_equal (step, "reordered-push"))
    step_reordered_push (sc, d);
}

/* Every proxy passes everything, every desk is online, the server up; all
 * of them sync until nothing is pending, then once more. */
static void
quiesce (Scenario *sc)
{
  gboolean settled = FALSE;

  server_up (sc);
  wait_network_idle (sc);
  for (guint i = 0; i < N_DESKS; i++)
    {
      fault_proxy_set_rates (sc->desks[i].proxy, NULL);
      fault_proxy_set_offline (sc->desks[i].proxy, FALSE);
      sc->desks[i].offline = FALSE;
    }

  for (guint pass = 0; pass < QUIESCENCE_PASSES; pass++)
    {
      gboolean quiet = TRUE;
      g_autoptr(GString) why = g_string_new (NULL);

      for (guint i = 0; i < N_DESKS; i++)
        {
          int status = desk_sync (sc, &sc->desks[i]);
          gint64 pending = pending_of (sc->desks[i].path);

          if (status != 0 || pending > 0)
            {
              quiet = FALSE;
              g_string_append_printf (why, " %s: exit %d, %" G_GINT64_FORMAT " pending;",
                                      sc->desks[i].name, status, pending);
            }
        }
      if (quiet && settled)
        {
          wait_network_idle (sc);
          return;
        }
      settled = quiet;
      if (pass == QUIESCENCE_PASSES - 1)
        violation (sc, "no quiescence after %u rounds of syncs:%s", QUIESCENCE_PASSES, why->str);
    }
}

/* Every entry of a desk's command log has one outcome, the server's. */
static void
check_outcomes (Scenario *sc,
                Desk     *d)
{
  g_autofree char *server_path = server_db_path (sc);
  sqlite3 *desk_db = db_open (d->path);
  sqlite3 *server_db = db_open (server_path);
  sqlite3_stmt *mine = db_prepare (desk_db, "SELECT seq, command_id, status, outcome "
                                            "FROM command_log ORDER BY seq");
  sqlite3_stmt *theirs = db_prepare (server_db, "SELECT command_id, outcome FROM "
                                                "sync_device_commands WHERE device_id = ? "
                                                "AND seq = ?");
  gint64 n = 0;

  while (sqlite3_step (mine) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (mine, 0);
      const char *command_id = (const char *) sqlite3_column_text (mine, 1);
      const char *status = (const char *) sqlite3_column_text (mine, 2);
      g_autoptr(JsonObject) outcome = NULL;
      g_autoptr(JsonObject) recorded = NULL;
      const char *recorded_status;

      n = seq;
      if (sqlite3_column_text (mine, 3) != NULL)
        outcome = ccm_json_from_string ((const char *) sqlite3_column_text (mine, 3), -1, NULL);

      sqlite3_bind_text (theirs, 1, d->device_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (theirs, 2, seq);
      if (sqlite3_step (theirs) == SQLITE_ROW &&
          g_strcmp0 ((const char *) sqlite3_column_text (theirs, 0), command_id) == 0)
        recorded = ccm_json_from_string ((const char *) sqlite3_column_text (theirs, 1), -1, NULL);
      sqlite3_reset (theirs);

      if (recorded == NULL || outcome == NULL ||
          (g_strcmp0 (status, "applied") != 0 && g_strcmp0 (status, "rejected") != 0))
        {
          sc->counts[COUNT_LOST]++;
          violation (sc, "%s: command %" G_GINT64_FORMAT " (%s) is %s on the desk and %s on "
                     "the server", d->name, seq, command_id, status,
                     recorded != NULL ? "recorded" : "unknown");
          continue;
        }
      recorded_status = ccm_json_string (recorded, "status");
      if ((g_str_equal (status, "rejected")) != (g_strcmp0 (recorded_status, "rejected") == 0) ||
          ccm_json_int (outcome, "first_position", -1) != ccm_json_int (recorded, "first_position", -2) ||
          ccm_json_int (outcome, "last_position", -1) != ccm_json_int (recorded, "last_position", -2))
        violation (sc, "%s: command %" G_GINT64_FORMAT " is %s (%" G_GINT64_FORMAT "…%"
                   G_GINT64_FORMAT ") on the desk, %s (%" G_GINT64_FORMAT "…%" G_GINT64_FORMAT
                   ") on the server", d->name, seq, status,
                   ccm_json_int (outcome, "first_position", 0),
                   ccm_json_int (outcome, "last_position", 0), recorded_status,
                   ccm_json_int (recorded, "first_position", 0),
                   ccm_json_int (recorded, "last_position", 0));
    }
  sqlite3_finalize (mine);
  sqlite3_finalize (theirs);

  if (n != (gint64) d->log->len)
    violation (sc, "%s: its command log has %" G_GINT64_FORMAT " entries; %u were seen",
               d->name, n, d->log->len);
  if (db_int (server_db, "SELECT last_seq FROM sync_devices WHERE id = ?", d->device_id) != n ||
      db_int (server_db, "SELECT count(*) FROM sync_device_commands WHERE device_id = ?",
              d->device_id) != n)
    violation (sc, "%s: the server has another count of its commands than its %" G_GINT64_FORMAT,
               d->name, n);
  sqlite3_close (desk_db);
  sqlite3_close (server_db);
}

/* No pushed command ran twice: its events are those its outcome names. */
static void
check_doubles (Scenario *sc)
{
  g_autofree char *path = server_db_path (sc);
  sqlite3 *db = db_open (path);
  sqlite3_stmt *stmt;

  stmt = db_prepare (db, "SELECT c.device_id, c.seq, c.outcome, count(e.position), "
                         "min(e.position), max(e.position) FROM sync_device_commands c "
                         "LEFT JOIN events e ON e.command_id = c.command_id "
                         "GROUP BY c.device_id, c.seq");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) outcome =
        ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 2), -1, NULL);
      gint64 n = sqlite3_column_int64 (stmt, 3);
      gint64 first = sqlite3_column_int64 (stmt, 4);
      gint64 last = sqlite3_column_int64 (stmt, 5);

      if (g_strcmp0 (ccm_json_string (outcome, "status"), "applied") != 0)
        continue;
      if (n != ccm_json_int (outcome, "events", -1) ||
          (n > 0 && (first != ccm_json_int (outcome, "first_position", -1) ||
                     last != ccm_json_int (outcome, "last_position", -1))))
        {
          sc->counts[COUNT_DOUBLED]++;
          violation (sc, "device %s, command %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT " events at "
                     "%" G_GINT64_FORMAT "…%" G_GINT64_FORMAT ", its outcome says %" G_GINT64_FORMAT
                     " at %" G_GINT64_FORMAT "…%" G_GINT64_FORMAT,
                     (const char *) sqlite3_column_text (stmt, 0), (gint64) sqlite3_column_int64 (stmt, 1),
                     n, first, last, ccm_json_int (outcome, "events", -1),
                     ccm_json_int (outcome, "first_position", -1),
                     ccm_json_int (outcome, "last_position", -1));
        }
    }
  sqlite3_finalize (stmt);

  stmt = db_prepare (db, "SELECT command_id, count(*) FROM sync_device_commands "
                         "GROUP BY command_id HAVING count(*) > 1");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      sc->counts[COUNT_DOUBLED]++;
      violation (sc, "command %s is recorded %" G_GINT64_FORMAT " times",
                 (const char *) sqlite3_column_text (stmt, 0), (gint64) sqlite3_column_int64 (stmt, 1));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
check_convergence (Scenario *sc)
{
  g_autofree char *server = full_picture_of_server (&sc->f, SLUG);
  g_auto(GStrv) server_lines = g_strsplit (server, "\n", -1);

  for (guint i = 0; i < N_DESKS; i++)
    {
      g_autofree char *picture = full_picture_of_path (sc->desks[i].path, SLUG);
      g_auto(GStrv) lines = NULL;
      guint line = 0;

      if (g_str_equal (picture, server))
        continue;
      lines = g_strsplit (picture, "\n", -1);
      while (lines[line] != NULL && server_lines[line] != NULL &&
             g_str_equal (lines[line], server_lines[line]))
        line++;
      violation (sc, "%s differs from the server from line %u: “%s” where the server has “%s”",
                 sc->desks[i].name, line + 1, lines[line] != NULL ? lines[line] : "(end)",
                 server_lines[line] != NULL ? server_lines[line] : "(end)");
    }
}

static void
scenario_free (Scenario *sc)
{
  server_down (sc, SIGKILL);
  for (guint i = 0; i < N_DESKS; i++)
    desk_clear (&sc->desks[i]);
  /* CONTOSO_FAULT_KEEP=1 leaves a failed scenario's stores to look at. */
  if (sc->failures->len > 0 && g_getenv ("CONTOSO_FAULT_KEEP") != NULL)
    {
      g_test_message ("seed %u: its stores are kept in %s", sc->seed, sc->f.dir);
      g_clear_pointer (&sc->f.dir, g_free);
      sc->f.dir = g_dir_make_tmp ("ccm-faults-XXXXXX", NULL);
    }
  fixture_tear_down (&sc->f, NULL);
  g_clear_object (&sc->session);
  g_rand_free (sc->rand);
  g_free (sc->backup);
  g_free (sc->server_epoch);
  g_hash_table_unref (sc->last_seqs);
  g_ptr_array_unref (sc->orders);
  g_string_free (sc->trail, TRUE);
  g_string_free (sc->failures, TRUE);
  g_free (sc);
}

static void
test_scenario (gconstpointer data)
{
  Scenario *sc = g_new0 (Scenario, 1);
  guint proxy_counts[N_FAULT_KINDS] = { 0 };
  guint n_steps, faults = 0;
  FaultRates rates;

  gint64 started = g_get_monotonic_time ();

  sc->seed = GPOINTER_TO_UINT (data);
  sc->rand = g_rand_new_with_seed (sc->seed);
  sc->session = soup_session_new ();
  sc->last_seqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sc->orders = g_ptr_array_new_with_free_func (g_free);
  sc->trail = g_string_new (NULL);
  sc->failures = g_string_new (NULL);

  setup (sc);

  /* The network's mood for this scenario, per mille of messages. */
  rates.delay = 20 + pick (sc, 100);
  rates.drop = 10 + pick (sc, 50);
  rates.truncate = 10 + pick (sc, 50);
  rates.reset = 10 + pick (sc, 50);
  for (guint i = 0; i < N_DESKS; i++)
    fault_proxy_set_rates (sc->desks[i].proxy, &rates);

  n_steps = 26 + pick (sc, 14);
  for (guint i = 0; i < n_steps && sc->failures->len == 0; i++)
    random_step (sc);

  quiesce (sc);
  check_seat_log (sc, "the server's final history");
  for (guint i = 0; i < N_DESKS; i++)
    check_outcomes (sc, &sc->desks[i]);
  check_doubles (sc);
  check_convergence (sc);

  for (guint i = 0; i < N_DESKS; i++)
    {
      guint counts[N_FAULT_KINDS];

      fault_proxy_get_counts (sc->desks[i].proxy, counts);
      for (guint k = 0; k < N_FAULT_KINDS; k++)
        proxy_counts[k] += counts[k];
    }
  for (guint k = FAULT_DELAY; k < N_FAULT_KINDS; k++)
    faults += proxy_counts[k];
  for (guint k = COUNT_SERVER_KILLS; k <= COUNT_RESTORES; k++)
    faults += sc->counts[k];

  for (guint k = 0; k < N_FAULT_KINDS; k++)
    totals.proxy[k] += proxy_counts[k];
  for (guint k = 0; k < N_COUNTS; k++)
    totals.other[k] += sc->counts[k];
  totals.scenarios++;

  if (g_test_verbose ())
    g_test_message ("seed %u: %u steps, %u commands, %u syncs, %u faults, %.2f s", sc->seed,
                    sc->counts[COUNT_STEPS], sc->counts[COUNT_COMMANDS], sc->counts[COUNT_SYNCS],
                    faults, (g_get_monotonic_time () - started) / 1e6);
  if (sc->failures->len > 0)
    {
      totals.failed++;
      g_test_message ("seed %u failed (run it alone with CONTOSO_FAULT_SEED=%u):%s\n"
                      "steps: %s", sc->seed, sc->seed, sc->failures->str, sc->trail->str);
      g_test_fail ();
    }
  scenario_free (sc);
}

static void
test_summary (void)
{
  guint proxy_faults = 0, faults;

  for (guint k = FAULT_DELAY; k < N_FAULT_KINDS; k++)
    proxy_faults += totals.proxy[k];
  faults = proxy_faults;
  for (guint k = COUNT_SERVER_KILLS; k <= COUNT_RESTORES; k++)
    faults += totals.other[k];

  g_test_message ("%u scenarios, %u faults injected (drop %u, delay %u, truncate %u, reset %u, "
                  "refused while offline %u, server kills %u, client kills %u, duplicate pushes %u, "
                  "reordered %u, token expiries %u, restores %u), %u commands lost, %u doubled",
                  totals.scenarios, faults, totals.proxy[FAULT_DROP], totals.proxy[FAULT_DELAY],
                  totals.proxy[FAULT_TRUNCATE], totals.proxy[FAULT_RESET],
                  totals.proxy[FAULT_REFUSED], totals.other[COUNT_SERVER_KILLS],
                  totals.other[COUNT_CLIENT_KILLS], totals.other[COUNT_DUPLICATE_PUSHES],
                  totals.other[COUNT_REORDERED_PUSHES], totals.other[COUNT_TOKEN_EXPIRIES],
                  totals.other[COUNT_RESTORES], totals.other[COUNT_LOST],
                  totals.other[COUNT_DOUBLED]);
  g_test_message ("workload: %u steps, %u commands, %u syncs, %u messages passed untouched, "
                  "%u offline periods; %u of %u scenarios failed",
                  totals.other[COUNT_STEPS], totals.other[COUNT_COMMANDS],
                  totals.other[COUNT_SYNCS], totals.proxy[FAULT_PASS],
                  totals.other[COUNT_OFFLINE], totals.failed, totals.scenarios);
  g_assert_cmpuint (totals.other[COUNT_LOST], ==, 0);
  g_assert_cmpuint (totals.other[COUNT_DOUBLED], ==, 0);
}

static void
ignore_message (const char     *domain,
                GLogLevelFlags  level,
                const char     *message,
                gpointer        user_data)
{
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *text = g_getenv (name);
  guint64 value = 0;

  if (text == NULL || *text == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
    g_error ("%s must be a positive number, not “%s”", name, text);
  return value;
}

int
main (int    argc,
      char **argv)
{
  guint first, scenarios;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* The test's own HTTP connections, by the thousand, would each log six
   * lines of GIO's debugging, and each scenario eight of its folders. */
  g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_DEBUG, ignore_message, NULL);
  g_log_set_handler ("GLib", G_LOG_LEVEL_DEBUG, ignore_message, NULL);

  if (g_getenv ("CONTOSO_SERVER_BIN") == NULL || g_getenv ("CONTOSO_BIN") == NULL)
    {
      g_test_skip ("CONTOSO_SERVER_BIN and CONTOSO_BIN name the binaries under test");
      return g_test_run ();
    }

  first = env_uint ("CONTOSO_FAULT_SEED", 1);
  scenarios = env_uint ("CONTOSO_FAULT_SCENARIOS",
                        g_getenv ("CONTOSO_FAULT_SEED") != NULL ? 1 : FAULT_SCENARIOS);
  for (guint i = 0; i < scenarios; i++)
    {
      g_autofree char *path = g_strdup_printf ("/faults/seed-%u", first + i);

      g_test_add_data_func (path, GUINT_TO_POINTER (first + i), test_scenario);
    }
  g_test_add_func ("/faults/summary", test_summary);

  return g_test_run ();
}
