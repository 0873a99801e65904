/* ccm-cli-demo.c — `contoso demo`: a realistic conference to look at
 *
 * The demo issues the same commands a desk would, through the same command
 * path, so every read model, timer and process manager is exercised for
 * real: expired orders are expired by their own timers, refunds come from
 * cancellations, flags from odd admissions.
 *
 * Time: the demo runs on a fixed clock of its own. It starts
 * DEMO_SALES_DAYS before "now" (CONTOSO_NOW, or the real time), walks
 * forward through the sales, the conference day's check-ins and the last
 * minutes' open orders, running due timers as it goes, and ends at "now".
 *
 * Determinism: every choice, id and code comes from a GRand seeded with
 * --seed, and every time from the clock, so the same seed with the same
 * CONTOSO_NOW fills the read models identically.
 *
 * Speed: commands run in batches inside one outer transaction (the store
 * nests them as savepoints), so a hundred thousand orders do not pay for a
 * hundred thousand fsyncs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-cli"

#include <string.h>

#include "ccm-assignments.h"
#include "ccm-cli-private.h"
#include "ccm-conference.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-order-views.h"

#define MINUTE_US (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define HOUR_US (60 * MINUTE_US)
#define DAY_US (24 * HOUR_US)

#define DEMO_DEFAULT_ORDERS 300
#define DEMO_DEFAULT_SLUG "contoso-demo"
#define DEMO_MAX_ORDERS 1000000
#define DEMO_SALES_DAYS 30
/* Commands per transaction. */
#define DEMO_BATCH 2000
/* The reservation window the demo conference keeps (the default). */
#define DEMO_WINDOW_MIN CCM_DEFAULT_RESERVATION_MIN

static const struct
{
  const char *name;
  const char *description;
  gint64      price;     /* cents */
  double      weight;    /* share of the seats asked for */
  double      supply;    /* quota over the expected demand: < 1 sells out */
} demo_seat_types[] = {
  { "Early bird", "Full conference access at the early price, while it lasts", 34900, 0.20, 0.45 },
  { "Full pass", "Three days of talks, lunch and the evening party", 49900, 0.38, 1.40 },
  { "Student", "Full access for students with a valid card", 9900, 0.12, 0.85 },
  { "Workshop day", "One hands-on workshop on the first day", 19900, 0.15, 1.20 },
  { "Virtual pass", "Live stream and recordings", 0, 0.10, 2.00 },
  { "Speaker dinner", "Dinner with the speakers on the second evening", 7500, 0.05, 0.70 },
};

#define N_TYPES G_N_ELEMENTS (demo_seat_types)

static const char *const first_names[] = {
  "José", "Zoë", "François", "Anaïs", "Björn", "Søren", "Łukasz", "Núria", "Chloé", "Mónica",
  "Jürgen", "Håkon", "Siobhán", "Renée", "Ángel", "Çağla", "Ødegard", "Thảo", "Noémie", "Raúl",
  "Maëlle", "Øystein", "Dvořák", "Inés", "Göran", "Aoife", "Émile", "Kateřina", "Zoltán", "Élodie",
  "Anna", "James", "Maria", "David", "Sarah", "Michael", "Laura", "Daniel", "Emma", "Thomas",
  "Olivia", "Lucas", "Sofia", "Jan", "Eva", "Peter", "Lena", "Marco", "Yuki", "Priya",
};

static const char *const last_names[] = {
  "García", "Müller", "Lefèvre", "Ødegaard", "Nguyễn", "O’Brien", "Kowalczyk", "Brontë",
  "Sánchez", "Žižek", "Šimůnek", "Björklund", "Fernández", "Løkke", "Dupré", "Gonçalves",
  "Öztürk", "Nowák", "Håland", "Ní Bhriain", "Smith", "Johnson", "Novak", "Rossi", "Schmidt",
  "Jansen", "Kim", "Tanaka", "Silva", "Martin", "Bernard", "Horváth", "Dubois", "Fischer",
  "Weber", "Costa", "Andersen", "Virtanen", "Papadopoulos", "Kovačević",
};

static const char *const mail_domains[] = {
  "example.com", "example.org", "example.net", "mail.example.com", "uni.example.edu",
};

static const char *const methods[] = { "card", "card", "card", "invoice", "invoice", "cash",
                                       "processor", "processor" };

typedef struct
{
  char *first_name;
  char *last_name;
  char *email;
} Person;

typedef struct
{
  char   *order_id;
  gint64  pay_at;
} LatePayment;

