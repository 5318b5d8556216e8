"""Export stage: DOCX/PDF/HTML bytes from rendered documents, and atomic writing of files."""
