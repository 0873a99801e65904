/* ccm-conference.c — the Conference aggregate and its decider
 *
 * Stream "conference/<slug>": the slug is unique and immutable, so the stream
 * itself guards uniqueness — creating a conference on a stream that already
 * has events is refused, on a desk and on the server alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-conference"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ccm-conference.h"
#include "ccm-seats.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"

/* Fields a ConferenceUpdated event may carry; the slug is not among them.
 * reservation_minutes is the last of CCM_CONFERENCE_N_FIELDS. */
static const char *const text_fields[] = {
  "name", "tagline", "description", "location", "start_date", "end_date",
  "owner_name", "owner_email", "currency", NULL
};
#define RESERVATION_FIELD 9

G_STATIC_ASSERT (G_N_ELEMENTS (text_fields) == CCM_CONFERENCE_N_FIELDS);

static void
seat_type_free (CcmSeatType *seat_type)
{
  g_free (seat_type->id);
  g_free (seat_type->name);
  g_free (seat_type->description);
  g_free (seat_type);
}

static gpointer
conference_new_state (void)
{
  CcmConferenceState *state = g_new0 (CcmConferenceState, 1);

  state->reservation_minutes = CCM_DEFAULT_RESERVATION_MIN;
  state->seat_types = g_ptr_array_new_with_free_func ((GDestroyNotify) seat_type_free);
  return state;
}

static void
conference_free_state (gpointer data)
{
  CcmConferenceState *state = data;

  g_free (state->id);
  g_free (state->slug);
  g_free (state->name);
  g_free (state->tagline);
  g_free (state->description);
  g_free (state->location);
  g_free (state->start_date);
  g_free (state->end_date);
  g_free (state->owner_name);
  g_free (state->owner_email);
  g_free (state->access_code);
  g_free (state->currency);
  g_ptr_array_unref (state->seat_types);
  for (guint i = 0; i < CCM_CONFERENCE_N_FIELDS; i++)
    g_free (state->field_device[i]);
  g_free (state);
}

static char **
conference_field (CcmConferenceState *state,
                  const char         *name)
{
  if (g_str_equal (name, "name")) return &state->name;
  if (g_str_equal (name, "tagline")) return &state->tagline;
  if (g_str_equal (name, "description")) return &state->description;
  if (g_str_equal (name, "location")) return &state->location;
  if (g_str_equal (name, "start_date")) return &state->start_date;
  if (g_str_equal (name, "end_date")) return &state->end_date;
  if (g_str_equal (name, "owner_name")) return &state->owner_name;
  if (g_str_equal (name, "owner_email")) return &state->owner_email;
  if (g_str_equal (name, "currency")) return &state->currency;
  return NULL;
}

static void
mark_field (CcmConferenceState *state,
            guint               index,
            const CcmEvent     *event)
{
  state->field_version[index] = event->stream_version;
  g_free (state->field_device[index]);
  state->field_device[index] = g_strdup (event->device_id);
}

static void
set_text_fields (CcmConferenceState *state,
                 const CcmEvent     *event)
{
  JsonObject *payload = event->payload;

  for (guint i = 0; text_fields[i] != NULL; i++)
    {
      const char *value = ccm_json_string (payload, text_fields[i]);
      char **field = conference_field (state, text_fields[i]);

      if (value != NULL)
        {
          g_free (*field);
          *field = g_strdup (value);
          mark_field (state, i, event);
        }
    }
  if (json_object_has_member (payload, "reservation_minutes"))
    {
      state->reservation_minutes = ccm_json_int (payload, "reservation_minutes",
                                                 CCM_DEFAULT_RESERVATION_MIN);
      mark_field (state, RESERVATION_FIELD, event);
    }
}

static CcmSeatType *
find_seat_type_by_id (CcmConferenceState *state,
                      const char         *id)
{
  for (guint i = 0; id != NULL && i < state->seat_types->len; i++)
    {
      CcmSeatType *seat_type = g_ptr_array_index (state->seat_types, i);

      if (g_strcmp0 (seat_type->id, id) == 0)
        return seat_type;
    }
  return NULL;
}

