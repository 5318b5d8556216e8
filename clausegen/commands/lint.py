"""`clausegen lint`: SMART checks on requirements and template checks on clauses."""

from __future__ import annotations

import argparse

from clausegen import lint
from clausegen.commands import inputs
from clausegen.loading.lint_terms import load_lint_terms
from clausegen.sources import load_sources


def run(args: argparse.Namespace) -> int:
    terms = load_lint_terms(args.terms)
    sources = load_sources(inputs(args))
    scope = lint.scope(args.paths, [args.library, args.catalogue])
    report = lint.within(lint.lint(sources.library, sources.catalogue, sources.frameworks, sources.located, terms),
                         scope)
    print(lint.format_json(report) if args.format == "json" else lint.format_text(report), end="")
    return 1 if report.errors else 0


