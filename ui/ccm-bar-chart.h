/* ccm-bar-chart.h — a small bar chart drawn with GtkSnapshot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CCM_TYPE_BAR_CHART (ccm_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (CcmBarChart, ccm_bar_chart, CCM, BAR_CHART, GtkWidget)

GtkWidget *ccm_bar_chart_new          (void);
/* Horizontal: one stacked bar per row (seats per type). Vertical: columns
 * over a time or category axis (check-ins per hour). */
void       ccm_bar_chart_set_vertical (CcmBarChart        *self,
                                       gboolean            vertical);
void       ccm_bar_chart_set_series   (CcmBarChart        *self,
                                       const char * const *names);
void       ccm_bar_chart_clear        (CcmBarChart        *self);
void       ccm_bar_chart_append       (CcmBarChart        *self,
                                       const char         *label,
                                       const double       *values);
guint      ccm_bar_chart_get_n_bars   (CcmBarChart        *self);
double     ccm_bar_chart_get_value    (CcmBarChart        *self,
                                       guint               bar,
                                       guint               series);

G_END_DECLS
