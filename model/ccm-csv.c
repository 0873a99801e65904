/* ccm-csv.c — RFC 4180 CSV: a writer and a strict reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-csv"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-csv.h"

G_DEFINE_QUARK (ccm-csv-error-quark, ccm_csv_error)

static gboolean
is_formula_start (char c)
{
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

char *
ccm_csv_text_guard (const char *text)
{
  if (text == NULL || !is_formula_start (text[0]))
    return NULL;
  return g_strconcat ("'", text, NULL);
}

char *
ccm_csv_text_unguard (char *text)
{
  if (text != NULL && text[0] == '\'' && is_formula_start (text[1]))
    memmove (text, text + 1, strlen (text));
  return text;
}

/* Writer */

static gboolean
needs_quotes (const char *field)
{
  gsize len = strlen (field);

  if (len == 0)
    return FALSE;
  if (field[0] == ' ' || field[len - 1] == ' ')
    return TRUE;
  return strpbrk (field, ",\"\r\n") != NULL;
}

void
ccm_csv_append_record (GString            *out,
                       const char * const *fields,
                       guint               n_fields)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (fields != NULL || n_fields == 0);

  for (guint i = 0; i < n_fields; i++)
    {
      const char *field = fields[i] != NULL ? fields[i] : "";

      if (i > 0)
        g_string_append_c (out, ',');
      /* A record of one empty field written bare would be an empty line,
       * which readers (this one too) skip: quote it. */
      if (!needs_quotes (field) && !(n_fields == 1 && *field == '\0'))
        {
          g_string_append (out, field);
          continue;
        }
      g_string_append_c (out, '"');
      for (const char *c = field; *c != '\0'; c++)
        {
          if (*c == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '"');
    }
  g_string_append (out, "\r\n");
}

/* Reader */

struct _CcmCsvReader
{
  const char *data;
  gsize       length;
  gsize       pos;
  guint       line;    /* the physical line at pos, from 1 */
  guint       width;   /* fields per record, set by the first */
};

CcmCsvReader *
ccm_csv_reader_new (const char *data,
                    gsize       length)
{
  CcmCsvReader *reader;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  reader = g_new0 (CcmCsvReader, 1);
  reader->data = data;
  reader->length = length;
  reader->line = 1;
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    reader->pos = 3;
  return reader;
}

void
ccm_csv_reader_free (CcmCsvReader *reader)
{
  g_free (reader);
}

guint
ccm_csv_reader_get_width (CcmCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->width;
}

static int
peek (CcmCsvReader *r,
      gsize         offset)
{
  return r->pos + offset < r->length ? (guchar) r->data[r->pos + offset] : -1;
}

/* At a record end: "\n", "\r\n" or the end of the data. */
static gboolean
at_record_end (CcmCsvReader *r)
{
  return peek (r, 0) == -1 || peek (r, 0) == '\n' || (peek (r, 0) == '\r' && peek (r, 1) == '\n');
}

static void
skip_record_end (CcmCsvReader *r)
{
  if (peek (r, 0) == '\r')
    r->pos++;
  if (peek (r, 0) == '\n')
    {
      r->pos++;
      r->line++;
    }
}

/* After a malformed field: on to the start of the next line. */
static void
skip_line (CcmCsvReader *r)
{
  while (peek (r, 0) != -1 && peek (r, 0) != '\n')
    r->pos++;
  skip_record_end (r);
}

