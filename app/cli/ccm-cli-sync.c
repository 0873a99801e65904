/* ccm-cli-sync.c — `contoso device enroll`, `contoso sync [--watch]`, `contoso sync status`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include <string.h>

#include <glib-unix.h>

#include "ccm-cli-private.h"
#include "ccm-clock.h"
#include "ccm-json.h"
#include "ccm-protocol.h"
#include "ccm-sync-client.h"

static char *
format_time (gint64 time_us)
{
  return time_us != 0 ? ccm_time_format (time_us) : NULL;
}

/* When a revocation wiped the store's personal data, or null. */
static void
add_personal_data_removed (JsonObject *o,
                           CcmStore   *store)
{
  g_autofree char *wiped_at = format_time (ccm_store_get_wiped_at (store));

  ccm_json_set_string_or_null (o, "personal_data_removed_at", wiped_at);
}

/* Sync failures: the server refused the device or its code (1), a wrong
 * address or a store already enrolled (2), the server could not be reached
 * or failed (3). Whatever happens, the pending commands stay. */
static int
sync_fail (CcmCli        *cli,
           CcmSyncClient *client,
           const GError  *error)
{
  gboolean refused = g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_REVOKED) ||
                     g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_UNAUTHORIZED);
  gboolean usage = g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_INVALID) &&
                   g_strcmp0 (ccm_sync_error_get_field (error), "url") == 0;
  int status = refused ? CCM_CLI_EXIT_REJECTED : usage ? CCM_CLI_EXIT_USAGE : CCM_CLI_EXIT_STORAGE;
  gint64 pending = client != NULL ? ccm_sync_client_get_pending (client) : 0;
  /* Revoked: the client's own sentence says what became of the store's
   * personal data and pending commands. */
  const char *revoked = g_error_matches (error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_REVOKED) &&
                        client != NULL ? ccm_sync_client_get_message (client) : NULL;
  g_autofree char *sentence = g_strdup (error->message);
  gsize len = strlen (sentence);

  if (error->domain != CCM_SYNC_ERROR && error->domain != G_IO_ERROR &&
      error->domain != G_RESOLVER_ERROR && error->domain != G_TLS_ERROR)
    return ccm_cli_fail (cli, error);

  while (len > 0 && (sentence[len - 1] == '.' || g_ascii_isspace (sentence[len - 1])))
    sentence[--len] = '\0';

  if (revoked != NULL)
    g_printerr (_("contoso: %s\n"), revoked);
  else if (pending > 0)
    g_printerr (ngettext ("contoso: %s. %lld pending command is kept "
                             "for the next sync.\n",
                             "contoso: %s. %lld pending commands are kept "
                             "for the next sync.\n", pending),
                sentence, (long long) pending);
  else
    g_printerr (_("contoso: %s.\n"), sentence);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      const char *reason;

      if (error->domain == CCM_SYNC_ERROR)
        reason = ccm_sync_error_name (error);
      else if (error->domain == G_TLS_ERROR)
        reason = "tls";
      else
        reason = "unreachable";
      json_object_set_string_member (o, "error", refused ? "refused" : usage ? "usage" : "sync");
      json_object_set_string_member (o, "reason", reason);
      json_object_set_string_member (o, "message", revoked != NULL ? revoked : error->message);
      if (error->domain == CCM_SYNC_ERROR && ccm_sync_error_get_field (error) != NULL)
        json_object_set_string_member (o, "field", ccm_sync_error_get_field (error));
      else
        json_object_set_null_member (o, "field");
      json_object_set_int_member (o, "pending", pending);
      if (client != NULL)
        add_personal_data_removed (o, ccm_sync_client_get_store (client));
      json_object_set_int_member (o, "exit_status", status);
      ccm_cli_print_json_object (o);
    }
  return status;
}

static CcmSyncClient *
new_client (CcmCli      *cli,
            const char  *tls_ca,
            GError     **error)
{
  CcmStore *store = ccm_cli_get_store (cli, error);
  CcmSyncClient *client;

  if (store == NULL)
    return NULL;
  client = ccm_sync_client_new (store);
  if (tls_ca != NULL)
    ccm_sync_client_set_tls_ca_file (client, tls_ca);
  return client;
}

