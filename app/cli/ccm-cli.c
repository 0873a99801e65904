/* ccm-cli.c — `contoso`: global options, the verb tree, errors and output
 *
 * The command line is a tree of verbs: groups ("conference") hold leaves
 * ("create"). Each level parses its own options with a GOptionContext, so
 * `--help` works on every level and lists exactly that level's options.
 * Global options come before the first verb; GOption's strict POSIX mode
 * stops there and leaves the rest to the verb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include <stdio.h>
#include <string.h>

#include "ccm-cli-private.h"
#include "ccm-domain.h"
#include "ccm-errors.h"
#include "ccm-id.h"

G_DEFINE_QUARK (ccm-cli-error-quark, ccm_cli_error)

extern const CcmCliVerb ccm_cli_allotment_verbs[];

/* The nouns and top-level verbs, each from its own ccm-cli-<noun>.c. */
static const CcmCliVerb toplevel_verbs[] = {
  { "status", N_("Show the store file, its schema version, event count and pending timers"),
    NULL, NULL, ccm_cli_status_run, NULL },
  { "log", N_("Print the event log as JSON lines, one event per line"),
    NULL, N_("Each line is one event as JSON, whatever --json says."), ccm_cli_log_run, NULL },
  { "rebuild", N_("Drop every read model and replay it from the event log"),
    NULL, NULL, ccm_cli_rebuild_run, NULL },
  { "conference", N_("Create, change, publish and list conferences"),
    N_("COMMAND"), NULL, NULL, ccm_cli_conference_verbs },
  { "seat-type", N_("Add, change and remove a conference’s seat types"),
    N_("COMMAND"), NULL, NULL, ccm_cli_seat_type_verbs },
  { "order", N_("Place, change, pay, cancel and look up orders"),
    N_("COMMAND"), NULL, NULL, ccm_cli_order_verbs },
  { "attendee", N_("Assign the seats of confirmed orders and list attendees"),
    N_("COMMAND"), NULL, NULL, ccm_cli_attendee_verbs },
  { "checkin", N_("Admit a ticket at the door, record its exit, or take either back"),
    N_("CODE | list SLUG | stats SLUG"),
    N_("CODE is the ticket code (spaces and dashes are ignored). Every scan is recorded; "
       "a ticket already inside, of a cancelled order or unknown is flagged and goes to "
       "the attention list. The exit status is 0 whenever the scan was recorded.\n\n"
       "“contoso checkin list SLUG” lists the attendees with their check-in state "
       "(--search, --admitted, --not-admitted); “contoso checkin stats SLUG” counts "
       "admissions per seat type and per hour. Each has its own --help."),
    ccm_cli_checkin_run, NULL },
  { "badge", N_("Print attendee badges with their ticket’s QR code to PDF"),
    N_("COMMAND"), NULL, NULL, ccm_cli_badge_verbs },
  { "export", N_("Write a conference’s attendees or orders as CSV"),
    N_("COMMAND"), NULL, NULL, ccm_cli_export_verbs },
  { "import", N_("Give seats to the people of a partner’s CSV attendee list"),
    N_("COMMAND"), NULL, NULL, ccm_cli_import_verbs },
  { "waitlist", N_("Join and list the waitlists of sold-out seat types"),
    N_("COMMAND"), NULL, NULL, ccm_cli_waitlist_verbs },
  { "allotment", N_("Lease seats to desks: grant, request, return and list allotments"),
    N_("COMMAND"), NULL, NULL, ccm_cli_allotment_verbs },
  { "attention", N_("What needs a person: late payments, refunds, odd admissions"),
    N_("COMMAND"), NULL, NULL, ccm_cli_attention_verbs },
  { "demo", N_("Fill the store with a realistic demo conference"),
    NULL, NULL, ccm_cli_demo_run, NULL },
  { "device", N_("Enroll this store with a sync server"),
    N_("COMMAND"), NULL, NULL, ccm_cli_device_verbs },
  { "sync", N_("Send pending commands to the sync server and fetch what is new"),
    N_("[status]"),
    N_("“contoso sync” runs one round; “--watch” keeps syncing until interrupted; "
       "“contoso sync status” shows the server, device id, pending commands, last sync, "
       "server-time offset and how the last round ended, without contacting the server. A "
       "pending command is one this "
       "desk ran that the server has not confirmed yet; it is never dropped.\n\n"
       "Exit status: 0 synced, 1 the server refused this device (revoked: the names and "
       "e-mail addresses in the store are removed), 2 usage error (or the store is not "
       "enrolled), 3 the server could not be reached or failed; the pending commands are "
       "kept.\n\n"
       "Environment: CONTOSO_TLS_CA names a CA certificate (PEM) trusted besides the "
       "system’s."),
    ccm_cli_sync_run, NULL },
  { NULL }
};

