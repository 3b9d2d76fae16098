"""Setting a group up and steering it: `setup`, `role`, `facilitator` and greeting newcomers
(`commands.py`), `schedule`, `timezone` and `quiet-hours` (`schedule.py`), and `settings` and
`set` (`settings.py`).
"""
