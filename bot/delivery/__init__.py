"""Delivery: getting effects to a platform when no request is waiting for them.

`router.py` sends each effect to the adapter of its group's platform; `outbox.py` keeps what must
reach a platform (scheduled posts, what a platform refused, a turn's follow-ups) in the database
until it is accepted; `codec.py` turns effects into JSON for the outbox; `pacing.py` sends many
effects at a platform's rate limit, in order per conversation.
"""
