"""manifest.json: which clause versions, requirements, parameter values and files made a build.

One model for the writer (export/manifest.py), the incremental build (is the output current?)
and `clausegen diff` (what changed, and rebuilding the old side). The shape PRODUCT.md fixes is
kept: the field order here is the key order in the file. Reading is lenient about keys this
version does not know (other tools and later versions may add fields), strict about the types of
the keys it does know.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict

from clausegen.errors import Diagnostic, InputError, display_path


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)


class LibraryRef(_Part):
    name: str
    version: str


class CatalogueRef(_Part):
    name: str
    version: str
    level: str


class ProfileRef(_Part):
    id: str
    sha256: str  # of the profile file's bytes
    # The profile as it was read, so the build can be rebuilt when the file has changed or gone.
    # Absent in manifests written before clausegen recorded it.
    source: str | None = None


class DocumentControlRef(_Part):
    """The profile's `document:` values (status, revision, date); date absent when none was given."""

    status: str
    revision: int
    date: str | None = None


class ParameterValue(_Part):
    value: Any
    origin: str  # profile | level <id> | tier <id> | default


class ClauseEntry(_Part):
    id: str
    version: str
    sha256: str
    pinned: bool | None = None  # written only when true


class RequirementEntry(_Part):
    id: str
    marked_as: str  # minimum | award
    sha256: str


class FileEntry(_Part):
    path: str  # relative to the manifest's folder
    sha256: str


class DocumentEntry(_Part):
    title: str = ""
    clauses: list[ClauseEntry] = []
    requirements: list[RequirementEntry] = []
    files: dict[str, FileEntry] = {}  # format -> file; empty in the inputs before rendering


class BuildInfo(_Part):
    key: str  # decides whether the profile must be rebuilt (export/manifest.build_key)


class AnswersRef(_Part):
    """The winning tenderer's answered matrix a contract was built with (`build --answers`)."""

    file: str  # its name
    tenderer: str
    sha256: str  # of the file's bytes


class Manifest(_Part):
    clausegen: str
    library: LibraryRef
    catalogue: CatalogueRef
    profile: ProfileRef
    risk_tier: str
    document_control: DocumentControlRef | None = None  # absent in manifests before clausegen 0.2
    parameters: dict[str, ParameterValue] = {}
    documents: dict[str, DocumentEntry]
    answers: AnswersRef | None = None  # only in a build with --answers
    inputs_sha256: str | None = None
    build: BuildInfo | None = None

    def inputs(self) -> dict[str, Any]:
        """What the output depends on, as hashed for inputs_sha256 and the build key: no files,
        no profile source (its sha256 stands for it), nothing added after rendering."""
        data = self.dump()
        data.pop("inputs_sha256", None)
        data.pop("build", None)
        data["profile"].pop("source", None)
        for document in data["documents"].values():
            document.pop("files", None)
        return data

    def dump(self) -> dict[str, Any]:
        """As JSON data, leaving out the optional fields that are unset."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_json(self) -> bytes:
        return (json.dumps(self.dump(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read and check a manifest.json. Raises InputError naming the file, line and field."""
        name = display_path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as e:
            raise InputError(Diagnostic(name, None, "", "no manifest here",
                                        "pass a folder that `clausegen build` wrote, or its manifest.json")) from e
        except OSError as e:
            raise InputError(Diagnostic(name, None, "", f"cannot read: {e.strerror}")) from e
        except UnicodeDecodeError as e:
            raise InputError(Diagnostic(name, None, "", "not valid UTF-8")) from e
        return cls.parse(text, name)

    @classmethod
    def parse(cls, text: str, name: str) -> Manifest:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(Diagnostic(name, e.lineno, "", f"not valid JSON: {e.msg}")) from e
        if not isinstance(data, dict) or not isinstance(data.get("documents"), dict):
            raise InputError(Diagnostic(name, None, "", "not a clausegen manifest (no \"documents\" mapping)",
                                        "pass the manifest.json that `clausegen build` wrote"))
        try:
            return cls.model_validate(data)
        except pydantic.ValidationError as e:
            raise InputError([_problem(name, text, err) for err in e.errors()]) from e


def _problem(name: str, text: str, err: Any) -> Diagnostic:
    field = ".".join(str(part) for part in err["loc"])
    message = "required, but missing" if err["type"] == "missing" else \
        err["msg"].replace("Input should be", "should be")
    return Diagnostic(name, _line_of(text, err["loc"]), field, message)


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest key of `loc` that appears in the (indented) JSON text, searched in
    order so that a nested key is found after its parent."""
    lines = text.splitlines()
    start, found = 0, None
    for part in loc:
        if isinstance(part, int):
            continue
        key = json.dumps(str(part), ensure_ascii=False) + ":"
        for number in range(start, len(lines)):
            if key in lines[number]:
                start, found = number, number + 1
                break
        else:
            break
    return found
