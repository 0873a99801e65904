/* ccm-import.c — a partner's attendee list from CSV into seat assignments
 *
 * The rules are in ccm-export.h. Two passes: the first reads and checks
 * every row against the read models and plans what each does, so the
 * report lists every refused row at once; the second runs the plan's
 * commands through ccm_store_submit inside one outer transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-import"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-assignments.h"
#include "ccm-conference.h"
#include "ccm-conference-views.h"
#include "ccm-csv.h"
#include "ccm-errors.h"
#include "ccm-export.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "ccm-order-views.h"
#include "ccm-order-views-private.h"

typedef enum
{
  COL_EMAIL,
  COL_FIRST_NAME,
  COL_LAST_NAME,
  COL_SEAT_TYPE,
  COL_ACCESS_CODE,
  COL_TICKET_CODE,
  N_COLUMNS
} Column;

#define N_REQUIRED_COLUMNS 4

/* Header names as spreadsheets spell them, after folding. */
static const char *const column_names[N_COLUMNS][4] = {
  [COL_EMAIL] = { "email", "e_mail", "mail", NULL },
  [COL_FIRST_NAME] = { "first_name", "firstname", "given_name", NULL },
  [COL_LAST_NAME] = { "last_name", "lastname", "family_name", "surname" },
  [COL_SEAT_TYPE] = { "seat_type", "seat", "ticket_type", NULL },
  [COL_ACCESS_CODE] = { "access_code", "order", "order_access_code", "order_code" },
  [COL_TICKET_CODE] = { "ticket_code", "ticket", NULL, NULL },
};

typedef enum
{
  ACTION_ASSIGN,         /* an unassigned seat, or a seat given to someone else */
  ACTION_UPDATE,         /* the same person, other names */
  ACTION_UNCHANGED,
  ACTION_COMPLIMENTARY,  /* a free order of one seat, then its assignment */
} Action;

static const char *const action_names[] = { "assigned", "updated", "unchanged", "complimentary" };

typedef struct
{
  guint       line;
  Action      action;
  char       *email;
  char       *first_name;
  char       *last_name;
  JsonObject *seat_type;     /* borrowed from the conference */
  char       *order_id;      /* NULL for a complimentary order until it is placed */
  char       *access_code;
  char       *ticket_code;
  gint64      position;
} Row;

static void
row_free (Row *row)
{
  g_free (row->email);
  g_free (row->first_name);
  g_free (row->last_name);
  g_free (row->order_id);
  g_free (row->access_code);
  g_free (row->ticket_code);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Row, row_free)

#define LOOKUPS_BEFORE_LOAD 2000

/* A seat as the import weighs it, from the attendee views or an order's
 * view, its texts in the import's string chunk.
 *
 * A partner's list names a handful of seats: each is looked up by itself
 * (by ticket code, or by holder through the search words). A long file (an
 * export read back) would make as many look-ups as rows: past
 * LOOKUPS_BEFORE_LOAD the conference's seats are all loaded at once, row by
 * row (as JSON objects, a hundred thousand of them took half a gigabyte). */
typedef struct
{
  const char *ticket_code;
  const char *order_id;
  const char *access_code;
  const char *seat_type_id;
  const char *seat_type;      /* its name */
  const char *first_name;
  const char *last_name;
  const char *email;          /* NULL: nobody named */
  gboolean    cancelled;
  gint64      position;
} Seat;

/* The seat of an attendee (ccm_attendee_views_search's shape, or an order
 * view's attendee with its order's id and access code), its texts borrowed. */
static void
seat_read (Seat        *seat,
           JsonObject  *attendee,
           const char  *order_id,
           const char  *access_code)
{
  *seat = (Seat) {
    .ticket_code = ccm_json_string (attendee, "ticket_code"),
    .order_id = order_id != NULL ? order_id : ccm_json_string (attendee, "order_id"),
    .access_code = access_code != NULL ? access_code : ccm_json_string (attendee, "access_code"),
    .seat_type_id = ccm_json_string (attendee, "seat_type_id"),
    .seat_type = ccm_json_string (attendee, "seat_type"),
    .first_name = ccm_json_string (attendee, "first_name"),
    .last_name = ccm_json_string (attendee, "last_name"),
    .email = ccm_json_string (attendee, "email"),
    .cancelled = g_strcmp0 (ccm_json_string (attendee, "status"), "cancelled") == 0,
    .position = ccm_json_int (attendee, "position", 0),
  };
}

