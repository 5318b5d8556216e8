"""The evaluation report: one Document for Markdown and DOCX, and sheets for the workbook."""

from __future__ import annotations

from dataclasses import dataclass

from clausegen.evaluation import Evaluation, TenderResult, number, shown, verdict
from clausegen.export.xlsx import Sheet
from clausegen.matrices import Column
from clausegen.models.document import Document, Part, Section, Table


@dataclass(frozen=True)
class About:
    profile_id: str
    profile_title: str
    client: str
    marking: str
    library_name: str
    library_version: str


TITLE = "Evaluation of tenders"
NONE = "(none)"
NOT_SCORED = "Not scored: rejected"


def document(evaluation: Evaluation, about: About) -> Document:
    sections = [Section("1", "Summary", (_summary(evaluation), _files(evaluation)))]
    for n, result in enumerate(evaluation.results, start=2):
        sections.append(Section(str(n), f"Tenderer: {result.tenderer}", _tenderer(evaluation, result, n)))
    n = len(sections) + 1
    sections.append(Section(str(n), "All tenderers side by side", (
        Part(f"{n}.1", "Answers by requirement", note="Each column is one tenderer's answer in Complies.",
             table=_side_by_side(evaluation)),)))
    return Document(document_id="evaluation", title=TITLE, subtitle=f"{about.profile_title}: {about.client}",
                    marking=about.marking, client=about.client, supplier="", profile_title=about.profile_title,
                    library_name=about.library_name, library_version=about.library_version,
                    sections=tuple(sections))


def _rule(evaluation: Evaluation) -> str:
    rule = "Every minimum requirement must be answered yes; a tender that misses one is rejected."
    if evaluation.weights:
        return (rule + " A rejected tender is not scored. The award score applies the scoring rule the tender "
                "documents publish, with the weights they give: yes earns the weight, partly half of it, no or no "
                f"answer nothing; the highest possible score is {evaluation.max_score}.")
    if any(r.marked_as == "award" for r in evaluation.requirements):
        return rule + " The profile gives the award criteria no weights, so they are listed and not scored."
    return rule


def _summary(evaluation: Evaluation) -> Part:
    minimums = sum(1 for r in evaluation.requirements if r.marked_as == "minimum")
    columns = ("Tenderer", "Minimum requirements answered yes", "Result")
    rows = []
    for result in evaluation.results:
        row = (result.tenderer, f"{minimums - len(result.failed_minimums)} of {minimums}", verdict(result))
        rows.append(row + ((_score(evaluation, result),) if evaluation.weights else ()))
    if evaluation.weights:
        return Part("1.1", "Result by tenderer", note=_rule(evaluation),
                    table=Table(columns + ("Award score",), tuple(rows), (30, 20, 32, 18)))
    return Part("1.1", "Result by tenderer", note=_rule(evaluation), table=Table(columns, tuple(rows), (34, 22, 44)))


def _score(evaluation: Evaluation, result: TenderResult) -> str:
    if result.score is None:
        return NOT_SCORED
    return f"{number(result.score)} of {evaluation.max_score}"


def _files(evaluation: Evaluation) -> Part:
    rows = tuple((r.tenderer, r.file, r.sha256) for r in evaluation.results)
    return Part("1.2", "Answered matrices evaluated", note="The sha256 identifies the exact file each result is from.",
                table=Table(("Tenderer", "File", "sha256"), rows, (24, 30, 46)))


