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
 * payment mismatches) an "Open Order" button. An item of the log (not a
 * refused command) has "Resolve…" (win.resolve-attention) or, once
 * resolved, says when and with what note and has "Reopen"
 * (win.reopen-attention); both take the item's key, and neither is there
 * unless can_mark (the device's role may mark items). The buttons are
 * one above the other if stacked (a narrow window; see
 * ccm_ui_list_stack_buttons). */
GtkWidget *ccm_attention_row_new (JsonObject *item,
                                  gboolean    can_mark,
                                  gboolean    stacked);

G_END_DECLS
