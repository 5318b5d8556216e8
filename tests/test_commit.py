"""Issue 14, points 4-6: a profile's output folder changes as a whole, stale documents go with the
previous set, files clausegen did not write stay, and one build at a time holds the folder.

RELIABILITY.md cases 33 and 34 (see tests/README.md). Every check of a folder reads its manifest
and compares it with the files: each listed file exists with that sha256, and no file an earlier
or later build writes is there without being listed.
"""

import errno
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import filelock
import pytest
from conftest import ROOT, edit

from clausegen.export import commit

PROFILE = "profiles/case.yaml"
OUT = Path("output/tiny-case")
FORMATS = "md,docx,pdf,html"


def python_env(**extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TZ": "UTC", "PYTHONPATH": str(ROOT)}
    env.update(extra)
    return env


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def listed(folder: Path) -> set[str]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {entry["path"] for document in manifest["documents"].values() for entry in document["files"].values()}


def assert_consistent(folder: Path, *sets: dict[str, str]) -> dict[str, str]:
    """The manifest matches its files, and the folder is exactly one of `sets` (old or new)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for document in manifest["documents"].values():
        for entry in document["files"].values():
            assert hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry
    now = digests(folder)
    if sets:
        clausegen_names = set().union(*sets)
        assert {n for n in now if n in clausegen_names} == listed(folder) | {"manifest.json"}
        assert any(now == s for s in sets), "a mix of two builds"
    return now


def leftovers(tiny: Path) -> list[str]:
    return sorted(p.name for p in (tiny / "output").glob(".tiny-case.clausegen-*"))


def _new_edition(tiny: Path) -> None:
    edit(tiny / PROFILE, "title: Hosting of the test system", "title: Hosting, second edition")


def _direct_award_without_personal_data(tiny: Path) -> None:
    edit(tiny / PROFILE, "mode: tender", "mode: direct")
    edit(tiny / PROFILE, "personal_data: true", "personal_data: false")
    edit(tiny / PROFILE, "locations: [DK, US]", "locations: [DK]")


def _old_and_new(tiny: Path, cli, formats: str, change=_new_edition) -> tuple[dict[str, str], dict[str, str]]:
    assert cli("build", PROFILE, "--format", formats).code == 0
    old = assert_consistent(tiny / OUT)
    change(tiny)
    assert cli("build", PROFILE, "--format", formats, "--out", "new").code == 0
    new = digests(tiny / "new/tiny-case")
    return old, new


# --- 4: nothing written means nothing written -------------------------------------------------------

@pytest.mark.parametrize("fault", ["disk full on the third file", "switch refused", "two-rename switch refused"])
def test_a_failed_commit_changes_nothing_and_says_what_the_folder_holds(tiny, cli, monkeypatch, fault):
    assert cli("build", PROFILE, "--format", "md,docx").code == 0
    before = assert_consistent(tiny / OUT)
    _new_edition(tiny)
    if fault.startswith("disk"):
        real, calls = os.fsync, []

        def fsync(fd):
            calls.append(fd)
            if len(calls) == 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(fd)

        monkeypatch.setattr(commit.os, "fsync", fsync)
        where, message = "output/tiny-case/tender-requirements.md", "No space left on device"  # written in document order
    else:
        if fault.startswith("two"):
            monkeypatch.setattr(commit, "_exchange", lambda a, b: False)
        real_rename = os.rename

        def rename(src, dst):
            if ".clausegen-new-" in str(src) and Path(dst).resolve() == (tiny / OUT).resolve():
                raise PermissionError(errno.EACCES, "Permission denied", str(dst))
            return real_rename(src, dst)

        def exchange(a, b):
            raise PermissionError(errno.EACCES, "Permission denied", str(b))

        monkeypatch.setattr(commit.os, "rename", rename)
        if not fault.startswith("two"):
            monkeypatch.setattr(commit, "_exchange", exchange)
        where, message = "output/tiny-case", "Permission denied"
    result = cli("build", PROFILE, "--format", "md,docx")
    assert result.code == 3
    state = "output/tiny-case/ still holds the previous build's 10 file(s) and manifest, unchanged"
    assert result.err == (f"{where}: cannot write: {message}\n    hint: nothing changed: {state}\n"
                          f"FAILED    {PROFILE}: nothing changed: {state}\n")
    assert digests(tiny / OUT) == before
    assert leftovers(tiny) == []


def test_a_failed_first_build_leaves_no_folder(tiny, cli, monkeypatch):
    def fail(*args):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(commit, "_write", fail)
    result = cli("build", PROFILE, "--format", "md")
    assert result.code == 3
    assert "hint: nothing changed: output/tiny-case/ does not exist (no earlier build)\n" in result.err
    assert not (tiny / OUT).exists() and leftovers(tiny) == []


def test_the_switch_without_an_atomic_exchange_gives_the_same_folder(tiny, cli, monkeypatch):
    old, new = _old_and_new(tiny, cli, "md,docx")
    monkeypatch.setattr(commit, "_exchange", lambda a, b: False)
    assert cli("build", PROFILE, "--format", "md,docx").code == 0
    assert assert_consistent(tiny / OUT, old, new) == new
    assert leftovers(tiny) == []


KILL_AT = """
import os, signal, sys
from clausegen.export import commit
calls = []
real = {target}
def kill(*args, **kwargs):
    calls.append(1)
    if len(calls) == {nth} and "{when}" == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    result = real(*args, **kwargs)
    if len(calls) == {nth} and "{when}" == "after":
        os.kill(os.getpid(), signal.SIGKILL)
    return result
{target} = kill
if {two_renames}:
    commit._exchange = lambda a, b: False
from clausegen.cli import main
sys.exit(main(["build", "profiles/case.yaml", "--format", "md,docx", "--force"]))
"""


@pytest.mark.parametrize("target, nth, when, two_renames", [
    ("commit._write", 1, "before", False),       # the first file of the new set
    ("commit._write", 11, "before", False),      # the manifest, written last
    ("commit._carry_over", 1, "before", False),  # every file written, nothing switched
    ("commit._exchange", 1, "before", False),    # right before the switch
    ("commit._exchange", 1, "after", False),     # right after the switch
    ("commit._discard", 1, "before", False),     # while removing the previous set
    ("os.rename", 2, "before", True),            # two-rename switch: between the renames
    ("os.rename", 2, "after", True),             # two-rename switch: after both
], ids=["first file", "manifest", "before carry-over", "before switch", "after switch", "in clean-up",
        "between two renames", "after two renames"])
def test_kill_9_at_every_step_of_the_commit_leaves_the_old_set_or_the_new_one(tiny, cli, target, nth, when,
                                                                              two_renames):
    old, new = _old_and_new(tiny, cli, "md,docx")
    script = KILL_AT.format(target=target, nth=nth, when=when, two_renames=two_renames)
    done = subprocess.run([sys.executable, "-c", script], cwd=tiny, env=python_env(), capture_output=True)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    missing = two_renames and when == "before"
    if missing:  # the one moment the two-rename switch has no folder: the previous set is aside
        assert not (tiny / OUT).exists() and len(leftovers(tiny)) == 2
    else:
        assert_consistent(tiny / OUT, old, new)
    result = cli("build", PROFILE, "--format", "md,docx")
    assert result.code == 0, result.err
    assert ("output/tiny-case/ was missing after an interrupted build; its previous set was put back" in result.err) \
        == missing
    assert assert_consistent(tiny / OUT, new) == new
    assert leftovers(tiny) == []


def test_kill_9_at_random_moments(tiny, cli):
    """Builds killed at random times, in every stage from loading to clean-up."""
    old, new = _old_and_new(tiny, cli, FORMATS)
    rng = random.Random(int(os.environ.get("KILL_SEED", "20261130")))
    seen = set()
    for _ in range(int(os.environ.get("KILL_RUNS", "4"))):
        process = subprocess.Popen([sys.executable, "-m", "clausegen", "build", PROFILE, "--format", FORMATS,
                                    "--force"], cwd=tiny, env=python_env(), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen.add(tuple(sorted(assert_consistent(tiny / OUT, old, new).items())) == tuple(sorted(new.items())))
    assert cli("build", PROFILE, "--format", FORMATS, "--force").code == 0
    assert assert_consistent(tiny / OUT, new) == new and leftovers(tiny) == []


# --- 5: stale documents ------------------------------------------------------------------------------------

def test_documents_no_longer_called_for_are_removed_and_other_files_stay(tiny, cli):
    assert cli("build", PROFILE, "--format", "md,docx").code == 0
    folder = tiny / OUT
    assert {"tender-requirements.md", "dpa-checklist.docx"} <= set(digests(folder))
    mine = {"notes.txt": b"my notes", "dpa-checklist.txt": b"not clausegen's", "nda.pdf": b"my own PDF"}
    for name, data in mine.items():
        (folder / name).write_bytes(data)
    (folder / ".clausegen-99999999-x.tmp").write_bytes(b"left by a killed writer of an older version")
    (folder / "evidence").mkdir()
    (folder / "evidence/audit.pdf").write_bytes(b"evidence")
    _direct_award_without_personal_data(tiny)
    result = cli("build", PROFILE, "--format", "md,docx")
    assert result.code == 0
    assert "(7 files; removed dpa-checklist.docx, dpa-checklist.md, tender-requirements.docx, " \
           "tender-requirements.md, no longer called for)\n" in result.out
    now = assert_consistent(folder)
    assert set(now) - set(mine) == listed(folder) | {"manifest.json"}
    assert not any(name.startswith(("tender-requirements.", "dpa-checklist.")) and name not in mine for name in now)
    for name, data in mine.items():
        assert (folder / name).read_bytes() == data
    assert (folder / "evidence/audit.pdf").read_bytes() == b"evidence"
    assert not (folder / ".clausegen-99999999-x.tmp").exists()


def test_a_build_in_fewer_formats_replaces_the_set(tiny, cli):
    assert cli("build", PROFILE, "--format", "md,docx").code == 0
    result = cli("build", PROFILE, "--format", "md")
    assert result.code == 0
    assert "(6 files; removed dpa-checklist.docx, nda.docx, security-appendix.docx, tender-requirements.docx, " \
           "termination-plan.docx, no longer called for)" in result.out
    assert not any(name.endswith(".docx") for name in assert_consistent(tiny / OUT))


def test_a_folder_in_the_way_is_a_clear_error(tiny, cli, tmp_path):
    (tiny / "output").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tiny / OUT).symlink_to(tmp_path / "elsewhere")
    result = cli("build", PROFILE, "--format", "md")
    assert result.code == 3
    assert result.err.startswith("output/tiny-case: is a symbolic link or a file, not a folder\n")
    assert list((tmp_path / "elsewhere").iterdir()) == []


# --- 6: one build at a time per folder -----------------------------------------------------------------

def test_a_second_build_waits_for_the_first(tiny, cli, tiny_project):
    from clausegen.pipeline import BuildOptions, build

    lock = filelock.FileLock(str(tiny / "output/.tiny-case.lock"))
    (tiny / "output").mkdir()
    results = []
    with lock:
        worker = threading.Thread(target=lambda: results.append(
            build(Path(PROFILE), tiny_project, BuildOptions(formats=("md",)), force=True)))
        worker.start()
        worker.join(timeout=3)
        assert worker.is_alive() and not (tiny / OUT).exists()  # blocked on the lock, nothing written
    worker.join()
    assert results[0].status == "built"
    assert_consistent(tiny / OUT)


def test_a_build_that_cannot_get_the_lock_fails_clearly(tiny, cli, monkeypatch):
    monkeypatch.setattr(commit, "LOCK_TIMEOUT", 0.2)
    (tiny / "output").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import filelock, sys, time\n"
                               "lock = filelock.FileLock('output/.tiny-case.lock'); lock.acquire()\n"
                               "print('held', flush=True); sys.stdin.read()"],
                              cwd=tiny, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout.readline() == b"held\n"
    try:
        result = cli("build", PROFILE, "--format", "md")
    finally:
        holder.communicate(b"")
    assert result.code == 3
    assert result.err == ("output/tiny-case: another clausegen build has been writing this folder for 0 s (it holds "
                          "output/.tiny-case.lock)\n    hint: wait for it to finish, then build again\n"
                          f"FAILED    {PROFILE}: nothing written; output/tiny-case/ is as the other build leaves it\n")
    assert not (tiny / OUT).exists()
    assert cli("build", PROFILE, "--format", "md").code == 0


def test_parallel_builds_of_one_profile_never_interleave(tiny, cli):
    """Four builds of two editions into one folder at once: the result is one whole edition."""
    old, new = _old_and_new(tiny, cli, "md,docx")
    (tiny / "profiles/new.yaml").write_text((tiny / PROFILE).read_text(encoding="utf-8"), encoding="utf-8")
    edit(tiny / PROFILE, "title: Hosting, second edition", "title: Hosting of the test system")
    runs = [PROFILE, "profiles/new.yaml", PROFILE, "profiles/new.yaml"]
    processes = [subprocess.Popen([sys.executable, "-m", "clausegen", "build", path, "--format", "md,docx", "--force"],
                                  cwd=tiny, env=python_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for path in runs]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    assert_consistent(tiny / OUT, old, new)
    assert leftovers(tiny) == []
