"""What the members' pages show: each module reads the store and returns a template's context,
with every figure already through the crowd rule (`bot.handlers.privacy.crowd_rule`), by the
same functions the chat uses."""
