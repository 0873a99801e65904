/* ccm-attention.c — resolving attention items, one stream per conference
 *
 * The attention list (ccm-attention-views.c) is raised by events of other
 * streams: a refund due, a doubtful admission, a payment of the wrong
 * amount. Once someone has dealt with one (paid the refund back, talked to
 * the ticket's holder) they mark it resolved, with a note of what was done;
 * a resolution made by mistake can be taken back. Stream
 * "attention/<slug>" holds those marks, so every device of the conference
 * learns them with the rest of its log.
 *
 * An item is named by the event that raised it (ccm_attention_item_key),
 * not by a log position: positions are each device's own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-attention"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "ccm-attention.h"
#include "ccm-conference.h"
#include "ccm-errors.h"
#include "ccm-json.h"

#define ITEM_MAX 200

static gpointer
attention_new_state (void)
{
  CcmAttentionState *state = g_new0 (CcmAttentionState, 1);

  state->resolved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return state;
}

static void
attention_free_state (gpointer data)
{
  CcmAttentionState *state = data;

  g_hash_table_unref (state->resolved);
  g_free (state);
}

static void
attention_evolve (gpointer        data,
                  const CcmEvent *event)
{
  CcmAttentionState *state = data;
  const char *item = ccm_json_string (event->payload, "item");

  if (item == NULL)
    return;
  if (g_str_equal (event->type, "AttentionResolved"))
    g_hash_table_add (state->resolved, g_strdup (item));
  else if (g_str_equal (event->type, "AttentionReopened"))
    g_hash_table_remove (state->resolved, item);
}

const CcmAggregate ccm_attention_aggregate = {
  .name = "attention",
  .new_state = attention_new_state,
  .free_state = attention_free_state,
  .evolve = attention_evolve,
};

char *
ccm_attention_stream (const char *slug)
{
  return g_strconcat ("attention/", slug, NULL);
}

char *
ccm_attention_item_key_at (const char *stream_id,
                           gint64      version)
{
  g_return_val_if_fail (stream_id != NULL, NULL);

  return g_strdup_printf ("%s#%" G_GINT64_FORMAT, stream_id, version);
}

char *
ccm_attention_item_key (const CcmEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return ccm_attention_item_key_at (event->stream_id, event->stream_version);
}

static char *
attention_stream_for (const CcmCommand  *command,
                      GError           **error)
{
  const char *slug = NULL;

  if (!ccm_json_get_string (command->args, "conference", TRUE, &slug, error))
    return NULL;
  return ccm_attention_stream (slug);
}

static gboolean
check_item (const char  *item,
            const char  *field,
            GError     **error)
{
  if (*item == '\0' || g_utf8_strlen (item, -1) > ITEM_MAX || strchr (item, '#') == NULL)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, field,
                            _("“%s” does not name an attention item; list them with "
                              "“contoso attention list”."), item);
      return FALSE;
    }
  return TRUE;
}

/* The items the command names, checked, each once, in the order given:
 * "item", one, or "items", a list of 1 to CCM_ATTENTION_ITEMS_MAX (a list
 * marked at once: every refund of a cancelled conference paid back). NULL
 * with the error set. */
static GPtrArray *
read_items (const CcmCommand  *command,
            GError           **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *list = NULL;
  const char *item = NULL;

  if (!ccm_json_get_string (command->args, "item", FALSE, &item, error) ||
      !ccm_json_get_array (command->args, "items", FALSE, &list, error))
    return NULL;
  if ((item == NULL) == (list == NULL))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "item",
                            _("Name the attention item (item), or a list of them (items), "
                              "not both."));
      return NULL;
    }
  if (item != NULL)
    {
      if (!check_item (item, "item", error))
        return NULL;
      g_ptr_array_add (items, (gpointer) item);
      return g_steal_pointer (&items);
    }

  if (json_array_get_length (list) == 0 || json_array_get_length (list) > CCM_ATTENTION_ITEMS_MAX)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "items",
                            _("A list of attention items holds 1 to %d of them, not %u."),
                            CCM_ATTENTION_ITEMS_MAX, json_array_get_length (list));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "items",
                                _("Element %u of the list of attention items is not text."), i + 1);
          return NULL;
        }
      item = json_node_get_string (node);
      if (!check_item (item, "items", error))
        return NULL;
      if (g_hash_table_add (seen, (gpointer) item))
        g_ptr_array_add (items, (gpointer) item);
    }
  return g_steal_pointer (&items);
}

static gboolean
require_conference (const CcmCommand  *command,
                    CcmDecideContext  *ctx,
                    GError           **error)
{
  const char *slug = ccm_json_string (command->args, "conference");
  g_autofree char *stream = ccm_conference_stream (slug);
  const CcmConferenceState *conference;

  conference = ccm_decide_context_load (ctx, &ccm_conference_aggregate, stream, NULL, error);
  if (conference == NULL)
    return FALSE;
  if (!conference->exists)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "conference",
                            _("There is no conference “%s”."), slug);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
