#!/usr/bin/python3
"""A self-running libzmq peer that reports its monitor events, for heartbeat,
event and fault tests. Unlike zmq_peer.py it needs no command per action: it
keeps polling (so libzmq acts on heartbeats and reconnects by itself), which
lets a test freeze it with SIGSTOP, kill it, or restart it at will.

Usage: zmq_monitor_peer.py '{"type": "REP", "bind": "tcp://127.0.0.1:*",
                             "options": {"HEARTBEAT_IVL": 100}, "mode": "echo"}'
  ("connect": endpoint instead of "bind"; options are libzmq option names.)

Modes (what the socket does with traffic):
  echo   answer every message with the same frames (REP, DEALER, ROUTER, PAIR)
  sink   read and count messages; print {"received": n, "last": hex} every so often
  count  PULL/SUB: like sink, and also print every message's first frame as {"msg": hex}
  send   PUSH/PUB: send "seq" messages numbered from 0 as fast as HWM allows
  idle   never touch the socket beyond polling it

Output, one JSON object per line on stdout:
  {"endpoint": "tcp://127.0.0.1:PORT"}                first, once bound/connected
  {"event": "HANDSHAKE_SUCCEEDED", "value": 0, "endpoint": "..."}   each monitor event
  {"sent": n} / {"received": n}                     progress (send / sink, count modes)
The process exits when stdin closes.
"""
import json
import os
import sys
import threading
import time

import zmq

EVENT_NAMES = {getattr(zmq, n): n[6:] for n in dir(zmq) if n.startswith("EVENT_") and isinstance(getattr(zmq, n), int)
               and n not in ("EVENT_ALL",)}


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    cfg = json.loads(sys.argv[1])
    ctx = zmq.Context.instance()
    sock = ctx.socket(getattr(zmq, cfg["type"]))
    sock.setsockopt(zmq.LINGER, cfg.get("linger", 0))
    for name, value in cfg.get("options", {}).items():
        if isinstance(value, str):
            value = bytes.fromhex(value)
        sock.setsockopt(getattr(zmq, name), value)
    monitor = sock.get_monitor_socket()
    if "bind" in cfg:
        sock.bind(cfg["bind"])
        out({"endpoint": sock.getsockopt(zmq.LAST_ENDPOINT).decode()})
    else:
        sock.connect(cfg["connect"])
        out({"endpoint": cfg["connect"]})

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()

    mode = cfg.get("mode", "idle")
    poller = zmq.Poller()
    poller.register(monitor, zmq.POLLIN)
    if mode != "idle":
        poller.register(sock, zmq.POLLIN | (zmq.POLLOUT if mode == "send" else 0))
    count = 0
    last_report = time.monotonic()
    while True:
        ready = dict(poller.poll(20))
        if monitor in ready:
            while monitor.poll(0):
                frames = monitor.recv_multipart()
                event = int.from_bytes(frames[0][:2], "little")
                value = int.from_bytes(frames[0][2:6], "little")
                out({"event": EVENT_NAMES.get(event, str(event)), "value": value, "endpoint": frames[1].decode()})
        if sock in ready:
            flags = ready[sock]
            if flags & zmq.POLLIN:
                for _ in range(1000):
                    try:
                        msg = sock.recv_multipart(zmq.DONTWAIT)
                    except zmq.Again:
                        break
                    count += 1
                    if mode == "echo":
                        sock.send_multipart(msg)
                    elif mode == "count":
                        out({"msg": msg[0].hex()})
            if mode == "send" and flags & zmq.POLLOUT:
                for _ in range(1000):
                    try:
                        sock.send(str(count).encode(), zmq.DONTWAIT)
                    except zmq.Again:
                        break
                    count += 1
        if mode in ("send", "sink", "count") and time.monotonic() - last_report > 0.2:
            out({"sent" if mode == "send" else "received": count})
            last_report = time.monotonic()


if __name__ == "__main__":
    main()
