/* ccm-csv.h — RFC 4180 CSV: a writer and a strict reader
 *
 * The writer quotes a field only when it must (comma, quote, CR, LF, or a
 * leading or trailing space a spreadsheet would eat) and ends every record
 * with CRLF, as RFC 4180 says.
 *
 * The reader is strict: every record must have as many fields as the first
 * one (the header), a quote may only open a field and must be closed, and
 * the text must be UTF-8. It accepts CRLF and LF endings, newlines inside
 * quoted fields, a UTF-8 byte order mark at the very start (spreadsheets
 * write one) and skips empty lines. Each malformed record is reported with
 * the line it starts on; reading then goes on with the next record, so a
 * caller can report every bad row of a file at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CCM_CSV_ERROR (ccm_csv_error_quark ())

typedef enum
{
  CCM_CSV_ERROR_COLUMNS,             /* not as many fields as the header */
  CCM_CSV_ERROR_UNTERMINATED_QUOTE,  /* a quoted field runs to the end of the file */
  CCM_CSV_ERROR_BAD_QUOTE,           /* a quote inside an unquoted field, or text after a closing one */
  CCM_CSV_ERROR_INVALID_UTF8,        /* the record is not UTF-8 */
} CcmCsvError;

typedef enum
{
  CCM_CSV_END,      /* no more records */
  CCM_CSV_RECORD,   /* *fields holds one */
  CCM_CSV_BAD,      /* a malformed record, skipped; error says why and where */
} CcmCsvStatus;

GQuark        ccm_csv_error_quark   (void);

/* Writer: appends one record to out. */
void          ccm_csv_append_record (GString            *out,
                                     const char * const *fields,
                                     guint               n_fields);

/* Text people typed (a name, an e-mail address) that a spreadsheet would
 * run as a formula — it starts with "=", "+", "-", "@", a tab or a carriage
 * return — written with a leading apostrophe, which spreadsheets take as
 * "this is text"; NULL when text needs nothing. ccm_csv_text_unguard()
 * takes the apostrophe off again on import, so an export imports back
 * unchanged. */
char         *ccm_csv_text_guard    (const char         *text);
/* text without the apostrophe ccm_csv_text_guard() put in front, in place. */
char         *ccm_csv_text_unguard  (char               *text);

/* Reader over data, which must stay alive while it reads. */
typedef struct _CcmCsvReader CcmCsvReader;

CcmCsvReader *ccm_csv_reader_new    (const char         *data,
                                     gsize               length);
void          ccm_csv_reader_free   (CcmCsvReader       *reader);
/* The next record in *fields (a NULL-terminated vector), the line it
 * starts on in *line (from 1). The first record sets the width of all. */
CcmCsvStatus  ccm_csv_reader_next   (CcmCsvReader       *reader,
                                     char             ***fields,
                                     guint              *line,
                                     GError            **error);
/* The width the first record set, 0 before it. */
guint         ccm_csv_reader_get_width (CcmCsvReader    *reader);

/* Every record of data, or the first error: a GPtrArray of GStrv. */
GPtrArray    *ccm_csv_parse         (const char         *data,
                                     gsize               length,
                                     GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmCsvReader, ccm_csv_reader_free)

G_END_DECLS
