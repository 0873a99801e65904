/* ccm-cli-waitlist.c — `contoso waitlist join|leave|list`
 *
 * A registrant joins the waitlist of a sold-out seat type; seats that come
 * free go to the waitlist first come, first served, and are held for them
 * (DESIGN §3.2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include "ccm-cli-private.h"
#include "ccm-conference-views.h"
#include "ccm-errors.h"
#include "ccm-json.h"
#include "ccm-order-views.h"

static const char *
nonnull (const char *text)
{
  return text != NULL ? text : "";
}

static int
waitlist_join (CcmCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) seats = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *last_name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *entry_id = NULL;
  JsonObject *request, *type, *args;
  CcmStore *store;
  gint64 quantity;
  int status;
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email,
      N_("The registrant’s e-mail address (required)"), N_("ADDRESS") },
    { "first-name", 0, 0, G_OPTION_ARG_STRING, &first_name, N_("The registrant’s first name"),
      N_("TEXT") },
    { "last-name", 0, 0, G_OPTION_ARG_STRING, &last_name, N_("The registrant’s last name"),
      N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 2, 2, &argc, &argv, &status))
    return status;
  if (email == NULL)
    {
      ccm_cli_set_usage_error (&error, _("The option --email is required"));
      return ccm_cli_fail (cli, error);
    }
  if ((seats = ccm_cli_parse_seats (1, argv + 2, &error)) == NULL)
    return ccm_cli_fail (cli, error);
  request = json_array_get_object_element (seats, 0);
  quantity = ccm_json_int (request, "quantity", 0);

  /* The seats side knows seat types by id only. */
  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (conference = ccm_conference_views_get (store, argv[1], &error)) == NULL ||
      (type = ccm_cli_find_seat_type (conference, ccm_json_string (request, "seat_type"),
                                      &error)) == NULL)
    return ccm_cli_fail (cli, error);
  if (!ccm_json_bool (conference, "published"))
    {
      ccm_domain_error_set (&error, CCM_DOMAIN_ERROR_CONFLICT, "conference",
                            _("The conference “%s” is not published; it has no waitlist."),
                            argv[1]);
      return ccm_cli_fail (cli, error);
    }

  entry_id = ccm_cli_new_id (cli);
  args = json_object_new ();
  json_object_set_string_member (args, "conference", argv[1]);
  json_object_set_string_member (args, "entry_id", entry_id);
  json_object_set_string_member (args, "seat_type", ccm_json_string (type, "seat_type_id"));
  json_object_set_int_member (args, "quantity", quantity);
  json_object_set_string_member (args, "email", email);
  if (first_name != NULL)
    json_object_set_string_member (args, "first_name", first_name);
  if (last_name != NULL)
    json_object_set_string_member (args, "last_name", last_name);
  outcome = ccm_cli_execute (cli, "JoinWaitlist", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = ccm_outcome_to_json (outcome);
      g_autoptr(JsonArray) list = ccm_waitlist_views_list (store, argv[1], &error);

      if (list == NULL)
        return ccm_cli_fail (cli, error);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *entry = json_array_get_object_element (list, i);

          if (g_strcmp0 (ccm_json_string (entry, "entry_id"), entry_id) == 0)
            json_object_set_object_member (o, "entry", json_object_ref (entry));
        }
      ccm_cli_print_json_object (o);
      return CCM_CLI_EXIT_OK;
    }

  g_print (ngettext ("%s is on the waitlist of “%s” of %s for %d seat; freed seats go to the "
                     "waitlist first come, first served.\n",
                     "%s is on the waitlist of “%s” of %s for %d seats; freed seats go to the "
                     "waitlist first come, first served.\n", (gulong) quantity),
           email, ccm_json_string (type, "name"), argv[1], (int) quantity);
  return CCM_CLI_EXIT_OK;
}

/* Takes someone off: ENTRY is an entry's id, or a person's e-mail address
 * (every entry of theirs still waiting, or with seats held). */
