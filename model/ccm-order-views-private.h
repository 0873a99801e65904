/* ccm-order-views-private.h — what the read models of orders, seats,
 * attendees and the attention list share
 *
 * Each projection writes only its own tables and reads nothing else while it
 * applies an event: a projection rebuilt alone (its version bumped) then gets
 * exactly the rows it gets in a full rebuild. Queries may join across them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"
#include "ccm-order-views.h"

G_BEGIN_DECLS

/* A search uses at most this many words of the query; the rest are ignored. */
#define CCM_VIEWS_SEARCH_MAX_WORDS 4

extern const CcmProjection ccm_seat_views_projection;
extern const CcmProjection ccm_order_views_projection;
extern const CcmProjection ccm_attendee_views_projection;
extern const CcmProjection ccm_attention_views_projection;

/* Search text: lower case, compatibility forms and accents gone ("José" and
 * "JOSE" both give "jose"), and the letters that keep a stroke written as
 * typed without it ("Søren" gives "soren", "Æ" "ae"). Never NULL. */
char       *ccm_views_fold               (const char    *text);
/* The words a query is split into, folded, longest first. */
GPtrArray  *ccm_views_query_words        (const char    *query);
/* The distinct search keys of an attendee: each word of the names (and the
 * parts of a hyphenated one), the whole e-mail address and the ticket code. */
GPtrArray  *ccm_views_attendee_keys      (const char    *first_name,
                                          const char    *last_name,
                                          const char    *email,
                                          const char    *ticket_code);
/* The least string greater than every string that starts with prefix. */
char       *ccm_views_prefix_end         (const char    *prefix);

/* An attendee as the queries return it, from a row of ATTENDEE_COLUMNS
 * where m names the chosen (ticket_code, sort_key) rows. */
#define CCM_VIEWS_ATTENDEE_COLUMNS \
  "a.ticket_code, a.order_id, o.access_code, a.position, a.seat_type_id, s.name, " \
  "a.first_name, a.last_name, a.email, a.status, a.admissions > 0, a.admitted_at, " \
  "a.admitted_by, a.inside, a.conference, o.first_name, o.last_name"
#define CCM_VIEWS_ATTENDEE_JOINS \
  " JOIN attendee_views a ON a.ticket_code = m.ticket_code" \
  " LEFT JOIN order_views o ON o.order_id = a.order_id" \
  " LEFT JOIN seat_availability s ON s.seat_type_id = a.seat_type_id"

JsonObject *ccm_views_attendee_from_row  (sqlite3_stmt  *stmt);

/* Helpers of the projections and queries. */
JsonArray  *ccm_views_payload_array      (JsonObject    *payload,
                                          const char    *member);
const char *ccm_views_stream_key         (const CcmEvent *event,
                                          const char    *prefix);
gboolean    ccm_views_require_conference (CcmStore      *store,
                                          const char    *slug,
                                          GError       **error);
gboolean    ccm_views_done               (CcmStore      *store,
                                          sqlite3_stmt  *stmt,
                                          int            rc,
                                          const char    *doing,
                                          GError       **error);
/* Ticket codes of the conference with key among their search keys (the
 * ticket code, name words, e-mail address; folded here as they are), in
 * name order. */
GPtrArray  *ccm_attendee_views_codes_with_key (CcmStore    *store,
                                               const char  *slug,
                                               const char  *key,
                                               GError     **error);

/* Appends to list each row of stmt as from_row makes it, to its end. */
gboolean    ccm_views_collect            (CcmStore         *store,
                                          sqlite3_stmt     *stmt,
                                          JsonObject     *(*from_row) (sqlite3_stmt *stmt),
                                          JsonArray        *list,
                                          const char       *doing,
                                          GError          **error);
/* Steps stmt to its end, handing func each row as from_row makes it. */
gboolean    ccm_views_walk               (CcmStore         *store,
                                          sqlite3_stmt     *stmt,
                                          JsonObject     *(*from_row) (sqlite3_stmt *stmt),
                                          CcmViewsRowFunc   func,
                                          gpointer          user_data,
                                          const char       *doing,
                                          GError          **error);
void        ccm_views_set_text           (JsonObject    *object,
                                          const char    *member,
                                          sqlite3_stmt  *stmt,
                                          int            column);
void        ccm_views_set_time           (JsonObject    *object,
                                          const char    *member,
                                          sqlite3_stmt  *stmt,
                                          int            column);
void        ccm_views_bind_text          (sqlite3_stmt  *stmt,
                                          int            index,
                                          const char    *text);

G_END_DECLS
