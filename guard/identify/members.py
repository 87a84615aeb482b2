"""Files found inside a container (a zip, a disk image): their names and, for small
programs, their Windows version info, turned into evidence that says where it was found.

One function for every container, so ``invoice.iso`` holding ``AnyDesk.exe`` reads exactly
like ``invoice.zip`` holding it, and the rule "one piece per kind and tool" lives once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from guard.identify.evidence import Evidence
from guard.identify.index import SignatureIndex


@dataclass(frozen=True)
class Member:
    """One file inside a container: its name as stored (shortened) and version info if read."""

    name: str
    version_info: dict[str, str] = field(default_factory=dict)

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name.replace("\\", "/")).name


def member_evidence(members: Iterable[Member], index: SignatureIndex, shown: str) -> list[Evidence]:
    """Evidence from the members, each saying it was found inside ``shown``. One piece per
    kind and tool is enough, so a container of a thousand matching names does not make a
    thousand-line verdict; a protected name inside is nothing to note."""
    container = Path(shown).name
    found: list[Evidence] = []
    seen: set[tuple[str, str | None]] = set()
    for member in members:
        inner = index.lookup_name(member.basename) if member.basename else []
        inner += index.lookup_pe(member.version_info)
        for ev in inner:
            if ev.tool_id is None or (ev.kind, ev.tool_id) in seen:
                continue
            seen.add((ev.kind, ev.tool_id))
            found.append(
                Evidence(
                    ev.kind,
                    f"{member.name} (inside {container})",
                    f"inside {container}: {ev.detail}",
                    ev.tool_id,
                )
            )
    return found


def problem_note(kind: str, problem: str, shown: str) -> Evidence:
    """The one-line note (evidence for no tool) that ``shown`` could not be read as what it
    claims to be: ``"invoice.iso is damaged (…)"``."""
    return Evidence(kind, shown, f"{Path(shown).name} {problem}")


def one_per_kind_and_tool(evidence: list[Evidence]) -> list[Evidence]:
    """The first piece of each kind for each tool: what a container says twice counts once."""
    seen: set[tuple[str, str | None]] = set()
    out = []
    for ev in evidence:
        if (ev.kind, ev.tool_id) not in seen:
            seen.add((ev.kind, ev.tool_id))
            out.append(ev)
    return out
