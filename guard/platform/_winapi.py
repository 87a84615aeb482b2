"""Every call ScamGuard makes into the Windows API (``ctypes.windll``) or the registry
(``winreg``), in one file.

Importable on any OS: ``ctypes.wintypes`` and ``winreg`` are imported inside the functions
that use them, so Linux tests can import this module and put a fake in its place. Each
function raises ``OSError`` when the call fails (or when it is not Windows), as ``winreg``
does, and callers decide what a failure means.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

# FOLDERID_ProgramData: asked of Windows itself, never of an environment variable (platformdirs
# would honour %WIN_PD_OVERRIDE_COMMON_APPDATA%, which any user can set).
PROGRAM_DATA_ID = "{62AB5D82-FDC1-4DC3-A9DD-070D1D495D97}"
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
ERROR_INVALID_PARAMETER = 87  # also what Wine's psutil name()/exe() fail with
MAX_IMAGE_PATH = 32768
TH32CS_SNAPTHREAD = 0x4
THREAD_SUSPEND_RESUME = 0x0002
INVALID_HANDLE_VALUE = 2**64 - 1  # (HANDLE)-1 as ctypes returns it on 64-bit Windows
SUSPEND_FAILED = 0xFFFFFFFF  # (DWORD)-1 from SuspendThread


def _windll() -> ModuleType:
    windll = getattr(ctypes, "windll", None)
    if windll is None:
        raise OSError("the Windows API is not available on this system")
    return windll


def program_data() -> Path | None:
    """``%ProgramData%`` as Windows itself reports it (SHGetKnownFolderPath); None when it
    cannot be asked."""
    try:
        import uuid  # noqa: PLC0415

        windll = _windll()
        guid = (ctypes.c_ubyte * 16).from_buffer_copy(uuid.UUID(PROGRAM_DATA_ID).bytes_le)
        found = ctypes.c_wchar_p()
        shell32 = windll.shell32
        if shell32.SHGetKnownFolderPath(ctypes.byref(guid), 0, None, ctypes.byref(found)) == 0:
            try:
                return Path(found.value or "")
            finally:
                windll.ole32.CoTaskMemFree(found)
    except (AttributeError, OSError, ValueError):
        pass
    return None


def unbiased_seconds() -> float:
    """Seconds the computer has been awake since boot (``QueryUnbiasedInterruptTime``: time
    asleep or hibernating is not counted), for telling "held still" from "asleep"."""
    value = ctypes.c_ulonglong()
    if not _windll().kernel32.QueryUnbiasedInterruptTime(ctypes.byref(value)):
        raise OSError("QueryUnbiasedInterruptTime failed")
    return value.value / 10_000_000  # 100-nanosecond units


def is_elevated() -> bool:
    """Does this process hold an administrator's rights now (an elevated token, or SYSTEM)?
    ``IsUserAnAdmin`` answers for the process's own token; False when it cannot be asked."""
    try:
        return bool(_windll().shell32.IsUserAnAdmin())
    except (AttributeError, OSError):
        return False


def owner_sid(path: Path) -> str:
    """The owner of ``path`` as a SID string ("S-1-5-18"), from the Windows API."""
    windll = _windll()
    advapi32 = windll.advapi32
    kernel32 = windll.kernel32
    owner, descriptor = ctypes.c_void_p(), ctypes.c_void_p()
    se_file_object, owner_security_information = 1, 1
    status = advapi32.GetNamedSecurityInfoW(
        str(path), se_file_object, owner_security_information,
        ctypes.byref(owner), None, None, None, ctypes.byref(descriptor),
    )  # fmt: skip
    if status != 0:
        raise OSError(status, f"cannot read the owner (error {status})")
    try:
        text = ctypes.c_wchar_p()
        if not advapi32.ConvertSidToStringSidW(owner, ctypes.byref(text)):
            raise OSError("cannot read the owner's SID")
        try:
            return text.value or ""
        finally:
            kernel32.LocalFree(text)
    finally:
        kernel32.LocalFree(descriptor)


def user_locale_name() -> str | None:
    """``en-GB`` from the user's Windows region setting (no environment variables there)."""
    try:
        buffer = ctypes.create_unicode_buffer(85)
        if _windll().kernel32.GetUserDefaultLocaleName(buffer, len(buffer)):
            return buffer.value
    except (AttributeError, OSError):
        pass
    return None


