"""Privacy: `privacy`, `my-data`, `forget-me` and `export` (`commands.py`), the statement in plain
words (`statement.py`), a member's own data (`personal_data.py`) and the group's record for
facilitators (`export.py`).
"""
