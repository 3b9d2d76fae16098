"""Recognition of members' time: preparation time, expenses, and each person's choice to claim,
decline or give them to a cause; facilitators see claims and mark them paid."""
