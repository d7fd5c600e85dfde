"""MONITOR, CLIENT PAUSE / UNPAUSE, CLIENT REPLY, CLIENT NO-EVICT, RESET.

No timing assertions: pauses are ended with CLIENT UNPAUSE, and a paused
client is seen through CLIENT LIST / INFO, never by how long it waited.
"""

import re
import time

from resp import RawConnection
from waits import poll


def _conn(srv):
    # Generous: a reply held by a pause comes when the pause ends, later on a
    # loaded machine.
    return RawConnection(srv.host, srv.port, timeout=30)


def _monitor_lines(m, n):
    out = []
    for _ in range(n):
        out.append(m.read_reply())
    return out


def _strip_head(line):
    # "+1700000000.123456 [0 127.0.0.1:1234] "set" "k"" -> '[0] "set" "k"'
    m = re.match(rb'^\+\d+\.\d{6} \[(\d+) [^\]]+\] (.*)\r\n$', line)
    assert m, line
    return b"[" + m.group(1) + b"] " + m.group(2)


def test_monitor_shows_commands_after_they_run(server):
    m, c = _conn(server), _conn(server)
    try:
        assert m.call([b"MONITOR"]) == b"+OK\r\n"
        c.call([b"SET", b"k", b"a b\n\x00"])
        c.call([b"SELECT", b"3"])
        c.call([b"GET", b"k"])
        c.call([b"AUTH", b"secret"])            # fails; still shown, redacted
        c.call([b"CONFIG", b"GET", b"port"])    # admin: not shown
        c.call([b"MULTI"])
        c.call([b"INCR", b"n"])
        c.call([b"EXEC"])
        lines = [_strip_head(l) for l in _monitor_lines(m, 7)]
        assert lines == [
            b'[0] "SET" "k" "a b\\n\\x00"',
            b'[3] "SELECT" "3"',
            b'[3] "GET" "k"',
            b'[3] "AUTH" "(redacted)"',
            b'[3] "MULTI"',
            b'[3] "INCR" "n"',
            b'[3] "EXEC"',
        ]
        assert b" flags=O " in c.call([b"CLIENT", b"LIST"])
        # RESET ends monitoring.
        assert m.call([b"RESET"]) == b"+RESET\r\n"
        c.call([b"PING"])
        assert m.call([b"PING"]) == b"+PONG\r\n"
    finally:
        m.close()
        c.close()


def test_monitor_inside_multi_is_refused(server):
    c = _conn(server)
    try:
        c.call([b"MULTI"])
        c.call([b"MONITOR"])
        assert c.call([b"EXEC"]) == (
            b"*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n")
    finally:
        c.close()


def test_client_reply_off_skip_on(server):
    c = _conn(server)
    try:
        c.send_command([b"CLIENT", b"REPLY", b"SKIP"])
        c.send_command([b"SET", b"a", b"1"])        # silenced
        assert c.call([b"GET", b"a"]) == b"$1\r\n1\r\n"
        c.send_command([b"CLIENT", b"REPLY", b"OFF"])
        c.send_command([b"INCR", b"a"])
        c.send_command([b"NOSUCH"])
        assert c.call([b"CLIENT", b"REPLY", b"ON"]) == b"+OK\r\n"
        assert c.call([b"GET", b"a"]) == b"$1\r\n2\r\n"
    finally:
        c.close()


def _info_blocked(c):
    return int(re.search(rb"blocked_clients:(\d+)", c.call([b"INFO", b"clients"])).group(1))


def test_client_pause_write_postpones_writes_only(server):
    admin, w = _conn(server), _conn(server)
    try:
        admin.call([b"SET", b"k", b"1"])
        assert admin.call([b"CLIENT", b"PAUSE", b"100000", b"WRITE"]) == b"+OK\r\n"
        assert w.call([b"GET", b"k"]) == b"$1\r\n1\r\n"       # reads still run
        w.send_command([b"INCR", b"k"])
        w.send_command([b"GET", b"k"])                        # queued behind it
        poll(lambda: _info_blocked(admin), 1, "blocked clients")
        assert b" flags=b " in admin.call([b"CLIENT", b"LIST"])
        assert admin.call([b"GET", b"k"]) == b"$1\r\n1\r\n"
        assert admin.call([b"CLIENT", b"UNPAUSE"]) == b"+OK\r\n"
        assert w.read_reply() == b":2\r\n"
        assert w.read_reply() == b"$1\r\n2\r\n"
        assert _info_blocked(admin) == 0
    finally:
        admin.close()
        w.close()


def test_client_pause_all_postpones_every_command(server):
    # ALL pauses the pausing client too, so the pause is left to end.
    admin, r = _conn(server), _conn(server)
    try:
        assert admin.call([b"CLIENT", b"PAUSE", b"100"]) == b"+OK\r\n"
        r.send_command([b"PING"])
        admin.send_command([b"GET", b"x"])
        assert r.read_reply() == b"+PONG\r\n"
        assert admin.read_reply() == b"$-1\r\n"
        assert _info_blocked(admin) == 0
    finally:
        admin.close()
        r.close()


def test_client_pause_ends_by_itself(server):
    admin, w = _conn(server), _conn(server)
    try:
        admin.call([b"CLIENT", b"PAUSE", b"50", b"WRITE"])
        assert w.call([b"SET", b"x", b"1"]) == b"+OK\r\n"     # served when it ends
    finally:
        admin.close()
        w.close()


def test_paused_keys_do_not_expire(server):
    admin = _conn(server)
    try:
        # The key and the pause come in one transaction: sent apart, the
        # cron's active expiry could delete the key between them (its TTL is
        # 1 ms), before the pause protects it.
        assert admin.call([b"MULTI"]) == b"+OK\r\n"
        assert admin.call([b"SET", b"e", b"v", b"PX", b"1"]) == b"+QUEUED\r\n"
        assert admin.call([b"CLIENT", b"PAUSE", b"100000", b"WRITE"]) == b"+QUEUED\r\n"
        assert admin.call([b"EXEC"]) == b"*2\r\n+OK\r\n+OK\r\n"
        time.sleep(0.05)  # a lower bound: the TTL has passed
        assert admin.call([b"GET", b"e"]) == b"$-1\r\n"      # expired for readers ...
        assert admin.call([b"DBSIZE"]) == b":1\r\n"          # ... but not deleted
        admin.call([b"CLIENT", b"UNPAUSE"])
        assert admin.call([b"GET", b"e"]) == b"$-1\r\n"
        assert admin.call([b"DBSIZE"]) == b":0\r\n"
    finally:
        admin.close()


def test_reset_restores_a_fresh_connection(server):
    c = _conn(server)
    try:
        c.call([b"SELECT", b"5"])
        c.call([b"CLIENT", b"SETNAME", b"x"])
        c.call([b"CLIENT", b"NO-EVICT", b"ON"])
        assert b" flags=e " in c.call([b"CLIENT", b"INFO"])
        c.call([b"HELLO", b"3"])
        c.call([b"MULTI"])
        assert c.call([b"RESET"]) == b"+RESET\r\n"
        info = c.call([b"CLIENT", b"INFO"])
        # Redis 7.0 keeps CLIENT NO-EVICT across RESET.
        assert b" db=0 " in info and b" name= " in info and b" flags=e " in info
        assert b" resp=2" in info
        assert c.call([b"EXEC"]) == b"-ERR EXEC without MULTI\r\n"
    finally:
        c.close()
