"""Load one side of a document redline: a build folder (or its manifest.json), rebuilt.

The documents are not read back from the files. They are assembled again from the profile the
manifest recorded and from the library that made them: the current library folders, a git
revision of them (`--old-library v1.0.0`), or, when the current library is another version, the
git tag of the version the manifest names. The rebuild must give exactly the clause versions,
content hashes, requirements and parameter values the manifest recorded, or it is an error: the
redline shows what the build contained, or nothing. The files on disk, where they are still
there, must match the manifest's hashes.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clausegen import loading
from clausegen.assembly import assemble
from clausegen.errors import Diagnostic, InputError, display_path
from clausegen.export import manifest as manifests
from clausegen.loading.diff_inputs import GIT_TIMEOUT, extract_revision, is_git_revision
from clausegen.models.document import Document
from clausegen.models.manifest import Manifest
from clausegen.models.project import Project
from clausegen.selection import Selection, select


@dataclass(frozen=True)
class Build:
    label: str  # as the user named it
    manifest: Manifest
    library_label: str  # where the library came from: a folder or a git revision
    project: Project
    selection: Selection
    documents: dict[str, Document]


def manifest_path(arg: str) -> tuple[Path, Path | None]:
    """manifest.json of a build folder (or the file itself), and the folder whose files to check."""
    path = Path(arg)
    if path.is_dir():
        return path / "manifest.json", path
    if path.name == "manifest.json" or path.suffix == ".json":
        return path, path.parent
    raise InputError(Diagnostic(arg, None, "", "no build folder or manifest.json here",
                                "pass a folder that `clausegen build` wrote (OUT/<profile id>/), or its manifest.json"))


def read_build(arg: str, library: str | None, inputs: Any, which: str) -> Build:
    """Read, check and rebuild one side. `library`: a folder or git revision of the library (None:
    the current folders, else the git tag of the manifest's library version). `inputs`: the
    --library/--catalogue/--frameworks folders."""
    path, folder = manifest_path(arg)
    manifest = Manifest.read(path)
    if folder is not None:
        _check_files(folder, manifest, display_path(path))
    loaded = _profile(manifest, display_path(path))
    tried: list[str] = []
    for label, project in _libraries(library, manifest, inputs, which):
        selection = select(loaded.profile, project, loaded.located, list(manifest.documents))
        rebuilt = manifests.inputs(selection, project, loaded)
        differences = _differences(manifest, rebuilt)
        if not differences:
            documents = {d.document_id: d for d in assemble(selection, project)}
            return Build(arg, manifest, label, project, selection, documents)
        tried.append(f"{label}: {differences[0]}")
    option = f"--{which}-library"
    raise InputError(Diagnostic(display_path(path), None, "", "no library at hand gives this build again ("
                                + "; ".join(tried) + ")",
                                f"name the library it was built from: {option} REV (a git revision or folder), "
                                f"e.g. {option} v{manifest.library.version}"))


def _check_files(folder: Path, manifest: Manifest, name: str) -> None:
    """Files the manifest lists that are still there must be the files it recorded."""
    present = Manifest.model_copy(manifest, update={"documents": {
        doc_id: entry.model_copy(update={"files": {fmt: f for fmt, f in entry.files.items()
                                                   if (folder / f.path).exists()}})
        for doc_id, entry in manifest.documents.items()}})
    changed = manifests.files_intact(folder, present)
    if changed:
        raise InputError([Diagnostic(display_path(folder / f), None, "", f"does not match its sha256 in {name}",
                                     "the file was edited after the build; rebuild it, or pass a copy of the "
                                     "build as it was") for f in changed])


def _profile(manifest: Manifest, name: str) -> loading.LoadedProfile:
    source = manifest.profile.source
    if source is not None:
        raw = source.encode("utf-8")
        if hashlib.sha256(raw).hexdigest() != manifest.profile.sha256:
            raise InputError(Diagnostic(name, None, "profile.source", "does not match profile.sha256",
                                        "the manifest was edited; use the one the build wrote"))
        return loading.read_profile(raw, f"{name}:profile")
    for candidate in sorted(Path("profiles").glob("*.yaml")):
        raw = candidate.read_bytes()
        if hashlib.sha256(raw).hexdigest() == manifest.profile.sha256:
            return loading.read_profile(raw, display_path(candidate))
    raise InputError(Diagnostic(name, None, "profile", "this manifest does not hold its profile, and no file in "
                                "profiles/ has its sha256", "rebuild the old side with this version of clausegen, "
                                "or restore the profile file as it was"))


def _libraries(library: str | None, manifest: Manifest, inputs: Any, which: str):
    """(label, project) for each library to try, most likely first."""
    from clausegen.sources import Inputs, load_project

    if library is not None and Path(library).is_dir() and (Path(library) / "library.yaml").is_file():
        yield library, load_project(Inputs(Path(library), inputs.catalogue, inputs.frameworks))
        return
    if library is not None:
        if library.startswith("-") or not is_git_revision(library):
            raise InputError(Diagnostic(f"--{which}-library", None, "", f"{library!r} is neither a library folder "
                                        "nor a git revision of this repository", "see `git tag` for the releases"))
        yield library, _at_revision(library, inputs)
        return
    yield display_path(inputs.library), load_project(inputs)
    for tag in _tags_for(manifest.library.version, inputs.library):
        yield tag, _at_revision(tag, inputs)


def _at_revision(rev: str, inputs: Any) -> Project:
    from clausegen.sources import Inputs, load_project

    with tempfile.TemporaryDirectory(prefix="clausegen-redline-") as tmp:
        paths = extract_revision(rev, (inputs.library, inputs.catalogue, inputs.frameworks), Path(tmp))
        library, catalogue, frameworks = (Path(tmp) / p for p in paths)
        try:
            return load_project(Inputs(library, catalogue, frameworks))
        except InputError as e:
            prefix = display_path(tmp).rstrip("/") + "/"
            raise InputError([d.__class__(f"{rev}:{d.file.removeprefix(prefix)}", d.line, d.field, d.message, d.hint)
                              for d in e.diagnostics]) from e


def _tags_for(version: str, library: Path) -> list[str]:
    """Git tags (newest first) whose library.yaml says `version`."""
    try:
        done = subprocess.run(["git", "tag", "--list", "--sort=-creatordate"], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT)
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                             timeout=GIT_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0 or top.returncode != 0:
        return []
    try:
        inside = (library.resolve() / "library.yaml").relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    except ValueError:
        return []
    out = []
    for tag in done.stdout.split():
        shown = subprocess.run(["git", "show", f"{tag}:{inside}"], capture_output=True, text=True,
                               timeout=GIT_TIMEOUT)
        if shown.returncode == 0 and any(line.strip() in (f'version: "{version}"', f"version: {version}",
                                                          f"version: '{version}'")
                                         for line in shown.stdout.splitlines()[:20]):
            out.append(tag)
    return out


def _differences(recorded: Manifest, rebuilt: Manifest) -> list[str]:
    """How a rebuild differs from what the manifest recorded (the tool version aside)."""
    a, b = recorded.inputs(), rebuilt.inputs()
    a.pop("clausegen", None)
    b.pop("clausegen", None)
    out = []
    for key in ("library", "catalogue", "profile", "risk_tier", "parameters"):
        if a.get(key) != b.get(key):
            out.append(f"{key} differs" if key != "library" else
                       f"library {b[key]['name']} {b[key]['version']} there, "
                       f"{a[key]['name']} {a[key]['version']} in the build")
    for doc_id, entry in a["documents"].items():
        other = b["documents"].get(doc_id)
        if other is None:
            out.append(f"no {doc_id} there")
            continue
        versions_a = {c["id"]: c for c in entry["clauses"]}
        versions_b = {c["id"]: c for c in other["clauses"]}
        for clause_id in versions_a.keys() | versions_b.keys():
            x, y = versions_a.get(clause_id), versions_b.get(clause_id)
            if x != y:
                out.append(f"{doc_id}: clause {clause_id} " + (
                    "not selected there" if y is None else "not in the build" if x is None else
                    f"{y['version']} there, {x['version']} in the build" if x["version"] != y["version"] else
                    f"{x['version']} has other content there"))
        if entry["requirements"] != other["requirements"]:
            out.append(f"{doc_id}: the requirements differ")
    return sorted(out)
