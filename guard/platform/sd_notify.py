"""Telling systemd how the service is (the ``sd_notify`` protocol, systemd.service(5)).

The .deb's unit is ``Type=notify`` with a watchdog: the service says ``READY=1`` once it
takes clients (so units ordered after it, the display manager among them, start with the
service protecting), and its health ticker says ``WATCHDOG=1`` every second. A service held
still (``kill -STOP``, a debugger) stops saying it, and after ``WatchdogSec`` systemd kills
it and starts it again: the gap is journalled at that start (guard/service/health.py), and
with the exec gate on, programs wait at most that long, not until someone resumes it.

The protocol is one datagram on the Unix socket named by ``$NOTIFY_SOCKET`` (a path, or
``@name`` for an abstract socket). libsystemd's own function needs a compiled binding; this
is the whole of what the service uses. Without systemd (another OS, a container, the tests)
there is no ``$NOTIFY_SOCKET`` and every call returns False.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping

READY = "READY=1"
WATCHDOG = "WATCHDOG=1"
STOPPING = "STOPPING=1"


def notify(message: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send ``message`` to the service manager; whether it was sent (never raises)."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if not address or not hasattr(socket, "AF_UNIX"):
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    elif not address.startswith("/"):
        return False  # vsock and other address kinds: not used by the .deb's unit
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError:
        return False
    return True


def watchdog_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the service manager expects ``WATCHDOG=1`` from this process (its unit sets
    ``WatchdogSec=``; systemd then sets ``$WATCHDOG_USEC`` and ``$WATCHDOG_PID``)."""
    env = os.environ if environ is None else environ
    if not env.get("WATCHDOG_USEC", "").isdigit():
        return False
    pid = env.get("WATCHDOG_PID", "")
    return not pid or pid == str(os.getpid())
