"""Frames as the store returns them, made by hand, for the chart tests (build, plotly, SVG)."""

from __future__ import annotations

import pandas as pd
from factories import make_indicator

from barometre.data.events import Event

DEMANDES = make_indicator()


def national(values: list, start: str = "2025-01-01", freq: str = "MS", days=31) -> pd.DataFrame:
    """A national series from ``start``; 31 days of data: every period complete."""
    periods = pd.date_range(start, periods=len(values), freq=freq)
    return pd.DataFrame({"periode": periods, "membre": "", "valeur": values, "jours": days})


def per_member(values: dict[str, list], start: str = "2025-01-01") -> pd.DataFrame:
    """One series per member of a breakdown, all from ``start``, monthly."""
    return pd.concat(
        [national(v, start).assign(membre=code) for code, v in values.items()], ignore_index=True
    )


def totals(values: dict[str, float]) -> pd.DataFrame:
    """A breakdown's totals over a period, as ``store.breakdown`` returns them."""
    return pd.DataFrame({"membre": list(values), "valeur": list(values.values()), "jours": 30})


def incomplete(values: list, start: str = "2025-01-01", days: int = 10) -> pd.DataFrame:
    """A monthly series whose last month has ``days`` days of data out of 31."""
    frame = national(values, start)
    frame.loc[frame.index[-1], "jours"] = days
    return frame


def event(title: str, start: str, end: str | None = None) -> Event:
    """An event of DEMANDES on ``start`` (through ``end``, a band, when given)."""
    return Event(
        id=title,
        title=title,
        start=pd.Timestamp(start).date(),
        end=end and pd.Timestamp(end).date(),
        description="Description.",
        concerns=(DEMANDES.id,),
    )
