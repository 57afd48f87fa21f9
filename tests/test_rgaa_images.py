"""RGAA 4.1, theme 1 (images) and criteria 3.1 and 3.3 (colours): what a machine can decide of
the site's images, charts and map (issue 24).

Images: the checks (tests/image_checks.py) run in the URL walk on every page and embed the site
serves (tests/test_walk.py: every indicator's page at each granularity, display and period,
every département, every embed the builder gives), and here on the pages of the site map and
the 404, read as served (the server's copy of the page, which Dash's page repeats from the same
layouts). The charts are drawn twice, a server drawing that plotly.js later covers: both are
hidden from assistive technologies when the chart's table is on the page, since the figure's
caption (the summary) and the table give the same information in text; a chart without data
is an image named by its message. The map is a group of named links.

Colours: series told apart without colour (dash, marker, legend) in every drawing served and in
every plotly trace the builders make; the map's classes by name, legend and table; contrasts of
3:1 for chart lines, bars, the modebar and the map against the backgrounds they are drawn on, and
of every form control against its own, in both themes (Chromium).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import walk
from chart_data import DEMANDES, event, incomplete, national, per_member
from colours import contrast, luminance
from factories import MOTIF
from image_checks import colour_only_problems, image_problems, map_colour_problems
from test_accessibility import open_page, set_theme

from barometre.charts import build, drawings, figures, maps
from barometre.charts.figures import THEMES
from barometre.charts.model import EmptyChart, TimeChart
from barometre.charts.summaries import NO_DATA
from barometre.urls import Urls
from barometre.web import prerender, views
from barometre.web.app import ASSETS, create_app
from barometre.web.layouts.common import chart_block

NOT_FOUND = "/page-qui-n-existe-pas"


# -- the pages -------------------------------------------------------------------------------


def sitemap_urls(client, urls: Urls) -> list[str]:
    """Every page of the site map and the 404: the walk requests indicators' pages with their
    parameters, and no page but an indicator's."""
    sitemap = walk.copy_document(client.get(urls.path("/plan-du-site")).get_data(as_text=True))
    main = sitemap.find(lambda e: e.tag == "main")
    found = [urls.path("/plan-du-site"), NOT_FOUND]
    for link in main.find_all(lambda e: e.tag == "a" and e.attrs.get("href", "").startswith("/")):
        if link.attrs["href"] not in found:
            found.append(link.attrs["href"])
    return found


@pytest.fixture(scope="module")
def site(demo_settings):
    """The site map's pages as served, by URL (each requested once for the module)."""
    client = create_app(demo_settings).server.test_client()
    urls = Urls(demo_settings.url_prefix)
    pages = {}
    for url in sitemap_urls(client, urls):
        response = client.get(url)
        assert response.status_code == (404 if url == NOT_FOUND else 200), url
        pages[url] = response.get_data(as_text=True)
    return pages


def images(markup: str) -> list[str]:
    """What the image checks find wrong with a page, parsed as the walk parses it."""
    return image_problems(markup, walk.copy_document(markup))


def test_every_image_is_hidden_or_named_and_every_chart_is_told_in_text(site):
    """RGAA 1.1, 1.2, 1.3, 1.6, 1.9 (and 1.4, 1.5, 1.8 non applicable: no CAPTCHA, no bitmap
    image), on every page of the site map (the walk checks every other page and embed)."""
    problems = {url: found for url, markup in site.items() if (found := images(markup))}
    assert not problems, "\n".join(f"{url} : {found[:3]}" for url, found in problems.items())


CHART = (
    '<section class="chart-block"><figure role="figure" aria-label="{label}">'
    '<div class="chart-box">{drawing}</div><figcaption><p>{summary}</p><p>Source.</p>'
    "</figcaption></figure>{table}</section>"
)
SUMMARY = "Demandes par mois, de janvier à mars 2025 : 3 demandes en mars."
HIDDEN = '<div class="svg-chart" aria-hidden="true"><svg class="svg-area"></svg></div>'
TABLE = (
    '<details class="chart-data"><summary>Voir les données</summary>'
    "<table><tr><th>Mois</th></tr><tr><td>1</td></tr></table></details>"
)
EMPTY = '<div class="svg-chart svg-empty" role="img" aria-label="{0}"><p>{0}</p></div>'


