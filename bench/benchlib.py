"""Helpers shared by the bench/ scripts: free loopback ports and starting a
server process until it accepts connections."""

import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, port):
    """Starts cmd and waits until 127.0.0.1:port accepts; returns (process,
    connected socket). Kills the process if it never does."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            return proc, socket.create_connection(("127.0.0.1", port), timeout=30)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start: %s" % " ".join(cmd))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def read_replies(sock, count, buf):
    """Reads `count` single-line replies (+OK / :n); returns leftover bytes."""
    seen = 0
    while True:
        seen_now = buf.count(b"\r\n")
        if seen + seen_now >= count:
            # Keep whatever follows the count-th line.
            idx = -1
            for _ in range(count - seen):
                idx = buf.index(b"\r\n", idx + 1)
            return buf[idx + 2:]
        chunk = sock.recv(1 << 20)
        if not chunk:
            raise RuntimeError("connection closed")
        if chunk.startswith(b"-") or b"\r\n-" in chunk:
            raise RuntimeError("server error: %r" % chunk[:200])
        buf += chunk


def command(sock, *args):
    sock.sendall(resp(*args))
    data = b""
    while not data.endswith(b"\r\n"):
        data += sock.recv(4096)
    return data
