"""TrueType fonts shipped in the package, registered with ReportLab once, with per-character
fallback: DejaVu Sans first, then Droid Sans Fallback (Chinese, Japanese), then Nanum (Korean).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FALLBACKS = (("DroidSansFallback", "DroidSansFallbackFull.ttf"),
             ("NanumSquare", "NanumSquareR.ttf"))


class MissingGlyph(ValueError):
    """No bundled font can draw a character of the text."""

    def __init__(self, char: str) -> None:
        name = unicodedata.name(char, "unnamed character")
        super().__init__(f"No bundled font has the character {char!r} (U+{ord(char):04X} {name}).")
        self.char = char


def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew glyphs); returns the names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    files = ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"), *FALLBACKS)
    for name, filename in files:
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    return REGULAR, BOLD


@cache
def _coverage(font_name: str) -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def font_for(char: str, primary: str) -> str:
    """The first bundled font that can draw ``char``; raises MissingGlyph if none can."""
    code = ord(char)
    for name in (primary, *(n for n, _ in FALLBACKS)):
        if code in _coverage(name):
            return name
    raise MissingGlyph(char)


def runs(text: str, primary: str) -> list[tuple[str, str]]:
    """Split text into (font, chunk) runs so every character is drawn by a font that has it."""
    out: list[tuple[str, str]] = []
    for char in text:
        font = font_for(char, primary)
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + char)
        else:
            out.append((font, char))
    return out


def check_text(text: str) -> None:
    """Raise MissingGlyph naming the first character no bundled font covers."""
    for char in text:
        font_for(char, REGULAR)
