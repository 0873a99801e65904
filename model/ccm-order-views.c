/* ccm-order-views.c — orders, their lines, payments and refunds
 *
 * order_views has one row per order, order_lines one per seat type asked
 * for: requested is what the registrant asked, quantity what the order holds
 * now (what was reserved once the seats came back; 0 for a type that got
 * none). payment_views and refund_views come from the payment and order
 * streams. Times are the payloads' own or the events' recorded_at, never the
 * clock, so a rebuild writes the same rows; orders placed in the same
 * microsecond keep the order of their events' positions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-order-views"

#include <glib/gi18n-lib.h>

#include "ccm-order-views.h"
#include "ccm-order-views-private.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"

static const char *const tables[] = {
  "order_views", "order_lines", "payment_views", "refund_views", NULL
};

static const char schema[] =
  "CREATE TABLE order_views ("
  "  order_id TEXT PRIMARY KEY,"
  "  conference TEXT NOT NULL,"
  "  access_code TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  total INTEGER NOT NULL DEFAULT 0,"
  "  currency TEXT NOT NULL,"
  "  is_free INTEGER NOT NULL DEFAULT 0,"
  "  placed_at INTEGER NOT NULL,"
  "  placed_position INTEGER NOT NULL,"
  "  expires_at INTEGER,"
  "  first_name TEXT,"
  "  last_name TEXT,"
  "  email TEXT,"
  "  email_key TEXT,"
  "  partial_accepted INTEGER NOT NULL DEFAULT 0,"
  "  guaranteed INTEGER NOT NULL DEFAULT 0,"
  "  payment_id TEXT,"
  "  amount_paid INTEGER,"
  "  confirmed_at INTEGER,"
  "  after_expiry INTEGER NOT NULL DEFAULT 0,"
  "  closed_at INTEGER,"
  "  cancel_reason TEXT,"
  "  search_key TEXT NOT NULL DEFAULT '',"
  "  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
  /* The order list's two walks (every order, or one state) carry what its
   * search and sort keys read, so a search over 100 000 orders never
   * leaves the index. */
  "CREATE INDEX order_views_conference ON order_views (conference, placed_at, placed_position, "
  "  status, total, access_code, last_name, first_name, search_key);"
  "CREATE INDEX order_views_status ON order_views (conference, status, placed_at, placed_position, "
  "  total, access_code, last_name, first_name, search_key);"
  "CREATE INDEX order_views_email ON order_views (email_key);"
  "CREATE INDEX order_views_code ON order_views (access_code, conference);"
  "CREATE TABLE order_lines ("
  "  order_id TEXT NOT NULL,"
  "  seat_type_id TEXT NOT NULL,"
  "  ordinal INTEGER NOT NULL,"
  "  name TEXT NOT NULL,"
  "  requested INTEGER NOT NULL,"
  "  quantity INTEGER NOT NULL,"
  "  unit_price INTEGER NOT NULL,"
  "  line_total INTEGER NOT NULL,"
  "  PRIMARY KEY (order_id, seat_type_id)) WITHOUT ROWID;"
  "CREATE TABLE payment_views ("
  "  payment_id TEXT PRIMARY KEY,"
  "  order_id TEXT NOT NULL,"
  "  conference TEXT NOT NULL,"
  "  method TEXT NOT NULL,"
  "  amount INTEGER NOT NULL,"
  "  currency TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  reference TEXT,"
  "  reason TEXT,"
  "  expected_amount INTEGER,"
  "  initiated_at INTEGER NOT NULL,"
  "  settled_at INTEGER) WITHOUT ROWID;"
  "CREATE INDEX payment_views_order ON payment_views (order_id, initiated_at, payment_id);"
  "CREATE TABLE refund_views ("
  "  order_id TEXT NOT NULL,"
  "  payment_id TEXT NOT NULL,"
  "  conference TEXT NOT NULL,"
  "  amount INTEGER NOT NULL,"
  "  currency TEXT NOT NULL,"
  "  reason TEXT NOT NULL,"
  "  recorded_at INTEGER NOT NULL,"
  "  PRIMARY KEY (order_id, payment_id)) WITHOUT ROWID;";

void
ccm_order_views_register (CcmRegistry *registry)
{
  g_return_if_fail (registry != NULL);

  ccm_registry_add_projection (registry, &ccm_seat_views_projection);
  ccm_registry_add_projection (registry, &ccm_order_views_projection);
  ccm_registry_add_projection (registry, &ccm_attendee_views_projection);
  ccm_registry_add_projection (registry, &ccm_attention_views_projection);
}

/* Order stream */

