"""``python -m viz script.py -o out/``: render a script's loss graph (see viz.cli)."""

import sys

from .cli import main

sys.exit(main())
