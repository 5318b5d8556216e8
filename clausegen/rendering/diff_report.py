"""The report of `clausegen diff` and its formats: terminal text, Markdown, JSON and DOCX.

commands/diff.py compares and fills a Report (a flat list of entries plus the same facts as
data); this module only writes it out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from clausegen.models.document import Document
from clausegen.rendering import docx as docx_rendering
from clausegen.rendering import redline
from clausegen.rendering.environment import escape_markdown
from clausegen.rendering.terminal import Part, paint


@dataclass(frozen=True)
class Entry:
    kind: str  # heading | subheading | added | removed | changed | note | redline
    text: str = ""
    paragraphs: tuple[redline.Paragraph, ...] = ()


@dataclass
class Report:
    title: str
    subtitle: str
    library_name: str = ""
    library_version: str = ""
    entries: list[Entry] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, kind: str, text: str = "", paragraphs: tuple[redline.Paragraph, ...] = ()) -> None:
        self.entries.append(Entry(kind, text, paragraphs))

    @property
    def differs(self) -> bool:
        return any(e.kind in ("added", "removed", "changed", "redline") for e in self.entries)


_SIGNS = {"added": "+ ", "removed": "- ", "changed": "~ ", "note": "    "}


def format_text(report: Report, color: bool) -> str:
    parts: list[Part] = [(report.title, "heading"), ("\n" + report.subtitle, "")]
    for entry in report.entries:
        if entry.kind == "heading":
            parts += [("\n\n", ""), (entry.text, "heading")]
        elif entry.kind == "subheading":
            parts += [("\n", ""), ("  " + entry.text, "subheading")]
        elif entry.kind == "redline":
            parts += [("\n", "")] + redline.terminal_parts(entry.paragraphs, color, indent="      ")
        else:
            parts += [("\n", ""), ("  " + _SIGNS[entry.kind] + entry.text, "" if entry.kind == "note" else entry.kind)]
    return paint(parts + [("\n", "")], color)


def format_markdown(report: Report) -> str:
    out = [f"# {escape_markdown(report.title)}", escape_markdown(report.subtitle)]
    for entry in report.entries:
        if entry.kind == "heading":
            out.append(f"## {escape_markdown(entry.text)}")
        elif entry.kind == "subheading":
            out.append(f"### {escape_markdown(entry.text)}")
        elif entry.kind == "redline":
            out.append(redline.markdown(entry.paragraphs))
        elif entry.kind == "note":
            out.append(escape_markdown(entry.text))
        else:
            out.append(f"- **{entry.kind}:** {escape_markdown(entry.text)}")
    return "\n\n".join(out) + "\n"


def format_json(report: Report) -> str:
    return json.dumps({"title": report.title, "subtitle": report.subtitle, "differs": report.differs,
                       **report.data}, indent=2, ensure_ascii=False, default=str) + "\n"


def format_docx(report: Report, template: tuple[bytes, str], epoch: int) -> bytes:
    """The report as DOCX, each text change a Word revision (w:ins / w:del) by "clausegen" at the
    build date (SOURCE_DATE_EPOCH, default 1980-01-01), so a lawyer can accept or reject it."""
    stamp = datetime.fromtimestamp(epoch, tz=UTC)
    tracked = redline.TrackedChanges(stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), {})
    document = Document(document_id="diff-report", title=report.title, subtitle=report.subtitle, marking="",
                        client="", supplier="", profile_title="", library_name=report.library_name,
                        library_version=report.library_version, sections=())
    numbers = [0, 0]

    def write(writer: Any) -> None:
        tracked.style_ids.update({style.name: style.style_id for style in writer.docx.styles})
        for entry in report.entries:
            if entry.kind == "heading":
                numbers[0], numbers[1] = numbers[0] + 1, 0
                writer.heading(str(numbers[0]), entry.text, 1)
            elif entry.kind == "subheading":
                numbers[1] += 1
                writer.heading(f"{numbers[0]}.{numbers[1]}", entry.text, 2)
            elif entry.kind == "redline":
                tracked.paragraphs(writer.body, entry.paragraphs)
            elif entry.kind == "note":
                writer.body.add_paragraph(entry.text, style="Body Text")
            else:
                paragraph = writer.body.add_paragraph(style="List Bullet")
                paragraph.add_run(entry.kind.capitalize() + ": ").bold = True
                paragraph.add_run(entry.text)

    properties = docx_rendering.Properties(stamp.isoformat(), {"clausegen.report": "diff"})
    return docx_rendering.build(document, template[0], template[1], properties, write)
