"""The browser's side of the callbacks: the names its scripts share with Python, written once.

The clientside callbacks live in ``assets/*.js`` as functions of ``window.dash_clientside``
(``ClientsideFunction(namespace, name)``). What they must agree on with Python (component ids,
the marks of a figure, the permalink's display parameters) travels in one ``<meta>`` whose
content is the JSON of ``constants()``: in the document's head from the first byte, before any
script runs, and no inline script for the CSP to allow.
"""

from __future__ import annotations

import json

from dash import ClientsideFunction

from barometre.charts import figures
from barometre.publish import validation
from barometre.web import ids
from barometre.web.layouts.common import MAIN_ID, NAV_ID

META_NAME = "barometre-clientside"


def constants() -> dict:
    """Return what ``assets/*.js`` read from the page's ``<meta name="barometre-clientside">``."""
    return {
        "main": MAIN_ID,
        "nav": NAV_ID,
        # figures.set_display's marks, in the figure: layout items named « evenement », the
        # trace whose meta is « comparaison » (assets/display.js).
        "marks": {"evenement": figures.EVENT_MARK, "comparaison": figures.COMPARISON_META},
        # validation.Display.params: (name, value) of each choice other than the default.
        "display": {
            "events_hidden": list(validation.EVENTS_HIDDEN),
            "comparison_shown": list(validation.COMPARISON_SHOWN),
        },
        "embed": {
            "dialog": ids.EMBED_DIALOG,
            "open": ids.EMBED_OPEN,
            "close": ids.EMBED_CLOSE,
            "code": ids.EMBED_CODE,
        },
    }


def meta_tag() -> dict[str, str]:
    """Return the ``<meta>`` (for ``Dash(meta_tags=…)``) that carries ``constants()``."""
    return {"name": META_NAME, "content": json.dumps(constants(), separators=(",", ":"))}


def function(namespace: str, name: str) -> ClientsideFunction:
    """Return the clientside callback ``window.dash_clientside[namespace][name]``."""
    return ClientsideFunction(namespace=namespace, function_name=name)
