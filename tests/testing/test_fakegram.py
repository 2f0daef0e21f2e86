"""The fake Telegram refuses what Telegram refuses, so tests cannot pass on what fails live."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.testing.fakegram import FakeTelegram, parse_html


@pytest.fixture
async def app() -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """A tiny echo bot on the fake."""
    fake = FakeTelegram()
    application = (
        Application.builder().token("123:ABC").request(fake).get_updates_request(fake).build()
    )
    seen: list[str] = []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_chat is not None
        seen.append(update.effective_message.text or "")
        await context.bot.send_message(update.effective_chat.id, "ok")

    async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        seen.append(f"tap:{update.callback_query.data}")
        await update.callback_query.answer("done")

    application.add_handler(CommandHandler("ping", echo))
    application.add_handler(CallbackQueryHandler(tapped))
    application.bot_data["seen"] = seen
    fake.attach(application)
    await application.initialize()
    yield application
    await application.shutdown()
    assert fake.unmodelled == []


def _fake(app: Application) -> FakeTelegram:  # type: ignore[type-arg]
    request = app.bot.request
    assert isinstance(request, FakeTelegram)
    return request


async def test_privacy_mode_hides_plain_group_messages(app: Application) -> None:  # type: ignore[type-arg]
    """In a group the bot gets commands (to itself) and replies to itself, nothing else."""
    fake = _fake(app)
    anna = fake.person("Anna")
    group = fake.add_group("G", admins=[], members=[anna.user])
    await anna.send("hallo allemaal", chat=group)
    await anna.send("/ping@SomeOtherBot", chat=group)
    await anna.send(f"/ping@{fake.bot_user.username}", chat=group)
    await anna.send("/ping", chat=group)
    assert app.bot_data["seen"] == [f"/ping@{fake.bot_user.username}", "/ping"]


async def test_bot_cannot_write_first(app: Application) -> None:  # type: ignore[type-arg]
    """Writing to someone who never opened the chat gives 403, like Telegram."""
    fake = _fake(app)
    anna = fake.person("Anna")
    with pytest.raises(Forbidden):
        await app.bot.send_message(anna.user.id, "hoi")
    await anna.send("/ping")
    await app.bot.send_message(anna.user.id, "hoi")
    anna.block_bot()
    with pytest.raises(Forbidden):
        await app.bot.send_message(anna.user.id, "hoi")


async def test_limits_are_enforced(app: Application) -> None:  # type: ignore[type-arg]
    """4096-character texts, valid HTML and 64-byte callback data, as Telegram requires."""
    fake = _fake(app)
    anna = fake.person("Anna")
    await anna.send("/ping")
    await app.bot.send_message(anna.user.id, "x" * 4096)
    with pytest.raises(BadRequest, match="too long"):
        await app.bot.send_message(anna.user.id, "x" * 4097)
    # Tags do not count towards the length.
    await app.bot.send_message(anna.user.id, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    for bad in ("a < b", "<b>open", "<blink>x</blink>", "R&D"):
        with pytest.raises(BadRequest, match="parse entities"):
            await app.bot.send_message(anna.user.id, bad, parse_mode=ParseMode.HTML)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await app.bot.send_message(anna.user.id, "kies", reply_markup=keyboard)


async def test_buttons_are_tapped_by_label(app: Application) -> None:  # type: ignore[type-arg]
    """A tap finds the button by its visible label; a wrong label fails with the options."""
    fake = _fake(app)
    anna = fake.person("Anna")
    await anna.send("/ping")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Organisatie", callback_data="o")]])
    await app.bot.send_message(anna.user.id, "Soort?", reply_markup=keyboard)
    answer = await anna.tap("Organisatie")
    assert answer is not None and answer["text"] == "done"
    assert anna.last_toast == "done"
    assert app.bot_data["seen"][-1] == "tap:o"
    with pytest.raises(AssertionError, match="Organisatie"):
        await anna.tap("Individu")


async def test_edits_must_change_something(app: Application) -> None:  # type: ignore[type-arg]
    """Editing a message to the same text is refused as 'not modified'."""
    fake = _fake(app)
    anna = fake.person("Anna")
    await anna.send("/ping")
    sent = await app.bot.send_message(anna.user.id, "een")
    await app.bot.edit_message_text("twee", chat_id=anna.user.id, message_id=sent.message_id)
    assert anna.last().text == "twee" and anna.last().edited
    with pytest.raises(BadRequest, match="not modified"):
        await app.bot.edit_message_text("twee", chat_id=anna.user.id, message_id=sent.message_id)


async def test_flood_control_can_be_injected(app: Application) -> None:  # type: ignore[type-arg]
    """An injected 429 reaches PTB as RetryAfter; the next call goes through."""
    fake = _fake(app)
    anna = fake.person("Anna")
    await anna.send("/ping")
    fake.inject_error("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter):
        await app.bot.send_message(anna.user.id, "hoi")
    await app.bot.send_message(anna.user.id, "hoi")


async def test_photos_keep_their_bytes(app: Application) -> None:  # type: ignore[type-arg]
    """A photo's bytes are kept, so a test can check the exact picture a group received."""
    fake = _fake(app)
    anna = fake.person("Anna")
    await anna.send("/ping")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (800).to_bytes(4, "big") * 2 + b"rest"
    await app.bot.send_photo(anna.user.id, png, caption="kaart")
    assert anna.last().photo == png
    assert anna.last().photo_size == (800, 800)


