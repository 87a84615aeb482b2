"""The foreground window: its title and program, read per OS, and a thread that reports
each change.

Why: a remote session while the person's bank is open is the moment the money is taken, so
the guard must know which window is in front, at once and cheaply, for as long as it runs.

- X11 (and XWayland): ``_NET_ACTIVE_WINDOW`` on the root window (kept by the window
  manager), then the window's ``_NET_WM_NAME`` (UTF-8) or ``WM_NAME``, and ``_NET_WM_PID``.
  Event-driven: PropertyNotify on the root window (the active window changed) and on the
  active window (its title changed) wake the watcher; nothing else does. Through libxcb
  with ctypes, not libX11: libX11 ends the whole process when the display goes away, where
  xcb only marks the connection broken, which is then one plain line.
- Windows: ``GetForegroundWindow``, ``GetWindowTextW``, ``GetWindowThreadProcessId``
  (``_winapi.foreground_window``), polled every ``interval``: a few microseconds a call.
- macOS: Quartz's on-screen window list, front to back (``_macwindows``, ctypes, no pyobjc),
  polled. Titles need the Screen Recording permission; without it the program in front is
  still known and ``limitation`` says why titles are not. Never run on a real Mac.
- Wayland: a reader that only says why it cannot (``unavailable_reason``).

A reader never raises: a window that vanishes between two calls gives an empty title, a
display that closes gives ``None`` and one line in ``unavailable_reason``.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import select
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

import psutil

from guard import platform

log = logging.getLogger(__name__)

MACOS_REASON = "macOS: the system's window list cannot be read here"
MACOS_NO_TITLES = (
    "macOS: window titles need the Screen Recording permission (System Settings, Privacy & "
    "Security); until it is given, a bank is not recognised in a browser"
)
WAYLAND_REASON = "Wayland: no way for one program to read another program's window"
WAYLAND_LIMITATION = (
    "Wayland: only windows of X11 programs (XWayland) can be read; a native Wayland window, "
    "such as Firefox's, cannot"
)
NO_DISPLAY_REASON = "no desktop display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
SAFETY_REREAD = 5.0  # X11 with events: re-read this often anyway, in case one was missed
SETTLE = 0.05  # how long "no active window" may last before it is reported (see read)
MAX_TITLE_BYTES = 2048  # read at most this much of a title: a bank's fits many times over


@dataclass(frozen=True, slots=True)
class Foreground:
    """The window in front: its title, and the process and program that own it."""

    title: str
    pid: int | None
    process: str  # executable name ("firefox", "chrome.exe"); "" when not known


NOTHING = Foreground("", None, "")  # no window in front (the desktop, or a locked screen)


class ForegroundReader(Protocol):
    """What ``FocusWatcher`` needs from a per-OS reader."""

    unavailable_reason: str | None

    def read(self) -> Foreground | None:
        """The foreground now (``NOTHING`` for none); None when it cannot be told any more
        (then ``unavailable_reason`` says why)."""

    def wait(self, timeout: float) -> None:
        """Return when the foreground may have changed, after ``timeout`` seconds, or at
        ``wake()``, whichever is first."""

    def wake(self) -> None: ...

    def close(self) -> None: ...


class ProcessNames:
    """pid -> executable name through psutil, remembering the last few: a focus change
    back and forth between two windows asks the OS nothing new."""

    def __init__(self, fallback: Callable[[int], str] | None = None, size: int = 32):
        self._cache: dict[int, tuple[float, str]] = {}
        self._fallback = fallback
        self._size = size

    def name(self, pid: int | None) -> str:
        if not pid:
            return ""
        try:
            proc = psutil.Process(pid)
            started = proc.create_time()  # tells a reused pid from the one remembered
            hit = self._cache.get(pid)
            if hit and hit[0] == started:
                return hit[1]
            name = proc.name()
        except psutil.Error:
            name, started = "", 0.0
        except OSError:  # Wine's psutil fails name() with error 87
            name, started = "", 0.0
        if not name and self._fallback is not None:
            with contextlib.suppress(OSError):
                name = os.path.basename(self._fallback(pid).replace("\\", "/"))
        if name and started:
            if len(self._cache) >= self._size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[pid] = (started, name)
        return name


class _Sleeper:
    """``wait``/``wake`` for readers that poll."""

    unavailable_reason: str | None = None
    limitation: str | None = None  # works, but does not see every window (XWayland)

    def __init__(self) -> None:
        self._woken = threading.Event()

    def wait(self, timeout: float) -> None:
        self._woken.wait(timeout)
        self._woken.clear()

    def wake(self) -> None:
        self._woken.set()

    def close(self) -> None:
        self.wake()


class UnavailableReader(_Sleeper):
    """Where the foreground window cannot be read: says why, in one line."""

    def __init__(self, reason: str):
        super().__init__()
        self.unavailable_reason = reason

    def read(self) -> Foreground | None:
        return None


class WindowsReader(_Sleeper):
    """Polls ``_winapi.foreground_window`` (``api`` is a fake in the Linux tests)."""

    def __init__(self, api: ModuleType | Any | None = None):
        super().__init__()
        if api is None:
            from guard.platform import _winapi  # noqa: PLC0415 - Windows only

            api = _winapi
        self._api: Any = api
        self._names = ProcessNames(fallback=self._api.process_image_path)

    def read(self) -> Foreground | None:
        try:
            found = self._api.foreground_window()
        except OSError as exc:  # the desktop is switched (UAC prompt, lock screen)
            log.debug("foreground window not readable: %s", exc)
            return NOTHING
        if found is None:
            return NOTHING
        _hwnd, title, pid = found
        pid = pid or None
        return Foreground(title=title, pid=pid, process=self._names.name(pid))


class MacReader(_Sleeper):
    """Polls ``_macwindows.foreground_window`` (``api`` is a fake in the Linux tests)."""

    def __init__(self, api: ModuleType | Any | None = None):
        super().__init__()
        if api is None:
            from guard.platform import _macwindows  # noqa: PLC0415 - macOS only

            api = _macwindows
        self._api: Any = api
        self._names = ProcessNames()
        try:
            allowed = self._api.screen_recording_allowed()
            self._api.foreground_window()
        except (OSError, AttributeError) as exc:  # no Quartz (not a Mac, or a broken one)
            self.unavailable_reason = f"{MACOS_REASON} ({exc})"
            return
        if allowed is False:
            self.limitation = MACOS_NO_TITLES

    def read(self) -> Foreground | None:
        try:
            found = self._api.foreground_window()
        except OSError as exc:  # a window list refused mid-run (a locked session)
            log.debug("foreground window not readable: %s", exc)
            return NOTHING
        if found is None:
            return NOTHING
        title, pid = found
        return Foreground(title=title, pid=pid, process=self._names.name(pid))


# --- X11 through libxcb -------------------------------------------------------------------

_PROPERTY_NOTIFY = 28
_CW_EVENT_MASK = 0x800
_EVENT_MASK_PROPERTY_CHANGE = 0x400000
_ATOM_STRING, _ATOM_WM_NAME, _ATOM_CARDINAL, _ATOM_WINDOW = 31, 39, 6, 33
_ANY_TYPE = 0


class _Cookie(ctypes.Structure):
    _fields_ = [("sequence", ctypes.c_uint)]


class _ScreenIterator(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("rem", ctypes.c_int), ("index", ctypes.c_int)]


class _PropertyReply(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("format", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("length", ctypes.c_uint32),
        ("type", ctypes.c_uint32),
        ("bytes_after", ctypes.c_uint32),
        ("value_len", ctypes.c_uint32),
        ("pad", ctypes.c_uint8 * 12),
    ]


class _AtomReply(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("pad", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("length", ctypes.c_uint32),
        ("atom", ctypes.c_uint32),
    ]


class _FocusReply(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("revert_to", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("length", ctypes.c_uint32),
        ("focus", ctypes.c_uint32),
    ]


class _TreeReply(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("pad", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("length", ctypes.c_uint32),
        ("root", ctypes.c_uint32),
        ("parent", ctypes.c_uint32),
    ]


class _PropertyEvent(ctypes.Structure):
    _fields_ = [
        ("response_type", ctypes.c_uint8),
        ("pad", ctypes.c_uint8),
        ("sequence", ctypes.c_uint16),
        ("window", ctypes.c_uint32),
        ("atom", ctypes.c_uint32),
    ]


_XCB: dict[str, Any] = {}


def _xcb() -> tuple[Any, Any]:
    """libxcb with the prototypes used here, and libc's free (xcb replies are malloc'ed)."""
    if "xcb" in _XCB:
        return _XCB["xcb"], _XCB["free"]
    path = ctypes.util.find_library("xcb")
    if path is None:
        raise OSError("libxcb is not installed")
    lib = ctypes.CDLL(path)
    c, p, u8, u16, u32, i = (
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32,
        ctypes.c_int,
    )  # fmt: skip
    err = ctypes.POINTER(ctypes.c_void_p)
    protos: dict[str, tuple[Any, list[Any]]] = {
        "xcb_connect": (c, [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]),
        "xcb_connection_has_error": (i, [c]),
        "xcb_disconnect": (None, [c]),
        "xcb_get_setup": (p, [c]),
        "xcb_setup_roots_iterator": (_ScreenIterator, [p]),
        "xcb_screen_next": (None, [ctypes.POINTER(_ScreenIterator)]),
        "xcb_intern_atom": (_Cookie, [c, u8, u16, ctypes.c_char_p]),
        "xcb_intern_atom_reply": (ctypes.POINTER(_AtomReply), [c, _Cookie, err]),
        "xcb_get_property": (_Cookie, [c, u8, u32, u32, u32, u32, u32]),
        "xcb_get_property_reply": (ctypes.POINTER(_PropertyReply), [c, _Cookie, err]),
        "xcb_get_property_value": (p, [ctypes.POINTER(_PropertyReply)]),
        "xcb_get_property_value_length": (i, [ctypes.POINTER(_PropertyReply)]),
        "xcb_change_window_attributes": (_Cookie, [c, u32, u32, ctypes.POINTER(u32)]),
        "xcb_get_input_focus": (_Cookie, [c]),
        "xcb_get_input_focus_reply": (ctypes.POINTER(_FocusReply), [c, _Cookie, err]),
        "xcb_query_tree": (_Cookie, [c, u32]),
        "xcb_query_tree_reply": (ctypes.POINTER(_TreeReply), [c, _Cookie, err]),
        "xcb_flush": (i, [c]),
        "xcb_get_file_descriptor": (i, [c]),
        "xcb_poll_for_event": (ctypes.POINTER(_PropertyEvent), [c]),
    }
    for name, (restype, argtypes) in protos.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.free.restype, libc.free.argtypes = None, [ctypes.c_void_p]
    _XCB["xcb"], _XCB["free"] = lib, libc.free
    return lib, libc.free


def _decode_title(data: bytes) -> str:
    """A title's bytes as text. ``_NET_WM_NAME`` is UTF-8; ``WM_NAME`` should be Latin-1
    (STRING) but many programs (xdotool, older toolkits) put UTF-8 there: UTF-8 when the
    bytes are valid UTF-8, which Latin-1 text with accents almost never is."""
    if b"\x1b" in data:
        return _decode_compound_text(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.replace("\x00", " ").strip()


def _decode_compound_text(data: bytes) -> str:
    """COMPOUND_TEXT (ISO 2022), as xterm writes a title that is not all Latin-1: the parts
    between ESC % G and ESC % @ are UTF-8; other escape sequences (other character sets,
    rare in titles) are dropped and their bytes read as Latin-1."""
    out: list[str] = []
    utf8 = False
    i = 0
    while i < len(data):
        esc = data.find(b"\x1b", i)
        end = len(data) if esc < 0 else esc
        out.append(data[i:end].decode("utf-8" if utf8 else "latin-1", errors="replace"))
        if esc < 0:
            break
        j = esc + 1
        while j < len(data) and 0x20 <= data[j] <= 0x2F:  # intermediate bytes
            j += 1
        sequence = data[esc + 1 : j + 1]
        utf8 = sequence == b"%G" or (utf8 and sequence != b"%@")
        i = j + 1
    return "".join(out).replace("\x00", " ").strip()


class X11Reader:
    """The active window of an X display, woken by the window manager's PropertyNotify."""

    limitation: str | None = None

    def __init__(self, display: str | None = None):
        self.unavailable_reason: str | None = None
        self.display = display if display is not None else os.environ.get("DISPLAY", "")
        self._conn: Any = None
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        self._names = ProcessNames()
        self._watched = 0  # the window whose title changes we are subscribed to
        self._events = False  # does the window manager keep _NET_ACTIVE_WINDOW?
        self._lock = threading.Lock()  # read/wait on the watcher thread, close from another
        try:
            self._xcb, self._free = _xcb()
        except OSError as exc:
            self.unavailable_reason = f"X11: {exc}"
            return
        screen = ctypes.c_int(0)
        conn = self._xcb.xcb_connect(self.display.encode() or None, ctypes.byref(screen))
        if not conn or self._xcb.xcb_connection_has_error(conn):
            if conn:
                self._xcb.xcb_disconnect(conn)
            self.unavailable_reason = f"X11: cannot open the display {self.display!r}"
            return
        self._conn = conn
        self._root = self._root_window(screen.value)
        self._atoms = {
            n: self._atom(n)
            for n in ("_NET_ACTIVE_WINDOW", "_NET_WM_NAME", "UTF8_STRING", "_NET_WM_PID")
        }
        self._name_atoms = {self._atoms["_NET_WM_NAME"], _ATOM_WM_NAME}
        self._select(self._root, _EVENT_MASK_PROPERTY_CHANGE)
        self._fd = self._xcb.xcb_get_file_descriptor(conn)

    # -- the reader interface --

    def read(self) -> Foreground | None:
        with self._lock:
            if self._conn is None:
                return None
            self._drain()
            window = self._active_window()
            if not window and self._settle():  # a window manager clears the active window
                window = self._active_window()  # before it names the next: read the next
            if window and window != self._watched:
                if self._watched:
                    self._select(self._watched, 0)
                self._select(window, _EVENT_MASK_PROPERTY_CHANGE)
                self._watched = window
            found = NOTHING
            if window:
                pid = self._cardinal(window, self._atoms["_NET_WM_PID"]) or None
                found = Foreground(self._title(window), pid, self._names.name(pid))
            if self._broken():
                return None
            return found

    def wait(self, timeout: float) -> None:
        """Until the active window or its title changes (its other properties change all the
        time and are let pass), or ``wake()``. When the window manager keeps
        ``_NET_ACTIVE_WINDOW`` the events are the answer and a re-read every SAFETY_REREAD
        seconds is enough (four reads a second cost 0.2 % of a core for nothing:
        benchmarks/focus_change.py); without it (no window manager, or a bare one) the
        input focus is polled every ``timeout``."""
        if self._events:
            timeout = max(timeout, SAFETY_REREAD)
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if self._conn is None or self._drain() or self._broken():
                    return
                fd = self._fd
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                ready, _, _ = select.select([fd, self._wake_r], [], [], left)
            except (OSError, ValueError):  # the connection's socket closed under us
                return
            if self._wake_r in ready:
                with contextlib.suppress(OSError):
                    os.read(self._wake_r, 64)
                return
            if not ready:
                return

    def wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def close(self) -> None:
        self.wake()
        with self._lock:
            if self._conn is not None:
                self._xcb.xcb_disconnect(self._conn)
                self._conn = None
                self.unavailable_reason = self.unavailable_reason or "X11: closed"
            for fd in (self._wake_r, self._wake_w):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._wake_r = self._wake_w = -1

    # -- X requests (with self._lock held) --

    def _broken(self) -> bool:
        if self._conn is not None and self._xcb.xcb_connection_has_error(self._conn):
            self._xcb.xcb_disconnect(self._conn)
            self._conn = None
            self.unavailable_reason = f"X11: the display {self.display!r} closed"
        return self._conn is None

    def _drain(self) -> bool:
        """Take every event waiting; True when one says the foreground may have changed."""
        changed = False
        while True:
            event = self._xcb.xcb_poll_for_event(self._conn)
            if not event:
                return changed
            e = event.contents
            if e.response_type & 0x7F == _PROPERTY_NOTIFY:
                active = e.window == self._root and e.atom == self._atoms["_NET_ACTIVE_WINDOW"]
                renamed = e.window == self._watched and e.atom in self._name_atoms
                changed = changed or active or renamed
            elif e.response_type == 0:  # an error, e.g. BadWindow for a window just gone
                changed = True
            self._free(event)

    def _settle(self) -> bool:
        """Wait up to SETTLE seconds for a further change; True when one came."""
        try:
            ready, _, _ = select.select([self._fd], [], [], SETTLE)
        except (OSError, ValueError):
            return False
        return bool(ready) and self._drain()

    def _root_window(self, screen: int) -> int:
        it = self._xcb.xcb_setup_roots_iterator(self._xcb.xcb_get_setup(self._conn))
        for _ in range(max(0, min(screen, it.rem - 1))):
            self._xcb.xcb_screen_next(ctypes.byref(it))
        return ctypes.cast(it.data, ctypes.POINTER(ctypes.c_uint32))[0]  # xcb_screen_t.root

    def _atom(self, name: str) -> int:
        raw = name.encode()
        cookie = self._xcb.xcb_intern_atom(self._conn, 0, len(raw), raw)
        reply = self._xcb.xcb_intern_atom_reply(self._conn, cookie, None)
        if not reply:
            return 0
        try:
            return int(reply.contents.atom)
        finally:
            self._free(reply)

    def _select(self, window: int, mask: int) -> None:
        value = ctypes.c_uint32(mask)
        self._xcb.xcb_change_window_attributes(
            self._conn, window, _CW_EVENT_MASK, ctypes.byref(value)
        )
        self._xcb.xcb_flush(self._conn)

    def _property(self, window: int, atom: int, kind: int, words: int) -> tuple[int, bytes] | None:
        """(type, value bytes) of a window property, or None (no such property, or the
        window is gone: the error is taken from the reply, never raised)."""
        error = ctypes.c_void_p()
        cookie = self._xcb.xcb_get_property(self._conn, 0, window, atom, kind, 0, words)
        reply = self._xcb.xcb_get_property_reply(self._conn, cookie, ctypes.byref(error))
        if error.value:
            self._free(error)
        if not reply:
            return None
        try:
            length = self._xcb.xcb_get_property_value_length(reply)
            if reply.contents.type == 0 or length <= 0:
                return None
            data = ctypes.string_at(self._xcb.xcb_get_property_value(reply), length)
            return int(reply.contents.type), data
        finally:
            self._free(reply)

    def _cardinal(self, window: int, atom: int) -> int:
        found = self._property(window, atom, _ATOM_CARDINAL, 1)
        if found is None or len(found[1]) < 4:
            return 0
        return int.from_bytes(found[1][:4], sys.byteorder)

    def _title(self, window: int) -> str:
        words = MAX_TITLE_BYTES // 4
        found = self._property(
            window, self._atoms["_NET_WM_NAME"], self._atoms["UTF8_STRING"], words
        )
        if found is None:
            found = self._property(window, _ATOM_WM_NAME, _ANY_TYPE, words)
        if found is None:
            return ""
        _kind, data = found
        return _decode_title(data)

    def _active_window(self) -> int:
        """``_NET_ACTIVE_WINDOW``; without a window manager that keeps it, the window with
        the input focus, or the nearest ancestor of it that has a title."""
        found = self._property(self._root, self._atoms["_NET_ACTIVE_WINDOW"], _ATOM_WINDOW, 1)
        self._events = found is not None and len(found[1]) >= 4
        if self._events:
            assert found is not None
            return int.from_bytes(found[1][:4], sys.byteorder)
        reply = self._xcb.xcb_get_input_focus_reply(
            self._conn, self._xcb.xcb_get_input_focus(self._conn), None
        )
        if not reply:
            return 0
        window = int(reply.contents.focus)
        self._free(reply)
        for _ in range(8):  # focus is on a child: climb to the window that carries the title
            if window in (0, 1, self._root) or self._title(window):
                break
            tree = self._xcb.xcb_query_tree_reply(
                self._conn, self._xcb.xcb_query_tree(self._conn, window), None
            )
            if not tree:
                return 0
            window = int(tree.contents.parent)
            self._free(tree)
        return 0 if window in (1, self._root) else window  # 1: PointerRoot


