/* ccm-attention-views.c — what needs a person
 *
 * One row per event that asks for attention, keyed by the event's position:
 * a payment whose amount is not the order's total, a refund that is due, an
 * order confirmed on a payment that came after it expired, and every flagged
 * admission or exit. Each row also names its event by stream and version
 * (the item key of ccm-attention.c); the resolutions, fed by the
 * "attention/<slug>" streams, are kept by that key in a table of their own,
 * so an item and its resolution may arrive in either order. The row keeps
 * what the event said; the message is written when the list is read, in the
 * reader's language, so the stored rows never depend on the locale of
 * whoever projected them. A flagged scan taken back at the desk
 * (TicketAdmissionUndone, TicketExitUndone) takes its row with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-attention-views"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "ccm-attention.h"
#include "ccm-order-views.h"
#include "ccm-order-views-private.h"
#include "ccm-checkin.h"
#include "ccm-clock.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-money.h"

/* Kinds besides the check-in flags, which are kinds of their own. */
#define KIND_AMOUNT_MISMATCH      "amount_mismatch"
#define KIND_REFUND_DUE           "refund_due"
#define KIND_PAYMENT_AFTER_EXPIRY "payment_after_expiry"
#define KIND_FIELD_CONFLICT       "field_conflict"
#define KIND_REJECTED_COMMAND     "rejected_command"

static const char *const tables[] = { "attention_items", "attention_resolutions", NULL };

static const char schema[] =
  "CREATE TABLE attention_items ("
  "  id INTEGER PRIMARY KEY,"
  "  conference TEXT,"
  "  kind TEXT NOT NULL,"
  "  order_id TEXT,"
  "  ticket_code TEXT,"
  "  payment_id TEXT,"
  "  amount INTEGER,"
  "  expected_amount INTEGER,"
  "  currency TEXT,"
  "  reason TEXT,"
  "  scan TEXT,"
  "  seat_type_id TEXT,"
  "  device_id TEXT,"
  "  device_time INTEGER,"
  "  decided_at INTEGER,"
  "  field TEXT,"
  "  kept TEXT,"
  "  other TEXT,"
  "  earlier_device_id TEXT,"
  "  earlier_device_time INTEGER,"
  "  recorded_at INTEGER NOT NULL,"
  "  item TEXT NOT NULL);"
  "CREATE INDEX attention_items_conference ON attention_items (conference, id);"
  "CREATE INDEX attention_items_item ON attention_items (item);"
  "CREATE TABLE attention_resolutions ("
  "  item TEXT PRIMARY KEY,"
  "  conference TEXT NOT NULL,"
  "  note TEXT,"
  "  device_id TEXT,"
  "  resolved_at INTEGER NOT NULL) WITHOUT ROWID;";

static void
bind_int_or_null (sqlite3_stmt *stmt,
                  int           index,
                  JsonObject   *payload,
                  const char   *member)
{
  if (json_object_has_member (payload, member) &&
      !json_object_get_null_member (payload, member))
    sqlite3_bind_int64 (stmt, index, ccm_json_int (payload, member, 0));
  else
    sqlite3_bind_null (stmt, index);
}

