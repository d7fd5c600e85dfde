"""Access control lists: users, AUTH / HELLO, NOPERM, the ACL command, the
ACL LOG, `user` lines, aclfile, rename-command. Expected bytes are Redis
7.0.15's (run with SPINDLE_TEST_AGAINST_REDIS=1 to check them)."""

import hashlib
import os
import time

import pytest

from conftest import AGAINST_REDIS, BINARY
from resp import RawConnection, ConnectionClosed, parse_int_reply

OK = b"+OK\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
NOAUTH = b"-NOAUTH Authentication required.\r\n"
NOPERM_KEY = b"-NOPERM this user has no permissions to access one of the keys used as arguments\r\n"
NOPERM_CHANNEL = (b"-NOPERM this user has no permissions to access one of the channels used as "
                  b"arguments\r\n")


def noperm_cmd(name):
    return b"-NOPERM this user has no permissions to run the '" + name + b"' command\r\n"


def bulk(s):
    return b"$%d\r\n%s\r\n" % (len(s), s)


def arr(*items):
    return b"*%d\r\n" % len(items) + b"".join(items)


def sha(p):
    return hashlib.sha256(p).hexdigest().encode()


@pytest.fixture
def conn(server):
    c = RawConnection(server.host, server.port, timeout=30)
    # Every test starts from the default user alone and an empty log.
    for name in c_users(c):
        if name != b"default":
            c.call([b"ACL", b"DELUSER", name])
    c.call([b"ACL", b"SETUSER", b"default", b"reset", b"on", b"nopass", b"~*", b"&*", b"+@all"])
    c.call([b"ACL", b"LOG", b"RESET"])
    yield c
    c.close()


def c_users(c):
    raw = c.call([b"ACL", b"USERS"])
    lines = raw.split(b"\r\n")
    return [lines[i] for i in range(2, len(lines), 2)]


def connect(server, *auth):
    c = RawConnection(server.host, server.port, timeout=30)
    if auth:
        assert c.call([b"AUTH"] + list(auth)) == OK
    return c


def test_setuser_getuser_list(conn):
    assert conn.call([b"ACL", b"SETUSER", b"u1", b"on", b">p1", b"~k*", b"%R~r*", b"%W~w*",
                      b"%RW~rw*", b"&ch*", b"+@hash", b"-hset"]) == OK
    # (Single commands come in Redis's command-table hash order, random per
    # process: one exception keeps the expected text fixed.)
    assert conn.call([b"ACL", b"GETUSER", b"u1"]) == arr(
        bulk(b"flags"), arr(bulk(b"on")),
        bulk(b"passwords"), arr(bulk(sha(b"p1"))),
        bulk(b"commands"), bulk(b"-@all +@hash -hset"),
        bulk(b"keys"), bulk(b"~k* %R~r* %W~w* ~rw*"),
        bulk(b"channels"), bulk(b"&ch*"),
        bulk(b"selectors"), b"*0\r\n")
    assert conn.call([b"ACL", b"GETUSER", b"nosuch"]) == b"$-1\r\n"
    assert conn.call([b"ACL", b"LIST"]) == arr(
        bulk(b"user default on nopass sanitize-payload ~* &* +@all"),
        bulk(b"user u1 on #" + sha(b"p1") +
             b" ~k* %R~r* %W~w* ~rw* resetchannels &ch* -@all +@hash -hset"))
    assert conn.call([b"ACL", b"USERS"]) == arr(bulk(b"default"), bulk(b"u1"))


def test_getuser_selectors_and_resp3(conn):
    assert conn.call([b"ACL", b"SETUSER", b"u3", b"(~a*", b"+get)", b"(+set ~b*)"]) == OK
    assert conn.call([b"ACL", b"GETUSER", b"u3"]) == arr(
        bulk(b"flags"), arr(bulk(b"off")),
        bulk(b"passwords"), b"*0\r\n",
        bulk(b"commands"), bulk(b"-@all"),
        bulk(b"keys"), bulk(b""),
        bulk(b"channels"), bulk(b""),
        bulk(b"selectors"), arr(
            arr(bulk(b"commands"), bulk(b"-@all +get"), bulk(b"keys"), bulk(b"~a*"),
                bulk(b"channels"), bulk(b"")),
            arr(bulk(b"commands"), bulk(b"-@all +set"), bulk(b"keys"), bulk(b"~b*"),
                bulk(b"channels"), bulk(b""))))
    assert conn.call([b"ACL", b"LIST"]).endswith(
        bulk(b"user u3 off resetchannels -@all (~a* resetchannels -@all +get) "
             b"(~b* resetchannels -@all +set)"))
    conn.call([b"HELLO", b"3"])
    assert conn.call([b"ACL", b"GETUSER", b"u3"]).startswith(
        b"%6\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$9\r\npasswords\r\n*0\r\n")


