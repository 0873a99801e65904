/* ccm-application.h — the contoso-conference application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

#define CCM_TYPE_APPLICATION (ccm_application_get_type ())
G_DECLARE_FINAL_TYPE (CcmApplication, ccm_application, CCM, APPLICATION, AdwApplication)

CcmApplication *ccm_application_new         (void);
CcmContext     *ccm_application_get_context (CcmApplication *self);

G_END_DECLS
