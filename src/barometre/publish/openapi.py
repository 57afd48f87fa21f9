"""The OpenAPI 3.1 description of ``/api/v1``, built from the catalogue so its enums never drift."""

from __future__ import annotations

from barometre import __version__
from barometre.data.catalogue import GRANULARITIES, Catalogue

ERROR = {"$ref": "#/components/responses/Erreur"}
NOT_FOUND = {"$ref": "#/components/responses/Introuvable"}
NO_SERIES = {"$ref": "#/components/responses/SerieIntrouvable"}
NO_PUBLICATION = {"$ref": "#/components/responses/PublicationIntrouvable"}
UNAVAILABLE = {"$ref": "#/components/responses/Indisponible"}
NOT_MODIFIED = {"description": "Non modifié depuis la version indiquée (ETag ou date)."}
VALIDATORS = {
    "ETag": {"schema": {"type": "string"}},
    "Last-Modified": {"schema": {"type": "string"}},
    "Barometre-Publication": {
        "description": "Numéro de la publication dont viennent les chiffres.",
        "schema": {"type": "integer"},
    },
    "Barometre-Publication-Date": {
        "description": "Jour (UTC) de cette publication.",
        "schema": {"type": "string", "format": "date"},
    },
}
# What an answer for a period without data is: as every other answer, its list is just empty.
EMPTY_PERIOD = (
    " Une période sans données (hors de la couverture de l'indicateur, ou dont la fin précède"
    " le début) n'est pas une erreur : la réponse est 200, avec une liste vide."
)


def _param(name: str, where: str, description: str, schema: dict, required: bool = False) -> dict:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema,
    }


