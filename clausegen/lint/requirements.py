"""Requirement rules after CFCS appendix 5 (SMART): R-VAGUE, R-SUBJECT, R-MEASURE, R-TIME,
R-SINGLE, R-VERIFY and R-DUPLICATE.

The rules read the requirement text with every `{{ parameter }}` standing for a number, since a
parameter always prints a concrete value. They are heuristics with stated word lists; a finding
that is wrong for one requirement is suppressed on it with a reason.
"""

from __future__ import annotations

import difflib
import re

from clausegen.errors import Diagnostic
from clausegen.lint.findings import Item, finding
from clausegen.models.catalogue import Requirement
from clausegen.models.lint import LintTerms
from clausegen.syntax import TEMPLATE_TAG

SUBJECT = "The supplier must "
DEFINED_SUBJECT = "The Supplier must "  # the defined term, as the clauses write it

# A number (parameters print as one), a limit, or a quantifier that makes the requirement a
# yes/no test ("every login", "no sub-supplier", "only the rights listed").
_MEASURE = re.compile(
    r"\d|\b(?:every|each|all|any|no|none|never|only|not|cannot|neither|nor|sole|solely|exclusively|dedicated"
    r"|limit(?:s|ed)? .{1,80}? to|at or (?:above|below)|or (?:higher|lower|later|more|fewer|less)"
    r"|at least|at most|no more than|maximum|minimum"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred|once|twice|single)\b", re.IGNORECASE)

_UNIT = r"(?:working\s+)?(?:minute|hour|day|week|month|quarter|year)s?"
# A deadline, a time bound or a frequency.
_TIME = re.compile(
    r"\b(?:within|before|after|until|by the end of|throughout|during|prior|no later than|at all times|at any time"
    r"|continuously|for the (?:whole|entire) (?:contract )?term"
    r"|daily|weekly|monthly|quarterly|annually|yearly|hourly|once|twice)\b"
    rf"|\bevery\s+(?:\d|other\b|{_UNIT}\b|calendar\b)"
    rf"|\b(?:each|per|a|every)\s+(?:calendar\s+)?{_UNIT}\b"
    rf"|\d+\s+{_UNIT}\b"
    r"|\bfrom (?:the )?(?:service start|start|contract|signature|date|first|takeover)"
    r"|\b24 hours a day\b", re.IGNORECASE)


# `{{ x | days }}` prints "30 days", `{{ x | months(every=True) }}` "every 12 months" (template_filters.py).
_UNIT_FILTER = re.compile(r"\|\s*(minutes|hours|days|working_days|weeks|months|years)\s*"
                          r"(\(\s*every\s*=\s*True\s*\))?\s*\}\}$")


def _stand_in(tag: str) -> str:
    if not tag.startswith("{{"):
        return ""
    unit = _UNIT_FILTER.search(tag)
    if unit is None:
        return "0"
    words = "0 " + unit.group(1).replace("_", " ")
    return "every " + words if unit.group(2) else words


def plain(text: str) -> str:
    """The text as a reader sees it, with each template tag standing for a number (with its unit
    and "every" where a formatting filter writes them)."""
    return TEMPLATE_TAG.sub(lambda m: _stand_in(m.group()), text)


