"""The group's glossary: words and their plain meanings, read by anyone (`glossary`), added by
anyone (`glossary add`), corrected or removed by facilitators (`commands.py`); the card that
lists it (`cards.py`). Words asked about with `jargon <word>` wait here to be explained.
"""
