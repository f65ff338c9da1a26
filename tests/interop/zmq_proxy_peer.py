#!/usr/bin/python3
"""A libzmq XSUB/XPUB forwarder (zmq_proxy) for pub/sub interop tests.

Binds an XSUB (frontend, publishers connect here) and an XPUB (backend,
subscribers connect here) on 127.0.0.1 with wildcard ports, prints one JSON
line {"frontend": endpoint, "backend": endpoint}, then runs zmq.proxy until
stdin closes or the process is killed. libzmq's XSUB forwards subscriptions
as 0x01/0x00 data messages even over ZMTP 3.1, which is the point.
"""
import json
import os
import sys
import threading

import zmq


def main():
    ctx = zmq.Context.instance()
    frontend = ctx.socket(zmq.XSUB)
    backend = ctx.socket(zmq.XPUB)
    for sock in (frontend, backend):
        sock.setsockopt(zmq.LINGER, 0)
    frontend.bind("tcp://127.0.0.1:*")
    backend.bind("tcp://127.0.0.1:*")
    sys.stdout.write(json.dumps({
        "frontend": frontend.getsockopt(zmq.LAST_ENDPOINT).decode(),
        "backend": backend.getsockopt(zmq.LAST_ENDPOINT).decode(),
        "version": zmq.zmq_version(),
    }) + "\n")
    sys.stdout.flush()

    def watch_stdin():
        sys.stdin.read()  # returns at EOF: the test is done with us
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    zmq.proxy(frontend, backend)


if __name__ == "__main__":
    main()
