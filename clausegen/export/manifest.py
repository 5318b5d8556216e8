"""The manifest: exactly which clause versions, requirements and parameter values went in."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from clausegen import __version__
from clausegen.models.catalogue import REQUIREMENT_NOT_CONTENT
from clausegen.models.library import CLAUSE_NOT_CONTENT
from clausegen.selection import Selection
from clausegen.validation import Project


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(model: Any, exclude: frozenset[str], cache: dict[tuple[str, str, str], str]) -> str:
    key = (type(model).__name__, model.id, getattr(model, "version", ""))
    if key not in cache:
        cache[key] = sha256(canonical(model.model_dump(exclude=exclude)))
    return cache[key]


def inputs(selection: Selection, project: Project, profile_sha256: str) -> dict[str, Any]:
    """Everything the output depends on, without the output files themselves."""
    cat = project.catalogue.meta
    docs: dict[str, Any] = {}
    for doc_selection in selection.documents:
        docs[doc_selection.document_id] = {
            "title": doc_selection.spec.title,
            "clauses": [{"id": p.clause.id, "version": p.clause.version,
                         "sha256": content_hash(p.clause, CLAUSE_NOT_CONTENT, project.content_hashes),
                         **({"pinned": True} if p.pinned else {})}
                        for p in doc_selection.clauses],
            "requirements": [{"id": p.requirement.id, "marked_as": p.marked_as,
                              "sha256": content_hash(p.requirement, REQUIREMENT_NOT_CONTENT, project.content_hashes)}
                             for p in selection.requirements]
            if any(s.generated == "requirements" for s in doc_selection.spec.sections) else [],
        }
    return {
        "clausegen": __version__,
        "library": {"name": project.library.meta.name, "version": project.library.meta.version},
        "catalogue": {"name": cat.name, "version": cat.version, "level": selection.facts.level.id},
        "profile": {"id": selection.profile.id, "sha256": profile_sha256},
        "risk_tier": selection.facts.tier.id,
        "document_control": selection.profile.document.model_dump(),
        "parameters": {name: {"value": p.value, "origin": p.origin} for name, p in sorted(selection.parameters.items())},
        "documents": docs,
    }


def inputs_sha256(base: dict[str, Any]) -> str:
    """The hash of everything the output depends on; also stored in each DOCX."""
    return sha256(canonical(base))


def build_key(base: dict[str, Any], templates: dict[str, bytes], formats: tuple[str, ...],
              source_date_epoch: int) -> str:
    """What decides whether a profile must be rebuilt: its inputs, templates, formats and date."""
    return sha256(canonical({"inputs": base, "templates": {k: sha256(v) for k, v in sorted(templates.items())},
                             "formats": list(formats), "source_date_epoch": source_date_epoch}))


def up_to_date(folder: Path, key: str) -> bool:
    """True if folder/manifest.json was made from the same key and every file it lists is intact."""
    try:
        recorded = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if recorded.get("build", {}).get("key") != key:
            return False
        for document in recorded["documents"].values():
            for entry in document["files"].values():
                if sha256((folder / entry["path"]).read_bytes()) != entry["sha256"]:
                    return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


def manifest(base: dict[str, Any], files: dict[str, dict[str, bytes]], key: str) -> bytes:
    """The final manifest: the inputs plus a sha256 for every file written, per document and format."""
    out = json.loads(json.dumps(base))
    out["inputs_sha256"] = inputs_sha256(base)
    out["build"] = {"key": key}
    for document_id, by_format in files.items():
        out["documents"][document_id]["files"] = {
            fmt: {"path": f"{document_id}.{fmt}", "sha256": sha256(data)} for fmt, data in by_format.items()}
    return (json.dumps(out, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
