/* ccm-cli-badge.c — `contoso badge pdf SLUG --out FILE [--attendee CODE]`
 *
 * One A6 page per badge (ui/badge/ccm-badge.h). In bulk, the badges of
 * every assigned seat of the conference's valid orders, by last name; with
 * --attendee, that one ticket's, even unassigned (it gets a line to write
 * the name on).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include "ccm-assignments.h"
#include "ccm-badge.h"
#include "ccm-cli-private.h"
#include "ccm-conference-views.h"
#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-order-views.h"

static JsonArray *
badge_attendees (CcmStore    *store,
                 const char  *slug,
                 const char  *code,
                 GError     **error)
{
  JsonArray *chosen;

  if (code != NULL)
    {
      g_autofree char *normal = ccm_ticket_code_normalize (code);
      g_autoptr(JsonObject) ticket = ccm_attendee_views_get_ticket (store, normal, NULL);

      if (ticket == NULL || g_strcmp0 (ccm_json_string (ticket, "conference"), slug) != 0)
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "attendee",
                                _("The conference “%s” has no ticket %s."), slug, normal);
          return NULL;
        }
      chosen = json_array_new ();
      json_array_add_object_element (chosen, g_steal_pointer (&ticket));
      return chosen;
    }

  return ccm_attendee_views_named (store, slug, error);
}

static int
badge_pdf (CcmCli  *cli,
           int      argc,
           char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(JsonArray) attendees = NULL;
  g_autofree char *out = NULL;
  g_autofree char *code = NULL;
  CcmStore *store;
  guint n;
  int status;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write the PDF to FILE (required)"),
      N_("FILE") },
    { "attendee", 0, 0, G_OPTION_ARG_STRING, &code,
      N_("Only the badge of the ticket CODE"), N_("CODE") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  if (out == NULL)
    {
      ccm_cli_set_usage_error (&error, _("The option --out is required"));
      return ccm_cli_fail (cli, error);
    }

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, argv[1], &error) ||
      (conference = ccm_conference_views_get (store, argv[1], &error)) == NULL ||
      (attendees = badge_attendees (store, argv[1], code, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  n = json_array_get_length (attendees);
  if (n == 0)
    {
      ccm_domain_error_set (&error, CCM_DOMAIN_ERROR_NOT_FOUND, "attendee",
                            _("The conference “%s” has no assigned seats yet, so there is no "
                              "badge to print."), argv[1]);
      return ccm_cli_fail (cli, error);
    }
  if (!ccm_badge_write_pdf (out, attendees, conference, &error))
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();
      JsonArray *codes = json_array_new ();

      for (guint i = 0; i < n; i++)
        json_array_add_string_element (codes, ccm_json_string (json_array_get_object_element (attendees, i),
                                                               "ticket_code"));
      json_object_set_string_member (o, "conference", argv[1]);
      json_object_set_string_member (o, "file", out);
      json_object_set_int_member (o, "badges", n);
      json_object_set_array_member (o, "ticket_codes", codes);
      ccm_cli_print_json_object (o);
    }
  else
    {
      g_autofree char *display = g_filename_display_name (out);

      g_print (ngettext ("Wrote %u badge of %s to %s.\n", "Wrote %u badges of %s to %s.\n", n),
               n, argv[1], display);
    }
  return CCM_CLI_EXIT_OK;
}

const CcmCliVerb ccm_cli_badge_verbs[] = {
  { "pdf", N_("Write badges as a PDF, one A6 page each"), N_("SLUG"),
    N_("Each badge shows the attendee’s name, seat type, the conference and its dates, and "
       "the ticket code in text and as a QR code the check-in desk scans. Without "
       "--attendee, every assigned seat of the conference’s valid orders gets one."),
    badge_pdf, NULL },
  { NULL }
};