def _chart(drawing: str = HIDDEN, table: str = TABLE, summary: str = SUMMARY, label=None) -> str:
    label = f"{summary} Source." if label is None else label
    return CHART.format(drawing=drawing, table=table, summary=summary, label=label)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (_chart(), []),
        (
            _chart(
                '<h2 id="t">Carte</h2><svg class="carte-svg" role="group" aria-labelledby="t">'
                '<g aria-hidden="true"><rect/></g><g class="carte-departements">'
                '<a href="/x" aria-label="Gironde : 12 demandes" data-departement="33"><path/>'
                "</a></g></svg>",
                table="",
            ),
            ["carte : sans tableau de ses données après sa figure (1.6)"],
        ),
        (_chart(drawing=EMPTY.format("Aucune donnée"), table=""), []),
        (
            _chart(drawing=HIDDEN.replace('<svg class="svg-area">', "<svg><title>Courbe</title>")),
            ["dessin svg-chart : élément <title> dans un dessin masqué (1.2)"],
        ),
        (
            _chart(drawing=HIDDEN.replace("<svg ", '<svg aria-label="Courbe" ')),
            ["dessin svg-chart : aria-label dans un dessin masqué (1.2)"],
        ),
        (
            _chart(drawing=HIDDEN.replace(' aria-hidden="true"', "")),
            ["dessin svg-chart : ni masqué ni image nommée (1.1)"],
        ),
        (
            _chart(drawing=EMPTY.format("Aucune donnée").replace('="Aucune', '="Rien'), table=""),
            ["dessin svg-chart svg-empty : alternative « Rien donnée » autre que son texte (1.3)"],
        ),
        (
            _chart(table=""),
            ["dessin svg-chart : sans tableau de ses données après sa figure (1.6)"],
        ),
        (
            _chart(table=TABLE.replace("<tr><td>1</td></tr>", "")),
            ["dessin svg-chart : sans tableau de ses données après sa figure (1.6)"],
        ),
        (
            _chart(summary="Demandes."),
            ["dessin svg-chart : sans résumé dans la légende de sa figure (1.6)"],
        ),
        (
            _chart(label="Évolution"),
            [
                f"figure dont l'aria-label « Évolution » n'est pas sa légende « {SUMMARY} "
                "Source. » (1.9)"
            ],
        ),
        (
            _chart().replace(' role="figure"', ""),
            ["figure légendée sans role figure ou group (1.9)"],
        ),
        (
            '<p>Logo</p><img src="/logo.png" alt="">',
            ["image <img> : les critères 1.1 à 1.9 sont à auditer"],
        ),
        ("<canvas></canvas>", ["image <canvas> : les critères 1.1 à 1.9 sont à auditer"]),
        ('<svg><path d="M0 0"/></svg>', ["<svg> exposé sans role=img ni alternative (1.1) : {}"]),
        ('<svg aria-hidden="true"><path d="M0 0"/></svg>', []),
        ('<span role="img"></span>', ["image role=img sans alternative (1.1) : {'role': 'img'}"]),
        (
            '<form><div class="g-recaptcha"></div></form>',
            ["un CAPTCHA : les critères 1.4 et 1.5 sont à auditer"],
        ),
        (
            # The copy of a page prefixes its ids: a reference left bare names nothing.
            _chart(
                '<h2 id="prerendu-t">Carte</h2><svg class="carte-svg" role="group" '
                'aria-labelledby="t"><g class="carte-departements"></g></svg>'
            ),
            ["carte sans rôle group nommé par son titre (1.1)"],
        ),
        (
            _chart(
                '<h2 id="t">Carte</h2><svg class="carte-svg" role="group" aria-labelledby="t">'
                '<g class="carte-encarts"><rect/></g><g class="carte-departements">'
                '<a href="/x" data-departement="33"><path/></a></g></svg>'
            ),
            [
                "carte : partie <g> non masquée (1.2)",
                "carte : départements sans nom ['33'] (1.1)",
            ],
        ),
    ],
)
def test_the_image_checks_find_what_they_look_for(markup, expected):
    assert images(f"<!DOCTYPE html><html lang='fr'><body>{markup}</body></html>") == expected


