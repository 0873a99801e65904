/* ccm-cli-format.c — parsing and printing values on the command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include <stdarg.h>
#include <string.h>

#include "ccm-cli-private.h"
#include "ccm-conference.h"

/* Integer digits accepted in an amount: far above any price, far below
 * what an int64 of cents holds. */
#define MAX_AMOUNT_DIGITS 12

/* "199", "199.5" and "199.50" are 19900, 19950 and 19950 cents. Parsed as
 * text, never through a float. A sign is accepted so that the domain, not
 * the parser, says why a negative price is wrong. */
gboolean
ccm_cli_parse_amount (const char  *option,
                      const char  *text,
                      gint64      *cents,
                      GError     **error)
{
  const char *p = text;
  gboolean negative = FALSE;
  gint64 units = 0;
  int fraction = 0;
  guint n_units = 0;
  guint n_fraction = 0;

  g_return_val_if_fail (option != NULL, FALSE);
  g_return_val_if_fail (cents != NULL, FALSE);

  if (p == NULL)
    p = text = "";

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';

  for (; g_ascii_isdigit (*p); p++, n_units++)
    {
      if (n_units >= MAX_AMOUNT_DIGITS)
        {
          ccm_cli_set_usage_error (error, _("The value “%s” of --%s is too large"), text, option);
          return FALSE;
        }
      units = units * 10 + (*p - '0');
    }

  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++, n_fraction++)
      {
        if (n_fraction >= 2)
          {
            ccm_cli_set_usage_error (error,
                                     _("The value “%s” of --%s has more than two decimal places"),
                                     text, option);
            return FALSE;
          }
        fraction = fraction * 10 + (*p - '0');
      }

  if (n_units == 0 || *p != '\0' || (p[-1] == '.'))
    {
      ccm_cli_set_usage_error (error,
                               _("The value “%s” of --%s is not an amount such as 199 or 199.50"),
                               text, option);
      return FALSE;
    }

  if (n_fraction == 1)
    fraction *= 10;
  *cents = (units * 100 + fraction) * (negative ? -1 : 1);
  return TRUE;
}

gboolean
ccm_cli_parse_int (const char  *option,
                   const char  *text,
                   gint64       min,
                   gint64       max,
                   gint64      *value,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (option != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (text == NULL)
    text = "";

  if (g_ascii_string_to_signed (text, 10, min, max, value, &local_error))
    return TRUE;

  if (g_error_matches (local_error, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
    {
      g_autofree char *low = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *high = g_strdup_printf ("%" G_GINT64_FORMAT, max);

      if (max == G_MAXINT64)
        ccm_cli_set_usage_error (error, _("The value %s of --%s must be at least %s"),
                                 text, option, low);
      else
        ccm_cli_set_usage_error (error, _("The value %s of --%s is out of range (%s to %s)"),
                                 text, option, low, high);
    }
  else
    ccm_cli_set_usage_error (error, _("The value “%s” of --%s is not a whole number"),
                             text, option);
  return FALSE;
}

/* The form is the command line's business (a usage error); whether the
 * dates make sense together is the domain's. */
gboolean
ccm_cli_check_date (const char  *option,
                    const char  *text,
                    GError     **error)
{
  g_return_val_if_fail (option != NULL, FALSE);

  if (ccm_validate_date ("start_date", text, NULL))
    return TRUE;

  ccm_cli_set_usage_error (error, _("The value “%s” of --%s is not a date of the form YYYY-MM-DD"),
                           text != NULL ? text : "", option);
  return FALSE;
}

/* Tables */

struct _CcmCliTable
{
  guint      n_columns;
  gboolean  *right;
  GPtrArray *rows;   /* GStrv */
};

CcmCliTable *
ccm_cli_table_new (guint n_columns)
{
  CcmCliTable *table;

  g_return_val_if_fail (n_columns > 0, NULL);

  table = g_new0 (CcmCliTable, 1);
  table->n_columns = n_columns;
  table->right = g_new0 (gboolean, n_columns);
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  return table;
}

void
ccm_cli_table_free (CcmCliTable *table)
{
  g_free (table->right);
  g_ptr_array_unref (table->rows);
  g_free (table);
}

void
ccm_cli_table_align_right (CcmCliTable *table,
                           guint        column)
{
  g_return_if_fail (table != NULL);
  g_return_if_fail (column < table->n_columns);

  table->right[column] = TRUE;
}

static void
add_row_valist (CcmCliTable *table,
                va_list      args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *cell;
  guint n = 0;

  while ((cell = va_arg (args, const char *)) != NULL)
    {
      /* One line per row: a newline in a description would break the columns. */
      g_autofree char *flat = g_strdelimit (g_strdup (cell), "\r\n\t", ' ');

      g_strv_builder_add (builder, flat);
      n++;
    }
  g_return_if_fail (n == table->n_columns);
  g_ptr_array_add (table->rows, g_strv_builder_end (builder));
}

/* Headers are a row like any other; kept apart only for the call sites'
 * readability. */
void
ccm_cli_table_set_header (CcmCliTable *table,
                          ...)
{
  va_list args;

  g_return_if_fail (table != NULL);
  g_return_if_fail (table->rows->len == 0);

  va_start (args, table);
  add_row_valist (table, args);
  va_end (args);
}

void
ccm_cli_table_add_row (CcmCliTable *table,
                       ...)
{
  va_list args;

  g_return_if_fail (table != NULL);

  va_start (args, table);
  add_row_valist (table, args);
  va_end (args);
}

/* Terminal cells, not bytes: East Asian wide characters take two, combining
 * marks none. */
static guint
text_width (const char *text)
{
  guint width = 0;

  if (!g_utf8_validate (text, -1, NULL))
    return strlen (text);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

void
ccm_cli_table_print (CcmCliTable *table,
                     guint        indent)
{
  g_autofree guint *widths = NULL;

  g_return_if_fail (table != NULL);

  widths = g_new0 (guint, table->n_columns);
  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], text_width (row[c]));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "%*s", (int) indent, "");
      for (guint c = 0; c < table->n_columns; c++)
        {
          guint pad = widths[c] - text_width (row[c]);
          gboolean last = c + 1 == table->n_columns;

          if (c > 0)
            g_string_append (line, "  ");
          if (table->right[c])
            g_string_append_printf (line, "%*s", (int) pad, "");
          g_string_append (line, row[c]);
          if (!table->right[c] && !last)
            g_string_append_printf (line, "%*s", (int) pad, "");
        }
      /* Empty trailing cells leave spaces behind. */
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_print ("%s\n", line->str);
    }
}
