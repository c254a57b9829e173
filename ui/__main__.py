"""`python -m ui` runs the `station` command (the bundled build starts here too)."""

import sys

from ui.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
