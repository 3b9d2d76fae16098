""" "You said, we did" that the group can answer: when a facilitator marks something addressed,
everyone is asked, anonymously, "Does this feel addressed?" (yes, partly, not really).

`asking.py` asks the group, closes an asking and runs the sweep that redraws the counts and
reopens a subject when enough say "not really"; `commands.py` holds the buttons and the typed
`addressed <n> yes|partly|not really`; `figures.py` turns answers into what the crowd rule lets
be shown; `subjects.py` says what each kind of subject (an elephant, an agenda item) is;
`cards.py` the channel card.
"""
