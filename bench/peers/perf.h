/*
 * Shared helpers of the C perf peers (local_thr.c, remote_thr.c, local_lat.c,
 * remote_lat.c): argument parsing, a monotonic clock, the watchdog and the
 * output format of the TypeScript tools in ../ (libzmq's lines, then one
 * "RESULT {json}" line). They take the same arguments as libzmq's perf tools
 * and ours: <endpoint> <message-size> <count> [--timeout=SECONDS].
 *
 * Built at run time by ../compare.ts: gcc -O2 x.c -o x -lzmq -lpthread
 */
#ifndef ZMQ_TS_PERF_H
#define ZMQ_TS_PERF_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

typedef struct {
    const char *endpoint;
    size_t size;
    long count;
    int timeout_s;
} perf_args_t;

static const char *perf_tool = "perf";
/* Messages received, sent or round trips made so far: printed by the watchdog. */
static volatile long perf_progress = 0;

static inline void perf_die (const char *what)
{
    fprintf (stderr, "%s: error in %s: %s\n", perf_tool, what, zmq_strerror (errno));
    exit (1);
}

static inline void perf_on_alarm (int sig)
{
    (void) sig;
    char msg[128];
    int len = snprintf (msg, sizeof msg, "%s: timed out (progress: %ld)\n", perf_tool, perf_progress);
    if (len > 0 && write (2, msg, (size_t) len) < 0) {
    }
    _exit (3);
}

static inline perf_args_t perf_parse (int argc, char *argv[], const char *tool, const char *third)
{
    perf_args_t a = {NULL, 0, 0, 120};
    const char *pos[3];
    int n = 0;
    perf_tool = tool;
    for (int i = 1; i < argc; i++) {
        if (strncmp (argv[i], "--timeout=", 10) == 0)
            a.timeout_s = atoi (argv[i] + 10);
        else if (strncmp (argv[i], "--", 2) == 0 || n == 3)
            n = 4;
        else
            pos[n++] = argv[i];
    }
    if (n != 3 || a.timeout_s <= 0) {
        fprintf (stderr, "usage: %s <endpoint> <message-size> <%s> [--timeout=SECONDS]\n", tool, third);
        exit (2);
    }
    a.endpoint = pos[0];
    a.size = (size_t) atol (pos[1]);
    a.count = atol (pos[2]);
    if (a.count < 1) {
        fprintf (stderr, "%s: bad %s\n", tool, third);
        exit (2);
    }
    signal (SIGALRM, perf_on_alarm);
    alarm ((unsigned) a.timeout_s);
    return a;
}

static inline double perf_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

