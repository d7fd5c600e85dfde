"""logfile and loglevel: lines in Redis's format."""

import os
import re

import servers  # noqa: E402  (conftest puts tests/differential on sys.path)
from resp import RawConnection

# <pid>:<role> <dd Mon yyyy HH:MM:SS.mmm> <mark> <message>
LINE = re.compile(rb"^\d+:[MCXS] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] .+$")
# Written from inside a signal handler: <pid>:signal-handler (<unix time>) <message>
SIGNAL_LINE = re.compile(rb"^\d+:signal-handler \(\d+\) .+$")


def test_logfile_lines_have_redis_format(harness):
    path = os.path.join(servers.scratch_dir("spindle-log-"), "server.log")
    srv = harness.start("--logfile", path, "--loglevel", "verbose")
    c = RawConnection(srv.host, srv.port, timeout=30)
    assert c.call([b"PING"]) == b"+PONG\r\n"
    c.close()
    harness.stop_all()
    with open(path, "rb") as f:
        lines = [l for l in f.read().split(b"\n") if l]
    assert lines, "nothing was logged"
    for line in lines:
        assert LINE.match(line) or SIGNAL_LINE.match(line), line
    assert any(b"Ready to accept connections" in l for l in lines)
    # The harness stops servers with SIGTERM.
    assert any(SIGNAL_LINE.match(l) and l.endswith(b"Received SIGTERM scheduling shutdown...")
               for l in lines), lines


def test_loglevel_warning_drops_notices(harness):
    path = os.path.join(servers.scratch_dir("spindle-log-"), "server.log")
    srv = harness.start("--logfile", path, "--loglevel", "warning")
    c = RawConnection(srv.host, srv.port, timeout=30)
    assert c.call([b"CONFIG", b"GET", b"loglevel"]) == \
        b"*2\r\n$8\r\nloglevel\r\n$7\r\nwarning\r\n"
    c.close()
    harness.stop_all()
    with open(path, "rb") as f:
        lines = [l for l in f.read().split(b"\n") if l]
    # Notices (mark '*') such as the ready line are not written at warning.
    assert not any(LINE.match(l) and l.split(b" ")[5] == b"*" for l in lines), lines
