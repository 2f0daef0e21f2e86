"""The member check for the wider school team: open it, remind, close it with the report."""

from __future__ import annotations

import asyncio
import html
from datetime import datetime, timedelta
from typing import Any

from bot import callbacks
from bot.context import Services
from bot.dialogs import optimise, survey
from bot.dialogs.base import Button
from bot.dialogs.team import new_token
from core.effects import Document, Link, Notice, Tap, Text
from core.leaflets import Poster, poster_pdf, qr_png
from core.model import Team
from core.schedule import (
    count_school_days,
    fit_deadline,
    is_day_term,
    parse_deadline,
    parse_start,
)
from core.textsplit import utf16_len
from prompts import Html
from storage.store import Tx

from . import control
from .calendar import team_window
from .common import moment_text, screen_messages
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
        await control.refresh(tx, services, team)
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
    if args and args[0].casefold() in {"link", "delen", "share"}:
        if open_check is None:
            await _say(tx, team, t("survey.none_open", lang))
        else:
            check_id = int(open_check.id)
            when = await _deadline_text(tx, services, team, check_id)
            await _share(tx, services, team, check_id, str(open_check.token), when)
            await _say(tx, team, t("survey.share_sent", lang))
        return
    if open_check is not None:
        await _say(tx, team, t("survey.already", lang))
        return
    if version is None:
        await _say(tx, team, t("survey.no_version", lang))
        return
    zone = services.zone(team)
    now = tx.now
    window = await team_window(tx, services, team)
    # /membercheck [start] [term]: "7d" alone is the term; "1-12 7d" starts on 1 December.
    start: datetime | None = now
    deadline: datetime | None = now + DEFAULT_TERM
    term = "7d"
    if len(args) >= 2:
        start = parse_start(args[0], now, zone)
        if start is not None and start > now:
            # The button goes out when messages may: the term counts from then.
            start = window.next_open(start, zone)
        term = args[1]
        deadline = parse_deadline(term, start, zone) if start else None
    elif args:
        term = args[0]
        deadline = parse_deadline(term, now, zone)
    counts_school_days = window.calendar is not None and is_day_term(term)
    if start is not None and deadline is not None and counts_school_days:
        assert window.calendar is not None
        deadline = count_school_days(start, deadline, window.calendar, zone)
    if start is not None and deadline is not None:
        deadline = fit_deadline(deadline, start, window, zone)
    if start is None or deadline is None or deadline <= start:
        await _say(tx, team, t("survey.usage", lang))
        return
    token = new_token()
    check_id = await tx.open_member_check(team.id, int(version.id), token)
    later = await plan_check(tx, team, check_id, deadline, window, zone, start=start)
    when = moment_text(services, team, deadline)
    if later:
        begin = moment_text(services, team, start)
        await _say(tx, team, t("survey.scheduled", lang, start=begin, when=when))
        return
    # The principal's kit first: the group's newest message stays the one with the button.
    await _share(tx, services, team, check_id, token, when)
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


async def _deadline_text(tx: Tx, services: Services, team: Team, check_id: int) -> str:
    """When the check closes, as the team reads it ('' when it has no deadline)."""
    rows = [r for r in await tx.planned_for_check(check_id) if r.kind == "mc_deadline"]
    if not rows:
        return ""
    return moment_text(services, team, rows[-1].run_at)


def link(services: Services, token: str) -> str:
    """The deep link that opens the check in private, for anyone who has it."""
    return f"https://t.me/{services.bot_username}?start={PAYLOAD_PREFIX}{token}"


async def _announce(tx: Tx, services: Services, team: Team, token: str, text: Html) -> None:
    """The group message with the button that opens the check in private."""
    label = services.texts.plain("btn.survey_join", team.language.value)
    await tx.enqueue(Text(team.chat_id, text, ((Link(label, link(services, token)),),)), team.id)


def participants_button(services: Services, team: Team, check_id: int, include: bool) -> Tap:
    """The principal's button: let the focus group answer too, or not after all."""
    key = "btn.share_exclude" if include else "btn.share_include"
    label = services.texts.plain(key, team.language.value)
    return Tap(label, callbacks.participants(check_id, not include))


