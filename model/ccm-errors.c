/* ccm-errors.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ccm-errors.h"

G_DEFINE_QUARK (ccm-store-error-quark, ccm_store_error)

/* Domain errors carry the name of the field at fault, so the command line,
 * the desktop forms and the sync protocol can all point at it. */
typedef struct
{
  char *field;
} CcmDomainErrorPrivate;

static void
ccm_domain_error_private_init (CcmDomainErrorPrivate *priv)
{
  priv->field = NULL;
}

static void
ccm_domain_error_private_copy (const CcmDomainErrorPrivate *src,
                               CcmDomainErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
}

static void
ccm_domain_error_private_clear (CcmDomainErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
}

G_DEFINE_EXTENDED_ERROR (CcmDomainError, ccm_domain_error)

void
ccm_domain_error_set (GError         **error,
                      CcmDomainError   code,
                      const char      *field,
                      const char      *format,
                      ...)
{
  va_list args;
  GError *err;

  if (error == NULL)
    return;

  va_start (args, format);
  err = g_error_new_valist (CCM_DOMAIN_ERROR, code, format, args);
  va_end (args);

  if (field != NULL)
    ccm_domain_error_get_private (err)->field = g_strdup (field);

  g_propagate_error (error, err);
}

const char *
ccm_domain_error_get_field (const GError *error)
{
  CcmDomainErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != CCM_DOMAIN_ERROR)
    return NULL;

  priv = ccm_domain_error_get_private (error);
  return priv != NULL ? priv->field : NULL;
}
