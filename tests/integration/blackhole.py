#!/usr/bin/env python3
"""A TCP proxy in front of a PostgreSQL unix socket that can go silent.

It forwards every connection to the socket until the file HOLDFILE exists;
from then on it accepts connections and reads what comes, but forwards
nothing either way: a database behind a network that drops every packet.

usage: blackhole.py PORTFILE SOCKET_PATH HOLDFILE
Writes the port it listens on to PORTFILE once it accepts connections.
"""
import os
import socket
import sys
import threading
import time


def held(holdfile):
    return os.path.exists(holdfile)


def pump(src, dst, holdfile):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if not held(holdfile):
                dst.sendall(data)
    except OSError:
        pass
    finally:
        if not held(holdfile):
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def serve(client, path, holdfile):
    if held(holdfile):
        # accepted, and then nothing: the connection hangs
        while True:
            try:
                if not client.recv(65536):
                    return
            except OSError:
                return
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.connect(path)
    threading.Thread(target=pump, args=(server, client, holdfile), daemon=True).start()
    pump(client, server, holdfile)


def main():
    portfile, path, holdfile = sys.argv[1], sys.argv[2], sys.argv[3]
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c, path, holdfile), daemon=True).start()


if __name__ == "__main__":
    main()
