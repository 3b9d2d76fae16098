"""The demo: one scripted meeting of a group of six, played through the real core and scheduler.

`meeting.py` plays it (`commonground demo`); `history.py` gives the group past meetings so the
summary has a sharing balance to show.
"""
