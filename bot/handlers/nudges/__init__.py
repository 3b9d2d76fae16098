"""Nudges: `nudges on|off`, the check-in reminder, the "did you feel heard?" reflection and the
note on sharing for facilitators (`commands.py`), and their cards (`cards.py`).
"""
