"""INFO commandstats and DEBUG (protected, OBJECT)."""

import re

from resp import RawConnection

DEBUG_DENIED = (b"-ERR DEBUG command not allowed. If the enable-debug-command option is set to "
                b"\"local\", you can run it from a local connection, otherwise you need to set "
                b"this option in the configuration file, and then restart the server.\r\n")


def test_commandstats(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"CONFIG", b"RESETSTAT"]) == b"+OK\r\n"
        c.call([b"SET", b"a", b"1"])
        c.call([b"SET", b"a", b"1", b"BADOPT"])  # failed call
        c.call([b"GET"])                          # rejected call (arity)
        c.call([b"GET", b"a"])
        info = c.call([b"INFO", b"commandstats"])
        line = re.compile(rb"cmdstat_%s:calls=(\d+),usec=(\d+),usec_per_call=[\d.]+,"
                          rb"rejected_calls=(\d+),failed_calls=(\d+)")
        s = line.pattern
        m = re.search(s % b"set", info)
        assert m and (m.group(1), m.group(3), m.group(4)) == (b"2", b"0", b"1"), info
        m = re.search(s % b"get", info)
        assert m and (m.group(1), m.group(3), m.group(4)) == (b"1", b"1", b"0"), info
        # Not part of the default INFO, part of INFO all.
        assert b"# Commandstats" not in c.call([b"INFO"])
        assert b"# Commandstats" in c.call([b"INFO", b"all"])
    finally:
        c.close()


def test_debug_is_protected_by_default(harness):
    srv = harness.start()
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"DEBUG", b"SLEEP", b"0"]) == DEBUG_DENIED
    finally:
        c.close()


def test_debug_object(harness):
    srv = harness.start("--enable-debug-command", "yes")
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        c.call([b"SET", b"s", b"bar"])
        c.call([b"SET", b"n", b"123"])
        c.call([b"SET", b"big", b"x" * 100])
        r = c.call([b"DEBUG", b"OBJECT", b"s"])
        assert re.match(rb"\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr "
                        rb"serializedlength:4 lru:\d+ lru_seconds_idle:\d+\r\n$", r), r
        r = c.call([b"DEBUG", b"OBJECT", b"n"])
        assert b" refcount:2147483647 encoding:int serializedlength:2 " in r, r
        assert b" encoding:raw " in c.call([b"DEBUG", b"OBJECT", b"big"])
        assert c.call([b"DEBUG", b"OBJECT", b"nokey"]) == b"-ERR no such key\r\n"
        assert c.call([b"DEBUG", b"BOGUS"]) == (
            b"-ERR unknown subcommand or wrong number of arguments for 'BOGUS'. "
            b"Try DEBUG HELP.\r\n")
        assert c.call([b"DEBUG", b"SLEEP", b"0"]) == b"+OK\r\n"
    finally:
        c.close()