static int
waitlist_leave (CcmCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonArray) left = json_array_new ();
  CcmStore *store;
  int status;

  if (!ccm_cli_parse (cli, NULL, 2, 2, &argc, &argv, &status))
    return status;
  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, argv[1], &error) ||
      (list = ccm_waitlist_views_list (store, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *e = json_array_get_object_element (list, i);
      g_autoptr(CcmOutcome) outcome = NULL;
      JsonObject *args;

      if (g_strcmp0 (ccm_json_string (e, "status"), "left") == 0 ||
          (g_strcmp0 (ccm_json_string (e, "entry_id"), argv[2]) != 0 &&
           g_ascii_strcasecmp (nonnull (ccm_json_string (e, "email")), argv[2]) != 0))
        continue;
      args = json_object_new ();
      json_object_set_string_member (args, "conference", argv[1]);
      json_object_set_string_member (args, "entry_id", ccm_json_string (e, "entry_id"));
      outcome = ccm_cli_execute (cli, "LeaveWaitlist", args, &error);
      if (outcome == NULL)
        return ccm_cli_fail (cli, error);
      json_array_add_object_element (left, json_object_ref (e));
      if (!cli->json)
        g_print (_("%s is off the waitlist of “%s”.\n"), ccm_json_string (e, "email"),
                 ccm_json_string (e, "seat_type"));
    }
  if (json_array_get_length (left) == 0)
    {
      ccm_domain_error_set (&error, CCM_DOMAIN_ERROR_NOT_FOUND, "entry",
                            _("Nobody on the waitlist of %s is “%s”."), argv[1], argv[2]);
      return ccm_cli_fail (cli, error);
    }
  if (cli->json)
    {
      /* The entries as they are now. */
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(JsonArray) now = ccm_waitlist_views_list (store, argv[1], &error);
      JsonArray *entries = json_array_new ();

      if (now == NULL)
        return ccm_cli_fail (cli, error);
      for (guint i = 0; i < json_array_get_length (now); i++)
        for (guint j = 0; j < json_array_get_length (left); j++)
          if (g_strcmp0 (ccm_json_string (json_array_get_object_element (now, i), "entry_id"),
                         ccm_json_string (json_array_get_object_element (left, j), "entry_id")) == 0)
            json_array_add_object_element (entries,
                                           json_object_ref (json_array_get_object_element (now, i)));
      json_object_set_array_member (o, "left", entries);
      ccm_cli_print_json_object (o);
    }
  return CCM_CLI_EXIT_OK;
}

static const char *
entry_status_label (const char *status)
{
  if (g_strcmp0 (status, "waiting") == 0)
    return _("waiting");
  if (g_strcmp0 (status, "promoted") == 0)
    return _("seats held");
  if (g_strcmp0 (status, "left") == 0)
    return _("left");
  return nonnull (status);
}

static int
waitlist_list (CcmCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(CcmCliTable) table = NULL;
  CcmStore *store;
  int status;

  if (!ccm_cli_parse (cli, NULL, 1, 1, &argc, &argv, &status))
    return status;

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, argv[1], &error) ||
      (list = ccm_waitlist_views_list (store, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), list);

      ccm_cli_print_json (node);
      return CCM_CLI_EXIT_OK;
    }
  if (json_array_get_length (list) == 0)
    {
      g_print ("%s\n", _("Nobody is on the waitlist."));
      return CCM_CLI_EXIT_OK;
    }

  table = ccm_cli_table_new (6);
  ccm_cli_table_set_header (table, _("#"), _("SEAT TYPE"), _("SEATS"), _("NAME"), _("E-MAIL"),
                            _("STATE"), NULL);
  ccm_cli_table_align_right (table, 0);
  ccm_cli_table_align_right (table, 2);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *e = json_array_get_object_element (list, i);
      /* A place in line only while waiting. */
      g_autofree char *position = json_object_get_null_member (e, "position") ? g_strdup ("")
        : g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (e, "position", 0) + 1);
      g_autofree char *quantity = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                   ccm_json_int (e, "quantity", 0));
      g_autofree char *name = g_strdup_printf ("%s %s", nonnull (ccm_json_string (e, "first_name")),
                                               nonnull (ccm_json_string (e, "last_name")));
      g_autofree char *state = NULL;

      if (g_strcmp0 (ccm_json_string (e, "status"), "promoted") == 0 &&
          ccm_json_string (e, "hold_until") != NULL)
        state = g_strdup_printf (_("seats held until %s"), ccm_json_string (e, "hold_until"));
      else
        state = g_strdup (entry_status_label (ccm_json_string (e, "status")));

      ccm_cli_table_add_row (table, position, nonnull (ccm_json_string (e, "seat_type")), quantity,
                             g_strstrip (name), nonnull (ccm_json_string (e, "email")), state,
                             NULL);
    }
  ccm_cli_table_print (table, 0);
  return CCM_CLI_EXIT_OK;
}

const CcmCliVerb ccm_cli_waitlist_verbs[] = {
  { "join", N_("Wait for seats of a sold-out seat type"), N_("SLUG TYPE=QTY"),
    N_("TYPE is the seat type’s name (any case) or id; --email is required."),
    waitlist_join, NULL },
  { "leave", N_("Take someone off a conference’s waitlist"), N_("SLUG ENTRY"),
    N_("ENTRY is a waitlist entry’s id, or an e-mail address: every entry of that person "
       "still waiting or holding seats. Seats held for them go to the next in line."),
    waitlist_leave, NULL },
  { "list", N_("List a conference’s waitlist in order"), N_("SLUG"), NULL,
    waitlist_list, NULL },
  { NULL }
};