/* Resident set size of this process in bytes (VmRSS from /proc/self/status). */
static inline long perf_rss (void)
{
    FILE *f = fopen ("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    if (!f)
        return 0;
    while (fgets (line, sizeof line, f))
        if (strncmp (line, "VmRSS:", 6) == 0)
            kb = atol (line + 6);
    fclose (f);
    return kb * 1024;
}

static inline void perf_announce (void *socket, const char *endpoint)
{
    char last[1024];
    size_t len = sizeof last;
    if (zmq_getsockopt (socket, ZMQ_LAST_ENDPOINT, last, &len) != 0 || len <= 1)
        snprintf (last, sizeof last, "%s", endpoint);
    printf ("endpoint: %s\n", last);
    fflush (stdout);
}

static inline void perf_check (zmq_msg_t *msg, size_t size)
{
    if (zmq_msg_size (msg) != size || zmq_msg_more (msg)) {
        fprintf (stderr, "%s: message of incorrect size received\n", perf_tool);
        exit (1);
    }
}

static inline void perf_version (char *out, size_t len)
{
    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    snprintf (out, len, "libzmq %d.%d.%d", major, minor, patch);
}

static inline void perf_report_thr (const char *tool, size_t size, long count, double seconds, long rss_start)
{
    char version[64];
    double msg_per_sec = (double) (count - 1) / seconds;
    double mb_per_sec = msg_per_sec * (double) size / 1e6;
    perf_version (version, sizeof version);
    printf ("message size: %zu [B]\n", size);
    printf ("message count: %ld\n", count);
    printf ("mean throughput: %ld [msg/s]\n", (long) msg_per_sec);
    printf ("mean throughput: %.3f [Mb/s]\n", mb_per_sec * 8);
    printf ("RESULT {\"tool\":\"%s\",\"kind\":\"thr\",\"lib\":\"libzmq\",\"size\":%zu,\"count\":%ld,"
            "\"seconds\":%.9f,\"msgPerSec\":%.3f,\"mbPerSec\":%.6f,\"rssStart\":%ld,\"rssEnd\":%ld,"
            "\"runtime\":\"%s\"}\n",
            tool, size, count, seconds, msg_per_sec, mb_per_sec, rss_start, perf_rss (), version);
    fflush (stdout);
}

static inline int perf_cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* rtt_ms: round-trip times; the first (connection set-up) is not counted, as in ../_zmq.ts. */
static inline void perf_report_lat (const char *tool, size_t size, long count, double *rtt_ms)
{
    char version[64];
    double *s = count > 1 ? rtt_ms + 1 : rtt_ms;
    long n = count > 1 ? count - 1 : count;
    double sum = 0;
    qsort (s, (size_t) n, sizeof (double), perf_cmp_double);
    for (long i = 0; i < n; i++)
        sum += s[i];
#define PERF_AT(q) s[(long) ((q) * (double) n) < n ? (long) ((q) * (double) n) : n - 1]
    double mean = sum / (double) n * 1000 / 2, p50 = PERF_AT (0.5) * 1000 / 2,
           p99 = PERF_AT (0.99) * 1000 / 2, max = s[n - 1] * 1000 / 2;
    perf_version (version, sizeof version);
    printf ("message size: %zu [B]\n", size);
    printf ("roundtrip count: %ld\n", count);
    printf ("average latency: %.3f [us]\n", mean);
    printf ("p50 latency: %.3f [us]\n", p50);
    printf ("p99 latency: %.3f [us]\n", p99);
    printf ("RESULT {\"tool\":\"%s\",\"kind\":\"lat\",\"lib\":\"libzmq\",\"size\":%zu,\"count\":%ld,"
            "\"meanUs\":%.3f,\"p50Us\":%.3f,\"p99Us\":%.3f,\"maxUs\":%.3f,\"rssEnd\":%ld,\"runtime\":\"%s\"}\n",
            tool, size, count, mean, p50, p99, max, perf_rss (), version);
    fflush (stdout);
}

/*
 * Watching for the peer to hang up. A side that sends last (the throughput
 * sender, the latency server) waits for its peer to disconnect before it
 * closes, as the TypeScript tools do: libzmq 4.3's linger does not cover ipc
 * (zeromq/libzmq#4660: a PUSH over ipc that closes right after its last send
 * loses up to a high-water mark's worth of messages, and local_thr hangs).
 * Call perf_watch before connecting or binding; not used with inproc, which
 * has no disconnect events (and no such loss).
 */
static inline void *perf_watch (void *ctx, void *socket, const char *name)
{
    if (zmq_socket_monitor (socket, name, ZMQ_EVENT_DISCONNECTED) != 0)
        perf_die ("zmq_socket_monitor");
    void *monitor = zmq_socket (ctx, ZMQ_PAIR);
    if (!monitor || zmq_connect (monitor, name) != 0)
        perf_die ("zmq_connect (monitor)");
    return monitor;
}

static inline void perf_wait_peer_gone (void *socket, void *monitor, int timeout_ms)
{
    zmq_msg_t frame;
    zmq_setsockopt (monitor, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_msg_init (&frame);
    /* Each event is two frames: 2-byte event id + 4-byte value, then the address. */
    while (zmq_msg_recv (&frame, monitor, 0) >= 0) {
        unsigned short event = 0;
        if (zmq_msg_size (&frame) >= 2)
            memcpy (&event, zmq_msg_data (&frame), 2);
        if (zmq_msg_more (&frame) && zmq_msg_recv (&frame, monitor, 0) < 0)
            break;
        if (event == ZMQ_EVENT_DISCONNECTED)
            break;
    }
    zmq_msg_close (&frame);
    zmq_socket_monitor (socket, NULL, 0);
    zmq_close (monitor);
}

/* The sender and client loops, shared with the inproc mode of local_thr.c and local_lat.c. */

/*
 * Sends count messages of size zero bytes. Like the TypeScript sender, which
 * sends one buffer again and again, every message is a zmq_msg_copy of one
 * template: a 33-byte-or-less copy for small messages, a reference-counted
 * share of one buffer for larger ones (libzmq's remote_thr allocates each
 * message instead, which costs a malloc, and a memset, per message).
 */
static inline void perf_send_loop (void *ctx, const char *endpoint, size_t size, long count, int timeout_s)
{
    void *s = zmq_socket (ctx, ZMQ_PUSH);
    void *monitor = NULL;
    zmq_msg_t template_msg;
    if (!s)
        perf_die ("zmq_socket");
    if (strncmp (endpoint, "inproc://", 9) != 0)
        monitor = perf_watch (ctx, s, "inproc://perf-sender-monitor");
    if (zmq_connect (s, endpoint) != 0)
        perf_die ("zmq_connect");
    if (zmq_msg_init_size (&template_msg, size) != 0)
        perf_die ("zmq_msg_init_size");
    memset (zmq_msg_data (&template_msg), 0, size);
    for (long i = 0; i != count; i++) {
        zmq_msg_t msg;
        zmq_msg_init (&msg);
        if (zmq_msg_copy (&msg, &template_msg) != 0)
            perf_die ("zmq_msg_copy");
        if (zmq_sendmsg (s, &msg, 0) < 0)
            perf_die ("zmq_sendmsg");
    }
    zmq_msg_close (&template_msg);
    if (monitor)
        perf_wait_peer_gone (s, monitor, (timeout_s < 30 ? timeout_s : 30) * 1000);
    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
}

static inline double *perf_request_loop (void *ctx, const char *endpoint, size_t size, long count)
{
    void *s = zmq_socket (ctx, ZMQ_REQ);
    double *rtt = malloc (sizeof (double) * (size_t) count);
    zmq_msg_t msg;
    if (!s || !rtt)
        perf_die ("zmq_socket");
    if (zmq_connect (s, endpoint) != 0)
        perf_die ("zmq_connect");
    if (zmq_msg_init_size (&msg, size) != 0)
        perf_die ("zmq_msg_init_size");
    memset (zmq_msg_data (&msg), 0, size);
    for (long i = 0; i != count; i++) {
        double start = perf_now_ms ();
        if (zmq_sendmsg (s, &msg, 0) < 0)
            perf_die ("zmq_sendmsg");
        if (zmq_recvmsg (s, &msg, 0) < 0)
            perf_die ("zmq_recvmsg");
        rtt[i] = perf_now_ms () - start;
        perf_check (&msg, size);
    }
    zmq_msg_close (&msg);
    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
    return rtt;
}

#endif