def process_image_path(pid: int) -> str:
    """The full path of the program ``pid`` runs: ``OpenProcess`` with the limited query
    right, then ``QueryFullProcessImageNameW``. Wine implements these, where psutil's own
    way (NtQuerySystemInformation class 88) fails with error 87. A process that is gone
    raises ``ProcessLookupError``."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.OpenProcess.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD]
    kernel32.QueryFullProcessImageNameW.argtypes = [
        wintypes.HANDLE, wintypes.DWORD, wintypes.LPWSTR, ctypes.POINTER(wintypes.DWORD),
    ]  # fmt: skip
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    handle = kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        err = ctypes.get_last_error()  # type: ignore[attr-defined]
        if err == ERROR_INVALID_PARAMETER:
            raise ProcessLookupError(errno.ESRCH, "no such process", str(pid))
        raise ctypes.WinError(err)  # type: ignore[attr-defined]
    try:
        buffer = ctypes.create_unicode_buffer(MAX_IMAGE_PATH)
        size = wintypes.DWORD(len(buffer))
        if not kernel32.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size)):
            raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
        return buffer.value
    finally:
        kernel32.CloseHandle(handle)


def threads_all_suspended(pid: int) -> bool | None:
    """Are all of ``pid``'s threads suspended? None when it has no thread we may look at.

    Each thread's suspend count is read the only way Windows offers: ``SuspendThread``
    returns the count it had, and ``ResumeThread`` at once puts it back, so a running thread
    pauses for microseconds and a suspended one is left exactly as it was. psutil reads the
    thread states from ``NtQuerySystemInformation`` instead, which Wine does not fill in (a
    suspended process reads "running" there); this works on both."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    class ThreadEntry32(ctypes.Structure):
        _fields_ = [
            ("dwSize", wintypes.DWORD), ("cntUsage", wintypes.DWORD),
            ("th32ThreadID", wintypes.DWORD), ("th32OwnerProcessID", wintypes.DWORD),
            ("tpBasePri", wintypes.LONG), ("tpDeltaPri", wintypes.LONG),
            ("dwFlags", wintypes.DWORD),
        ]  # fmt: skip

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.CreateToolhelp32Snapshot.restype = wintypes.HANDLE
    kernel32.CreateToolhelp32Snapshot.argtypes = [wintypes.DWORD, wintypes.DWORD]
    kernel32.OpenThread.restype = wintypes.HANDLE
    kernel32.OpenThread.argtypes = [wintypes.DWORD, wintypes.BOOL, wintypes.DWORD]
    kernel32.SuspendThread.restype = wintypes.DWORD
    kernel32.SuspendThread.argtypes = [wintypes.HANDLE]
    kernel32.ResumeThread.argtypes = [wintypes.HANDLE]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    snapshot = kernel32.CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0)
    if snapshot in (None, INVALID_HANDLE_VALUE):
        raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
    counts: list[int] = []
    try:
        entry = ThreadEntry32()
        entry.dwSize = ctypes.sizeof(entry)
        more = kernel32.Thread32First(snapshot, ctypes.byref(entry))
        while more:
            if entry.th32OwnerProcessID == pid:
                thread = kernel32.OpenThread(THREAD_SUSPEND_RESUME, False, entry.th32ThreadID)
                if thread:
                    try:
                        before = kernel32.SuspendThread(thread)
                        if before != SUSPEND_FAILED:
                            kernel32.ResumeThread(thread)
                            counts.append(before)
                    finally:
                        kernel32.CloseHandle(thread)
            more = kernel32.Thread32Next(snapshot, ctypes.byref(entry))
    finally:
        kernel32.CloseHandle(snapshot)
    if not counts:
        return None
    return all(count > 0 for count in counts)


# --- the registry ------------------------------------------------------------------------


def _winreg() -> ModuleType:
    try:
        import winreg  # noqa: PLC0415  # Windows-only module, imported only when used
    except ImportError:
        raise OSError("the Windows registry is not available on this system") from None
    return winreg


def registry_get(path: str, name: str, *, machine: bool = False) -> str | bytes | None:
    """A value's data under ``HKEY_CURRENT_USER\\path`` (``machine``: ``HKEY_LOCAL_MACHINE``,
    read only here), or None if there is no such value (or key)."""
    winreg = _winreg()
    hive = winreg.HKEY_LOCAL_MACHINE if machine else winreg.HKEY_CURRENT_USER
    try:
        # The 64-bit view: the MSI is x64, and a 32-bit reader would see another key.
        access = winreg.KEY_READ | winreg.KEY_WOW64_64KEY
        with winreg.OpenKey(hive, path, 0, access) as key:
            value, _kind = winreg.QueryValueEx(key, name)
    except FileNotFoundError:
        return None
    return value if isinstance(value, str | bytes) else str(value)


def registry_set(path: str, name: str, value: str) -> None:
    """Create ``HKEY_CURRENT_USER\\path`` if needed and store ``value`` as ``REG_SZ``."""
    winreg = _winreg()
    access = winreg.KEY_SET_VALUE
    with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, path, 0, access) as key:
        winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)


def registry_delete(path: str, name: str) -> None:
    """Remove a value under ``HKEY_CURRENT_USER\\path``; a missing value or key is not an
    error."""
    winreg = _winreg()
    with contextlib.suppress(FileNotFoundError):
        access = winreg.KEY_SET_VALUE
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, path, 0, access) as key:
            winreg.DeleteValue(key, name)


def registry_set_machine_dword(path: str, name: str, value: int) -> None:
    """Store ``value`` as ``REG_DWORD`` under ``HKEY_LOCAL_MACHINE\\path`` (the 64-bit view).
    Needs an administrator: raises ``PermissionError`` (``OSError`` with ``winerror`` 5)
    otherwise, which the caller words for the person."""
    winreg = _winreg()
    access = winreg.KEY_SET_VALUE | winreg.KEY_WOW64_64KEY
    with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, path, 0, access) as key:
        winreg.SetValueEx(key, name, 0, winreg.REG_DWORD, int(value))


# --- the guard service's named pipe ------------------------------------------------------
# Every handle is opened for overlapped I/O: with synchronous handles Windows runs one
# operation at a time per handle, so a send would wait behind a read that waits for the
# client, and nothing could end a pending read or ConnectNamedPipe when the service stops.
# Each operation here waits on its own event *and* a cancel event: setting the cancel
# event ends every pending operation on that handle (``CancelIoEx``) with
# ``ConnectionAbortedError``.

