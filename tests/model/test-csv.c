/* test-csv.c — the RFC 4180 writer and the strict reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "ccm-csv.h"

static char *
write_records (const char *const *const *records,
               guint                     n_records,
               guint                     width)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n_records; i++)
    ccm_csv_append_record (out, records[i], width);
  return g_string_free (out, FALSE);
}

static void
test_writer_quoting (void)
{
  static const char *const row[] = {
    "plain", "with,comma", "say \"hi\"", "two\nlines", "", " padded", "Zoë",
  };
  g_autoptr(GString) out = g_string_new (NULL);

  ccm_csv_append_record (out, row, G_N_ELEMENTS (row));
  g_assert_cmpstr (out->str, ==,
                   "plain,\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\",,\" padded\",Zoë\r\n");
}

static void
test_round_trip (void)
{
  static const char *const header[] = { "name", "note", "email" };
  static const char *const r1[] = { "José Núñez", "likes \"quotes\", commas", "jose@example.org" };
  static const char *const r2[] = { "", "line one\r\nline two\nthree", "x@example.org" };
  static const char *const r3[] = { "O’Brien", ",", "\"" };
  const char *const *const records[] = { header, r1, r2, r3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parsed = NULL;
  g_autofree char *text = write_records (records, G_N_ELEMENTS (records), 3);

  parsed = ccm_csv_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->len, ==, G_N_ELEMENTS (records));
  for (guint i = 0; i < parsed->len; i++)
    {
      char **fields = g_ptr_array_index (parsed, i);

      g_assert_cmpuint (g_strv_length (fields), ==, 3);
      for (guint j = 0; j < 3; j++)
        g_assert_cmpstr (fields[j], ==, records[i][j]);
    }
}

static void
test_reader_endings (void)
{
  /* LF and CRLF mixed, a BOM, empty lines, no final newline. */
  static const char text[] = "\xEF\xBB\xBF" "a,b\r\n1,2\n\n\r\n3,\"4\"";
  g_autoptr(CcmCsvReader) reader = ccm_csv_reader_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  char **fields = NULL;
  guint line = 0;

  g_assert_cmpint (ccm_csv_reader_next (reader, &fields, &line, &error), ==, CCM_CSV_RECORD);
  g_assert_cmpstr (fields[0], ==, "a");
  g_assert_cmpuint (line, ==, 1);
  g_strfreev (fields);
  g_assert_cmpint (ccm_csv_reader_next (reader, &fields, &line, &error), ==, CCM_CSV_RECORD);
  g_assert_cmpstr (fields[1], ==, "2");
  g_assert_cmpuint (line, ==, 2);
  g_strfreev (fields);
  g_assert_cmpint (ccm_csv_reader_next (reader, &fields, &line, &error), ==, CCM_CSV_RECORD);
  g_assert_cmpstr (fields[0], ==, "3");
  g_assert_cmpstr (fields[1], ==, "4");
  g_assert_cmpuint (line, ==, 5);
  g_strfreev (fields);
  g_assert_cmpint (ccm_csv_reader_next (reader, &fields, &line, &error), ==, CCM_CSV_END);
  g_assert_no_error (error);
  g_assert_cmpuint (ccm_csv_reader_get_width (reader), ==, 2);
}

typedef struct
{
  CcmCsvError  code;
  guint        line;
} Expected;

/* Reads text through and checks the bad records, in order, and that the
 * good ones around them still come through. */
static void
assert_errors (const char     *text,
               gsize           length,
               const Expected *expected,
               guint           n_expected,
               guint           n_good)
{
  g_autoptr(CcmCsvReader) reader = ccm_csv_reader_new (text, length);
  CcmCsvStatus status;
  guint bad = 0, good = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char **fields = NULL;
      guint line = 0;

      status = ccm_csv_reader_next (reader, &fields, &line, &error);
      if (status == CCM_CSV_END)
        break;
      if (status == CCM_CSV_RECORD)
        {
          g_assert_no_error (error);
          g_strfreev (fields);
          good++;
          continue;
        }
      g_assert_cmpuint (bad, <, n_expected);
      g_assert_error (error, CCM_CSV_ERROR, (int) expected[bad].code);
      g_assert_cmpuint (line, ==, expected[bad].line);
      /* The message names the line a person looks for. */
      {
        g_autofree char *needle = g_strdup_printf ("Line %u", expected[bad].line);

        g_assert_nonnull (strstr (error->message, needle));
      }
      bad++;
    }
  g_assert_cmpuint (bad, ==, n_expected);
  g_assert_cmpuint (good, ==, n_good);
}

