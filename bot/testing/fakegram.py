"""A fake Telegram Bot API at PTB's transport layer, and simulated people who use it.

The real `telegram.ext.Application` runs unmodified against `FakeTelegram` (a `BaseRequest`).
The fake keeps chats, members and every message (photo and document bytes too), answers the
methods the bot uses with valid Bot API JSON, and refuses what Telegram refuses: over-long texts
and captions, malformed HTML, oversized callback_data, writing to people who never opened a chat
with the bot, and (on request) flood control. Any method it does not model is recorded in
`unmodelled` and answered with an error, so a test notices.

People act through `Person`: `await anna.send("CLB")`, `await anna.tap("Organisatie")`,
`await anna.edit(message, "CLB Gent")`, `anna.last().text`. Their updates go through
`Application.process_update`, so when a call returns, the bot has finished handling it.
`bot.testing.http` serves the same fake over HTTP to a real `python -m bot` process; people's
updates are then queued for its getUpdates, and a call returns once the bot has handled them too.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlparse

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
# Bots may download files up to 20 MB (getFile).
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_SPECIAL = re.compile(r"[<&]")
_ENTITY_OF_TAG = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def utf16_len(text: str) -> int:
    """Telegram counts entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class _HtmlToEntities(HTMLParser):
    """Telegram's HTML parse mode: plain text plus message entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.entities: list[dict[str, Any]] = []
        self.stack: list[tuple[str, int, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "span" and ("class", "tg-spoiler") in attrs:
            tag = "tg-spoiler"
        if tag not in _ENTITY_OF_TAG:
            raise ApiError(400, f"Bad Request: can't parse entities: unsupported start tag {tag}")
        self.stack.append((tag, utf16_len(self.text), dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.stack and self.stack[-1][0] == "tg-spoiler":
            tag = "tg-spoiler"
        if not self.stack or self.stack[-1][0] != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: unmatched end tag {tag}")
        name, start, attrs = self.stack.pop()
        length = utf16_len(self.text) - start
        if length:
            entity: dict[str, Any] = {
                "type": _ENTITY_OF_TAG[name],
                "offset": start,
                "length": length,
            }
            if name == "a":
                entity["url"] = attrs.get("href") or ""
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.text += data


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML strictly: every < starts a tag and every & an entity."""
    # The same text is parsed when sent, every time it is returned and whenever a test reads
    # it; remembering the answer keeps the fake's time from drowning the bot's in benchmarks.
    text, entities = _parse_html(source)
    return text, [dict(entity) for entity in entities]


@functools.lru_cache(maxsize=4096)
def _parse_html(source: str) -> tuple[str, tuple[dict[str, Any], ...]]:
    for special in _SPECIAL.finditer(source):
        index, char = special.start(), special.group()
        if char == "<" and not _TAG.match(source, index):
            raise ApiError(400, f"Bad Request: can't parse entities: unexpected < at {index}")
        if char == "&" and not _ENTITY.match(source, index):
            raise ApiError(400, f"Bad Request: can't parse entities: bad & at {index}")
    parser = _HtmlToEntities()
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise ApiError(400, f"Bad Request: can't parse entities: unclosed <{parser.stack[-1][0]}>")
    parser.entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return parser.text, tuple(parser.entities)


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 0, 0


@dataclass
class FakeUser:
    """A Telegram account."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str = "nl"
    is_bot: bool = False

    @property
    def full_name(self) -> str:
        """What Telegram shows as the name."""
        return self.first_name

    def to_api(self) -> dict[str, Any]:
        """The Bot API User object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass
