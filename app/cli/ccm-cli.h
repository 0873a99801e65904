/* ccm-cli.h — the `contoso` command line as a library
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The exit statuses scripts can rely on. */
typedef enum
{
  CCM_CLI_EXIT_OK       = 0,
  CCM_CLI_EXIT_REJECTED = 1,  /* the domain refused the command (CCM_DOMAIN_ERROR) */
  CCM_CLI_EXIT_USAGE    = 2,  /* unknown verb or option, missing or malformed argument */
  CCM_CLI_EXIT_STORAGE  = 3,  /* the store could not be opened, read or written */
} CcmCliExit;

#define CCM_CLI_ERROR (ccm_cli_error_quark ())

typedef enum
{
  CCM_CLI_ERROR_USAGE,        /* the command line is wrong */
  CCM_CLI_ERROR_ENVIRONMENT,  /* an environment variable is wrong; also exit status 2 */
} CcmCliError;

GQuark ccm_cli_error_quark (void);

/* Runs `contoso` with the command line of main(); returns the exit status.
 * argv is reordered in place by option parsing. */
int    ccm_cli_run         (int    argc,
                            char **argv);

G_END_DECLS
