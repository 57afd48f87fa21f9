"""The browser's logic against the Python that mirrors it: the same inputs, the same outputs.

assets/display.js and figures.set_display (the checkboxes on a figure), assets/addresses.js and
validation.Display, Urls.indicator (the permalink) run in Chromium over tables of cases drawn
from the whole catalogue; the page carries clientside.constants() and loads each script once,
with Dash, and every ClientsideFunction the app registers exists in assets/.
"""

from __future__ import annotations

import html as html_escape
import itertools
import json
import re
from urllib.parse import parse_qsl, urlsplit

import plotly.io
import pytest
from dash import html

from barometre.charts import figures
from barometre.publish import validation
from barometre.urls import Urls
from barometre.web import clientside, prerender, views
from barometre.web.app import ASSETS
from barometre.web.callbacks import indicator as indicator_callbacks

DISPLAYS = [validation.Display(e, c) for e, c in itertools.product((True, False), repeat=2)]
CLICKS = [None, 0, 1, 2, 3, 4, 5]
# The scripts of the clientside callbacks, and addresses.js and display.js, which indicator.js
# calls.
SCRIPTS = ["addresses.js", "display.js", "indicator.js", "embed-builder.js", "pages.js"]


@pytest.fixture(scope="module")
def scripts(browser):
    """A blank page with the site's <meta> and the scripts of its clientside callbacks."""
    page = browser.new_page()
    meta = clientside.meta_tag()
    page.set_content(
        f'<html><head><meta name="{meta["name"]}" content="{html_escape.escape(meta["content"])}">'
        "</head><body></body></html>"
    )
    for name in SCRIPTS:
        page.add_script_tag(path=str(ASSETS / name))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []
    page.close()


def normalised(figure) -> dict:
    """Return a figure as the JSON the browser gets (data and layout)."""
    plain = json.loads(plotly.io.to_json(figure, validate=False))
    return {"data": plain.get("data", []), "layout": plain.get("layout", {})}


def evolution_figures(services) -> list[tuple[str, dict]]:
    """Return (case, figure) for every indicator and granularity: the page's charts, as drawn."""
    found = []
    for indicator in services.catalogue.indicators:
        if services.store.bounds(indicator.id) is None:
            continue
        for granularity in indicator.granularities:
            results = indicator_callbacks.update(services, indicator.id, None, None, granularity)[0]
            tree = html.Div(results)
            graphs = [c for c in tree._traverse() if getattr(c, "_type", "") == "Graph"]
            found += [(f"{indicator.id}/{granularity}", normalised(g.figure)) for g in graphs]
    return found


# --- the checkboxes on a figure ------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_display_js_shows_and_hides_what_set_display_does(app, scripts):
    drawn = evolution_figures(app.services)
    assert any('"evenement"' in json.dumps(figure["layout"]) for _, figure in drawn), (
        "aucune figure ne porte d'événement : la table de cas ne prouve rien"
    )
    # Each figure crosses once; the browser applies every display to it.
    browser_side = scripts.evaluate(
        "([figures, displays, marks]) => figures.map((figure) => displays.map(([e, c]) =>"
        " window.barometreDisplay(figure, marks, e, c)))",
        [
            [figure for _, figure in drawn],
            [[d.events, d.comparison] for d in DISPLAYS],
            clientside.constants()["marks"],
        ],
    )
    for (name, figure), shown in zip(drawn, browser_side, strict=True):
        for display, result in zip(DISPLAYS, shown, strict=True):
            expected = normalised(figures.set_display(figure, display.events, display.comparison))
            assert result == expected, f"{name}, {display}"


@pytest.mark.browser
def test_the_click_counts_give_the_python_display(scripts):
    cases = list(itertools.product(CLICKS, CLICKS))
    shown = scripts.evaluate(
        "cases => cases.map(([e, c]) => window.barometre.displayFromClicks(e, c))", cases
    )
    for (events, comparison), result in zip(cases, shown, strict=True):
        expected = validation.display_from_clicks(events, comparison)
        assert validation.Display(result["events"], result["comparison"]) == expected


# --- the permalink ------------------------------------------------------------------------------


def permalink_cases(services) -> list[dict]:
    """Every indicator, granularity and display; all France and every département it breaks
    down into, over the indicator's whole span."""
    codes = services.catalogue.breakdowns[views.DEPARTEMENT].codes
    cases = []
    for indicator in services.catalogue.indicators:
        bounds = services.store.bounds(indicator.id)
        if bounds is None:
            continue
        places = [None, *codes] if views.DEPARTEMENT in indicator.breakdowns else [None]
        for granularity, display, place in itertools.product(
            indicator.granularities, DISPLAYS, places
        ):
            cases.append(
                {
                    "indicator": indicator.id,
                    "start": bounds[0].isoformat(),
                    "end": bounds[1].isoformat(),
                    "granularity": granularity,
                    "departement": place,
                    "events": display.events,
                    "comparison": display.comparison,
                }
            )
    return cases