static void
conference_evolve (gpointer        data,
                   const CcmEvent *event)
{
  CcmConferenceState *state = data;
  JsonObject *p = event->payload;

  if (g_str_equal (event->type, "ConferenceCreated"))
    {
      state->exists = TRUE;
      state->id = g_strdup (ccm_json_string (p, "conference_id"));
      state->slug = g_strdup (ccm_json_string (p, "slug"));
      state->access_code = g_strdup (ccm_json_string (p, "access_code"));
      set_text_fields (state, event);
    }
  else if (g_str_equal (event->type, "ConferenceUpdated"))
    set_text_fields (state, event);
  else if (g_str_equal (event->type, "ConferencePublished"))
    state->published = state->was_ever_published = TRUE;
  else if (g_str_equal (event->type, "ConferenceUnpublished"))
    state->published = FALSE;
  else if (g_str_equal (event->type, "SeatTypeCreated"))
    {
      CcmSeatType *seat_type = g_new0 (CcmSeatType, 1);

      seat_type->id = g_strdup (ccm_json_string (p, "seat_type_id"));
      seat_type->name = g_strdup (ccm_json_string (p, "name"));
      seat_type->description = g_strdup (ccm_json_string (p, "description"));
      seat_type->price = ccm_json_int (p, "price", 0);
      seat_type->quota = ccm_json_int (p, "quota", 0);
      g_ptr_array_add (state->seat_types, seat_type);
    }
  else if (g_str_equal (event->type, "SeatTypeUpdated"))
    {
      CcmSeatType *seat_type = find_seat_type_by_id (state, ccm_json_string (p, "seat_type_id"));

      if (seat_type == NULL)
        return;
      if (ccm_json_string (p, "name") != NULL)
        {
          g_free (seat_type->name);
          seat_type->name = g_strdup (ccm_json_string (p, "name"));
        }
      if (ccm_json_string (p, "description") != NULL)
        {
          g_free (seat_type->description);
          seat_type->description = g_strdup (ccm_json_string (p, "description"));
        }
      seat_type->price = ccm_json_int (p, "price", seat_type->price);
      seat_type->quota = ccm_json_int (p, "quota", seat_type->quota);
    }
  else if (g_str_equal (event->type, "SeatTypeRemoved"))
    {
      CcmSeatType *seat_type = find_seat_type_by_id (state, ccm_json_string (p, "seat_type_id"));

      if (seat_type != NULL)
        seat_type->removed = TRUE;
    }
}

const CcmAggregate ccm_conference_aggregate = {
  .name = "conference",
  .new_state = conference_new_state,
  .free_state = conference_free_state,
  .evolve = conference_evolve,
};

char *
ccm_conference_stream (const char *slug)
{
  return g_strconcat ("conference/", slug, NULL);
}

/* Seat types are named by their name within a conference (case-insensitive)
 * or by id. Removed seat types are not found. */
const CcmSeatType *
ccm_conference_find_seat_type (const CcmConferenceState *state,
                               const char               *id_or_name)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (state != NULL, NULL);

  if (id_or_name == NULL)
    return NULL;

  folded = g_utf8_casefold (id_or_name, -1);
  for (guint i = 0; i < state->seat_types->len; i++)
    {
      CcmSeatType *seat_type = g_ptr_array_index (state->seat_types, i);
      g_autofree char *name = NULL;

      if (seat_type->removed)
        continue;
      if (g_strcmp0 (seat_type->id, id_or_name) == 0)
        return seat_type;
      name = g_utf8_casefold (seat_type->name, -1);
      if (g_str_equal (name, folded))
        return seat_type;
    }
  return NULL;
}

/* Validation */

gboolean
ccm_validate_slug (const char  *slug,
                   GError     **error)
{
  gsize len = slug != NULL ? strlen (slug) : 0;

  if (len == 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "slug",
                            _("The slug is empty; use lower-case letters, digits and dashes."));
      return FALSE;
    }
  if (len > 64)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "slug",
                            _("The slug “%s” is longer than 64 characters."), slug);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_islower (slug[i]) || g_ascii_isdigit (slug[i]) || slug[i] == '-'))
      {
        ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "slug",
                              _("The slug “%s” may hold only lower-case letters a–z, "
                              "digits and dashes."), slug);
        return FALSE;
      }
  return TRUE;
}

