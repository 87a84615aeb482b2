"""``python -m guard`` is the same as the ``scamguard`` command."""

import sys

from guard.cli import main

sys.exit(main())
