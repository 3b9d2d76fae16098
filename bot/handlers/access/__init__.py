"""Access needs and plain text: each member's private access profile (`access`), what
facilitators may see of it before a meeting (`access list`), and the plain-text mode that turns
every private card into numbered options answered by typing (`plain-text on|off`)."""