CcmCsvStatus
ccm_csv_reader_next (CcmCsvReader   *r,
                     char         ***fields,
                     guint          *line,
                     GError        **error)
{
  g_autoptr(GPtrArray) record = NULL;
  g_autoptr(GString) field = NULL;
  guint start_line;

  g_return_val_if_fail (r != NULL, CCM_CSV_END);
  g_return_val_if_fail (fields != NULL, CCM_CSV_END);

  *fields = NULL;

  /* Empty lines are no records (a trailing one is what every editor writes). */
  while (peek (r, 0) == '\n' || (peek (r, 0) == '\r' && peek (r, 1) == '\n'))
    skip_record_end (r);
  if (peek (r, 0) == -1)
    return CCM_CSV_END;

  start_line = r->line;
  if (line != NULL)
    *line = start_line;
  record = g_ptr_array_new_with_free_func (g_free);
  field = g_string_new (NULL);

  for (;;)
    {
      g_string_truncate (field, 0);

      if (peek (r, 0) == '"')
        {
          r->pos++;
          for (;;)
            {
              int c = peek (r, 0);

              if (c == -1)
                {
                  g_set_error (error, CCM_CSV_ERROR, CCM_CSV_ERROR_UNTERMINATED_QUOTE,
                               _("Line %u: the quoted field %u is not closed before the end "
                                 "of the file."), start_line, record->len + 1);
                  return CCM_CSV_BAD;
                }
              r->pos++;
              if (c == '"')
                {
                  if (peek (r, 0) != '"')
                    break;
                  r->pos++;
                }
              else if (c == '\n')
                r->line++;
              g_string_append_c (field, c);
            }
          if (peek (r, 0) != ',' && !at_record_end (r))
            {
              g_set_error (error, CCM_CSV_ERROR, CCM_CSV_ERROR_BAD_QUOTE,
                           _("Line %u: field %u has text after its closing quote."),
                           r->line, record->len + 1);
              skip_line (r);
              return CCM_CSV_BAD;
            }
        }
      else
        {
          while (peek (r, 0) != ',' && !at_record_end (r))
            {
              if (peek (r, 0) == '"')
                {
                  g_set_error (error, CCM_CSV_ERROR, CCM_CSV_ERROR_BAD_QUOTE,
                               _("Line %u: field %u has a quote inside; a field with quotes "
                                 "must be quoted as a whole, its quotes doubled."),
                               r->line, record->len + 1);
                  skip_line (r);
                  return CCM_CSV_BAD;
                }
              g_string_append_c (field, r->data[r->pos]);
              r->pos++;
            }
        }

      if (!g_utf8_validate_len (field->str, field->len, NULL))
        {
          g_set_error (error, CCM_CSV_ERROR, CCM_CSV_ERROR_INVALID_UTF8,
                       _("Line %u: field %u is not valid UTF-8 text; save the file as "
                         "UTF-8."), start_line, record->len + 1);
          /* The rest of the record is read and dropped. */
          while (peek (r, 0) != -1 && !at_record_end (r))
            r->pos++;
          skip_record_end (r);
          return CCM_CSV_BAD;
        }
      g_ptr_array_add (record, g_strndup (field->str, field->len));

      if (peek (r, 0) == ',')
        {
          r->pos++;
          continue;
        }
      skip_record_end (r);
      break;
    }

  if (r->width == 0)
    r->width = record->len;
  else if (record->len != r->width)
    {
      g_set_error (error, CCM_CSV_ERROR, CCM_CSV_ERROR_COLUMNS,
                   ngettext ("Line %u has %u field where the header has %u.",
                             "Line %u has %u fields where the header has %u.", record->len),
                   start_line, record->len, r->width);
      return CCM_CSV_BAD;
    }

  g_ptr_array_add (record, NULL);
  *fields = (char **) g_ptr_array_free (g_steal_pointer (&record), FALSE);
  return CCM_CSV_RECORD;
}

GPtrArray *
ccm_csv_parse (const char  *data,
               gsize        length,
               GError     **error)
{
  g_autoptr(CcmCsvReader) reader = ccm_csv_reader_new (data, length);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  CcmCsvStatus status;
  char **fields;

  while ((status = ccm_csv_reader_next (reader, &fields, NULL, error)) == CCM_CSV_RECORD)
    g_ptr_array_add (records, fields);
  if (status == CCM_CSV_BAD)
    return NULL;
  return g_steal_pointer (&records);
}
