/* ccm-server-cli.h — `contoso-server`: serve, enrollment, devices, backup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The same exit statuses as `contoso`. */
typedef enum
{
  CCM_SERVER_EXIT_OK       = 0,
  CCM_SERVER_EXIT_REJECTED = 1,  /* refused: an unknown device, a spent code… */
  CCM_SERVER_EXIT_USAGE    = 2,  /* unknown verb or option, missing or bad argument or config */
  CCM_SERVER_EXIT_STORAGE  = 3,  /* the store or the network could not be used */
} CcmServerExit;

int ccm_server_cli_run (int    argc,
                        char **argv);

G_END_DECLS
