"""Charts: the site's own chart model and what turns data into it.

``model`` says what a chart of the Baromètre shows, in the site's vocabulary (series, events,
the incomplete period, bars, value formats, colour roles); ``barometre.figures`` renders a model
with plotly and ``barometre.drawings`` as static SVG. Neither renderer reads the other's output.
"""