def default_reader(env: Mapping[str, str] | None = None) -> ForegroundReader:
    """The reader for this OS and session."""
    env = os.environ if env is None else env
    os_name = platform.current_os()
    if os_name == "windows":
        return WindowsReader()
    if os_name == "macos":
        mac = MacReader()
        return UnavailableReader(mac.unavailable_reason) if mac.unavailable_reason else mac
    display, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if display:
        reader = X11Reader(display)
        if reader.unavailable_reason is None and wayland:
            reader.limitation = WAYLAND_LIMITATION
        return reader
    return UnavailableReader(WAYLAND_REASON if wayland else NO_DISPLAY_REASON)


class FocusWatcher:
    """A thread that calls ``on_change(Foreground)`` when the foreground window, or its
    title, changes (and once at start with the window in front then).

    ``unavailable_reason`` is None while it works, else one plain line (also when the
    display closes later: the thread then ends). ``on_change`` runs on the watcher's
    thread; an exception from it is logged and the watching goes on.
    """

    def __init__(
        self,
        on_change: Callable[[Foreground], None],
        *,
        reader: ForegroundReader | None = None,
        interval: float = 0.25,
    ):
        self.on_change = on_change
        self.interval = interval
        self._reader = reader if reader is not None else default_reader()
        self.unavailable_reason: str | None = self._reader.unavailable_reason
        self.limitation: str | None = getattr(self._reader, "limitation", None)
        self.current: Foreground | None = None
        self.changes = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None or self.unavailable_reason is not None:
            return
        self._thread = threading.Thread(target=self._run, name="focus-watcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._reader.wake()
        if self._thread is not None:
            self._thread.join(timeout)
        self._reader.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                found = self._reader.read()
            except Exception:  # a reader bug must not end the watching
                log.exception("reading the foreground window failed")
                self._reader.wait(self.interval)
                continue
            if found is None:
                self.unavailable_reason = self._reader.unavailable_reason or "cannot tell"
                log.warning("foreground window: %s", self.unavailable_reason)
                return
            if found != self.current:
                self.current = found
                self.changes += 1
                try:
                    self.on_change(found)
                except Exception:
                    log.exception("the foreground-window callback failed")
            if self._stop.is_set():
                return
            self._reader.wait(self.interval)
