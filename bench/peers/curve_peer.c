/*
 * The libzmq side of bench/curve_bench.ts: PUSH->PULL throughput and
 * handshake rate over tcp, with CURVE or NULL security, in C against
 * libzmq (no Python in the measured path).
 *
 *   curve_peer thr-recv <endpoint> <size> <count> <server-secret|->
 *       binds a PULL (a CURVE server when a secret key is given), prints
 *       "endpoint: <resolved>", receives <count> messages of <size> bytes and
 *       prints "RESULT {json}" timed from the first message to the last.
 *   curve_peer thr-send <endpoint> <size> <count> <server-public|-> <public> <secret>
 *       connects a PUSH (a CURVE client when a server key is given) and
 *       sends <count> messages of <size> bytes.
 *   curve_peer hs-server <endpoint> <server-secret|->
 *       binds a ROUTER, prints "endpoint: <resolved>", serves handshakes
 *       until its stdin closes.
 *   curve_peer hs-client <endpoint> <count> <server-public|-> <public> <secret>
 *       <count> times (after one untimed warm-up): a new DEALER connects, waits for
 *       ZMQ_EVENT_HANDSHAKE_SUCCEEDED (a monitor on inproc) and is closed;
 *       prints "RESULT {json}" with the handshakes per second.
 *
 * Keys are Z85 text (40 characters). Built at run time by curve_bench.ts:
 *   gcc -O2 curve_peer.c -o curve_peer -lzmq
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static void die (const char *what)
{
    fprintf (stderr, "curve_peer: %s: %s\n", what, zmq_strerror (errno));
    exit (1);
}

static double now_s (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int is_key (const char *arg)
{
    return strcmp (arg, "-") != 0;
}

static void set_server (void *s, const char *secret)
{
    int one = 1;
    if (!is_key (secret))
        return;
    if (zmq_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, secret, 40) != 0)
        die ("CURVE server options");
}

static void set_client (void *s, const char *server, const char *pub, const char *sec)
{
    if (!is_key (server))
        return;
    if (zmq_setsockopt (s, ZMQ_CURVE_SERVERKEY, server, 40) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_PUBLICKEY, pub, 40) != 0
        || zmq_setsockopt (s, ZMQ_CURVE_SECRETKEY, sec, 40) != 0)
        die ("CURVE client options");
}

static void print_endpoint (void *s)
{
    char buf[256];
    size_t len = sizeof buf;
    if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, buf, &len) != 0)
        die ("getsockopt LAST_ENDPOINT");
    printf ("endpoint: %s\n", buf);
    fflush (stdout);
}

static int thr_recv (int argc, char **argv, void *ctx)
{
    if (argc != 6)
        return 2;
    size_t size = strtoul (argv[3], NULL, 10);
    long count = atol (argv[4]);
    void *s = zmq_socket (ctx, ZMQ_PULL);
    int hwm = 1000;
    zmq_setsockopt (s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    set_server (s, argv[5]);
    if (zmq_bind (s, argv[2]) != 0)
        die ("bind");
    print_endpoint (s);
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    double start = 0;
    for (long i = 0; i < count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            die ("recv");
        if (i == 0)
            start = now_s ();
        if (zmq_msg_size (&msg) != size) {
            fprintf (stderr, "curve_peer: message of %zu bytes, expected %zu\n", zmq_msg_size (&msg), size);
            return 1;
        }
    }
    double elapsed = now_s () - start;
    zmq_msg_close (&msg);
    double rate = count > 1 ? (count - 1) / elapsed : 0;
    printf ("RESULT {\"messages\": %ld, \"seconds\": %.6f, \"msgPerSec\": %.1f, \"mbPerSec\": %.3f}\n", count, elapsed,
            rate, rate * size / 1e6);
    fflush (stdout);
    zmq_close (s);
    return 0;
}

static int thr_send (int argc, char **argv, void *ctx)
{
    if (argc != 8)
        return 2;
    size_t size = strtoul (argv[3], NULL, 10);
    long count = atol (argv[4]);
    void *s = zmq_socket (ctx, ZMQ_PUSH);
    int linger = -1, hwm = 1000;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    set_client (s, argv[5], argv[6], argv[7]);
    if (zmq_connect (s, argv[2]) != 0)
        die ("connect");
    zmq_msg_t msg;
    for (long i = 0; i < count; i++) {
        zmq_msg_init_size (&msg, size);
        memset (zmq_msg_data (&msg), 0x5a, size);
        if (zmq_msg_send (&msg, s, 0) < 0)
            die ("send");
    }
    zmq_close (s);
    return 0;
}

static int hs_server (int argc, char **argv, void *ctx)
{
    if (argc != 4)
        return 2;
    void *s = zmq_socket (ctx, ZMQ_ROUTER);
    int linger = 0;
    zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
    set_server (s, argv[3]);
    if (zmq_bind (s, argv[2]) != 0)
        die ("bind");
    print_endpoint (s);
    zmq_pollitem_t items[2] = {{s, 0, ZMQ_POLLIN, 0}, {NULL, 0, ZMQ_POLLIN, 0}};
    char buf[64];
    for (;;) {
        // Calling into the socket lets libzmq attach and drop pipes as it would in an application.
        if (zmq_poll (items, 2, 100) < 0 && errno != EINTR)
            die ("poll");
        if (items[0].revents & ZMQ_POLLIN) {
            zmq_msg_t msg;
            zmq_msg_init (&msg);
            zmq_msg_recv (&msg, s, ZMQ_DONTWAIT);
            zmq_msg_close (&msg);
        }
        if (items[1].revents & ZMQ_POLLIN) {
            if (read (0, buf, sizeof buf) <= 0)
                break;
        }
    }
    zmq_close (s);
    return 0;
}

static int hs_client (int argc, char **argv, void *ctx)
{
    if (argc != 7)
        return 2;
    long count = atol (argv[3]);
    int linger = 0;
    double start = 0;
    for (long i = 0; i <= count; i++) { // one more: the first, untimed, warms up
        if (i == 1)
            start = now_s ();
        void *s = zmq_socket (ctx, ZMQ_DEALER);
        zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger);
        set_client (s, argv[4], argv[5], argv[6]);
        char mon_ep[64];
        snprintf (mon_ep, sizeof mon_ep, "inproc://hs-monitor-%ld", i);
        if (zmq_socket_monitor (s, mon_ep,
                                ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                                  | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
            != 0)
            die ("monitor");
        void *mon = zmq_socket (ctx, ZMQ_PAIR);
        zmq_setsockopt (mon, ZMQ_LINGER, &linger, sizeof linger);
        if (zmq_connect (mon, mon_ep) != 0 || zmq_connect (s, argv[2]) != 0)
            die ("connect");
        zmq_msg_t ev;
        zmq_msg_init (&ev);
        if (zmq_msg_recv (&ev, mon, 0) < 0)
            die ("monitor recv");
        unsigned short event;
        memcpy (&event, zmq_msg_data (&ev), sizeof event);
        if (event != ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
            fprintf (stderr, "curve_peer: handshake failed (event %u)\n", event);
            return 1;
        }
        while (zmq_msg_more (&ev))
            zmq_msg_recv (&ev, mon, 0);
        zmq_msg_close (&ev);
        zmq_socket_monitor (s, NULL, 0);
        zmq_close (mon);
        zmq_close (s);
    }
    double elapsed = now_s () - start;
    printf ("RESULT {\"handshakes\": %ld, \"seconds\": %.6f, \"perSec\": %.1f}\n", count, elapsed, count / elapsed);
    fflush (stdout);
    return 0;
}

int main (int argc, char **argv)
{
    if (argc < 2) {
        fprintf (stderr, "usage: curve_peer thr-recv|thr-send|hs-server|hs-client ...\n");
        return 2;
    }
    void *ctx = zmq_ctx_new ();
    int rc = 2;
    if (strcmp (argv[1], "thr-recv") == 0)
        rc = thr_recv (argc, argv, ctx);
    else if (strcmp (argv[1], "thr-send") == 0)
        rc = thr_send (argc, argv, ctx);
    else if (strcmp (argv[1], "hs-server") == 0)
        rc = hs_server (argc, argv, ctx);
    else if (strcmp (argv[1], "hs-client") == 0)
        rc = hs_client (argc, argv, ctx);
    if (rc == 2)
        fprintf (stderr, "curve_peer: bad arguments for %s\n", argv[1]);
    zmq_ctx_term (ctx);
    return rc;
}
