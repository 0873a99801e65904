/* ccm-cli-conference.c — `contoso conference create|update|publish|unpublish|list|show`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include <string.h>

#include "ccm-cli-private.h"
#include "ccm-conference-views.h"
#include "ccm-conference.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-money.h"
#include "ccm-order-views.h"

/* Length of a conference's generated access code, from the order code
 * alphabet (no look-alike characters). */
#define CONFERENCE_ACCESS_CODE_LENGTH 8

typedef enum
{
  FIELD_TEXT,
  FIELD_DATE,
  FIELD_MINUTES,
} FieldKind;

/* The editable fields of a conference: option, command argument, where the
 * option's value lands. Create and update share them. */
typedef struct
{
  char *values[10];
} ConferenceOptions;

static const struct
{
  const char *option;
  const char *member;
  FieldKind   kind;
  gboolean    required;   /* by create */
  const char *description;
  const char *arg_description;
} conference_fields[] = {
  { "name", "name", FIELD_TEXT, TRUE, N_("The conference’s name"), N_("TEXT") },
  { "tagline", "tagline", FIELD_TEXT, FALSE, N_("A one-line tagline"), N_("TEXT") },
  { "description", "description", FIELD_TEXT, FALSE, N_("A longer description"), N_("TEXT") },
  { "location", "location", FIELD_TEXT, FALSE, N_("Where it takes place"), N_("TEXT") },
  { "start", "start_date", FIELD_DATE, TRUE, N_("First day"), N_("YYYY-MM-DD") },
  { "end", "end_date", FIELD_DATE, TRUE, N_("Last day (not before the first)"), N_("YYYY-MM-DD") },
  { "owner-name", "owner_name", FIELD_TEXT, TRUE, N_("The organizer’s name"), N_("TEXT") },
  { "owner-email", "owner_email", FIELD_TEXT, TRUE, N_("The organizer’s e-mail address"),
    N_("ADDRESS") },
  { "currency", "currency", FIELD_TEXT, FALSE,
    N_("ISO 4217 code of the prices (default USD)"), N_("CODE") },
  { "reservation-minutes", "reservation_minutes", FIELD_MINUTES, FALSE,
    N_("How long an unpaid order holds its seats (default 15)"), N_("MINUTES") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (conference_fields) == G_N_ELEMENTS (((ConferenceOptions *) NULL)->values));

static void
conference_options_clear (ConferenceOptions *options)
{
  for (guint i = 0; i < G_N_ELEMENTS (options->values); i++)
    g_clear_pointer (&options->values[i], g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConferenceOptions, conference_options_clear)

static void
conference_options_entries (ConferenceOptions *options,
                            GOptionEntry      *entries)
{
  for (guint i = 0; i < G_N_ELEMENTS (conference_fields); i++)
    entries[i] = (GOptionEntry) {
      conference_fields[i].option, 0, 0, G_OPTION_ARG_STRING, &options->values[i],
      conference_fields[i].description, conference_fields[i].arg_description,
    };
  entries[G_N_ELEMENTS (conference_fields)] = (GOptionEntry) G_OPTION_ENTRY_NULL;
}

/* Puts the given options in args; checks the forms of dates and numbers. */
static gboolean
conference_options_to_args (ConferenceOptions  *options,
                            gboolean            creating,
                            JsonObject         *args,
                            guint              *n_given,
                            GError            **error)
{
  *n_given = 0;

  for (guint i = 0; i < G_N_ELEMENTS (conference_fields); i++)
    {
      const char *value = options->values[i];
      gint64 minutes;

      if (value == NULL)
        {
          if (creating && conference_fields[i].required)
            {
              ccm_cli_set_usage_error (error, _("The option --%s is required"),
                                       conference_fields[i].option);
              return FALSE;
            }
          continue;
        }

      switch (conference_fields[i].kind)
        {
        case FIELD_TEXT:
          json_object_set_string_member (args, conference_fields[i].member, value);
          break;

        case FIELD_DATE:
          if (!ccm_cli_check_date (conference_fields[i].option, value, error))
            return FALSE;
          json_object_set_string_member (args, conference_fields[i].member, value);
          break;

        case FIELD_MINUTES:
          if (!ccm_cli_parse_int (conference_fields[i].option, value,
                                  G_MININT32, G_MAXINT32, &minutes, error))
            return FALSE;
          json_object_set_int_member (args, conference_fields[i].member, minutes);
          break;

        default:
          g_assert_not_reached ();
        }
      (*n_given)++;
    }
  return TRUE;
}

/* What a write command on a conference prints: with --json the outcome and
 * the conference as it now is; otherwise the sentence the caller made. */
int
ccm_cli_report_conference (CcmCli     *cli,
                           CcmOutcome *outcome,
                           const char *slug,
                           const char *sentence)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = NULL;
  JsonObject *conference;
  CcmStore *store;

  g_return_val_if_fail (cli != NULL, CCM_CLI_EXIT_STORAGE);
  g_return_val_if_fail (outcome != NULL, CCM_CLI_EXIT_STORAGE);

  if (!cli->json)
    {
      g_print ("%s\n", sentence);
      return CCM_CLI_EXIT_OK;
    }

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (conference = ccm_conference_views_get (store, slug, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  o = ccm_outcome_to_json (outcome);
  json_object_set_object_member (o, "conference", conference);
  ccm_cli_print_json_object (o);
  return CCM_CLI_EXIT_OK;
}

static int
conference_create (CcmCli  *cli,
                   int      argc,
                   char   **argv)
{
  g_auto(ConferenceOptions) options = { { NULL, } };
  GOptionEntry entries[G_N_ELEMENTS (conference_fields) + 1];
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *conference_id = NULL;
  g_autofree char *access_code = NULL;
  g_autofree char *sentence = NULL;
  const char *slug;
  guint n_given;
  int status;

  conference_options_entries (&options, entries);
  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  slug = argv[1];

  if (!conference_options_to_args (&options, TRUE, args, &n_given, &error))
    return ccm_cli_fail (cli, error);

  /* The command carries its id and random code, so a server re-running it
   * decides the same (DESIGN §5.1). */
  conference_id = ccm_cli_new_id (cli);
  access_code = ccm_random_code (CCM_ACCESS_CODE_ALPHABET, CONFERENCE_ACCESS_CODE_LENGTH);
  json_object_set_string_member (args, "conference_id", conference_id);
  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "access_code", access_code);

  outcome = ccm_cli_execute (cli, "CreateConference", g_steal_pointer (&args), &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  sentence = g_strdup_printf (_("Created conference “%s” (%s) from %s to %s; access code %s."),
                              options.values[0], slug, options.values[4], options.values[5],
                              access_code);
  return ccm_cli_report_conference (cli, outcome, slug, sentence);
}

static int
conference_update (CcmCli  *cli,
                   int      argc,
                   char   **argv)
{
  g_auto(ConferenceOptions) options = { { NULL, } };
  GOptionEntry entries[G_N_ELEMENTS (conference_fields) + 1];
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *sentence = NULL;
  const char *slug;
  guint n_given;
  int status;

  conference_options_entries (&options, entries);
  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  slug = argv[1];

  if (!conference_options_to_args (&options, FALSE, args, &n_given, &error))
    return ccm_cli_fail (cli, error);
  if (n_given == 0)
    {
      ccm_cli_set_usage_error (&error, _("Nothing to update: give at least one option such as --name"));
      return ccm_cli_fail (cli, error);
    }
  json_object_set_string_member (args, "slug", slug);

  /* The version this edit starts from: an edit of the same field made
   * elsewhere since then is recorded as a conflict (DESIGN §5.3). */
  {
    CcmStore *store = ccm_cli_get_store (cli, &error);
    g_autoptr(JsonObject) current = NULL;

    if (store == NULL)
      return ccm_cli_fail (cli, error);
    current = ccm_conference_views_get (store, slug, NULL);
    if (current != NULL)
      json_object_set_int_member (args, "base_version", ccm_json_int (current, "version", 0));
  }

  outcome = ccm_cli_execute (cli, "UpdateConference", g_steal_pointer (&args), &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  changed = ccm_cli_changed_fields (cli, outcome, NULL);
  if (changed != NULL)
    sentence = g_strdup_printf (_("Updated conference %s: %s."), slug, changed);
  else
    sentence = g_strdup_printf (_("Conference %s already had these values; nothing changed."),
                                slug);
  return ccm_cli_report_conference (cli, outcome, slug, sentence);
}

static int
conference_set_published (CcmCli    *cli,
                          int        argc,
                          char     **argv,
                          gboolean   publish)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *sentence = NULL;
  const char *slug;
  int status;

  if (!ccm_cli_parse (cli, NULL, 1, 1, &argc, &argv, &status))
    return status;
  slug = argv[1];

  json_object_set_string_member (args, "slug", slug);
  outcome = ccm_cli_execute (cli, publish ? "PublishConference" : "UnpublishConference",
                             g_steal_pointer (&args), &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  if (publish)
    sentence = g_strdup_printf (outcome->n_events > 0
                                ? _("Published conference %s: it now takes orders.")
                                : _("Conference %s was already published."), slug);
  else
    sentence = g_strdup_printf (outcome->n_events > 0
                                ? _("Unpublished conference %s: it takes no orders now.")
                                : _("Conference %s was not published."), slug);
  return ccm_cli_report_conference (cli, outcome, slug, sentence);
}

static int
conference_publish (CcmCli  *cli,
                    int      argc,
                    char   **argv)
{
  return conference_set_published (cli, argc, argv, TRUE);
}

static int
conference_unpublish (CcmCli  *cli,
                      int      argc,
                      char   **argv)
{
  return conference_set_published (cli, argc, argv, FALSE);
}

static const char *
publication_state (JsonObject *conference)
{
  if (ccm_json_bool (conference, "published"))
    return _("published");
  if (ccm_json_bool (conference, "was_ever_published"))
    return _("unpublished");
  return _("draft");
}

static int
conference_list (CcmCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(CcmCliTable) table = NULL;
  CcmStore *store;
  int status;

  if (!ccm_cli_parse (cli, NULL, 0, 0, &argc, &argv, &status))
    return status;

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (list = ccm_conference_views_list (store, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), list);

      ccm_cli_print_json (node);
      return CCM_CLI_EXIT_OK;
    }

  if (json_array_get_length (list) == 0)
    {
      g_print ("%s\n", _("No conferences yet; create one with “contoso conference create”."));
      return CCM_CLI_EXIT_OK;
    }

  table = ccm_cli_table_new (5);
  ccm_cli_table_set_header (table, _("SLUG"), _("NAME"), _("START"), _("END"), _("STATE"), NULL);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *c = json_array_get_object_element (list, i);

      ccm_cli_table_add_row (table,
                             ccm_json_string (c, "slug"),
                             ccm_json_string (c, "name"),
                             ccm_json_string (c, "start_date"),
                             ccm_json_string (c, "end_date"),
                             publication_state (c),
                             NULL);
    }
  ccm_cli_table_print (table, 0);
  return CCM_CLI_EXIT_OK;
}

static void
add_detail (CcmCliTable *table,
            const char  *label,
            const char  *value)
{
  if (value != NULL && *value != '\0')
    ccm_cli_table_add_row (table, label, value, NULL);
}

static void
print_seat_types (JsonObject *conference)
{
  JsonArray *seat_types = json_object_get_array_member (conference, "seat_types");
  const char *currency = ccm_json_string (conference, "currency");
  g_autoptr(CcmCliTable) table = NULL;

  g_print ("\n%s\n", _("Seat types"));
  if (seat_types == NULL || json_array_get_length (seat_types) == 0)
    {
      g_print ("  %s\n", _("None yet; add one with “contoso seat-type add”."));
      return;
    }

  table = ccm_cli_table_new (4);
  ccm_cli_table_set_header (table, _("NAME"), _("PRICE"), _("QUOTA"), _("DESCRIPTION"), NULL);
  ccm_cli_table_align_right (table, 1);
  ccm_cli_table_align_right (table, 2);
  for (guint i = 0; i < json_array_get_length (seat_types); i++)
    {
      JsonObject *s = json_array_get_object_element (seat_types, i);
      g_autofree char *price = ccm_money_format (ccm_json_int (s, "price", 0), currency,
                                                 CCM_MONEY_PLAIN);
      g_autofree char *quota = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (s, "quota", 0));

      ccm_cli_table_add_row (table, ccm_json_string (s, "name"), price, quota,
                             ccm_json_string (s, "description"), NULL);
    }
  ccm_cli_table_print (table, 2);
}

/* Seats per seat type as the orders left them: available (negative after
 * a quota cut), reserved by open orders, sold, and asked for on the waitlist. */
static void
print_seats (JsonArray  *seats)
{
  g_autoptr(CcmCliTable) table = NULL;

  if (json_array_get_length (seats) == 0)
    return;

  g_print ("\n%s\n", _("Seats"));
  table = ccm_cli_table_new (6);
  ccm_cli_table_set_header (table, _("SEAT TYPE"), _("QUOTA"), _("AVAILABLE"), _("RESERVED"),
                            _("SOLD"), _("WAITING"), NULL);
  for (guint c = 1; c < 6; c++)
    ccm_cli_table_align_right (table, c);
  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      JsonObject *s = json_array_get_object_element (seats, i);
      g_autofree char *quota = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (s, "quota", 0));
      g_autofree char *available = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                    ccm_json_int (s, "available", 0));
      g_autofree char *reserved = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                   ccm_json_int (s, "reserved", 0));
      g_autofree char *sold = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (s, "sold", 0));
      g_autofree char *waiting = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  ccm_json_int (s, "waiting", 0));

      ccm_cli_table_add_row (table, ccm_json_string (s, "name"), quota, available, reserved,
                             sold, waiting, NULL);
    }
  ccm_cli_table_print (table, 2);
}

