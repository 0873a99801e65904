/* fault-proxy.c — a TCP proxy on 127.0.0.1 that breaks what it forwards
 *
 * Each accepted connection gets one to the upstream port, and two pumps:
 * client → server and server → client. A pump reads a chunk, and when the
 * chunk begins a message (the other side spoke last) it draws the
 * message's fate; the chunks after it in the same message pass. Closing
 * waits for the pumps' operations in flight to end (they are cancelled),
 * then closes both sockets, with SO_LINGER 0 for a reset.
 *
 * Everything but the settings and the counts lives in the proxy's thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "fault-proxy.h"

#include <string.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#define BUFFER_SIZE   (64 * 1024)
#define DELAY_MIN_MS  5
#define DELAY_MAX_MS  120

struct _FaultProxy
{
  guint64          seed;

  /* Shared with the caller's thread. */
  GMutex           lock;
  GCond            cond;
  gboolean         ready;
  guint            port;
  guint            upstream_port;
  FaultRates       rates;
  gboolean         offline;
  guint            counts[N_FAULT_KINDS];
  guint            open;          /* connections not closed yet */

  /* The proxy's thread only. */
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GSocketListener *listener;
  GCancellable    *cancellable;
  GList           *conns;
  guint            next_conn;
  gboolean         stopping;
};

typedef struct _Conn Conn;

typedef struct
{
  Conn    *conn;
  int      dir;          /* 0: client → server, 1: server → client */
  guint8  *buffer;
  gsize    length;
  gboolean then_close;
  GSource *delay;
} Pump;

struct _Conn
{
  FaultProxy        *proxy;
  guint              id;
  GSocketConnection *side[2];   /* 0: the client's, 1: the server's */
  GCancellable      *cancellable;
  Pump               pump[2];
  guint              pending;   /* operations and timeouts in flight */
  gboolean           closing;
  gboolean           reset;
  int                last_dir;
  guint              messages[2];
};

static void start_read (Pump *pump);

const char *
fault_kind_to_string (FaultKind kind)
{
  static const char *const names[] = {
    [FAULT_PASS] = "pass",
    [FAULT_DELAY] = "delay",
    [FAULT_DROP] = "drop",
    [FAULT_TRUNCATE] = "truncate",
    [FAULT_RESET] = "reset",
    [FAULT_REFUSED] = "refused",
  };

  g_return_val_if_fail ((guint) kind < N_FAULT_KINDS, "?");
  return names[kind];
}

static void
count (FaultProxy *proxy,
       FaultKind   kind)
{
  g_mutex_lock (&proxy->lock);
  proxy->counts[kind]++;
  g_mutex_unlock (&proxy->lock);
}

/* Small messages go out at once, as the two ends sent them. */
static void
set_no_delay (GSocketConnection *connection)
{
  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY,
                       1, NULL);
}

/* Closing then sends RST instead of FIN. */
static void
set_reset (GSocketConnection *connection)
{
  struct linger linger = { 1, 0 };

  setsockopt (g_socket_get_fd (g_socket_connection_get_socket (connection)), SOL_SOCKET,
              SO_LINGER, &linger, sizeof linger);
}

/* The fate of message INDEX going DIR on connection CONN: a function of the
 * seed and these numbers alone, whatever else the proxy did meanwhile. */
static FaultKind
decide (FaultProxy *proxy,
        guint       conn,
        int         dir,
        guint       index,
        guint32    *param)
{
  guint32 seeds[5] = { (guint32) proxy->seed, (guint32) (proxy->seed >> 32), conn, dir, index };
  g_autoptr(GRand) rand = g_rand_new_with_seed_array (seeds, G_N_ELEMENTS (seeds));
  guint x = g_rand_int_range (rand, 0, 1000);
  FaultRates rates;

  *param = g_rand_int (rand);
  g_mutex_lock (&proxy->lock);
  rates = proxy->rates;
  g_mutex_unlock (&proxy->lock);

  if (x < rates.delay)
    return FAULT_DELAY;
  x -= rates.delay;
  if (x < rates.drop)
    return FAULT_DROP;
  x -= rates.drop;
  if (x < rates.truncate)
    return FAULT_TRUNCATE;
  x -= rates.truncate;
  if (x < rates.reset)
    return FAULT_RESET;
  return FAULT_PASS;
}

/* Closing */

static void
check_stopped (FaultProxy *proxy)
{
  if (proxy->stopping && proxy->conns == NULL)
    g_main_loop_quit (proxy->loop);
}

static void
conn_free (Conn *conn)
{
  for (int i = 0; i < 2; i++)
    {
      g_clear_object (&conn->side[i]);
      g_free (conn->pump[i].buffer);
    }
  g_clear_object (&conn->cancellable);
  g_free (conn);
}

