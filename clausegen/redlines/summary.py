"""What changed, per document, in words a lawyer reads first: clauses and requirements that
changed (with their old and new versions), parameter values that changed and why each value is
what it is (the profile, the classification level, the risk tier or the default), and the clause
numbers affected."""

from __future__ import annotations

from dataclasses import dataclass

from clausegen.loading.builds import Build
from clausegen.models.manifest import ParameterValue
from clausegen.redlines.structure import DocumentDiff, TableDiff
from clausegen.rendering.environment import escape_markdown

_ORIGINS = {"profile": "set in the profile", "default": "the clause's default"}


@dataclass(frozen=True)
class ParameterChange:
    name: str
    old: ParameterValue | None
    new: ParameterValue | None


def parameter_changes(old: Build, new: Build) -> list[ParameterChange]:
    """Parameters whose value changed (a value that stayed while its reason changed is left out)."""
    a, b = old.manifest.parameters, new.manifest.parameters

    def value(p: ParameterValue | None) -> object:
        return None if p is None else p.value

    return [ParameterChange(n, a.get(n), b.get(n)) for n in sorted(set(a) | set(b)) if value(a.get(n)) != value(b.get(n))]


def counts(diff: DocumentDiff) -> str:
    """One line for the terminal."""
    if diff.status != "changed":
        return {"added": "new in the later build", "removed": "not in the later build",
                "unchanged": "no changes"}[diff.status]
    parts = [p for p in diff.parts if not p.renumbered_only]
    rows = sum(1 for b in diff.blocks if isinstance(b, TableDiff) for r in b.rows if r.kind != "=")
    moved = len(diff.parts) - len(parts)
    return ", ".join(x for x in (f"{len(parts)} clause(s) or part(s) changed", f"{rows} table row(s)" if rows else "",
                                 f"{moved} renumbered only" if moved else "") if x)


def _why(value: ParameterValue | None) -> str:
    if value is None:
        return "not used"
    origin = value.origin
    reason = _ORIGINS.get(origin) or (f"classification {origin}" if origin.startswith("level ") else
                                      f"risk {origin}" if origin.startswith("tier ") else origin)
    return f"{value.value} ({reason})"


def _parameters_of(build: Build, document_id: str) -> set[str]:
    """The parameters a document's clauses and requirements declare."""
    out: set[str] = set()
    for pick in next((d.clauses for d in build.selection.documents if d.document_id == document_id), []):
        out |= set(pick.clause.parameters)
    if build.manifest.documents.get(document_id) and build.manifest.documents[document_id].requirements:
        for req in build.selection.requirements:
            out |= set(req.requirement.parameters)
    return out


def markdown(old: Build, new: Build, diffs: list[DocumentDiff]) -> str:
    m_old, m_new = old.manifest, new.manifest
    out = [f"# Changes to the documents for {escape_markdown(m_new.profile.id)}",
           escape_markdown(f"{old.label} → {new.label}")]
    facts = [("library", f"{m_old.library.name} {m_old.library.version} ({old.library_label})",
              f"{m_new.library.name} {m_new.library.version} ({new.library_label})"),
             ("classification level", m_old.catalogue.level, m_new.catalogue.level),
             ("risk tier", m_old.risk_tier, m_new.risk_tier)]
    build = [f"- {escape_markdown(name)}: {escape_markdown(a)} → {escape_markdown(b)}"
             if a != b else f"- {escape_markdown(name)}: {escape_markdown(b)}" for name, a, b in facts]
    if m_old.profile.sha256 != m_new.profile.sha256:
        build.append("- the profile changed")
    out.append("\n".join(build))
    changes = parameter_changes(old, new)
    for diff in diffs:
        out += _document(diff, old, new, changes)
    return "\n\n".join(out) + "\n"


def _document(diff: DocumentDiff, old: Build, new: Build, changes: list[ParameterChange]) -> list[str]:
    document = diff.new or diff.old
    assert document is not None
    out = [f"## {escape_markdown(document.title)} ({diff.document_id})"]
    if diff.status != "changed":
        out.append({"added": "New in the later build: the whole document is inserted.",
                    "removed": "Not in the later build: the whole document is deleted.",
                    "unchanged": "No changes."}[diff.status])
        if diff.status == "unchanged":
            return out
    lines = []
    for part in diff.parts:
        what = f"clause {part.key}" if "." in part.key else escape_markdown(part.title)
        versions = (f" {part.old_version} → {part.new_version}" if part.old_version != part.new_version
                    and part.old_version and part.new_version else "")
        if part.kind == "+":
            lines.append(f"- added {what} {part.new_version} as {part.new_number}".rstrip())
        elif part.kind == "-":
            lines.append(f"- removed {what} {part.old_version} (was {part.old_number})".replace("  ", " "))
        elif part.renumbered_only:
            lines.append(f"- {what}: renumbered {part.old_number} → {part.new_number}, text unchanged")
        else:
            numbers = part.new_number if part.old_number == part.new_number else \
                f"{part.old_number} → {part.new_number}"
            lines.append(f"- changed {what}{versions} ({numbers})")
    lines += _rows(diff)
    used = _parameters_of(new, diff.document_id) | _parameters_of(old, diff.document_id)
    for change in changes:
        if change.name in used:
            lines.append(f"- parameter {escape_markdown(change.name)}: {escape_markdown(_why(change.old))} → "
                         f"{escape_markdown(_why(change.new))}")
    affected = sorted({p.new_number or p.old_number for p in diff.parts if not p.renumbered_only},
                      key=lambda n: [int(x) for x in n.split(".")])
    if affected:
        lines.append("- clause numbers affected: " + ", ".join(affected))
    return out + (["\n".join(lines)] if lines else [])


def _rows(diff: DocumentDiff) -> list[str]:
    """Requirements (and other table rows) added, removed or changed, with old and new text."""
    out = []
    for block in diff.blocks:
        if not isinstance(block, TableDiff):
            continue
        first = "".join(c.text for c in block.columns[0]) if block.columns else ""
        noun = "requirement" if first == "ID" else "row"
        for row in block.rows:
            if row.kind == "=":
                continue
            old = " | ".join("".join(c.text for c in cell if c.kind != "+") for cell in row.cells[1:]).strip(" |")
            new = " | ".join("".join(c.text for c in cell if c.kind != "-") for cell in row.cells[1:]).strip(" |")
            label = f"{noun} {escape_markdown(row.key)}"
            if row.kind == "+":
                out.append(f"- added {label}: {escape_markdown(new)}")
            elif row.kind == "-":
                out.append(f"- removed {label}: {escape_markdown(old)}")
            else:
                out.append(f"- changed {label}: was “{escape_markdown(old)}”, now “{escape_markdown(new)}”")
    return out