static gboolean
replace_lines (CcmStore        *store,
               const char      *order_id,
               JsonObject      *payload,
               GError         **error)
{
  JsonArray *items = ccm_views_payload_array (payload, "items");
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store, "DELETE FROM order_lines WHERE order_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, order_id);
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      gint64 quantity = ccm_json_int (item, "quantity", 0);
      gint64 unit_price = ccm_json_int (item, "unit_price", 0);

      stmt = ccm_store_prepare (store,
                                "INSERT INTO order_lines (order_id, seat_type_id, ordinal, name, "
                                "requested, quantity, unit_price, line_total) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)", error);
      if (stmt == NULL)
        return FALSE;
      ccm_views_bind_text (stmt, 1, order_id);
      ccm_views_bind_text (stmt, 2, ccm_json_string (item, "seat_type"));
      sqlite3_bind_int (stmt, 3, i);
      ccm_views_bind_text (stmt, 4, ccm_json_string (item, "name"));
      sqlite3_bind_int64 (stmt, 5, quantity);
      sqlite3_bind_int64 (stmt, 6, unit_price);
      sqlite3_bind_int64 (stmt, 7, quantity * unit_price);
      if (!ccm_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* "\x1fcode\x1femail\x1ffirst\x1flast\x1ffirst last", folded: a
 * search for a prefix of any of them looks for "\x1f" + the folded query.
 * The unit separator cannot be typed into a search. */
char *
ccm_order_views_search_key (const char *access_code,
                            const char *email,
                            const char *first_name,
                            const char *last_name)
{
  const char *parts[] = { access_code, email, first_name, last_name };
  g_autofree char *full = NULL;
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *folded = NULL;

      if (parts[i] == NULL)
        continue;
      folded = ccm_views_fold (parts[i]);
      g_string_append_c (key, '\x1f');
      g_string_append (key, folded);
    }
  if (first_name != NULL && last_name != NULL)
    {
      full = g_strjoin (" ", first_name, last_name, NULL);
      g_autofree char *folded = ccm_views_fold (full);

      g_string_append_c (key, '\x1f');
      g_string_append (key, folded);
    }
  return g_string_free (key, FALSE);
}

char *
ccm_order_views_search_pattern (const char *query)
{
  g_autofree char *folded = ccm_views_fold (query);
  GString *pattern = g_string_new ("\x1f");
  gboolean space = FALSE;

  /* Runs of white space are one space, as between the names in the key. */
  for (const char *p = g_strstrip (folded); *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        space = TRUE;
      else
        {
          if (space)
            g_string_append_c (pattern, ' ');
          space = FALSE;
          g_string_append_c (pattern, *p);
        }
    }
  return g_string_free (pattern, FALSE);
}

static gboolean
project_placed (CcmStore        *store,
                const CcmEvent  *event,
                GError         **error)
{
  JsonObject *p = event->payload;
  const char *order_id = ccm_json_string (p, "order_id");
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO order_views (order_id, conference, access_code, status, "
                            "currency, placed_at, placed_position, expires_at, updated_at, "
                            "search_key) "
                            "VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?8, ?6, ?7, "
                            "char (31) || lower (?3))", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, order_id);
  ccm_views_bind_text (stmt, 2, ccm_json_string (p, "conference"));
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "access_code"));
  ccm_views_bind_text (stmt, 4, ccm_json_string (p, "currency"));
  sqlite3_bind_int64 (stmt, 5, ccm_json_int (p, "placed_at", event->recorded_at));
  sqlite3_bind_int64 (stmt, 6, ccm_json_int (p, "expires_at", 0));
  sqlite3_bind_int64 (stmt, 7, event->recorded_at);
  sqlite3_bind_int64 (stmt, 8, event->position);
  return ccm_store_step_done (store, stmt, error) &&
         replace_lines (store, order_id, p, error);
}

/* A change of seats starts over: pending, priced on what is asked. */
static gboolean
project_updated (CcmStore        *store,
                 const CcmEvent  *event,
                 GError         **error)
{
  const char *order_id = ccm_json_string (event->payload, "order_id");
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE order_views SET status = 'pending', partial_accepted = 0, "
                            "updated_at = ?2 WHERE order_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, order_id);
  sqlite3_bind_int64 (stmt, 2, event->recorded_at);
  return ccm_store_step_done (store, stmt, error) &&
         replace_lines (store, order_id, event->payload, error);
}

/* Sets each line's quantity from a list of {seat_type, quantity}, with 0
 * for the types it leaves out. */
