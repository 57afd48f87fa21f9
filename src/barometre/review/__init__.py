"""The review of a draft before it is published: what it changes, what looks like a mistake.

``tables`` lays the draft over the public rows of an indicator and aggregates both states into
wide tables (one column per series: the national total or a member of a breakdown);
``anomalies`` holds the rules that flag a value, a series, a breakdown or a correction (pure:
pandas in, findings out); ``draft`` reads the store and runs them; ``text`` writes the review
and the list of publications for the terminal, and ``page`` the HTML report, whose charts are the
site's own server-side drawings (``charts.drawings``), each flagged series before and after.

The package sits beside ``web``, above ``charts``: it writes French figures with
``charts.french`` and draws with the chart model, and only the command line uses it.
"""
