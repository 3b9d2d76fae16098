"""A person's home: their groups, their role, what is open to them now, and for facilitators the
sharing balance (`page.py`), drawn by adapters that have a home page (Slack's App Home).
"""
