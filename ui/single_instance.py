"""One tray per user: a second launch hands over to the first and exits.

A local socket (named pipe on Windows, Unix socket elsewhere) named for the user and the
ScamGuard home. The first instance listens; a later launch connects, says "show", and the
first brings itself forward. A socket left behind by a crashed tray is removed when nobody
answers on it. The guard's own file lock (guard.instance) still protects the engine if two
trays race past this.
"""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from guard.state import paths

CONNECT_MS = 500
ANSWERED, LISTENING, FAILED = "answered", "listening", "failed"
MESSAGE = b"show\n"


def server_name() -> str:
    """Per user and per ScamGuard home, so tests with their own home never meet a real tray."""
    where = str(paths.config_dir()).encode("utf-8", "surrogateescape")
    digest = hashlib.sha256(getpass.getuser().encode() + b"\0" + where).hexdigest()[:16]
    return f"scamguard-{digest}"


def ask_first_to_show(name: str | None = None) -> bool:
    """True if another tray answered (and was asked to come forward)."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write(MESSAGE)
    socket.flush()
    socket.waitForBytesWritten(CONNECT_MS)
    socket.disconnectFromServer()
    return True


class SingleInstance(QObject):
    """Listens for later launches; ``show_requested`` fires for each one."""

    show_requested = Signal()

    def __init__(self, name: str | None = None):
        super().__init__()
        self.name = name or server_name()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> str:
        """Claim the name: ``ANSWERED`` (another tray is running and was asked to show
        itself), ``LISTENING``, or ``FAILED`` (no socket could be made: carry on without the
        hand-over; the guard's own lock still keeps it to one guard)."""
        if ask_first_to_show(self.name):
            return ANSWERED
        QLocalServer.removeServer(self.name)  # a crashed tray's leftover socket
        if self.server.listen(self.name):
            return LISTENING
        if ask_first_to_show(self.name):  # another launch won the race for the name
            return ANSWERED
        return FAILED

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        """Read each caller's one short message here and now: a later launch writes it as
        soon as it connects, and no socket outlives this call (no slots on dying sockets)."""
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            if socket.bytesAvailable() or socket.waitForReadyRead(CONNECT_MS):
                data = bytes(socket.readAll().data())
            else:
                data = b""
            socket.abort()
            socket.deleteLater()
            if MESSAGE.strip() in data:
                self.show_requested.emit()
