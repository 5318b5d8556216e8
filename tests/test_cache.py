"""The load cache: the same project from a warm cache, and never a wrong one from a stale or damaged cache."""

from __future__ import annotations

import json
from pathlib import Path

from clausegen.loading import cache
from clausegen.pipeline import load_project


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("entries-*.json"))


def test_a_warm_cache_gives_the_same_project(tiny, tiny_inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUSEGEN_CACHE_DIR", str(tmp_path / "cache"))
    cold = load_project(tiny_inputs)
    assert len(_entries(tmp_path / "cache")) == 1
    warm = load_project(tiny_inputs)
    assert cache.current().hits > 0
    assert warm.library == cold.library and warm.catalogue == cold.catalogue
    assert warm.parameters == cold.parameters and warm.clause_conditions == cold.clause_conditions


def test_an_edited_clause_is_read_again_not_taken_from_the_cache(tiny, tiny_inputs, tmp_path, monkeypatch, cli):
    monkeypatch.setenv("CLAUSEGEN_CACHE_DIR", str(tmp_path / "cache"))
    assert cli("validate").code == 0
    clause = next(Path("clauses").rglob("*@*.md"))
    text = clause.read_text(encoding="utf-8")
    clause.write_text(text.replace("\n---\n", "\n---\n{{ not_declared_anywhere }} ", 1), encoding="utf-8")
    result = cli("validate")
    assert result.code == 1
    assert "{{ not_declared_anywhere }} is neither a declared parameter nor a profile field" in result.err
    assert f"{clause.as_posix()}:" in result.err


def test_a_damaged_cache_file_is_ignored_and_rewritten(tiny, tiny_inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUSEGEN_CACHE_DIR", str(tmp_path / "cache"))
    expected = load_project(tiny_inputs)
    [path] = _entries(tmp_path / "cache")
    for damage in (b"{not json", b"[1, 2]", json.dumps({k: "x" for k in json.loads(path.read_bytes())}).encode()):
        path.write_bytes(damage)
        cache._current = None  # a new process
        assert load_project(tiny_inputs).library == expected.library
        assert isinstance(json.loads(path.read_bytes()), dict)


def test_an_unwritable_cache_folder_costs_only_speed(tiny, tiny_inputs, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CLAUSEGEN_CACHE_DIR", str(blocker / "cache"))
    assert load_project(tiny_inputs).library.clauses


def test_the_cache_can_be_turned_off(tiny, tiny_inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAUSEGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CLAUSEGEN_CACHE", "off")
    load_project(tiny_inputs)
    assert not (tmp_path / "cache").exists()


def test_integer_mapping_keys_are_not_cached_as_text():
    from clausegen.loading import _json_safe

    assert _json_safe({"a": [1, "b", True, None, {"c": 2}]})
    assert not _json_safe({1: "x"})
    assert not _json_safe({"a": 1.5})
