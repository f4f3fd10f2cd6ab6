"""The ``workshop`` console script."""

from __future__ import annotations

import sys


def main() -> None:
    # gevent must patch the standard library before Flask pulls in ssl and threading.
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        from gevent import monkey

        monkey.patch_all()
    from workshop.commands import cli

    cli.main(prog_name="workshop")
