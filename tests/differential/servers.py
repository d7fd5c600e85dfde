"""Start and stop redis-server / spindle-server processes for tests.

Every server binds to 127.0.0.1 on a free port, logs to a temp file, and is
killed by `stop()` (callers use try/finally or fixtures so this always runs).
"""

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time

REDIS_SERVER = "/usr/bin/redis-server"
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_SPINDLE = os.path.join(REPO, "build", "spindle-server")
BACKENDS = ("epoll", "epoll-et", "poll", "select")


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def is_redis(binary):
    return os.path.basename(binary).startswith("redis-server")


_scratch_root = None


def scratch_dir(prefix):
    """A fresh directory for one server's files or one test's, under a root
    made once per process and removed when the process exits: a whole test
    run otherwise leaves thousands of work directories in /tmp (45,000 and
    4.6 GB on a development machine after a few sessions)."""
    global _scratch_root
    if _scratch_root is None:
        _scratch_root = tempfile.mkdtemp(prefix="spindle-tests-")
        atexit.register(shutil.rmtree, _scratch_root, True)
    return tempfile.mkdtemp(prefix=prefix, dir=_scratch_root)


class ServerProcess:
    """One server process; `args` are extra `--name value` arguments and
    `config_file`, if given, goes first on the command line (as redis-server
    requires)."""

    def __init__(self, binary, args=(), backend=None, host="127.0.0.1",
                 preexec_fn=None, name=None, config_file=None):
        self.binary = binary
        self.config_file = config_file
        self.extra = list(args)
        self.backend = backend
        self.host = host
        self.preexec_fn = preexec_fn
        self.name = name or os.path.basename(binary)
        self.proc = None
        self.port = None
        self.workdir = scratch_dir("spindle-test-")
        self.log_path = os.path.join(self.workdir, "server.log")
        self.log_file = None

    def command_line(self, port):
        argv = [self.binary] + ([self.config_file] if self.config_file else [])
        argv += ["--port", str(port), "--bind", self.host,
                "--save", "", "--appendonly", "no", "--databases", "16"]
        if self.backend and not is_redis(self.binary):
            argv += ["--io-backend", self.backend]
        argv += self.extra
        return argv

    def start(self, ready_timeout=30.0, attempts=3):
        last = None
        for _ in range(attempts):
            self.port = free_port(self.host)
            argv = self.command_line(self.port)
            self.log_file = open(self.log_path, "ab")
            self.log_file.write(("$ %r\n" % argv).encode())
            self.log_file.flush()
            self.proc = subprocess.Popen(
                argv, cwd=self.workdir, stdin=subprocess.DEVNULL,
                stdout=self.log_file, stderr=subprocess.STDOUT,
                preexec_fn=self.preexec_fn)
            try:
                self._wait_ready(ready_timeout)
                return self
            except RuntimeError as e:  # port race or startup failure
                last = e
                self.stop()
        raise RuntimeError("%s did not start: %s\n--- log ---\n%s"
                           % (self.name, last, self.log_text()))

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("exited with status %s" % self.proc.returncode)
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as s:
                    s.sendall(b"*1\r\n$4\r\nPING\r\n")
                    data = s.recv(64)
                    # A password-protected server answers NOAUTH: it is serving too.
                    if data.startswith(b"+PONG") or data.startswith(b"-NOAUTH"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("not ready after %.1fs" % timeout)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    # Generous: a loaded machine may take seconds to shut
                    # down, and tests read what the shutdown writes.
                    self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=5)
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None

    def log_text(self, limit=20000):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()
        except OSError:
            return "(no log)"
        if len(data) > limit:
            data = b"...\n" + data[-limit:]
        return data.decode(errors="replace")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
