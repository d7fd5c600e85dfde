"""redis-cli (one-shot and an interactive session on a pty) and
redis-benchmark against the server."""

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import time

import pytest

REDIS_CLI = "/usr/bin/redis-cli"
REDIS_BENCHMARK = "/usr/bin/redis-benchmark"
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def cli(server, *args, timeout=30):
    p = subprocess.run([REDIS_CLI, "-h", server.host, "-p", str(server.port), *args],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    return p.returncode, p.stdout


def test_redis_cli_one_shot(server):
    assert cli(server, "ping") == (0, b"PONG\n")
    assert cli(server, "set", "k", "v") == (0, b"OK\n")
    assert cli(server, "get", "k") == (0, b"v\n")
    assert cli(server, "incr", "n") == (0, b"1\n")
    assert cli(server, "get", "nokey") == (0, b"\n")
    rc, out = cli(server, "get")
    assert out == b"ERR wrong number of arguments for 'get' command\n\n"


def test_redis_cli_interactive_pty(server):
    """Drive `redis-cli -p PORT` through a pseudo-terminal like a person."""
    prompt = ("%s:%d> " % (server.host, server.port)).encode()
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    env = dict(os.environ, TERM="xterm")
    env.pop("REDISCLI_HISTFILE", None)
    env["REDISCLI_HISTFILE"] = "/dev/null"
    p = subprocess.Popen([REDIS_CLI, "-h", server.host, "-p", str(server.port)],
                         stdin=slave, stdout=slave, stderr=slave, env=env,
                         start_new_session=True)
    os.close(slave)
    buf = bytearray()

    def read_until(pred, timeout=20):
        deadline = time.monotonic() + timeout
        while not pred(bytes(buf)):
            left = deadline - time.monotonic()
            assert left > 0, "redis-cli output so far: %r" % bytes(buf)
            rl, _, _ = select.select([master], [], [], left)
            if rl:
                try:
                    data = os.read(master, 4096)
                except OSError:  # EIO: the child closed the pty
                    data = b""
                if not data:
                    return bytes(buf)
                # linenoise may ask the terminal where the cursor is; answer
                # like a terminal emulator would
                for _ in range(data.count(b"\x1b[6n")):
                    os.write(master, b"\x1b[1;1R")
                buf.extend(data.replace(b"\x1b[6n", b""))
        return bytes(buf)

    try:
        read_until(lambda b: b.startswith(prompt) or b"\n" + prompt in b)
        outputs = []
        for line in [b"set a 1", b"get a", b"incr a"]:
            start = len(buf)
            n = bytes(buf).count(b"\n" + prompt)
            os.write(master, line + b"\r")
            # the prompt is redrawn on each keystroke; a reply ends with a
            # newline and a fresh prompt
            read_until(lambda b: b.count(b"\n" + prompt) > n)
            seg = ANSI.sub(b"", bytes(buf[start:])).replace(b"\r", b"")
            # the echo of the typed line, then the reply, then the prompt
            echo, _, rest = seg.partition(b"\n")
            assert line in echo, seg
            assert rest.endswith(prompt), seg
            outputs.append(rest[:-len(prompt)])
        os.write(master, b"quit\r")
        read_until(lambda b: p.poll() is not None, timeout=20)
        p.wait(timeout=20)
        assert outputs == [b"OK\n", b'"1"\n', b"(integer) 2\n"]
        assert p.returncode == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(master)


# "SET: 123.45 requests per second, p50=..." (progress lines, separated by
# CR and padded with spaces, say "rps=" instead and never match)
# (a test that finishes within one clock tick reports "inf")
RESULT = re.compile(r"([A-Z_]+)(?: \([^)]*\))?: ([0-9.]+|inf) requests per second")


@pytest.mark.parametrize("pipeline", ["1", "64"])
def test_redis_benchmark(server, pipeline):
    p = subprocess.run(
        [REDIS_BENCHMARK, "-h", server.host, "-p", str(server.port),
         "-t", "ping,set,get,incr,mset", "-n", "2000", "-P", pipeline, "-q"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        timeout=60)
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 0, out
    names = [m.group(1) for m in RESULT.finditer(out)]
    assert names == ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET"], out
    assert "rror" not in out, out
