/* test-cli-export.c — `contoso export`, `import`, `badge pdf` and
 * `checkin list|stats` through the real binary
 *
 * Every test gets its own folder (G_TEST_OPTION_ISOLATE_DIRS) and store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ccm-csv.h"

#include "cli-test-utils.h"

static char *
path_in_data (const char *name)
{
  return g_build_filename (g_get_user_data_dir (), name, NULL);
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* "devcon": "Full pass" at 199.00 and "Community" free with 3 seats; an
 * order of three full passes, paid. Returns its access code. */
static char *
set_up_conference (Fixture *f)
{
  g_autoptr(Run) create = run (f, "conference", "create", "devcon", "--name", "DevCon 2027",
                               "--start", "2027-03-01", "--end", "2027-03-03",
                               "--owner-name", "Jane Doe", "--owner-email", "jane@example.com",
                               NULL);
  g_autoptr(Run) full = NULL;
  g_autoptr(Run) community = NULL;
  g_autoptr(Run) publish = NULL;
  g_autoptr(Run) pay = NULL;
  g_autoptr(JsonObject) placed = NULL;
  char *access_code;

  assert_ok (create);
  full = run (f, "seat-type", "add", "devcon", "Full pass", "--price", "199.00", "--quota", "100",
              NULL);
  assert_ok (full);
  community = run (f, "seat-type", "add", "devcon", "Community", "--price", "0", "--quota", "3",
                   NULL);
  assert_ok (community);
  publish = run (f, "conference", "publish", "devcon", NULL);
  assert_ok (publish);

  placed = run_json (f, "order", "place", "devcon", "Full pass=3", "--first-name", "Sam",
                     "--last-name", "Sponsor", "--email", "sam@sponsor.example", NULL);
  access_code = g_strdup (json_object_get_string_member (json_object_get_object_member (placed,
                                                                                        "order"),
                                                         "access_code"));
  pay = run (f, "order", "pay", access_code, "--method", "invoice", NULL);
  assert_ok (pay);
  return access_code;
}

/* The records of a CSV file, header first. */
static GPtrArray *
read_csv (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length;
  GPtrArray *records;

  g_file_get_contents (path, &text, &length, &error);
  g_assert_no_error (error);
  records = ccm_csv_parse (text, length, &error);
  g_assert_no_error (error);
  return records;
}

static int
column (GPtrArray  *records,
        const char *name)
{
  char **header = g_ptr_array_index (records, 0);

  for (int i = 0; header[i] != NULL; i++)
    if (g_str_equal (header[i], name))
      return i;
  g_assert_not_reached ();
}

/* The exported row of an e-mail address, or NULL. */
static char **
row_of (GPtrArray  *records,
        const char *email)
{
  int c = column (records, "email");

  for (guint i = 1; i < records->len; i++)
    {
      char **row = g_ptr_array_index (records, i);

      if (g_str_equal (row[c], email))
        return row;
    }
  return NULL;
}

