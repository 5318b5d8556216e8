"""Shared fixtures: the tiny canonical project under tests/data/project and a CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from clausegen.cli import main
from clausegen.errors import InputError
from clausegen.loading import load_profile
from clausegen.pipeline import Inputs, load_project

DATA = Path(__file__).parent / "data"
TINY = DATA / "project"
ROOT = Path(__file__).parent.parent


class MarkdownSnapshot(SingleFileSnapshotExtension):
    """Each snapshot is a real .md file a reviewer can read."""

    file_extension = "md"
    _write_mode = WriteMode.TEXT


@pytest.fixture(autouse=True, scope="session")
def _cache_in_a_temporary_folder(tmp_path_factory):
    """The suite never writes into the user's cache; one folder for the session, as for a user."""
    os.environ["CLAUSEGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def md_snapshot(snapshot):
    return snapshot.use_extension(MarkdownSnapshot)


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> Path:
    """A writable copy of the tiny project; the working directory is its root."""
    root = tmp_path / "project"
    shutil.copytree(TINY, root)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def profile(tmp_path) -> Path:
    """A writable copy of the tiny project's profiles/case.yaml."""
    target = tmp_path / "case.yaml"
    target.write_text((TINY / "profiles" / "case.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return target


def profile_errors(path: Path) -> list[str]:
    """The formatted errors of loading the profile at `path` (which must fail)."""
    with pytest.raises(InputError) as info:
        load_profile(path)
    return [d.format() for d in info.value.diagnostics]


@pytest.fixture
def tiny_inputs() -> Inputs:
    return Inputs(Path("clauses"), Path("catalogues"), Path("frameworks"))


@pytest.fixture
def tiny_project(tiny, tiny_inputs):
    return load_project(tiny_inputs)


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(capsys):
    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a test file, failing loudly if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(autouse=True)
def _fixed_environment(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    os.environ.setdefault("TZ", "UTC")
