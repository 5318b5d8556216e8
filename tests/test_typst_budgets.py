"""Issue 14, point 2: the PDF has the same kind of budgets as template rendering. Typst runs in a
worker process that is stopped on a breach of its wall-clock, page or memory limit, and the breach
is a RenderError naming the Typst template. The limits are lowered here so each case is quick; the
worker is the real one (a process running the real Typst)."""

import pytest

from clausegen.export import pdf, typst_worker

PROFILE = "profiles/case.yaml"


# Wall-clock time is only kept small where time is what is tested: on a loaded machine an
# ordinary compile, or filling memory, can take longer than a few seconds.
RELAXED_SECONDS = 120.0


@pytest.fixture
def budgets(monkeypatch):
    """Small limits, and fresh workers that start with them."""
    monkeypatch.setattr(typst_worker, "TIME_SECONDS", RELAXED_SECONDS)
    monkeypatch.setattr(typst_worker, "MAX_PAGES", 20)
    monkeypatch.setattr(typst_worker, "MEMORY_BYTES", 1 << 30)
    pdf._POOL.close()
    yield
    pdf._POOL.close()


def house_template(tiny, extra: str) -> str:
    folder = tiny / "house"
    folder.mkdir()
    (folder / "document.typ").write_text(f"$body$\n{extra}\n", encoding="utf-8")
    return "house"


@pytest.mark.parametrize("extra, breach, seconds", [
    ("#for i in range(100000) {{ for j in range(100000) {{ }} }}".replace("{{", "{").replace("}}", "}"),
     "ran longer than 3 s", 3.0),
    ("#for i in range(60) [x #pagebreak()]", "laid out more than 20 pages (61)", RELAXED_SECONDS),
    ('#let a = "x" * 1500000000\n#a.len()', "stopped: it used more than 1024 MiB of memory, or crashed (exit status",
     RELAXED_SECONDS),
], ids=["time", "pages", "memory"])
def test_a_typst_template_that_breaches_a_budget_is_stopped_and_named(tiny, cli, budgets, monkeypatch, extra, breach,
                                                                      seconds):
    monkeypatch.setattr(typst_worker, "TIME_SECONDS", seconds)
    result = cli("build", PROFILE, "--format", "md,pdf", "--documents", "nda", "--templates",
                 house_template(tiny, extra))
    assert result.code == 1, result.err
    assert result.err.startswith(f"house/document.typ: typst {breach}"), result.err
    assert (f"building nda.pdf; it was stopped\n    hint: the limits are {seconds:g} s, 20 pages and 1024 MiB per "
            "document; check the template for loops\n") in result.err
    assert "Traceback" not in result.err
    assert not (tiny / "output").exists()


def test_after_a_breach_the_next_document_gets_a_fresh_worker(tiny, cli, budgets):
    house = house_template(tiny, "#for i in range(60) [x #pagebreak()]")
    assert cli("build", PROFILE, "--format", "pdf", "--documents", "nda", "--templates", house).code == 1
    result = cli("build", PROFILE, "--format", "pdf", "--documents", "nda")
    assert result.code == 0, result.err
    assert (tiny / "output/tiny-case/nda.pdf").read_bytes().startswith(b"%PDF")


def test_one_warm_worker_compiles_every_document_and_gives_the_same_bytes(tiny, cli, budgets):
    """Fonts are loaded once per worker; a warm compiler gives the bytes a fresh one gives."""
    assert cli("build", PROFILE, "--format", "pdf").code == 0
    first = {p.name: p.read_bytes() for p in (tiny / "output/tiny-case").glob("*.pdf")}
    workers = {w.process.pid for idle in pdf._POOL._idle.values() for w in idle if w.alive()}
    assert 1 <= len(workers) <= 2
    assert cli("build", PROFILE, "--format", "pdf", "--force").code == 0
    assert {w.process.pid for idle in pdf._POOL._idle.values() for w in idle} == workers  # the same, reused
    pdf._POOL.close()
    assert cli("build", PROFILE, "--format", "pdf", "--force").code == 0
    assert {p.name: p.read_bytes() for p in (tiny / "output/tiny-case").glob("*.pdf")} == first
    assert len(first) == 5


def test_prestart_readies_one_worker_per_export_thread_up_to_the_pool_size(budgets):
    from clausegen.pipeline import FONT_PATHS

    def idle():
        return [w.process.pid for w in pdf._POOL._idle.get(FONT_PATHS, []) if w.alive()]

    pdf.prestart(FONT_PATHS, 1)
    first = idle()
    assert len(first) == 1
    pdf.prestart(FONT_PATHS, 99)
    assert len(idle()) == pdf._POOL._size and idle()[0] == first[0]  # the ready one is kept, not restarted
    before = idle()
    pdf.prestart(FONT_PATHS, 1)
    assert idle() == before


def test_a_typst_error_in_the_source_is_an_export_error_and_the_worker_stays(tiny, cli, budgets):
    result = cli("build", PROFILE, "--format", "pdf", "--documents", "nda", "--templates",
                 house_template(tiny, "#panic(\"no\")"))
    assert result.code == 3
    assert result.err.startswith("nda: typst could not compile the PDF: ")
    assert all(w.alive() for idle in pdf._POOL._idle.values() for w in idle)


def test_page_count_sees_every_page_object():
    assert typst_worker.pages(b"<</Type/Pages/Count 2>> <</Type/Page>> <</Type /Page/Parent 1 0 R>>") == 2
