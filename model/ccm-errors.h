/* ccm-errors.h — error domains of the model layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CCM_STORE_ERROR (ccm_store_error_quark ())
#define CCM_DOMAIN_ERROR (ccm_domain_error_quark ())

/* Storage failures: the store file, SQLite, concurrency. */
typedef enum
{
  CCM_STORE_ERROR_FAILED,
  CCM_STORE_ERROR_NOT_A_STORE,   /* not SQLite, or another program's database */
  CCM_STORE_ERROR_NEWER_SCHEMA,  /* written by a newer version of the program */
  CCM_STORE_ERROR_CORRUPT,
  CCM_STORE_ERROR_IO,
  CCM_STORE_ERROR_BUSY,
  CCM_STORE_ERROR_READ_ONLY,
  CCM_STORE_ERROR_CONCURRENCY,   /* expected stream version did not match */
  CCM_STORE_ERROR_UNKNOWN_COMMAND,
  CCM_STORE_ERROR_PROJECTION,
} CcmStoreError;

/* Business rejections: the command was understood and refused. */
typedef enum
{
  CCM_DOMAIN_ERROR_INVALID,      /* a field has a bad value; see the field */
  CCM_DOMAIN_ERROR_NOT_FOUND,    /* the thing the command names does not exist */
  CCM_DOMAIN_ERROR_CONFLICT,     /* the current state does not allow it */
  CCM_DOMAIN_ERROR_FORBIDDEN,    /* the caller's role does not allow it */
} CcmDomainError;

GQuark      ccm_store_error_quark      (void);
GQuark      ccm_domain_error_quark     (void);

void        ccm_domain_error_set       (GError         **error,
                                        CcmDomainError   code,
                                        const char      *field,
                                        const char      *format,
                                        ...) G_GNUC_PRINTF (4, 5);
const char *ccm_domain_error_get_field (const GError    *error);

G_END_DECLS
