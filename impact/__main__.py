"""``python -m impact``: the same as the ``impact`` command."""

import sys

from impact.cli import main

sys.exit(main())
