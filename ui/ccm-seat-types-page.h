/* ccm-seat-types-page.h — a conference's seat types: add, edit, remove
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

#define CCM_TYPE_SEAT_TYPES_PAGE (ccm_seat_types_page_get_type ())
G_DECLARE_FINAL_TYPE (CcmSeatTypesPage, ccm_seat_types_page, CCM, SEAT_TYPES_PAGE, GtkWidget)

void       ccm_seat_types_page_set_context    (CcmSeatTypesPage *self,
                                               CcmContext       *context);
void       ccm_seat_types_page_set_conference (CcmSeatTypesPage *self,
                                               const char       *slug);
void       ccm_seat_types_page_refresh        (CcmSeatTypesPage *self);
/* The open editor (add or edit), or NULL: for tests. */
GtkWidget *ccm_seat_types_page_get_editor     (CcmSeatTypesPage *self);
GtkWidget *ccm_seat_types_page_get_row        (CcmSeatTypesPage *self,
                                               guint             index);

/* The editor's parts, for tests. */
GtkWidget *ccm_seat_type_editor_get_entry     (GtkWidget        *editor,
                                               const char       *field);
const char *ccm_seat_type_editor_get_error    (GtkWidget        *editor,
                                               const char       *field);
void       ccm_seat_type_editor_save          (GtkWidget        *editor);

G_END_DECLS
