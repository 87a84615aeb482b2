"""``scamguard block ID`` and ``scamguard allow ID``: decide about a frozen tool from a
terminal, for a guard running headless (``watch``) in another window or as a service.

The decision is handed to the running guard (it holds the frozen processes) and this command
waits a few seconds for its answer. An allowance from here expires like one from the warning;
permanent trust is ``scamguard trust``.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from typing import Any

from guard.commands.pause import add_script_flag, journal_skipped, think_first
from guard.engine.incidents import LONGEST_ALLOW_HOURS, AllowScope, ScopeTooLong
from guard.engine.requests import submit, wait_answer
from guard.errors import EXIT_OK, UsageError
from guard.instance import is_running
from guard.output import print_json, warn
from guard.state.paths import journal_path

ANSWER_TIMEOUT = 5.0


def register(sub: argparse._SubParsersAction) -> None:
    block = sub.add_parser(
        "block",
        help="remove a frozen tool: stop it and quarantine its installers",
        description="Tell the running guard to remove the tool of an incident: every process "
        "of it is stopped and its installers are moved to quarantine. Incident ids are shown "
        "by 'scamguard watch' and 'scamguard history'.",
    )
    block.add_argument("incident", metavar="ID", help="the incident id")
    block.add_argument("--json", action="store_true", help="machine-readable answer")
    block.set_defaults(func=run, action="block")
    allow = sub.add_parser(
        "allow",
        help="let a frozen tool run, until it closes or for a while",
        description="Tell the running guard to let the tool of an incident run again. Only "
        "do this for a program you started yourself, for someone you know: if a caller asked "
        "you to, it is a scam. The permission always ends: when the tool closes (default), or "
        "after --for (at most 24h), when it is frozen again if still running.",
    )
    allow.add_argument("incident", metavar="ID", help="the incident id")
    allow.add_argument(
        "--for",
        dest="duration",
        metavar="TIME",
        help="allow for this long, e.g. 30m or 1h, at most 24h (default: until it closes)",
    )
    allow.add_argument("--json", action="store_true", help="machine-readable answer")
    add_script_flag(allow)
    allow.set_defaults(func=run, action="allow")


def run(args: argparse.Namespace) -> int:
    scope = None
    if args.action == "allow":
        try:
            scope = AllowScope.parse(args.duration or "until-closed")
        except ScopeTooLong as exc:
            raise UsageError(f"--for {exc}") from None
        except ValueError as exc:
            if not args.duration:
                raise UsageError(str(exc)) from None
            raise UsageError(
                f"--for {args.duration!r} is not a time: use one such as 30m or 1h (at most "
                f"{LONGEST_ALLOW_HOURS}h), or leave --for out to allow it until it closes"
            ) from None
        scope_text = args.duration or "until-closed"
    else:
        scope_text = None
    service = _service()
    if service is not None:
        return _through_service(service, args, scope_text)
    if not is_running():
        raise UsageError(
            "ScamGuard is not running, so nothing was changed. A tool it froze before it "
            "stopped is still frozen: start the guard again ('scamguard watch') and it will "
            "find the tool and give it a new incident id"
        )
    if args.action == "allow":
        think_first(
            f"let the tool of incident {args.incident} run again",
            scripted=args.not_on_the_phone,
            on_skipped=lambda: journal_skipped(
                f"allow {args.incident}", warn, for_incident=str(args.incident)
            ),
        )
    path = journal_path()
    seq = submit(path, args.incident, args.action, scope_text, warn)
    answer = wait_answer(path, seq, ANSWER_TIMEOUT)
    if answer is None:
        raise UsageError(
            f"the running guard did not answer within {ANSWER_TIMEOUT:.0f} s; nothing was "
            "changed (see: scamguard history)"
        )
    state, message = answer
    if args.json:
        print_json(
            {
                "incident": args.incident,
                "action": args.action,
                "state": state,
                "answer": message,
                "scope": scope.kind if scope else None,
            }
        )
    if state != "done":
        raise UsageError(message)
    if not args.json:
        print(message)
    return EXIT_OK


def _service() -> Any:
    """The guard service when it runs (it, not a guard of the person's, holds the tools)."""
    from guard.service.client import ServiceClient, ServiceUnavailable  # noqa: PLC0415

    try:
        return ServiceClient.connect("cli")
    except ServiceUnavailable:
        return None


def _through_service(client: Any, args: argparse.Namespace, scope_text: str | None) -> int:
    from guard.service.client import ServiceUnavailable  # noqa: PLC0415

    """The decision, made by the service under its own rules: an "allow" comes after this
    terminal's pause, and the service may still ask for its own wait (``retry_after``: the
    warning must have been in front of the person for 30 seconds), which is waited out once."""
    with contextlib.closing(client):
        fields: dict[str, Any] = {"incident": args.incident, "action": args.action}
        if args.action == "allow":
            think_first(
                f"let the tool of incident {args.incident} run again",
                scripted=args.not_on_the_phone,
                on_skipped=lambda: None,  # the service journals every decision and refusal
            )
            fields.update(scope=scope_text, nobody_on_phone=True)
        try:
            answer = client.request("decide", **fields)
            wait = answer.get("retry_after")
            if not answer.get("ok") and isinstance(wait, (int, float)) and 0 < wait <= 60:
                print(f"The ScamGuard service asks for {wait:.0f} more seconds; waiting.",
                      flush=True)  # fmt: skip
                time.sleep(wait)  # the service's own rule: nothing to wait on but time
                answer = client.request("decide", **fields)
        except ServiceUnavailable as exc:
            raise UsageError(f"{exc}; nothing was changed") from None
    message = str(answer.get("message", ""))
    if args.json:
        print_json(
            {
                "incident": args.incident,
                "action": args.action,
                "state": "done" if answer.get("ok") else "refused",
                "answer": message,
                "scope": scope_text,
            }
        )
    if not answer.get("ok"):
        raise UsageError(message)
    if not args.json:
        print(message)
    return EXIT_OK
