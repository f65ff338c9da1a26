/*
 * Latency client against libzmq, after libzmq's perf/remote_lat: connects
 * REQ, makes <roundtrip-count> round trips and reports one-way latency
 * (round trip / 2): mean, p50, p99. The first round trip is not counted.
 */
#include "perf.h"

int main (int argc, char *argv[])
{
    perf_args_t args = perf_parse (argc, argv, "remote_lat", "roundtrip-count");
    void *ctx = zmq_ctx_new ();
    double *rtt = perf_request_loop (ctx, args.endpoint, args.size, args.count);
    perf_report_lat ("remote_lat", args.size, args.count, rtt);
    free (rtt);
    zmq_ctx_term (ctx);
    return 0;
}