static void
test_import_export_round_trip (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *code = set_up_conference (f);
  g_autofree char *partner = path_in_data ("partner.csv");
  g_autofree char *exported = path_in_data ("attendees.csv");
  g_autofree char *exported_again = path_in_data ("attendees-again.csv");
  g_autofree char *orders = path_in_data ("orders.csv");
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) export = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) order_records = NULL;
  g_autoptr(Run) reimport = NULL;
  g_autoptr(Run) second_export = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  char **row;
  gint64 events;

  /* A partner's list: columns in its own order and spelling, two people on
   * the sponsor's order, two free guests, a name with a comma and quotes. */
  text = g_strdup_printf ("Order,E-mail,First name,Last name,Seat type,Company\r\n"
                          "%s,ana@sponsor.example,Ana,\"Núñez, Jr.\",Full pass,Sponsor\r\n"
                          "%s,bo@sponsor.example,Bo,\"\"\"Bobby\"\" Li\",full pass,Sponsor\r\n"
                          ",cy@community.example,Cy,Guest,Community,\r\n"
                          ",di@community.example,Di,Guest,Community,\r\n"
                          ",ev@community.example,=1+2,@SUM(A1),Community,\r\n", code, code);
  write_text (partner, text);

  events = event_count (f);
  report = run_json (f, "import", "attendees", "devcon", partner, NULL);
  g_assert_cmpint (json_object_get_int_member (report, "rows"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (report, "accepted"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (report, "refused_count"), ==, 0);
  g_assert_true (json_object_get_boolean_member (report, "written"));
  g_assert_cmpint (event_count (f), >, events);
  g_assert_cmpint (json_object_get_int_member (report, "events"), ==, event_count (f) - events);
  /* The counts per action are the rows' results tallied. */
  {
    static const char *const actions[] = { "assigned", "updated", "unchanged", "complimentary" };
    JsonObject *counts = json_object_get_object_member (report, "counts");
    JsonArray *results = json_object_get_array_member (report, "results");
    gint64 total = 0;

    g_assert_nonnull (counts);
    for (guint a = 0; a < G_N_ELEMENTS (actions); a++)
      {
        gint64 n = 0;

        for (guint i = 0; i < json_array_get_length (results); i++)
          n += g_strcmp0 (json_object_get_string_member (json_array_get_object_element (results, i),
                                                         "action"), actions[a]) == 0;
        g_assert_cmpint (json_object_get_int_member (counts, actions[a]), ==, n);
        total += n;
      }
    g_assert_cmpint (total, ==, 5);
    g_assert_cmpint (json_object_get_int_member (counts, "complimentary"), >, 0);
  }

  export = run_json (f, "export", "attendees", "devcon", "--out", exported, NULL);
  /* Three seats of the sponsor's order (one unassigned) and three guests. */
  g_assert_cmpint (json_object_get_int_member (export, "rows"), ==, 6);
  /* Names and e-mail addresses: private to their owner, as the store is. */
  {
    GStatBuf info;

    g_assert_cmpint (g_stat (exported, &info), ==, 0);
    g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  }
  records = read_csv (exported);
  g_assert_cmpuint (records->len, ==, 7);

  row = row_of (records, "ana@sponsor.example");
  g_assert_nonnull (row);
  g_assert_cmpstr (row[column (records, "last_name")], ==, "Núñez, Jr.");
  g_assert_cmpstr (row[column (records, "seat_type")], ==, "Full pass");
  g_assert_cmpstr (row[column (records, "access_code")], ==, code);
  row = row_of (records, "bo@sponsor.example");
  g_assert_nonnull (row);
  g_assert_cmpstr (row[column (records, "last_name")], ==, "\"Bobby\" Li");
  row = row_of (records, "cy@community.example");
  g_assert_nonnull (row);
  g_assert_cmpstr (row[column (records, "seat_type")], ==, "Community");
  g_assert_cmpstr (row[column (records, "status")], ==, "valid");
  /* Names a spreadsheet would run as formulas are written as text. */
  row = row_of (records, "ev@community.example");
  g_assert_nonnull (row);
  g_assert_cmpstr (row[column (records, "first_name")], ==, "'=1+2");
  g_assert_cmpstr (row[column (records, "last_name")], ==, "'@SUM(A1)");
  row = row_of (records, "cy@community.example");
  /* A complimentary order of its own. */
  g_assert_cmpstr (row[column (records, "access_code")], !=, code);
  g_assert_cmpint (strlen (row[column (records, "ticket_code")]), ==, 12);

  /* The export imports back as it is and changes nothing. */
  events = event_count (f);
  again = run_json (f, "import", "attendees", "devcon", exported, NULL);
  g_assert_cmpint (json_object_get_int_member (again, "accepted"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (again, "refused_count"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (again, "events"), ==, 0);
  g_assert_cmpint (event_count (f), ==, events);
  /* And so does the partner's list. */
  reimport = run (f, "import", "attendees", "devcon", partner, NULL);
  assert_ok (reimport);
  g_assert_nonnull (strstr (reimport->out, "5 unchanged"));
  g_assert_cmpint (event_count (f), ==, events);

  /* A long file: past 2000 look-ups the import loads the conference's seats
   * at once, and the rows after that are weighed the same: 2100 tickets
   * nobody issued, then the partner's list (seats of an order, guests). */
  {
    g_autofree char *long_path = path_in_data ("long.csv");
    g_auto(GStrv) partner_lines = g_strsplit (text, "\r\n", -1);
    g_autoptr(GString) lines = g_string_new (NULL);
    g_autoptr(JsonObject) long_report = NULL;
    g_autoptr(Run) r = NULL;
    JsonArray *results;

    g_string_append_printf (lines, "%s,Ticket\r\n", partner_lines[0]);
    for (guint i = 0; i < 2100; i++)
      g_string_append_printf (lines, ",nobody%u@example.org,Nobody,Known,Full pass,,ZZZZ%08u\r\n",
                              i, i);
    for (guint i = 1; partner_lines[i] != NULL && *partner_lines[i] != '\0'; i++)
      g_string_append_printf (lines, "%s,\r\n", partner_lines[i]);
    write_text (long_path, lines->str);
    r = run (f, "--json", "import", "attendees", "devcon", long_path, "--dry-run", NULL);
    g_assert_cmpint (r->status, ==, 1);
    long_report = parse_object (r->out);
    g_assert_cmpint (json_object_get_int_member (long_report, "refused_count"), ==, 2100);
    g_assert_cmpint (json_object_get_int_member (long_report, "accepted"), ==, 5);
    results = json_object_get_array_member (long_report, "results");
    for (guint i = 0; i < json_array_get_length (results); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i),
                                                      "action"), ==, "unchanged");
    g_assert_cmpint (event_count (f), ==, events);
  }

  second_export = run (f, "export", "attendees", "devcon", "--out", exported_again, NULL);
  assert_ok (second_export);
  g_file_get_contents (exported, &first_text, NULL, NULL);
  g_file_get_contents (exported_again, &second_text, NULL, NULL);
  g_assert_cmpstr (first_text, ==, second_text);

  /* Orders: the sponsor's and three complimentary ones. */
  {
    g_autoptr(Run) o = run (f, "export", "orders", "devcon", "--out", orders, NULL);

    assert_ok (o);
  }
  order_records = read_csv (orders);
  g_assert_cmpuint (order_records->len, ==, 5);
  for (guint i = 1; i < order_records->len; i++)
    {
      char **r = g_ptr_array_index (order_records, i);

      if (g_str_equal (r[column (order_records, "access_code")], code))
        {
          g_assert_cmpstr (r[column (order_records, "total")], ==, "597.00");
          g_assert_cmpstr (r[column (order_records, "seats")], ==, "3");
          g_assert_cmpstr (r[column (order_records, "attendees")], ==, "2");
          g_assert_cmpstr (r[column (order_records, "registrant")], ==, "Sam Sponsor");
        }
      else
        g_assert_cmpstr (r[column (order_records, "total")], ==, "0.00");
      g_assert_cmpstr (r[column (order_records, "status")], ==, "confirmed");
    }
}

static void
test_import_refuses_bad_rows (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *code = set_up_conference (f);
  g_autofree char *partner = path_in_data ("bad.csv");
  g_autofree char *text = NULL;
  g_autoptr(Run) r = NULL;
  g_autoptr(Run) skip = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *refused;
  gint64 events;
  static const struct
  {
    guint       line;
    const char *field;
    const char *words;
  } expected[] = {
    { 3, "email", "not a valid e-mail" },
    { 4, "seat_type", "no seat type “Gold”" },
    { 5, NULL, "has 4 fields where the header has 5" },
    { 6, "access_code", "no order ZZZZZZ" },
    { 7, "access_code", "not free" },
    { 8, "email", "on line 2" },
    { 9, NULL, "not closed" },
  };

  /* Good rows (2) among bad ones; the last bad one swallows the rest. */
  text = g_strdup_printf ("email,first_name,last_name,seat_type,access_code\n"
                          "ok@example.org,Ok,Person,Full pass,%s\n"
                          "not-an-address,Bad,Mail,Full pass,%s\n"
                          "gold@example.org,Gold,Seat,Gold,%s\n"
                          "short@example.org,Short,Row,Full pass\n"
                          "lost@example.org,Lost,Order,Full pass,ZZZZZZ\n"
                          "paid@example.org,No,Order,Full pass,\n"
                          "ok@example.org,Ok,Twice,Full pass,%s\n"
                          "open@example.org,\"Open,Quote,Community,\n"
                          "after@example.org,After,Quote,Community,\n",
                          code, code, code, code);
  write_text (partner, text);

  events = event_count (f);
  r = run (f, "--json", "import", "attendees", "devcon", partner, NULL);
  g_assert_cmpint (r->status, ==, 1);
  node = json_from_string (r->out, NULL);
  g_assert_nonnull (node);
  report = json_object_ref (json_node_get_object (node));
  g_assert_false (json_object_get_boolean_member (report, "written"));
  g_assert_cmpint (json_object_get_int_member (report, "accepted"), ==, 1);
  refused = json_object_get_array_member (report, "refused");
  g_assert_cmpuint (json_array_get_length (refused), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *o = json_array_get_object_element (refused, i);
      const char *reason = json_object_get_string_member (o, "reason");
      g_autofree char *line = g_strdup_printf ("Line %u", expected[i].line);

      g_test_message ("%s", reason);
      g_assert_cmpint (json_object_get_int_member (o, "line"), ==, expected[i].line);
      g_assert_cmpstr (json_object_get_string_member_with_default (o, "field", NULL), ==,
                       expected[i].field);
      g_assert_nonnull (strstr (reason, expected[i].words));
      g_assert_true (g_str_has_prefix (reason, line));
      /* And each is on stderr for a person. */
      g_assert_nonnull (strstr (r->err, reason));
    }
  /* Nothing partial: the good row was not written either. */
  g_assert_cmpint (event_count (f), ==, events);

  /* --dry-run writes nothing even when every row is good. */
  {
    g_autofree char *good = path_in_data ("good.csv");
    g_autoptr(Run) dry = NULL;

    write_text (good, "email,first_name,last_name,seat_type\nx@example.org,X,Y,Community\n");
    dry = run (f, "import", "attendees", "devcon", good, "--dry-run", NULL);
    assert_ok (dry);
    g_assert_nonnull (strstr (dry->out, "1 complimentary"));
    g_assert_cmpint (event_count (f), ==, events);
  }

  /* With --skip-refused the good row is imported, and still exit 1. */
  skip = run (f, "import", "attendees", "devcon", partner, "--skip-refused", NULL);
  g_assert_cmpint (skip->status, ==, 1);
  g_assert_nonnull (strstr (skip->out, "1 seats assigned"));
  g_assert_cmpint (event_count (f), >, events);
}

static void
test_import_whole_file_errors (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *code = set_up_conference (f);
  g_autofree char *path = path_in_data ("no-email.csv");
  g_autoptr(Run) r = NULL;
  g_autoptr(Run) missing = NULL;
  g_autoptr(Run) unknown = NULL;

  write_text (path, "name,seat_type\nAna,Full pass\n");
  r = run (f, "import", "attendees", "devcon", path, NULL);
  g_assert_cmpint (r->status, ==, 1);
  g_assert_nonnull (strstr (r->err, "email"));

  missing = run (f, "import", "attendees", "devcon", "/nonexistent/file.csv", NULL);
  g_assert_cmpint (missing->status, ==, 3);
  unknown = run (f, "import", "attendees", "nope", path, NULL);
  g_assert_cmpint (unknown->status, ==, 1);
}

static void
test_checkin_list_and_stats (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *code = set_up_conference (f);
  g_autofree char *partner = path_in_data ("p.csv");
  g_autoptr(Run) import = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) admitted_only = NULL;
  g_autoptr(Run) admit = NULL;
  g_autoptr(Run) stats_text = NULL;
  g_autoptr(Run) help = NULL;
  g_autoptr(JsonArray) all = NULL;
  g_autoptr(JsonArray) inside = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(JsonArray) found = NULL;
  const char *ticket = NULL;

  write_text (partner, "email,first_name,last_name,seat_type\n"
                       "jose@example.org,José,García,Community\n"
                       "li@example.org,Li,Wei,Community\n");
  import = run (f, "import", "attendees", "devcon", partner, NULL);
  assert_ok (import);

  list = run (f, "--json", "checkin", "list", "devcon", "--search", "jose", NULL);
  assert_ok (list);
  found = parse_array (list->out);
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  ticket = json_object_get_string_member (json_array_get_object_element (found, 0), "ticket_code");

  /* `checkin CODE` still admits. */
  admit = run (f, "checkin", ticket, NULL);
  assert_ok (admit);
  g_assert_nonnull (strstr (admit->out, "ADMITTED"));

  {
    g_autoptr(Run) r = run (f, "checkin", "list", "devcon", "--json", NULL);

    assert_ok (r);
    all = parse_array (r->out);
  }
  g_assert_cmpuint (json_array_get_length (all), ==, 5);
  admitted_only = run (f, "checkin", "--json", "list", "devcon", "--admitted", NULL);
  assert_ok (admitted_only);
  inside = parse_array (admitted_only->out);
  g_assert_cmpuint (json_array_get_length (inside), ==, 1);

  stats = run_json (f, "checkin", "stats", "devcon", NULL);
  g_assert_cmpint (json_object_get_int_member (stats, "admitted"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stats, "expected"), ==, 5);
  stats_text = run (f, "checkin", "stats", "devcon", NULL);
  assert_ok (stats_text);
  g_assert_nonnull (strstr (stats_text->out, "Admitted 1 of 5"));

  help = run (f, "checkin", "list", "--help", NULL);
  assert_ok (help);
  g_assert_nonnull (strstr (help->out, "--not-admitted"));
}

