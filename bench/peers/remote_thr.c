/*
 * Throughput sender against libzmq, after libzmq's perf/remote_thr: connects
 * PUSH, sends <message-count> messages of <message-size> zero bytes, then
 * closes and terminates the context (default linger: every message is
 * delivered).
 */
#include "perf.h"

int main (int argc, char *argv[])
{
    perf_args_t args = perf_parse (argc, argv, "remote_thr", "message-count");
    void *ctx = zmq_ctx_new ();
    perf_send_loop (ctx, args.endpoint, args.size, args.count);
    zmq_ctx_term (ctx);
    return 0;
}
