"""Entry point for `python -m bench` (used by `make bench`)."""

from bench.cli import main

raise SystemExit(main())
