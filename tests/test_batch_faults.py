"""Issue 14, point 7: any error in one profile is that profile's failure. Every exception from
loading to export is caught at the profile boundary and reported with the profile's file; the
other profiles still build; the summary and the exit status are right, at --jobs 1 and 2, also
when a worker process dies. A property test builds random valid profiles of the real library,
extreme dates and numbers included: each is a build or an error located in the profile."""

import os
import re
import signal
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clausegen import pipeline
from clausegen.errors import ClausegenError

GOOD = 6


def _profile(tiny: Path, name: str, old: str = "", new: str = "") -> str:
    text = (tiny / "profiles/case.yaml").read_text(encoding="utf-8").replace("id: tiny-case", f"id: {name}")
    if old:
        assert old in text
        text = text.replace(old, new)
    (tiny / f"profiles/{name}.yaml").write_bytes(text.encode("utf-8"))
    return f"profiles/{name}.yaml"


@pytest.fixture
def batch(tiny):
    """Good profiles with bad ones mixed in; each bad one fails in another stage."""
    paths = [_profile(tiny, f"good-{i}") for i in range(GOOD)]
    bad = {
        _profile(tiny, "bad-yaml", "title: Hosting", "title: [Hosting"): "profiles/bad-yaml.yaml:",
        _profile(tiny, "bad-key", "language: en", "language: en\nlanguag: en"): "profiles/bad-key.yaml:5: languag:",
        _profile(tiny, "bad-byte", "Hosting.", "Host\x0bing."): "profiles/bad-byte.yaml:8: service.description:",
        _profile(tiny, "bad-pin", '"1.0.0"}', '"9.9.9"}'): "profiles/bad-pin.yaml:22: pins.exit.assets: version '9.9.9' does not exist",
        _profile(tiny, "bad-crash"): "profiles/bad-crash.yaml: unexpected error while building it: "
                                     "ZeroDivisionError: injected",
    }
    order = paths[:2] + list(bad)[:3] + paths[2:4] + list(bad)[3:] + paths[4:]
    return order, bad


@pytest.fixture
def crash_in_assembly(monkeypatch):
    """A fault no check anticipates, injected in the assemble stage for one profile."""
    real = pipeline.assemble

    def assemble(selection, *args, **kwargs):
        if selection.profile.id == "bad-crash":
            raise ZeroDivisionError("injected")
        return real(selection, *args, **kwargs)

    from clausegen.commands import validate

    monkeypatch.setattr(pipeline, "assemble", assemble)
    monkeypatch.setattr(validate, "assemble", assemble)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_with_bad_profiles_builds_every_good_one(tiny, cli, batch, crash_in_assembly, jobs):
    order, bad = batch
    result = cli("build", *order, "--format", "md", "--jobs", jobs)
    assert "Traceback" not in result.err and "Traceback" not in result.out
    assert result.code == 1
    assert result.out.endswith(f"{GOOD} built, 0 unchanged, {len(bad)} failed\n")
    for path, message in bad.items():
        assert message in result.err, (path, result.err)
        assert f"FAILED    {path}: nothing written for this profile\n" in result.err
        assert not (tiny / "output" / Path(path).stem).exists()
    for i in range(GOOD):
        assert (tiny / f"output/good-{i}/manifest.json").is_file()


def test_a_worker_process_that_dies_fails_only_its_profile(tiny, cli, monkeypatch):
    """A worker killed outright (as by the out-of-memory killer) takes down no other profile."""
    order = [_profile(tiny, f"good-{i}") for i in range(4)]
    order.insert(2, _profile(tiny, "bad-kill"))
    from clausegen.commands import build as command

    real = command.build

    def build(path, *args, **kwargs):
        if "bad-kill" in str(path):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(command, "build", build)  # the worker processes are forked: they inherit it
    result = cli("build", *order, "--format", "md", "--jobs", "2")
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert result.out.endswith("4 built, 0 unchanged, 1 failed\n")
    assert "profiles/bad-kill.yaml: the worker process building it stopped (killed or crashed); nothing was " \
           "written for it\n    hint: it may have run out of memory; build it alone with --jobs 1 to see more\n" \
           "FAILED    profiles/bad-kill.yaml: nothing written for this profile\n" in result.err, result.err


def test_validate_reports_an_unexpected_error_against_its_profile_and_checks_the_rest(tiny, cli, batch,
                                                                                     crash_in_assembly):
    order, bad = batch
    result = cli("validate", *order)
    assert result.code == 1 and "Traceback" not in result.err
    assert "profiles/bad-crash.yaml: unexpected error while building it: ZeroDivisionError: injected" in result.err
    assert "profiles/bad-key.yaml:5: languag:" in result.err


# --- property: random valid profiles of the real library -----------------------------------------------

DATES = st.dates(min_value=__import__("datetime").date(1, 1, 1), max_value=__import__("datetime").date(9999, 12, 31))
TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=30)


@pytest.fixture(scope="module")
def real_project():
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        yield pipeline.load_project(pipeline.Inputs())
    finally:
        os.chdir(cwd)


@settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "25")),
          derandomize="PROPERTY_EXAMPLES" not in os.environ, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(start=DATES, term=st.integers(1, 600), exit_period=st.integers(-5, 10**6), name=TEXT,
       profile=st.sampled_from(sorted(p.name for p in (ROOT / "profiles").glob("*.yaml"))),
       retention=st.integers(0, 10**9))
def test_any_valid_profile_builds_or_fails_located_never_with_a_traceback(tmp_path_factory, real_project, start,
                                                                         term, exit_period, name, profile, retention):
    folder = tmp_path_factory.mktemp("p")
    text = (ROOT / "profiles" / profile).read_text(encoding="utf-8")
    text = re.sub(r'start: "[0-9-]+"', f'start: "{start.isoformat()}"', text)
    text = re.sub(r"term_months: \d+", f"term_months: {term}", text)
    text = re.sub(r'(client:\n  name: )"[^"]*"', lambda m: m.group(1) + '"' + name.replace('"', "'") + '"', text)
    text = re.sub(r"^parameters:.*$", "parameters:", text, flags=re.M)
    if "\nparameters:" not in text:
        text += "\nparameters:"
    text += f"\n  exit_period_months: {exit_period}\n  exit_log_retention_months: {retention}\n"
    path = folder / profile
    path.write_text(text, encoding="utf-8")
    try:
        pipeline.render(path, real_project, pipeline.BuildOptions(formats=("md",), out=folder / "out"), force=True)
    except ClausegenError as e:
        for diagnostic in e.diagnostics:
            assert diagnostic.file.endswith(profile) and diagnostic.line is not None, diagnostic.format()
