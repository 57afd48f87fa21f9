"""docs/performance.md from the benchmark's figures: targets met or not, ratios to the baseline."""

from __future__ import annotations

BASELINE = "reference_dash"
SEPARATELY = "mesure_a_part"
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
        "Lighthouse : la page du serveur (HTML, graphiques en SVG) n'exécute presque aucun "
        "script ; un score manqué vient d'ordinaire d'une mesure perturbée (« NO_NAVSTART », "
        "relancée jusqu'à 3 fois, ou machine chargée : voir la charge). Avant que Dash n'attende "
        "le premier geste, React, dash-renderer et plotly.js exécutaient ≈ 2 s de script au "
        "chargement sur le processeur mobile simulé (TBT 1,7 à 2,1 s ; scores 71/71/83 en "
        "mobile, 86/84/98 en ordinateur) : ce coût vient désormais au premier geste (tableau "
        "« premier geste »)."
    ),
    "serveur": (
        "Serveur : une réponse en cache coûte ≈ 15 µs de Python (réponse entière, compressée, "
        "rejouée par un intergiciel WSGI devant Flask, answers.py) ; le reste est le travail de "
        "gunicorn (analyse HTTP, journal d'accès) et l'attente : par la loi de Little, "
        "p50 ≈ 32 connexions / débit, et wrk partage les 2 cœurs avec le serveur et, pendant "
        "la mesure, avec les autres travaux de la machine (charge indiquée à chaque mesure). "
        "Essayé et mesuré : processus synchrones, gthread à 2 et 4 fils, 4 processus (voir le "
        "tableau des configurations)."
    ),
    "lecture": (
        "Lecture : la page d'accueil seule, entière (quatre familles, leurs graphiques en SVG "
        "avec leurs points à explorer et leurs tableaux de données), fait ≈ 21 ko en brotli de "
        "qualité 5 à sa première demande dans un processus, ≈ 15,5 ko ensuite (gardée en "
        "mémoire, compressée à nouveau en qualité 11 à sa deuxième demande : answers.py ; la "
        "mesure la prend ainsi, comme un site en service la sert) ; Bootstrap (≈ 23 ko) est le "
        "plus gros fichier. Reste : une feuille de style réduite aux classes employées."
    ),
    "interaction": (
        "Interaction : au premier appui sur une case d'affichage, la page se redessine avec les "
        "graphiques du serveur : une requête de ses seuls dessins (`?partie=dessins`), leur "
        "analyse en une tâche, puis un graphique par tâche ; les points à explorer, en JSON dans "
        "chaque dessin, en font une bonne part. Dash démarre ensuite et monte toute la page en "
        "un rendu de React, qu'on ne peut pas découper (1 à 2,5 s à 4×) : c'est le coût de "
        "Dash, compté à part."
    ),
    "volume": (
        "Volume : la série nationale mensuelle est calculée par une requête indexée (clé primaire "
        "indicator, dimension, member, date) ; son temps croît avec le nombre de jours, pas avec "
        "le nombre d'indicateurs. Le p95 sur une machine chargée dépasse parfois le p50 de loin. "
        "Une lecture telle que publiée suit le même plan (clé primaire, filtre de version sur "
        "les lignes parcourues) : plus de 2× l'actuelle viendrait d'un autre plan (voir le plan "
        "rapporté) ou d'une mesure perturbée (voir la charge)."
    ),
}


