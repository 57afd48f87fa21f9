"""One chart that fails never takes its page down: the rest is served, the chart's place says
so in French, and an ERROR line names the chart and its parameters."""

from __future__ import annotations

import html
import logging

import pytest

from barometre.charts import drawings
from barometre.web import views

INDICATOR = "brigade-numerique-demandes"


@pytest.fixture
def failing(monkeypatch):
    """Make the named builder of ``views`` raise, as a bug would."""

    def fail(name: str) -> None:
        def broken(*args, **kwargs):
            raise ValueError("défaut simulé")

        monkeypatch.setattr(views, name, broken)

    return fail


# Each case asks for its own period: pages are memoized, failed charts included.
@pytest.mark.parametrize(
    ("builder", "start"), [("evolution", "2024-01-01"), ("breakdown_chart", "2024-02-01")]
)
def test_a_chart_that_cannot_be_built_leaves_the_page_and_a_message(
    client, failing, caplog, builder, start
):
    failing(builder)
    with caplog.at_level(logging.ERROR, logger="barometre.web.views"):
        response = client.get(f"/indicateurs/{INDICATOR}?debut={start}&fin=2024-03-31")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert views.CHART_FAILED.split("\u00a0")[0] in page
    # The charts that did not fail are still drawn by the server.
    assert page.count('class="svg-chart"') >= 1
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors, "no ERROR logged for the failed chart"
    assert INDICATOR in errors[0].getMessage()
    assert f"debut={start}" in errors[0].getMessage()


def test_a_chart_that_cannot_be_drawn_leaves_the_page_and_a_message(client, monkeypatch, caplog):
    real = drawings.chart_html
    calls = []

    def first_fails(chart, *args, **kwargs):
        calls.append(chart)
        if len(calls) == 1:
            raise ValueError("défaut simulé")
        return real(chart, *args, **kwargs)

    monkeypatch.setattr(drawings, "chart_html", first_fails)
    with caplog.at_level(logging.ERROR, logger="barometre.web.layouts.common"):
        response = client.get(f"/indicateurs/{INDICATOR}?debut=2023-01-01&fin=2023-06-30")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert drawings.FAILED in page
    assert [r for r in caplog.records if r.levelno == logging.ERROR]