typedef struct
{
  CcmCli     *cli;
  CcmStore   *store;
  CcmClock   *clock;
  GRand      *rand;
  const char *slug;
  char       *type_ids[N_TYPES];
  gint64      quotas[N_TYPES];
  gboolean    sold_out[N_TYPES];
  guint       n_commands;
  gint64      tick;               /* a "minute" within one order: a part of the gap between orders */
  GPtrArray  *tickets;            /* char*: assigned seats of confirmed orders */
  GPtrArray  *cancelled_tickets;  /* char*: seats of orders cancelled after confirmation */
  GQueue      late;               /* LatePayment*: unpaid orders to pay after expiry */
  guint       n_waitlisted;
  guint       n_admitted;
} Demo;

static void
person_clear (Person *p)
{
  g_free (p->first_name);
  g_free (p->last_name);
  g_free (p->email);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Person, person_clear)

static void
late_payment_free (LatePayment *late)
{
  g_free (late->order_id);
  g_free (late);
}

static void
demo_clear (Demo *d)
{
  for (guint i = 0; i < N_TYPES; i++)
    g_free (d->type_ids[i]);
  g_clear_pointer (&d->tickets, g_ptr_array_unref);
  g_clear_pointer (&d->cancelled_tickets, g_ptr_array_unref);
  g_queue_clear_full (&d->late, (GDestroyNotify) late_payment_free);
  g_clear_pointer (&d->rand, g_rand_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Demo, demo_clear)

/* Values from the seed */

static guint
pick (Demo  *d,
      guint  n)
{
  return (guint) g_rand_int_range (d->rand, 0, (gint32) n);
}

static gboolean
chance (Demo   *d,
        double  p)
{
  return g_rand_double (d->rand) < p;
}

/* A version 7 UUID like ccm_id_new's, its random bits from the seed. */
static char *
demo_id (Demo *d)
{
  guint64 ms = (guint64) (ccm_clock_now (d->clock) / 1000);
  guint8 b[16];

  for (guint i = 6; i < 16; i++)
    b[i] = (guint8) g_rand_int_range (d->rand, 0, 256);
  b[0] = (ms >> 40) & 0xff;
  b[1] = (ms >> 32) & 0xff;
  b[2] = (ms >> 24) & 0xff;
  b[3] = (ms >> 16) & 0xff;
  b[4] = (ms >> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | (b[6] & 0x0f);
  b[8] = 0x80 | (b[8] & 0x3f);
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static char *
demo_code (Demo  *d,
           guint  length)
{
  GString *code = g_string_sized_new (length);
  guint n = strlen (CCM_ACCESS_CODE_ALPHABET);

  while (code->len < length)
    g_string_append_c (code, CCM_ACCESS_CODE_ALPHABET[pick (d, n)]);
  return g_string_free (code, FALSE);
}

static JsonArray *
demo_ticket_codes (Demo  *d,
                   gint64 count)
{
  JsonArray *codes = json_array_new ();

  for (gint64 i = 0; i < count; i++)
    {
      g_autofree char *code = demo_code (d, CCM_TICKET_CODE_LENGTH);

      json_array_add_string_element (codes, code);
    }
  return codes;
}

/* "José" → "jose": what a person would type in an address. */
static char *
mail_part (const char *name)
{
  g_autofree char *ascii = g_str_to_ascii (name, "C");
  GString *part = g_string_new (NULL);

  for (const char *c = ascii; *c != '\0'; c++)
    if (g_ascii_isalnum (*c))
      g_string_append_c (part, g_ascii_tolower (*c));
  return g_string_free (part, FALSE);
}

static void
person_init (Demo   *d,
             Person *p)
{
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  p->first_name = g_strdup (first_names[pick (d, G_N_ELEMENTS (first_names))]);
  p->last_name = g_strdup (last_names[pick (d, G_N_ELEMENTS (last_names))]);
  first = mail_part (p->first_name);
  last = mail_part (p->last_name);
  if (chance (d, 0.3))
    p->email = g_strdup_printf ("%c%s%u@%s", first[0], last, pick (d, 100),
                                mail_domains[pick (d, G_N_ELEMENTS (mail_domains))]);
  else
    p->email = g_strdup_printf ("%s.%s@%s", first, last,
                                mail_domains[pick (d, G_N_ELEMENTS (mail_domains))]);
}

static void
set_person (JsonObject   *args,
            const Person *p)
{
  json_object_set_string_member (args, "first_name", p->first_name);
  json_object_set_string_member (args, "last_name", p->last_name);
  json_object_set_string_member (args, "email", p->email);
}

/* The command path */

static gboolean
demo_step (Demo    *d,
           GError **error)
{
  if (++d->n_commands % DEMO_BATCH != 0)
    return TRUE;
  return ccm_store_commit (d->store, error) && ccm_store_begin (d->store, error);
}

/* Takes args. The registration process has run when it returns. */
static CcmOutcome *
demo_run (Demo        *d,
          const char  *type,
          JsonObject  *args,
          GError     **error)
{
  CcmOutcome *outcome = ccm_cli_execute (d->cli, type, args, error);

  if (outcome == NULL || !demo_step (d, error))
    {
      g_clear_pointer (&outcome, ccm_outcome_free);
      return NULL;
    }
  return outcome;
}

/* For commands the demo expects to succeed. */
static gboolean
demo_do (Demo        *d,
         const char  *type,
         JsonObject  *args,
         GError     **error)
{
  g_autoptr(CcmOutcome) outcome = demo_run (d, type, args, error);

  return outcome != NULL;
}

static gboolean
demo_at (Demo    *d,
         gint64   time,
         GError **error)
{
  GError *timer_error = NULL;

  if (time > ccm_clock_now (d->clock))
    ccm_clock_set (d->clock, time);
  ccm_store_run_due_timers (d->store, &timer_error);
  if (timer_error != NULL)
    {
      g_propagate_error (error, timer_error);
      return FALSE;
    }
  return TRUE;
}

static void
demo_later (Demo   *d,
            gint64  delta)
{
  ccm_clock_advance (d->clock, delta);
}

static JsonObject *
order_args (const char *order_id)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "order_id", order_id);
  return args;
}

/* The conference */

static gboolean
create_conference (Demo     *d,
                   gint64    now,
                   guint     n_orders,
                   GError  **error)
{
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  g_autoptr(GDateTime) last_day = g_date_time_add_days (today, 2);
  g_autofree char *start = g_date_time_format (today, "%Y-%m-%d");
  g_autofree char *end = g_date_time_format (last_day, "%Y-%m-%d");
  g_autofree char *name = g_date_time_format (today, "Contoso DevCon %Y");
  g_autofree char *conference_id = demo_id (d);
  g_autofree char *access_code = demo_code (d, 8);
  JsonObject *args = json_object_new ();
  /* Seats asked per order, on average (see place_order). */
  const double seats_per_order = 1.6;

  json_object_set_string_member (args, "conference_id", conference_id);
  json_object_set_string_member (args, "slug", d->slug);
  json_object_set_string_member (args, "access_code", access_code);
  json_object_set_string_member (args, "name", name);
  json_object_set_string_member (args, "tagline", "Three days of software, people and café crème");
  json_object_set_string_member (args, "description",
                                 "Talks, workshops and a hallway track for people who build "
                                 "software. Demo data made by “contoso demo”.");
  json_object_set_string_member (args, "location", "Palais des Congrès, Montréal");
  json_object_set_string_member (args, "start_date", start);
  json_object_set_string_member (args, "end_date", end);
  json_object_set_string_member (args, "owner_name", "Renée Lefèvre");
  json_object_set_string_member (args, "owner_email", "renee.lefevre@example.com");
  json_object_set_string_member (args, "currency", "USD");
  if (!demo_do (d, "CreateConference", args, error))
    return FALSE;

  for (guint i = 0; i < N_TYPES; i++)
    {
      double demand = n_orders * seats_per_order * demo_seat_types[i].weight;

      d->type_ids[i] = demo_id (d);
      d->quotas[i] = CLAMP ((gint64) (demand * demo_seat_types[i].supply), 4,
                            CCM_SEAT_TYPE_MAX_QUOTA);
      args = json_object_new ();
      json_object_set_string_member (args, "slug", d->slug);
      json_object_set_string_member (args, "seat_type_id", d->type_ids[i]);
      json_object_set_string_member (args, "name", demo_seat_types[i].name);
      json_object_set_string_member (args, "description", demo_seat_types[i].description);
      json_object_set_int_member (args, "price", demo_seat_types[i].price);
      json_object_set_int_member (args, "quota", d->quotas[i]);
      if (!demo_do (d, "AddSeatType", args, error))
        return FALSE;
    }

  args = json_object_new ();
  json_object_set_string_member (args, "slug", d->slug);
  return demo_do (d, "PublishConference", args, error);
}

/* Orders */

static guint
pick_type (Demo *d)
{
  double r = g_rand_double (d->rand);

  for (guint i = 0; i < N_TYPES; i++)
    {
      if (r < demo_seat_types[i].weight)
        return i;
      r -= demo_seat_types[i].weight;
    }
  return 1;
}

static gint64
pick_quantity (Demo *d)
{
  double r = g_rand_double (d->rand);

  if (r < 0.65)
    return 1;
  if (r < 0.87)
    return 2;
  return 3 + pick (d, 3);
}

static JsonObject *
order_view (Demo        *d,
            const char  *order_id,
            GError     **error)
{
  return ccm_order_views_get (d->store, NULL, order_id, error);
}

static gint64
reserved_seats (JsonObject *order)
{
  JsonArray *lines = json_object_get_array_member (order, "lines");
  gint64 total = 0;

  for (guint i = 0; lines != NULL && i < json_array_get_length (lines); i++)
    total += ccm_json_int (json_array_get_object_element (lines, i), "quantity", 0);
  return total;
}

static gboolean
pay (Demo        *d,
     JsonObject  *order,
     gboolean     mismatch,
     GError     **error)
{
  const char *method = methods[pick (d, G_N_ELEMENTS (methods))];
  gint64 total = ccm_json_int (order, "total", 0);
  gint64 amount = total;
  g_autofree char *payment_id = NULL;
  JsonObject *args;

  if (total <= 0)
    return TRUE;

  /* Some processor payments are declined first, then paid by card. */
  if (g_str_equal (method, "processor") && chance (d, 0.15))
    {
      payment_id = demo_id (d);
      args = json_object_new ();
      json_object_set_string_member (args, "payment_id", payment_id);
      json_object_set_string_member (args, "order_id", ccm_json_string (order, "order_id"));
      json_object_set_string_member (args, "method", method);
      json_object_set_int_member (args, "amount", total);
      if (!demo_do (d, "InitiatePayment", args, error))
        return FALSE;
      args = json_object_new ();
      json_object_set_string_member (args, "payment_id", payment_id);
      json_object_set_string_member (args, "reason", "Card declined by the issuer");
      if (!demo_do (d, "RejectPayment", args, error))
        return FALSE;
      g_clear_pointer (&payment_id, g_free);
      method = "card";
      demo_later (d, d->tick);
    }

  /* Cash at the desk, counted wrong. */
  if (mismatch)
    {
      method = "cash";
      amount = total - 1000;
      if (amount <= 0)
        amount = total + 500;
    }

  payment_id = demo_id (d);
  args = json_object_new ();
  json_object_set_string_member (args, "payment_id", payment_id);
  json_object_set_string_member (args, "order_id", ccm_json_string (order, "order_id"));
  json_object_set_string_member (args, "method", method);
  json_object_set_int_member (args, "amount", amount);
  if (!demo_do (d, "InitiatePayment", args, error))
    return FALSE;
  args = json_object_new ();
  json_object_set_string_member (args, "payment_id", payment_id);
  if (g_str_equal (method, "card") || g_str_equal (method, "processor"))
    {
      g_autofree char *reference = demo_code (d, 10);

      json_object_set_string_member (args, "reference", reference);
    }
  return demo_do (d, "CompletePayment", args, error);
}

/* Position 0 to the registrant, most others to colleagues. */
static gboolean
assign_seats (Demo         *d,
              const char   *order_id,
              const Person *registrant,
              gboolean      keep_tickets,
              GError      **error)
{
  g_autoptr(JsonObject) order = order_view (d, order_id, error);
  JsonArray *attendees;

  if (order == NULL)
    return FALSE;
  attendees = json_object_get_array_member (order, "attendees");
  for (guint i = 0; attendees != NULL && i < json_array_get_length (attendees); i++)
    {
      JsonObject *a = json_array_get_object_element (attendees, i);
      g_auto(Person) colleague = { NULL, };
      JsonObject *args;

      if (i > 0 && !chance (d, 0.8))
        continue;
      if (i > 0)
        person_init (d, &colleague);

      args = order_args (order_id);
      json_object_set_int_member (args, "position", ccm_json_int (a, "position", i));
      set_person (args, i == 0 ? registrant : &colleague);
      if (!demo_do (d, "AssignSeat", args, error))
        return FALSE;
      if (keep_tickets)
        g_ptr_array_add (d->tickets, g_strdup (ccm_json_string (a, "ticket_code")));
      else
        g_ptr_array_add (d->cancelled_tickets, g_strdup (ccm_json_string (a, "ticket_code")));
    }
  return TRUE;
}

typedef enum
{
  FATE_CONFIRMED,
  FATE_EXPIRED,
  FATE_CANCELLED,
  FATE_CANCELLED_PAID,
  FATE_LATE_PAYMENT,
  FATE_OPEN,              /* placed in the last minutes: still reserved */
} Fate;

static Fate
pick_fate (Demo *d)
{
  double r = g_rand_double (d->rand);

  if (r < 0.76)
    return FATE_CONFIRMED;
  if (r < 0.88)
    return FATE_EXPIRED;
  if (r < 0.93)
    return FATE_CANCELLED;
  if (r < 0.98)
    return FATE_CANCELLED_PAID;
  return FATE_LATE_PAYMENT;
}

/* Seats freed by cancellations and expiries may have come back meanwhile:
 * then the type is not sold out and *joined says the registrant did not
 * join. */
static gboolean
join_waitlist (Demo          *d,
               guint          type,
               gint64         quantity,
               const Person  *person,
               gboolean      *joined,
               GError       **error)
{
  g_autofree char *entry_id = demo_id (d);
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "conference", d->slug);
  json_object_set_string_member (args, "entry_id", entry_id);
  json_object_set_string_member (args, "seat_type", d->type_ids[type]);
  json_object_set_int_member (args, "quantity", quantity);
  set_person (args, person);
  outcome = demo_run (d, "JoinWaitlist", args, &local_error);
  *joined = outcome != NULL;
  if (outcome != NULL)
    {
      d->n_waitlisted++;
      return TRUE;
    }
  if (g_error_matches (local_error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_CONFLICT) &&
      g_strcmp0 (ccm_domain_error_get_field (local_error), "seat_type") == 0)
    {
      d->sold_out[type] = FALSE;
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
place_order (Demo     *d,
             Fate      fate,
             GError  **error)
{
  g_auto(Person) registrant = { NULL, };
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonArray) seats = json_array_new ();
  g_autofree char *order_id = demo_id (d);
  g_autofree char *access_code = demo_code (d, CCM_ACCESS_CODE_LENGTH);
  gboolean asked[N_TYPES] = { FALSE, };
  gint64 quantities[N_TYPES] = { 0, };
  gint64 n_seats = 0;
  guint n_lines = chance (d, 0.2) ? 2 : 1;
  gboolean registrant_now = chance (d, 0.7);
  const char *status;
  JsonObject *args;

  person_init (d, &registrant);
  for (guint i = 0; i < n_lines; i++)
    {
      guint type = pick_type (d);
      JsonObject *line;

      if (asked[type])
        continue;
      asked[type] = TRUE;
      quantities[type] = pick_quantity (d);
      line = json_object_new ();
      json_object_set_string_member (line, "seat_type", demo_seat_types[type].name);
      json_object_set_int_member (line, "quantity", quantities[type]);
      json_array_add_object_element (seats, line);
      n_seats += quantities[type];
    }

  /* A sold-out seat type: some join its waitlist instead of ordering. */
  for (guint i = 0; i < N_TYPES; i++)
    if (asked[i] && d->sold_out[i] && n_lines == 1 && chance (d, 0.35))
      {
        gboolean joined = FALSE;

        if (!join_waitlist (d, i, quantities[i], &registrant, &joined, error))
          return FALSE;
        if (joined)
          return TRUE;
      }

  args = order_args (order_id);
  json_object_set_string_member (args, "conference", d->slug);
  json_object_set_string_member (args, "access_code", access_code);
  json_object_set_array_member (args, "seats", g_steal_pointer (&seats));
  json_object_set_array_member (args, "ticket_codes", demo_ticket_codes (d, n_seats));
  if (registrant_now || fate == FATE_CONFIRMED)
    set_person (args, &registrant);
  if (!demo_do (d, "PlaceOrder", args, error) ||
      (order = order_view (d, order_id, error)) == NULL)
    return FALSE;
  status = ccm_json_string (order, "status");

  /* What came back short is sold out from now on. */
  if (g_strcmp0 (status, "partially-reserved") == 0)
    {
      JsonArray *lines = json_object_get_array_member (order, "lines");

      for (guint t = 0; t < N_TYPES; t++)
        {
          gint64 got = 0;

          for (guint l = 0; lines != NULL && l < json_array_get_length (lines); l++)
            {
              JsonObject *line = json_array_get_object_element (lines, l);

              if (g_strcmp0 (ccm_json_string (line, "seat_type_id"), d->type_ids[t]) == 0)
                got = ccm_json_int (line, "quantity", 0);
            }
          if (asked[t] && got < quantities[t])
            d->sold_out[t] = TRUE;
        }
    }

  if (fate == FATE_OPEN || fate == FATE_EXPIRED)
    {
      if (!registrant_now && chance (d, 0.5))
        {
          demo_later (d, d->tick);
          args = order_args (order_id);
          set_person (args, &registrant);
          return demo_do (d, "AssignRegistrantDetails", args, error);
        }
      return TRUE;
    }

  if (fate == FATE_LATE_PAYMENT)
    {
      LatePayment *late = g_new0 (LatePayment, 1);

      late->order_id = g_strdup (order_id);
      late->pay_at = ccm_clock_now (d->clock) + (DEMO_WINDOW_MIN + 5 + pick (d, 60)) * MINUTE_US;
      g_queue_push_tail (&d->late, late);
      return TRUE;
    }

  if (fate == FATE_CANCELLED)
    {
      demo_later (d, 2 * d->tick);
      args = order_args (order_id);
      json_object_set_string_member (args, "reason", "Changed plans");
      return demo_do (d, "CancelOrder", args, error);
    }

  /* Confirmed, or paid and cancelled later. */
  if (g_strcmp0 (status, "partially-reserved") == 0)
    {
      if (reserved_seats (order) == 0)
        {
          /* Nothing left at all: give up the order, wait for seats. */
          args = order_args (order_id);
          json_object_set_string_member (args, "reason", "Sold out");
          if (!demo_do (d, "CancelOrder", args, error))
            return FALSE;
          for (guint t = 0; t < N_TYPES; t++)
            if (asked[t] && chance (d, 0.5))
              {
                gboolean joined = FALSE;

                return join_waitlist (d, t, quantities[t], &registrant, &joined, error);
              }
          return TRUE;
        }
      demo_later (d, d->tick);
      if (!demo_do (d, "AcceptPartialReservation", order_args (order_id), error))
        return FALSE;
      g_clear_pointer (&order, json_object_unref);
      if ((order = order_view (d, order_id, error)) == NULL)
        return FALSE;
    }

  demo_later (d, 2 * d->tick);
  if (!pay (d, order, fate == FATE_CONFIRMED && chance (d, 0.01), error))
    return FALSE;
  demo_later (d, d->tick);
  if (!assign_seats (d, order_id, &registrant, fate == FATE_CONFIRMED, error))
    return FALSE;

  if (fate == FATE_CANCELLED_PAID)
    {
      demo_later (d, 3 * d->tick);
      args = order_args (order_id);
      json_object_set_string_member (args, "reason", "Cannot travel; refund requested");
      return demo_do (d, "CancelOrder", args, error);
    }
  return TRUE;
}

/* Unpaid orders whose payment arrives after they expired. */
static gboolean
pay_late (Demo     *d,
          gboolean  all,
          GError  **error)
{
  LatePayment *late;

  while ((late = g_queue_peek_head (&d->late)) != NULL &&
         (all || late->pay_at <= ccm_clock_now (d->clock)))
    {
      g_autoptr(JsonObject) order = NULL;

      g_queue_pop_head (&d->late);
      order = order_view (d, late->order_id, error);
      if (order == NULL || !pay (d, order, FALSE, error))
        {
          late_payment_free (late);
          return FALSE;
        }
      late_payment_free (late);
    }
  return TRUE;
}

/* The conference day */

static gboolean
admit (Demo        *d,
       const char  *code,
       gboolean     exiting,
       GError     **error)
{
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "ticket_code", code);
  json_object_set_string_member (args, "conference", d->slug);
  if (!exiting)
    json_object_set_boolean_member (args, "allow_reentry", TRUE);
  return demo_do (d, exiting ? "ExitTicket" : "AdmitTicket", args, error);
}