def _num(value, decimals: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return text


def load_figures(figures: dict) -> str:
    """Return one load run's figures: percentiles, throughput, errors and the machine's load."""
    cpu = figures.get("cpu_serveur_us_par_requete")
    return (
        f"p50 {_num(figures['p50_ms'], 1)} ms, p90 {_num(figures.get('p90_ms'), 1)} ms, "
        f"p99 {_num(figures['p99_ms'], 1)} ms, {_num(figures['debit_par_s'])} req/s, "
        f"{figures['erreurs']} erreur(s), charge {_num(figures.get('charge_1min'), 1)}"
        + (f", CPU du serveur {_num(cpu)} µs par requête" if cpu is not None else "")
    )


def _ok(met: bool | None) -> str:
    return "—" if met is None else ("oui" if met else "**non**")


def rows(result: dict) -> list[tuple[str, str, str, str, bool | None, str]]:
    """Return (domain, measure, target, figure, met, ratio) for every target."""
    out = []
    transfer = result.get("transfert", {})
    base = transfer.get("reference_dash", {})
    pages = (
        ("accueil", "accueil", 600),
        ("indicateur", "page d'indicateur", 600),
        ("integration", "page d'intégration", 450),
    )
    for name, label, limit in pages:
        figure = transfer.get(name)
        if figure is None:
            out.append(
                (
                    "transfert",
                    f"1re visite, {label}",
                    f"≤ {limit} ko",
                    "non mesuré (pages d'intégration absentes)",
                    None,
                    "",
                )
            )
            continue
        ratio = (
            f"÷{_num(base['premiere_visite_ko'] / figure['premiere_visite_ko'], 1)}"
            if base and figure["premiere_visite_ko"]
            else ""
        )
        out.append(
            (
                "transfert",
                f"1re visite, {label}",
                f"≤ {limit} ko",
                f"{_num(figure['premiere_visite_ko'], 1)} ko",
                figure["premiere_visite_ko"] <= limit and figure["graphiques_dessines"],
                f"{ratio} (Dash : {_num(base.get('premiere_visite_ko'), 1)} ko)",
            )
        )
        if "lecture_seule_ko" in figure:
            out.append(
                (
                    "transfert",
                    f"1re visite sans geste (lecture), {label}",
                    "—",
                    f"{_num(figure['lecture_seule_ko'], 1)} ko",
                    None,
                    "",
                )
            )
        out.append(
            (
                "transfert",
                f"visite suivante, {label}",
                "données seules",
                f"{_num(figure['visite_suivante_ko'], 1)} ko : "
                + (", ".join(figure["visite_suivante_retelecharge"]) or "rien"),
                all(
                    not path.startswith(("/assets", "/_dash-component"))
                    for path in figure["visite_suivante_retelecharge"]
                ),
                "",
            )
        )
    for name, scores in result.get("lighthouse", {}).items():
        if name in (BASELINE, SEPARATELY):
            continue
        for preset, limit in (("mobile", 90), ("desktop", 95)):
            figure = scores.get(preset, {})
            reference = result["lighthouse"].get("reference_dash", {}).get(preset, {})
            score = figure.get("score")
            out.append(
                (
                    "Lighthouse",
                    f"{name}, {preset}",
                    f"≥ {limit}",
                    _num(score) if score is not None else figure.get("erreur", "—"),
                    None if score is None else score >= limit,
                    f"Dash : {_num(reference.get('score'))}"
                    + (
                        f" ; passages : {', '.join(_num(run) for run in figure['passages'])}"
                        if figure.get("passages")
                        else ""
                    ),
                )
            )
    out += gestures(result.get("gestes", {}))
    server = result.get("serveur", {})
    reference = server.get("reference_dash_callback", {})
    for name, label in (("graphique", "rappel de graphique"), ("api", "appel d'API")):
        cached = server.get(f"{name}_en_cache")
        if cached is None:
            out.append(
                (
                    "serveur",
                    f"{label} en cache",
                    "p99 ≤ 25 ms",
                    "non mesuré (API absente)",
                    None,
                    "",
                )
            )
            continue
        wrong = cached.get("reponses_differentes", 0)
        out.append(
            (
                "serveur",
                f"{label} en cache, 32 connexions",
                "p99 ≤ 25 ms, 0 erreur",
                load_figures(cached) + f", {wrong} réponse(s) "
                f"différente(s) de l'attendue sur {_num(cached['requetes'])}",
                cached["p99_ms"] <= 25 and cached["erreurs"] == 0 and wrong == 0,
                f"Dash : p99 {_num(reference.get('p99_ms'), 1)} ms, "
                f"{_num(reference.get('debit_par_s'))} req/s, CPU "
                f"{_num(reference.get('cpu_serveur_us_par_requete'))} µs par requête",
            )
        )
        ratio = server.get(f"{name}_rapport_debit")
        uncached = server.get(f"{name}_sans_cache", {})
        repeated = " (des requêtes se sont répétées)" if uncached.get("requetes_repetees") else ""
        out.append(
            (
                "serveur",
                f"{label} : débit en cache / sans cache (requêtes toutes différentes)",
                "≥ 8",
                f"{_num(ratio, 1)} (sans cache : {_num(uncached.get('debit_par_s'))} req/s, "
                f"p99 {_num(uncached.get('p99_ms'), 1)} ms, "
                f"{uncached.get('erreurs', 0)} erreur(s){repeated})",
                None if ratio is None else ratio >= 8 and not repeated,
                "",
            )
        )
    for factor, figure in result.get("volume", {}).items():
        if figure.get("mesure_anterieure"):
            factor = f"{factor} (mesuré à part le {figure.get('date', '?')[:10]})"
        out.append(
            (
                "volume",
                f"{factor} ({_num(figure['lignes'])} lignes, "
                f"{_num(figure['annees'], 1)} ans) : série nationale mensuelle sans cache",
                "p50 ≤ 20 ms",
                f"p50 {_num(figure['serie_p50_ms'], 1)} ms, "
                f"p95 {_num(figure['serie_p95_ms'], 1)} ms",
                figure["serie_p50_ms"] <= 20,
                "",
            )
        )
        out.append(
            (
                "volume",
                f"{factor} : fichier de la base",
                "indiqué",
                f"{_num(figure['fichier_mo'], 1)} Mo",
                None,
                "",
            )
        )
        out.append(
            (
                "volume",
                f"{factor} : mémoire d'un processus gunicorn",
                "< 200 Mo",
                f"{_num(figure['rss_worker_mo'], 1)} Mo",
                figure["rss_worker_mo"] < 200,
                "",
            )
        )
        out += versioned_rows(factor, figure)
    for setup, figure in result.get("endurance", {}).items():
        growth = figure["croissance_memoire"]
        out.append(
            (
                "endurance",
                f"{SOAK_SETUPS[setup]} : mémoire des processus, de la fin du préchauffage à la "
                f"fin ({len(figure['tranches'])} × {figure['tranche_s']} s de trafic mêlé)",
                "< +10 %, aucune erreur",
                ", ".join(f"{_percent(g)}" for g in growth.values())
                + f", {figure['erreurs']} erreur(s)"
                + ("" if figure["prechauffage"]["complet"] else ", préchauffage incomplet"),
                figure["objectif_atteint"],
                "",
            )
        )
    return out


# The reads timed in each state of the data (benchmarks/scale.py): what each reads.
VERSIONED_READS = {
    "serie": "série nationale mensuelle",
    "ventilation": "ventilation par département sur un an",
}
# A read as published earlier may cost this much more than the current read.
VERSIONED_LIMIT = 2


def _ratios(versions: dict, read: str) -> dict[str, float]:
    """Return a read's ratios as published earlier (by number, by date) to current, at p50."""
    timings = versions[read]
    return {
        state: timings[state]["p50_ms"] / timings["actuelle"]["p50_ms"]
        for state in ("publication", "date")
    }


def _states(versions: dict, read: str) -> str:
    """Return a read's timings in each state, the earlier ones with their ratio to the current."""
    timings, ratios = versions[read], _ratios(versions, read)
    names = {
        "actuelle": "actuelle",
        "publication": f"n° {versions['publication']}",
        "date": f"au {versions['date']}",
    }
    return " ; ".join(
        f"{name} p50 {_num(timings[state]['p50_ms'], 1)} ms, "
        f"p95 {_num(timings[state]['p95_ms'], 1)} ms"
        + (f" (×{_num(ratios[state], 2)})" if state in ratios else "")
        for state, name in names.items()
    )


def versioned_rows(factor: str, figure: dict) -> list[tuple[str, str, str, str, bool | None, str]]:
    """The rows of the reads as published earlier beside the current ones, and of their plan."""
    versions = figure.get("versions")
    if versions is None:  # measured before publications
        return []
    out = []
    if "installation_demo_s" in figure:
        out.append(
            (
                "volume",
                f"{factor} : installation de la démonstration (`barometre demo`, "
                f"{versions['publications']} publications)",
                "indiqué",
                f"{_num(figure['installation_demo_s'], 1)} s",
                None,
                "",
            )
        )
    for read, label in VERSIONED_READS.items():
        out.append(
            (
                "volume",
                f"{factor} : {label} sans cache, telle que publiée et actuelle, sur ce que "
                f"la publication n° {versions['publication']} contient",
                f"≤ {VERSIONED_LIMIT}× l'actuelle",
                _states(versions, read),
                max(_ratios(versions, read).values()) <= VERSIONED_LIMIT,
                "",
            )
        )
    plans = versions["plans"]
    out.append(
        (
            "volume",
            f"{factor} : plan des lectures telles que publiées (EXPLAIN QUERY PLAN)",
            "clé primaire, comme l'actuelle",
            " ; ".join(sorted({plan for by_state in plans.values() for plan in by_state.values()})),
            all(
                plan == by_state["actuelle"] and "USING PRIMARY KEY" in plan
                for by_state in plans.values()
                for plan in by_state.values()
            ),
            "",
        )
    )
    return out


SOAK_SETUPS = {
    "sqlite": "SQLite, 2 processus",
    "postgresql_redis": "PostgreSQL + Redis, 2 instances",
}


def gestures(figures: dict) -> list[tuple[str, str, str, str, bool | None, str]]:
    """The rows of a reader's gestures on a slow phone (benchmarks/first_move.py)."""
    out = []
    base = figures.get(BASELINE, {})
    base_read = base.get("lecture", {})
    base_change = base.get("changement", {})
    for name, figure in figures.items():
        if name in (BASELINE, SEPARATELY):
            continue
        where = f"{name}, processeur 4× plus lent, téléphone"
        if figure.get("mesures", 1) > 1:
            where += f", médiane de {figure['mesures']} visites"
        read, change = figure["lecture"], figure["changement"]
        out.append(
            (
                "lecture",
                f"{where} : défiler et survoler les graphiques",
                "≤ 60 ko, aucune tâche > 50 ms",
                f"{_num(read['octets_ko'], 1)} ko, tâche la plus longue "
                f"{_num(read['tache_max_ms'])} ms"
                + (", Dash démarré" if read["dash_demarre"] else ", Dash non démarré"),
                read["octets_ko"] <= 60 and read["tache_max_ms"] <= 50,
                f"{_num(base_read.get('octets_ko'), 1)} ko, tâche la plus longue "
                f"{_num(base_read.get('tache_max_ms'))} ms (au chargement : "
                f"{_num(base_read.get('chargement_tache_max_ms'))} ms)",
            )
        )
        for key, label, limit in (
            ("premier", "premier changement d'une commande", 2500),
            ("suivant", "changement 4 s après", None),
        ):
            done = change[key]
            out.append(
                (
                    "interaction",
                    f"{where} : {label}",
                    "INP ≤ 200 ms"
                    + (
                        f", résultat ≤ {_num(limit / 1000, 1)} s"
                        if limit
                        else ", résultat rapporté"
                    ),
                    f"INP {_num(done['inp_ms'])} ms, résultat dessiné "
                    f"{_num(done['resultat_ms'])} ms après"
                    + (
                        f" ; graphiques dessinés par plotly.js : {done['graphiques_plotly']} "
                        f"sur {done['graphiques']} (les autres à l'approche du lecteur)"
                        if "graphiques" in done
                        else ""
                    ),
                    done["inp_ms"] <= 200 and (limit is None or done["resultat_ms"] <= limit),
                    f"INP {_num(base_change.get(key, {}).get('inp_ms'))} ms, résultat "
                    f"{_num(base_change.get(key, {}).get('resultat_ms'))} ms",
                )
            )
        own = max(read["script_site_max_ms"], change["script_site_max_ms"])
        out.append(
            (
                "interaction",
                f"{where} : plus long script, du site et (à part) de Dash, React et plotly.js",
                "site ≤ 50 ms",
                f"site {_num(own)} ms ; Dash, React et plotly.js "
                f"{_num(change['script_dash_plotly_max_ms'])} ms",
                own <= 50,
                f"Dash, React et plotly.js {_num(base_change.get('script_dash_plotly_max_ms'))} ms "
                f"(au chargement : {_num(base_read.get('chargement_tache_max_ms'))} ms)",
            )
        )
    return out


def _percent(ratio: float) -> str:
    return f"{'+' if ratio >= 0 else '−'}{_num(abs(ratio) * 100, 1)}{NBSP}%"


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
        "Pages en deux temps : le serveur envoie la page entière en HTML, graphiques dessinés en "
        "SVG avec leurs infobulles (prerender.py, drawings.py, assets/explore.js) ; Dash, React "
        "et plotly.js ne se chargent que lorsque le lecteur veut changer quelque chose (focus ou "
        "appui sur une commande, appui de la souris sur un graphique pour zoomer : "
        "assets/prerendered.js, assets/embed/embed.js) ; les scripts du site attendent la fin "
        "de l'analyse de la page (`defer`), sauf celui du thème, qui la peint dès l'abord dans le "
        "thème du lecteur. Lighthouse, qui ne touche pas la page, mesure le lecteur qui lit "
        "(médiane de cinq passages, comme le conseille sa documentation sur la variabilité, "
        "chaque score donné) ; le transfert « 1re visite » compte tout jusqu'aux "
        "graphiques interactifs de Dash ; « lecture » et « interaction » mesurent les gestes "
        "d'un lecteur sur téléphone, processeur ralenti 4 fois comme le préréglage mobile de "
        "Lighthouse (benchmarks/first_move.py : défilement et survol ; appui sur « Comparer avec "
        "l'année précédente » puis à nouveau 4 s après le résultat, INP selon l'API Event "
        "Timing, scripts selon l'API Long Animation Frames), chaque page demandée d'abord "
        "8 fois à la fois, autant de fois qu'il faut pour que trois tours de suite la reçoivent "
        "compressée au mieux, comme sur un site en service (chaque processus la garde alors en "
        "mémoire, compressée au mieux : answers.py). Les graphiques d'une page de Dash à plus "
        "d'un écran de la partie visible ne sont dessinés par plotly.js qu'à l'approche du "
        "lecteur (assets/deferred-charts.js) : le dessin du serveur y reste jusque-là.",
        "",
        "Serveur : `barometre serve` (2 processus, réglages par défaut) chargé par wrk (C, 2 fils, "
        "connexions gardées ouvertes quand le serveur le permet) sur la même machine, 32 "
        "connexions ; une erreur est une réponse non 2xx ou une erreur de connexion ; chaque "
        "réponse en cache est comparée octet pour octet aux deux formes de la réponse attendue "
        "(calculée, puis relue ; compressée vite, comme à la première réponse d'un processus, "
        "ou au mieux, comme ensuite) ; la charge de la machine (moyenne sur 1 min) est donnée "
        "avec chaque mesure.",
        "",
        "| Domaine | Mesure | Cible | Résultat | Atteinte | Référence Dash |",
        "|---|---|---|---|---|---|",
    ]
    for part, label, option in (
        ("serveur", "Serveur", "--server-only"),
        ("gestes", "Lecture et interaction", "--gestures-only"),
        ("lighthouse", "Lighthouse", "--lighthouse-only"),
    ):
        separately = result.get(part, {}).get(SEPARATELY)
        if separately:
            lines[-2:-2] = [
                f"{label} : mesuré à part le {separately['date']} (`benchmarks/run.py "
                f"{option}`, charge au départ {_num(separately['charge_1min'], 2)}), "
                "le reste de ce rapport restant celui de la date ci-dessus.",
                "",
            ]
    missed = set()
    for domain, measure, target, figure, met, ratio in rows(result):
        lines.append(f"| {domain} | {measure} | {target} | {figure} | {_ok(met)} | {ratio} |")
        if met is False:
            missed.add({"Lighthouse": "lighthouse"}.get(domain, domain))
    if not result.get("lighthouse"):
        lines += ["", "Lighthouse : non mesuré dans la variante rapide (`make bench-quick`)."]
    lines += configurations(result.get("serveur", {}).get("configurations", {}))
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
        lines += [
            f"- {NOTES[key]}"
            for key in ("transfert", "lighthouse", "lecture", "interaction", "serveur", "volume")
            if key in missed
        ]
    lines += volume(result.get("volume", {}))
    lines += endurance(result.get("endurance", {}))
    lines += measured_once()
    return "\n".join(lines) + "\n"


