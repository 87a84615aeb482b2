"""HTTP(S) for the updater: one deadline for a whole exchange, status line and headers included.

A socket timeout bounds each read, never the exchange: a server that accepts the connection
and sends its status line one byte every few seconds keeps ``http.client`` parsing headers
for ever, each byte arriving just inside the timeout. Here every connection attempt, the TLS
handshake, every send and every read first shrinks the socket's timeout to the time left
before one deadline (``time.monotonic``, which a clock set back cannot stretch), and nothing
starts once the deadline has passed. No thread is involved, so nothing is left running when
the deadline hits: the call that was waiting simply raises ``OutOfTime``.

Not bounded here: the name lookup (``getaddrinfo``), which cannot be interrupted without a
thread that would be left behind; the system resolver gives up on its own.
"""

from __future__ import annotations

import functools
import http.client
import io
import socket
import time
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

from guard.errors import ScamGuardError

T = TypeVar("T")


class OutOfTime(TimeoutError, ScamGuardError):
    """The deadline for the whole exchange passed."""


def _left(deadline: float, cap: float | None) -> tuple[float, bool]:
    """The timeout for the next socket call, and whether it is the deadline (not ``cap``)
    that sets it; OutOfTime once nothing is left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise OutOfTime("the time allowed ran out")
    if cap is not None and cap <= left:
        return cap, False
    return left, True


def _in_time(sock: socket.socket, deadline: float, cap: float | None, call: Callable[[], T]) -> T:
    """Run one blocking socket ``call`` with the timeout shrunk to the time left."""
    timeout, by_deadline = _left(deadline, cap)
    sock.settimeout(timeout)
    try:
        return call()
    except TimeoutError:
        if by_deadline:
            raise OutOfTime("the time allowed ran out") from None
        raise


class _TimedReader(io.RawIOBase):
    """The response's raw stream: every read waits at most for the time left."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: float, cap: float | None):
        super().__init__()
        self._raw, self._sock, self._deadline, self._cap = raw, sock, deadline, cap

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        return _in_time(self._sock, self._deadline, self._cap, lambda: self._raw.readinto(buffer))

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        if not self.closed:
            self._raw.close()  # the socket's own file: releases its hold on the socket
        super().close()


class _TimedFiles:
    """Handed to ``HTTPResponse`` in place of the socket: all it does with one is
    ``makefile("rb")``, and the file it gets keeps the deadline while headers are parsed."""

    def __init__(self, sock: socket.socket, deadline: float, cap: float | None):
        self._sock, self._deadline, self._cap = sock, deadline, cap

    def makefile(self, mode: str = "rb", *_args: object, **_kwargs: object) -> io.BufferedReader:
        raw = self._sock.makefile("rb", buffering=0)  # counts as a user of the socket
        return io.BufferedReader(_TimedReader(raw, self._sock, self._deadline, self._cap))


class TimedRequest(urllib.request.Request):
    """A request and the deadline (``time.monotonic``) its whole exchange must meet: the
    handlers below open nothing else."""

    def __init__(self, url: str, *, deadline: float, **kwargs: Any):
        super().__init__(url, **kwargs)
        self.deadline = deadline

    @classmethod
    def redirected(cls, follow: urllib.request.Request, deadline: float) -> TimedRequest:
        """The request urllib built to follow a redirect, kept to the same deadline."""
        return cls(
            follow.full_url,
            deadline=deadline,
            headers=dict(follow.headers),
            origin_req_host=follow.origin_req_host,
            unverifiable=follow.unverifiable,
            method=follow.get_method(),
        )


class _Timed:
    """Mixed into an ``http.client`` connection class; ``deadline`` is a monotonic time."""

    timeout: Any
    sock: Any
    # Set per connection to the bound ``_timed_response``: http.client only ever calls it,
    # where its stubs say a class (type[HTTPResponse]).
    response_class: Any

    def __init__(self, *args: Any, deadline: float, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        # The per-read timeout the caller asked for still applies, under the deadline.
        self.cap = float(self.timeout) if isinstance(self.timeout, int | float) else None
        self._create_connection = self._connect_in_time
        self.response_class = self._timed_response
        self._setup_by_deadline = False  # the TLS handshake's timeout is the time left

    def connect(self) -> None:
        """Connect (and, for HTTPS, shake hands) within the time left."""
        try:
            super().connect()  # type: ignore[misc]
        except TimeoutError:
            if self._setup_by_deadline:
                raise OutOfTime("the time allowed ran out") from None
            raise

    def _connect_in_time(
        self, address: tuple[str, int], _timeout: object, source_address: Any = None
    ) -> socket.socket:
        """``socket.create_connection``, each attempt given only the time left; the socket
        returned carries the time left, which bounds the TLS handshake that follows."""
        host, port = address
        failure: OSError | None = None
        for family, kind, proto, _name, where in socket.getaddrinfo(
            host, port, 0, socket.SOCK_STREAM
        ):
            sock = socket.socket(family, kind, proto)
            try:
                if source_address:
                    sock.bind(source_address)
                _in_time(sock, self.deadline, self.cap, functools.partial(sock.connect, where))
                timeout, self._setup_by_deadline = _left(self.deadline, self.cap)
                sock.settimeout(timeout)
            except OutOfTime:
                sock.close()
                raise
            except OSError as exc:
                sock.close()
                failure = exc
                continue
            return sock
        raise failure or OSError(f"{host}: no address to connect to")

    def send(self, data: Any) -> None:
        if self.sock is not None:
            self.sock.settimeout(_left(self.deadline, self.cap)[0])
        super().send(data)  # type: ignore[misc]

    def _timed_response(self, sock: socket.socket, *args: Any, **kwargs: Any) -> Any:
        return http.client.HTTPResponse(
            _TimedFiles(sock, self.deadline, self.cap),  # type: ignore[arg-type]
            *args,
            **kwargs,
        )


class TimedHTTPConnection(_Timed, http.client.HTTPConnection):
    pass


class TimedHTTPSConnection(_Timed, http.client.HTTPSConnection):
    pass


_TIMED: dict[object, Callable[..., http.client.HTTPConnection]] = {
    http.client.HTTPConnection: TimedHTTPConnection,
    http.client.HTTPSConnection: TimedHTTPSConnection,
}


class _TimedOpen:
    """A urllib handler whose connections keep a ``TimedRequest``'s deadline."""

    def do_open(
        self,
        http_class: Callable[..., http.client.HTTPConnection],
        req: urllib.request.Request,
        **kwargs: Any,
    ) -> http.client.HTTPResponse:
        timed = _TIMED.get(http_class)
        if not isinstance(req, TimedRequest) or timed is None:
            raise ValueError(f"{req.full_url}: no deadline set for this request")
        connect = functools.partial(timed, deadline=req.deadline)
        return super().do_open(connect, req, **kwargs)  # type: ignore[misc]


class TimedHTTPHandler(_TimedOpen, urllib.request.HTTPHandler):
    pass


class TimedHTTPSHandler(_TimedOpen, urllib.request.HTTPSHandler):
    pass
