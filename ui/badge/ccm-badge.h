/* ccm-badge.h — a conference badge on cairo: name, seat type, conference
 * and the ticket code as text and as a QR code
 *
 * No GTK here: the command line writes PDFs with it and the desktop app's
 * GtkPrintOperation draws on its print context's cairo_t with the same
 * function. The badge fills whatever rectangle it is given; it is laid out
 * for A6 portrait and for 4 × 3 inch landscape (the common badge stocks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A6 in points (105 × 148 mm). */
#define CCM_BADGE_A6_WIDTH  297.64
#define CCM_BADGE_A6_HEIGHT 419.53

#define CCM_BADGE_ERROR (ccm_badge_error_quark ())

typedef enum
{
  CCM_BADGE_ERROR_FAILED,   /* cairo could not write the file */
  CCM_BADGE_ERROR_QR,       /* the ticket code does not fit a QR code */
} CcmBadgeError;

GQuark   ccm_badge_error_quark (void);

/* Draws one badge in (0, 0, width, height) of cr, in points. attendee is
 * one element of ccm_attendee_views_search() (ticket_code, first_name,
 * last_name, seat_type…); conference is ccm_conference_views_get()'s. */
void     ccm_badge_draw        (cairo_t     *cr,
                                double       width,
                                double       height,
                                JsonObject  *attendee,
                                JsonObject  *conference);

/* One A6 page per attendee. */
gboolean ccm_badge_write_pdf   (const char  *path,
                                JsonArray   *attendees,
                                JsonObject  *conference,
                                GError     **error);

G_END_DECLS
