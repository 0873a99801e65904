/* ccm-store-private.h — what the store's sibling files need of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"

G_BEGIN_DECLS

CcmOutcome *ccm_store_execute_in_transaction (CcmStore    *self,
                                              CcmCommand  *command,
                                              GError     **error);
void        ccm_store_forget_states          (CcmStore    *self);
void        ccm_store_mark_changed           (CcmStore    *self);
gboolean    ccm_store_append_confirmed       (CcmStore    *self,
                                              CcmEvent    *event,
                                              GError     **error);
gboolean    ccm_store_clear_confirmed        (CcmStore    *self,
                                              GError     **error);
gboolean    ccm_store_undo_tentative         (CcmStore    *self,
                                              GError     **error);
gboolean    ccm_store_replay_pending         (CcmStore    *self,
                                              GError     **error);
gboolean    ccm_store_in_transaction         (CcmStore    *self);
gboolean    ccm_store_compact                (CcmStore    *self,
                                              GError     **error);

G_END_DECLS
