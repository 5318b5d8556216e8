"""Templates from a third-party library: sandbox escapes, bombs and every way a template can fail.

Most payloads are refused by `validate` already; here they are rendered directly, as a Word house
template or a library that skipped validation would be, so the sandbox itself is what is tested.
RELIABILITY.md cases 1-6, 8, 10, 35 and 37 (see tests/README.md).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import edit

from clausegen.errors import RenderError
from clausegen.rendering import environment as env_module
from clausegen.rendering.environment import budget, environment, forbidden_constructs
from clausegen.rendering.markdown import render_template

CTX = {"client": {"name": "Ærø & Co"}, "sub_suppliers": [{"name": "Backup GmbH"}], "third_countries": ["US"]}
CLAUSE = "clauses/core/general.parties@1.0.0.md"  # body starts on line 11
HINT = "\n    hint: templates may only print parameters and profile fields"


def render(source: str) -> str:
    return render_template("markdown", source, CTX, "c.md", 10, "x.y@1.0.0")


def refused(source: str) -> str:
    with pytest.raises(RenderError) as info:
        render(source)
    return "\n".join(d.format() for d in info.value.diagnostics)


def build_refused(tiny, cli, expected: str) -> None:
    """Exit 1, the whole located message, no traceback, nothing written."""
    result = cli("build", "profiles/case.yaml", "--format", "md,docx")
    assert result.code == 1
    assert result.err.startswith(expected + "\n"), result.err
    assert "Traceback" not in result.err
    assert not (tiny / "output").exists()


# --- 5, 6: sandbox escapes -------------------------------------------------------------------

@pytest.mark.parametrize("payload, message", [
    ("{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
     "access to attribute '__init__' of 'StrictUndefined' object is unsafe."),
    ("{{ client.name.__class__.__base__.__subclasses__() }}", "access to attribute '__class__' of 'str' object is unsafe."),
    ("{{ range.__globals__['os'].system('touch PWNED') }}", "access to attribute '__globals__' of 'function' object is unsafe."),
    ("{{ client['__class__'] }}", "access to attribute '__class__' of 'dict' object is unsafe."),
    ("{{ client.name.encode('utf-8') }}", "access to attribute 'encode' of 'str' object is unsafe."),
    # CVE-2024-56326: str.format reached indirectly, without the sandbox's formatter.
    ('{{ "{0.__class__.__init__.__globals__}".format(client) }}', "access to attribute 'format' of 'str' object is unsafe."),
    ('{{ "{0.__class__}"["format"](client) }}', "access to attribute 'format' of 'str' object is unsafe."),
    ('{{ "{x.__class__}".format_map(client) }}', "access to attribute 'format_map' of 'str' object is unsafe."),
])
def test_escape_payloads_are_refused_and_nothing_runs(payload, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert refused(payload) == f"c.md:10: x.y@1.0.0: unsafe template construct: {message}" + HINT
    assert not (tmp_path / "PWNED").exists()


def test_cve_2025_27516_attr_format_is_refused():
    """Jinja's own regression payload for |attr("format") (fixed in 3.1.6); refused before it runs."""
    payload = '{{ "{0.__call__.__builtins__[__import__]}"\n      | attr("format")(not_here) }}'
    assert refused(payload) == "c.md:11: x.y@1.0.0: unsafe template construct: filter |attr is not allowed"


def test_a_house_template_cannot_reach_python_docx_through_the_body(tmp_path):
    """Regression: `{{ body.subdocx.save(...) }}` in a Word template wrote a file before objects
    other than text, lists and mappings had their attributes closed."""
    from conftest import ROOT
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(ROOT / "clausegen/templates/default/base.docx"))
    tpl.render_init()
    target = tmp_path / "pwned.docx"
    template = environment("docx").from_string(f"{{{{ body.subdocx.save('{target}') }}}}")
    with pytest.raises(env_module.SecurityError) as info, budget():
        template.render(body=tpl.new_subdoc())
    assert str(info.value) == "access to attribute 'subdocx' of 'Subdoc' object is unsafe."
    assert not target.exists()


# --- 8: bombs and limits -----------------------------------------------------------------------

