/* ccm-checkin-page.h — the check-in desk: scan, search, admit, count
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

#define CCM_TYPE_CHECKIN_PAGE (ccm_checkin_page_get_type ())
G_DECLARE_FINAL_TYPE (CcmCheckinPage, ccm_checkin_page, CCM, CHECKIN_PAGE, GtkWidget)

void        ccm_checkin_page_set_context    (CcmCheckinPage *self,
                                             CcmContext     *context);
void        ccm_checkin_page_set_conference (CcmCheckinPage *self,
                                             const char     *slug);
void        ccm_checkin_page_focus_entry    (CcmCheckinPage *self);

/* What the desk did with the last Enter: "idle", "admitted", "exited",
 * "already-admitted", "cancelled", "unknown", "wrong-conference",
 * "wrong-seat-type", "reentry-not-allowed", "not-inside", "not-a-code"
 * or "error". For the UI tests and the benchmark. */
const char *ccm_checkin_page_get_result     (CcmCheckinPage *self);
/* The sound theme's name of the last scan's sound ("complete",
 * "dialog-warning", "dialog-error"); NULL when it had none or sounds are
 * off (whether a sound card played it is not known here). */
const char *ccm_checkin_page_get_sound      (CcmCheckinPage *self);
/* The ticket codes of the matches shown for what is typed. */
GStrv       ccm_checkin_page_get_matches    (CcmCheckinPage *self);
/* What a scanner or a person types, then Enter if `enter`. */
void        ccm_checkin_page_type_text      (CcmCheckinPage *self,
                                             const char     *text,
                                             gboolean        enter);
void        ccm_checkin_page_set_print_to   (CcmCheckinPage *self,
                                             const char     *pdf_path);
guint       ccm_checkin_page_get_badges_pending (CcmCheckinPage *self);
const char *ccm_checkin_page_get_badge_error    (CcmCheckinPage *self);
void        ccm_checkin_page_set_print_timeout  (CcmCheckinPage *self,
                                                 guint           timeout_ms);
/* Enter (exiting FALSE) or Shift+Enter (TRUE) on what the entry holds. */
void        ccm_checkin_page_activate       (CcmCheckinPage *self,
                                             gboolean        exiting);

G_END_DECLS
