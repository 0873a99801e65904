/* ccm-cli-attendee.c — `contoso attendee assign|unassign|list`
 *
 * A confirmed order has one seat per position, numbered from 0 in line
 * order (`contoso order show` lists them); each carries its ticket code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include "ccm-cli-private.h"
#include "ccm-json.h"
#include "ccm-order-views.h"

/* Attendee lists print this many rows unless --limit says otherwise. */
#define DEFAULT_LIST_LIMIT 100

static const char *
nonnull (const char *text)
{
  return text != NULL ? text : "";
}

/* The position's seat as the order view now has it. */
static JsonObject *
find_attendee (JsonObject *order,
               gint64      position)
{
  JsonNode *node = json_object_get_member (order, "attendees");
  JsonArray *attendees;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  attendees = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (attendees); i++)
    {
      JsonObject *a = json_array_get_object_element (attendees, i);

      if (ccm_json_int (a, "position", -1) == position)
        return a;
    }
  return NULL;
}

static int
report_attendee (CcmCli     *cli,
                 CcmOutcome *outcome,
                 const char *order_id,
                 gint64      position,
                 gboolean    assigned)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = NULL;
  JsonObject *attendee;
  CcmStore *store;

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (order = ccm_order_views_get (store, NULL, order_id, &error)) == NULL)
    return ccm_cli_fail (cli, error);
  attendee = find_attendee (order, position);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = ccm_outcome_to_json (outcome);

      if (attendee != NULL)
        json_object_set_object_member (o, "attendee", json_object_ref (attendee));
      else
        json_object_set_null_member (o, "attendee");
      json_object_set_object_member (o, "order", g_steal_pointer (&order));
      ccm_cli_print_json_object (o);
      return CCM_CLI_EXIT_OK;
    }

  if (assigned)
    g_print (outcome->n_events > 0
             ? _("Seat %d of order %s (%s, ticket %s) is now %s %s <%s>.\n")
             : _("Seat %d of order %s (%s, ticket %s) was already %s %s <%s>.\n"),
             (int) position, ccm_json_string (order, "access_code"),
             nonnull (attendee != NULL ? ccm_json_string (attendee, "seat_type") : NULL),
             nonnull (attendee != NULL ? ccm_json_string (attendee, "ticket_code") : NULL),
             nonnull (attendee != NULL ? ccm_json_string (attendee, "first_name") : NULL),
             nonnull (attendee != NULL ? ccm_json_string (attendee, "last_name") : NULL),
             nonnull (attendee != NULL ? ccm_json_string (attendee, "email") : NULL));
  else
    g_print (outcome->n_events > 0
             ? _("Seat %d of order %s (ticket %s) is now unassigned.\n")
             : _("Seat %d of order %s (ticket %s) was not assigned.\n"),
             (int) position, ccm_json_string (order, "access_code"),
             nonnull (attendee != NULL ? ccm_json_string (attendee, "ticket_code") : NULL));
  return CCM_CLI_EXIT_OK;
}

static gboolean
parse_position (const char  *text,
                gint64      *position,
                GError     **error)
{
  if (g_ascii_string_to_signed (text, 10, 0, G_MAXINT32, position, NULL))
    return TRUE;
  ccm_cli_set_usage_error (error, _("The position “%s” is not a seat position such as 0 or 1"),
                           text);
  return FALSE;
}