typedef struct
{
  CcmStore   *store;
  const char *slug;
  JsonObject *conference;
  int         columns[N_COLUMNS];  /* index in the record, or -1 */
  GHashTable *orders;              /* access code → order view (a JsonObject, or NULL: unknown) */
  GPtrArray  *seats;               /* Seat*, those looked up or all of them */
  GStringChunk *texts;             /* the seats' texts */
  gboolean    loaded;              /* every seat of the conference is in the tables */
  guint       lookups;
  GHashTable *by_ticket;           /* ticket code → Seat */
  GHashTable *by_holder;           /* "email\tseat_type_id" → Seat (the first by name), valid
                                    * tickets only; complete once loaded */
  GHashTable *seats_left;          /* seat_type_id → gint64* available */
  GHashTable *taken;               /* "order_id\tposition" → line */
  GHashTable *people;              /* "email\tseat_type_id\torder" → line */
  GPtrArray  *rows;                /* Row*, accepted */
  JsonArray  *refused;
} Import;

static void
order_free (gpointer order)
{
  if (order != NULL)
    json_object_unref (order);
}

static void
import_clear (Import *im)
{
  g_clear_pointer (&im->conference, json_object_unref);
  g_clear_pointer (&im->orders, g_hash_table_unref);
  g_clear_pointer (&im->seats, g_ptr_array_unref);
  g_clear_pointer (&im->texts, g_string_chunk_free);
  g_clear_pointer (&im->by_ticket, g_hash_table_unref);
  g_clear_pointer (&im->by_holder, g_hash_table_unref);
  g_clear_pointer (&im->seats_left, g_hash_table_unref);
  g_clear_pointer (&im->taken, g_hash_table_unref);
  g_clear_pointer (&im->people, g_hash_table_unref);
  g_clear_pointer (&im->rows, g_ptr_array_unref);
  g_clear_pointer (&im->refused, json_array_unref);
}

static void
refuse (Import     *im,
        guint       line,
        const char *field,
        const char *reason)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "line", line);
  json_object_set_string_member (o, "reason", reason);
  ccm_json_set_string_or_null (o, "field", field);
  json_array_add_object_element (im->refused, o);
}

static void refuse_printf (Import     *im,
                           guint       line,
                           const char *field,
                           const char *format,
                           ...) G_GNUC_PRINTF (4, 5);

/* The reason is a sentence that names its line, as a person reads it. */
static void
refuse_printf (Import     *im,
               guint       line,
               const char *field,
               const char *format,
               ...)
{
  g_autofree char *message = NULL;
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  reason = g_strdup_printf (_("Line %u: %s"), line, message);
  refuse (im, line, field, reason);
}

static char *
fold (const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  return g_utf8_casefold (stripped, -1);
}

static char *
fold_header (const char *text)
{
  char *folded = fold (text);

  return g_strdelimit (folded, " -", '_');
}

static gboolean
read_header (Import  *im,
             char   **header,
             GError **error)
{
  for (guint c = 0; c < N_COLUMNS; c++)
    im->columns[c] = -1;

  for (guint i = 0; header[i] != NULL; i++)
    {
      g_autofree char *name = fold_header (header[i]);

      for (guint c = 0; c < N_COLUMNS; c++)
        for (guint k = 0; k < G_N_ELEMENTS (column_names[c]) && column_names[c][k] != NULL; k++)
          if (g_str_equal (name, column_names[c][k]) && im->columns[c] < 0)
            im->columns[c] = i;
    }

  for (guint c = 0; c < N_REQUIRED_COLUMNS; c++)
    if (im->columns[c] < 0)
      {
        ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, column_names[c][0],
                              _("The file’s first line names no column “%s”; an attendee "
                                "list needs the columns email, first_name, last_name and "
                                "seat_type (access_code and ticket_code are optional)."),
                              column_names[c][0]);
        return FALSE;
      }
  return TRUE;
}

static char *
field_dup (Import  *im,
           char   **record,
           Column   column)
{
  if (im->columns[column] < 0)
    return g_strdup ("");
  return ccm_csv_text_unguard (g_strstrip (g_strdup (record[im->columns[column]])));
}

static JsonObject *
find_seat_type (Import     *im,
                const char *name)
{
  JsonArray *types = json_object_get_array_member (im->conference, "seat_types");
  g_autofree char *folded = fold (name);

  for (guint i = 0; types != NULL && i < json_array_get_length (types); i++)
    {
      JsonObject *type = json_array_get_object_element (types, i);
      g_autofree char *type_name = fold (ccm_json_string (type, "name"));

      if (g_str_equal (type_name, folded) ||
          g_strcmp0 (ccm_json_string (type, "seat_type_id"), name) == 0)
        return type;
    }
  return NULL;
}

