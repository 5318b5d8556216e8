"""`clausegen diff OLD_BUILD NEW_BUILD`: a redline of each document of two builds of one profile,
and a summary of what changed and why, written as one set (nothing when anything fails)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from clausegen import redlines
from clausegen.commands import inputs, list_option
from clausegen.errors import display_path
from clausegen.export.writing import write_all
from clausegen.loading.builds import read_build
from clausegen.pipeline import source_date_epoch


def run(args: argparse.Namespace) -> int:
    formats = list_option(args.format or ",".join(redlines.DEFAULT_FORMATS), redlines.FORMATS, "--format")
    assert formats is not None
    sources = inputs(args)
    old = read_build(args.old, args.old_library, sources, "old")
    new = read_build(args.new, args.new_library, sources, "new")
    redlines.same_profile(old, new)
    out = args.out or Path("redline") / new.manifest.profile.id
    files, diffs = redlines.files(old, new, formats, args.templates, source_date_epoch(dict(os.environ)))
    write_all(out, files)
    for diff in diffs:
        print(f"{diff.document_id}: {redlines.summary.counts(diff)}")
    print(f"wrote {len(files)} files to {display_path(out)}/ (what changed and why: summary.md)")
    return 0
