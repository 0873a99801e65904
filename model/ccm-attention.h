/* ccm-attention.h — marking attention items resolved (DESIGN §3.5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"
#include "ccm-store.h"

G_BEGIN_DECLS

/* The longest note a resolution keeps, in characters. */
#define CCM_ATTENTION_NOTE_MAX 500
/* The most items one ResolveAttention or ReopenAttention names ("items"). */
#define CCM_ATTENTION_ITEMS_MAX 1000

typedef struct
{
  GHashTable *resolved;   /* item key → nothing: the items resolved now */
} CcmAttentionState;

extern const CcmAggregate ccm_attention_aggregate;

char *ccm_attention_stream     (const char     *slug);
/* An item's key: the event that raised it, by stream and version, the same
 * on every device once the event is confirmed. */
char *ccm_attention_item_key   (const CcmEvent *event);
/* The same key, of the event at `version` of `stream_id`. */
char *ccm_attention_item_key_at (const char    *stream_id,
                                 gint64         version);
/* A command of this device the server refused is an item too, named by the
 * command's id: "command#" and the id (no stream id starts so). */
#define CCM_ATTENTION_COMMAND_PREFIX "command#"
void  ccm_attention_register   (CcmRegistry    *registry);

/* How a caller runs a command: the window through its context, the
 * command line through its own path. Takes args. */
typedef CcmOutcome *(*CcmAttentionSubmit) (gpointer     user_data,
                                           const char  *type,
                                           JsonObject  *args,
                                           GError     **error);
/* Marks `items` (keys) of conference `slug` resolved or reopened, `type`
 * "ResolveAttention" or "ReopenAttention", in commands of at most
 * CCM_ATTENTION_ITEMS_MAX items each, all in one transaction of `store`:
 * all or none. Returns how many items changed, -1 on error. */
gint64 ccm_attention_mark_items (CcmStore            *store,
                                 const char          *type,
                                 const char          *slug,
                                 GPtrArray           *items,
                                 const char          *note,
                                 CcmAttentionSubmit   submit,
                                 gpointer             user_data,
                                 GError             **error);

G_END_DECLS
