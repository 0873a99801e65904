/* ccm-cli-order.c — `contoso order place|update|registrant|accept|pay|cancel|show|find|list`
 *
 * ORDER is an order id or its access code. Access codes are unique within a
 * conference only, so `--conference SLUG` picks the conference when one code
 * is used in several; without it the code is looked up in all of them.
 *
 * After a command returns, the registration process has already run (the
 * store dispatches its outbox before ccm_store_execute returns), so the
 * order printed afterwards is reserved, partially reserved or confirmed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include <string.h>

#include "ccm-allotment-views.h"
#include "ccm-assignments.h"
#include "ccm-cli-private.h"
#include "ccm-conference.h"
#include "ccm-conference-views.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-money.h"
#include "ccm-order.h"
#include "ccm-order-views.h"

/* Order lists print this many rows unless --limit says otherwise. */
#define DEFAULT_LIST_LIMIT 100

static const char *const order_statuses[] = {
  "pending", "reserved", "partially-reserved", "confirmed", "expired", "cancelled", NULL
};

static const char *const payment_methods[] = { "cash", "card", "invoice", "processor", NULL };

const char *
ccm_cli_order_status_label (const char *status)
{
  if (g_strcmp0 (status, "pending") == 0)
    return _("pending");
  if (g_strcmp0 (status, "reserved") == 0)
    return _("reserved");
  if (g_strcmp0 (status, "partially-reserved") == 0)
    return _("partially reserved");
  if (g_strcmp0 (status, "confirmed") == 0)
    return _("confirmed");
  if (g_strcmp0 (status, "expired") == 0)
    return _("expired");
  if (g_strcmp0 (status, "cancelled") == 0)
    return _("cancelled");
  return status != NULL ? status : "";
}

static const char *
nonnull (const char *text)
{
  return text != NULL ? text : "";
}

/* Shared with the other verb files */

gboolean
ccm_cli_check_conference (CcmCli      *cli,
                          const char  *slug,
                          GError     **error)
{
  g_autoptr(JsonObject) conference = NULL;
  CcmStore *store;

  g_return_val_if_fail (cli != NULL, FALSE);

  if ((store = ccm_cli_get_store (cli, error)) == NULL)
    return FALSE;
  conference = ccm_conference_views_get (store, slug, error);
  return conference != NULL;
}

JsonArray *
ccm_cli_parse_seats (int      argc,
                     char   **argv,
                     GError **error)
{
  g_autoptr(JsonArray) seats = json_array_new ();

  for (int i = 0; i < argc; i++)
    {
      const char *equals = strrchr (argv[i], '=');
      g_autofree char *type = NULL;
      gint64 quantity;
      JsonObject *o;

      if (equals == NULL || equals == argv[i])
        {
          ccm_cli_set_usage_error (error, _("“%s” is not a seat type and a quantity of the "
                                            "form TYPE=QTY, such as \"Full pass=2\""), argv[i]);
          return NULL;
        }
      if (!g_ascii_string_to_signed (equals + 1, 10, G_MININT32, G_MAXINT32, &quantity, NULL))
        {
          ccm_cli_set_usage_error (error, _("The quantity “%s” in “%s” is not a whole number"),
                                   equals + 1, argv[i]);
          return NULL;
        }
      type = g_strndup (argv[i], equals - argv[i]);
      o = json_object_new ();
      json_object_set_string_member (o, "seat_type", g_strstrip (type));
      json_object_set_int_member (o, "quantity", quantity);
      json_array_add_object_element (seats, o);
    }
  return g_steal_pointer (&seats);
}

/* The number of ticket codes a request needs: one per seat. Quantities the
 * domain will refuse anyway count as none, so nothing huge is generated. */
static guint
seats_total (JsonArray *seats)
{
  gint64 total = 0;

  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      gint64 quantity = ccm_json_int (json_array_get_object_element (seats, i), "quantity", 0);

      if (quantity > 0 && quantity <= CCM_SEAT_TYPE_MAX_QUOTA)
        total += quantity;
    }
  return (guint) MIN (total, (gint64) G_MAXUINT);
}

char *
ccm_cli_resolve_order (CcmCli      *cli,
                       const char  *slug,
                       const char  *order,
                       GError     **error)
{
  g_autoptr(JsonArray) found = NULL;
  g_autoptr(GString) slugs = NULL;
  g_autofree char *code = NULL;
  CcmStore *store;

  g_return_val_if_fail (cli != NULL, NULL);
  g_return_val_if_fail (order != NULL, NULL);

  if (ccm_id_is_valid (order))
    return g_strdup (order);

  if ((store = ccm_cli_get_store (cli, error)) == NULL)
    return NULL;

  code = g_ascii_strup (order, -1);
  if (!ccm_access_code_is_valid (code))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "order",
                            _("“%s” is neither an order id nor an access code of %d letters "
                              "and digits."), order, CCM_ACCESS_CODE_LENGTH);
      return NULL;
    }

  found = ccm_order_views_find (store, slug, NULL, code, error);
  if (found == NULL)
    return NULL;

  if (json_array_get_length (found) == 0)
    {
      if (slug != NULL)
        ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "order",
                              _("There is no order with the access code %s in the "
                                "conference %s."), code, slug);
      else
        ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "order",
                              _("There is no order with the access code %s."), code);
      return NULL;
    }

  if (json_array_get_length (found) > 1)
    {
      slugs = g_string_new (NULL);
      for (guint i = 0; i < json_array_get_length (found); i++)
        g_string_append_printf (slugs, "%s%s", i > 0 ? ", " : "",
                                ccm_json_string (json_array_get_object_element (found, i),
                                                 "conference"));
      ccm_cli_set_usage_error (error, _("The access code %s is used in several conferences "
                                        "(%s); name one with --conference"), code, slugs->str);
      return NULL;
    }

  return g_strdup (ccm_json_string (json_array_get_object_element (found, 0), "order_id"));
}

