/* ccm-cli-allotment.c — `contoso allotment grant|request|return|list`
 *
 * An allotment is a number of seats of one type leased to one device until
 * an expiry (server time), granted from free seats only. A desk sells
 * guaranteed seats from its own running allotment, offline too; beyond it
 * its sales are provisional until the server has served them in arrival
 * order (DESIGN §5.2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include "ccm-cli-private.h"
#include "ccm-allotment-views.h"
#include "ccm-conference-views.h"
#include "ccm-errors.h"
#include "ccm-json.h"

/* TIME: an ISO 8601 date and time (UTC unless it names a zone), or a lease
 * from now: "+90m", "+8h", "+2d". */
static gboolean
parse_time (CcmCli      *cli,
            const char  *text,
            gint64      *out,
            GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = NULL;
  CcmStore *store;

  if (text[0] == '+')
    {
      char *end = NULL;
      guint64 n = g_ascii_strtoull (text + 1, &end, 10);
      gint64 unit = 0;

      if (end != NULL && end != text + 1 && end[1] == '\0')
        unit = end[0] == 'm' ? 60 : end[0] == 'h' ? 3600 : end[0] == 'd' ? 86400 : 0;
      if (unit == 0 || n == 0 || n > 366 * 24 * 60)
        {
          ccm_cli_set_usage_error (error, _("“%s” is not a lease such as +90m, +8h or +2d"),
                                   text);
          return FALSE;
        }
      if ((store = ccm_cli_get_store (cli, error)) == NULL)
        return FALSE;
      *out = ccm_clock_now (ccm_store_get_clock (store)) + (gint64) n * unit * G_USEC_PER_SEC;
      return TRUE;
    }

  time = g_date_time_new_from_iso8601 (text, utc);
  if (time == NULL)
    {
      ccm_cli_set_usage_error (error, _("--until “%s” is not a time such as "
                                        "2025-06-01T18:00:00Z or +8h"), text);
      return FALSE;
    }
  *out = g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
  return TRUE;
}

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* The one TYPE=QTY argument, with the type resolved to its id. */
static gboolean
read_seats (CcmStore     *store,
            const char   *slug,
            char        **argv,
            const char  **seat_type_id,
            const char  **seat_type_name,
            gint64       *quantity,
            JsonObject  **conference_out,
            GError      **error)
{
  g_autoptr(JsonArray) seats = NULL;
  g_autoptr(JsonObject) conference = NULL;
  JsonObject *request, *type;

  if ((seats = ccm_cli_parse_seats (1, argv, error)) == NULL ||
      (conference = ccm_conference_views_get (store, slug, error)) == NULL)
    return FALSE;
  request = json_array_get_object_element (seats, 0);
  if ((type = ccm_cli_find_seat_type (conference, ccm_json_string (request, "seat_type"),
                                      error)) == NULL)
    return FALSE;

  *seat_type_id = ccm_json_string (type, "seat_type_id");
  *seat_type_name = ccm_json_string (type, "name");
  *quantity = ccm_json_int (request, "quantity", 0);
  *conference_out = g_steal_pointer (&conference);
  return TRUE;
}

static JsonObject *
find_row (CcmStore    *store,
          const char  *slug,
          const char  *allotment_id)
{
  g_autoptr(JsonArray) list = ccm_allotment_views_list (store, slug, NULL);

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *row = json_array_get_object_element (list, i);

      if (g_strcmp0 (ccm_json_string (row, "allotment_id"), allotment_id) == 0)
        return json_object_ref (row);
    }
  return NULL;
}

static int
report (CcmCli      *cli,
        CcmOutcome  *outcome,
        const char  *slug,
        const char  *allotment_id,
        const char  *sentence)
{
  if (cli->json)
    {
      g_autoptr(JsonObject) o = ccm_outcome_to_json (outcome);
      g_autoptr(JsonObject) row = find_row (ccm_cli_get_store (cli, NULL), slug, allotment_id);

      if (row != NULL)
        json_object_set_object_member (o, "allotment", g_steal_pointer (&row));
      ccm_cli_print_json_object (o);
    }
  else
    g_print ("%s\n", sentence);
  return CCM_CLI_EXIT_OK;
}

