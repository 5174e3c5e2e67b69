import sys

from artlab.cli import main

sys.exit(main())
