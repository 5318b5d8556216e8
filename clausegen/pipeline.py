"""build(): the stages in order. load -> validate -> select -> assemble -> render -> export.

A profile's files are all rendered in memory first; only when every document and format has
succeeded is anything written, and then the profile's folder changes as a whole (export/commit.py).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clausegen import contract_checks, fonts, loading
from clausegen.assembly import assemble
from clausegen.errors import Diagnostic, ExportError, InputError, RenderError
from clausegen.export import manifest as manifests
from clausegen.export.commit import commit, tidy
from clausegen.export.pandoc import convert, pandoc_path
from clausegen.export.pdf import compile_pdf, prestart, unsupported_values
from clausegen.matrices import requirement_rows, weight_problems
from clausegen.models.document import Document
from clausegen.models.manifest import AnswersRef
from clausegen.models.names import DEFAULT_FORMATS, FORMATS
from clausegen.models.project import Project
from clausegen.rendering import docx as docx_rendering
from clausegen.rendering import markdown, pandoc_ast
from clausegen.selection import Selection, select
from clausegen.sources import Inputs, Sources, load_project, load_sources  # noqa: F401  (re-exported)
from clausegen.syntax import template_residue

if TYPE_CHECKING:
    from clausegen.loading.answers import AnsweredMatrix
    from clausegen.models.library import Library

DEFAULT_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest date a zip file can hold
# The PDF's fonts: the shipped Carlito (and Typst's own); PDF/UA-1 tags it and shows the title.
FONT_PATHS = (str(fonts.FOLDER),)
PDF_STANDARDS = ("ua-1",)
# Threads for pandoc and Typst per profile, one per core (at least 2: one for the longest document's
# chain, one for the rest); more only slows the longest chain. CLAUSEGEN_EXPORT_THREADS=1 gives the
# plain sequential pipeline (the benchmark's baseline).
_threads = os.environ.get("CLAUSEGEN_EXPORT_THREADS", "")
THREADS_FROM_ENVIRONMENT = _threads.isdigit() and int(_threads) > 0
EXPORT_THREADS = int(_threads) if THREADS_FROM_ENVIRONMENT else max(2, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class BuildOptions:
    out: Path = Path("output")
    formats: tuple[str, ...] = DEFAULT_FORMATS
    documents: tuple[str, ...] | None = None
    templates: Path | None = None
    source_date_epoch: int = DEFAULT_EPOCH
    baseline: Any = None  # loading.builds.Build: an earlier build to write redlines against
    answers: Path | None = None  # the winning tenderer's answered matrix (build --answers)
    today: date | None = None  # only for a warning (a final document starting in the past); never in a file


@dataclass
class BuildResult:
    profile_id: str
    folder: Path
    status: str = "built"  # built | unchanged
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # stale files of the previous build, removed with it


def source_date_epoch(environ: dict[str, str]) -> int:
    """SOURCE_DATE_EPOCH, validated; the fixed default when unset (output never depends on the clock)."""
    raw = environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw == "":
        return DEFAULT_EPOCH
    if not (raw.isascii() and raw.isdigit()) or not (DEFAULT_EPOCH <= int(raw) <= 253402300799):
        raise InputError(Diagnostic("SOURCE_DATE_EPOCH", None, "",
                                    f"{raw!r} is not a whole number of seconds between 315532800 (1980) and 9999",
                                    "unset it, or set it to e.g. $(git log -1 --format=%ct)"))
    return int(raw)


def render(profile_path: Path, project: Project, options: BuildOptions,
           force: bool = True) -> tuple[BuildResult, dict[str, bytes] | None]:
    """Every file of one profile, in memory; None when the output on disk is already current.

    Raises before anything is written."""
    loaded = loading.load_profile(profile_path)
    if "pdf" in options.formats and (unshowable := unsupported_values(loaded.located)):
        raise InputError(unshowable)
    selection = select(loaded.profile, project, loaded.located, list(options.documents) if options.documents else None)
    if weights := weight_problems(selection, loaded.located):
        raise InputError(weights)
    doubts = [d.format() for d in contract_checks.doubtful(selection.profile, loaded.located, options.today)
              + contract_checks.remedy_ladder(selection.parameters, loaded.located)]
    templates = loading.load_templates(options.templates, [d.document_id for d in selection.documents])
    base = manifests.inputs(selection, project, loaded)
    winner = None
    if options.answers is not None:
        from clausegen import award  # reads xlsx: imported only when asked for

        winner = award.load_winner(options.answers, selection, project, loaded.located, "pdf" in options.formats)
        base = base.model_copy(update={"answers": AnswersRef(file=options.answers.name, tenderer=winner.tenderer,
                                                             sha256=winner.sha256)})
    key = manifests.build_key(base, templates.hashable(), options.formats, options.source_date_epoch)
    folder = options.out / selection.profile.id
    if not force and options.baseline is None and manifests.up_to_date(folder, key):
        return BuildResult(selection.profile.id, folder, "unchanged", [], _warnings(selection) + doubts), None
    if "pdf" in options.formats:
        # Typst workers start while the documents are assembled, one for each export thread.
        prestart(FONT_PATHS, min(EXPORT_THREADS, len(selection.documents)))
    everything = select(loaded.profile, project, loaded.located) if options.documents else None
    documents = assemble(selection, project, loaded.located, everything)
    if impossible := contract_checks.impossible(selection.profile, selection.parameters, loaded.located):
        raise InputError(impossible)  # after assembly: a date outside the calendar is reported first
    if winner is not None:
        rows = requirement_rows(selection, project, "security-appendix")
        documents = tuple(award.schedule(d, winner, rows) if d.document_id == "security-appendix" else d
                          for d in documents)
    if {"pdf", "html"} & set(options.formats):
        pandoc_path()
    created = made_on(selection, project, options.source_date_epoch)
    properties = docx_rendering.Properties(created.isoformat(), {
        "clausegen.library": f"{project.library.meta.name} {project.library.meta.version}",
        "clausegen.inputs_sha256": manifests.inputs_sha256(base),
        "clausegen.profile": selection.profile.id,
    })
    by_document = _render_documents(documents, options.formats, templates, properties)
    if "xlsx" in options.formats:
        _add_workbooks(by_document, documents, selection, project, created, properties.custom, winner)
    files = {f"{doc}.{fmt}": data for doc, by_fmt in by_document.items() for fmt, data in by_fmt.items()}
    files["manifest.json"] = manifests.manifest(base, by_document, key)
    if options.baseline is not None:
        files = _with_redlines(files, options, project, selection, documents, str(folder))
    result = BuildResult(selection.profile.id, folder, "built", list(files), _warnings(selection) + doubts)
    return result, files


def made_on(selection: Selection, project: Project, epoch: int) -> datetime:
    """The date the DOCX and XLSX files record as created and modified, from the inputs alone (never
    the clock): the profile's `document.date`, else `report_date`."""
    if selection.profile.document.date:
        return datetime.combine(date.fromisoformat(selection.profile.document.date), datetime.min.time(), UTC)
    return report_date(project.library, epoch)


