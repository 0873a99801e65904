/* ccm-transfer.h — a conference's attendees and orders to CSV files, and a
 * partner's attendee list from one, for the window's menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "ccm-context.h"

G_BEGIN_DECLS

typedef enum
{
  CCM_TRANSFER_ATTENDEES,
  CCM_TRANSFER_ORDERS,
} CcmTransferKind;

/* Writes the conference's attendees or orders (ccm-export.h) to a CSV
 * file that a file chooser asks for, or to path when it is not NULL, and
 * says how it went, or why not, in a toast above widget. */
void ccm_transfer_export (GtkWidget       *widget,
                          CcmContext      *context,
                          const char      *slug,
                          CcmTransferKind  kind,
                          const char      *path);

/* Reads an attendee list (ccm-export.h, "Import") from a CSV file that a
 * file chooser asks for, or from path, and gives its people their seats.
 * Every row is checked first: when some are refused, a dialog lists why,
 * line by line, and imports the others only if asked to (response
 * "import"); when all are, it only says why. */
void ccm_transfer_import (GtkWidget       *widget,
                          CcmContext      *context,
                          const char      *slug,
                          const char      *path);

G_END_DECLS
