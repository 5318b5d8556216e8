"""Write schema/profile.schema.json from the profile model (tests/test_profile_schema.py checks it).

Run after changing clausegen/models/profile.py:  .venv/bin/python scripts/make_profile_schema.py
"""

from pathlib import Path

from clausegen.models.profile_schema import text

TARGET = Path(__file__).resolve().parent.parent / "schema" / "profile.schema.json"

if __name__ == "__main__":
    TARGET.write_text(text(), encoding="utf-8")
    print(f"wrote {TARGET}")
