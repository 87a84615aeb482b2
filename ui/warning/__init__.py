"""The full-screen warning and everything that belongs to it.

``window`` decides what the warning does, ``parts`` is how its pieces look, ``text`` is what
it says, ``alerts`` puts it on screen for the engine's events (and carries the person's
choice back), ``speech`` reads it aloud when it first opens, and ``preview`` paints it
offscreen for ``preview-warning``.
"""
