"""Thin adapters for the member check: /membercheck in the group, the survey in private."""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.dialogs import survey
from bot.dialogs.base import Button, Screen
from bot.dialogs.survey import SurveyCtx
from bot.dialogs.team import new_token

from .common import MEMBER_STATUSES, Services, send_screens, send_text
from .group import GroupHandlers
from .private import SURVEY_PREFIX as PAYLOAD_PREFIX

log = logging.getLogger(__name__)


def _encoder(respondent_id: int, seq: int):  # type: ignore[no-untyped-def]
    return lambda button: callbacks.survey(respondent_id, seq, button.action, button.arg)


class SurveyHandlers:
    """The member check for the wider school team."""

    def __init__(self, services: Services, group: GroupHandlers) -> None:
        self.s = services
        self.group = group

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/membercheck opens the survey for the whole group; /membercheck sluit closes it."""
        team = await self.group._ready_team(update, context)
        if team is None or not await self.group._may_manage(update, context, team):
            return
        lang = team.language.value
        args = context.args or []
        closing = bool(args) and args[0].lower() in {"sluit", "close", "stop"}
        async with self.s.store.tx() as tx:
            open_check = await tx.open_member_check_of(team.id)
            version = await tx.latest_map_version(team.id)
            if closing:
                if open_check is None:
                    text = self.s.texts.t("survey.none_open", lang)
                    await send_text(context.bot, team.chat_id, text)
                    return
                report = await survey.report(tx, self.s.texts, team, dict(open_check))
                await tx.close_member_check(int(open_check["id"]), report)
                count = len(await tx.mc_responses(int(open_check["id"])))
            elif open_check is not None:
                await send_text(context.bot, team.chat_id, self.s.texts.t("survey.already", lang))
                return
            elif version is None:
                await send_text(
                    context.bot, team.chat_id, self.s.texts.t("survey.no_version", lang)
                )
                return
            else:
                token = new_token()
                await tx.open_member_check(team.id, int(version["id"]), token)
        if closing:
            await send_text(
                context.bot, team.chat_id, self.s.texts.t("survey.closed", lang, count=count)
            )
            try:
                await context.bot.send_message(
                    team.principal_user_id, f"<pre>{html.escape(report)}</pre>"[:4096]
                )
                await context.bot.send_document(
                    team.principal_user_id, report.encode("utf-8"), filename="membercheck.md"
                )
            except Forbidden:
                text = self.s.texts.t("finish.open_private", lang)
                await send_text(context.bot, team.chat_id, text)
            return
        url = f"https://t.me/{context.bot.username}?start={PAYLOAD_PREFIX}{token}"
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(self.s.texts.plain("btn.survey_join", lang), url=url)]]
        )
        await context.bot.send_message(
            team.chat_id, self.s.texts.t("survey.announce", lang), reply_markup=markup
        )

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
