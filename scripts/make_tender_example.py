"""Write examples/tender/answers/*.xlsx: the example tender's compliance matrix answered by two
tenderers, as the README's "Running a tender" uses them.

The answered matrices match the tender the example profile builds, so after a change to the
library, the catalogue or the profile they must be made again (tests/test_tender_example.py says
so):

    .venv/bin/python scripts/make_tender_example.py

Nordic Hosting answers every minimum requirement yes and one award criterion partly; Baltic IT
answers one minimum requirement no (so its tender is rejected) and leaves one award criterion empty.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.writer.excel import ExcelWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clausegen.pipeline import BuildOptions, Inputs, load_project, render  # noqa: E402
from clausegen.rendering.ooxml import CUSTOM_PART, normalise_zip  # noqa: E402

PROFILE = ROOT / "examples/tender/aero-municipality-tender.yaml"
ANSWERS = ROOT / "examples/tender/answers"
PARTLY = ("Offered for the production environment from the service start date; the test and training "
          "environments follow within six months.")


def matrix() -> bytes:
    project = load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))
    options = BuildOptions(formats=("xlsx",), documents=("tender-requirements",))
    _, files = render(PROFILE, project, options)
    assert files is not None
    return files["tender-requirements.xlsx"]


def answered(source: bytes, tenderer: str, concept: str, plan: dict[str, str]) -> bytes:
    """Every requirement answered yes with a description and evidence, except those in `plan`
    (id -> partly, no or "" for no answer)."""
    wb = openpyxl.load_workbook(io.BytesIO(source))
    wb["Instructions"]["B3"].value = tenderer
    ws = wb["Requirements"]
    for r in range(2, ws.max_row + 1):
        req_id, area = ws.cell(r, 1).value, ws.cell(r, 2).value
        answer = plan.get(req_id, "yes")
        section = f"{r - 1}"
        description = {
            "yes": f"Met in full as part of our {area.lower()} controls; {concept}, section {section}, "
                   "describes how.",
            "partly": PARTLY,
            "no": "Not offered: our standard service does not include this.",
            "": "",
        }[answer]
        ws.cell(r, 6).value = answer or None
        ws.cell(r, 7).value = description or None
        ws.cell(r, 8).value = f"{concept}, section {section}" if answer in ("yes", "partly") else None
    return save(wb, source)


def save(wb: openpyxl.Workbook, source: bytes) -> bytes:
    """The answered workbook, reproducible, with the issued matrix's document properties kept as
    they were (a tenderer's spreadsheet program keeps them too)."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not save_workbook(): it stamps the clock into docProps
    with zipfile.ZipFile(io.BytesIO(source)) as issued:
        replace = {CUSTOM_PART: issued.read(CUSTOM_PART)} if CUSTOM_PART in issued.namelist() else None
    return normalise_zip(raw.getvalue(), replace)


def main() -> None:
    source = matrix()
    wb = openpyxl.load_workbook(io.BytesIO(source))
    rows = [(c[0].value, c[4].value) for c in wb["Requirements"].iter_rows(min_row=2)]
    minimums = [i for i, kind in rows if kind.startswith("Minimum")]
    awards = [i for i, kind in rows if kind.startswith("Award")]
    ANSWERS.mkdir(parents=True, exist_ok=True)
    files = {
        "nordic-hosting.xlsx": answered(source, "Nordic Hosting A/S", "Security concept NH-2027 v1.2",
                                        {awards[0]: "partly"}),
        "baltic-it.xlsx": answered(source, "Baltic IT Services UAB", "Information security plan BIT-14",
                                   {minimums[len(minimums) // 2]: "no", awards[-1]: ""}),
    }
    for name, data in files.items():
        (ANSWERS / name).write_bytes(data)
        print(f"wrote {(ANSWERS / name).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
