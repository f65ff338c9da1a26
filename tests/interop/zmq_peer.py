#!/usr/bin/python3
"""A libzmq peer driven line by line over stdin/stdout, for interop tests.

Each input line is a JSON command; each command gets exactly one JSON line
back. Frames travel as hex, except large received frames, which come back as
their length and SHA-256 so the tests need not ship megabytes through a pipe.

Commands (all answer {"ok": true, ...} or {"error": "...", "errno": "..."}):
  {"op": "socket", "type": "PULL", "options": {"SNDHWM": 10, ...}}
  {"op": "bind", "endpoint": "tcp://127.0.0.1:*"}      -> {"endpoint": "tcp://127.0.0.1:PORT"}
  {"op": "connect", "endpoint": "..."}
  {"op": "disconnect" | "unbind", "endpoint": "..."}
  {"op": "send", "frames": ["68656c6c6f", {"size": N, "seed": S}], "timeout": ms}
                                                         -> {"sent": [hex | {"len", "sha256"}]}
  {"op": "recv", "timeout": ms}                          -> {"frames": [hex | {"len", "sha256"}]}
  {"op": "setsockopt", "name": "SUBSCRIBE", "value": "hex" | int}
  {"op": "poll", "ms": 100}                              -> {"events": n}  (lets libzmq process commands)
  {"op": "monitor"} / {"op": "events"}                   -> {"events": [[name, value, endpoint], ...]}
  {"op": "version"}                                      -> {"version": "4.3.4"}
  {"op": "close"}
"""
import hashlib
import json
import random
import sys

import zmq
import zmq.utils.monitor

ctx = zmq.Context.instance()
sock = None
monitor = None
events = []
BIG = 1024

EVENT_NAMES = {getattr(zmq, n): n for n in dir(zmq) if n.startswith("EVENT_") and isinstance(getattr(zmq, n), int)}


def gen(size, seed):
    return random.Random(seed).randbytes(size)


def frame_in(f):
    if isinstance(f, dict):
        return gen(f["size"], f.get("seed", 1))
    return bytes.fromhex(f)


def frame_out(b):
    if len(b) >= BIG:
        return {"len": len(b), "sha256": hashlib.sha256(b).hexdigest()}
    return b.hex()


def drain_monitor():
    if monitor is None:
        return
    while monitor.poll(0):
        ev = zmq.utils.monitor.recv_monitor_message(monitor)
        events.append([EVENT_NAMES.get(ev["event"], str(ev["event"])), ev["value"], ev["endpoint"].decode()])


def handle(cmd):
    global sock, monitor
    op = cmd["op"]
    if op == "version":
        return {"version": zmq.zmq_version()}
    if op == "socket":
        sock = ctx.socket(getattr(zmq, cmd["type"]))
        sock.setsockopt(zmq.LINGER, cmd.get("linger", 0))
        for name, value in cmd.get("options", {}).items():
            if isinstance(value, str):
                value = bytes.fromhex(value)
            sock.setsockopt(getattr(zmq, name), value)
        return {}
    if op == "setsockopt":
        value = cmd["value"]
        if isinstance(value, str):
            value = bytes.fromhex(value)
        sock.setsockopt(getattr(zmq, cmd["name"]), value)
        return {}
    if op == "monitor":
        monitor = sock.get_monitor_socket()
        return {}
    if op == "events":
        drain_monitor()
        out = list(events)
        events.clear()
        return {"events": out}
    if op == "bind":
        sock.bind(cmd["endpoint"])
        return {"endpoint": sock.getsockopt(zmq.LAST_ENDPOINT).decode()}
    if op == "connect":
        sock.connect(cmd["endpoint"])
        return {}
    if op == "disconnect":
        sock.disconnect(cmd["endpoint"])
        return {}
    if op == "unbind":
        sock.unbind(cmd["endpoint"])
        return {}
    if op == "send":
        frames = [frame_in(f) for f in cmd["frames"]]
        if sock.poll(cmd.get("timeout", 5000), zmq.POLLOUT) == 0:
            return {"error": "send timed out", "errno": "EAGAIN"}
        sock.send_multipart(frames, flags=zmq.DONTWAIT)
        return {"sent": [frame_out(f) for f in frames]}
    if op == "recv":
        if sock.poll(cmd.get("timeout", 5000), zmq.POLLIN) == 0:
            return {"error": "receive timed out", "errno": "EAGAIN"}
        frames = sock.recv_multipart(flags=zmq.DONTWAIT)
        return {"frames": [frame_out(f) for f in frames]}
    if op == "poll":
        n = sock.poll(cmd.get("ms", 100))
        drain_monitor()
        return {"events": n}
    if op == "close":
        if monitor is not None:
            sock.disable_monitor()
            monitor.close(0)
        sock.close(0)
        return {}
    return {"error": "unknown op " + op, "errno": "EINVAL"}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            reply = handle(json.loads(line))
            if "error" not in reply:
                reply["ok"] = True
        except zmq.ZMQError as e:
            reply = {"error": str(e), "errno": zmq.zmq_errno() and e.errno and next(
                (n for n in ("EAGAIN", "EADDRINUSE", "EINVAL", "EHOSTUNREACH", "EFSM", "ENOENT") if getattr(zmq, n, None) == e.errno), str(e.errno))}
        except Exception as e:  # noqa: BLE001 - report anything to the test
            reply = {"error": repr(e), "errno": "EXC"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        if json.loads(line).get("op") == "close":
            break
    ctx.term()


if __name__ == "__main__":
    main()