def check(req: Requirement, item: Item, terms: LintTerms) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    text, verification = plain(req.text), plain(req.verification)
    text_line, verification_line = item.line("text"), item.line("verification")
    for part, value, line in (("text", text, text_line), ("verification", verification, verification_line)):
        for term, fix in vague_terms(value, terms):
            out.append(finding(item.file, line, "R-VAGUE", f"{part}: vague term {term!r}", fix, item.label, term))
    if not text.startswith(SUBJECT) and not text.startswith(DEFINED_SUBJECT):
        found = " ".join(text.split()[:3])
        out.append(finding(item.file, text_line, "R-SUBJECT",
                           f"text starts {found!r}; a requirement starts \"The supplier must\"",
                           "rewrite it as \"The supplier must <verb> ...\": one party, one binding obligation",
                           item.label))
    if not _MEASURE.search(text):
        out.append(finding(item.file, text_line, "R-MEASURE", "text has no number, threshold or yes/no test",
                           "add what can be counted or checked: a number, a parameter such as {{ x_days }}, "
                           "a standard, or a quantifier such as \"every\" or \"no\"", item.label))
    if not _TIME.search(text):
        out.append(finding(item.file, text_line, "R-TIME", "text has no deadline, time bound or frequency",
                           "say when: \"within 30 days after ...\", \"at least every 12 months\", "
                           "or \"from the service start date\" for a standing obligation", item.label))
    second = second_obligation(text, terms)
    if second:
        out.append(finding(item.file, text_line, "R-SINGLE", f"text adds a second obligation: {second!r}",
                           "split it into two requirements, one obligation each", item.label, second))
    if not has_method(verification, terms):
        out.append(finding(item.file, verification_line, "R-VERIFY",
                           f"verification {_clip(verification)!r} names no method",
                           "say how the client checks it: inspection, demonstration, test, or a record it "
                           "reviews or compares, and when", item.label))
    return out


def vague_terms(text: str, terms: LintTerms) -> list[tuple[str, str]]:
    """(term as written in the list, suggested fix), longest terms first so 'as soon as possible' wins over 'soon'."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str, str]] = []
    for term, fix in sorted((terms.vague_terms or {}).items(), key=lambda kv: -len(kv[0])):
        pattern = r"(?<![\w-])" + r"\s+".join(re.escape(w) for w in term.split()) + r"(?![\w-])"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), term, fix))
    return [(term, fix) for _pos, term, fix in sorted(found)]


# What follows a verb that starts an obligation: its object. "and test results" is a noun phrase,
# "and test the backups" a second obligation.
_OBJECT = (r"(?:the|a|an|every|each|all|any|its|their|his|her|them|it|this|that|these|those|client|written"
           r"|within|to|no)\b")


def second_obligation(text: str, terms: LintTerms) -> str:
    """'and notify the client' in 'The supplier must log ... and notify the client ...', or ''."""
    verbs = "|".join(re.escape(v) for v in sorted(terms.obligation_verbs or (), key=len, reverse=True))
    if not verbs:
        return ""
    m = re.search(rf"\b(?:and(?:\s+also|\s+then)?|as well as)\s+(?:{verbs})\s+{_OBJECT}",
                  text.removeprefix(SUBJECT), re.IGNORECASE)
    return " ".join(m.group().split()[:-1]) if m else ""


def has_method(verification: str, terms: LintTerms) -> bool:
    stems = "|".join(re.escape(s) for s in terms.verification_methods or ())
    return bool(stems) and re.search(rf"\b(?:{stems})", verification, re.IGNORECASE) is not None


def duplicates(reqs: list[tuple[Requirement, Item]], terms: LintTerms) -> list[Diagnostic]:
    """Each near-duplicate pair once, on the later requirement (catalogue order: level, then file order)."""
    ratio = (terms.duplicate_percent or 100) / 100
    words = [re.findall(r"[a-z#]+(?:['-][a-z#]+)*", re.sub(r"\d+(?:[.,]\d+)*", "#", plain(r.text).lower()))
             for r, _ in reqs]
    out = []
    for j, (_req, item) in enumerate(reqs):
        for i in range(j):
            matcher = difflib.SequenceMatcher(None, words[i], words[j], autojunk=False)
            if matcher.real_quick_ratio() < ratio or matcher.quick_ratio() < ratio:
                continue
            share = matcher.ratio()
            if share >= ratio:
                other, other_item = reqs[i]
                where = f"{other_item.file}:{other_item.line('text')}" if other_item.line("text") else other_item.file
                out.append(finding(item.file, item.line("text"), "R-DUPLICATE",
                                   f"text nearly repeats {other.id} ({where}): {share:.0%} of the words agree",
                                   f"merge the two, or make the difference plain; if one tightens the other at a "
                                   f"higher level, say in its text that it replaces {other.id}",
                                   item.label, other.id))
    return out


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
