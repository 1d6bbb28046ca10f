"""A headless Chromium driven through the DevTools protocol, for tests/test_report_browser.py.

Not a test module.  :class:`Browser` starts ``chromium --headless --remote-debugging-port=0``
with a profile of its own, reads the port the browser picked from the profile's
``DevToolsActivePort`` file, and talks the Chrome DevTools Protocol (CDP) over one
WebSocket to the browser target, attaching to each page with flattened sessions
(``Target.attachToTarget(flatten=True)``).  The WebSocket client is the few parts of
RFC 6455 that CDP needs (text frames, fragmentation, ping, close), written on the
standard library so that the tests need no extra package.

:meth:`Browser.open` loads a file and records, for that page, every console message
(``Runtime.consoleAPICalled``), uncaught exception (``Runtime.exceptionThrown``), log
entry (``Log.entryAdded``) and request (``Network.requestWillBeSent``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import pathlib
import shutil
import signal
import socket
import struct
import subprocess
import time
import urllib.parse
from typing import Any

# RFC 6455 §1.3: the GUID a server appends to the key to prove it speaks WebSocket.
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# RFC 6455 §5.2 opcodes.
_CONTINUATION, _TEXT, _BINARY, _CLOSE, _PING, _PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The browser to use: ``$SMSCODEC_CHROMIUM``, else the first of :data:`CANDIDATES` on PATH."""
    explicit = os.environ.get("SMSCODEC_CHROMIUM")
    if explicit:
        return explicit if shutil.which(explicit) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class WebSocket:
    """A client WebSocket (RFC 6455) over a plain TCP connection (``ws://`` only)."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(url)
        assert parts.scheme == "ws", url
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16))
        request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("the browser closed the connection during the handshake")
            head += chunk
        head, self.buffer = head.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0].split()[1] == "101", lines[0]
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        accept = base64.b64encode(hashlib.sha1(key + _GUID).digest()).decode()
        assert headers.get("sec-websocket-accept") == accept, headers

    def _exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buffer)))
            if not chunk:
                raise ConnectionError("the browser closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def _frame(self, opcode: int, payload: bytes) -> None:
        # RFC 6455 §5.2: FIN, opcode; a client masks every frame (§5.3).
        head = bytes((0x80 | opcode,))
        n = len(payload)
        if n < 126:
            head += bytes((0x80 | n,))
        elif n < 1 << 16:
            head += bytes((0x80 | 126,)) + struct.pack("!H", n)
        else:
            head += bytes((0x80 | 127,)) + struct.pack("!Q", n)
        mask = os.urandom(4)
        repeated = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")
        self.sock.sendall(head + mask + masked)

    def send(self, text: str) -> None:
        self._frame(_TEXT, text.encode("utf-8"))

    def recv(self) -> str:
        """The next whole text message (pings answered on the way)."""
        message = b""
        while True:
            first, second = self._exact(2)
            fin, opcode = first & 0x80, first & 0x0F
            n = second & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            if second & 0x80:  # a server never masks (§5.1), but read one if it did
                mask = self._exact(4)
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(self._exact(n)))
            else:
                data = self._exact(n)
            if opcode == _PING:
                self._frame(_PONG, data)
                continue
            if opcode == _CLOSE:
                raise ConnectionError("the browser closed the WebSocket")
            if opcode in (_TEXT, _BINARY, _CONTINUATION):
                message += data
                if fin:
                    return message.decode("utf-8")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._frame(_CLOSE, b"")
        self.sock.close()


class Page:
    """One tab: what it logged and requested, and a way to ask it things."""

    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self.browser, self.target, self.session = browser, target, session

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, session=self.session)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript ``expression`` (returned by value)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def events(self, method: str) -> list[dict[str, Any]]:
        return [
            e["params"]
            for e in self.browser.events
            if e.get("sessionId") == self.session and e["method"] == method
        ]

    def console_errors(self) -> list[dict[str, Any]]:
        """Console messages, uncaught exceptions and error log entries of this page."""
        found = list(self.events("Runtime.consoleAPICalled"))
        found += self.events("Runtime.exceptionThrown")
        found += [e for e in self.events("Log.entryAdded") if e["entry"]["level"] in ("error", "warning")]
        return found

    def requests(self) -> list[str]:
        return [e["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def screenshot(self, path: pathlib.Path) -> pathlib.Path:
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self, path: pathlib.Path) -> pathlib.Path:
        data = self.call("Page.printToPDF", {"printBackground": True})["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self.target})


class Browser:
    """A headless Chromium with its own profile under ``profile``; close it with :meth:`close`."""

    def __init__(self, binary: str, profile: pathlib.Path, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._next = 0
        profile.mkdir(parents=True, exist_ok=True)
        self.log = (profile / "chromium.log").open("wb")
        args = [
            binary,
            "--headless",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--mute-audio",
            "--hide-scrollbars",
            "--window-size=1200,900",
            "about:blank",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        # A session of its own, so that close() can end the browser and every child it started.
        self.process = subprocess.Popen(args, stdout=self.log, stderr=self.log, start_new_session=True)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while True:
            if port_file.exists():
                lines = port_file.read_text().split()
                if len(lines) >= 2:
                    break
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"chromium did not start; see {profile / 'chromium.log'}")
            time.sleep(0.05)
        port, path = lines[0], lines[1]
        self.ws = WebSocket(f"ws://127.0.0.1:{port}{path}", timeout)

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None
    ) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait(self, method: str, session: str, since: int) -> dict[str, Any]:
        """The first event ``method`` of ``session`` after the ``since`` first events."""
        deadline = time.monotonic() + self.timeout
        while True:
            for event in self.events[since:]:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {self.timeout} s")
            since = len(self.events)
            reply = json.loads(self.ws.recv())
            if "method" in reply:
                self.events.append(reply)

    def open(self, path: pathlib.Path, *, scripts: bool = True) -> Page:
        """A new tab showing the file ``path``, loaded, with its events recorded from the start."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        if not scripts:
            page.call("Emulation.setScriptExecutionDisabled", {"value": True})
        since = len(self.events)
        page.call("Page.navigate", {"url": path.resolve().as_uri()})
        self.wait("Page.loadEventFired", session, since)
        return page

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            with contextlib.suppress(OSError, RuntimeError, ConnectionError):
                self.call("Browser.close")
            ws.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        # Whatever is left of the session started for this browser (its helper processes).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()