static void
add_sync_status (JsonObject    *o,
                 CcmSyncClient *client)
{
  CcmStore *store = ccm_sync_client_get_store (client);
  g_autofree char *device_id = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
  g_autofree char *role = ccm_store_get_meta (store, CCM_SYNC_META_ROLE);
  g_autofree char *desk_name = ccm_store_get_meta (store, CCM_SYNC_META_DESK_NAME);
  g_autofree char *last_sync = format_time (ccm_sync_client_get_last_sync (client));

  ccm_json_set_string_or_null (o, "server", ccm_sync_client_get_server_url (client));
  ccm_json_set_string_or_null (o, "device_id", device_id);
  ccm_json_set_string_or_null (o, "desk_name", desk_name);
  ccm_json_set_string_or_null (o, "role", role);
  json_object_set_boolean_member (o, "enrolled", ccm_store_is_enrolled (store));
  json_object_set_int_member (o, "pending", ccm_sync_client_get_pending (client));
  ccm_json_set_string_or_null (o, "last_sync", last_sync);
  json_object_set_int_member (o, "server_offset_us", ccm_sync_client_get_server_offset (client));
  json_object_set_string_member (o, "state",
                                 ccm_sync_state_to_string (ccm_sync_client_get_state (client)));
  ccm_json_set_string_or_null (o, "message", ccm_sync_client_get_message (client));
  add_personal_data_removed (o, store);
}

/* The state add_sync_status gives, as --json prints it. */
static void
print_sync_status (CcmSyncClient *client)
{
  g_autoptr(JsonObject) o = json_object_new ();

  add_sync_status (o, client);
  ccm_cli_print_json_object (o);
}

/* contoso device enroll */