@pytest.mark.parametrize("rule,error", [
    (b"+foo", b"Unknown command or category name in ACL"),
    (b"+@foo", b"Unknown command or category name in ACL"),
    (b"-select|0", b"Unknown command or category name in ACL"),
    (b"+config|get|x", b"Allowing first-arg of a subcommand is not supported"),
    (b"+config|", b"Syntax error"),
    (b"bogus", b"Syntax error"),
    (b"%X~a", b"Syntax error"),
    (b"<nope", b"The password you are trying to remove from the user does not exist"),
    (b"#abc", b"The password hash must be exactly 64 characters and contain only lowercase "
              b"hexadecimal characters"),
    (b"(bogus)", b"Syntax error"),
    # Key patterns and channels with a C isspace() character (ACLStringHasSpaces).
    (b"~a b", b"Syntax error"),
    (b"%R~a\tb", b"Syntax error"),
    (b"&a\nb", b"Syntax error"),
    (b"(~a\vb)", b"Syntax error"),
])
def test_setuser_errors(conn, rule, error):
    # (An error reply's newlines become spaces.)
    shown = rule.replace(b"\r", b" ").replace(b"\n", b" ")
    assert conn.call([b"ACL", b"SETUSER", b"e", b"on", rule]) == \
        b"-ERR Error in ACL SETUSER modifier '" + shown + b"': " + error + b"\r\n"
    # Nothing was applied: the user does not exist.
    assert conn.call([b"ACL", b"GETUSER", b"e"]) == b"$-1\r\n"


def test_setuser_more_errors(conn):
    assert conn.call([b"ACL", b"SETUSER", b"e", b"~*", b"~a"]) == (
        b"-ERR Error in ACL SETUSER modifier '~a': Adding a pattern after the * pattern (or the "
        b"'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start "
        b"with an empty list of patterns\r\n")
    assert conn.call([b"ACL", b"SETUSER", b"e", b"&*", b"&a"]) == (
        b"-ERR Error in ACL SETUSER modifier '&a': Adding a pattern after the * pattern (or the "
        b"'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' "
        b"to start with an empty list of channels\r\n")
    assert conn.call([b"ACL", b"SETUSER", b"e", b"(~a"]) == \
        b"-ERR Unmatched parenthesis in acl selector starting at '(~a'.\r\n"
    assert conn.call([b"ACL", b"SETUSER", b"a b"]) == \
        b"-ERR Usernames can't contain spaces or null characters\r\n"
    assert conn.call([b"ACL", b"SETUSER", b"a\tb"]) == \
        b"-ERR Usernames can't contain spaces or null characters\r\n"
    assert conn.call([b"ACL", b"SETUSER"]) == \
        b"-ERR wrong number of arguments for 'acl|setuser' command\r\n"


def test_deluser_users_whoami_cat(conn, server):
    assert conn.call([b"ACL", b"DELUSER", b"default"]) == \
        b"-ERR The 'default' user cannot be removed\r\n"
    assert conn.call([b"ACL", b"DELUSER", b"nope"]) == b":0\r\n"
    conn.call([b"ACL", b"SETUSER", b"a", b"on", b">pa", b"+@all", b"~*"])
    conn.call([b"ACL", b"SETUSER", b"b"])
    assert conn.call([b"ACL", b"WHOAMI"]) == bulk(b"default")
    c = connect(server, b"a", b"pa")
    assert c.call([b"ACL", b"WHOAMI"]) == bulk(b"a")
    assert b" user=a " in c.call([b"CLIENT", b"INFO"])
    assert conn.call([b"CLIENT", b"KILL", b"USER", b"nosuch"]) == \
        b"-ERR No such user 'nosuch'\r\n"
    # DELUSER closes the user's connections.
    assert conn.call([b"ACL", b"DELUSER", b"a", b"b", b"c"]) == b":2\r\n"
    with pytest.raises((ConnectionClosed, OSError)):
        c.call([b"PING"])
    c.close()
    cat = conn.call([b"ACL", b"CAT"])
    assert cat.startswith(b"*21\r\n$8\r\nkeyspace\r\n$4\r\nread\r\n")
    assert cat.endswith(b"$11\r\ntransaction\r\n$9\r\nscripting\r\n")
    assert conn.call([b"ACL", b"CAT", b"nope"]) == b"-ERR Unknown category 'nope'\r\n"
    hashcat = conn.call([b"ACL", b"CAT", b"HASH"])
    assert bulk(b"hget") in hashcat and bulk(b"get") not in hashcat
    assert bulk(b"acl|setuser") in conn.call([b"ACL", b"CAT", b"admin"])
    assert conn.call([b"ACL", b"CAT", b"a", b"b"]) == (
        b"-ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.\r\n")


def test_client_kill_user(conn, server):
    conn.call([b"ACL", b"SETUSER", b"k", b"on", b">pk", b"+@all", b"~*"])
    c1 = connect(server, b"k", b"pk")
    c2 = connect(server, b"k", b"pk")
    assert conn.call([b"CLIENT", b"KILL", b"USER", b"k"]) == b":2\r\n"
    for c in (c1, c2):
        with pytest.raises((ConnectionClosed, OSError)):
            c.call([b"PING"])
        c.close()


