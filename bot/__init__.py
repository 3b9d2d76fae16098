"""Common Ground: a co-production companion for Slack, Microsoft Teams and the terminal."""

__version__ = "0.1.0"