UNNAMED_IMAGE = re.compile(r"^(\s*)- img\s*$")
# A named button, with its states if any (« - button "Zoom" [pressed]: »).
NAMED_BUTTON = re.compile(r'^\s*- button "[^"]+"( \[[a-z=" ]+\])*:$')


def unnamed_images(snapshot: str) -> list[str]:
    """The images without a name in Chromium's accessibility tree (an ARIA snapshot), but for
    the icon of a named button (plotly.js's modebar: the button's name is the icon's)."""
    lines = snapshot.splitlines()
    return [
        f"image sans nom après « {lines[i - 1].strip() if i else ''} »"
        for i, line in enumerate(lines)
        if UNNAMED_IMAGE.match(line) and not (i and NAMED_BUTTON.match(lines[i - 1]))
    ]


def test_the_unnamed_image_check_finds_them():
    named = '- button "Zoom":\n  - img\n- button "Zoom" [pressed]:\n  - img\n- img "Aucune donnée"'
    assert unnamed_images(named) == []
    assert unnamed_images(named + '\n- link "Plan du site"\n- img') == [
        'image sans nom après « - link "Plan du site" »'
    ]


# -- 3.1: no information by colour alone -------------------------------------------------------


def test_no_served_drawing_tells_its_series_apart_by_colour_alone(site):
    """On every page of the site map (the walk checks every other page and embed)."""
    problems = {
        url: found
        for url, markup in site.items()
        if (found := colour_only_problems(walk.copy_document(markup)))
    }
    assert not problems, "\n".join(f"{url} : {found[:3]}" for url, found in problems.items())
    # The check met drawings with several series: the year-ago overlay and the current period.
    assert any(markup.count('class="svg-legend"') for markup in site.values())


def _served_chart(chart):
    return walk.copy_document(drawings.chart_html(chart, hidden=True))


def test_the_colour_check_finds_series_told_apart_by_colour_alone():
    frame = national([5.0, 6.0, 7.0])
    previous = national([4.0, 5.0, 6.0], start="2024-01-01")
    chart = build.time_series(frame, DEMANDES, "mois", previous=previous)
    chart = chart.with_display(events=True, comparison=True)
    assert colour_only_problems(_served_chart(chart)) == []
    # The same overlay drawn as a plain line, in another colour only.
    main, overlay = chart.series
    plain = TimeChart(
        series=(main, replace(overlay, dash="solid", markers=main.markers)),
        granularity="mois",
        values=chart.values,
        legend=True,
        show_comparison=True,
    )
    assert colour_only_problems(_served_chart(plain)) == [
        f"« {DEMANDES.title} » et « Même période, un an avant » ne diffèrent que par la couleur"
        " (3.1)"
    ]
    unnamed = TimeChart(plain.series, "mois", chart.values, legend=False, show_comparison=True)
    assert colour_only_problems(_served_chart(unnamed)) == [
        "2 séries et 0 entrées de légende (3.1)"
    ]


def _plotly_signatures(figure) -> list[tuple]:
    """What tells each trace of a plotly figure apart besides its colour: its mode, dash and
    marker symbol (the marker only when drawn)."""
    return [
        (
            trace.mode,
            trace.line.dash or "solid",
            trace.marker.symbol if "markers" in (trace.mode or "") else None,
        )
        for trace in figure.data
    ]


