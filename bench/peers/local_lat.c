/*
 * Latency server against libzmq, after libzmq's perf/local_lat: binds REP and
 * echoes <roundtrip-count> messages. An inproc:// endpoint runs the client
 * (perf_request_loop) in a thread, and this program reports the latency.
 */
#include "perf.h"
#include <pthread.h>

static void *ctx;
static perf_args_t args;

static void *client (void *out)
{
    *(double **) out = perf_request_loop (ctx, args.endpoint, args.size, args.count);
    return NULL;
}

int main (int argc, char *argv[])
{
    args = perf_parse (argc, argv, "local_lat", "roundtrip-count");
    ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, ZMQ_REP);
    pthread_t thread;
    double *rtt = NULL;
    int inproc = strncmp (args.endpoint, "inproc://", 9) == 0;
    zmq_msg_t msg;
    void *monitor = NULL;
    if (!s)
        perf_die ("zmq_socket");
    if (!inproc)
        monitor = perf_watch (ctx, s, "inproc://perf-server-monitor");
    if (zmq_bind (s, args.endpoint) != 0)
        perf_die ("zmq_bind");
    perf_announce (s, args.endpoint);
    if (inproc && pthread_create (&thread, NULL, client, &rtt) != 0)
        perf_die ("pthread_create");
    zmq_msg_init (&msg);
    for (long i = 0; i != args.count; i++) {
        if (zmq_recvmsg (s, &msg, 0) < 0)
            perf_die ("zmq_recvmsg");
        perf_check (&msg, args.size);
        if (zmq_sendmsg (s, &msg, 0) < 0)
            perf_die ("zmq_sendmsg");
    }
    zmq_msg_close (&msg);
    if (inproc) {
        pthread_join (thread, NULL);
        perf_report_lat ("local_lat", args.size, args.count, rtt);
        free (rtt);
    } else {
        /* The last reply has arrived once the client hangs up (libzmq's local_lat sleeps 1 s instead). */
        perf_wait_peer_gone (s, monitor, (args.timeout_s < 30 ? args.timeout_s : 30) * 1000);
    }
    zmq_close (s);
    zmq_ctx_term (ctx);
    return 0;
}