async def test_chat_member_status(app: Application) -> None:  # type: ignore[type-arg]
    """getChatMember answers from the group's member list."""
    fake = _fake(app)
    owner, anna, olga = fake.person("Piet"), fake.person("Anna"), fake.person("Olga")
    group = fake.add_group("G", creator=owner.user, admins=[], members=[anna.user])
    statuses = [
        (await app.bot.get_chat_member(group.id, person.user.id)).status
        for person in (owner, anna, olga)
    ]
    assert statuses == ["creator", "member", "left"]


async def test_unmodelled_methods_are_recorded(app: Application) -> None:  # type: ignore[type-arg]
    """A Bot API method the fake does not know fails and is listed, so tests notice."""
    fake = _fake(app)
    with pytest.raises(Exception):  # noqa: B017 - PTB maps the 404 to InvalidToken
        await app.bot.get_user_profile_photos(1)
    assert fake.unmodelled == ["getUserProfilePhotos"]
    fake.unmodelled.clear()


async def test_long_messages_are_split_like_a_client(app: Application) -> None:  # type: ignore[type-arg]
    """A person's 5,000-character text arrives as two messages, cut at a space."""
    fake = _fake(app)
    anna = fake.person("Anna")
    await anna.send("/ping " + "woord " * 900)
    texts = [m.text or "" for m in anna.chat.messages if not m.from_bot]
    assert len(texts) == 2 and all(len(t) <= 4096 for t in texts)


def test_html_becomes_text_and_entities() -> None:
    """Telegram returns plain text plus entities, with offsets in UTF-16 units."""
    text, entities = parse_html("🙂 <b>CLB</b> &amp; <i>ouders</i>")
    assert text == "🙂 CLB & ouders"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 3},
        {"type": "italic", "offset": 9, "length": 6},
    ]


async def test_a_person_sends_a_file_the_bot_downloads(app: Application) -> None:  # type: ignore[type-arg]
    """A document arrives with its name and size; getFile and the download give its bytes; an
    unknown file id is refused as Telegram refuses it."""
    from telegram.ext import MessageHandler, filters

    fake = _fake(app)
    got: list[bytes] = []

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.document is not None
        assert message.document.file_name == "partners.csv"
        assert message.document.mime_type == "text/csv"
        file = await message.document.get_file()
        got.append(bytes(await file.download_as_bytearray()))

    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    anna = fake.person("Anna")
    data = "\ufeffPartner;Afstand\r\nCLB;1\r\n".encode()
    await anna.send_document(data, "partners.csv")
    assert got == [data]
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await app.bot.get_file("doc-1-999")
