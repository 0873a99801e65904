/* ccm-server-cli.c — `contoso-server`: serve, enrollment, devices, backup
 *
 * Every verb reads the same settings: command-line options first, then the
 * [server] group of --config, then (for the data folder) $STATE_DIRECTORY,
 * which systemd sets for StateDirectory=.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "contoso-server"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "ccm-conference.h"
#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-protocol.h"
#include "ccm-server-cli.h"
#include "ccm-server.h"

#define CONFIG_GROUP "server"
#define DEFAULT_CODE_MINUTES 60
#define MAX_CODE_MINUTES (7 * 24 * 60)

#define CCM_SERVER_CLI_ERROR (ccm_server_cli_error_quark ())
static GQuark ccm_server_cli_error_quark (void);
G_DEFINE_QUARK (ccm-server-cli-error-quark, ccm_server_cli_error)

typedef struct
{
  /* Options shared by every verb */
  char *data_dir;
  char *config_file;
  gboolean json;
  gboolean help;
  GKeyFile *config;
  const char *command_path;
} Cli;

typedef int (*VerbFunc) (Cli *cli, int argc, char **argv);

typedef struct
{
  const char *name;
  const char *parameters;
  const char *summary;
  VerbFunc run;
} Verb;

static void
cli_clear (Cli *cli)
{
  g_free (cli->data_dir);
  g_free (cli->config_file);
  g_clear_pointer (&cli->config, g_key_file_unref);
}

static void
usage_error (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
usage_error (GError     **error,
             const char  *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (CCM_SERVER_CLI_ERROR, 0, format, args));
  va_end (args);
}

static void
print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static void
print_json_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  print_json (node);
}

static int
fail (Cli          *cli,
      const GError *error)
{
  const char *kind, *field = NULL;
  int status;

  if (error->domain == CCM_SERVER_CLI_ERROR || error->domain == G_OPTION_ERROR ||
      error->domain == G_KEY_FILE_ERROR)
    {
      status = CCM_SERVER_EXIT_USAGE;
      kind = "usage";
    }
  else if (error->domain == CCM_SYNC_ERROR || error->domain == CCM_DOMAIN_ERROR)
    {
      status = CCM_SERVER_EXIT_REJECTED;
      kind = "rejected";
      field = ccm_sync_error_get_field (error);
    }
  else
    {
      status = CCM_SERVER_EXIT_STORAGE;
      kind = "storage";
    }

  if (status == CCM_SERVER_EXIT_USAGE)
    g_printerr (_("%s: %s (see “%s --help”)\n"), g_get_prgname (), error->message,
                cli->command_path);
  else
    g_printerr ("%s: %s\n", g_get_prgname (), error->message);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      json_object_set_string_member (o, "error", kind);
      json_object_set_string_member (o, "message", error->message);
      if (field != NULL)
        json_object_set_string_member (o, "field", field);
      else
        json_object_set_null_member (o, "field");
      json_object_set_int_member (o, "exit_status", status);
      print_json_object (o);
    }
  return status;
}

/* Parses the verb's options plus the common ones; FALSE with *status set
 * when the verb should stop (help shown or a usage error). */
static gboolean
parse (Cli                *cli,
       const char         *parameters,
       const char         *summary,
       const GOptionEntry *entries,
       gboolean            with_json,
       guint               n_args,
       int                *argc,
       char             ***argv,
       int                *status)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  const GOptionEntry common[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &cli->data_dir,
      N_("The server’s data folder (holds server.db)"), N_("DIR") },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &cli->config_file,
      N_("Read settings from the [server] group of this key file"), N_("FILE") },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &cli->help, N_("Show this help"), NULL },
    G_OPTION_ENTRY_NULL
  };
  const GOptionEntry json[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      N_("Print JSON on stdout; on failure also a JSON error object"), NULL },
    G_OPTION_ENTRY_NULL
  };

  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
    _("Exit status: 0 success, 1 refused (an unknown device, for example), 2 usage or "
      "configuration error, 3 the store or the network could not be used."));
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  if (with_json)
    g_option_context_add_main_entries (context, json, NULL);
  g_option_context_add_main_entries (context, common, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = fail (cli, error);
      return FALSE;
    }
  if (cli->help)
    {
      g_autofree char *help = NULL;

      g_set_prgname (cli->command_path);
      help = g_option_context_get_help (context, TRUE, NULL);
      g_print ("%s", help);
      *status = CCM_SERVER_EXIT_OK;
      return FALSE;
    }
  if ((guint) *argc - 1 != n_args)
    {
      if ((guint) *argc - 1 < n_args)
        usage_error (&error, _("The argument %s is missing"), parameters);
      else
        usage_error (&error, _("Unexpected argument “%s”"), (*argv)[1 + n_args]);
      *status = fail (cli, error);
      return FALSE;
    }

  if (cli->config_file != NULL)
    {
      cli->config = g_key_file_new ();
      if (!g_key_file_load_from_file (cli->config, cli->config_file, G_KEY_FILE_NONE, &error))
        {
          g_prefix_error (&error, _("The configuration file %s cannot be read: "),
                          cli->config_file);
          *status = fail (cli, error);
          return FALSE;
        }
    }
  return TRUE;
}

