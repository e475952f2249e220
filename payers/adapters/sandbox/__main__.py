"""Command line: ``python -m payers.adapters.sandbox serve --port N`` (see server.py)."""

import sys

from payers.adapters.sandbox.server import main

sys.exit(main(sys.argv[1:]))
