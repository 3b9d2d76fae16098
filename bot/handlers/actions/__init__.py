"""Decisions and actions: what the group decided, who will do what by when, and whether it's done.

- `commands`: `decision`, `action <what> @who [by <day>]` and `actions` (noting and listing);
- `answers`: the owner's Accept / Not me and Done, by button, form or typed (`action 4 accept`);
- `steering`: `action 4 reassign @name` and `action 4 drop`;
- `reading`: how `action …` is read; `lookup`: finding the action or person a command names;
- `reminders`: the clock's sweeps: reminders before the due day, questions held over quiet hours;
- `lines`: an action or decision in one short safe line, for the list, the summary and the next
  meeting's agenda (`open_action_lines`); `cards`: the owner's cards and forms;
- `record`: decisions and actions in `my-data`, `export` and `forget-me`.
"""
