"""Direct messages: joining through the deep link, the member's dialog, own data and help."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import access, callbacks
from bot.actions import control, guide, importing, members, notes, privacy
from bot.context import Services
from bot.delivery import markup
from bot.dialogs import commitments, editor, edits, owndata
from bot.dialogs.base import Button, Outcome, Screen
from bot.dialogs.editor import EditorCtx
from bot.dialogs.router import EDITOR
from core.effects import Text
from core.importmap import MAX_BYTES
from core.model import Member
from core.protocol import BRAINSTORMING, Stage, Step
from storage.store import Tx

from ..replies import replace_screen, send_screens, send_text

log = logging.getLogger(__name__)

# A /vergeetmij confirmation is answered within ten minutes, or asked again.
FORGET_CONFIRM_SECONDS = 10 * 60


def _editor_encoder(seq: int) -> Callable[[Button], str]:
    """Editor buttons carry the editor's screen number, not a member's."""
    return lambda button: callbacks.editor(seq, button.action, button.arg)


# The deep link under the group's registration message opens the control message.
CONTROL_PAYLOAD = "ctl"


class PrivateHandlers:
    """Thin adapters for a person's private chat with the bot."""

    def __init__(self, services: Services) -> None:
        self.s = services

    # -- helpers ---------------------------------------------------------------------------

    async def _lang_of(self, user_id: int) -> str:
        async with self.s.store.tx() as tx:
            member = await tx.active_member(user_id)
            if member is None:
                return self.s.settings.language.value
            team = await tx.team((await tx.round(member.round_id)).team_id)
        return team.language.value

    async def _left(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        member: Member | tuple[int, int, int],
        query: CallbackQuery | None = None,
    ) -> bool:
        """True when the member is no longer in their team's group: they are told so kindly
        (in full once, then briefly) and nothing they do is stored."""
        if isinstance(member, Member):
            member_id, user_id, round_id = member.id, member.user_id, member.round_id
            self.s.presence.members[member_id] = (user_id, round_id)
        else:
            member_id, user_id, round_id = member
        present, team_id = await access.member_present(
            self.s, context.bot, member_id, user_id, round_id
        )
        if present:
            return False
        async with self.s.store.tx() as tx:
            team = await tx.team(team_id)
            first = await tx.tell_left_once(team.id, user_id)
        lang = team.language.value
        if query is not None:
            await query.answer(self.s.texts.plain("member.left_group_short", lang))
        if first:
            text = self.s.texts.t("member.left_group", lang, school=team.school_name or "")
            await send_text(context.bot, chat_id, text)
        elif query is None:
            await send_text(context.bot, chat_id, self.s.texts.t("member.left_group_short", lang))
        return True

    async def _deliver(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, member: Member, outcome: Outcome
    ) -> None:
        """The direct reply, then whatever the action owes the group (counts, step 1)."""
        try:
            await send_screens(context.bot, chat_id, outcome.screens, member.id, outcome.seq)
        except Forbidden:
            # They blocked the bot; what they did is stored, and /start shows it again later.
            log.info("member %s cannot be reached", member.id)
        if outcome.progress_changed or outcome.intro_finished:
            await self.s.flush()

    async def _act(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        action: str,
        *,
        text: str = "",
        arg: str = "",
    ) -> None:
        """Run an action for the person's active membership, or explain how to join."""
        user = update.effective_user
        assert user is not None
        async with self.s.store.tx() as tx:
            member = await tx.active_member(user.id)
        await self.act_as(update, context, member, action, text=text, arg=arg)

    async def act_as(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        member: Member | None,
        action: str,
        *,
        text: str = "",
        arg: str = "",
    ) -> None:
        """Run an action for this membership (looked up by the caller), or explain how to join."""
        chat = update.effective_chat
        assert chat is not None
        if member is None:
            lang = self.s.settings.language.value
            await send_text(context.bot, chat.id, self.s.texts.t("member.no_membership", lang))
            return
        if await self._left(context, chat.id, member):
            return
        if action == "list" and Stage(member.stage) not in BRAINSTORMING:
            action = "resume"
        result = await members.act(self.s, member.id, action, text=text, arg=arg)
        if result is None and action == "list":
            # A partner's question is open: /lijst answers with that question, and why.
            await self._resume(context, chat.id, member, lead_key="brainstorm.list_after_question")
            return
        if result is not None:
            await self._deliver(context, chat.id, *result)

    # -- /start ----------------------------------------------------------------------------

    async def note_reachable(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs before every handler: someone who writes or taps in their private chat with the
        bot can be reached again, whatever 403 we saw before. (Blocking and unblocking from
        the bot's profile come as my_chat_member; GroupHandlers.added records those.)"""
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or chat.type != "private" or update.my_chat_member:
            return
        # Written by the next transaction (this update's own), not by one of its own.
        self.s.store.note_reachable(user.id)

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Joins a round through the deep link, or resumes where the person was."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        payload = context.args[0] if context.args else ""
        if payload and not payload.startswith(CONTROL_PAYLOAD):
            await self._join(update, context, payload)
            return
        async with self.s.store.tx() as tx:
            member = await tx.active_member(user.id)
            led = await tx.teams_led_by(user.id)
            if led:
                # A facilitator sees the control message, whatever else they are doing.
                await control.show(tx, self.s, led[0], user.id)
        if led and member is not None:
            await self.s.flush()
        if member is None:
            lang = led[0].language.value if led else self.s.settings.language.value
            key = "dm.principal_hello" if led else "dm.hello"
            await send_text(context.bot, chat.id, self.s.texts.t(key, lang))
            # What waited for the principal's private chat (questions, the report) comes now.
            await self.s.flush()
            return
        if await self._left(context, chat.id, member):
            return
        await self._resume(context, chat.id, member, lead_key="dm.welcome_back")

    async def _resume(
        self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, member: Member, lead_key: str
    ) -> None:
        result = await members.act(self.s, member.id, "resume")
        if result is None:
            return
        member, outcome = result
        lang = await self._lang_of(member.user_id)
        outcome.screens.insert(0, Screen(self.s.texts.t(lead_key, lang)))
        await self._deliver(context, chat_id, member, outcome)

    async def _join(self, update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        default = self.s.settings.language.value
        async with self.s.store.tx() as tx:
            round_ = await tx.round_by_token(token)
            team = await tx.team(round_.team_id) if round_ else None
            member = await tx.member_of(round_.id, user.id) if round_ else None
        if round_ is None or team is None:
            await send_text(context.bot, chat.id, self.s.texts.t("dm.link_invalid", default))
            return
        lang = team.language.value
        if round_.closed_at is not None:
            await send_text(context.bot, chat.id, self.s.texts.t("dm.round_closed", lang))
            return
        self.s.presence.groups[round_.id] = (team.id, team.chat_id)
        present = await access.still_in_group(self.s, context.bot, team, user.id)
        if present is None:
            await send_text(context.bot, chat.id, self.s.texts.t("dm.check_failed", lang))
            return
        if not present:
            text = self.s.texts.t("dm.not_member", lang, school=team.school_name or "")
            await send_text(context.bot, chat.id, text)
            return
        if member is not None:
            async with self.s.store.tx() as tx:
                await tx.set_active_member(user.id, member.id)
            await self._resume(context, chat.id, member, lead_key="dm.welcome_back")
            return
        async with self.s.store.tx() as tx:
            member = await tx.add_member(
                round_.id, user.id, user.first_name or "", Stage.PRIVACY.value
            )
        result = await members.act(self.s, member.id, "resume", joined=True)
        if result is not None:
            await self._deliver(context, chat.id, *result)

    # -- the dialog ------------------------------------------------------------------------

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Passes a typed message to the member's dialog."""
        message = update.effective_message
        assert message is not None
        await self._act(update, context, "text", text=message.text or "")

    async def on_edit(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An edited message changes what it created (a post-it, an answer), never adds input.

        An edited command or caption does nothing: running a command twice would surprise.
        """
        message, chat = update.edited_message, update.effective_chat
        if message is None or chat is None or message.text is None:
            return
        if message.text.startswith("/"):
            return
        async with self.s.store.tx() as tx:
            member = await tx.active_member(chat.id)
        if member is not None and await self._left(context, chat.id, member):
            return
        lang = await self._lang_of(chat.id)
        async with self.s.store.tx() as tx:
            answer = await edits.on_edit(
                tx, self.s.texts, chat.id, message.message_id, message.text, lang
            )
        await send_text(context.bot, chat.id, answer)

    async def editor_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """The principal's new label while renaming in the map editor; False otherwise."""
        message = update.effective_message
        assert message is not None
        return await self._editor_text(update, context, message.text or "")

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A file from a facilitator: the school's existing map as a CSV (step 0), read whole
        or not at all; from anyone else, the answer that only text is read."""
        message, user, chat = update.effective_message, update.effective_user, update.effective_chat
        assert message is not None and user is not None and chat is not None
        document = message.document
        team, present = await access.led_team(self.s, context.bot, user.id)
        if document is None or team is None or not present:
            await self.on_other(update, context)
            return
        lang = team.language.value
        if (document.file_size or 0) > MAX_BYTES:
            text = self.s.texts.t("import.too_big", lang, max_kb=MAX_BYTES // 1000)
            await send_text(context.bot, chat.id, text)
            return
        try:
            file = await document.get_file()
            data = bytes(await file.download_as_bytearray())
        except TelegramError:
            log.warning("could not download an imported map", exc_info=True)
            await send_text(context.bot, chat.id, self.s.texts.t("import.download_failed", lang))
            return
        name = document.file_name or "kaart.csv"
        answer = await importing.import_map(self.s, team, user.id, user.first_name, data, name)
        if answer is not None:
            await send_text(context.bot, chat.id, answer)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers stickers, photos, voice messages and the like: only text is read."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        lang = await self._lang_of(user.id)
        await send_text(context.bot, chat.id, self.s.texts.t("dm.not_text", lang))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs a dialog button; stale or foreign buttons change nothing and say so."""
        query = update.callback_query
        assert query is not None
        tap = callbacks.decode(query.data)
        if isinstance(tap, callbacks.EditorTap):
            await self._editor_button(update, context, query, tap)
            return
        if isinstance(tap, callbacks.PersonTap):
            await self._person_button(update, context, query, tap)
            return
        result = None
        if isinstance(tap, callbacks.DialogTap):
            seen = self.s.presence.members.get(tap.member_id)
            if seen is None:
                async with self.s.store.tx() as tx:
                    tapped = await tx.member(tap.member_id)
                if tapped is not None:
                    seen = self.s.presence.members[tapped.id] = (tapped.user_id, tapped.round_id)
            if seen is not None and seen[0] == query.from_user.id:
                chat_id = query.message.chat.id if query.message else query.from_user.id
                if await self._left(context, chat_id, (tap.member_id, *seen), query):
                    return
            result = await members.act(
                self.s, tap.member_id, tap.action, arg=tap.arg, seq=tap.seq,
                user_id=query.from_user.id,
            )  # fmt: skip
        if result is None:
            lang = await self._lang_of(query.from_user.id)
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        member, outcome = result
        await query.answer(outcome.toast)
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        # One message per question: the tapped one becomes the next screen where it can.
        first_replaced = (
            outcome.replace
            and isinstance(message, Message)
            and await replace_screen(
                context.bot, message, outcome.screens[0], member.id, outcome.seq,
                live=len(outcome.screens) == 1,
            )
        )  # fmt: skip
        if first_replaced:
            outcome.screens = outcome.screens[1:]
        else:
            await self._mark_tapped(query)
        await self._deliver(context, chat_id, member, outcome)

    async def _mark_tapped(self, query: CallbackQuery) -> None:
        """Remove the keyboard of the tapped message and show which button was chosen."""
        message = query.message
        if not isinstance(message, Message) or message.text is None:
            return
        label = ""
        markup = getattr(message, "reply_markup", None)
        if markup is not None:
            for row in markup.inline_keyboard:
                for button in row:
                    if button.callback_data == query.data:
                        label = button.text
        text = message.text_html
        if label:
            text = f"{text}\n\n<i>→ {html.escape(label, quote=False)}</i>"
        try:
            await message.edit_text(text, reply_markup=None)
        except TelegramError as exc:
            log.debug("could not mark tapped message: %s", exc)

    # -- the principal's map editor ---------------------------------------------------------

    async def edit_map(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/bewerk: the principal opens the map editor for their team's latest merged map."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        locked = False
        team, present = await access.led_team(self.s, context.bot, user.id)
        if team is not None and not present:
            await access.tell_principal_left(self.s, context.bot, chat.id, team)
            return
        async with self.s.store.tx() as tx:
            led = [team] if team is not None else []
            round_ = await tx.latest_round_of(led[0].id) if led else None
            if round_ is not None and round_.closed_at is not None:
                locked = True
                ctx = None
            elif round_ is None or round_.step == Step.BRAINSTORM.value:
                ctx = None
            else:
                seq = await tx.open_editor(user.id, round_.id)
                ctx = EditorCtx(tx, self.s.texts, led[0], round_, user.id)
                screen = await editor.list_screen(ctx)
        if not led:
            lang = self.s.settings.language.value
            await send_text(context.bot, chat.id, self.s.texts.t("map.not_principal", lang))
            return
        if ctx is None:
            key = "finish.locked" if locked else "map.no_map"
            await send_text(context.bot, chat.id, self.s.texts.t(key, led[0].language.value))
            return
        await send_screens(context.bot, chat.id, [screen], 0, seq, _editor_encoder(seq))

    async def _editor_ctx(self, tx: Tx, user_id: int) -> tuple[EditorCtx, int] | None:
        """The principal's open editor and the screen number its buttons carry."""
        state = await tx.editor(user_id)
        if state is None:
            return None
        round_ = await tx.round(state.round_id)
        team = await tx.team(round_.team_id)
        if team.principal_user_id != user_id:
            return None
        ctx = EditorCtx(tx, self.s.texts, team, round_, user_id, state.stage, state.node_key)
        return ctx, state.screen_seq

    async def _editor_button(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        query: CallbackQuery,
        tap: callbacks.EditorTap,
    ) -> None:
        user = query.from_user
        outcome = None
        team, present = await access.led_team(self.s, context.bot, user.id)
        if team is not None and not present:
            await query.answer(self.s.texts.plain("err.stale", team.language.value))
            return
        async with self.s.store.tx() as tx:
            found = await self._editor_ctx(tx, user.id)
            if found is not None and found[1] == tap.seq:
                ctx, _ = found
                outcome = await EDITOR.on_button(ctx, tap.action, tap.arg)
                if outcome is not None:
                    seq = await tx.update_editor(user.id, ctx.stage, ctx.node_key)
        lang = await self._lang_of(user.id)
        if outcome is None:
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        await query.answer()
        await self._mark_tapped(query)
        chat_id = query.message.chat.id if query.message else user.id
        await send_screens(context.bot, chat_id, outcome.screens, 0, seq, _editor_encoder(seq))

    async def _editor_text(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str
    ) -> bool:
        """A typed message the principal's editor takes (a new name); False otherwise."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        team, present = await access.led_team(self.s, context.bot, user.id)
        if team is not None and not present:
            return False
        async with self.s.store.tx() as tx:
            found = await self._editor_ctx(tx, user.id)
            if found is None:
                return False
            ctx, _ = found
            outcome = await EDITOR.on_text(ctx, text)
            if outcome is None:
                return False
            seq = await tx.update_editor(user.id, ctx.stage, ctx.node_key)
        await send_screens(context.bot, chat.id, outcome.screens, 0, seq, _editor_encoder(seq))
        return True

    # -- own data --------------------------------------------------------------------------

    async def my_list(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the member's own list (the brainstorm's list screen)."""
        await self._act(update, context, "list", arg="0")

    async def link(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/verband A — B: a line between two partners on the map."""
        text = " ".join(context.args or [])
        await self._act(update, context, "link", arg=text)

    async def my_data(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Sends the person everything stored about them."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        lang = await self._lang_of(user.id)
        async with self.s.store.tx() as tx:
            data = await tx.personal_data(user.id)
            owned = await commitments.my_commitments(tx, self.s.texts, lang, user.id)
        extra = (owned,) if owned else ()
        await send_text(context.bot, chat.id, owndata.my_data(self.s.texts, lang, data, extra))

    async def forget_me(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Asks to confirm deleting everything stored about the person."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        lang = await self._lang_of(user.id)
        # The confirmation carries when it was asked: it expires like any other old question.
        asked = int(self.s.clock().timestamp())
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        self.s.texts.plain("btn.forget_yes", lang),
                        callback_data=callbacks.person("forget", f"yes:{asked}"),
                    ),
                    InlineKeyboardButton(
                        self.s.texts.plain("btn.forget_no", lang),
                        callback_data=callbacks.person("forget", f"no:{asked}"),
                    ),
                ]
            ]
        )
        await context.bot.send_message(
            chat.id, self.s.texts.t("forget.confirm", lang), reply_markup=markup
        )

    async def _person_button(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        query: CallbackQuery,
        tap: callbacks.PersonTap,
    ) -> None:
        user = query.from_user
        lang = await self._lang_of(user.id)
        if tap.action != "forget":
            await query.answer(self.s.texts.plain("err.stale", lang))
            return
        answer, _, asked = tap.arg.partition(":")
        age = self.s.clock().timestamp() - int(asked) if callbacks.is_id(asked) else None
        if age is None or not 0 <= age <= FORGET_CONFIRM_SECONDS:
            await query.answer(self.s.texts.plain("err.stale", lang))
            await self._mark_tapped(query)
            chat_id = query.message.chat.id if query.message else user.id
            await send_text(context.bot, chat_id, self.s.texts.t("forget.expired", lang))
            return
        await query.answer()
        await self._mark_tapped(query)
        chat_id = query.message.chat.id if query.message else user.id
        if answer != "yes":
            await send_text(context.bot, chat_id, self.s.texts.t("forget.cancelled", lang))
            return
        done = await privacy.forget(self.s, user.id, lang)
        await send_text(context.bot, chat_id, owndata.forgotten(self.s.texts, lang, done))
        await self.s.flush()

    # -- the facilitator's control message -----------------------------------------------

    async def on_guide(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button of the control message: the same action the group command runs."""
        query = update.callback_query
        assert query is not None
        found = await access.guide_tap(self.s, update)
        if found is None:
            return
        team, tap = found
        lang = team.language.value
        user_id = query.from_user.id
        if tap.action == "team":
            await query.answer()
            question = await guide.candidates(self.s, team, user_id)
            await self._send_effect(context, question)
            return
        if tap.action == "add" and tap.arg.isdigit():
            present = await access.in_group(context.bot, team.chat_id, int(tap.arg))
            key = "dm.check_failed" if present is None else "control.not_in_group"
            if present:
                key = await guide.hand_over(self.s, team, user_id, int(tap.arg))
            await query.answer(self.s.texts.plain(key, lang))
            if present:
                await self._mark_tapped(query)
            return
        if tap.action == "drop" and tap.arg.isdigit():
            key = await guide.take_back(self.s, team, user_id, int(tap.arg))
            await query.answer(self.s.texts.plain(key, lang))
            await self._mark_tapped(query)
            return
        if tap.action == "wait":
            await query.answer()
            await self._mark_tapped(query)
            return
        answer = await guide.act(self.s, team, user_id, tap.action, tap.arg)
        await query.answer(self.s.texts.plain(answer.toast_key, lang) if answer.toast_key else None)
        if tap.action == "closeyes":
            await self._mark_tapped(query)
        if answer.question is not None:
            await self._send_effect(context, answer.question)

    # -- the team's notes (what it takes from each shared step) -----------------------------

    async def on_note(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A notes button: the overview, writing a note, or choosing the note taker."""
        query = update.callback_query
        assert query is not None
        tap = callbacks.decode_note(query.data)
        team = None
        if tap is not None:
            async with self.s.store.tx() as tx:
                team = await tx.team(tap.team_id) if await tx.team_exists(tap.team_id) else None
        if tap is None or team is None:
            await query.answer(self.s.texts.plain("err.stale", self.s.settings.language.value))
            return
        reply = await notes.tap(self.s, team, query.from_user.id, tap.action, tap.arg)
        lang = team.language.value
        await query.answer(self.s.texts.plain(reply.toast_key, lang) if reply.toast_key else None)
        if tap.action == "takeset" and reply.toast_key == "notes.taker_chosen":
            await self._mark_tapped(query)
        if reply.text is not None:
            await self._send_effect(context, reply.text)
        await self.s.flush()

    async def note_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """A typed message that is the text of the note being written; False otherwise."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        reply = await notes.record(self.s, user.id, message.text or "")
        if reply is None:
            return False
        await self._send_effect(context, reply)
        await self.s.flush()
        return True

    async def _send_effect(self, context: ContextTypes.DEFAULT_TYPE, text: Text) -> None:
        """The direct reply to the tapping facilitator (a question with buttons)."""
        await context.bot.send_message(text.chat_id, text.text, reply_markup=markup(text.buttons))

    # -- help ------------------------------------------------------------------------------

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Points to /help for commands the bot does not know."""
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        lang = await self._lang_of(user.id)
        await send_text(context.bot, chat.id, self.s.texts.t("dm.unknown_command", lang))
