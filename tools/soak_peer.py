#!/usr/bin/python3
"""A libzmq peer for tools/soak.ts. One process = one incarnation: the soak
kills it (SIGKILL) and starts a new one on the same endpoint at random.

Usage: soak_peer.py MODE ENDPOINT INCARNATION [RATE]
  sink  PULL bound at ENDPOINT; messages are decimal sequence numbers. Tracks
        the ranges of numbers received and the duplicates, and prints
        {"received": n, "ranges": [[first, last], ...], "dups": n} after every batch read.
  echo  REP bound at ENDPOINT; answers every request with its frames; prints
        {"answered": n} every 200 ms.
  pub   PUB bound at ENDPOINT; publishes "INCARNATION:SEQ" under topic "soak"
        at RATE messages/s; prints {"sent": n} every 200 ms.
Prints {"ready": true} once bound. Exits when stdin closes.
"""
import json
import os
import sys
import threading
import time

import zmq


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    mode, endpoint, incarnation = sys.argv[1], sys.argv[2], sys.argv[3]
    rate = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
    ctx = zmq.Context.instance()
    sock = ctx.socket({"sink": zmq.PULL, "echo": zmq.REP, "pub": zmq.PUB}[mode])
    sock.setsockopt(zmq.LINGER, 0)
    if mode == "pub":
        sock.setsockopt(zmq.SNDHWM, 100000)
    sock.bind(endpoint)
    out({"ready": True})

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()

    count = 0
    dups = 0
    ranges = []
    last_report = time.monotonic()
    started = time.monotonic()
    while True:
        now = time.monotonic()
        if mode == "pub":
            due = int((now - started) * rate)
            while count < due:
                sock.send_multipart([b"soak", ("%s:%d" % (incarnation, count)).encode()])
                count += 1
            time.sleep(0.005)
        elif sock.poll(20):
            before = count
            for _ in range(5000):
                try:
                    msg = sock.recv_multipart(zmq.DONTWAIT)
                except zmq.Again:
                    break
                count += 1
                if mode == "echo":
                    sock.send_multipart(msg)
                    break  # REP: one request at a time
                seq = int(msg[0])
                if ranges and seq == ranges[-1][1] + 1:
                    ranges[-1][1] = seq
                elif any(a <= seq <= b for a, b in ranges):
                    dups += 1
                else:
                    ranges.append([seq, seq])
            if mode == "sink" and count != before:
                # Report after every batch, so a crash loses at most what the last batch held.
                out({"received": count, "ranges": ranges, "dups": dups})
                last_report = now
        if now - last_report > 0.2:
            if mode == "sink":
                out({"received": count, "ranges": ranges, "dups": dups})
            elif mode == "echo":
                out({"answered": count})
            else:
                out({"sent": count})
            last_report = now


if __name__ == "__main__":
    main()
