"""The headless guard, for when there is no window to show: one line saying why, then
``watch`` with its defaults. ``python -m guard`` with no command and the ``scamguard``
command without a display (``ui.cli``) both come here, so the tray never needs to import a
command module (tests/test_layering.py)."""

from __future__ import annotations

from guard.output import warn


def run_headless(reason: str) -> int:
    """Say why there is no window, in one line, then guard with ``watch``'s defaults."""
    from guard.commands import watch  # noqa: PLC0415 - the live guard loads only to run

    warn(f"{reason}; running the headless guard (see: scamguard watch --help)")
    return watch.run(watch.build_defaults())
