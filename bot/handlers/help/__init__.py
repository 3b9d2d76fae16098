"""`help`: the commands open to the person asking, listed from the routing table (`commands.py`)."""
