"""The HTTP security headers of every response, as one pure function of the path and settings.

The policy follows the State's web security guidance (ANSSI): nothing runs that the site did not
ship, nothing is framed except the embed pages, no powerful browser feature is available, and
the server does not say what software it runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from barometre.config import Settings

# Every powerful feature a page could ask for, denied to the site and to any frame in it.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)

# What `barometre serve` sends as « Server » instead of gunicorn's own name (see cli.serve).
SERVER_NAME = "barometre"

HSTS = "max-age=31536000; includeSubDomains"


def is_embed(path: str, settings: Settings) -> bool:
    """Return whether ``path`` is an embed page, the only pages other sites may frame."""
    return path.startswith(settings.url_prefix + "embed/")


def content_security_policy(path: str, settings: Settings, csp_hashes: Iterable[str]) -> str:
    """Return the Content-Security-Policy of ``path``.

    Scripts: the site's own files plus Dash's few inline scripts, allowed by hash; never
    ``unsafe-eval`` (plotly.js 2+ needs no eval). Styles keep ``'unsafe-inline'``: plotly.js
    writes its chart styles into a ``<style>`` element at run time and dash components set
    ``style`` attributes, neither of which can be hashed in advance; a style cannot run code.
    """
    ancestors = settings.frame_ancestors if is_embed(path, settings) else "'none'"
    scripts = " ".join(["'self'", *csp_hashes])
    directives = (
        ("default-src", "'self'"),
        ("script-src", scripts),
        ("style-src", "'self' 'unsafe-inline'"),
        ("img-src", "'self' data: blob:"),
        ("font-src", "'self'"),
        ("connect-src", "'self'"),
        ("worker-src", "'self' blob:"),
        ("object-src", "'none'"),
        ("base-uri", "'none'"),
        ("form-action", "'self'"),
        ("frame-ancestors", ancestors),
    )
    return "; ".join(f"{name} {value}" for name, value in directives)


def response_headers(path: str, settings: Settings, csp_hashes: Iterable[str]) -> dict[str, str]:
    """Return the security headers of the response to ``path``."""
    embed = is_embed(path, settings)
    headers = {
        "Content-Security-Policy": content_security_policy(path, settings, csp_hashes),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
        # The public API and the embed pages are read from other origins; the rest is ours.
        "Cross-Origin-Resource-Policy": "cross-origin"
        if embed or path.startswith(settings.url_prefix + "api/")
        else "same-origin",
    }
    if not embed:
        # Older browsers ignore frame-ancestors: X-Frame-Options says the same to them.
        headers["X-Frame-Options"] = "DENY"
    if settings.hsts:
        headers["Strict-Transport-Security"] = HSTS
    return headers
