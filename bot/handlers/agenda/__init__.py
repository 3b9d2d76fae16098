"""The agenda: what the next meeting will talk about, added by anyone, ordered by facilitators,
and carried on when a meeting does not reach it (`commands` for the typed commands, `buttons`
for the buttons and forms, `changes` for what both do, `meeting_end` for the check-in and the
end of a meeting)."""