def every_time_model() -> list[TimeChart]:
    """Each kind of line chart the builders make: the series with its incomplete period, the
    year-ago overlay (a marker on every point of a short series, spread along a long one) and
    an event; a small breakdown's members, as many as a chart takes, short and long."""
    charts = []
    for count in (3, 60):
        values = [float(v) for v in range(1, count + 1)]
        frame = incomplete(values, start="2020-01-01")
        chart = build.time_series(
            frame,
            DEMANDES,
            "mois",
            events=[event("Ouverture", "2020-02-10")],
            previous=national(values, start="2019-01-01"),
        )
        charts.append(chart.with_display(events=True, comparison=True))
        codes = [f"m{i}" for i in range(build.SERIES_MAX_MEMBERS)]
        breakdown = replace(MOTIF, members=tuple((c, c.upper()) for c in codes))
        frame = per_member({c: values for c in codes}, start="2020-01-01")
        charts.append(build.member_series(frame, DEMANDES, breakdown, "mois"))
    return charts


@pytest.mark.parametrize("theme", THEMES)
def test_every_kind_of_line_chart_tells_its_series_apart_without_colour(theme):
    """In plotly.js's drawing and in the server's, every pair of series shown together differs
    by its dash or its markers, and a legend names each."""
    charts = every_time_model()
    assert {len(c.shown()) for c in charts} >= {3, build.SERIES_MAX_MEMBERS}
    for chart in charts:
        figure = figures.plotly_figure(chart, theme)
        signatures = _plotly_signatures(figure)
        assert len(set(signatures)) == len(signatures), signatures
        assert figure.layout.showlegend is True
        assert colour_only_problems(_served_chart(chart)) == []


def map_colours(markup: str) -> list[str]:
    """What the map's colour check finds wrong with a page, parsed as the walk parses it."""
    return map_colour_problems(walk.copy_document(markup))


def test_the_map_tells_its_classes_otherwise_than_by_colour(site):
    """On every page of the site map (the walk checks every other page)."""
    maps_seen = [url for url, markup in site.items() if 'class="carte-svg"' in markup]
    assert maps_seen
    problems = {url: found for url in maps_seen if (found := map_colours(site[url]))}
    assert not problems, problems
    style = (ASSETS / "carte.css").read_text(encoding="utf-8")
    assert re.search(r"\.masque path \{ fill: url\(#" + maps.HATCH_ID, style)
    assert re.search(r"\.vide path \{[^}]*stroke-dasharray", style)
    # The check finds a map whose links say nothing of their value, or a class out of legend.
    first = site[maps_seen[0]]
    unvalued = re.sub(r'aria-label="[^"]*"( data-departement)', r'aria-label="Ain"\1', first)
    assert "département 01 sans sa valeur" in map_colours(unvalued)
    assert map_colours(first.replace('class="carte-pastille c1"', 'class="carte-pastille"'))


# -- 3.3: contrast of graphic elements and controls --------------------------------------------


def _custom_property(css: str, selector: str, name: str) -> str:
    """The value of custom property ``name`` in the first rule of ``css`` for ``selector``."""
    rule = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css)
    value = re.search(re.escape(name) + r"\s*:\s*(#[0-9a-fA-F]{3,6})\b", rule.group(1))
    return _six(value.group(1))


def backgrounds() -> dict[str, list[str]]:
    """By chart theme, the backgrounds its charts are drawn on: the site's body (Bootstrap's
    light and dark) and the embeds' (embed.css), read from the style sheets."""
    bootstrap = (ASSETS / "vendor" / "bootstrap.min.css").read_text(encoding="utf-8")
    embed = (ASSETS / "embed" / "embed.css").read_text(encoding="utf-8")
    return {
        "clair": [
            _custom_property(bootstrap, ":root,[data-bs-theme=light]", "--bs-body-bg"),
            _custom_property(embed, '[data-theme="clair"]', "--fond"),
        ],
        "sombre": [
            _custom_property(bootstrap, "[data-bs-theme=dark]", "--bs-body-bg"),
            _custom_property(embed, '[data-theme="sombre"]', "--fond"),
        ],
    }


