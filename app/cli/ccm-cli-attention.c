/* ccm-cli-attention.c — `contoso attention list [SLUG]`
 *
 * What needs a person: payments after expiry, amounts other than the
 * total, refunds due, double admissions, admissions of cancelled orders or
 * unknown tickets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include "ccm-cli-private.h"
#include "ccm-json.h"
#include "ccm-order-views.h"

static const char *
nonnull (const char *text)
{
  return text != NULL ? text : "";
}

static int
attention_list (CcmCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) list = NULL;
  g_autoptr(CcmCliTable) table = NULL;
  const char *slug;
  CcmStore *store;
  int status;

  if (!ccm_cli_parse (cli, NULL, 0, 1, &argc, &argv, &status))
    return status;
  slug = argc > 1 ? argv[1] : NULL;

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (slug != NULL && !ccm_cli_check_conference (cli, slug, &error)) ||
      (list = ccm_attention_views_list (store, slug, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), list);

      ccm_cli_print_json (node);
      return CCM_CLI_EXIT_OK;
    }
  if (json_array_get_length (list) == 0)
    {
      g_print ("%s\n", _("Nothing needs attention."));
      return CCM_CLI_EXIT_OK;
    }

  table = ccm_cli_table_new (5);
  ccm_cli_table_set_header (table, _("WHEN"), _("CONFERENCE"), _("KIND"), _("CONCERNS"),
                            _("WHAT"), NULL);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *a = json_array_get_object_element (list, i);
      const char *concerns = ccm_json_string (a, "ticket_code");

      if (concerns == NULL)
        concerns = ccm_json_string (a, "order_id");
      ccm_cli_table_add_row (table, nonnull (ccm_json_string (a, "recorded_at")),
                             nonnull (ccm_json_string (a, "conference")),
                             nonnull (ccm_json_string (a, "kind")), nonnull (concerns),
                             nonnull (ccm_json_string (a, "message")), NULL);
    }
  ccm_cli_table_print (table, 0);
  return CCM_CLI_EXIT_OK;
}

const CcmCliVerb ccm_cli_attention_verbs[] = {
  { "list", N_("List what needs a person, newest first, for one conference or all"),
    N_("[SLUG]"), NULL, attention_list, NULL },
  { NULL }
};
