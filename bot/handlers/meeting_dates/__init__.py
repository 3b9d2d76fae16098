"""Skipping and moving single meeting dates, and the dates ahead: `meeting skip`, `meeting unskip`
(or `meeting restore`), `meeting move` (`commands.py`), read by `grammar.py` for the `meeting`
command, and the next three dates that `schedule` shows (`dates.py`).
"""
