"""Turning a name, a file or a running process into evidence, and evidence into a verdict."""
