"""display_path resolves a file's folder once for all its files; it must say what resolving the whole path says."""

import os
from pathlib import Path

from clausegen.errors import display_path


def resolved_whole(path: str) -> str:
    """display_path as it was: every path resolved on its own."""
    p = Path(path)
    if not p.is_absolute() and ".." not in p.parts:
        return str(p)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def test_the_same_answer_as_resolving_each_path(tmp_path, monkeypatch):
    project, outside = tmp_path / "project", tmp_path / "elsewhere"
    (project / "clauses" / "core").mkdir(parents=True)
    (outside / "lib").mkdir(parents=True)
    (project / "clauses" / "core" / "a@1.0.0.md").write_text("x")
    (project / "linked").symlink_to(outside / "lib")  # a folder link leading out
    (project / "inside").symlink_to(project / "clauses")  # and one staying in
    (project / "file-link.md").symlink_to(project / "clauses" / "core" / "a@1.0.0.md")
    monkeypatch.chdir(project)
    paths = [f"{project}/clauses/core/a@1.0.0.md", f"{project}/clauses/core", f"{project}", f"{project}/.",
             f"{project}/clauses/../clauses/core/a@1.0.0.md", f"{outside}/lib/x.md", f"{project}/linked/x.md",
             f"{project}/inside/core/a@1.0.0.md", f"{project}/file-link.md", "../project/clauses", "../elsewhere/lib",
             "clauses/core", "/", str(tmp_path), f"{tmp_path}/project", f"{tmp_path}/elsewhere/project"]
    assert [display_path(p) for p in paths] == [resolved_whole(p) for p in paths]
    assert display_path(f"{project}/inside/core/a@1.0.0.md") == "clauses/core/a@1.0.0.md"
    assert os.getcwd() == str(project)
