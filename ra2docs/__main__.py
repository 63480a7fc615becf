import sys

from ra2docs.cli import main

sys.exit(main())