PIPE_ACCESS_DUPLEX = 0x00000003
FILE_FLAG_OVERLAPPED = 0x40000000
FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000
PIPE_TYPE_BYTE = 0x00000000  # with PIPE_READMODE_BYTE and PIPE_WAIT, also 0
PIPE_REJECT_REMOTE_CLIENTS = 0x00000008
PIPE_UNLIMITED_INSTANCES = 255
GENERIC_READ = 0x80000000
GENERIC_WRITE = 0x40000000
OPEN_EXISTING = 3
# The client lets the server *identify* it (read its token), never act as it: a server that
# is not the real service learns who connected but cannot use the person's rights.
SECURITY_SQOS_PRESENT = 0x00100000
SECURITY_IDENTIFICATION = 0x00010000
ERROR_FILE_NOT_FOUND = 2
ERROR_ACCESS_DENIED = 5
ERROR_BROKEN_PIPE = 109
ERROR_INSUFFICIENT_BUFFER = 122
ERROR_PIPE_BUSY = 231
ERROR_NO_DATA = 232
ERROR_PIPE_NOT_CONNECTED = 233
ERROR_SEM_TIMEOUT = 121
ERROR_PIPE_CONNECTED = 535
ERROR_OPERATION_ABORTED = 995
ERROR_IO_PENDING = 997
ERROR_CANNOT_IMPERSONATE = 1368
WAIT_OBJECT_0 = 0
WAIT_TIMEOUT = 0x102
INFINITE = 0xFFFFFFFF
TOKEN_QUERY = 0x0008
TOKEN_USER_CLASS, TOKEN_GROUPS_CLASS, TOKEN_ELEVATION_CLASS = 1, 2, 20
SE_GROUP_ENABLED = 0x00000004
SDDL_REVISION_1 = 1
CLOSED_ERRORS = (ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_PIPE_NOT_CONNECTED)


class TokenFacts:
    """What a token says about its user: the SID ("S-1-5-21-...-1001"), the account as
    ``DOMAIN\\user`` (psutil's ``username()`` form; the SID when it has no name), whether it
    is elevated (``TokenElevation``; None when the token would not say), and the SIDs of its
    *enabled* groups (under UAC an administrator has Administrators only as a deny-only
    group until elevated)."""

    __slots__ = ("elevated", "groups", "name", "sid")

    def __init__(self, sid: str, name: str, elevated: bool | None, groups: tuple[str, ...]):
        self.sid, self.name, self.elevated, self.groups = sid, name, elevated, groups

    def __repr__(self) -> str:
        return f"TokenFacts({self.sid!r}, {self.name!r}, elevated={self.elevated})"


_API: dict[str, Any] = {}


def _kernel32() -> Any:
    """kernel32 with the prototypes the pipe needs (64-bit handles must not be cut to int)."""
    if "kernel32" in _API:
        return _API["kernel32"]
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    k = _dll("kernel32")
    h, d, b, p = wintypes.HANDLE, wintypes.DWORD, wintypes.BOOL, ctypes.c_void_p
    dp = ctypes.POINTER(wintypes.DWORD)
    protos = {
        "CreateNamedPipeW": (h, [wintypes.LPCWSTR, d, d, d, d, d, d, p]),
        "ConnectNamedPipe": (b, [h, p]),
        "CreateFileW": (h, [wintypes.LPCWSTR, d, d, p, d, d, h]),
        "WaitNamedPipeW": (b, [wintypes.LPCWSTR, d]),
        "ReadFile": (b, [h, p, d, dp, p]),
        "WriteFile": (b, [h, p, d, dp, p]),
        "GetOverlappedResult": (b, [h, p, dp, b]),
        "CancelIoEx": (b, [h, p]),
        "CreateEventW": (h, [p, b, b, wintypes.LPCWSTR]),
        "SetEvent": (b, [h]),
        "WaitForMultipleObjects": (d, [d, ctypes.POINTER(h), b, d]),
        "CloseHandle": (b, [h]),
        "GetNamedPipeClientProcessId": (b, [h, dp]),
        "GetNamedPipeServerProcessId": (b, [h, dp]),
        "GetCurrentThread": (h, []),
        "OpenProcess": (h, [d, b, d]),
        "LocalFree": (p, [p]),
    }
    return _prototyped("kernel32", k, protos)


def _advapi32() -> Any:
    if "advapi32" in _API:
        return _API["advapi32"]
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    a = _dll("advapi32")
    h, d, b, p = wintypes.HANDLE, wintypes.DWORD, wintypes.BOOL, ctypes.c_void_p
    dp = ctypes.POINTER(wintypes.DWORD)
    protos = {
        "ConvertStringSecurityDescriptorToSecurityDescriptorW": (
            b, [wintypes.LPCWSTR, d, ctypes.POINTER(p), dp],
        ),
        "ImpersonateNamedPipeClient": (b, [h]),
        "RevertToSelf": (b, []),
        "OpenThreadToken": (b, [h, d, b, ctypes.POINTER(h)]),
        "OpenProcessToken": (b, [h, d, ctypes.POINTER(h)]),
        "GetTokenInformation": (b, [h, ctypes.c_int, p, d, dp]),
        "ConvertSidToStringSidW": (b, [p, ctypes.POINTER(wintypes.LPWSTR)]),
        "LookupAccountSidW": (
            b, [wintypes.LPCWSTR, p, wintypes.LPWSTR, dp, wintypes.LPWSTR, dp, dp],
        ),
        "GetSecurityInfo": (d, [h, ctypes.c_int, d, ctypes.POINTER(p), p, p, p, ctypes.POINTER(p)]),
    }  # fmt: skip
    return _prototyped("advapi32", a, protos)


def _prototyped(name: str, dll: Any, protos: dict[str, Any]) -> Any:
    """Give each function of ``dll`` its result and argument types, and keep it."""
    for function, (restype, argtypes) in protos.items():
        fn = getattr(dll, function)
        fn.restype, fn.argtypes = restype, argtypes
    _API[name] = dll
    return dll


def _dll(name: str) -> Any:
    return ctypes.WinDLL(name, use_last_error=True)  # type: ignore[attr-defined]


def _last_error() -> int:
    return int(ctypes.get_last_error())  # type: ignore[attr-defined]


def _win_error(code: int) -> OSError:
    return ctypes.WinError(code)  # type: ignore[attr-defined]


def _error(what: str) -> OSError:
    code = _last_error()
    err = _win_error(code)
    err.strerror = f"{what}: {err.strerror}"
    return err


