"""Turn plain records into evidence: redaction, triangulation, charts and export files.

Nothing here imports engage or Flask: callers pass records in (see `records`).
"""
