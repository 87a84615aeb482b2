"""The Windows named pipe for the guard service (the Unix socket's counterpart).

Not written yet: on Windows the service and its clients report that the pipe is missing, and
the tray protects on its own as before.
"""

from __future__ import annotations

from typing import Any


class PipeListener:
    def __init__(self, endpoint: str, *, send_limit: int, receive_limit: int):
        raise OSError(f"the named pipe {endpoint} is not available in this build yet")


def connect_pipe(endpoint: str, *, timeout: float, send_limit: int, receive_limit: int) -> Any:
    raise OSError(f"the named pipe {endpoint} is not available in this build yet")
