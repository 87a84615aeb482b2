"""The frozen program's entry point: the same ``scamguard`` command as the wheel's script."""

import sys

from ui.cli import main

if __name__ == "__main__":
    sys.exit(main())
