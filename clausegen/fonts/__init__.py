"""The shipped typeface (Carlito, SIL OFL 1.1: see OFL.txt and README.md beside this file)."""

from pathlib import Path

FOLDER = Path(__file__).parent
FAMILY = "Carlito"