/* Deliberately simple: one @, something before it, a dotted domain after it,
 * no spaces. Mail servers are the real judges. */
gboolean
ccm_validate_email (const char  *field,
                    const char  *email,
                    GError     **error)
{
  const char *at;
  const char *dot;

  gboolean owner = g_str_equal (field, "owner_email");

  if (email == NULL || *email == '\0')
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, field, "%s",
                            owner ? _("The owner’s e-mail address is empty.")
                                  : _("The e-mail address is empty."));
      return FALSE;
    }

  at = strchr (email, '@');
  dot = at != NULL ? strrchr (at, '.') : NULL;
  if (at == NULL || at == email || strchr (at + 1, '@') != NULL ||
      dot == NULL || dot == at + 1 || dot[1] == '\0' ||
      strpbrk (email, " \t\r\n<>,;\"") != NULL || strlen (email) > 254 ||
      !g_utf8_validate (email, -1, NULL))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, field,
                            owner ? _("“%s” is not a valid e-mail address for the owner.")
                                  : _("“%s” is not a valid e-mail address."), email);
      return FALSE;
    }
  return TRUE;
}

gboolean
ccm_validate_date (const char  *field,
                   const char  *date,
                   GError     **error)
{
  gboolean start = g_str_equal (field, "start_date");
  gboolean form = date != NULL;

  if (date == NULL || date[0] == '\0')
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, field,
                            start ? _("The start date is empty; enter it in the form YYYY-MM-DD.")
                                  : _("The end date is empty; enter it in the form YYYY-MM-DD."));
      return FALSE;
    }

  /* YYYY-MM-DD exactly: ten characters, digits but for the two dashes. */
  for (guint i = 0; form && i < 10; i++)
    form = (i == 4 || i == 7) ? date[i] == '-' : g_ascii_isdigit (date[i]);
  if (form)
    form = date[10] == '\0';

  if (!form ||
      !g_date_valid_dmy ((date[8] - '0') * 10 + (date[9] - '0'),
                         (date[5] - '0') * 10 + (date[6] - '0'),
                         (date[0] - '0') * 1000 + (date[1] - '0') * 100 +
                         (date[2] - '0') * 10 + (date[3] - '0')))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, field,
                            _("The %s “%s” is not a date of the form YYYY-MM-DD."),
                            start ? _("start date") : _("end date"), date);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_text (const char  *field,
               const char  *label,
               const char  *value,
               gsize        min_chars,
               gsize        max_chars,
               GError     **error)
{
  glong chars;

  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    value = "";
  chars = g_utf8_strlen (value, -1);

  if (min_chars > 0 && chars == 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, field,
                            _("The %s is empty."), _(label));
      return FALSE;
    }
  if ((gsize) chars < min_chars)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, field,
                            _("The %s must be at least %u characters long."),
                            _(label), (guint) min_chars);
      return FALSE;
    }
  if ((gsize) chars > max_chars)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, field,
                            _("The %s must be at most %u characters long."),
                            _(label), (guint) max_chars);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_currency (const char  *currency,
                   GError     **error)
{
  if (currency == NULL || strlen (currency) != 3 ||
      !g_ascii_isupper (currency[0]) || !g_ascii_isupper (currency[1]) ||
      !g_ascii_isupper (currency[2]))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "currency",
                            _("The currency “%s” is not a three-letter ISO 4217 code "
                            "such as EUR or USD."), currency != NULL ? currency : "");
      return FALSE;
    }
  return TRUE;
}