def test_auth_forms(conn, server):
    conn.call([b"ACL", b"SETUSER", b"u", b"on", b">pw", b"+@all", b"~*"])
    c = connect(server)
    try:
        assert c.call([b"AUTH", b"u", b"bad"]) == WRONGPASS
        assert c.call([b"AUTH", b"nouser", b"x"]) == WRONGPASS
        assert c.call([b"AUTH", b"u", b"pw"]) == OK
        assert c.call([b"ACL", b"WHOAMI"]) == bulk(b"u")
        assert c.call([b"HELLO", b"2", b"AUTH", b"u", b"bad"]) == WRONGPASS
        reply = c.call([b"HELLO", b"2", b"AUTH", b"default", b"x"])
        assert reply.startswith(b"*14\r\n$6\r\nserver\r\n")
        assert c.call([b"ACL", b"WHOAMI"]) == bulk(b"default")
        # A disabled user cannot log in, even with the right password.
        conn.call([b"ACL", b"SETUSER", b"u", b"off"])
        assert c.call([b"AUTH", b"u", b"pw"]) == WRONGPASS
        # nopass takes any password.
        conn.call([b"ACL", b"SETUSER", b"n", b"on", b"nopass", b"+@all"])
        assert c.call([b"AUTH", b"n", b"whatever"]) == OK
    finally:
        c.close()


def test_requirepass_is_the_default_users_password(harness):
    srv = harness.start("--requirepass", "s3cret")
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"GET", b"a"]) == NOAUTH
        assert c.call([b"AUTH", b"s3cret"]) == OK
        assert c.call([b"ACL", b"LIST"]) == arr(
            bulk(b"user default on #" + sha(b"s3cret") + b" ~* &* +@all"))
        assert c.call([b"CONFIG", b"SET", b"requirepass", b"other"]) == OK
        assert c.call([b"ACL", b"GETUSER", b"default"]).split(b"\r\n")[10] == sha(b"other")
        # An unauthenticated client may run commands once the default user
        # is nopass again (Redis's authRequired).
        c2 = RawConnection(srv.host, srv.port, timeout=30)
        assert c2.call([b"GET", b"a"]) == NOAUTH
        assert c.call([b"CONFIG", b"SET", b"requirepass", b""]) == OK
        assert c2.call([b"GET", b"a"]) == b"$-1\r\n"
        c2.close()
        # ACL SETUSER default takes effect for new connections.
        assert c.call([b"ACL", b"SETUSER", b"default", b"resetpass", b">np"]) == OK
        c3 = RawConnection(srv.host, srv.port, timeout=30)
        assert c3.call([b"PING"]) == NOAUTH
        assert c3.call([b"AUTH", b"np"]) == OK
        c3.close()
    finally:
        c.close()


def test_noperm_errors(conn, server):
    conn.call([b"ACL", b"SETUSER", b"u6", b"on", b">pw", b"~k*", b"%R~r*", b"%W~w*", b"&ch*",
               b"+get", b"+set", b"+publish", b"+subscribe", b"+psubscribe", b"+config|get",
               b"+select|0", b"+lpush", b"+incr"])
    c = connect(server, b"u6", b"pw")
    try:
        assert c.call([b"GET", b"x"]) == NOPERM_KEY
        assert c.call([b"GET", b"k1"]) == b"$-1\r\n"
        assert c.call([b"GET", b"r1"]) == b"$-1\r\n"
        assert c.call([b"GET", b"w1"]) == NOPERM_KEY
        assert c.call([b"SET", b"w1", b"v"]) == OK
        assert c.call([b"SET", b"w1", b"v", b"GET"]) == NOPERM_KEY
        assert c.call([b"SET", b"r1", b"v"]) == NOPERM_KEY
        assert c.call([b"INCR", b"w1"]) == NOPERM_KEY
        assert c.call([b"LPUSH", b"w2", b"v"]) == b":1\r\n"
        assert c.call([b"DEL", b"k"]) == noperm_cmd(b"del")
        assert c.call([b"CONFIG", b"SET", b"a", b"b"]) == noperm_cmd(b"config|set")
        assert c.call([b"CONFIG", b"GET", b"maxclients"]).startswith(b"*2\r\n")
        assert c.call([b"SELECT", b"0"]) == OK
        assert c.call([b"SELECT", b"1"]) == noperm_cmd(b"select")
        assert c.call([b"ACL", b"WHOAMI"]) == noperm_cmd(b"acl|whoami")
        assert c.call([b"PUBLISH", b"x", b"m"]) == NOPERM_CHANNEL
        assert c.call([b"PUBLISH", b"ch1", b"m"]) == b":0\r\n"
        assert c.call([b"PSUBSCRIBE", b"c*"]) == NOPERM_CHANNEL
        assert c.call([b"SUBSCRIBE", b"ch1", b"zz"]) == NOPERM_CHANNEL
        # Unknown commands and arity come first.
        assert c.call([b"GET"]) == b"-ERR wrong number of arguments for 'get' command\r\n"
        # A refused EXEC aborts, as any refused EXEC.
        assert c.call([b"MULTI"]) == noperm_cmd(b"multi")
        assert c.call([b"EXEC"]) == (b"-EXECABORT Transaction discarded because of: NOPERM this "
                                     b"user has no permissions to run the 'exec' command\r\n")
    finally:
        c.close()


