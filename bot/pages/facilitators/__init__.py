"""What the facilitators' pages show (the trends and the impact report have rooms of their own)."""
