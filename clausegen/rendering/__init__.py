"""Render stage: the one Jinja environment, clause text to Markdown, documents to Markdown and DOCX."""
