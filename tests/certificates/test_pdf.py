"""The certificate PDF read back: names in every script, missing glyphs, markup, same bytes."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import unicodedata
from datetime import date

import pytest
from pypdf import PdfReader
from servers import require_service

from workshop.certificates.pdf import CertificateData, render_certificate
from workshop.pdf_fonts import MissingGlyph

NAMES = {
    "latin": "Zoë Łukasiewicz-Ørsted",
    "greek": "Αλέξανδρος Παπαδόπουλος",
    "cyrillic": "Дмитрий Шостакович",
    "chinese": "王小明",
    "japanese": "山田 太郎",
    "korean": "김민준",
    "arabic": "محمد عبد الله",
    "hebrew": "דוד בן גוריון",
    "markup": "<img src=x> <font color=red>Bob</font> &amp;",
}
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


def data(name: str) -> CertificateData:
    return CertificateData(name, "OKR Team Facilitator", "OKR Workshop coach programme",
                           date(2026, 11, 25), "Dana Admin", "Zx3kP9qLr2TmW8vB5nYc7dHs",
                           "http://127.0.0.1:5000/verify/Zx3kP9qLr2TmW8vB5nYc7dHs")


def pdftotext(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        require_service("pdftotext (Debian poppler-utils) is not installed")
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def readable(text: str) -> str:
    # Arabic comes back as presentation forms; NFKC gives the letters back.
    return unicodedata.normalize("NFKC", text).translate(BIDI_CONTROLS)


@pytest.mark.parametrize("script", list(NAMES))
def test_name_reads_back_exactly(script):
    name = NAMES[script]
    pdf = render_certificate(data(name))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert name in readable(pdftotext(pdf))
    fonts = {str(f) for f in _font_names(reader)}
    assert fonts, "fonts must be embedded"


def _font_names(reader):
    resources = reader.pages[0]["/Resources"]["/Font"]
    for ref in resources.values():
        font = ref.get_object()
        descendants = font.get("/DescendantFonts")
        target = descendants[0].get_object() if descendants else font
        descriptor = target.get("/FontDescriptor")
        if descriptor is not None and "/FontFile2" in descriptor.get_object():
            yield font["/BaseFont"]


def test_same_certificate_same_bytes():
    first = render_certificate(data(NAMES["korean"]))
    render_certificate(data(NAMES["arabic"]))  # other work in between changes nothing
    assert hashlib.sha256(render_certificate(data(NAMES["korean"]))).digest() == \
        hashlib.sha256(first).digest()


def test_missing_glyph_names_the_character():
    with pytest.raises(MissingGlyph, match=r"U\+10000 LINEAR B SYLLABLE B008 A"):
        render_certificate(data("Ann \U00010000"))


def test_verification_url_and_code_printed():
    text = pdftotext(render_certificate(data("Ann Example")))
    assert "Zx3kP9qLr2TmW8vB5nYc7dHs" in text
    assert "http://127.0.0.1:5000/verify/Zx3kP9qLr2TmW8vB5nYc7dHs" in text
    assert "Dana Admin" in text and "25 November 2026" in text