static gboolean
set_line_quantities (CcmStore    *store,
                     const char  *order_id,
                     JsonArray   *seats,
                     GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE order_lines SET quantity = 0, line_total = 0 "
                            "WHERE order_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, order_id);
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      JsonObject *q = json_array_get_object_element (seats, i);

      stmt = ccm_store_prepare (store,
                                "UPDATE order_lines SET quantity = ?3, "
                                "line_total = ?3 * unit_price "
                                "WHERE order_id = ?1 AND seat_type_id = ?2", error);
      if (stmt == NULL)
        return FALSE;
      ccm_views_bind_text (stmt, 1, order_id);
      ccm_views_bind_text (stmt, 2, ccm_json_string (q, "seat_type"));
      sqlite3_bind_int64 (stmt, 3, ccm_json_int (q, "quantity", 0));
      if (!ccm_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
project_totals (CcmStore        *store,
                const CcmEvent  *event,
                GError         **error)
{
  JsonObject *p = event->payload;
  const char *order_id = ccm_json_string (p, "order_id");
  JsonArray *lines = ccm_views_payload_array (p, "lines");
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE order_views SET total = ?2, is_free = ?3, updated_at = ?4 "
                            "WHERE order_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, order_id);
  sqlite3_bind_int64 (stmt, 2, ccm_json_int (p, "total", 0));
  sqlite3_bind_int (stmt, 3, ccm_json_bool (p, "is_free"));
  sqlite3_bind_int64 (stmt, 4, event->recorded_at);
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;
  return lines == NULL || set_line_quantities (store, order_id, lines, error);
}

static gboolean
set_status (CcmStore        *store,
            const CcmEvent  *event,
            const char      *status,
            GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE order_views SET status = ?2, partial_accepted = 0, "
                            "expires_at = coalesce (?3, expires_at), updated_at = ?4, "
                            "guaranteed = ?5 WHERE order_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (event->payload, "order_id"));
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  if (json_object_has_member (event->payload, "expires_at"))
    sqlite3_bind_int64 (stmt, 3, ccm_json_int (event->payload, "expires_at", 0));
  sqlite3_bind_int64 (stmt, 4, event->recorded_at);
  sqlite3_bind_int (stmt, 5, ccm_json_bool (event->payload, "guaranteed"));
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_partial_accepted (CcmStore        *store,
                          const CcmEvent  *event,
                          GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE order_views SET partial_accepted = 1, updated_at = ?2 "
                            "WHERE order_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (event->payload, "order_id"));
  sqlite3_bind_int64 (stmt, 2, event->recorded_at);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_registrant (CcmStore        *store,
                    const CcmEvent  *event,
                    GError         **error)
{
  JsonObject *p = event->payload;
  g_autofree char *email_key = ccm_views_fold (ccm_json_string (p, "email"));
  g_autofree char *search_key = ccm_order_views_search_key (NULL, ccm_json_string (p, "email"),
                                                            ccm_json_string (p, "first_name"),
                                                            ccm_json_string (p, "last_name"));
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE order_views SET first_name = ?2, last_name = ?3, email = ?4, "
                            "email_key = ?5, updated_at = ?6, "
                            "search_key = char (31) || lower (access_code) || ?7 "
                            "WHERE order_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 7, search_key);
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "order_id"));
  ccm_views_bind_text (stmt, 2, ccm_json_string (p, "first_name"));
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "last_name"));
  ccm_views_bind_text (stmt, 4, ccm_json_string (p, "email"));
  ccm_views_bind_text (stmt, 5, email_key);
  sqlite3_bind_int64 (stmt, 6, event->recorded_at);
  return ccm_store_step_done (store, stmt, error);
}

/* Upcast V1 confirmations carry only the order id: what is not there stays. */
static gboolean
project_confirmed (CcmStore        *store,
                   const CcmEvent  *event,
                   GError         **error)
{
  JsonObject *p = event->payload;
  const char *order_id = ccm_json_string (p, "order_id");
  JsonArray *seats = ccm_views_payload_array (p, "seats");
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE order_views SET status = 'confirmed', "
                            "total = coalesce (?2, total), payment_id = coalesce (?3, payment_id), "
                            "amount_paid = coalesce (?4, amount_paid), confirmed_at = ?5, "
                            "after_expiry = ?6, updated_at = ?5 WHERE order_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, order_id);
  if (json_object_has_member (p, "total"))
    sqlite3_bind_int64 (stmt, 2, ccm_json_int (p, "total", 0));
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "payment_id"));
  if (ccm_json_string (p, "payment_id") != NULL)
    sqlite3_bind_int64 (stmt, 4, ccm_json_int (p, "amount_paid", 0));
  sqlite3_bind_int64 (stmt, 5, event->recorded_at);
  sqlite3_bind_int (stmt, 6, ccm_json_bool (p, "after_expiry"));
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;
  return seats == NULL || set_line_quantities (store, order_id, seats, error);
}