def configurations(figures: dict) -> list[str]:
    """Return the section comparing server configurations, measured one after the other."""
    if not figures:
        return []
    lines = [
        "",
        "## Serveur : configurations comparées",
        "",
        "Le rappel de graphique en cache, 32 connexions, dans la même exécution "
        "(`BAROMETRE_SERVER_THREADS`, `barometre serve --workers`) : les serveurs tournent "
        "ensemble et chacun est mesuré 3 s à tour de rôle, 3 tours ; le tour médian (par "
        "p99) est donné, avec le p99 de chaque tour.",
        "",
        "| Configuration | p50 | p90 | p99 (des 3 tours) | Débit | CPU par requête | "
        "Erreurs | Charge |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, run in figures.items():
        lines.append(
            f"| {name} | {_num(run['p50_ms'], 1)} ms | {_num(run['p90_ms'], 1)} ms | "
            f"{_num(run['p99_ms'], 1)} ms ("
            + " ; ".join(_num(p99, 1) for p99 in run.get("p99_des_tours_ms", []))
            + f") | {_num(run['debit_par_s'])} req/s | "
            f"{_num(run.get('cpu_serveur_us_par_requete'))} µs | "
            f"{run['erreurs'] + run.get('reponses_differentes', 0)} | "
            f"{_num(run.get('charge_1min'), 1)} |"
        )
    lines += [
        "",
        "Une réponse en cache coûte ≈ 15 µs de Python (intergiciel WSGI devant Flask, "
        "answers.py, au lieu de ≈ 150 µs à travers Flask) : le débit est celui de gunicorn. "
        "Des processus synchrones (défaut, `BAROMETRE_SERVER_THREADS=1`) servent une "
        "requête à la fois et ferment la connexion ; gthread (`BAROMETRE_SERVER_THREADS=2`) "
        "garde les connexions ouvertes et, pendant qu'un fil calcule une réponse lente, "
        "l'autre sert les réponses en cache. Mesuré à part (29 novembre 2026, wrk, 5 s) : "
        "en cache seul à charge 1,3 à 5, p99 de 13 à 29 ms en sync, de 15 à 51 ms avec "
        "2 fils, de 31 à 330 ms avec 4 (le GIL) ; avec 2 connexions de plus qui demandent "
        "des périodes nouvelles (charge 10), le rappel en cache garde 590 à 630 req/s et un "
        "p50 de 7 à 27 ms avec 2 fils, contre 52 à 141 req/s et un p50 de 124 à 535 ms en "
        "sync (p99 au-delà de 1 s dans les deux cas). gthread n'est pas le défaut : wrk y "
        "compte parfois une erreur de lecture par mesure (une connexion gardée ouverte "
        "fermée sans réponse, non expliquée), jamais en sync ; la cible est zéro erreur. Sur "
        "une machine chargée par d'autres travaux, l'ordre peut changer (tableau "
        "ci-dessus). "
        "La file d'attente des connexions (backlog 2048, "
        "défaut de gunicorn) n'est jamais pleine à 32 connexions (aucune erreur de "
        "connexion). Par la loi de Little, p50 ≈ 32 / débit. Les réponses entières restent "
        "gardées par processus : lues dans Redis (cache partagé), elles coûteraient ≈ 75 µs "
        "de plus par requête sur la boucle locale (mesuré à part, 3,2 ko, charge 7,7), "
        "contre 0,05 µs dans le dictionnaire du processus ; les données calculées "
        "(`Services.memoized`) sont, elles, partagées par les processus.",
    ]
    return lines


def volume(figures: dict) -> list[str]:
    """Return the data volume section: how each figure grows from 1× to 10× and 100×."""
    lines = [
        "",
        "## Volume de données",
        "",
        "1× est le jeu de démonstration (tous les indicateurs, toutes les ventilations, "
        "dont les 101 départements) ; 10× et 100× y ajoutent des indicateurs fictifs "
        "(copies lues par clé primaire et ajoutées dans l'ordre de la clé, avec les "
        "publications qui ont ajouté et remplacé chaque ligne : une préparation linéaire), "
        "ce qui multiplie les lignes sans changer la série interrogée. Les bases "
        "multipliées sont gardées dans `tmp/bench-volume` et reprises tant que la "
        "démonstration est la même. 100× (≈ 134 millions de lignes, ≈ 8,7 Go, ≈ 5 min de "
        "préparation) se mesure à part : `benchmarks/run.py --volume-only --scale 100` ; "
        "`make bench` reprend alors cette mesure, datée.",
        "",
    ]
    if "100x" not in figures:
        lines += ["100× : non mesuré (`benchmarks/run.py --volume-only --scale 100`).", ""]
    for factor, figure in figures.items():
        prepared = (
            "base reprise"
            if figure.get("base_reprise")
            else (f"préparation {_num(figure['preparation_s'], 1)} s")
        )
        if "installation_demo_s" in figure:
            prepared += (
                f", démonstration installée en {_num(figure['installation_demo_s'], 1)} s "
                f"(`barometre demo`, {figure['versions']['publications']} publications)"
            )
        lines.append(
            f"- {factor} : {_num(figure['lignes'])} lignes ({figure['periode']}), "
            f"base {_num(figure['fichier_mo'], 1)} Mo, série p50 "
            f"{_num(figure['serie_p50_ms'], 1)} ms, p95 "
            f"{_num(figure['serie_p95_ms'], 1)} ms, processus "
            f"{_num(figure['rss_worker_mo'], 1)} Mo, {prepared}, charge "
            f"{_num(figure.get('charge_1min'), 1)}"
            + (f", mesuré le {figure['date'][:10]}" if "date" in figure else "")
        )
    first = figures.get("1x")
    for factor, figure in figures.items():
        if first and factor != "1x":
            lines.append(
                f"- de 1× à {factor.replace('x', '×')} : "
                f"lignes ×{_num(figure['lignes'] / first['lignes'], 1)}, "
                f"fichier ×{_num(figure['fichier_mo'] / first['fichier_mo'], 1)}, série p50 "
                f"×{_num(figure['serie_p50_ms'] / first['serie_p50_ms'], 1)}, processus "
                f"×{_num(figure['rss_worker_mo'] / first['rss_worker_mo'], 2)}"
            )
    return lines + versioned(figures)


def versioned(figures: dict) -> list[str]:
    """Return the section of the reads as published earlier: what they cost, and why."""
    measured = {factor: figure for factor, figure in figures.items() if "versions" in figure}
    if not measured:
        return []
    ratios = [
        ratio
        for figure in measured.values()
        for read in VERSIONED_READS
        for ratio in _ratios(figure["versions"], read).values()
    ]
    lines = [
        "",
        "### Lectures telles que publiées",
        "",
        "Chaque ligne des observations porte la publication qui l'a ajoutée (`added_in`) et "
        "celle qui l'a remplacée (`replaced_in`) : lire les chiffres « tels que publiés à la "
        "publication N » (ou « le jour D », la dernière publication faite avant la fin de ce "
        "jour) est une "
        "seule requête, la même recherche par clé primaire que la lecture actuelle, filtrée par "
        "`added_in <= N AND (replaced_in IS NULL OR replaced_in > N)` au lieu de "
        "`replaced_in IS NULL` (et `date <= D` pour un jour). Les trois lectures sont mesurées "
        "sur ce que la publication du milieu de l'historique contient en entier (la série "
        "sur ses dates, la ventilation sur leur dernière année), chacune à son tour : "
        "elles lisent les mêmes lignes et donnent les mêmes points. "
        "`benchmarks/run.py --volume-only --scale 1,10` les mesure seules.",
        "",
        f"Coût : une lecture telle que publiée prend de ×{_num(min(ratios), 2)} à "
        f"×{_num(max(ratios), 2)} le temps de la lecture actuelle (p50, pour la cible "
        f"≤ {VERSIONED_LIMIT}×). Le filtre s'évalue pendant le même parcours de la clé, sur "
        "les lignes qu'il donne : une publication passée se lit dans les mêmes lignes que "
        "l'actuelle, et en garde moins. Quand le plan ne restreint que "
        "`(indicator=? AND dimension=?)`, la ventilation d'une année parcourt toutes les dates "
        "de la ventilation, dans les trois lectures : la clé (indicateur, ventilation, membre, "
        "date) ne restreint les dates qu'à membre donné.",
        "",
    ]
    for factor, figure in measured.items():
        versions = figure["versions"]
        lines.append(
            f"- {factor} ({versions['publications']} publications) : "
            + " ; ".join(
                f"{label} : {_states(versions, read)}" for read, label in VERSIONED_READS.items()
            )
        )
        for read, by_state in versions["plans"].items():
            plans = (
                f"les trois : `{by_state['actuelle']}`"
                if len(set(by_state.values())) == 1
                else " ; ".join(f"{state} : `{plan}`" for state, plan in by_state.items())
            )
            lines.append(f"  - plan, {VERSIONED_READS[read]}, {plans}")
    lines += [
        f"- {factor} : mesuré avant les publications, sans lectures telles que publiées"
        for factor in figures
        if factor not in measured
    ]
    return lines


def endurance(figures: dict) -> list[str]:
    """Return the soak section: warm-up, then each minute's latency, errors and memory."""
    if not figures:
        return []
    lines = [
        "",
        "## Endurance",
        "",
        "`benchmarks/soak.py` : chaque processus garde les réponses entières dans une mémoire "
        "bornée (`BAROMETRE_ANSWERS_MB`, 32 Mo par défaut) ; tant qu'elle n'est pas pleine, la "
        "mémoire croît par construction. Le préchauffage envoie des demandes jamais faites (7 "
        "téléchargements par l'API de huit ans de jours pour 1 rappel de graphique, sur des "
        "périodes nouvelles : chaque réponse est gardée), 32 connexions, jusqu'à recevoir deux "
        "fois ce que toutes les mémoires de réponses peuvent garder (pleines quelle que soit la"
        " part de chaque processus) ; les données calculées sont dans le cache fichier partagé "
        "ou dans Redis, hors des processus. Ensuite, par tranches d'une minute, un trafic mêlé "
        "sur 4 connexions qui n'attendent jamais : sur 20 demandes, 12 rappels de graphique et "
        "3 appels d'API déjà faits (les pages par défaut), 1 rappel et 1 appel d'API sur une "
        "période nouvelle, 2 pages (accueil, indicateurs, familles, les 101 départements) et 1 "
        "intégration. Cible : de la fin du préchauffage à la fin, chaque processus croît de "
        "moins de 10 %, aucune erreur, aucun processus remplacé. La variante rapide donne 1 Mo "
        "par processus pour vérifier la mécanique en quelques secondes : ses chiffres ne disent"
        " rien du réglage par défaut.",
    ]
    for setup, figure in figures.items():
        warm_up = figure["prechauffage"]
        lines += [
            "",
            f"### {SOAK_SETUPS[setup]}",
            "",
            f"{figure['processus']} processus, {figure['reponses_mo_par_processus']} Mo de "
            f"réponses chacun. Préchauffage : {_num(warm_up['octets_recus'] / 1e6, 1)} Mo reçus "
            f"sur {_num(warm_up['octets_vises'] / 1e6, 1)} visés en "
            f"{_num(warm_up['duree_s'])} s"
            + ("" if warm_up["complet"] else " (**incomplet** : la durée maximale est atteinte)")
            + ". Mémoire après le préchauffage : "
            + ", ".join(
                f"{_num(mb, 1)} Mo" for mb in figure["memoire_apres_prechauffage_mo"].values()
            )
            + ".",
            "",
            "| Tranche | p50 | p99 | Débit | Erreurs | Charge | Mémoire des processus |",
            "|---|---|---|---|---|---|---|",
        ]
        for number, minute in enumerate(figure["tranches"], start=1):
            lines.append(
                f"| {number} | {_num(minute['p50_ms'], 1)} ms | {_num(minute['p99_ms'], 1)} ms | "
                f"{_num(minute['debit_par_s'])} req/s | {minute['erreurs']} | "
                f"{_num(minute['charge_1min'], 1)} | "
                + ", ".join(f"{_num(mb, 1)} Mo" for mb in minute["memoire_mo"].values())
                + (" (liste rejouée)" if minute.get("requetes_repetees") else "")
                + " |"
            )
        lines += [
            "",
            "Croissance de la mémoire : "
            + ", ".join(_percent(g) for g in figure["croissance_memoire"].values())
            + (
                f" ; processus remplacés : {', '.join(figure['processus_remplaces'])}"
                if figure["processus_remplaces"]
                else ""
            )
            + ".",
        ]
    return lines


def summary(result: dict) -> str:
    """Return the figures table as plain text, for the terminal."""
    return "\n".join(
        f"{'  ' if met is None else ('OK' if met else 'KO')} {domain:<10} {measure} : {figure}"
        for domain, measure, target, figure, met, _ in rows(result)
    )


# Figures measured by hand, once, that a choice in the code rests on: the code says why, and
# points here for how much (comments carry no measurements). (file, what was measured.)
MEASURED_ONCE = (
    (
        "web/answers.py",
        "une réponse gardée coûte, en plus de ses octets, ≈ 0,7 ko d'objets Python (tuples, "
        "liste, en-têtes ; tracemalloc, une douzaine d'en-têtes) : `ENTRY_OVERHEAD` compte 1 ko",
    ),
    (
        "web/logs.py",
        "le journal d'accès de gunicorn rassemble ses « atomes » pour tout format : ≈ 100 µs des "
        "≈ 350 µs de processeur que coûte une réponse en cache",
    ),
    (
        "web/static.py",
        "compression à la volée au niveau rapide : quelques centaines de µs pour la plus grosse "
        "réponse de rappel",
    ),
    (
        "web/app.py",
        "@babel/polyfill, que Dash charge toujours et que le site retire : 29 ko compressés ; "
        "regenerator-runtime, seul nécessaire aux morceaux différés de dcc : 6 ko (brotli)",
    ),
    (
        "web/layouts/controls.py",
        "dash-bootstrap-components : 54 ko (brotli) pour deux contrôles ; un tableau d'une "
        "composante par cellule faisait 1 467 des 1 698 composantes de l'accueil",
    ),
    (
        "web/prerender.py",
        "lire les propriétés d'une composante par `vars` plutôt que `to_plotly_json` : environ "
        "dix fois moins cher",
    ),
    (
        "data/services.py",
        "le cache fichier de cachelib, passé son seuil de 5 000 entrées, relisait tout son "
        "dossier à chaque entrée nouvelle : pendant le préchauffage de l'endurance, les "
        "réponses reçues sont tombées de 14,7 Mo à 1,2 Mo par 30 s (6 décembre 2026) ; "
        "`FileCache` élague d'un coup à 80 % du seuil",
    ),
    (
        "data/store/dialects.py",
        "PostgreSQL : ≈ 50 s pour écrire ligne à ligne les 1,3 million de lignes de la "
        "démonstration, quelques secondes par COPY",
    ),
    (
        "Makefile",
        "`make test` d'un clone neuf sur cette machine à 2 cœurs, au repos (6 décembre 2026) : "
        "pytest en 830 s avec 2 processus de test, en 726 s avec 3 (1 983 et 1 985 tests) ; "
        "14 min 52 s et 12 min 59 s en tout, installations comprises ; avec 4 processus, pas "
        "plus vite (90 % des tests passés après 12 min, le 7 décembre 2026)",
    ),
)


def measured_once() -> list[str]:
    """Return the section of the figures measured by hand that the code's comments point to."""
    lines = [
        "",
        "## Mesures ponctuelles citées par le code",
        "",
        "Mesurées à la main, une fois, quand le code qui s'en réclame a été écrit ; `make bench` "
        "ne les refait pas. Le code dit pourquoi, ces chiffres disent combien.",
        "",
    ]
    return lines + [f"- `{path}` : {what}." for path, what in MEASURED_ONCE]