static int
grant_or_request (CcmCli      *cli,
                  int          argc,
                  char       **argv,
                  gboolean     request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *allotment_id = NULL;
  g_autofree char *until_label = NULL;
  g_autofree char *sentence = NULL;
  const char *slug, *device = NULL, *seat_type_id, *seat_type_name;
  gint64 quantity = 0, until = 0, granted;
  JsonObject *args, *result;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "until", 0, 0, G_OPTION_ARG_STRING, &until_text,
      request ? N_("When the lease ends, server time (default: in 10 hours)")
              : N_("When the lease ends, server time (required)"),
      N_("TIME") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, request ? 2 : 3, request ? 2 : 3, &argc, &argv, &status))
    return status;
  slug = argv[1];
  if (!request)
    device = argv[2];
  if (!request && until_text == NULL)
    {
      ccm_cli_set_usage_error (&error, _("The option --until is required"));
      return ccm_cli_fail (cli, error);
    }

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (until_text != NULL && !parse_time (cli, until_text, &until, &error)) ||
      !read_seats (store, slug, argv + (request ? 2 : 3), &seat_type_id, &seat_type_name,
                   &quantity, &conference, &error))
    return ccm_cli_fail (cli, error);

  allotment_id = ccm_cli_new_id (cli);
  args = json_object_new ();
  json_object_set_string_member (args, "conference", slug);
  json_object_set_string_member (args, "allotment_id", allotment_id);
  if (device != NULL)
    json_object_set_string_member (args, "device_id", device);
  json_object_set_string_member (args, "seat_type", seat_type_id);
  json_object_set_int_member (args, "quantity", quantity);
  if (until != 0)
    json_object_set_int_member (args, "until", until);
  outcome = ccm_cli_execute (cli, request ? "RequestAllotment" : "GrantAllotment", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  result = outcome->result;
  granted = ccm_json_int (result, "quantity", quantity);
  until_label = format_time (ccm_json_int (result, "until", until));
  if (granted < quantity)
    sentence = g_strdup_printf (_("Allotment %s: %lld of the %lld “%s” seats asked for (no more "
                                  "were free), for device %s until %s."),
                                allotment_id, (long long) granted, (long long) quantity,
                                seat_type_name, ccm_json_string (result, "device_id"),
                                until_label);
  else
    sentence = g_strdup_printf (ngettext ("Allotment %s: %lld “%s” seat for device %s until %s.",
                                          "Allotment %s: %lld “%s” seats for device %s until %s.",
                                          (gulong) granted),
                                allotment_id, (long long) granted, seat_type_name,
                                ccm_json_string (result, "device_id"), until_label);
  return report (cli, outcome, slug, allotment_id, sentence);
}

static int
allotment_grant (CcmCli  *cli,
                 int      argc,
                 char   **argv)
{
  return grant_or_request (cli, argc, argv, FALSE);
}

static int
allotment_request (CcmCli  *cli,
                   int      argc,
                   char   **argv)
{
  return grant_or_request (cli, argc, argv, TRUE);
}

