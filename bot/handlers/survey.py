"""Thin adapters for the member check: /membercheck in the group, the survey in private."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import access, callbacks
from bot.actions import control, maps, membercheck
from bot.actions.membercheck import addition_encoder
from bot.context import Services
from bot.dialogs import finish as finish_dialog
from bot.dialogs import optimise
from bot.dialogs.base import Screen
from bot.dialogs.router import SURVEY
from bot.dialogs.survey import SurveyCtx
from core.effects import Photo
from core.model import Round, Team
from core.protocol import SurveyStage
from core.records import Respondent
from storage.store import Tx

from ..replies import send_screens, send_text

log = logging.getLogger(__name__)


def _encoder(respondent_id: int, seq: int):  # type: ignore[no-untyped-def]
    return lambda button: callbacks.survey(respondent_id, seq, button.action, button.arg)


class SurveyHandlers:
    """The member check for the wider school team."""

    def __init__(self, services: Services) -> None:
        self.s = services

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/membercheck [7d] opens the survey for the whole group; /membercheck sluit closes it."""
        team = await access.managed_group_team(self.s, update, context)
        if team is not None:
            await membercheck.command(self.s, team, list(context.args or []))

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
            await send_screens(context.bot, chat_id, [result.screen], 0, 0, addition_encoder)
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
                await send_screens(context.bot, chat_id, [offer], 0, 0, addition_encoder)

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
            caption = optimise.caption(self.s.texts, team, round_, name)
            async with self.s.store.tx() as tx:
                await tx.add_map_version(
                    team.id, round_.id, snapshot.decode("utf-8"), png, pdf, markdown,
                    reason="membercheck",
                )  # fmt: skip
                words = maps.words_button(self.s, team, round_)
                await tx.enqueue(Photo(team.chat_id, caption, png, buttons=words), team.id)
        except Exception:
            log.exception("keeping the optimised map failed")
            async with self.s.store.tx() as tx:
                await tx.set_addition(addition_id, status="draft")
            await send_text(bot, chat_id, self.s.texts.t("map.rendering_failed", lang))
            return False
        await self.s.flush()
        await send_text(bot, chat_id, self.s.texts.t("optimise.done", lang, name=name))
        return True

    async def join(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Someone opened the survey link (the group's button, a mail, the poster's QR code):
        anyone with the link answers once, except the focus group unless the principal said so.
        """
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        payload = context.args[0] if context.args else ""
        token = payload.removeprefix(membercheck.PAYLOAD_PREFIX)
        default = self.s.settings.language.value
        refusal: str | None = None
        async with self.s.store.tx() as tx:
            check = await tx.member_check_by_token(token)
            team = await tx.team(check.team_id) if check else None
            version = await tx.map_version(check.version_id) if check else None
            row = await tx.respondent_of(check.id, user.id) if check else None
            if check is not None and version is not None and row is None:
                took_part = await tx.member_of(version.round_id, user.id) is not None
                if took_part and not check.include_participants:
                    refusal = "survey.participant_left_out"
        if check is None or team is None or check.closed_at is not None:
            await send_text(context.bot, chat.id, self.s.texts.t("survey.link_invalid", default))
            return
        lang = team.language.value
        if row is not None and row.finished_at is not None:
            refusal = "survey.already_answered"
        if refusal is not None:
            await send_text(context.bot, chat.id, self.s.texts.t(refusal, lang))
            return
        async with self.s.store.tx() as tx:
            if row is None:
                respondent_id = await tx.add_respondent(check.id, user.id)
            else:
                respondent_id = row.id
                await tx.set_active_respondent(user.id, respondent_id)
            respondent = await tx.respondent(respondent_id)
            assert respondent is not None
            ctx = SurveyCtx(tx, self.s.texts, team, check, respondent)
            screen = await SURVEY.current_screen(ctx)
            seq = await ctx.update()
        if version is not None and ctx.respondent.stage == SurveyStage.INTRO:
            await context.bot.send_photo(chat.id, version.png)
        await send_screens(
            context.bot, chat.id, [screen], respondent_id, seq, _encoder(respondent_id, seq)
        )

    async def _finished_now(self, tx: Tx, team: Team, before: Respondent) -> bool:
        """A colleague just finished the check: the facilitators' count follows."""
        fresh = await tx.respondent(before.id)
        if before.finished_at is not None or fresh is None or fresh.finished_at is None:
            return False
        await control.refresh(tx, self.s, team)
        return True

    async def on_participants(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The principal lets the focus group answer the member check too (or not after all)."""
        query = update.callback_query
        assert query is not None
        tap = callbacks.decode(query.data)
        lang = self.s.settings.language.value
        changed: tuple[Team, int, bool] | None = None
        refused = False
        if isinstance(tap, callbacks.ParticipantsTap):
            async with self.s.store.tx() as tx:
                check = await tx.member_check(tap.check_id)
                team = await tx.team(check.team_id) if check else None
                if check is not None and team is not None and check.closed_at is None:
                    lang = team.language.value
                    if team.principal_user_id != query.from_user.id:
                        refused = True
                    else:
                        await tx.set_include_participants(check.id, tap.include)
                        changed = (team, check.id, tap.include)
        if refused:
            await query.answer(self.s.texts.plain("map.only_principal", lang))
            return
        if changed is None:
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        team, check_id, include = changed
        key = "survey.share_included" if include else "survey.share_excluded"
        await query.answer()
        button = membercheck.participants_button(self.s, team, check_id, include)
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(button.label, callback_data=button.data)]]
        )
        message = query.message
        if message is not None and hasattr(message, "edit_reply_markup"):
            try:
                await message.edit_reply_markup(reply_markup=markup)
            except TelegramError as exc:
                log.debug("could not swap the focus-group button: %s", exc)
        chat_id = message.chat.id if message else query.from_user.id
        await send_text(context.bot, chat_id, self.s.texts.t(key, lang))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """A message from someone answering the survey; False when they are not."""
        user, chat, message = update.effective_user, update.effective_chat, update.effective_message
        assert user is not None and chat is not None and message is not None
        async with self.s.store.tx() as tx:
            row = await tx.active_respondent(user.id)
            if row is None:
                return False
            check = await tx.member_check(row.check_id)
            assert check is not None
            team = await tx.team(check.team_id)
            ctx = SurveyCtx(tx, self.s.texts, team, check, row)
            outcome = await SURVEY.on_text(ctx, message.text or "")
            seq = ctx.respondent.screen_seq
            finished = await self._finished_now(tx, team, row)
        if finished:
            await self.s.flush()
        screens = outcome.screens if outcome is not None else []
        await send_screens(context.bot, chat.id, screens, ctx.id, seq, _encoder(ctx.id, seq))
        return True

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A survey button; stale or foreign ones change nothing."""
        query = update.callback_query
        assert query is not None
        tap = callbacks.decode(query.data)
        screens: list[Screen] | None = None
        finished = False
        lang = self.s.settings.language.value
        if isinstance(tap, callbacks.SurveyTap):
            async with self.s.store.tx() as tx:
                row = await tx.respondent(tap.respondent_id)
                check = await tx.member_check(row.check_id) if row else None
                valid = (
                    row is not None
                    and check is not None
                    and check.closed_at is None
                    and row.user_id == query.from_user.id
                    and row.screen_seq == tap.seq
                )
                if valid and row is not None and check is not None:
                    team = await tx.team(check.team_id)
                    lang = team.language.value
                    ctx = SurveyCtx(tx, self.s.texts, team, check, row)
                    outcome = await SURVEY.on_button(ctx, tap.action, tap.arg)
                    screens = outcome.screens if outcome is not None else None
                    seq = ctx.respondent.screen_seq
                    finished = await self._finished_now(tx, team, row)
        if finished:
            await self.s.flush()
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


__all__ = ["SurveyHandlers"]