static void
ccm_cli_free (CcmCli *cli)
{
  g_free (cli->store_path);
  g_clear_object (&cli->store);
  g_clear_object (&cli->clock);
  g_free (cli->command_path);
  g_free (cli);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmCli, ccm_cli_free)

void
ccm_cli_set_usage_error (GError     **error,
                         const char  *format,
                         ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (CCM_CLI_ERROR, CCM_CLI_ERROR_USAGE,
                                                format, args));
  va_end (args);
}

/* Output */

static char *
json_to_text (JsonNode *node,
              gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* JSON is written as UTF-8 whatever the locale: it is for programs. */
void
ccm_cli_print_json (JsonNode *node)
{
  g_autofree char *text = json_to_text (node, TRUE);

  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
ccm_cli_print_json_object (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  ccm_cli_print_json (node);
}

static const char *
error_reason (const GError *error)
{
  static const char *const domain_reasons[] = {
    "invalid", "not-found", "conflict", "forbidden",
  };
  static const char *const store_reasons[] = {
    "failed", "not-a-store", "newer-schema", "corrupt", "io", "busy",
    "read-only", "concurrency", "unknown-command", "projection",
  };

  if (error->domain == CCM_DOMAIN_ERROR &&
      error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (domain_reasons))
    return domain_reasons[error->code];
  if (error->domain == CCM_STORE_ERROR &&
      error->code >= 0 && (gsize) error->code < G_N_ELEMENTS (store_reasons))
    return store_reasons[error->code];
  if (error->domain == CCM_CLI_ERROR || error->domain == G_OPTION_ERROR ||
      error->domain == G_CONVERT_ERROR)
    return "usage";
  return "failed";
}

int
ccm_cli_fail (CcmCli       *cli,
              const GError *error)
{
  g_autofree char *sentence = NULL;
  const char *kind;
  const char *field = NULL;
  int status;
  gsize len;

  g_return_val_if_fail (error != NULL, CCM_CLI_EXIT_STORAGE);

  if (error->domain == CCM_DOMAIN_ERROR)
    {
      status = CCM_CLI_EXIT_REJECTED;
      kind = "rejected";
      field = ccm_domain_error_get_field (error);
    }
  else if (error->domain == CCM_CLI_ERROR || error->domain == G_OPTION_ERROR ||
           error->domain == G_CONVERT_ERROR)
    {
      status = CCM_CLI_EXIT_USAGE;
      kind = "usage";
    }
  else
    {
      status = CCM_CLI_EXIT_STORAGE;
      kind = "storage";
    }

  /* One line: the message as a sentence, and for usage errors where to look.
   * An option's text that is not in the system's character set fails
   * GOption's conversion, whose message names no option. */
  if (error->domain == G_CONVERT_ERROR)
    sentence = g_strdup_printf (_("An option’s text is not in this system’s character set: %s"),
                                error->message);
  else
    sentence = g_strdup (error->message);
  len = strlen (sentence);
  while (len > 0 && (sentence[len - 1] == '.' || g_ascii_isspace (sentence[len - 1])))
    sentence[--len] = '\0';
  if (status == CCM_CLI_EXIT_USAGE && !g_error_matches (error, CCM_CLI_ERROR,
                                                        CCM_CLI_ERROR_ENVIRONMENT))
    g_printerr (_("contoso: %s (see “%s --help”).\n"), sentence,
                cli->command_path != NULL ? cli->command_path : "contoso");
  else
    g_printerr (_("contoso: %s.\n"), sentence);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      json_object_set_string_member (o, "error", kind);
      json_object_set_string_member (o, "reason", error_reason (error));
      json_object_set_string_member (o, "message", error->message);
      if (field != NULL)
        json_object_set_string_member (o, "field", field);
      else
        json_object_set_null_member (o, "field");
      json_object_set_int_member (o, "exit_status", status);
      ccm_cli_print_json_object (o);
    }

  return status;
}

/* The store and the command path */

static CcmClock *
get_clock (CcmCli  *cli,
           GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (cli->clock == NULL)
    {
      cli->clock = ccm_clock_new_from_environment (&local_error);
      if (cli->clock == NULL)
        g_set_error_literal (error, CCM_CLI_ERROR, CCM_CLI_ERROR_ENVIRONMENT,
                             local_error->message);
    }
  return cli->clock;
}

CcmStore *
ccm_cli_get_store (CcmCli  *cli,
                   GError **error)
{
  g_autoptr(CcmRegistry) registry = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autofree char *path = NULL;
  CcmClock *clock;
  GError *timer_error = NULL;

  g_return_val_if_fail (cli != NULL, NULL);

  if (cli->store != NULL)
    return cli->store;

  if ((clock = get_clock (cli, error)) == NULL)
    return NULL;

  path = cli->store_path != NULL ? g_strdup (cli->store_path) : ccm_store_default_path ();
  registry = ccm_domain_registry_new ();
  store = ccm_store_open (path, registry, clock, error);
  if (store == NULL)
    return NULL;

  /* Reservations may have run out while nobody ran the program. */
  ccm_store_run_due_timers (store, &timer_error);
  if (timer_error != NULL)
    {
      g_propagate_error (error, timer_error);
      return NULL;
    }

  cli->store = g_steal_pointer (&store);
  return cli->store;
}

char *
ccm_cli_new_id (CcmCli *cli)
{
  CcmClock *clock;

  g_return_val_if_fail (cli != NULL, NULL);

  /* A bad CONTOSO_NOW is reported when the store opens; an id made
   * meanwhile may as well use the real time. */
  clock = get_clock (cli, NULL);
  return ccm_id_new (clock != NULL ? ccm_clock_now (clock) : g_get_real_time ());
}

/* Takes ownership of args. Every command gets a fresh id, so running the
 * same command line twice does it twice, as a user expects. */
CcmOutcome *
ccm_cli_execute (CcmCli      *cli,
                 const char  *type,
                 JsonObject  *args,
                 GError     **error)
{
  g_autoptr(CcmCommand) command = NULL;
  g_autofree char *command_id = NULL;
  CcmStore *store;

  g_return_val_if_fail (cli != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);

  store = ccm_cli_get_store (cli, error);
  if (store == NULL)
    {
      json_object_unref (args);
      return NULL;
    }

  command_id = ccm_cli_new_id (cli);
  command = ccm_command_new (type, command_id, args);
  command->issued_at = ccm_clock_now (ccm_store_get_clock (store));
  return ccm_store_submit (store, command, error);
}

char *
ccm_cli_changed_fields (CcmCli             *cli,
                        CcmOutcome         *outcome,
                        const char * const *fields)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  CcmStore *store;

  g_return_val_if_fail (cli != NULL, NULL);
  g_return_val_if_fail (outcome != NULL, NULL);

  if (outcome->n_events == 0 || (store = ccm_cli_get_store (cli, NULL)) == NULL)
    return NULL;

  events = ccm_store_read_all (store, outcome->first_position - 1, outcome->n_events, NULL);
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      CcmEvent *event = g_ptr_array_index (events, i);
      g_autoptr(GList) members = json_object_get_members (event->payload);

      for (GList *l = members; l != NULL; l = l->next)
        {
          if (fields != NULL && !g_strv_contains (fields, l->data))
            continue;
          g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "",
                                  (const char *) l->data);
        }
    }

  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Parsing */

