"""Atomic writing of single files (reports written with --out). Files are written to a temporary
name beside the target, flushed, and renamed over it, so a reader (or a crash) sees the old file or
the new one, never half of one. A profile's output folder is committed as a whole by commit.py."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from clausegen.errors import Diagnostic, ExportError, display_path

TEMP_PREFIX = ".clausegen-"


def write_atomic(path: Path, data: bytes) -> None:
    write_all(path.parent, {path.name: data})


def write_all(folder: Path, files: dict[str, bytes]) -> None:
    """Write several files into one folder, in order (a profile's build folder is committed by commit.py).

    Two phases: every file is first written to a temporary name beside its target and flushed to
    disk; only when all are written are they renamed into place. A full disk or a refused write
    therefore leaves every earlier file untouched, and the temporary files are removed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(Diagnostic(display_path(folder), None, "", f"cannot create the folder: {e.strerror or e}")) from e
    remove_stale_temps(folder)
    temps: list[tuple[str, Path]] = []
    current = ""
    try:
        for current, data in files.items():
            temps.append((current, _write_temp(folder, data)))
        for current, tmp in temps:
            os.replace(tmp, folder / current)
    except OSError as e:
        for _, tmp in temps:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
        raise ExportError(Diagnostic(display_path(folder / current), None, "", f"cannot write: {e.strerror or e}",
                                     "files written before this build were left as they were")) from e


def _write_temp(folder: Path, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except OSError:
        os.unlink(tmp)
        raise
    return Path(tmp)


def remove_stale_temps(folder: Path) -> None:
    """Temp files left by a build that was killed before its rename."""
    if folder.is_dir():
        for stale in folder.glob(f"{TEMP_PREFIX}*.tmp"):
            if _owner_alive(stale.name):
                continue  # belongs to a build running right now
            try:
                stale.unlink()
            except OSError:
                pass


def _owner_alive(name: str) -> bool:
    pid_text = name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
    if not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
