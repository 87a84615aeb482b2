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
from pathlib import Path
from types import ModuleType

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
