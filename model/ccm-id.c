/* ccm-id.c
 *
 * Ids are UUID version 7: 48 bits of millisecond time, then random bits.
 * Time-ordered ids keep the unique indexes growing at their tail.
 * Random values that must be unguessable (ticket and access codes) come from
 * the kernel's CSPRNG.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-id"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "ccm-id.h"

void
ccm_random_bytes (guint8 *buffer,
                  gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      gssize n = getrandom (buffer + done, length - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("The system random number generator failed: %s",
                   g_strerror (errno));
        }
      done += (gsize) n;
    }
}

char *
ccm_id_new (gint64 now_us)
{
  guint8 b[16];
  guint64 ms = (guint64) (now_us / 1000);

  ccm_random_bytes (b, sizeof b);

  b[0] = (ms >> 40) & 0xff;
  b[1] = (ms >> 32) & 0xff;
  b[2] = (ms >> 24) & 0xff;
  b[3] = (ms >> 16) & 0xff;
  b[4] = (ms >> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | (b[6] & 0x0f);   /* version 7 */
  b[8] = 0x80 | (b[8] & 0x3f);   /* RFC 4122 variant */

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
ccm_id_short (const char *id)
{
  glong length;

  if (id == NULL || *id == '\0')
    return NULL;
  length = g_utf8_strlen (id, -1);
  return g_utf8_substring (id, MAX (length - 8, 0), length);
}

gboolean
ccm_id_is_valid (const char *id)
{
  if (id == NULL || strlen (id) != 36)
    return FALSE;

  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (id[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (id[i]) || g_ascii_isupper (id[i]))
        return FALSE;
    }

  return TRUE;
}

/* Uniform over the alphabet: bytes at or above the largest multiple of the
 * alphabet's size are thrown away rather than folded (no modulo bias). */
char *
ccm_random_code (const char *alphabet,
                 guint       length)
{
  gsize n = strlen (alphabet);
  guint limit;
  GString *code;

  g_return_val_if_fail (n > 0 && n <= 256, NULL);

  limit = 256 - (256 % n);
  code = g_string_sized_new (length);

  while (code->len < length)
    {
      guint8 buf[32];

      ccm_random_bytes (buf, sizeof buf);
      for (guint i = 0; i < sizeof buf && code->len < length; i++)
        if (buf[i] < limit)
          g_string_append_c (code, alphabet[buf[i] % n]);
    }

  return g_string_free (code, FALSE);
}
