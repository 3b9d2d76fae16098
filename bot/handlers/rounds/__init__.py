"""Reciprocal-sharing rounds: `round`, `share`, `pass` and the consent buttons (`commands.py`),
the steps every way of answering shares (`flow.py`), when a round may be revealed, with the
reciprocity lock (`reveal_rules.py`), who shared by role (`reciprocity_ledger.py`), and the
cards (`cards.py`).
"""