def _tenderer(evaluation: Evaluation, result: TenderResult, n: int) -> tuple[Part, ...]:
    by_id = {r.id: r for r in evaluation.requirements}
    failed = tuple((i, by_id[i].text, shown(result.answers[i].complies), result.answers[i].cell)
                   for i in result.failed_minimums)
    parts = [Part(f"{n}.1", "Minimum requirements not answered yes",
                  note="None: every minimum requirement is answered yes." if not failed else
                  "The tender must be rejected because of each requirement below.",
                  table=Table(("ID", "Requirement", "Answer", "Cell"), failed, (14, 56, 14, 16)) if failed else None)]
    awards = [r for r in evaluation.requirements if r.marked_as == "award"]
    if awards:
        parts.append(Part(f"{n}.2", "Award criteria", table=_awards(evaluation, result, awards)))
    else:
        parts.append(Part(f"{n}.2", "Award criteria", note="The tender has no award criteria."))
    missing = ", ".join(f"{i} ({result.answers[i].cell})" for i in result.missing)
    parts.append(Part(f"{n}.3", "Missing or empty answers",
                      note=f"No answer in Complies: {missing}." if missing else "None: every requirement is answered."))
    if result.stray:
        parts.append(Part(f"{n}.4", "Text outside the answer cells",
                          note="The tenderer wrote this where no answer belongs. Read it before the result stands: "
                          "a reservation or condition may make the tender non-compliant.",
                          table=Table(("Cell", "Text"), result.stray, (24, 76))))
    return tuple(parts)


def _awards(evaluation: Evaluation, result: TenderResult, awards: list) -> Table:
    rows = []
    for req in awards:
        answer = result.answers[req.id]
        scored = (str(evaluation.weights.get(req.id, "-")),
                  number(result.scores[req.id]) if req.id in result.scores else "-") if evaluation.weights else ()
        rows.append((req.id, shown(answer.complies)) + scored + (answer.description or NONE, answer.evidence or NONE))
    if evaluation.weights:
        return Table(("ID", "Answer", "Weight", "Score", "Description", "Evidence"), tuple(rows),
                     (14, 12, 10, 10, 32, 22))
    return Table(("ID", "Answer", "Description", "Evidence"), tuple(rows), (14, 14, 44, 28))


def _side_by_side(evaluation: Evaluation) -> Table:
    tenderers = tuple(r.tenderer for r in evaluation.results)
    rows = [(req.id, req.type) + tuple(shown(r.answers[req.id].complies) for r in evaluation.results)
            for req in evaluation.requirements]
    rows.append(("Result", "-") + tuple("Reject" if r.rejected else "Compliant" for r in evaluation.results))
    if evaluation.weights:
        rows.append(("Award score", f"maximum {evaluation.max_score}") +
                    tuple(NOT_SCORED if r.score is None else number(r.score) for r in evaluation.results))
    share = max(8, 60 // max(1, len(tenderers)))
    return Table(("ID", "Type") + tenderers, tuple(rows), (14, 26) + (share,) * len(tenderers))


def sheets(evaluation: Evaluation) -> tuple[Sheet, ...]:
    """The workbook: the summary, the side-by-side table and every answer, for sorting and filtering."""
    weighted = bool(evaluation.weights)
    summary = tuple((r.tenderer, r.file, r.sha256, verdict(r), ", ".join(r.failed_minimums) or "-",
                     ", ".join(r.missing) or "-") + ((_score(evaluation, r),) if weighted else ())
                    for r in evaluation.results)
    summary_columns: tuple[Column, ...] = (Column("Tenderer", 24), Column("File", 24), Column("sha256", 30), Column("Result", 36),
                       Column("Minimums not answered yes", 30), Column("No answer", 30))
    if weighted:
        summary_columns += (Column("Award score", 14),)
    side = _side_by_side(evaluation)
    side_columns = (Column("ID", 12), Column("Type", 28)) + tuple(
        Column(title, max(14, min(30, len(title) + 2))) for title in side.columns[2:])
    answers = []
    for result in evaluation.results:
        for req in evaluation.requirements:
            a = result.answers[req.id]
            score = number(result.scores[req.id]) if req.id in result.scores else "-"
            answers.append((result.tenderer, req.id, req.type, shown(a.complies), score, a.description or NONE,
                            a.evidence or NONE, a.cell))
    answer_columns = (Column("Tenderer", 20), Column("ID", 12), Column("Type", 18), Column("Complies", 12),
                      Column("Score", 8), Column("Description", 50), Column("Evidence", 30), Column("Cell", 16))
    return (Sheet("Summary", summary_columns, summary), Sheet("Side by side", side_columns, side.rows),
            Sheet("Answers", answer_columns, tuple(answers)))
