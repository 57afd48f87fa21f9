"""The baseline: a minimal default Dash app (one dcc.Graph, default settings), as the docs show it.

Served by gunicorn like the Baromètre (``gunicorn benchmarks.baseline_app:server``), so that every
figure of the benchmark has a ratio to what a default Dash app gives on the same machine.
"""

from __future__ import annotations

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html


def create_app() -> Dash:
    """Return the baseline app: a title, a graph, and one callback that draws it."""
    app = Dash(__name__)
    app.layout = html.Div(
        [
            html.H1("Baseline"),
            dcc.Input(id="n", type="number", value=30),
            dcc.Graph(id="graph"),
        ]
    )

    @app.callback(Output("graph", "figure"), Input("n", "value"))
    def draw(n):
        n = int(n or 30)
        return go.Figure(go.Scatter(x=list(range(n)), y=[(i * 7) % 13 for i in range(n)]))

    return app


server = create_app().server
