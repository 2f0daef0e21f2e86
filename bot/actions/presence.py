"""Someone left the team's group, or is back: they stop (or start again) being counted."""

from __future__ import annotations

from bot.context import Services

from . import progress


async def record(services: Services, team_id: int, user_id: int, present: bool) -> bool:
    """Store what Telegram said about this person; the open round's counts follow (and may say
    everyone is done). True when something changed."""
    async with services.store.tx() as tx:
        if present:
            changed = await tx.mark_back(team_id, user_id)
        else:
            changed = await tx.mark_left(team_id, user_id)
        for round_id in set(changed):
            if (await tx.round(round_id)).closed_at is None:
                await progress.refresh(tx, services, round_id)
    if changed:
        await services.flush()
    return bool(changed)