def test_noperm_in_multi_and_rules_changed_before_exec(conn, server):
    conn.call([b"ACL", b"SETUSER", b"m", b"on", b">pw", b"~*", b"+@all", b"-del"])
    c = connect(server, b"m", b"pw")
    try:
        assert c.call([b"MULTI"]) == OK
        assert c.call([b"DEL", b"a"]) == noperm_cmd(b"del")
        assert c.call([b"EXEC"]) == \
            b"-EXECABORT Transaction discarded because of previous errors.\r\n"
        assert c.call([b"MULTI"]) == OK
        assert c.call([b"SET", b"a", b"1"]) == b"+QUEUED\r\n"
        assert c.call([b"GET", b"a"]) == b"+QUEUED\r\n"
        conn.call([b"ACL", b"SETUSER", b"m", b"-set"])
        assert c.call([b"EXEC"]) == (
            b"*2\r\n-NOPERM ACLs rules changed between the moment the transaction was "
            b"accumulated and the EXEC call. This command is no longer allowed for the following "
            b"reason: no permission to execute the command or subcommand\r\n$-1\r\n")
    finally:
        c.close()
    log = conn.call([b"ACL", b"LOG"])
    assert log.startswith(b"*2\r\n*14\r\n$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$7\r\ncommand\r\n"
                          b"$7\r\ncontext\r\n$5\r\nmulti\r\n$6\r\nobject\r\n$3\r\nset\r\n"
                          b"$8\r\nusername\r\n$1\r\nm\r\n$11\r\nage-seconds\r\n")


def test_acl_log(conn, server):
    conn.call([b"ACL", b"SETUSER", b"lg", b"on", b">pw", b"~k*", b"+get"])
    c = connect(server)
    try:
        assert c.call([b"AUTH", b"lg", b"bad"]) == WRONGPASS
        assert c.call([b"auth", b"lg", b"pw"]) == OK
        assert c.call([b"GET", b"x"]) == NOPERM_KEY
        assert c.call([b"GET", b"x"]) == NOPERM_KEY
        assert c.call([b"DEL", b"x"]) == noperm_cmd(b"del")
    finally:
        c.close()
    log = conn.call([b"ACL", b"LOG"])
    entries = log.split(b"*14\r\n")[1:]
    assert log.startswith(b"*3\r\n")
    assert entries[0].startswith(b"$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$7\r\ncommand\r\n$7\r\n"
                                 b"context\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$3\r\ndel\r\n"
                                 b"$8\r\nusername\r\n$2\r\nlg\r\n$11\r\nage-seconds\r\n")
    assert b"cmd=del user=lg" in entries[0]
    assert entries[1].startswith(b"$5\r\ncount\r\n:2\r\n$6\r\nreason\r\n$3\r\nkey\r\n")
    assert b"$6\r\nobject\r\n$1\r\nx\r\n" in entries[1]
    # AUTH failures: the object is the command as typed, the user the one tried.
    assert entries[2].startswith(b"$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$4\r\nauth\r\n$7\r\n"
                                 b"context\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$4\r\nAUTH\r\n"
                                 b"$8\r\nusername\r\n$2\r\nlg\r\n")
    assert conn.call([b"ACL", b"LOG", b"1"]).startswith(b"*1\r\n*14\r\n")
    assert conn.call([b"ACL", b"LOG", b"-1"]) == b"*0\r\n"
    assert conn.call([b"ACL", b"LOG", b"x"]) == \
        b"-ERR value is not an integer or out of range\r\n"
    assert conn.call([b"ACL", b"LOG", b"1", b"2"]) == \
        b"-ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP.\r\n"
    # A shorter acllog-max-len trims the log at its next entry.
    assert conn.call([b"CONFIG", b"SET", b"acllog-max-len", b"1"]) == OK
    assert conn.call([b"ACL", b"LOG"]).startswith(b"*3\r\n")
    c = connect(server)
    assert c.call([b"AUTH", b"other", b"bad"]) == WRONGPASS
    c.close()
    assert conn.call([b"ACL", b"LOG"]).startswith(b"*1\r\n")
    assert conn.call([b"CONFIG", b"SET", b"acllog-max-len", b"128"]) == OK
    assert conn.call([b"ACL", b"LOG", b"RESET"]) == OK
    assert conn.call([b"ACL", b"LOG"]) == b"*0\r\n"


def test_dryrun(conn):
    conn.call([b"ACL", b"SETUSER", b"d", b"on", b"~k*", b"%W~w*", b"&ch*", b"+get", b"+set",
               b"+publish", b"+config|get"])
    cases = [
        ([b"get", b"k1"], OK),
        ([b"get", b"x"], bulk(b"This user has no permissions to access the 'x' key")),
        ([b"del", b"k1"], bulk(b"This user has no permissions to run the 'del' command")),
        ([b"set", b"w1", b"v"], OK),
        ([b"publish", b"x", b"m"], bulk(b"This user has no permissions to access the 'x' channel")),
        ([b"config", b"set", b"a", b"b"],
         bulk(b"This user has no permissions to run the 'config|set' command")),
        ([b"config", b"get", b"a"], OK),
        ([b"nocmd"], b"-ERR Command 'nocmd' not found\r\n"),
        ([b"get"], b"-ERR wrong number of arguments for 'get' command\r\n"),
        ([b"client"], b"-ERR wrong number of arguments for 'client' command\r\n"),
    ]
    for argv, want in cases:
        assert conn.call([b"ACL", b"DRYRUN", b"d"] + argv) == want, argv
    assert conn.call([b"ACL", b"DRYRUN", b"nouser", b"get", b"a"]) == \
        b"-ERR User 'nouser' not found\r\n"


