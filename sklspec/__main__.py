"""``python -m sklspec`` runs the ``sklspec`` command."""

import sys

from .cli import main

sys.exit(main())
