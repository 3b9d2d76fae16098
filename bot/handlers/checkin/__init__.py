"""Check-ins before a meeting: `checkin`, the mood buttons and the words form (`commands.py`),
and the cards and form they show (`cards.py`).
"""
