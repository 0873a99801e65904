/* fuzz-csv.c — the CSV reader that `contoso import` trusts
 *
 * The input is a CSV file. The harness reads every record with
 * CcmCsvReader (bad records are skipped with an error, as the importer
 * does), writes the good ones back with ccm_csv_append_record, and checks
 * that reading what it wrote gives the same fields: writer and reader must
 * agree on every quote, comma, CR and LF a partner's file can hold.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ccm-csv.h"

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_setup_glib ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(CcmCsvReader) reader = ccm_csv_reader_new ((const char *) data, size);
  g_autoptr(CcmCsvReader) again = NULL;
  g_autoptr(GPtrArray) good = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GString) out = g_string_new (NULL);
  CcmCsvStatus status;
  guint previous_line = 0;

  for (guint n = 0; n < 100000; n++)
    {
      g_autoptr(GError) error = NULL;
      char **fields = NULL;
      guint line = 0;

      status = ccm_csv_reader_next (reader, &fields, &line, &error);
      if (status == CCM_CSV_END)
        break;
      /* Lines only go forward; a bad record says why. */
      g_assert_cmpuint (line, >=, previous_line);
      previous_line = line;
      if (status == CCM_CSV_BAD)
        {
          g_assert_nonnull (error);
          g_assert_null (fields);
          continue;
        }
      g_assert_cmpint (status, ==, CCM_CSV_RECORD);
      g_assert_no_error (error);
      g_assert_nonnull (fields);
      for (guint i = 0; fields[i] != NULL; i++)
        g_assert_true (g_utf8_validate (fields[i], -1, NULL));
      g_ptr_array_add (good, fields);
    }

  for (guint i = 0; i < good->len; i++)
    {
      char **fields = g_ptr_array_index (good, i);

      ccm_csv_append_record (out, (const char * const *) fields, g_strv_length (fields));
    }

  /* What the writer wrote reads back the same. (Not when it starts with
   * U+FEFF: the reader takes a leading one for the byte order mark.) */
  if (g_str_has_prefix (out->str, "\xef\xbb\xbf"))
    return 0;
  again = ccm_csv_reader_new (out->str, out->len);
  for (guint i = 0; i < good->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) fields = NULL;
      guint line = 0;

      status = ccm_csv_reader_next (again, &fields, &line, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status, ==, CCM_CSV_RECORD);
      g_assert_cmpstrv (fields, g_ptr_array_index (good, i));
    }
  return 0;
}
