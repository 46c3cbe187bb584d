"""`python -m duikou.reader extract FILE` / `python -m duikou.reader check FILE`."""

import sys

from .cli import main

sys.exit(main())