def test_genpass_help(conn):
    p = conn.call([b"ACL", b"GENPASS"])
    assert p.startswith(b"$64\r\n") and len(p) == 64 + 7
    assert conn.call([b"ACL", b"GENPASS", b"5"]).startswith(b"$2\r\n")
    assert conn.call([b"ACL", b"GENPASS", b"4096"]).startswith(b"$1024\r\n")
    err = (b"-ERR ACL GENPASS argument must be the number of bits for the output password, a "
           b"positive number up to 4096\r\n")
    assert conn.call([b"ACL", b"GENPASS", b"0"]) == err
    assert conn.call([b"ACL", b"GENPASS", b"4097"]) == err
    assert conn.call([b"ACL", b"GENPASS", b"x"]) == \
        b"-ERR value is not an integer or out of range\r\n"
    help_ = conn.call([b"ACL", b"HELP"])
    assert help_.startswith(b"*29\r\n+ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands "
                            b"are:\r\n+CAT [<category>]\r\n")
    assert conn.call([b"ACL", b"NOPE"]) == \
        b"-ERR unknown subcommand 'NOPE'. Try ACL HELP.\r\n"


def test_no_aclfile(conn):
    err = (b"-ERR This Redis instance is not configured to use an ACL file. You may want to "
           b"specify users via the ACL SETUSER command and then issue a CONFIG REWRITE "
           b"(assuming you have a Redis configuration file set) in order to store users in the "
           b"Redis configuration.\r\n")
    assert conn.call([b"ACL", b"SAVE"]) == err
    assert conn.call([b"ACL", b"LOAD"]) == err


def test_setuser_kills_pubsub_clients_losing_channels(conn, server):
    conn.call([b"ACL", b"SETUSER", b"ps", b"on", b">pw", b"+@all", b"~*", b"&news*"])
    sub = connect(server, b"ps", b"pw")
    other = connect(server, b"ps", b"pw")
    try:
        assert sub.call([b"SUBSCRIBE", b"news1"]).startswith(b"*3\r\n$9\r\nsubscribe\r\n")
        # Still allowed: nobody is closed.
        conn.call([b"ACL", b"SETUSER", b"ps", b"&sports"])
        assert other.call([b"PING"]) == b"+PONG\r\n"
        conn.call([b"ACL", b"SETUSER", b"ps", b"resetchannels", b"&sports"])
        with pytest.raises((ConnectionClosed, OSError)):
            sub.call([b"PING"])
        assert other.call([b"PING"]) == b"+PONG\r\n"
    finally:
        sub.close()
        other.close()


def test_acl_pubsub_default(harness):
    srv = harness.start("--acl-pubsub-default", "allchannels")
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"ACL", b"SETUSER", b"x"]) == OK
        assert c.call([b"ACL", b"LIST"]).endswith(bulk(b"user x off &* -@all"))
        assert c.call([b"CONFIG", b"SET", b"acl-pubsub-default", b"resetchannels"]) == OK
        assert c.call([b"ACL", b"SETUSER", b"y"]) == OK
        assert c.call([b"ACL", b"LIST"]).endswith(bulk(b"user y off resetchannels -@all"))
    finally:
        c.close()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def test_user_lines_in_config_file(harness, tmp_path):
    conf = tmp_path / "u.conf"
    write(conf, "requirepass foo\nuser bob on >x ~* +get\nuser default on nopass ~* &* +@all\n")
    srv = harness.start(config_file=str(conf))
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        # The `user default` line wins over requirepass.
        assert c.call([b"ACL", b"LIST"]) == arr(
            bulk(b"user bob on #" + sha(b"x") + b" ~* resetchannels -@all +get"),
            bulk(b"user default on nopass sanitize-payload ~* &* +@all"))
        assert c.call([b"CONFIG", b"GET", b"requirepass"]) == arr(bulk(b"requirepass"),
                                                                  bulk(b"foo"))
    finally:
        c.close()


def test_aclfile_save_and_load(harness, tmp_path):
    aclfile = tmp_path / "users.acl"
    write(aclfile, "user alice on >a ~a* +get\n\nuser default on nopass ~* &* +@all\n")
    srv = harness.start("--aclfile", str(aclfile))
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"ACL", b"USERS"]) == arr(bulk(b"alice"), bulk(b"default"))
        alice = connect(srv, b"alice", b"a")
        assert c.call([b"ACL", b"SETUSER", b"bob", b"on", b">b", b"+@all", b"~*"]) == OK
        assert c.call([b"ACL", b"SAVE"]) == OK
        saved = aclfile.read_text()
        assert saved == ("user alice on #" + sha(b"a").decode() +
                         " ~a* resetchannels -@all +get\n"
                         "user bob on #" + sha(b"b").decode() +
                         " ~* resetchannels +@all\n"
                         "user default on nopass ~* &* +@all\n")
        assert [p for p in os.listdir(tmp_path) if ".tmp-" in p] == []
        # A file with errors changes nothing.
        write(aclfile, "user carol on +nosuch\nfoo\n")
        path = str(aclfile).encode()
        assert c.call([b"ACL", b"LOAD"]) == (
            b"-ERR " + path + b":1: Error in applying operation '+nosuch': Unknown command or "
            b"category name in ACL. " + path + b":2 should start with user keyword followed by "
            b"the username. WARNING: ACL errors detected, no change to the previously active ACL "
            b"rules was performed\r\n")
        write(aclfile, "user carol on\nuser carol off\n")
        assert c.call([b"ACL", b"LOAD"]) == (
            b"-ERR WARNING: Duplicate user 'carol' found on line 2. WARNING: ACL errors detected, "
            b"no change to the previously active ACL rules was performed\r\n")
        assert c.call([b"ACL", b"USERS"]) == arr(bulk(b"alice"), bulk(b"bob"), bulk(b"default"))
        # A good file replaces every user; their clients are closed.
        write(aclfile, "user carol on >c +@all ~*\n")
        assert c.call([b"ACL", b"LOAD"]) == OK
        assert c.call([b"ACL", b"USERS"]) == arr(bulk(b"carol"), bulk(b"default"))
        with pytest.raises((ConnectionClosed, OSError)):
            alice.call([b"PING"])
        alice.close()
        assert c.call([b"ACL", b"WHOAMI"]) == bulk(b"default")
    finally:
        c.close()


