/* ccm-cli-checkin.c — `contoso checkin CODE [--exit|--undo] [--reentry]`, and
 * `contoso checkin list|stats SLUG`
 *
 * A scan is a fact (DESIGN §3.4): it is recorded whatever the ticket's
 * state, and what was odd about it (already inside, cancelled order,
 * unknown ticket…) is flagged and goes to the attention list. So every
 * recorded scan exits 0 and says plainly what the desk should do; only a
 * code that cannot be a ticket code at all is refused. --undo takes back
 * the ticket's last admission (with --exit, its last exit) while nothing
 * was scanned after it.
 *
 * "list" and "stats" cannot be ticket codes (those have 12 characters), so
 * `checkin` stays a leaf verb and hands those two words to subverbs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include "ccm-assignments.h"
#include "ccm-checkin.h"
#include "ccm-cli-private.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order-views.h"

/* The scan's verdict: a word for programs (JSON "verdict") and its sentence. */
static const char *
verdict (const char *flag,
         gboolean    exiting)
{
  if (flag == NULL)
    return exiting ? "exited" : "admitted";
  if (g_str_equal (flag, CCM_CHECKIN_FLAG_ALREADY_ADMITTED))
    return "already-admitted";
  if (g_str_equal (flag, CCM_CHECKIN_FLAG_CANCELLED_ORDER))
    return "cancelled";
  if (g_str_equal (flag, CCM_CHECKIN_FLAG_UNKNOWN_TICKET))
    return "unknown";
  if (g_str_equal (flag, CCM_CHECKIN_FLAG_WRONG_CONFERENCE))
    return "wrong-conference";
  if (g_str_equal (flag, CCM_CHECKIN_FLAG_REENTRY))
    return "reentry-not-allowed";
  if (g_str_equal (flag, CCM_CHECKIN_FLAG_NOT_INSIDE))
    return "not-inside";
  return flag;
}

static char *
holder_text (JsonObject *ticket)
{
  const char *email;

  if (ticket == NULL)
    return g_strdup ("");
  email = ccm_json_string (ticket, "email");
  if (email == NULL)
    return g_strdup_printf (_(" (%s, order %s, seat not assigned)"),
                            ccm_json_string (ticket, "seat_type"),
                            ccm_json_string (ticket, "access_code"));
  return g_strdup_printf (" (%s %s, %s, order %s)",
                          ccm_json_string (ticket, "first_name") != NULL
                          ? ccm_json_string (ticket, "first_name") : "",
                          ccm_json_string (ticket, "last_name") != NULL
                          ? ccm_json_string (ticket, "last_name") : "",
                          ccm_json_string (ticket, "seat_type"),
                          ccm_json_string (ticket, "access_code"));
}

static void
print_verdict (const char *code,
               const char *word,
               JsonObject *ticket)
{
  g_autofree char *holder = holder_text (ticket);

  if (g_str_equal (word, "admitted"))
    g_print (_("ADMITTED: ticket %s%s.\n"), code, holder);
  else if (g_str_equal (word, "exit-undone"))
    g_print (ticket != NULL && ccm_json_bool (ticket, "inside")
             ? _("UNDONE: the exit of ticket %s%s was taken back; they count as inside.\n")
             : _("UNDONE: the exit of ticket %s%s was taken back.\n"),
             code, holder);
  else if (g_str_equal (word, "undone"))
    g_print (ticket != NULL && ccm_json_bool (ticket, "inside")
             ? _("UNDONE: the last admission of ticket %s%s was taken back; the one before "
                 "stands.\n")
             : _("UNDONE: the admission of ticket %s%s was taken back; they are not inside.\n"),
             code, holder);
  else if (g_str_equal (word, "exited"))
    g_print (_("EXITED: ticket %s%s.\n"), code, holder);
  else if (g_str_equal (word, "already-admitted"))
    g_print (_("ALREADY ADMITTED: ticket %s%s is already inside; the scan was recorded and "
               "is on the attention list.\n"), code, holder);
  else if (g_str_equal (word, "cancelled"))
    g_print (_("CANCELLED: ticket %s%s belongs to a cancelled order; do not admit. The scan "
               "was recorded and is on the attention list.\n"), code, holder);
  else if (g_str_equal (word, "unknown"))
    g_print (_("UNKNOWN: there is no ticket %s; do not admit. The scan was recorded and is on "
               "the attention list.\n"), code);
  else if (g_str_equal (word, "wrong-conference"))
    g_print (_("WRONG CONFERENCE: ticket %s%s is for %s; the scan was recorded and is on the "
               "attention list.\n"), code, holder,
             ticket != NULL ? ccm_json_string (ticket, "conference") : "?");
  else if (g_str_equal (word, "reentry-not-allowed"))
    g_print (_("RE-ENTRY: ticket %s%s went out earlier and re-entry is not allowed; the scan "
               "was recorded and is on the attention list.\n"), code, holder);
  else if (g_str_equal (word, "not-inside"))
    g_print (_("NOT INSIDE: ticket %s%s was not admitted; the exit was recorded and is on the "
               "attention list.\n"), code, holder);
  else
    g_print (_("FLAGGED (%s): ticket %s%s; the scan was recorded and is on the attention "
               "list.\n"), word, code, holder);
}