/* A string setting: the option if given, else the config file's key. */
static char *
setting (Cli        *cli,
         const char *option_value,
         const char *key)
{
  if (option_value != NULL)
    return g_strdup (option_value);
  if (cli->config != NULL)
    {
      g_autofree char *value = g_key_file_get_string (cli->config, CONFIG_GROUP, key, NULL);

      if (value != NULL)
        return g_strstrip (g_steal_pointer (&value));
    }
  return NULL;
}

/* An integer option not given on the command line: the configuration file
 * or the default decides. Any number given, negative ones too, is checked. */
#define OPTION_UNSET G_MININT64

static gboolean
int_setting (Cli         *cli,
             gint64       option_value,
             const char  *key,
             gint64       fallback,
             gint64       min,
             gint64       max,
             gint64      *value,
             GError     **error)
{
  *value = fallback;
  if (option_value != OPTION_UNSET)
    *value = option_value;
  else if (cli->config != NULL && g_key_file_has_key (cli->config, CONFIG_GROUP, key, NULL))
    {
      g_autoptr(GError) local_error = NULL;

      *value = g_key_file_get_int64 (cli->config, CONFIG_GROUP, key, &local_error);
      if (local_error != NULL)
        {
          usage_error (error, _("The setting %s in %s must be a whole number"), key,
                       cli->config_file);
          return FALSE;
        }
    }
  if (*value < min || *value > max)
    {
      usage_error (error, _("The value of %s must be between %lld and %lld, not %lld"),
                   key, (long long) min, (long long) max, (long long) *value);
      return FALSE;
    }
  return TRUE;
}

/* `serve` makes the data folder and its store the first time; the other
 * commands only open an existing one, so that a mistyped --data is an error
 * rather than a new, empty server (an enrollment code made there would be
 * refused by the real one). */
static CcmServerStore *
open_store (Cli      *cli,
            gboolean  create,
            GError  **error)
{
  g_autofree char *data_dir = setting (cli, cli->data_dir, "data");
  g_autoptr(CcmClock) clock = NULL;
  g_autoptr(GError) clock_error = NULL;

  if (data_dir == NULL && g_getenv ("STATE_DIRECTORY") != NULL)
    {
      /* systemd may list several folders, separated by colons. */
      g_auto(GStrv) dirs = g_strsplit (g_getenv ("STATE_DIRECTORY"), ":", 2);

      data_dir = g_strdup (dirs[0]);
    }
  if (data_dir == NULL || *data_dir == '\0')
    {
      usage_error (error, _("No data folder: give --data DIR or “data” in the configuration "
                            "file"));
      return NULL;
    }

  if (!create)
    {
      g_autofree char *path = ccm_server_store_path (data_dir);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          usage_error (error, _("There is no server store in %s (no %s there); check --data, "
                                "or start “contoso-server serve --data %s” once to make one"),
                       data_dir, "server.db", data_dir);
          return NULL;
        }
    }

  clock = ccm_clock_new_from_environment (&clock_error);
  if (clock == NULL)
    {
      usage_error (error, "%s", clock_error->message);
      return NULL;
    }
  return ccm_server_store_open (data_dir, clock, error);
}

/* serve */