/* A value of a conflicting field as text (reservation_minutes is a number). */
static char *
value_text (JsonObject *payload,
            const char *member)
{
  JsonNode *node = json_object_get_member (payload, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%lld", (long long) json_node_get_int (node));
  return g_strdup (json_node_get_string (node));
}

/* Columns rather than the payload's text: a JSON object's members have no
 * fixed order, and the rows must come out byte for byte the same. */
static gboolean
add_item (CcmStore        *store,
          const CcmEvent  *event,
          const char      *kind,
          const char      *scan,
          GError         **error)
{
  JsonObject *p = event->payload;
  const char *device_id = ccm_json_string (p, "device_id");
  gboolean conflict = g_str_equal (kind, KIND_FIELD_CONFLICT);
  g_autofree char *item = ccm_attention_item_key (event);
  g_autofree char *kept = conflict ? value_text (p, "kept") : NULL;
  g_autofree char *other = conflict ? value_text (p, "other") : NULL;
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store,
                            "INSERT INTO attention_items (id, conference, kind, order_id, "
                            "ticket_code, payment_id, amount, expected_amount, currency, reason, "
                            "scan, seat_type_id, device_id, device_time, decided_at, field, kept, "
                            "other, earlier_device_id, earlier_device_time, recorded_at, item) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, event->position);
  ccm_views_bind_text (stmt, 2, ccm_json_string (p, "conference"));
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_STATIC);
  ccm_views_bind_text (stmt, 4, ccm_json_string (p, "order_id"));
  ccm_views_bind_text (stmt, 5, ccm_json_string (p, "ticket_code"));
  ccm_views_bind_text (stmt, 6, ccm_json_string (p, "payment_id"));
  bind_int_or_null (stmt, 7, p, "amount");
  bind_int_or_null (stmt, 8, p, "expected_amount");
  ccm_views_bind_text (stmt, 9, ccm_json_string (p, "currency"));
  ccm_views_bind_text (stmt, 10, ccm_json_string (p, "reason"));
  ccm_views_bind_text (stmt, 11, scan);
  ccm_views_bind_text (stmt, 12, ccm_json_string (p, "seat_type"));
  if (scan != NULL)
    {
      ccm_views_bind_text (stmt, 13, device_id != NULL ? device_id : event->device_id);
      bind_int_or_null (stmt, 14, p, "device_time");
      bind_int_or_null (stmt, 15, p, "decided_at");
    }
  if (conflict)
    {
      ccm_views_bind_text (stmt, 13, ccm_json_string (p, "other_device"));
      ccm_views_bind_text (stmt, 16, ccm_json_string (p, "field"));
      ccm_views_bind_text (stmt, 17, kept);
      ccm_views_bind_text (stmt, 18, other);
    }
  ccm_views_bind_text (stmt, 19, ccm_json_string (p, "earlier_device_id"));
  bind_int_or_null (stmt, 20, p, "earlier_device_time");
  sqlite3_bind_int64 (stmt, 21, event->recorded_at);
  sqlite3_bind_text (stmt, 22, item, -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
mark_item (CcmStore        *store,
           const CcmEvent  *event,
           GError         **error)
{
  JsonObject *p = event->payload;
  sqlite3_stmt *stmt;

  if (g_str_equal (event->type, "AttentionReopened"))
    {
      stmt = ccm_store_prepare (store, "DELETE FROM attention_resolutions WHERE item = ?", error);
      if (stmt == NULL)
        return FALSE;
      ccm_views_bind_text (stmt, 1, ccm_json_string (p, "item"));
      return ccm_store_step_done (store, stmt, error);
    }

  stmt = ccm_store_prepare (store,
                            "INSERT OR REPLACE INTO attention_resolutions (item, conference, note, "
                            "device_id, resolved_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, ccm_json_string (p, "item"));
  ccm_views_bind_text (stmt, 2, ccm_json_string (p, "conference"));
  ccm_views_bind_text (stmt, 3, ccm_json_string (p, "note"));
  ccm_views_bind_text (stmt, 4, event->device_id);
  sqlite3_bind_int64 (stmt, 5, event->recorded_at);
  return ccm_store_step_done (store, stmt, error);
}

/* A flagged scan taken back at the desk (the second door of two that let
 * the same ticket in offline, say, or an exit scanned by mistake): it did
 * not happen, and its item goes. */
static gboolean
drop_undone (CcmStore        *store,
             const CcmEvent  *event,
             GError         **error)
{
  JsonObject *p = event->payload;
  g_autofree char *item = NULL;
  sqlite3_stmt *stmt;

  if (ccm_json_string (p, "undone_flag") == NULL || !json_object_has_member (p, "undone_version"))
    return TRUE;
  item = ccm_attention_item_key_at (event->stream_id, ccm_json_int (p, "undone_version", 0));
  stmt = ccm_store_prepare (store, "DELETE FROM attention_items WHERE item = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, item, -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
attention_views_apply (CcmStore        *store,
                       const CcmEvent  *event,
                       GError         **error)
{
  const char *type = event->type;

  if (ccm_views_stream_key (event, "attention/") != NULL)
    {
      if (g_str_equal (type, "AttentionResolved") || g_str_equal (type, "AttentionReopened"))
        return mark_item (store, event, error);
      return TRUE;
    }

  if (ccm_views_stream_key (event, "ticket/") != NULL)
    {
      const char *flag = ccm_json_string (event->payload, "flag");

      if (g_str_equal (type, "TicketAdmissionUndone") || g_str_equal (type, "TicketExitUndone"))
        return drop_undone (store, event, error);
      if (flag == NULL)
        return TRUE;
      if (g_str_equal (type, "TicketAdmitted"))
        return add_item (store, event, flag, "admit", error);
      if (g_str_equal (type, "TicketExited"))
        return add_item (store, event, flag, "exit", error);
      return TRUE;
    }

  if (ccm_views_stream_key (event, "conference/") != NULL)
    {
      if (g_str_equal (type, "ConferenceFieldConflict"))
        return add_item (store, event, KIND_FIELD_CONFLICT, NULL, error);
      return TRUE;
    }

  if (ccm_views_stream_key (event, "payment/") != NULL)
    {
      if (g_str_equal (type, "PaymentAmountMismatch"))
        return add_item (store, event, KIND_AMOUNT_MISMATCH, NULL, error);
      return TRUE;
    }

  if (ccm_views_stream_key (event, "order/") != NULL)
    {
      if (g_str_equal (type, "RefundDue"))
        return add_item (store, event, KIND_REFUND_DUE, NULL, error);
      if (g_str_equal (type, "OrderConfirmed") && ccm_json_bool (event->payload, "after_expiry"))
        return add_item (store, event, KIND_PAYMENT_AFTER_EXPIRY, NULL, error);
    }
  return TRUE;
}

const CcmProjection ccm_attention_views_projection = {
  .name = "attention-views",
  .version = 4,
  .schema = schema,
  .tables = tables,
  .apply = attention_views_apply,
};

/* Queries */

static const char *
refund_reason (const char *reason)
{
  if (g_strcmp0 (reason, "cancelled") == 0)
    return _("the order was cancelled");
  if (g_strcmp0 (reason, "duplicate_payment") == 0)
    return _("the order was paid twice");
  if (g_strcmp0 (reason, "payment_after_expiry") == 0)
    return _("the payment came after the order expired and its seats were gone");
  if (g_strcmp0 (reason, "expired") == 0)
    return _("the order expired before its seats were reserved");
  if (g_strcmp0 (reason, "sold_out") == 0)
    return _("the seats were sold out before the order reached the server");
  return reason != NULL ? reason : "";
}

/* An RFC 3339 time of a detail as people read it: local, to the second. */
static char *
readable_time (const char *text)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  gint64 t = 0;

  if (text == NULL || !ccm_time_parse (text, &t) ||
      (utc = g_date_time_new_from_unix_utc (t / G_USEC_PER_SEC)) == NULL)
    return g_strdup (text != NULL ? text : "?");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static char *
message_for (CcmStore   *store,
             const char *kind,
             const char *code,
             JsonObject *d)
{
  const char *currency = ccm_json_string (d, "currency");
  gboolean exit = g_strcmp0 (ccm_json_string (d, "scan"), "exit") == 0;

  if (g_str_equal (kind, KIND_AMOUNT_MISMATCH))
    {
      g_autofree char *amount = ccm_money_format (ccm_json_int (d, "amount", 0), currency,
                                                  CCM_MONEY_LOCALIZED);
      g_autofree char *expected = ccm_money_format (ccm_json_int (d, "expected_amount", 0),
                                                    currency, CCM_MONEY_LOCALIZED);

      return g_strdup_printf (_("A payment of %s was taken for an order whose total is %s; "
                                "settle the difference with the registrant."),
                              amount, expected);
    }
  if (g_str_equal (kind, KIND_REFUND_DUE))
    {
      g_autofree char *amount = ccm_money_format (ccm_json_int (d, "amount", 0), currency,
                                                  CCM_MONEY_LOCALIZED);

      return g_strdup_printf (_("A refund of %s is due: %s."), amount,
                              refund_reason (ccm_json_string (d, "reason")));
    }
  if (g_str_equal (kind, KIND_PAYMENT_AFTER_EXPIRY))
    return g_strdup (_("The order was paid after its reservation expired; its seats were "
                       "taken back and it is confirmed."));
  if (g_str_equal (kind, CCM_CHECKIN_FLAG_ALREADY_ADMITTED) &&
      ccm_json_string (d, "earlier_device_id") != NULL)
    {
      g_autofree char *desk = ccm_store_describe_desk (store, ccm_json_string (d, "device_id"));
      g_autofree char *earlier_desk = ccm_store_describe_desk (store, ccm_json_string (d, "earlier_device_id"));
      g_autofree char *when = readable_time (ccm_json_string (d, "device_time"));
      g_autofree char *earlier = readable_time (ccm_json_string (d, "earlier_device_time"));

      /* TRANSLATORS: desks are "desk “North door”" or, when a desk's name
       * is not known, "desk 1a2b3c4d"; times "2026-11-26 09:01:12" */
      return g_strdup_printf (_("Ticket %s was admitted by %s at %s while already inside "
                                "(let in by %s at %s); check who holds it."), code,
                              desk != NULL ? desk : "?", when, earlier_desk, earlier);
    }
  if (g_str_equal (kind, CCM_CHECKIN_FLAG_ALREADY_ADMITTED))
    return g_strdup_printf (_("Ticket %s was admitted while already inside; check who holds "
                              "it."), code);
  if (g_str_equal (kind, CCM_CHECKIN_FLAG_CANCELLED_ORDER))
    return g_strdup_printf (exit ? _("Ticket %s of a cancelled order was scanned out.")
                                 : _("Ticket %s of a cancelled order was admitted."), code);
  if (g_str_equal (kind, CCM_CHECKIN_FLAG_UNKNOWN_TICKET))
    return g_strdup_printf (exit ? _("Ticket %s, which no order issued, was scanned out.")
                                 : _("Ticket %s, which no order issued, was admitted."), code);
  if (g_str_equal (kind, CCM_CHECKIN_FLAG_WRONG_CONFERENCE))
    return g_strdup_printf (_("Ticket %s of another conference was admitted."), code);
  if (g_str_equal (kind, CCM_CHECKIN_FLAG_REENTRY))
    return g_strdup_printf (_("Ticket %s came back in although re-entry is not allowed."), code);
  if (g_str_equal (kind, CCM_CHECKIN_FLAG_NOT_INSIDE))
    return g_strdup_printf (_("Ticket %s was scanned out without being inside."), code);
  if (g_str_equal (kind, KIND_FIELD_CONFLICT))
    return g_strdup_printf (_("Two devices changed the %s at the same time: “%s” was kept, "
                              "“%s” was replaced; set it again if that was the right one."),
                            ccm_json_string (d, "field"), ccm_json_string (d, "kept"),
                            ccm_json_string (d, "other"));
  return g_strdup (kind);
}

/* The order an item concerns, as people know it: its access code and its
 * registrant (the order's id alone says nothing to whoever reads the list).
 * NULL while this device has not seen the order. */
#define ORDER_COLUMNS "o.access_code, o.first_name, o.last_name "

static void
set_order (JsonObject   *o,
           sqlite3_stmt *stmt,
           int           column)
{
  ccm_views_set_text (o, "access_code", stmt, column);
  ccm_views_set_text (o, "registrant_first_name", stmt, column + 1);
  ccm_views_set_text (o, "registrant_last_name", stmt, column + 2);
}

#define ITEM_COLUMNS \
  "a.id, a.conference, a.kind, a.order_id, a.ticket_code, a.payment_id, a.amount, " \
  "a.expected_amount, a.currency, a.reason, a.scan, a.seat_type_id, a.device_id, " \
  "a.device_time, a.decided_at, a.field, a.kept, a.other, a.earlier_device_id, " \
  "a.earlier_device_time, a.recorded_at, a.item, r.resolved_at, r.note, r.device_id, " \
  ORDER_COLUMNS \
  "FROM attention_items a LEFT JOIN attention_resolutions r ON r.item = a.item " \
  "LEFT JOIN order_views o ON o.order_id = a.order_id"

/* The detail: what the event said that the fixed members do not. */
static JsonObject *
detail_from_row (sqlite3_stmt *stmt)
{
  static const char *const names[] = {
    "amount", "expected_amount", "currency", "reason", "scan", "seat_type_id",
    "device_id", "device_time", "decided_at", "field", "kept", "other",
    "earlier_device_id", "earlier_device_time"
  };
  JsonObject *detail = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      int column = 6 + i;

      if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
        continue;
      if (g_str_equal (names[i], "device_time") || g_str_equal (names[i], "decided_at") ||
          g_str_equal (names[i], "earlier_device_time"))
        ccm_views_set_time (detail, names[i], stmt, column);
      else if (sqlite3_column_type (stmt, column) == SQLITE_INTEGER)
        json_object_set_int_member (detail, names[i], sqlite3_column_int64 (stmt, column));
      else
        ccm_views_set_text (detail, names[i], stmt, column);
    }
  return detail;
}

void
ccm_attention_views_set_resolution (JsonObject   *o,
                                    sqlite3_stmt *stmt,
                                    int           column)
{
  gboolean resolved = sqlite3_column_type (stmt, column) != SQLITE_NULL;

  json_object_set_boolean_member (o, "resolved", resolved);
  if (resolved)
    {
      ccm_views_set_time (o, "resolved_at", stmt, column);
      ccm_views_set_text (o, "resolution_note", stmt, column + 1);
      ccm_views_set_text (o, "resolved_by", stmt, column + 2);
    }
}

/* Commands of this device the server refused after the fact (DESIGN §5.1
 * rule 5): they come from the command log, not from events, and are
 * resolved like any item, by their key (CCM_ATTENTION_COMMAND_PREFIX). */
#define REFUSED_KEY "'" CCM_ATTENTION_COMMAND_PREFIX "' || c.command_id"
/* json_extract fails the whole query on text that is not JSON: a row that
 * somehow is not must not take the list with it. */
#define REFUSED_ARG(member) \
  "(CASE WHEN json_valid (c.command) THEN json_extract (c.command, '$.args." member "') END)"
#define REFUSED_CONFERENCE "coalesce (" REFUSED_ARG ("conference") ", " REFUSED_ARG ("slug") ")"
#define REFUSED_COLUMNS \
  "c.seq, c.type, c.outcome, c.issued_at, " REFUSED_KEY ", " REFUSED_CONFERENCE ", " \
  REFUSED_ARG ("order_id") ", r.resolved_at, r.note, r.device_id, " ORDER_COLUMNS \
  "FROM command_log c LEFT JOIN attention_resolutions r ON r.item = " REFUSED_KEY " " \
  "LEFT JOIN order_views o ON o.order_id = " REFUSED_ARG ("order_id") " " \
  "WHERE c.status = 'rejected'"

static JsonObject *
refused_from_row (sqlite3_stmt *stmt)
{
  g_autoptr(JsonObject) outcome = NULL;
  g_autofree char *message = NULL;
  g_autofree char *time = ccm_time_format (sqlite3_column_int64 (stmt, 3));
  JsonObject *o = json_object_new ();
  JsonObject *detail = json_object_new ();
  const char *type = (const char *) sqlite3_column_text (stmt, 1);
  const char *reason = NULL;

  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    outcome = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 2), -1, NULL);
  if (outcome != NULL)
    reason = ccm_json_string (outcome, "message");

  json_object_set_int_member (detail, "seq", sqlite3_column_int64 (stmt, 0));
  json_object_set_string_member (detail, "type", type);
  if (outcome != NULL && ccm_json_string (outcome, "field") != NULL)
    json_object_set_string_member (detail, "field", ccm_json_string (outcome, "field"));
  json_object_set_null_member (o, "id");
  ccm_views_set_text (o, "item", stmt, 4);
  ccm_views_set_text (o, "conference", stmt, 5);
  json_object_set_string_member (o, "kind", KIND_REJECTED_COMMAND);
  ccm_views_set_text (o, "order_id", stmt, 6);
  json_object_set_null_member (o, "ticket_code");
  json_object_set_null_member (o, "payment_id");
  message = g_strdup_printf (_("The server refused “%s” from this device: %s"), type,
                             reason != NULL ? reason : _("no reason given."));
  json_object_set_string_member (o, "message", message);
  json_object_set_object_member (o, "detail", detail);
  json_object_set_string_member (o, "recorded_at", time);
  ccm_attention_views_set_resolution (o, stmt, 7);
  set_order (o, stmt, 10);
  return o;
}

/* The refused commands of one conference (or of all, `slug` NULL), the
 * newest first, those still open in `open`, the resolved in `resolved`. */
static gboolean
list_refused (CcmStore    *store,
              const char  *slug,
              JsonArray   *open,
              JsonArray   *resolved,
              GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = ccm_store_prepare (store,
                            "SELECT " REFUSED_COLUMNS " AND (?1 IS NULL OR " REFUSED_CONFERENCE " = ?1) "
                            "ORDER BY c.seq DESC", error);
  if (stmt == NULL)
    return FALSE;
  ccm_views_bind_text (stmt, 1, slug);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (sqlite3_column_type (stmt, 7) == SQLITE_NULL ? open : resolved,
                                   refused_from_row (stmt));
  return ccm_views_done (store, stmt, rc, "listing refused commands", error);
}

JsonArray *
ccm_attention_views_list (CcmStore    *store,
                          const char  *slug,
                          GError     **error)
{
  return ccm_attention_views_newest (store, slug, NULL, 0, error);
}

/* Every kind an item can be of, with what a list of them is called. */
static const struct
{
  const char *kind;
  const char *label;
} kind_labels[] = {
  { KIND_REFUND_DUE, N_("Refunds due") },
  { KIND_PAYMENT_AFTER_EXPIRY, N_("Paid after expiry") },
  { KIND_AMOUNT_MISMATCH, N_("Amount mismatches") },
  { CCM_CHECKIN_FLAG_ALREADY_ADMITTED, N_("Admitted twice") },
  { CCM_CHECKIN_FLAG_CANCELLED_ORDER, N_("Tickets of cancelled orders") },
  { CCM_CHECKIN_FLAG_UNKNOWN_TICKET, N_("Unknown tickets") },
  { CCM_CHECKIN_FLAG_WRONG_CONFERENCE, N_("Tickets of other conferences") },
  { CCM_CHECKIN_FLAG_REENTRY, N_("Re-entries not allowed") },
  { CCM_CHECKIN_FLAG_NOT_INSIDE, N_("Exits of people not inside") },
  { KIND_FIELD_CONFLICT, N_("Changes that crossed") },
  { KIND_REJECTED_COMMAND, N_("Refused by the server") },
};

const char *
ccm_attention_views_kind_label (const char *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_labels); i++)
    if (g_strcmp0 (kind, kind_labels[i].kind) == 0)
      return _(kind_labels[i].label);
  return NULL;
}

