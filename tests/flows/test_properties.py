"""Property tests: whatever a member sends in whatever state (text of any kind, edits, stickers,
commands, real buttons, real buttons with one part changed, made-up button data), the real bot
answers calmly, logs no error, and changes nothing of a bystander's."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.testing.fakegram import FakeTelegram, Person
from prompts import Texts

from .conftest import Bot, Clock, Team, add_partner, onboard, open_round

TEXTS = Texts.load()
COMMANDS = ["/start", "/lijst", "/help", "/mijngegevens", "/kaart", "/verband A — B", "/gids"]
MAX_DATA = 64

_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200).filter(
    lambda s: s.strip() != ""
)
_units = st.sampled_from(["é", "😀", "<b>", "&amp;", "x"])
_long = st.builds(lambda unit, n: (unit * n)[:4000], _units, st.integers(1000, 4000))
_part = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
ACTION = st.one_of(
    st.tuples(st.just("text"), _text),
    st.tuples(st.just("text"), _long),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("edit"), _text),
    st.tuples(st.just("sticker"), st.none()),
    st.tuples(st.just("tap"), st.integers(0, 30)),
    st.tuples(st.just("mutate"), st.tuples(st.integers(0, 30), st.integers(0, 5), _part)),
    st.tuples(st.just("forge"), _part),
)


def _cut(data: str) -> str:
    """At most 64 bytes, as Telegram allows, without splitting a character."""
    while len(data.encode("utf-8")) > MAX_DATA:
        data = data[:-1]
    return data


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


def _screen(person: Person) -> tuple[int, tuple[tuple[int, str, str], ...]]:
    """What the person sees from the bot: how many messages, and each one's text and buttons."""
    shown = tuple(
        (m.message_id, m.text or m.caption or "", repr(m.reply_markup)) for m in person.inbox
    )
    return len(person.inbox), shown


async def _bystander(team: Team) -> Any:
    async with team.bot.store.tx() as tx:
        member = await tx.active_member(team.members[1].user.id)
        assert member is not None
        return member, await tx.postits(member.id), await tx.answers(member.id)


async def _play(actions: list[tuple[str, Any]], state: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = Clock()
        fake = FakeTelegram(clock=clock.now)
        bot = Bot(fake, Path(tmp) / "netwerkkaart.db", TEXTS, clock)
        errors = _Errors()
        logging.getLogger().addHandler(errors)
        await bot.start()
        try:
            principal = fake.person("Piet")
            members = [fake.person(name) for name in ("Anna", "Bert")]
            group = fake.add_group(
                "Team", creator=principal.user, admins=[], members=[m.user for m in members]
            )
            team = Team(bot, group, principal, members, fake.person("Olga"))
            await open_round(team)
            anna, bert = members
            await onboard(team, bert)
            await add_partner(team, bert, "Sportclub Noord", "organisatie", "aanbod", 2)
            before = await _bystander(team)
            # Anna starts in one of several states: just joined, in the brainstorm, or on a
            # partner's questions.
            await anna.tap(bot.label("btn.join"), message=team.announcement(), chat=group)
            if state >= 1:
                await anna.tap(bot.label("role.leraar"))
                await anna.tap(bot.label("btn.skip"))
                await anna.tap(bot.label("btn.skip"))
                await anna.tap(bot.label("btn.skip"))
                await anna.tap(bot.label("btn.to_brainstorm"))
            if state >= 2:
                await anna.send("Bakkerij Peeters")
            sent = None
            for kind, value in actions:
                seen = _screen(anna)
                answered = True
                if kind == "text":
                    sent = await anna.send(value)
                elif kind == "command":
                    await anna.send(value)
                elif kind == "sticker":
                    await anna.send_sticker()
                elif kind == "edit":
                    if sent is None:
                        continue
                    await anna.edit(sent, value)
                else:
                    buttons = [b for m in anna.inbox for row in m.buttons for b in row
                               if b.callback_data]  # fmt: skip
                    if kind == "forge":
                        data = _cut(value)
                    elif not buttons:
                        continue
                    elif kind == "tap":
                        data = buttons[value % len(buttons)].callback_data or ""
                    else:
                        index, part, replacement = value
                        parts = (buttons[index % len(buttons)].callback_data or "").split(":")
                        parts[part % len(parts)] = replacement
                        data = _cut(":".join(parts))
                    if not data:
                        continue
                    answer = await anna.tap_data(data)
                    answered = answer is not None
                assert answered, (kind, value)
                if kind != "tap" and kind not in ("mutate", "forge"):
                    assert _screen(anna) != seen, f"no answer to {kind} {value!r}"
                generic = bot.t("err.generic")
                assert all(m.text != generic for m in anna.inbox), (kind, value)
            assert errors.records == []
            assert await _bystander(team) == before
        finally:
            logging.getLogger().removeHandler(errors)
            await bot.stop()
        assert fake.unmodelled == []


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(ACTION, min_size=1, max_size=8), st.integers(0, 2))
def test_any_input_in_any_state_is_answered_calmly(
    actions: list[tuple[str, Any]], state: int
) -> None:
    """Zero tracebacks, every input answered, no stored row of a bystander changed."""
    asyncio.run(_play(actions, state))
