"""Thin adapters for the member check: /membercheck in the group, the survey in private."""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.dialogs import finish as finish_dialog
from bot.dialogs import optimise, survey
from bot.dialogs.base import Button, Screen
from bot.dialogs.survey import SurveyCtx
from bot.dialogs.team import new_token
from core.model import Round, Team
from core.schedule import parse_deadline, parse_start, window_for
from prompts import Html

from .common import MEMBER_STATUSES, Outbox, Services, send_screens, send_text
from .group import GroupHandlers
from .private import SURVEY_PREFIX as PAYLOAD_PREFIX

if TYPE_CHECKING:
    from bot.jobs import Scheduler

log = logging.getLogger(__name__)
# "Keep each respondent's effort within 30 minutes": default a week to find those minutes.
DEFAULT_TERM = timedelta(days=7)


def _addition_encoder(button: Button) -> str:
    addition_id, _, rest = button.arg.partition(":")
    field, _, value = rest.partition(":")
    return callbacks.addition(int(addition_id), field, value)


def _encoder(respondent_id: int, seq: int):  # type: ignore[no-untyped-def]
    return lambda button: callbacks.survey(respondent_id, seq, button.action, button.arg)


class SurveyHandlers:
    """The member check for the wider school team."""

    def __init__(self, services: Services, group: GroupHandlers) -> None:
        self.s = services
        self.group = group
        self.scheduler: Scheduler | None = None

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/membercheck [7d] opens the survey for the whole group; /membercheck sluit closes it."""
        team = await self.group._ready_team(update, context)
        if team is None or not await self.group._may_manage(update, context, team):
            return
        lang = team.language.value
        args = context.args or []
        async with self.s.store.tx() as tx:
            open_check = await tx.open_member_check_of(team.id)
            version = await tx.latest_map_version(team.id)
        if args and args[0].lower() in {"sluit", "close", "stop"}:
            if open_check is None:
                await send_text(context.bot, team.chat_id, self.s.texts.t("survey.none_open", lang))
                return
            await self.close(team, int(open_check["id"]))
            return
        if args and args[0].casefold() in {"functies", "functions"}:
            await self._small_roles(context, team, open_check, args[1:])
            return
        if open_check is not None:
            await send_text(context.bot, team.chat_id, self.s.texts.t("survey.already", lang))
            return
        if version is None:
            await send_text(context.bot, team.chat_id, self.s.texts.t("survey.no_version", lang))
            return
        zone = ZoneInfo(self.s.timezone(team))
        now = self.scheduler.clock() if self.scheduler else datetime.now(UTC)
        # /membercheck [start] [term]: "7d" alone is the term; "1-12 7d" starts on 1 December.
        start: datetime | None = now
        deadline: datetime | None = now + DEFAULT_TERM
        if len(args) >= 2:
            start = parse_start(args[0], now, zone)
            if start is not None and start > now and self.scheduler is not None:
                # The button goes out when messages may: the term counts from then.
                window = window_for(team.send_days, self.scheduler.window)
                start = window.next_open(start, zone)
            deadline = parse_deadline(args[1], start, zone) if start else None
        elif args:
            deadline = parse_deadline(args[0], now, zone)
        if start is None or deadline is None or deadline <= start:
            await send_text(context.bot, team.chat_id, self.s.texts.t("survey.usage", lang))
            return
        async with self.s.store.tx() as tx:
            token = new_token()
            check_id = await tx.open_member_check(team.id, int(version["id"]), token)
        later = False
        if self.scheduler is not None:
            later = await self.scheduler.plan_check(team, check_id, deadline, start=start)
        when = deadline.astimezone(zone).strftime("%d-%m-%Y %H:%M")
        if later:
            begin = start.astimezone(zone).strftime("%d-%m-%Y %H:%M")
            text = self.s.texts.t("survey.scheduled", lang, start=begin, when=when)
            await send_text(context.bot, team.chat_id, text)
            return
        await self._announce(team, token, self.s.texts.t("survey.announce", lang, when=when))

    async def _small_roles(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        team: Team,
        open_check: Any,
        args: list[str],
    ) -> None:
        """/membercheck functies tonen|verbergen: name small roles in the report, or not.

        Only before anyone answered: colleagues answer under the protection they were told of.
        """
        lang = team.language.value
        choice = args[0].casefold() if args else ""
        if open_check is None:
            await send_text(context.bot, team.chat_id, self.s.texts.t("survey.none_open", lang))
            return
        if choice not in {"tonen", "show", "verbergen", "hide"}:
            await send_text(context.bot, team.chat_id, self.s.texts.t("survey.roles_usage", lang))
            return
        protect = choice in {"verbergen", "hide"}
        async with self.s.store.tx() as tx:
            answered = any(a or m for _, a, m in await tx.mc_responses(int(open_check["id"])))
            if not answered:
                await tx.set_protect_small_roles(int(open_check["id"]), protect)
        if answered:
            key = "survey.roles_too_late"
        else:
            key = "survey.roles_hidden" if protect else "survey.roles_shown"
        await send_text(context.bot, team.chat_id, self.s.texts.t(key, lang))

    async def _open_planned(self, team: Team, check: dict[str, object], outbox: Outbox) -> None:
        """The chosen moment has come: post the member check's button in the group."""
        lang = team.language.value
        async with self.s.store.tx() as tx:
            rows = [
                r for r in await tx.planned_for_check(int(str(check["id"])))
                if r["kind"] == "mc_deadline"
            ]  # fmt: skip
        zone = ZoneInfo(self.s.timezone(team))
        when = ""
        if rows:
            moment = datetime.fromisoformat(rows[-1]["run_at"])
            when = moment.astimezone(zone).strftime("%d-%m-%Y %H:%M")
        text = self.s.texts.t("survey.announce", lang, when=when)
        await self._announce(team, str(check["token"]), text, outbox)

    async def _announce(
        self, team: Team, token: str, text: Html, outbox: Outbox | None = None
    ) -> None:
        bot = self.group_bot
        url = f"https://t.me/{bot.username}?start={PAYLOAD_PREFIX}{token}"
        label = self.s.texts.plain("btn.survey_join", team.language.value)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])
        await (outbox or Outbox(self.s.store)).text(bot, team.chat_id, text, "announce", markup)

    @property
    def group_bot(self) -> Bot:
        """The bot, for messages that do not answer an update (reminders, deadlines)."""
        assert self.scheduler is not None
        bot: Bot = self.scheduler.app.bot
        return bot

    async def close(self, team: Team, check_id: int, outbox: Outbox | None = None) -> None:
        """Close the check: the anonymised report goes to the principal in private.

        A deadline that was cut off after closing sends, when taken up again, only what did
        not go out yet; a check closed some other way is left alone.
        """
        lang = team.language.value
        bot = self.group_bot
        outbox = outbox or Outbox(self.s.store)
        async with self.s.store.tx() as tx:
            check = await tx.member_check(check_id)
            if check is None:
                return
            if check["closed_at"] is None:
                report = await survey.report(tx, self.s.texts, team, dict(check))
                await tx.close_member_check(check_id, report)
                await tx.cancel_planned_check(check_id)
                if outbox.planned_id is not None:
                    # Marks that this row did the closing (same transaction).
                    await tx.record_sent(outbox.planned_id, "close")
            elif outbox.planned_id is None or "close" not in await tx.sent_keys(outbox.planned_id):
                return
            else:
                report = str(check["report_md"] or "")
            count = sum(1 for _, answers, _ in await tx.mc_responses(check_id) if answers)
        principal = team.principal_user_id
        await outbox.text(bot, team.chat_id, self.s.texts.t("survey.closed", lang, count=count),
                          "closed")  # fmt: skip
        try:
            await outbox.once(
                f"{principal}:report",
                lambda: bot.send_message(principal, f"<pre>{html.escape(report)}</pre>"[:4096]),
            )
            await outbox.once(
                f"{principal}:report_file",
                lambda: bot.send_document(
                    principal, report.encode("utf-8"), filename="membercheck.md"
                ),
            )
        except Forbidden:
            await outbox.record(f"{principal}:report")
            await outbox.record(f"{principal}:report_file")
            text = self.s.texts.t("finish.open_private", lang)
            await outbox.text(bot, team.chat_id, text, "open_private")
            return
        async with self.s.store.tx() as tx:
            offer = await optimise.offer(tx, self.s.texts, team, check_id)
        if offer is not None:
            await outbox.once(
                f"{principal}:offer",
                lambda: send_screens(bot, principal, [offer], 0, 0, _addition_encoder),
            )

    async def on_addition(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The principal adds a partner the member check found missing (MC.3 optimisation)."""
        query = update.callback_query
        assert query is not None
        tap = callbacks.decode(query.data)
        lang = self.s.settings.language.value
        result: optimise.Tapped | None = None
        team: Team | None = None
        if isinstance(tap, callbacks.AdditionTap):
            async with self.s.store.tx() as tx:
                team = await optimise.team_of_addition(tx, tap.addition_id)
                if team is not None and team.principal_user_id == query.from_user.id:
                    lang = team.language.value
                    result = await optimise.on_tap(
                        tx, self.s.texts, team, tap.addition_id, tap.field, tap.value
                    )
                elif team is not None:
                    result = optimise.Tapped(
                        toast=self.s.texts.plain("map.only_principal", team.language.value)
                    )
        if result is None or team is None:
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        await query.answer(result.toast)
        if result.toast is not None:
            return
        message = query.message
        chat_id = message.chat.id if message else query.from_user.id
        if result.screen is not None:
            await send_screens(context.bot, chat_id, [result.screen], 0, 0, _addition_encoder)
            return
        if result.added is not None and result.round is not None:
            kept = await self._keep_optimised(
                context.bot, team, result.round, result.added, chat_id, result.addition_id
            )
            if not kept:
                return
            async with self.s.store.tx() as tx:
                offer = await optimise.offer(tx, self.s.texts, team, result.check_id)
            if offer is not None:
                await send_screens(context.bot, chat_id, [offer], 0, 0, _addition_encoder)

    async def _keep_optimised(
        self, bot: Bot, team: Team, round_: Round, name: str, chat_id: int, addition_id: int
    ) -> bool:
        """A new immutable map version with the added partner, shown to the group.

        If the version cannot be made, the partner goes back to 'not added' so a tap can retry.
        """
        timezone = self.s.timezone(team)
        lang = team.language.value
        try:
            async with self.s.store.tx() as tx:
                data = await finish_dialog.report_data(
                    tx, self.s.texts, team, round_, timezone, b""
                )
            files = await asyncio.to_thread(
                finish_dialog.build_files, self.s.texts, team, round_, data, timezone
            )
            png, pdf, markdown, snapshot = files
            async with self.s.store.tx() as tx:
                await tx.add_map_version(
                    team.id, round_.id, snapshot.decode("utf-8"), png, pdf, markdown,
                    reason="membercheck",
                )  # fmt: skip
        except Exception:
            log.exception("keeping the optimised map failed")
            async with self.s.store.tx() as tx:
                await tx.set_addition(addition_id, status="draft")
            await send_text(bot, chat_id, self.s.texts.t("map.rendering_failed", lang))
            return False
        caption = optimise.caption(self.s.texts, team, round_, name)
        await bot.send_photo(team.chat_id, png, caption=caption)
        await send_text(bot, chat_id, self.s.texts.t("optimise.done", lang, name=name))
        return True

    async def planned(self, team: Team, check_id: int, kind: str, outbox: Outbox) -> None:
        """A reminder (to who started but did not finish, and the link again) or the deadline."""
        async with self.s.store.tx() as tx:
            check = await tx.member_check(check_id)
            responses = await tx.mc_responses(check_id) if check else []
        if check is None:
            return
        if kind == "mc_deadline":
            await self.close(team, check_id, outbox)
            return
        if check["closed_at"] is not None:
            return
        if kind == "mc_open":
            await self._open_planned(team, dict(check), outbox)
            return
        lang = team.language.value
        bot = self.group_bot
        unfinished = [int(row["user_id"]) for row, _, _ in responses if row["finished_at"] is None]
        nudge = self.s.texts.t("survey.nudge", lang)
        unreachable = await outbox.to_people(bot, unfinished, nudge, "nudge")
        finished = len(responses) - len(unfinished)
        text = self.s.texts.t("survey.reminder", lang, count=finished)
        await self._announce(team, str(check["token"]), text, outbox)
        if unreachable:
            # Counts only, in private: the principal may not learn who blocked the bot.
            text = self.s.texts.t("survey.unreachable", lang, count=unreachable)
            await outbox.text(bot, team.principal_user_id, text, "unreachable")

    async def join(self, update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
        """A colleague opened the survey link: check they are in the group, then begin."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        default = self.s.settings.language.value
        async with self.s.store.tx() as tx:
            check = await tx.member_check_by_token(token)
            team = await tx.team(int(check["team_id"])) if check else None
            version = (
                await tx._one("SELECT png FROM map_versions WHERE id = ?", (check["version_id"],))
                if check
                else None
            )
        if check is None or team is None or check["closed_at"] is not None:
            await send_text(context.bot, chat.id, self.s.texts.t("survey.link_invalid", default))
            return
        lang = team.language.value
        try:
            status = (await context.bot.get_chat_member(team.chat_id, user.id)).status
        except BadRequest:
            status = "left"
        except TelegramError:
            await send_text(context.bot, chat.id, self.s.texts.t("dm.check_failed", lang))
            return
        if status not in MEMBER_STATUSES:
            text = self.s.texts.t("dm.not_member", lang, school=team.school_name or "")
            await send_text(context.bot, chat.id, text)
            return
        async with self.s.store.tx() as tx:
            row = await tx.respondent_of(int(check["id"]), user.id)
            if row is None:
                respondent_id = await tx.add_respondent(int(check["id"]), user.id)
            else:
                respondent_id = int(row["id"])
                await tx.set_active_respondent(user.id, respondent_id)
            respondent = await tx.respondent(respondent_id)
            assert respondent is not None
            ctx = SurveyCtx(tx, self.s.texts, team, dict(check), dict(respondent))
            screens = await survey.current_screens(ctx)
            seq = await ctx.update()
        if version is not None and ctx.respondent["stage"] == "intro":
            await context.bot.send_photo(chat.id, bytes(version["png"]))
        await send_screens(
            context.bot, chat.id, screens, respondent_id, seq, _encoder(respondent_id, seq)
        )

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """A message from someone answering the survey; False when they are not."""
        user, chat, message = update.effective_user, update.effective_chat, update.effective_message
        assert user is not None and chat is not None and message is not None
        async with self.s.store.tx() as tx:
            row = await tx.active_respondent(user.id)
            if row is None:
                return False
            check = await tx.member_check(int(row["check_id"]))
            assert check is not None
            team = await tx.team(int(check["team_id"]))
            ctx = SurveyCtx(tx, self.s.texts, team, dict(check), dict(row))
            screens = await survey.on_text(ctx, message.text or "")
            seq = int(str(ctx.respondent["screen_seq"]))
        await send_screens(context.bot, chat.id, screens, ctx.id, seq, _encoder(ctx.id, seq))
        return True

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A survey button; stale or foreign ones change nothing."""
        query = update.callback_query
        assert query is not None
        tap = callbacks.decode(query.data)
        screens: list[Screen] | None = None
        lang = self.s.settings.language.value
        if isinstance(tap, callbacks.SurveyTap):
            async with self.s.store.tx() as tx:
                row = await tx.respondent(tap.respondent_id)
                check = await tx.member_check(int(row["check_id"])) if row else None
                valid = (
                    row is not None
                    and check is not None
                    and check["closed_at"] is None
                    and row["user_id"] == query.from_user.id
                    and row["screen_seq"] == tap.seq
                )
                if valid and row is not None and check is not None:
                    team = await tx.team(int(check["team_id"]))
                    lang = team.language.value
                    ctx = SurveyCtx(tx, self.s.texts, team, dict(check), dict(row))
                    screens = await survey.on_button(ctx, tap.action, tap.arg)
                    seq = int(str(ctx.respondent["screen_seq"]))
        if screens is None:
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        await query.answer()
        message = query.message
        chat_id = message.chat.id if message else query.from_user.id
        if message is not None and hasattr(message, "edit_reply_markup"):
            try:
                await message.edit_reply_markup(reply_markup=None)
            except TelegramError as exc:
                log.debug("could not clear the survey buttons: %s", exc)
        await send_screens(context.bot, chat_id, screens, ctx.id, seq, _encoder(ctx.id, seq))


__all__ = ["PAYLOAD_PREFIX", "Button", "SurveyHandlers"]
