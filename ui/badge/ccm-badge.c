/* ccm-badge.c — a conference badge on cairo
 *
 * Hierarchy, from what a person reads across a room to what a scanner
 * reads up close: the first name, very large; the last name; the seat type
 * as a coloured tag; the conference band at the top; the QR code of the
 * ticket code with the code under it in groups of four.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-badge"

#include <glib/gi18n-lib.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "ccm-badge.h"

G_DEFINE_QUARK (ccm-badge-error-quark, ccm_badge_error)

#define FONT_FAMILY "Sans"
#define MONO_FAMILY "Monospace"
/* The QR code's quiet zone, in modules (the standard asks for 4). */
#define QR_QUIET 4

/* GNOME palette: blue 4 for the band and the tag, dark 4 for text. */
static const double accent[3] = { 0x1c / 255.0, 0x71 / 255.0, 0xd8 / 255.0 };
static const double ink[3] = { 0x24 / 255.0, 0x1f / 255.0, 0x31 / 255.0 };
static const double muted[3] = { 0x5e / 255.0, 0x5c / 255.0, 0x64 / 255.0 };

static const char *
member (JsonObject *object,
        const char *name)
{
  const char *value = NULL;

  if (object != NULL && json_object_has_member (object, name))
    value = json_object_get_string_member_with_default (object, name, NULL);
  return value != NULL ? value : "";
}

static void
set_rgb (cairo_t      *cr,
         const double  rgb[3])
{
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

/* The widest line of layout, in points. */
static double
widest_line (PangoLayout *layout)
{
  double widest = 0;

  for (int i = 0; i < pango_layout_get_line_count (layout); i++)
    {
      PangoRectangle logical;

      pango_layout_line_get_extents (pango_layout_get_line_readonly (layout, i), NULL, &logical);
      widest = MAX (widest, logical.width / (double) PANGO_SCALE);
    }
  return widest;
}

static gboolean
breaks_a_word (PangoLayout *layout,
               const char  *text)
{
  for (int i = 1; i < pango_layout_get_line_count (layout); i++)
    {
      int start = pango_layout_get_line_readonly (layout, i)->start_index;

      if (start > 0 && text[start - 1] != ' ' && text[start - 1] != '-' && text[start] != ' ')
        return TRUE;
    }
  return FALSE;
}

/* A layout of text in family/weight, centred in width, at the largest size
 * from max_size down to min_size (points) at which it fits in max_lines
 * lines broken between words; at min_size, cut with an ellipsis. */
static PangoLayout *
fitted_layout (cairo_t     *cr,
               const char  *text,
               const char  *family,
               PangoWeight  weight,
               double       max_size,
               double       min_size,
               double       width,
               int          max_lines)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_new ();

  pango_font_description_set_family (font, family);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));

  for (double size = max_size; ; size = MAX (min_size, size * 0.92))
    {
      pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
      pango_layout_set_font_description (layout, font);
      /* Pango breaks inside a word when the word alone is too long: then
       * the size is too large too. */
      if ((pango_layout_get_line_count (layout) <= max_lines &&
           widest_line (layout) <= width + 0.5 && !breaks_a_word (layout, text)) ||
          size <= min_size)
        break;
    }

  pango_layout_set_height (layout, -max_lines);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  return layout;
}

/* Draws layout centred horizontally in (x, width) with its top at y;
 * returns its height. */
static double
show_centered (cairo_t     *cr,
               PangoLayout *layout,
               double       x,
               double       width,
               double       y)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  cairo_move_to (cr, x + (width - logical.width / (double) PANGO_SCALE) / 2.0
                     - logical.x / (double) PANGO_SCALE, y);
  pango_cairo_show_layout (cr, layout);
  return logical.height / (double) PANGO_SCALE;
}

static double
layout_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return logical.height / (double) PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return logical.width / (double) PANGO_SCALE;
}

