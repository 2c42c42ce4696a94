"""Loaded by every Python process the tests start (this folder is put on PYTHONPATH).

It installs the network guard, so kernels that nbval starts for the lessons,
and command-line runs in subprocesses, are offline like the test process.
"""

import os
import sys
from pathlib import Path

if os.environ.get("ANALOGYLAB_NETGUARD") == "1":
    sys.path.insert(0, str(Path(__file__).parent))
    import netguard

    netguard.install()
    sys.path.pop(0)