static int
device_enroll (CcmCli  *cli,
               int      argc,
               char   **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *tls_ca = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("How the server lists this device, e.g. “Front desk 2”"), N_("NAME") },
    { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &tls_ca,
      N_("Trust the CA certificate in FILE (PEM) besides the system’s, for a self-hosted "
         "server; remembered for later syncs"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(CcmSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  CcmStore *store;
  int status;

  if (!ccm_cli_parse (cli, entries, 2, 2, &argc, &argv, &status))
    return status;

  if ((client = new_client (cli, tls_ca, &error)) == NULL)
    return ccm_cli_fail (cli, error);
  store = ccm_sync_client_get_store (client);

  /* The command line has nothing else to do meanwhile. */
  if (!ccm_sync_client_enroll (client, argv[1], argv[2], name, &error))
    return sync_fail (cli, client, error);

  if (cli->json)
    print_sync_status (client);
  else
    {
      g_autofree char *device_id = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
      g_autofree char *role = ccm_store_get_meta (store, CCM_SYNC_META_ROLE);
      gint64 pending = ccm_sync_client_get_pending (client);

      g_print (_("Enrolled with %s as device %s (%s).\n"), ccm_sync_client_get_server_url (client),
               device_id, role != NULL ? role : _("no role given"));
      if (pending > 0)
        g_print (ngettext ("%lld command of this store’s history is "
                              "pending; “contoso sync” sends it.\n",
                              "%lld commands of this store’s history are "
                              "pending; “contoso sync” sends them.\n", pending),
                 (long long) pending);
    }
  return CCM_CLI_EXIT_OK;
}

/* contoso device rename */

static int
device_rename (CcmCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(CcmSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  CcmStore *store;
  int status;

  if (!ccm_cli_parse (cli, NULL, 1, 1, &argc, &argv, &status))
    return status;
  name = ccm_desk_name_clean (argv[1]);
  if (*name == '\0')
    {
      ccm_cli_set_usage_error (&error, _("The name is empty: give the name the other desks "
                                         "should read, e.g. “North door”."));
      return ccm_cli_fail (cli, error);
    }
  if ((client = new_client (cli, NULL, &error)) == NULL)
    return ccm_cli_fail (cli, error);
  store = ccm_sync_client_get_store (client);
  if (!ccm_store_is_enrolled (store))
    {
      ccm_cli_set_usage_error (&error, _("This store is not enrolled with a server: its name "
                                         "is given with “contoso device enroll URL CODE "
                                         "--name NAME”."));
      return ccm_cli_fail (cli, error);
    }
  if (!ccm_sync_client_set_desk_name (client, name, &error))
    return ccm_cli_fail (cli, error);

  if (cli->json)
    print_sync_status (client);
  else
    g_print (_("This desk is now called “%s”; the server and the other desks learn it with "
               "the next sync.\n"), name);
  return CCM_CLI_EXIT_OK;
}

/* contoso sync status */

static int
sync_status (CcmCli  *cli,
             int      argc,
             char   **argv)
{
  g_autoptr(CcmSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!ccm_cli_parse (cli, NULL, 0, 0, &argc, &argv, &status))
    return status;
  if ((client = new_client (cli, NULL, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    print_sync_status (client);
  else
    {
      CcmStore *store = ccm_sync_client_get_store (client);
      g_autofree char *device_id = ccm_store_get_meta (store, CCM_SYNC_META_DEVICE_ID);
      g_autofree char *desk_name = ccm_store_get_meta (store, CCM_SYNC_META_DESK_NAME);
      g_autofree char *last_sync = format_time (ccm_sync_client_get_last_sync (client));
      g_autofree char *wiped_at = format_time (ccm_store_get_wiped_at (store));
      g_autofree char *pending = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  ccm_sync_client_get_pending (client));
      gint64 offset_us = ccm_sync_client_get_server_offset (client);
      /* In whole milliseconds first: a few microseconds behind read +0.000, not -0.000. */
      gint64 offset_ms = (offset_us + (offset_us < 0 ? -500 : 500)) / 1000;
      g_autofree char *offset = g_strdup_printf (_("%+.3f s"), offset_ms / 1000.0);
      const char *server = ccm_sync_client_get_server_url (client);
      g_autoptr(CcmCliTable) table = ccm_cli_table_new (2);

      ccm_cli_table_add_row (table, _("Server"), server != NULL ? server : _("none (standalone)"), NULL);
      ccm_cli_table_add_row (table, _("Device id"), device_id != NULL ? device_id : "—", NULL);
      if (desk_name != NULL)
        ccm_cli_table_add_row (table, _("Desk name"), desk_name, NULL);
      ccm_cli_table_add_row (table, _("Pending commands"), pending, NULL);
      ccm_cli_table_add_row (table, _("Last sync"), last_sync != NULL ? last_sync : _("never"), NULL);
      ccm_cli_table_add_row (table, _("Server time offset"), offset, NULL);
      ccm_cli_table_add_row (table, _("State"),
                             ccm_sync_state_to_string (ccm_sync_client_get_state (client)), NULL);
      if (ccm_sync_client_get_message (client) != NULL)
        ccm_cli_table_add_row (table, _("Message"), ccm_sync_client_get_message (client), NULL);
      if (wiped_at != NULL)
        {
          g_autofree char *removed = g_strdup_printf (_("removed %s"), wiped_at);

          ccm_cli_table_add_row (table, _("Personal data"), removed, NULL);
        }
      ccm_cli_table_print (table, 0);
    }
  return CCM_CLI_EXIT_OK;
}

static const CcmCliVerb sync_status_verb = {
  "status", N_("Show the server, device id, pending commands, last sync, server-time offset "
               "and state, without contacting the server"),
  NULL, NULL, sync_status, NULL
};

/* contoso sync --watch */

typedef struct
{
  CcmCli        *cli;
  GMainLoop     *loop;
  CcmSyncClient *client;
  int            status;
} Watch;

static gboolean
watch_signal_cb (gpointer user_data)
{
  Watch *watch = user_data;

  g_main_loop_quit (watch->loop);
  return G_SOURCE_CONTINUE;
}

/* One line per settled state: for a person, or JSON lines with --json. */
static void
watch_state_cb (CcmSyncClient *client,
                GParamSpec    *pspec,
                Watch         *watch)
{
  CcmSyncState state = ccm_sync_client_get_state (client);
  g_autofree char *now = ccm_time_format (ccm_clock_now (ccm_store_get_clock (ccm_sync_client_get_store (client))));

  if (state == CCM_SYNC_STATE_SYNCING)
    return;

  if (watch->cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autofree char *line = NULL;

      json_object_set_string_member (o, "time", now);
      add_sync_status (o, client);
      node = json_node_init_object (json_node_alloc (), o);
      json_generator_set_root (generator, node);
      line = json_generator_to_data (generator, NULL);
      g_print ("%s\n", line);
    }
  else if (state == CCM_SYNC_STATE_IDLE)
    g_print (_("%s synced; %lld pending.\n"), now,
             (long long) ccm_sync_client_get_pending (client));
  else
    g_print (_("%s %s: %s\n"), now, ccm_sync_state_to_string (state),
             ccm_sync_client_get_message (client));

  if (state == CCM_SYNC_STATE_FORBIDDEN)
    {
      watch->status = CCM_CLI_EXIT_REJECTED;
      g_main_loop_quit (watch->loop);
    }
}

static int
sync_watch (CcmCli        *cli,
            CcmSyncClient *client)
{
  Watch watch = { cli, g_main_loop_new (NULL, FALSE), client, CCM_CLI_EXIT_OK };
  guint sigint = g_unix_signal_add (SIGINT, watch_signal_cb, &watch);
  guint sigterm = g_unix_signal_add (SIGTERM, watch_signal_cb, &watch);
  gulong handler;

  /* Commands other processes add to the store, and due timers. */
  ccm_store_watch (ccm_sync_client_get_store (client));
  handler = g_signal_connect (client, "notify::state", G_CALLBACK (watch_state_cb), &watch);
  ccm_sync_client_start (client);
  g_main_loop_run (watch.loop);

  ccm_sync_client_stop (client);
  g_signal_handler_disconnect (client, handler);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_main_loop_unref (watch.loop);
  return watch.status;
}

/* contoso sync */

int
ccm_cli_sync_run (CcmCli  *cli,
                  int      argc,
                  char   **argv)
{
  gboolean watch = FALSE;
  g_autofree char *tls_ca = NULL;
  const GOptionEntry entries[] = {
    { "watch", 'w', 0, G_OPTION_ARG_NONE, &watch,
      N_("Keep syncing until interrupted: whenever there are new commands, the server has "
         "news or the network comes back; retries with growing pauses"), NULL },
    { "tls-ca", 0, 0, G_OPTION_ARG_FILENAME, &tls_ca,
      N_("Trust the CA certificate in FILE (PEM) besides the system’s"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(CcmSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;
  int status;

  /* `sync status` is a verb of its own under the `sync` leaf. */
  if (argc > 1 && g_str_equal (argv[1], "status"))
    {
      g_autofree char *path = g_strconcat (cli->command_path, " status", NULL);

      g_free (cli->command_path);
      cli->command_path = g_steal_pointer (&path);
      cli->verb = &sync_status_verb;
      return sync_status (cli, argc - 1, argv + 1);
    }

  if (!ccm_cli_parse (cli, entries, 0, 0, &argc, &argv, &status))
    return status;
  if ((client = new_client (cli, tls_ca, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (!ccm_store_is_enrolled (ccm_sync_client_get_store (client)) ||
      ccm_sync_client_get_server_url (client) == NULL)
    {
      ccm_cli_set_usage_error (&error, _("This store is not enrolled with a server; run "
                                         "“contoso device enroll URL CODE” first"));
      return ccm_cli_fail (cli, error);
    }

  if (watch)
    return sync_watch (cli, client);

  before = ccm_sync_client_get_pending (client);
  if (!ccm_sync_client_sync (client, &error))
    return sync_fail (cli, client, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      add_sync_status (o, client);
      json_object_set_int_member (o, "confirmed", MAX (0, before - ccm_sync_client_get_pending (client)));
      json_object_set_int_member (o, "received", ccm_sync_client_get_received (client));
      ccm_cli_print_json_object (o);
    }
  else
    {
      gint64 confirmed = MAX (0, before - ccm_sync_client_get_pending (client));
      gint64 received = ccm_sync_client_get_received (client);

      g_print (ngettext ("Synced with %s: %lld command confirmed, %lld pending.\n",
                         "Synced with %s: %lld commands confirmed, %lld pending.\n",
                         (gulong) confirmed),
               ccm_sync_client_get_server_url (client), (long long) confirmed,
               (long long) ccm_sync_client_get_pending (client));
      /* What other desks (and the server's own timers) did meanwhile. */
      if (received > 0)
        g_print (ngettext ("Received %lld event made elsewhere.\n",
                           "Received %lld events made elsewhere.\n", (gulong) received),
                 (long long) received);
    }
  return CCM_CLI_EXIT_OK;
}

const CcmCliVerb ccm_cli_device_verbs[] = {
  { "enroll", N_("Enroll this store with a sync server, using a one-time code"), N_("URL CODE"),
    N_("The server’s administrator makes the code with “contoso-server enroll-code”. The "
       "store’s own history, if any, becomes pending and is sent by the next sync.\n\n"
       "Exit status: 0 enrolled, 1 the server refused the code, 2 usage error (or the store "
       "is already enrolled), 3 the server could not be reached or the store not written."),
    device_enroll, NULL },
  { "rename", N_("Give this desk the name the other desks and the server read"), N_("NAME"),
    N_("The name goes to the server with the next sync, which lists the device by it; the "
       "other desks read it with the events they pull, as in “let in at desk “North door””. "
       "The window’s preferences set it too (Desk name).\n\n"
       "Exit status: 0 renamed, 2 usage error (an empty name, or a store not enrolled), "
       "3 the store could not be written."),
    device_rename, NULL },
  { NULL }
};
