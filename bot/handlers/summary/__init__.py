"""The meeting summary: `summary` and posting it once at meeting end (`commands.py`), and what
it says and leaves out (`builder.py`).
"""
