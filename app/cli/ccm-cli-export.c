/* ccm-cli-export.c — `contoso export attendees|orders SLUG --out FILE` and
 * `contoso import attendees SLUG FILE`
 *
 * Exports are RFC 4180 CSV in UTF-8 with a header row; an import checks
 * every row first and writes all of them or, when one is refused, none
 * (unless --skip-refused): the rules are in model/ccm-export.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include <stdio.h>
#include <string.h>

#include "ccm-cli-private.h"
#include "ccm-export.h"
#include "ccm-json.h"

typedef char *(*ExportFunc) (CcmStore    *store,
                             const char  *slug,
                             GError     **error);

/* "-" or no --out: standard output. */
static gboolean
is_stdout (const char *path)
{
  return path == NULL || g_str_equal (path, "-");
}

static guint
count_records (const char *csv)
{
  guint n = 0;
  gboolean quoted = FALSE;

  /* The writer ends each record with CRLF and never leaves one unquoted
   * inside a field; quotes toggle in pairs. */
  for (const char *c = csv; *c != '\0'; c++)
    {
      if (*c == '"')
        quoted = !quoted;
      else if (*c == '\n' && !quoted)
        n++;
    }
  return n > 0 ? n - 1 : 0;
}

static int
run_export (CcmCli     *cli,
            int         argc,
            char      **argv,
            ExportFunc  export,
            gboolean    orders)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *csv = NULL;
  CcmStore *store;
  guint rows;
  int status;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write the CSV to FILE (default: standard output)"), N_("FILE") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  if (cli->json && is_stdout (out))
    {
      ccm_cli_set_usage_error (&error, _("With --json, give the CSV a file with --out"));
      return ccm_cli_fail (cli, error);
    }

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, argv[1], &error) ||
      (csv = export (store, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);
  rows = count_records (csv);

  if (is_stdout (out))
    {
      fputs (csv, stdout);
      fflush (stdout);
      return CCM_CLI_EXIT_OK;
    }
  /* Names and e-mail addresses: for the owner's eyes, as the store is. */
  if (!g_file_set_contents_full (out, csv, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      json_object_set_string_member (o, "conference", argv[1]);
      json_object_set_string_member (o, "file", out);
      json_object_set_int_member (o, "rows", rows);
      ccm_cli_print_json_object (o);
    }
  else
    {
      g_autofree char *display = g_filename_display_name (out);

      g_print (orders
               ? ngettext ("Wrote %u order of %s to %s.\n", "Wrote %u orders of %s to %s.\n", rows)
               : ngettext ("Wrote %u attendee of %s to %s.\n",
                           "Wrote %u attendees of %s to %s.\n", rows),
               rows, argv[1], display);
    }
  return CCM_CLI_EXIT_OK;
}

static int
export_attendees (CcmCli  *cli,
                  int      argc,
                  char   **argv)
{
  return run_export (cli, argc, argv, ccm_export_attendees_csv, FALSE);
}

static int
export_orders (CcmCli  *cli,
               int      argc,
               char   **argv)
{
  return run_export (cli, argc, argv, ccm_export_orders_csv, TRUE);
}

const CcmCliVerb ccm_cli_export_verbs[] = {
  { "attendees", N_("Write a conference’s attendees as CSV"), N_("SLUG"),
    N_("One row per seat of a confirmed order, assigned or not: ticket_code, first_name, "
       "last_name, email, seat_type, access_code, status, admitted, admitted_at, admitted_by "
       "(the desk’s device id), admitted_desk (its name, once a sync brought it). "
       "RFC 4180 CSV in UTF-8 with a header row; the file imports back with "
       "“contoso import attendees”."),
    export_attendees, NULL },
  { "orders", N_("Write a conference’s orders as CSV"), N_("SLUG"),
    N_("One row per order, newest first: access_code, status, total, currency, registrant, "
       "email, seats, attendees, placed_at. Totals are decimal amounts in the order’s "
       "currency."),
    export_orders, NULL },
  { NULL }
};

/* Import */

static gboolean
read_input (const char  *path,
            char       **data,
            gsize       *length,
            GError     **error)
{
  g_autoptr(GString) text = NULL;
  char buffer[8192];
  size_t n;

  if (!g_str_equal (path, "-"))
    return g_file_get_contents (path, data, length, error);

  text = g_string_new (NULL);
  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    g_string_append_len (text, buffer, n);
  if (ferror (stdin))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_IO,
                           _("Could not read the attendee list from standard input"));
      return FALSE;
    }
  *length = text->len;
  *data = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}