static gboolean
project_closed (CcmStore        *store,
                const CcmEvent  *event,
                const char      *status,
                GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE order_views SET status = ?2, closed_at = ?3, "
                            "cancel_reason = ?4, updated_at = ?3 WHERE order_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (event->payload, "order_id"));
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, event->recorded_at);
  ccm_views_bind_text (stmt, 4, ccm_json_string (event->payload, "reason"));
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_refund (CcmStore        *store,
                const CcmEvent  *event,
                GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO refund_views (order_id, payment_id, conference, amount, "
                            "currency, reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "order_id"));
  ccm_views_bind_text (stmt, 2, ccm_json_string (p, "payment_id"));
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "conference"));
  sqlite3_bind_int64 (stmt, 4, ccm_json_int (p, "amount", 0));
  ccm_views_bind_text (stmt, 5, ccm_json_string (p, "currency"));
  ccm_views_bind_text (stmt, 6, ccm_json_string (p, "reason"));
  sqlite3_bind_int64 (stmt, 7, event->recorded_at);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
apply_order_event (CcmStore        *store,
                   const CcmEvent  *event,
                   GError         **error)
{
  const char *type = event->type;

  if (g_str_equal (type, "OrderPlaced"))
    return project_placed (store, event, error);
  if (g_str_equal (type, "OrderUpdated"))
    return project_updated (store, event, error);
  if (g_str_equal (type, "OrderTotalsCalculated"))
    return project_totals (store, event, error);
  if (g_str_equal (type, "OrderReservationCompleted"))
    return set_status (store, event, "reserved", error);
  if (g_str_equal (type, "OrderPartiallyReserved"))
    return set_status (store, event, "partially-reserved", error);
  if (g_str_equal (type, "OrderPartialReservationAccepted"))
    return project_partial_accepted (store, event, error);
  if (g_str_equal (type, "OrderRegistrantAssigned"))
    return project_registrant (store, event, error);
  if (g_str_equal (type, "OrderConfirmed"))
    return project_confirmed (store, event, error);
  if (g_str_equal (type, "OrderExpired"))
    return project_closed (store, event, "expired", error);
  if (g_str_equal (type, "OrderCancelled"))
    return project_closed (store, event, "cancelled", error);
  if (g_str_equal (type, "RefundDue"))
    return project_refund (store, event, error);
  return TRUE;
}

/* Payment stream */

static gboolean
project_payment_initiated (CcmStore        *store,
                           const CcmEvent  *event,
                           GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO payment_views (payment_id, order_id, conference, method, "
                            "amount, currency, status, initiated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, 'initiated', ?)", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "payment_id"));
  ccm_views_bind_text (stmt, 2, ccm_json_string (p, "order_id"));
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "conference"));
  ccm_views_bind_text (stmt, 4, ccm_json_string (p, "method"));
  sqlite3_bind_int64 (stmt, 5, ccm_json_int (p, "amount", 0));
  ccm_views_bind_text (stmt, 6, ccm_json_string (p, "currency"));
  sqlite3_bind_int64 (stmt, 7, event->recorded_at);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_payment_settled (CcmStore        *store,
                         const CcmEvent  *event,
                         const char      *status,
                         GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE payment_views SET status = ?2, reference = ?3, reason = ?4, "
                            "settled_at = ?5 WHERE payment_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "payment_id"));
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "reference"));
  ccm_views_bind_text (stmt, 4, ccm_json_string (p, "reason"));
  sqlite3_bind_int64 (stmt, 5, event->recorded_at);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
