"""`dashboard`: a private, single-use link to the group's own pages (`bot.pages`)."""
