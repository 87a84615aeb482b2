"""Live remote sessions: is someone connected through a remote-access tool right now?

``monitor.SessionMonitor`` looks at the running tools' sockets, traffic and connection logs,
and at the OS's own remote sessions, and reports each session's start and end
(``model.SessionChange``). The decision itself is pure (``decide.py``); the per-tool rules
are data, the ``[session]`` table of the tool's signature file (``guard.sigdb.model.SessionRules``).
"""