static int
allotment_return (CcmCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *sentence = NULL;
  JsonObject *args;
  int status;

  if (!ccm_cli_parse (cli, NULL, 2, 2, &argc, &argv, &status))
    return status;
  if (!ccm_cli_check_conference (cli, argv[1], &error))
    return ccm_cli_fail (cli, error);

  args = json_object_new ();
  json_object_set_string_member (args, "conference", argv[1]);
  json_object_set_string_member (args, "allotment_id", argv[2]);
  outcome = ccm_cli_execute (cli, "ReturnAllotment", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  if (outcome->n_events == 0)
    sentence = g_strdup_printf (_("Allotment %s had already ended; nothing changed."), argv[2]);
  else
    sentence = g_strdup_printf (ngettext ("Allotment %s returned: %lld unused seat is free again.",
                                          "Allotment %s returned: %lld unused seats are free again.",
                                          (gulong) ccm_json_int (outcome->result, "returned", 0)),
                                argv[2], (long long) ccm_json_int (outcome->result, "returned", 0));
  return report (cli, outcome, argv[1], argv[2], sentence);
}

static const char *
status_label (const char *status)
{
  if (g_strcmp0 (status, "active") == 0)
    return _("running");
  if (g_strcmp0 (status, "returned") == 0)
    return _("returned");
  if (g_strcmp0 (status, "expired") == 0)
    return _("expired");
  return status != NULL ? status : "";
}

static int
allotment_list (CcmCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(JsonObject) conference = NULL;
  g_autoptr(CcmCliTable) table = NULL;
  const char *own_device;
  CcmStore *store;
  int status;

  if (!ccm_cli_parse (cli, NULL, 1, 1, &argc, &argv, &status))
    return status;
  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (conference = ccm_conference_views_get (store, argv[1], &error)) == NULL ||
      (list = ccm_allotment_views_list (store, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      json_node_set_array (node, list);
      ccm_cli_print_json (node);
      return CCM_CLI_EXIT_OK;
    }
  if (json_array_get_length (list) == 0)
    {
      g_print (_("No allotments in %s.\n"), argv[1]);
      return CCM_CLI_EXIT_OK;
    }

  own_device = ccm_store_get_device_id (store);
  table = ccm_cli_table_new (8);
  ccm_cli_table_set_header (table, _("ALLOTMENT"), _("DEVICE"), _("SEAT TYPE"), _("GRANTED"),
                            _("USED"), _("LEFT"), _("UNTIL"), _("STATUS"), NULL);
  for (guint column = 3; column <= 5; column++)
    ccm_cli_table_align_right (table, column);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *row = json_array_get_object_element (list, i);
      JsonObject *type = ccm_cli_find_seat_type (conference, ccm_json_string (row, "seat_type"),
                                                 NULL);
      g_autofree char *granted = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  ccm_json_int (row, "granted", 0));
      g_autofree char *used = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (row, "used", 0));
      g_autofree char *left = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               ccm_json_int (row, "remaining", 0));
      gint64 until_time = 0;
      g_autofree char *until = ccm_time_parse (ccm_json_string (row, "until"), &until_time)
                                 ? format_time (until_time) : g_strdup ("?");
      g_autofree char *device = g_strdup_printf ("%s%s", ccm_json_string (row, "device_id"),
                                                 g_strcmp0 (ccm_json_string (row, "device_id"),
                                                            own_device) == 0
                                                 ? _(" (this device)") : "");

      ccm_cli_table_add_row (table, ccm_json_string (row, "allotment_id"), device,
                             type != NULL ? ccm_json_string (type, "name")
                                          : ccm_json_string (row, "seat_type"),
                             granted, used, left, until,
                             status_label (ccm_json_string (row, "status")), NULL);
    }
  ccm_cli_table_print (table, 0);
  return CCM_CLI_EXIT_OK;
}

extern const CcmCliVerb ccm_cli_allotment_verbs[];

const CcmCliVerb ccm_cli_allotment_verbs[] = {
  { "grant", N_("Lease free seats of one type to a desk until a time"),
    N_("SLUG DEVICE TYPE=QTY"),
    N_("DEVICE is the desk’s device id. The seats are taken from free seats only; the "
       "command is refused when fewer are free. TIME is server time: an ISO 8601 time "
       "(UTC unless it says otherwise) or a lease from now such as +8h. Unused seats go "
       "back to the pool when the desk returns them, or 10 minutes after TIME."),
    allotment_grant, NULL },
  { "request", N_("Ask for free seats of one type for this desk"),
    N_("SLUG TYPE=QTY"),
    N_("This device gets what is free, up to QTY (a partial grant), and is refused only "
       "when nothing of that type is free. Sales from it are guaranteed, even offline; "
       "sales beyond it are provisional until the server serves them in arrival order."),
    allotment_request, NULL },
  { "return", N_("Give an allotment’s unused seats back to the pool"),
    N_("SLUG ALLOTMENT"), NULL, allotment_return, NULL },
  { "list", N_("List a conference’s allotments and what is left of them"),
    N_("SLUG"), NULL, allotment_list, NULL },
  { NULL }
};