project_payment_mismatch (CcmStore        *store,
                          const CcmEvent  *event,
                          GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "UPDATE payment_views SET expected_amount = ?2 WHERE payment_id = ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "payment_id"));
  sqlite3_bind_int64 (stmt, 2, ccm_json_int (p, "expected_amount", 0));
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
order_views_apply (CcmStore        *store,
                   const CcmEvent  *event,
                   GError         **error)
{
  const char *type = event->type;

  if (ccm_views_stream_key (event, "order/") != NULL)
    return apply_order_event (store, event, error);

  if (ccm_views_stream_key (event, "payment/") == NULL)
    return TRUE;
  if (g_str_equal (type, "PaymentInitiated"))
    return project_payment_initiated (store, event, error);
  if (g_str_equal (type, "PaymentCompleted"))
    return project_payment_settled (store, event, "completed", error);
  if (g_str_equal (type, "PaymentRejected"))
    return project_payment_settled (store, event, "rejected", error);
  if (g_str_equal (type, "PaymentAmountMismatch"))
    return project_payment_mismatch (store, event, error);
  return TRUE;
}

/* Version 2 to 3: every order's keys folded again, written only where
 * they changed (names with ø, ł, æ…). */
static gboolean
refold_orders (CcmStore  *store,
               GError   **error)
{
  /* order_id, email key, search key */
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT order_id, access_code, email, first_name, last_name, "
                            "email_key, search_key FROM order_views", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *email = (const char *) sqlite3_column_text (stmt, 2);
      g_autofree char *code = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 1), -1);
      g_autofree char *names = ccm_order_views_search_key (NULL, email,
                                                           (const char *) sqlite3_column_text (stmt, 3),
                                                           (const char *) sqlite3_column_text (stmt, 4));
      /* No address: the key stays as the registrant left it. */
      char *email_key = email != NULL ? ccm_views_fold (email)
                                      : g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      char *search_key = g_strconcat ("\x1f", code, names, NULL);

      if (g_strcmp0 (email_key, (const char *) sqlite3_column_text (stmt, 5)) == 0 &&
          g_strcmp0 (search_key, (const char *) sqlite3_column_text (stmt, 6)) == 0)
        {
          g_free (email_key);
          g_free (search_key);
          continue;
        }
      g_ptr_array_add (changed, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (changed, email_key);
      g_ptr_array_add (changed, search_key);
    }
  if (!ccm_views_done (store, stmt, rc, "reading the orders", error))
    return FALSE;

  for (guint i = 0; i < changed->len; i += 3)
    {
      stmt = ccm_store_prepare (store,
                                "UPDATE order_views SET email_key = ?2, search_key = ?3 "
                                "WHERE order_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      ccm_views_bind_text (stmt, 1, g_ptr_array_index (changed, i));
      ccm_views_bind_text (stmt, 2, g_ptr_array_index (changed, i + 1));
      ccm_views_bind_text (stmt, 3, g_ptr_array_index (changed, i + 2));
      if (!ccm_store_step_done (store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static const CcmProjectionUpgrade upgrades[] = {
  /* Folding learnt the letters typed without their stroke. */
  { 2, NULL, refold_orders },
  { 0, NULL, NULL }
};

const CcmProjection ccm_order_views_projection = {
  .name = "order-views",
  /* 3: keys folded with the letters typed without their stroke (ø, ł…). */
  .version = 3,
  .upgrades = upgrades,
  .schema = schema,
  .tables = tables,
  .apply = order_views_apply,
};

/* Queries */

#define ORDER_COLUMNS \
  "o.order_id, o.conference, o.access_code, o.status, o.total, o.currency, o.is_free, " \
  "o.placed_at, o.expires_at, o.first_name, o.last_name, o.email, o.partial_accepted, " \
  "o.payment_id, o.amount_paid, o.confirmed_at, o.closed_at, o.cancel_reason, " \
  "o.after_expiry, o.guaranteed"

static JsonObject *
order_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();
  JsonObject *registrant = json_object_new ();

  ccm_views_set_text (o, "order_id", stmt, 0);
  ccm_views_set_text (o, "conference", stmt, 1);
  ccm_views_set_text (o, "access_code", stmt, 2);
  ccm_views_set_text (o, "status", stmt, 3);
  json_object_set_int_member (o, "total", sqlite3_column_int64 (stmt, 4));
  ccm_views_set_text (o, "currency", stmt, 5);
  json_object_set_boolean_member (o, "is_free", sqlite3_column_int (stmt, 6));
  ccm_views_set_time (o, "placed_at", stmt, 7);
  ccm_views_set_time (o, "expires_at", stmt, 8);
  ccm_views_set_text (registrant, "first_name", stmt, 9);
  ccm_views_set_text (registrant, "last_name", stmt, 10);
  ccm_views_set_text (registrant, "email", stmt, 11);
  json_object_set_object_member (o, "registrant", registrant);
  json_object_set_boolean_member (o, "partial_accepted", sqlite3_column_int (stmt, 12));
  ccm_views_set_text (o, "payment_id", stmt, 13);
  if (sqlite3_column_type (stmt, 14) == SQLITE_NULL)
    json_object_set_null_member (o, "amount_paid");
  else
    json_object_set_int_member (o, "amount_paid", sqlite3_column_int64 (stmt, 14));
  ccm_views_set_time (o, "confirmed_at", stmt, 15);
  ccm_views_set_time (o, "closed_at", stmt, 16);
  ccm_views_set_text (o, "cancel_reason", stmt, 17);
  json_object_set_boolean_member (o, "paid_after_expiry", sqlite3_column_int (stmt, 18));
  json_object_set_boolean_member (o, "guaranteed", sqlite3_column_int (stmt, 19));
  return o;
}

static gboolean
add_lines (CcmStore    *store,
           JsonObject  *order,
           GError     **error)
{
  g_autoptr(JsonArray) lines = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT seat_type_id, name, quantity, requested, unit_price, line_total "
                            "FROM order_lines WHERE order_id = ? ORDER BY ordinal", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (order, "order_id"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      ccm_views_set_text (o, "seat_type_id", stmt, 0);
      ccm_views_set_text (o, "name", stmt, 1);
      json_object_set_int_member (o, "quantity", sqlite3_column_int64 (stmt, 2));
      json_object_set_int_member (o, "requested", sqlite3_column_int64 (stmt, 3));
      json_object_set_int_member (o, "unit_price", sqlite3_column_int64 (stmt, 4));
      json_object_set_int_member (o, "line_total", sqlite3_column_int64 (stmt, 5));
      json_array_add_object_element (lines, o);
    }
  if (!ccm_views_done (store, stmt, rc, "reading order lines", error))
    return FALSE;
  json_object_set_array_member (order, "lines", g_steal_pointer (&lines));
  return TRUE;
}

static gboolean
add_payments (CcmStore    *store,
              JsonObject  *order,
              GError     **error)
{
  g_autoptr(JsonArray) payments = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT payment_id, method, amount, status, currency, reference, "
                            "reason, expected_amount, initiated_at, settled_at "
                            "FROM payment_views WHERE order_id = ? "
                            "ORDER BY initiated_at, payment_id", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (order, "order_id"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      ccm_views_set_text (o, "payment_id", stmt, 0);
      ccm_views_set_text (o, "method", stmt, 1);
      json_object_set_int_member (o, "amount", sqlite3_column_int64 (stmt, 2));
      ccm_views_set_text (o, "status", stmt, 3);
      ccm_views_set_text (o, "currency", stmt, 4);
      ccm_views_set_text (o, "reference", stmt, 5);
      ccm_views_set_text (o, "reason", stmt, 6);
      if (sqlite3_column_type (stmt, 7) == SQLITE_NULL)
        json_object_set_null_member (o, "expected_amount");
      else
        json_object_set_int_member (o, "expected_amount", sqlite3_column_int64 (stmt, 7));
      ccm_views_set_time (o, "initiated_at", stmt, 8);
      ccm_views_set_time (o, "settled_at", stmt, 9);
      json_array_add_object_element (payments, o);
    }
  if (!ccm_views_done (store, stmt, rc, "reading payments", error))
    return FALSE;
  json_object_set_array_member (order, "payments", g_steal_pointer (&payments));
  return TRUE;
}

static gboolean
add_refunds (CcmStore    *store,
             JsonObject  *order,
             GError     **error)
{
  g_autoptr(JsonArray) refunds = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT payment_id, amount, reason, currency, recorded_at "
                            "FROM refund_views WHERE order_id = ? "
                            "ORDER BY recorded_at, payment_id", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (order, "order_id"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      ccm_views_set_text (o, "payment_id", stmt, 0);
      json_object_set_int_member (o, "amount", sqlite3_column_int64 (stmt, 1));
      ccm_views_set_text (o, "reason", stmt, 2);
      ccm_views_set_text (o, "currency", stmt, 3);
      ccm_views_set_time (o, "recorded_at", stmt, 4);
      json_array_add_object_element (refunds, o);
    }
  if (!ccm_views_done (store, stmt, rc, "reading refunds", error))
    return FALSE;
  json_object_set_array_member (order, "refunds", g_steal_pointer (&refunds));
  return TRUE;
}

static gboolean
add_attendees (CcmStore    *store,
               JsonObject  *order,
               GError     **error)
{
  g_autoptr(JsonArray) attendees = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT a.position, a.seat_type_id, s.name, a.ticket_code, "
                            "a.first_name, a.last_name, a.email, a.admissions > 0, a.status, "
                            "a.inside FROM attendee_views a LEFT JOIN seat_availability s "
                            "ON s.seat_type_id = a.seat_type_id "
                            "WHERE a.order_id = ? ORDER BY a.position", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (order, "order_id"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      json_object_set_int_member (o, "position", sqlite3_column_int64 (stmt, 0));
      ccm_views_set_text (o, "seat_type_id", stmt, 1);
      ccm_views_set_text (o, "seat_type", stmt, 2);
      ccm_views_set_text (o, "ticket_code", stmt, 3);
      ccm_views_set_text (o, "first_name", stmt, 4);
      ccm_views_set_text (o, "last_name", stmt, 5);
      ccm_views_set_text (o, "email", stmt, 6);
      json_object_set_boolean_member (o, "admitted", sqlite3_column_int (stmt, 7));
      ccm_views_set_text (o, "status", stmt, 8);
      json_object_set_boolean_member (o, "inside", sqlite3_column_int (stmt, 9));
      json_array_add_object_element (attendees, o);
    }
  if (!ccm_views_done (store, stmt, rc, "reading attendees", error))
    return FALSE;
  json_object_set_array_member (order, "attendees", g_steal_pointer (&attendees));
  return TRUE;
}

/* Reads one order row; *found tells whether there was one. A code may name
 * orders of several conferences when no slug narrows it. */
static JsonObject *
read_order (CcmStore    *store,
            const char  *slug,
            const char  *order_id_or_code,
            GError     **error)
{
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *code = NULL;
  sqlite3_stmt *stmt;
  guint found = 0;
  int rc;

  if (ccm_id_is_valid (order_id_or_code))
    {
      stmt = ccm_store_prepare (store,
                                "SELECT " ORDER_COLUMNS " FROM order_views o "
                                "WHERE o.order_id = ?1 AND (?2 IS NULL OR o.conference = ?2)",
                                error);
      if (stmt == NULL)
        return NULL;
      ccm_views_bind_text (stmt, 1, order_id_or_code);
    }
  else
    {
      code = g_ascii_strup (order_id_or_code, -1);
      stmt = ccm_store_prepare (store,
                                "SELECT " ORDER_COLUMNS " FROM order_views o "
                                "WHERE o.access_code = ?1 AND (?2 IS NULL OR o.conference = ?2) "
                                "LIMIT 2", error);
      if (stmt == NULL)
        return NULL;
      ccm_views_bind_text (stmt, 1, code);
    }
  ccm_views_bind_text (stmt, 2, slug);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (found++ == 0)
        order = order_from_row (stmt);
    }
  if (!ccm_views_done (store, stmt, rc, "reading an order", error))
    return NULL;

  if (found > 1)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "slug",
                            _("Orders of several conferences have the access code “%s”; "
                              "name the conference."), code);
      return NULL;
    }
  if (order == NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "order",
                            _("There is no order “%s”; check the order id or access code."),
                            order_id_or_code);
      return NULL;
    }
  return g_steal_pointer (&order);
}