def user_lines(path):
    return [l for l in path.read_text().split("\n") if l.startswith("user ")]


def test_config_rewrite_writes_the_users(harness, tmp_path):
    # Redis's rewriteConfigUserOption: every user as ACL LIST describes it,
    # in name order, the first taking the old `user` line's place.
    conf = tmp_path / "w.conf"
    write(conf, "# users\nuser bob on >x ~* +get\nrequirepass foo\n")
    srv = harness.start(config_file=str(conf))
    c = connect(srv, b"foo")
    try:
        assert c.call([b"ACL", b"SETUSER", b"alice", b"on", b">a", b"~k*", b"%R~r*", b"&ch",
                       b"+@string", b"-set", b"(+get ~s*)"]) == OK
        assert c.call([b"ACL", b"SETUSER", b"carol"]) == OK
        assert c.call([b"ACL", b"DELUSER", b"bob"]) == b":1\r\n"
        assert c.call([b"CONFIG", b"REWRITE"]) == OK
        text = conf.read_text()
        assert text.startswith("# users\nuser alice on #" + sha(b"a").decode() +
                               " ~k* %R~r* resetchannels &ch -@all +@string -set"
                               " (~s* resetchannels -@all +get)\nrequirepass \"foo\"\n")
        assert user_lines(conf) == [
            "user alice on #" + sha(b"a").decode() + " ~k* %R~r* resetchannels &ch -@all "
            "+@string -set (~s* resetchannels -@all +get)",
            "user carol off resetchannels -@all",
            "user default on #" + sha(b"foo").decode() + " ~* &* +@all"]
        # The user lines come after every config line.
        assert text.rstrip("\n").endswith("user default on #" + sha(b"foo").decode() +
                                           " ~* &* +@all")
        # A second rewrite keeps them where they are; deleted users go.
        assert c.call([b"ACL", b"DELUSER", b"alice"]) == b":1\r\n"
        assert c.call([b"CONFIG", b"REWRITE"]) == OK
        assert user_lines(conf) == ["user carol off resetchannels -@all",
                                    "user default on #" + sha(b"foo").decode() + " ~* &* +@all"]
        assert conf.read_text().startswith("# users\nuser carol off resetchannels -@all\n"
                                           "requirepass \"foo\"\n")
    finally:
        c.close()
    # The file starts again with the same users.
    srv.stop()
    srv2 = harness.start(config_file=str(conf))
    c = connect(srv2, b"foo")
    try:
        assert c.call([b"ACL", b"USERS"]) == arr(bulk(b"carol"), bulk(b"default"))
    finally:
        c.close()


def test_config_rewrite_with_aclfile_drops_user_lines(harness, tmp_path):
    # With an aclfile the users live there: the rewrite removes every `user`
    # line of the config file (rewriteConfigMarkAsProcessed) and leaves the
    # aclfile alone.
    aclfile = tmp_path / "users.acl"
    acl_text = "user default on nopass ~* &* +@all\n"
    write(aclfile, acl_text)
    conf = tmp_path / "a.conf"
    write(conf, "aclfile %s\n" % aclfile)
    srv = harness.start(config_file=str(conf))
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        with open(conf, "a") as f:
            f.write("user zed on\n")
        assert c.call([b"ACL", b"SETUSER", b"q", b"on"]) == OK
        assert c.call([b"CONFIG", b"REWRITE"]) == OK
        assert user_lines(conf) == []
        assert conf.read_text().startswith('aclfile "%s"\n' % aclfile)
        assert aclfile.read_text() == acl_text
    finally:
        c.close()


def test_aclfile_and_user_lines_conflict(harness, tmp_path):
    conf = tmp_path / "c.conf"
    write(conf, "aclfile %s\nuser bob on\n" % (tmp_path / "x.acl"))
    with pytest.raises(RuntimeError):
        harness.start(config_file=str(conf))


