"""The privileged guard service (root, LocalSystem) and how the tray and CLI talk to it.

``protocol`` (the messages and their limits), ``transport`` (the Unix socket; ``pipe``: the
Windows named pipe), ``wire`` (events and incidents as data), ``server`` (the service's side
and its rules), ``client`` (the tray's and the CLI's side), ``health`` (every gap in
protection on record), ``runner`` (all of it assembled). docs/architecture.md, "The guard
service", is the design.
"""