static GDateTime *
parse_date (const char *text)
{
  int y, m, d;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return NULL;
  return g_date_time_new_utc (y, m, d, 0, 0, 0);
}

/* "1–3 March 2027", "28 February – 2 March 2027" or the two full dates. */
static char *
date_range (const char *start_text,
            const char *end_text)
{
  g_autoptr(GDateTime) start = parse_date (start_text);
  g_autoptr(GDateTime) end = parse_date (end_text);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (start == NULL)
    return g_strdup ("");
  if (end == NULL || g_date_time_compare (start, end) == 0)
    return g_date_time_format (start, "%-d %B %Y");

  b = g_date_time_format (end, "%-d %B %Y");
  if (g_date_time_get_year (start) != g_date_time_get_year (end))
    a = g_date_time_format (start, "%-d %B %Y");
  else if (g_date_time_get_month (start) != g_date_time_get_month (end))
    a = g_date_time_format (start, "%-d %B");
  else
    {
      a = g_date_time_format (start, "%-d");
      return g_strdup_printf ("%s–%s", a, b);
    }
  return g_strdup_printf ("%s – %s", a, b);
}

/* "ABCDEFGHJKMN" → "ABCD EFGH JKMN", easier to read out at a desk. */
static char *
grouped_code (const char *code)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; code[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (s, ' ');
      g_string_append_c (s, code[i]);
    }
  return g_string_free (s, FALSE);
}

static void
rounded_rectangle (cairo_t *cr,
                   double   x,
                   double   y,
                   double   width,
                   double   height,
                   double   radius)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* The QR code of code as a square of side size at (x, y), quiet zone
 * included; FALSE when it cannot be encoded. */
static gboolean
draw_qr (cairo_t    *cr,
         const char *code,
         double      x,
         double      y,
         double      size)
{
  QRcode *qr;
  double module;

  if (*code == '\0')
    return FALSE;
  /* Upper-case letters and digits: libqrencode picks alphanumeric mode. */
  qr = QRcode_encodeString (code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr == NULL)
    return FALSE;

  module = size / (qr->width + 2 * QR_QUIET);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int row = 0; row < qr->width; row++)
    for (int col = 0; col < qr->width; col++)
      if (qr->data[row * qr->width + col] & 1)
        cairo_rectangle (cr, x + (col + QR_QUIET) * module, y + (row + QR_QUIET) * module,
                         module, module);
  cairo_fill (cr);
  cairo_restore (cr);
  QRcode_free (qr);
  return TRUE;
}

/* The conference band across the top: its name, the dates, the place. */
static double
draw_band (cairo_t    *cr,
           double      width,
           double      band,
           double      margin,
           JsonObject *conference)
{
  g_autofree char *dates = date_range (member (conference, "start_date"),
                                       member (conference, "end_date"));
  g_autoptr(PangoLayout) name = NULL;
  g_autoptr(PangoLayout) when = NULL;
  g_autoptr(PangoLayout) where = NULL;
  const char *location = member (conference, "location");
  double inner = width - 2 * margin;
  double y, lines;

  set_rgb (cr, accent);
  cairo_rectangle (cr, 0, 0, width, band);
  cairo_fill (cr);

  name = fitted_layout (cr, member (conference, "name"), FONT_FAMILY, PANGO_WEIGHT_BOLD,
                        band * 0.22, band * 0.13, inner, 1);
  when = fitted_layout (cr, dates, FONT_FAMILY, PANGO_WEIGHT_NORMAL, band * 0.12, band * 0.09,
                        inner, 1);
  if (*location != '\0')
    where = fitted_layout (cr, location, FONT_FAMILY, PANGO_WEIGHT_NORMAL, band * 0.12,
                           band * 0.09, inner, 1);

  lines = layout_height (name) + layout_height (when) * 1.1 +
          (where != NULL ? layout_height (where) : 0);
  y = (band - lines) / 2.0;
  cairo_set_source_rgb (cr, 1, 1, 1);
  y += show_centered (cr, name, margin, inner, y);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.88);
  y += show_centered (cr, when, margin, inner, y + layout_height (when) * 0.1) +
       layout_height (when) * 0.1;
  if (where != NULL)
    show_centered (cr, where, margin, inner, y);
  return band;
}

