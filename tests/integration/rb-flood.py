#!/usr/bin/env python3
"""Hostile peers of rigbookd's connection limits, from the loopback.

Each mode opens its connections, does what such a peer does, and prints one
line per fact the test checks (keys and numbers, for the shell to compare):

  plain N          N TCP connections that never start TLS; after a second,
                   "open K" (how many the server kept), then they are held
                   for --hold seconds.
  signin           one connection signs in (and pings with --ping): "ok", or
                   "refused REASON [name=value ...]".
  hold N           N connections that sign in and are held: one result line
                   each, as signin, then "held K"; held --hold seconds.
  badtokens N      N connections one after another, each a Hello with a
                   token nobody has: "REASON COUNT" per reason, sorted.
  noread N         N connections sign in, pipeline --requests ListResources
                   each and never read: "sent", then they are held --hold
                   seconds.  (Whether the server closed them shows in its
                   log: a client that reads nothing cannot tell.)
  watchstall       signs in, watches every resource, pipelines --requests
                   ListResources and never reads: "watching", then held
                   --hold seconds.
  trickle          signs in, announces a frame of --announce bytes and sends
                   one byte of it a second: "closed S REASON" (seconds until
                   the server closed, the reason of its last Error) or
                   "open S" when it is still open after --hold seconds.

Options: --server HOST:PORT --ca FILE --token T --src ADDR (the source
address: another loopback address is another peer) --hold S.
"""
import argparse
import os
import select
import socket
import ssl
import struct
import sys
import time

PROTOCOL_VERSION = 1
F_HELLO, F_PING, F_LIST_RESOURCES, F_WATCH = 10, 11, 20, 70
RESP_ERROR = 2


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, n):
    return varint(num << 3) + varint(n)


def field_bytes(num, b):
    if isinstance(b, str):
        b = b.encode()
    return varint(num << 3 | 2) + varint(len(b)) + b


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def request(rid, body_field, body=b""):
    return frame(field_varint(1, rid) + field_bytes(body_field, body))


def hello(token):
    body = field_varint(1, PROTOCOL_VERSION) + field_bytes(2, token) + field_bytes(3, "rb-flood")
    return request(1, F_HELLO, body)


def fields(b):
    """(number, value) pairs of one message: ints for varints, bytes for the rest."""
    i = 0
    while i < len(b):
        key, i = read_varint(b, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = read_varint(b, i)
        elif wt == 2:
            n, i = read_varint(b, i)
            v, i = b[i:i + n], i + n
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wt)
        yield num, v


def read_varint(b, i):
    n = shift = 0
    while True:
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return n, i


def describe(payload):
    """"ok" for an answer, "refused REASON name=value ..." for an Error."""
    for num, v in fields(payload):
        if num != RESP_ERROR:
            continue
        reason, args = "", []
        for enum, ev in fields(v):
            if enum == 7:
                reason = ev.decode()
            elif enum == 8:
                a = dict(fields(ev))
                args.append("%s=%s" % (a.get(1, b"").decode(), a.get(2, b"").decode()))
        return " ".join(["refused", reason] + args)
    return "ok"


def connect(opts, tls=True, rcvbuf=None):
    host, port = opts.server.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if opts.src:
        s.bind((opts.src, 0))
    s.settimeout(10)
    s.connect((host, int(port)))
    if not tls:
        return s
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(opts.ca)
    ctx.check_hostname = False
    return ctx.wrap_socket(s)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            raise EOFError("closed")
        buf += d
    return buf


def read_frame(s):
    (n,) = struct.unpack(">I", recv_exact(s, 4))
    return recv_exact(s, n)


def sign_in(opts, token=None, rcvbuf=None):
    """A signed-in connection and "ok", or None and what refused it."""
    try:
        s = connect(opts, rcvbuf=rcvbuf)
        s.sendall(hello(token if token is not None else opts.token))
        got = describe(read_frame(s))
    except (OSError, EOFError) as e:
        return None, "error %s" % type(e).__name__
    if got != "ok":
        s.close()
        return None, got
    return s, got


