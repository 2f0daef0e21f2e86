"""Joining in private (privacy, role, function) and step 1's reflection questions."""

from __future__ import annotations

from core.model import Role
from core.protocol import Stage

from .conftest import Team, onboard, open_round

ROLES_IN_ORDER = (Role.LERAAR, Role.DIRECTIE, Role.ZORG, Role.BELEIDSONDERSTEUNER, Role.ANDERE)


async def _member(team: Team, person):  # type: ignore[no-untyped-def]
    async with team.bot.store.tx() as tx:
        return await tx.active_member(person.user.id)


def _roles(team: Team) -> list[str]:
    return [team.bot.label(f"role.{role.value}") for role in ROLES_IN_ORDER]


async def test_join_button_opens_privacy_notice(team: Team) -> None:
    """Tapping 'Doe mee' opens the DM with a short privacy notice and the role buttons;
    'Meer weten' shows the full notice in the same message."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await anna.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    notice = anna.last()
    assert notice.text == bot.t("privacy.short", school="Basisschool De Linde")
    assert notice.button_labels == [*_roles(team), bot.label("btn.privacy_more")]
    assert "leerlingen" in notice.plain_text
    await anna.tap(bot.label("btn.privacy_more"))
    assert anna.last() is notice
    assert notice.text == bot.t("privacy.notice", school="Basisschool De Linde")
    assert notice.button_labels == _roles(team)
    assert "/vergeetmij" in notice.plain_text


async def test_at_most_two_messages_before_the_first_answer(team: Team) -> None:
    """Notice and role in one message (edited into the function question), then the aims
    with question 1: the protocol's order, in two messages."""
    await open_round(team)
    bert = team.members[1]
    bot = team.bot
    await bert.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await bert.tap(bot.label("role.leraar"))
    await bert.tap(bot.label("btn.skip"))
    received = bert.messages()
    assert len(received) == 2
    assert received[0].text == bot.t("function.role_only", role=bot.label("role.leraar"))
    assert received[0].button_labels == []
    assert received[1].text.startswith(bot.t("intro.goals"))
    assert bot.texts.plain("INTRO.Q1", "nl") in received[1].plain_text
    member = await _member(team, bert)
    assert member.role is Role.LERAAR and Stage(member.stage) is Stage.INTRO_Q1


async def test_outsider_cannot_join(team: Team) -> None:
    """Someone who is not in the team's group is refused and nothing is stored about them."""
    await open_round(team)
    await team.outsider.tap(
        team.bot.label("btn.join"), message=team.announcement(), chat=team.group
    )
    assert team.outsider.last().text == team.bot.t("dm.not_member", school="Basisschool De Linde")
    assert await _member(team, team.outsider) is None


async def test_a_made_up_link_is_refused(team: Team) -> None:
    """A guessed or old payload gets a clear answer, not an error."""
    await open_round(team)
    anna = team.members[0]
    await anna.send("/start nietgeldig123")
    assert anna.last().text == team.bot.t("dm.link_invalid")


async def test_role_and_function_are_remembered(team: Team) -> None:
    """The chosen role and the typed function are stored on the membership."""
    await open_round(team)
    bert = team.members[1]
    bot = team.bot
    await bert.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await bert.tap(bot.label("role.zorg_leerlingenbegeleiding"))
    assert bert.last().text == bot.t(
        "function.ask", role=bot.label("role.zorg_leerlingenbegeleiding")
    )
    await bert.send("zorgcoördinator lagere school")
    assert bert.last().text.startswith(
        bot.t("function.saved", function="zorgcoördinator lagere school")
    )
    assert bot.texts.plain("INTRO.Q1", "nl") in bert.last().plain_text
    member = await _member(team, bert)
    assert member.role is Role.ZORG
    assert member.function == "zorgcoördinator lagere school"
    assert Stage(member.stage) is Stage.INTRO_Q1


async def test_intro_questions_are_verbatim_and_answers_stored(team: Team) -> None:
    """Both questions of §4.2 are asked word for word; answers may span several messages."""
    await open_round(team)
    carla = team.members[2]
    bot = team.bot
    await carla.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await carla.tap(bot.label("role.directie"))
    await carla.tap(bot.label("btn.skip"))
    q1 = carla.last()
    assert bot.texts.plain("INTRO.Q1", "nl") in q1.plain_text
    await carla.send("Leren dat verder reikt dan één klas.")
    await carla.send("En dat blijft hangen in het team.")
    await carla.tap(bot.label("btn.next_question"))
    assert bot.texts.plain("INTRO.Q2", "nl") in carla.last().plain_text
    await carla.tap(bot.label("btn.skip"))
    definitions = carla.last()
    assert bot.texts.plain("DEF.EXT", "nl") in definitions.plain_text
    assert bot.texts.plain("DEF.COLL", "nl") in definitions.plain_text
    async with bot.store.tx() as tx:
        member = await tx.active_member(carla.user.id)
        answers = await tx.answers(member.id)
    assert [(a.question_id, a.text) for a in answers] == [
        ("INTRO.Q1", "Leren dat verder reikt dan één klas.\nEn dat blijft hangen in het team.")
    ]


async def test_brainstorm_question_and_note_are_verbatim(team: Team) -> None:
    """Step 2A opens with BRAIN.Q and its 'Let op' note, and says: one partner per message."""
    await open_round(team)
    dirk = team.members[3]
    await onboard(team, dirk)
    intro = dirk.last()
    assert team.bot.texts.plain("BRAIN.Q", "nl") in intro.plain_text
    assert team.bot.texts.plain("BRAIN.NOTE", "nl") in intro.plain_text
    assert "één partner per bericht" in intro.plain_text
    assert intro.button_labels == [
        team.bot.label("btn.my_list", count=0),
        team.bot.label("btn.done"),
    ]


async def test_rejoining_resumes_instead_of_duplicating(team: Team) -> None:
    """Tapping the join button again welcomes the member back on the same screen."""
    await open_round(team)
    anna = team.members[0]
    bot = team.bot
    await anna.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await anna.tap(bot.label("role.andere"))
    await anna.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    assert anna.messages()[-2].text == bot.t("dm.welcome_back")
    assert anna.last().text == bot.t("function.ask", role=bot.label("role.andere"))
    async with bot.store.tx() as tx:
        rows = await tx._all("SELECT COUNT(*) AS n FROM members")
    assert rows[0]["n"] == 1
