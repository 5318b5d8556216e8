"""Country codes in profiles: ISO 3166-1 alpha-2 (from pycountry), plus `EU`, and membership data.

Membership changes rarely and by treaty, so it is kept here as data with its source and date;
update it (and its `AS_OF`) when a state joins or leaves.
"""

from __future__ import annotations

from functools import lru_cache

AS_OF = "2026-11-30"

# Source: Treaty on European Union, Art. 52, as amended by the accession treaties up to Croatia
# (2013) and the withdrawal of the United Kingdom (2020-01-31).
EU_MEMBERS = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
# Source: Agreement on the European Economic Area (OJ L 1, 3.1.1994, p. 3): the EU member
# states plus Iceland, Liechtenstein and Norway.
EEA_EFTA = frozenset({"IS", "LI", "NO"})
EEA = EU_MEMBERS | EEA_EFTA

# Codes the EU institutions use that differ from ISO 3166-1 (Interinstitutional Style Guide, 7.1.1).
EU_ALIASES = {"EL": "GR"}

# Source: the European Commission's adequacy decisions under GDPR Art. 45(3), as listed on its page
# "Adequacy decisions" (Andorra, Argentina, Canada for commercial organisations, Faroe Islands,
# Guernsey, Israel, Isle of Man, Japan, Jersey, New Zealand, Republic of Korea, Switzerland, the
# United Kingdom, Uruguay, and the United States for organisations certified under the EU-US Data
# Privacy Framework, Decision (EU) 2023/1795).
ADEQUACY = frozenset("AD AR CA FO GG IL IM JP JE NZ KR CH GB UY US".split())

# Common mistakes: what was probably meant.
_SUGGEST = {"UK": "GB"}


def canonical(code: str) -> str:
    """The ISO code for a profile code (`EL` -> `GR`)."""
    return EU_ALIASES.get(code, code)


def in_eea(code: str) -> bool:
    """True for `EU` and for the EU/EEA member states."""
    return code == "EU" or canonical(code) in EEA


def name(code: str) -> str:
    if code == "EU":
        return "European Union"
    country = _countries().get(canonical(code))
    return country or code


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    import pycountry

    return {c.alpha_2: c.name for c in pycountry.countries}


def names_by_code() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> short name."""
    return dict(_countries())


def names() -> list[str]:
    """Every country's short name, for lint: a country needs no definition."""
    return sorted(set(_countries().values()) | {"European Union", "United States", "United Kingdom"})


@lru_cache(maxsize=1)
def _languages() -> dict[str, str]:
    import pycountry

    return {lang.alpha_2.upper(): lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}


def problem(code: str) -> str | None:
    """Why `code` is not a country code a profile may use, with what was probably meant; None if fine."""
    if code == "EU" or code in EU_ALIASES or code in _countries():
        return None
    if code in _SUGGEST:
        right = _SUGGEST[code]
        return f"{code!r} is not an ISO 3166-1 country code; for {name(right)} write {right!r}"
    if code.upper() in _countries() or code.upper() in ("EU", *EU_ALIASES):
        return f"{code!r}: write country codes in capitals, {code.upper()!r}"
    language = _languages().get(code)
    if language:
        hint = "; for Denmark write 'DK'" if code == "DA" else ""
        return (f"{code!r} is the language code for {language}, not a country code "
                f"(ISO 3166-1 alpha-2){hint}")
    return (f"{code!r} is not an ISO 3166-1 alpha-2 country code (or EU); "
            "quote codes like \"NO\", which YAML would otherwise read as false")
