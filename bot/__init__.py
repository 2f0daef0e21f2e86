"""The Telegram side of the Netwerkkaart bot: wiring, thin handlers, dialogs, the fake Telegram."""

import os

# PTB 22 reports durations (e.g. RetryAfter.retry_after) as timedelta when this is set, and warns
# otherwise; we opt in now so nothing changes under us in PTB 23.
os.environ.setdefault("PTB_TIMEDELTA", "1")
