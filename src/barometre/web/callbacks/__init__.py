"""Callbacks: one module a page; each exposes plain functions and ``register(app, services)``."""

from barometre.web.callbacks import embed, indicator, pages


def register_all(app, services) -> None:
    """Attach every callback to ``app`` (per app, never the global ``dash.callback``)."""
    pages.register(app, services)
    indicator.register(app, services)
    embed.register(app, services)
