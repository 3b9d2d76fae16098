"""The meeting lifecycle: how a meeting begins, by the scheduler, by `meeting start` or by
whatever needs one (`opening.py`), and `meeting start`, `meeting end` and ending a meeting
exactly once (`commands.py`).
"""