char *
ccm_attention_views_kind_names (void)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kind_labels); i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", kind_labels[i].kind);
  return g_string_free (names, FALSE);
}

GPtrArray *
ccm_attention_views_open_items (CcmStore    *store,
                                const char  *slug,
                                const char  *kind,
                                GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gboolean refused;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (slug != NULL, NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  if (!ccm_views_require_conference (store, slug, error))
    return NULL;
  refused = g_str_equal (kind, KIND_REJECTED_COMMAND);
  stmt = ccm_store_prepare (store,
                            refused
                            ? "SELECT " REFUSED_KEY " FROM command_log c "
                              "WHERE c.status = 'rejected' AND " REFUSED_CONFERENCE " = ?1 "
                              "AND NOT EXISTS (SELECT 1 FROM attention_resolutions r "
                              "                WHERE r.item = " REFUSED_KEY ") "
                              "ORDER BY c.seq DESC"
                            : "SELECT a.item FROM attention_items a "
                              "WHERE a.conference = ?1 AND a.kind = ?2 AND NOT EXISTS "
                              "(SELECT 1 FROM attention_resolutions r WHERE r.item = a.item) "
                              "ORDER BY a.id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_STATIC);
  /* The refused commands are one kind of their own: no kind to match. */
  if (!refused)
    sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (!ccm_views_done (store, stmt, rc, "listing open attention items", error))
    return NULL;
  return g_steal_pointer (&items);
}

JsonArray *
ccm_attention_views_kinds (CcmStore    *store,
                           const char  *slug,
                           GError     **error)
{
  g_autoptr(JsonArray) kinds = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  if (slug != NULL && !ccm_views_require_conference (store, slug, error))
    return NULL;
  stmt = ccm_store_prepare (store,
                            "SELECT kind, sum (open), count (*) FROM ("
                            "  SELECT a.kind AS kind, r.item IS NULL AS open "
                            "  FROM attention_items a LEFT JOIN attention_resolutions r ON r.item = a.item "
                            "  WHERE ?1 IS NULL OR a.conference = ?1 "
                            "  UNION ALL "
                            "  SELECT '" KIND_REJECTED_COMMAND "', r.item IS NULL "
                            "  FROM command_log c LEFT JOIN attention_resolutions r ON r.item = " REFUSED_KEY " "
                            "  WHERE c.status = 'rejected' AND (?1 IS NULL OR " REFUSED_CONFERENCE " = ?1)) "
                            "GROUP BY kind ORDER BY sum (open) DESC, count (*) DESC, kind",
                            error);
  if (stmt == NULL)
    return NULL;
  ccm_views_bind_text (stmt, 1, slug);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      ccm_views_set_text (o, "kind", stmt, 0);
      json_object_set_int_member (o, "open", sqlite3_column_int64 (stmt, 1));
      json_object_set_int_member (o, "total", sqlite3_column_int64 (stmt, 2));
      json_array_add_object_element (kinds, o);
    }
  if (!ccm_views_done (store, stmt, rc, "counting the attention list's kinds", error))
    return NULL;
  return g_steal_pointer (&kinds);
}

gint64
ccm_attention_views_count (CcmStore    *store,
                           const char  *slug,
                           GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 n = -1;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), -1);

  if (slug != NULL && !ccm_views_require_conference (store, slug, error))
    return -1;
  stmt = ccm_store_prepare (store,
                            "SELECT (SELECT count (*) FROM attention_items a "
                            "        WHERE (?1 IS NULL OR a.conference = ?1) AND NOT EXISTS "
                            "        (SELECT 1 FROM attention_resolutions r WHERE r.item = a.item)) + "
                            "       (SELECT count (*) FROM command_log c WHERE c.status = 'rejected' "
                            "        AND (?1 IS NULL OR " REFUSED_CONFERENCE " = ?1) AND NOT EXISTS "
                            "        (SELECT 1 FROM attention_resolutions r WHERE r.item = " REFUSED_KEY "))",
                            error);
  if (stmt == NULL)
    return -1;
  ccm_views_bind_text (stmt, 1, slug);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      n = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  if (!ccm_views_done (store, stmt, rc, "counting the attention list", error))
    return -1;
  return n;
}

