"""How series look: colour (Okabe–Ito), dash pattern, marker shape and hatch, by series index.

Okabe and Ito's eight colours stay distinct for people with protanopia, deuteranopia and
tritanopia; we leave out their yellow, which is too light on white. Every series also differs by a
second, colour-free cue, so a chart printed in grey or read by someone who sees no colour at all
still tells its series apart (with the legend naming each).
"""

from __future__ import annotations

OKABE_ITO = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)
DASHES = ("", "10,5", "3,4", "12,4,3,4", "6,3,6,3,1,3", "1,3", "16,6")
"""Stroke dash patterns: the first series solid, every other one its own rhythm."""
HATCHES = (
    "",
    "M0,8 L8,0",
    "M0,4 L8,4",
    "M4,0 L4,8",
    "M0,0 L8,8 M0,8 L8,0",
    "M0,2 L8,2 M0,6 L8,6",
    "M2,0 L2,8 M6,0 L6,8",
)
"""Hatch strokes drawn over a bar's colour in an 8 by 8 tile: the first series plain."""
TEXT = "#1a1a1a"
GUIDE = "#c8c8c8"
AXIS = "#333333"


def colour(index: int) -> str:
    return OKABE_ITO[index % len(OKABE_ITO)]


def dash(index: int) -> str:
    return DASHES[index % len(DASHES)]


def hatch(index: int) -> str:
    return HATCHES[index % len(HATCHES)]


def marker(index: int, x: float, y: float, r: float = 5.0) -> str:
    """An SVG path for the marker of a line's points: circle, square, triangle, diamond, …"""
    shape = index % 5
    if shape == 0:
        return f"M{x - r},{y} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"
    if shape == 1:
        return f"M{x - r},{y - r} h{2 * r} v{2 * r} h{-2 * r} Z"
    if shape == 2:
        return f"M{x},{y - r * 1.2} L{x + r * 1.2},{y + r} L{x - r * 1.2},{y + r} Z"
    if shape == 3:
        return f"M{x},{y - r * 1.3} L{x + r * 1.3},{y} L{x},{y + r * 1.3} L{x - r * 1.3},{y} Z"
    return f"M{x - r},{y - r} L{x + r},{y + r} M{x - r},{y + r} L{x + r},{y - r}"
