"""The service's entry point: the engine's own command line (``python -m guard``), no Qt.

The system unit, LaunchDaemon or Windows service runs ``scamguard-service service run``.
"""

import sys

from guard.cli import main

if __name__ == "__main__":
    sys.exit(main())
