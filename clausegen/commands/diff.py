"""`clausegen diff`: what changed between two clause versions, two libraries, or two builds.

- two clause versions: front matter field by field, the changelog in between, a word-level redline
  of the text;
- two libraries (folders or git revisions): clause versions added and removed, the version a
  profile gets by default, versions changed in place, requirements, parameter values, register;
- two manifests: what changed in a regenerated contract: documents, clauses added, removed or at
  another version (with the redline when the library holds both versions), requirements,
  parameter values.

The comparison builds a Report (a flat list of entries plus the same facts as data); the
formatters turn it into terminal text, Markdown, JSON or a DOCX with Word tracked changes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from packaging.version import Version

from clausegen import loading
from clausegen.commands import emit, needs_out
from clausegen.errors import Diagnostic, UsageError
from clausegen.loading.diff_inputs import Pair, Side, load_pair
from clausegen.models.catalogue import REQUIREMENT_NOT_CONTENT, Requirement
from clausegen.models.library import CLAUSE_NOT_CONTENT, Clause, Library
from clausegen.models.manifest import DocumentEntry, Manifest, ParameterValue
from clausegen.pipeline import source_date_epoch
from clausegen.rendering import redline
from clausegen.rendering.diff_report import Report, format_docx, format_json, format_markdown, format_text


def compare(pair: Pair) -> Report:
    if pair.kind == "clauses":
        report = clauses(pair.old, pair.new)
        if pair.library is not None:
            report.library_name, report.library_version = pair.library.meta.name, pair.library.meta.version
        return report
    if pair.kind == "libraries":
        return libraries(pair.old, pair.new)
    return manifests(pair.old, pair.new, pair.library, pair.old_label, pair.new_label)


# --- Two clause versions ------------------------------------------------------------------------

def clauses(old: Clause, new: Clause) -> Report:
    title = f"{old.id} {old.version} → {new.version}" if old.id == new.id else \
        f"{old.id} {old.version} → {new.id} {new.version}"
    report = Report(title, f"{old.file} → {new.file}")
    report.data = {"kind": "clauses", "old": f"{old.id}@{old.version}", "new": f"{new.id}@{new.version}",
                   **_clause_changes(old, new, report, nested=False)}
    if not report.differs:
        report.add("note", "No differences.")
    return report


def _clause_changes(old: Clause, new: Clause, report: Report, nested: bool = True) -> dict[str, Any]:
    """Changelog, front matter and text of one clause, as entries and as data. Nested inside a
    larger report, the three parts are labelled by notes rather than headings."""

    def label(text: str) -> None:
        report.add("note", text + ":") if nested else report.add("heading", text)

    log = _changelog_between(old, new)
    if log:
        label("What the changelog says")
        for line in log:
            report.add("note", line)
    fields = _front_matter(old, new)
    if fields:
        label("Front matter")
        for kind, text in fields:
            report.add(kind, text)
    redlined = redline.compare(old.body, new.body)
    if redline.changed(redlined):
        label("Text")
        report.add("redline", paragraphs=redlined)
    return {"changelog": log, "fields": [{"change": k, "text": t} for k, t in fields],
            "text": _paragraph_data(redlined) if redline.changed(redlined) else []}


def _changelog_between(old: Clause, new: Clause) -> list[str]:
    low, high = sorted((Version(old.version), Version(new.version)))
    later = new if Version(new.version) >= Version(old.version) else old
    return [f"{e.version}: {change}" for e in sorted(later.changelog, key=lambda e: Version(e.version))
            if low < Version(e.version) <= high for change in e.changes]


def _front_matter(old: Clause, new: Clause) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name in ("id", "title", "status", "order"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out.append(("changed", f"{name}: {a!r} → {b!r}"))
    for doc in sorted(set(old.documents) | set(new.documents)):
        a, b = old.documents.get(doc), new.documents.get(doc)
        if a is None:
            out.append(("added", f"in document {doc}, section {b}"))
        elif b is None:
            out.append(("removed", f"from document {doc}, section {a}"))
        elif a != b:
            out.append(("changed", f"document {doc}: section {a} → {b}"))
    if old.condition != new.condition:
        out.append(("changed", f"condition: {_compact(old.condition)} → {_compact(new.condition)}"))
    out += _parameters(old.parameters, new.parameters)
    out += [("added", f"cites {s}") for s in new.sources if s not in old.sources]
    out += [("removed", f"cites {s}") for s in old.sources if s not in new.sources]
    return out


def _parameters(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if b is None:
            out.append(("removed", f"parameter {name}"))
        elif a is None:
            out.append(("added", f"parameter {name} ({b.type}, default {b.default!r})"))
        else:
            da, db = a.model_dump(), b.model_dump()
            diffs = [f"{k} {da.get(k)!r} → {db.get(k)!r}" for k in sorted(set(da) | set(db)) if da.get(k) != db.get(k)]
            if diffs:
                out.append(("changed", f"parameter {name}: {', '.join(diffs)}"))
    return out


# --- Two libraries ------------------------------------------------------------------------------

def libraries(old: Side, new: Side) -> Report:
    lib_a, lib_b = old.library, new.library
    report = Report(f"Library {old.label} → {new.label}",
                    f"{lib_a.meta.name} {lib_a.meta.version} → {lib_b.meta.name} {lib_b.meta.version}",
                    lib_b.meta.name, lib_b.meta.version)
    data: dict[str, Any] = {"kind": "libraries", "old": old.label, "new": new.label,
                            "library": {"old": lib_a.meta.version, "new": lib_b.meta.version}}
    report.add("heading", "Clause library")
    if (lib_a.meta.name, lib_a.meta.version) != (lib_b.meta.name, lib_b.meta.version):
        report.add("changed", f"library {lib_a.meta.name} {lib_a.meta.version} → {lib_b.meta.name} {lib_b.meta.version}")
    data["clauses"] = _library_clauses(lib_a, lib_b, report)
    data["tiers"] = _settings(report, [(f"risk tier {t.id}", t.parameters) for t in lib_a.meta.risk_tiers],
                              [(f"risk tier {t.id}", t.parameters) for t in lib_b.meta.risk_tiers])
    if old.catalogue is not None and new.catalogue is not None:
        report.add("heading", "Requirements")
        cat_a, cat_b = old.catalogue, new.catalogue
        if cat_a.meta.version != cat_b.meta.version:
            report.add("changed", f"catalogue {cat_a.meta.name} {cat_a.meta.version} → {cat_b.meta.version}")
        data["requirements"] = _requirements(cat_a, cat_b, report)
        data["levels"] = _settings(report, [(f"level {lvl.level}", lvl.parameters) for lvl in cat_a.levels],
                                   [(f"level {lvl.level}", lvl.parameters) for lvl in cat_b.levels])
    if old.frameworks is not None and new.frameworks is not None:
        data["register"] = _register(old.frameworks, new.frameworks, report)
    report.data = data
    if not report.differs:
        report.add("note", "No differences.")
    return report


def _library_clauses(a: Library, b: Library, report: Report) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    ids_a, ids_b = {c.id for c in a.clauses}, {c.id for c in b.clauses}
    for clause_id in sorted(ids_a | ids_b):
        va, vb = {c.version: c for c in a.versions(clause_id)}, {c.version: c for c in b.versions(clause_id)}
        if not va:
            report.add("added", f"clause {clause_id} ({', '.join(vb)})")
            out.append({"clause": clause_id, "change": "added", "versions": list(vb)})
            continue
        if not vb:
            report.add("removed", f"clause {clause_id} ({', '.join(va)})")
            out.append({"clause": clause_id, "change": "removed", "versions": list(va)})
            continue
        for version in vb.keys() - va.keys():
            report.add("added", f"{clause_id}@{version} ({vb[version].status})")
            out.append({"clause": clause_id, "change": "version added", "version": version})
        for version in va.keys() - vb.keys():
            report.add("removed", f"{clause_id}@{version}")
            out.append({"clause": clause_id, "change": "version removed", "version": version})
        default_a, default_b = _default(a, clause_id), _default(b, clause_id)
        if default_a and default_b and default_a.version != default_b.version:
            report.add("changed", f"{clause_id}: profiles now get {default_b.version} instead of {default_a.version}")
            report.add("subheading", f"{clause_id} {default_a.version} → {default_b.version}")
            out.append({"clause": clause_id, "change": "default version", "old": default_a.version,
                        "new": default_b.version, **_clause_changes(default_a, default_b, report)})
        for version in sorted(va.keys() & vb.keys(), key=Version):
            ca, cb = va[version], vb[version]
            if ca.model_dump(exclude=set(CLAUSE_NOT_CONTENT)) != cb.model_dump(exclude=set(CLAUSE_NOT_CONTENT)):
                report.add("changed", f"{clause_id}@{version} changed in place, without a new version number")
                report.add("subheading", f"{clause_id}@{version}, changed in place")
                out.append({"clause": clause_id, "change": "changed in place", "version": version,
                            **_clause_changes(ca, cb, report)})
    return out


def _default(library: Library, clause_id: str) -> Clause | None:
    active = [c for c in library.versions(clause_id) if c.status == "active"]
    return active[-1] if active else None


def _requirements(a, b, report: Report) -> list[dict[str, Any]]:
    ra = {r.id: r for lvl in a.levels for r in lvl.requirements}
    rb = {r.id: r for lvl in b.levels for r in lvl.requirements}
    out: list[dict[str, Any]] = []
    for rid in sorted(rb.keys() - ra.keys()):
        report.add("added", f"{rid} (level {rb[rid].level}): {rb[rid].text}")
        out.append({"requirement": rid, "change": "added", "level": rb[rid].level})
    for rid in sorted(ra.keys() - rb.keys()):
        report.add("removed", f"{rid} (level {ra[rid].level}): {ra[rid].text}")
        out.append({"requirement": rid, "change": "removed", "level": ra[rid].level})
    for rid in sorted(ra.keys() & rb.keys()):
        x, y = ra[rid], rb[rid]
        if x.model_dump(exclude=set(REQUIREMENT_NOT_CONTENT)) == y.model_dump(exclude=set(REQUIREMENT_NOT_CONTENT)) and x.level == y.level:
            continue
        out.append({"requirement": rid, "change": "changed", **_requirement_changes(x, y, report)})
    return out


def _requirement_changes(x: Requirement, y: Requirement, report: Report) -> dict[str, Any]:
    report.add("changed", f"{x.id}")
    fields = []
    if x.level != y.level:
        fields.append(f"level {x.level} → {y.level}")
    for name in ("area", "control", "default_as"):
        if getattr(x, name) != getattr(y, name):
            fields.append(f"{name} {getattr(x, name)} → {getattr(y, name)}")
    if x.condition != y.condition:
        fields.append(f"condition {_compact(x.condition)} → {_compact(y.condition)}")
    fields += [f"cites {s}" for s in y.sources if s not in x.sources]
    fields += [f"no longer cites {s}" for s in x.sources if s not in y.sources]
    fields += [text for _, text in _parameters(x.parameters, y.parameters)]
    for text in fields:
        report.add("note", text)
    data: dict[str, Any] = {"fields": fields}
    for part in ("text", "verification"):
        paragraphs = redline.compare(getattr(x, part), getattr(y, part))
        if redline.changed(paragraphs):
            report.add("note", f"{part}:")
            report.add("redline", paragraphs=paragraphs)
            data[part] = _paragraph_data(paragraphs)
    return data


def _settings(report: Report, old: list[tuple[str, dict]], new: list[tuple[str, dict]]) -> list[dict[str, Any]]:
    """Parameter values set by levels or risk tiers."""
    out = []
    before, after = dict(old), dict(new)
    for owner in [o for o, _ in new] + [o for o, _ in old if o not in after]:
        a, b = before.get(owner, {}), after.get(owner, {})
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                text = f"{owner}: {name} {_value(a, name)} → {_value(b, name)}"
                report.add("changed", text)
                out.append({"owner": owner, "parameter": name, "old": a.get(name), "new": b.get(name)})
    return out


def _register(a, b, report: Report) -> list[dict[str, Any]]:
    ia = {i.id: i for fw in a for i in fw.items}
    ib = {i.id: i for fw in b for i in fw.items}
    out = []
    changes = [("added", i, ib[i].summary) for i in sorted(ib.keys() - ia.keys())] + \
              [("removed", i, ia[i].summary) for i in sorted(ia.keys() - ib.keys())] + \
              [("changed", i, ib[i].summary) for i in sorted(ia.keys() & ib.keys()) if ia[i] != ib[i]]
    if changes:
        report.add("heading", "Source register")
    for kind, item_id, summary in changes:
        report.add(kind, f"source item {item_id}: {summary}")
        out.append({"item": item_id, "change": kind})
    return out


# --- Two manifests ------------------------------------------------------------------------------

def manifests(old: Manifest, new: Manifest, library: Library | None, old_label: str,
              new_label: str) -> Report:
    report = Report(f"Contract changes for {new.profile.id}", f"{old_label} → {new_label}",
                    new.library.name, new.library.version)
    data: dict[str, Any] = {"kind": "manifests", "old": old_label, "new": new_label}
    facts: list[tuple[str, Callable[[Manifest], str]]] = [
        ("profile", lambda m: m.profile.id), ("clausegen", lambda m: m.clausegen),
        ("library", lambda m: f"{m.library.name} {m.library.version}"),
        ("catalogue", lambda m: f"{m.catalogue.name} {m.catalogue.version}"),
        ("level", lambda m: m.catalogue.level), ("risk tier", lambda m: m.risk_tier)]
    data["build"] = [{"field": name, "old": get(old), "new": get(new)} for name, get in facts if get(old) != get(new)]
    if data["build"]:
        report.add("heading", "Build")
    for change in data["build"]:
        report.add("changed", f"{change['field']}: {change['old']} → {change['new']}")
    docs_a, docs_b = old.documents, new.documents
    data["documents"] = []
    for doc in [d for d in docs_b if d not in docs_a]:
        report.add("added", f"document {doc}")
        data["documents"].append({"document": doc, "change": "added"})
    for doc in [d for d in docs_a if d not in docs_b]:
        report.add("removed", f"document {doc}")
        data["documents"].append({"document": doc, "change": "removed"})
    for doc in [d for d in docs_b if d in docs_a]:
        changes = _document(docs_a[doc], docs_b[doc], library)
        if changes["entries"]:
            report.add("heading", f"Document {doc}")
            report.entries += changes.pop("entries")
            data["documents"].append({"document": doc, "change": "changed", **changes})
    data["parameters"] = _parameter_values(old.parameters, new.parameters, report)
    if library is None:
        report.add("note", "Clause texts are not shown: the library (--library) could not be loaded.")
    report.data = data
    if not report.differs:
        report.add("note", "No differences.")
    return report


def _document(a: DocumentEntry, b: DocumentEntry, library: Library | None) -> dict[str, Any]:
    sub = Report("", "")
    ca = {c.id: c for c in a.clauses}
    cb = {c.id: c for c in b.clauses}
    clauses_out: list[dict[str, Any]] = []
    for cid in [c for c in cb if c not in ca]:
        sub.add("added", f"clause {cid}@{cb[cid].version}")
        clauses_out.append({"clause": cid, "change": "added", "version": cb[cid].version})
    for cid in [c for c in ca if c not in cb]:
        sub.add("removed", f"clause {cid}@{ca[cid].version}")
        clauses_out.append({"clause": cid, "change": "removed", "version": ca[cid].version})
    for cid in [c for c in cb if c in ca]:
        x, y = ca[cid], cb[cid]
        if x.version != y.version:
            sub.add("changed", f"clause {cid}: {x.version} → {y.version}" + (" (pinned)" if y.pinned else ""))
            entry: dict[str, Any] = {"clause": cid, "change": "version", "old": x.version, "new": y.version}
            pair = _versions(library, cid, x.version, y.version)
            if pair is not None:
                sub.add("subheading", f"{cid} {x.version} → {y.version}")
                entry.update(_clause_changes(*pair, sub))
            clauses_out.append(entry)
        elif x.sha256 != y.sha256:
            sub.add("changed", f"clause {cid}@{x.version}: content changed without a new version number")
            clauses_out.append({"clause": cid, "change": "content", "version": x.version})
    ra = {r.id: r for r in a.requirements}
    rb = {r.id: r for r in b.requirements}
    reqs_out: list[dict[str, Any]] = []
    for rid in [r for r in rb if r not in ra]:
        sub.add("added", f"requirement {rid} ({rb[rid].marked_as})")
        reqs_out.append({"requirement": rid, "change": "added"})
    for rid in [r for r in ra if r not in rb]:
        sub.add("removed", f"requirement {rid}")
        reqs_out.append({"requirement": rid, "change": "removed"})
    for rid in [r for r in rb if r in ra]:
        if ra[rid].marked_as != rb[rid].marked_as:
            sub.add("changed", f"requirement {rid}: {ra[rid].marked_as} → {rb[rid].marked_as}")
            reqs_out.append({"requirement": rid, "change": "marked_as"})
        elif ra[rid].sha256 != rb[rid].sha256:
            sub.add("changed", f"requirement {rid}: text, verification or parameters changed")
            reqs_out.append({"requirement": rid, "change": "content"})
    return {"entries": sub.entries, "clauses": clauses_out, "requirements": reqs_out}


def _versions(library: Library | None, clause_id: str, a: str, b: str) -> tuple[Clause, Clause] | None:
    if library is None:
        return None
    found = {c.version: c for c in library.versions(clause_id)}
    return (found[a], found[b]) if a in found and b in found else None


def _parameter_values(a: dict[str, ParameterValue], b: dict[str, ParameterValue], report: Report) -> list[dict[str, Any]]:
    out = []
    changed = [n for n in sorted(set(a) | set(b)) if a.get(n) != b.get(n)]
    if changed:
        report.add("heading", "Parameter values")
    for name in changed:
        x, y = a.get(name), b.get(name)
        if x is not None and y is not None:
            report.add("changed", f"{name}: {_shown(x)} → {_shown(y)}")
        elif y is not None:
            report.add("added", f"{name} = {_shown(y)}")
        elif x is not None:
            report.add("removed", f"{name} (was {_shown(x)})")
        out.append({"parameter": name, "old": x and x.model_dump(), "new": y and y.model_dump()})
    return out


def _shown(value: ParameterValue) -> str:
    return f"{value.value!r} ({value.origin})"


def _value(values: dict, name: str) -> str:
    return repr(values[name]) if name in values else "(not set)"


def _compact(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _paragraph_data(paragraphs: tuple[redline.Paragraph, ...]) -> list[dict[str, Any]]:
    return [{"paragraph": p.kind, "old_style": p.old_style, "new_style": p.new_style,
             "changes": [{"kind": c.kind, "text": c.text} for c in p.changes]}
            for p in paragraphs]


def is_build(arg: str) -> bool:
    """A folder that `clausegen build` wrote (it holds a manifest.json)."""
    return Path(arg).is_dir() and (Path(arg) / "manifest.json").is_file()


def run(args: argparse.Namespace) -> int:
    if is_build(args.old) or is_build(args.new) or args.old_library or args.new_library:
        from clausegen.commands import redline

        return redline.run(args)
    args.format = args.format or "text"
    if args.format not in ("text", "md", "docx", "json"):
        raise UsageError(Diagnostic("--format", None, "", f"unknown value {args.format}",
                                    "choose from: text, md, docx, json (for two build folders: docx, md, html, pdf)"))
    needs_out(args)
    report = compare(load_pair(args.old, args.new, args.library, args.catalogue, args.frameworks))
    if args.format == "docx":
        template = loading.load_templates(None, ["diff-report"]).docx["diff-report"]
        data = format_docx(report, template, source_date_epoch(dict(os.environ)))
    elif args.format == "md":
        data = format_markdown(report).encode("utf-8")
    elif args.format == "json":
        data = format_json(report).encode("utf-8")
    else:
        color = args.color == "always" or (args.color == "auto" and args.out is None and sys.stdout.isatty()
                                           and not os.environ.get("NO_COLOR"))
        data = format_text(report, color).encode("utf-8")
    emit(data, args.out)
    return 0
