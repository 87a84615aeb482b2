"""How executable and download names are compared, and which names are never enough alone.

Two lists live here, in code rather than in the signature data, on purpose: a signature file
(or a forged update) must not be able to weaken them.

* PROTECTED names belong to the operating system, the desktop, a program runtime, a web
  browser or the guard itself (``guard/sigdb/protected.py``: literal names and families such
  as ``python3.12``). Freezing one by mistake would hang the computer, so no signature may
  claim one and the identifier never matches one by name alone.
* GENERIC names (``setup.exe``, ``agent.exe``…) are shared by countless programs. A tool may
  list one, but it only counts when a second piece of evidence (install path, PE metadata,
  hash) agrees.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath, PureWindowsPath

from guard.sigdb.protected import GUARD, LITERALS, MAX_NAME_LEN, RUNTIME, category_of

# Every literal protected name (the lists, by category, and the families that go with them,
# such as python3.12 or systemd-logind, are in guard/sigdb/protected.py).
PROTECTED_NAMES: frozenset[str] = frozenset(LITERALS)

# Command shells: protected from signatures, but a shell *started by* a frozen tool is the
# remote person's hands on this computer, so it is frozen with the rest of the tool's tree.
SHELL_NAMES: frozenset[str] = frozenset(
    {"cmd", "powershell", "pwsh", "conhost", "bash", "sh", "dash", "zsh"}
)

# Names shared by many unrelated programs: never enough evidence on their own.
# fmt: off
GENERIC_NAMES: frozenset[str] = frozenset({
    "agent", "client", "client32", "client64", "connect", "connector", "helper", "host",
    "launcher", "remote", "service", "server", "setup", "install", "installer", "update",
    "updater", "uninstall", "uninst", "unins000", "support", "viewer", "app", "main",
    "run", "start", "tray", "monitor", "session", "bootstrapper", "download",
    "downloader", "svc", "winvnc", "vncviewer", "vncserver", "x11vnc", "xvnc", "remotedesktop",
    "desktop", "access", "assist", "control", "daemon", "core", "worker",
    # plain words, or well-known programs of their own, that a tool's helper happens to share
    "rdesktop", "level", "rhost", "raccess", "rviewer", "pservice",
})
# fmt: on

# Extensions that a Windows program is started by; stripped so `AnyDesk` matches `AnyDesk.exe`.
_EXECUTABLE_SUFFIX = ".exe"

# Browser duplicate suffixes: Chrome/Edge "AnyDesk (1).exe", Firefox "AnyDesk(1).exe".
_DUPLICATE_RE = re.compile(r"\s?\(\d{1,3}\)(?=\.[^.]+$|$)")


def strip_duplicate_suffix(file_name: str) -> str:
    """Remove a browser's ``" (1)"`` duplicate marker: ``AnyDesk (1).exe`` → ``AnyDesk.exe``."""
    if "(" not in file_name:
        return file_name
    return _DUPLICATE_RE.sub("", file_name, count=1)


