"""Export stage: a profile's output folder changes as a whole.

The new set of files is written into a sibling folder (`OUT/.<id>.clausegen-new-*`), flushed, and
switched in with one system call: on Linux `renameat2(RENAME_EXCHANGE)` swaps the two folders
atomically, so `OUT/<id>/` is a real folder that always holds either the previous set or the new
one. Where that call does not exist (macOS, Windows, some network file systems) two renames are
used: for a moment `OUT/<id>/` is absent, never mixed, and a build killed in that moment is
repaired by the next build of the profile, which puts the previous set back.

What clausegen wrote is what the previous manifest lists, plus the manifest: those files that the
new build no longer writes (stale documents) go with the previous folder. Every other file or
folder in `OUT/<id>/` (your notes, an evaluation report) is carried into the new folder as a hard
link, so it is never removed; the `redline/` folder is clausegen's (`build --baseline` writes it).
One build at a time per profile folder: a lock file `OUT/.<id>.lock`
(the `filelock` library) makes a second build wait, and fail clearly after LOCK_TIMEOUT seconds.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from clausegen.errors import Diagnostic, ExportError, display_path
from clausegen.export.writing import TEMP_PREFIX

LOCK_TIMEOUT = 600.0
# The redlines `build --baseline` writes: clausegen's, so a build without a baseline removes them.
REDLINE_FOLDER = "redline"
GENERATION = ".clausegen-"  # OUT/.<id>.clausegen-new-<random>, OUT/.<id>.clausegen-old-<random>
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


@dataclass
class Committed:
    removed: list[str] = field(default_factory=list)  # stale files of the previous set, not in the new one
    warnings: list[str] = field(default_factory=list)


class CommitError(ExportError):
    """The commit failed; `state` says exactly what the profile's folder holds now."""

    def __init__(self, diagnostic: Diagnostic, state: str) -> None:
        super().__init__(diagnostic)
        self.state = state


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold OUT/.<id>.lock while changing OUT/<id>/. Other writers into that folder must take it too."""
    import filelock  # only a build that writes needs it: validate, explain and lint never lock

    folder.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(folder.parent / f".{folder.name}.lock"), timeout=LOCK_TIMEOUT)
    try:
        with lock:
            yield
    except filelock.Timeout as e:
        raise CommitError(Diagnostic(display_path(folder), None, "",
                                     f"another clausegen build has been writing this folder for {LOCK_TIMEOUT:.0f} s "
                                     f"(it holds {display_path(lock.lock_file)})",
                                     "wait for it to finish, then build again"),
                          f"nothing written; {display_path(folder)}/ is as the other build leaves it") from e


def commit(folder: Path, files: dict[str, bytes]) -> Committed:
    """Replace the contents of `folder` by `files` (plus the files clausegen did not write), atomically."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CommitError(Diagnostic(display_path(folder.parent), None, "", f"cannot create the folder: {e.strerror or e}"),
                          "nothing written") from e
    with folder_lock(folder):
        repaired = _repair(folder)
        before = _state(folder)
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise CommitError(Diagnostic(display_path(folder), None, "", "is a symbolic link or a file, not a folder",
                                         "clausegen replaces the folder as a whole; remove or rename it"), before)
        ours = _written_before(folder) | set(files) | {REDLINE_FOLDER}
        new = _sibling(folder, "new")
        current = ""
        try:
            new.mkdir()
            for current, data in files.items():
                if "/" in current:  # redline/<document>.redline.<format> (build --baseline)
                    (new / current).parent.mkdir(parents=True, exist_ok=True)
                _write(new / current, data)
            current = ""
            _carry_over(folder, new, ours)
            _fsync_dir(new)
            _switch(new, folder)
        except OSError as e:
            leftover = _discard(new)
            where = f"{display_path(folder)}/{current}".rstrip("/")
            raise CommitError(Diagnostic(where, None, "", f"cannot write: {e.strerror or e}",
                                         f"nothing changed: {before}{leftover}"), f"nothing changed: {before}") from e
        result = Committed(sorted(n for n in _written_before(new) - set(files) if (new / n).is_file()), repaired)
        _rescue(new, folder, ours)
        if leftover := _discard(new):
            result.warnings.append(f"the new set is in place{leftover}")
        return result


