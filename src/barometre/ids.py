"""Component IDs, in one place: layouts and callbacks import them, never retype them."""

URL = "url"
PAGE = "page"
PAGE_TITLE = "page-title"
PAGE_TITLE_SINK = "page-title-sink"

INDICATOR = "indicateur-identifiant"
START = "periode-debut"
END = "periode-fin"
GRANULARITY = "granularite"
RESULTS = "resultats"
MESSAGE = "message"
