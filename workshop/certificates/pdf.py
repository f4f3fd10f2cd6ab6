"""The certificate PDF (pure: plain data in, bytes out; the same data gives the same bytes).

Names may be in any script: text is shaped and reordered for right-to-left scripts
(arabic-reshaper + python-bidi), then drawn run by run with the bundled font that has each
character. Nothing is drawn through Paragraph markup, so a name cannot inject markup.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from workshop.pdf_fonts import BOLD, REGULAR, check_text, register_fonts, runs


@dataclass(frozen=True)
class CertificateData:
    holder_name: str
    track_title: str
    programme: str
    issued_on: date
    issuer_name: str
    verification_code: str
    verify_url: str


def _is_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def visual(text: str) -> str:
    """Text in the order it is drawn left to right: Arabic shaped, right-to-left reordered."""
    if not _is_rtl(text):
        return text
    from bidi import get_display

    return get_display(_reshaper().reshape(text))


@cache
def _reshaper():
    # Only the lam-alef ligatures, which DejaVu Sans has; the others (e.g. U+FDF2) it lacks.
    from arabic_reshaper import ArabicReshaper
    from arabic_reshaper.ligatures import LIGATURES

    config = {name: name.startswith("ARABIC LIGATURE LAM WITH ALEF") and "MAKSURA" not in name
              for name, _ in LIGATURES}
    return ArabicReshaper(configuration={"delete_harakat": False, **config})


def check_printable(data: CertificateData) -> None:
    """Raise MissingGlyph if a bundled font lacks a character of the holder, track or issuer."""
    for text in (data.holder_name, data.track_title, data.issuer_name, data.programme):
        check_text(visual(text))


def _width(canvas, text: str, font: str, size: float) -> float:
    return sum(canvas.stringWidth(chunk, name, size) for name, chunk in runs(text, font))


def _draw_centered(canvas, text: str, x: float, y: float, font: str, size: float,
                   max_width: float) -> None:
    shown = visual(text)
    width = _width(canvas, shown, font, size)
    if width > max_width:  # long names shrink to fit instead of running off the page
        size = size * max_width / width
        width = max_width
    cursor = x - width / 2
    for name, chunk in runs(shown, font):
        canvas.setFont(name, size)
        canvas.drawString(cursor, y, chunk)
        cursor += canvas.stringWidth(chunk, name, size)


def render_certificate(data: CertificateData) -> bytes:
    """One landscape A4 page; raises MissingGlyph before drawing anything it cannot print."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    check_printable(data)
    out = io.BytesIO()
    width, height = landscape(A4)
    c = Canvas(out, pagesize=(width, height), invariant=1, pageCompression=1)
    c.setTitle(f"Certificate {data.verification_code}")
    c.setAuthor(data.programme)
    c.setSubject(f"{data.track_title} certificate")
    ink, accent, muted = (colors.HexColor("#14181f"), colors.HexColor("#1c4fd6"),
                          colors.HexColor("#4a5361"))
    c.setStrokeColor(accent)
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setLineWidth(0.8)
    c.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)
    mid, usable = width / 2, width - 60 * mm
    c.setFillColor(muted)
    _draw_centered(c, data.programme.upper(), mid, height - 40 * mm, BOLD, 12, usable)
    c.setFillColor(ink)
    _draw_centered(c, "Certificate", mid, height - 62 * mm, BOLD, 38, usable)
    c.setFillColor(muted)
    _draw_centered(c, "This certifies that", mid, height - 80 * mm, REGULAR, 14, usable)
    c.setFillColor(ink)
    _draw_centered(c, data.holder_name, mid, height - 100 * mm, BOLD, 32, usable)
    c.setStrokeColor(muted)
    c.setLineWidth(0.5)
    c.line(mid - 90 * mm, height - 104 * mm, mid + 90 * mm, height - 104 * mm)
    c.setFillColor(muted)
    _draw_centered(c, "has met every requirement of the track", mid, height - 116 * mm,
                   REGULAR, 14, usable)
    c.setFillColor(accent)
    _draw_centered(c, data.track_title, mid, height - 130 * mm, BOLD, 22, usable)

    # Signature block (left), date (centre), QR and verification code (right).
    base = 38 * mm
    c.setStrokeColor(ink)
    c.line(34 * mm, base + 8 * mm, 104 * mm, base + 8 * mm)
    c.setFillColor(ink)
    _draw_centered(c, data.issuer_name, 69 * mm, base + 2 * mm, BOLD, 12, 70 * mm)
    c.setFillColor(muted)
    _draw_centered(c, "Issued by", 69 * mm, base - 4 * mm, REGULAR, 10, 70 * mm)
    c.setFillColor(ink)
    _draw_centered(c, data.issued_on.strftime("%d %B %Y").lstrip("0"), mid, base + 2 * mm,
                   BOLD, 12, 70 * mm)
    c.setFillColor(muted)
    _draw_centered(c, "Date of issue", mid, base - 4 * mm, REGULAR, 10, 70 * mm)

    qr_size = 30 * mm
    widget = QrCodeWidget(data.verify_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(qr_size, qr_size,
                      transform=[qr_size / (x1 - x0), 0, 0, qr_size / (y1 - y0), 0, 0])
    drawing.add(widget)
    qr_x = width - 34 * mm - qr_size
    renderPDF.draw(drawing, c, qr_x, base - 10 * mm)
    c.setFillColor(muted)
    c.setFont(REGULAR, 8)
    c.drawCentredString(mid, 22 * mm, f"Verify this certificate at {data.verify_url}")
    c.drawCentredString(mid, 18.5 * mm, f"Verification code {data.verification_code}")
    c.showPage()
    c.save()
    return out.getvalue()
