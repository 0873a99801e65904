/* ccm-store-private.h — what the store's sibling files need of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-store.h"

G_BEGIN_DECLS

/* From this many events on, a rebuild decodes the log on a second thread. */
#define CCM_STORE_REPLAY_THREADED_FROM 1024

CcmOutcome *ccm_store_execute_in_transaction (CcmStore    *self,
                                              CcmCommand  *command,
                                              GError     **error);
/* The same, for a command id the caller found has not run. */
CcmOutcome *ccm_store_execute_new_in_transaction (CcmStore    *self,
                                                  CcmCommand  *command,
                                                  GError     **error);
/* The outcome a command id had, or NULL in *outcome if it never ran. */
gboolean    ccm_store_lookup_outcome         (CcmStore     *self,
                                              const char   *command_id,
                                              CcmOutcome  **outcome,
                                              GError      **error);
void        ccm_store_forget_states          (CcmStore    *self);
/* Events of the log were taken out (the tentative layer undone, the
 * confirmed layer dropped): forgets the folded states, and raises meta's
 * log generation, so that other connections to the file (another program
 * syncing the same store) forget theirs at their next transaction. A
 * stream's version alone cannot tell them: it may be back where it was,
 * with other events. Inside the transaction that took them out. */
#define CCM_STORE_META_LOG_GENERATION "log_generation"
gboolean    ccm_store_rewrote_log            (CcmStore    *self,
                                              GError     **error);
/* What the store last read of meta's wiped_at and enrolled is read again at
 * the next transaction's start: call after writing either. */
void        ccm_store_forget_meta            (CcmStore    *self);
void        ccm_store_mark_changed           (CcmStore    *self);
/* On an enrolled store, the log position up to which every event is
 * confirmed (set by a pull, with the tentative layer empty): how far a
 * snapshot of folded state may reach. */
#define CCM_STORE_META_CONFIRMED_POSITION "confirmed_position"
gboolean    ccm_store_set_confirmed_position (CcmStore    *self,
                                              gint64       position,
                                              GError     **error);
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
/* A standalone device's timer decision, into its command log as applied. */
gboolean    ccm_store_log_decision           (CcmStore          *self,
                                              CcmCommand        *command,
                                              const CcmOutcome  *outcome,
                                              GError           **error);
gboolean    ccm_store_compact                (CcmStore    *self,
                                              GError     **error);

G_END_DECLS
