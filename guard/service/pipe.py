"""The guard service's endpoint on Windows: a named pipe, ``\\\\.\\pipe\\ScamGuard.Service``
(the Unix socket's counterpart in ``guard/service/transport.py``, with the same shapes:
``PipeListener.accept() -> PipeChannel``, ``connect_pipe() -> PipeChannel``, whole protocol
frames, ``ChannelClosed`` at the end, ``ProtocolError`` for a bad frame).

Who may do what with the pipe is its security descriptor (``pipe_sddl``): SYSTEM and
Administrators have full control; every signed-in person (Authenticated Users) may read and
write, which is all a tray needs, and *not* create another instance of the pipe: for a
named pipe GENERIC_WRITE would include FILE_CREATE_PIPE_INSTANCE, so the clients' right is
spelled out bit by bit instead. Network logons are denied, and the pipe itself rejects
remote clients (``PIPE_REJECT_REMOTE_CLIENTS``).

A user's program cannot squat the name: the service makes its first instance with
``FILE_FLAG_FIRST_PIPE_INSTANCE``, so if anyone made a pipe of that name before it (a program
started at logon, before the service), the service refuses to start and says so, rather than
become a second instance beside the squatter's, where clients would meet either at random;
after that, only SYSTEM and Administrators hold the right to add instances. And a client
still checks whom it reached (``server_peer``): the process at the other end must be SYSTEM
or elevated, or the pipe must belong to SYSTEM or Administrators (a person may not read a
SYSTEM process's token; the pipe's owner is the account that made it, which a person's
program cannot set to either).

Who a client is comes from its token, never from what it says: the service impersonates the
client for a moment (``ImpersonateNamedPipeClient``; the client allows identification only,
so a false server could not act as the person), reads the token's user and whether it is
elevated, and reverts; the client's process token must agree that it is an administrator
(``_primary_admin``). Every Windows call is in ``guard/platform/_winapi.py``.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from guard.platform import _winapi
from guard.platform.service_host import Peer
from guard.service.protocol import HEADER, decode, encode, frame_length
from guard.service.transport import ChannelClosed

SEND_TIMEOUT = 2.0  # as the Unix socket's: a client that stops reading is dropped
IDENTIFY_TIMEOUT = 2.0  # for the first bytes, where Windows will not identify a silent client
PIPE_BUFFER = 64 * 1024
SYSTEM = "S-1-5-18"
ADMINISTRATORS = "S-1-5-32-544"
# What Authenticated Users get: FILE_GENERIC_READ (read data, attributes, extended
# attributes, READ_CONTROL, SYNCHRONIZE) and FILE_WRITE_DATA. Not FILE_APPEND_DATA, which on
# a pipe is FILE_CREATE_PIPE_INSTANCE (the right to squat), nor WRITE_DAC or WRITE_OWNER.
FILE_GENERIC_READ = 0x00120089
FILE_WRITE_DATA = 0x00000002
CLIENT_RIGHTS = FILE_GENERIC_READ | FILE_WRITE_DATA


def pipe_sddl(owner_sid: str | None = None) -> str:
    """The pipe's security descriptor in SDDL: a protected DACL (nothing inherited), network
    logons denied, SYSTEM and Administrators full control, Authenticated Users read and
    write. ``owner_sid`` (a test home's service, run as a person) also gets full control, so
    it can add the instances further clients connect to."""
    aces = ["(D;;GA;;;NU)", "(A;;GA;;;SY)", "(A;;GA;;;BA)"]
    if owner_sid:
        aces.append(f"(A;;GA;;;{owner_sid})")
    aces.append(f"(A;;0x{CLIENT_RIGHTS:08x};;;AU)")
    return "D:P" + "".join(aces)


def is_admin(facts: _winapi.TokenFacts) -> bool:
    """An administrator *now*: SYSTEM, or an elevated token; only when the token will not
    say whether it is elevated, Administrators enabled in it (under UAC a non-elevated
    administrator has that group as deny-only; Wine 8.0 leaves it enabled in the limited
    token, and tells elevation right, which is why elevation decides first)."""
    if facts.sid == SYSTEM:
        return True
    if facts.elevated is not None:
        return facts.elevated
    return ADMINISTRATORS in facts.groups


def peer_of(facts: _winapi.TokenFacts, pid: int | None) -> Peer:
    """A ``Peer`` from a token: ``uid`` is the SID's last part (its RID), for the journal."""
    rid = facts.sid.rsplit("-", 1)[-1]
    return Peer(
        uid=int(rid) if rid.isdigit() else 0,
        gid=0,
        pid=pid or None,
        admin=is_admin(facts),
        name=facts.name or facts.sid,
    )


def server_peer(handle: int) -> Peer:
    """Who made the pipe a client just opened: the server process's token when we may read
    it; otherwise (a SYSTEM service's token is closed to a person) the pipe's owner."""
    pid = _winapi.pipe_server_pid(handle)
    try:
        return peer_of(_winapi.process_token(pid), pid)
    except PermissionError:
        pass
    except OSError as exc:
        if getattr(exc, "winerror", None) != _winapi.ERROR_ACCESS_DENIED:
            raise
    owner = _winapi.handle_owner_sid(handle)
    name = {SYSTEM: "NT AUTHORITY\\SYSTEM", ADMINISTRATORS: "BUILTIN\\Administrators"}
    return Peer(uid=0, gid=0, pid=pid or None, admin=owner in name, name=name.get(owner, owner))


def _primary_admin(pid: int) -> bool:
    """Does the client's process token agree that it is an administrator? A second opinion
    beside the impersonation token, so both must say so: a thread can carry a token its
    process has not, and Wine 8.0 implements ``ImpersonateNamedPipeClient`` as impersonating
    the server itself. A token the service may not read leaves the impersonation's word."""
    try:
        return is_admin(_winapi.process_token(pid))
    except OSError:
        return True


class PipeChannel:
    """One connected pipe instance (either end). ``send`` may be called from several
    threads while another waits in ``receive``; ``close`` ends both at once."""

    def __init__(
        self,
        handle: int,
        peer: Peer,
        *,
        send_limit: int,
        receive_limit: int,
        buffered: bytes = b"",
    ):
        self.handle = handle
        self.peer = peer
        self.send_limit = send_limit
        self.receive_limit = receive_limit
        self._buffer = bytearray(buffered)  # bytes read while identifying the client
        self._cancel = _winapi.event_create()
        self._send_lock = threading.Lock()
        self._state = threading.Lock()
        self._busy = 0
        self._closed = False
        self._released = False

    def send(self, message: dict[str, Any]) -> None:
        frame = encode(message, self.send_limit)
        with self._send_lock:
            self._enter()
            try:
                sent = 0
                while sent < len(frame):
                    sent += _winapi.pipe_write(
                        self.handle, frame[sent:], self._cancel, SEND_TIMEOUT
                    )
            except OSError as exc:
                raise ChannelClosed(str(exc)) from None
            finally:
                self._leave()

    def receive(self) -> dict[str, Any]:
        """The next message; ProtocolError for a bad one, ChannelClosed at the end."""
        length = frame_length(self._exactly(HEADER.size), self.receive_limit)
        return decode(self._exactly(length))

    def _exactly(self, count: int) -> bytes:
        chunks = bytearray(self._buffer[:count])
        del self._buffer[:count]
        while len(chunks) < count:
            self._enter()
            try:
                chunk = _winapi.pipe_read(
                    self.handle, min(count - len(chunks), PIPE_BUFFER), self._cancel
                )
            except OSError as exc:
                raise ChannelClosed(str(exc)) from None
            finally:
                self._leave()
            if not chunk:
                raise ChannelClosed("the other end closed the connection")
            chunks += chunk
        return bytes(chunks)

    def close(self) -> None:
        """End the connection: pending reads and writes stop at once; the handles are let go
        when the last of them has (never under a call still using them)."""
        with self._state:
            if self._closed:
                return
            self._closed = True
            _winapi.event_set(self._cancel)
            release = self._busy == 0
        if release:
            self._release()

    def _enter(self) -> None:
        with self._state:
            if self._closed:
                raise ChannelClosed("the connection is closed")
            self._busy += 1

    def _leave(self) -> None:
        with self._state:
            self._busy -= 1
            release = self._closed and self._busy == 0
        if release:
            self._release()

    def _release(self) -> None:
        with self._state:
            if self._released:
                return
            self._released = True
        # No DisconnectNamedPipe: it would throw away a last reply the client has not read.
        _winapi.handle_close(self.handle)
        _winapi.handle_close(self._cancel)


class PipeListener:
    """The service's pipe. One instance always waits for the next client: when a client
    connects, the next instance is made before the client is looked at, so the name is never
    missing while the service runs."""

    def __init__(self, endpoint: str, *, send_limit: int, receive_limit: int):
        from guard.state import paths  # noqa: PLC0415

        self.endpoint = endpoint
        self.send_limit = send_limit
        self.receive_limit = receive_limit
        owner = _winapi.own_token().sid if paths.overridden() else None
        self.sddl = pipe_sddl(owner)
        self._lock = threading.Lock()
        self._closed = False
        self._accepting = False
        self._finished = False
        self._stopped = threading.Event()
        self._cancel = _winapi.event_create()
        try:
            self._waiting: int | None = self._instance(first=True)
        except OSError as exc:
            _winapi.handle_close(self._cancel)
            if getattr(exc, "winerror", None) == _winapi.ERROR_ACCESS_DENIED:
                raise PermissionError(
                    exc.errno,
                    "another program already made this pipe; the service will not share it",
                ) from None
            raise

    def _instance(self, *, first: bool) -> int:
        return _winapi.pipe_create(self.endpoint, self.sddl, first=first, buffer_size=PIPE_BUFFER)

    def accept(self) -> PipeChannel | None:
        """The next client, or None once closed. A client whose token Windows will not give
        is dropped (and cannot be told apart from anyone, so gets nothing)."""
        with self._lock:
            if self._closed:
                return None
            self._accepting = True
        try:
            return self._accept()
        finally:
            with self._lock:
                self._accepting = False
                finish = self._closed
            if finish:
                self._finish()

    def _accept(self) -> PipeChannel | None:
        while True:
            with self._lock:
                if self._closed:
                    return None
                handle = self._waiting
            if handle is None:  # making the next instance failed last time: try again
                try:
                    handle = self._instance(first=False)
                except OSError:
                    if self._stopped.wait(0.5):
                        return None
                    continue
                with self._lock:
                    self._waiting = handle
            try:
                _winapi.pipe_accept(handle, self._cancel)
            except OSError:
                # Closed under us (the handle is let go by _finish), or a client that came
                # and went (ERROR_NO_DATA): start over on a fresh instance.
                with self._lock:
                    if self._closed:
                        return None
                    self._waiting = None
                _winapi.handle_close(handle)
                continue
            with self._lock:
                if self._closed:
                    self._waiting = None
                    _winapi.handle_close(handle)
                    return None
                try:
                    self._waiting = self._instance(first=False)
                except OSError:
                    self._waiting = None
            channel = self._identify(handle)
            if channel is not None:
                return channel

    def _identify(self, handle: int) -> PipeChannel | None:
        """The connected client as a channel, its peer from its token and process id."""
        buffered = b""
        try:
            pid = _winapi.pipe_client_pid(handle)
            try:
                facts = _winapi.pipe_client_token(handle)
            except OSError as exc:
                # Windows may identify a client only once it has written something: read
                # the first bytes of its first frame (kept for the channel), then ask again.
                if getattr(exc, "winerror", None) != _winapi.ERROR_CANNOT_IMPERSONATE:
                    raise
                buffered = _winapi.pipe_read(handle, HEADER.size, self._cancel, IDENTIFY_TIMEOUT)
                if not buffered:
                    raise ConnectionResetError("the client left without a word") from None
                facts = _winapi.pipe_client_token(handle)
        except OSError:
            _winapi.handle_close(handle)
            return None
        peer = peer_of(facts, pid)
        if peer.admin and not _primary_admin(pid):
            peer = replace(peer, admin=False)
        return PipeChannel(
            handle,
            peer,
            send_limit=self.send_limit,
            receive_limit=self.receive_limit,
            buffered=buffered,
        )

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._stopped.set()
            _winapi.event_set(self._cancel)  # ends a pending ConnectNamedPipe
            finish = not self._accepting
        if finish:
            self._finish()

    def _finish(self) -> None:
        """Let the handles go, once closed and no ``accept`` is using them."""
        with self._lock:
            if self._finished:
                return
            self._finished = True
            waiting, self._waiting = self._waiting, None
        if waiting is not None:
            _winapi.handle_close(waiting)
        _winapi.handle_close(self._cancel)


def connect_pipe(
    endpoint: str, *, timeout: float, send_limit: int, receive_limit: int
) -> PipeChannel:
    """A client's connection, its ``peer`` the process that made the pipe. Raises OSError
    (FileNotFoundError) when nothing listens there."""
    handle = _winapi.pipe_open(endpoint, timeout)
    try:
        peer = server_peer(handle)
    except OSError:
        _winapi.handle_close(handle)
        raise
    return PipeChannel(handle, peer, send_limit=send_limit, receive_limit=receive_limit)


__all__ = ["PipeChannel", "PipeListener", "connect_pipe", "pipe_sddl", "server_peer"]
