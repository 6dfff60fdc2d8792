"""`python -m scheduler` runs the command-line interface."""

import sys

from scheduler.cli import main

sys.exit(main())