def _overlapped_type() -> type:
    if "OVERLAPPED" not in _API:
        from ctypes import wintypes  # noqa: PLC0415 - Windows only

        class Overlapped(ctypes.Structure):
            _fields_ = [
                ("Internal", ctypes.c_void_p), ("InternalHigh", ctypes.c_void_p),
                ("Offset", wintypes.DWORD), ("OffsetHigh", wintypes.DWORD),
                ("hEvent", wintypes.HANDLE),
            ]  # fmt: skip

        _API["OVERLAPPED"] = Overlapped
    return _API["OVERLAPPED"]


def event_create() -> int:
    """A manual-reset event, not set: a channel's "stop waiting" switch."""
    handle = _kernel32().CreateEventW(None, True, False, None)
    if not handle:
        raise _error("CreateEventW")
    return int(handle)


def event_set(handle: int) -> None:
    _kernel32().SetEvent(handle)


def handle_close(handle: int) -> None:
    _kernel32().CloseHandle(handle)


def _overlapped_call(
    what: str, handle: int, start: Callable[[int], bool], cancel: int, timeout: float | None
) -> int:
    """Run one overlapped operation (``start(overlapped_pointer) -> bool``) to its end: the
    bytes it moved. Ends early on ``cancel`` (ConnectionAbortedError) or ``timeout``
    (TimeoutError), after cancelling it and waiting until Windows lets go of its buffer."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    k = _kernel32()
    event = event_create()
    try:
        overlapped = _overlapped_type()()
        overlapped.hEvent = event
        pointer = ctypes.addressof(overlapped)
        if start(pointer):
            pending = False
        else:
            code = _last_error()
            if code == ERROR_PIPE_CONNECTED:  # a client connected before we asked
                return 0
            if code != ERROR_IO_PENDING:
                raise _win_error(code)
            pending = True
        woke = WAIT_OBJECT_0
        if pending:
            waits = (wintypes.HANDLE * 2)(event, cancel)
            ms = INFINITE if timeout is None else max(0, int(timeout * 1000))
            woke = k.WaitForMultipleObjects(2, waits, False, ms)
            if woke != WAIT_OBJECT_0:
                k.CancelIoEx(handle, pointer)
        done = wintypes.DWORD(0)
        if k.GetOverlappedResult(handle, pointer, ctypes.byref(done), True):
            return int(done.value)
        code = _last_error()
        if code == ERROR_OPERATION_ABORTED and woke == WAIT_TIMEOUT:
            raise TimeoutError(f"{what} timed out")
        if code == ERROR_OPERATION_ABORTED:
            raise ConnectionAbortedError(f"{what}: the pipe was closed")
        raise _win_error(code)
    finally:
        handle_close(event)


def pipe_create(name: str, sddl: str, *, first: bool, buffer_size: int) -> int:
    """One instance of the service's pipe, locked down by ``sddl``, local clients only.
    ``first``: FILE_FLAG_FIRST_PIPE_INSTANCE, so the call fails if anyone else already made
    a pipe of this name (squatting) instead of quietly becoming its second instance."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    class SecurityAttributes(ctypes.Structure):
        _fields_ = [
            ("nLength", wintypes.DWORD), ("lpSecurityDescriptor", ctypes.c_void_p),
            ("bInheritHandle", wintypes.BOOL),
        ]  # fmt: skip

    descriptor = ctypes.c_void_p()
    adv = _advapi32()
    convert = adv.ConvertStringSecurityDescriptorToSecurityDescriptorW
    if not convert(sddl, SDDL_REVISION_1, ctypes.byref(descriptor), None):
        raise _error("ConvertStringSecurityDescriptorToSecurityDescriptorW")
    try:
        attributes = SecurityAttributes(ctypes.sizeof(SecurityAttributes), descriptor, False)
        mode = PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED
        if first:
            mode |= FILE_FLAG_FIRST_PIPE_INSTANCE
        handle = _kernel32().CreateNamedPipeW(
            name, mode, PIPE_TYPE_BYTE | PIPE_REJECT_REMOTE_CLIENTS,
            PIPE_UNLIMITED_INSTANCES, buffer_size, buffer_size, 0, ctypes.byref(attributes),
        )  # fmt: skip
        if handle in (None, INVALID_HANDLE_VALUE):
            raise _error(f"CreateNamedPipeW {name}")
        return int(handle)
    finally:
        _kernel32().LocalFree(descriptor)


def pipe_accept(handle: int, cancel: int) -> None:
    """Wait for a client on this instance (``ConnectNamedPipe``) until one comes or
    ``cancel`` is set."""
    k = _kernel32()
    _overlapped_call(
        "ConnectNamedPipe", handle, lambda ov: k.ConnectNamedPipe(handle, ov), cancel, None
    )


def pipe_open(name: str, timeout: float) -> int:
    """A client's end of the pipe; FileNotFoundError when nothing listens, TimeoutError when
    every instance stayed busy for ``timeout`` seconds."""
    import time  # noqa: PLC0415

    k = _kernel32()
    deadline = time.monotonic() + timeout
    while True:
        handle = k.CreateFileW(
            name, GENERIC_READ | GENERIC_WRITE, 0, None, OPEN_EXISTING,
            FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION, None,
        )  # fmt: skip
        if handle not in (None, INVALID_HANDLE_VALUE):
            return int(handle)
        code = _last_error()
        left = deadline - time.monotonic()
        if code != ERROR_PIPE_BUSY or left <= 0:
            raise _win_error(code)
        k.WaitNamedPipeW(name, max(1, int(left * 1000)))


def pipe_read(handle: int, size: int, cancel: int, timeout: float | None = None) -> bytes:
    """Up to ``size`` bytes; b"" when the other end has closed."""
    k = _kernel32()
    buffer = ctypes.create_string_buffer(size)
    try:
        got = _overlapped_call(
            "ReadFile",
            handle,
            lambda ov: k.ReadFile(handle, buffer, size, None, ov),
            cancel,
            timeout,
        )
    except OSError as exc:
        if getattr(exc, "winerror", None) in CLOSED_ERRORS:
            return b""
        raise
    return buffer.raw[:got]


