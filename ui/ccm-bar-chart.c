/* ccm-bar-chart.c — a small bar chart drawn with GtkSnapshot
 *
 * Colours come from the libadwaita palette at a strength that reads on
 * both the light and the dark background; text uses the widget's own
 * foreground colour, so the chart follows the style.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include "ccm-bar-chart.h"

#define MAX_SERIES   4
#define ROW_HEIGHT   34
#define BAR_HEIGHT   16
#define LEGEND_H     26
#define COLUMNS_H    150
#define LABEL_W      140

typedef struct
{
  char   *label;
  double  values[MAX_SERIES];
} Bar;

struct _CcmBarChart
{
  GtkWidget  parent_instance;

  gboolean   vertical;
  GStrv      series;
  GArray    *bars;   /* Bar */
};

G_DEFINE_FINAL_TYPE (CcmBarChart, ccm_bar_chart, GTK_TYPE_WIDGET)

/* Blue 3, orange 3, and the foreground at low alpha for "what is left". */
static const GdkRGBA palette[MAX_SERIES] = {
  { 0.208, 0.518, 0.894, 1.0 },
  { 1.000, 0.471, 0.000, 1.0 },
  { 0.5,   0.5,   0.5,   0.0 },   /* replaced by the foreground colour */
  { 0.200, 0.820, 0.478, 1.0 },
};

static GdkRGBA
series_color (CcmBarChart *self,
              guint        series)
{
  GdkRGBA fg;

  if (series != 2)
    return palette[series];
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fg.alpha = 0.18;
  return fg;
}

static GdkRGBA
foreground (CcmBarChart *self,
            double       alpha)
{
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fg.alpha *= alpha;
  return fg;
}

static guint
n_series (CcmBarChart *self)
{
  return self->series != NULL ? MIN (g_strv_length (self->series), MAX_SERIES) : 1;
}

static void
draw_text (CcmBarChart     *self,
           GtkSnapshot     *snapshot,
           const char      *text,
           float            x,
           float            y,
           float            max_width,
           double           alpha,
           gboolean         right_align)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  GdkRGBA color = foreground (self, alpha);
  int w, h;

  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (right_align ? x - w : x, y - h / 2.0f));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

static void
append_bar (GtkSnapshot   *snapshot,
            const GdkRGBA *color,
            float          x,
            float          y,
            float          w,
            float          h)
{
  GskRoundedRect rect;

  if (w <= 0 || h <= 0)
    return;
  gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (x, y, w, h), MIN (3, MIN (w, h) / 2));
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, w, h));
  gtk_snapshot_pop (snapshot);
}

static void
draw_legend (CcmBarChart *self,
             GtkSnapshot *snapshot,
             float        y)
{
  float x = 0;

  if (self->series == NULL || n_series (self) < 2)
    return;
  for (guint s = 0; s < n_series (self); s++)
    {
      GdkRGBA color = series_color (self, s);
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->series[s]);
      int w, h;

      pango_layout_get_pixel_size (layout, &w, &h);
      g_object_unref (layout);
      append_bar (snapshot, &color, x, y + LEGEND_H / 2.0f - 6, 12, 12);
      draw_text (self, snapshot, self->series[s], x + 18, y + LEGEND_H / 2.0f, -1, 0.8, FALSE);
      x += 18 + w + 18;
    }
}

static void
snapshot_horizontal (CcmBarChart *self,
                     GtkSnapshot *snapshot,
                     float        width)
{
  double max = 0;
  float label_w = MIN (LABEL_W, width / 3);
  float bar_w = MAX (width - label_w - 70, 10);

  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      double sum = 0;

      for (guint s = 0; s < n_series (self); s++)
        sum += MAX (bar->values[s], 0);
      max = MAX (max, sum);
    }

  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      float y = i * ROW_HEIGHT;
      float x = label_w;
      double sum = 0;
      g_autofree char *total = NULL;

      draw_text (self, snapshot, bar->label, 0, y + ROW_HEIGHT / 2.0f, label_w - 8, 1.0, FALSE);
      for (guint s = 0; s < n_series (self); s++)
        {
          GdkRGBA color = series_color (self, s);
          float w = max > 0 ? (float) (MAX (bar->values[s], 0) / max * bar_w) : 0;

          append_bar (snapshot, &color, x, y + (ROW_HEIGHT - BAR_HEIGHT) / 2.0f, w, BAR_HEIGHT);
          x += w;
          sum += MAX (bar->values[s], 0);
        }
      total = g_strdup_printf ("%'.0f", sum);
      draw_text (self, snapshot, total, x + 6, y + ROW_HEIGHT / 2.0f, -1, 0.6, FALSE);
    }
  draw_legend (self, snapshot, self->bars->len * ROW_HEIGHT + 4);
}

