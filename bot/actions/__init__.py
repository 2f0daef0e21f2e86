"""Use cases as actions: one function per thing the protocol does, over typed services.

Actions never see an `Update` or a PTB context, and never call Telegram: every message they
decide on is written to the outbox in the same transaction as the state change, then
`services.flush()` delivers it. Handlers (an update) and the scheduler (a planned row) both
call them.
"""
