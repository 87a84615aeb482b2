"""The signature set compiled once into lookup tables, so identifying a name is a dict hit plus
a short pass over the few patterns that share its first three letters.

The watcher calls ``lookup_name`` for every new process, so it is kept allocation-light: no
evidence objects are built unless something matches.
"""

from __future__ import annotations

from collections import defaultdict

from guard.identify.evidence import Evidence
from guard.identify.server_names import is_generic
from guard.platform import current_os
from guard.sigdb.globs import PREFIX_LEN, Glob
from guard.sigdb.model import PeIdentity, SignatureSet, ToolSignature
from guard.sigdb.names import (
    fold_lookalikes,
    key_of_normalized,
    name_key,
    normalize_file_name,
    unwrapped_keys,
)
from guard.sigdb.protected import FAMILY_STARTS, LITERALS, category_of

# How a tool's program is written on each OS: ((os, name), ...), in the signature's order.
Written = tuple[tuple[str, str], ...]
OS_LABELS = {"windows": "Windows", "macos": "macOS", "linux": "Linux"}


def spelled_for(spellings: Written, seen: str, os_name: str | None) -> tuple[str, str]:
    """(OS, name as the signature writes it) for the evidence sentence, so it is true for
    the OS it speaks of: a running process is worded for the OS it runs on (``os_name``),
    never "runs as 'AnyDesk.exe'" for Linux's ``anydesk``. A file or a bare name (no OS)
    takes the spelling it was seen in (``AnyDesk.exe`` or ``AnyDesk (1).exe`` in a Linux
    Downloads folder is the Windows program), else this computer's OS's, else the first
    listed."""
    by_os = dict(spellings)
    if os_name is not None and os_name in by_os:
        return os_name, by_os[os_name]
    for os_listed, written in spellings:
        if written == seen:
            return os_listed, written
    here = current_os()
    folded = normalize_file_name(seen)  # "AnyDesk (1).exe" is "anydesk.exe": Windows'
    alike = [(o, w) for o, w in spellings if normalize_file_name(w) == folded]
    if alike:
        return next(((o, w) for o, w in alike if o == here), alike[0])
    if here in by_os:
        return here, by_os[here]
    return spellings[0]