JsonObject *
ccm_cli_find_seat_type (JsonObject  *conference,
                        const char  *seat_type,
                        GError     **error)
{
  JsonArray *types = json_object_get_array_member (conference, "seat_types");
  g_autofree char *folded = g_utf8_casefold (seat_type, -1);

  for (guint i = 0; types != NULL && i < json_array_get_length (types); i++)
    {
      JsonObject *type = json_array_get_object_element (types, i);
      g_autofree char *name = g_utf8_casefold (ccm_json_string (type, "name"), -1);

      if (g_strcmp0 (ccm_json_string (type, "seat_type_id"), seat_type) == 0 ||
          g_str_equal (name, folded))
        return type;
    }

  ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "seat_type",
                        _("The conference “%s” has no seat type “%s”."),
                        ccm_json_string (conference, "slug"), seat_type);
  return NULL;
}

/* Printing an order */

static char *
registrant_text (JsonObject *registrant)
{
  const char *first, *last, *email;

  if (registrant == NULL || (email = ccm_json_string (registrant, "email")) == NULL)
    return g_strdup (_("none yet"));
  first = ccm_json_string (registrant, "first_name");
  last = ccm_json_string (registrant, "last_name");
  return g_strdup_printf ("%s %s <%s>", first != NULL ? first : "", last != NULL ? last : "",
                          email);
}

