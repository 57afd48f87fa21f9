"""Component IDs, in one place: layouts and callbacks import them, never retype them."""

URL = "url"
PAGE = "page"
PAGE_TITLE = "page-title"
PAGE_TITLE_SINK = "page-title-sink"
NAV_SINK = "navigation-puits"

INDICATOR = "indicateur-identifiant"
START = "periode-debut"
END = "periode-fin"
GRANULARITY = "granularite"
RESULTS = "resultats"
MESSAGE = "message"
# A wrong entry's message: an alert, where the message above is a status (RGAA 7.5).
MESSAGE_ERROR = "message-erreur"
# Permalinks: what the main region shows ({pathname, search}), and « Partager ».
PAGE_STATE = "etat-page"
SHARE = "partager"
SHARE_STATUS = "partager-statut"
# Printed pages: the page's full address, shown on paper only.
PRINT_ADDRESS = "adresse-impression"
# What the evolution charts show besides the series: the checkboxes of the indicator and home
# pages and of embeds (the same ids and names everywhere), as (id, name).
SHOW_EVENTS = "afficher-evenements"
COMPARE = "comparer-annee-precedente"
DISPLAY_CHECKBOXES = (
    (SHOW_EVENTS, "Afficher les événements"),
    (COMPARE, "Comparer avec l'année précédente"),
)

# Embed builder (« Intégrer ce graphique ») of the indicator page.
EMBED_OPEN = "integrer-ouvrir"
EMBED_DIALOG = "integrer-dialogue"
EMBED_CLOSE = "integrer-fermer"
EMBED_START = "integrer-debut"
EMBED_END = "integrer-fin"
EMBED_GRANULARITY = "integrer-granularite"
EMBED_BREAKDOWN = "integrer-ventilation"
EMBED_THEME = "integrer-theme"
EMBED_HEIGHT = "integrer-hauteur"
EMBED_FROZEN = "integrer-fige"
EMBED_PREVIEW = "integrer-apercu"
EMBED_CODE = "integrer-code"
EMBED_COPY = "integrer-copier"
EMBED_STATUS = "integrer-statut"
EMBED_MESSAGE = "integrer-message"
EMBED_SINK = "integrer-puits"
# Département map and selector (indicators with a « departement » breakdown).
MAP = "carte-departements"
DEPARTEMENT = "departement"
DEPARTEMENT_CHOICE = "departement-choix"
