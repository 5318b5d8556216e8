"""Atomic file writing. Files are written to a temporary name beside the target, flushed, and
renamed over it, so a reader (or a crash) sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from clausegen.errors import Diagnostic, ExportError, display_path

TEMP_PREFIX = ".clausegen-"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise ExportError(Diagnostic(display_path(path), None, "", f"cannot write: {e.strerror or e}")) from e


def write_all(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file of one profile; the caller puts the manifest last."""
    remove_stale_temps(folder)
    for name, data in files.items():
        write_atomic(folder / name, data)


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
