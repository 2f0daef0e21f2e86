"""A member's own dialog: one action per update, in one transaction with what it causes."""

from __future__ import annotations

from bot.context import Services
from bot.dialogs import router
from bot.dialogs.base import Ctx, Outcome
from core.model import Member

from . import control, progress


async def act(
    services: Services,
    member_id: int,
    action: str,
    *,
    text: str = "",
    arg: str = "",
    seq: int | None = None,
    joined: bool = False,
    user_id: int | None = None,
) -> tuple[Member, Outcome] | None:
    """One member action in one transaction; None when the member or the button is stale.

    `action` is "text" (a typed message), "resume" (show the current screen again), "link"
    (/verband) or a button action. The new screen number and the group's counts are written in
    the same transaction; step 1's shared answers just after it, once Telegram said how many
    people the group has. The caller sends the screens (the direct reply) and flushes the outbox.
    """
    async with services.store.tx() as tx:
        found = await tx.member_in_context(member_id)
        if found is None:
            return None
        member, round_, team = found
        if seq is not None and seq != member.screen_seq:
            return None
        if user_id is not None and member.user_id != user_id:
            return None  # someone else's button
        ctx = Ctx(tx, services.texts, team, round_, member)
        if action == "text":
            outcome: Outcome | None = await router.on_text(ctx, text)
        elif action == "resume":
            outcome = Outcome([await router.current_screen(ctx)])
        elif action == "link":
            outcome = await router.on_link(ctx, arg)
        else:
            outcome = await router.on_button(ctx, action, arg)
        if outcome is None:
            return None
        outcome.seq = await tx.bump_screen(member.id)
        if outcome.progress_changed or joined:
            outcome.progress_changed = True
            await progress.refresh(tx, services, member.round_id)
        result = ctx.member, outcome
    if outcome.intro_finished and await progress.share_intro_when_everyone(
        services, member.round_id
    ):
        # Step 1 just reached the group: its note is offered on the control message.
        async with services.store.tx() as tx:
            await control.refresh(tx, services, team)
    return result