static gboolean
quit_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_message ("Stopping");
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static int
serve_run (Cli    *cli,
           int     argc,
           char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmServerStore) store = NULL;
  g_autoptr(CcmServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *listen = NULL, *cert = NULL, *key = NULL, *url = NULL;
  g_autofree char *listen_option = NULL, *cert_option = NULL, *key_option = NULL;
  gint64 port_option = OPTION_UNSET, poke_option = OPTION_UNSET, port = 0, poke = 0;
  guint term_id, int_id;
  int status;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT64, &port_option,
      N_("Listen on this TCP port; 0 picks a free one (default 8443)"), N_("N") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen_option,
      N_("Listen on this IP address (default 127.0.0.1; 0.0.0.0 or :: for every "
         "interface, which wants TLS)"), N_("ADDR") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_option,
      N_("Serve HTTPS with this PEM certificate (chain)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key_option,
      N_("The PEM private key of --tls-cert"), N_("FILE") },
    { "poke-timeout", 0, 0, G_OPTION_ARG_INT64, &poke_option,
      N_("Answer a waiting /v1/poke after this many seconds (default 25)"), N_("SECONDS") },
    G_OPTION_ENTRY_NULL
  };

  if (!parse (cli, NULL, _("Run the sync server until SIGTERM or SIGINT."), entries, FALSE, 0,
              &argc, &argv, &status))
    return status;

  listen = setting (cli, listen_option, "listen");
  cert = setting (cli, cert_option, "tls-cert");
  key = setting (cli, key_option, "tls-key");
  if (!int_setting (cli, port_option, "port", 8443, 0, G_MAXUINT16, &port, &error) ||
      !int_setting (cli, poke_option, "poke-timeout", CCM_PROTOCOL_POKE_TIMEOUT, 1, 3600,
                    &poke, &error))
    return fail (cli, error);
  if ((cert == NULL) != (key == NULL))
    {
      usage_error (&error, _("TLS needs both a certificate (--tls-cert) and its key "
                             "(--tls-key)"));
      return fail (cli, error);
    }

  store = open_store (cli, TRUE, &error);
  if (store == NULL)
    return fail (cli, error);

  server = ccm_server_new (store);
  ccm_server_set_poke_timeout (server, poke);
  if (cert != NULL && !ccm_server_set_tls_files (server, cert, key, &error))
    {
      g_prefix_error (&error, _("The TLS certificate or key cannot be used: "));
      return fail (cli, error);
    }
  if (!ccm_server_listen (server, listen, port, &error))
    return fail (cli, error);

  /* Process managers' timers (reservation expiry) run here: the server is
   * the authority for enrolled devices. */
  ccm_store_watch (ccm_server_store_get_store (store));

  url = ccm_server_get_url (server);
  g_print ("listening on %s\n", url);
  fflush (stdout);
  g_message ("Serving %s on %s (server %s, epoch %s)",
             ccm_store_get_path (ccm_server_store_get_store (store)), url,
             ccm_server_store_get_server_id (store), ccm_server_store_get_epoch (store));

  loop = g_main_loop_new (NULL, FALSE);
  term_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  int_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (term_id);
  g_source_remove (int_id);

  ccm_server_disconnect (server);
  return CCM_SERVER_EXIT_OK;
}

/* enroll-code */

