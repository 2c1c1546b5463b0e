#!/usr/bin/env python3
"""A TCP proxy that loses an answer.

The first connection through it is cut right after the client's Nth TLS
application-data record has been forwarded to the server: the server acts on
that request, but its answer never reaches the client.  The next REFUSE
connections (default 0) are hung up on as soon as they are accepted, as a
server that has gone away would; later ones pass through untouched.  TLS
record headers are plaintext, so the proxy can count records without
decrypting anything.

usage: dropproxy.py PORTFILE TARGET_HOST TARGET_PORT N [REFUSE]
Writes the port it listens on to PORTFILE once it accepts connections.
"""
import os
import socket
import sys
import threading
import time

APPDATA = 23


def pump(src, dst, stop):
    """Forward src to dst; once stop is set, what comes is read and dropped
    (the cut's answer goes nowhere) until src ends."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if not stop.is_set():
                dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def cut(client, server, n):
    """Forward client records until the Nth application-data one, then drop both."""
    stop = threading.Event()
    back = threading.Thread(target=pump, args=(server, client, stop), daemon=True)
    back.start()
    buf = b""
    seen = 0
    try:
        while seen < n:
            data = client.recv(65536)
            if not data:
                return
            buf += data
            while len(buf) >= 5:
                length = int.from_bytes(buf[3:5], "big")
                if len(buf) < 5 + length:
                    break
                record, buf = buf[:5 + length], buf[5 + length:]
                if record[0] == APPDATA:
                    seen += 1
                if seen == n:
                    # The server gets the request and answers into the void:
                    # nothing goes back from here on, and only once the
                    # request is on its way is the client hung up on (in the
                    # other order, the pump back could end, and shut the
                    # server's side, before the request was sent).
                    stop.set()
                    server.sendall(record)
                    client.shutdown(socket.SHUT_RDWR)
                    break
                server.sendall(record)
        time.sleep(1.0)
    except OSError:
        pass
    finally:
        stop.set()
        client.close()
        server.close()


def main():
    portfile, host, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    refuse = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", 0))
    lst.listen(16)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % lst.getsockname()[1])
    os.rename(tmp, portfile)
    first = True
    while True:
        client, _ = lst.accept()
        if not first and refuse > 0:
            refuse -= 1
            client.close()
            continue
        server = socket.create_connection((host, port))
        if first:
            first = False
            threading.Thread(target=cut, args=(client, server, n), daemon=True).start()
        else:
            stop = threading.Event()
            threading.Thread(target=pump, args=(client, server, stop), daemon=True).start()
            threading.Thread(target=pump, args=(server, client, stop), daemon=True).start()


if __name__ == "__main__":
    main()
