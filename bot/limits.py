"""How long the things people type may be. The core enforces these on every platform.

They are generous for a chat message and short enough that a summary stays readable; when text is
too long the person is told the limit and given their text back.
"""

GROUP_NAME = 80
ELEPHANT = 1000
PERSPECTIVE = 1000
SHARE = 2000
CHECKIN_WORDS = 500
REFLECTION = 500
OUTCOME = 500
ROUND_PROMPT = 300
DECISION = 1000
ACTION = 500
ACTION_NOTE = 500
"""An owner's note when an action is done, or their reason for "not me"."""
AGENDA_ITEM = 300
"""An agenda item is a heading for the meeting, not a paper: papers go in its link."""
PAPERS_LINK = 500
ACCESS_NEEDS = 1000
"""A member's access needs in their own words (large print, breaks, BSL, step-free, ...)."""
AGENDA_ITEMS = 40
"""Items waiting on one group's agenda at once: more would not fit a meeting, or one message."""
RECOGNITION_POLICY = 1000
"""A group's recognition policy: what is offered, to whom, how to claim, where to get advice."""
RECOGNITION_NOTE = 200
"""What a piece of preparation time or an expense was for: a line, not a receipt."""
RECOGNITION_MINUTES = 24 * 60
"""The most preparation time one entry may record; more is almost surely a slip of the keys."""
RECOGNITION_PENCE = 100_000
"""The most one expense may be (£1,000); a bigger sum is for the finance team, not a chat."""
GLOSSARY_WORD = 40
"""A glossary word or term ("EHCP", "care plan"), in characters."""
GLOSSARY_MEANING = 200
"""A word's plain meaning: a sentence or two, so the whole glossary fits on one card."""
GLOSSARY_ENTRIES = 60
"""Words a group's glossary holds (asked and explained): the list stays one readable card."""
