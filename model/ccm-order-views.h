/* ccm-order-views.h — read models of orders, seats, attendees, check-ins,
 * waitlists and the attention list (DESIGN §3.5), and their queries
 *
 * Every query answers from read-model tables only (never by folding streams)
 * and returns JSON shaped like the command line's --json output. Amounts are
 * integer cents with a currency; times are RFC 3339 UTC strings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"

G_BEGIN_DECLS

/* Registered by ccm_order_views_register(). */
void        ccm_order_views_register      (CcmRegistry  *registry);

/* Seats per seat type of a conference:
 * [{seat_type_id, name, price, quota, available, reserved, sold, waiting}]
 * (available may be negative after a quota cut). */
JsonArray  *ccm_seat_views_list           (CcmStore     *store,
                                           const char   *slug,
                                           GError      **error);

/* One order by id or, within a conference, by access code:
 * {order_id, conference, access_code, status, total, currency, is_free,
 *  placed_at, expires_at, registrant {first_name, last_name, email},
 *  lines [{seat_type_id, name, quantity, requested, unit_price, line_total}],
 *  payments [{payment_id, method, amount, status}],
 *  attendees [{position, seat_type_id, seat_type, ticket_code, first_name,
 *              last_name, email, admitted}],
 *  refunds [{payment_id, amount, reason}]}
 * An unknown order is CCM_DOMAIN_ERROR_NOT_FOUND naming "order". */
JsonObject *ccm_order_views_get           (CcmStore     *store,
                                           const char   *slug,
                                           const char   *order_id_or_code,
                                           GError      **error);

/* Orders of a conference, newest first, optionally of one status
 * ("pending", "reserved", "partially-reserved", "confirmed", "expired",
 * "cancelled"): [{order_id, access_code, status, total, currency,
 * registrant, email, attendees (count assigned), seats, placed_at}]. */
JsonArray  *ccm_order_views_list          (CcmStore     *store,
                                           const char   *slug,
                                           const char   *status,
                                           guint         offset,
                                           guint         limit,
                                           GError      **error);

/* Called with each row of a view walked whole (ccm_order_views_foreach,
 * ccm_attendee_views_foreach), in the view's order; returning FALSE with
 * error set stops the walk. The row lives for the call; the function must
 * not read the view it is called from meanwhile. */
typedef gboolean (*CcmViewsRowFunc) (JsonObject  *row,
                                     gpointer     user_data,
                                     GError     **error);

/* Every order of a conference, as ccm_order_views_list gives them (newest
 * first), one at a time: an export of a large conference holds a row in
 * memory, not the whole list. */
gboolean    ccm_order_views_foreach       (CcmStore         *store,
                                           const char       *slug,
                                           CcmViewsRowFunc   func,
                                           gpointer          user_data,
                                           GError          **error);

/* The summaries (as ccm_order_views_list gives them) of the orders named,
 * in the order named; ids no order has are left out. */
JsonArray  *ccm_order_views_summaries     (CcmStore           *store,
                                           const char *const  *ids,
                                           guint               n_ids,
                                           GError            **error);
/* What the order list searches: every prefix of the access code, e-mail,
 * first name, last name and "first last", folded, is found by looking for
 * "\x1f" + the folded query. Any part may be NULL. */
char       *ccm_order_views_search_key    (const char         *access_code,
                                           const char         *email,
                                           const char         *first_name,
                                           const char         *last_name);
/* What to look for in a search key for a query typed by a person. */
char       *ccm_order_views_search_pattern (const char        *query);

/* Orders by registrant e-mail (case-insensitive) and/or access code; either
 * may be NULL but not both; slug may be NULL for every conference. */
JsonArray  *ccm_order_views_find          (CcmStore     *store,
                                           const char   *slug,
                                           const char   *email,
                                           const char   *access_code,
                                           GError      **error);

/* Attendees (one per seat of a confirmed order) of a conference, matching a
 * query by ticket-code prefix, or name or e-mail word prefix, case- and
 * accent-insensitive ("jose" finds "José"); NULL query lists all:
 * [{ticket_code, order_id, access_code, position, seat_type_id, seat_type,
 *   first_name, last_name, email, status ("valid"|"cancelled"), admitted,
 *   admitted_at, admitted_by}] ordered by last name, first name. */
JsonArray  *ccm_attendee_views_search     (CcmStore     *store,
                                           const char   *slug,
                                           const char   *query,
                                           guint         limit,
                                           GError      **error);