static JsonObject *
member_object (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static char *
order_total_text (JsonObject *order)
{
  return ccm_money_format (ccm_json_int (order, "total", 0), ccm_json_string (order, "currency"),
                           CCM_MONEY_PLAIN);
}

/* "1 of 3 seats" per line where the reservation came back short. */
static char *
shortfall_text (JsonObject *order)
{
  JsonArray *lines = member_array (order, "lines");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      gint64 quantity = ccm_json_int (line, "quantity", 0);
      gint64 requested = ccm_json_int (line, "requested", quantity);

      if (quantity < requested)
        g_string_append_printf (text, "%s%s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                text->len > 0 ? ", " : "", ccm_json_string (line, "name"),
                                quantity, requested);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_order (JsonObject *order)
{
  g_autoptr(CcmCliTable) table = ccm_cli_table_new (2);
  g_autofree char *total = order_total_text (order);
  g_autofree char *registrant = registrant_text (member_object (order, "registrant"));
  const char *currency = ccm_json_string (order, "currency");
  const char *status = ccm_json_string (order, "status");
  JsonArray *lines = member_array (order, "lines");
  JsonArray *attendees = member_array (order, "attendees");
  JsonArray *payments = member_array (order, "payments");
  JsonArray *refunds = member_array (order, "refunds");

  g_print (_("Order %s of %s\n"), ccm_json_string (order, "access_code"),
           ccm_json_string (order, "conference"));
  ccm_cli_table_add_row (table, _("State"), ccm_cli_order_status_label (status), NULL);
  ccm_cli_table_add_row (table, _("Total"), total, NULL);
  ccm_cli_table_add_row (table, _("Registrant"), registrant, NULL);
  ccm_cli_table_add_row (table, _("Placed"), nonnull (ccm_json_string (order, "placed_at")), NULL);
  if (g_strcmp0 (status, "reserved") == 0 || g_strcmp0 (status, "partially-reserved") == 0 ||
      g_strcmp0 (status, "pending") == 0)
    ccm_cli_table_add_row (table, _("Expires"), nonnull (ccm_json_string (order, "expires_at")), NULL);
  ccm_cli_table_add_row (table, _("Order id"), ccm_json_string (order, "order_id"), NULL);
  ccm_cli_table_print (table, 2);

  if (lines != NULL && json_array_get_length (lines) > 0)
    {
      g_autoptr(CcmCliTable) t = ccm_cli_table_new (5);

      g_print ("\n%s\n", _("Seats"));
      ccm_cli_table_set_header (t, _("SEAT TYPE"), _("SEATS"), _("ASKED"), _("PRICE"),
                                _("LINE TOTAL"), NULL);
      for (guint c = 1; c < 5; c++)
        ccm_cli_table_align_right (t, c);
      for (guint i = 0; i < json_array_get_length (lines); i++)
        {
          JsonObject *l = json_array_get_object_element (lines, i);
          g_autofree char *quantity = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                       ccm_json_int (l, "quantity", 0));
          g_autofree char *requested = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                        ccm_json_int (l, "requested",
                                                                      ccm_json_int (l, "quantity", 0)));
          g_autofree char *unit = ccm_money_format (ccm_json_int (l, "unit_price", 0), NULL,
                                                    CCM_MONEY_PLAIN);
          g_autofree char *line_total = ccm_money_format (ccm_json_int (l, "line_total", 0),
                                                          currency, CCM_MONEY_PLAIN);

          ccm_cli_table_add_row (t, ccm_json_string (l, "name"), quantity, requested, unit,
                                 line_total, NULL);
        }
      ccm_cli_table_print (t, 2);
    }

  if (attendees != NULL && json_array_get_length (attendees) > 0)
    {
      g_autoptr(CcmCliTable) t = ccm_cli_table_new (6);

      g_print ("\n%s\n", _("Attendees"));
      ccm_cli_table_set_header (t, _("POS"), _("SEAT TYPE"), _("TICKET"), _("NAME"),
                                _("E-MAIL"), _("CHECKED IN"), NULL);
      ccm_cli_table_align_right (t, 0);
      for (guint i = 0; i < json_array_get_length (attendees); i++)
        {
          JsonObject *a = json_array_get_object_element (attendees, i);
          g_autofree char *position = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                       ccm_json_int (a, "position", 0));
          g_autofree char *name = g_strdup_printf ("%s %s",
                                                   nonnull (ccm_json_string (a, "first_name")),
                                                   nonnull (ccm_json_string (a, "last_name")));

          ccm_cli_table_add_row (t, position, nonnull (ccm_json_string (a, "seat_type")),
                                 nonnull (ccm_json_string (a, "ticket_code")),
                                 g_strstrip (name),
                                 ccm_json_string (a, "email") != NULL ? ccm_json_string (a, "email") : _("(unassigned)"),
                                 ccm_json_bool (a, "admitted") ? _("yes") : _("no"), NULL);
        }
      ccm_cli_table_print (t, 2);
    }

  if (payments != NULL && json_array_get_length (payments) > 0)
    {
      g_autoptr(CcmCliTable) t = ccm_cli_table_new (3);

      g_print ("\n%s\n", _("Payments"));
      ccm_cli_table_set_header (t, _("METHOD"), _("AMOUNT"), _("STATE"), NULL);
      ccm_cli_table_align_right (t, 1);
      for (guint i = 0; i < json_array_get_length (payments); i++)
        {
          JsonObject *p = json_array_get_object_element (payments, i);
          g_autofree char *amount = ccm_money_format (ccm_json_int (p, "amount", 0), currency,
                                                      CCM_MONEY_PLAIN);

          ccm_cli_table_add_row (t, nonnull (ccm_json_string (p, "method")), amount,
                                 nonnull (ccm_json_string (p, "status")), NULL);
        }
      ccm_cli_table_print (t, 2);
    }

  if (refunds != NULL && json_array_get_length (refunds) > 0)
    {
      g_autoptr(CcmCliTable) t = ccm_cli_table_new (2);

      g_print ("\n%s\n", _("Refunds due"));
      ccm_cli_table_set_header (t, _("AMOUNT"), _("REASON"), NULL);
      ccm_cli_table_align_right (t, 0);
      for (guint i = 0; i < json_array_get_length (refunds); i++)
        {
          JsonObject *r = json_array_get_object_element (refunds, i);
          g_autofree char *amount = ccm_money_format (ccm_json_int (r, "amount", 0), currency,
                                                      CCM_MONEY_PLAIN);

          ccm_cli_table_add_row (t, amount, nonnull (ccm_json_string (r, "reason")), NULL);
        }
      ccm_cli_table_print (t, 2);
    }
}

/* What a write command on an order prints: with --json the outcome and the
 * order as it now is; otherwise the sentence made from the order. */
typedef char *(*SentenceFunc) (JsonObject *order,
                               gpointer    data);

