"""SLOWLOG and LATENCY. No timing assertions: thresholds of 0 log every
command, and DEBUG SLEEP gives a lower bound on a command's duration."""

from resp import RawConnection


def _conn(srv):
    return RawConnection(srv.host, srv.port, timeout=30)


def test_slowlog_records_redacts_and_trims(harness):
    srv = harness.start("--slowlog-log-slower-than", "0")
    c = _conn(srv)
    try:
        c.call([b"SLOWLOG", b"RESET"])
        c.call([b"CLIENT", b"SETNAME", b"me"])
        c.call([b"AUTH", b"secret"])                 # fails, still logged, redacted
        c.call([b"SET", b"k", b"x" * 200])
        c.call([b"DEL"] + [b"a%d" % i for i in range(40)])
        entries = c.call([b"SLOWLOG", b"GET", b"-1"])
        # DEL, SET, AUTH, CLIENT SETNAME, SLOWLOG RESET, and SLOWLOG GET itself.
        assert c.call([b"SLOWLOG", b"LEN"]) == b":6\r\n"
        assert b"$10\r\n(redacted)\r\n" in entries and b"secret" not in entries
        assert b"... (72 more bytes)" in entries           # 200 bytes cut at 128
        assert b"*32\r\n$3\r\nDEL\r\n" in entries
        assert b"... (10 more arguments)" in entries       # 41 arguments, 31 shown
        assert b"$2\r\nme\r\n" in entries                   # the client's name
        assert c.call([b"SLOWLOG", b"GET", b"1"]).startswith(b"*1\r\n*6\r\n")
        assert c.call([b"SLOWLOG", b"GET", b"-2"]) == (
            b"-ERR count should be greater than or equal to -1\r\n")
        c.call([b"CONFIG", b"SET", b"slowlog-max-len", b"2"])
        assert c.call([b"SLOWLOG", b"LEN"]) == b":2\r\n"
        c.call([b"CONFIG", b"SET", b"slowlog-log-slower-than", b"-1"])
        c.call([b"SLOWLOG", b"RESET"])
        c.call([b"PING"])
        assert c.call([b"SLOWLOG", b"LEN"]) == b":0\r\n"
    finally:
        c.close()


def test_exec_is_not_logged_but_its_commands_are(harness):
    srv = harness.start("--slowlog-log-slower-than", "0")
    c = _conn(srv)
    try:
        c.call([b"MULTI"])
        c.call([b"SLOWLOG", b"RESET"])
        c.call([b"INCR", b"n"])
        c.call([b"EXEC"])
        got = c.call([b"SLOWLOG", b"GET"])
        # The queued commands, newest first; no EXEC.
        assert got.startswith(b"*2\r\n") and b"$4\r\nINCR\r\n" in got, got
        assert b"$4\r\nEXEC\r\n" not in got
    finally:
        c.close()


def test_latency_monitor_records_slow_commands(harness):
    # The threshold is high enough that no other command of the test reaches
    # it, even one whose thread a loaded machine preempts for a while (at
    # 10 ms, such a command added a second "command" or a "fast-command"
    # event); DEBUG SLEEP is a lower bound on the one slow command.
    srv = harness.start("--latency-monitor-threshold", "200", "--enable-debug-command", "yes")
    c = _conn(srv)
    try:
        assert c.call([b"LATENCY", b"LATEST"]) == b"*0\r\n"
        assert b"no latency spike" in c.call([b"LATENCY", b"DOCTOR"])
        c.call([b"DEBUG", b"SLEEP", b"0.25"])
        latest = c.call([b"LATENCY", b"LATEST"])
        assert latest.startswith(b"*1\r\n*4\r\n$7\r\ncommand\r\n"), latest
        history = c.call([b"LATENCY", b"HISTORY", b"command"])
        assert history.startswith(b"*1\r\n*2\r\n:")
        assert b"command - high" in c.call([b"LATENCY", b"GRAPH", b"command"])
        assert b"1. command: 1 latency spikes" in c.call([b"LATENCY", b"DOCTOR"])
        assert c.call([b"LATENCY", b"RESET", b"nosuch"]) == b":0\r\n"
        assert c.call([b"LATENCY", b"RESET"]) == b":1\r\n"
        assert c.call([b"LATENCY", b"GRAPH", b"command"]) == (
            b"-ERR No samples available for event 'command'\r\n")
    finally:
        c.close()
