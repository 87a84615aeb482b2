"""ScamGuard engine: identifies remote-access tools and (from the live guard) freezes them.

Nothing in this package imports Qt or ``ui``: the engine runs headless, from the CLI and from
tests, and the tray app is just one of its listeners.
"""

__version__ = "0.1.0"