static const char *
keep_text (Import     *im,
           const char *text)
{
  return text != NULL ? g_string_chunk_insert_const (im->texts, text) : NULL;
}

static Seat *
keep_seat (Import     *im,
           JsonObject *attendee)
{
  Seat *seat = g_new (Seat, 1);

  seat_read (seat, attendee, NULL, NULL);
  seat->ticket_code = keep_text (im, seat->ticket_code);
  seat->order_id = keep_text (im, seat->order_id);
  seat->access_code = keep_text (im, seat->access_code);
  seat->seat_type_id = keep_text (im, seat->seat_type_id);
  seat->seat_type = keep_text (im, seat->seat_type);
  seat->first_name = keep_text (im, seat->first_name);
  seat->last_name = keep_text (im, seat->last_name);
  seat->email = keep_text (im, seat->email);
  g_ptr_array_add (im->seats, seat);
  g_hash_table_replace (im->by_ticket, (gpointer) seat->ticket_code, seat);
  return seat;
}

static char *
holder_key (const char *email,
            const char *seat_type_id)
{
  g_autofree char *folded = fold (email);

  return g_strdup_printf ("%s\t%s", folded, seat_type_id);
}

static gboolean
load_seat (JsonObject  *attendee,
           gpointer     user_data,
           GError     **error)
{
  Import *im = user_data;
  Seat *seat = keep_seat (im, attendee);

  if (seat->email != NULL && !seat->cancelled)
    {
      g_autofree char *key = holder_key (seat->email, seat->seat_type_id);

      if (!g_hash_table_contains (im->by_holder, key))
        g_hash_table_insert (im->by_holder, g_steal_pointer (&key), seat);
    }
  return TRUE;
}

/* Every seat of the conference, one attendee at a time. */
static gboolean
load_attendees (Import  *im,
                GError **error)
{
  g_hash_table_remove_all (im->by_holder);
  if (!ccm_attendee_views_foreach (im->store, im->slug, load_seat, im, error))
    return FALSE;
  im->loaded = TRUE;
  return TRUE;
}

/* Whether the next look-up is one by itself; otherwise the seats are now
 * all loaded. */
static gboolean
look_up_alone (Import   *im,
               gboolean *alone,
               GError  **error)
{
  *alone = !im->loaded && ++im->lookups <= LOOKUPS_BEFORE_LOAD;
  return *alone || im->loaded || load_attendees (im, error);
}

