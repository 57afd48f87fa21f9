"""Call a Dash callback over HTTP the way the browser's renderer does."""

from __future__ import annotations


def callback_payload(
    outputs: list[tuple[str, str]],
    inputs: list[tuple[str, str, object]],
    state: list[tuple[str, str, object]] = (),
) -> dict:
    """Return the JSON body of ``POST /_dash-update-component`` for these ids and values."""
    if len(outputs) == 1:
        output = f"{outputs[0][0]}.{outputs[0][1]}"
        outputs_json = {"id": outputs[0][0], "property": outputs[0][1]}
    else:
        output = ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        outputs_json = [{"id": i, "property": p} for i, p in outputs]
    return {
        "output": output,
        "outputs": outputs_json,
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{i}.{p}" for i, p, _ in inputs[:1]],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
    }


ROUTE = [("page", "children"), ("page-title", "data"), ("etat-page", "data")]


def route_payload(pathname: str, search: str = "") -> dict:
    """Return the body of the routing callback for a URL."""
    return callback_payload(
        ROUTE,
        [("url", "pathname", pathname), ("url", "search", search)],
        [("etat-page", "data", None)],
    )


def indicator_payload(
    indicator: str, start, end, granularity, departement="", event_clicks=0, compare_clicks=0
) -> dict:
    """Return the body of the indicator page's callback (``departement``: '' = France;
    checkboxes clicked as many times)."""
    from barometre.web.callbacks.indicator import OUTPUTS

    return callback_payload(
        OUTPUTS,
        [
            ("periode-debut", "value", start),
            ("periode-fin", "value", end),
            ("granularite", "value", granularity),
            ("departement-choix", "data", departement),
        ],
        [
            ("indicateur-identifiant", "data", indicator),
            ("afficher-evenements", "n_clicks", event_clicks),
            ("comparer-annee-precedente", "n_clicks", compare_clicks),
        ],
    )


def router_outputs(dependencies: list[dict]) -> list[tuple[str, str]]:
    """Return the outputs of the server-side routing callback, read from /_dash-dependencies.

    Tests that run against any version of the router use this rather than ``ROUTE``.
    """
    for dependency in dependencies:
        inputs = [(i["id"], i["property"]) for i in dependency["inputs"]]
        if inputs == [("url", "pathname"), ("url", "search")] and not dependency.get(
            "clientside_function"
        ):
            output = dependency["output"]
            names = output.strip(".").split("...") if output.startswith("..") else [output]
            return [tuple(name.rsplit(".", 1)) for name in names]
    raise LookupError("aucun callback de routage dans /_dash-dependencies")


def route_payload_for(dependencies: list[dict], pathname: str, search: str = "") -> dict:
    """Return the body of the routing callback for a URL, whatever the router's outputs."""
    return callback_payload(
        router_outputs(dependencies),
        [("url", "pathname", pathname), ("url", "search", search)],
        router_state(dependencies),
    )


def router_state(dependencies: list[dict]) -> list[tuple[str, str, object]]:
    """Return the state the routing callback reads (what the page shows), all empty."""
    for dependency in dependencies:
        inputs = [(i["id"], i["property"]) for i in dependency["inputs"]]
        if inputs == [("url", "pathname"), ("url", "search")] and not dependency.get(
            "clientside_function"
        ):
            return [(s["id"], s["property"], None) for s in dependency.get("state", [])]
    return []


def components(tree, type_name: str) -> list[dict]:
    """Every component of a given type in a component tree."""
    found = []
    if isinstance(tree, list):
        for item in tree:
            found += components(item, type_name)
    elif isinstance(tree, dict):
        if tree.get("type") == type_name:
            found.append(tree)
        for value in tree.get("props", {}).values():
            found += components(value, type_name)
    return found


def graph_figures(tree) -> list[dict]:
    """The figure of every ``dcc.Graph`` in a component tree."""
    return [graph["props"]["figure"] for graph in components(tree, "Graph")]