static int
report_order (CcmCli       *cli,
              CcmOutcome   *outcome,
              const char   *order_id,
              SentenceFunc  sentence_func,
              gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = NULL;
  CcmStore *store;

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (order = ccm_order_views_get (store, NULL, order_id, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    {
      g_autoptr(JsonObject) o = ccm_outcome_to_json (outcome);

      json_object_set_object_member (o, "order", g_steal_pointer (&order));
      ccm_cli_print_json_object (o);
    }
  else
    {
      g_autofree char *sentence = sentence_func (order, data);

      g_print ("%s\n", sentence);
    }
  return CCM_CLI_EXIT_OK;
}

/* "reserved, total 249.00 USD, expires …" and what to do next. */
static char *
state_text (JsonObject *order)
{
  const char *status = ccm_json_string (order, "status");
  g_autofree char *total = order_total_text (order);

  if (g_strcmp0 (status, "reserved") == 0)
    return g_strdup_printf (_("reserved, total %s, to be paid before %s"), total,
                            ccm_json_string (order, "expires_at"));
  if (g_strcmp0 (status, "partially-reserved") == 0 && ccm_json_bool (order, "partial_accepted"))
    {
      g_autofree char *short_text = shortfall_text (order);

      return g_strdup_printf (_("partially reserved and accepted (%s), total %s, to be paid "
                                "before %s"), short_text, total,
                              ccm_json_string (order, "expires_at"));
    }
  if (g_strcmp0 (status, "partially-reserved") == 0)
    {
      g_autofree char *short_text = shortfall_text (order);

      return g_strdup_printf (_("partially reserved (only %s could be reserved), total %s, "
                                "to be accepted or changed and paid before %s"),
                              short_text, total, ccm_json_string (order, "expires_at"));
    }
  return g_strdup_printf (_("%s, total %s"), ccm_cli_order_status_label (status), total);
}

static char *
placed_sentence (JsonObject *order,
                 gpointer    data)
{
  g_autofree char *state = state_text (order);

  return g_strdup_printf (_("Placed order %s with access code %s: %s."),
                          ccm_json_string (order, "order_id"),
                          ccm_json_string (order, "access_code"), state);
}

typedef enum
{
  CHANGE_SEATS,
  CHANGE_SEATS_NONE,
  CHANGE_REGISTRANT,
  CHANGE_REGISTRANT_NONE,
  CHANGE_ACCEPTED,
  CHANGE_CANCELLED,
  CHANGE_CANCELLED_NONE,
} Change;

static char *
changed_sentence (JsonObject *order,
                  gpointer    data)
{
  g_autofree char *state = state_text (order);
  const char *code = ccm_json_string (order, "access_code");

  switch ((Change) GPOINTER_TO_INT (data))
    {
    case CHANGE_SEATS:
      return g_strdup_printf (_("Changed the seats of order %s: %s."), code, state);
    case CHANGE_SEATS_NONE:
      return g_strdup_printf (_("Order %s already asked for these seats: %s."), code, state);
    case CHANGE_REGISTRANT:
      return g_strdup_printf (_("Set the registrant of order %s: %s."), code, state);
    case CHANGE_REGISTRANT_NONE:
      return g_strdup_printf (_("Order %s already had this registrant: %s."), code, state);
    case CHANGE_ACCEPTED:
      return g_strdup_printf (_("Accepted the partial reservation of order %s: %s."), code,
                              state);
    case CHANGE_CANCELLED:
      return g_strdup_printf (_("Cancelled order %s; its seats are back on sale."), code);
    case CHANGE_CANCELLED_NONE:
      return g_strdup_printf (_("Order %s was already cancelled."), code);
    default:
      g_assert_not_reached ();
    }
}

static const GOptionEntry *
registrant_entries (char **first_name,
                    char **last_name,
                    char **email)
{
  static GOptionEntry entries[4];

  entries[0] = (GOptionEntry) { "first-name", 0, 0, G_OPTION_ARG_STRING, first_name,
                                N_("The registrant’s first name"), N_("TEXT") };
  entries[1] = (GOptionEntry) { "last-name", 0, 0, G_OPTION_ARG_STRING, last_name,
                                N_("The registrant’s last name"), N_("TEXT") };
  entries[2] = (GOptionEntry) { "email", 0, 0, G_OPTION_ARG_STRING, email,
                                N_("The registrant’s e-mail address"), N_("ADDRESS") };
  entries[3] = (GOptionEntry) G_OPTION_ENTRY_NULL;
  return entries;
}

static void
registrant_to_args (JsonObject *args,
                    const char *first_name,
                    const char *last_name,
                    const char *email)
{
  if (first_name != NULL)
    json_object_set_string_member (args, "first_name", first_name);
  if (last_name != NULL)
    json_object_set_string_member (args, "last_name", last_name);
  if (email != NULL)
    json_object_set_string_member (args, "email", email);
}

/* A desk sells from its own running allotment when it has one for a seat
 * type of the order: those seats are guaranteed even offline (DESIGN §5.2). */
static gboolean
use_own_allotment (CcmCli      *cli,
                   const char  *slug,
                   JsonObject  *args,
                   GError     **error)
{
  CcmStore *store = ccm_cli_get_store (cli, error);
  g_autoptr(JsonObject) conference = NULL;
  JsonArray *seats = json_object_get_array_member (args, "seats");
  JsonArray *seat_types;

  if (store == NULL)
    return FALSE;
  conference = ccm_conference_views_get (store, slug, NULL);
  if (conference == NULL)
    return TRUE;   /* the decider names the unknown conference */
  seat_types = json_object_get_array_member (conference, "seat_types");

  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      const char *wanted = ccm_json_string (json_array_get_object_element (seats, i), "seat_type");
      g_autofree char *folded = g_utf8_casefold (wanted, -1);

      for (guint j = 0; j < json_array_get_length (seat_types); j++)
        {
          JsonObject *seat_type = json_array_get_object_element (seat_types, j);
          const char *id = ccm_json_string (seat_type, "seat_type_id");
          g_autofree char *name = g_utf8_casefold (ccm_json_string (seat_type, "name"), -1);
          g_autoptr(JsonObject) allotment = NULL;

          if (g_strcmp0 (id, wanted) != 0 && g_strcmp0 (name, folded) != 0)
            continue;
          allotment = ccm_allotment_views_find_usable (store, slug, ccm_store_get_device_id (store),
                                                       id, ccm_clock_now (ccm_store_get_clock (store)),
                                                       NULL);
          if (allotment != NULL)
            {
              json_object_set_string_member (args, "allotment_id",
                                             ccm_json_string (allotment, "allotment_id"));
              return TRUE;
            }
        }
    }
  return TRUE;
}

static int
order_place (CcmCli  *cli,
             int      argc,
             char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(JsonArray) seats = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *last_name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *access_code = NULL;
  g_autofree char *allotment = NULL;
  GOptionEntry entries[5];
  int status;

  entries[0] = (GOptionEntry) { "allotment", 0, 0, G_OPTION_ARG_STRING, &allotment,
                                N_("Sell from this allotment (default: this desk’s own, if any)"),
                                N_("ID") };
  memcpy (entries + 1, registrant_entries (&first_name, &last_name, &email), 4 * sizeof (GOptionEntry));
  if (!ccm_cli_parse (cli, entries, 2, G_MAXUINT, &argc, &argv, &status))
    return status;

  if ((seats = ccm_cli_parse_seats (argc - 2, argv + 2, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  /* Ids and codes are made here, so a server re-running the command decides
   * the same (DESIGN §5.1). */
  order_id = ccm_cli_new_id (cli);
  access_code = ccm_access_code_new ();
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "conference", argv[1]);
  json_object_set_string_member (args, "access_code", access_code);
  json_object_set_array_member (args, "ticket_codes", ccm_ticket_codes_new (seats_total (seats)));
  json_object_set_array_member (args, "seats", g_steal_pointer (&seats));
  registrant_to_args (args, first_name, last_name, email);

  if (allotment != NULL)
    json_object_set_string_member (args, "allotment_id", allotment);
  else if (!use_own_allotment (cli, argv[1], args, &error))
    return ccm_cli_fail (cli, error);

  outcome = ccm_cli_execute (cli, "PlaceOrder", g_steal_pointer (&args), &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);
  return report_order (cli, outcome, order_id, placed_sentence, NULL);
}

static int
order_update (CcmCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) seats = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *order_id = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The conference of the access code"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 2, G_MAXUINT, &argc, &argv, &status))
    return status;

  if ((seats = ccm_cli_parse_seats (argc - 2, argv + 2, &error)) == NULL ||
      (order_id = ccm_cli_resolve_order (cli, slug, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  /* The order's ticket codes cover the seats it asked for so far; more
   * seats need more codes, which only this side may make. */
  for (guint attempt = 0; outcome == NULL; attempt++)
    {
      JsonObject *args = json_object_new ();

      json_object_set_string_member (args, "order_id", order_id);
      json_object_set_array_member (args, "seats", json_array_ref (seats));
      if (attempt > 0)
        json_object_set_array_member (args, "ticket_codes",
                                      ccm_ticket_codes_new (seats_total (seats)));
      g_clear_error (&error);
      outcome = ccm_cli_execute (cli, "UpdateSeats", args, &error);
      if (outcome == NULL &&
          (attempt > 0 || !g_error_matches (error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_INVALID) ||
           g_strcmp0 (ccm_domain_error_get_field (error), "ticket_codes") != 0))
        return ccm_cli_fail (cli, error);
    }

  return report_order (cli, outcome, order_id, changed_sentence,
                       GINT_TO_POINTER (outcome->n_events > 0 ? CHANGE_SEATS : CHANGE_SEATS_NONE));
}

static int
order_registrant (CcmCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *last_name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *order_id = NULL;
  JsonObject *args;
  int status;
  const GOptionEntry *person = registrant_entries (&first_name, &last_name, &email);
  GOptionEntry entries[5];

  entries[0] = person[0];
  entries[1] = person[1];
  entries[2] = person[2];
  entries[3] = (GOptionEntry) { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
                                N_("The conference of the access code"), N_("SLUG") };
  entries[4] = (GOptionEntry) G_OPTION_ENTRY_NULL;

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;

  if (first_name == NULL || last_name == NULL || email == NULL)
    {
      ccm_cli_set_usage_error (&error, _("The option --%s is required"),
                               first_name == NULL ? "first-name"
                               : last_name == NULL ? "last-name" : "email");
      return ccm_cli_fail (cli, error);
    }
  if ((order_id = ccm_cli_resolve_order (cli, slug, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  args = json_object_new ();
  json_object_set_string_member (args, "order_id", order_id);
  registrant_to_args (args, first_name, last_name, email);
  outcome = ccm_cli_execute (cli, "AssignRegistrantDetails", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  return report_order (cli, outcome, order_id, changed_sentence,
                       GINT_TO_POINTER (outcome->n_events > 0 ? CHANGE_REGISTRANT
                                                              : CHANGE_REGISTRANT_NONE));
}

static int
order_accept (CcmCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *order_id = NULL;
  JsonObject *args;
  int status;
  const GOptionEntry entries[] = {
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The conference of the access code"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  if ((order_id = ccm_cli_resolve_order (cli, slug, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  args = json_object_new ();
  json_object_set_string_member (args, "order_id", order_id);
  outcome = ccm_cli_execute (cli, "AcceptPartialReservation", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  return report_order (cli, outcome, order_id, changed_sentence,
                       GINT_TO_POINTER (CHANGE_ACCEPTED));
}

typedef struct
{
  const char *method;
  gint64      amount;
  gboolean    rejected;
  gboolean    was_expired;
} PayReport;

static char *
paid_sentence (JsonObject *order,
               gpointer    data)
{
  PayReport *pay = data;
  const char *status = ccm_json_string (order, "status");
  const char *currency = ccm_json_string (order, "currency");
  g_autofree char *amount = ccm_money_format (pay->amount, currency, CCM_MONEY_PLAIN);
  g_autofree char *state = state_text (order);
  g_autofree char *total = order_total_text (order);
  g_autoptr(GString) text = g_string_new (NULL);

  if (pay->rejected)
    {
      g_string_printf (text, _("The %s payment of %s for order %s was declined; the order "
                               "is %s."), pay->method, amount,
                       ccm_json_string (order, "access_code"), state);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  g_string_printf (text, _("Recorded a %s payment of %s for order %s: %s."), pay->method,
                   amount, ccm_json_string (order, "access_code"), state);
  if (pay->was_expired && g_strcmp0 (status, "confirmed") == 0)
    g_string_append_printf (text, " %s", _("The order had expired; its seats were still free "
                                           "and it is confirmed."));
  else if (pay->was_expired)
    g_string_append_printf (text, " %s", _("The order had expired and its seats are gone; a "
                                           "refund is due (see “contoso attention list”)."));
  else if (g_strcmp0 (status, "confirmed") == 0 &&
           pay->amount != ccm_json_int (order, "total", 0))
    g_string_append_printf (text, _(" The amount differs from the total %s; see “contoso "
                                    "attention list”."), total);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static JsonObject *
payment_args (const char *payment_id)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "payment_id", payment_id);
  return args;
}

static int
order_pay (CcmCli  *cli,
           int      argc,
           char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) initiated = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *method = NULL;
  g_autofree char *amount_text = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *order_id = NULL;
  g_autofree char *payment_id = NULL;
  gboolean reject = FALSE;
  PayReport report = { NULL, };
  JsonObject *args;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &method,
      N_("How it was paid: cash, card, invoice or processor (required)"), N_("METHOD") },
    { "amount", 0, 0, G_OPTION_ARG_STRING, &amount_text,
      N_("The amount paid, e.g. 199.00 (default: the order’s total)"), N_("AMOUNT") },
    { "reject", 0, 0, G_OPTION_ARG_NONE, &reject,
      N_("The card terminal or the processor declined the payment"), NULL },
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The conference of the access code"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;

  if (method == NULL)
    {
      ccm_cli_set_usage_error (&error, _("The option --method is required (cash, card, "
                                         "invoice or processor)"));
      return ccm_cli_fail (cli, error);
    }
  if (reject && g_strv_contains (payment_methods, method) &&
      !g_str_equal (method, "card") && !g_str_equal (method, "processor"))
    {
      ccm_cli_set_usage_error (&error, _("Only a card or processor payment can be declined; "
                                         "--reject needs --method card or processor"));
      return ccm_cli_fail (cli, error);
    }
  if (amount_text != NULL &&
      !ccm_cli_parse_amount ("amount", amount_text, &report.amount, &error))
    return ccm_cli_fail (cli, error);

  if ((order_id = ccm_cli_resolve_order (cli, slug, argv[1], &error)) == NULL ||
      (store = ccm_cli_get_store (cli, &error)) == NULL ||
      (order = ccm_order_views_get (store, NULL, order_id, &error)) == NULL)
    return ccm_cli_fail (cli, error);
  if (amount_text == NULL)
    report.amount = ccm_json_int (order, "total", 0);
  report.method = method;
  report.rejected = reject;
  report.was_expired = g_strcmp0 (ccm_json_string (order, "status"), "expired") == 0;

  /* Initiating and settling are one step here: both or neither. */
  payment_id = ccm_cli_new_id (cli);
  if (!ccm_store_begin (store, &error))
    return ccm_cli_fail (cli, error);

  args = payment_args (payment_id);
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "method", method);
  json_object_set_int_member (args, "amount", report.amount);
  initiated = ccm_cli_execute (cli, "InitiatePayment", args, &error);
  if (initiated != NULL)
    outcome = ccm_cli_execute (cli, reject ? "RejectPayment" : "CompletePayment",
                               payment_args (payment_id), &error);
  if (outcome == NULL)
    {
      ccm_store_rollback (store);
      return ccm_cli_fail (cli, error);
    }
  if (!ccm_store_commit (store, &error) ||
      !ccm_store_dispatch_outbox (store, &error))
    return ccm_cli_fail (cli, error);

  return report_order (cli, outcome, order_id, paid_sentence, &report);
}

static char *
cancelled_sentence (JsonObject *order,
                    gpointer    data)
{
  JsonArray *refunds = member_array (order, "refunds");
  g_autofree char *first = changed_sentence (order, data);
  g_autoptr(GString) text = g_string_new (first);
  gint64 refund = 0;

  for (guint i = 0; refunds != NULL && i < json_array_get_length (refunds); i++)
    refund += ccm_json_int (json_array_get_object_element (refunds, i), "amount", 0);
  if (refund > 0)
    {
      g_autofree char *amount = ccm_money_format (refund, ccm_json_string (order, "currency"),
                                                  CCM_MONEY_PLAIN);

      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("A refund of %s is due; it is on the attention list."),
                              amount);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
order_cancel (CcmCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *order_id = NULL;
  JsonObject *args;
  int status;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the order is cancelled"),
      N_("TEXT") },
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The conference of the access code"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  if ((order_id = ccm_cli_resolve_order (cli, slug, argv[1], &error)) == NULL)
    return ccm_cli_fail (cli, error);

  args = json_object_new ();
  json_object_set_string_member (args, "order_id", order_id);
  if (reason != NULL)
    json_object_set_string_member (args, "reason", reason);
  outcome = ccm_cli_execute (cli, "CancelOrder", args, &error);
  if (outcome == NULL)
    return ccm_cli_fail (cli, error);

  return report_order (cli, outcome, order_id, cancelled_sentence,
                       GINT_TO_POINTER (outcome->n_events > 0 ? CHANGE_CANCELLED
                                                              : CHANGE_CANCELLED_NONE));
}

static int
order_show (CcmCli  *cli,
            int      argc,
            char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *order_id = NULL;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The conference of the access code"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;

  if ((order_id = ccm_cli_resolve_order (cli, slug, argv[1], &error)) == NULL ||
      (store = ccm_cli_get_store (cli, &error)) == NULL ||
      (order = ccm_order_views_get (store, NULL, order_id, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  if (cli->json)
    ccm_cli_print_json_object (order);
  else
    print_order (order);
  return CCM_CLI_EXIT_OK;
}

/* Lists of orders, from "order find" and "order list". */
static void
print_order_list (JsonArray *orders,
                  gboolean   with_conference)
{
  /* The conference column only where orders of several may show. */
  guint shift = with_conference ? 1 : 0;
  g_autoptr(CcmCliTable) table = ccm_cli_table_new (7 + shift);

  if (with_conference)
    ccm_cli_table_set_header (table, _("CODE"), _("CONFERENCE"), _("STATE"), _("TOTAL"),
                              _("REGISTRANT"), _("SEATS"), _("ASSIGNED"), _("PLACED"), NULL);
  else
    ccm_cli_table_set_header (table, _("CODE"), _("STATE"), _("TOTAL"), _("REGISTRANT"),
                              _("SEATS"), _("ASSIGNED"), _("PLACED"), NULL);
  ccm_cli_table_align_right (table, 2 + shift);
  ccm_cli_table_align_right (table, 4 + shift);
  ccm_cli_table_align_right (table, 5 + shift);
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *o = json_array_get_object_element (orders, i);
      g_autofree char *total = order_total_text (o);
      g_autofree char *seats = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (o, "seats", 0));
      g_autofree char *assigned = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                   ccm_json_int (o, "attendees", 0));
      JsonNode *registrant_node = json_object_get_member (o, "registrant");
      g_autofree char *registrant = NULL;

      if (registrant_node != NULL && JSON_NODE_HOLDS_OBJECT (registrant_node))
        registrant = registrant_text (json_node_get_object (registrant_node));
      else
        {
          const char *name = registrant_node != NULL && JSON_NODE_HOLDS_VALUE (registrant_node)
                             ? json_node_get_string (registrant_node) : NULL;
          const char *email = ccm_json_string (o, "email");

          if (email != NULL)
            registrant = g_strdup_printf ("%s <%s>", name != NULL ? name : "", email);
          else
            registrant = g_strdup (name != NULL ? name : "");
        }

      g_strstrip (registrant);
      if (with_conference)
        ccm_cli_table_add_row (table, nonnull (ccm_json_string (o, "access_code")),
                               nonnull (ccm_json_string (o, "conference")),
                               ccm_cli_order_status_label (ccm_json_string (o, "status")),
                               total, registrant, seats, assigned,
                               nonnull (ccm_json_string (o, "placed_at")), NULL);
      else
        ccm_cli_table_add_row (table, nonnull (ccm_json_string (o, "access_code")),
                               ccm_cli_order_status_label (ccm_json_string (o, "status")),
                               total, registrant, seats, assigned,
                               nonnull (ccm_json_string (o, "placed_at")), NULL);
    }
  ccm_cli_table_print (table, 0);
}

static int
print_orders (CcmCli    *cli,
              JsonArray *orders,
              gboolean   with_conference,
              const char *empty)
{
  if (cli->json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), orders);

      ccm_cli_print_json (node);
      return CCM_CLI_EXIT_OK;
    }
  if (json_array_get_length (orders) == 0)
    g_print ("%s\n", empty);
  else
    print_order_list (orders, with_conference);
  return CCM_CLI_EXIT_OK;
}

static int
order_find (CcmCli  *cli,
            int      argc,
            char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) orders = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *email = NULL;
  g_autofree char *code = NULL;
  g_autofree char *upper = NULL;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email,
      N_("The registrant’s e-mail address (any case)"), N_("ADDRESS") },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, N_("The order’s access code"), N_("CODE") },
    { "conference", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("Only in this conference (default: all)"), N_("SLUG") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 0, 0, &argc, &argv, &status))
    return status;
  if (email == NULL && code == NULL)
    {
      ccm_cli_set_usage_error (&error, _("Give --email or --code to find orders by"));
      return ccm_cli_fail (cli, error);
    }
  if (code != NULL)
    upper = g_ascii_strup (code, -1);

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      (slug != NULL && !ccm_cli_check_conference (cli, slug, &error)) ||
      (orders = ccm_order_views_find (store, slug, email, upper, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  return print_orders (cli, orders, TRUE, _("No order matches."));
}

static int
order_list (CcmCli  *cli,
            int      argc,
            char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) orders = NULL;
  g_autofree char *state = NULL;
  g_autofree char *limit_text = NULL;
  gint64 limit = DEFAULT_LIST_LIMIT;
  CcmStore *store;
  int status;
  const GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state,
      N_("Only orders in this state: pending, reserved, partially-reserved, confirmed, "
         "expired or cancelled"), N_("STATE") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      N_("Print at most N orders, newest first (default 100; 0 for all)"), N_("N") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 1, 1, &argc, &argv, &status))
    return status;
  if (state != NULL && !g_strv_contains (order_statuses, state))
    {
      ccm_cli_set_usage_error (&error, _("The value “%s” of --state is not one of pending, "
                                         "reserved, partially-reserved, confirmed, expired "
                                         "or cancelled"), state);
      return ccm_cli_fail (cli, error);
    }
  if (limit_text != NULL &&
      !ccm_cli_parse_int ("limit", limit_text, 0, G_MAXINT32, &limit, &error))
    return ccm_cli_fail (cli, error);

  if ((store = ccm_cli_get_store (cli, &error)) == NULL ||
      !ccm_cli_check_conference (cli, argv[1], &error) ||
      (orders = ccm_order_views_list (store, argv[1], state, 0,
                                      limit > 0 ? (guint) limit : G_MAXINT32, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  return print_orders (cli, orders, FALSE, _("No orders."));
}

const CcmCliVerb ccm_cli_order_verbs[] = {
  { "place", N_("Place an order for seats of a published conference"),
    N_("SLUG TYPE=QTY…"),
    N_("Each TYPE=QTY asks for QTY seats of the seat type TYPE, named by its name (any case; "
       "quote names with spaces: \"Full pass=2\") or its id. The seats are reserved at once "
       "and held for the conference’s reservation window; the order id and access code are "
       "printed."),
    order_place, NULL },
  { "update", N_("Change the seats an order asks for, before it is confirmed"),
    N_("ORDER TYPE=QTY…"),
    N_("ORDER is the order id or its access code. The order is reserved again for the new "
       "seats and re-priced."),
    order_update, NULL },
  { "registrant", N_("Set the name and e-mail address of the person who orders"),
    N_("ORDER"), N_("--first-name, --last-name and --email are required."),
    order_registrant, NULL },
  { "accept", N_("Accept a partial reservation as it is"), N_("ORDER"), NULL,
    order_accept, NULL },
  { "pay", N_("Record a payment for an order"), N_("ORDER"),
    N_("The payment is initiated and settled in one step: completed, or declined with "
       "--reject (card or processor). A completed payment confirms a reserved order and "
       "creates its tickets. An amount other than the total is recorded and goes to the "
       "attention list."),
    order_pay, NULL },
  { "cancel", N_("Cancel an order: its seats go back on sale, a paid one gets a refund due"),
    N_("ORDER"), NULL, order_cancel, NULL },
  { "show", N_("Show an order: state, seats, total, attendees, payments"), N_("ORDER"),
    N_("ORDER is the order id or its access code; --conference picks the conference when "
       "the code is used in several."),
    order_show, NULL },
  { "find", N_("Find orders by the registrant’s e-mail address or the access code"), NULL,
    NULL, order_find, NULL },
  { "list", N_("List a conference’s orders, newest first"), N_("SLUG"), NULL,
    order_list, NULL },
  { NULL }
};