/* Checks a conference's fields as they would be after the change. */
static gboolean
validate_conference (const char  *name,
                     const char  *tagline,
                     const char  *description,
                     const char  *location,
                     const char  *start_date,
                     const char  *end_date,
                     const char  *owner_name,
                     const char  *owner_email,
                     const char  *currency,
                     gint64       reservation_minutes,
                     GError     **error)
{
  if (!validate_text ("name", N_("conference name"), name, 1, 120, error) ||
      !validate_text ("tagline", N_("tagline"), tagline, 0, 200, error) ||
      !validate_text ("description", N_("description"), description, 0, 4000, error) ||
      !validate_text ("location", N_("location"), location, 0, 200, error) ||
      !ccm_validate_date ("start_date", start_date, error) ||
      !ccm_validate_date ("end_date", end_date, error) ||
      !validate_text ("owner_name", N_("owner's name"), owner_name, 1, 120, error) ||
      !ccm_validate_email ("owner_email", owner_email, error) ||
      !validate_currency (currency, error))
    return FALSE;

  if (strcmp (end_date, start_date) < 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "end_date",
                            _("The end date %s is before the start date %s."),
                            end_date, start_date);
      return FALSE;
    }

  if (reservation_minutes < 1 || reservation_minutes > 24 * 60)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "reservation_minutes",
                            _("The reservation window must be between 1 and 1440 minutes, "
                              "not %lld."), (long long) reservation_minutes);
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_conference (const CcmConferenceState  *state,
                    const CcmCommand          *command,
                    GError                   **error)
{
  if (!state->exists)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "slug",
                            _("There is no conference “%s”."),
                            ccm_json_string (command->args, "slug"));
      return FALSE;
    }
  return TRUE;
}

/* Commands */

static char *
conference_stream_for (const CcmCommand  *command,
                       GError           **error)
{
  const char *slug = NULL;

  if (!ccm_json_get_string (command->args, "slug", TRUE, &slug, error) ||
      !ccm_validate_slug (slug, error))
    return NULL;

  return ccm_conference_stream (slug);
}

static gboolean
decide_create (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmConferenceState *state = data;
  JsonObject *a = command->args;
  const char *conference_id = NULL, *slug = NULL, *name = NULL, *tagline = "",
             *description = "", *location = "", *start_date = NULL,
             *end_date = NULL, *owner_name = NULL, *owner_email = NULL,
             *access_code = NULL, *currency = "USD";
  gint64 reservation_minutes = CCM_DEFAULT_RESERVATION_MIN;
  JsonObject *p;

  if (!ccm_json_get_string (a, "conference_id", TRUE, &conference_id, error) ||
      !ccm_json_get_string (a, "slug", TRUE, &slug, error) ||
      !ccm_json_get_string (a, "name", TRUE, &name, error) ||
      !ccm_json_get_string (a, "tagline", FALSE, &tagline, error) ||
      !ccm_json_get_string (a, "description", FALSE, &description, error) ||
      !ccm_json_get_string (a, "location", FALSE, &location, error) ||
      !ccm_json_get_string (a, "start_date", TRUE, &start_date, error) ||
      !ccm_json_get_string (a, "end_date", TRUE, &end_date, error) ||
      !ccm_json_get_string (a, "owner_name", TRUE, &owner_name, error) ||
      !ccm_json_get_string (a, "owner_email", TRUE, &owner_email, error) ||
      !ccm_json_get_string (a, "access_code", TRUE, &access_code, error) ||
      !ccm_json_get_string (a, "currency", FALSE, &currency, error) ||
      !ccm_json_get_int (a, "reservation_minutes", FALSE, &reservation_minutes, error))
    return FALSE;

  if (!ccm_id_is_valid (conference_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "conference_id",
                            _("The conference id “%s” is not a UUID."), conference_id);
      return FALSE;
    }
  if (!ccm_validate_slug (slug, error) ||
      !validate_conference (name, tagline, description, location, start_date,
                            end_date, owner_name, owner_email, currency,
                            reservation_minutes, error) ||
      !validate_text ("access_code", N_("access code"), access_code, 6, 32, error))
    return FALSE;

  if (state->exists)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "slug",
                            _("A conference with the slug “%s” already exists."), slug);
      return FALSE;
    }

  p = json_object_new ();
  json_object_set_string_member (p, "conference_id", conference_id);
  json_object_set_string_member (p, "slug", slug);
  json_object_set_string_member (p, "name", name);
  json_object_set_string_member (p, "tagline", tagline);
  json_object_set_string_member (p, "description", description);
  json_object_set_string_member (p, "location", location);
  json_object_set_string_member (p, "start_date", start_date);
  json_object_set_string_member (p, "end_date", end_date);
  json_object_set_string_member (p, "owner_name", owner_name);
  json_object_set_string_member (p, "owner_email", owner_email);
  json_object_set_string_member (p, "access_code", access_code);
  json_object_set_string_member (p, "currency", currency);
  json_object_set_int_member (p, "reservation_minutes", reservation_minutes);
  ccm_decide_context_emit (ctx, "ConferenceCreated", p);

  json_object_set_string_member (ccm_decide_context_get_result (ctx), "conference_id",
                                 conference_id);
  return TRUE;
}