# Letters of other scripts that look like Latin ones in a file manager or task list: a
# caller's "АnyDesk.exe" with a Cyrillic А is still AnyDesk. Unicode's confusables.txt is the
# full list, but its "skeletons" also fold Latin into Latin ("rn" into "m", "l" into "I"),
# which would make ordinary names collide; the letters a caller can type or paste from
# another keyboard are these. NFKD already folds full-width, mathematical and accented
# letters (Ａ, 𝐀, À) to plain ones.
# fmt: off
_LOOKALIKES = str.maketrans({
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    "к": "k", "м": "m", "н": "h", "т": "t", "ь": "b", "г": "r", "п": "n", "д": "d",
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ї": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D",
    "Һ": "H", "Ӏ": "I", "Ԛ": "Q", "Ԝ": "W", "Ь": "b",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "c", "γ": "y",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Armenian, and Latin letters that are not plain ASCII after NFKD
    "օ": "o", "ս": "u", "ց": "g", "ո": "n", "հ": "h", "ı": "i", "ȷ": "j", "ɡ": "g",
    "ɑ": "a", "ʏ": "y", "ᴀ": "A", "ʙ": "B", "ᴄ": "C", "ᴅ": "D", "ᴇ": "E", "ɪ": "I",
    "ᴋ": "K", "ᴍ": "M", "ɴ": "N", "ᴏ": "O", "ᴘ": "P", "ʀ": "R", "ᴛ": "T", "ᴜ": "U",
    "ᴠ": "V", "ᴡ": "W", "ᴢ": "Z", "ł": "l", "đ": "d", "ø": "o", "ß": "ss",
    # Cherokee and Lisu capitals, drawn exactly like Latin ones
    "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭰ": "D", "Ꭼ": "E", "Ꮐ": "G", "Ꮋ": "H", "Ꭻ": "J",
    "Ꮶ": "K", "Ꮮ": "L", "Ꮇ": "M", "Ꮲ": "P", "Ꭱ": "R", "Ꮪ": "S", "Ꭲ": "T", "Ꮩ": "V",
    "Ꮃ": "W", "Ꮓ": "Z", "ꓮ": "A", "ꓐ": "B", "ꓚ": "C", "ꓓ": "D", "ꓰ": "E", "ꓝ": "F",
    "ꓖ": "G", "ꓧ": "H", "ꓲ": "I", "ꓙ": "J", "ꓗ": "K", "ꓡ": "L", "ꓟ": "M", "ꓠ": "N",
    "ꓳ": "O", "ꓑ": "P", "ꓣ": "R", "ꓢ": "S", "ꓔ": "T", "ꓴ": "U", "ꓦ": "V", "ꓪ": "W",
    "ꓫ": "X", "ꓬ": "Y", "ꓜ": "Z",
})
# fmt: on


