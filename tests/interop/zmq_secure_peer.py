#!/usr/bin/python3
"""zmq_peer.py plus what the security interop tests need: a ZAP handler
(RFC 27) bound at inproc://zeromq.zap.01 in the peer's context, and CURVE
key helpers from libzmq itself.

Every command of zmq_peer.py works here unchanged (socket options given as
hex bytes, e.g. CURVE_SERVERKEY as the hex of its Z85 text). Extra commands:
  {"op": "zap", "plain": {"user": "password"}, "curve": ["z85 key", ...] | "any",
   "deny": ["address"], "status": 300, "metadata": {"X-Role": "admin"}}
      starts a REP handler thread: refuses denied addresses (400), then
      PLAIN: known user with the right password; CURVE: listed key or "any";
      NULL: accepted. "status" forces that status for every request.
      User id: the username (PLAIN) or the key in Z85 (CURVE).
  {"op": "zap_requests"}  -> {"requests": [[hex frame, ...], ...]}  (frames after the delimiter)
  {"op": "zap_stop"}
  {"op": "curve_keypair"} -> {"public": "z85", "secret": "z85"}
  {"op": "curve_public", "secret": "z85"} -> {"public": "z85"}
  {"op": "has_curve"}     -> {"curve": true | false}
"""
import json
import os
import struct
import sys
import threading

import zmq
import zmq.utils.z85

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zmq_peer  # noqa: E402  (the base peer: its context, socket and commands)

ZAP_ENDPOINT = "inproc://zeromq.zap.01"


def encode_metadata(props):
    out = b""
    for name, value in props.items():
        n = name.encode()
        v = value.encode()
        out += bytes([len(n)]) + n + struct.pack(">I", len(v)) + v
    return out


class ZapHandler(threading.Thread):
    def __init__(self, config):
        super().__init__(daemon=True)
        self.config = config
        self.requests = []
        self.stopping = threading.Event()
        self.sock = zmq_peer.ctx.socket(zmq.REP)
        self.sock.linger = 0
        self.sock.bind(ZAP_ENDPOINT)  # bound before start(): ready when the command answers

    def decide(self, frames):
        version, request_id, domain, address, identity, mechanism = frames[:6]
        creds = frames[6:]
        cfg = self.config
        user_id = ""
        if "status" in cfg:
            status = int(cfg["status"])
        elif address.decode() in cfg.get("deny", []):
            status = 400
        elif mechanism == b"PLAIN":
            user, password = creds[0].decode(), creds[1].decode()
            ok = cfg.get("plain", {}).get(user) == password
            status, user_id = (200, user) if ok else (400, "")
        elif mechanism == b"CURVE":
            key = zmq.utils.z85.encode(creds[0]).decode()
            allowed = cfg.get("curve", [])
            ok = allowed == "any" or key in allowed
            status, user_id = (200, key) if ok else (400, "")
        else:
            status = 200
        meta = encode_metadata(cfg.get("metadata", {})) if status == 200 else b""
        text = {200: "OK", 300: "Try later", 400: "No access", 500: "Internal error"}.get(status, "")
        return [version, request_id, str(status).encode(), text.encode(), user_id.encode(), meta]

    def run(self):
        while not self.stopping.is_set():
            if self.sock.poll(20) == 0:
                continue
            frames = self.sock.recv_multipart()
            self.requests.append(frames)
            self.sock.send_multipart(self.decide(frames))
        self.sock.close(0)

    def stop(self):
        self.stopping.set()
        self.join(5)


zap = None


def handle(cmd):
    global zap
    op = cmd["op"]
    if op == "zap":
        if zap is not None:
            zap.stop()
        zap = ZapHandler(cmd)
        zap.start()
        return {}
    if op == "zap_requests":
        return {"requests": [[f.hex() for f in r] for r in (zap.requests if zap else [])]}
    if op == "zap_stop":
        if zap is not None:
            zap.stop()
            zap = None
        return {}
    if op == "curve_keypair":
        public, secret = zmq.curve_keypair()
        return {"public": public.decode(), "secret": secret.decode()}
    if op == "curve_public":
        return {"public": zmq.curve_public(cmd["secret"].encode()).decode()}
    if op == "has_curve":
        return {"curve": bool(zmq.has("curve"))}
    return zmq_peer.handle(cmd)


def main():
    global zap
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        try:
            reply = handle(cmd)
            if "error" not in reply:
                reply["ok"] = True
        except zmq.ZMQError as e:
            reply = {"error": str(e), "errno": str(e.errno)}
        except Exception as e:  # noqa: BLE001 - report anything to the test
            reply = {"error": repr(e), "errno": "EXC"}
        if cmd.get("op") == "close" and zap is not None:
            zap.stop()
            zap = None
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        if cmd.get("op") == "close":
            break
    if zap is not None:
        zap.stop()
    zmq_peer.ctx.term()


if __name__ == "__main__":
    main()