static void
test_badge_pdf_cli (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *code = set_up_conference (f);
  g_autofree char *pdf = path_in_data ("badges.pdf");
  g_autoptr(JsonObject) none = NULL;
  g_autoptr(Run) empty = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autoptr(Run) no_out = NULL;
  g_autoptr(JsonObject) one = NULL;
  g_autoptr(JsonObject) order = NULL;
  const char *ticket;

  /* Nobody is assigned yet. */
  empty = run (f, "badge", "pdf", "devcon", "--out", pdf, NULL);
  g_assert_cmpint (empty->status, ==, 1);
  no_out = run (f, "badge", "pdf", "devcon", NULL);
  g_assert_cmpint (no_out->status, ==, 2);
  unknown = run (f, "badge", "pdf", "devcon", "--out", pdf, "--attendee", "AAAABBBBCCCC", NULL);
  g_assert_cmpint (unknown->status, ==, 1);

  /* An unassigned seat's badge, asked for by its code, has a line for the name. */
  order = run_json (f, "order", "show", code, "--conference", "devcon", NULL);
  ticket = json_object_get_string_member (
    json_array_get_object_element (json_object_get_array_member (order, "attendees"), 0),
    "ticket_code");
  one = run_json (f, "badge", "pdf", "devcon", "--out", pdf, "--attendee", ticket, NULL);
  g_assert_cmpint (json_object_get_int_member (one, "badges"), ==, 1);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("import/round-trip", test_import_export_round_trip);
  ADD ("import/refused-rows", test_import_refuses_bad_rows);
  ADD ("import/whole-file", test_import_whole_file_errors);
  ADD ("checkin/list-stats", test_checkin_list_and_stats);
  ADD ("badge/pdf", test_badge_pdf_cli);

#undef ADD

  return g_test_run ();
}
