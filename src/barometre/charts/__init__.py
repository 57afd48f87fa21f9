"""Charts: the site's own chart model and what turns data into it.

``model`` says what a chart of the Baromètre shows, in the site's vocabulary (series, events,
the incomplete period, bars, value formats, colour roles); ``charts.figures`` renders a model
with plotly and ``charts.drawings`` as static SVG. Neither renderer reads the other's output.
"""