static const char *
nonnull (const char *text)
{
  return text != NULL ? text : "";
}

/* Check-in lists print this many rows unless --limit says otherwise. */
#define DEFAULT_LIST_LIMIT 100

static int
checkin_list (CcmCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) found = NULL;
  g_autoptr(JsonArray) attendees = json_array_new ();
  g_autoptr(CcmCliTable) table = NULL;
  g_autofree char *search = NULL;
  g_autofree char *limit_text = NULL;
  gboolean admitted = FALSE;
  gboolean waiting = FALSE;
  gint64 limit = DEFAULT_LIST_LIMIT;
  g_autoptr(GHashTable) desk_names = NULL;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only attendees whose ticket code, name or e-mail address starts with TEXT "
         "(any case, accents ignored)"), N_("TEXT") },
    { "admitted", 0, 0, G_OPTION_ARG_NONE, &admitted, N_("Only attendees who were admitted"),
      NULL },
    { "not-admitted", 0, 0, G_OPTION_ARG_NONE, &waiting,
      N_("Only attendees still expected at the door"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      N_("Print at most N attendees (default 100; 0 for all)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  if (admitted && waiting)
    {
      ccm_cli_set_usage_error (&error, _("--admitted and --not-admitted exclude each other"));
      return ccm_cli_fail (cli, error);
    }
  if (limit_text != NULL &&
      !ccm_cli_parse_int ("limit", limit_text, 0, G_MAXINT32, &limit, &error))
    return ccm_cli_fail (cli, error);

  /* The filter runs here, so the search itself is not limited. */
  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, argv[1], &error) ||
      (found = ccm_attendee_views_search (store, argv[1],
                                          search != NULL && *search != '\0' ? search : NULL,
                                          admitted || waiting || limit == 0
                                          ? G_MAXINT32 : (guint) limit,
                                          &error)) == NULL)
    return ccm_cli_fail (cli, error);
  for (guint i = 0; i < json_array_get_length (found); i++)
    {
      JsonObject *a = json_array_get_object_element (found, i);

      if ((admitted && !ccm_json_bool (a, "admitted")) ||
          (waiting && (ccm_json_bool (a, "admitted") ||
                       g_strcmp0 (ccm_json_string (a, "status"), "cancelled") == 0)))
        continue;
      if (limit > 0 && json_array_get_length (attendees) >= (guint) limit)
        break;
      json_array_add_object_element (attendees, json_object_ref (a));
    }

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), attendees);

      ccm_cli_print_json (node);
      return CCM_CLI_EXIT_OK;
    }
  if (json_array_get_length (attendees) == 0)
    {
      g_print ("%s\n", _("No attendee matches."));
      return CCM_CLI_EXIT_OK;
    }

  if ((desk_names = ccm_store_list_desk_names (store, &error)) == NULL)
    return ccm_cli_fail (cli, error);
  table = ccm_cli_table_new (6);
  ccm_cli_table_set_header (table, _("TICKET"), _("NAME"), _("SEAT TYPE"), _("ORDER"),
                            _("ADMITTED"), _("DESK"), NULL);
  for (guint i = 0; i < json_array_get_length (attendees); i++)
    {
      JsonObject *a = json_array_get_object_element (attendees, i);
      g_autofree char *name = g_strdup_printf ("%s %s", nonnull (ccm_json_string (a, "first_name")),
                                               nonnull (ccm_json_string (a, "last_name")));
      const char *desk_id = ccm_json_string (a, "admitted_by");
      /* The desk by its name when a sync brought it, else by the end of
       * its id, as the window says it (--json keeps the whole id). */
      const char *desk_name = desk_id != NULL ? g_hash_table_lookup (desk_names, desk_id) : NULL;
      g_autofree char *desk = desk_name != NULL ? g_strdup (desk_name) : ccm_id_short (desk_id);
      const char *state;

      if (g_strcmp0 (ccm_json_string (a, "status"), "cancelled") == 0)
        state = _("cancelled");
      else if (ccm_json_bool (a, "admitted"))
        state = nonnull (ccm_json_string (a, "admitted_at"));
      else
        state = _("expected");
      g_strstrip (name);
      ccm_cli_table_add_row (table, nonnull (ccm_json_string (a, "ticket_code")),
                             *name != '\0' ? name : _("(unassigned)"),
                             nonnull (ccm_json_string (a, "seat_type")),
                             nonnull (ccm_json_string (a, "access_code")), state,
                             nonnull (desk), NULL);
    }
  ccm_cli_table_print (table, 0);
  return CCM_CLI_EXIT_OK;
}

