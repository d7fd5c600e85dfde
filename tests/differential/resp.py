"""A deliberately small RESP client for the differential tester and the
integration tests.

It never interprets replies: `read_reply` returns the exact bytes of one
complete reply (nested aggregates included), so two servers can be compared
byte for byte, error texts included.  RESP3 type bytes are framed too, so the
reader keeps working once Spindle speaks RESP3.
"""

import socket

CRLF = b"\r\n"


def encode(argv):
    """Encode a command (a sequence of bytes/str/int) as a RESP multibulk."""
    out = [b"*%d\r\n" % len(argv)]
    for a in argv:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        out.append(b"$%d\r\n" % len(a))
        out.append(a)
        out.append(CRLF)
    return b"".join(out)


class ConnectionClosed(Exception):
    """The peer closed the connection before a full reply arrived."""


class RawConnection:
    """One TCP connection that writes raw bytes and reads raw replies."""

    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def send_command(self, argv):
        self.sock.sendall(encode(argv))

    def call(self, argv):
        self.send_command(argv)
        return self.read_reply()

    # -- reading ---------------------------------------------------------
    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionClosed("connection closed by peer")
        if self.pos and self.pos == len(self.buf):
            self.buf.clear()
            self.pos = 0
        self.buf += data

    def _line(self, start):
        """Return the index just past the CRLF of the line starting at start."""
        while True:
            i = self.buf.find(CRLF, start)
            if i >= 0:
                return i + 2
            self._fill()

    def _need(self, end):
        while len(self.buf) < end:
            self._fill()

    def _skip_one(self, start):
        """Return the end offset of the reply starting at `start`."""
        self._need(start + 1)
        t = self.buf[start:start + 1]
        end = self._line(start)
        head = bytes(self.buf[start + 1:end - 2])
        if t in (b"+", b"-", b":", b"_", b",", b"#", b"("):
            return end
        if t in (b"$", b"=", b"!"):
            n = int(head)
            if n < 0:
                return end
            self._need(end + n + 2)
            return end + n + 2
        if t in (b"*", b"~", b">", b"%", b"|"):
            n = int(head)
            if n < 0:
                return end
            if t in (b"%", b"|"):
                n *= 2
            pos = end
            for _ in range(n):
                pos = self._skip_one(pos)
            if t == b"|":  # an attribute precedes the real reply
                pos = self._skip_one(pos)
            return pos
        raise ValueError("unexpected RESP type byte %r in %r" %
                         (t, bytes(self.buf[start:start + 80])))

    def read_reply(self):
        """Read exactly one reply and return its raw bytes."""
        end = self._skip_one(self.pos)
        raw = bytes(self.buf[self.pos:end])
        self.pos = end
        if self.pos == len(self.buf):
            self.buf.clear()
            self.pos = 0
        return raw

    def read_until_closed(self, limit=1 << 20):
        """Return everything the peer sends until it closes (bounded)."""
        out = bytes(self.buf[self.pos:])
        self.buf.clear()
        self.pos = 0
        while len(out) < limit:
            data = self.sock.recv(1 << 16)
            if not data:
                return out
            out += data
        return out


def parse_int_reply(raw):
    """':123\\r\\n' -> 123, anything else -> None."""
    if raw.startswith(b":") and raw.endswith(CRLF):
        try:
            return int(raw[1:-2])
        except ValueError:
            return None
    return None


def parse_simple(raw):
    """Decode a raw reply into Python values (for tests that need values).
    RESP3 aggregates read as lists (a map as its flat key/value list)."""
    conn = _BytesReader(raw)
    return conn.value(0)[0]


class _BytesReader:
    def __init__(self, data):
        self.d = data

    def value(self, p):
        t = self.d[p:p + 1]
        e = self.d.index(CRLF, p)
        head = self.d[p + 1:e]
        nxt = e + 2
        if t == b"+":
            return head.decode(), nxt
        if t == b"-":
            return Exception(head.decode()), nxt
        if t == b":":
            return int(head), nxt
        if t == b"$":
            n = int(head)
            if n < 0:
                return None, nxt
            return self.d[nxt:nxt + n], nxt + n + 2
        if t in (b"*", b"~", b">", b"%"):  # array, RESP3 set / push / map
            n = int(head)
            if n < 0:
                return None, nxt
            if t == b"%":
                n *= 2  # a map reads as its flat key/value array
            out = []
            for _ in range(n):
                v, nxt = self.value(nxt)
                out.append(v)
            return out, nxt
        # RESP3 scalars: null, double and big number (their text), boolean,
        # verbatim string (its payload without the "txt:" format).
        if t == b"_":
            return None, nxt
        if t in (b",", b"("):
            return bytes(head), nxt
        if t == b"#":
            return head == b"t", nxt
        if t == b"=":
            n = int(head)
            return self.d[nxt + 4:nxt + n], nxt + n + 2
        raise ValueError("unsupported type %r" % t)
