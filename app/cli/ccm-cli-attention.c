/* ccm-cli-attention.c — `contoso attention list|resolve|reopen`
 *
 * What needs a person: payments after expiry, amounts other than the
 * total, refunds due, double admissions, admissions of cancelled orders or
 * unknown tickets. Whoever dealt with one marks it resolved, with a note of
 * what was done; `reopen` takes that back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include "ccm-attention.h"
#include "ccm-cli-private.h"
#include "ccm-json.h"
#include "ccm-order-views.h"

static const char *
nonnull (const char *text)
{
  return text != NULL ? text : "";
}

/* --kind: known, and given when `required`; FALSE with a usage error that
 * names every kind. */
static gboolean
check_kind (const char  *kind,
            gboolean     required,
            GError     **error)
{
  g_autofree char *names = NULL;

  if (kind == NULL ? !required : ccm_attention_views_kind_label (kind) != NULL)
    return TRUE;
  names = ccm_attention_views_kind_names ();
  if (kind == NULL)
    ccm_cli_set_usage_error (error, _("The option --kind is required; the kinds are %s"), names);
  else
    ccm_cli_set_usage_error (error, _("--kind “%s” is not a kind of item; the kinds are %s"),
                             kind, names);
  return FALSE;
}

static int
attention_list (CcmCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autoptr(JsonArray) list = json_array_new ();
  g_autoptr(CcmCliTable) table = NULL;
  g_autofree char *kind = NULL;
  gboolean resolved = FALSE;
  const char *slug;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "resolved", 0, 0, G_OPTION_ARG_NONE, &resolved,
      N_("Also list the items marked resolved, after the others"), NULL },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("Only items of KIND (refund_due, already_admitted, …: the KIND column)"), N_("KIND") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 0, 1, &argc, &argv, &status))
    return status;
  slug = argc > 1 ? argv[1] : NULL;
  if (!check_kind (kind, FALSE, &error))
    return ccm_cli_fail (cli, error);

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (slug != NULL && !ccm_cli_check_conference (cli, slug, &error)) ||
      (all = ccm_attention_views_newest (store, slug, kind, 0, &error)) == NULL)
    return ccm_cli_fail (cli, error);
  for (guint i = 0; i < json_array_get_length (all); i++)
    {
      JsonObject *a = json_array_get_object_element (all, i);

      if (resolved || !ccm_json_bool (a, "resolved"))
        json_array_add_object_element (list, json_object_ref (a));
    }

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

  table = ccm_cli_table_new (6);
  ccm_cli_table_set_header (table, _("ID"), _("WHEN"), _("CONFERENCE"), _("KIND"), _("CONCERNS"),
                            _("WHAT"), NULL);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *a = json_array_get_object_element (list, i);
      const char *concerns = ccm_json_string (a, "ticket_code");
      g_autofree char *id = NULL;
      g_autofree char *what = NULL;

      /* An order by the code people know it by, by its id when this
       * device has not seen it. */
      if (concerns == NULL)
        concerns = ccm_json_string (a, "access_code");
      if (concerns == NULL)
        concerns = ccm_json_string (a, "order_id");
      /* A refused command has no number: it is this device's, named by
       * its key (command#…), which resolve and reopen take too. */
      if (ccm_json_int (a, "id", 0) > 0)
        id = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (a, "id", 0));
      else
        id = g_strdup (ccm_json_string (a, "item"));
      if (ccm_json_bool (a, "resolved") && ccm_json_string (a, "resolution_note") != NULL)
        /* TRANSLATORS: an attention item marked resolved: the note, then the message */
        what = g_strdup_printf (_("RESOLVED (%s): %s"), ccm_json_string (a, "resolution_note"),
                                nonnull (ccm_json_string (a, "message")));
      else if (ccm_json_bool (a, "resolved"))
        /* TRANSLATORS: an attention item marked resolved without a note */
        what = g_strdup_printf (_("RESOLVED: %s"), nonnull (ccm_json_string (a, "message")));
      ccm_cli_table_add_row (table, nonnull (id), nonnull (ccm_json_string (a, "recorded_at")),
                             nonnull (ccm_json_string (a, "conference")),
                             nonnull (ccm_json_string (a, "kind")), nonnull (concerns),
                             what != NULL ? what : nonnull (ccm_json_string (a, "message")), NULL);
    }
  ccm_cli_table_print (table, 0);
  return CCM_CLI_EXIT_OK;
}