static int
checkin_stats (CcmCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(CcmCliTable) types = NULL;
  JsonArray *per_type, *per_hour;
  CcmStore *store;
  int status;

  if (!ccm_cli_parse (cli, NULL, 1, 1, &argc, &argv, &status))
    return status;
  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, argv[1], &error) ||
      (stats = ccm_checkin_views_stats (store, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      ccm_cli_print_json_object (stats);
      return CCM_CLI_EXIT_OK;
    }

  g_print (_("Admitted %d of %d expected; %d inside now.\n"),
           (int) ccm_json_int (stats, "admitted", 0), (int) ccm_json_int (stats, "expected", 0),
           (int) ccm_json_int (stats, "inside", 0));

  per_type = json_object_get_array_member (stats, "per_seat_type");
  types = ccm_cli_table_new (3);
  ccm_cli_table_set_header (types, _("SEAT TYPE"), _("ADMITTED"), _("EXPECTED"), NULL);
  ccm_cli_table_align_right (types, 1);
  ccm_cli_table_align_right (types, 2);
  for (guint i = 0; per_type != NULL && i < json_array_get_length (per_type); i++)
    {
      JsonObject *t = json_array_get_object_element (per_type, i);
      g_autofree char *in = g_strdup_printf ("%d", (int) ccm_json_int (t, "admitted", 0));
      g_autofree char *expected = g_strdup_printf ("%d", (int) ccm_json_int (t, "expected", 0));

      ccm_cli_table_add_row (types, nonnull (ccm_json_string (t, "name")), in, expected, NULL);
    }
  g_print ("\n");
  ccm_cli_table_print (types, 0);

  per_hour = json_object_get_array_member (stats, "per_hour");
  if (per_hour != NULL && json_array_get_length (per_hour) > 0)
    {
      g_autoptr(CcmCliTable) hours = ccm_cli_table_new (2);

      ccm_cli_table_set_header (hours, _("HOUR"), _("ADMITTED"), NULL);
      ccm_cli_table_align_right (hours, 1);
      for (guint i = 0; i < json_array_get_length (per_hour); i++)
        {
          JsonObject *h = json_array_get_object_element (per_hour, i);
          g_autofree char *n = g_strdup_printf ("%d", (int) ccm_json_int (h, "admitted", 0));

          ccm_cli_table_add_row (hours, nonnull (ccm_json_string (h, "hour")), n, NULL);
        }
      g_print ("\n");
      ccm_cli_table_print (hours, 0);
    }
  return CCM_CLI_EXIT_OK;
}

static const CcmCliVerb checkin_subverbs[] = {
  { "list", N_("List a conference’s attendees with their check-in state"), N_("SLUG"), NULL,
    checkin_list, NULL },
  { "stats", N_("Count admissions per seat type and per hour"), N_("SLUG"), NULL,
    checkin_stats, NULL },
  { NULL }
};