static gboolean
check_in (Demo     *d,
          gint64    from,
          gint64    to,
          GError  **error)
{
  guint n = d->tickets->len * 45 / 100;
  guint n_doubles = MAX (1, n / 150);
  gint64 step;

  if (n == 0)
    return TRUE;
  step = (to - from) / (n + n_doubles + 4);

  /* Who comes is a shuffle of the assigned tickets. */
  for (guint i = d->tickets->len; i > 1; i--)
    {
      guint j = pick (d, i);
      gpointer t = d->tickets->pdata[i - 1];

      d->tickets->pdata[i - 1] = d->tickets->pdata[j];
      d->tickets->pdata[j] = t;
    }

  for (guint i = 0; i < n; i++)
    {
      const char *code = g_ptr_array_index (d->tickets, i);

      if (!demo_at (d, from + i * step, error) || !admit (d, code, FALSE, error))
        return FALSE;
      d->n_admitted++;
      /* Out for a coffee and back. */
      if (chance (d, 0.04))
        {
          demo_later (d, step / 3);
          if (!admit (d, code, TRUE, error))
            return FALSE;
          demo_later (d, step / 3);
          if (!admit (d, code, FALSE, error))
            return FALSE;
        }
    }

  /* The same ticket twice: a shared screenshot, or a desk that scanned twice. */
  for (guint i = 0; i < n_doubles; i++)
    if (!demo_at (d, from + (n + i) * step, error) ||
        !admit (d, g_ptr_array_index (d->tickets, pick (d, n)), FALSE, error))
      return FALSE;

  /* A ticket of a cancelled order, and one nobody issued. */
  if (d->cancelled_tickets->len > 0 &&
      (!demo_at (d, from + (n + n_doubles + 1) * step, error) ||
       !admit (d, g_ptr_array_index (d->cancelled_tickets, pick (d, d->cancelled_tickets->len)),
               FALSE, error)))
    return FALSE;
  {
    g_autofree char *unknown = demo_code (d, CCM_TICKET_CODE_LENGTH);

    if (!demo_at (d, from + (n + n_doubles + 2) * step, error) ||
        !admit (d, unknown, FALSE, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
demo_fill (Demo     *d,
           gint64    now,
           guint     n_orders,
           GError  **error)
{
  guint n_open = MAX (3, n_orders * 5 / 100);
  guint n_sales = n_orders > n_open ? n_orders - n_open : 0;
  gint64 sales_start = now - DEMO_SALES_DAYS * DAY_US;
  gint64 sales_end = now - 4 * HOUR_US;
  gint64 open_start = now - (DEMO_WINDOW_MIN - 1) * MINUTE_US;
  gint64 step = n_sales > 0 ? (sales_end - sales_start) / n_sales : 0;

  if (n_orders < n_open)
    n_open = n_orders;

  if (!create_conference (d, now, n_orders, error))
    return FALSE;

  /* An order's steps take at most a dozen ticks, so the clock never runs
   * ahead of the next order. */
  d->tick = MIN (MINUTE_US, step / 12);

  for (guint i = 0; i < n_sales; i++)
    {
      if (!demo_at (d, sales_start + HOUR_US + i * step, error) ||
          !pay_late (d, FALSE, error) ||
          !place_order (d, pick_fate (d), error))
        return FALSE;
    }

  /* Late payments still owed arrive before the doors open. */
  if (!demo_at (d, sales_end, error) || !pay_late (d, TRUE, error))
    return FALSE;

  if (!check_in (d, now - 3 * HOUR_US, now - 30 * MINUTE_US, error))
    return FALSE;

  /* The last minutes: reservations still running. */
  d->tick = MIN (MINUTE_US, (DEMO_WINDOW_MIN - 3) * MINUTE_US / MAX (n_open, 1) / 12);
  for (guint i = 0; i < n_open; i++)
    if (!demo_at (d, open_start + i * ((DEMO_WINDOW_MIN - 3) * MINUTE_US / MAX (n_open, 1)),
                  error) ||
        !place_order (d, FATE_OPEN, error))
      return FALSE;

  return demo_at (d, now, error);
}

static void
print_summary (Demo   *d,
               guint   n_orders,
               gint64  elapsed)
{
  static const char *const states[] = {
    "confirmed", "reserved", "partially-reserved", "expired", "cancelled", NULL
  };
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(JsonObject) counts = json_object_new ();
  g_autoptr(JsonArray) attention = ccm_attention_views_list (d->store, d->slug, NULL);
  g_autoptr(CcmCliTable) table = ccm_cli_table_new (2);

  for (guint i = 0; states[i] != NULL; i++)
    {
      g_autoptr(JsonArray) list = ccm_order_views_list (d->store, d->slug, states[i], 0,
                                                        G_MAXINT32, NULL);

      json_object_set_int_member (counts, states[i], list != NULL ? json_array_get_length (list) : 0);
    }

  if (d->cli->json)
    {
      json_object_set_string_member (o, "conference", d->slug);
      json_object_set_int_member (o, "orders", n_orders);
      json_object_set_object_member (o, "states", json_object_ref (counts));
      json_object_set_int_member (o, "waitlisted", d->n_waitlisted);
      json_object_set_int_member (o, "admitted", d->n_admitted);
      json_object_set_int_member (o, "attention", attention != NULL ? json_array_get_length (attention) : 0);
      json_object_set_int_member (o, "events", ccm_store_count_events (d->store));
      json_object_set_int_member (o, "milliseconds", elapsed / 1000);
      ccm_cli_print_json_object (o);
      return;
    }

  g_print (_("Filled conference %s with %u orders in %.1f s.\n"), d->slug, n_orders,
           elapsed / (double) G_USEC_PER_SEC);
  for (guint i = 0; states[i] != NULL; i++)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                json_object_get_int_member (counts, states[i]));

      ccm_cli_table_add_row (table, ccm_cli_order_status_label (states[i]), count, NULL);
    }
  {
    g_autofree char *waitlisted = g_strdup_printf ("%u", d->n_waitlisted);
    g_autofree char *admitted = g_strdup_printf ("%u", d->n_admitted);
    g_autofree char *flagged = g_strdup_printf ("%u", attention != NULL ? json_array_get_length (attention) : 0);
    g_autofree char *events = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_store_count_events (d->store));

    ccm_cli_table_add_row (table, _("on the waitlist"), waitlisted, NULL);
    ccm_cli_table_add_row (table, _("admitted"), admitted, NULL);
    ccm_cli_table_add_row (table, _("needing attention"), flagged, NULL);
    ccm_cli_table_add_row (table, _("events in the store"), events, NULL);
  }
  ccm_cli_table_align_right (table, 1);
  ccm_cli_table_print (table, 2);
}

int
ccm_cli_demo_run (CcmCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmClock) real = NULL;
  g_auto(Demo) d = { NULL, };
  g_autofree char *orders_text = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *slug = NULL;
  gint64 n_orders = DEMO_DEFAULT_ORDERS;
  gint64 seed = 1;
  gint64 now, started;
  int status;
  const GOptionEntry entries[] = {
    { "orders", 0, 0, G_OPTION_ARG_STRING, &orders_text,
      N_("How many orders to place (default 300)"), N_("N") },
    { "slug", 0, 0, G_OPTION_ARG_STRING, &slug,
      N_("The new conference’s slug (default contoso-demo)"), N_("SLUG") },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      N_("Seed of the random choices: the same seed makes the same data (default 1)"),
      N_("N") },
    G_OPTION_ENTRY_NULL
  };

  if (!ccm_cli_parse (cli, entries, 0, 0, &argc, &argv, &status))
    return status;
  if ((orders_text != NULL &&
       !ccm_cli_parse_int ("orders", orders_text, 1, DEMO_MAX_ORDERS, &n_orders, &error)) ||
      (seed_text != NULL &&
       !ccm_cli_parse_int ("seed", seed_text, 0, G_MAXUINT32, &seed, &error)))
    return ccm_cli_fail (cli, error);

  /* The demo's own clock, starting where its story starts. */
  if ((real = ccm_clock_new_from_environment (&error)) == NULL)
    {
      g_autoptr(GError) env_error = g_error_new_literal (CCM_CLI_ERROR,
                                                         CCM_CLI_ERROR_ENVIRONMENT,
                                                         error->message);
      return ccm_cli_fail (cli, env_error);
    }
  now = ccm_clock_now (real);
  g_return_val_if_fail (cli->store == NULL, CCM_CLI_EXIT_STORAGE);
  g_clear_object (&cli->clock);
  cli->clock = ccm_clock_new_fixed (now - DEMO_SALES_DAYS * DAY_US);

  d.cli = cli;
  d.slug = slug != NULL ? slug : DEMO_DEFAULT_SLUG;
  d.rand = g_rand_new_with_seed ((guint32) seed);
  d.clock = cli->clock;
  d.tickets = g_ptr_array_new_with_free_func (g_free);
  d.cancelled_tickets = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&d.late);

  if ((d.store = ccm_cli_get_store (cli, &error)) == NULL)
    return ccm_cli_fail (cli, error);

  started = g_get_monotonic_time ();
  if (!ccm_store_begin (d.store, &error))
    return ccm_cli_fail (cli, error);
  if (!demo_fill (&d, now, (guint) n_orders, &error))
    {
      ccm_store_rollback (d.store);
      return ccm_cli_fail (cli, error);
    }
  if (!ccm_store_commit (d.store, &error))
    return ccm_cli_fail (cli, error);

  print_summary (&d, (guint) n_orders, g_get_monotonic_time () - started);
  return CCM_CLI_EXIT_OK;
}
