"""``python -m analogylab`` runs the command line."""

import sys

from analogylab.cli import main

sys.exit(main())
