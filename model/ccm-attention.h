/* ccm-attention.h — marking attention items resolved (DESIGN §3.5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-registry.h"

G_BEGIN_DECLS

/* The longest note a resolution keeps, in characters. */
#define CCM_ATTENTION_NOTE_MAX 500

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

G_END_DECLS
