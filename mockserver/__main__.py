"""`python -m mockserver ...`: the same CLI as the `mockserver` script."""

import sys

from .cli import main

sys.exit(main())