static guint
count_action (JsonObject *report,
              const char *action)
{
  return (guint) ccm_json_int (json_object_get_object_member (report, "counts"), action, 0);
}

static int
import_attendees (CcmCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *data = NULL;
  gboolean dry_run = FALSE;
  gboolean skip_refused = FALSE;
  CcmImportFlags flags = CCM_IMPORT_NONE;
  JsonArray *refused;
  CcmStore *store;
  gsize length = 0;
  guint n_refused;
  int status;
  const GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Check every row and report, but write nothing"), NULL },
    { "skip-refused", 0, 0, G_OPTION_ARG_NONE, &skip_refused,
      N_("Import the accepted rows even when others are refused"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 2, 2, &argc, &argv, &status))
    return status;
  if (dry_run)
    flags |= CCM_IMPORT_DRY_RUN;
  if (skip_refused)
    flags |= CCM_IMPORT_SKIP_REFUSED;
  /* A person reads counts; a program may want every row's result. */
  if (!cli->json)
    flags |= CCM_IMPORT_NO_RESULTS;

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, argv[1], &error) ||
      !read_input (argv[2], &data, &length, &error) ||
      (report = ccm_import_attendees (store, argv[1], data, length, flags, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  refused = json_object_get_array_member (report, "refused");
  n_refused = json_array_get_length (refused);

  /* Refused rows go to stderr either way: they are what a person must fix. */
  for (guint i = 0; i < n_refused; i++)
    g_printerr ("contoso: %s\n",
                ccm_json_string (json_array_get_object_element (refused, i), "reason"));

  if (cli->json)
    ccm_cli_print_json_object (report);
  else if (n_refused > 0 && !ccm_json_bool (report, "written"))
    g_printerr (dry_run
                ? ngettext ("contoso: %u of %u rows was refused.\n",
                            "contoso: %u of %u rows were refused.\n", n_refused)
                : ngettext ("contoso: %u of %u rows was refused; nothing was written. Correct "
                            "it, or import the others with --skip-refused.\n",
                            "contoso: %u of %u rows were refused; nothing was written. Correct "
                            "them, or import the others with --skip-refused.\n", n_refused),
                n_refused, (guint) ccm_json_int (report, "rows", 0));
  else
    {
      guint assigned = count_action (report, "assigned");
      guint updated = count_action (report, "updated");
      guint complimentary = count_action (report, "complimentary");
      guint unchanged = count_action (report, "unchanged");

      g_print (dry_run
               ? _("Checked %u rows for %s: %u seats to assign, %u to rename, %u "
                   "complimentary orders to place, %u unchanged.\n")
               : _("Imported %u rows into %s: %u seats assigned, %u renamed, %u "
                   "complimentary orders placed, %u unchanged.\n"),
               (guint) ccm_json_int (report, "accepted", 0), argv[1], assigned, updated,
               complimentary, unchanged);
      if (n_refused > 0)
        g_printerr (ngettext ("contoso: %u row was refused and not imported.\n",
                              "contoso: %u rows were refused and not imported.\n", n_refused),
                    n_refused);
    }

  return n_refused > 0 ? CCM_CLI_EXIT_REJECTED : CCM_CLI_EXIT_OK;
}

const CcmCliVerb ccm_cli_import_verbs[] = {
  { "attendees", N_("Give seats to the people of a CSV attendee list"), N_("SLUG FILE"),
    N_("FILE (“-” for standard input) is CSV with a header row naming the columns email, "
       "first_name, last_name and seat_type, and optionally access_code (the order whose "
       "seats the people take) and ticket_code (one seat exactly). A row without either "
       "gets a complimentary order of one seat when its seat type is free. Every row is "
       "checked first; refused rows are listed on stderr by line with the reason, and "
       "then nothing is written unless --skip-refused is given. Importing the same file "
       "twice changes nothing.\n\n"
       "Exit status: 0 every row was accepted, 1 some rows were refused."),
    import_attendees, NULL },
  { NULL }
};