def test_the_backgrounds_read_are_the_themes():
    assert backgrounds() == {"clair": ["#ffffff"] * 2, "sombre": ["#212529", "#1e1e1e"]}


@pytest.mark.parametrize("theme", THEMES)
def test_chart_lines_bars_and_modebar_stand_out_at_3_to_1_in_both_themes(theme):
    """RGAA 3.3.2: each series colour (lines, markers, bars, legend samples), the axis colour
    (axes, the dotted line of a dated event) and the modebar's icons, in their idle and active
    states, against each background the theme's charts are drawn on."""
    colours = THEMES[theme]
    template = figures.template(theme).layout
    modebar = template.modebar
    needed = {
        **{f"série {i + 1}": c for i, c in enumerate(colours.colours)},
        "axe": colours.axis,
        "marques d'événement": figures.plotly_figure(every_time_model()[0], theme)
        .layout.shapes[0]
        .line.color,
    }
    for background in (*backgrounds()[theme], colours.background):
        for name, colour in needed.items():
            assert contrast(colour, background) >= 3, (name, colour, background)
        assert contrast(modebar.bgcolor, background) < 1.2  # a box of the page's colour
    for state in (modebar.color, modebar.activecolor):
        assert contrast(state, modebar.bgcolor) >= 3, (state, modebar.bgcolor)


CARTE_FILL = re.compile(r"\.carte-svg \.(\w+) path[^{]*\{ fill: (#[0-9a-f]{3,6})\b")


def test_every_departement_stands_out_from_the_background_in_both_themes():
    """RGAA 3.3.2: a département's shape shows against the page by its border where the border
    contrasts with it (black, on the light theme), else by its fill, at 3:1; between two
    départements, the black border at 3:1 against each fill (their colours among themselves
    are a heat map's, exempt, and told in words: 3.1)."""
    style = (ASSETS / "carte.css").read_text(encoding="utf-8")
    fills = {kind: _six(fill) for kind, fill in CARTE_FILL.findall(style)}
    border = re.search(r"\.carte-svg path \{\s*stroke: (#[0-9a-f]{3,6})", style).group(1)
    hatch = re.search(r"\.hachures-fond \{ fill: (#[0-9a-f]{3,6})", style).group(1)
    assert set(fills) >= {"c1", "c2", "c3", "c4", "c5", "vide"}, fills
    for kind, fill in {**fills, "masque": _six(hatch)}.items():
        assert contrast(fill, _six(border)) >= 3, (kind, fill)
        for background in (backgrounds()["clair"][0], backgrounds()["sombre"][0]):
            if contrast(_six(border), _six(background)) < 3:
                assert contrast(fill, _six(background)) >= 3, (kind, fill, background)
    # The check bites: the former darkest class was under 3:1 on the dark theme's background.
    assert contrast("#2f6fb0", "#212529") < 3 <= contrast(fills["c5"], "#212529")


def _six(colour: str) -> str:
    """``#abc`` as ``#aabbcc``."""
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


# In the browser: what shows each control's edge, and the background it sits on, as computed.
CONTROL_EDGES = """() => {
  const clear = c => !c || c === 'transparent' || /^rgba\\(.*, 0\\)$/.test(c);
  function behind(element) {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (!clear(bg)) return bg;
    }
    return 'rgb(255, 255, 255)';
  }
  const line = (style, side) => parseFloat(style[side + 'Width']) >= 1
    && style[side + 'Style'] !== 'none' ? style[side + 'Color'] : null;
  const controls = document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, [role=checkbox]');
  return [...controls].filter(c => c.getClientRects().length && !c.disabled
      && getComputedStyle(c).visibility === 'visible').map(control => {
    // A checkbox is its box; a modebar button its icon, on the modebar.
    const shown = control.querySelector('.form-check-input, .embed-check-box') || control;
    const icon = control.querySelector('.modebar-btn path');
    const style = getComputedStyle(shown);
    const fill = clear(style.backgroundColor) ? null : style.backgroundColor;
    const ground = icon && !clear(getComputedStyle(control.closest('.modebar-group'))
      .backgroundColor) ? getComputedStyle(control.closest('.modebar-group')).backgroundColor
      : behind(shown);
    return {
      name: (control.id || control.className) + ' '
        + (control.getAttribute('aria-label') || control.textContent || '').trim().slice(0, 30),
      border: icon ? getComputedStyle(icon).fill : line(style, 'borderTop'),
      fill: icon ? null : fill,
      outline: line(style, 'outline'),
      ground,
    };
  });
}"""


