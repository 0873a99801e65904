/* ccm-roles.h — what each role of an enrolled device may run (DESIGN §5.5)
 *
 * The server checks a pushed command's type against its device's role; an
 * enrolled store checks its own role before it runs a command, so a
 * check-in device does not sell seats the server would later refuse.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CCM_ROLE_ADMIN,
  CCM_ROLE_ORGANIZER,
  CCM_ROLE_DESK,
  CCM_ROLE_CHECKIN,
  CCM_ROLE_VIEWER,
} CcmRole;

const char *ccm_role_to_string   (CcmRole      role);
gboolean    ccm_role_from_string (const char  *text,
                                  CcmRole     *role);
/* Whether the role may run a command of this type at all. */
gboolean    ccm_role_allows      (CcmRole      role,
                                  const char  *command_type);

G_END_DECLS