/* The seat type as a tag centred in (x, width) at y; returns its height. */
static double
draw_tag (cairo_t    *cr,
          const char *seat_type,
          double      x,
          double      width,
          double      y,
          double      size)
{
  g_autofree char *upper = g_utf8_strup (seat_type, -1);
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
  double pad_x = size * 0.9, pad_y = size * 0.4;
  double w, h;

  if (*seat_type == '\0')
    return 0;
  layout = fitted_layout (cr, upper, FONT_FAMILY, PANGO_WEIGHT_BOLD, size, size * 0.6,
                          width - 2 * pad_x, 1);
  pango_attr_list_insert (attrs, pango_attr_letter_spacing_new ((int) (size * 0.08 * PANGO_SCALE)));
  pango_layout_set_attributes (layout, attrs);
  w = MIN (layout_width (layout), width - 2 * pad_x) + 2 * pad_x;
  h = layout_height (layout) + 2 * pad_y;

  set_rgb (cr, accent);
  rounded_rectangle (cr, x + (width - w) / 2.0, y, w, h, h / 2.0);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  show_centered (cr, layout, x, width, y + pad_y);
  return h;
}

/* First and last name, or a line to write on for an unassigned seat;
 * returns the height used. */
static double
draw_names (cairo_t    *cr,
            JsonObject *attendee,
            double      x,
            double      width,
            double      y,
            double      size)
{
  const char *first = member (attendee, "first_name");
  const char *last = member (attendee, "last_name");
  g_autoptr(PangoLayout) big = NULL;
  g_autoptr(PangoLayout) small = NULL;
  double top = y;

  if (*first == '\0' && *last == '\0')
    {
      g_autoptr(PangoLayout) hint = fitted_layout (cr, _("Name"), FONT_FAMILY,
                                                   PANGO_WEIGHT_NORMAL, size * 0.3,
                                                   size * 0.2, width, 1);

      set_rgb (cr, muted);
      cairo_set_line_width (cr, 0.75);
      cairo_move_to (cr, x + width * 0.1, y + size * 1.2);
      cairo_line_to (cr, x + width * 0.9, y + size * 1.2);
      cairo_stroke (cr);
      show_centered (cr, hint, x, width, y + size * 1.3);
      return size * 1.3 + layout_height (hint);
    }

  /* A badge is read by its first name; without one, the last name leads. */
  big = fitted_layout (cr, *first != '\0' ? first : last, FONT_FAMILY, PANGO_WEIGHT_BOLD,
                       size, size * 0.4, width, 2);
  set_rgb (cr, ink);
  y += show_centered (cr, big, x, width, y);
  if (*first != '\0' && *last != '\0')
    {
      small = fitted_layout (cr, last, FONT_FAMILY, PANGO_WEIGHT_NORMAL, size * 0.5,
                             size * 0.3, width, 2);
      y += show_centered (cr, small, x, width, y);
    }
  return y - top;
}

static double
draw_code (cairo_t    *cr,
           const char *code,
           double      x,
           double      width,
           double      y,
           double      size)
{
  g_autofree char *grouped = grouped_code (code);
  g_autoptr(PangoLayout) layout = fitted_layout (cr, grouped, MONO_FAMILY, PANGO_WEIGHT_NORMAL,
                                                 size, size * 0.6, width, 1);

  set_rgb (cr, muted);
  return show_centered (cr, layout, x, width, y);
}

/* Names and tag stacked from y; returns their height. */
static double
draw_middle (cairo_t    *cr,
             JsonObject *attendee,
             double      x,
             double      width,
             double      name_size,
             double      gap,
             double      tag_size)
{
  double names_h = draw_names (cr, attendee, x, width, 0, name_size);

  return names_h + gap + draw_tag (cr, member (attendee, "seat_type"), x, width,
                                   names_h + gap, tag_size);
}