class FakeButton:
    """One inline keyboard button as a person sees it."""

    label: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class FakeMessage:
    """A message in a chat: `text` is what was sent (HTML source), `plain_text` what is shown."""

    message_id: int
    chat_id: int
    from_user: FakeUser
    date: int
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    original_reply_markup: dict[str, Any] | None = None
    reply_to: FakeMessage | None = None
    photo: bytes | None = None
    photo_size: tuple[int, int] = (0, 0)
    document: bytes | None = None
    document_name: str | None = None
    sticker: bool = False
    edited: bool = False
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        """True when the bot sent this message."""
        return self.from_user.is_bot

    def _shown(self, source: str | None) -> tuple[str | None, list[dict[str, Any]]]:
        if source is None:
            return None, []
        if self.parse_mode and self.parse_mode.upper() == "HTML":
            return parse_html(source)
        return source, []

    @property
    def plain_text(self) -> str:
        """The text or caption as the person reads it (tags gone, entities unescaped)."""
        shown, _ = self._shown(self.text if self.text is not None else self.caption)
        return shown or ""

    @property
    def buttons(self) -> list[list[FakeButton]]:
        """The inline keyboard currently under the message."""
        return _buttons(self.reply_markup)

    @property
    def button_labels(self) -> list[str]:
        """All visible button labels, row by row."""
        return [button.label for row in self.buttons for button in row]

    def to_api(self, chat: FakeChat) -> dict[str, Any]:
        """The Bot API Message object, as Telegram returns it (plain text + entities)."""
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": chat.to_api(),
            "from": self.from_user.to_api(),
        }
        if self.edited:
            data["edit_date"] = self.date
        if self.text is not None:
            text, entities = self._shown(self.text)
            data["text"] = text
            if self.text.startswith("/") and not self.from_bot:
                command = self.text.split()[0]
                entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
            if entities:
                data["entities"] = entities
        if self.caption is not None:
            caption, entities = self._shown(self.caption)
            data["caption"] = caption
            if entities:
                data["caption_entities"] = entities
        if self.photo is not None:
            width, height = self.photo_size
            data["photo"] = [
                {
                    "file_id": f"photo-{self.chat_id}-{self.message_id}",
                    "file_unique_id": f"p{self.chat_id}{self.message_id}",
                    "width": width,
                    "height": height,
                    "file_size": len(self.photo),
                }
            ]
        if self.document is not None:
            data["document"] = {
                "file_id": f"doc-{self.chat_id}-{self.message_id}",
                "file_unique_id": f"d{self.chat_id}{self.message_id}",
                "file_name": self.document_name or "file",
                "file_size": len(self.document),
                **_mime(self.document_name),
            }
        if self.sticker:
            data["sticker"] = {
                "file_id": "sticker",
                "file_unique_id": "sticker",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if self.reply_to is not None:
            data["reply_to_message"] = self.reply_to.to_api(chat)
        return data


def _mime(name: str | None) -> dict[str, str]:
    """The MIME type Telegram reports for a document, by its name (none when unknown)."""
    suffix = (name or "").rsplit(".", 1)[-1].lower()
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    types = {"csv": "text/csv", "txt": "text/plain", "pdf": "application/pdf", "xlsx": sheet}
    return {"mime_type": types[suffix]} if suffix in types else {}


def _buttons(markup: dict[str, Any] | None) -> list[list[FakeButton]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        [FakeButton(b["text"], callback_data=b.get("callback_data"), url=b.get("url")) for b in row]
        for row in markup["inline_keyboard"]
    ]


@dataclass
class FakeChat:
    """A private chat or a group, with its members and every message in it."""

    id: int
    type: str
    title: str | None = None
    user: FakeUser | None = None
    members: dict[int, str] = field(default_factory=dict)
    messages: list[FakeMessage] = field(default_factory=list)
    started: bool = False
    blocked: bool = False
    bot_is_admin: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_id(self) -> int:
        """The next message id in this chat."""
        return next(self._ids)

    def to_api(self) -> dict[str, Any]:
        """The Bot API Chat object."""
        if self.type == "private" and self.user is not None:
            data = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            if self.user.username:
                data["username"] = self.user.username
            return data
        return {"id": self.id, "type": self.type, "title": self.title or ""}

    @property
    def bot_messages(self) -> list[FakeMessage]:
        """Messages the bot sent here, oldest first."""
        return [m for m in self.messages if m.from_bot and not m.deleted]

    def last(self) -> FakeMessage:
        """The bot's newest message in this chat."""
        messages = self.bot_messages
        if not messages:
            raise AssertionError(f"the bot sent nothing in chat {self.title or self.id}")
        return messages[-1]


class FakeTelegram(BaseRequest):
    """The Bot API as a test double; see the module docstring."""

    def __init__(
        self,
        *,
        bot_username: str = "NetwerkkaartTestBot",
        bot_first_name: str = "Netwerkkaart",
        privacy_mode: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.bot_user = FakeUser(900000001, bot_first_name, bot_username, is_bot=True)
        self.privacy_mode = privacy_mode
        self.clock = clock or (lambda: datetime.now(UTC))
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.commands: dict[str, list[tuple[str, str]]] = {}
        self.callback_answers: list[dict[str, Any]] = []
        # Documents people sent, by file_id: getFile and the file download serve them.
        self.files: dict[str, bytes] = {}
        self.toasts: dict[int, str | None] = {}
        self.unmodelled: list[str] = []
        self.application: Application | None = None  # type: ignore[type-arg]
        # Set by `bot.testing.http` when the bot is another process: updates are queued for its
        # getUpdates instead of being handed to an Application here.
        self.remote: Callable[[dict[str, Any]], Awaitable[None]] | None = None
        self._errors: dict[str, list[ApiError]] = {}
        self._user_ids = itertools.count(1001)
        self._group_ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._query_users: dict[str, int] = {}

    # -- set-up ----------------------------------------------------------------------------

    def now(self) -> int:
        """The fake's clock as a Unix timestamp."""
        return int(self.clock().timestamp())

    def add_user(
        self, first_name: str, *, username: str | None = None, language_code: str = "nl"
    ) -> FakeUser:
        """Create a Telegram account."""
        user = FakeUser(next(self._user_ids), first_name, username, language_code)
        self.users[user.id] = user
        return user

    def person(self, first_name: str, *, username: str | None = None) -> Person:
        """Create an account and the simulated person who uses it."""
        return Person(self, self.add_user(first_name, username=username))

    def add_group(
        self,
        title: str,
        *,
        admins: list[FakeUser],
        members: list[FakeUser],
        creator: FakeUser | None = None,
        bot_is_admin: bool = False,
        with_bot: bool = True,
    ) -> FakeChat:
        """Create a group, with the bot already in it unless with_bot is False."""
        chat = FakeChat(-1001000000000 - next(self._group_ids), "supergroup", title=title)
        if creator is not None:
            chat.members[creator.id] = "creator"
        for user in admins:
            chat.members[user.id] = "administrator"
        for user in members:
            chat.members[user.id] = "member"
        if with_bot:
            chat.members[self.bot_user.id] = "administrator" if bot_is_admin else "member"
        chat.bot_is_admin = bot_is_admin
        self.chats[chat.id] = chat
        return chat

    def private_chat(self, user: FakeUser) -> FakeChat:
        """The private chat between a person and the bot (created on first use)."""
        if user.id not in self.chats:
            self.chats[user.id] = FakeChat(user.id, "private", user=user)
        return self.chats[user.id]

    def attach(self, application: Application) -> None:  # type: ignore[type-arg]
        """Deliver people's updates to this Application from now on."""
        self.application = application

    def inject_error(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail like Telegram would."""
        if status == 429:
            error = ApiError(
                429,
                description or f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        else:
            error = ApiError(status, description or f"Error {status}")
        self._errors.setdefault(method, []).extend([error] * times)

    # -- transport -------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """Nothing here ever waits on a network."""
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Answer one Bot API call (or a file download: GET .../file/bot<token>/<file_path>)."""
        if "/file/bot" in url:
            file_id = url.rsplit("/", 1)[-1]
            self.calls.append(("downloadFile", {"file_id": file_id}))
            if file_id not in self.files:
                return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
            return 200, self.files[file_id]
        name = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        files: dict[str, Any] = {}
        if request_data is not None and request_data.contains_files:
            files = dict(request_data.multipart_data)
        return self.answer(name, params, files)

    def answer(self, name: str, params: dict[str, Any], files: dict[str, Any]) -> tuple[int, bytes]:
        """Apply one Bot API call to the fake's state; the HTTP status and the JSON body.

        `files` maps a multipart part name to (file name, bytes, MIME type), as PTB sends them.
        """
        self.calls.append((name, params))
        pending = self._errors.get(name)
        try:
            if pending:
                raise pending.pop(0)
            handler = getattr(self, f"_api_{name}", None)
            if handler is None:
                self.unmodelled.append(name)
                raise ApiError(404, f"Not Found: FakeTelegram does not model {name}")
            result = handler(params, files)
        except ApiError as error:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
            if error.parameters:
                body["parameters"] = error.parameters
            return error.code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- checks ----------------------------------------------------------------------------

    def _chat_for_bot(self, chat_id: Any) -> FakeChat:
        chat = self.chats.get(int(chat_id))
        if chat is None:
            if int(chat_id) in self.users:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise ApiError(400, "Bad Request: chat not found")
        if chat.type == "private":
            if chat.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        else:
            status = chat.members.get(self.bot_user.id, "left")
            kind = "supergroup" if chat.type == "supergroup" else "group"
            if status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")
            if status not in {"member", "administrator"}:
                raise ApiError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return chat

    @staticmethod
    def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not markup:
            return None
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise ApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                has_data = "callback_data" in button
                has_url = "url" in button
                if has_data == has_url:
                    raise ApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
                if has_data:
                    size = len(str(button["callback_data"]).encode("utf-8"))
                    if not 1 <= size <= MAX_CALLBACK_DATA:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if has_url and not str(button["url"]).startswith(("http://", "https://", "tg://")):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
        return dict(markup)

    @staticmethod
    def _check_text(text: Any, parse_mode: Any, *, caption: bool = False) -> str:
        source = "" if text is None else str(text)
        shown = parse_html(source)[0] if str(parse_mode or "").upper() == "HTML" else source
        if not caption and not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        limit = MAX_CAPTION if caption else MAX_TEXT
        if utf16_len(shown) > limit:
            what = "message caption is too long" if caption else "message is too long"
            raise ApiError(400, f"Bad Request: {what}")
        return source

    def _find(self, chat: FakeChat, message_id: Any) -> FakeMessage:
        for message in reversed(chat.messages):  # usually a recent one
            if message.message_id == int(message_id) and not message.deleted:
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    def _post(self, chat: FakeChat, **fields: Any) -> FakeMessage:
        message = FakeMessage(
            message_id=chat.next_id(),
            chat_id=chat.id,
            from_user=self.bot_user,
            date=self.now(),
            **fields,
        )
        message.original_reply_markup = message.reply_markup
        chat.messages.append(message)
        return message

    # -- Bot API methods -------------------------------------------------------------------

    def _api_getMe(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
        }

    def _api_getFile(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        data = self.files.get(file_id)
        if data is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(data),
            "file_path": f"documents/{file_id}",
        }

    def _api_getUpdates(self, params: dict[str, Any], files: dict[str, Any]) -> list[Any]:
        return []

    def _api_deleteWebhook(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        return True

    def _api_sendMessage(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        text = self._check_text(params.get("text"), params.get("parse_mode"))
        reply_to = None
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and reply.get("message_id"):
            reply_to = self._find(chat, reply["message_id"])
        message = self._post(
            chat,
            text=text,
            parse_mode=params.get("parse_mode"),
            reply_markup=self._markup(params),
            reply_to=reply_to,
        )
        return message.to_api(chat)

    def _api_sendPhoto(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        data = self._upload("photo", params, files)
        if len(data) > MAX_PHOTO_BYTES:
            raise ApiError(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        width, height = _png_size(data)
        if width + height > 10000:
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        caption = params.get("caption")
        if caption is not None:
            self._check_text(caption, params.get("parse_mode"), caption=True)
        message = self._post(
            chat,
            caption=caption,
            parse_mode=params.get("parse_mode"),
            reply_markup=self._markup(params),
            photo=data,
            photo_size=(width, height),
        )
        return message.to_api(chat)

    def _api_sendDocument(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        data = self._upload("document", params, files)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        caption = params.get("caption")
        if caption is not None:
            self._check_text(caption, params.get("parse_mode"), caption=True)
        name = next((f[0] for f in files.values()), None)
        message = self._post(
            chat,
            caption=caption,
            parse_mode=params.get("parse_mode"),
            reply_markup=self._markup(params),
            document=data,
            document_name=name,
        )
        return message.to_api(chat)

    @staticmethod
    def _upload(name: str, params: dict[str, Any], files: dict[str, Any]) -> bytes:
        """The uploaded bytes: a direct multipart part, or one named by attach://."""
        value = params.get(name)
        part_name = value.removeprefix("attach://") if isinstance(value, str) else name
        part = files.get(part_name)
        if part is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        content = part[1]
        data = content if isinstance(content, bytes) else bytes(content.read())
        if not data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        return data

    def _api_editMessageText(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        message = self._find(chat, params["message_id"])
        if not message.from_bot or message.text is None:
            raise ApiError(400, "Bad Request: message can't be edited")
        text = self._check_text(params.get("text"), params.get("parse_mode"))
        markup = self._markup(params)
        if text == message.text and markup == message.reply_markup:
            raise ApiError(400, _NOT_MODIFIED)
        message.text = text
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        message.edited = True
        return message.to_api(chat)

    def _api_editMessageReplyMarkup(
        self, params: dict[str, Any], files: dict[str, Any]
    ) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        message = self._find(chat, params["message_id"])
        markup = self._markup(params)
        if markup == message.reply_markup:
            raise ApiError(400, _NOT_MODIFIED)
        message.reply_markup = markup
        message.edited = True
        return message.to_api(chat)

    def _api_deleteMessage(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        chat = self._chat_for_bot(params["chat_id"])
        self._find(chat, params["message_id"]).deleted = True
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        query_id = str(params["callback_query_id"])
        if query_id not in self._query_users:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        answer = {
            "callback_query_id": query_id,
            "text": text,
            "show_alert": params.get("show_alert"),
        }
        self.callback_answers.append(answer)
        self.toasts[self._query_users.pop(query_id)] = text
        return True

    def _api_sendChatAction(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        self._chat_for_bot(params["chat_id"])
        return True

    def _member_api(self, chat: FakeChat, user_id: int) -> dict[str, Any]:
        user = self.bot_user if user_id == self.bot_user.id else self.users.get(user_id)
        if user is None:
            raise ApiError(400, "Bad Request: user not found")
        status = chat.members.get(user_id, "left")
        data: dict[str, Any] = {"status": status, "user": user.to_api()}
        if status == "creator":
            data["is_anonymous"] = False
        elif status == "administrator":
            data.update(
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            )
        elif status == "kicked":
            data["until_date"] = 0
        return data

    def _api_getChatMember(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        # A group the bot is no longer in answers nothing about its members (403, as sends).
        chat = self._chat_for_bot(params["chat_id"])
        return self._member_api(chat, int(params["user_id"]))

    def _api_getChatMemberCount(self, params: dict[str, Any], files: dict[str, Any]) -> int:
        # Like Telegram: everyone in the group, the bot (and any other bot) included.
        chat = self._chat_for_bot(params["chat_id"])
        present = {"creator", "administrator", "member", "restricted"}
        return sum(1 for status in chat.members.values() if status in present)

    def _api_getChatAdministrators(
        self, params: dict[str, Any], files: dict[str, Any]
    ) -> list[dict[str, Any]]:
        chat = self._chat_for_bot(params["chat_id"])
        return [
            self._member_api(chat, user_id)
            for user_id, status in chat.members.items()
            if status in {"creator", "administrator"}
        ]

    def _api_getChat(self, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for_bot(params["chat_id"])
        return {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11}

    @staticmethod
    def _scope_key(params: dict[str, Any]) -> str:
        scope = params.get("scope")
        if isinstance(scope, str):
            scope = json.loads(scope)
        key = scope["type"] if scope else "default"
        language = params.get("language_code")
        return f"{key}:{language}" if language else key

    def _api_setMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        if isinstance(commands, str):
            commands = json.loads(commands)
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope_key(params)] = [
            (c["command"], c["description"]) for c in commands
        ]
        return True

    def _api_deleteMyCommands(self, params: dict[str, Any], files: dict[str, Any]) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    def _api_getMyCommands(
        self, params: dict[str, Any], files: dict[str, Any]
    ) -> list[dict[str, str]]:
        return [
            {"command": c, "description": d}
            for c, d in self.commands.get(self._scope_key(params), [])
        ]

    # -- membership changes ----------------------------------------------------------------

    async def change_member(
        self,
        chat: FakeChat,
        user: FakeUser,
        status: str,
        *,
        by: FakeUser | None = None,
        service_message: bool = True,
    ) -> None:
        """Someone's status in a group changes (leaves: 'left', removed: 'kicked', added back:
        'member'). Like Telegram: a bot that is admin gets a chat_member update; a bot that is
        in the group sees the service message (unless the group hides join/leave messages);
        the bot's own status change comes as my_chat_member."""
        old = chat.members.get(user.id, "left")
        if status == "left":
            chat.members.pop(user.id, None)
        else:
            chat.members[user.id] = status
        actor = by or user
        bot_in = chat.members.get(self.bot_user.id) in {"member", "administrator"}
        change: dict[str, Any] = {
            "chat": chat.to_api(),
            "from": actor.to_api(),
            "date": self.now(),
            "old_chat_member": {"status": old, "user": user.to_api()},
            "new_chat_member": {"status": status, "user": user.to_api()},
        }
        for side in ("old_chat_member", "new_chat_member"):
            if change[side]["status"] == "kicked":
                change[side]["until_date"] = 0
        if user.id == self.bot_user.id:
            await self.deliver({"my_chat_member": change})
            return
        if bot_in and chat.bot_is_admin:
            await self.deliver({"chat_member": change})
        if bot_in and service_message:
            field_name = "left_chat_member" if status in {"left", "kicked"} else "new_chat_members"
            value: Any = user.to_api() if field_name == "left_chat_member" else [user.to_api()]
            message = FakeMessage(chat.next_id(), chat.id, actor, self.now())
            chat.messages.append(message)
            await self.deliver({"message": {**message.to_api(chat), field_name: value}})

    # -- delivering what people do ---------------------------------------------------------

    def _bot_sees(self, chat: FakeChat, message: FakeMessage) -> bool:
        """Privacy mode: in groups the bot gets commands and replies to itself, nothing else."""
        if chat.type != "private" and chat.members.get(self.bot_user.id) not in {
            "member",
            "administrator",
        }:
            return False  # a bot that was removed sees nothing of the group
        if chat.type == "private" or not self.privacy_mode or chat.bot_is_admin:
            return True
        if message.reply_to is not None and message.reply_to.from_bot:
            return True
        text = message.text or ""
        if not text.startswith("/"):
            return False
        command = text.split()[0]
        if "@" in command:
            return command.split("@", 1)[1].lower() == (self.bot_user.username or "").lower()
        return True

    async def deliver(self, update: dict[str, Any]) -> None:
        """Hand one update to the attached Application and wait until it is handled."""
        update = {"update_id": next(self._update_ids), **update}
        if self.remote is not None:
            await self.remote(update)
            return
        if self.application is None:
            raise RuntimeError("attach(application) first")
        await self.application.process_update(Update.de_json(update, self.application.bot))

    def next_update_id(self) -> int:
        """A fresh update id (for updates queued outside `deliver`)."""
        return next(self._update_ids)

    def new_query_id(self, user_id: int) -> str:
        """A callback query id, remembered so its answer can be attributed to the person."""
        query_id = str(next(self._query_ids))
        self._query_users[query_id] = user_id
        return query_id


def _split_like_a_client(text: str) -> list[str]:
    """Telegram apps send over-long text as several messages, cut at a space where possible."""
    parts: list[str] = []
    while len(text) > MAX_TEXT:
        cut = text.rfind(" ", 0, MAX_TEXT + 1)
        cut = cut if cut > 0 else MAX_TEXT
        parts.append(text[:cut])
        text = text[cut:].lstrip(" ")
    parts.append(text)
    return parts


class Person:
    """Someone with a phone: sends messages, taps buttons, reads what the bot answered."""

    def __init__(self, fake: FakeTelegram, user: FakeUser) -> None:
        self.fake = fake
        self.user = user

    def __repr__(self) -> str:
        return f"Person({self.user.first_name!r})"

    @property
    def chat(self) -> FakeChat:
        """This person's private chat with the bot."""
        return self.fake.private_chat(self.user)

    async def send(
        self, text: str, *, chat: FakeChat | None = None, reply_to: FakeMessage | None = None
    ) -> FakeMessage:
        """Type a message; like a Telegram app, text over 4096 characters goes as several."""
        chat = chat or self.chat
        if chat.type == "private":
            # Writing to a bot one blocked unblocks it first (as the Telegram apps do).
            chat.started = True
            chat.blocked = False
        parts = _split_like_a_client(text)
        message: FakeMessage | None = None
        for part in parts:
            message = await self._post(chat, text=part, reply_to=reply_to)
        assert message is not None
        return message

    async def edit(self, message: FakeMessage, new_text: str) -> FakeMessage:
        """Edit one's own sent text message, as the Telegram apps allow; the bot gets an
        `edited_message` update with the same message id."""
        if message.from_user.id != self.user.id or message.deleted or message.text is None:
            raise ApiError(400, "Bad Request: message can't be edited")
        if not new_text.strip() or len(new_text) > MAX_TEXT:
            # The apps offer to delete an emptied message and refuse over-long text.
            raise ApiError(400, "Bad Request: message text is empty or too long")
        chat = self.fake.chats[message.chat_id]
        message.text = new_text
        message.edited = True
        if self.fake._bot_sees(chat, message):
            data = message.to_api(chat)
            data["edit_date"] = self.fake.now()
            await self.fake.deliver({"edited_message": data})
        return message

    async def send_document(
        self,
        data: bytes,
        file_name: str,
        *,
        chat: FakeChat | None = None,
        caption: str | None = None,
    ) -> FakeMessage:
        """Send a file (a CSV, a spreadsheet) as a document, with an optional caption; the bot
        can fetch it with getFile and the file download, as from Telegram."""
        chat = chat or self.chat
        if chat.type == "private":
            chat.started = True
            chat.blocked = False
        return await self._post(chat, document=data, document_name=file_name, caption=caption)

    async def send_sticker(self, *, chat: FakeChat | None = None) -> FakeMessage:
        """Send a sticker (a message without text)."""
        chat = chat or self.chat
        if chat.type == "private":
            chat.started = True
        return await self._post(chat, sticker=True)

    async def _post(self, chat: FakeChat, **fields: Any) -> FakeMessage:
        message = FakeMessage(
            message_id=chat.next_id(),
            chat_id=chat.id,
            from_user=self.user,
            date=self.fake.now(),
            **fields,
        )
        if message.document is not None:
            self.fake.files[f"doc-{chat.id}-{message.message_id}"] = message.document
        chat.messages.append(message)
        if self.fake._bot_sees(chat, message):
            await self.fake.deliver({"message": message.to_api(chat)})
        return message

    async def add_bot(self, chat: FakeChat) -> None:
        """Add the bot to a group, as a group admin does from the group's member list."""
        old = chat.members.get(self.fake.bot_user.id, "left")
        new = "administrator" if chat.bot_is_admin else "member"
        chat.members[self.fake.bot_user.id] = new
        bot = self.fake.bot_user.to_api()
        await self.fake.deliver(
            {
                "my_chat_member": {
                    "chat": chat.to_api(),
                    "from": self.user.to_api(),
                    "date": self.fake.now(),
                    "old_chat_member": {"status": old, "user": bot}
                    | ({"until_date": 0} if old == "kicked" else {}),
                    "new_chat_member": {"status": new, "user": bot},
                }
            }
        )

    async def leave(self, chat: FakeChat, *, service_message: bool = True) -> None:
        """Leave a group (status 'left')."""
        await self.fake.change_member(chat, self.user, "left", service_message=service_message)

    async def remove(self, chat: FakeChat, person: Person, *, service_message: bool = True) -> None:
        """As a group admin, remove someone from the group (Telegram bans: 'kicked')."""
        if chat.members.get(self.user.id) not in {"creator", "administrator"}:
            raise ApiError(400, "Bad Request: not enough rights to restrict/unrestrict chat member")
        await self.fake.change_member(
            chat, person.user, "kicked", by=self.user, service_message=service_message
        )

    async def add_back(self, chat: FakeChat, person: Person) -> None:
        """As a group admin, add someone (back) to the group."""
        if chat.members.get(self.user.id) not in {"creator", "administrator"}:
            raise ApiError(400, "Bad Request: not enough rights to invite users")
        await self.fake.change_member(chat, person.user, "member", by=self.user)

    async def remove_bot(self, chat: FakeChat) -> None:
        """As a group admin, remove the bot from the group: from now on it gets 403 there."""
        if chat.members.get(self.user.id) not in {"creator", "administrator"}:
            raise ApiError(400, "Bad Request: not enough rights to restrict/unrestrict chat member")
        await self.fake.change_member(chat, self.fake.bot_user, "kicked", by=self.user)

    async def tap(
        self, label: str, *, message: FakeMessage | None = None, chat: FakeChat | None = None
    ) -> dict[str, Any] | None:
        """Tap the button with this visible label on the newest message that has it."""
        chat = chat or self.chat
        button, message = self._find_button(label, message, chat)
        if button.url is not None:
            await self.open_link(button.url)
            return None
        query_id = self.fake.new_query_id(self.user.id)
        answered_before = len(self.fake.callback_answers)
        self.fake.toasts.pop(self.user.id, None)
        payload = message.to_api(chat)
        if message.reply_markup is None and message.original_reply_markup:
            # A phone that still shows the old keyboard: the tap carries the old message.
            payload["reply_markup"] = message.original_reply_markup
        await self.fake.deliver(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user.to_api(),
                    "chat_instance": str(chat.id),
                    "data": button.callback_data,
                    "message": payload,
                }
            }
        )
        # Only answers given while this tap was handled can be for it (query ids are new).
        given = self.fake.callback_answers[answered_before:]
        answers = [a for a in given if a["callback_query_id"] == query_id]
        return answers[-1] if answers else None

    async def tap_data(
        self, data: str, *, message: FakeMessage | None = None, chat: FakeChat | None = None
    ) -> dict[str, Any] | None:
        """Send a button tap carrying any callback_data (a forged or garbled button, as a
        modified client can), on this message or the newest bot message in the chat."""
        chat = chat or self.chat
        if message is None:
            message = next((m for m in reversed(chat.messages) if m.from_bot), None)
        query_id = self.fake.new_query_id(self.user.id)
        answered_before = len(self.fake.callback_answers)
        self.fake.toasts.pop(self.user.id, None)
        query: dict[str, Any] = {
            "id": query_id,
            "from": self.user.to_api(),
            "chat_instance": str(chat.id),
            "data": data,
        }
        if message is not None:
            query["message"] = message.to_api(chat)
        await self.fake.deliver({"callback_query": query})
        given = self.fake.callback_answers[answered_before:]
        answers = [a for a in given if a["callback_query_id"] == query_id]
        return answers[-1] if answers else None

    def _find_button(
        self, label: str, message: FakeMessage | None, chat: FakeChat
    ) -> tuple[FakeButton, FakeMessage]:
        if message is not None:
            for markup in (message.reply_markup, message.original_reply_markup):
                for row in _buttons(markup):
                    for button in row:
                        if button.label == label:
                            return button, message
            shown = message.button_labels or [
                b.label for row in _buttons(message.original_reply_markup) for b in row
            ]
            raise AssertionError(f"no button {label!r} on that message; it has {shown}")
        newest_first = (m for m in reversed(chat.messages) if m.from_bot and not m.deleted)
        for candidate in newest_first:
            for row in candidate.buttons:
                for button in row:
                    if button.label == label:
                        return button, candidate
        latest = next((m.button_labels for m in reversed(chat.bot_messages) if m.buttons), [])
        raise AssertionError(f"no button {label!r} in {self}'s chat; the newest buttons: {latest}")

    async def open_link(self, url: str) -> None:
        """Open a link; a t.me deep link to the bot starts the private chat with /start."""
        parsed = urlparse(url)
        username = (self.fake.bot_user.username or "").lower()
        if parsed.netloc in {"t.me", "telegram.me"} and parsed.path.strip("/").lower() == username:
            payload = parse_qs(parsed.query).get("start", [""])[0]
            await self.send(f"/start {payload}".strip())

    def messages(self, chat: FakeChat | None = None) -> list[FakeMessage]:
        """The bot's messages to this person (or in the given chat), oldest first."""
        return (chat or self.chat).bot_messages

    @property
    def inbox(self) -> list[FakeMessage]:
        """The bot's messages in the private chat."""
        return self.messages()

    def last(self, chat: FakeChat | None = None) -> FakeMessage:
        """The bot's newest message to this person (or in the given chat)."""
        return (chat or self.chat).last()

    @property
    def last_toast(self) -> str | None:
        """The text of the bot's answer to this person's newest button tap."""
        return self.fake.toasts.get(self.user.id)

    def block_bot(self) -> None:
        """Block the bot: from now on it gets 403 when writing to this person.

        Silent, as if the bot was down when it happened (Telegram's update is then lost).
        """
        self.chat.blocked = True

    async def unblock_bot(self) -> None:
        """Unblock the bot from its profile (no message): Telegram sends my_chat_member."""
        self.chat.blocked = False
        bot = self.fake.bot_user.to_api()
        await self.fake.deliver(
            {
                "my_chat_member": {
                    "chat": self.chat.to_api(),
                    "from": self.user.to_api(),
                    "date": self.fake.now(),
                    "old_chat_member": {"status": "kicked", "user": bot,
                                        "until_date": 0},
                    "new_chat_member": {"status": "member", "user": bot},
                }
            }
        )  # fmt: skip


__all__ = [
    "ApiError",
    "FakeButton",
    "FakeChat",
    "FakeMessage",
    "FakeTelegram",
    "FakeUser",
    "Person",
    "parse_html",
]