@pytest.mark.parametrize("payload, message", [
    ("{{ 'x' * 10**9 }}", "repetition would produce more than 100000 items"),
    ("{% for i in range(5000) %}{{ 'x' * 50 }}{% endfor %}", "repetition would produce more than 100000 items"),
    ("{% for i in range(10**6) %}x{% endfor %}", "range() would produce more than 10000 items"),
    ("{% for a in range(200) %}{% for b in range(200) %}.{% endfor %}{% endfor %}",
     "loops would run more than 10000 times in one render"),
    # no range() at all: two loops over text would run 10^10 times
    ("{% for a in client.name * 10000 %}{% for b in client.name * 1000 %}{% endfor %}{% endfor %}",
     "loops would run more than 10000 times in one render"),
    ("{% for i in range(10000) %}{{ client.name }}{{ client.name }}{{ client.name }}{% endfor %}",
     "output exceeds 200000 characters"),
    ("{{ 2 ** 1000 }}", "exponent above 100 is not allowed"),
    ("{{ (10**100)**100 }}", "a number larger than 4096 bits is not allowed"),
    ("{{ client.name.ljust(10**9) }}", "access to attribute 'ljust' of 'str' object is unsafe."),
    ("{{ '{:>999999999}'.format(1) }}", "access to attribute 'format' of 'str' object is unsafe."),
    ("{{ '%0999999999d' % 1 }}", "text formatting with % is not allowed; use ~ to join text"),
    ("{{ ('x' * 1000)|replace('x', 'y' * 1000) }}", "|replace would be longer than 200000 characters or items"),
    ("{{ range(10000)|join('x' * 100) }}", "|join would be longer than 200000 characters or items"),
    ("{{ ('x' * 100000) ~ client.name ~ ('x' * 100000) }}", "repetition would produce more than 100000 items"),
    ("{{ client.name|truncate(10**9) }}", "|truncate: the argument 1000000000 is above 200000"),
])
def test_bombs_hit_a_stated_limit(payload, message):
    assert refused(payload) == f"c.md:10: x.y@1.0.0: unsafe template construct: {message}" + HINT


def test_concatenation_is_capped(monkeypatch):
    monkeypatch.setattr(env_module, "MAX_VALUE_CHARS", 10)
    assert refused("{{ client.name ~ client.name }}") == \
        "c.md:10: x.y@1.0.0: unsafe template construct: ~ would be longer than 10 characters or items" + HINT


def test_the_time_limit_is_enforced(monkeypatch):
    monkeypatch.setattr(env_module, "MAX_RENDER_SECONDS", 0.0)
    assert refused("{% for i in range(3) %}{{ client.name }}{% endfor %}") == \
        "c.md:10: x.y@1.0.0: unsafe template construct: rendering took longer than 0 s" + HINT


@pytest.mark.parametrize("payload, message", [
    ("{{ center }}|{{ client.name|center(10**9) }}", "filter |center is not allowed; allowed filters: "
     + ", ".join(sorted(env_module.ALLOWED_FILTERS))),
    ("{{ client.name|random }}", "filter |random is not allowed; allowed filters: "
     + ", ".join(sorted(env_module.ALLOWED_FILTERS))),
    ("{% macro f(n) %}{{ f(n) ~ f(n) }}{% endmacro %}{{ f(1) }}", "{% macro %} is not allowed: templates may only "
     "print values, test conditions ({% if %}) and loop ({% for %})"),
    ("{% set s = client.name %}{{ s }}", "{% set %} is not allowed: templates may only print values, test conditions "
     "({% if %}) and loop ({% for %})"),
    ("{% for x in sub_suppliers recursive %}{{ loop(x) }}{% endfor %}", "recursive loops are not allowed"),
    ("{{ [[1] * 10, [1] * 10] }}", "list, tuple and mapping literals may hold only constants"),
    ("{% autoescape false %}{{ client.name }}{% endautoescape %}", "{% autoescape %} is not allowed: templates may "
     "only print values, test conditions ({% if %}) and loop ({% for %})"),
])
def test_constructs_outside_the_template_language_are_refused(payload, message):
    assert refused(payload) == f"c.md:10: x.y@1.0.0: unsafe template construct: {message}"


# --- 10: other files ------------------------------------------------------------------------------

@pytest.mark.parametrize("payload, kind", [
    ('{% include "../secret.txt" %}', "include"),
    ('{% include "/etc/passwd" %}', "include"),
    ('{% import "x.md" as x %}', "import"),
    ('{% from "x.md" import y %}', "fromimport"),
    ('{% extends "/etc/passwd" %}', "extends"),
])
def test_include_import_and_extends_are_refused_when_rendering(payload, kind):
    """Without a loader these were a TypeError (a crash); now the template never compiles."""
    assert refused(payload) == f"c.md:10: x.y@1.0.0: unsafe template construct: {{% {kind} %}} is not allowed: " \
                               "templates cannot read other files"


# --- 1, 2, 4, 37: missing, empty and unprintable values ------------------------------------------

