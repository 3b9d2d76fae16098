"""The ladder of co-production: after each meeting, in the same private message as "did you feel
heard?", one optional anonymous question, "Where on the ladder did today feel?", with Think Local
Act Personal's seven rungs in plain words (`cards.py`); the button, its form and the typed
`ladder` (`commands.py`); and what the next meeting's summary and the export show, under the
crowd rule, overall and by side (`results.py`).
"""
