"""``python -m dash_app [SCENARIO] [--baseline B] [--host H] [--port P] [--show-assets] [--workers N]``.

The same as ``impact serve``.
"""

import sys

from impact.cli import main

sys.exit(main(["serve", *sys.argv[1:]]))
