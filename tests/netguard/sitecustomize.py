"""Loaded by every Python process the tests start (this folder is put on PYTHONPATH).

It installs the network guard, so kernels that nbval starts for the lessons,
and command-line runs in subprocesses, are offline like the test process.
"""

import os
import sys

if os.environ.get("ANALOGYLAB_NETGUARD") == "1":
    sys.path.insert(0, os.path.dirname(__file__))
    import netguard

    netguard.install()
    sys.path.pop(0)
