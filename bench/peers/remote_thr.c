/*
 * Throughput sender against libzmq, after libzmq's perf/remote_thr: connects
 * PUSH, sends <message-count> messages of <message-size> zero bytes, waits
 * for the receiver to hang up (see perf_wait_peer_gone), then closes and
 * terminates the context.
 */
#include "perf.h"

int main (int argc, char *argv[])
{
    perf_args_t args = perf_parse (argc, argv, "remote_thr", "message-count");
    void *ctx = zmq_ctx_new ();
    perf_send_loop (ctx, args.endpoint, args.size, args.count, args.timeout_s);
    zmq_ctx_term (ctx);
    return 0;
}