static void
snapshot_vertical (CcmBarChart *self,
                   GtkSnapshot *snapshot,
                   float        width)
{
  double max = 0;
  float plot_h = COLUMNS_H - 40;
  float slot;
  GdkRGBA axis = foreground (self, 0.25);
  GdkRGBA color = series_color (self, 0);
  guint label_every;

  for (guint i = 0; i < self->bars->len; i++)
    max = MAX (max, g_array_index (self->bars, Bar, i).values[0]);
  if (self->bars->len == 0)
    return;

  slot = width / self->bars->len;
  label_every = MAX (1, (guint) (70 / MAX (slot, 1)));
  gtk_snapshot_append_color (snapshot, &axis, &GRAPHENE_RECT_INIT (0, 20 + plot_h, width, 1));

  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);
      float h = max > 0 ? (float) (bar->values[0] / max * plot_h) : 0;
      float w = MAX (MIN (slot * 0.7f, 48), 2);
      float x = i * slot + (slot - w) / 2;

      append_bar (snapshot, &color, x, 20 + plot_h - h, w, h);
      if (bar->values[0] > 0 && slot >= 22)
        {
          g_autofree char *value = g_strdup_printf ("%'.0f", bar->values[0]);
          draw_text (self, snapshot, value, x, 20 + plot_h - h - 9, -1, 0.7, FALSE);
        }
      if (i % label_every == 0)
        draw_text (self, snapshot, bar->label, i * slot, 20 + plot_h + 12, slot * label_every,
                   0.6, FALSE);
    }
}

static void
ccm_bar_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CcmBarChart *self = CCM_BAR_CHART (widget);
  float width = gtk_widget_get_width (widget);

  if (self->vertical)
    snapshot_vertical (self, snapshot, width);
  else
    snapshot_horizontal (self, snapshot, width);
}

static void
ccm_bar_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  CcmBarChart *self = CCM_BAR_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 480;
    }
  else if (self->vertical)
    *minimum = *natural = COLUMNS_H;
  else
    *minimum = *natural = self->bars->len * ROW_HEIGHT +
                          (self->series != NULL && n_series (self) > 1 ? LEGEND_H + 4 : 0);
}

static void
update_description (CcmBarChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  /* What a screen reader says instead of the picture. */
  for (guint i = 0; i < self->bars->len; i++)
    {
      Bar *bar = &g_array_index (self->bars, Bar, i);

      g_string_append_printf (text, "%s%s:", i > 0 ? "; " : "", bar->label);
      for (guint s = 0; s < n_series (self); s++)
        g_string_append_printf (text, " %s%s%s%'.0f", s > 0 ? ", " : "",
                                self->series != NULL ? self->series[s] : "",
                                self->series != NULL ? " " : "", bar->values[s]);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str,
                                  -1);
}

static void
clear_bar (gpointer data)
{
  g_free (((Bar *) data)->label);
}

static void
ccm_bar_chart_finalize (GObject *object)
{
  CcmBarChart *self = CCM_BAR_CHART (object);

  g_clear_pointer (&self->bars, g_array_unref);
  g_clear_pointer (&self->series, g_strfreev);
  G_OBJECT_CLASS (ccm_bar_chart_parent_class)->finalize (object);
}

static void
ccm_bar_chart_class_init (CcmBarChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ccm_bar_chart_finalize;
  widget_class->snapshot = ccm_bar_chart_snapshot;
  widget_class->measure = ccm_bar_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "barchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ccm_bar_chart_init (CcmBarChart *self)
{
  self->bars = g_array_new (FALSE, TRUE, sizeof (Bar));
  g_array_set_clear_func (self->bars, clear_bar);
}

GtkWidget *
ccm_bar_chart_new (void)
{
  return g_object_new (CCM_TYPE_BAR_CHART, NULL);
}

void
ccm_bar_chart_set_vertical (CcmBarChart *self,
                            gboolean     vertical)
{
  g_return_if_fail (CCM_IS_BAR_CHART (self));
  self->vertical = !!vertical;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
ccm_bar_chart_set_series (CcmBarChart        *self,
                          const char * const *names)
{
  g_return_if_fail (CCM_IS_BAR_CHART (self));
  g_strfreev (self->series);
  self->series = g_strdupv ((char **) names);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
ccm_bar_chart_clear (CcmBarChart *self)
{
  g_return_if_fail (CCM_IS_BAR_CHART (self));
  g_array_set_size (self->bars, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  update_description (self);
}

void
ccm_bar_chart_append (CcmBarChart  *self,
                      const char   *label,
                      const double *values)
{
  Bar bar = { g_strdup (label), { 0, } };

  g_return_if_fail (CCM_IS_BAR_CHART (self));
  for (guint s = 0; s < n_series (self); s++)
    bar.values[s] = values[s];
  g_array_append_val (self->bars, bar);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  update_description (self);
}

guint
ccm_bar_chart_get_n_bars (CcmBarChart *self)
{
  g_return_val_if_fail (CCM_IS_BAR_CHART (self), 0);
  return self->bars->len;
}

double
ccm_bar_chart_get_value (CcmBarChart *self,
                         guint        bar,
                         guint        series)
{
  g_return_val_if_fail (CCM_IS_BAR_CHART (self), 0);
  g_return_val_if_fail (bar < self->bars->len && series < MAX_SERIES, 0);
  return g_array_index (self->bars, Bar, bar).values[series];
}
