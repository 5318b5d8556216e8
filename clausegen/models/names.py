"""Names the product contract fixes: document ids and output formats.

Plain constants with no imports, so that `clausegen --help` can list them without loading pydantic.
"""

DOCUMENT_IDS = ("security-appendix", "tender-requirements", "termination-plan", "nda", "dpa-checklist")
FORMATS = ("md", "docx", "pdf", "html", "xlsx")
DEFAULT_FORMATS = ("md", "docx", "pdf")
