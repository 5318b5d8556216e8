"""Load stage: files -> models. The only stage, with export, that touches the file system.

Every loader collects all the problems it finds and returns them with what it could load, so
`validate` shows every broken file in one run.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from clausegen.errors import Diagnostic, InputError, display_path
from clausegen.loading import cache, model_errors, pandoc_template, strict_yaml
from clausegen.models.catalogue import Catalogue, CatalogueFile, LevelFile
from clausegen.models.framework import Framework
from clausegen.models.library import Clause, Library, LibraryFile
from clausegen.models.profile import Profile
from clausegen.syntax import CLAUSE_FILE

ROOT_DOCS = {"README.md", "CHANGELOG.md"}


def read_yaml(path: Path) -> strict_yaml.Located:
    """Read one YAML file strictly. Raises InputError naming the file and line."""
    name = display_path(path)
    try:
        text = strict_yaml.decode(path.read_bytes(), name)
        return strict_yaml.read(text, name)
    except strict_yaml.YamlError as e:
        raise InputError(e.diagnostic) from e
    except OSError as e:
        raise InputError(Diagnostic(name, None, "", f"cannot read: {e.strerror}")) from e


@dataclass(frozen=True)
class LoadedProfile:
    profile: Profile
    located: strict_yaml.Located  # for locating later (semantic) errors in the file
    sha256: str
    source: str = ""  # the file's bytes as text (not normalised), recorded in the manifest so the build can be rebuilt later


def load_profile(path: Path) -> LoadedProfile:
    name = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(Diagnostic(name, None, "", f"cannot read: {e.strerror}")) from e
    return read_profile(raw, name)


def read_profile(raw: bytes, name: str) -> LoadedProfile:
    """A profile from its bytes; `name` is how errors name it (a file, or the manifest holding it)."""
    try:
        text = strict_yaml.decode(raw, name)
        located = strict_yaml.read(text, name)
    except strict_yaml.YamlError as e:
        raise InputError(e.diagnostic) from e
    if not isinstance(located.data, dict):
        raise InputError(Diagnostic(located.file, 1, "", "a profile is a YAML mapping"))
    profile, problems = model_errors.validate(Profile, located)
    if problems:
        raise InputError(problems)
    return LoadedProfile(profile, located, hashlib.sha256(raw).hexdigest(), raw.decode("utf-8"))


@dataclass(frozen=True)
class Templates:
    """The presentation templates for one build, as bytes, with the file each came from."""

    docx: dict[str, tuple[bytes, str]]  # document id -> (bytes, file)
    typst: tuple[bytes, str]
    html: tuple[bytes, str]
    partials: dict[str, dict[str, bytes]] = field(default_factory=dict)  # typst|html -> partial file -> bytes
    private: dict[str, Path] = field(default_factory=dict)  # typst|html -> the checked copy pandoc reads

    def hashable(self) -> dict[str, bytes]:
        """Template bytes by role, for deciding whether output is current: everything pandoc may read."""
        out = {f"docx:{doc_id}": data for doc_id, (data, _) in self.docx.items()}
        parts = {f"{role}:{name}": data for role, files in self.partials.items() for name, data in files.items()}
        return {**out, **parts, "typst": self.typst[0], "html": self.html[0]}


DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "default"


def load_templates(folder: Path | None, document_ids: list[str]) -> Templates:
    """A user's --templates folder wins file by file; the shipped defaults fill the gaps.

    For a document, `<document id>.docx` is used if present, else `base.docx`. A Typst or HTML
    template reads partials only from its own folder (pandoc_template.py)."""
    folders = ([folder] if folder else []) + [DEFAULT_TEMPLATES]
    if folder is not None and not folder.is_dir():
        raise InputError(Diagnostic(display_path(folder), None, "", "templates folder not found"))

    def find(*names: str) -> Path:
        for base in folders:
            for name in names:
                path = base / name
                if path.is_symlink():
                    raise InputError(Diagnostic(display_path(path), None, "", "symbolic links are not allowed for templates"))
                if path.is_file():
                    return path
        raise InputError(Diagnostic(display_path(folders[0]), None, "", f"no template {names[-1]}"))

    def first(*names: str) -> tuple[bytes, str]:
        path = find(*names)
        return path.read_bytes(), display_path(path)

    docx = {doc_id: first(f"{doc_id}.docx", "base.docx") for doc_id in document_ids}
    for data, name in dict.fromkeys(docx.values()):
        _check_docx(data, name)  # before docxtpl or python-docx ever open it
    paths = {"typst": find("document.typ"), "html": find("document.html")}
    main = {role: (path.read_bytes(), display_path(path)) for role, path in paths.items()}
    partials = {role: pandoc_template.read_partials(main[role][0], path) for role, path in paths.items()}
    for data, name in [main["html"], *((d, display_path(paths["html"].parent / n)) for n, d in partials["html"].items())]:
        pandoc_template.check_html(data, name)
    private = {role: pandoc_template.private_copy(main[role][0], path.name, partials[role]) for role, path in paths.items()}
    return Templates(docx, main["typst"], main["html"], partials, private)


@lru_cache(maxsize=16)
def _check_docx(data: bytes, name: str) -> None:
    from clausegen.loading import docx_template  # docxtpl: only a build loads Word templates

    docx_template.check(data, name)


def load_library(root: Path) -> tuple[Library | None, list[Diagnostic], dict[str, strict_yaml.Located]]:
    """library.yaml and every clause file. Returns the library, problems, and located front matter."""
    problems: list[Diagnostic] = []
    located_by_file: dict[str, strict_yaml.Located] = {}
    if not root.is_dir():
        return None, [Diagnostic(display_path(root), None, "", "clause library folder not found",
                                 "pass --library DIR or run from the project folder")], {}
    meta = None
    try:
        located = read_yaml(root / "library.yaml")
        located_by_file[located.file] = located
        meta, errs = model_errors.validate(LibraryFile, located)
        problems += errs
    except InputError as e:
        problems += e.diagnostics
    clauses: list[Clause] = []
    for path, problem in _walk(root):
        if problem:
            problems.append(problem)
            continue
        rel = path.relative_to(root)
        if path.suffix == ".md" and str(rel) not in ROOT_DOCS:
            if not CLAUSE_FILE.match(path.name):
                problems.append(Diagnostic(display_path(path), None, "", "clause file name must be <clause id>@<version>.md",
                                           "for example termination.asset-return@1.0.0.md"))
                continue
            clause, located, errs = _load_clause(path)
            problems += errs
            if located is not None:
                located_by_file[located.file] = located
            if clause is not None:
                clauses.append(clause)
        elif str(rel) not in ROOT_DOCS | {"library.yaml"}:
            problems.append(Diagnostic(display_path(path), None, "", "unexpected file in the clause library",
                                       "clause files are named <clause id>@<version>.md"))
    if meta is None:
        return None, problems, located_by_file
    clauses.sort(key=lambda c: c.key)
    return Library(meta=meta, clauses=tuple(clauses), root=display_path(root)), problems, located_by_file


def _walk(root: Path):
    """Every file under root, sorted; symlinks are refused (they could lead out of the library)."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in list(dirnames):
            if Path(dirpath, name).is_symlink():
                dirnames.remove(name)
                yield Path(dirpath, name), Diagnostic(display_path(Path(dirpath, name)), None, "",
                                                      "symbolic links are not allowed in a library",
                                                      "copy the file into the library instead")
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if path.is_symlink():
                yield path, Diagnostic(display_path(path), None, "", "symbolic links are not allowed in a library",
                                       "copy the file into the library instead")
            else:
                yield path, None


