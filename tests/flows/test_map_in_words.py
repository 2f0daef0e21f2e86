"""The map in words: under every map picture a button shows the map as text, for phones and
screen readers, with each partner opened by a button; never a name, only what was shared."""

from __future__ import annotations

import html
import random
import re
import string

from bot.testing.fakegram import FakeMessage

from .conftest import Team, add_partner, open_round
from .test_shared_answers import reflect


def words_photo(team: Team, messages: list[FakeMessage]) -> FakeMessage:
    """The newest map picture with the map-in-words button."""
    label = team.bot.label("words.button")
    return next(m for m in reversed(messages) if m.photo is not None and label in m.button_labels)


async def _map(team: Team) -> None:
    """Anna (the only care coordinator) and three teachers name CLB and the library; closed."""
    await open_round(team)
    anna, bert, carla, dirk = team.members[:4]
    await reflect(team, anna, role="zorg_leerlingenbegeleiding", answer=None)
    for person in (bert, carla, dirk):
        await reflect(team, person, answer=None)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, bert, "het CLB", "organisatie", "zorg", 1)
    await add_partner(team, carla, "CLB", "organisatie", "zorg", 2)
    await add_partner(team, dirk, "Bibliotheek", "organisatie", "aanbod", 3)
    await team.principal.send("/sluit", chat=team.group)


async def test_the_map_in_words_opens_from_the_group_picture_in_private(team: Team) -> None:
    """A colleague taps the button under the group's map: the list by ring and category comes
    in private, and each partner opens in that same message, with counts, roles that at least
    three share, placements; the picks wait until step 2C closes."""
    bot = team.bot
    await _map(team)
    bert = team.members[1]
    photo = words_photo(team, team.group.bot_messages)
    group_before = len(team.group.messages)
    await bert.tap(bot.label("words.button"), message=photo, chat=team.group)
    assert bert.last_toast == bot.label("words.sent_private")
    assert len(team.group.messages) == group_before  # the group stays quiet
    overview, picker = bert.inbox[-2:]
    text = overview.plain_text
    assert "De netwerkkaart in woorden" in text
    close = text.index(bot.label("distance.1"))
    far = text.index(bot.label("distance.3"))
    assert close < far  # from the school outwards
    assert f"{bot.label('category.zorg')}: CLB" in text
    assert f"{bot.label('category.aanbod')}: Bibliotheek" in text
    assert not any(p.user.first_name in text for p in team.everyone)
    assert picker.button_labels == ["CLB", "Bibliotheek"]
    inbox_before = len(bert.inbox)
    await bert.tap("CLB", message=picker)
    assert len(bert.inbox) == inbox_before  # edited in place
    detail = bert.inbox[-1].plain_text
    assert "Genoemd door 3 deelnemers: leraar 2, andere functies 1." in detail
    assert "Waar ze hem plaatsten: dichtbij 2, tussenin 1." in detail
    assert bot.label("map.role.zorg_leerlingenbegeleiding") not in detail
    assert untagged(bot.t("words.picks_later")) in detail
    await bert.tap(bot.label("btn.back"))
    assert len(bert.inbox) == inbox_before
    assert bert.inbox[-1].button_labels == ["CLB", "Bibliotheek"]


def untagged(text: str) -> str:
    """A prompt as a person reads it (tags gone, entities unescaped)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def test_after_2c_a_partner_shows_its_picks_and_reasons_without_names(team: Team) -> None:
    """Once the priority choice closed, a partner's words say who picked it by role (three or
    more) and why, without names; a member's private /kaart has the same button."""
    bot = team.bot
    await _map(team)
    anna, bert, carla, dirk = team.members[:4]
    await team.principal.send("/prioriteit", chat=team.group)
    await anna.tap("CLB")
    await anna.send("Ze kennen onze zorgleerlingen.")
    await bert.tap("CLB")
    await bert.send("Onmisbaar bij elk overleg.")
    await carla.tap("Bibliotheek")
    await carla.tap(bot.label("btn.skip"))
    # Before the close, the words hold no picks and no reasons.
    await dirk.send("/kaart")
    await dirk.tap(bot.label("words.button"), message=words_photo(team, dirk.inbox))
    await dirk.tap("CLB")
    assert "Onmisbaar" not in dirk.inbox[-1].plain_text
    assert "prioritair voor" not in dirk.inbox[-2].plain_text
    await team.principal.send("/sluit", chat=team.group)
    await dirk.send("/kaart")
    await dirk.tap(bot.label("words.button"), message=words_photo(team, dirk.inbox))
    overview = dirk.inbox[-2].plain_text
    assert "CLB (prioritair voor 2)" in overview
    await dirk.tap("CLB")
    detail = dirk.inbox[-1].plain_text
    assert "Prioritair voor 2 deelnemers: leraar 1, andere functies 1." in detail
    assert "andere functie: Ze kennen onze zorgleerlingen." in detail
    assert "leraar: Onmisbaar bij elk overleg." in detail
    assert not any(p.user.first_name in detail for p in team.everyone)


async def test_someone_outside_the_team_cannot_read_the_map_in_words(team: Team) -> None:
    """A forwarded button does not open the map for someone who is not in the team's group."""
    bot = team.bot
    await _map(team)
    photo = words_photo(team, team.group.bot_messages)
    data = next(b.callback_data for row in photo.buttons for b in row)
    assert data is not None
    olga = team.outsider
    await olga.tap_data(data, chat=olga.chat)
    assert olga.last_toast == bot.label("words.not_yet")
    assert olga.inbox == []


async def test_a_long_map_in_words_is_split_by_telegrams_limits(team: Team) -> None:
    """150 partners with long names: the list comes in several messages that each fit, every
    partner in it once, and the partner buttons come in pages."""
    bot = team.bot
    await open_round(team)
    anna, bert = team.members[:2]
    rng = random.Random(14)

    def name() -> str:
        return " ".join(
            "".join(rng.choice(string.ascii_lowercase) for _ in range(9)) for _ in range(5)
        ).capitalize()

    names = [name() for _ in range(150)]
    for person, part in ((anna, names[:75]), (bert, names[75:])):
        await reflect(team, person, answer=None)
        for start in range(0, len(part), 25):
            await person.send("\n".join(part[start : start + 25]))
        await person.tap(bot.label("btn.done"))
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/kaart", chat=team.group)
    before = len(bert.inbox)
    await bert.tap(
        bot.label("words.button"), message=words_photo(team, team.group.bot_messages),
        chat=team.group,
    )  # fmt: skip
    *overview, picker = bert.inbox[before:]
    assert len(overview) >= 2 and all(len(m.text or "") <= 4096 for m in overview)
    assert overview[0].plain_text.startswith("De netwerkkaart in woorden")
    listed = "\n".join(m.plain_text for m in overview)
    assert all(listed.count(n) == 1 for n in names)
    assert len([b for b in picker.button_labels if b in names]) == 8
    assert bot.label("btn.more") in picker.button_labels
    await bert.tap(bot.label("btn.more"), message=picker)
    assert bot.label("btn.previous") in bert.inbox[-1].button_labels


async def test_a_colleague_without_a_private_chat_is_asked_to_open_one(team: Team) -> None:
    """Tapping the button in the group before ever talking to the bot: a short note says how to
    open the private chat; the group gets nothing."""
    bot = team.bot
    await _map(team)
    els = team.members[4]
    before = len(team.group.messages)
    await els.tap(
        bot.label("words.button"), message=words_photo(team, team.group.bot_messages),
        chat=team.group,
    )  # fmt: skip
    assert els.last_toast == bot.label("words.open_private")
    assert len(team.group.messages) == before
