"""Pure data: pydantic models of the inputs and of the assembled documents. No I/O here."""