JsonObject *
ccm_order_views_get (CcmStore    *store,
                     const char  *slug,
                     const char  *order_id_or_code,
                     GError     **error)
{
  g_autoptr(JsonObject) order = NULL;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (order_id_or_code != NULL, NULL);

  if (slug != NULL && !ccm_views_require_conference (store, slug, error))
    return NULL;
  if ((order = read_order (store, slug, order_id_or_code, error)) == NULL ||
      !add_lines (store, order, error) ||
      !add_payments (store, order, error) ||
      !add_attendees (store, order, error) ||
      !add_refunds (store, order, error))
    return NULL;
  return g_steal_pointer (&order);
}

/* The columns of the order list, after ORDER_COLUMNS (20 and 21). */
#define SUMMARY_COLUMNS \
  ", (SELECT coalesce (sum (l.quantity), 0) FROM order_lines l " \
  "   WHERE l.order_id = o.order_id), " \
  "(SELECT count (*) FROM attendee_views a " \
  "  WHERE a.order_id = o.order_id AND a.email IS NOT NULL)"

static JsonObject *
summary_from_row (sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();
  const char *first = (const char *) sqlite3_column_text (stmt, 9);
  const char *last = (const char *) sqlite3_column_text (stmt, 10);

  ccm_views_set_text (o, "order_id", stmt, 0);
  ccm_views_set_text (o, "conference", stmt, 1);
  ccm_views_set_text (o, "access_code", stmt, 2);
  ccm_views_set_text (o, "status", stmt, 3);
  json_object_set_int_member (o, "total", sqlite3_column_int64 (stmt, 4));
  ccm_views_set_text (o, "currency", stmt, 5);
  if (first != NULL || last != NULL)
    {
      g_autofree char *name = g_strjoin (" ", first != NULL ? first : "",
                                         last != NULL ? last : "", NULL);

      json_object_set_string_member (o, "registrant", g_strstrip (name));
    }
  else
    json_object_set_null_member (o, "registrant");
  ccm_views_set_text (o, "first_name", stmt, 9);
  ccm_views_set_text (o, "last_name", stmt, 10);
  ccm_views_set_text (o, "email", stmt, 11);
  json_object_set_int_member (o, "attendees", sqlite3_column_int64 (stmt, 21));
  json_object_set_int_member (o, "seats", sqlite3_column_int64 (stmt, 20));
  ccm_views_set_time (o, "placed_at", stmt, 7);
  ccm_views_set_time (o, "expires_at", stmt, 8);
  return o;
}

