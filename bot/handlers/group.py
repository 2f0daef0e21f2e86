"""Group commands: /start, /ronde, /status, /sluit, /taal, and the reply with the school name."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from functools import cache
from zoneinfo import available_timezones

from telegram import Message, Update, User
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import access, callbacks, delivery
from bot.actions import calendar as calendar_action
from bot.actions import finish as finish_action
from bot.actions import maps, presence, rounds, steps
from bot.context import Services
from bot.dialogs import compare as compare_dialog
from bot.dialogs import mapview
from bot.dialogs import team as team_dialog
from bot.dialogs.priority import key_hash
from core.effects import Link, Text
from core.model import Category, Language, Team
from core.protocol import Step
from core.render import render
from prompts import Html
from storage.store import Tx

from ..replies import send_text

log = logging.getLogger(__name__)


def _mention(user: User | None) -> str:
    return user.full_name if user else ""


# /berichturen: the words a principal may use for when messages go out.
SEND_DAY_WORDS = {
    "werkdagen": "weekdays", "weekdagen": "weekdays", "weekdays": "weekdays",
    "elkedag": "everyday", "everyday": "everyday", "dagelijks": "everyday",
    "altijd": "always", "always": "always",
}  # fmt: skip


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _valid_zone(name: str) -> str | None:
    """The IANA time zone name when it exists (e.g. Europe/Brussels), else None."""
    return name if name in _time_zones() else None


class GroupHandlers:
    """Thin adapters for everything that happens in a team's group chat."""

    def __init__(self, services: Services) -> None:
        self.s = services

    async def _managed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Team | None:
        return await access.managed_group_team(self.s, update, context)

    @staticmethod
    def _term(context: ContextTypes.DEFAULT_TYPE) -> str | None:
        return " ".join(context.args) if context.args else None

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Registers the group as a team with the sender as principal and asks the school name."""
        chat = update.effective_chat
        assert chat is not None
        existing = await access.team_of_chat(self.s, chat.id)
        if not await access.may_manage(self.s, update, context, existing):
            return
        principal = _mention(update.effective_user)
        if existing is not None and existing.principal_user_id != getattr(
            update.effective_user, "id", None
        ):
            try:
                owner = await context.bot.get_chat_member(chat.id, existing.principal_user_id)
                principal = owner.user.full_name
            except TelegramError:
                principal = ""
        assert update.effective_user is not None
        async with self.s.store.tx() as tx:
            result = await team_dialog.start_team(
                tx,
                self.s.texts,
                chat_id=chat.id,
                user_id=update.effective_user.id,
                principal_name=principal,
                default=self.s.settings.language,
            )
        assert result.team is not None
        if result.ask_name:
            await access.ask_name(self.s, context.bot, result.team, result.text)
        else:
            await send_text(context.bot, chat.id, result.text)
            if result.team.principal_user_id != update.effective_user.id:
                await access.offer_takeover(self.s, context.bot, result.team, again=True)

    async def on_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stores the school name when someone answers the bot's name question."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None or message.reply_to_message is None:
            return
        team = await access.team_of_chat(self.s, chat.id)
        asked = message.reply_to_message
        to_bot = asked.from_user is not None and asked.from_user.id == context.bot.id
        # The question itself, or any of our messages while the question's id was never stored
        # (the bot stopped between sending it and noting it).
        expected = asked.message_id == getattr(team, "name_prompt_message_id", None) or (
            team is not None and team.name_prompt_message_id is None and to_bot
        )
        if team is None or not expected:
            return
        if not await access.may_manage(self.s, update, context, team):
            return
        async with self.s.store.tx() as tx:
            text = await team_dialog.set_school_name(
                tx, self.s.texts, team, message.text or "", _mention(update.effective_user)
            )
            updated = await tx.team(team.id)
            if updated.is_ready:
                # Durable: a crash right after the name was stored still says it was noted.
                # The button opens the facilitator's control message in private.
                url = f"https://t.me/{self.s.bot_username}?start=ctl{team.id}"
                label = self.s.texts.plain("btn.guide_panel", team.language.value)
                await tx.enqueue(Text(chat.id, text, ((Link(label, url),),)), team.id)
        if updated.is_ready:
            await self.s.flush()
        else:
            await access.ask_name(self.s, context.bot, team, text)

    async def new_round(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Opens a round and posts its aim with the button to join privately."""
        team = await self._managed(update, context)
        if team is not None:
            await rounds.open_round(self.s, team, self._term(context))

    async def on_new_round_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The yearly reminder's button: the principal or an admin starts the next round."""
        query = update.callback_query
        assert query is not None
        found = await access.principal_tap(self.s, update, context, callbacks.NewRoundTap)
        if found is None:
            return
        await query.answer()
        await rounds.open_round(self.s, found[0])

    async def status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Posts the round's progress counts (never who, never what)."""
        team = await access.ready_team(self.s, update, context)
        if team is not None:
            await rounds.status(self.s, team)

    async def close(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/sluit: closes the running step (the principal or an admin)."""
        team = await self._managed(update, context)
        if team is not None:
            await steps.close(self.s, team)

    async def deadline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/deadline 7d | 48u | 30-11: the running step closes by itself then, with reminders."""
        team = await self._managed(update, context)
        if team is not None:
            await steps.set_deadline(self.s, team, " ".join(context.args or []))

    async def open_priorities(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Opens step 2C: every member is asked in private to circle one priority partner."""
        team = await self._managed(update, context)
        if team is not None:
            await steps.open_private_step(
                self.s, team, team_dialog.open_priorities, self._term(context)
            )

    async def closing(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/afsluiter: step 4, the seven closing questions in private."""
        team = await self._managed(update, context)
        if team is not None:
            await steps.open_private_step(
                self.s, team, team_dialog.open_closing, self._term(context)
            )

    async def on_term(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A term button: the step closes by itself then, if it is still the one running."""
        query = update.callback_query
        assert query is not None
        found = await access.principal_tap(self.s, update, context, callbacks.TermTap)
        if found is None:
            return
        team, tap = found
        message_id = query.message.message_id if query.message else 0
        if not await steps.take_term(self.s, team, tap.round_id, tap.step, tap.term, message_id):
            await query.answer(self.s.texts.plain("err.stale", team.language.value))
            return
        try:
            await query.answer()
        except TelegramError as exc:
            # An old query (e.g. after a restart): the tap still counts.
            log.debug("could not answer the term tap: %s", exc)
        if isinstance(query.message, Message):
            try:
                await query.message.edit_reply_markup(reply_markup=None)
            except TelegramError as exc:
                log.debug("could not clear the term buttons: %s", exc)

    async def on_tie(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The principal settles a tied category; others get a polite toast."""
        query = update.callback_query
        assert query is not None
        found = await access.principal_tap(self.s, update, context, callbacks.TieTap)
        if found is None:
            return
        team, tap = found
        lang = team.language.value
        try:
            category = Category(tap.category)
        except ValueError:
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        async with self.s.store.tx() as tx:
            round_ = await tx.round(tap.round_id) if await tx.round_exists(tap.round_id) else None
            node = None
            if round_ is not None and round_.team_id == team.id:
                team_map = await mapview.load(tx, round_)
                node = next((n for n in team_map.nodes if key_hash(n.key) == tap.node_hash), None)
            if round_ is None or node is None:
                await query.answer(self.s.texts.plain("err.stale", lang))
                return
            await tx.set_override(round_.id, node.key, "category", category.value)
        await query.answer()
        text = self.s.texts.t(
            "map.tie_settled",
            lang,
            name=node.label,
            category=self.s.texts.plain(f"category.{category.value}", lang),
        )
        if isinstance(query.message, Message):
            try:
                await query.message.edit_text(text, reply_markup=None)
            except TelegramError as exc:
                log.debug("could not update the tie question: %s", exc)
        await maps.answered(self.s, team, round_.id)

    async def show_map(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/kaart: the principal or a group admin sees the latest map (group or private chat)."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        if chat.type == "private" and await self._member_map(context, user.id, chat.id):
            return
        team = await access.managed_team(self.s, update, context)
        if team is None:
            return
        if context.args and context.args[0].casefold() in ("vergelijk", "compare"):
            await self.show_comparison(context, team, chat.id)
            return
        async with self.s.store.tx() as tx:
            round_ = await tx.latest_round_of(team.id)
            waiting = round_ is not None and round_.step == maps.QUESTIONS_STEP
            if waiting and chat.id == team.chat_id and round_ is not None:
                # Asked for in the group while similar names wait: the default applies now.
                await maps.release(tx, self.s, team, round_)
                if not await maps.shown(tx, self.s, team, round_):
                    await maps.post(tx, self.s, team, round_)
            elif round_ is not None and round_.step != Step.BRAINSTORM.value:
                await maps.post(tx, self.s, team, round_, chat_id=chat.id)
        if round_ is None or round_.step == Step.BRAINSTORM.value:
            await send_text(context.bot, chat.id, self.s.texts.t("map.no_map", team.language.value))
            return
        await self.s.flush()

    async def _member_map(
        self, context: ContextTypes.DEFAULT_TYPE, user_id: int, chat_id: int
    ) -> bool:
        """/kaart in private from a member who leads no team: the map as the group has it
        (once the brainstorm closed and only while they are in the group). False when the
        person is not a member (the principal's path answers then)."""
        async with self.s.store.tx() as tx:
            if await tx.teams_led_by(user_id):
                return False
            member = await tx.active_member(user_id)
            found = await tx.member_in_context(member.id) if member is not None else None
        if found is None:
            return False
        _, round_, team = found
        lang = team.language.value
        present = await access.still_in_group(self.s, context.bot, team, user_id)
        if not present:
            key = "dm.check_failed" if present is None else "member.left_group_short"
            text = self.s.texts.t(key, lang, school=team.school_name or "")
            await send_text(context.bot, chat_id, text)
            return True
        async with self.s.store.tx() as tx:
            # The round as it is now (the membership check above may have waited on Telegram).
            latest = await tx.latest_round_of(team.id)
            shared = (
                latest is not None
                and latest.id == round_.id
                and latest.step != Step.BRAINSTORM.value
                # Not before the group got it (the principal may still settle similar names).
                and await maps.released(tx, team, latest)
            )
            if shared and latest is not None:
                await maps.post(tx, self.s, team, latest, chat_id=chat_id)
        if not shared:
            await send_text(context.bot, chat_id, self.s.texts.t("map.member_not_yet", lang))
            return True
        await self.s.flush()
        return True

    async def show_comparison(
        self, context: ContextTypes.DEFAULT_TYPE, team: Team, chat_id: int
    ) -> None:
        """/kaart vergelijk: the comparison map with new, dropped and moved partners, and a text."""
        async with self.s.store.tx() as tx:
            view = await compare_dialog.load(tx, self.s.texts, team, self.s.timezone(team))
        if not isinstance(view, compare_dialog.ComparisonView):
            await send_text(context.bot, chat_id, view)
            return
        try:
            png = await asyncio.to_thread(render, view.data)
        except Exception:
            log.exception("rendering the comparison failed")
            await send_text(
                context.bot, chat_id, self.s.texts.t("map.rendering_failed", team.language.value)
            )
            return
        await context.bot.send_photo(chat_id, png, caption=view.caption)
        await send_text(context.bot, chat_id, view.summary)

    async def export(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/export: the principal gets the map as JSON, CSV, GraphML, SVG and PDF in private."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        team = await access.managed_team(self.s, update, context)
        if team is None:
            return
        lang = team.language.value
        files = await maps.export_files(self.s, team)
        if files is None:
            await send_text(context.bot, chat.id, self.s.texts.t("map.no_map", lang))
            return
        try:
            for name, data in files:
                await context.bot.send_document(user.id, data, filename=name)
        except Forbidden:
            await send_text(context.bot, chat.id, self.s.texts.t("export.open_private", lang))
            return
        await send_text(context.bot, user.id, self.s.texts.t("export.sent", lang))

    async def on_suggestion(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The principal answers 'Zijn dit dezelfde partner?'; others only get a polite toast."""
        query = update.callback_query
        assert query is not None
        found = await access.principal_tap(self.s, update, context, callbacks.SuggestionTap)
        if found is None:
            return
        team, tap = found
        lang = team.language.value
        async with self.s.store.tx() as tx:
            row = await tx.suggestion(tap.suggestion_id)
            round_ = await tx.round(row.round_id) if row else None
            valid = row is not None and round_ is not None and round_.team_id == team.id
            answered = valid and await tx.answer_suggestion(tap.suggestion_id, tap.decision)
        if not answered or row is None:
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        await query.answer()
        key = "map.suggestion_merged" if tap.decision == "merge" else "map.suggestion_apart"
        text = self.s.texts.t(key, lang, a=row.label_a, b=row.label_b)
        async with self.s.store.tx() as tx:
            following = await maps.next_question(tx, self.s, team, row.round_id)
        markup = None
        if following is not None:
            # The same message asks the next question: one message for all of them.
            text = Html(f"{text}\n\n{following[0]}")
            markup = delivery.markup(following[1])
        message = query.message
        edited = False
        if isinstance(message, Message):
            try:
                await message.edit_text(text, reply_markup=markup)
                edited = True
            except TelegramError as exc:
                log.debug("could not update the suggestion: %s", exc)
        if not edited and markup is not None:
            await send_text(context.bot, query.from_user.id, text, markup)
        await maps.answered(self.s, team, row.round_id)

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Sets the team's language (nl or en)."""
        team = await self._managed(update, context)
        if team is None:
            return
        choice = (context.args[0].lower() if context.args else "").strip()
        if choice not in {lang.value for lang in Language}:
            text = self.s.texts.t("group.language_usage", team.language.value)
            await send_text(context.bot, team.chat_id, text)
            return
        async with self.s.store.tx() as tx:
            await tx.set_language(team.id, Language(choice))
        await send_text(context.bot, team.chat_id, self.s.texts.t("group.language_set", choice))

    async def added(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says hello and what to do first when someone adds the bot to a group."""
        change = update.my_chat_member
        if change is not None and change.chat.type == "private":
            # Telegram's own signal that a person blocked (kicked) or unblocked the bot.
            async with self.s.store.tx() as tx:
                if change.new_chat_member.status == "kicked":
                    await tx.mark_blocked([change.chat.id])
                else:
                    await tx.mark_reachable(change.chat.id)
            return
        if change is None or change.chat.type not in {"group", "supergroup"}:
            return
        was_in = change.old_chat_member.status in {"member", "administrator", "creator"}
        is_in = change.new_chat_member.status in {"member", "administrator"}
        if was_in and not is_in:
            # Removed from the group: what falls due for it meanwhile waits until we are back.
            async with self.s.store.tx() as tx:
                parked = await tx.park_chat(
                    change.chat.id, f"removed: {change.new_chat_member.status}"
                )
                team = await tx.team_by_chat(change.chat.id)
                if parked and team is not None and team.is_ready:
                    # The principal hears why the group goes quiet and how to undo it.
                    text = self.s.texts.t("group.bot_removed", team.language.value,
                                          school=team.school_name or "")  # fmt: skip
                    await tx.enqueue(Text(team.principal_user_id, text), team.id)
            await self.s.flush()
            return
        if was_in or not is_in:
            return
        team = await access.team_of_chat(self.s, change.chat.id)
        lang = team.language.value if team else self.s.settings.language.value
        key = "group.added_again" if team and team.is_ready else "group.added"
        await send_text(context.bot, change.chat.id, self.s.texts.t(key, lang))
        # Back in the group: what fell due meanwhile (a summary, a map) is posted now, in order.
        async with self.s.store.tx() as tx:
            await tx.unpark_chat(change.chat.id)
        await self.s.flush()

    async def member_changed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Someone left, was removed or came back (chat_member where the bot is admin, or the
        group's service message): from now on they are (not) counted, asked or reminded."""
        chat = update.effective_chat
        if chat is None or chat.type not in {"group", "supergroup"}:
            return
        team = await access.team_of_chat(self.s, chat.id)
        if team is None:
            return
        changes: list[tuple[int, bool]] = []
        if update.chat_member is not None:
            status = update.chat_member.new_chat_member.status
            changes.append((update.chat_member.new_chat_member.user.id,
                            status in access.MEMBER_STATUSES))  # fmt: skip
        message = update.effective_message
        if update.chat_member is None and message is not None:
            if message.left_chat_member is not None:
                changes.append((message.left_chat_member.id, False))
            changes += [(user.id, True) for user in message.new_chat_members or ()]
        now = self.s.clock()
        for user_id, present in changes:
            if user_id == context.bot.id:
                continue
            self.s.presence.put(chat.id, user_id, present, now)
            await presence.record(self.s, team.id, user_id, present)

    async def seen_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs before every handler: an update from a group means the bot is in it, so what
        waited for the group since it was removed can go now."""
        chat = update.effective_chat
        if chat is None or chat.type not in {"group", "supergroup"} or update.my_chat_member:
            return
        async with self.s.store.tx() as tx:
            back = await tx.unpark_chat(chat.id)
        if back:
            await self.s.flush()

    async def on_takeover(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group admin takes over the role of a conversation leader who left the group."""
        query = update.callback_query
        chat = update.effective_chat
        assert query is not None
        tap = callbacks.decode(query.data)
        team = await access.team_of_chat(self.s, chat.id) if chat else None
        if not isinstance(tap, callbacks.TakeoverTap) or team is None or team.id != tap.team_id:
            await query.answer(self.s.texts.plain("err.stale", self.s.settings.language.value))
            return
        lang = team.language.value
        user = query.from_user
        if not await access.is_admin(context.bot, team.chat_id, user.id):
            await query.answer(self.s.texts.plain("group.takeover_only_admin", lang))
            return
        if await access.principal_present(self.s, context.bot, team):
            await query.answer(self.s.texts.plain("group.takeover_not_needed", lang))
            return
        message_id = query.message.message_id if query.message else 0
        async with self.s.store.tx() as tx:
            taken = await tx.take_living_message(team.chat_id, access.takeover_key(team),
                                                 message_id)  # fmt: skip
            if taken:
                await tx.set_principal(team.id, user.id)
        if not taken:
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        await query.answer()
        text = self.s.texts.t("group.takeover_done", lang, name=user.full_name)
        if isinstance(query.message, Message):
            try:
                await query.message.edit_text(text, reply_markup=None)
            except TelegramError as exc:
                log.debug("could not update the take-over offer: %s", exc)

    # -- step 3 ----------------------------------------------------------------------------

    async def deep(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/verdiep [naam]: choose partners for the in-depth conversation, then start it."""
        team = await self._managed(update, context)
        if team is None:
            return
        refusal = await steps.choose_deep(self.s, team, " ".join(context.args or []).strip())
        if refusal is not None:
            await send_text(context.bot, team.chat_id, self.s.texts.t(refusal, team.language.value))

    async def on_deep(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The principal toggles a partner for step 3, or starts it."""
        query = update.callback_query
        assert query is not None
        found = await access.principal_tap(self.s, update, context, callbacks.DeepTap)
        if found is None:
            return
        team, tap = found
        lang = team.language.value
        async with self.s.store.tx() as tx:
            round_ = await tx.open_round_of(team.id)
            draft = await tx.deep_session(round_.id, "draft") if round_ else None
            if round_ is None or draft is None or int(draft.id) != tap.session_id:
                await query.answer(self.s.texts.plain("err.stale", lang))
                return
            if tap.action == "tog":
                team_map = await mapview.load(tx, round_)
                node = next((n for n in team_map.nodes if key_hash(n.key) == tap.node_hash), None)
                if node is None:
                    await query.answer(self.s.texts.plain("err.stale", lang))
                    return
                await tx.toggle_deep_partner(tap.session_id, node.key, node.label)
                markup = delivery.markup(
                    await steps.deep_choice(tx, self.s, team, tap.session_id, team_map)
                )
        if tap.action == "tog":
            await query.answer()
            if isinstance(query.message, Message):
                try:
                    await query.message.edit_reply_markup(reply_markup=markup)
                except TelegramError as exc:
                    log.debug("could not update the choice: %s", exc)
            return
        result = await steps.start_deep(self.s, team, tap.session_id)
        if result.round is None:
            await query.answer(re.sub(r"<[^>]+>", "", result.text)[:200])
            return
        await query.answer()

    async def finish(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/afronden: keep the map and answers as a version; the principal gets the report."""
        team = await self._managed(update, context)
        if team is not None:
            await finish_action.finish(self.s, team)

    async def report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/rapport: the principal gets the latest report again in private."""
        team = await access.managed_team(self.s, update, context)
        chat, user = update.effective_chat, update.effective_user
        if team is None or user is None or chat is None:
            return
        notify = chat.id if chat.id != user.id else None
        async with self.s.store.tx() as tx:
            await finish_action.report(tx, self.s, team, user.id, notify=notify)
        await self.s.flush()

    async def names(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/namen aan|uit: first names or 'deelnemer 1..n' with answers shared in the group."""
        await self._toggle(update, context, "names", Tx.set_show_names)

    async def colour_blind(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/kleurenblind aan|uit: shapes and patterns besides colour on the team's maps."""
        await self._toggle(update, context, "colour", Tx.set_colour_blind)

    async def send_hours(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/berichturen werkdagen|elkedag|altijd, or /berichturen tijdzone Europe/Brussels."""
        team = await self._managed(update, context)
        if team is None:
            return
        lang = team.language.value
        args = [a.strip() for a in context.args or []]
        choice = args[0].casefold() if args else ""
        send_days = SEND_DAY_WORDS.get(choice)
        timezone: str | None = None
        if choice in {"tijdzone", "timezone"}:
            timezone = _valid_zone(args[1]) if len(args) == 2 else None
            if timezone is None:
                text = self.s.texts.t("group.timezone_unknown", lang, zone=" ".join(args[1:]))
                await send_text(context.bot, team.chat_id, text)
                return
        elif send_days is None:
            await send_text(context.bot, team.chat_id, self._send_hours_text(team, usage=True))
            return
        async with self.s.store.tx() as tx:
            await tx.set_schedule_settings(team.id, timezone=timezone, send_days=send_days)
            updated = await tx.team(team.id)
        await send_text(context.bot, team.chat_id, self._send_hours_text(updated, usage=False))

    async def free_days(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/vrijedag [weg] DATE [tot DATE] [label]: the school's own days off; alone, the list."""
        team = await self._managed(update, context)
        user = update.effective_user
        if team is None or user is None:
            return
        text = " ".join(context.args or [])
        answer = await calendar_action.free_days_command(self.s, team, user.id, text)
        await send_text(context.bot, team.chat_id, answer)

    def _send_hours_text(self, team: Team, *, usage: bool) -> Html:
        lang = team.language.value
        text = self.s.texts.t(
            "group.send_hours",
            lang,
            when=self.s.texts.plain(f"group.send_days_{team.send_days}", lang),
            zone=self.s.timezone(team),
        )
        if usage:
            text = Html(f"{text}\n\n{self.s.texts.t('group.send_hours_usage', lang)}")
        return text

    async def _toggle(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        prompt: str,
        setter: Callable[[Tx, int, bool], Awaitable[None]],
    ) -> None:
        """An on/off team setting: 'aan'/'uit' (or on/off), else the usage line."""
        team = await self._managed(update, context)
        if team is None:
            return
        lang = team.language.value
        choice = (context.args[0].lower() if context.args else "").strip()
        if choice not in {"aan", "uit", "on", "off"}:
            text = self.s.texts.t(f"group.{prompt}_usage", lang)
            await send_text(context.bot, team.chat_id, text)
            return
        on = choice in {"aan", "on"}
        async with self.s.store.tx() as tx:
            await setter(tx, team.id, on)
        key = f"group.{prompt}_on" if on else f"group.{prompt}_off"
        await send_text(context.bot, team.chat_id, self.s.texts.t(key, lang))

    async def migrate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Follows the group when Telegram turns it into a supergroup."""
        message = update.effective_message
        if message is None or message.migrate_to_chat_id is None:
            return
        async with self.s.store.tx() as tx:
            await tx.migrate_chat(message.chat.id, message.migrate_to_chat_id)