/* Once nothing is in flight any more: both sockets go. */
static void
finish_close (Conn *conn)
{
  FaultProxy *proxy = conn->proxy;

  if (conn->pending > 0)
    return;
  for (int i = 0; i < 2; i++)
    {
      if (conn->reset)
        set_reset (conn->side[i]);
      g_io_stream_close (G_IO_STREAM (conn->side[i]), NULL, NULL);
    }
  proxy->conns = g_list_remove (proxy->conns, conn);
  conn_free (conn);
  g_mutex_lock (&proxy->lock);
  proxy->open--;
  g_cond_broadcast (&proxy->cond);
  g_mutex_unlock (&proxy->lock);
  check_stopped (proxy);
}

static void
conn_close (Conn     *conn,
            gboolean  reset)
{
  if (conn->closing)
    return;
  conn->closing = TRUE;
  conn->reset = reset;
  g_cancellable_cancel (conn->cancellable);
  for (int i = 0; i < 2; i++)
    if (conn->pump[i].delay != NULL)
      {
        g_source_destroy (conn->pump[i].delay);
        g_clear_pointer (&conn->pump[i].delay, g_source_unref);
        conn->pending--;
      }
  finish_close (conn);
}

/* Pumps */

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Pump *pump = user_data;
  Conn *conn = pump->conn;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);

  conn->pending--;
  if (conn->closing)
    finish_close (conn);
  else if (!ok || pump->then_close)
    conn_close (conn, FALSE);
  else
    start_read (pump);
}

static void
forward (Pump     *pump,
         gsize     length,
         gboolean  then_close)
{
  Conn *conn = pump->conn;
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (conn->side[1 - pump->dir]));

  pump->then_close = then_close;
  conn->pending++;
  g_output_stream_write_all_async (output, pump->buffer, length, G_PRIORITY_DEFAULT,
                                   conn->cancellable, write_cb, pump);
}

static gboolean
delay_cb (gpointer user_data)
{
  Pump *pump = user_data;

  g_clear_pointer (&pump->delay, g_source_unref);
  pump->conn->pending--;
  forward (pump, pump->length, FALSE);
  return G_SOURCE_REMOVE;
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pump *pump = user_data;
  Conn *conn = pump->conn;
  FaultProxy *proxy = conn->proxy;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);
  FaultKind kind = FAULT_PASS;
  guint32 param = 0;

  conn->pending--;
  if (conn->closing)
    {
      finish_close (conn);
      return;
    }
  if (n <= 0)
    {
      conn_close (conn, FALSE);
      return;
    }

  pump->length = n;
  if (conn->last_dir != pump->dir)
    {
      conn->last_dir = pump->dir;
      kind = decide (proxy, conn->id, pump->dir, conn->messages[pump->dir]++, &param);
      count (proxy, kind);
    }

  switch (kind)
    {
    case FAULT_DELAY:
      conn->pending++;
      pump->delay = g_timeout_source_new (DELAY_MIN_MS + param % (DELAY_MAX_MS - DELAY_MIN_MS));
      g_source_set_callback (pump->delay, delay_cb, pump, NULL);
      g_source_attach (pump->delay, proxy->context);
      break;
    case FAULT_DROP:
      conn_close (conn, FALSE);
      break;
    case FAULT_TRUNCATE:
      if (n > 1)
        forward (pump, 1 + param % (n - 1), TRUE);
      else
        conn_close (conn, FALSE);
      break;
    case FAULT_RESET:
      conn_close (conn, TRUE);
      break;
    case FAULT_PASS:
    case FAULT_REFUSED:
    case N_FAULT_KINDS:
    default:
      forward (pump, n, FALSE);
      break;
    }
}

static void
start_read (Pump *pump)
{
  Conn *conn = pump->conn;
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (conn->side[pump->dir]));

  conn->pending++;
  g_input_stream_read_async (input, pump->buffer, BUFFER_SIZE, G_PRIORITY_DEFAULT,
                             conn->cancellable, read_cb, pump);
}

/* Connections */

static void
reset_now (GSocketConnection *connection)
{
  set_reset (connection);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static void
accept_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  FaultProxy *proxy = user_data;
  g_autoptr(GSocketConnection) accepted = NULL;
  g_autoptr(GSocketConnection) upstream = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  gboolean offline;
  guint port;
  Conn *conn;

  accepted = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, &error);
  if (accepted == NULL)
    return;   /* cancelled: the proxy stops */
  g_socket_listener_accept_async (proxy->listener, proxy->cancellable, accept_cb, proxy);

  g_mutex_lock (&proxy->lock);
  offline = proxy->offline;
  port = proxy->upstream_port;
  g_mutex_unlock (&proxy->lock);

  if (proxy->stopping)
    {
      reset_now (accepted);
      return;
    }
  if (offline)
    {
      count (proxy, FAULT_REFUSED);
      reset_now (accepted);
      return;
    }

  /* On loopback a connect is answered at once: accepted or refused. A
   * plain socket, not a GSocketClient: that one logs every step. */
  address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  if (socket == NULL || !g_socket_connect (socket, address, NULL, NULL))
    {
      reset_now (accepted);
      return;
    }
  upstream = g_socket_connection_factory_create_connection (socket);

  conn = g_new0 (Conn, 1);
  conn->proxy = proxy;
  conn->id = proxy->next_conn++;
  conn->side[0] = g_steal_pointer (&accepted);
  conn->side[1] = g_steal_pointer (&upstream);
  conn->cancellable = g_cancellable_new ();
  conn->last_dir = -1;
  for (int i = 0; i < 2; i++)
    {
      set_no_delay (conn->side[i]);
      conn->pump[i].conn = conn;
      conn->pump[i].dir = i;
      conn->pump[i].buffer = g_malloc (BUFFER_SIZE);
    }
  proxy->conns = g_list_prepend (proxy->conns, conn);
  g_mutex_lock (&proxy->lock);
  proxy->open++;
  g_mutex_unlock (&proxy->lock);
  start_read (&conn->pump[0]);
  start_read (&conn->pump[1]);
}

