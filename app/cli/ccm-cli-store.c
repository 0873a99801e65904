/* ccm-cli-store.c — `contoso status`, `contoso log`, `contoso rebuild`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include <stdio.h>

#include "ccm-cli-private.h"

/* Events read per query while printing the log: bounded memory whatever
 * the size of the store. */
#define LOG_PAGE 512

int
ccm_cli_status_run (CcmCli  *cli,
                    int      argc,
                    char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  g_autofree char *last = NULL;
  g_autofree char *timers = NULL;
  g_autofree char *outbox = NULL;
  g_autofree char *schema = NULL;
  g_autoptr(CcmCliTable) table = NULL;
  CcmStore *store;
  int status;

  if (!ccm_cli_parse (cli, NULL, 0, 0, &argc, &argv, &status))
    return status;

  if ((store = ccm_cli_get_store (cli, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      json_object_set_string_member (o, "store", ccm_store_get_path (store));
      json_object_set_int_member (o, "schema_version", ccm_store_get_schema_version (store));
      json_object_set_int_member (o, "events", ccm_store_count_events (store));
      json_object_set_int_member (o, "last_position", ccm_store_get_last_position (store));
      json_object_set_int_member (o, "pending_timers", ccm_store_count_timers (store));
      json_object_set_int_member (o, "outbox", ccm_store_count_outbox (store));
      json_object_set_string_member (o, "device_id", ccm_store_get_device_id (store));
      ccm_cli_print_json_object (o);
      return CCM_CLI_EXIT_OK;
    }

  schema = g_strdup_printf ("%d", ccm_store_get_schema_version (store));
  events = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_store_count_events (store));
  last = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_store_get_last_position (store));
  timers = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_store_count_timers (store));
  outbox = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_store_count_outbox (store));

  table = ccm_cli_table_new (2);
  ccm_cli_table_add_row (table, _("Store"), ccm_store_get_path (store), NULL);
  ccm_cli_table_add_row (table, _("Schema version"), schema, NULL);
  ccm_cli_table_add_row (table, _("Events"), events, NULL);
  ccm_cli_table_add_row (table, _("Last position"), last, NULL);
  ccm_cli_table_add_row (table, _("Pending timers"), timers, NULL);
  ccm_cli_table_add_row (table, _("Outbox"), outbox, NULL);
  ccm_cli_table_add_row (table, _("Device id"), ccm_store_get_device_id (store), NULL);
  ccm_cli_table_print (table, 0);
  return CCM_CLI_EXIT_OK;
}

int
ccm_cli_log_run (CcmCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *limit_text = NULL;
  gint64 after = 0;
  gint64 limit = 0;
  gint64 printed = 0;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "after", 0, 0, G_OPTION_ARG_STRING, &after_text,
      N_("Only events after the log position POSITION (default 0: from the start)"),
      N_("POSITION") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      N_("Print at most N events (default: all)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 0, 0, &argc, &argv, &status))
    return status;

  if ((after_text != NULL &&
       !ccm_cli_parse_int ("after", after_text, 0, G_MAXINT64, &after, &error)) ||
      (limit_text != NULL &&
       !ccm_cli_parse_int ("limit", limit_text, 1, G_MAXINT64, &limit, &error)))
    return ccm_cli_fail (cli, error);

  if ((store = ccm_cli_get_store (cli, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  for (;;)
    {
      g_autoptr(GPtrArray) events = NULL;
      guint page = LOG_PAGE;

      if (limit > 0)
        page = MIN (page, limit - printed);
      if (page == 0)
        break;

      events = ccm_store_read_all (store, after, page, &error);
      if (events == NULL)
        return ccm_cli_fail (cli, error);
      if (events->len == 0)
        break;

      for (guint i = 0; i < events->len; i++)
        {
          CcmEvent *event = g_ptr_array_index (events, i);
          g_autoptr(JsonObject) o = ccm_event_to_json (event);
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), o);
          g_autofree char *line = json_to_string (node, FALSE);

          /* JSON lines are UTF-8 whatever the locale. */
          fputs (line, stdout);
          fputc ('\n', stdout);
          after = event->position;
        }
      printed += events->len;
    }

  fflush (stdout);
  return CCM_CLI_EXIT_OK;
}

int
ccm_cli_rebuild_run (CcmCli  *cli,
                     int      argc,
                     char   **argv)
{
  g_autoptr(GError) error = NULL;
  CcmStore *store;
  gint64 n_events;
  int status;

  if (!ccm_cli_parse (cli, NULL, 0, 0, &argc, &argv, &status))
    return status;

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_store_rebuild (store, &error))
    return ccm_cli_fail (cli, error);

  n_events = ccm_store_count_events (store);
  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      json_object_set_boolean_member (o, "rebuilt", TRUE);
      json_object_set_int_member (o, "events", n_events);
      ccm_cli_print_json_object (o);
    }
  else
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n_events);

      g_print (ngettext ("Rebuilt the read models from %s event.\n",
                         "Rebuilt the read models from %s events.\n",
                         (gulong) MIN (n_events, G_MAXLONG)),
               count);
    }
  return CCM_CLI_EXIT_OK;
}