static int
enroll_code_run (Cli    *cli,
                 int     argc,
                 char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmServerStore) store = NULL;
  g_autofree char *role_text = NULL, *name = NULL, *code = NULL, *expires_text = NULL;
  g_auto(GStrv) conferences = NULL;
  gint64 minutes_option = OPTION_UNSET, minutes = 0;
  CcmRole role;
  int status;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text,
      N_("The device’s role: admin, organizer, desk, checkin or viewer"), N_("ROLE") },
    { "conference", 0, 0, G_OPTION_ARG_STRING_ARRAY, &conferences,
      N_("Limit the device to this conference (repeat for several; none: all)"), N_("SLUG") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("A name for the device, unless it gives its own"), N_("NAME") },
    { "expires-in", 0, 0, G_OPTION_ARG_INT64, &minutes_option,
      N_("The code is valid this many minutes (default 60)"), N_("MINUTES") },
    G_OPTION_ENTRY_NULL
  };

  if (!parse (cli, NULL, _("Print a one-time code a device enrolls with (POST /v1/enroll)."),
              entries, TRUE, 0, &argc, &argv, &status))
    return status;

  if (role_text == NULL)
    {
      usage_error (&error, _("The option --role is missing"));
      return fail (cli, error);
    }
  if (!ccm_role_from_string (role_text, &role))
    {
      usage_error (&error, _("“%s” is not a role; use admin, organizer, desk, checkin or "
                             "viewer"), role_text);
      return fail (cli, error);
    }
  for (guint i = 0; conferences != NULL && conferences[i] != NULL; i++)
    if (!ccm_validate_slug (conferences[i], NULL))
      {
        usage_error (&error, _("“%s” is not a conference slug"), conferences[i]);
        return fail (cli, error);
      }
  if (!int_setting (cli, minutes_option, "expires-in", DEFAULT_CODE_MINUTES, 1,
                    MAX_CODE_MINUTES, &minutes, &error))
    return fail (cli, error);

  store = open_store (cli, FALSE, &error);
  if (store == NULL)
    return fail (cli, error);

  code = ccm_server_store_create_code (store, role, (const char *const *) conferences, name,
                                       minutes * 60 * G_USEC_PER_SEC, &error);
  if (code == NULL)
    return fail (cli, error);

  expires_text = ccm_time_format (ccm_server_store_now (store) + minutes * 60 * G_USEC_PER_SEC);
  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      JsonArray *array = json_array_new ();

      for (guint i = 0; conferences != NULL && conferences[i] != NULL; i++)
        json_array_add_string_element (array, conferences[i]);
      json_object_set_string_member (o, "code", code);
      json_object_set_string_member (o, "role", ccm_role_to_string (role));
      json_object_set_array_member (o, "conferences", array);
      json_object_set_string_member (o, "expires_at", expires_text);
      print_json_object (o);
    }
  else
    g_print ("%s\n", code);
  return CCM_SERVER_EXIT_OK;
}

/* devices */

static int
devices_list_run (Cli    *cli,
                  int     argc,
                  char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmServerStore) store = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  int status;

  if (!parse (cli, NULL, _("List the enrolled devices."), NULL, TRUE, 0, &argc, &argv, &status))
    return status;

  store = open_store (cli, FALSE, &error);
  if (store == NULL)
    return fail (cli, error);
  devices = ccm_server_store_list_devices (store, &error);
  if (devices == NULL)
    return fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; i < devices->len; i++)
        json_array_add_object_element (array, ccm_device_to_json (g_ptr_array_index (devices, i)));
      node = json_node_init_array (json_node_alloc (), array);
      print_json (node);
      return CCM_SERVER_EXIT_OK;
    }

  if (devices->len == 0)
    g_print (_("No devices are enrolled; see “contoso-server enroll-code --help”.\n"));
  for (guint i = 0; i < devices->len; i++)
    {
      CcmDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *conferences = device->conferences[0] != NULL
                                     ? g_strjoinv (",", device->conferences)
                                     : g_strdup (_("all conferences"));

      g_autofree char *seen = device->last_seen_at != 0
                              ? ccm_time_format (device->last_seen_at)
                              : g_strdup (_("never"));

      /* TRANSLATORS: "seen" and the time the device last reached the server, or "never" */
      g_print (_("%s  %-10s %-20s %-24s seq %-6lld seen %-24s %s\n"),
               device->id, ccm_role_to_string (device->role), device->name, conferences,
               (long long) device->last_seq, seen, device->revoked_at != 0 ? _("revoked") : "");
    }
  return CCM_SERVER_EXIT_OK;
}

static int
devices_revoke_run (Cli    *cli,
                    int     argc,
                    char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmServerStore) store = NULL;
  g_autoptr(CcmDevice) device = NULL;
  int status;

  if (!parse (cli, "ID", _("Revoke a device: its tokens stop working and it cannot get new "
                           "ones. What it holds stays on it."),
              NULL, TRUE, 1, &argc, &argv, &status))
    return status;

  store = open_store (cli, FALSE, &error);
  if (store == NULL)
    return fail (cli, error);
  if (!ccm_server_store_revoke_device (store, argv[1], &error) ||
      (device = ccm_server_store_get_device (store, argv[1], &error)) == NULL)
    return fail (cli, error);

  if (cli->json)
    print_json_object (ccm_device_to_json (device));
  else
    g_print (_("Revoked device %s (%s).\n"), device->id, device->name);
  return CCM_SERVER_EXIT_OK;
}

/* conflicts */

/* A device as the conflict list names it: by its name, with the id that
 * “devices revoke” takes; by the id alone when it has no name here. */