static int
conference_show (CcmCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) c = NULL;
  g_autoptr(JsonArray) seats = NULL;
  g_autoptr(CcmCliTable) table = NULL;
  g_autofree char *dates = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *minutes = NULL;
  CcmStore *store;
  gint64 n_minutes;
  int status;

  if (!ccm_cli_parse (cli, NULL, 1, 1, &argc, &argv, &status))
    return status;

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (c = ccm_conference_views_get (store, argv[1], &error)) == NULL ||
      (seats = ccm_seat_views_list (store, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      json_object_set_array_member (c, "seats", g_steal_pointer (&seats));
      ccm_cli_print_json_object (c);
      return CCM_CLI_EXIT_OK;
    }

  dates = g_strdup_printf (_("%s to %s"), ccm_json_string (c, "start_date"),
                           ccm_json_string (c, "end_date"));
  owner = g_strdup_printf ("%s <%s>", ccm_json_string (c, "owner_name"),
                           ccm_json_string (c, "owner_email"));
  n_minutes = ccm_json_int (c, "reservation_minutes", 0);
  minutes = g_strdup_printf (ngettext ("%d minute", "%d minutes", (gulong) n_minutes),
                             (int) n_minutes);

  g_print ("%s (%s)\n", ccm_json_string (c, "name"), ccm_json_string (c, "slug"));
  table = ccm_cli_table_new (2);
  add_detail (table, _("State"), publication_state (c));
  add_detail (table, _("Tagline"), ccm_json_string (c, "tagline"));
  add_detail (table, _("Dates"), dates);
  add_detail (table, _("Location"), ccm_json_string (c, "location"));
  add_detail (table, _("Owner"), owner);
  add_detail (table, _("Currency"), ccm_json_string (c, "currency"));
  add_detail (table, _("Reservation window"), minutes);
  add_detail (table, _("Access code"), ccm_json_string (c, "access_code"));
  add_detail (table, _("Conference id"), ccm_json_string (c, "conference_id"));
  add_detail (table, _("Description"), ccm_json_string (c, "description"));
  ccm_cli_table_print (table, 2);
  print_seat_types (c);
  print_seats (seats);
  return CCM_CLI_EXIT_OK;
}

const CcmCliVerb ccm_cli_conference_verbs[] = {
  { "create", N_("Create a conference (unpublished until “publish”)"), N_("SLUG"),
    N_("SLUG names the conference for good: lower-case letters, digits and dashes. "
       "--name, --start, --end, --owner-name and --owner-email are required. "
       "The conference id and access code are generated."),
    conference_create, NULL },
  { "update", N_("Change a conference’s fields; only the options given change"), N_("SLUG"),
    NULL, conference_update, NULL },
  { "publish", N_("Publish a conference so that it takes orders"), N_("SLUG"), NULL,
    conference_publish, NULL },
  { "unpublish", N_("Stop a conference taking orders"), N_("SLUG"), NULL,
    conference_unpublish, NULL },
  { "list", N_("List the conferences"), NULL, NULL, conference_list, NULL },
  { "show", N_("Show a conference, its seat types and their seats available, reserved and "
               "sold"), N_("SLUG"), NULL,
    conference_show, NULL },
  { NULL }
};
