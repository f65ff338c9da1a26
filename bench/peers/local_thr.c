/*
 * Throughput receiver against libzmq, after libzmq's perf/local_thr: binds
 * PULL, receives <message-count> messages, reports msg/s and MB/s from the
 * first to the last. An inproc:// endpoint runs the sender in a thread.
 */
#include "perf.h"
#include <pthread.h>

static void *ctx;
static perf_args_t args;

static void *sender (void *unused)
{
    (void) unused;
    perf_send_loop (ctx, args.endpoint, args.size, args.count, args.timeout_s);
    return NULL;
}

int main (int argc, char *argv[])
{
    args = perf_parse (argc, argv, "local_thr", "message-count");
    ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, ZMQ_PULL);
    pthread_t thread;
    int inproc = strncmp (args.endpoint, "inproc://", 9) == 0;
    zmq_msg_t msg;
    if (!s)
        perf_die ("zmq_socket");
    if (zmq_bind (s, args.endpoint) != 0)
        perf_die ("zmq_bind");
    perf_announce (s, args.endpoint);
    if (inproc && pthread_create (&thread, NULL, sender, NULL) != 0)
        perf_die ("pthread_create");
    zmq_msg_init (&msg);
    if (zmq_recvmsg (s, &msg, 0) < 0)
        perf_die ("zmq_recvmsg");
    perf_check (&msg, args.size);
    long rss_start = perf_rss ();
    double start = perf_now_ms ();
    for (long i = 1; i < args.count; i++) {
        if (zmq_recvmsg (s, &msg, 0) < 0)
            perf_die ("zmq_recvmsg");
        perf_check (&msg, args.size);
        perf_progress = i + 1;
    }
    double seconds = (perf_now_ms () - start) / 1000;
    zmq_msg_close (&msg);
    if (inproc)
        pthread_join (thread, NULL);
    perf_report_thr ("local_thr", args.size, args.count, seconds, rss_start);
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}
