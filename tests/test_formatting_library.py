"""The shipped library writes dates, amounts and periods only through the formatting filters.

Two checks: the built documents of every example profile contain no unformatted value, and no
clause or requirement in the library prints a period, amount or date parameter bare (so text that
no example profile selects is covered too).
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from babel.numbers import list_currencies
from conftest import ROOT
from jinja2 import nodes

from clausegen.errors import InputError
from clausegen.pipeline import BuildOptions, Inputs, load_project, render
from clausegen.rendering.environment import environment

PROFILES = sorted((ROOT / "profiles").glob("*.yaml"))
_UNIT = r"(?:minute|hour|day|working day|week|month|year)s"
UNFORMATTED = {
    "a plural unit after 1": re.compile(rf"(?<![\d.,])1 {_UNIT}\b"),
    "'every 1 ...'": re.compile(r"\bevery 1 [a-z]"),
    "an ISO date": re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])"),
    "an amount without digit grouping": re.compile(rf"\b(?:{'|'.join(sorted(list_currencies()))})"
                                                   r" (?:\d{4,}\b|\d+ million\b)"),
}
# Parameters whose names say they hold a period, an amount or a date; printing one bare is the bug.
FORMATTED_NAME = re.compile(r"_(?:minutes|hours|days|weeks|months|years|eur|date)$|^contract\.start$")
PLAIN_TEXT = {"support_hours"}  # a choice of opening hours written out ("Monday to Friday ..."), not a number


def unformatted(text: str) -> list[str]:
    return [f"{what}: {m.group()!r} in {text[max(0, m.start() - 40):m.end() + 20]!r}"
            for what, pattern in UNFORMATTED.items() for m in pattern.finditer(text)]


@pytest.mark.parametrize("sample, found", [
    ("every 1 months", 2), ("for 1 days", 1), ("on 2027-03-01", 1), ("EUR 5000000", 1), ("EUR 2 million", 1),
    ("every month, 1 day, 21 days, 1 March 2027, EUR 5,000,000, ISO 27001:2022, SR-GOV-01", 0),
])
def test_the_check_finds_what_it_should(sample, found):
    assert len(unformatted(sample)) == found


@pytest.fixture(scope="module")
def project():
    return load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))


def docx_text(data: bytes) -> str:
    """The text of the body, headers and footers (not the metadata, which keeps ISO dates)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [z.read(n).decode("utf-8") for n in sorted(z.namelist()) if re.fullmatch(r"word/[a-z0-9]+\.xml", n)]
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", "".join(parts), re.DOTALL)
    return "\n".join(re.sub(r"<[^>]+>", "", p) for p in paragraphs)


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_no_unformatted_value_reaches_a_document(project, path):
    files = render(path, project, BuildOptions(formats=("md", "docx")))[1]
    assert files
    texts = {name: docx_text(data) if name.endswith(".docx") else data.decode("utf-8")
             for name, data in sorted(files.items()) if name.endswith((".md", ".docx"))}
    written_date = re.compile(r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October"
                              r"|November|December) \d{4}\b")
    assert all(written_date.search(texts[f"termination-plan.{fmt}"]) for fmt in ("md", "docx"))
    problems = [f"{name}: {p}" for name, text in texts.items() for p in unformatted(text)]
    assert problems == []


def _bare_prints(source: str) -> list[str]:
    """Names printed by {{ }} without any filter whose names mark them as a period, amount or date."""
    ast = environment("markdown").parse(source)
    found = []
    for output in ast.find_all(nodes.Output):
        for node in output.nodes:
            if isinstance(node, nodes.Name) and FORMATTED_NAME.search(node.name) and node.name not in PLAIN_TEXT:
                found.append(node.name)
            elif isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) \
                    and FORMATTED_NAME.search(f"{node.node.name}.{node.attr}"):
                found.append(f"{node.node.name}.{node.attr}")
    return found


def test_no_clause_or_requirement_prints_a_period_amount_or_date_bare(project):
    problems = []
    for clause in project.library.clauses:
        problems += [f"{clause.file}: {{{{ {name} }}}}" for name in _bare_prints(clause.body)]
    for req in project.catalogue.requirements_up_to(project.catalogue.level_ids()[-1]):
        for part in (req.text, req.verification):
            problems += [f"{req.file} {req.id}: {{{{ {name} }}}}" for name in _bare_prints(part)]
    assert problems == []


def test_the_source_check_sees_a_bare_print():
    assert _bare_prints("within {{ deletion_days }} days, from {{ contract.start }}, {{ x | days }}") == \
        ["deletion_days", "contract.start"]


@pytest.mark.parametrize("start, term, message", [
    ("9999-06-01", 1, "a period of 12 months from 9999-07-01 ends after the year 9999"),
    ("0001-01-01", 1, "-6 months from 0001-02-01 falls outside the years 1 to 9999"),
])
def test_a_timeline_outside_the_calendar_is_an_error_at_contract_start(project, tmp_path, monkeypatch, cli,
                                                                       start, term, message):
    source = (ROOT / "profiles" / "museum-public-website.yaml").read_text(encoding="utf-8")
    assert '  start: "2027-03-01"\n  term_months: 24\n' in source
    profile = tmp_path / "edge.yaml"
    profile.write_text(source.replace('  start: "2027-03-01"\n  term_months: 24\n',
                                      f'  start: "{start}"\n  term_months: {term}\n'), encoding="utf-8")
    line = source.splitlines().index('  start: "2027-03-01"') + 1
    expected = (f"{profile}:{line}: contract.start: the exit timeline cannot be dated: {message}\n"
                "    hint: check contract.start, contract.term_months and the exit periods")
    with pytest.raises(InputError) as e:
        render(profile, project, BuildOptions(formats=("md",)))
    assert str(e.value) == expected
    monkeypatch.chdir(ROOT)
    result = cli("validate", str(profile))
    assert result.code == 1 and expected in result.err


def test_a_term_that_ends_after_year_9999_is_an_error_at_term_months(tmp_path, monkeypatch, cli):
    source = (ROOT / "profiles" / "museum-public-website.yaml").read_text(encoding="utf-8")
    profile = tmp_path / "edge.yaml"
    profile.write_text(source.replace('  start: "2027-03-01"\n  term_months: 24\n',
                                      '  start: "9990-01-01"\n  term_months: 600\n'), encoding="utf-8")
    monkeypatch.chdir(ROOT)
    result = cli("validate", str(profile))
    assert result.code == 1
    line = source.splitlines().index("  term_months: 24") + 1
    assert (f"{profile}:{line}: contract.term_months: a period of 600 months from 9990-01-01 ends after the year 9999; "
            "found a whole number 600\n") in result.err
