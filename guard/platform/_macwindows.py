"""macOS: the window in front, from Quartz's window list, through ctypes (no pyobjc).

Why this and not NSWorkspace: ``NSWorkspace.frontmostApplication`` names the program in front
but not its window's title, and a bank is told by the title of a browser tab. Quartz's
``CGWindowListCopyWindowInfo`` lists the on-screen windows front to back with their owner's
pid and name and, once the person has given ScamGuard the **Screen Recording** permission
(macOS 10.15 and later), their titles; the first ordinary window (layer 0) in that list is the
one in front. It is CoreFoundation data, readable with ctypes from the system frameworks, so
ScamGuard ships nothing for it.

Never run on a real Mac (CI and development are Linux; the choice of window, ``front_window``,
is tested there on rows shaped like Quartz's). Without the permission the title is empty and
``screen_recording_allowed`` is False, which the reader says in one line.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterable, Mapping
from typing import Any

# CGWindowListOption: on-screen windows only, without the desktop's own elements.
_ON_SCREEN_ONLY = 1 << 0
_EXCLUDE_DESKTOP = 1 << 4
_NULL_WINDOW = 0
_UTF8 = 0x08000100  # kCFStringEncodingUTF8
_SINT64 = 4  # kCFNumberSInt64Type
_FLOAT64 = 6  # kCFNumberFloat64Type
# Control Center is spelled "Control Centre" on Macs set to British English.
_SYSTEM_OWNERS = frozenset(
    {"Window Server", "Dock", "SystemUIServer", "Control Center", "Control Centre"}
)
_TITLE_BYTES = 2048

Row = Mapping[str, Any]  # kCGWindowLayer, kCGWindowOwnerPID, kCGWindowOwnerName, kCGWindowName…


def front_window(rows: Iterable[Row]) -> tuple[str, int | None] | None:
    """(title, owner pid) of the window in front, from Quartz's rows in front-to-back order;
    None when only the desktop and menu bar are on screen. Layer 0 holds ordinary windows:
    the menu bar, the Dock and floating panels sit above it and are never "the bank"."""
    for row in rows:
        if row.get("kCGWindowLayer") != 0 or row.get("kCGWindowAlpha", 1) == 0:
            continue
        if row.get("kCGWindowOwnerName") in _SYSTEM_OWNERS:
            continue
        pid = row.get("kCGWindowOwnerPID")
        title = row.get("kCGWindowName") or ""
        return str(title)[:_TITLE_BYTES], int(pid) if isinstance(pid, int) and pid > 0 else None
    return None


class _Quartz:
    """The few CoreFoundation and CoreGraphics calls ``window_rows`` needs."""

    def __init__(self) -> None:
        cf = ctypes.CDLL(ctypes.util.find_library("CoreFoundation") or "CoreFoundation")
        cg = ctypes.CDLL(ctypes.util.find_library("CoreGraphics") or "CoreGraphics")
        p, i, b = ctypes.c_void_p, ctypes.c_long, ctypes.c_bool
        cg.CGWindowListCopyWindowInfo.argtypes = [ctypes.c_uint32, ctypes.c_uint32]
        cg.CGWindowListCopyWindowInfo.restype = p
        cf.CFArrayGetCount.argtypes, cf.CFArrayGetCount.restype = [p], i
        cf.CFArrayGetValueAtIndex.argtypes, cf.CFArrayGetValueAtIndex.restype = [p, i], p
        cf.CFDictionaryGetValue.argtypes, cf.CFDictionaryGetValue.restype = [p, p], p
        cf.CFStringCreateWithCString.argtypes = [p, ctypes.c_char_p, ctypes.c_uint32]
        cf.CFStringCreateWithCString.restype = p
        cf.CFStringGetCString.argtypes = [p, ctypes.c_char_p, i, ctypes.c_uint32]
        cf.CFStringGetCString.restype = b
        cf.CFNumberGetValue.argtypes = [p, ctypes.c_int, p]
        cf.CFNumberGetValue.restype = b
        cf.CFRelease.argtypes, cf.CFRelease.restype = [p], None
        self.cf, self.cg = cf, cg
        self.preflight = getattr(cg, "CGPreflightScreenCaptureAccess", None)  # 10.15+
        if self.preflight is not None:
            self.preflight.argtypes, self.preflight.restype = [], b
        names = (
            "kCGWindowLayer",
            "kCGWindowOwnerPID",
            "kCGWindowOwnerName",
            "kCGWindowName",
            "kCGWindowAlpha",
        )
        self.keys = {n: cf.CFStringCreateWithCString(None, n.encode(), _UTF8) for n in names}

    def _string(self, ref: int | None) -> str:
        if not ref:
            return ""
        buffer = ctypes.create_string_buffer(_TITLE_BYTES * 4)
        ok = self.cf.CFStringGetCString(ref, buffer, len(buffer), _UTF8)
        return buffer.value.decode("utf-8", "replace") if ok else ""

    def _number(self, ref: int | None) -> int | None:
        value = ctypes.c_int64()
        if ref and self.cf.CFNumberGetValue(ref, _SINT64, ctypes.byref(value)):
            return int(value.value)
        return None

    def _fraction(self, ref: int | None) -> float | None:
        value = ctypes.c_double()
        if ref and self.cf.CFNumberGetValue(ref, _FLOAT64, ctypes.byref(value)):
            return float(value.value)
        return None

    def rows(self) -> list[dict[str, Any]]:
        array = self.cg.CGWindowListCopyWindowInfo(_ON_SCREEN_ONLY | _EXCLUDE_DESKTOP, _NULL_WINDOW)
        if not array:
            raise OSError("CGWindowListCopyWindowInfo returned nothing")
        try:
            out = []
            for index in range(self.cf.CFArrayGetCount(array)):
                row = self.cf.CFArrayGetValueAtIndex(array, index)

                def get(name: str, row: int = row) -> Any:
                    return self.cf.CFDictionaryGetValue(row, self.keys[name])

                out.append(
                    {
                        "kCGWindowLayer": self._number(get("kCGWindowLayer")),
                        "kCGWindowOwnerPID": self._number(get("kCGWindowOwnerPID")),
                        "kCGWindowOwnerName": self._string(get("kCGWindowOwnerName")),
                        "kCGWindowName": self._string(get("kCGWindowName")),
                        # An invisible window (alpha 0) is never "the one in front".
                        "kCGWindowAlpha": self._fraction(get("kCGWindowAlpha")),
                    }
                )
            return out
        finally:
            self.cf.CFRelease(array)


_quartz: _Quartz | None = None


def _api() -> _Quartz:
    global _quartz  # noqa: PLW0603 - the frameworks are loaded once per process
    if _quartz is None:
        _quartz = _Quartz()
    return _quartz


def foreground_window() -> tuple[str, int | None] | None:
    """(title, pid) of the window in front now, or None (raises OSError when unreadable)."""
    return front_window(_api().rows())


def screen_recording_allowed() -> bool | None:
    """Whether window titles can be read (None: this macOS cannot say, before 10.15)."""
    preflight = _api().preflight
    return None if preflight is None else bool(preflight())
