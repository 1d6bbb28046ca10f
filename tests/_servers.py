"""Real servers for tests: a ``redis-server`` process on a free loopback port, and the
``store`` fixtures that run one suite over the memory, SQLite and Redis stores.

Import the fixtures into a test module (``from _servers import store, ...``).  The Redis
server is Debian's ``redis-server`` binary (``apt-get install redis-server``) started once
per session with no persistence in a temporary directory.  When the binary or the
``redis`` package is missing, the Redis cases fail under CI (the ``CI`` environment
variable is set, as ``.ci/run`` and every hosted CI set it) and are skipped, with the
reason, only on a developer machine.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smscodec.vonage.stores import MemoryStore, RedisStore, SQLiteStore, Store

STORE_KINDS = ("memory", "sqlite", "redis")


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the Redis cases (.ci/run installs redis-server)", pytrace=False)
    pytest.skip(f"{reason} (CI fails here instead of skipping)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class RedisServer:
    """A running ``redis-server``: ``url`` reaches it."""

    process: subprocess.Popen[bytes]
    port: int
    directory: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_redis(directory: Path, attempts: int = 5) -> RedisServer:
    """Start ``redis-server`` on a free loopback port and wait until it answers PING.

    Raises:
        RuntimeError: it did not come up (the log is in the message).
    """
    binary = shutil.which("redis-server")
    assert binary is not None
    log = directory / "redis.log"
    for _ in range(attempts):
        port = free_port()
        process = subprocess.Popen(
            [
                binary,
                "--port", str(port),
                "--bind", "127.0.0.1",
                "--dir", str(directory),
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                "--logfile", str(log),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            if _ping(port):
                return RedisServer(process, port, directory)
            time.sleep(0.02)
        # Lost the port to someone else between picking and binding, or too slow: again.
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    text = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    raise RuntimeError(f"redis-server did not start:\n{text}")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One ``redis-server`` for the session (see the module docstring when it is missing)."""
    if shutil.which("redis-server") is None:
        _missing("redis-server is not installed")
    try:
        import redis  # noqa: F401
    except ImportError:
        _missing("the redis package is not installed")
    with tempfile.TemporaryDirectory(prefix="smscodec-redis-") as directory:
        server = start_redis(Path(directory))
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def store_factory(
    store_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], Store]]:
    """Makes stores over one test's data: for SQLite and Redis each call is a new store
    object (another worker's view of the same data); the memory store is one object."""
    made: list[Store] = []
    if store_kind == "memory":
        memory = MemoryStore()

        def make() -> Store:
            return memory

    elif store_kind == "sqlite":
        path = tmp_path / "state.db"

        def make() -> Store:
            store = SQLiteStore(path)
            made.append(store)
            return store

    else:
        server: RedisServer = request.getfixturevalue("redis_server")
        # A fresh key prefix per test keeps tests apart without flushing the server.
        prefix = f"t{uuid.uuid4().hex[:12]}"

        def make() -> Store:
            store = RedisStore(server.url, prefix=prefix)
            made.append(store)
            return store

    yield make
    for store in made:
        with contextlib.suppress(Exception):
            store.close()


@pytest.fixture
def store(store_factory: Callable[[], Store]) -> Store:
    """One store of this case's kind."""
    return store_factory()