def document(catalogue: Catalogue, server_url: str) -> dict:
    """Return the OpenAPI 3.1 document of the API served at ``server_url``."""
    indicator_ids = [i.id for i in catalogue.indicators]
    breakdown_ids = sorted(catalogue.breakdowns)
    identifier = _param(
        "identifiant",
        "path",
        "Identifiant de l'indicateur.",
        {"type": "string", "enum": indicator_ids},
    )
    dimension = _param(
        "ventilation",
        "path",
        "Identifiant de la ventilation.",
        {"type": "string", "enum": breakdown_ids},
    )
    debut = _param(
        "debut",
        "query",
        "Premier jour de la période (AAAA-MM-JJ) ; défaut : début des données." + EMPTY_PERIOD,
        {"type": "string", "format": "date"},
    )
    fin = _param(
        "fin",
        "query",
        "Dernier jour de la période (AAAA-MM-JJ) ; défaut : dernières données." + EMPTY_PERIOD,
        {"type": "string", "format": "date"},
    )
    au = _param(
        "au",
        "query",
        "Les chiffres tels que publiés : un jour (AAAA-MM-JJ, la dernière publication faite ce"
        " jour-là ou avant, avec les seuls mois clos ce jour-là) ou un numéro de publication ;"
        " défaut : la publication en cours. La réponse dit laquelle (« publication » en JSON,"
        " en-têtes Barometre-Publication et Barometre-Publication-Date) et ses liens gardent"
        " « au ». Une publication passée ne change plus : ses réponses se gardent longtemps"
        " en cache. 404 pour un jour futur ou antérieur à la première publication, ou un"
        " numéro inconnu (le message dit la date de la première publication ou les numéros).",
        {"oneOf": [{"type": "string", "format": "date"}, {"type": "integer", "minimum": 1}]},
    )
    series_params = [
        identifier,
        au,
        debut,
        fin,
        _param(
            "granularite",
            "query",
            "Regroupement des valeurs ; défaut : mois.",
            {"type": "string", "enum": list(GRANULARITIES)},
        ),
        _param(
            "ventilation",
            "query",
            "Ventiler par membre (valeurs masquées au titre du secret statistique : null). Les"
            " ventilations des sommes sont publiées par mois clos : avec une ventilation,"
            " granularite=jour ou semaine est refusée (400).",
            {"type": "string", "enum": breakdown_ids},
        ),
        _param(
            "departement",
            "query",
            "Code d'un département (33, 2A, 971…) : ses seules valeurs, ventilées par "
            "département (ventilation=departement implicite) ; indicateurs ventilés par "
            "département seulement.",
            {"type": "string", "enum": list(catalogue.breakdowns["departement"].codes)}
            if "departement" in catalogue.breakdowns
            else {"type": "string"},
        ),
        _param(
            "page",
            "query",
            "Numéro de page (à partir de 1).",
            {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
        ),
        _param(
            "par_page",
            "query",
            "Lignes par page (au plus 5000).",
            {"type": "integer", "minimum": 1, "maximum": 5000, "default": 5000},
        ),
    ]
    csv_content = {"text/csv": {"schema": {"type": "string"}}}

    def ok(schema_ref: str, csv: bool = False) -> dict:
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}
        if csv:
            content.update(csv_content)
        return {
            "description": "Réponse (JSON, ou CSV avec « Accept: text/csv »).",
            "headers": VALIDATORS,
            "content": content,
        }

    def get(summary: str, params: list, responses: dict, operation_id: str) -> dict:
        # Every operation reads the store (at least its data version, for the ETag): 503 when
        # it cannot be read.
        return {
            "get": {
                "summary": summary,
                "operationId": operation_id,
                "parameters": params,
                "responses": {**responses, "304": NOT_MODIFIED, "503": UNAVAILABLE},
            }
        }

    csv_only = {
        "description": "Les mêmes données en CSV.",
        "headers": VALIDATORS,
        "content": csv_content,
    }

    def paginated(response: dict) -> dict:
        link = {"description": "Pages suivante et précédente.", "schema": {"type": "string"}}
        return {**response, "headers": {**response["headers"], "Link": link}}

    paths = {
        "/indicateurs": get(
            "Catalogue des indicateurs",
            [au],
            {"200": ok("Catalogue"), "400": ERROR, "404": NO_PUBLICATION},
            "catalogue",
        ),
        "/indicateurs/{identifiant}": get(
            "Métadonnées d'un indicateur",
            [identifier, au],
            {"200": ok("Indicateur"), "400": ERROR, "404": NOT_FOUND},
            "indicateur",
        ),
        "/indicateurs/{identifiant}/observations": get(
            "Valeurs d'un indicateur par période",
            series_params,
            {"200": paginated(ok("Observations", csv=True)), "400": ERROR, "404": NO_SERIES},
            "observations",
        ),
        "/indicateurs/{identifiant}/observations.csv": get(
            "Valeurs d'un indicateur par période, en CSV",
            series_params,
            {"200": paginated(csv_only), "400": ERROR, "404": NO_SERIES},
            "observationsCsv",
        ),
        "/indicateurs/{identifiant}/ventilations/{ventilation}": get(
            "Répartition d'un indicateur sur une période",
            [identifier, dimension, au, debut, fin],
            {"200": ok("Repartition", csv=True), "400": ERROR, "404": NO_SERIES},
            "repartition",
        ),
        "/indicateurs/{identifiant}/ventilations/{ventilation}.csv": get(
            "Répartition d'un indicateur sur une période, en CSV",
            [identifier, dimension, au, debut, fin],
            {"200": csv_only, "400": ERROR, "404": NO_SERIES},
            "repartitionCsv",
        ),
        "/catalogue.jsonld": get(
            "Catalogue DCAT (JSON-LD) pour les portails de données ouvertes",
            [],
            {
                "200": {
                    "description": "Catalogue DCAT.",
                    "content": {"application/ld+json": {"schema": {"type": "object"}}},
                }
            },
            "dcat",
        ),
        "/paquet.zip": get(
            "Paquet de données Frictionless complet (zip)",
            [au],
            {
                "200": {
                    "description": "Archive zip : datapackage.json (dont « publication » : numéro"
                    " et date de la publication lue) et fichiers CSV.",
                    "headers": VALIDATORS,
                    "content": {"application/zip": {"schema": {}}},
                },
                "400": ERROR,
                "404": NO_PUBLICATION,
            },
            "paquet",
        ),
        "/openapi.json": get(
            "Ce document",
            [],
            {
                "200": {
                    "description": "Document OpenAPI 3.1.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
            "openapi",
        ),
    }
    string, nullable_string = {"type": "string"}, {"type": ["string", "null"]}
    links = {"type": "object", "additionalProperties": {"type": "string"}}
    publication = {
        "type": ["object", "null"],
        "description": "La publication dont viennent les chiffres (null avant la première).",
        "properties": {"numero": {"type": "integer"}, "date": {"type": "string", "format": "date"}},
    }
    schemas = {
        "Erreur": {
            "type": "object",
            "required": ["erreur"],
            "properties": {"erreur": string, "parametre": string, "message": string},
        },
        "Catalogue": {
            "type": "object",
            "required": ["licence", "indicateurs"],
            "properties": {
                "licence": string,
                "licence_url": string,
                "publication": publication,
                "indicateurs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["identifiant", "titre", "liens"],
                        "properties": {
                            "identifiant": string,
                            "titre": string,
                            "famille": string,
                            "unite": string,
                            "ventilations": {"type": "array", "items": string},
                            "liens": links,
                        },
                    },
                },
            },
        },
        "Indicateur": {
            "type": "object",
            "required": ["identifiant", "titre", "description", "unite", "agregation", "licence"],
            "properties": {
                "identifiant": string,
                "titre": string,
                "description": string,
                "famille": string,
                "unite": string,
                "agregation": {"type": "string", "enum": ["somme", "dernier", "moyenne"]},
                "decimales": {"type": "integer"},
                "granularites": {"type": "array", "items": string},
                "ventilations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "identifiant": string,
                            "titre": string,
                            "membres": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {"code": string, "libelle": string},
                                },
                            },
                        },
                    },
                },
                "source": string,
                "methodologie": string,
                "debut": {"type": "string", "format": "date"},
                "frequence": string,
                "couverture": {
                    "type": ["object", "null"],
                    "properties": {"debut": string, "fin": string},
                },
                "derniere_mise_a_jour": nullable_string,
                "licence": string,
                "licence_url": string,
                "secret_statistique": {"type": "boolean"},
                "publication": publication,
                "liens": links,
            },
        },
        "Observation": {
            "type": "object",
            "required": ["date", "valeur", "jours"],
            "properties": {
                "date": {"type": "string", "format": "date"},
                "membre": string,
                "libelle": string,
                "valeur": {"type": ["number", "null"]},
                "jours": {"type": ["integer", "null"]},
                "masque": {"type": "boolean"},
            },
        },
        "Observations": {
            "type": "object",
            "required": ["indicateur", "pagination", "observations"],
            "properties": {
                "indicateur": string,
                "publication": publication,
                "unite": string,
                "agregation": string,
                "debut": string,
                "fin": string,
                "granularite": string,
                "ventilation": nullable_string,
                "licence": string,
                "pagination": {
                    "type": "object",
                    "properties": {
                        k: {"type": "integer"} for k in ("page", "par_page", "total", "pages")
                    },
                },
                "liens": links,
                "observations": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Observation"},
                },
            },
        },
        "Repartition": {
            "type": "object",
            "required": ["indicateur", "ventilation", "repartition"],
            "properties": {
                "indicateur": string,
                "publication": publication,
                "unite": string,
                "ventilation": string,
                "debut": nullable_string,
                "fin": nullable_string,
                "licence": string,
                "secret_statistique": {
                    "type": "object",
                    "properties": {
                        "seuil": {"type": "integer"},
                        "masques": {"type": "integer"},
                        "non_diffuse": {"type": "number"},
                    },
                },
                "repartition": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["membre", "valeur", "masque"],
                        "properties": {
                            "membre": string,
                            "libelle": string,
                            "valeur": {"type": ["number", "null"]},
                            "jours": {"type": ["integer", "null"]},
                            "masque": {"type": "boolean"},
                        },
                    },
                },
            },
        },
    }
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API du Baromètre numérique de la Gendarmerie nationale",
            "version": __version__,
            "description": "Données publiques, sous Licence Ouverte / Open Licence 2.0. Au plus"
            " 5000 lignes par réponse (pagination par « page » et « par_page », liens dans"
            " l'en-tête Link). Les effectifs faibles des ventilations sont masqués (secret"
            " statistique) : valeur null et masque vrai en JSON, « n.d. » en CSV. Les ventilations"
            " des sommes sont publiées par mois clos (période ramenée aux mois clos qu'elle"
            " touche ; jour ou semaine refusés). Tout chiffre se relit tel que publié un jour"
            " passé ou par une publication donnée (« au »).",
            "license": {
                "name": "Licence Ouverte / Open Licence 2.0",
                "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
            },
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                "Erreur": {
                    "description": "Paramètre mal formé (vide, date invalide, valeur hors de la"
                    " liste) : le message dit lequel et comment le corriger.",
                    "content": error_content,
                },
                "Introuvable": {
                    "description": "Indicateur inconnu, ou « au » ne désigne aucune publication.",
                    "content": error_content,
                },
                "PublicationIntrouvable": {
                    "description": "« au » ne désigne aucune publication : jour futur ou"
                    " antérieur à la première publication, ou numéro inconnu.",
                    "content": error_content,
                },
                "SerieIntrouvable": {
                    "description": "Cette série n'existe pas : indicateur inconnu, ou ventilation,"
                    " département ou granularité que l'indicateur n'a pas, ou page au-delà de la"
                    " dernière, ou « au » ne désigne aucune publication.",
                    "content": error_content,
                },
                "Indisponible": {
                    "description": "Les données ne peuvent pas être lues pour le moment ;"
                    " réessayer après le délai de Retry-After (secondes).",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    "content": error_content,
                },
            },
        },
    }