static JsonArray *
collect_summaries (CcmStore      *store,
                   sqlite3_stmt  *stmt,
                   GError       **error)
{
  g_autoptr(JsonArray) list = json_array_new ();

  if (!ccm_views_collect (store, stmt, summary_from_row, list, "listing orders", error))
    return NULL;
  return g_steal_pointer (&list);
}

static sqlite3_stmt *
prepare_list (CcmStore    *store,
              const char  *slug,
              const char  *status,
              guint        offset,
              guint        limit,
              GError     **error)
{
  sqlite3_stmt *stmt;

  /* Two statements so each walks its own index backwards. */
  if (status != NULL)
    stmt = ccm_store_prepare (store,
                              "SELECT " ORDER_COLUMNS SUMMARY_COLUMNS " FROM order_views o "
                              "WHERE o.conference = ?1 AND o.status = ?2 "
                              "ORDER BY o.placed_at DESC, o.placed_position DESC LIMIT ?3 OFFSET ?4",
                              error);
  else
    stmt = ccm_store_prepare (store,
                              "SELECT " ORDER_COLUMNS SUMMARY_COLUMNS " FROM order_views o "
                              "WHERE o.conference = ?1 "
                              "ORDER BY o.placed_at DESC, o.placed_position DESC LIMIT ?3 OFFSET ?4",
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  if (status != NULL)
    sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);
  sqlite3_bind_int64 (stmt, 4, offset);
  return stmt;
}