static void
test_wrong_column_count (void)
{
  static const char text[] = "a,b,c\n1,2,3\n1,2\n1,2,3,4\n\"x\ny\",2,3\n";
  static const Expected expected[] = {
    { CCM_CSV_ERROR_COLUMNS, 3 },
    { CCM_CSV_ERROR_COLUMNS, 4 },
  };

  assert_errors (text, strlen (text), expected, G_N_ELEMENTS (expected), 3);
}

static void
test_unterminated_quote (void)
{
  static const char text[] = "a,b\n1,2\n3,\"four\n5,6\n";
  static const Expected expected[] = {
    { CCM_CSV_ERROR_UNTERMINATED_QUOTE, 3 },
  };

  assert_errors (text, strlen (text), expected, G_N_ELEMENTS (expected), 2);
}

static void
test_bad_quotes (void)
{
  /* A quote inside an unquoted field; text after a closing quote. The
   * reader goes on at the next line. */
  static const char text[] = "a,b\nx\"y,2\n\"ok\"tail,3\n\"multi\nline\",4\n5,6\n";
  static const Expected expected[] = {
    { CCM_CSV_ERROR_BAD_QUOTE, 2 },
    { CCM_CSV_ERROR_BAD_QUOTE, 3 },
  };

  assert_errors (text, strlen (text), expected, G_N_ELEMENTS (expected), 3);
}

static void
test_invalid_utf8 (void)
{
  static const char text[] = "a,b\n1,caf\xE9\n\"\xFF\nz\",2\n3,4\n";
  static const Expected expected[] = {
    { CCM_CSV_ERROR_INVALID_UTF8, 2 },
    { CCM_CSV_ERROR_INVALID_UTF8, 3 },
  };

  assert_errors (text, sizeof text - 1, expected, G_N_ELEMENTS (expected), 2);
}

static void
test_parse_stops_at_first_error (void)
{
  static const char text[] = "a,b\n1\n2,3,4\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parsed = ccm_csv_parse (text, strlen (text), &error);

  g_assert_null (parsed);
  g_assert_error (error, CCM_CSV_ERROR, CCM_CSV_ERROR_COLUMNS);
  g_assert_nonnull (strstr (error->message, "Line 2"));
}

static void
test_embedded_nul (void)
{
  /* A NUL byte would silently cut a C string: it is not text. */
  static const char text[] = "a\n\"x\0y\"\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) parsed = ccm_csv_parse (text, sizeof text - 1, &error);

  g_assert_null (parsed);
  g_assert_error (error, CCM_CSV_ERROR, CCM_CSV_ERROR_INVALID_UTF8);
  g_assert_nonnull (strstr (error->message, "Line 2"));
}

/* Cells a spreadsheet would run get an apostrophe, which import drops. */
static void
test_formula_guard (void)
{
  const char *const risky[] = { "=1+2", "+49 30 1234", "-x", "@SUM(A1)", "\tx", "\rx",
                                "=HYPERLINK(\"http://example.com\",\"x\")" };
  const char *const safe[] = { "", "Ana", "'quoted", "a=b", " =x", "Ørjan" };

  for (guint i = 0; i < G_N_ELEMENTS (risky); i++)
    {
      g_autofree char *guarded = ccm_csv_text_guard (risky[i]);

      g_assert_nonnull (guarded);
      g_assert_cmpint (guarded[0], ==, '\'');
      g_assert_cmpstr (guarded + 1, ==, risky[i]);
      g_assert_cmpstr (ccm_csv_text_unguard (guarded), ==, risky[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (safe); i++)
    {
      g_autofree char *copy = g_strdup (safe[i]);

      g_assert_null (ccm_csv_text_guard (safe[i]));
      g_assert_cmpstr (ccm_csv_text_unguard (copy), ==, safe[i]);
    }
  g_assert_null (ccm_csv_text_guard (NULL));
  g_assert_null (ccm_csv_text_unguard (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/csv/writer-quoting", test_writer_quoting);
  g_test_add_func ("/model/csv/formula-guard", test_formula_guard);
  g_test_add_func ("/model/csv/round-trip", test_round_trip);
  g_test_add_func ("/model/csv/line-endings", test_reader_endings);
  g_test_add_func ("/model/csv/wrong-column-count", test_wrong_column_count);
  g_test_add_func ("/model/csv/unterminated-quote", test_unterminated_quote);
  g_test_add_func ("/model/csv/bad-quotes", test_bad_quotes);
  g_test_add_func ("/model/csv/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/model/csv/parse-first-error", test_parse_stops_at_first_error);
  g_test_add_func ("/model/csv/embedded-nul", test_embedded_nul);

  return g_test_run ();
}
