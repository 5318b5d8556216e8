#!/usr/bin/env python3
"""Contact sheets: the PDF beside the DOCX (as LibreOffice prints it), page by page.

    .venv/bin/python scripts/contact_sheets.py [PROFILE...] [--out contact-sheets] [--ppi 70]

Builds every document of every profile (default: profiles/*.yaml) as DOCX and PDF, converts
each DOCX to PDF with LibreOffice headless using only the fonts shipped in clausegen/fonts (plus
the system's own, through a private fontconfig file: nothing is installed), and writes one PNG
per document, `OUT/<profile id>/<document id>.png`: one row for each of the first page, the first
page with a table and the signature page, the clausegen PDF on the left, the DOCX on the right.
`OUT/index.txt` lists which pages each sheet shows.

Needs LibreOffice (`soffice`) and pypdf (a test dependency). The sheets themselves are drawn by
Typst, which clausegen already has: no image library is needed. The project's tests do not use
this script.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import pypdf
import typst

REPO = Path(__file__).resolve().parents[1]
FONTS = REPO / "clausegen" / "fonts"
SIGNATURE_WORDS = ("Signature", "Signed for")


def fontconfig(folder: Path) -> Path:
    """A fontconfig file that adds the shipped fonts to the system's, for LibreOffice only."""
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
                    f"<dir>{FONTS}</dir><cachedir>{folder / 'fc-cache'}</cachedir></fontconfig>", encoding="utf-8")
    return conf


def build(profiles: list[Path], out: Path) -> None:
    cmd = [sys.executable, "-m", "clausegen", "build", *map(str, profiles), "--out", str(out),
           "--format", "docx,pdf", "--force"]
    subprocess.run(cmd, check=True, cwd=REPO)


def to_pdf(docx_files: list[Path], out: Path, work: Path) -> None:
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig(work)))
    profile = (work / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, docx_files)], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def page_texts(pdf: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(str(pdf)).pages]


def first_table_words(docx_file: Path) -> list[str]:
    """The first table's header cells: what marks the page it starts on."""
    tables = docx.Document(str(docx_file)).tables
    if not tables:
        return []
    cells = [cell.text.strip() for cell in tables[0].rows[0].cells if cell.text.strip()]
    return cells[:2]  # a long header cell may wrap differently in the two formats


def find_page(texts: list[str], words: list[str] | tuple[str, ...], last: bool = False) -> int | None:
    """1-based number of the first (or last) page holding every word; None if none does."""
    hits = [i + 1 for i, text in enumerate(texts) if words and all(w in text for w in words)]
    return (hits[-1] if last else hits[0]) if hits else None


def pages_to_show(pdf: Path, docx_pdf: Path, docx_file: Path) -> list[tuple[str, int, int]]:
    """(label, page in the PDF, page in the DOCX's PDF) for the first, table and signature pages."""
    pdf_texts, docx_texts = page_texts(pdf), page_texts(docx_pdf)
    rows = [("first page", 1, 1)]
    header = first_table_words(docx_file)
    table_pdf, table_docx = find_page(pdf_texts, header), find_page(docx_texts, header)
    if table_pdf and table_docx:
        rows.append((f"first table ({', '.join(header)[:60]})", table_pdf, table_docx))
    sign_pdf = next((p for w in SIGNATURE_WORDS if (p := find_page(pdf_texts, (w,), last=True))), None)
    sign_docx = next((p for w in SIGNATURE_WORDS if (p := find_page(docx_texts, (w,), last=True))), None)
    if sign_pdf and sign_docx:
        rows.append(("signature page", sign_pdf, sign_docx))
    else:
        rows.append(("last page", len(pdf_texts), len(docx_texts)))
    return rows


def page_image(root: Path, pdf: Path, page: int, ppi: int) -> str:
    """A Typst image of one page: rasterised by poppler's pdftoppm where it is installed (Typst's
    own PDF renderer draws the rotated DRAFT watermark several times), else the PDF page itself."""
    if shutil.which("pdftoppm") is None:
        return f"image({quoted(pdf.relative_to(root).as_posix())}, page: {page}, width: 12cm)"
    stem = root / "pages" / f"{pdf.parent.parent.name}-{pdf.parent.name}-{pdf.stem}-{page}"
    stem.parent.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(ppi * 2), "-f", str(page), "-l", str(page),
                    str(pdf), str(stem)], check=True)
    return f"image({quoted(stem.with_suffix('.png').relative_to(root).as_posix())}, width: 12cm)"


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sheet(root: Path, pdf: Path, docx_pdf: Path, rows: list[tuple[str, int, int]], title: str, ppi: int) -> bytes:
    """One PNG: a row per page, the clausegen PDF left and the DOCX (LibreOffice) right."""
    cells = []
    for label, left, right in rows:
        cells.append(f'[#text(weight: "bold", {quoted(f"{label}: PDF page {left}")})], '
                     f'[#text(weight: "bold", {quoted(f"{label}: DOCX page {right} (LibreOffice)")})]')
        cells.append(f"box(stroke: 0.5pt + gray, {page_image(root, pdf, left, ppi)}), "
                     f"box(stroke: 0.5pt + gray, {page_image(root, docx_pdf, right, ppi)})")
    source = ('#set page(width: auto, height: auto, margin: 10pt, fill: white)\n'
              '#set text(font: "Carlito", size: 11pt)\n'
              f'#text(size: 14pt, weight: "bold", {quoted(title)})\n'
              f'#grid(columns: 2, column-gutter: 10pt, row-gutter: 6pt, {", ".join(cells)})\n')
    (root / "sheet.typ").write_text(source, encoding="utf-8")
    return typst.compile(str(root / "sheet.typ"), root=str(root), font_paths=[str(FONTS)], format="png", ppi=ppi)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profiles", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=REPO / "contact-sheets")
    parser.add_argument("--ppi", type=int, default=70)
    args = parser.parse_args(argv)
    if shutil.which("soffice") is None:
        print("needs LibreOffice: apt-get install libreoffice-writer-nogui", file=sys.stderr)
        return 2
    profiles = [p.resolve() for p in args.profiles] or sorted((REPO / "profiles").glob("*.yaml"))
    index = []
    with tempfile.TemporaryDirectory(prefix="clausegen-sheets-") as tmp:
        root = Path(tmp)
        build(profiles, root / "build")
        docx_files = sorted((root / "build").glob("*/*.docx"))
        for folder in sorted({f.parent for f in docx_files}):
            to_pdf([f for f in docx_files if f.parent == folder], root / "lo" / folder.name, root)
        for docx_file in docx_files:
            profile_id, document_id = docx_file.parent.name, docx_file.stem
            pdf, docx_pdf = docx_file.with_suffix(".pdf"), root / "lo" / profile_id / f"{document_id}.pdf"
            rows = pages_to_show(pdf, docx_pdf, docx_file)
            target = args.out / profile_id / f"{document_id}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(sheet(root, pdf, docx_pdf, rows, f"{profile_id} / {document_id}", args.ppi))
            index.append(f"{target.relative_to(args.out)}: " + "; ".join(
                f"{label}: PDF p. {left}, DOCX p. {right}" for label, left, right in rows))
            print(index[-1])
    (args.out / "index.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
