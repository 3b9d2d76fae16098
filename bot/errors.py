"""Errors that end up as a kind, plain message to the person who acted.

Raising one inside a handler rolls back everything that handler wrote, so nothing is stored
half-way; the core turns it into a reply and, when there is one, gives the person's text back.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the person can fix. `original` is their text, returned so it is not lost."""

    def __init__(self, message: str, *, original: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.original = original
