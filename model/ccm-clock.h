/* ccm-clock.h — the one clock of the program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CCM_TYPE_CLOCK (ccm_clock_get_type ())
G_DECLARE_FINAL_TYPE (CcmClock, ccm_clock, CCM, CLOCK, GObject)

CcmClock  *ccm_clock_new_system           (void);
CcmClock  *ccm_clock_new_fixed            (gint64      now_us);
CcmClock  *ccm_clock_new_from_environment (GError    **error);
gint64     ccm_clock_now                  (CcmClock   *self);
gboolean   ccm_clock_is_fixed             (CcmClock   *self);
void       ccm_clock_set                  (CcmClock   *self,
                                           gint64      now_us);
void       ccm_clock_advance              (CcmClock   *self,
                                           gint64      delta_us);

char      *ccm_time_format                (gint64      time_us);
gboolean   ccm_time_parse                 (const char *text,
                                           gint64     *time_us);

G_END_DECLS