def split_front_matter(text: str, file: str) -> tuple[str, str, int]:
    """Return (front matter YAML, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise InputError(Diagnostic(file, 1, "", "a clause file starts with a '---' line and YAML front matter"))
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]).strip("\n") + "\n", i + 2
    raise InputError(Diagnostic(file, 1, "", "front matter is not closed by a '---' line"))


def _read_front_matter(front: str, name: str) -> strict_yaml.Located:
    """strict_yaml.read, through the disk cache: the parse depends only on the text."""
    store = cache.current()
    entry_key = cache.key("front-matter", front)
    hit = store.get(entry_key)
    if isinstance(hit, dict):
        try:
            lines = {tuple(path): line for path, line in hit["lines"]}
            return strict_yaml.Located(hit["data"], name, lines, line_offset=1)
        except (KeyError, TypeError, ValueError):
            pass  # a damaged entry: parse again
    located = strict_yaml.read(front, name, line_offset=1)
    if _json_safe(located.data):
        store.put(entry_key, {"data": located.data, "lines": [[list(p), n] for p, n in located.lines.items()]})
    return located


def _json_safe(value: object) -> bool:
    """True when JSON gives back exactly this value (no integer mapping keys, no other types)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_safe(v) for v in value)
    return value is None or isinstance(value, (str, int, bool))


