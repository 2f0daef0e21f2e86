"""The member check for the wider school team: open it, remind, close it with the report."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any

from bot import callbacks
from bot.context import Services
from bot.dialogs import optimise, survey
from bot.dialogs.base import Button
from bot.dialogs.team import new_token
from core.effects import Document, Link, Notice, Text
from core.model import Team
from core.schedule import parse_deadline, parse_start, window_for
from core.textsplit import utf16_len
from prompts import Html
from storage.store import Tx

from .common import screen_messages
from .plans import plan_check, to_people

# "Keep each respondent's effort within 30 minutes": default a week to find those minutes.
DEFAULT_TERM = timedelta(days=7)
# Deep-link payloads that open the member check instead of joining a round.
PAYLOAD_PREFIX = "mc_"
MAX_TEXT = 4096


def addition_encoder(button: Button) -> str:
    """The optimisation buttons name their own addition row."""
    addition_id, _, rest = button.arg.partition(":")
    field, _, value = rest.partition(":")
    return callbacks.addition(int(addition_id), field, value)


async def command(services: Services, team: Team, args: list[str]) -> None:
    """/membercheck [start] [term] opens the check; `sluit` closes it; `functies` sets roles."""
    async with services.store.tx() as tx:
        await _command(tx, services, team, args)
    await services.flush()


async def _say(tx: Tx, team: Team, text: Html) -> None:
    await tx.enqueue(Text(team.chat_id, text), team.id)


async def _command(tx: Tx, services: Services, team: Team, args: list[str]) -> None:
    lang = team.language.value
    t = services.texts.t
    open_check = await tx.open_member_check_of(team.id)
    version = await tx.latest_map_version(team.id)
    if args and args[0].lower() in {"sluit", "close", "stop"}:
        if open_check is None:
            await _say(tx, team, t("survey.none_open", lang))
        else:
            await close_in(tx, services, team, int(open_check.id))
        return
    if args and args[0].casefold() in {"functies", "functions"}:
        await _small_roles(tx, services, team, open_check, args[1:])
        return
    if open_check is not None:
        await _say(tx, team, t("survey.already", lang))
        return
    if version is None:
        await _say(tx, team, t("survey.no_version", lang))
        return
    zone = services.zone(team)
    now = tx.now
    # /membercheck [start] [term]: "7d" alone is the term; "1-12 7d" starts on 1 December.
    start: datetime | None = now
    deadline: datetime | None = now + DEFAULT_TERM
    if len(args) >= 2:
        start = parse_start(args[0], now, zone)
        if start is not None and start > now:
            # The button goes out when messages may: the term counts from then.
            start = window_for(team.send_days, services.window).next_open(start, zone)
        deadline = parse_deadline(args[1], start, zone) if start else None
    elif args:
        deadline = parse_deadline(args[0], now, zone)
    if start is None or deadline is None or deadline <= start:
        await _say(tx, team, t("survey.usage", lang))
        return
    token = new_token()
    check_id = await tx.open_member_check(team.id, int(version.id), token)
    later = await plan_check(tx, team, check_id, deadline, start=start)
    when = deadline.astimezone(zone).strftime("%d-%m-%Y %H:%M")
    if later:
        begin = start.astimezone(zone).strftime("%d-%m-%Y %H:%M")
        await _say(tx, team, t("survey.scheduled", lang, start=begin, when=when))
        return
    await _announce(tx, services, team, token, t("survey.announce", lang, when=when))


async def _small_roles(
    tx: Tx, services: Services, team: Team, open_check: Any, args: list[str]
) -> None:
    """/membercheck functies tonen|verbergen: name small roles in the report, or not.

    Only before anyone answered: colleagues answer under the protection they were told of.
    """
    lang = team.language.value
    choice = args[0].casefold() if args else ""
    if open_check is None:
        await _say(tx, team, services.texts.t("survey.none_open", lang))
        return
    if choice not in {"tonen", "show", "verbergen", "hide"}:
        await _say(tx, team, services.texts.t("survey.roles_usage", lang))
        return
    protect = choice in {"verbergen", "hide"}
    answered = any(r.answers or r.missing for r in await tx.mc_responses(open_check.id))
    if not answered:
        await tx.set_protect_small_roles(open_check.id, protect)
    if answered:
        key = "survey.roles_too_late"
    else:
        key = "survey.roles_hidden" if protect else "survey.roles_shown"
    await _say(tx, team, services.texts.t(key, lang))


async def _announce(tx: Tx, services: Services, team: Team, token: str, text: Html) -> None:
    """The group message with the button that opens the check in private."""
    url = f"https://t.me/{services.bot_username}?start={PAYLOAD_PREFIX}{token}"
    label = services.texts.plain("btn.survey_join", team.language.value)
    await tx.enqueue(Text(team.chat_id, text, ((Link(label, url),),)), team.id)


async def close(services: Services, team: Team, check_id: int) -> None:
    """Close the check now (by hand)."""
    async with services.store.tx() as tx:
        await close_in(tx, services, team, check_id)
    await services.flush()


async def close_in(tx: Tx, services: Services, team: Team, check_id: int) -> None:
    """Close the check: the anonymised report goes to the principal in private, with buttons to
    add the partners colleagues found missing. A check closed before is left alone."""
    lang = team.language.value
    check = await tx.member_check(check_id)
    if check is None or check.closed_at is not None:
        return
    report = await survey.report(tx, services.texts, team, check)
    await tx.close_member_check(check_id, report)
    await tx.cancel_planned_check(check_id)
    count = sum(1 for r in await tx.mc_responses(check_id) if r.answers)
    await _say(tx, team, services.texts.t("survey.closed", lang, count=count))
    principal = team.principal_user_id
    batch = f"mc_report:{check_id}"
    shown = f"<pre>{html.escape(report)}</pre>"
    if utf16_len(shown) <= MAX_TEXT:
        await tx.enqueue(Text(principal, shown, batch=batch), team.id)
    else:
        # Too long for one message: a short word, and the whole report as a file.
        note = services.texts.t("survey.report_in_file", lang)
        await tx.enqueue(Text(principal, note, batch=batch), team.id)
    await tx.enqueue(Document(principal, report.encode("utf-8"), "membercheck.md", batch), team.id)
    offer = await optimise.offer(tx, services.texts, team, check_id)
    if offer is not None:
        for message in screen_messages(principal, [offer], addition_encoder, batch=batch):
            await tx.enqueue(message, team.id)
    await tx.enqueue(Notice(team.chat_id, batch, "finish.open_private", lang), team.id)


async def planned(tx: Tx, services: Services, team: Team, check_id: int, kind: str) -> None:
    """A planned row of the check: the opening, a reminder, or the deadline."""
    check = await tx.member_check(check_id)
    if check is None:
        return
    if kind == "mc_deadline":
        await close_in(tx, services, team, check_id)
        return
    if check.closed_at is not None:
        return
    lang = team.language.value
    t = services.texts.t
    if kind == "mc_open":
        rows = [r for r in await tx.planned_for_check(check_id) if r.kind == "mc_deadline"]
        when = ""
        if rows:
            moment = rows[-1].run_at
            when = moment.astimezone(services.zone(team)).strftime("%d-%m-%Y %H:%M")
        await _announce(tx, services, team, str(check.token), t("survey.announce", lang,
                                                                    when=when))  # fmt: skip
        return
    responses = await tx.mc_responses(check_id)
    unfinished = [r.respondent.user_id for r in responses if r.respondent.finished_at is None]
    batch = f"mc_nudge:{check_id}:{tx.now.isoformat()}"
    blocked = await to_people(tx, team, unfinished, t("survey.nudge", lang), batch)
    finished = len(responses) - len(unfinished)
    await _announce(tx, services, team, str(check.token), t("survey.reminder", lang,
                                                                count=finished))  # fmt: skip
    # Counts only, in private: the principal may not learn who blocked the bot.
    notice = Notice(team.principal_user_id, batch, "survey.unreachable", lang, blocked=blocked)
    await tx.enqueue(notice, team.id)