static int
attendee_assign (CcmCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *last_name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *order_id = NULL;
  gint64 position;
  JsonObject *args;
  int status;
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email,
      N_("The attendee’s e-mail address (required)"), N_("ADDRESS") },
    { "first-name", 0, 0, G_OPTION_ARG_STRING, &first_name, N_("The attendee’s first name"),
      N_("TEXT") },
    { "last-name", 0, 0, G_OPTION_ARG_STRING, &last_name, N_("The attendee’s last name"),
      N_("TEXT") },
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The conference of the access code"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 2, 2, &argc, &argv, &status))
    return status;
  if (email == NULL)
    {
      ccm_cli_set_usage_error (&error, _("The option --email is required"));
      return ccm_cli_fail (cli, error);
    }
  if (!parse_position (argv[2], &position, &error) ||
      (order_id = ccm_cli_resolve_order (cli, slug, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  args = json_object_new ();
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_int_member (args, "position", position);
  json_object_set_string_member (args, "email", email);
  json_object_set_string_member (args, "first_name", first_name != NULL ? first_name : "");
  json_object_set_string_member (args, "last_name", last_name != NULL ? last_name : "");
  outcome = ccm_cli_execute (cli, "AssignSeat", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);
  return report_attendee (cli, outcome, order_id, position, TRUE);
}

static int
attendee_unassign (CcmCli  *cli,
                   int      argc,
                   char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *order_id = NULL;
  gint64 position;
  JsonObject *args;
  int status;
  const GOptionEntry entries[] = {
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The conference of the access code"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 2, 2, &argc, &argv, &status))
    return status;
  if (!parse_position (argv[2], &position, &error) ||
      (order_id = ccm_cli_resolve_order (cli, slug, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  args = json_object_new ();
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_int_member (args, "position", position);
  outcome = ccm_cli_execute (cli, "UnassignSeat", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);
  return report_attendee (cli, outcome, order_id, position, FALSE);
}

static int
attendee_list (CcmCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) attendees = NULL;
  g_autoptr(CcmCliTable) table = NULL;
  g_autofree char *search = NULL;
  g_autofree char *limit_text = NULL;
  gint64 limit = DEFAULT_LIST_LIMIT;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only attendees whose ticket code, name or e-mail address starts with TEXT "
         "(any case, accents ignored); an order’s access code lists its seats first"),
      N_("TEXT") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      N_("Print at most N attendees (default 100; 0 for all)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  if (limit_text != NULL &&
      !ccm_cli_parse_int ("limit", limit_text, 0, G_MAXINT32, &limit, &error))
    return ccm_cli_fail (cli, error);

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, argv[1], &error) ||
      (attendees = ccm_attendee_views_search (store, argv[1],
                                              search != NULL && *search != '\0' ? search : NULL,
                                              limit > 0 ? (guint) limit : G_MAXINT32,
                                              &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), attendees);

      ccm_cli_print_json (node);
      return CCM_CLI_EXIT_OK;
    }

  if (json_array_get_length (attendees) == 0)
    {
      g_print ("%s\n", search != NULL ? _("No attendee matches.") : _("No attendees yet."));
      return CCM_CLI_EXIT_OK;
    }

  table = ccm_cli_table_new (7);
  ccm_cli_table_set_header (table, _("TICKET"), _("NAME"), _("E-MAIL"), _("SEAT TYPE"),
                            _("ORDER"), _("STATE"), _("CHECKED IN"), NULL);
  for (guint i = 0; i < json_array_get_length (attendees); i++)
    {
      JsonObject *a = json_array_get_object_element (attendees, i);
      g_autofree char *name = g_strdup_printf ("%s %s", nonnull (ccm_json_string (a, "first_name")),
                                               nonnull (ccm_json_string (a, "last_name")));
      const char *state = g_strcmp0 (ccm_json_string (a, "status"), "cancelled") == 0
                          ? _("cancelled") : _("valid");

      ccm_cli_table_add_row (table,
                             nonnull (ccm_json_string (a, "ticket_code")),
                             g_strstrip (name),
                             ccm_json_string (a, "email") != NULL ? ccm_json_string (a, "email")
                                                                  : _("(unassigned)"),
                             nonnull (ccm_json_string (a, "seat_type")),
                             nonnull (ccm_json_string (a, "access_code")),
                             state,
                             ccm_json_bool (a, "admitted")
                             ? nonnull (ccm_json_string (a, "admitted_at")) : _("no"),
                             NULL);
    }
  ccm_cli_table_print (table, 0);
  return CCM_CLI_EXIT_OK;
}

const CcmCliVerb ccm_cli_attendee_verbs[] = {
  { "assign", N_("Give a seat of a confirmed order to a person"), N_("ORDER POSITION"),
    N_("ORDER is the order id or its access code; POSITION counts the order’s seats from 0 "
       "(see “contoso order show”). Another e-mail address gives the seat to someone else; "
       "the same one only corrects the names."),
    attendee_assign, NULL },
  { "unassign", N_("Take a seat back from its attendee"), N_("ORDER POSITION"), NULL,
    attendee_unassign, NULL },
  { "list", N_("List a conference’s attendees, or search them"), N_("SLUG"), NULL,
    attendee_list, NULL },
  { NULL }
};