static JsonNode *
field_value (const CcmConferenceState *state,
             guint                     index)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  if (index == RESERVATION_FIELD)
    json_node_set_int (node, state->reservation_minutes);
  else
    json_node_set_string (node, *conference_field ((CcmConferenceState *) state,
                                                   text_fields[index]));
  return node;
}

/* A field changed since the issuer's base version, by someone else, is a
 * concurrent edit: the later one (this command, in server order) wins, and
 * the value it replaces is kept in a conflict record to offer back. */
static GPtrArray *
find_conflicts (const CcmConferenceState *state,
                JsonObject               *changes,
                gint64                    base_version)
{
  GPtrArray *conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  if (base_version <= 0)
    return conflicts;

  for (guint i = 0; i < CCM_CONFERENCE_N_FIELDS; i++)
    {
      const char *name = i == RESERVATION_FIELD ? "reservation_minutes" : text_fields[i];
      JsonObject *conflict;

      if (!json_object_has_member (changes, name) || state->field_version[i] <= base_version)
        continue;

      conflict = json_object_new ();
      json_object_set_string_member (conflict, "conference", state->slug);
      json_object_set_string_member (conflict, "field", name);
      json_object_set_member (conflict, "kept", json_node_copy (json_object_get_member (changes, name)));
      json_object_set_member (conflict, "other", field_value (state, i));
      ccm_json_set_string_or_null (conflict, "other_device", state->field_device[i]);
      json_object_set_int_member (conflict, "other_version", state->field_version[i]);
      json_object_set_int_member (conflict, "base_version", base_version);
      g_ptr_array_add (conflicts, conflict);
    }
  return conflicts;
}

static gboolean
decide_update (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmConferenceState *state = data;
  JsonObject *a = command->args;
  const char *after[G_N_ELEMENTS (text_fields)] = { NULL, };
  gint64 reservation_minutes;
  gint64 base_version = 0;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GPtrArray) conflicts = NULL;

  if (!require_conference (state, command, error))
    return FALSE;

  for (guint i = 0; text_fields[i] != NULL; i++)
    {
      const char *value = NULL;

      if (!ccm_json_get_string (a, text_fields[i], FALSE, &value, error))
        return FALSE;
      after[i] = value != NULL ? value
                               : *conference_field ((CcmConferenceState *) state, text_fields[i]);
      if (value != NULL &&
          g_strcmp0 (value, *conference_field ((CcmConferenceState *) state, text_fields[i])) != 0)
        json_object_set_string_member (changes, text_fields[i], value);
    }

  reservation_minutes = state->reservation_minutes;
  if (!ccm_json_get_int (a, "reservation_minutes", FALSE, &reservation_minutes, error))
    return FALSE;
  if (reservation_minutes != state->reservation_minutes)
    json_object_set_int_member (changes, "reservation_minutes", reservation_minutes);

  if (json_object_has_member (a, "new_slug") || json_object_has_member (a, "conference_id"))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "slug",
                            _("A conference’s slug and id cannot be changed."));
      return FALSE;
    }

  /* text_fields order: name tagline description location start end owner_name owner_email currency */
  if (!validate_conference (after[0], after[1], after[2], after[3], after[4], after[5],
                            after[6], after[7], after[8], reservation_minutes, error))
    return FALSE;

  if (!ccm_json_get_int (a, "base_version", FALSE, &base_version, error))
    return FALSE;

  /* Only what changed travels: concurrent edits of different fields merge. */
  if (json_object_get_size (changes) == 0)
    return TRUE;

  conflicts = find_conflicts (state, changes, base_version);
  ccm_decide_context_emit (ctx, "ConferenceUpdated", g_steal_pointer (&changes));
  for (guint i = 0; i < conflicts->len; i++)
    ccm_decide_context_emit (ctx, "ConferenceFieldConflict",
                             json_object_ref (g_ptr_array_index (conflicts, i)));
  return TRUE;
}