static char *
device_label (const char *name,
              const char *id)
{
  if (id == NULL)
    return g_strdup ("—");
  if (name == NULL || *name == '\0')
    return g_strdup (id);
  /* TRANSLATORS: a device's name, then its id */
  return g_strdup_printf (_("%s (%s)"), name, id);
}

static int
conflicts_list_run (Cli    *cli,
                    int     argc,
                    char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmServerStore) store = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  int status;

  if (!parse (cli, NULL, _("List the commands the server rejected, and the conflicts it "
                           "recorded, oldest first, each with whether a desk marked it "
                           "resolved."), NULL, TRUE, 0, &argc, &argv, &status))
    return status;

  store = open_store (cli, FALSE, &error);
  if (store == NULL)
    return fail (cli, error);
  conflicts = ccm_server_store_list_conflicts (store, &error);
  if (conflicts == NULL)
    return fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) node = NULL;

      for (guint i = 0; i < conflicts->len; i++)
        json_array_add_object_element (array, json_object_ref (g_ptr_array_index (conflicts, i)));
      node = json_node_init_array (json_node_alloc (), array);
      print_json (node);
      return CCM_SERVER_EXIT_OK;
    }

  if (conflicts->len == 0)
    g_print (_("No conflicts.\n"));
  for (guint i = 0; i < conflicts->len; i++)
    {
      JsonObject *o = g_ptr_array_index (conflicts, i);
      g_autofree char *device = device_label (ccm_json_string (o, "device_name"),
                                              ccm_json_string (o, "device_id"));
      gint64 seq = ccm_json_int (o, "seq", 0);

      g_print ("%s  %s", json_object_get_string_member (o, "recorded_at"), device);
      /* A conflict the domain recorded came from no one command of the device. */
      if (seq > 0)
        g_print (" seq %" G_GINT64_FORMAT, seq);
      g_print ("  %s  %s: %s\n",
               json_object_get_string_member (o, "type"),
               json_object_get_string_member (o, "error"),
               json_object_get_string_member (o, "message"));
      if (ccm_json_bool (o, "resolved"))
        {
          const char *note = ccm_json_string (o, "resolution_note");
          g_autofree char *by = ccm_json_string (o, "resolved_by") != NULL
                                ? device_label (ccm_json_string (o, "resolved_by_name"),
                                                ccm_json_string (o, "resolved_by"))
                                : g_strdup (_("a device"));

          /* TRANSLATORS: when, and by which device; then the note it left, if any */
          g_print (_("    resolved %s by %s"), ccm_json_string (o, "resolved_at"), by);
          if (note != NULL && *note != '\0')
            g_print (": %s", note);
          g_print ("\n");
        }
    }
  return CCM_SERVER_EXIT_OK;
}

/* backup, rebuild */

static int
backup_run (Cli    *cli,
            int     argc,
            char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmServerStore) store = NULL;
  int status;

  if (!parse (cli, "FILE", _("Copy the server’s store to FILE while it runs (the file must not "
                             "exist). A restored copy has its own epoch: devices pull it "
                             "from the start."),
              NULL, TRUE, 1, &argc, &argv, &status))
    return status;

  store = open_store (cli, FALSE, &error);
  if (store == NULL)
    return fail (cli, error);
  if (!ccm_server_store_backup (store, argv[1], &error))
    return fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      json_object_set_string_member (o, "backup", argv[1]);
      json_object_set_int_member (o, "events",
                                  ccm_store_count_events (ccm_server_store_get_store (store)));
      print_json_object (o);
    }
  else
    g_print (_("Backed up %lld events to %s.\n"),
             (long long) ccm_store_count_events (ccm_server_store_get_store (store)), argv[1]);
  return CCM_SERVER_EXIT_OK;
}

static int
rebuild_run (Cli    *cli,
             int     argc,
             char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmServerStore) store = NULL;
  int status;

  if (!parse (cli, NULL, _("Drop every read model of the server’s store and replay it from "
                           "the event log."), NULL, TRUE, 0, &argc, &argv, &status))
    return status;

  store = open_store (cli, FALSE, &error);
  if (store == NULL)
    return fail (cli, error);
  if (!ccm_store_rebuild (ccm_server_store_get_store (store), &error))
    return fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      json_object_set_int_member (o, "events",
                                  ccm_store_count_events (ccm_server_store_get_store (store)));
      print_json_object (o);
    }
  else
    g_print (_("Rebuilt the read models from %lld events.\n"),
             (long long) ccm_store_count_events (ccm_server_store_get_store (store)));
  return CCM_SERVER_EXIT_OK;
}

