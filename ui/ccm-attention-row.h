/* ccm-attention-row.h — one row of the attention list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* An AdwActionRow: what happened and what to do (the item's message), when
 * it was recorded, and for items about an order (refunds, refused commands,
 * payment mismatches) an "Open Order" button. */
GtkWidget *ccm_attention_row_new (JsonObject *item);

G_END_DECLS
