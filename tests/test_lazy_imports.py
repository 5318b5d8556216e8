"""Loading and validating a library needs none of the document writers' libraries (issue 15)."""

import subprocess
import sys

WRITERS = ("docxtpl", "docx", "openpyxl", "typst", "rich", "babel", "lxml", "clausegen.pipeline")


def test_validate_lint_and_explain_import_no_writer():
    probe = ("import sys, clausegen.commands.validate, clausegen.commands.lint, clausegen.commands.explain; "
             f"print(sorted(m for m in {WRITERS!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"
