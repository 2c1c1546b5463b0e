#!/usr/bin/env python3
"""notify-listen.py SOCKET OUT PORT: the service manager's end of sd_notify(3).

Receives the datagrams rigbookd sends to NOTIFY_SOCKET and appends one line
per datagram to OUT (fields joined by spaces).  On READY=1 it also tries to
connect to 127.0.0.1:PORT at once and appends "connect ok" or "connect
refused", so a READY sent before rigbookd serves shows.
"""
import os
import socket
import sys

path, out, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o777)  # rigbookd may have dropped to another user
with open(out, "a", buffering=1) as f:
    f.write("listening\n")
    while True:
        msg = s.recv(4096).decode("utf-8", "replace")
        f.write(" ".join(msg.split("\n")) + "\n")
        if "READY=1" in msg.split("\n"):
            c = socket.socket()
            try:
                c.connect(("127.0.0.1", port))
                f.write("connect ok\n")
            except OSError:
                f.write("connect refused\n")
            finally:
                c.close()