static gboolean
decide_publish (gconstpointer      data,
                const CcmCommand  *command,
                CcmDecideContext  *ctx,
                GError           **error)
{
  const CcmConferenceState *state = data;

  if (!require_conference (state, command, error))
    return FALSE;

  if (!state->published)
    ccm_decide_context_emit (ctx, "ConferencePublished", NULL);
  return TRUE;
}

static gboolean
decide_unpublish (gconstpointer      data,
                  const CcmCommand  *command,
                  CcmDecideContext  *ctx,
                  GError           **error)
{
  const CcmConferenceState *state = data;

  if (!require_conference (state, command, error))
    return FALSE;

  if (state->published)
    ccm_decide_context_emit (ctx, "ConferenceUnpublished", NULL);
  return TRUE;
}

static gboolean
validate_seat_type_fields (const char  *name,
                           const char  *description,
                           gint64       price,
                           gint64       quota,
                           GError     **error)
{
  if (!validate_text ("name", N_("seat type name"), name, 2, 70, error) ||
      !validate_text ("description", N_("seat type description"), description, 0, 250, error))
    return FALSE;

  if (price < 0 || price > CCM_SEAT_TYPE_MAX_PRICE)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "price",
                            _("The price must be between 0.00 and 50000.00, not %s%lld.%02d."),
                            price < 0 ? "-" : "", (long long) (ABS (price) / 100),
                            (int) (ABS (price) % 100));
      return FALSE;
    }
  if (quota < 0 || quota > CCM_SEAT_TYPE_MAX_QUOTA)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "quota",
                            _("The quota must be between 0 and 100000 seats, not %lld."),
                            (long long) quota);
      return FALSE;
    }
  return TRUE;
}

static gboolean
name_taken (const CcmConferenceState *state,
            const char               *name,
            const char               *except_id)
{
  const CcmSeatType *other = ccm_conference_find_seat_type (state, name);

  return other != NULL && g_strcmp0 (other->id, except_id) != 0;
}

static gboolean
decide_add_seat_type (gconstpointer      data,
                      const CcmCommand  *command,
                      CcmDecideContext  *ctx,
                      GError           **error)
{
  const CcmConferenceState *state = data;
  JsonObject *a = command->args;
  const char *seat_type_id = NULL, *name = NULL, *description = "";
  gint64 price = 0, quota = 0;
  JsonObject *p;

  if (!require_conference (state, command, error) ||
      !ccm_json_get_string (a, "seat_type_id", TRUE, &seat_type_id, error) ||
      !ccm_json_get_string (a, "name", TRUE, &name, error) ||
      !ccm_json_get_string (a, "description", FALSE, &description, error) ||
      !ccm_json_get_int (a, "price", TRUE, &price, error) ||
      !ccm_json_get_int (a, "quota", TRUE, &quota, error) ||
      !validate_seat_type_fields (name, description, price, quota, error))
    return FALSE;

  if (!ccm_id_is_valid (seat_type_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "seat_type_id",
                            _("The seat type id “%s” is not a UUID."), seat_type_id);
      return FALSE;
    }
  if (find_seat_type_by_id ((CcmConferenceState *) state, seat_type_id) != NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "seat_type_id",
                            _("The seat type id “%s” is already used."), seat_type_id);
      return FALSE;
    }
  if (name_taken (state, name, NULL))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "name",
                            _("The conference already has a seat type named “%s”."), name);
      return FALSE;
    }

  p = json_object_new ();
  json_object_set_string_member (p, "seat_type_id", seat_type_id);
  json_object_set_string_member (p, "conference_id", state->id);
  json_object_set_string_member (p, "name", name);
  json_object_set_string_member (p, "description", description);
  json_object_set_int_member (p, "price", price);
  json_object_set_int_member (p, "quota", quota);
  ccm_decide_context_emit (ctx, "SeatTypeCreated", p);

  json_object_set_string_member (ccm_decide_context_get_result (ctx), "seat_type_id",
                                 seat_type_id);
  return TRUE;
}

