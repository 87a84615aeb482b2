"""``python -m ui`` is the same as the ``scamguard`` command."""

import sys

from ui.cli import main

sys.exit(main())