def fold_lookalikes(text: str) -> str:
    """Plain letters for look-alike ones, and no invisible characters.

    Invisible characters (zero-width space and joiners, soft hyphen, the right-to-left
    override that makes ``AnyDesk\u202egpj.exe`` show as ``AnyDeskexe.jpg``, byte-order
    marks: Unicode's "format" category) are removed; accents and other combining marks are
    dropped; other scripts' look-alike letters become the Latin letter they pass for. A plain
    ASCII name (nearly every name) is returned as it is, at the cost of one check.
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        ch for ch in decomposed if unicodedata.category(ch) not in ("Cf", "Mn", "Me", "Cc")
    )
    return unicodedata.normalize("NFC", kept.translate(_LOOKALIKES))


def normalize_file_name(file_name: str) -> str:
    """Case-fold a download or file name, fold look-alike letters and invisible characters
    (``fold_lookalikes``) and drop browser duplicate markers (keeps the extension)."""
    return strip_duplicate_suffix(fold_lookalikes(file_name).strip()).casefold()


# How a program's file name is wrapped without changing what it is: a program run from
# memory (``memfd:anydesk``), a download's packaging (``anydesk.bin``, ``AnyDesk.AppImage``,
# ``anydesk.run``, ``anydesk.x86_64``) and an architecture tag (``anydesk-x86_64``).
_MEMFD_PREFIX = "memfd:"
_WRAPPER_SUFFIXES = (
    ".bin", ".appimage", ".run", ".x86_64", ".x86-64", ".amd64", ".aarch64", ".arm64", ".elf",
    ".real", ".orig",
)  # fmt: skip
_ARCH_TAGS = (
    "-x86_64", "_x86_64", "-x86-64", "-amd64", "_amd64", "-x64", "_x64", "-arm64", "_arm64",
    "-aarch64", "_aarch64", "-linux", "_linux", "-i386", "_i386", "-x86", "_x86",
)  # fmt: skip


def unwrapped_keys(key: str) -> list[str]:
    """Other keys a name key stands for once its wrapping is removed (``memfd:anydesk.bin``
    gives ``anydesk.bin`` and ``anydesk``), most specific first; [] for most names, cheaply
    (two prefix/suffix checks)."""
    out: list[str] = []
    if key.startswith(_MEMFD_PREFIX):
        key = key[len(_MEMFD_PREFIX) :].removesuffix(" (deleted)")
        out.append(key)
    if key.endswith(_WRAPPER_SUFFIXES):
        key = key[: key.rfind(".")]
        out.append(key)
    if key.endswith(_ARCH_TAGS):
        for tag in _ARCH_TAGS:
            if key.endswith(tag):
                key = key[: -len(tag)]
                out.append(key)
                break
    return [k for k in out if len(k) >= 3]


def name_key(name: str) -> str:
    """The key two process names are compared by: case-folded, no ``.exe``, no ``(1)``.

    ``AnyDesk.exe``, ``anydesk`` and ``AnyDesk (1).exe`` all give ``anydesk``; ``AnyDesk.msi``
    keeps its extension because an installer is not the program itself.
    """
    return key_of_normalized(normalize_file_name(name))


def key_of_normalized(file_name: str) -> str:
    """``name_key`` for a name already through ``normalize_file_name`` (saves a second pass)."""
    if file_name.endswith(_EXECUTABLE_SUFFIX):
        return file_name[: -len(_EXECUTABLE_SUFFIX)]
    return file_name


def protected_category(name: str) -> str | None:
    """What kind of protected program ``name`` is (``"system program"``, ``"interpreter or
    runtime"``, ``"desktop or session service"``, ``"web browser"``, ``"part of ScamGuard"``),
    or None when a signature may name it."""
    if len(name) > MAX_NAME_LEN + 8:  # longer than any name: not worth normalising
        return None
    return category_of(name_key(name))


def is_protected(name: str) -> bool:
    """True when ``name`` is an operating-system, desktop, runtime, browser or guard program
    that no signature may claim and that is never matched by name alone."""
    return protected_category(name) is not None


def protected_reason(name: str) -> str | None:
    """``"python3.11 is a protected interpreter or runtime"``, or None: the one-line reason a
    validator or the engine gives."""
    category = protected_category(name)
    if category is None:
        return None
    if category == GUARD:
        return f"{name} is {category}"
    return f"{name} is a protected {category}"


# Linux keeps 15 characters of a program's name (macOS 16); psutil usually restores the rest
# from the command line, but not when a program rewrote its command line.
_CUT_NAME_LEN = 15


def _basename(path: str) -> str:
    return PureWindowsPath(path).name if "\\" in path else PurePath(path).name


def is_protected_program(name: str, exe: str | None, os_name: str) -> str | None:
    """Why the process called ``name`` (program file ``exe``) is a protected program, or None.

    The process's own name decides, never the interpreter under it: a script named
    ``anydesk`` running on ``/usr/bin/python3.11`` is AnyDesk, not Python. ``exe`` is only
    read to restore a name the kernel cut to 15 characters (``gnome-terminal-`` for
    ``gnome-terminal-server``). The same names are protected on every OS (a signature is
    checked without knowing where it will run); ``os_name`` says whether names can be cut.

    Whether the program file is really the system's (``explorer.exe`` in ``C:\\Windows``,
    not in Downloads) is the caller's check: this says only what the name is.
    """
    reason = protected_reason(name)
    if reason is not None or not exe or os_name == "windows":
        return reason
    if len(name) >= _CUT_NAME_LEN:
        full = _basename(exe)
        if len(full) > len(name) and full.startswith(name):
            return protected_reason(full)
    return None


def is_command_runner(name: str) -> bool:
    """A shell, script host or interpreter (``cmd``, ``wscript``, ``mshta``, ``python3.12``,
    ``node``…). Protected from signatures, but one *started by* a frozen tool runs what the
    remote person typed, so the engine may freeze it with the rest of the tool's tree, as it
    does SHELL_NAMES."""
    return protected_category(name) == RUNTIME