def report_date(library: Library, epoch: int) -> datetime:
    """SOURCE_DATE_EPOCH when it is set; else the release date of the library version (its changelog);
    else 1980-01-01, the earliest a zip holds. Never the clock."""
    if epoch != DEFAULT_EPOCH:
        return datetime.fromtimestamp(epoch, tz=UTC)
    meta = library.meta
    released = next((entry.date for entry in meta.changelog if entry.version == meta.version and entry.date), None)
    try:
        return datetime.combine(date.fromisoformat(released or ""), datetime.min.time(), UTC)
    except ValueError:  # no date, or not YYYY-MM-DD: the changelog's dates are free text
        return datetime.fromtimestamp(DEFAULT_EPOCH, tz=UTC)


def _with_redlines(files: dict[str, bytes], options: BuildOptions, project: Project, selection: Selection,
                   documents: tuple[Document, ...], label: str) -> dict[str, bytes]:
    """The build's files plus redline/<document>.redline.<format> against the baseline; the
    manifest stays last."""
    from clausegen import redlines
    from clausegen.loading.builds import Build
    from clausegen.models.manifest import Manifest

    manifest = Manifest.parse(files["manifest.json"].decode("utf-8"), f"{label}/manifest.json")
    new = Build(label, manifest, str(project.library.root), project, selection, {d.document_id: d for d in documents})
    formats = tuple(f for f in redlines.FORMATS if f in options.formats)
    extra, _ = redlines.files(options.baseline, new, formats, options.templates, options.source_date_epoch)
    out = {name: data for name, data in files.items() if name != "manifest.json"}
    out.update({f"redline/{name}": data for name, data in extra.items()})
    out["manifest.json"] = files["manifest.json"]
    return out


def build(profile_path: Path, project: Project, options: BuildOptions, force: bool = False) -> BuildResult:
    """Render one profile and write its files, unless its output is already current (or force)."""
    result, files = render(profile_path, project, options, force)
    if files is None:
        result.warnings += tidy(result.folder)  # leftovers of a build killed after its switch
        return result
    committed = commit(result.folder, files)  # the folder changes as a whole: old set or new set
    result.removed, result.warnings = committed.removed, result.warnings + committed.warnings
    return result


