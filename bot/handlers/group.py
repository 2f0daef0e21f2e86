"""Group commands: /start, /ronde, /status, /sluit, /taal, and the reply with the school name."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo, available_timezones

from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import callbacks
from bot.dialogs import closing as closing_dialog
from bot.dialogs import compare as compare_dialog
from bot.dialogs import deep as deep_dialog
from bot.dialogs import finish as finish_dialog
from bot.dialogs import mapview, sharing
from bot.dialogs import team as team_dialog
from bot.dialogs.base import Ctx
from bot.dialogs.priority import key_hash
from core import teammap
from core.merge import Node, name_key
from core.model import Category, Language, Member, Round, Team
from core.protocol import Stage, Step, can_move
from core.render import render
from core.schedule import parse_deadline
from core.teammap import TeamMap
from prompts import Html, Texts
from storage.store import Tx

from .common import (
    ADMIN_STATUSES,
    ANONYMOUS_ADMIN_ID,
    Services,
    join_markup,
    refresh_progress,
    run_action,
    send_screens,
    send_text,
    share_intro,
)

if TYPE_CHECKING:
    from bot.jobs import Scheduler

TapT = TypeVar(
    "TapT",
    callbacks.SuggestionTap,
    callbacks.TieTap,
    callbacks.DeepTap,
    callbacks.NewRoundTap,
    callbacks.TermTap,
)

log = logging.getLogger(__name__)
RUNNING_STEPS = frozenset({Step.BRAINSTORM, Step.PRIORITIES, Step.DEEP, Step.CLOSING})


def _mention(user: User | None) -> str:
    return user.full_name if user else ""


DEEP_CHOICES = 12


def _most_picked(team_map: TeamMap) -> Node | None:
    """The default partner for step 3: the most-picked priority partner (002: 'bv. prioritair')."""
    best = max(range(len(team_map.nodes)), key=lambda i: len(team_map.picks[i]), default=None)
    if best is None or not team_map.picks[best]:
        return None
    return team_map.nodes[best]


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


# The term buttons under a step that just opened.
TERMS = ("3d", "7d", "14d")


class GroupHandlers:
    """Thin adapters for everything that happens in a team's group chat."""

    def __init__(self, services: Services) -> None:
        self.s = services
        # Set by the application wiring; deadlines need it.
        self.scheduler: Scheduler | None = None

    async def _is_admin(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return False
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
        except TelegramError as exc:
            log.warning("could not check admin status: %s", exc)
            return False
        return member.status in ADMIN_STATUSES

    async def _may_manage(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, team: Team | None
    ) -> bool:
        """The team's principal or a group admin may run the protocol; others get a polite no."""
        user = update.effective_user
        assert update.effective_chat is not None
        lang = team.language.value if team else self.s.settings.language.value
        if user is not None and user.id == ANONYMOUS_ADMIN_ID:
            await send_text(
                context.bot, update.effective_chat.id, self.s.texts.t("group.anonymous_admin", lang)
            )
            return False
        if user is not None and team is not None and user.id == team.principal_user_id:
            return True
        if await self._is_admin(update, context):
            return True
        await send_text(
            context.bot,
            update.effective_chat.id,
            self.s.texts.t("group.only_admin", lang, name=user.first_name if user else ""),
        )
        return False

    async def _team(self, chat_id: int) -> Team | None:
        async with self.s.store.tx() as tx:
            return await tx.team_by_chat(chat_id)

    async def _ready_team(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Team | None:
        """The registered team of this group; tells the group what to do when there is none."""
        assert update.effective_chat is not None
        team = await self._team(update.effective_chat.id)
        if team is None or not team.is_ready:
            key = "group.not_registered" if team is None else "group.ask_name_again"
            lang = team.language.value if team else self.s.settings.language.value
            text = self.s.texts.t(key, lang)
            if team is None:
                await send_text(context.bot, update.effective_chat.id, text)
            else:
                await self._ask_name(context, team, text)
            return None
        return team

    async def _ask_name(self, context: ContextTypes.DEFAULT_TYPE, team: Team, text: Html) -> None:
        message = await context.bot.send_message(
            team.chat_id, text, reply_markup=ForceReply(selective=False)
        )
        async with self.s.store.tx() as tx:
            await tx.set_name_prompt(team.id, message.message_id)

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Registers the group as a team with the sender as principal and asks the school name."""
        chat = update.effective_chat
        assert chat is not None
        existing = await self._team(chat.id)
        if not await self._may_manage(update, context, existing):
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
            await self._ask_name(context, result.team, result.text)
        else:
            await send_text(context.bot, chat.id, result.text)

    async def on_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stores the school name when someone answers the bot's name question."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None or message.reply_to_message is None:
            return
        team = await self._team(chat.id)
        if team is None or message.reply_to_message.message_id != team.name_prompt_message_id:
            return
        if not await self._may_manage(update, context, team):
            return
        async with self.s.store.tx() as tx:
            text = await team_dialog.set_school_name(
                tx, self.s.texts, team, message.text or "", _mention(update.effective_user)
            )
            updated = await tx.team(team.id)
        if updated.is_ready:
            await send_text(context.bot, chat.id, text)
        else:
            await self._ask_name(context, team, text)

    async def new_round(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Opens a round and posts its aim with the button to join privately."""
        team = await self._ready_team(update, context)
        if team is None or not await self._may_manage(update, context, team):
            return
        if not await self._open_round(context, team):
            return
        if context.args:
            await self._set_deadline(context, team, " ".join(context.args))
        else:
            await self._offer_terms(context, team)

    async def _open_round(self, context: ContextTypes.DEFAULT_TYPE, team: Team) -> bool:
        """Open a round and post its announcement; False (with the reason posted) if not."""
        async with self.s.store.tx() as tx:
            result = await team_dialog.open_round(tx, self.s.texts, team)
        if result.round is None:
            await send_text(context.bot, team.chat_id, result.text)
            return False
        message = await context.bot.send_message(
            team.chat_id,
            result.text,
            reply_markup=join_markup(self.s.texts, team, result.round, context.bot.username),
        )
        async with self.s.store.tx() as tx:
            await tx.set_progress_message(result.round.id, message.message_id)
        return True

    async def on_new_round_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The yearly reminder's button: the principal or an admin starts the next round."""
        query = update.callback_query
        assert query is not None
        found = await self._principal_tap(update, context, callbacks.NewRoundTap)
        if found is None:
            return
        team, _ = found
        await query.answer()
        if await self._open_round(context, team):
            await self._offer_terms(context, team)

    async def status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Posts the round's progress counts (never who, never what)."""
        team = await self._ready_team(update, context)
        if team is None:
            return
        lang = team.language.value
        async with self.s.store.tx() as tx:
            round_ = await tx.open_round_of(team.id)
            progress = await tx.progress(round_.id) if round_ else None
        if round_ is None or progress is None:
            await send_text(context.bot, team.chat_id, self.s.texts.t("group.no_round", lang))
            return
        counts = team_dialog.progress_text(self.s.texts, lang, round_, progress)
        if round_.step in (Step.PRIORITIES.value, Step.PRIORITIES_CLOSED.value):
            async with self.s.store.tx() as tx:
                picked, joined = await team_dialog.priority_progress(tx, round_.id)
            counts = self.s.texts.t("group.priority_progress", lang, picked=picked, joined=joined)
        text = self.s.texts.t(
            "group.status",
            lang,
            school=team.school_name,
            number=round_.number,
            step=self.s.texts.plain(f"step.{round_.step}", lang),
            progress=counts,
        )
        await send_text(context.bot, team.chat_id, text)

    async def close(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/sluit: closes the running step (the principal or an admin)."""
        team = await self._ready_team(update, context)
        if team is None or not await self._may_manage(update, context, team):
            return
        await self.close_team_step(context, team)

    async def close_team_step(self, context: ContextTypes.DEFAULT_TYPE, team: Team) -> None:
        """Close whatever step runs; members are told in private, the group gets the result."""
        async with self.s.store.tx() as tx:
            round_before = await tx.open_round_of(team.id)
            result = await team_dialog.close_step(tx, self.s.texts, team)
            if round_before is not None and result.round is not None:
                # Reminders and the deadline of the closed step are no longer needed.
                await tx.cancel_planned(round_before.id, round_before.step)
        if round_before is not None and round_before.step == Step.BRAINSTORM.value:
            # The principal moves on: step 1's answers are shared now if they were not yet.
            await share_intro(context.bot, self.s, round_before.id, force=True)
        await send_text(context.bot, team.chat_id, result.text)
        if result.round is None:
            return
        unreachable = 0
        for user_id, text in result.direct:
            if await send_text(context.bot, user_id, text) is None:
                unreachable += 1
        if unreachable:
            await send_text(
                context.bot,
                team.chat_id,
                self.s.texts.t("group.unreachable", team.language.value, count=unreachable),
            )
        await refresh_progress(context.bot, self.s, result.round.id)
        if result.round.step == Step.BRAINSTORM_CLOSED.value:
            await self.post_map(context, team, result.round, with_suggestions=True)
        elif result.round.step in (Step.PRIORITIES_CLOSED.value, Step.CLOSING_CLOSED.value):
            await self.post_map(context, team, result.round)

    async def deadline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/deadline 7d | 48u | 30-11: the running step closes by itself then, with reminders."""
        team = await self._ready_team(update, context)
        if team is None or not await self._may_manage(update, context, team):
            return
        await self._set_deadline(context, team, " ".join(context.args or []))

    async def _set_deadline(
        self, context: ContextTypes.DEFAULT_TYPE, team: Team, text: str
    ) -> None:
        lang = team.language.value
        scheduler = self.scheduler
        zone = ZoneInfo(self.s.timezone(team))
        now = scheduler.clock() if scheduler else datetime.now(UTC)
        when = parse_deadline(text, now, zone) if text else None
        async with self.s.store.tx() as tx:
            round_ = await tx.open_round_of(team.id)
        if round_ is None or Step(round_.step) not in RUNNING_STEPS:
            await send_text(
                context.bot, team.chat_id, self.s.texts.t("group.deadline_no_step", lang)
            )
            return
        if when is None or scheduler is None:
            await send_text(context.bot, team.chat_id, self.s.texts.t("group.deadline_usage", lang))
            return
        await scheduler.plan_step(team, round_, when)
        local = when.astimezone(zone).strftime("%d-%m-%Y %H:%M")
        step = self.s.texts.plain(f"step.{round_.step}", lang)
        await send_text(
            context.bot,
            team.chat_id,
            self.s.texts.t("group.deadline_set", lang, step=step, when=local),
        )

    async def open_priorities(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Opens step 2C: every member is asked in private to circle one priority partner."""
        await self._open_private_step(update, context, team_dialog.open_priorities)

    async def _open_private_step(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        opener: Callable[[Tx, Texts, Team], Awaitable[team_dialog.OpenResult]],
    ) -> None:
        """Open a step that members answer in private, ask them, and apply a term if given."""
        team = await self._ready_team(update, context)
        if team is None or not await self._may_manage(update, context, team):
            return
        async with self.s.store.tx() as tx:
            result = await opener(tx, self.s.texts, team)
        await send_text(context.bot, team.chat_id, result.text)
        await self._ask_members(context, team, result.members)
        if result.round is not None and context.args:
            await self._set_deadline(context, team, " ".join(context.args))
        elif result.round is not None:
            await self._offer_terms(context, team)

    async def _offer_terms(self, context: ContextTypes.DEFAULT_TYPE, team: Team) -> None:
        """Buttons for a term for the step that just opened (or none): no command to remember."""
        async with self.s.store.tx() as tx:
            round_ = await tx.open_round_of(team.id)
        if round_ is None or Step(round_.step) not in RUNNING_STEPS or self.scheduler is None:
            return
        lang = team.language.value
        buttons = [
            InlineKeyboardButton(
                self.s.texts.plain(f"btn.term_{value}", lang),
                callback_data=callbacks.term(round_.id, round_.step, value),
            )
            for value in TERMS
        ]
        message = await context.bot.send_message(
            team.chat_id,
            self.s.texts.t("group.term_offer", lang),
            reply_markup=InlineKeyboardMarkup([buttons]),
        )
        async with self.s.store.tx() as tx:
            await tx.set_term_offer(round_.id, message.message_id)

    async def on_term(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A term button: the step closes by itself then, if it is still the one running."""
        query = update.callback_query
        assert query is not None
        found = await self._principal_tap(update, context, callbacks.TermTap)
        if found is None:
            return
        team, tap = found
        message_id = query.message.message_id if query.message else 0
        async with self.s.store.tx() as tx:
            round_ = await tx.open_round_of(team.id)
            fresh = (
                round_ is not None
                and round_.id == tap.round_id
                and round_.step == tap.step
                and tap.term in TERMS
                # Only the newest offer, once: a double tap or an earlier step's buttons do nothing.
                and await tx.take_term_offer(round_.id, message_id)
            )
        if not fresh:
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
        await self._set_deadline(context, team, tap.term)

    # -- the map ---------------------------------------------------------------------------

    async def post_map(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        team: Team,
        round_: Round,
        *,
        chat_id: int | None = None,
        with_suggestions: bool = False,
    ) -> None:
        """Render the round's current map and post it; optionally ask the merge questions."""
        lang = team.language.value
        target = chat_id if chat_id is not None else team.chat_id
        async with self.s.store.tx() as tx:
            team_map = await mapview.load(tx, round_)
            metaphors = await sharing.metaphors(tx, round_)
            asked: list[tuple[int, str, str]] = []
            if with_suggestions:
                for a, b in team_map.suggestions:
                    node_a, node_b = team_map.nodes[a], team_map.nodes[b]
                    suggestion_id = await tx.add_suggestion(
                        round_.id, node_a.key, node_b.key, node_a.label, node_b.label
                    )
                    if suggestion_id is not None:
                        asked.append((suggestion_id, node_a.label, node_b.label))
        map_texts = mapview.texts_for(self.s.texts, team, round_, self.s.timezone(team))
        data = mapview.data_for(team_map, map_texts, colour_blind=team.colour_blind)
        try:
            png = await asyncio.to_thread(render, data)
        except Exception:
            log.exception("rendering the map failed")
            await send_text(context.bot, target, self.s.texts.t("map.rendering_failed", lang))
            return
        await context.bot.send_photo(
            target, png, caption=mapview.caption(self.s.texts, team, round_, team_map, metaphors)
        )
        if asked:
            intro = self.s.texts.t("map.suggestions_intro", lang, count=len(asked))
            await send_text(context.bot, target, intro)
        if with_suggestions:
            for node in team_map.nodes:
                if node.category_tie:
                    await self._ask_tie(context, team, round_, node, target)
        for suggestion_id, label_a, label_b in asked:
            await context.bot.send_message(
                target,
                self.s.texts.t("map.suggestion", lang, a=label_a, b=label_b),
                reply_markup=InlineKeyboardMarkup(
                    [
                        [
                            InlineKeyboardButton(
                                self.s.texts.plain("btn.merge", lang),
                                callback_data=callbacks.suggestion(suggestion_id, "merge"),
                            ),
                            InlineKeyboardButton(
                                self.s.texts.plain("btn.apart", lang),
                                callback_data=callbacks.suggestion(suggestion_id, "apart"),
                            ),
                        ]
                    ]
                ),
            )

    async def _ask_tie(
        self, context: ContextTypes.DEFAULT_TYPE, team: Team, round_: Round, node: Node, target: int
    ) -> None:
        """Members split evenly on a category: the principal picks one with a button."""
        lang = team.language.value
        options = ", ".join(
            self.s.texts.plain(f"category.{c.value}", lang) for c in node.category_tie
        )
        chosen = (
            self.s.texts.plain(f"category.{node.category.value}", lang) if node.category else ""
        )
        buttons = [
            [
                InlineKeyboardButton(
                    self.s.texts.plain(f"category.{c.value}", lang),
                    callback_data=callbacks.tie(round_.id, key_hash(node.key), c.value),
                )
            ]
            for c in node.category_tie
        ]
        await context.bot.send_message(
            target,
            self.s.texts.t("map.tie", lang, name=node.label, options=options, chosen=chosen),
            reply_markup=InlineKeyboardMarkup(buttons),
        )

    async def on_tie(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The principal settles a tied category; others get a polite toast."""
        query = update.callback_query
        assert query is not None
        found = await self._principal_tap(update, context, callbacks.TieTap)
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

    async def _managed_team(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE
    ) -> Team | None:
        """The team this principal (private chat) or principal/admin (group) may manage."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        if chat.type != "private":
            found = await self._ready_team(update, context)
            if found is None or not await self._may_manage(update, context, found):
                return None
            return found
        async with self.s.store.tx() as tx:
            led = await tx.teams_led_by(user.id)
        if not led:
            lang = self.s.settings.language.value
            await send_text(context.bot, chat.id, self.s.texts.t("map.not_principal", lang))
            return None
        return led[0]

    async def show_map(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/kaart: the principal or a group admin sees the latest map (group or private chat)."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        team = await self._managed_team(update, context)
        if team is None:
            return
        if context.args and context.args[0].casefold() in ("vergelijk", "compare"):
            await self.show_comparison(context, team, chat.id)
            return
        async with self.s.store.tx() as tx:
            round_ = await tx.latest_round_of(team.id)
        if round_ is None or round_.step == Step.BRAINSTORM.value:
            await send_text(context.bot, chat.id, self.s.texts.t("map.no_map", team.language.value))
            return
        await self.post_map(context, team, round_, chat_id=chat.id)

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
        team = await self._managed_team(update, context)
        if team is None:
            return
        lang = team.language.value
        async with self.s.store.tx() as tx:
            round_ = await tx.latest_round_of(team.id)
            team_map = await mapview.load(tx, round_) if round_ else None
            answers = (
                finish_dialog.answers_json(
                    await finish_dialog.report_data(
                        tx, self.s.texts, team, round_, self.s.timezone(team), b""
                    )
                )
                if round_ is not None
                else {}
            )
        if round_ is None or team_map is None or round_.step == Step.BRAINSTORM.value:
            await send_text(context.bot, chat.id, self.s.texts.t("map.no_map", lang))
            return
        files = await asyncio.to_thread(self._export_files, team, round_, team_map, answers)
        try:
            for name, data in files:
                await context.bot.send_document(user.id, data, filename=name)
        except Forbidden:
            await send_text(context.bot, chat.id, self.s.texts.t("export.open_private", lang))
            return
        await send_text(context.bot, user.id, self.s.texts.t("export.sent", lang))
        if chat.type != "private":
            await send_text(context.bot, chat.id, self.s.texts.t("export.sent_group", lang))

    def _export_files(
        self, team: Team, round_: Round, team_map: TeamMap, answers: dict[str, object]
    ) -> list[tuple[str, bytes]]:
        """The export files, named after the school and round (computed in a worker thread)."""
        date = mapview.local_date(round_, self.s.timezone(team))
        school = team.school_name or ""
        data = teammap.to_json(team_map, school=school, round_number=round_.number, date=date)
        data["answers"] = answers
        map_texts = mapview.texts_for(self.s.texts, team, round_, self.s.timezone(team))
        picture = mapview.data_for(team_map, map_texts, colour_blind=team.colour_blind)
        stem = f"netwerkkaart-ronde{round_.number}"
        return [
            (f"{stem}.json", teammap.to_json_bytes(data)),
            (f"{stem}-partners.csv", teammap.nodes_csv(team_map)),
            (f"{stem}-verbanden.csv", teammap.links_csv(team_map)),
            (f"{stem}.graphml", teammap.graphml(team_map, school)),
            (f"{stem}.svg", render(picture, "svg")),
            (f"{stem}.pdf", render(picture, "pdf")),
        ]

    async def _principal_tap(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, kind: type[TapT]
    ) -> tuple[Team, TapT] | None:
        """Decode a group button only the principal or an admin may use; others get a toast."""
        query = update.callback_query
        assert query is not None
        tap = callbacks.decode(query.data)
        chat = update.effective_chat
        team = await self._team(chat.id) if chat else None
        if not isinstance(tap, kind) or team is None:
            await query.answer(self.s.texts.plain("err.stale", self.s.settings.language.value))
            return None
        if query.from_user.id != team.principal_user_id and not await self._is_admin(
            update, context
        ):
            await query.answer(self.s.texts.plain("map.only_principal", team.language.value))
            return None
        return team, tap

    async def on_suggestion(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The principal answers 'Zijn dit dezelfde partner?'; others only get a polite toast."""
        query = update.callback_query
        assert query is not None
        found = await self._principal_tap(update, context, callbacks.SuggestionTap)
        if found is None:
            return
        team, tap = found
        lang = team.language.value
        async with self.s.store.tx() as tx:
            row = await tx.suggestion(tap.suggestion_id)
            round_ = await tx.round(row["round_id"]) if row else None
            valid = row is not None and round_ is not None and round_.team_id == team.id
            answered = valid and await tx.answer_suggestion(tap.suggestion_id, tap.decision)
        if not answered or row is None:
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        await query.answer()
        key = "map.suggestion_merged" if tap.decision == "merge" else "map.suggestion_apart"
        text = self.s.texts.t(key, lang, a=row["label_a"], b=row["label_b"])
        message = query.message
        if isinstance(message, Message):
            try:
                await message.edit_text(text, reply_markup=None)
            except TelegramError as exc:
                log.debug("could not update the suggestion: %s", exc)

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Sets the team's language (nl or en)."""
        team = await self._ready_team(update, context)
        if team is None or not await self._may_manage(update, context, team):
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
        if was_in or not is_in:
            return
        team = await self._team(change.chat.id)
        lang = team.language.value if team else self.s.settings.language.value
        key = "group.added_again" if team and team.is_ready else "group.added"
        await send_text(context.bot, change.chat.id, self.s.texts.t(key, lang))

    # -- step 3 ----------------------------------------------------------------------------

    async def deep(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/verdiep [naam]: choose partners for the in-depth conversation, then start it."""
        team = await self._ready_team(update, context)
        if team is None or not await self._may_manage(update, context, team):
            return
        lang = team.language.value
        typed = " ".join(context.args or []).strip()
        async with self.s.store.tx() as tx:
            round_ = await tx.open_round_of(team.id)
            if round_ is None or not can_move(Step(round_.step), Step.DEEP):
                text = self.s.texts.t("group.deep_not_now", lang)
                await send_text(context.bot, team.chat_id, text)
                return
            session_id = await tx.draft_deep_session(round_.id)
            team_map = await mapview.load(tx, round_)
            chosen = {k for k, _ in await tx.deep_partners(session_id)}
            if typed:
                index = team_map.index_of(name_key(typed))
                if index is None:
                    await send_text(
                        context.bot, team.chat_id, self.s.texts.t("group.deep_unknown", lang)
                    )
                    return
                node = team_map.nodes[index]
                if node.key not in chosen:
                    await tx.toggle_deep_partner(session_id, node.key, node.label)
            elif not chosen:
                default = _most_picked(team_map)
                if default is not None:
                    await tx.toggle_deep_partner(session_id, default.key, default.label)
            markup = await self._deep_markup(tx, team, round_, session_id, team_map)
        await context.bot.send_message(
            team.chat_id, self.s.texts.t("group.deep_select", lang), reply_markup=markup
        )

    async def _deep_markup(
        self, tx: Tx, team: Team, round_: Round, session_id: int, team_map: TeamMap
    ) -> InlineKeyboardMarkup:
        """Partner buttons (✓ chosen, ⭐ priority, most relevant first) and Start."""
        lang = team.language.value
        chosen = {k for k, _ in await tx.deep_partners(session_id)}
        order = sorted(
            range(len(team_map.nodes)),
            key=lambda i: (
                team_map.nodes[i].key not in chosen,
                -len(team_map.picks[i]),
                -team_map.nodes[i].mention_count,
                team_map.nodes[i].label.casefold(),
            ),
        )[:DEEP_CHOICES]
        rows = []
        for i in order:
            node = team_map.nodes[i]
            label = ("✓ " if node.key in chosen else "") + node.label
            if team_map.picks[i]:
                label += " ⭐"
            rows.append(
                [
                    InlineKeyboardButton(
                        label, callback_data=callbacks.deep(session_id, "tog", key_hash(node.key))
                    )
                ]
            )
        start = self.s.texts.plain("btn.deep_start", lang)
        rows.append([InlineKeyboardButton(start, callback_data=callbacks.deep(session_id, "go"))])
        return InlineKeyboardMarkup(rows)

    async def on_deep(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The principal toggles a partner for step 3, or starts it."""
        query = update.callback_query
        assert query is not None
        found = await self._principal_tap(update, context, callbacks.DeepTap)
        if found is None:
            return
        team, tap = found
        lang = team.language.value
        async with self.s.store.tx() as tx:
            round_ = await tx.open_round_of(team.id)
            draft = await tx.deep_session(round_.id, "draft") if round_ else None
            if round_ is None or draft is None or int(draft["id"]) != tap.session_id:
                await query.answer(self.s.texts.plain("err.stale", lang))
                return
            if tap.action == "tog":
                team_map = await mapview.load(tx, round_)
                node = next((n for n in team_map.nodes if key_hash(n.key) == tap.node_hash), None)
                if node is None:
                    await query.answer(self.s.texts.plain("err.stale", lang))
                    return
                await tx.toggle_deep_partner(tap.session_id, node.key, node.label)
                markup = await self._deep_markup(tx, team, round_, tap.session_id, team_map)
                result = None
            else:
                result = await team_dialog.open_deep(tx, self.s.texts, team, tap.session_id)
        if result is None:
            await query.answer()
            if isinstance(query.message, Message):
                try:
                    await query.message.edit_reply_markup(reply_markup=markup)
                except TelegramError as exc:
                    log.debug("could not update the choice: %s", exc)
            return
        if result.round is None:
            await query.answer(re.sub(r"<[^>]+>", "", result.text)[:200])
            return
        await query.answer()
        if isinstance(query.message, Message):
            try:
                await query.message.edit_reply_markup(reply_markup=None)
            except TelegramError as exc:
                log.debug("could not close the choice: %s", exc)
        await send_text(context.bot, team.chat_id, result.text)
        await self._ask_members(context, team, result.members)

    async def _ask_members(
        self, context: ContextTypes.DEFAULT_TYPE, team: Team, members: list[Member]
    ) -> None:
        """Show each member their current screen in private; count who cannot be reached."""
        unreachable = 0
        for member in members:
            outcome = await run_action(self.s, member.id, "resume")
            if outcome is None:
                continue
            screens = outcome[1].screens
            if Stage(member.stage) in (Stage.DEEP, Stage.CLOSING):
                opening = (
                    deep_dialog.start_screens
                    if Stage(member.stage) is Stage.DEEP
                    else closing_dialog.start_screens
                )
                async with self.s.store.tx() as tx:
                    fresh = await tx.member(member.id)
                    assert fresh is not None
                    ctx = Ctx(tx, self.s.texts, team, await tx.round(member.round_id), fresh)
                    screens = await opening(ctx)
            try:
                await send_screens(context.bot, member.user_id, screens, member.id, outcome[1].seq)
            except Forbidden:
                unreachable += 1
        if unreachable:
            await send_text(
                context.bot,
                team.chat_id,
                self.s.texts.t("group.unreachable", team.language.value, count=unreachable),
            )

    async def finish(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/afronden: keep the map and answers as a version; the principal gets the report."""
        team = await self._ready_team(update, context)
        if team is None or not await self._may_manage(update, context, team):
            return
        zone = self.s.timezone(team)
        async with self.s.store.tx() as tx:
            prepared = await finish_dialog.prepare(tx, self.s.texts, team, zone)
        if isinstance(prepared, finish_dialog.Finished):
            await send_text(context.bot, team.chat_id, prepared.text)
            return
        round_, data = prepared
        # Drawing the map and the PDF takes a second or two: not on the event loop, not in a tx.
        files = await asyncio.to_thread(
            finish_dialog.build_files, self.s.texts, team, round_, data, zone
        )
        async with self.s.store.tx() as tx:
            result = await finish_dialog.keep(tx, self.s.texts, team, round_, files, zone)
        if result.round is None:
            await send_text(context.bot, team.chat_id, result.text)
            return
        if self.scheduler is not None:
            await self.scheduler.plan_yearly(team, result.round)
        await context.bot.send_photo(team.chat_id, result.png)
        await send_text(context.bot, team.chat_id, result.text)
        if not await self.send_report(context, team, team.principal_user_id):
            text = self.s.texts.t("finish.open_private", team.language.value)
            await send_text(context.bot, team.chat_id, text)

    async def send_report(
        self, context: ContextTypes.DEFAULT_TYPE, team: Team, user_id: int
    ) -> bool:
        """Send the latest kept version's report to a person; False when they cannot be reached."""
        lang = team.language.value
        async with self.s.store.tx() as tx:
            version = await tx.latest_map_version(team.id)
            round_ = await tx.round(version["round_id"]) if version else None
        if version is None or round_ is None:
            await send_text(context.bot, user_id, self.s.texts.t("finish.no_version", lang))
            return True
        stem = f"netwerkkaart-ronde{round_.number}"
        try:
            await context.bot.send_document(
                user_id, bytes(version["report_pdf"]), filename=f"{stem}-verslag.pdf"
            )
            await context.bot.send_document(
                user_id, version["report_md"].encode("utf-8"), filename=f"{stem}-verslag.md"
            )
            await context.bot.send_document(
                user_id, bytes(version["png"]), filename="netwerkkaart.png"
            )
        except Forbidden:
            return False
        await send_text(
            context.bot, user_id, self.s.texts.t("finish.sent", lang, number=round_.number)
        )
        return True

    async def report(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/rapport: the principal gets the latest report again in private."""
        team = await self._managed_team(update, context)
        user = update.effective_user
        if team is None or user is None:
            return
        if not await self.send_report(context, team, user.id):
            chat = update.effective_chat
            assert chat is not None
            text = self.s.texts.t("finish.open_private", team.language.value)
            await send_text(context.bot, chat.id, text)

    async def closing(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/afsluiter: step 4, the seven closing questions in private."""
        await self._open_private_step(update, context, team_dialog.open_closing)

    async def names(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/namen aan|uit: first names or 'deelnemer 1..n' with answers shared in the group."""
        await self._toggle(update, context, "names", Tx.set_show_names)

    async def colour_blind(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/kleurenblind aan|uit: shapes and patterns besides colour on the team's maps."""
        await self._toggle(update, context, "colour", Tx.set_colour_blind)

    async def send_hours(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/berichturen werkdagen|elkedag|altijd, or /berichturen tijdzone Europe/Brussels."""
        team = await self._ready_team(update, context)
        if team is None or not await self._may_manage(update, context, team):
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
        team = await self._ready_team(update, context)
        if team is None or not await self._may_manage(update, context, team):
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
