"""OKR Workshop: live OKR planning workshops, practice exercises and certificates.

This module stays import-light on purpose: ``workshop serve`` must monkey-patch the
standard library for gevent before Flask (and through it ``ssl``) is imported.
"""

from __future__ import annotations

from typing import Any


def create_app(config: dict[str, Any] | None = None):
    """Build the Flask application; ``config`` overrides settings (tests pass their own)."""
    from workshop.app import build_app

    return build_app(config)
