"""The service's local endpoint: a Unix socket (Linux, macOS) whose peer the kernel names.

``Listener`` accepts ``Channel``s; a ``Channel`` moves whole protocol frames
(``guard/service/protocol.py``) and knows its ``Peer``. The Windows named pipe
(``guard/service/pipe.py``) implements the same two shapes, so the server and the client
never ask which OS they are on.

The socket's folder belongs to the service (root, mode 0755): nobody else can put a socket
of their own where clients look. The socket itself is open to every user (0666), because
every user's tray must reach it; the service decides what each may do from the peer's
credentials, never from what the client claims.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import threading
from pathlib import Path
from typing import Any, Protocol

from guard.errors import ScamGuardError
from guard.platform.service_host import Peer, unix_peer
from guard.service.protocol import HEADER, ProtocolError, decode, encode, frame_length

SEND_TIMEOUT = 2.0  # a client that stops reading is dropped, never waited for


class ChannelClosed(ScamGuardError, ConnectionError):
    """The other end went away."""


class Channel(Protocol):
    peer: Peer

    def send(self, message: dict[str, Any]) -> None: ...
    def receive(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


class Listener(Protocol):
    endpoint: str

    def accept(self) -> Channel | None: ...
    def close(self) -> None: ...


class UnixChannel:
    """One connected Unix socket. ``send`` may be called from several threads."""

    def __init__(self, sock: socket.socket, peer: Peer, *, send_limit: int, receive_limit: int):
        self.sock = sock
        self.peer = peer
        self.send_limit = send_limit
        self.receive_limit = receive_limit
        self._send_lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        frame = encode(message, self.send_limit)
        with self._send_lock:
            try:
                self.sock.sendall(frame)
            except OSError as exc:
                raise ChannelClosed(str(exc)) from None

    def receive(self) -> dict[str, Any]:
        """The next message; ProtocolError for a bad one, ChannelClosed at the end."""
        length = frame_length(self._exactly(HEADER.size), self.receive_limit)
        return decode(self._exactly(length))

    def _exactly(self, count: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < count:
            try:
                chunk = self.sock.recv(min(count - len(chunks), 65536))
            except TimeoutError:
                raise
            except OSError as exc:
                raise ChannelClosed(str(exc)) from None
            if not chunk:
                raise ChannelClosed("the other end closed the connection")
            chunks += chunk
        return bytes(chunks)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


class UnixListener:
    """The service's socket. Made fresh at start: an old socket file left by a service that
    died is replaced; anything else in its place (a folder, a file) is refused."""

    def __init__(self, endpoint: str, *, send_limit: int, receive_limit: int):
        self.endpoint = endpoint
        self.send_limit = send_limit
        self.receive_limit = receive_limit
        path = Path(endpoint)
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        try:
            if stat.S_ISSOCK(os.lstat(path).st_mode):
                path.unlink()
        except FileNotFoundError:
            pass
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.bind(endpoint)
            # Every user's tray connects; what each may do comes from the peer credentials.
            os.chmod(endpoint, 0o666)  # noqa: S103
            self.sock.listen(16)
        except OSError:
            self.sock.close()
            raise
        self._closed = False

    def accept(self) -> UnixChannel | None:
        """The next client, or None once closed. A client whose credentials the kernel will
        not give is dropped (and cannot be told apart from anyone, so gets nothing)."""
        while True:
            try:
                sock, _addr = self.sock.accept()
            except OSError:
                if self._closed:
                    return None
                continue
            try:
                peer = unix_peer(sock)
            except OSError:
                sock.close()
                continue
            sock.settimeout(None)
            # Sends time out (a client that stops reading); receives wait for the client.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _timeval(SEND_TIMEOUT))
            return UnixChannel(
                sock, peer, send_limit=self.send_limit, receive_limit=self.receive_limit
            )

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.lstat(self.endpoint).st_mode):
                os.unlink(self.endpoint)


def connect_unix(
    endpoint: str, *, timeout: float, send_limit: int, receive_limit: int
) -> UnixChannel:
    """A client's connection. Raises OSError when nothing listens there."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(endpoint)
        peer = unix_peer(sock)
        # Connected: from now on the reader waits as long as the service is quiet (a
        # timeout here would drop an idle window's link every few seconds).
        sock.settimeout(None)
    except OSError:
        sock.close()
        raise
    return UnixChannel(sock, peer, send_limit=send_limit, receive_limit=receive_limit)


def _timeval(seconds: float) -> bytes:
    import struct  # noqa: PLC0415

    whole = int(seconds)
    return struct.pack("ll", whole, int((seconds - whole) * 1_000_000))


__all__ = ["Channel", "ChannelClosed", "Listener", "ProtocolError", "UnixChannel", "UnixListener"]