def pipe_write(handle: int, data: bytes, cancel: int, timeout: float | None) -> int:
    """Write ``data`` (some of it, as Windows took it): the bytes written."""
    k = _kernel32()
    buffer = ctypes.create_string_buffer(data, len(data))
    return _overlapped_call(
        "WriteFile",
        handle,
        lambda ov: k.WriteFile(handle, buffer, len(data), None, ov),
        cancel,
        timeout,
    )


def pipe_client_pid(handle: int) -> int:
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    pid = wintypes.DWORD()
    if not _kernel32().GetNamedPipeClientProcessId(handle, ctypes.byref(pid)):
        raise _error("GetNamedPipeClientProcessId")
    return int(pid.value)


def pipe_server_pid(handle: int) -> int:
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    pid = wintypes.DWORD()
    if not _kernel32().GetNamedPipeServerProcessId(handle, ctypes.byref(pid)):
        raise _error("GetNamedPipeServerProcessId")
    return int(pid.value)


def pipe_client_token(handle: int) -> TokenFacts:
    """The connected client's token: ``ImpersonateNamedPipeClient`` (this thread becomes the
    client, at the identification level the client allowed), ``OpenThreadToken``, read it,
    ``RevertToSelf``. ``ERROR_CANNOT_IMPERSONATE`` (OSError) until the client has written."""
    import os  # noqa: PLC0415
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    adv, k = _advapi32(), _kernel32()
    if not adv.ImpersonateNamedPipeClient(handle):
        raise _error("ImpersonateNamedPipeClient")
    token = wintypes.HANDLE()
    try:
        # OpenAsSelf: open it with the service's own rights, not the client's.
        thread = k.GetCurrentThread()
        if not adv.OpenThreadToken(thread, TOKEN_QUERY, True, ctypes.byref(token)):
            raise _error("OpenThreadToken")
    finally:
        if not adv.RevertToSelf():
            # A thread left running as the client must not go on serving: Microsoft's rule
            # for a failed RevertToSelf is to end the process (the service manager restarts it).
            os._exit(70)
    try:
        return _token_facts(int(token.value or 0))
    finally:
        handle_close(int(token.value or 0))


def process_token(pid: int) -> TokenFacts:
    """The token of process ``pid`` (OpenProcess with the limited query right, then
    OpenProcessToken). PermissionError when its token is not ours to read."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    k, adv = _kernel32(), _advapi32()
    process = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not process:
        raise _error(f"OpenProcess {pid}")
    try:
        token = wintypes.HANDLE()
        if not adv.OpenProcessToken(process, TOKEN_QUERY, ctypes.byref(token)):
            raise _error(f"OpenProcessToken {pid}")
        try:
            return _token_facts(int(token.value or 0))
        finally:
            handle_close(int(token.value or 0))
    finally:
        handle_close(int(process))


PROFILE_LIST = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList"


def profile_dir(sid: str) -> str:
    """The profile folder Windows made for the account ``sid`` (its ``ProfileImagePath``,
    ``%SystemDrive%`` filled in). OSError when it has none."""
    import os  # noqa: PLC0415

    value = registry_get(f"{PROFILE_LIST}\\{sid}", "ProfileImagePath", machine=True)
    if not isinstance(value, str) or not value:
        raise FileNotFoundError(f"no profile folder for {sid}")
    return os.path.expandvars(value)


def console_ctrl_c_on() -> None:
    """``SetConsoleCtrlHandler(NULL, FALSE)``: this process gets Ctrl-C from its console
    again, if whoever started it had it ignored."""
    if not _windll().kernel32.SetConsoleCtrlHandler(None, False):
        raise OSError("SetConsoleCtrlHandler refused")


def own_token() -> TokenFacts:
    """This process's own token (a test home's pipe grants its user; the lane's checks)."""
    import os  # noqa: PLC0415

    return process_token(os.getpid())


SE_FILE_OBJECT, SE_KERNEL_OBJECT = 1, 6


def handle_owner_sid(handle: int, object_type: int = SE_KERNEL_OBJECT) -> str:
    """The owner of an object by its handle (the pipe a client opened; an open file with
    ``SE_FILE_OBJECT``) as a SID string: the account that created it, unless it ran as an
    administrator (then Administrators) or SYSTEM."""
    owner, descriptor = ctypes.c_void_p(), ctypes.c_void_p()
    owner_security_information = 1
    status = _advapi32().GetSecurityInfo(
        handle, object_type, owner_security_information,
        ctypes.byref(owner), None, None, None, ctypes.byref(descriptor),
    )  # fmt: skip
    if status != 0:
        raise OSError(status, f"cannot read the owner (error {status})")
    try:
        return _sid_string(owner.value or 0)
    finally:
        _kernel32().LocalFree(descriptor)


def _token_information(token: int, info_class: int) -> ctypes.Array[ctypes.c_char]:
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    adv = _advapi32()
    needed = wintypes.DWORD(0)
    adv.GetTokenInformation(token, info_class, None, 0, ctypes.byref(needed))
    buffer = ctypes.create_string_buffer(max(needed.value, 4))
    if not adv.GetTokenInformation(token, info_class, buffer, len(buffer), ctypes.byref(needed)):
        raise _error(f"GetTokenInformation {info_class}")
    return buffer


def _sid_string(sid: int) -> str:
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    text = wintypes.LPWSTR()
    if not _advapi32().ConvertSidToStringSidW(sid, ctypes.byref(text)):
        raise _error("ConvertSidToStringSidW")
    try:
        return text.value or ""
    finally:
        _kernel32().LocalFree(ctypes.cast(text, ctypes.c_void_p))