static const char *
translate (const char *text,
           gpointer    data)
{
  return _(text);
}

static char *
children_summary (const CcmCliVerb *verb)
{
  g_autoptr(GString) text = g_string_new (_(verb->summary));
  guint width = 0;

  for (const CcmCliVerb *child = verb->children; child->name != NULL; child++)
    width = MAX (width, strlen (child->name));

  g_string_append_printf (text, "\n\n%s", _("Commands:"));
  for (const CcmCliVerb *child = verb->children; child->name != NULL; child++)
    g_string_append_printf (text, "\n  %-*s  %s", (int) width, child->name,
                            _(child->summary));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Every level answers --help itself (GOption's own would exit the process)
 * and accepts --json, which is a global option repeated for convenience. */
static GOptionContext *
new_context (CcmCli             *cli,
             const CcmCliVerb   *verb,
             const GOptionEntry *entries,
             gboolean            with_json)
{
  const GOptionEntry common[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      N_("Print one JSON document on stdout; on failure also a JSON error object"), NULL },
    G_OPTION_ENTRY_NULL
  };
  const GOptionEntry help[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &cli->help, N_("Show this help"), NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionContext *context;

  context = g_option_context_new (verb->parameters != NULL ? _(verb->parameters) : NULL);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_translate_func (context, translate, NULL, NULL);
  if (verb->children != NULL)
    {
      g_autofree char *summary = children_summary (verb);

      g_option_context_set_summary (context, summary);
      g_option_context_set_strict_posix (context, TRUE);
    }
  else
    g_option_context_set_summary (context, _(verb->summary));
  if (verb->description != NULL)
    g_option_context_set_description (context, _(verb->description));

  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  if (with_json)
    g_option_context_add_main_entries (context, common, NULL);
  g_option_context_add_main_entries (context, help, NULL);
  return context;
}

static void
print_help (CcmCli         *cli,
            GOptionContext *context)
{
  g_autofree char *help = NULL;

  /* GOption writes the usage line with the program name. */
  g_set_prgname (cli->command_path);
  help = g_option_context_get_help (context, TRUE, NULL);
  g_print ("%s", help);
}

/* The name of the first missing positional argument, from "SLUG NAME". */
static char *
missing_argument (const char *parameters,
                  guint       index)
{
  g_auto(GStrv) names = g_strsplit (parameters != NULL ? _(parameters) : "", " ", -1);

  if (index < g_strv_length (names))
    return g_strdup (g_strdelimit (names[index], "[]…", ' '));
  return g_strdup (_("ARGUMENT"));
}

gboolean
ccm_cli_parse (CcmCli              *cli,
               const GOptionEntry  *entries,
               guint                min_args,
               guint                max_args,
               int                 *argc,
               char              ***argv,
               int                 *status)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  guint n_args;

  g_return_val_if_fail (cli != NULL && cli->verb != NULL, FALSE);
  g_return_val_if_fail (status != NULL, FALSE);

  context = new_context (cli, cli->verb, entries, TRUE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = ccm_cli_fail (cli, error);
      return FALSE;
    }
  if (cli->help)
    {
      print_help (cli, context);
      *status = CCM_CLI_EXIT_OK;
      return FALSE;
    }

  /* GOption leaves the "--" that ended the options (so that a name may
   * start with a dash); it is not an argument. */
  for (int i = 1; i < *argc; i++)
    if (g_str_equal ((*argv)[i], "--"))
      {
        memmove (&(*argv)[i], &(*argv)[i + 1], (*argc - i - 1) * sizeof (char *));
        (*argc)--;
        break;
      }

  n_args = *argc - 1;
  if (n_args < min_args)
    {
      g_autofree char *name = missing_argument (cli->verb->parameters, n_args);

      g_strstrip (name);
      ccm_cli_set_usage_error (&error, _("The argument %s is missing"), name);
      *status = ccm_cli_fail (cli, error);
      return FALSE;
    }
  if (n_args > max_args)
    {
      ccm_cli_set_usage_error (&error, _("Unexpected argument “%s”"), (*argv)[1 + max_args]);
      *status = ccm_cli_fail (cli, error);
      return FALSE;
    }
  return TRUE;
}

/* Runs the verb named by argv[1] among verb's children; argv[0] names verb. */
static int
run_child (CcmCli           *cli,
           const CcmCliVerb *verb,
           int               argc,
           char            **argv)
{
  g_autoptr(GError) error = NULL;
  const CcmCliVerb *child = NULL;
  g_autofree char *parent_path = g_strdup (cli->command_path);

  if (argc < 2)
    {
      ccm_cli_set_usage_error (&error, _("No command given"));
      return ccm_cli_fail (cli, error);
    }

  for (const CcmCliVerb *c = verb->children; c->name != NULL; c++)
    if (g_str_equal (c->name, argv[1]))
      child = c;

  if (child == NULL)
    {
      ccm_cli_set_usage_error (&error, _("Unknown command “%s”"), argv[1]);
      return ccm_cli_fail (cli, error);
    }

  g_free (cli->command_path);
  cli->command_path = g_strconcat (parent_path, " ", child->name, NULL);
  cli->verb = child;

  if (child->run != NULL)
    return child->run (cli, argc - 1, argv + 1);

  /* A group: its own options (only --help and --json), then its child. */
  {
    g_autoptr(GOptionContext) context = new_context (cli, child, NULL, TRUE);
    int child_argc = argc - 1;
    char **child_argv = argv + 1;

    if (!g_option_context_parse (context, &child_argc, &child_argv, &error))
      return ccm_cli_fail (cli, error);
    if (cli->help)
      {
        print_help (cli, context);
        return CCM_CLI_EXIT_OK;
      }
    return run_child (cli, child, child_argc, child_argv);
  }
}

int
ccm_cli_run (int    argc,
             char **argv)
{
  g_autoptr(CcmCli) cli = g_new0 (CcmCli, 1);
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean version = FALSE;
  const CcmCliVerb root = {
    "contoso",
    N_("Manage conferences, seat types, orders, attendees and check-in in the local event "
       "store of Contoso Conference."),
    N_("COMMAND"),
    N_("Exit status: 0 success, 1 the command was rejected (a rule of the domain refused it), "
       "2 usage error, 3 the store could not be opened, read or written.\n\n"
       "Errors are one sentence on stderr. With --json, a command prints one JSON document "
       "on stdout and a failure also prints a JSON object {error, reason, message, field, "
       "exit_status} there (“log” always prints JSON lines). Amounts in JSON are integer cents.\n\n"
       "Environment: CONTOSO_STORE names the default store file; CONTOSO_NOW (an ISO 8601 "
       "time) fixes the program’s clock.\n\n"
       "Run “contoso COMMAND --help” for the options of each command."),
    NULL,
    toplevel_verbs,
  };
  const GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &cli->store_path,
      N_("Use the store FILE instead of the default (CONTOSO_STORE, or "
         "contoso-conference/store.db in the user’s data folder)"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the program’s version"), NULL },
    G_OPTION_ENTRY_NULL
  };

  cli->command_path = g_strdup ("contoso");
  cli->verb = &root;

  context = new_context (cli, &root, entries, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return ccm_cli_fail (cli, error);

  if (cli->help)
    {
      print_help (cli, context);
      return CCM_CLI_EXIT_OK;
    }

  if (version)
    {
      if (cli->json)
        {
          g_autoptr(JsonObject) o = json_object_new ();

          json_object_set_string_member (o, "name", "contoso");
          json_object_set_string_member (o, "version", PACKAGE_VERSION);
          json_object_set_int_member (o, "schema_version", CCM_STORE_SCHEMA_VERSION);
          ccm_cli_print_json_object (o);
        }
      else
        g_print ("contoso %s\n", PACKAGE_VERSION);
      return CCM_CLI_EXIT_OK;
    }

  return run_child (cli, &root, argc, argv);
}
