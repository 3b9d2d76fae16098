"""Name the elephant: `elephant`, `elephants`, "I see it too" and outcomes (`commands.py`), big
elephants' perspectives gathered anonymously and revealed together (`perspectives.py`), and the
cards and forms (`cards.py`).
"""
