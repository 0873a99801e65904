/* ccm-export.h — attendees and orders of a conference to CSV, and a
 * partner's attendee list from CSV into seat assignments
 *
 * Exports read the read models only (DESIGN §3.5) and write RFC 4180 CSV
 * in UTF-8 with a header row (ccm-csv.h). Amounts are decimal text in the
 * order's currency ("499.00"), times RFC 3339 UTC.
 *
 * Import. The file has a header row naming its columns, in any order and
 * any case: email, first_name, last_name and seat_type are required;
 * access_code (the order's, also "order") and ticket_code are optional;
 * other columns are ignored, so an attendee export imports as it is. Each
 * row gives one person a seat, the way an organizer expects a partner's
 * list to work:
 *
 *   - a row with a ticket code names the seat itself (an edited export):
 *     the seat gets the row's person, or keeps it if nothing changed;
 *   - a row with an access code takes a seat of that order: the seat of
 *     the row's seat type this e-mail address already holds, otherwise the
 *     first unassigned one (a sponsor bought ten passes and sends the names);
 *   - a row with neither is a guest: when its seat type is free, the row
 *     becomes a complimentary order of one seat in the person's name; a
 *     paid seat type needs an order. A person who already holds a seat of
 *     that type in the conference keeps it.
 *
 * So importing the same file twice changes nothing the second time.
 *
 * Every row is checked before anything is written: the CSV itself (column
 * count, quotes, UTF-8), the e-mail address, the seat type, the order (it
 * must exist and be confirmed, with a free seat of the type left), the
 * seats left for guests, the same person twice. Refused rows are reported
 * by line with the reason. Unless CCM_IMPORT_SKIP_REFUSED is given, one
 * refused row means nothing is written; otherwise the accepted rows are.
 * Whatever is written is written in one transaction: a storage error
 * leaves the store as it was.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"

G_BEGIN_DECLS

/* The attendees (one row per seat of a confirmed order, assigned or not),
 * ordered by last name: ticket_code, first_name, last_name, email,
 * seat_type, access_code, status, admitted, admitted_at, admitted_by. */
char       *ccm_export_attendees_csv (CcmStore    *store,
                                      const char  *slug,
                                      GError     **error);

/* The orders, newest first: access_code, status, total, currency,
 * registrant, email, seats, attendees, placed_at. */
char       *ccm_export_orders_csv    (CcmStore    *store,
                                      const char  *slug,
                                      GError     **error);

typedef enum
{
  CCM_IMPORT_NONE          = 0,
  CCM_IMPORT_DRY_RUN       = 1 << 0,  /* check every row, write nothing */
  CCM_IMPORT_SKIP_REFUSED  = 1 << 1,  /* write the accepted rows even when some are refused */
  CCM_IMPORT_NO_RESULTS    = 1 << 2,  /* counts only, no result per row: a long list's
                                       * report stays small */
} CcmImportFlags;

/* Imports data into the conference slug. Returns the report, or NULL with
 * error when the file as a whole cannot be used (no such conference, a
 * required column missing) or the store failed (nothing was written):
 *   {conference, rows, accepted, refused_count, written (bool), events,
 *    counts {assigned, updated, unchanged, complimentary},
 *    results [{line, email, action ("assigned"|"updated"|"unchanged"|
 *              "complimentary"), access_code, ticket_code, position}],
 *    refused [{line, reason, field}]}
 * (results left out with CCM_IMPORT_NO_RESULTS).
 * "field" is the column at fault, or null for the CSV itself. Actions of
 * rows that were not written say what would have been done. */
JsonObject *ccm_import_attendees     (CcmStore        *store,
                                      const char      *slug,
                                      const char      *data,
                                      gsize            length,
                                      CcmImportFlags   flags,
                                      GError         **error);

G_END_DECLS
