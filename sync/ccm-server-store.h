/* ccm-server-store.h — the sync server's own tables beside the event store
 *
 * Devices, enrollment codes, tokens, each device's applied sequence numbers
 * with their outcomes, and the conflict list live in the server's store
 * file, so a command's effects and its device's sequence number commit in
 * one transaction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ccm-protocol.h"
#include "ccm-roles.h"
#include "ccm-store.h"

G_BEGIN_DECLS

/* The schema of the server's tables, kept in the store's meta table. */
#define CCM_SERVER_SCHEMA_VERSION 2

typedef struct
{
  char    *id;
  char    *name;
  CcmRole  role;
  GStrv    conferences;   /* empty: every conference */
  gint64   created_at;
  gint64   revoked_at;    /* 0 while the device may sync */
  gint64   last_seq;
  gint64   last_seen_at;
} CcmDevice;

void        ccm_device_free      (CcmDevice   *device);
gboolean    ccm_device_covers    (const CcmDevice *device,
                                  const char  *conference);
JsonObject *ccm_device_to_json   (const CcmDevice *device);

#define CCM_TYPE_SERVER_STORE (ccm_server_store_get_type ())
G_DECLARE_FINAL_TYPE (CcmServerStore, ccm_server_store, CCM, SERVER_STORE, GObject)

/* The registry of a server store: the product's, plus the projection that
 * maps each event to its conference (for filtered pulls and scope checks). */
CcmRegistry    *ccm_server_registry_new            (void);
char           *ccm_server_store_path              (const char      *data_dir);

CcmServerStore *ccm_server_store_new               (CcmStore        *store,
                                                    GError         **error);
CcmServerStore *ccm_server_store_open              (const char      *data_dir,
                                                    CcmClock        *clock,
                                                    GError         **error);
CcmStore       *ccm_server_store_get_store         (CcmServerStore  *self);
const char     *ccm_server_store_get_epoch         (CcmServerStore  *self);
const char     *ccm_server_store_get_server_id     (CcmServerStore  *self);
gint64          ccm_server_store_now               (CcmServerStore  *self);

/* Enrollment */
char           *ccm_server_store_create_code       (CcmServerStore  *self,
                                                    CcmRole          role,
                                                    const char *const *conferences,
                                                    const char      *name,
                                                    gint64           expires_in_us,
                                                    GError         **error);
/* Spends the code; returns the new device and its secret (shown once). */
CcmDevice      *ccm_server_store_enroll            (CcmServerStore  *self,
                                                    const char      *code,
                                                    const char      *name,
                                                    char           **secret,
                                                    GError         **error);
/* With a name (not NULL, not blank), the device is renamed to it. */
char           *ccm_server_store_issue_token       (CcmServerStore  *self,
                                                    const char      *device_id,
                                                    const char      *secret,
                                                    const char      *name,
                                                    gint64          *expires_at,
                                                    GError         **error);
/* Notes that the device reached the server now (what `devices list` shows
 * as last seen), at most once a minute; a failure is only logged. */
void            ccm_server_store_note_seen         (CcmServerStore  *self,
                                                    CcmDevice       *device);
CcmDevice      *ccm_server_store_authenticate      (CcmServerStore  *self,
                                                    const char      *token,
                                                    GError         **error);

GPtrArray      *ccm_server_store_list_devices      (CcmServerStore  *self,
                                                    GError         **error);
CcmDevice      *ccm_server_store_get_device        (CcmServerStore  *self,
                                                    const char      *device_id,
                                                    GError         **error);
gboolean        ccm_server_store_revoke_device     (CcmServerStore  *self,
                                                    const char      *device_id,
                                                    GError         **error);

/* The protocol's two data endpoints; each returns the response body. */
JsonObject     *ccm_server_store_push              (CcmServerStore  *self,
                                                    const CcmDevice *device,
                                                    GPtrArray       *commands,
                                                    gint64          *expected_seq,
                                                    GError         **error);
JsonObject     *ccm_server_store_pull              (CcmServerStore  *self,
                                                    const CcmDevice *device,
                                                    const char      *epoch,
                                                    gint64           position,
                                                    gint64           limit,
                                                    GError         **error);
/* Whether events after position concern the device. */
gboolean        ccm_server_store_has_news          (CcmServerStore  *self,
                                                    const CcmDevice *device,
                                                    gint64           position);

GPtrArray      *ccm_server_store_list_conflicts    (CcmServerStore  *self,
                                                    GError         **error);
/* A consistent copy while the server runs; the copy gets a new epoch so
 * devices start over from it if it is ever restored. */
gboolean        ccm_server_store_backup            (CcmServerStore  *self,
                                                    const char      *path,
                                                    GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmDevice, ccm_device_free)

G_END_DECLS
