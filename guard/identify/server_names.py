"""Which generic names are strong evidence on one operating system after all.

``GENERIC_NAMES`` (guard/sigdb/names.py) lists names that many programs share, so a name on
it never identifies a tool alone. Some of them are shared only on one OS: ``winvnc.exe`` or
``vncserver.exe`` is the server of a dozen Windows VNC products (and of unrelated programs
that borrow the name), but on Linux ``x11vnc``, ``vncserver`` and ``Xvnc`` are exactly what
they say: a VNC server sharing this screen. A caller who has the person download one to
/tmp and run it gets it frozen, wherever it lies. Which VNC product it is matters less than
that it is one, so when several tools list the name the usual tie-break picks one.

Kept in code, like the generic list itself, so no signature file can change it.
"""

from __future__ import annotations

from guard.sigdb.names import GENERIC_NAMES

# Name keys (case-folded, no .exe) of the VNC and RDP servers that are strong on each OS.
STRONG_ON: dict[str, frozenset[str]] = {
    "linux": frozenset({"x11vnc", "vncserver", "xvnc", "x0vncserver", "w0vncserver"}),
}


def is_generic(key: str, os_name: str | None) -> bool:
    """Is the name key ``key`` too common to count alone for a process on ``os_name``?
    (``os_name`` None, a file or a bare name: the generic list as it is.)"""
    if key not in GENERIC_NAMES:
        return False
    return os_name is None or key not in STRONG_ON.get(os_name, frozenset())
