"""WCAG 2 contrast of colours: the site's stylesheet and the workbook's styles pick text colours with it,
and the tests measure every text/background pair with it.

Colours are ``#rrggbb`` or ``rrggbb`` (any case).
"""

from __future__ import annotations

AA = 4.5  # WCAG 2.x level AA for normal text
BLACK, WHITE = "#000000", "#ffffff"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance (0 black to 1 white)."""
    hex_ = colour.lstrip("#")
    if len(hex_) == 3:
        hex_ = "".join(c * 2 for c in hex_)
    r, g, b = (int(hex_[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def ratio(foreground: str, background: str) -> float:
    """The contrast ratio of two colours, 1 to 21."""
    a, b = luminance(foreground), luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (either reaches at least 4.58:1)."""
    return BLACK if ratio(BLACK, background) >= ratio(WHITE, background) else WHITE


def ink(colour: str) -> str:
    """Black or white text, whichever has the higher WCAG contrast on the fill (at least 4.5:1), as RRGGBB."""
    return text_on(colour).lstrip("#").upper()
