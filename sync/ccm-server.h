/* ccm-server.h — the sync server: the protocol of DESIGN §5.4 over libsoup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ccm-server-store.h"

G_BEGIN_DECLS

#define CCM_TYPE_SERVER (ccm_server_get_type ())
G_DECLARE_FINAL_TYPE (CcmServer, ccm_server, CCM, SERVER, GObject)

CcmServer      *ccm_server_new               (CcmServerStore  *store);
CcmServerStore *ccm_server_get_store         (CcmServer       *self);

/* Before ccm_server_listen(): serve HTTPS with this certificate and key. */
gboolean        ccm_server_set_tls_files     (CcmServer       *self,
                                              const char      *cert_file,
                                              const char      *key_file,
                                              GError         **error);
/* address is an IP address (127.0.0.1 when NULL); port 0 picks a free one. */
gboolean        ccm_server_listen            (CcmServer       *self,
                                              const char      *address,
                                              guint            port,
                                              GError         **error);
guint           ccm_server_get_port          (CcmServer       *self);
/* "http(s)://ADDRESS:PORT" once listening. */
char           *ccm_server_get_url           (CcmServer       *self);
guint           ccm_server_get_poke_timeout  (CcmServer       *self);
void            ccm_server_set_poke_timeout  (CcmServer       *self,
                                              guint            seconds);
void            ccm_server_disconnect        (CcmServer       *self);

G_END_DECLS
