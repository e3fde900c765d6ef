"""``python -m interpkit``: the command line (see :mod:`interpkit.cli`)."""

from interpkit.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
