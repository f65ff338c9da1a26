"""libzmq's perf tools in pyzmq, for tests/cli/tools_test.ts.

Usage: perf_peer.py local_thr|remote_thr|local_lat|remote_lat ENDPOINT SIZE COUNT
local_* bind and remote_* connect, as libzmq's perf/ programs do. local_thr
and remote_lat print their figures as one JSON line; local_thr binds to a
wildcard port and prints {"endpoint": ...} first.
"""
import json
import sys
import time

import zmq

role, endpoint, size, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ctx = zmq.Context()
if role == "local_thr":
    s = ctx.socket(zmq.PULL)
    s.bind(endpoint)
    print(json.dumps({"endpoint": s.getsockopt_string(zmq.LAST_ENDPOINT)}), flush=True)
    first = s.recv()
    start = time.perf_counter()
    sizes_ok = len(first) == size
    for _ in range(count - 1):
        sizes_ok = sizes_ok and len(s.recv()) == size
    print(json.dumps({"received": count, "sizes_ok": sizes_ok, "seconds": time.perf_counter() - start}), flush=True)
elif role == "remote_thr":
    s = ctx.socket(zmq.PUSH)
    s.connect(endpoint)
    body = b"\0" * size
    for _ in range(count):
        s.send(body)
elif role == "local_lat":
    s = ctx.socket(zmq.REP)
    s.bind(endpoint)
    print(json.dumps({"endpoint": s.getsockopt_string(zmq.LAST_ENDPOINT)}), flush=True)
    for _ in range(count):
        s.send(s.recv())
else:
    raise SystemExit("unknown role " + role)
s.close()
ctx.term()