def edge_contrast(control: dict) -> float | None:
    """The best contrast of what shows a control's edge against the background around it: its
    border (seen over its fill), its fill, its focus outline; None for a control that has none
    of them, which is text (links, « Voir les données »: their contrast is 3.2's)."""
    ground = control["ground"]
    seen = []
    if control["border"]:
        over = control["fill"] if control["fill"] and "rgba" not in control["fill"] else ground
        seen.append((luminance(control["border"], over), luminance(ground)))
    seen += [
        (luminance(c, ground), luminance(ground))
        for c in (control["fill"], control["outline"])
        if c
    ]
    if not seen:
        return None
    return max((max(a, b) + 0.05) / (min(a, b) + 0.05) for a, b in seen)


def control_edge_problems(page) -> list[str]:
    """The visible, enabled controls of the page whose edge is under 3:1 against the
    background around it (``edge_contrast``)."""
    problems = []
    for control in page.evaluate(CONTROL_EDGES):
        ratio = edge_contrast(control)
        if ratio is not None and ratio < 3:
            problems.append(f"{control['name']} : {control}, {ratio:.2f}:1")
    return problems


@pytest.mark.parametrize(
    ("control", "expected"),
    [
        # Bootstrap's field border on white, and the site's (--bs-secondary-color).
        ({"border": "rgb(222, 226, 230)", "fill": "rgb(255, 255, 255)"}, 1.3),
        ({"border": "rgba(33, 37, 41, 0.75)", "fill": "rgb(255, 255, 255)"}, 6.8),
        # A white select on the header's blue: its fill shows it.
        (
            {
                "border": "rgba(33, 37, 41, 0.75)",
                "fill": "rgb(255, 255, 255)",
                "ground": "rgb(27, 58, 107)",
            },
            11.3,
        ),
        # plotly's own modebar: pale icons on a half-black box over white.
        ({"border": "rgba(255, 255, 255, 0.3)", "ground": "rgb(128, 128, 128)"}, 1.6),
        ({}, None),
    ],
)
def test_a_control_s_edge_is_measured_as_the_eye_sees_it(control, expected):
    control = {
        "border": None,
        "fill": None,
        "outline": None,
        "ground": "rgb(255, 255, 255)",
        **control,
    }
    ratio = edge_contrast(control)
    assert ratio == expected if expected is None else round(ratio, 1) == expected


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_embed_builder_s_control_edges_stand_out_at_3_to_1_in_both_themes(
    page, live_server, theme
):
    """RGAA 3.3.1, in Chromium, in the embed builder's dialog opened (each page of the sample:
    test_rgaa_sample): its fields, selects, buttons and checkboxes."""
    open_page(page, f"{live_server.url}/indicateurs/pre-plainte-en-ligne")
    set_theme(page, theme)
    page.click("#integrer-ouvrir")
    page.wait_for_selector("#integrer-dialogue[open]")
    assert control_edge_problems(page) == []


def test_a_chart_without_data_is_an_image_named_by_its_message():
    """The markup the layouts write for an empty chart (none in the demo data's pages) passes
    the image checks: an image (role="img") whose alternative is its visible message."""
    empty = views.make_chart(EmptyChart(NO_DATA), id="v", title="Évolution", summary=NO_DATA)
    markup = prerender.to_html(chart_block(empty))
    assert 'role="img"' in markup
    assert images(markup) == []
