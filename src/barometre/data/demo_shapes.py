"""The shapes of a demo series, as pure functions of the days ``t`` (days since 1970-01-01).

A level interpolated between dated anchors, weekly and yearly profiles, dated events, an
autocorrelated noise, a stock's noisy gains, and the re-indexing of one series on another's days.
"""

from __future__ import annotations

import numpy as np


def interpolate(anchors, t: np.ndarray) -> np.ndarray:
    x = np.array([np.datetime64(d, "D").astype(np.int64) for d, _ in anchors])
    y = np.array([v for _, v in anchors])
    if (y > 0).all():  # geometric: growth reads as a steady rate
        return np.exp(np.interp(t, x, np.log(y)))
    return np.interp(t, x, y)


def weekly(profile, t: np.ndarray) -> np.ndarray:
    profile = np.asarray(profile)
    return (profile / profile.mean())[(t + 3) % 7]  # 1970-01-01 was a Thursday; Monday is 0


def yearly(profile, t: np.ndarray) -> np.ndarray:
    profile = np.asarray(profile)
    days = t.astype("datetime64[D]")
    year = days.astype("datetime64[Y]")
    first = year.astype("datetime64[D]")
    fraction = (days - first) / ((year + 1).astype("datetime64[D]") - first)
    # Monthly values sit mid-month; between them, periodic linear interpolation.
    return np.interp(12 * fraction - 0.5, np.arange(12), profile / profile.mean(), period=12)


def events(events, t: np.ndarray) -> np.ndarray:
    factor = np.ones(len(t))
    for event in events:
        first, last = (np.datetime64(d, "D").astype(np.int64) for d in (event.start, event.end))
        shock = np.where((t >= first) & (t <= last), event.factor, 1.0)
        if event.fade:
            fading = (t > last) & (t <= last + event.fade)
            progress = (t - last) / (event.fade + 1)
            shock = np.where(fading, event.factor + (1 - event.factor) * progress, shock)
        factor *= shock
    return factor


def noise(sigma: float, persistence: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Return a multiplicative noise of mean 1, remembered from day to day (causal filter)."""
    white = rng.normal(size=n)
    if sigma == 0 or n == 0:
        return np.ones(n)
    length = 1 if persistence == 0 else min(90, int(np.ceil(np.log(0.01) / np.log(persistence))))
    kernel = persistence ** np.arange(length)
    kernel /= np.sqrt((kernel**2).sum())
    walk = np.convolve(white, kernel)[:n]
    return np.exp(sigma * walk - sigma**2 / 2)


def stock(trend: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Return a stock that follows ``trend`` with noisy daily gains (never noisy losses)."""
    steps = np.diff(trend, prepend=0.0)
    shape = 1 / sigma**2 if sigma > 0 else np.inf
    gains = rng.gamma(shape, 1 / shape, size=len(trend)) if sigma > 0 else np.ones(len(trend))
    # The first day (or a launch) sets the level: only later gains are noisy.
    before = np.concatenate([[0.0], trend[:-1]])
    steps = np.where(before > 0, steps * gains, steps)
    return np.maximum(np.rint(np.cumsum(steps)), 0.0)


def align(start: int, values: np.ndarray, t: np.ndarray, fill: float) -> np.ndarray:
    """Return ``values`` (starting on day ``start``) re-indexed on the days ``t``."""
    index = t - start
    known = (index >= 0) & (index < len(values))
    out = np.full((len(t), *values.shape[1:]), fill, dtype=float)
    out[known] = values[index[known]]
    return out
