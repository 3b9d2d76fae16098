"""What the tests and the benchmarks share: local fakes of Slack and Teams as strict as the
platforms (`fake_slack.py`, `fake_teams.py`), a free loopback port (`loopback.py`) and a
throw-away PostgreSQL database (`throwaway_postgres.py`). Nothing here is part of the bot.
"""
