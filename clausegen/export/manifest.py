"""The manifest: exactly which clause versions, requirements and parameter values went in."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from clausegen import __version__
from clausegen.errors import InputError
from clausegen.loading import LoadedProfile
from clausegen.models.catalogue import REQUIREMENT_NOT_CONTENT
from clausegen.models.library import CLAUSE_NOT_CONTENT
from clausegen.models.manifest import (
    BuildInfo,
    CatalogueRef,
    ClauseEntry,
    DocumentControlRef,
    DocumentEntry,
    FileEntry,
    LibraryRef,
    Manifest,
    ParameterValue,
    ProfileRef,
    RequirementEntry,
)
from clausegen.models.project import Project
from clausegen.selection import Selection


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(model: Any, exclude: frozenset[str], cache: dict[tuple[str, str, str], str]) -> str:
    key = (type(model).__name__, model.id, getattr(model, "version", ""))
    if key not in cache:
        cache[key] = sha256(canonical(model.model_dump(exclude=exclude)))
    return cache[key]


def inputs(selection: Selection, project: Project, profile: LoadedProfile) -> Manifest:
    """Everything the output depends on, without the output files themselves."""
    cat = project.catalogue.meta
    docs: dict[str, DocumentEntry] = {}
    for doc_selection in selection.documents:
        tabled = any(s.generated == "requirements" for s in doc_selection.spec.sections)
        docs[doc_selection.document_id] = DocumentEntry(
            title=doc_selection.spec.title,
            clauses=[ClauseEntry(id=p.clause.id, version=p.clause.version,
                                 sha256=content_hash(p.clause, CLAUSE_NOT_CONTENT, project.content_hashes),
                                 pinned=True if p.pinned else None)
                     for p in doc_selection.clauses],
            requirements=[RequirementEntry(id=p.requirement.id, marked_as=p.marked_as,
                                           sha256=content_hash(p.requirement, REQUIREMENT_NOT_CONTENT,
                                                               project.content_hashes))
                          for p in selection.requirements if p.in_document(doc_selection.document_id)]
            if tabled else [])
    return Manifest(
        clausegen=__version__,
        library=LibraryRef(name=project.library.meta.name, version=project.library.meta.version),
        catalogue=CatalogueRef(name=cat.name, version=cat.version, level=selection.facts.level.id),
        profile=ProfileRef(id=selection.profile.id, sha256=profile.sha256, source=profile.source or None),
        risk_tier=selection.facts.tier.id,
        document_control=DocumentControlRef(**selection.profile.document.model_dump()),
        parameters={name: ParameterValue(value=p.value, origin=p.origin)
                    for name, p in sorted(selection.parameters.items())},
        documents=docs)


def inputs_sha256(base: Manifest) -> str:
    """The hash of everything the output depends on; also stored in each DOCX."""
    return sha256(canonical(base.inputs()))


def build_key(base: Manifest, templates: dict[str, bytes], formats: tuple[str, ...],
              source_date_epoch: int) -> str:
    """What decides whether a profile must be rebuilt: its inputs, templates, formats and date."""
    return sha256(canonical({"inputs": base.inputs(), "templates": {k: sha256(v) for k, v in sorted(templates.items())},
                             "formats": list(formats), "source_date_epoch": source_date_epoch}))


def files_intact(folder: Path, recorded: Manifest) -> list[str]:
    """The files the manifest lists that are missing or differ from their recorded sha256."""
    bad = []
    for document in recorded.documents.values():
        for entry in document.files.values():
            try:
                if sha256((folder / entry.path).read_bytes()) != entry.sha256:
                    bad.append(entry.path)
            except OSError:
                bad.append(entry.path)
    return bad


def up_to_date(folder: Path, key: str) -> bool:
    """True if folder/manifest.json was made from the same key and every file it lists is intact."""
    try:
        recorded = Manifest.read(folder / "manifest.json")
    except InputError:
        return False
    return recorded.build is not None and recorded.build.key == key and not files_intact(folder, recorded)


def manifest(base: Manifest, files: dict[str, dict[str, bytes]], key: str) -> bytes:
    """The final manifest: the inputs plus a sha256 for every file written, per document and format."""
    documents = {
        document_id: entry.model_copy(update={"files": {
            fmt: FileEntry(path=f"{document_id}.{fmt}", sha256=sha256(data))
            for fmt, data in files.get(document_id, {}).items()}})
        for document_id, entry in base.documents.items()}
    final = base.model_copy(update={"documents": documents, "inputs_sha256": inputs_sha256(base),
                                    "build": BuildInfo(key=key)})
    return final.to_json()