# The page's address as the two scripts write it: the checkboxes first, then the controls.
PERMALINK = """([cases, names]) => cases.map((c) => window.barometre.permalinkSearch(
    c.start, c.end, c.granularity, c.departement,
    window.barometre.displaySearch(c.events, c.comparison, "", names), names))"""


@pytest.mark.browser
def test_the_permalink_is_the_address_python_builds(app, scripts):
    cases = permalink_cases(app.services)
    assert any(c["departement"] for c in cases)
    searches = scripts.evaluate(PERMALINK, [cases, clientside.constants()["display"]])
    urls = Urls("/")
    for case, search in zip(cases, searches, strict=True):
        display = validation.Display(case["events"], case["comparison"])
        expected = urls.indicator(
            case["indicator"],
            debut=case["start"],
            fin=case["end"],
            granularite=case["granularity"],
            departement=case["departement"],
            **display.params(),
        )
        assert search == "?" + urlsplit(expected).query, case
        # And the routing callback reads back the same display.
        assert validation.display_from_params(dict(parse_qsl(search[1:]))) == display, case


# Malformed values (an empty one is not: Python reads it as the default, the script waits).
@pytest.mark.parametrize(
    ("start", "end", "granularity"),
    [
        ("01/01/2025", "2025-03-31", "mois"),
        ("2025-1-1", "2025-03-31", "mois"),
        ("2025-01-01", "31/03/2025", "mois"),
        ("2025-03-31", "2025-01-01", "mois"),
    ],
)
@pytest.mark.browser
def test_a_period_the_script_leaves_out_is_one_python_refuses(
    app, scripts, start, end, granularity
):
    names = clientside.constants()["display"]
    search = scripts.evaluate(
        "([s, e, g, names]) => window.barometre.permalinkSearch(s, e, g, null, '', names)",
        [start, end, granularity, names],
    )
    assert search is None
    indicator = app.services.catalogue.indicators[0]
    bounds = app.services.store.bounds(indicator.id)
    with pytest.raises(validation.InvalidInput):
        validation.query(indicator, bounds, start, end, granularity)


@pytest.mark.browser
def test_a_checkbox_changes_only_its_own_parameter(scripts):
    base = {"debut": "2025-01-01", "fin": "2025-03-31", "granularite": "mois", "departement": "2A"}
    names = clientside.constants()["display"]
    cases = [(before, after) for before in DISPLAYS for after in DISPLAYS]
    currents = [
        "?" + urlsplit(Urls("/").indicator("x", **base, **b.params())).query for b, _ in cases
    ]
    searches = scripts.evaluate(
        "([cases, names]) => cases.map(([current, events, comparison]) =>"
        " window.barometre.displaySearch(events, comparison, current, names))",
        [[[c, a.events, a.comparison] for c, (_, a) in zip(currents, cases, strict=True)], names],
    )
    for (before, after), search in zip(cases, searches, strict=True):
        params = dict(parse_qsl(search.lstrip("?")))
        assert validation.display_from_params(params) == after, (before, after)
        assert params == {**base, **after.params()}, (before, after)


# --- the page that runs them --------------------------------------------------------------------


def test_the_page_carries_the_constants_the_scripts_read(client):
    page = client.get("/").get_data(as_text=True)
    meta = re.search(rf'<meta name="{clientside.META_NAME}" content="([^"]*)">', page)
    assert meta, "la page n'a pas la <meta> que lisent les scripts de assets/"
    assert json.loads(html_escape.unescape(meta.group(1))) == clientside.constants()


@pytest.mark.parametrize("script", SCRIPTS)
def test_each_script_comes_once_with_dash_before_its_renderer(client, script):
    page = client.get("/").get_data(as_text=True)
    template = page.split(f'<template id="{prerender.ON_DEMAND_ID}">', 1)[1]
    template, outside = template.split("</template>", 1)
    assert len(re.findall(rf"/assets/{re.escape(script)}\?", page)) == 1
    if f"/assets/{script}" in prerender.AT_LOAD:
        # needed before Dash too, by the server's copy: there before Dash's scripts run
        assert f"/assets/{script}?" in outside
        return
    assert f"/assets/{script}?" in template, "hors du chargement à la demande de Dash"
    assert template.index(f"/assets/{script}?") < template.index('id="_dash-renderer"')


@pytest.mark.browser
def test_every_clientside_function_is_defined_in_the_assets(client, scripts):
    dependencies = client.get("/_dash-dependencies").get_json()
    named = {
        (d["clientside_function"]["namespace"], d["clientside_function"]["function_name"])
        for d in dependencies
        if d.get("clientside_function")
    }
    assert ("indicator", "display") in named
    defined = scripts.evaluate(
        "named => named.map(([ns, fn]) => typeof (window.dash_clientside[ns] || {})[fn])",
        sorted(named),
    )
    assert dict(zip(sorted(named), defined, strict=True)) == dict.fromkeys(named, "function")
