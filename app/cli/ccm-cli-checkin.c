/* ccm-cli-checkin.c — `contoso checkin CODE [--exit] [--reentry]`
 *
 * A scan is a fact (DESIGN §3.4): it is recorded whatever the ticket's
 * state, and what was odd about it (already inside, cancelled order,
 * unknown ticket…) is flagged and goes to the attention list. So every
 * recorded scan exits 0 and says plainly what the desk should do; only a
 * code that cannot be a ticket code at all is refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include "ccm-assignments.h"
#include "ccm-checkin.h"
#include "ccm-cli-private.h"
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
  gboolean reentry = FALSE;
  const char *word;
  JsonObject *args;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "exit", 0, 0, G_OPTION_ARG_NONE, &exiting, N_("Record the attendee going out"), NULL },
    { "reentry", 0, 0, G_OPTION_ARG_NONE, &reentry,
      N_("Let an attendee who went out come back in without a flag"), NULL },
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The conference this desk admits to; a ticket of another is flagged"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  if (exiting && reentry)
    {
      ccm_cli_set_usage_error (&error, _("--reentry applies to admissions, not to --exit"));
      return ccm_cli_fail (cli, error);
    }
  if (slug != NULL && !ccm_cli_check_conference (cli, slug, &error))
    return ccm_cli_fail (cli, error);

  args = json_object_new ();
  json_object_set_string_member (args, "ticket_code", argv[1]);
  if (slug != NULL)
    json_object_set_string_member (args, "conference", slug);
  if (!exiting)
    json_object_set_boolean_member (args, "allow_reentry", reentry);
  outcome = ccm_cli_execute (cli, exiting ? "ExitTicket" : "AdmitTicket", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  word = verdict (ccm_json_string (outcome->result, "flag"), exiting);
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