@pytest.mark.parametrize("payload, message", [
    ("{{ sub_suppliers[3].name }}", "list object has no element 3"),
    ("{{ client.vat_number }}", "'dict object' has no attribute 'vat_number'"),
    ("{{ none }}", "a value is None (null); a contract cannot show an empty value"),
    ("{{ client.name ~ none }}", "a value is None (null); a contract cannot show an empty value"),
    ("{{ 1 == 1 }}", "a true/false value would print as 'True'/'False'; use it in {% if %} instead"),
    ("{{ third_countries }}", "a list would print as Python syntax; use |join(', ') or a {% for %} loop"),
    ("{{ sub_suppliers[0] }}", "a dict would print as Python syntax; use |join(', ') or a {% for %} loop"),
    ("{{ client.items() }}", "a dict_items would print as Python syntax; use |join(', ') or a {% for %} loop"),
    ("{{ client.name.upper }}", "a method would print as Python syntax; call it, e.g. upper()"),
    ("{{ self }}", "a TemplateReference object cannot be printed; print text or numbers"),
    ("text\n{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    ("{{ third_countries + 1 }}", 'TypeError: can only concatenate list (not "int") to list'),
])
def test_nothing_silent_reaches_the_text(payload, message):
    line = 11 if payload.startswith("text\n") else 10
    assert refused(payload) == f"c.md:{line}: x.y@1.0.0: {message}"


@pytest.mark.parametrize("payload", ["{{ '{{' }} name }}", "{% raw %}{{ client.name }}{% endraw %}", "{{ '{%' }}"])
def test_template_syntax_printed_into_the_text_is_refused(payload):
    assert refused(payload).startswith("c.md:10: x.y@1.0.0: the rendered text contains template syntax")


@pytest.mark.parametrize("payload, message", [
    ("{% for a in [1] %}" * 21 + "x" + "{% endfor %}" * 21,
     "template too deeply nested or too large: too many statically nested blocks"),
    ("{{ " + "(" * 300 + "1" + ")" * 300 + " }}", "template too deeply nested or too large: maximum recursion depth exceeded"),
    ("{{ " + "9" * 5000 + " }}", "template too deeply nested or too large: Exceeds the limit (4300 digits) for integer "
     "string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit"),
])
def test_templates_python_cannot_compile_are_errors_not_crashes(payload, message):
    assert refused(payload).startswith(f"c.md:10: x.y@1.0.0: {message}")


def test_a_missing_value_at_build_names_clause_file_and_line_and_writes_nothing(tiny, cli):
    edit(tiny / CLAUSE, "{{ supplier.name }}", "{{ sub_suppliers[3].name }}")
    build_refused(tiny, cli, f"{CLAUSE}:11: general.parties@1.0.0: list object has no element 3")


def test_a_none_at_build_is_refused_and_nothing_written(tiny, cli):
    edit(tiny / CLAUSE, "{{ supplier.name }}", "{{ none }}")
    build_refused(tiny, cli, f"{CLAUSE}:11: general.parties@1.0.0: a value is None (null); "
                             "a contract cannot show an empty value")


def test_printed_template_syntax_at_build_is_refused_and_nothing_written(tiny, cli):
    edit(tiny / CLAUSE, "{{ supplier.name }}", "{{ '{{' }} supplier.name }}")
    build_refused(tiny, cli, f"{CLAUSE}:11: general.parties@1.0.0: the rendered text contains template syntax '{{{{'")


def test_an_undeclared_variable_at_build_is_refused_and_nothing_written(tiny, cli):
    edit(tiny / CLAUSE, "{{ supplier.name }}", "{{ supplier_name }}")
    build_refused(tiny, cli, f"{CLAUSE}:11: body: {{{{ supplier_name }}}} is neither a declared parameter nor a "
                             "profile field")


@pytest.mark.parametrize("body, line, message", [
    ("{{ client.name|d('x') }}", 11, "filter |d is not allowed: it can hide a missing value"),
    ("{% if client is undefined %}x{% endif %}", 11, "test `is undefined` is not allowed: it can hide a missing value"),
    ("{% if client.name is none %}x{% endif %}", 11, "test `is none` is not allowed: it can hide a missing value"),
    ("{{ client.name|center(80) }}", 11, "filter |center is not allowed; allowed filters: "
     + ", ".join(sorted(env_module.ALLOWED_FILTERS))),
    ("x\n{% set y = 1 %}", 12, "{% set %} is not allowed: templates may only print values, test conditions "
     "({% if %}) and loop ({% for %})"),
])
def test_validate_reports_refused_constructs_with_file_and_line(tiny, cli, body, line, message):
    edit(tiny / CLAUSE, "(the *Supplier*).", "(the *Supplier*). " + body)
    result = cli("validate")
    assert result.code == 1
    hint = "declare a parameter with a default instead" if "missing value" in message \
        else "see 'What a clause body may use' in docs/format.md"
    assert f"{CLAUSE}:{line}: body: {message}\n    hint: {hint}\n" in result.err


def test_forbidden_constructs_report_every_one_with_its_line():
    ast = environment("text").parse("{{ a|default('') }}\n{% set b = 1 %}\n{% include 'x' %}")
    assert [line for line, _ in forbidden_constructs(ast)] == [1, 2, 3]


# --- 35: one environment, many renders and threads ------------------------------------------------

def test_docx_rendering_does_not_change_the_shared_environments(tiny, cli):
    before = render("{{ client.name }} <b>")
    assert cli("build", "profiles/case.yaml", "--format", "docx", "--documents", "nda").code == 0
    assert (environment("markdown").autoescape, environment("text").autoescape, environment("docx").autoescape) == \
        (False, False, True)
    assert render("{{ client.name }} <b>") == before == "Ærø & Co <b>"


def test_renders_in_threads_have_their_own_budgets():
    """Each render gets its own loop budget, also when many run at once in threads."""
    source = "{% for i in range(6000) %}{% endfor %}{{ client.name }}"  # 60% of one budget each
    start = threading.Barrier(8)

    def one(_):
        start.wait()
        return render(source)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(one, range(8))) == ["Ærø & Co"] * 8
