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
from clausegen.redlines import pandoc_ast as redline_ast
from clausegen.redlines import summary
from clausegen.redlines.structure import DocumentDiff, compare
from clausegen.rendering import docx as docx_rendering

FORMATS = ("docx", "md", "html", "pdf")
DEFAULT_FORMATS = ("docx", "md")


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
    from clausegen.export.pandoc import convert
    from clausegen.export.pdf import compile_pdf
    from clausegen.pipeline import _metadata

    document = diff.new or diff.old
    assert document is not None
    if fmt == "html":
        ast = redline_ast.document(diff, "html5", _metadata(document))
        return convert(ast, "html5", Path(templates.html[1]), diff.document_id).encode("utf-8")
    source = convert(redline_ast.document(diff, "typst", _metadata(document)), "typst", Path(templates.typst[1]),
                     diff.document_id)
    return compile_pdf(source, diff.document_id)
