/* ccm-clock.c
 *
 * Every time the program reads (event recording, reservation expiry, timers)
 * comes from one CcmClock, so tests and scripts can hold or move time.
 * Times are microseconds since the Unix epoch, UTC.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-clock"

#include <glib/gi18n-lib.h>
#include "ccm-clock.h"
#include "ccm-errors.h"

struct _CcmClock
{
  GObject parent_instance;
  gboolean fixed;
  gint64 now_us;
};

G_DEFINE_FINAL_TYPE (CcmClock, ccm_clock, G_TYPE_OBJECT)

static void
ccm_clock_class_init (CcmClockClass *klass)
{
}

static void
ccm_clock_init (CcmClock *self)
{
}

CcmClock *
ccm_clock_new_system (void)
{
  return g_object_new (CCM_TYPE_CLOCK, NULL);
}

CcmClock *
ccm_clock_new_fixed (gint64 now_us)
{
  CcmClock *self = g_object_new (CCM_TYPE_CLOCK, NULL);

  self->fixed = TRUE;
  self->now_us = now_us;
  return self;
}

/* CONTOSO_NOW (an ISO 8601 time) holds the clock for scripts and tests that
 * need a known time, e.g. to let a reservation window run out. */
CcmClock *
ccm_clock_new_from_environment (GError **error)
{
  const char *now = g_getenv ("CONTOSO_NOW");
  gint64 now_us;

  if (now == NULL || *now == '\0')
    return ccm_clock_new_system ();

  if (!ccm_time_parse (now, &now_us))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("CONTOSO_NOW is not an ISO 8601 time: “%s”"), now);
      return NULL;
    }

  return ccm_clock_new_fixed (now_us);
}

gint64
ccm_clock_now (CcmClock *self)
{
  g_return_val_if_fail (CCM_IS_CLOCK (self), 0);

  if (self->fixed)
    return self->now_us;

  return g_get_real_time ();
}

gboolean
ccm_clock_is_fixed (CcmClock *self)
{
  g_return_val_if_fail (CCM_IS_CLOCK (self), FALSE);

  return self->fixed;
}

void
ccm_clock_set (CcmClock *self,
               gint64    now_us)
{
  g_return_if_fail (CCM_IS_CLOCK (self));

  self->fixed = TRUE;
  self->now_us = now_us;
}

void
ccm_clock_advance (CcmClock *self,
                   gint64    delta_us)
{
  g_return_if_fail (CCM_IS_CLOCK (self));

  if (!self->fixed)
    {
      self->fixed = TRUE;
      self->now_us = g_get_real_time ();
    }
  self->now_us += delta_us;
}

/* RFC 3339 in UTC with milliseconds: stable, sortable, and what the JSON
 * output and the event log use. */
char *
ccm_time_format (gint64 time_us)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *base = NULL;

  dt = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  if (dt == NULL)
    return g_strdup ("invalid");

  base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", base,
                          (int) ((time_us % G_USEC_PER_SEC) / 1000));
}

gboolean
ccm_time_parse (const char *text,
                gint64     *time_us)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;

  g_return_val_if_fail (time_us != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    return FALSE;

  *time_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC
             + g_date_time_get_microsecond (dt);
  return TRUE;
}
