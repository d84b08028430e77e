"""``python -m dash_app [SCENARIO] [--host H] [--port P] [--show-assets]``: the same as ``impact serve``."""

import sys

from impact.cli import main

sys.exit(main(["serve", *sys.argv[1:]]))