mark_payload (const CcmCommand *command,
              const char       *item)
{
  JsonObject *p = json_object_new ();

  json_object_set_string_member (p, "conference", ccm_json_string (command->args, "conference"));
  json_object_set_string_member (p, "item", item);
  return p;
}

/* Resolving an item resolved already changes nothing. */
static gboolean
decide_resolve (gconstpointer      data,
                const CcmCommand  *command,
                CcmDecideContext  *ctx,
                GError           **error)
{
  const CcmAttentionState *state = data;
  g_autoptr(GPtrArray) items = NULL;
  const char *note = NULL;

  if ((items = read_items (command, error)) == NULL ||
      !ccm_json_get_string (command->args, "note", FALSE, &note, error) ||
      !require_conference (command, ctx, error))
    return FALSE;
  if (note != NULL && g_utf8_strlen (note, -1) > CCM_ATTENTION_NOTE_MAX)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "note",
                            _("The note is longer than %d characters."), CCM_ATTENTION_NOTE_MAX);
      return FALSE;
    }

  for (guint i = 0; i < items->len; i++)
    {
      const char *item = g_ptr_array_index (items, i);
      JsonObject *p;

      if (g_hash_table_contains (state->resolved, item))
        continue;
      p = mark_payload (command, item);
      ccm_json_set_string_or_null (p, "note", note != NULL && *note != '\0' ? note : NULL);
      ccm_decide_context_emit (ctx, "AttentionResolved", p);
    }
  return TRUE;
}

/* Taking back a resolution that is not there changes nothing either. */
static gboolean
decide_reopen (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmAttentionState *state = data;
  g_autoptr(GPtrArray) items = NULL;

  if ((items = read_items (command, error)) == NULL ||
      !require_conference (command, ctx, error))
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    if (g_hash_table_contains (state->resolved, g_ptr_array_index (items, i)))
      ccm_decide_context_emit (ctx, "AttentionReopened",
                               mark_payload (command, g_ptr_array_index (items, i)));
  return TRUE;
}

static const CcmCommandHandler attention_commands[] = {
  { "ResolveAttention", &ccm_attention_aggregate, attention_stream_for, decide_resolve },
  { "ReopenAttention", &ccm_attention_aggregate, attention_stream_for, decide_reopen },
};

/* A note is free text: it may name someone. */
static const CcmPersonalField note_fields[] = {
  { "note", CCM_PERSONAL_TEXT },
  { NULL }
};

static const CcmPersonalData attention_personal[] = {
  { CCM_RECORD_COMMAND, "ResolveAttention", note_fields, NULL },
  { CCM_RECORD_COMMAND, "ReopenAttention", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "AttentionResolved", note_fields, NULL },
  { CCM_RECORD_EVENT, "AttentionReopened", CCM_NO_PERSONAL_DATA, NULL },
};

gint64
ccm_attention_mark_items (CcmStore            *store,
                          const char          *type,
                          const char          *slug,
                          GPtrArray           *items,
                          const char          *note,
                          CcmAttentionSubmit   submit,
                          gpointer             user_data,
                          GError             **error)
{
  gint64 changed = 0;

  g_return_val_if_fail (CCM_IS_STORE (store), -1);
  g_return_val_if_fail (items != NULL, -1);

  if (!ccm_store_begin (store, error))
    return -1;
  for (guint i = 0; i < items->len; i += CCM_ATTENTION_ITEMS_MAX)
    {
      g_autoptr(CcmOutcome) outcome = NULL;
      JsonObject *args = json_object_new ();
      JsonArray *list = json_array_new ();

      for (guint j = i; j < MIN (items->len, i + CCM_ATTENTION_ITEMS_MAX); j++)
        json_array_add_string_element (list, g_ptr_array_index (items, j));
      json_object_set_string_member (args, "conference", slug);
      json_object_set_array_member (args, "items", list);
      if (note != NULL && *note != '\0')
        json_object_set_string_member (args, "note", note);
      if ((outcome = submit (user_data, type, args, error)) == NULL)
        {
          ccm_store_rollback (store);
          return -1;
        }
      changed += outcome->n_events;
    }
  if (!ccm_store_commit (store, error))
    return -1;
  return changed;
}

void
ccm_attention_register (CcmRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (attention_commands); i++)
    ccm_registry_add_command (registry, &attention_commands[i]);
  for (guint i = 0; i < G_N_ELEMENTS (attention_personal); i++)
    ccm_registry_add_personal_data (registry, &attention_personal[i]);
}
