/* ccm-cli-seat-type.c — `contoso seat-type add|update|remove`
 *
 * A seat type is named by its name within its conference (quote names with
 * spaces; case does not matter) or by its id.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include "ccm-cli-private.h"
#include "ccm-conference-views.h"
#include "ccm-json.h"
#include "ccm-money.h"

/* The currency of a conference, for printing prices; NULL when unknown. */
static char *
conference_currency (CcmCli     *cli,
                     const char *slug)
{
  g_autoptr(JsonObject) conference = NULL;

  conference = ccm_conference_views_get (ccm_cli_get_store (cli, NULL), slug, NULL);
  return conference != NULL ? g_strdup (ccm_json_string (conference, "currency")) : NULL;
}

/* Reads --price and --quota when given; returns FALSE on a malformed one. */
static gboolean
price_and_quota_to_args (const char  *price_text,
                         const char  *quota_text,
                         JsonObject  *args,
                         GError     **error)
{
  gint64 price;
  gint64 quota;

  if (price_text != NULL)
    {
      if (!ccm_cli_parse_amount ("price", price_text, &price, error))
        return FALSE;
      json_object_set_int_member (args, "price", price);
    }
  if (quota_text != NULL)
    {
      if (!ccm_cli_parse_int ("quota", quota_text, G_MININT32, G_MAXINT32, &quota, error))
        return FALSE;
      json_object_set_int_member (args, "quota", quota);
    }
  return TRUE;
}

static int
seat_type_add (CcmCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *price_text = NULL;
  g_autofree char *quota_text = NULL;
  g_autofree char *description = NULL;
  g_autofree char *seat_type_id = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *price = NULL;
  g_autofree char *sentence = NULL;
  const char *slug, *name;
  g_autofree char *seats = NULL;
  gint64 price_cents;
  gint64 quota;
  int status;
  const GOptionEntry entries[] = {
    { "price", 0, 0, G_OPTION_ARG_STRING, &price_text,
      N_("Price of one seat in the conference’s currency, e.g. 199 or 199.50 (required)"),
      N_("AMOUNT") },
    { "quota", 0, 0, G_OPTION_ARG_STRING, &quota_text,
      N_("Number of seats on sale (required)"), N_("N") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description,
      N_("What the seat includes"), N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 2, 2, &argc, &argv, &status))
    return status;
  slug = argv[1];
  name = argv[2];

  if (price_text == NULL || quota_text == NULL)
    {
      ccm_cli_set_usage_error (&error, _("The option --%s is required"),
                               price_text == NULL ? "price" : "quota");
      return ccm_cli_fail (cli, error);
    }
  if (!price_and_quota_to_args (price_text, quota_text, args, &error))
    return ccm_cli_fail (cli, error);
  price_cents = json_object_get_int_member (args, "price");
  quota = json_object_get_int_member (args, "quota");

  seat_type_id = ccm_cli_new_id (cli);
  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "seat_type_id", seat_type_id);
  json_object_set_string_member (args, "name", name);
  if (description != NULL)
    json_object_set_string_member (args, "description", description);

  outcome = ccm_cli_execute (cli, "AddSeatType", g_steal_pointer (&args), &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  currency = conference_currency (cli, slug);
  price = ccm_money_format (price_cents, currency, CCM_MONEY_PLAIN);
  seats = g_strdup_printf (ngettext ("%s seat", "%s seats", (gulong) CLAMP (quota, 0, G_MAXLONG)),
                           quota_text);
  sentence = g_strdup_printf (_("Added seat type “%s” to %s: %s, %s."), name, slug, price, seats);
  return ccm_cli_report_conference (cli, outcome, slug, sentence);
}

static int
seat_type_update (CcmCli  *cli,
                  int      argc,
                  char   **argv)
{
  static const char *const fields[] = { "name", "description", "price", "quota", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *new_name = NULL;
  g_autofree char *price_text = NULL;
  g_autofree char *quota_text = NULL;
  g_autofree char *description = NULL;
  g_autofree char *sentence = NULL;
  g_autofree char *changed = NULL;
  const char *slug, *seat_type;
  int status;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &new_name, N_("Rename the seat type"), N_("TEXT") },
    { "price", 0, 0, G_OPTION_ARG_STRING, &price_text,
      N_("New price of one seat, e.g. 199 or 199.50"), N_("AMOUNT") },
    { "quota", 0, 0, G_OPTION_ARG_STRING, &quota_text, N_("New number of seats on sale"),
      N_("N") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("New description"),
      N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 2, 2, &argc, &argv, &status))
    return status;
  slug = argv[1];
  seat_type = argv[2];

  if (new_name == NULL && price_text == NULL && quota_text == NULL && description == NULL)
    {
      ccm_cli_set_usage_error (&error, _("Nothing to update: give at least one of --name, "
                                         "--price, --quota or --description"));
      return ccm_cli_fail (cli, error);
    }
  if (!price_and_quota_to_args (price_text, quota_text, args, &error))
    return ccm_cli_fail (cli, error);
  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "seat_type", seat_type);
  if (new_name != NULL)
    json_object_set_string_member (args, "name", new_name);
  if (description != NULL)
    json_object_set_string_member (args, "description", description);

  outcome = ccm_cli_execute (cli, "UpdateSeatType", g_steal_pointer (&args), &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  changed = ccm_cli_changed_fields (cli, outcome, fields);
  if (changed != NULL)
    sentence = g_strdup_printf (_("Updated seat type “%s” of %s: %s."),
                                new_name != NULL ? new_name : seat_type, slug, changed);
  else
    sentence = g_strdup_printf (_("Seat type “%s” of %s already had these values; "
                                  "nothing changed."), seat_type, slug);
  return ccm_cli_report_conference (cli, outcome, slug, sentence);
}

static int
seat_type_remove (CcmCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *sentence = NULL;
  const char *slug, *seat_type;
  int status;

  if (!ccm_cli_parse (cli, NULL, 2, 2, &argc, &argv, &status))
    return status;
  slug = argv[1];
  seat_type = argv[2];

  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "seat_type", seat_type);
  outcome = ccm_cli_execute (cli, "RemoveSeatType", g_steal_pointer (&args), &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  sentence = g_strdup_printf (_("Removed seat type “%s” from %s."), seat_type, slug);
  return ccm_cli_report_conference (cli, outcome, slug, sentence);
}

const CcmCliVerb ccm_cli_seat_type_verbs[] = {
  { "add", N_("Add a seat type to a conference"), N_("SLUG NAME"),
    N_("NAME is 2 to 70 characters; quote it when it holds spaces. Prices go up to "
       "50000.00 with at most two decimals; quotas up to 100000."),
    seat_type_add, NULL },
  { "update", N_("Change a seat type; only the options given change"), N_("SLUG SEAT-TYPE"),
    N_("SEAT-TYPE is the seat type’s name (any case) or its id."),
    seat_type_update, NULL },
  { "remove", N_("Remove a seat type (only while the conference was never published)"),
    N_("SLUG SEAT-TYPE"), N_("SEAT-TYPE is the seat type’s name (any case) or its id."),
    seat_type_remove, NULL },
  { NULL }
};