def tidy(folder: Path) -> list[str]:
    """Remove what a killed build left beside a folder that is current (so no new commit comes)."""
    if not any(folder.parent.glob(f".{folder.name}{GENERATION}*")):
        return []
    with folder_lock(folder):
        return _repair(folder)


def _state(folder: Path) -> str:
    """What the folder holds, in words, for messages."""
    if not folder.exists():
        return f"{display_path(folder)}/ does not exist (no earlier build)"
    count = len(_written_before(folder) - {"manifest.json"})
    return f"{display_path(folder)}/ still holds the previous build's {count} file(s) and manifest, unchanged"


def _written_before(folder: Path) -> set[str]:
    """The files clausegen wrote into `folder`: the manifest and what it lists (plain names only)."""
    try:
        recorded = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        names = {entry["path"] for document in recorded["documents"].values()
                 for entry in document.get("files", {}).values()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()
    return {"manifest.json"} | {n for n in names if isinstance(n, str) and _plain(n)}


def _plain(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..")


def _sibling(folder: Path, kind: str) -> Path:
    return folder.parent / f".{folder.name}{GENERATION}{kind}-{secrets.token_hex(4)}"


def _write(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o644)


def _carry_over(folder: Path, new: Path, ours: set[str]) -> None:
    """Hard-link every file and folder clausegen did not write into the new generation."""
    if not folder.is_dir() or folder.is_symlink():
        return
    for entry in sorted(folder.iterdir()):
        if entry.name in ours or entry.name.startswith(TEMP_PREFIX):  # a temporary file of a killed writer
            continue
        if entry.is_symlink():
            os.symlink(os.readlink(entry), new / entry.name)
        elif entry.is_dir():
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, new / entry.name)


def _link_or_copy(source: os.PathLike | str, target: os.PathLike | str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _switch(new: Path, folder: Path) -> None:
    """Put `new` in the place of `folder`; afterwards `new` holds the previous set (if any)."""
    if not os.path.lexists(folder):
        os.rename(new, folder)
        new.mkdir()  # an empty "previous set", so the caller's clean-up is the same
        return
    if _exchange(new, folder):
        return
    aside = _sibling(folder, "old")
    os.rename(folder, aside)
    try:
        os.rename(new, folder)
    except OSError as e:
        try:
            os.rename(aside, folder)
        except OSError:
            state = (f"{display_path(folder)}/ is missing: the previous set is in {display_path(aside)}/ and the next "
                     f"build of this profile puts it back{_discard(new)}")
            raise CommitError(Diagnostic(display_path(folder), None, "", f"cannot switch: {e.strerror or e}", state),
                              state) from e
        raise
    os.rename(aside, new)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2). False where the system cannot."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        _fsync_dir(b.parent)
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _libc() -> ctypes.CDLL | None:
    if os.name != "posix":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    except OSError:
        return None


def _rescue(old: Path, folder: Path, ours: set[str]) -> None:
    """A file someone put into the folder while the new set was being written is moved across."""
    for entry in sorted(old.iterdir()):
        if entry.name not in ours and not entry.name.startswith(TEMP_PREFIX) and not os.path.lexists(folder / entry.name):
            try:
                os.rename(entry, folder / entry.name)
            except OSError:
                pass


def _discard(path: Path) -> str:
    """Remove a generation folder; a message fragment if it could not be removed."""
    try:
        shutil.rmtree(path)
    except FileNotFoundError:
        pass
    except OSError as e:
        return f"; {display_path(path)}/ could not be removed ({e.strerror or e}): delete it"
    return ""


def _repair(folder: Path) -> list[str]:
    """Leftovers of a build that was killed: put a set aside by the two-rename switch back, remove the rest."""
    notes: list[str] = []
    leftovers = sorted(p for p in folder.parent.glob(f".{folder.name}{GENERATION}*") if p.is_dir() and not p.is_symlink())
    aside = [p for p in leftovers if f"{GENERATION}old-" in p.name]
    if aside and not os.path.lexists(folder):
        os.rename(aside[0], folder)
        notes.append(f"{display_path(folder)}/ was missing after an interrupted build; its previous set was put back")
    for path in leftovers:
        if path.exists():
            _discard(path)
    return notes


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