static const Verb verbs[] = {
  { "serve", NULL, N_("Run the sync server"), serve_run },
  { "enroll-code", NULL, N_("Print a one-time code for enrolling a device"), enroll_code_run },
  { "devices list", NULL, N_("List the enrolled devices"), devices_list_run },
  { "devices revoke", "ID", N_("Revoke a device"), devices_revoke_run },
  { "conflicts list", NULL, N_("List rejected commands and recorded conflicts"),
    conflicts_list_run },
  { "backup", "FILE", N_("Copy the store while the server runs"), backup_run },
  { "rebuild", NULL, N_("Replay the read models from the event log"), rebuild_run },
};

static void
print_usage (void)
{
  g_print ("%s\n\n%s\n", _("Usage:\n  contoso-server COMMAND [OPTION…]"),
           _("The Contoso Conference sync server.\n\nCommands:"));
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    g_print ("  %-16s %s\n", verbs[i].name, _(verbs[i].summary));
  g_print ("\n%s\n", _("Run “contoso-server COMMAND --help” for the options of each command."));
}

/* The verb's name within a group of commands ("list" of "devices list"), or
 * NULL when the verb is not of that group. */
static const char *
name_in_group (const Verb *verb,
               const char *group)
{
  gsize n = strlen (group);

  if (strncmp (verb->name, group, n) == 0 && verb->name[n] == ' ')
    return verb->name + n + 1;
  return NULL;
}

/* Whether `word` begins a command of two words ("devices", "conflicts"). */
static gboolean
is_group (const char *word)
{
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (name_in_group (&verbs[i], word) != NULL)
      return TRUE;
  return FALSE;
}

/* The commands of a group, as `contoso-server GROUP --help` lists them. */
static void
print_group_usage (const char *group)
{
  /* TRANSLATORS: the first %s is a group of commands, such as "devices" */
  g_print (_("Usage:\n  contoso-server %s COMMAND [OPTION…]\n\nCommands:\n"), group);
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      const char *name = name_in_group (&verbs[i], group);

      if (name != NULL)
        g_print ("  %-16s %s\n", name, _(verbs[i].summary));
    }
  g_print ("\n");
  g_print (_("Run “contoso-server %s COMMAND --help” for the options of each command.\n"), group);
}

int
ccm_server_cli_run (int    argc,
                    char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  Cli cli = { 0, };
  gboolean group;
  int status;

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage ();
      return argc < 2 ? CCM_SERVER_EXIT_USAGE : CCM_SERVER_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("contoso-server %s\n", PACKAGE_VERSION);
      return CCM_SERVER_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      g_auto(GStrv) name = g_strsplit (verbs[i].name, " ", -1);
      guint n = g_strv_length (name);
      gboolean match = (guint) argc > n;

      for (guint j = 0; match && j < n; j++)
        match = g_str_equal (argv[1 + j], name[j]);
      if (!match)
        continue;

      path = g_strconcat ("contoso-server ", verbs[i].name, NULL);
      cli.command_path = path;
      /* The verb sees argv[0] = its name, then what follows it. */
      status = verbs[i].run (&cli, argc - n, argv + n);
      cli_clear (&cli);
      return status;
    }

  cli.command_path = "contoso-server";
  group = is_group (argv[1]);
  if (group && argc > 2 && (g_str_equal (argv[2], "--help") || g_str_equal (argv[2], "-h")))
    {
      print_group_usage (argv[1]);
      return CCM_SERVER_EXIT_OK;
    }
  if (group)
    {
      /* Its errors point to the group's own help. */
      path = g_strconcat ("contoso-server ", argv[1], NULL);
      cli.command_path = path;
      usage_error (&error, argc > 2 ? _("Unknown command “%s %s”") : _("A command must follow “%s”%s"),
                   argv[1], argc > 2 ? argv[2] : "");
    }
  else
    usage_error (&error, _("Unknown command “%s”"), argv[1]);
  status = fail (&cli, error);
  cli_clear (&cli);
  return status;
}
