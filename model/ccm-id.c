/* ccm-id.c
 *
 * Ids are UUID version 7: 48 bits of millisecond time, then random bits
 * that count up within a millisecond (below). Time-ordered ids keep the
 * unique indexes growing at their tail.
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

/* The random bits of the last id made, and its millisecond: ids made in
 * the same millisecond count up from it (RFC 9562, 6.2, method 2), so a
 * burst of commands (an import, a benchmark, a process manager's outbox)
 * still appends to the indexes' tail instead of splitting pages all over
 * them. A clock that moves, forward or back, starts afresh: an id always
 * carries the millisecond it was made in. */
static GMutex last_lock;
static guint64 last_ms = G_MAXUINT64;
static guint64 last_a;          /* 12 bits */
static guint64 last_b;          /* 62 bits */

#define RAND_B_MASK ((G_GUINT64_CONSTANT (1) << 62) - 1)

char *
ccm_id_new (gint64 now_us)
{
  guint64 ms = (guint64) (now_us / 1000);
  guint64 a, b;
  guint8 r[12];

  ccm_random_bytes (r, sizeof r);

  g_mutex_lock (&last_lock);
  if (ms == last_ms)
    {
      /* Up by a random step of 1 to 2^32: still hard to guess the next. */
      guint64 step = 1 + ((guint64) r[0] << 24 | (guint64) r[1] << 16 | (guint64) r[2] << 8 | r[3]);

      a = last_a;
      b = last_b + step;
      if (b > RAND_B_MASK)
        {
          b &= RAND_B_MASK;
          a++;
        }
      if (a > 0xfff)
        ms = G_MAXUINT64;   /* 2^41 ids or more in a millisecond: start afresh below */
    }
  if (ms != last_ms)
    {
      ms = (guint64) (now_us / 1000);
      /* The top bit of the 12 left clear: room to count up. */
      a = ((guint64) r[4] << 8 | r[5]) & 0x7ff;
      b = 0;
      for (guint i = 6; i < 12; i++)
        b = b << 8 | r[i];
      b |= (guint64) (r[0] & 0x3f) << 56 | (guint64) r[1] << 48;
    }
  last_ms = ms;
  last_a = a;
  last_b = b;
  g_mutex_unlock (&last_lock);

  /* 48 bits of time, version 7, 12 bits of a, the variant, 62 bits of b. */
  return g_strdup_printf ("%08x-%04x-7%03x-%04x-%012" G_GINT64_MODIFIER "x",
                          (guint) ((ms >> 16) & 0xffffffff), (guint) (ms & 0xffff), (guint) a,
                          (guint) (0x8000 | (b >> 48)), b & G_GUINT64_CONSTANT (0xffffffffffff));
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