/* The middle block centred vertically in (top, space): measured on a
 * throw-away group first, then drawn. */
static void
draw_middle_centered (cairo_t    *cr,
                      JsonObject *attendee,
                      double      x,
                      double      width,
                      double      top,
                      double      space,
                      double      name_size,
                      double      gap,
                      double      tag_size)
{
  double h;

  cairo_push_group (cr);
  h = draw_middle (cr, attendee, x, width, name_size, gap, tag_size);
  cairo_pattern_destroy (cairo_pop_group (cr));

  cairo_save (cr);
  cairo_translate (cr, 0, top + MAX (0, (space - h) / 2.0));
  draw_middle (cr, attendee, x, width, name_size, gap, tag_size);
  cairo_restore (cr);
}

void
ccm_badge_draw (cairo_t    *cr,
                double      width,
                double      height,
                JsonObject *attendee,
                JsonObject *conference)
{
  const char *code;
  double margin, band, inner;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (width > 0 && height > 0);
  g_return_if_fail (attendee != NULL);

  code = member (attendee, "ticket_code");
  margin = MIN (width, height) * 0.07;
  inner = width - 2 * margin;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  if (height >= width)
    {
      /* Portrait (A6): band, names, tag, then the code at the bottom. */
      double qr = MIN (inner * 0.62, height * 0.34);
      double code_size = height * 0.03;
      double qr_top = height - margin - code_size * 1.4 - qr;
      double names_top, space;

      band = draw_band (cr, width, height * 0.2, margin, conference);

      /* The names and the tag, centred in what the band and the code leave. */
      names_top = band + margin;
      space = qr_top - names_top;
      draw_middle_centered (cr, attendee, margin, inner, names_top, space,
                            height * 0.11, height * 0.025, height * 0.028);

      if (draw_qr (cr, code, (width - qr) / 2.0, qr_top, qr))
        draw_code (cr, code, margin, inner, qr_top + qr + code_size * 0.1, code_size);
    }
  else
    {
      /* Landscape (4 × 3 in): band, then names and tag left, code right. */
      double qr, text_w, top, space;
      double code_size = height * 0.045;

      band = draw_band (cr, width, height * 0.27, margin, conference);
      qr = MIN (height - band - margin * 1.5 - code_size * 1.4, width * 0.36);
      text_w = width - 3 * margin - qr;
      top = band + margin * 0.75;
      space = height - top - margin;

      draw_middle_centered (cr, attendee, margin, text_w, top, space,
                            height * 0.16, height * 0.04, height * 0.045);

      if (draw_qr (cr, code, width - margin - qr, top, qr))
        draw_code (cr, code, width - margin - qr, qr, top + qr + code_size * 0.1, code_size);
    }

  cairo_restore (cr);
}

gboolean
ccm_badge_write_pdf (const char  *path,
                     JsonArray   *attendees,
                     JsonObject  *conference,
                     GError     **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (attendees != NULL, FALSE);

  surface = cairo_pdf_surface_create (path, CCM_BADGE_A6_WIDTH, CCM_BADGE_A6_HEIGHT);
  cr = cairo_create (surface);
  if (conference != NULL && json_object_has_member (conference, "name"))
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                    member (conference, "name"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Contoso Conference");

  for (guint i = 0; i < json_array_get_length (attendees); i++)
    {
      ccm_badge_draw (cr, CCM_BADGE_A6_WIDTH, CCM_BADGE_A6_HEIGHT,
                      json_array_get_object_element (attendees, i), conference);
      cairo_show_page (cr);
    }

  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, CCM_BADGE_ERROR, CCM_BADGE_ERROR_FAILED,
                   _("Could not write the badges to %s: %s."), display,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
