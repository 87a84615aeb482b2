"""The schema of one tool signature file, checked field by field.

Every check appends a Problem naming the field rather than raising, so ``signatures validate``
can show a support engineer everything wrong with a file in one run. ``docs/signatures.md``
describes the same rules for people; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from guard.sigdb.globs import Glob, PatternError, compile_glob, compile_value_glob, protected_match
from guard.sigdb.model import (
    KINDS,
    OS_SIGNALS,
    OSES,
    PE_FIELDS,
    RISKS,
    PeIdentity,
    SessionLogs,
    SessionRules,
    ToolSignature,
)
from guard.sigdb.names import GENERIC_NAMES, name_key, protected_category
from guard.sigdb.problems import FieldChecker, Problem, type_name
from guard.sigdb.signers import shared_signer_reason

MAX_LIST = 64
MAX_SOURCES = 20
MAX_STR = 200
MAX_PATH = 260

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,47}$")
BUNDLE_RE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9_-]+)+$")
DESKTOP_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.desktop$")
PACKAGE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+._-]*$")
DOMAIN_RE = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
BUILD_ID_RE = re.compile(r"^[0-9a-f]{16,128}$")
NAME_BAD_CHARS = set('/\\:*?"<>|\x00')
PATH_VAR_RE = re.compile(r"%([A-Za-z0-9()_]+)%")

# Windows environment variables a path may start with (expanded per machine at run time).
# fmt: off
PATH_VARIABLES: frozenset[str] = frozenset({
    "programfiles", "programfiles(x86)", "programw6432", "programdata", "localappdata",
    "appdata", "userprofile", "systemroot", "windir", "systemdrive", "temp", "public",
})
# fmt: on

# Folders that hold many programs: a tool's install path must be something below them.
# fmt: off
BROAD_PATHS: frozenset[str] = frozenset({
    "/", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/libexec",
    "/usr/local", "/usr/local/bin", "/usr/local/lib", "/usr/share", "/usr/share/applications",
    "/opt", "/etc", "/bin", "/sbin", "/lib", "/var", "/tmp", "/home", "/applications",  # noqa: S108
    "/library", "/system", "/system/applications", "/system/library", "~", "~/applications",
    "~/library", "~/.local", "~/.local/bin", "~/.local/share", "~/.config", "~/downloads",
    "~/desktop", "c:", "c:/windows", "c:/windows/system32", "c:/windows/syswow64",
    "c:/program files", "c:/program files (x86)", "c:/programdata", "c:/users",
    "%programfiles%", "%programfiles(x86)%", "%programw6432%", "%programdata%",
    "%localappdata%", "%appdata%", "%userprofile%", "%systemroot%", "%windir%",
    "%systemroot%/system32", "%windir%/system32", "%systemroot%/syswow64", "%systemdrive%",
    "%temp%", "%public%", "%localappdata%/programs", "%localappdata%/temp",
    "%userprofile%/downloads", "%userprofile%/desktop", "%userprofile%/appdata",
})
# fmt: on

# macOS apps that must never be matched, whatever a signature says. Apple's own ids
# (com.apple.*) are protected as a family too, except the remote-access ones (Screen Sharing,
# Remote Desktop), and so is any id whose last part is a protected name (org.mozilla.firefox).
# fmt: off
PROTECTED_BUNDLE_IDS: frozenset[str] = frozenset({
    "com.apple.finder", "com.apple.dock", "com.apple.loginwindow",
    "com.apple.systemuiserver", "com.apple.controlcenter", "com.apple.notificationcenterui",
    "com.apple.windowserver", "com.apple.systempreferences", "com.apple.systemsettings",
    "com.apple.terminal", "com.apple.safari", "com.apple.securityagent",
    # browsers and terminals whose ids do not end in their name
    "com.microsoft.edgemac", "com.brave.browser", "com.operasoftware.opera",
    "company.thebrowser.browser", "com.googlecode.iterm2",
})
# fmt: on


def protected_identifier(text: str) -> str | None:
    """The protected program a bundle id, desktop-file id or package names (``org.mozilla.
    firefox``, ``org.gnome.Terminal.desktop``, ``python3.11``), or None: evidence that
    strong must never point at one."""
    folded = text.casefold().removesuffix(".desktop")
    for candidate in (folded, folded.rsplit(".", 1)[-1]):
        category = protected_category(candidate)
        if category is not None:
            return f"{candidate!r}, a protected {category}"
    return None


# fmt: off
TOP_FIELDS = {
    "id", "name", "vendor", "kind", "risk", "platforms", "description", "abuse_url",
    "sources", "reviewed", "names", "installers", "pe", "macos", "linux", "paths", "network",
    "hashes", "signing", "session",
}
# fmt: on
REQUIRED = ("id", "name", "vendor", "kind", "risk", "platforms", "sources", "reviewed")
SUB_FIELDS: dict[str, set[str]] = {
    "names": set(OSES),
    "installers": {"patterns"},
    "macos": {"bundle_ids"},
    "linux": {"desktop_ids", "packages", "build_ids"},
    "paths": set(OSES),
    "network": {"domains", "ports"},
    "hashes": {"sha256"},
    "signing": {"signers"},
    "session": {"remote_ports", "listen_ports", "any_remote", "traffic", "os", "logs"},
}


def normalize_path_text(path: str) -> str:
    """Lower-case, forward slashes, no trailing slash: how install paths are compared."""
    return path.replace("\\", "/").casefold().rstrip("/") or "/"


class _Checker(FieldChecker):
    """Collects problems for one tool file while pulling typed values out of its TOML."""

    def __init__(self, file: str, doc: dict[str, Any]):
        super().__init__(file)
        self.doc = doc

    # --- primitive readers: return a clean value, or None after recording a problem ---

    def string(
        self, field: str, value: Any, max_len: int = MAX_STR, empty_ok: bool = False
    ) -> str | None:
        return super().string(field, value, max_len, empty_ok)

    def string_list(
        self,
        field: str,
        value: Any,
        item: Callable[[str, str], Any] | None = None,
        max_items: int = MAX_LIST,
        max_len: int = MAX_STR,
    ) -> list[Any]:
        if not isinstance(value, list):
            self.problem(field, f"must be a list, not {type_name(value)}")
            return []
        if len(value) > max_items:
            self.problem(field, f"has more than {max_items} entries")
            return []
        out: list[Any] = []
        seen: set[str] = set()
        for i, raw in enumerate(value):
            sub = f"{field}[{i}]"
            text = self.string(sub, raw, max_len)
            if text is None:
                continue
            if text.casefold() in seen:
                self.problem(sub, f"repeats {text!r}")
                continue
            seen.add(text.casefold())
            checked = item(sub, text) if item else text
            if checked is not None:
                out.append(checked)
        return out

    def table(self, field: str) -> dict[str, Any]:
        value = self.doc.get(field, {})
        if not isinstance(value, dict):
            self.problem(field, f"must be a table, not {type_name(value)}")
            return {}
        for key in value:
            if key not in SUB_FIELDS[field]:
                allowed = ", ".join(sorted(SUB_FIELDS[field]))
                self.problem(f"{field}.{key}", f"unknown field (allowed: {allowed})")
        return value

    # --- item checkers used with string_list ---

    def exe_name(self, field: str, text: str) -> str | Glob | None:
        if any(c in NAME_BAD_CHARS for c in text.replace("*", "").replace("?", "")):
            self.problem(field, f"{text!r} must be a bare file name, not a path")
            return None
        if "*" in text or "?" in text:
            return self.glob(field, text)
        key = name_key(text)
        if len(key) < 3:
            self.problem(field, f"{text!r} is too short to identify a program")
            return None
        category = protected_category(text)
        if category is not None:
            self.problem(field, f"{text!r} is a protected {category} and can never be matched")
            return None
        return text

    def glob(self, field: str, text: str) -> Glob | None:
        try:
            return compile_glob(text)
        except PatternError as exc:
            self.problem(field, f"pattern {text!r} {exc}")
            return None

    def bundle_id(self, field: str, text: str) -> str | None:
        if not BUNDLE_RE.match(text):
            self.problem(field, f"{text!r} is not a reverse-DNS bundle id like com.vendor.app")
            return None
        if text.casefold() in PROTECTED_BUNDLE_IDS:
            self.problem(field, f"{text!r} is a protected macOS system app")
            return None
        return self.not_protected(field, text)

    def signer(self, field: str, text: str) -> str | None:
        """A code-signing publisher, as its certificate spells it (common name or
        organisation): printable, and not one that signs ordinary programs too."""
        if not text.isprintable() or len(text.strip()) < 3:
            self.problem(field, f"{text!r} is not a publisher name from a certificate")
            return None
        reason = shared_signer_reason(text)
        if reason is not None:
            self.problem(field, f"{reason}, so it can never identify one tool")
            return None
        return text.strip()

    def not_protected(self, field: str, text: str) -> str | None:
        named = protected_identifier(text)
        if named is not None:
            self.problem(field, f"{text!r} names {named}, which can never be matched")
            return None
        return text

    def regex_item(
        self, pattern: re.Pattern[str], what: str, program: bool = False
    ) -> Callable[[str, str], Any]:
        """Check an item's shape; ``program``: it also names a program (a desktop file, a
        package), which must not be a protected one."""

        def check(field: str, text: str) -> str | None:
            if not pattern.match(text):
                self.problem(field, f"{text!r} is not {what}")
                return None
            return self.not_protected(field, text) if program else text

        return check

    def install_path(self, field: str, text: str) -> str | None:
        if "*" in text or "?" in text:
            self.problem(field, f"{text!r}: install paths may not contain wildcards")
            return None
        for var in PATH_VAR_RE.findall(text):
            if var.casefold() not in PATH_VARIABLES:
                self.problem(field, f"{text!r} uses unknown variable %{var}%")
                return None
        norm = normalize_path_text(text)
        absolute = norm.startswith(("/", "~/", "%")) or re.match(r"^[a-z]:/", norm) is not None
        if not absolute:
            self.problem(field, f"{text!r} must be absolute (start with /, ~/, a drive or %VAR%)")
            return None
        if norm in BROAD_PATHS:
            self.problem(field, f"{text!r} is a shared folder, not this tool's own install path")
            return None
        # A file inside an install path counts as evidence: the path must not be a protected
        # program itself (".../System32/explorer.exe", "/usr/lib/firefox", "Safari.app").
        last = norm.rsplit("/", 1)[-1].removesuffix(".app")
        category = protected_category(last)
        if category is not None:
            self.problem(
                field, f"{text!r} is the place of {last!r}, a protected {category}, not a tool's"
            )
            return None
        return text


NAME_PUNCTUATION = frozenset(" .&()'+/,:!-")
MAX_NAME_DIGITS = 4


def _display_name(c: _Checker, field: str, text: str | None) -> str | None:
    """Tool names and vendors are shown in the warning, beside the real phone numbers, and
    are signed only by the content key. So they may hold letters (any script), a few
    punctuation marks and at most four digits: never a phone number, a web address or
    invisible formatting (the profile key alone decides what numbers the warning shows)."""
    if text is None:
        return None
    for ch in text:
        if unicodedata.category(ch)[0] in "LM" or ch in NAME_PUNCTUATION:
            continue
        if not ("0" <= ch <= "9"):
            c.problem(field, f"{text!r}: {ch!r} is not allowed in a name shown in the warning")
            return None
    if sum(ch.isdigit() for ch in text) > MAX_NAME_DIGITS:
        c.problem(
            field,
            f"{text!r} has more than {MAX_NAME_DIGITS} digits: a name shown in the warning "
            "must never be able to carry a phone number",
        )
        return None
    return text


def check_tool(
    file: str, stem: str, doc: dict[str, Any], today: dt.date | None
) -> tuple[ToolSignature | None, list[Problem]]:
    """Validate one parsed tool file; return the signature (if clean) and every problem."""
    c = _Checker(file, doc)
    for key in doc:
        if key not in TOP_FIELDS:
            c.problem(key, "unknown field")
    for key in REQUIRED:
        if key not in doc:
            c.problem(key, "is required")
    if c.problems and any(p.message == "is required" for p in c.problems):
        # Without the basics the rest would only add noise.
        return None, c.problems

    tool_id = c.string("id", doc["id"], 48)
    if tool_id is not None:
        if not ID_RE.match(tool_id):
            c.problem("id", f"{tool_id!r} must be 2-48 lower-case letters, digits or '-'")
        elif tool_id != stem:
            c.problem("id", f"{tool_id!r} must equal the file name ({stem}.toml)")
    name = _display_name(c, "name", c.string("name", doc["name"], 80))
    vendor = _display_name(c, "vendor", c.string("vendor", doc["vendor"], 120))
    kind = c.string("kind", doc["kind"])
    if kind is not None and kind not in KINDS:
        c.problem("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    risk = c.string("risk", doc["risk"])
    if risk is not None and risk not in RISKS:
        c.problem("risk", f"{risk!r} is not one of {', '.join(RISKS)}")
    platforms = c.string_list("platforms", doc["platforms"], max_items=len(OSES))
    for i, p in enumerate(platforms):
        if p not in OSES:
            c.problem(f"platforms[{i}]", f"{p!r} is not one of {', '.join(OSES)}")
    if not platforms:
        c.problem("platforms", "must name at least one of " + ", ".join(OSES))
    sources = c.string_list("sources", doc["sources"], max_items=MAX_SOURCES, max_len=300)
    if not sources and isinstance(doc["sources"], list):
        c.problem("sources", "must cite at least one source for these facts")
    reviewed = doc["reviewed"]
    if not isinstance(reviewed, dt.date) or isinstance(reviewed, dt.datetime):
        c.problem("reviewed", "must be a date like 2026-11-21 (no quotes)")
        reviewed = None
    elif today is not None and reviewed > today + dt.timedelta(days=1):
        c.problem("reviewed", f"{reviewed} is in the future")
    description = ""
    if "description" in doc:
        description = c.string("description", doc["description"], 300) or ""
    abuse_url = ""
    if "abuse_url" in doc:
        abuse_url = c.string("abuse_url", doc["abuse_url"], 300) or ""
        if abuse_url and not abuse_url.startswith("https://"):
            c.problem("abuse_url", "must be an https:// address")

    names: dict[str, tuple[str, ...]] = {}
    name_globs: list[Glob] = []
    for os_name, value in c.table("names").items():
        if os_name not in OSES:
            continue
        for item in c.string_list(f"names.{os_name}", value, c.exe_name):
            if isinstance(item, Glob):
                name_globs.append(item)
            else:
                names.setdefault(os_name, ())
                names[os_name] += (item,)

    installers = list(name_globs)
    inst = c.table("installers")
    if "patterns" in inst:
        installers += c.string_list("installers.patterns", inst["patterns"], c.glob)

    pe = _check_pe(c, doc.get("pe", []))
    mac = c.table("macos")
    bundle_ids = c.string_list("macos.bundle_ids", mac.get("bundle_ids", []), c.bundle_id)
    lin = c.table("linux")
    desktop_ids = c.string_list(
        "linux.desktop_ids",
        lin.get("desktop_ids", []),
        c.regex_item(DESKTOP_RE, "a desktop-file id like vendor-app.desktop", program=True),
    )
    packages = c.string_list(
        "linux.packages",
        lin.get("packages", []),
        c.regex_item(PACKAGE_RE, "a package name", program=True),
    )
    build_ids = c.string_list(
        "linux.build_ids",
        [b.lower() if isinstance(b, str) else b for b in lin.get("build_ids", [])],
        c.regex_item(BUILD_ID_RE, "a GNU build ID: 16-128 hexadecimal characters"),
        max_items=1000,
    )
    paths: dict[str, tuple[str, ...]] = {}
    for os_name, value in c.table("paths").items():
        if os_name in OSES:
            got = c.string_list(f"paths.{os_name}", value, c.install_path, max_len=MAX_PATH)
            if got:
                paths[os_name] = tuple(got)
    net = c.table("network")
    domains = c.string_list(
        "network.domains",
        net.get("domains", []),
        c.regex_item(DOMAIN_RE, "a lower-case host name, optionally starting with *."),
        max_len=253,
    )
    ports = _check_ports(c, net.get("ports", []))
    hashes = c.table("hashes")
    sha256 = c.string_list(
        "hashes.sha256",
        [h.lower() if isinstance(h, str) else h for h in hashes.get("sha256", [])],
        c.regex_item(SHA256_RE, "64 hexadecimal characters"),
        max_items=1000,
    )
    signers = c.string_list("signing.signers", c.table("signing").get("signers", []), c.signer)
    session = _check_session(c) if "session" in doc else None
    identifying = ("names", "installers", "pe", "macos", "linux", "hashes", "signing")
    if not any(doc.get(k) for k in identifying):  # (invalid entries are reported already)
        c.problem("names", "the tool has nothing to identify it by (names, installers, pe…)")

    if c.problems:
        return None, c.problems
    assert tool_id and name and vendor and kind and risk and reviewed
    return ToolSignature(
        id=tool_id,
        name=name,
        vendor=vendor,
        kind=kind,
        risk=risk,
        platforms=tuple(platforms),
        sources=tuple(sources),
        reviewed=reviewed,
        description=description,
        abuse_url=abuse_url,
        names=names,
        installers=tuple(installers),
        pe=tuple(pe),
        bundle_ids=tuple(bundle_ids),
        desktop_ids=tuple(desktop_ids),
        packages=tuple(packages),
        build_ids=tuple(build_ids),
        paths=paths,
        domains=tuple(domains),
        ports=tuple(ports),
        sha256=tuple(sha256),
        signers=tuple(signers),
        session=session,
        file=file,
    ), []


def _check_pe(c: _Checker, value: Any) -> list[PeIdentity]:
    if not isinstance(value, list):
        c.problem("pe", "must be a list of tables ([[pe]] sections)")
        return []
    if len(value) > MAX_LIST:
        c.problem("pe", f"has more than {MAX_LIST} entries")
        return []
    out = []
    for i, entry in enumerate(value):
        field = f"pe[{i}]"
        if not isinstance(entry, dict):
            c.problem(field, "must be a table")
            continue
        values: list[tuple[str, Glob]] = []
        distinctive = False
        for key, raw in entry.items():
            if key not in PE_FIELDS:
                c.problem(f"{field}.{key}", f"unknown field (allowed: {', '.join(PE_FIELDS)})")
                continue
            text = c.string(f"{field}.{key}", raw)
            if text is None:
                continue
            glob = _pe_value(c, f"{field}.{key}", text)
            if glob is None:
                continue
            if key != "company":
                hit = protected_match(glob)
                if hit is not None:
                    name, category = hit
                    c.problem(
                        f"{field}.{key}",
                        f"{text!r} would match the protected {category} {name!r}: version "
                        "information may not name one",
                    )
                    continue
                if name_key(text) not in GENERIC_NAMES:
                    distinctive = True
            values.append((PE_FIELDS[key], glob))
        if not entry:
            c.problem(field, "is empty")
        elif values and not distinctive:
            c.problem(
                field,
                "company or generic values alone would match unrelated programs; add the "
                "product, original_filename or description",
            )
        elif values and len(values) == len(entry):
            out.append(PeIdentity(tuple(values)))
    return out


def _pe_value(c: _Checker, field: str, text: str) -> Glob | None:
    """PE values match exactly (case-insensitive) or with a prefix-anchored glob, built by
    globs.py like every other pattern (so the same wildcard cap holds)."""
    try:
        return compile_value_glob(text, MAX_STR)
    except PatternError as exc:
        c.problem(field, f"{text!r} {exc}")
        return None


def _check_ports(c: _Checker, value: Any, field: str = "network.ports") -> list[int]:
    if not isinstance(value, list):
        c.problem(field, f"must be a list, not {type_name(value)}")
        return []
    out = []
    for i, port in enumerate(value[:MAX_LIST]):
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            c.problem(f"{field}[{i}]", f"{port!r} is not a port number (1-65535)")
        elif port in out:
            c.problem(f"{field}[{i}]", f"repeats {port}")
        else:
            out.append(port)
    return out


# A traffic threshold below this would be crossed by a tool's idle keep-alives; above the cap
# it is a typo (nothing streams a desktop at a gigabyte a second).
MIN_TRAFFIC = 1024
MAX_TRAFFIC = 1_000_000_000
MAX_LOG_MARKERS = 16
MIN_MARKER = 3
MAX_MARKER = 100
LOG_FIELDS = {*OSES, "markers", "ignore"}


def _check_session(c: _Checker) -> SessionRules | None:
    """The [session] table: how a live session through this tool is told (docs/signatures.md
    "Live sessions"). Every value is data the monitor compares, never code or a regex."""
    table = c.table("session")
    if not table:
        if isinstance(c.doc.get("session"), dict):
            c.problem("session", "is empty: give at least one signal or leave the table out")
        return None
    remote = _check_ports(c, table.get("remote_ports", []), "session.remote_ports")
    listen = _check_ports(c, table.get("listen_ports", []), "session.listen_ports")
    any_remote = table.get("any_remote", False)
    if not isinstance(any_remote, bool):
        c.problem("session.any_remote", f"must be true or false, not {type_name(any_remote)}")
        any_remote = False
    traffic = table.get("traffic", 0)
    if isinstance(traffic, bool) or not isinstance(traffic, int):
        c.problem("session.traffic", f"must be a whole number of bytes per second, not "
                  f"{type_name(traffic)}")  # fmt: skip
        traffic = 0
    elif "traffic" in table and not MIN_TRAFFIC <= traffic <= MAX_TRAFFIC:
        c.problem("session.traffic", f"{traffic} is not {MIN_TRAFFIC}-{MAX_TRAFFIC} bytes/s")
        traffic = 0
    if any_remote and "traffic" not in table:
        c.problem(
            "session.any_remote",
            "needs a traffic threshold: a tool keeps an idle connection to its servers, which "
            "alone would look like a session all day",
        )
    if traffic and not (remote or any_remote):
        c.problem("session.traffic", "applies to outbound connections: give remote_ports or "
                  "any_remote")  # fmt: skip
    os_signal = ""
    if "os" in table:
        os_signal = c.string("session.os", table["os"], 40) or ""
        if os_signal and os_signal not in OS_SIGNALS:
            c.problem("session.os", f"{os_signal!r} is not one of {', '.join(OS_SIGNALS)}")
    logs = _check_session_logs(c, table["logs"]) if "logs" in table else None
    if not (remote or listen or any_remote or os_signal or logs):
        c.problem("session", "gives no signal (remote_ports, listen_ports, any_remote, os, logs)")
    return SessionRules(
        remote_ports=tuple(remote),
        listen_ports=tuple(listen),
        any_remote=any_remote,
        traffic=traffic,
        os=os_signal,
        logs=logs,
    )


def _check_session_logs(c: _Checker, value: Any) -> SessionLogs | None:
    if not isinstance(value, dict):
        c.problem("session.logs", f"must be a table, not {type_name(value)}")
        return None
    for key in value:
        if key not in LOG_FIELDS:
            allowed = ", ".join(sorted(LOG_FIELDS))
            c.problem(f"session.logs.{key}", f"unknown field (allowed: {allowed})")
    paths: dict[str, tuple[str, ...]] = {}
    for os_name in OSES:
        if os_name in value:
            got = c.string_list(
                f"session.logs.{os_name}", value[os_name], c.install_path, 8, MAX_PATH
            )
            if got:
                paths[os_name] = tuple(got)

    def marker(field: str, text: str) -> str | None:
        if len(text) < MIN_MARKER or len(text) > MAX_MARKER:
            c.problem(field, f"{text!r} must be {MIN_MARKER}-{MAX_MARKER} characters")
            return None
        return text

    markers = c.string_list(
        "session.logs.markers", value.get("markers", []), marker, MAX_LOG_MARKERS, MAX_MARKER
    )
    ignore = c.string_list(
        "session.logs.ignore", value.get("ignore", []), marker, MAX_LOG_MARKERS, MAX_MARKER
    )
    if not paths:
        c.problem("session.logs", "names no log file (windows, macos or linux)")
    if not markers:
        c.problem("session.logs.markers", "is required: the text that marks an incoming session")
    if not paths or not markers:
        return None
    return SessionLogs(
        paths=paths,
        markers=tuple(m.casefold() for m in markers),
        ignore=tuple(i.casefold() for i in ignore),
    )
