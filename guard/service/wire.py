"""Guard events and incident snapshots as plain JSON data, for the service's socket.

The tray shows what the service's engine decided; it has no engine of its own. So an event
and the incident it is about cross the socket whole, as data (``to_wire``), and the tray
rebuilds the same ``GuardEvent`` and ``IncidentView`` the warning is drawn from
(``event_from_wire``, ``incident_from_wire``), looking the tool up in its own copy of the
signatures. Nothing here is code: a field of the wrong type is dropped with the rest of the
message (``WireError``), never trusted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from guard.engine.incidents import IncidentView, State
from guard.errors import ScamGuardError
from guard.identify.evidence import Evidence
from guard.sigdb.model import ToolSignature
from guard.state.events import GuardEvent


class WireError(ScamGuardError):
    """A message from the service that does not hold what it should."""


def event_to_wire(event: GuardEvent) -> dict[str, Any]:
    return {
        "kind": str(event.kind),
        "message": event.message,
        "incident": event.incident,
        "tool": event.tool,
        "tool_name": event.tool_name,
        "pid": event.pid,
        "path": event.path,
        "data": dict(event.data),
        "time": event.time,
    }


def event_from_wire(raw: Any) -> GuardEvent:
    if not isinstance(raw, Mapping):
        raise WireError("an event must be an object")
    try:
        data = raw.get("data") or {}
        if not isinstance(data, Mapping):
            raise TypeError("data")
        return GuardEvent(
            kind=str(raw["kind"]),  # type: ignore[arg-type]  # checked by GuardEvent
            message=str(raw["message"]),
            incident=_optional_str(raw.get("incident")),
            tool=_optional_str(raw.get("tool")),
            tool_name=_optional_str(raw.get("tool_name")),
            pid=_optional_int(raw.get("pid")),
            path=_optional_str(raw.get("path")),
            data=dict(data),
            time=float(raw["time"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"an event is damaged ({exc})") from None


# What of an incident crosses the socket: the latest, so a tool started and killed thousands
# of times still fits one message (protocol.MAX_REPLY) and the window is never cut off.
WIRE_PROCESSES = 64
WIRE_FILES = 32
WIRE_TIMELINE = 100
WIRE_PROBLEMS = 20


def incident_to_wire(view: IncidentView) -> dict[str, Any]:
    return {
        "id": view.id,
        "tool": view.tool.id,
        "tool_name": view.tool.name,
        "state": str(view.state),
        "opened": view.opened,
        "processes": list(view.processes[-WIRE_PROCESSES:]),
        "processes_total": len(view.processes),
        "files": list(view.files[-WIRE_FILES:]),
        "evidence": [e.to_json() for e in view.evidence[:WIRE_PROBLEMS]],
        "facts": dict(view.facts),
        "allow": view.allow,
        "allow_expires": view.allow_expires,
        "problems": list(view.problems[-WIRE_PROBLEMS:]),
        "timeline": [event_to_wire(e) for e in view.timeline[-WIRE_TIMELINE:]],
        "switches": list(view.switches),
        "owner": view.owner,
        "session": view.session,
        "banking": view.banking,
    }


def incident_from_wire(raw: Any, tools: Mapping[str, ToolSignature]) -> IncidentView:
    """The incident, with its tool from ``tools`` (the tray's signatures). A tool the tray's
    copy does not know yet (the service took an update first) is shown by its name."""
    if not isinstance(raw, Mapping):
        raise WireError("an incident must be an object")
    try:
        tool_id = str(raw["tool"])
        tool = tools.get(tool_id) or _placeholder(tool_id, str(raw.get("tool_name") or tool_id))
        return IncidentView(
            id=str(raw["id"]),
            tool=tool,
            state=State(str(raw["state"])),
            opened=float(raw["opened"]),
            processes=tuple(_objects(raw.get("processes"))),
            files=tuple(_objects(raw.get("files"))),
            evidence=tuple(_evidence(e) for e in _objects(raw.get("evidence"))),
            facts={str(k): str(v) for k, v in dict(raw.get("facts") or {}).items()},
            allow=_optional_str(raw.get("allow")),
            allow_expires=_optional_float(raw.get("allow_expires")),
            problems=tuple(str(p) for p in raw.get("problems") or ()),
            timeline=tuple(event_from_wire(e) for e in raw.get("timeline") or ()),
            switches=tuple(_objects(raw.get("switches"))),
            owner=_optional_str(raw.get("owner")),
            session=_session(raw.get("session")),
            banking=_optional_str(raw.get("banking")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WireError(f"an incident is damaged ({exc})") from None


def _placeholder(tool_id: str, name: str) -> ToolSignature:
    return ToolSignature(
        id=tool_id,
        name=name,
        vendor="",
        kind="remote-access",
        risk="high",
        platforms=(),
        sources=(),
        reviewed=dt.date.min,
    )


def _evidence(raw: Mapping[str, Any]) -> Evidence:
    return Evidence(
        kind=str(raw["kind"]),
        value=str(raw["value"]),
        detail=str(raw.get("detail") or ""),
        tool_id=_optional_str(raw.get("tool")),
    )


def _objects(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        raise TypeError("a list of objects was expected")
    return list(raw)


def _session(raw: Any) -> dict[str, Any] | None:
    """A live session's summary: four strings, or None."""
    if not isinstance(raw, Mapping):
        return None
    return {k: str(raw.get(k) or "") for k in ("since", "peer", "signal", "evidence")}


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
