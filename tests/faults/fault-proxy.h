/* fault-proxy.h — a TCP proxy on 127.0.0.1 that breaks what it forwards
 *
 * It sits between one desk and the sync server and, message by message,
 * passes, delays, drops (closes before forwarding), truncates (forwards a
 * part, then closes) or resets (RST) the connection. A message is what one
 * side sends before the other answers: an HTTP request or its response.
 * Each decision is drawn from the seed, the connection's number and the
 * message's number, so a run of the same client steps makes the same
 * faults. It runs in a thread of its own, with its own main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  FAULT_PASS,
  FAULT_DELAY,
  FAULT_DROP,
  FAULT_TRUNCATE,
  FAULT_RESET,
  FAULT_REFUSED,     /* a connection while offline: reset at once */
  N_FAULT_KINDS
} FaultKind;

/* Per mille of messages; the rest pass. */
typedef struct
{
  guint delay;
  guint drop;
  guint truncate;
  guint reset;
} FaultRates;

typedef struct _FaultProxy FaultProxy;

FaultProxy *fault_proxy_new         (guint             upstream_port,
                                     guint64           seed);
void        fault_proxy_free        (FaultProxy       *proxy);
guint       fault_proxy_get_port    (FaultProxy       *proxy);
char       *fault_proxy_dup_url     (FaultProxy       *proxy);
/* NULL: every message passes. */
void        fault_proxy_set_rates   (FaultProxy       *proxy,
                                     const FaultRates *rates);
/* Offline: every connection is reset as soon as it is accepted. */
void        fault_proxy_set_offline (FaultProxy       *proxy,
                                     gboolean          offline);
/* How many of each kind so far (FAULT_PASS counts messages passed). */
void        fault_proxy_get_counts  (FaultProxy       *proxy,
                                     guint             counts[N_FAULT_KINDS]);
/* Waits until every connection is closed: a message held back (a delay)
 * for a client that is gone still reaches the server. FALSE on timeout. */
gboolean    fault_proxy_wait_idle   (FaultProxy       *proxy,
                                     guint             timeout_ms);
const char *fault_kind_to_string    (FaultKind         kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FaultProxy, fault_proxy_free)

G_END_DECLS
