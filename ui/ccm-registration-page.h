/* ccm-registration-page.h — walk-up registration, step by step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

#define CCM_TYPE_REGISTRATION_PAGE (ccm_registration_page_get_type ())
G_DECLARE_FINAL_TYPE (CcmRegistrationPage, ccm_registration_page, CCM, REGISTRATION_PAGE, GtkWidget)

void           ccm_registration_page_set_context     (CcmRegistrationPage *self,
                                                      CcmContext          *context);
void           ccm_registration_page_set_conference  (CcmRegistrationPage *self,
                                                      const char          *slug);
/* In a narrow window the seat rows put their buttons one above the other. */
void           ccm_registration_page_set_narrow      (CcmRegistrationPage *self,
                                                      gboolean             narrow);
gboolean       ccm_registration_page_resume          (CcmRegistrationPage *self,
                                                      const char          *order_id);
/* "closed", "choose", "reserved", "registrant", "payment", "done", "expired" */
const char    *ccm_registration_page_get_step        (CcmRegistrationPage *self);
const char    *ccm_registration_page_get_order_id    (CcmRegistrationPage *self);
GtkSpinButton *ccm_registration_page_get_quantity    (CcmRegistrationPage *self,
                                                      const char          *seat_type_name);
GtkWidget     *ccm_registration_page_get_waitlist_button (CcmRegistrationPage *self,
                                                      const char          *seat_type_name);
/* The i-th attendee's expander row, with "first-name", "last-name",
 * "email" and "assign" widgets as object data. */
GtkWidget     *ccm_registration_page_get_attendee_row (CcmRegistrationPage *self,
                                                      guint                position);

/* The guaranteed / provisional note of the reservation step, NULL when hidden. */
GtkWidget     *ccm_registration_page_get_sale_note   (CcmRegistrationPage *self);
void           ccm_registration_page_set_print_to    (CcmRegistrationPage *self,
                                                      const char          *pdf_path);

G_END_DECLS
