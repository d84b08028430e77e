"""``python -m dash_app [SCENARIO] [--baseline B] [--host H] [--port P] [--show-assets] [--workers N]``.

The same as ``impact serve`` (:func:`dash_app.serve.main`).
"""

import sys

from dash_app.serve import main

sys.exit(main(sys.argv[1:]))