def _render_documents(documents: tuple[Document, ...], formats: tuple[str, ...], templates: loading.Templates,
                      properties: docx_rendering.Properties) -> dict[str, dict[str, bytes]]:
    """Every format of every document. Pandoc and Typst run in threads (pandoc as subprocesses,
    Typst in its worker process) while this thread builds the DOCX files. The longest document goes
    first: its pandoc and Typst runs are the longest chain of the build."""
    out: dict[str, dict[str, bytes]] = {d.document_id: {} for d in documents}
    texts = {}
    for document in documents:
        text = markdown.write(document)
        residue = template_residue(text)
        if residue:
            raise RenderError(Diagnostic(document.document_id, None, "", f"template residue {residue!r} in the output",
                                         "a clause printed template syntax; check its body"))
        texts[document.document_id] = text
        if "md" in formats:
            out[document.document_id]["md"] = text.encode("utf-8")
    longest_first = sorted(documents, key=lambda d: -len(texts[d.document_id]))
    with ThreadPoolExecutor(max_workers=EXPORT_THREADS) as pool:
        pending = {}
        for document in longest_first:
            if "pdf" in formats:
                pending[(document.document_id, "pdf")] = pool.submit(_pdf, document, templates)
            if "html" in formats:
                pending[(document.document_id, "html")] = pool.submit(_html, document, templates)
        for document in documents:
            if "docx" in formats:
                data, name = templates.docx[document.document_id]
                out[document.document_id]["docx"] = docx_rendering.build(document, data, name, properties)
        for document in documents:  # in document order, so the first failure reported stays the same
            for fmt in ("pdf", "html"):
                if (document.document_id, fmt) in pending:
                    out[document.document_id][fmt] = pending[(document.document_id, fmt)].result()
    return {doc: {fmt: by_fmt[fmt] for fmt in FORMATS if fmt in by_fmt} for doc, by_fmt in out.items()}


def _add_workbooks(by_document: dict[str, dict[str, bytes]], documents: tuple[Document, ...], selection: Selection,
                   project: Project, created: datetime, custom: dict[str, str], winner: AnsweredMatrix | None) -> None:
    """The xlsx of each document that is a table at heart; other documents have none."""
    from clausegen.export.xlsx import write_matrix
    from clausegen.matrices import matrix

    for document in documents:
        table = matrix(document.document_id, selection, project, document.title, document.subtitle, document)
        if table is not None and winner is not None and document.document_id == "security-appendix":
            from clausegen.award import appendix_matrix

            table = appendix_matrix(table, winner)
        if table is not None:
            by_document[document.document_id]["xlsx"] = write_matrix(table, document, created, custom)


def _metadata(document: Document) -> dict[str, str]:
    values = {"title": document.title, "subtitle": document.subtitle, "marking": document.marking,
              "footer-left": document.footer, "author": document.client, "keywords": document.marking,
              "reference": document.reference,
              "subject": document.profile_title or document.subtitle, "lang": document.language}
    if document.status:
        values.update({"status": document.status, "status-label": document.status.upper(),
                       "revision": str(document.revision), "control": document.control})
        if document.status == "draft":
            values["draft"] = "true"
    if document.date:
        values["doc-date"] = document.date
    values.update({"marking-css": _css_string(document.marking), "footer-css": _css_string(document.footer)})
    return {key: value for key, value in values.items() if value}


def _css_string(text: str) -> str:
    """The body of a CSS string: every character but letters, digits and spaces as a CSS escape,
    so neither pandoc's HTML escaping nor the text can change it (no quote, no `</style>`)."""
    return "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):X} " for c in text)


def _pdf(document: Document, templates: loading.Templates) -> bytes:
    typst_source = convert(pandoc_ast.document(document, "typst", _metadata(document)), "typst",
                           templates.private["typst"], document.document_id)
    try:
        return compile_pdf(typst_source, document.document_id, FONT_PATHS, template=templates.typst[1],
                           standards=PDF_STANDARDS)
    except ExportError as e:
        if "PDF/UA" not in str(e):
            raise
    # A house template written before PDF/UA (no level-1 title heading, say) still gets its PDF, untagged.
    return compile_pdf(typst_source, document.document_id, FONT_PATHS, template=templates.typst[1])


def _html(document: Document, templates: loading.Templates) -> bytes:
    return convert(pandoc_ast.document(document, "html5", _metadata(document)), "html5", templates.private["html"],
                   document.document_id).encode("utf-8")


def _warnings(selection: Selection) -> list[str]:
    """A pin to an older clause version: what the newer one changed, and how to see the text."""
    pinned: dict[str, tuple] = {}  # clause id -> (pick, documents)
    for doc in selection.documents:
        for pick in doc.clauses:
            if pick.newer:
                pinned.setdefault(pick.clause.id, (pick, []))[1].append(doc.document_id)
    warnings = [notice.format() for notice in selection.notices]
    for clause_id, (pick, documents) in sorted(pinned.items()):
        version = pick.clause.version
        changes = "".join(f"\n    {change}" for change in pick.newer_changes) or \
            "\n    (the newer version's changelog names no changes)"
        warnings.append(f"{', '.join(documents)}: {clause_id} is pinned to {version}; {pick.newer} is available. "
                        f"What changed:{changes}\n    see the text: clausegen diff {clause_id}@{version} "
                        f"{clause_id}@{pick.newer}")
    return warnings


def export_report(document: Document, fmt: str, epoch: int = DEFAULT_EPOCH, created: datetime | None = None) -> bytes:
    """A report (coverage, diff) in one format, through the same writers and default templates as
    the contract documents; dated `created`, else by `epoch`."""
    templates = loading.load_templates(None, [document.document_id])
    if fmt in ("pdf", "html"):
        pandoc_path()
    stamp = (created or datetime.fromtimestamp(epoch, tz=UTC)).isoformat()
    properties = docx_rendering.Properties(stamp, {
        "clausegen.library": f"{document.library_name} {document.library_version}"})
    return _render_documents((document,), (fmt,), templates, properties)[document.document_id][fmt]