/* Every attendee of a conference, as ccm_attendee_views_search lists them
 * all, one at a time (see ccm_order_views_foreach). */
gboolean    ccm_attendee_views_foreach    (CcmStore         *store,
                                           const char       *slug,
                                           CcmViewsRowFunc   func,
                                           gpointer          user_data,
                                           GError          **error);

/* The attendees with a badge to print: every named seat of an order not
 * cancelled, in name order (ccm_attendee_views_search's elements). */
JsonArray  *ccm_attendee_views_named      (CcmStore         *store,
                                           const char       *slug,
                                           GError          **error);

/* One ticket by code, as one element of the list above plus its conference. */
JsonObject *ccm_attendee_views_get_ticket (CcmStore     *store,
                                           const char   *ticket_code,
                                           GError      **error);

/* Check-in counts: {expected, admitted, inside, per_seat_type [{seat_type_id,
 * name, expected, admitted}], per_hour [{hour, admitted}]}. */
JsonObject *ccm_checkin_views_stats       (CcmStore     *store,
                                           const char   *slug,
                                           GError      **error);

/* Waitlist entries in order: [{entry_id, seat_type_id, seat_type, quantity,
 * email, first_name, last_name, position, status ("waiting"|"promoted"|"left"),
 * hold_until}]. */
JsonArray  *ccm_waitlist_views_list       (CcmStore     *store,
                                           const char   *slug,
                                           GError      **error);
/* The entries of ccm_waitlist_views_list whose first name, last name or
 * e-mail address hold every word of query, case and accents aside ("jose"
 * finds José), each with its place in the whole queue. */
JsonArray  *ccm_waitlist_views_search     (CcmStore     *store,
                                           const char   *slug,
                                           const char   *query,
                                           GError      **error);

/* What needs a person: payments after expiry, amount mismatches, refunds
 * due, double admissions, admissions of cancelled orders or unknown tickets:
 * [{id, item, conference, kind, order_id, ticket_code, payment_id, message,
 *   detail {…}, recorded_at, resolved, and when resolved resolved_at,
 *   resolution_note, resolved_by}]; the unresolved first, each part newest
 * first, then this device's commands the server refused; slug NULL for
 * all. `item` is what ResolveAttention and ReopenAttention name. */
JsonArray  *ccm_attention_views_list      (CcmStore     *store,
                                           const char   *slug,
                                           GError      **error);
/* The same, at most limit items (the newest; 0: all), only those of `kind`
 * unless it is NULL. */
JsonArray  *ccm_attention_views_newest    (CcmStore     *store,
                                           const char   *slug,
                                           const char   *kind,
                                           guint         limit,
                                           GError      **error);
/* The kinds of item the list holds, [{kind, open, total}]: how many of
 * each still need someone and how many there are, resolved included; the
 * most open first. slug NULL for all. */
JsonArray  *ccm_attention_views_kinds     (CcmStore     *store,
                                           const char   *slug,
                                           GError      **error);
/* The keys of the items of `kind` still open in conference `slug`, the
 * newest first: what ResolveAttention's "items" names. */
GPtrArray  *ccm_attention_views_open_items (CcmStore    *store,
                                            const char  *slug,
                                            const char  *kind,
                                            GError     **error);
/* What a list of items of `kind` is called ("Refunds due"), translated;
 * NULL for a kind there is not. */
const char *ccm_attention_views_kind_label (const char  *kind);
/* Every kind by its name, comma-separated, for a message. */
char       *ccm_attention_views_kind_names (void);
/* One item of the list, by its item key or its id; NOT_FOUND if none. */
JsonObject *ccm_attention_views_get       (CcmStore     *store,
                                           const char   *ref,
                                           GError      **error);
/* An item's mark, from a row that joins attention_resolutions by item key:
 * its columns resolved_at, note, device_id from `column` on (all NULL:
 * open) become `resolved`, and when resolved resolved_at, resolution_note,
 * resolved_by, as the list gives them. */
void        ccm_attention_views_set_resolution (JsonObject   *object,
                                                sqlite3_stmt *stmt,
                                                int           column);
/* How many items still need someone (not resolved); slug NULL for all; -1
 * on error. */
gint64      ccm_attention_views_count     (CcmStore     *store,
                                           const char   *slug,
                                           GError      **error);

G_END_DECLS