JsonArray *
ccm_order_views_list (CcmStore    *store,
                      const char  *slug,
                      const char  *status,
                      guint        offset,
                      guint        limit,
                      GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  if (!ccm_views_require_conference (store, slug, error) ||
      (stmt = prepare_list (store, slug, status, offset, limit, error)) == NULL)
    return NULL;
  return collect_summaries (store, stmt, error);
}

gboolean
ccm_order_views_foreach (CcmStore         *store,
                         const char       *slug,
                         CcmViewsRowFunc   func,
                         gpointer          user_data,
                         GError          **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_STORE (store), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (!ccm_views_require_conference (store, slug, error) ||
      (stmt = prepare_list (store, slug, NULL, 0, 0, error)) == NULL)
    return FALSE;
  return ccm_views_walk (store, stmt, summary_from_row, func, user_data, "listing orders", error);
}

JsonArray *
ccm_order_views_summaries (CcmStore           *store,
                           const char *const  *ids,
                           guint               n_ids,
                           GError            **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  g_autoptr(JsonArray) wanted = json_array_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) json_object_unref);
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  for (guint i = 0; i < n_ids; i++)
    json_array_add_string_element (wanted, ids[i]);
  json_node_set_array (node, wanted);
  text = json_to_string (node, FALSE);

  stmt = ccm_store_prepare (store,
                            "SELECT " ORDER_COLUMNS SUMMARY_COLUMNS " FROM order_views o "
                            "WHERE o.order_id IN (SELECT value FROM json_each (?1))", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = summary_from_row (stmt);

      g_hash_table_replace (found, (gpointer) ccm_json_string (o, "order_id"), o);
    }
  if (!ccm_views_done (store, stmt, rc, "listing orders", error))
    return NULL;

  for (guint i = 0; i < n_ids; i++)
    {
      JsonObject *o = g_hash_table_lookup (found, ids[i]);

      if (o != NULL)
        json_array_add_object_element (list, json_object_ref (o));
    }
  return g_steal_pointer (&list);
}

JsonArray *
ccm_order_views_find (CcmStore    *store,
                      const char  *slug,
                      const char  *email,
                      const char  *access_code,
                      GError     **error)
{
  g_autofree char *email_key = NULL;
  g_autofree char *code = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  if (email == NULL && access_code == NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "email",
                            _("Give an e-mail address or an access code to find orders by."));
      return NULL;
    }
  if (slug != NULL && !ccm_views_require_conference (store, slug, error))
    return NULL;

  if (email != NULL)
    {
      email_key = ccm_views_fold (email);
      g_strstrip (email_key);
      stmt = ccm_store_prepare (store,
                                "SELECT " ORDER_COLUMNS SUMMARY_COLUMNS " FROM order_views o "
                                "WHERE o.email_key = ?1 AND (?2 IS NULL OR o.access_code = ?2) "
                                "AND (?3 IS NULL OR o.conference = ?3) "
                                "ORDER BY o.placed_at DESC, o.placed_position DESC", error);
    }
  else
    stmt = ccm_store_prepare (store,
                              "SELECT " ORDER_COLUMNS SUMMARY_COLUMNS " FROM order_views o "
                              "WHERE o.access_code = ?2 AND (?3 IS NULL OR o.conference = ?3) "
                              "ORDER BY o.placed_at DESC, o.placed_position DESC", error);
  if (stmt == NULL)
    return NULL;

  if (access_code != NULL)
    {
      code = g_ascii_strup (access_code, -1);
      g_strstrip (code);
    }
  ccm_views_bind_text (stmt, 1, email_key);
  ccm_views_bind_text (stmt, 2, code);
  ccm_views_bind_text (stmt, 3, slug);
  return collect_summaries (store, stmt, error);
}
