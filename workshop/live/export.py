"""Exports of a workshop: the final OKR set and all results as PDF, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from xml.sax.saxutils import escape

from workshop.live import phases
from workshop.live.models import Workshop
from workshop.live.services import build_final_set, live_proposals, vote_counts
from workshop.pdf_fonts import register_fonts

FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
           "md": "text/markdown; charset=utf-8"}


def gather(workshop: Workshop) -> dict:
    """Plain data every format is made from."""
    final = workshop.final_okr_set if workshop.is_closed else build_final_set(workshop)
    counts = {**vote_counts(workshop, phases.OBJECTIVE),
              **vote_counts(workshop, phases.KEY_RESULT)}
    items = live_proposals(workshop)
    by_id = {p.id: p for p in items}
    rows = [{"round": p.round, "objective": by_id[p.parent_id].text if p.parent_id in by_id
             else "", "text": p.text, "votes": counts.get(p.id, 0), "kept": p.is_kept}
            for p in items]
    rows.sort(key=lambda r: (r["round"] != phases.OBJECTIVE, r["objective"], -r["votes"]))
    return {"title": workshop.title, "team": workshop.team_name, "cycle": workshop.cycle_label,
            "phase": phases.LABELS[workshop.phase], "code": workshop.join_code,
            "date": (workshop.closed_at or workshop.created_at), "final": final, "rows": rows}


def render(workshop: Workshop, fmt: str) -> tuple[bytes, str]:
    data = gather(workshop)
    body = {"pdf": to_pdf, "csv": to_csv, "md": to_markdown}[fmt](data)
    return body, FORMATS[fmt]


def _cell(value) -> str:
    text = str(value)
    # Spreadsheets run cells that start like a formula: keep them as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(data: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["round", "objective", "text", "votes", "kept"])
    for row in data["rows"]:
        writer.writerow([row["round"], _cell(row["objective"]), _cell(row["text"]), row["votes"],
                         "yes" if row["kept"] else "no"])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8 correctly


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def _md(text: str) -> str:
    """User text as literal Markdown: no markup, no raw HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _date(value: datetime) -> str:
    return value.strftime("%Y-%m-%d")


def to_markdown(data: dict) -> bytes:
    lines = [f"# {_md(data['title'])}", "",
             f"Team: {_md(data['team'])} · Cycle: {_md(data['cycle'])} · "
             f"{_date(data['date'])} · {data['phase']}", "", "## Final OKR set", ""]
    objectives = data["final"]["objectives"] if data["final"] else []
    if not objectives:
        lines.append("No objective has been kept yet.")
    for n, objective in enumerate(objectives, start=1):
        lines.append(f"### Objective {n}: {_md(objective['text'])}")
        lines.append("")
        for kr in objective["key_results"]:
            lines.append(f"- {_md(kr['text'])} ({kr['votes']} votes)")
        if not objective["key_results"]:
            lines.append("- No key result kept yet.")
        lines.append("")
    lines += ["## All results", "", "| Round | Objective | Proposal | Votes | Kept |",
              "| --- | --- | --- | ---: | --- |"]
    for row in data["rows"]:
        lines.append(f"| {row['round'].replace('_', ' ')} | {_md(row['objective'])} | "
                     f"{_md(row['text'])} | {row['votes']} | {'yes' if row['kept'] else 'no'} |")
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_pdf(data: dict) -> bytes:
    """A one-page A4 summary; user text is escaped before it reaches Paragraph markup."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = register_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5)
    styles = {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=18, leading=22),
        "meta": ParagraphStyle("meta", parent=base, textColor=colors.HexColor("#4a5361")),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12.5, leading=16,
                             spaceBefore=8, spaceAfter=4),
        "obj": ParagraphStyle("obj", parent=base, fontName=bold, fontSize=11, leading=14,
                              spaceBefore=5),
        "kr": ParagraphStyle("kr", parent=base, leftIndent=12, bulletIndent=3),
        "cell": base,
    }
    story = [Paragraph(escape(data["title"]), styles["title"]),
             Paragraph(escape(f"Team {data['team']} · Cycle {data['cycle']} · "
                              f"{_date(data['date'])} · {data['phase']}"), styles["meta"]),
             Paragraph("Final OKR set", styles["h2"])]
    objectives = data["final"]["objectives"] if data["final"] else []
    if not objectives:
        story.append(Paragraph("No objective has been kept yet.", base))
    for n, objective in enumerate(objectives, start=1):
        story.append(Paragraph(f"Objective {n}: {escape(objective['text'])}", styles["obj"]))
        for kr in objective["key_results"]:
            story.append(Paragraph(f"{escape(kr['text'])} ({kr['votes']} votes)", styles["kr"],
                                   bulletText="•"))
    story.append(Paragraph("All results", styles["h2"]))
    table = [["Round", "Proposal", "Votes", "Kept"]]
    for row in data["rows"][:40]:
        label = "Objective" if row["round"] == phases.OBJECTIVE else "Key result"
        table.append([label, Paragraph(escape(row["text"]), styles["cell"]), str(row["votes"]),
                      "yes" if row["kept"] else ""])
    grid = Table(table, colWidths=[24 * mm, 120 * mm, 14 * mm, 12 * mm], repeatRows=1)
    grid.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), regular), ("FONTNAME", (0, 0), (-1, 0), bold),
        ("FONTSIZE", (0, 0), (-1, -1), 9), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5d9e0")),
        ("ALIGN", (2, 0), (2, -1), "RIGHT"),
    ]))
    story.append(grid)
    if len(data["rows"]) > 40:
        story.append(Spacer(1, 4))
        story.append(Paragraph(f"{len(data['rows']) - 40} more proposals are in the CSV export.",
                               styles["meta"]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=data["title"],
                            author="OKR Workshop", invariant=1)
    doc.build(story)
    return out.getvalue()