/* `checkin [OPTIONS] list|stats …`: the subverb's own argv, or NULL when
 * the first argument is a ticket code. */
static const CcmCliVerb *
find_subverb (int     argc,
              char  **argv,
              int    *index)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        return NULL;
      if (g_str_equal (argv[i], "--conference"))
        {
          i++;
          continue;
        }
      if (argv[i][0] == '-')
        continue;
      for (const CcmCliVerb *v = checkin_subverbs; v->name != NULL; v++)
        if (g_str_equal (argv[i], v->name))
          {
            *index = i;
            return v;
          }
      return NULL;
    }
  return NULL;
}

int
ccm_cli_checkin_run (CcmCli  *cli,
                     int      argc,
                     char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(JsonObject) ticket = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *code = NULL;
  gboolean exiting = FALSE;
  gboolean undoing = FALSE;
  gboolean reentry = FALSE;
  const char *word;
  JsonObject *args;
  CcmStore *store;
  int status;
  const CcmCliVerb *subverb;
  int index = 0;
  const GOptionEntry entries[] = {
    { "exit", 0, 0, G_OPTION_ARG_NONE, &exiting, N_("Record the attendee going out"), NULL },
    { "undo", 0, 0, G_OPTION_ARG_NONE, &undoing,
      N_("Take back the ticket’s last admission (with --exit, its last exit), recorded by mistake"),
      NULL },
    { "reentry", 0, 0, G_OPTION_ARG_NONE, &reentry,
      N_("Let an attendee who went out come back in without a flag"), NULL },
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The conference this desk admits to; a ticket of another is flagged"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if ((subverb = find_subverb (argc, argv, &index)) != NULL)
    {
      /* The subverb's argv: its name, then everything else in order. */
      g_autofree char **sub_argv = g_new0 (char *, argc + 1);
      g_autofree char *parent_path = g_steal_pointer (&cli->command_path);
      int sub_argc = 0;

      sub_argv[sub_argc++] = argv[index];
      for (int i = 1; i < argc; i++)
        if (i != index)
          sub_argv[sub_argc++] = argv[i];
      cli->command_path = g_strconcat (parent_path, " ", subverb->name, NULL);
      cli->verb = subverb;
      return subverb->run (cli, sub_argc, sub_argv);
    }

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  if (exiting && reentry)
    {
      ccm_cli_set_usage_error (&error, _("--reentry applies to admissions, not to --exit"));
      return ccm_cli_fail (cli, error);
    }
  if (undoing && reentry)
    {
      ccm_cli_set_usage_error (&error, _("--undo takes back a scan: it does not go with --reentry"));
      return ccm_cli_fail (cli, error);
    }
  if (slug != NULL && !ccm_cli_check_conference (cli, slug, &error))
    return ccm_cli_fail (cli, error);

  args = json_object_new ();
  json_object_set_string_member (args, "ticket_code", argv[1]);
  if (slug != NULL)
    json_object_set_string_member (args, "conference", slug);
  if (!exiting && !undoing)
    json_object_set_boolean_member (args, "allow_reentry", reentry);
  outcome = ccm_cli_execute (cli, undoing ? (exiting ? "UndoExit" : "UndoAdmission")
                                          : (exiting ? "ExitTicket" : "AdmitTicket"),
                            args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  word = undoing ? (exiting ? "exit-undone" : "undone")
                 : verdict (ccm_json_string (outcome->result, "flag"), exiting);
  code = ccm_ticket_code_normalize (argv[1]);
  store = ccm_cli_get_store (cli, NULL);
  /* An unknown ticket has no row; that is the answer, not an error. */
  ticket = ccm_attendee_views_get_ticket (store, code, NULL);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = ccm_outcome_to_json (outcome);

      json_object_set_string_member (o, "verdict", word);
      json_object_set_boolean_member (o, "recorded", TRUE);
      if (ticket != NULL)
        json_object_set_object_member (o, "ticket", g_steal_pointer (&ticket));
      else
        json_object_set_null_member (o, "ticket");
      ccm_cli_print_json_object (o);
      return CCM_CLI_EXIT_OK;
    }

  print_verdict (code, word, ticket);
  return CCM_CLI_EXIT_OK;
}