def _account_name(sid: int, fallback: str) -> str:
    """``DOMAIN\\user`` as psutil's ``Process.username()`` gives it (the fallback: the SID)."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    name, domain = ctypes.create_unicode_buffer(256), ctypes.create_unicode_buffer(256)
    name_len, domain_len, use = wintypes.DWORD(256), wintypes.DWORD(256), wintypes.DWORD()
    if not _advapi32().LookupAccountSidW(
        None, sid, name, ctypes.byref(name_len), domain, ctypes.byref(domain_len),
        ctypes.byref(use),
    ):  # fmt: skip
        return fallback
    return f"{domain.value}\\{name.value}" if domain.value else name.value


def _token_facts(token: int) -> TokenFacts:
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    class SidAndAttributes(ctypes.Structure):
        _fields_ = [("Sid", ctypes.c_void_p), ("Attributes", wintypes.DWORD)]

    user = SidAndAttributes.from_buffer(_token_information(token, TOKEN_USER_CLASS))
    sid = _sid_string(user.Sid or 0)
    name = _account_name(user.Sid or 0, sid)
    try:
        elevation = _token_information(token, TOKEN_ELEVATION_CLASS)
        elevated: bool | None = bool(ctypes.c_uint32.from_buffer(elevation).value)
    except OSError:
        elevated = None
    groups: list[str] = []
    raw = _token_information(token, TOKEN_GROUPS_CLASS)
    count = ctypes.c_uint32.from_buffer(raw).value
    entries = (SidAndAttributes * count).from_buffer(raw, ctypes.alignment(SidAndAttributes))
    for entry in entries:
        if entry.Attributes & SE_GROUP_ENABLED and entry.Sid:
            groups.append(_sid_string(entry.Sid))
    return TokenFacts(sid, name, elevated, tuple(groups))


# --- the Windows service (the Service Control Manager) -----------------------------------

SERVICE_WIN32_OWN_PROCESS = 0x10
SERVICE_STOPPED, SERVICE_START_PENDING, SERVICE_STOP_PENDING, SERVICE_RUNNING = 1, 2, 3, 4
SERVICE_ACCEPT_STOP, SERVICE_ACCEPT_SHUTDOWN = 0x1, 0x4
SERVICE_CONTROL_STOP, SERVICE_CONTROL_INTERROGATE, SERVICE_CONTROL_SHUTDOWN = 1, 4, 5
SERVICE_CONTROL_PRESHUTDOWN = 0xF
NO_ERROR = 0
ERROR_CALL_NOT_IMPLEMENTED = 120
ERROR_SERVICE_DOES_NOT_EXIST = 1060
ERROR_FAILED_SERVICE_CONTROLLER_CONNECT = 1063  # not started by the SCM: a console
ERROR_SERVICE_SPECIFIC_ERROR = 1066
SC_MANAGER_CONNECT = 0x1
SERVICE_QUERY_CONFIG, SERVICE_QUERY_STATUS = 0x1, 0x4


def service_dispatch(name: str, main: Callable[[], None]) -> bool:
    """Hand this process's main thread to the Service Control Manager
    (``StartServiceCtrlDispatcherW``): ``main`` runs as the service's ServiceMain on a thread
    of the SCM's, and this returns True once the service has stopped. False at once when the
    process was not started by the SCM (a console), which is how ``service run`` tells."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    adv = _dll("advapi32")
    service_main = ctypes.WINFUNCTYPE(None, wintypes.DWORD, ctypes.POINTER(wintypes.LPWSTR))  # type: ignore[attr-defined]
    callback = service_main(lambda _argc, _argv: main())

    class TableEntry(ctypes.Structure):
        _fields_ = [("lpServiceName", wintypes.LPWSTR), ("lpServiceProc", ctypes.c_void_p)]

    table = (TableEntry * 2)(
        TableEntry(name, ctypes.cast(callback, ctypes.c_void_p)), TableEntry(None, None)
    )
    adv.StartServiceCtrlDispatcherW.argtypes = [ctypes.c_void_p]
    adv.StartServiceCtrlDispatcherW.restype = wintypes.BOOL
    if adv.StartServiceCtrlDispatcherW(ctypes.addressof(table)):
        return True
    code = _last_error()
    if code == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT:
        return False
    raise _win_error(code)


def service_register(name: str, handler: Callable[[int], int]) -> int:
    """``RegisterServiceCtrlHandlerExW`` from ServiceMain: ``handler(control) -> error code``
    answers the SCM's controls (stop, shutdown, interrogate). The handle it returns is for
    ``service_set_status`` and is never closed."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    adv = _dll("advapi32")
    handler_ex = ctypes.WINFUNCTYPE(  # type: ignore[attr-defined]
        wintypes.DWORD, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p, ctypes.c_void_p
    )
    callback = handler_ex(lambda control, _kind, _data, _context: handler(int(control)))
    _API[f"handler:{name}"] = callback  # the SCM calls it until the process ends
    adv.RegisterServiceCtrlHandlerExW.argtypes = [
        wintypes.LPCWSTR,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    adv.RegisterServiceCtrlHandlerExW.restype = ctypes.c_void_p
    handle = adv.RegisterServiceCtrlHandlerExW(name, ctypes.cast(callback, ctypes.c_void_p), None)
    if not handle:
        raise _error("RegisterServiceCtrlHandlerExW")
    return int(handle)


def service_set_status(
    handle: int,
    state: int,
    *,
    accepted: int = 0,
    exit_code: int = NO_ERROR,
    specific: int = 0,
    checkpoint: int = 0,
    wait_hint_ms: int = 0,
) -> None:
    """``SetServiceStatus`` for this own-process service."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    class ServiceStatus(ctypes.Structure):
        _fields_ = [
            (field, wintypes.DWORD)
            for field in (
                "dwServiceType", "dwCurrentState", "dwControlsAccepted", "dwWin32ExitCode",
                "dwServiceSpecificExitCode", "dwCheckPoint", "dwWaitHint",
            )
        ]  # fmt: skip

    status = ServiceStatus(
        SERVICE_WIN32_OWN_PROCESS, state, accepted, exit_code, specific, checkpoint, wait_hint_ms
    )
    adv = _dll("advapi32")
    adv.SetServiceStatus.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    adv.SetServiceStatus.restype = wintypes.BOOL
    if not adv.SetServiceStatus(handle, ctypes.addressof(status)):
        raise _error("SetServiceStatus")