class SignatureIndex:
    """Lookup tables built from a validated SignatureSet. Immutable once built: a new database
    means a new index, swapped in whole."""

    def __init__(self, signatures: SignatureSet):
        self.signatures = signatures
        self.tools: dict[str, ToolSignature] = signatures.by_id()
        # name key -> [(tool, the name as written for each OS that lists it, those OSes)]
        names: dict[str, list[tuple[ToolSignature, Written, frozenset[str]]]] = defaultdict(list)
        buckets: dict[str, list[tuple[Glob, ToolSignature]]] = defaultdict(list)
        self.pe: list[tuple[PeIdentity, ToolSignature]] = []
        self.bundle_ids: dict[str, ToolSignature] = {}
        self.desktop_ids: dict[str, ToolSignature] = {}
        self.packages: dict[str, ToolSignature] = {}
        self.sha256: dict[str, ToolSignature] = {}
        self.build_ids: dict[str, ToolSignature] = {}
        # Publisher (case-folded) -> the tools it signs; several only within one vendor.
        signers: dict[str, list[ToolSignature]] = defaultdict(list)
        for tool in signatures.tools:
            for os_name, os_names in tool.names.items():
                for name in os_names:
                    entries = names[name_key(name)]
                    for i, (t, written, oses) in enumerate(entries):
                        if t is tool:  # AnyDesk.exe and anydesk: one entry, both OSes
                            spelled = (
                                written
                                if os_name in dict(written)
                                else (
                                    *written,
                                    (os_name, name),
                                )
                            )
                            entries[i] = (t, spelled, oses | {os_name})
                            break
                    else:
                        entries.append((tool, ((os_name, name),), frozenset({os_name})))
            for glob in tool.installers:
                buckets[glob.prefix[:PREFIX_LEN]].append((glob, tool))
            self.pe += [(identity, tool) for identity in tool.pe]
            self.bundle_ids.update({b.casefold(): tool for b in tool.bundle_ids})
            self.desktop_ids.update({d.casefold(): tool for d in tool.desktop_ids})
            self.packages.update({p.casefold(): tool for p in tool.packages})
            self.sha256.update({h: tool for h in tool.sha256})
            self.build_ids.update({b: tool for b in tool.build_ids})
            for signer in tool.signers:
                signers[signer.casefold()].append(tool)
        self.names = {k: tuple(v) for k, v in names.items()}
        self.signers = {k: tuple(v) for k, v in signers.items()}
        # Most specific pattern first, so a tie between two tools goes to the narrower one.
        self.buckets = {
            k: tuple(sorted(v, key=lambda gt: -gt[0].literal_chars)) for k, v in buckets.items()
        }

    def __len__(self) -> int:
        return len(self.tools)

    def lookup_name(self, name: str, os_name: str | None = None) -> list[Evidence]:
        """Evidence from a bare process or file name alone (no file is read).

        With ``os_name`` (a running process), a program name only counts if the tool lists it
        for that OS: Windows ITarian's ``RDesktop.exe`` must not claim Linux's ``rdesktop``
        RDP client. Files and bare names (``os_name`` None) match names from every OS, since
        a Windows installer can sit in any Downloads folder.

        Names are compared after folding look-alike letters and invisible characters
        (``АnyDesk`` with a Cyrillic А is AnyDesk); a name that matches nothing is tried
        again without its wrapping (``memfd:``, ``.bin``, ``.AppImage``, ``-x86_64``).
        """
        file_key = normalize_file_name(name)
        key = key_of_normalized(file_key)
        protected = self._protected(name, key)
        if protected is not None:
            return protected
        found = self._named(name, key, os_name, None)
        bucket = self.buckets.get(file_key[:PREFIX_LEN])
        if bucket:
            claimed = {e.tool_id for e in found if e.kind == "name"}
            for glob, tool in bucket:
                if tool.id not in claimed and glob.matches(file_key):
                    claimed.add(tool.id)
                    found.append(
                        Evidence(
                            "installer-name",
                            name,
                            f"matches {tool.name}'s file pattern {glob.text!r}",
                            tool.id,
                        )
                    )
        if found:
            return found
        for unwrapped in unwrapped_keys(key):
            protected = self._protected(name, unwrapped)
            if protected is not None:
                return protected
            found = self._named(name, unwrapped, os_name, unwrapped)
            if found:
                return found
        return []

    def _protected(self, name: str, key: str) -> list[Evidence] | None:
        """The note for a protected name (explorer, python3.12, firefox, systemd-logind…),
        or None. ``category_of`` is inlined for the few names that could be in a family:
        this runs for every new process."""
        category = LITERALS.get(key)
        if category is None and key[:3] in FAMILY_STARTS:
            category = category_of(key)
        if category is None:
            return None
        return [
            Evidence(
                "protected-name",
                name,
                f"{name!r} is a protected {category} and is never matched by name",
            )
        ]

    def _named(
        self, name: str, key: str, os_name: str | None, unwrapped: str | None
    ) -> list[Evidence]:
        """Evidence from the tools that list the program name ``key``."""
        hits = self.names.get(key)
        if not hits:
            return []
        found: list[Evidence] = []
        generic = is_generic(key, os_name)
        how = f" (here as {name!r})" if unwrapped is not None else ""
        if not name.isascii() and fold_lookalikes(name) != name:
            how += ", written with look-alike or hidden characters"
        for tool, spellings, oses in hits:
            if os_name is not None and os_name not in oses:
                continue
            seen_on, written = spelled_for(spellings, name, os_name)
            if generic:
                found.append(
                    Evidence(
                        "generic-name",
                        name,
                        f"{name!r} is a common name ({tool.name} uses it too); it needs "
                        "a second piece of evidence",
                        tool.id,
                    )
                )
            else:
                where = OS_LABELS.get(seen_on, seen_on)
                found.append(
                    Evidence(
                        "name", name, f"{tool.name} runs as {written!r} on {where}{how}", tool.id
                    )
                )
        return found

    def lookup_pe(self, info: dict[str, str]) -> list[Evidence]:
        """Evidence from a PE version resource: every identity whose fields all match."""
        if not info:
            return []
        folded = {k: v.casefold() for k, v in info.items()}
        found: list[Evidence] = []
        seen: set[str] = set()
        for identity, tool in self.pe:
            if tool.id in seen:
                continue
            if all(key in folded and glob.matches(folded[key]) for key, glob in identity.values):
                seen.add(tool.id)
                shown = ", ".join(f"{k} {info[k]!r}" for k, _ in identity.values)
                found.append(
                    Evidence(
                        "pe-version",
                        shown,
                        f"version information says {tool.name} ({shown})",
                        tool.id,
                    )
                )
        return found

    def lookup_signers(self, names: tuple[str, ...] | list[str]) -> list[Evidence]:
        """Evidence from the publisher names of a code-signing certificate: each tool the
        publisher signs (one tool, or several of one vendor's, where other evidence picks)."""
        found: list[Evidence] = []
        seen: set[str] = set()
        for name in names:
            for tool in self.signers.get(name.casefold(), ()):
                if tool.id not in seen:
                    seen.add(tool.id)
                    found.append(
                        Evidence(
                            "signer",
                            name,
                            f"signed by {name!r}, the publisher of {tool.name}",
                            tool.id,
                        )
                    )
        return found

    def lookup_exact(self, kind: str, value: str) -> list[Evidence]:
        """Evidence from a bundle id, desktop id, package name or sha256."""
        table = {
            "bundle-id": self.bundle_ids,
            "desktop-id": self.desktop_ids,
            "package": self.packages,
            "sha256": self.sha256,
            "build-id": self.build_ids,
        }[kind]
        tool = table.get(value.lower() if kind in ("sha256", "build-id") else value.casefold())
        if tool is None:
            return []
        what = {
            "bundle-id": "app bundle id",
            "desktop-id": "desktop entry",
            "package": "package",
            "sha256": "file hash",
            "build-id": "build ID",
        }[kind]
        return [Evidence(kind, value, f"{what} {value!r} belongs to {tool.name}", tool.id)]
