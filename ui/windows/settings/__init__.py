"""The settings window (``window``), one module per tab: ``provider``, ``folders``,
``trusted`` and ``autostart``; ``saving`` is how every tab saves and lays out its page.

What the folders tab may change is decided in :mod:`guard.state.folders`, without Qt.
"""
