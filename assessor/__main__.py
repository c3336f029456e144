"""`python -m assessor` runs the command-line interface."""

from assessor.cli import main

raise SystemExit(main())
