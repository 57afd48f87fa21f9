"""One URL builder that knows the path prefix, so the site works under a sub-path."""

from __future__ import annotations

from urllib.parse import urlencode


class Urls:
    """Build and read the app's URLs under ``prefix`` (``/`` or ``/sous-site/``)."""

    def __init__(self, prefix: str = "/"):
        self.prefix = prefix

    def path(self, path: str = "/", **query: object) -> str:
        """Return ``path`` under the prefix, with the non-empty ``query`` values encoded."""
        url = self.prefix + path.lstrip("/")
        params = {key: value for key, value in query.items() if value not in (None, "")}
        return f"{url}?{urlencode(params)}" if params else url

    def indicator(self, indicator_id: str, **query: object) -> str:
        """Return the URL of an indicator's page."""
        return self.path(f"/indicateurs/{indicator_id}", **query)

    def family(self, family_id: str) -> str:
        """Return the URL of a family's page."""
        return self.path(f"/familles/{family_id}")

    def strip(self, pathname: str | None) -> str:
        """Return ``pathname`` without the prefix, always starting with ``/``."""
        pathname = pathname if isinstance(pathname, str) and pathname else "/"
        if pathname.startswith(self.prefix):
            pathname = pathname[len(self.prefix) :]
        return "/" + pathname.strip("/")
