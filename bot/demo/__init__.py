"""The demo: one scripted meeting of a group of six, played through the real core and scheduler.

`meeting.py` plays it (`commonground demo`); `history.py` gives the group past meetings so the
summary has a sharing balance to show; `carrying_on.py` holds the scenes of what carries on
between meetings (the agenda, "you said, we did" answered by the group, an action done).
"""