def test_rename_command(harness, tmp_path):
    conf = tmp_path / "r.conf"
    write(conf, 'rename-command get fetch\nrename-command flushall ""\n')
    srv = harness.start(config_file=str(conf))
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert c.call([b"SET", b"a", b"1"]) == OK
        assert c.call([b"FETCH", b"a"]) == bulk(b"1")
        assert c.call([b"GET", b"a"]).startswith(b"-ERR unknown command 'GET'")
        assert c.call([b"FLUSHALL"]).startswith(b"-ERR unknown command 'FLUSHALL'")
        # Errors and ACL rules keep the original name.
        assert c.call([b"FETCH"]) == b"-ERR wrong number of arguments for 'get' command\r\n"
        assert c.call([b"ACL", b"SETUSER", b"u", b"+get"]) == OK
        assert c.call([b"CONFIG", b"SET", b"rename-command", b"x"]).startswith(b"-ERR Unknown "
                                                                               b"option")
    finally:
        c.close()


def names_of_command_list(raw):
    # COMMAND LIST's reply: an array of bulk strings.
    lines = raw.split(b"\r\n")
    return [lines[i + 1] for i in range(1, len(lines) - 1, 2) if lines[i].startswith(b"$")]


def test_rename_command_and_command_introspection(harness, tmp_path):
    # Redis 7.0 answers COMMAND from server.commands: a renamed command is
    # found under its new name and reported under its own, a command renamed
    # to "" is gone; INFO commandstats counts under the declared name.
    plain = harness.start()
    p = RawConnection(plain.host, plain.port, timeout=30)
    try:
        full_count = parse_int_reply(p.call([b"COMMAND", b"COUNT"]))
        full_list = names_of_command_list(p.call([b"COMMAND", b"LIST"]))
    finally:
        p.close()
    conf = tmp_path / "r.conf"
    write(conf, 'rename-command get fetch\nrename-command flushall ""\n'
                'rename-command config cfg\n')
    srv = harness.start(config_file=str(conf))
    c = RawConnection(srv.host, srv.port, timeout=30)
    try:
        assert parse_int_reply(c.call([b"COMMAND", b"COUNT"])) == full_count - 1
        listed = names_of_command_list(c.call([b"COMMAND", b"LIST"]))
        assert sorted(listed) == sorted(n for n in full_list if n != b"flushall")
        assert b"get" in listed and b"config|get" in listed and b"fetch" not in listed
        assert c.call([b"COMMAND", b"LIST", b"FILTERBY", b"PATTERN", b"flush*"]) == arr(
            bulk(b"flushdb"))
        assert c.call([b"COMMAND", b"LIST", b"FILTERBY", b"PATTERN", b"fe*"]) == b"*0\r\n"
        # COMMAND INFO / DOCS look the new name up and report the old one.
        assert c.call([b"COMMAND", b"INFO", b"fetch"]).startswith(
            b"*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n")
        assert c.call([b"COMMAND", b"INFO", b"get", b"flushall", b"config|get"]) == (
            b"*3\r\n$-1\r\n$-1\r\n$-1\r\n")
        assert c.call([b"COMMAND", b"INFO", b"cfg|get"]).startswith(
            b"*1\r\n*10\r\n$10\r\nconfig|get\r\n")
        # (Spindle's DOCS have no argument list yet: the map's size differs.)
        fetch_docs = c.call([b"COMMAND", b"DOCS", b"fetch"])
        assert fetch_docs.startswith(b"*2\r\n$3\r\nget\r\n*")
        assert b"\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n" in fetch_docs
        assert c.call([b"COMMAND", b"DOCS", b"get", b"flushall"]) == b"*0\r\n"
        assert c.call([b"COMMAND", b"DOCS", b"cfg|get"]).startswith(b"*2\r\n$10\r\nconfig|get\r\n")
        # Every command once, under its own name, flushall not at all: the
        # array's length is COMMAND COUNT (and so for DOCS).
        everything = c.call([b"COMMAND"])
        assert everything.startswith(b"*%d\r\n" % (full_count - 1))
        assert b"\r\n*10\r\n$3\r\nget\r\n" in everything
        assert b"$8\r\nflushall\r\n" not in everything
        assert b"$5\r\nfetch\r\n" not in everything
        docs = c.call([b"COMMAND", b"DOCS"])
        assert docs.startswith(b"*%d\r\n" % (2 * (full_count - 1)))
        assert b"$8\r\nflushall\r\n" not in docs
        # GETKEYS resolves the name as the dispatcher does.
        assert c.call([b"COMMAND", b"GETKEYS", b"fetch", b"a"]) == arr(bulk(b"a"))
        assert c.call([b"COMMAND", b"GETKEYS", b"get", b"a"]) == (
            b"-ERR Invalid command specified\r\n")
        # commandstats: the declared names.
        assert c.call([b"CFG", b"RESETSTAT"]) == OK
        assert c.call([b"FETCH", b"a"]) == b"$-1\r\n"
        assert c.call([b"CFG", b"GET", b"maxmemory"]) == arr(bulk(b"maxmemory"), bulk(b"0"))
        stats = c.call([b"INFO", b"commandstats"])
        assert b"cmdstat_get:calls=1," in stats
        assert b"cmdstat_config|get:calls=1," in stats
        assert b"fetch" not in stats and b"cfg" not in stats
    finally:
        c.close()


def test_rename_command_unknown_fails_start(harness, tmp_path):
    conf = tmp_path / "r.conf"
    write(conf, "rename-command nosuch x\n")
    with pytest.raises(RuntimeError):
        harness.start(config_file=str(conf))


