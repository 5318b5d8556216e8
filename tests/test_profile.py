
from conftest import edit
from conftest import profile_errors as errors

from clausegen.loading import load_profile


def test_valid_profile_loads(profile):
    loaded = load_profile(profile)
    assert loaded.profile.client.name == 'Smith & Jones <Hosting> "A/S" Ærø'
    assert len(loaded.sha256) == 64


def test_unknown_key_with_suggestion(profile):
    edit(profile, "  cloud: false\n", "  cloud: false\n  clowd: true\n")
    assert errors(profile) == [
        f"{profile}:11: service.clowd: unknown key 'clowd'\n"
        "    hint: did you mean 'cloud'? known keys: description, kinds, cloud, delivery, support_hours"]


def test_null_is_an_error(profile):
    edit(profile, 'supplier: {name: "Supplier Ltd",', "supplier: {name: null,")
    assert errors(profile) == [
        f"{profile}:6: supplier.name: is null; a value is required\n"
        "    hint: write the value, or remove the key to use the documented default where there is one"]


def test_missing_field(profile):
    edit(profile, "  special_categories: false\n", "")
    assert errors(profile) == [f"{profile}:11: data.special_categories: required, but missing"]


def test_norway_stays_a_string_and_is_valid(profile):
    edit(profile, "country: DK, sector", "country: NO, sector")
    assert load_profile(profile).profile.client.country == "NO"


def test_quoted_number_is_not_an_integer(profile):
    edit(profile, "term_months: 48", 'term_months: "48"')
    assert errors(profile) == [f"{profile}:20: contract.term_months: should be a valid integer; found text '48'"]


def test_unquoted_date_is_checked_as_text(profile):
    edit(profile, 'start: "2027-01-01"', "start: 2027-13-01")
    assert errors(profile) == [f"{profile}:20: contract.start: '2027-13-01' is not a date written YYYY-MM-DD; "
                               "found text '2027-13-01'"]


def test_control_character_names_the_field(profile):
    edit(profile, 'description: "Hosting."', 'description: "Host\\x0bing."')
    assert errors(profile) == [f"{profile}:8: service.description: contains the control character U+000B at "
                               "position 4, which a document cannot show; found text 'Host\\x0bing.'"]


def test_template_syntax_in_a_value_is_refused(profile):
    edit(profile, 'name: "Supplier Ltd"', 'name: "{{ 7*7 }}"')
    assert "supplier.name: contains template syntax '{{'" in errors(profile)[0]


def test_every_problem_at_once(profile):
    edit(profile, "profile: 1\n", "profile: 2\nriskLevel: high\n")
    found = errors(profile)
    assert len(found) == 2
    assert found[0].startswith(f"{profile}:1: profile: should be 1")
    assert found[1].startswith(f"{profile}:2: riskLevel: unknown key 'riskLevel'")


def test_document_control_defaults_when_left_out(profile):
    control = load_profile(profile).profile.document
    assert (control.status, control.revision, control.date) == ("draft", 1, None)


def test_document_control_values(profile):
    edit(profile, "pins:", 'document: {status: final, revision: 3, date: "2027-01-15"}\npins:')
    control = load_profile(profile).profile.document
    assert (control.status, control.revision, control.date) == ("final", 3, "2027-01-15")


def test_document_control_errors_name_line_and_field(profile):
    edit(profile, "pins:", "document:\n  status: signed\n  revision: 0\n  date: 2027-02-30\n  sign: true\npins:")
    assert errors(profile) == [
        f"{profile}:23: document.status: should be 'draft' or 'final'; found text 'signed'",
        f"{profile}:24: document.revision: should be greater than or equal to 1; found a whole number 0",
        f"{profile}:25: document.date: '2027-02-30' is not a date written YYYY-MM-DD; found text '2027-02-30'",
        f"{profile}:26: document.sign: unknown key 'sign'\n    hint: known keys: status, revision, date"]


def test_document_date_null_is_an_error(profile):
    edit(profile, "pins:", "document: {date: null}\npins:")
    assert errors(profile) == [
        f"{profile}:22: document.date: is null; a value is required\n"
        "    hint: write the value, or remove the key to use the documented default where there is one"]
