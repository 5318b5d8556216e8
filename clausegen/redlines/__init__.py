"""Redlines of the contract documents themselves: two builds of one profile, compared by
structure (structure.py) and written as Markdown, HTML and PDF with marked changes and as DOCX
with Word tracked changes (docx.py), with a summary of what changed and why (summary.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from clausegen import loading
from clausegen.errors import Diagnostic, InputError
from clausegen.loading.builds import Build
from clausegen.redlines import docx as redline_docx
from clausegen.redlines import markdown as redline_markdown
from clausegen.redlines import summary
from clausegen.redlines.structure import DocumentDiff, compare
from clausegen.rendering import docx as docx_rendering

FORMATS = ("docx", "md", "html", "pdf")
DEFAULT_FORMATS = ("docx", "md")
LUA = Path(__file__).with_name("redline.lua")
PANDOC_READER = "commonmark+pipe_tables+bracketed_spans"


def same_profile(old: Build, new: Build) -> None:
    a, b = old.manifest.profile.id, new.manifest.profile.id
    if a != b:
        raise InputError(Diagnostic(old.label, None, "profile.id", f"is a build of {a!r}, but {new.label} is a build "
                                    f"of {b!r}", "a redline compares two builds of one profile"))


def files(old: Build, new: Build, formats: tuple[str, ...], templates: Path | None,
          epoch: int) -> tuple[dict[str, bytes], list[DocumentDiff]]:
    """Every redline file and the summary, in memory (name -> bytes), and the comparisons."""
    same_profile(old, new)
    ids = list(new.documents) + [d for d in old.documents if d not in new.documents]
    loaded = loading.load_templates(templates, ids)
    out: dict[str, bytes] = {}
    diffs: list[DocumentDiff] = []
    stamp = datetime.fromtimestamp(epoch, tz=UTC).isoformat()
    for document_id in ids:
        a, b = old.documents.get(document_id), new.documents.get(document_id)
        diff = compare(document_id, a, b)
        diffs.append(diff)
        name = f"{document_id}.redline"
        if "docx" in formats:
            properties = docx_rendering.Properties(stamp, {"clausegen.redline": f"{old.label} -> {new.label}",
                                                           "clausegen.profile": new.manifest.profile.id})
            out[f"{name}.docx"] = redline_docx.build(document_id, a, b, loaded.docx[document_id], properties, epoch)
        if "md" in formats:
            out[f"{name}.md"] = redline_markdown.write(diff).encode("utf-8")
        for fmt in ("html", "pdf"):
            if fmt in formats:
                out[f"{name}.{fmt}"] = _pandoc(diff, fmt, loaded)
    out["summary.md"] = summary.markdown(old, new, diffs).encode("utf-8")
    return out, diffs


def _pandoc(diff: DocumentDiff, fmt: str, templates: loading.Templates) -> bytes:
    from clausegen.export.pandoc import convert_markdown as convert
    from clausegen.export.pdf import compile_pdf
    from clausegen.pipeline import _metadata

    document = diff.new or diff.old
    assert document is not None
    legend = "*Changes since the earlier build: inserted text [looks like this]{.ins}, deleted text [like this]{.del}.*"
    text = "\n\n".join([legend, *redline_markdown.body(diff.blocks, spans=True)]) + "\n"
    if fmt == "html":
        return convert(text, "html5", Path(templates.html[1]), _metadata(document), diff.document_id,
                       PANDOC_READER, (LUA,)).encode("utf-8")
    source = convert(text, "typst", Path(templates.typst[1]), _metadata(document), diff.document_id,
                     PANDOC_READER, (LUA,))
    return compile_pdf(source, diff.document_id)