def test_setuser_is_redacted_in_slowlog(conn):
    assert conn.call([b"CONFIG", b"SET", b"slowlog-log-slower-than", b"0"]) == OK
    try:
        conn.call([b"SLOWLOG", b"RESET"])
        assert conn.call([b"ACL", b"SETUSER", b"zz", b"on", b">secret"]) == OK
        entry = conn.call([b"SLOWLOG", b"GET", b"1"])
        assert (b"$3\r\nACL\r\n$7\r\nSETUSER\r\n$10\r\n(redacted)\r\n$10\r\n(redacted)\r\n"
                b"$10\r\n(redacted)\r\n") in entry
        assert b"secret" not in entry
    finally:
        conn.call([b"CONFIG", b"SET", b"slowlog-log-slower-than", b"10000"])


def _sorted_tail(rules):
    """A GETUSER commands string with its single-command tokens sorted:
    Redis lists them in its dict's random order (docs/ACL.md)."""
    first, *rest = rules.split(b" ")
    return [first] + sorted(rest)


def test_acl_sees_redis_whole_command_table(harness):
    """Commands Spindle does not implement are in its table for ACL only:
    ACL CAT lists what Redis lists, rules may name them, users are described
    with Redis's categories, and clients still cannot call them."""
    from persist_common import start_redis
    srv = harness.start()
    peer = start_redis()
    ours = RawConnection(srv.host, srv.port, timeout=30)
    theirs = RawConnection(peer.host, peer.port, timeout=30)
    try:
        cats = ours.call([b"ACL", b"CAT"])
        assert cats == theirs.call([b"ACL", b"CAT"])
        names = [n for n in cats.split(b"\r\n")[2::2] if n]
        assert len(names) == 21
        for cat in names:
            got = sorted(ours.call([b"ACL", b"CAT", cat]).split(b"\r\n"))
            assert len(got) > 3
            assert got == sorted(theirs.call([b"ACL", b"CAT", cat]).split(b"\r\n")), cat
        for rules in ([b"+select", b"+echo", b"+client"], [b"+wait", b"+geoadd", b"+xadd"],
                      [b"+@all", b"-@geo", b"-eval"], [b"+@connection", b"-client"],
                      [b"+@all", b"-@connection", b"+client"]):
            answers = []
            for c in (ours, theirs):
                assert c.call([b"ACL", b"SETUSER", b"u", b"reset", b"on"] + rules) == b"+OK\r\n"
                reply = c.call([b"ACL", b"GETUSER", b"u"])
                answers.append(_sorted_tail(reply.split(b"\r\n")[14]))
            assert answers[0] == answers[1], rules
        if not AGAINST_REDIS:
            # Named in a rule, yet not callable: the unknown-command error.
            assert ours.call([b"WAIT", b"0", b"0"]).startswith(b"-ERR unknown command 'WAIT'")
            assert b"wait" not in ours.call([b"COMMAND", b"LIST"]).split(b"\r\n")
    finally:
        ours.close()
        theirs.close()
        peer.stop()


BAD_CONFIG_LINES = [
    "user foo on >pw badrule",
    "user foo badrule",
    "user foo on ~x ~y badrule",
    "user foo on (~x) badrule",
    "user foo on (~x",
    "user foo on allkeys ~x",
    "user foo on #abc",
    "rename-command nosuch foo",
    "rename-command get set",
    "rename-command get foo\nrename-command get bar",
]


@pytest.mark.parametrize("lines", BAD_CONFIG_LINES)
def test_bad_user_and_rename_lines_are_fatal_config_errors(harness, tmp_path, lines):
    """Checked while the file is read, as Redis does: the same FATAL CONFIG
    FILE ERROR block, line number and quoted word (Redis's own quirks
    included: it quotes the word two to the left of a bad user rule)."""
    import subprocess
    import servers
    conf = tmp_path / "bad.conf"
    write(conf, "save \"\"\n" + lines + "\n")
    blocks = []
    for binary in (BINARY, servers.REDIS_SERVER):
        p = subprocess.run([binary, str(conf), "--port", str(servers.free_port()),
                            "--bind", "127.0.0.1"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=30)
        assert p.returncode == 1
        out = p.stdout.decode(errors="replace")
        # The block's four lines (a sanitizer's exit report may follow).
        block = out[out.index("*** FATAL CONFIG FILE ERROR"):].split("\n")[:4]
        blocks.append("\n".join(block))
    assert blocks[0] == blocks[1]
    assert "at line %d" % (lines.count("\n") + 2) in blocks[0]


def test_unknown_command_in_a_user_line_fails_at_start(harness, tmp_path):
    """An unknown command or category passes the file check (Redis lets
    ENOENT through there) and stops the start when the users are made."""
    import subprocess
    import servers
    conf = tmp_path / "u.conf"
    write(conf, "save \"\"\nuser foo on +nosuch\n")
    p = subprocess.run([BINARY, str(conf), "--port", str(servers.free_port()),
                        "--bind", "127.0.0.1"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    out = p.stdout.decode(errors="replace")
    assert p.returncode == 1
    assert "FATAL CONFIG FILE ERROR" not in out
    assert ("# Error loading ACL rule '+nosuch' for the user named 'foo': Unknown command or "
            "category name in ACL") in out
    assert "Critical error while loading ACLs. Exiting." in out