/* resolve and reopen: the item by its id or its key. */
static int
attention_mark (CcmCli   *cli,
                int       argc,
                char    **argv,
                gboolean  resolve)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) item = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *note = NULL;
  JsonObject *args;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note,
      N_("What was done about it, kept with the mark"), N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, resolve ? entries : NULL, 1, 1, &argc, &argv, &status))
    return status;
  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (item = ccm_attention_views_get (store, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  args = json_object_new ();
  json_object_set_string_member (args, "conference", ccm_json_string (item, "conference"));
  json_object_set_string_member (args, "item", ccm_json_string (item, "item"));
  if (note != NULL)
    json_object_set_string_member (args, "note", note);
  outcome = ccm_cli_execute (cli, resolve ? "ResolveAttention" : "ReopenAttention", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = ccm_outcome_to_json (outcome);

      /* The item as it stands now. */
      if ((after = ccm_attention_views_get (store, ccm_json_string (item, "item"), &error)) == NULL)
        return ccm_cli_fail (cli, error);

      json_object_set_object_member (o, "item", g_steal_pointer (&after));
      ccm_cli_print_json_object (o);
      return CCM_CLI_EXIT_OK;
    }
  if (outcome->n_events == 0)
    g_print (resolve ? _("Already resolved: %s\n") : _("Not resolved: %s\n"),
             ccm_json_string (item, "message"));
  else
    g_print (resolve ? _("Resolved: %s\n") : _("Reopened: %s\n"), ccm_json_string (item, "message"));
  return CCM_CLI_EXIT_OK;
}

static CcmOutcome *
execute_cb (gpointer     user_data,
            const char  *type,
            JsonObject  *args,
            GError     **error)
{
  return ccm_cli_execute (user_data, type, args, error);
}

/* Every open item of one kind of a conference, with one note. */
static int
attention_resolve_all (CcmCli  *cli,
                       int      argc,
                       char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *note = NULL;
  const char *slug, *label;
  CcmStore *store;
  gint64 changed;
  int status;
  const GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("The kind of item (the KIND column of “contoso attention list”), required"), N_("KIND") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note,
      N_("What was done about them, kept with each mark"), N_("TEXT") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  slug = argv[1];
  if (!check_kind (kind, TRUE, &error))
    return ccm_cli_fail (cli, error);
  label = ccm_attention_views_kind_label (kind);
  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, slug, &error) ||
      (items = ccm_attention_views_open_items (store, slug, kind, &error)) == NULL ||
      (changed = ccm_attention_mark_items (store, "ResolveAttention", slug, items, note,
                                           execute_cb, cli, &error)) < 0)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      json_object_set_string_member (o, "conference", slug);
      json_object_set_string_member (o, "kind", kind);
      json_object_set_int_member (o, "resolved", changed);
      ccm_cli_print_json_object (o);
      return CCM_CLI_EXIT_OK;
    }
  /* TRANSLATORS: how many items of a kind ("Refunds due") were marked, in which conference */
  g_print (g_dngettext (NULL, "Resolved %lld item of “%s” in %s.\n",
                        "Resolved %lld items of “%s” in %s.\n", (gulong) changed),
           (long long) changed, label, slug);
  return CCM_CLI_EXIT_OK;
}

static int
attention_resolve (CcmCli  *cli,
                   int      argc,
                   char   **argv)
{
  return attention_mark (cli, argc, argv, TRUE);
}

static int
attention_reopen (CcmCli  *cli,
                  int      argc,
                  char   **argv)
{
  return attention_mark (cli, argc, argv, FALSE);
}

const CcmCliVerb ccm_cli_attention_verbs[] = {
  { "list", N_("List what needs a person, newest first, for one conference or all"),
    N_("[SLUG]"), NULL, attention_list, NULL },
  { "resolve", N_("Mark an item of the list as dealt with, by the ID the list shows"),
    N_("ID"), N_("The mark reaches every device of the conference with its next sync; "
                 "“contoso attention reopen ID” takes it back."), attention_resolve, NULL },
  { "resolve-all", N_("Mark every open item of one kind of a conference as dealt with"),
    N_("SLUG"), N_("--kind names the kind, as the KIND column of “contoso attention list” shows it; "
                   "“contoso attention reopen ID” takes one mark back."), attention_resolve_all, NULL },
  { "reopen", N_("Take back an item’s resolved mark"),
    N_("ID"), NULL, attention_reopen, NULL },
  { NULL }
};