def service_query(name: str) -> tuple[int, int]:
    """(start type, current state) of service ``name`` as the SCM has them
    (``QueryServiceConfigW``, ``QueryServiceStatusEx``); ``OSError`` with ``winerror``
    ERROR_SERVICE_DOES_NOT_EXIST when it is not installed."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    adv = _dll("advapi32")
    p, d = ctypes.c_void_p, wintypes.DWORD
    adv.OpenSCManagerW.argtypes = [wintypes.LPCWSTR, wintypes.LPCWSTR, d]
    adv.OpenSCManagerW.restype = p
    adv.OpenServiceW.argtypes = [p, wintypes.LPCWSTR, d]
    adv.OpenServiceW.restype = p
    adv.QueryServiceConfigW.argtypes = [p, p, d, ctypes.POINTER(d)]
    adv.QueryServiceStatusEx.argtypes = [p, ctypes.c_int, p, d, ctypes.POINTER(d)]
    adv.CloseServiceHandle.argtypes = [p]
    manager = adv.OpenSCManagerW(None, None, SC_MANAGER_CONNECT)
    if not manager:
        raise _error("OpenSCManagerW")
    try:
        service = adv.OpenServiceW(manager, name, SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS)
        if not service:
            raise _error(f"OpenServiceW {name}")
        try:
            needed = d(0)
            adv.QueryServiceConfigW(service, None, 0, ctypes.byref(needed))
            config = ctypes.create_string_buffer(max(needed.value, 64))
            if not adv.QueryServiceConfigW(service, config, len(config), ctypes.byref(needed)):
                raise _error("QueryServiceConfigW")
            start_type = ctypes.c_uint32.from_buffer(config, 4).value  # dwStartType
            process = ctypes.create_string_buffer(36)  # SERVICE_STATUS_PROCESS
            if not adv.QueryServiceStatusEx(service, 0, process, 36, ctypes.byref(needed)):
                raise _error("QueryServiceStatusEx")
            state = ctypes.c_uint32.from_buffer(process, 4).value  # dwCurrentState
            return start_type, state
        finally:
            adv.CloseServiceHandle(service)
    finally:
        adv.CloseServiceHandle(manager)


# --- The foreground window (guard/platform/foreground.py) ---

MAX_WINDOW_TITLE = 2048  # characters read of a title: a bank's fits many times over


def _user32() -> Any:
    if "user32" in _API:
        return _API["user32"]
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    hwnd, d = wintypes.HWND, wintypes.DWORD
    protos = {
        "GetForegroundWindow": (hwnd, []),
        "GetWindowTextLengthW": (ctypes.c_int, [hwnd]),
        "GetWindowTextW": (ctypes.c_int, [hwnd, wintypes.LPWSTR, ctypes.c_int]),
        "GetWindowThreadProcessId": (d, [hwnd, ctypes.POINTER(d)]),
    }
    return _prototyped("user32", _dll("user32"), protos)


def foreground_window() -> tuple[int, str, int] | None:
    """The window in front: (handle, title, process id), or None when no window is (the
    desktop is switched to a UAC prompt or the lock screen). ``GetWindowTextW`` reads
    another process's caption without sending it a message, so a hung program cannot
    block the caller."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    user32 = _user32()
    hwnd = user32.GetForegroundWindow()
    if not hwnd:
        return None
    length = max(0, min(int(user32.GetWindowTextLengthW(hwnd)), MAX_WINDOW_TITLE))
    buffer = ctypes.create_unicode_buffer(length + 1)
    user32.GetWindowTextW(hwnd, buffer, len(buffer))
    pid = wintypes.DWORD(0)
    user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
    return int(hwnd), buffer.value, int(pid.value)


# --- Remote Desktop sessions (guard/session/os_signals.py) ---

WTS_CURRENT_SERVER_HANDLE = 0
WTS_USER_NAME = 5  # WTS_INFO_CLASS WTSUserName
WTS_CLIENT_ADDRESS = 14  # WTSClientAddress: WTS_CLIENT_ADDRESS
WTS_CLIENT_PROTOCOL_TYPE = 16  # WTSClientProtocolType: USHORT, 0 console, 2 RDP
AF_INET = 2


