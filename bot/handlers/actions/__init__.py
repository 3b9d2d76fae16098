"""Decisions and actions: what the group decided, who will do what by when, and whether it's done.

`commands` answers `decision`, `action` and `actions` and the owner's buttons; `reminders` is the
clock's sweep that reminds owners before the due day; `lines` says an action or a decision in one
short safe line, for the list, the summary and the next meeting's agenda (`open_action_lines`).
"""