/* The seat of this conference with that ticket code, or NULL. */
static gboolean
find_seat (Import      *im,
           const char  *code,
           Seat       **seat,
           GError     **error)
{
  g_autoptr(JsonObject) ticket = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean alone;

  *seat = g_hash_table_lookup (im->by_ticket, code);
  if (*seat != NULL)
    return TRUE;
  if (!look_up_alone (im, &alone, error))
    return FALSE;
  if (!alone)
    {
      *seat = g_hash_table_lookup (im->by_ticket, code);
      return TRUE;
    }

  ticket = ccm_attendee_views_get_ticket (im->store, code, &local_error);
  if (ticket == NULL)
    {
      if (g_error_matches (local_error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_strcmp0 (ccm_json_string (ticket, "conference"), im->slug) == 0)
    *seat = keep_seat (im, ticket);
  return TRUE;
}

/* The first seat by name of that type whose holder has this e-mail
 * address, on a ticket not cancelled; or NULL. One by itself: the seats
 * that have the address among their search words (ccm_views_attendee_keys
 * keeps it whole, folded further than here, so they include the holder's). */
static gboolean
find_holder (Import      *im,
             const char  *email,
             const char  *seat_type_id,
             Seat       **seat,
             GError     **error)
{
  g_autofree char *key = holder_key (email, seat_type_id);
  g_autoptr(GPtrArray) codes = NULL;
  gboolean alone;

  *seat = NULL;
  if (!look_up_alone (im, &alone, error))
    return FALSE;
  if (!alone)
    {
      *seat = g_hash_table_lookup (im->by_holder, key);
      return TRUE;
    }

  if ((codes = ccm_attendee_views_codes_with_key (im->store, im->slug, email, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < codes->len && *seat == NULL; i++)
    {
      Seat *candidate;
      g_autofree char *candidate_key = NULL;

      if (!find_seat (im, g_ptr_array_index (codes, i), &candidate, error))
        return FALSE;
      if (candidate == NULL || candidate->email == NULL || candidate->cancelled)
        continue;
      candidate_key = holder_key (candidate->email, candidate->seat_type_id);
      if (g_str_equal (candidate_key, key))
        *seat = candidate;
    }
  return TRUE;
}

/* The seats left per type, for guests' complimentary orders. */
static gboolean
load_seats_left (Import  *im,
                 GError **error)
{
  g_autoptr(JsonArray) seats = NULL;

  if (g_hash_table_size (im->seats_left) > 0)
    return TRUE;
  if ((seats = ccm_seat_views_list (im->store, im->slug, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (seats); i++)
    {
      JsonObject *s = json_array_get_object_element (seats, i);
      gint64 *left = g_new (gint64, 1);

      *left = ccm_json_int (s, "available", 0);
      g_hash_table_insert (im->seats_left, g_strdup (ccm_json_string (s, "seat_type_id")), left);
    }
  return TRUE;
}

/* The order of this conference with that access code; NULL when there is
 * none (not an error: the row is refused). */
static gboolean
find_order (Import      *im,
            const char  *access_code,
            JsonObject **order,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *found;

  if (g_hash_table_lookup_extended (im->orders, access_code, NULL, (gpointer *) order))
    return TRUE;

  found = ccm_order_views_get (im->store, im->slug, access_code, &local_error);
  if (found == NULL && !g_error_matches (local_error, CCM_DOMAIN_ERROR, CCM_DOMAIN_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_hash_table_insert (im->orders, g_strdup (access_code), found);
  *order = found;
  return TRUE;
}

static gboolean
same_names (const Seat *seat,
            Row        *row)
{
  return g_strcmp0 (seat->first_name != NULL ? seat->first_name : "", row->first_name) == 0 &&
         g_strcmp0 (seat->last_name != NULL ? seat->last_name : "", row->last_name) == 0;
}

/* The row says what the seat already says (an exported row read back). */
static gboolean
holds_seat (const Seat *seat,
            Row        *row)
{
  g_autofree char *holder = fold (seat->email);
  g_autofree char *email = fold (row->email);

  if (seat->email == NULL)
    return *email == '\0';
  return g_str_equal (holder, email) && same_names (seat, row);
}

/* The seat's current holder decides between assign, update and unchanged. */
static void
plan_seat (Row        *row,
           const Seat *seat)
{
  g_autofree char *holder = fold (seat->email);
  g_autofree char *email = fold (row->email);

  g_free (row->order_id);
  g_free (row->ticket_code);
  g_free (row->access_code);
  row->order_id = g_strdup (seat->order_id);
  row->ticket_code = g_strdup (seat->ticket_code);
  row->access_code = g_strdup (seat->access_code);
  row->position = seat->position;
  if (seat->email == NULL || !g_str_equal (holder, email))
    row->action = ACTION_ASSIGN;
  else
    row->action = same_names (seat, row) ? ACTION_UNCHANGED : ACTION_UPDATE;
}

/* Marks the row's seat as given by this file; FALSE when an earlier row
 * gave it already. */
static gboolean
take_seat (Import *im,
           Row    *row)
{
  g_autofree char *key = g_strdup_printf ("%s\t%" G_GINT64_FORMAT, row->order_id, row->position);
  gpointer earlier = g_hash_table_lookup (im->taken, key);

  if (earlier != NULL)
    {
      refuse_printf (im, row->line, "ticket_code",
                     _("the seat of ticket %s is already given to someone on line %u."),
                     row->ticket_code, GPOINTER_TO_UINT (earlier));
      return FALSE;
    }
  g_hash_table_insert (im->taken, g_steal_pointer (&key), GUINT_TO_POINTER (row->line));
  return TRUE;
}

static gboolean
plan_ticket (Import  *im,
             Row     *row,
             GError **error)
{
  g_autofree char *code = ccm_ticket_code_normalize (row->ticket_code);
  Seat *seat;

  if (!find_seat (im, code, &seat, error))
    {
      row_free (row);
      return FALSE;
    }
  if (seat == NULL)
    refuse_printf (im, row->line, "ticket_code", _("there is no ticket %s in this conference."),
                   code);
  else if (seat->cancelled && !holds_seat (seat, row))
    refuse_printf (im, row->line, "ticket_code",
                   _("ticket %s belongs to order %s, which was cancelled."), code,
                   seat->access_code);
  else if (g_strcmp0 (seat->seat_type_id, ccm_json_string (row->seat_type, "seat_type_id")) != 0)
    refuse_printf (im, row->line, "seat_type", _("ticket %s is a “%s” seat, not “%s”."), code,
                   seat->seat_type, ccm_json_string (row->seat_type, "name"));
  else if (*row->access_code != '\0' &&
           g_ascii_strcasecmp (row->access_code, seat->access_code) != 0)
    refuse_printf (im, row->line, "access_code", _("ticket %s belongs to order %s, not %s."),
                   code, seat->access_code, row->access_code);
  else
    {
      plan_seat (row, seat);
      if (take_seat (im, row))
        g_ptr_array_add (im->rows, row);
      else
        row_free (row);
      return TRUE;
    }
  row_free (row);
  return TRUE;
}

static gboolean
plan_order_seat (Import  *im,
                 Row     *row,
                 GError **error)
{
  g_autofree char *code = g_ascii_strup (row->access_code, -1);
  g_autofree char *email = fold (row->email);
  const char *type_id = ccm_json_string (row->seat_type, "seat_type_id");
  JsonObject *order;
  JsonArray *attendees;
  JsonObject *held = NULL;
  JsonObject *free_seat = NULL;
  Seat seat;

  if (!find_order (im, code, &order, error))
    {
      row_free (row);
      return FALSE;
    }
  if (order == NULL)
    {
      refuse_printf (im, row->line, "access_code",
                     _("there is no order %s in this conference."), code);
      row_free (row);
      return TRUE;
    }
  if (g_strcmp0 (ccm_json_string (order, "status"), "confirmed") != 0)
    {
      refuse_printf (im, row->line, "access_code",
                     _("order %s is %s; only the seats of a confirmed order can be given."),
                     code, ccm_json_string (order, "status"));
      row_free (row);
      return TRUE;
    }

  attendees = json_object_get_array_member (order, "attendees");
  for (guint i = 0; attendees != NULL && i < json_array_get_length (attendees); i++)
    {
      JsonObject *a = json_array_get_object_element (attendees, i);
      g_autofree char *key = NULL;

      if (g_strcmp0 (ccm_json_string (a, "seat_type_id"), type_id) != 0)
        continue;
      key = g_strdup_printf ("%s\t%" G_GINT64_FORMAT, ccm_json_string (order, "order_id"),
                             ccm_json_int (a, "position", 0));
      if (g_hash_table_contains (im->taken, key))
        continue;
      if (ccm_json_string (a, "email") != NULL)
        {
          g_autofree char *holder = fold (ccm_json_string (a, "email"));

          if (held == NULL && g_str_equal (holder, email))
            held = a;
        }
      else if (free_seat == NULL)
        free_seat = a;
    }

  if (held == NULL && free_seat == NULL)
    {
      refuse_printf (im, row->line, "seat_type",
                     _("order %s has no unassigned “%s” seat left."), code,
                     ccm_json_string (row->seat_type, "name"));
      row_free (row);
      return TRUE;
    }

  /* The order view's attendees lack the order's id and code. */
  seat_read (&seat, held != NULL ? held : free_seat, ccm_json_string (order, "order_id"), code);
  plan_seat (row, &seat);
  take_seat (im, row);
  g_ptr_array_add (im->rows, row);
  return TRUE;
}

static gboolean
plan_guest (Import  *im,
            Row     *row,
            GError **error)
{
  const char *type_id = ccm_json_string (row->seat_type, "seat_type_id");
  Seat *seat;
  gint64 *left;

  if (!find_holder (im, row->email, type_id, &seat, error) || !load_seats_left (im, error))
    {
      row_free (row);
      return FALSE;
    }
  if (seat != NULL)
    {
      plan_seat (row, seat);
      if (take_seat (im, row))
        g_ptr_array_add (im->rows, row);
      else
        row_free (row);
      return TRUE;
    }

  left = g_hash_table_lookup (im->seats_left, type_id);
  if (ccm_json_int (row->seat_type, "price", 0) != 0)
    refuse_printf (im, row->line, "access_code",
                   _("“%s” seats are not free: give the access code of the order whose seat "
                     "this person takes."), ccm_json_string (row->seat_type, "name"));
  else if (!ccm_json_bool (im->conference, "published"))
    refuse_printf (im, row->line, "seat_type",
                   _("the conference is not published, so it takes no orders, not even "
                     "complimentary ones."));
  else if (left == NULL || *left <= 0)
    refuse_printf (im, row->line, "seat_type", _("no “%s” seat is left for this guest."),
                   ccm_json_string (row->seat_type, "name"));
  else
    {
      (*left)--;
      row->action = ACTION_COMPLIMENTARY;
      g_clear_pointer (&row->access_code, g_free);
      g_clear_pointer (&row->ticket_code, g_free);
      g_ptr_array_add (im->rows, row);
      return TRUE;
    }
  row_free (row);
  return TRUE;
}

/* Checks one record and plans it; FALSE only when the store failed. */
static gboolean
plan_record (Import  *im,
             char   **record,
             guint    line,
             GError **error)
{
  g_autoptr(Row) row = g_new0 (Row, 1);
  g_autoptr(GError) invalid = NULL;
  g_autofree char *seat_type = NULL;
  g_autofree char *email = NULL;
  g_autofree char *person = NULL;
  gpointer earlier;

  row->line = line;
  row->email = field_dup (im, record, COL_EMAIL);
  row->first_name = field_dup (im, record, COL_FIRST_NAME);
  row->last_name = field_dup (im, record, COL_LAST_NAME);
  row->access_code = field_dup (im, record, COL_ACCESS_CODE);
  row->ticket_code = field_dup (im, record, COL_TICKET_CODE);
  seat_type = field_dup (im, record, COL_SEAT_TYPE);

  /* An unassigned seat of an export read back: nothing to do. */
  if (*row->email == '\0' && *row->ticket_code != '\0' && *row->first_name == '\0' &&
      *row->last_name == '\0')
    {
      g_autofree char *code = ccm_ticket_code_normalize (row->ticket_code);
      Seat *seat;

      if (!find_seat (im, code, &seat, error))
        return FALSE;
      if (seat != NULL && seat->email == NULL)
        {
          plan_seat (row, seat);
          row->action = ACTION_UNCHANGED;
          g_ptr_array_add (im->rows, g_steal_pointer (&row));
          return TRUE;
        }
    }

  if (!ccm_validate_email ("email", row->email, &invalid))
    {
      refuse_printf (im, line, "email", "%s", invalid->message);
      return TRUE;
    }
  if (*seat_type == '\0')
    {
      refuse_printf (im, line, "seat_type", _("the seat type is empty."));
      return TRUE;
    }
  if ((row->seat_type = find_seat_type (im, seat_type)) == NULL)
    {
      refuse_printf (im, line, "seat_type", _("the conference has no seat type “%s”."),
                     seat_type);
      return TRUE;
    }

  /* The same person twice for the same kind of seat is a mistake in the list. */
  email = fold (row->email);
  person = g_strdup_printf ("%s\t%s\t%s", email, ccm_json_string (row->seat_type, "seat_type_id"),
                            *row->ticket_code != '\0' ? row->ticket_code : row->access_code);
  if ((earlier = g_hash_table_lookup (im->people, person)) != NULL)
    {
      refuse_printf (im, line, "email", _("%s already has a “%s” seat on line %u."), row->email,
                     ccm_json_string (row->seat_type, "name"), GPOINTER_TO_UINT (earlier));
      return TRUE;
    }
  g_hash_table_insert (im->people, g_steal_pointer (&person), GUINT_TO_POINTER (line));

  if (*row->ticket_code != '\0')
    return plan_ticket (im, g_steal_pointer (&row), error);
  if (*row->access_code != '\0')
    return plan_order_seat (im, g_steal_pointer (&row), error);
  return plan_guest (im, g_steal_pointer (&row), error);
}

/* Writing */

static CcmOutcome *
submit (CcmStore    *store,
        const char  *type,
        JsonObject  *args,
        GError     **error)
{
  gint64 now = ccm_clock_now (ccm_store_get_clock (store));
  g_autofree char *command_id = ccm_id_new (now);
  g_autoptr(CcmCommand) command = ccm_command_new (type, command_id, args);

  command->issued_at = now;
  return ccm_store_submit (store, command, error);
}

static gboolean
place_complimentary (Import  *im,
                     Row     *row,
                     GError **error)
{
  g_autoptr(GError) local_error = NULL;

  /* Access codes are random; a clash with an existing one is retried. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr(CcmOutcome) outcome = NULL;
      g_autofree char *order_id = ccm_id_new (ccm_clock_now (ccm_store_get_clock (im->store)));
      g_autofree char *access_code = ccm_access_code_new ();
      JsonObject *args = json_object_new ();
      JsonArray *seats = json_array_new ();
      JsonObject *seat = json_object_new ();

      json_object_set_string_member (seat, "seat_type", ccm_json_string (row->seat_type,
                                                                        "seat_type_id"));
      json_object_set_int_member (seat, "quantity", 1);
      json_array_add_object_element (seats, seat);
      json_object_set_string_member (args, "order_id", order_id);
      json_object_set_string_member (args, "conference", im->slug);
      json_object_set_string_member (args, "access_code", access_code);
      json_object_set_array_member (args, "seats", seats);
      json_object_set_array_member (args, "ticket_codes", ccm_ticket_codes_new (1));
      json_object_set_string_member (args, "first_name", row->first_name);
      json_object_set_string_member (args, "last_name", row->last_name);
      json_object_set_string_member (args, "email", row->email);

      g_clear_error (&local_error);
      outcome = submit (im->store, "PlaceOrder", args, &local_error);
      if (outcome != NULL)
        {
          row->order_id = g_steal_pointer (&order_id);
          row->access_code = g_steal_pointer (&access_code);
          row->position = 0;
          return TRUE;
        }
      if (g_strcmp0 (ccm_domain_error_get_field (local_error), "access_code") != 0)
        break;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* One row's commands, in a savepoint of their own. */
static gboolean
apply_row (Import  *im,
           Row     *row,
           GError **error)
{
  g_autoptr(CcmOutcome) outcome = NULL;
  JsonObject *args;

  if (row->action == ACTION_UNCHANGED)
    return TRUE;
  if (!ccm_store_begin (im->store, error))
    return FALSE;

  if (row->action == ACTION_COMPLIMENTARY)
    {
      g_autoptr(JsonObject) order = NULL;
      JsonArray *attendees;

      if (!place_complimentary (im, row, error) ||
          (order = ccm_order_views_get (im->store, im->slug, row->order_id, error)) == NULL)
        goto fail;
      attendees = json_object_get_array_member (order, "attendees");
      if (attendees != NULL && json_array_get_length (attendees) > 0)
        row->ticket_code = g_strdup (ccm_json_string (json_array_get_object_element (attendees, 0),
                                                      "ticket_code"));
    }

  args = json_object_new ();
  json_object_set_string_member (args, "order_id", row->order_id);
  json_object_set_int_member (args, "position", row->position);
  json_object_set_string_member (args, "email", row->email);
  json_object_set_string_member (args, "first_name", row->first_name);
  json_object_set_string_member (args, "last_name", row->last_name);
  if ((outcome = submit (im->store, "AssignSeat", args, error)) == NULL)
    goto fail;
  return ccm_store_commit (im->store, error);

fail:
  ccm_store_rollback (im->store);
  return FALSE;
}

static JsonObject *
row_to_json (Row *row)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "line", row->line);
  json_object_set_string_member (o, "email", row->email);
  json_object_set_string_member (o, "action", action_names[row->action]);
  ccm_json_set_string_or_null (o, "access_code", row->access_code);
  ccm_json_set_string_or_null (o, "ticket_code", row->ticket_code);
  if (row->order_id != NULL)
    json_object_set_int_member (o, "position", row->position);
  else
    json_object_set_null_member (o, "position");
  return o;
}

static int
compare_refused (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = ccm_json_int (json_node_get_object (*(JsonNode **) a), "line", 0);
  gint64 y = ccm_json_int (json_node_get_object (*(JsonNode **) b), "line", 0);

  return x < y ? -1 : x > y;
}

/* The refused rows by line: a row refused while writing joins the others. */
static JsonArray *
sorted_refused (JsonArray *refused)
{
  g_autoptr(GList) elements = json_array_get_elements (refused);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  JsonArray *sorted = json_array_new ();

  for (GList *l = elements; l != NULL; l = l->next)
    g_ptr_array_add (nodes, l->data);
  g_ptr_array_sort (nodes, compare_refused);
  for (guint i = 0; i < nodes->len; i++)
    json_array_add_element (sorted, json_node_copy (g_ptr_array_index (nodes, i)));
  return sorted;
}

JsonObject *
ccm_import_attendees (CcmStore        *store,
                      const char      *slug,
                      const char      *data,
                      gsize            length,
                      CcmImportFlags   flags,
                      GError         **error)
{
  g_auto(GStrv) header = NULL;
  g_autoptr(CcmCsvReader) reader = NULL;
  g_autoptr(GError) csv_error = NULL;
  JsonObject *report;
  JsonArray *results;
  JsonObject *counts;
  guint n_action[G_N_ELEMENTS (action_names)] = { 0 };
  Import im = { 0, };
  CcmCsvStatus status;
  gboolean write, written = FALSE;
  gint64 before;
  guint n_records = 0;
  char **record;
  guint line;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (slug != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  im.store = store;
  im.slug = slug;
  im.orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, order_free);
  im.by_ticket = g_hash_table_new (g_str_hash, g_str_equal);
  im.by_holder = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  im.seats_left = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  im.seats = g_ptr_array_new_with_free_func (g_free);
  im.texts = g_string_chunk_new (64 * 1024);
  im.taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  im.people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  im.rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  im.refused = json_array_new ();

  if ((im.conference = ccm_conference_views_get (store, slug, error)) == NULL)
    goto fail;

  reader = ccm_csv_reader_new (data, length);
  status = ccm_csv_reader_next (reader, &header, &line, &csv_error);
  if (status != CCM_CSV_RECORD)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "file",
                            status == CCM_CSV_END
                            ? _("The file is empty; an attendee list starts with a line naming "
                                "its columns.")
                            : _("The file’s first line, which names the columns, is not CSV: %s"),
                            csv_error != NULL ? csv_error->message : "");
      goto fail;
    }
  if (!read_header (&im, header, error))
    goto fail;

  /* Pass 1: every row. */
  for (;;)
    {
      g_clear_error (&csv_error);
      status = ccm_csv_reader_next (reader, &record, &line, &csv_error);
      if (status == CCM_CSV_END)
        break;
      n_records++;
      if (status == CCM_CSV_BAD)
        {
          refuse (&im, line, NULL, csv_error->message);
          continue;
        }
      if (!plan_record (&im, record, line, error))
        {
          g_strfreev (record);
          goto fail;
        }
      g_strfreev (record);
    }

  /* Pass 2: the plan, in one transaction. */
  before = ccm_store_get_last_position (store);
  write = !(flags & CCM_IMPORT_DRY_RUN) &&
          (json_array_get_length (im.refused) == 0 || (flags & CCM_IMPORT_SKIP_REFUSED));
  if (write)
    {
      if (!ccm_store_begin (store, error))
        goto fail;
      for (guint i = 0; i < im.rows->len; i++)
        {
          Row *row = g_ptr_array_index (im.rows, i);
          g_autoptr(GError) row_error = NULL;

          if (apply_row (&im, row, &row_error))
            continue;
          if (row_error->domain != CCM_DOMAIN_ERROR)
            {
              ccm_store_rollback (store);
              g_propagate_error (error, g_steal_pointer (&row_error));
              goto fail;
            }
          /* A rule the first pass could not see (the read models lag no
           * command, but a decider may know more): the row is refused. */
          refuse_printf (&im, row->line, ccm_domain_error_get_field (row_error), "%s",
                         row_error->message);
          g_ptr_array_remove_index (im.rows, i--);
          if (!(flags & CCM_IMPORT_SKIP_REFUSED))
            break;
        }
      if (json_array_get_length (im.refused) > 0 && !(flags & CCM_IMPORT_SKIP_REFUSED))
        ccm_store_rollback (store);
      else if (!ccm_store_commit (store, error))
        goto fail;
      else
        written = TRUE;
    }

  report = json_object_new ();
  json_object_set_string_member (report, "conference", slug);
  json_object_set_int_member (report, "rows", n_records);
  json_object_set_int_member (report, "accepted", im.rows->len);
  json_object_set_int_member (report, "refused_count", json_array_get_length (im.refused));
  json_object_set_boolean_member (report, "written", written);
  json_object_set_int_member (report, "events",
                              written ? ccm_store_get_last_position (store) - before : 0);
  for (guint i = 0; i < im.rows->len; i++)
    n_action[((Row *) g_ptr_array_index (im.rows, i))->action]++;
  counts = json_object_new ();
  for (guint a = 0; a < G_N_ELEMENTS (action_names); a++)
    json_object_set_int_member (counts, action_names[a], n_action[a]);
  json_object_set_object_member (report, "counts", counts);
  if (!(flags & CCM_IMPORT_NO_RESULTS))
    {
      results = json_array_new ();
      for (guint i = 0; i < im.rows->len; i++)
        json_array_add_object_element (results, row_to_json (g_ptr_array_index (im.rows, i)));
      json_object_set_array_member (report, "results", results);
    }
  json_object_set_array_member (report, "refused", sorted_refused (im.refused));
  import_clear (&im);
  return report;

fail:
  import_clear (&im);
  return NULL;
}