def wts_logoff(session_id: int) -> None:
    """Log off Windows session ``session_id`` (a Remote Desktop session: "Disconnect now"
    in the banking warning). Returns at once (``bWait`` FALSE); raises OSError when refused."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    wts = _dll("wtsapi32")
    wts.WTSLogoffSession.argtypes = [ctypes.c_void_p, wintypes.DWORD, wintypes.BOOL]
    wts.WTSLogoffSession.restype = wintypes.BOOL
    if not wts.WTSLogoffSession(None, session_id, False):
        raise _error("WTSLogoffSession")


def wts_sessions() -> list[tuple[int, int, str, int, str]]:
    """Every Windows session as (id, WTS_CONNECTSTATE_CLASS state, user name, client protocol
    type, client IPv4 address or ""), from ``WTSEnumerateSessionsW`` and
    ``WTSQuerySessionInformationW``. Protocol 2 is a Remote Desktop client; state 0 is
    WTSActive, 1 WTSConnected."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    class SessionInfo(ctypes.Structure):
        _fields_ = [
            ("SessionId", wintypes.DWORD),
            ("pWinStationName", wintypes.LPWSTR),
            ("State", ctypes.c_int),
        ]

    wts = _dll("wtsapi32")
    p, d = ctypes.c_void_p, wintypes.DWORD
    wts.WTSEnumerateSessionsW.argtypes = [p, d, d, ctypes.POINTER(p), ctypes.POINTER(d)]
    wts.WTSEnumerateSessionsW.restype = wintypes.BOOL
    wts.WTSQuerySessionInformationW.argtypes = [p, d, ctypes.c_int, ctypes.POINTER(p),
                                                ctypes.POINTER(d)]  # fmt: skip
    wts.WTSQuerySessionInformationW.restype = wintypes.BOOL
    wts.WTSFreeMemory.argtypes = [p]
    wts.WTSFreeMemory.restype = None
    array, count = p(), d(0)
    if not wts.WTSEnumerateSessionsW(None, 0, 1, ctypes.byref(array), ctypes.byref(count)):
        raise _error("WTSEnumerateSessionsW")
    try:
        infos = ctypes.cast(array, ctypes.POINTER(SessionInfo))
        out = []
        for i in range(count.value):
            sid, state = int(infos[i].SessionId), int(infos[i].State)

            def query(info_class: int, sid: int = sid) -> bytes:
                buffer, size = p(), d(0)
                if not wts.WTSQuerySessionInformationW(
                    None, sid, info_class, ctypes.byref(buffer), ctypes.byref(size)
                ):
                    return b""
                try:
                    return ctypes.string_at(buffer, size.value) if buffer.value else b""
                finally:
                    wts.WTSFreeMemory(buffer)

            raw_protocol = query(WTS_CLIENT_PROTOCOL_TYPE)
            protocol = int.from_bytes(raw_protocol[:2], "little") if len(raw_protocol) >= 2 else 0
            user = query(WTS_USER_NAME).decode("utf-16-le", errors="replace").rstrip("\x00")
            address = query(WTS_CLIENT_ADDRESS)  # DWORD AddressFamily; BYTE Address[20]
            ip = ""
            if len(address) >= 10 and int.from_bytes(address[:4], "little") == AF_INET:
                ip = ".".join(str(b) for b in address[6:10])  # IPv4 sits at Address[2..5]
            out.append((sid, state, user, protocol, ip))
        return out
    finally:
        wts.WTSFreeMemory(array)


_EVT_QUERY_CHANNEL_PATH = 0x1
_EVT_QUERY_REVERSE_DIRECTION = 0x200
_EVT_RENDER_EVENT_XML = 1
_ERROR_NO_MORE_ITEMS = 259
_EVENT_XML_CHARS = 64 * 1024  # one event's XML; the Remote Assistance ones are under 2 KiB


def recent_events(channel: str, event_ids: Sequence[int], limit: int = 8) -> list[tuple[int, str]]:
    """The newest ``limit`` events of ``channel`` whose id is one of ``event_ids``, newest
    first, as (event id, the event's XML), from ``EvtQuery``/``EvtNext``/``EvtRender``
    (wevtapi). The XPath is built from integers only; a channel that does not exist (Remote
    Assistance removed from this Windows) raises OSError like any other refusal."""
    from ctypes import wintypes  # noqa: PLC0415 - Windows only

    ids = " or ".join(f"EventID={int(i)}" for i in event_ids)
    evt = _dll("wevtapi")
    h, d = ctypes.c_void_p, wintypes.DWORD
    evt.EvtQuery.argtypes = [h, wintypes.LPCWSTR, wintypes.LPCWSTR, d]
    evt.EvtQuery.restype = h
    evt.EvtNext.argtypes = [h, d, ctypes.POINTER(h), d, d, ctypes.POINTER(d)]
    evt.EvtNext.restype = wintypes.BOOL
    evt.EvtRender.argtypes = [h, h, d, d, ctypes.c_void_p, ctypes.POINTER(d), ctypes.POINTER(d)]
    evt.EvtRender.restype = wintypes.BOOL
    evt.EvtClose.argtypes, evt.EvtClose.restype = [h], wintypes.BOOL
    query = evt.EvtQuery(
        None,
        channel,
        f"*[System[{ids}]]",
        _EVT_QUERY_CHANNEL_PATH | _EVT_QUERY_REVERSE_DIRECTION,
    )
    if not query:
        if _last_error() == 0:  # Wine's EvtQuery is a stub that fails without saying why
            raise OSError(f"EvtQuery({channel}): refused without a reason (no event log here)")
        raise _error(f"EvtQuery({channel})")
    out: list[tuple[int, str]] = []
    try:
        handles, returned = (h * limit)(), d(0)
        if not evt.EvtNext(query, limit, handles, 1000, 0, ctypes.byref(returned)):
            if _last_error() == _ERROR_NO_MORE_ITEMS:
                return out
            raise _error("EvtNext")
        buffer = ctypes.create_unicode_buffer(_EVENT_XML_CHARS)
        broken = False  # one event that cannot be read ends the list there (below)
        for event in handles[: returned.value]:
            used, count = d(0), d(0)
            try:
                if not broken and evt.EvtRender(
                    None,
                    event,
                    _EVT_RENDER_EVENT_XML,
                    ctypes.sizeof(buffer),
                    buffer,
                    ctypes.byref(used),
                    ctypes.byref(count),
                ):
                    xml = buffer.value
                    found = re.search(r"<EventID[^>]{0,80}>(\d{1,6})</EventID>", xml)
                    if found:
                        out.append((int(found.group(1)), xml))
                        continue
                # Skipping an unreadable event could let an older "connected" decide over
                # the newer "disconnected" it hides; every handle is still closed.
                broken = True
            finally:
                evt.EvtClose(event)
        return out
    finally:
        evt.EvtClose(query)
