"""The one template and Markdown analysis that validate and lint share (clausegen/analysis.py)."""

from pathlib import Path

from conftest import edit

from clausegen import analysis
from clausegen.analysis import Hidden, Markup

AUDIT = "clauses/core/general.audit@1.0.0.md"
TINY_PROFILE = Path("profiles/case.yaml")


def test_facts_of_a_template_with_a_hidden_value():
    facts = analysis.template_facts("Notify {{ client.name }}\nwithin {{ hours|default(4) }} hours"
                                    "{% if x is defined %}.{% endif %}")
    assert facts.parsed
    assert facts.names == {"client": 1, "hours": 2, "x": 2}
    assert facts.hidden == (Hidden(2, "`|default`", "hours"), Hidden(2, "`is defined`", "x"))
    assert facts.forbidden == ((2, "filter |default is not allowed: it can hide a missing value"),
                               (2, "test `is defined` is not allowed: it can hide a missing value"))


def test_facts_of_a_template_that_does_not_parse_or_uses_an_unknown_filter():
    assert analysis.template_facts("a\n{{ b c }}").syntax == (2, "expected token 'end of print statement', got 'c'")
    unknown = analysis.template_facts("{{ a|shout }}")
    assert unknown.names is None  # not guessed: the unknown filter is what validate reports
    assert unknown.forbidden[0][1].startswith("filter |shout is not allowed; allowed filters: ")


def test_facts_come_back_the_same_from_the_cache():
    source = "{{ client.nmae }} {% for s in sub_suppliers %}{{ s.nme }}{% endfor %} {{ supplier|d }}"
    first = analysis.template_facts(source)
    assert first.attributes[0][1].startswith("client.nmae does not exist; client has: ")
    assert first.first_use["supplier"] == 1
    assert analysis._from_json(analysis._to_json(first)) == first


def test_markdown_markup_a_clause_body_may_not_hold():
    body = "# Head\n\nText <b>x</b> ![img](a.png) [file](file:///etc) [web](https://e.org)\n\n```{=latex}\nx\n```\n"
    assert analysis.markdown_markup(body) == [
        Markup("heading", 0, ""), Markup("html", 2, "<b>"), Markup("html", 2, "</b>"), Markup("image", 2, ""),
        Markup("file-link", 2, "file:///etc"), Markup("raw-block", 4, "{=latex}")]
    assert analysis.markdown_markup("Plain prose, no markup at all.") == []


def test_raw_matches_skip_template_tags_and_keep_lines():
    text = "{{ '\\\\textbf{x}' }}\n\\textbf{y} &amp; {# <b> #}"
    assert analysis.raw_matches(text, (analysis.LATEX, analysis.ENTITY, analysis.HTML_TAG)) == [
        (analysis.LATEX, 1, "\\textbf{"), (analysis.ENTITY, 1, "&amp;")]


def test_unregistered_citations_with_the_closest_id():
    assert analysis.unregistered(["NIS2-21", "NIS2-211", "X"], dict.fromkeys(["NIS2-21", "ISO-5.1"])) == [
        ("NIS2-211", "NIS2-21"), ("X", None)]


def test_lint_survives_a_filter_no_environment_knows(tiny, cli):
    """It used to stop with a traceback; validate names the filter, lint reports no unused parameter."""
    edit(tiny / AUDIT, "every {{ audit_interval_months }} months", "every {{ audit_interval_months|shout }} months")
    result = cli("lint")
    assert result.code == 1 and "Traceback" not in result.err
    assert "general.audit@1.0.0: parameter audit_interval_months is declared" not in result.out
    assert "filter |shout is not allowed" in cli("validate").out + cli("validate").err


def test_the_names_analysis_allows_are_the_names_a_template_is_given(tiny_project):
    """analysis.PROFILE_NAMES lists what assembly.context() gives every template, besides parameters:
    a derived value added to one and not the other fails here, not in a user's validate run."""
    from clausegen.assembly import context
    from clausegen.loading import load_profile
    from clausegen.selection import select

    loaded = load_profile(TINY_PROFILE)
    given = set(context(select(loaded.profile, tiny_project, loaded.located)))
    parameters = set(tiny_project.parameters)
    assert given - parameters - {"language"} == set(analysis.PROFILE_NAMES)  # language: for the filters only