def _load_clause(path: Path):
    name = display_path(path)
    try:
        text = strict_yaml.decode(path.read_bytes(), name)
        front, body, body_line = split_front_matter(text, name)
        located = _read_front_matter(front, name)
    except strict_yaml.YamlError as e:
        return None, None, [e.diagnostic]
    except InputError as e:
        return None, None, e.diagnostics
    if not isinstance(located.data, dict):
        return None, located, [Diagnostic(name, 2, "", "front matter must be a YAML mapping")]
    clause, problems = model_errors.validate(Clause, located, body=body, file=name, body_line=body_line)
    if clause is not None and path.name != f"{clause.id}@{clause.version}.md":
        problems.append(Diagnostic(name, located.line(("id",)), "id",
                                   f"file name does not match id and version ({clause.id}@{clause.version}.md)"))
        clause = None
    if clause is not None and not body.strip():
        problems.append(Diagnostic(name, body_line, "body", "the clause has no text"))
        clause = None
    return clause, located, problems


def load_catalogue(root: Path) -> tuple[Catalogue | None, list[Diagnostic], dict[str, strict_yaml.Located]]:
    problems: list[Diagnostic] = []
    located_by_file: dict[str, strict_yaml.Located] = {}
    if not root.is_dir():
        return None, [Diagnostic(display_path(root), None, "", "catalogue folder not found",
                                 "pass --catalogue DIR or run from the project folder")], {}
    try:
        located = read_yaml(root / "catalogue.yaml")
    except InputError as e:
        return None, e.diagnostics, {}
    located_by_file[located.file] = located
    meta, errs = model_errors.validate(CatalogueFile, located)
    problems += errs
    if meta is None:
        return None, problems, located_by_file
    levels: list[LevelFile] = []
    for spec in meta.levels:
        path = root / f"{spec.id}.yaml"
        try:
            lvl_located = read_yaml(path)
        except InputError as e:
            problems += e.diagnostics
            continue
        located_by_file[lvl_located.file] = lvl_located
        data = lvl_located.data
        if isinstance(data, dict) and isinstance(data.get("requirements"), list):
            data = {**data, "requirements": [
                {**r, "level": spec.id, "file": lvl_located.file,
                 "line": lvl_located.line(("requirements", i)) or 1} if isinstance(r, dict) else r
                for i, r in enumerate(data["requirements"])]}
        level, errs = model_errors.validate(LevelFile, lvl_located, data=data)
        problems += errs
        if level is not None:
            if level.level != spec.id:
                problems.append(Diagnostic(lvl_located.file, lvl_located.line(("level",)), "level",
                                           f"file {spec.id}.yaml declares level {level.level!r}"))
            levels.append(level)
    for _path, problem in _walk(root):
        if problem:
            problems.append(problem)
    if len(levels) != len(meta.levels):
        return None, problems, located_by_file
    return Catalogue(meta=meta, levels=tuple(levels), root=display_path(root)), problems, located_by_file


def load_frameworks(root: Path) -> tuple[list[Framework], list[Diagnostic]]:
    problems: list[Diagnostic] = []
    frameworks: list[Framework] = []
    if not root.is_dir():
        return [], [Diagnostic(display_path(root), None, "", "source register folder not found",
                               "pass --frameworks DIR or run from the project folder")]
    for path in sorted(root.glob("*.yaml")):
        try:
            located = read_yaml(path)
        except InputError as e:
            problems += e.diagnostics
            continue
        fw, errs = model_errors.validate(Framework, located, file=located.file)
        problems += errs
        if fw is not None:
            frameworks.append(fw)
    return frameworks, problems
