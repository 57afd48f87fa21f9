"""WSGI entry point: the only module that builds an app at import (``barometre.wsgi:server``)."""

from barometre.web.app import create_app

app = create_app()
server = app.server
