"""One module per ``scamguard`` sub-command; each has ``register(subparsers)``."""

from guard.commands import (
    decide,
    feed,
    history,
    identify,
    keep_running,
    keys,
    provider,
    quarantine,
    scan,
    service,
    signatures,
    trust,
    update,
    watch,
)

COMMANDS = (
    identify,
    scan,
    watch,
    decide,
    history,
    quarantine,
    trust,
    provider,
    signatures,
    update,
    keys,
    feed,
    keep_running,
    service,
)
