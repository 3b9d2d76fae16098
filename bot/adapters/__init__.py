"""Adapters: the only code that knows a platform.

Each adapter turns what arrives from its platform into neutral events for `bot.core.Core`, and
carries out the effects the core returns (and, through a `bot.delivery.Deliverer`, the effects the
scheduler makes): `console` (a terminal where you can play several people at once), `slack` and
`teams`.
"""