/* A row of ITEM_COLUMNS as the list gives it. */
static JsonObject *
item_from_row (CcmStore     *store,
               sqlite3_stmt *stmt)
{
  JsonObject *o = json_object_new ();
  const char *kind = (const char *) sqlite3_column_text (stmt, 2);
  g_autoptr(JsonObject) detail = detail_from_row (stmt);
  g_autofree char *message = NULL;

  message = message_for (store, kind, (const char *) sqlite3_column_text (stmt, 4), detail);
  json_object_set_int_member (o, "id", sqlite3_column_int64 (stmt, 0));
  ccm_views_set_text (o, "item", stmt, 21);
  ccm_views_set_text (o, "conference", stmt, 1);
  json_object_set_string_member (o, "kind", kind);
  ccm_views_set_text (o, "order_id", stmt, 3);
  ccm_views_set_text (o, "ticket_code", stmt, 4);
  ccm_views_set_text (o, "payment_id", stmt, 5);
  json_object_set_string_member (o, "message", message);
  json_object_set_object_member (o, "detail", g_steal_pointer (&detail));
  ccm_views_set_time (o, "recorded_at", stmt, 20);
  ccm_attention_views_set_resolution (o, stmt, 22);
  set_order (o, stmt, 25);
  return o;
}

JsonArray *
ccm_attention_views_newest (CcmStore    *store,
                            const char  *slug,
                            const char  *kind,
                            guint        limit,
                            GError     **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  g_autoptr(JsonArray) refused_resolved = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  if (slug != NULL && !ccm_views_require_conference (store, slug, error))
    return NULL;
  /* What still needs someone first, then what was resolved, newest first. */
  stmt = ccm_store_prepare (store,
                            "SELECT " ITEM_COLUMNS " WHERE (?1 IS NULL OR a.conference = ?1) "
                            "AND (?3 IS NULL OR a.kind = ?3) "
                            "ORDER BY r.item IS NOT NULL, a.id DESC LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  ccm_views_bind_text (stmt, 1, slug);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : -1);
  ccm_views_bind_text (stmt, 3, kind);

  /* A refused command first: it is this device's own work undone. */
  if ((kind == NULL || g_str_equal (kind, KIND_REJECTED_COMMAND)) &&
      !list_refused (store, slug, list, refused_resolved, error))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_object_element (list, item_from_row (store, stmt));
  if (!ccm_views_done (store, stmt, rc, "listing the attention list", error))
    return NULL;
  for (guint i = 0; i < json_array_get_length (refused_resolved); i++)
    json_array_add_object_element (list, json_object_ref (json_array_get_object_element (refused_resolved, i)));
  return g_steal_pointer (&list);
}

JsonObject *
ccm_attention_views_get (CcmStore    *store,
                         const char  *ref,
                         GError     **error)
{
  JsonObject *item = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  int rc;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (ref != NULL, NULL);

  if (g_str_has_prefix (ref, CCM_ATTENTION_COMMAND_PREFIX))
    {
      stmt = ccm_store_prepare (store, "SELECT " REFUSED_COLUMNS " AND c.command_id = ?1", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, ref + strlen (CCM_ATTENTION_COMMAND_PREFIX), -1, SQLITE_STATIC);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          item = refused_from_row (stmt);
          rc = sqlite3_step (stmt);
        }
      goto done;
    }

  stmt = ccm_store_prepare (store,
                            "SELECT " ITEM_COLUMNS " WHERE a.item = ?1 OR a.id = ?2 "
                            "ORDER BY a.item = ?1 DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  if (g_ascii_string_to_signed (ref, 10, 1, G_MAXINT64, &id, NULL))
    sqlite3_bind_int64 (stmt, 2, id);
  else
    sqlite3_bind_null (stmt, 2);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      item = item_from_row (store, stmt);
      rc = sqlite3_step (stmt);
    }
done:
  if (!ccm_views_done (store, stmt, rc, "reading the attention list", error))
    {
      g_clear_pointer (&item, json_object_unref);
      return NULL;
    }
  if (item == NULL)
    ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "item",
                          _("There is no attention item “%s”; list them with “contoso "
                            "attention list”."), ref);
  return item;
}