def closed_by_server(s):
    """Whether the server has closed s: what waits is read and dropped (raw
    bytes: the TLS stream does not matter any more) until EOF or a reset."""
    fd = s.fileno()
    os.set_blocking(fd, False)
    try:
        while True:
            if not os.read(fd, 1 << 16):
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def pipeline(s, count, field):
    """Send count requests without reading; stop where the server stops reading."""
    data = b"".join(request(i + 2, field) for i in range(count))
    s.settimeout(2)
    try:
        s.sendall(data)
    except (socket.timeout, ssl.SSLError, OSError):
        pass


def mode_plain(opts):
    socks = []
    for _ in range(opts.n):
        try:
            socks.append(connect(opts, tls=False))
        except OSError:
            pass
    time.sleep(1)
    print("open %d" % sum(1 for s in socks if not closed_by_server(s)), flush=True)
    time.sleep(opts.hold)


def mode_signin(opts):
    s, got = sign_in(opts)
    if s is not None and opts.ping:
        s.sendall(request(2, F_PING))
        got = describe(read_frame(s))
    print(got, flush=True)


def mode_hold(opts):
    held = []
    for _ in range(opts.n):
        s, got = sign_in(opts)
        print(got, flush=True)
        if s is not None:
            held.append(s)
    print("held %d" % len(held), flush=True)
    time.sleep(opts.hold)


def mode_badtokens(opts):
    counts = {}
    for i in range(opts.n):
        _, got = sign_in(opts, token="tok-nobody-%d" % i)
        reason = got.split()[1] if got.startswith("refused ") else got
        counts[reason] = counts.get(reason, 0) + 1
    for reason in sorted(counts):
        print("%s %d" % (reason, counts[reason]), flush=True)


def mode_noread(opts):
    socks = []
    for _ in range(opts.n):
        s, got = sign_in(opts, rcvbuf=4096)
        if s is None:
            print(got, flush=True)
            continue
        socks.append(s)
    for s in socks:
        pipeline(s, opts.requests, F_LIST_RESOURCES)
    print("sent", flush=True)
    time.sleep(opts.hold)


def mode_watchstall(opts):
    s, got = sign_in(opts, rcvbuf=4096)
    if s is None:
        print(got, flush=True)
        return
    s.sendall(request(2, F_WATCH))
    got = describe(read_frame(s))
    if got != "ok":
        print("watch " + got, flush=True)
        return
    pipeline(s, opts.requests, F_LIST_RESOURCES)
    print("watching", flush=True)
    time.sleep(opts.hold)


def mode_trickle(opts):
    s, got = sign_in(opts)
    if s is None:
        print(got, flush=True)
        return
    s.sendall(struct.pack(">I", opts.announce))
    t0 = time.monotonic()
    while time.monotonic() - t0 < opts.hold:
        r, _, _ = select.select([s], [], [], 1.0)
        if r:
            try:
                got = describe(read_frame(s))
            except (OSError, EOFError):
                got = "refused (no error frame)"
            print("closed %d %s" % (round(time.monotonic() - t0), got.split()[1]), flush=True)
            return
        try:
            s.sendall(b"\0")
        except OSError:
            print("closed %d (send failed)" % round(time.monotonic() - t0), flush=True)
            return
    print("open %d" % round(time.monotonic() - t0), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=["plain", "signin", "hold", "badtokens", "noread",
                                    "watchstall", "trickle"])
    p.add_argument("n", type=int, nargs="?", default=1)
    p.add_argument("--server", required=True)
    p.add_argument("--ca", default="")
    p.add_argument("--token", default="")
    p.add_argument("--src", default="")
    p.add_argument("--hold", type=float, default=0)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--announce", type=int, default=1000000)
    p.add_argument("--ping", action="store_true")
    opts = p.parse_args()
    globals()["mode_" + opts.mode](opts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
