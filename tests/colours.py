"""WCAG 2.1 contrast for the tests: colours as the site writes them (``#rrggbb``) or as a browser
computes them (``rgb()``, ``rgba()``: a translucent colour is seen over what is behind it)."""

from __future__ import annotations

import re

CHANNEL = re.compile(r"[\d.]+")
WHITE = "rgb(255, 255, 255)"


def channels(colour: str, behind: str = WHITE) -> tuple[float, float, float]:
    """The red, green and blue (0-1) of ``colour`` seen over ``behind`` (an opaque one)."""
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    values = [float(c) for c in CHANNEL.findall(colour)]
    alpha = values[3] if len(values) > 3 else 1.0
    under = channels(behind) if alpha < 1 else (0.0, 0.0, 0.0)
    mixed = [alpha * c / 255 + (1 - alpha) * u for c, u in zip(values[:3], under, strict=True)]
    return mixed[0], mixed[1], mixed[2]


def luminance(colour: str, behind: str = WHITE) -> float:
    """The relative luminance of ``colour`` seen over ``behind``."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = channels(colour, behind)
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    """The contrast ratio of ``one`` seen over ``other``, an opaque colour."""
    light, dark = sorted((luminance(one, other), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