static const CcmSeatType *
require_seat_type (const CcmConferenceState  *state,
                   const CcmCommand          *command,
                   GError                   **error)
{
  const char *seat_type = NULL;
  const CcmSeatType *found;

  if (!ccm_json_get_string (command->args, "seat_type", TRUE, &seat_type, error))
    return NULL;

  found = ccm_conference_find_seat_type (state, seat_type);
  if (found == NULL)
    ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "seat_type",
                          _("The conference “%s” has no seat type “%s”."),
                          state->slug, seat_type);
  return found;
}

static gboolean
decide_update_seat_type (gconstpointer      data,
                         const CcmCommand  *command,
                         CcmDecideContext  *ctx,
                         GError           **error)
{
  const CcmConferenceState *state = data;
  JsonObject *a = command->args;
  const CcmSeatType *seat_type;
  const char *name, *description;
  gint64 price, quota;
  JsonObject *p;

  if (!require_conference (state, command, error) ||
      (seat_type = require_seat_type (state, command, error)) == NULL)
    return FALSE;

  name = seat_type->name;
  description = seat_type->description;
  price = seat_type->price;
  quota = seat_type->quota;
  if (!ccm_json_get_string (a, "name", FALSE, &name, error) ||
      !ccm_json_get_string (a, "description", FALSE, &description, error) ||
      !ccm_json_get_int (a, "price", FALSE, &price, error) ||
      !ccm_json_get_int (a, "quota", FALSE, &quota, error) ||
      !validate_seat_type_fields (name, description, price, quota, error))
    return FALSE;

  if (name_taken (state, name, seat_type->id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "name",
                            _("The conference already has a seat type named “%s”."), name);
      return FALSE;
    }

  /* DESIGN §5.3: a cut may only take free seats, not those committed, held
   * or allotted to desks (the seats refuse the cut too, should one slip in). */
  if (quota < seat_type->quota)
    {
      g_autofree char *stream = ccm_seats_stream (state->slug);
      const CcmSeatsState *seats;
      const CcmSeatAvailability *counted;

      seats = ccm_decide_context_load (ctx, &ccm_seats_aggregate, stream, NULL, error);
      if (seats == NULL)
        return FALSE;
      counted = ccm_seats_find_type (seats, seat_type->id);
      if (counted != NULL && seat_type->quota - quota > MAX (counted->remaining, 0))
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "quota",
                                _("The quota of “%s” cannot go below %lld: that many seats "
                                  "are sold, reserved or allotted to desks."),
                                seat_type->name,
                                (long long) (seat_type->quota - MAX (counted->remaining, 0)));
          return FALSE;
        }
    }

  p = json_object_new ();
  json_object_set_string_member (p, "seat_type_id", seat_type->id);
  json_object_set_string_member (p, "conference_id", state->id);
  if (g_strcmp0 (name, seat_type->name) != 0)
    json_object_set_string_member (p, "name", name);
  if (g_strcmp0 (description, seat_type->description) != 0)
    json_object_set_string_member (p, "description", description);
  if (price != seat_type->price)
    json_object_set_int_member (p, "price", price);
  if (quota != seat_type->quota)
    {
      json_object_set_int_member (p, "quota", quota);
      json_object_set_int_member (p, "previous_quota", seat_type->quota);
    }

  if (json_object_get_size (p) > 2)
    ccm_decide_context_emit (ctx, "SeatTypeUpdated", p);
  else
    json_object_unref (p);
  return TRUE;
}

