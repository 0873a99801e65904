/* ccm-id.h — identifiers and random codes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Alphabet of order access codes: no 0/O, 1/I/L look-alikes. */
#define CCM_ACCESS_CODE_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ123456789"

char     *ccm_id_new          (gint64      now_us);
gboolean  ccm_id_is_valid     (const char *id);
/* What people are shown of a long id, a device's say: its last eight
 * characters (a time-ordered id starts with the time it was made, alike for
 * desks set up together). NULL for NULL or "". */
char     *ccm_id_short        (const char *id);
char     *ccm_random_code     (const char *alphabet,
                               guint       length);
void      ccm_random_bytes    (guint8     *buffer,
                               gsize       length);

G_END_DECLS
