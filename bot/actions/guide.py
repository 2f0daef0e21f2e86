"""The control message's buttons: each calls the action the group command calls."""

from __future__ import annotations

from dataclasses import dataclass

from bot import callbacks
from bot.context import Services
from bot.dialogs import team as team_dialog
from core.effects import Tap, Text
from core.model import Team
from core.protocol import Step

from . import commitments, control, finish, maps, membercheck, rounds, steps
from .plans import RUNNING_STEPS


@dataclass
class Answer:
    """What the tapping facilitator sees: a toast, or a question (confirmation, names)."""

    toast_key: str | None = None
    question: Text | None = None


async def _step(services: Services, team: Team) -> Step | None:
    async with services.store.tx() as tx:
        round_ = await tx.latest_round_of(team.id)
    if round_ is None or (round_.closed_at is not None and round_.step != Step.DONE.value):
        return None
    return Step(round_.step)


async def act(services: Services, team: Team, user_id: int, action: str, arg: str) -> Answer:
    """Run one button of the control message; a button that no longer fits changes nothing."""
    step = await _step(services, team)
    if action == "deepgo":
        if not control.may_open(step, action) or await steps.choose_deep(services, team, ""):
            return Answer("err.stale")
        async with services.store.tx() as tx:
            round_ = await tx.open_round_of(team.id)
            draft = await tx.deep_session(round_.id, "draft") if round_ else None
        if draft is None:
            return Answer("err.stale")
        result = await steps.start_deep(services, team, int(draft.id))
        return Answer(None if result.round is not None else "control.deep_in_group")
    if action in ("open", "priorities", "deep", "closing", "finish"):
        if not control.may_open(step, action):
            return Answer("err.stale")
        if action == "open":
            await rounds.open_round(services, team)
        elif action == "priorities":
            await steps.open_private_step(services, team, team_dialog.open_priorities, None)
        elif action == "closing":
            await steps.open_private_step(services, team, team_dialog.open_closing, None)
        elif action == "deep":
            refusal = await steps.choose_deep(services, team, "")
            if refusal is not None:
                return Answer("err.stale")
            return Answer("control.deep_in_group")
        else:
            await finish.finish(services, team)
        return Answer()
    if action in ("close", "closeyes"):
        if step is None or step not in RUNNING_STEPS or step.value != arg:
            return Answer("err.stale")
        if action == "close":
            question = await _confirm_close(services, team, user_id, step)
            if question is not None:
                return Answer(question=question)
        await steps.close(services, team)
        return Answer()
    if action == "lookclose":
        if not await maps.close_look_now(services, team):
            return Answer("err.stale")
        return Answer()
    if action == "mc":
        async with services.store.tx() as tx:
            ready = (
                await tx.latest_map_version(team.id) is not None
                and await tx.open_member_check_of(team.id) is None
            )
        if not ready:
            return Answer("err.stale")
        await membercheck.command(services, team, ["7d"])
        return Answer()
    if action == "mcclose":
        async with services.store.tx() as tx:
            check = await tx.open_member_check_of(team.id)
        if check is None:
            return Answer("err.stale")
        await membercheck.close(services, team, int(check.id))
        return Answer()
    if action == "map":
        async with services.store.tx() as tx:
            round_ = await tx.latest_round_of(team.id)
            if round_ is None or round_.step == Step.BRAINSTORM.value:
                return Answer("map.no_map")
            await maps.post(tx, services, team, round_, chat_id=user_id)
        await services.flush()
        return Answer()
    if action == "report":
        async with services.store.tx() as tx:
            await finish.report(tx, services, team, user_id, notify=None)
        await services.flush()
        return Answer()
    if action == "commit":
        return Answer(await commitments.start(services, team, user_id))
    if action == "export":
        if not await maps.export_to(services, team, user_id):
            return Answer("map.no_map")
        return Answer()
    return Answer("err.stale")


async def _confirm_close(services: Services, team: Team, user_id: int, step: Step) -> Text | None:
    """When not everyone is done, ask first (with the counts); None when everyone is."""
    lang = team.language.value
    async with services.store.tx() as tx:
        round_ = await tx.open_round_of(team.id)
        if round_ is None:
            return None
        done, joined = await control.done_count(tx, round_.id, step)
    if joined > 0 and done >= joined:
        return None
    plain = services.texts.plain
    yes = callbacks.guide(team.id, "closeyes", step.value)
    no = callbacks.guide(team.id, "wait", step.value)
    buttons = (
        (Tap(plain("btn.guide_close_yes", lang), yes), Tap(plain("btn.guide_close_no", lang), no)),
    )
    text = services.texts.t("control.close_confirm", lang, done=done, joined=joined)
    return Text(user_id, text, buttons)


async def candidates(services: Services, team: Team, user_id: int) -> Text:
    """Who the role can be handed to: members of the team's rounds (they talked to the bot)."""
    lang = team.language.value
    async with services.store.tx() as tx:
        leading = set(await control.facilitators(tx, team))
        round_ = await tx.latest_round_of(team.id)
        members = await tx.members(round_.id) if round_ is not None else []
        co = await tx.co_facilitators(team.id)
    rows = tuple(
        (Tap(m.first_name or str(m.user_id), callbacks.guide(team.id, "add", str(m.user_id))),)
        for m in members
        if m.user_id not in leading
    )
    key = "control.team_choose" if rows else "control.team_nobody"
    # The principal may take the role back from anyone; a co-facilitator may give it back.
    drops = tuple(
        (Tap(services.texts.plain("btn.guide_drop", lang, name=f.first_name),
             callbacks.guide(team.id, "drop", str(f.user_id))),)
        for f in co
        if user_id in (team.principal_user_id, f.user_id)
    )  # fmt: skip
    return Text(user_id, services.texts.t(key, lang), rows + drops)


async def take_back(services: Services, team: Team, by: int, user_id: int) -> str:
    """The role is taken back (or given back): their control message loses its buttons."""
    if by not in (team.principal_user_id, user_id):
        return "map.only_principal"
    lang = team.language.value
    async with services.store.tx() as tx:
        if not await tx.remove_facilitator(team.id, user_id):
            return "err.stale"
        text = services.texts.t("control.role_ended", lang, school=team.school_name or "")
        if await tx.owes(user_id, control.key(team)):
            await tx.enqueue(Text(user_id, text, living=control.key(team)), team.id)
        await control.refresh(tx, services, team)
    await services.flush()
    return "control.dropped"


async def hand_over(services: Services, team: Team, by: int, user_id: int) -> str:
    """The role goes to this team member as well: they get the control message; a toast key."""
    lang = team.language.value
    async with services.store.tx() as tx:
        round_ = await tx.latest_round_of(team.id)
        member = await tx.member_of(round_.id, user_id) if round_ is not None else None
        if member is None:
            return "err.stale"
        if not await tx.add_facilitator(team.id, user_id, member.first_name, by):
            return "control.already_facilitator"
        text = services.texts.t("control.handed_to_you", lang, school=team.school_name or "")
        await tx.enqueue(Text(user_id, text), team.id)
        await control.show(tx, services, team, user_id)
        await control.refresh(tx, services, team)
    await services.flush()
    return "control.handed"
