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