def _kit(services: Services, team: Team, url: str, when: str) -> tuple[bytes, bytes]:
    """The QR code and the A4 poster for the staff room (CPU work, run in a thread)."""
    lang = team.language.value
    plain = services.texts.plain
    png = qr_png(url)
    poster = Poster(
        title=plain("survey.poster_title", lang, school=team.school_name or ""),
        headline=plain("survey.poster_headline", lang),
        lines=(
            plain("survey.poster_what", lang),
            plain("survey.poster_time", lang),
            plain("survey.poster_anonymous", lang),
        ),
        scan=plain("survey.poster_scan", lang),
        url=url,
        footer=plain("survey.poster_until", lang, when=when),
    )
    return png, poster_pdf(poster, png)


async def _share(
    tx: Tx, services: Services, team: Team, check_id: int, token: str, when: str
) -> None:
    """The principal, in private: the link to share in the school's own channels (mail,
    Smartschool), its QR code and a poster, and the button to include the focus group."""
    lang = team.language.value
    t = services.texts.t
    url = link(services, token)
    png, pdf = await asyncio.to_thread(_kit, services, team, url, when)
    principal = team.principal_user_id
    batch = f"mc_share:{check_id}"
    buttons = ((participants_button(services, team, check_id, include=False),),)
    text = t("survey.share", lang, url=url, when=when)
    await tx.enqueue(Text(principal, text, buttons, batch=batch), team.id)
    # As a file, not a photo: Telegram would recompress a photo; the PNG stays sharp to print.
    qr_name = services.texts.plain("survey.qr_file", lang)
    await tx.enqueue(Document(principal, png, qr_name, batch), team.id)
    poster_name = services.texts.plain("survey.poster_file", lang)
    # A principal without a private chat yet: the outbox holds these until they open it,
    # and the group is asked once to let them (bot/delivery.py).
    await tx.enqueue(Document(principal, pdf, poster_name, batch), team.id)


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
    batch = f"mc_report:{check_id}"
    shown = f"<pre>{html.escape(report)}</pre>"
    # The report goes to every facilitator; adding missed partners stays the principal's.
    for user_id in await control.facilitators(tx, team):
        if utf16_len(shown) <= MAX_TEXT:
            await tx.enqueue(Text(user_id, shown, batch=batch), team.id)
        else:
            # Too long for one message: a short word, and the whole report as a file.
            note = services.texts.t("survey.report_in_file", lang)
            await tx.enqueue(Text(user_id, note, batch=batch), team.id)
        await tx.enqueue(Document(user_id, report.encode("utf-8"), "membercheck.md", batch),
                         team.id)  # fmt: skip
    principal = team.principal_user_id
    offer = await optimise.offer(tx, services.texts, team, check_id)
    if offer is not None:
        for message in screen_messages(principal, [offer], addition_encoder, batch=batch):
            await tx.enqueue(message, team.id)
    await tx.enqueue(Notice(team.chat_id, batch, "finish.open_private", lang), team.id)
    await control.refresh(tx, services, team)


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
        when = await _deadline_text(tx, services, team, check_id)
        await _share(tx, services, team, check_id, str(check.token), when)
        await _announce(tx, services, team, str(check.token), t("survey.announce", lang,
                                                                    when=when))  # fmt: skip
        return
    responses = await tx.mc_responses(check_id)
    unfinished = [r.respondent.user_id for r in responses if r.respondent.finished_at is None]
    batch = f"mc_nudge:{check_id}:{tx.now.isoformat()}"
    # Colleagues outside the group cannot tap its button: the nudge carries the link itself.
    again = services.texts.plain("btn.survey_continue", lang)
    resume = ((Link(again, link(services, str(check.token))),),)
    blocked = await to_people(tx, team, unfinished, t("survey.nudge", lang), batch, resume)
    finished = len(responses) - len(unfinished)
    await _announce(tx, services, team, str(check.token), t("survey.reminder", lang,
                                                                count=finished))  # fmt: skip
    # Counts only, in private: the principal may not learn who blocked the bot.
    notice = Notice(team.principal_user_id, batch, "survey.unreachable", lang, blocked=blocked)
    await tx.enqueue(notice, team.id)
