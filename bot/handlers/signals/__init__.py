""" "Slow down", "too much jargon" and "I need a break", asked anonymously during a meeting: the
typed commands, the buttons and the alert to facilitators (`commands.py`), and the small card
with a button for each (`cards.py`).
"""
