"""Opening a round, and the group's view of where it stands."""

from __future__ import annotations

from bot.context import Services
from bot.dialogs import team as team_dialog
from core.effects import Text
from core.model import Team
from core.protocol import Step

from . import control, noteview, progress, steps


async def open_round(services: Services, team: Team, term: str | None = None) -> None:
    """/ronde: open a round and owe the group its announcement with the join button.

    Repeating it while a round runs repairs: an announcement that never reached the group is
    posted (again), next to the answer that a round is already running.
    """
    async with services.store.tx() as tx:
        current = await tx.open_round_of(team.id)
        if current is not None:
            await progress.repair_announcement(tx, services, team, current)
        result = await team_dialog.open_round(tx, services.texts, team)
        if result.round is None:
            await tx.enqueue(Text(team.chat_id, result.text), team.id)
        else:
            await tx.enqueue(await progress.announcement(tx, services, team, result.round),
                             team.id)  # fmt: skip
            # INTRO.I1 to the facilitators: on their control message, else in one message.
            leaders = await control.facilitators(tx, team)
            panels = {u for u in leaders if await tx.owes(u, control.key(team))}
            await noteview.ask_aim(tx, services, team, result.round, leaders, panels)
            await steps.term_or_offer(tx, services, team, term)
            await control.refresh(tx, services, team)
    await services.flush()


async def status(services: Services, team: Team) -> None:
    """/status: the round's progress counts (never who, never what); repairs a missing
    announcement."""
    lang = team.language.value
    texts = services.texts
    async with services.store.tx() as tx:
        round_ = await tx.open_round_of(team.id)
        if round_ is None:
            await tx.enqueue(Text(team.chat_id, texts.t("group.no_round", lang)), team.id)
        else:
            await progress.repair_announcement(tx, services, team, round_)
            counts = team_dialog.progress_text(texts, lang, round_, await tx.progress(round_.id))
            if round_.step in (Step.PRIORITIES.value, Step.PRIORITIES_CLOSED.value):
                picked, joined = await team_dialog.priority_progress(tx, round_.id)
                counts = texts.t("group.priority_progress", lang, picked=picked, joined=joined)
            text = texts.t(
                "group.status",
                lang,
                school=team.school_name,
                number=round_.number,
                step=texts.plain(f"step.{round_.step}", lang),
                progress=counts,
            )
            await tx.enqueue(Text(team.chat_id, text), team.id)
    await services.flush()