static gboolean
decide_remove_seat_type (gconstpointer      data,
                         const CcmCommand  *command,
                         CcmDecideContext  *ctx,
                         GError           **error)
{
  const CcmConferenceState *state = data;
  const CcmSeatType *seat_type;
  JsonObject *p;

  if (!require_conference (state, command, error) ||
      (seat_type = require_seat_type (state, command, error)) == NULL)
    return FALSE;

  if (state->was_ever_published)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "seat_type",
                            _("The seat type “%s” cannot be removed: the conference “%s” "
                            "has been published."), seat_type->name, state->slug);
      return FALSE;
    }

  p = json_object_new ();
  json_object_set_string_member (p, "seat_type_id", seat_type->id);
  json_object_set_string_member (p, "conference_id", state->id);
  json_object_set_int_member (p, "quota", seat_type->quota);
  ccm_decide_context_emit (ctx, "SeatTypeRemoved", p);
  return TRUE;
}

static const CcmCommandHandler conference_commands[] = {
  { "CreateConference", &ccm_conference_aggregate, conference_stream_for, decide_create },
  { "UpdateConference", &ccm_conference_aggregate, conference_stream_for, decide_update },
  { "PublishConference", &ccm_conference_aggregate, conference_stream_for, decide_publish },
  { "UnpublishConference", &ccm_conference_aggregate, conference_stream_for, decide_unpublish },
  { "AddSeatType", &ccm_conference_aggregate, conference_stream_for, decide_add_seat_type },
  { "UpdateSeatType", &ccm_conference_aggregate, conference_stream_for, decide_update_seat_type },
  { "RemoveSeatType", &ccm_conference_aggregate, conference_stream_for, decide_remove_seat_type },
};

/* Personal data: the owner's name and e-mail address. */

const CcmPersonalField ccm_person_fields[] = {
  { "first_name", CCM_PERSONAL_TEXT },
  { "last_name", CCM_PERSONAL_TEXT },
  { "email", CCM_PERSONAL_EMAIL },
  { NULL }
};

static const CcmPersonalField owner_fields[] = {
  { "owner_name", CCM_PERSONAL_TEXT },
  { "owner_email", CCM_PERSONAL_EMAIL },
  { NULL }
};

/* A conflict is about the owner only when its field says so. */
static guint
redact_conflict (JsonObject *payload,
                 GPtrArray  *removed)
{
  const char *field = ccm_json_string (payload, "field");
  CcmPersonalKind kind;

  if (g_strcmp0 (field, "owner_name") == 0)
    kind = CCM_PERSONAL_TEXT;
  else if (g_strcmp0 (field, "owner_email") == 0)
    kind = CCM_PERSONAL_EMAIL;
  else
    return 0;
  return ccm_personal_redact_path (payload, "kept", kind, removed) +
         ccm_personal_redact_path (payload, "other", kind, removed);
}

static const CcmPersonalData conference_personal[] = {
  { CCM_RECORD_COMMAND, "CreateConference", owner_fields, NULL },
  { CCM_RECORD_COMMAND, "UpdateConference", owner_fields, NULL },
  { CCM_RECORD_COMMAND, "PublishConference", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "UnpublishConference", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "AddSeatType", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "UpdateSeatType", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "RemoveSeatType", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "ConferenceCreated", owner_fields, NULL },
  /* Its payload is the changed fields themselves. */
  { CCM_RECORD_EVENT, "ConferenceUpdated", owner_fields, NULL },
  { CCM_RECORD_EVENT, "ConferenceFieldConflict", CCM_NO_PERSONAL_DATA, redact_conflict },
  { CCM_RECORD_EVENT, "ConferencePublished", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "ConferenceUnpublished", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatTypeCreated", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatTypeUpdated", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "SeatTypeRemoved", CCM_NO_PERSONAL_DATA, NULL },
};

void
ccm_conference_register (CcmRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (conference_commands); i++)
    ccm_registry_add_command (registry, &conference_commands[i]);
  for (guint i = 0; i < G_N_ELEMENTS (conference_personal); i++)
    ccm_registry_add_personal_data (registry, &conference_personal[i]);
}