/* The thread */

static gpointer
proxy_thread (gpointer user_data)
{
  FaultProxy *proxy = user_data;
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (proxy->context);

  proxy->listener = g_socket_listener_new ();
  proxy->cancellable = g_cancellable_new ();
  if (!g_socket_listener_add_address (proxy->listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error))
    g_error ("The fault proxy cannot listen: %s", error->message);
  g_socket_listener_accept_async (proxy->listener, proxy->cancellable, accept_cb, proxy);

  g_mutex_lock (&proxy->lock);
  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  proxy->ready = TRUE;
  g_cond_signal (&proxy->cond);
  g_mutex_unlock (&proxy->lock);

  g_main_loop_run (proxy->loop);

  g_clear_object (&proxy->listener);
  g_clear_object (&proxy->cancellable);
  /* Cancelled operations report to the context: let them. */
  while (g_main_context_iteration (proxy->context, FALSE))
    ;
  g_main_context_pop_thread_default (proxy->context);
  return NULL;
}

static gboolean
stop_cb (gpointer user_data)
{
  FaultProxy *proxy = user_data;
  GList *conns = g_list_copy (proxy->conns);

  proxy->stopping = TRUE;
  g_cancellable_cancel (proxy->cancellable);
  g_socket_listener_close (proxy->listener);
  for (GList *l = conns; l != NULL; l = l->next)
    conn_close (l->data, FALSE);
  g_list_free (conns);
  check_stopped (proxy);
  return G_SOURCE_REMOVE;
}

/* The API */

FaultProxy *
fault_proxy_new (guint   upstream_port,
                 guint64 seed)
{
  FaultProxy *proxy = g_new0 (FaultProxy, 1);

  proxy->seed = seed;
  proxy->upstream_port = upstream_port;
  g_mutex_init (&proxy->lock);
  g_cond_init (&proxy->cond);
  proxy->context = g_main_context_new ();
  proxy->loop = g_main_loop_new (proxy->context, FALSE);
  proxy->thread = g_thread_new ("fault-proxy", proxy_thread, proxy);

  g_mutex_lock (&proxy->lock);
  while (!proxy->ready)
    g_cond_wait (&proxy->cond, &proxy->lock);
  g_mutex_unlock (&proxy->lock);
  return proxy;
}

void
fault_proxy_free (FaultProxy *proxy)
{
  if (proxy == NULL)
    return;
  g_main_context_invoke (proxy->context, stop_cb, proxy);
  g_thread_join (proxy->thread);
  g_main_loop_unref (proxy->loop);
  g_main_context_unref (proxy->context);
  g_mutex_clear (&proxy->lock);
  g_cond_clear (&proxy->cond);
  g_free (proxy);
}

guint
fault_proxy_get_port (FaultProxy *proxy)
{
  return proxy->port;
}

char *
fault_proxy_dup_url (FaultProxy *proxy)
{
  return g_strdup_printf ("http://127.0.0.1:%u", proxy->port);
}

void
fault_proxy_set_rates (FaultProxy       *proxy,
                       const FaultRates *rates)
{
  g_mutex_lock (&proxy->lock);
  if (rates != NULL)
    proxy->rates = *rates;
  else
    memset (&proxy->rates, 0, sizeof proxy->rates);
  g_mutex_unlock (&proxy->lock);
}

void
fault_proxy_set_offline (FaultProxy *proxy,
                         gboolean    offline)
{
  g_mutex_lock (&proxy->lock);
  proxy->offline = offline;
  g_mutex_unlock (&proxy->lock);
}

void
fault_proxy_get_counts (FaultProxy *proxy,
                        guint       counts[N_FAULT_KINDS])
{
  g_mutex_lock (&proxy->lock);
  memcpy (counts, proxy->counts, sizeof proxy->counts);
  g_mutex_unlock (&proxy->lock);
}

gboolean
fault_proxy_wait_idle (FaultProxy *proxy,
                       guint       timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean idle;

  g_mutex_lock (&proxy->lock);
  while (proxy->open > 0 && g_cond_wait_until (&proxy->cond, &proxy->lock, end))
    ;
  idle = proxy->open == 0;
  g_mutex_unlock (&proxy->lock);
  return idle;
}
