"""docs/performance.md from the benchmark's figures: targets met or not, ratios to the baseline."""

from __future__ import annotations

NBSP = "\u202f"  # narrow no-break space: thousands and before « % » in French

# Why a target may be missed, what limits it and what was tried: printed under the table for
# every target the run did not meet.
NOTES = {
    "transfert": (
        "Transfert : l'essentiel est du code que toute page Dash charge avant de dessiner : "
        "plotly.js partiel « basic » (≈ 330 ko en brotli, le plus petit paquet publié de la "
        "version 4.1.1, chargé après le premier rendu), dash-renderer, React et dcc (≈ 95 ko). "
        "Fait : paquet partiel à la place du complet (4,8 Mo), brotli 11 précompressé une fois, "
        "polyfill et DataTable retirés (37 ko), dash-bootstrap-components retiré (54 ko, "
        "remplacé par html.* et layouts/controls.py, < 1 ko), favicon de 107 octets, réponses "
        "de rappel et pages compressées. Reste : un paquet plotly.js avec les seules traces "
        "scatter et bar."
    ),
    "lighthouse": (
        "Lighthouse : le temps de blocage (TBT) vient de l'exécution de React, de dash-renderer, "
        "de dcc et de plotly.js sur le processeur mobile simulé (4 fois plus lent). Fait : la "
        "page (titre, chiffres clés, résumés, tableaux) est dans le HTML envoyé par le serveur "
        "(prerender.py), remplacée d'un coup par le rendu Dash (FCP = LCP, CLS 0) ; tableaux de "
        "données en un composant chacun (dash-renderer coûte par composant). Reste : dessiner "
        "plus tard les graphiques hors de l'écran ; mesurer sur une machine non chargée."
    ),
    "serveur": (
        "Serveur : une réponse en cache coûte moins d'une milliseconde de calcul (réponse "
        "compressée gardée en mémoire par processus, answers.py) ; la latence mesurée est surtout "
        "de l'attente : 32 connexions pour 2 processus gunicorn synchrones, et le générateur de "
        "charge (Python, 32 fils) partage les 2 cœurs. Par la loi de Little, p50 ≈ 32 / débit : "
        "un p99 ≤ 25 ms à 32 connexions demanderait plus de 1 300 req/s sur cette machine. "
        "Fait : cache des réponses entières compressées ; reste : un serveur asynchrone ou des "
        "processus gthread, et un générateur de charge sur une autre machine (wrk)."
    ),
    "volume": (
        "Volume : la série nationale mensuelle est calculée par une requête indexée (clé primaire "
        "indicator, dimension, member, date) ; son temps croît avec le nombre de jours, pas avec "
        "le nombre d'indicateurs. Le p95 sur une machine chargée dépasse parfois le p50 de loin."
    ),
}


