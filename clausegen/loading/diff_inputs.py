"""Load the two sides of `clausegen diff`: clause versions, library or project folders, git
revisions (extracted with `git archive` into a temporary folder) and build manifests."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from clausegen import loading
from clausegen.errors import Diagnostic, InputError, UsageError, display_path
from clausegen.models.catalogue import Catalogue
from clausegen.models.framework import Framework
from clausegen.models.library import Clause, Library
from clausegen.models.manifest import Manifest
from clausegen.syntax import CLAUSE_REF

GIT_TIMEOUT = 60
KINDS = "a clause version (id@version), a manifest.json, a library or project folder, or a git revision"


@dataclass(frozen=True)
class Side:
    """One side of a library comparison. The catalogue and register are there when the side is a
    project (a folder holding clauses/, catalogues/, frameworks/) or a git revision that has them."""

    label: str
    library: Library
    catalogue: Catalogue | None = None
    frameworks: tuple[Framework, ...] | None = None


@dataclass(frozen=True)
class Pair:
    kind: str  # clauses | libraries | manifests
    old: Any  # Clause | Side | dict
    new: Any
    old_label: str
    new_label: str
    library: Library | None = None  # clauses: their library; manifests: the library for clause texts, if it loads


def load_pair(old: str, new: str, library: Path, catalogue: Path, frameworks: Path) -> Pair:
    """Work out what OLD and NEW are, and load both. Raises UsageError or InputError."""
    kinds = (_kind(old, "OLD"), _kind(new, "NEW"))
    if kinds[0] == "clause" and kinds[1] == "clause":
        lib = _load_library(library)
        return Pair("clauses", _clause(lib, old), _clause(lib, new), old, new, lib)
    if kinds == ("manifest", "manifest"):
        try:
            current = _load_library(library)
        except InputError:
            current = None
        return Pair("manifests", read_manifest(Path(old)), read_manifest(Path(new)), old, new, current)
    if set(kinds) <= {"folder", "revision"}:
        relative = (library, catalogue, frameworks)
        return Pair("libraries", _side(old, kinds[0], relative), _side(new, kinds[1], relative), old, new)
    raise UsageError(Diagnostic("diff", None, "", f"cannot compare {kinds[0]} {old!r} with {kinds[1]} {new!r}",
                                "compare two clause versions, two manifests, or two libraries "
                                "(folders or git revisions)"))


def _kind(arg: str, which: str) -> str:
    if CLAUSE_REF.match(arg):
        return "clause"
    path = Path(arg)
    if path.is_file() and path.suffix == ".json":
        return "manifest"
    if path.is_dir():
        return "folder"
    if is_git_revision(arg):
        return "revision"
    raise UsageError(Diagnostic("diff", None, "", f"{which} {arg!r} is not {KINDS}",
                                "e.g. termination.asset-return@1.0.0, output/x/manifest.json, old-clauses/, HEAD~1"))


def _load_library(root: Path) -> Library:
    library, problems, _ = loading.load_library(root)
    if problems or library is None:
        raise InputError(problems or [Diagnostic(display_path(root), None, "", "library could not be loaded")])
    return library


def _clause(library: Library, ref: str) -> Clause:
    m = CLAUSE_REF.match(ref)
    assert m is not None
    clause_id, version = m.groups()
    versions = library.versions(clause_id)
    found = next((c for c in versions if c.version == version), None)
    if found is None:
        hint = ("versions there are: " + ", ".join(c.version for c in versions)) if versions else \
            "see `clausegen explain PROFILE` for clause ids"
        what = f"no version {version} of {clause_id}" if versions else f"no clause {clause_id}"
        raise InputError(Diagnostic(library.root, None, "", f"{what} in the library", hint))
    return found


def read_manifest(path: Path) -> Manifest:
    return Manifest.read(path)


# --- Folders and git revisions ------------------------------------------------------------------

def _side(arg: str, kind: str, relative: tuple[Path, Path, Path]) -> Side:
    if kind == "folder":
        folder = Path(arg)
        if (folder / "library.yaml").is_file():
            return Side(arg, _load_library(folder))
        return _project(folder, relative, arg, None)
    with tempfile.TemporaryDirectory(prefix="clausegen-diff-") as tmp:
        paths = extract_revision(arg, relative, Path(tmp))
        return _project(Path(tmp), paths, arg, tmp)


def _project(root: Path, relative: tuple[Path, ...], label: str, temp: str | None) -> Side:
    library_dir, catalogue_dir, frameworks_dir = (root / p for p in relative)
    if not (library_dir / "library.yaml").is_file():
        where = f"{label}:{relative[0]}" if temp else display_path(library_dir)
        raise InputError(Diagnostic(where, None, "", "no clause library (library.yaml) here",
                                    "pass a clause library folder, a project folder holding "
                                    f"{relative[0]}/, or a git revision that has it"))
    try:
        library = _load_library(library_dir)
        catalogue = frameworks = None
        if (catalogue_dir / "catalogue.yaml").is_file():
            catalogue, problems, _ = loading.load_catalogue(catalogue_dir)
            if problems or catalogue is None:
                raise InputError(problems)
        if frameworks_dir.is_dir():
            loaded, problems = loading.load_frameworks(frameworks_dir)
            if problems:
                raise InputError(problems)
            frameworks = tuple(loaded)
    except InputError as e:
        if temp is None:
            raise
        raise InputError([_relabel(d, temp, label) for d in e.diagnostics]) from e
    return Side(label, library, catalogue, frameworks)


def _relabel(diagnostic: Diagnostic, temp: str, label: str) -> Diagnostic:
    """A file in the extracted revision is named REV:path, as git names it."""
    prefix = display_path(temp).rstrip("/") + "/"
    file = diagnostic.file
    return replace(diagnostic, file=f"{label}:{file.removeprefix(prefix)}") if file.startswith(prefix) else diagnostic


def is_git_revision(rev: str) -> bool:
    if not rev or rev.startswith("-"):
        return False
    try:
        done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
                              capture_output=True, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def extract_revision(rev: str, relative: tuple[Path, ...], dest: Path) -> tuple[Path, ...]:
    """Extract the input folders as they are at `rev` into `dest`. Returns their paths relative to
    `dest` (those of the repository root). Folders missing at `rev` are skipped."""
    if rev.startswith("-") or not is_git_revision(rev):
        raise InputError(Diagnostic("git", None, "", f"{rev!r} is not a commit in this repository"))
    toplevel = Path(_git(["rev-parse", "--show-toplevel"]).decode().strip())
    inside = []
    for path in relative:
        try:
            inside.append(path.resolve().relative_to(toplevel.resolve()))
        except ValueError as e:
            raise InputError(Diagnostic(display_path(path), None, "", f"is outside the git repository {toplevel}",
                                        "git revisions can only be compared for folders inside the repository")) from e
    present = [p for p in inside if _git(["ls-tree", "-d", rev, "--", p.as_posix()]).strip()]
    if present:
        archive = _git(["archive", "--format=tar", rev, "--"] + [p.as_posix() for p in present])
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(dest, filter="data")
    return tuple(inside)


def _git(args: list[str]) -> bytes:
    try:
        done = subprocess.run(["git", *args], capture_output=True, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as e:
        raise InputError(Diagnostic("git", None, "", f"git could not run: {e}")) from e
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        raise InputError(Diagnostic("git", None, "", f"git {args[0]} failed: {message}"))
    return done.stdout