def _num(value, decimals: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return text


def _ok(met: bool | None) -> str:
    return "—" if met is None else ("oui" if met else "**non**")


def rows(result: dict) -> list[tuple[str, str, str, str, bool | None, str]]:
    """Return (domain, measure, target, figure, met, ratio) for every target."""
    out = []
    transfer = result.get("transfert", {})
    base = transfer.get("reference_dash", {})
    pages = (("accueil", "accueil", 600), ("indicateur", "page d'indicateur", 600),
             ("integration", "page d'intégration", 450))
    for name, label, limit in pages:
        figure = transfer.get(name)
        if figure is None:
            out.append(("transfert", f"1re visite, {label}", f"≤ {limit} ko",
                        "non mesuré (pages d'intégration absentes)", None, ""))
            continue
        ratio = (f"÷{_num(base['premiere_visite_ko'] / figure['premiere_visite_ko'], 1)}"
                 if base and figure["premiere_visite_ko"] else "")
        out.append(("transfert", f"1re visite, {label}", f"≤ {limit} ko",
                    f"{_num(figure['premiere_visite_ko'], 1)} ko", figure["premiere_visite_ko"]
                    <= limit and figure["graphiques_dessines"], f"{ratio} (Dash : "
                    f"{_num(base.get('premiere_visite_ko'), 1)} ko)"))
        out.append(("transfert", f"visite suivante, {label}", "données seules",
                    f"{_num(figure['visite_suivante_ko'], 1)} ko : "
                    + (", ".join(figure["visite_suivante_retelecharge"]) or "rien"),
                    all(not path.startswith(("/assets", "/_dash-component"))
                        for path in figure["visite_suivante_retelecharge"]), ""))
    for name, scores in result.get("lighthouse", {}).items():
        if name == "reference_dash":
            continue
        for preset, limit in (("mobile", 90), ("desktop", 95)):
            figure = scores.get(preset, {})
            reference = result["lighthouse"].get("reference_dash", {}).get(preset, {})
            score = figure.get("score")
            out.append(("Lighthouse", f"{name}, {preset}", f"≥ {limit}",
                        _num(score) if score is not None else figure.get("erreur", "—"),
                        None if score is None else score >= limit,
                        f"Dash : {_num(reference.get('score'))}"))
    server = result.get("serveur", {})
    reference = server.get("reference_dash_callback", {})
    for name, label in (("graphique", "rappel de graphique"), ("api", "appel d'API")):
        cached = server.get(f"{name}_en_cache")
        if cached is None:
            out.append(("serveur", f"{label} en cache", "p99 ≤ 25 ms", "non mesuré (API absente)",
                        None, ""))
            continue
        out.append(("serveur", f"{label} en cache, 32 connexions", "p99 ≤ 25 ms, 0 erreur",
                    f"p50 {_num(cached['p50_ms'], 1)} ms, p99 {_num(cached['p99_ms'], 1)} ms, "
                    f"{_num(cached['debit_par_s'])} req/s, {cached['erreurs']} erreur(s)",
                    cached["p99_ms"] <= 25 and cached["erreurs"] == 0,
                    f"Dash : p99 {_num(reference.get('p99_ms'), 1)} ms, "
                    f"{_num(reference.get('debit_par_s'))} req/s"))
        ratio = server.get(f"{name}_rapport_debit")
        uncached = server.get(f"{name}_sans_cache", {})
        out.append(("serveur", f"{label} : débit en cache / sans cache", "≥ 8",
                    f"{_num(ratio, 1)} (sans cache : {_num(uncached.get('debit_par_s'))} req/s, "
                    f"p99 {_num(uncached.get('p99_ms'), 1)} ms)",
                    None if ratio is None else ratio >= 8, ""))
    for factor, figure in result.get("volume", {}).items():
        out.append(("volume", f"{factor} ({_num(figure['lignes'])} lignes, "
                    f"{_num(figure['annees'], 1)} ans) : série nationale mensuelle sans cache",
                    "p50 ≤ 20 ms", f"p50 {_num(figure['serie_p50_ms'], 1)} ms, "
                    f"p95 {_num(figure['serie_p95_ms'], 1)} ms", figure["serie_p50_ms"] <= 20, ""))
        out.append(("volume", f"{factor} : fichier de la base", "indiqué",
                    f"{_num(figure['fichier_mo'], 1)} Mo", None, ""))
        out.append(("volume", f"{factor} : mémoire d'un processus gunicorn", "< 200 Mo",
                    f"{_num(figure['rss_worker_mo'], 1)} Mo", figure["rss_worker_mo"] < 200, ""))
    return out


def markdown(result: dict) -> str:
    """Return the report as Markdown (French: it is read by the public and the team)."""
    machine = result["machine"]
    lines = [
        "# Performances du Baromètre numérique",
        "",
        f"Mesuré le {result['date']} (variante {result['variante']}, {_num(result['duree_s'])} s) "
        "par `make bench` (`benchmarks/run.py`), qui écrit ce fichier et `performance.json`.",
        "",
        f"Machine : {machine['processeur']}, {machine['coeurs']} cœurs, "
        f"{_num(machine['memoire_go'], 1)} Go, {machine['systeme']}, Python {machine['python']}, "
        f"charge au départ {_num(machine['charge_1min'], 2)}.",
        "",
        "La référence (« Dash ») est une application Dash minimale par défaut (un `dcc.Graph`), "
        "servie par gunicorn et mesurée dans la même exécution : les rapports ne dépendent pas de "
        "la charge de la machine.",
        "",
        "| Domaine | Mesure | Cible | Résultat | Atteinte | Référence Dash |",
        "|---|---|---|---|---|---|",
    ]
    missed = set()
    for domain, measure, target, figure, met, ratio in rows(result):
        lines.append(f"| {domain} | {measure} | {target} | {figure} | {_ok(met)} | {ratio} |")
        if met is False:
            missed.add({"Lighthouse": "lighthouse"}.get(domain, domain))
    if not result.get("lighthouse"):
        lines += ["", "Lighthouse : non mesuré dans la variante rapide (`make bench-quick`)."]
    transfer = result.get("transfert", {})
    if transfer:
        lines += ["", "## Les plus gros fichiers à la première visite", ""]
        for name, figure in transfer.items():
            biggest = ", ".join(
                f"{path} ({_num(size, 1)} ko)" for path, size in figure["plus_gros"]
            )
            lines.append(f"- {name} : {biggest}")
    if missed:
        lines += ["", "## Cibles non atteintes : ce qui limite, ce qui a été essayé", ""]
        lines += [f"- {NOTES[key]}" for key in ("transfert", "lighthouse", "serveur", "volume")
                  if key in missed]
    lines += ["", "## Volume de données", "",
              "1× est le jeu de démonstration (tous les indicateurs, toutes les ventilations, "
              "dont les 101 départements) ; 10× et 100× y ajoutent des indicateurs fictifs "
              "(copies), ce qui multiplie les lignes sans changer la série interrogée.", ""]
    if "100x" not in result.get("volume", {}):
        lines += ["100× (≈ 134 millions de lignes, ≈ 8 Go, plusieurs minutes de copie) ne tient "
                  "pas dans les 10 minutes de `make bench` : non mesuré ici "
                  "(`benchmarks/run.py --scale 100` le mesure à part). D'après 1× → 10×, le "
                  "fichier croît linéairement (≈ 62 octets par ligne), la série interrogée et la "
                  "mémoire d'un processus ne dépendent pas du nombre d'indicateurs.", ""]
    for factor, figure in result.get("volume", {}).items():
        lines.append(f"- {factor} : {_num(figure['lignes'])} lignes ({figure['periode']}), "
                     f"base {_num(figure['fichier_mo'], 1)} Mo, série p50 "
                     f"{_num(figure['serie_p50_ms'], 1)} ms, processus "
                     f"{_num(figure['rss_worker_mo'], 1)} Mo, préparation "
                     f"{_num(figure['preparation_s'], 1)} s")
    return "\n".join(lines) + "\n"


def summary(result: dict) -> str:
    """Return the figures table as plain text, for the terminal."""
    return "\n".join(
        f"{'  ' if met is None else ('OK' if met else 'KO')} {domain:<10} {measure} : {figure}"
        for domain, measure, target, figure, met, _ in rows(result)
    )
