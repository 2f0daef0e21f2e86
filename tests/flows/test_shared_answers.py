"""What the team shares with each other: step 1 only once nobody can still join and read it
first, and never a role that fewer than three people share."""

from __future__ import annotations

import re

from bot.dialogs import finish
from bot.testing.fakegram import Person

from .conftest import Team, add_partner, numberless, open_round


async def reflect(team: Team, person: Person, *, role: str = "leraar", answer: str | None) -> None:
    """Join through the button, choose a role and answer (or skip) step 1 up to the brainstorm."""
    bot = team.bot
    await person.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await person.tap(bot.label(f"role.{role}"))
    await person.tap(bot.label("btn.skip"))
    if answer:
        await person.send(answer)
    await person.tap(bot.label("btn.next_question") if answer else bot.label("btn.skip"))
    await person.tap(bot.label("btn.skip"))
    await person.tap(bot.label("btn.to_brainstorm"))


def untagged(html: str) -> str:
    """A prompt as a person reads it (tags gone)."""
    return re.sub(r"<[^>]+>", "", html)


def visible_answers(team: Team, answers: list[str]) -> int:
    """How many of these answers anyone in the group can read now."""
    shown = "\n".join(m.plain_text for m in team.group.messages)
    return sum(answer in shown for answer in answers)


async def test_a_colleague_who_joins_after_four_others_does_not_see_their_answers_first(
    team: Team,
) -> None:
    """A colleague who joins after four others have answered does not see their answers before
    writing his own."""
    await open_round(team)
    anna, bert, carla, dirk, els = team.members
    written: list[str] = []
    for person, answer in zip(
        (anna, bert, carla, dirk), ("Ankers", "Bruggen", "Cirkels", "Dijken"), strict=True
    ):
        await reflect(team, person, answer=f"{answer} bouwen met elkaar.")
        written.append(f"{answer} bouwen met elkaar.")
    # Four joined and answered: Els can still join, so nothing is shared.
    assert visible_answers(team, written) == 0
    await els.tap(team.bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await els.tap(team.bot.label("role.leraar"))
    await els.tap(team.bot.label("btn.skip"))
    assert visible_answers(team, written) == 0  # what Els could read before writing hers
    await els.send("Elkaar opzoeken.")
    await els.tap(team.bot.label("btn.next_question"))
    await els.tap(team.bot.label("btn.skip"))
    await els.tap(team.bot.label("btn.to_brainstorm"))
    # Everyone in the group but the principal, who leads the round, has answered: now the
    # answers are shared, once (the principal's close shares nothing twice).
    assert visible_answers(team, [*written, "Elkaar opzoeken."]) == 5
    await team.principal.send("/sluit", chat=team.group)
    title = team.bot.t("share.intro_title", count=5)
    assert sum(title in m.text for m in team.group.bot_messages if m.text) == 1


async def test_step_1_is_shared_once_everyone_in_the_group_answered(team: Team) -> None:
    """When everyone in the group joined and answered, the answers go to the group at once,
    with the prompt about nuances and consensus; nobody is left who could still read first."""
    bot = team.bot
    await open_round(team)
    people = [team.principal, *team.members]
    for n, person in enumerate(people[:-1]):
        await reflect(team, person, answer=f"Antwoord nummer {n}." if n != 1 else None)
    assert visible_answers(team, ["Antwoord nummer 0."]) == 0
    await reflect(team, people[-1], answer="Het laatste antwoord.")
    summary = next(m for m in team.group.bot_messages if "Antwoord nummer 0." in m.plain_text)
    assert bot.texts.plain("INTRO.I3", "nl") in summary.plain_text
    assert "Deelnemer N (leraar): Antwoord nummer 0." in numberless(summary.plain_text)
    assert "(overgeslagen)" not in summary.plain_text  # skipping is counted, not listed
    assert bot.t("share.skipped_count", count=1) in summary.text
    assert "Deelnemer N (leraar): Het laatste antwoord." in numberless(summary.plain_text)
    assert "Piet" not in summary.plain_text and "Anna" not in summary.plain_text


async def test_a_team_of_six_with_one_care_coordinator_never_sees_that_role(team: Team) -> None:
    """In a team of six with one care coordinator, the shared answers never name that role."""
    bot = team.bot
    await open_round(team)
    anna, bert, carla, dirk, els = team.members
    await reflect(team, team.principal, role="directie", answer="Leren van bovenaf.")
    await reflect(team, anna, role="zorg_leerlingenbegeleiding", answer="Zorg samen dragen.")
    for person in (bert, carla, dirk, els):
        await reflect(team, person, answer=f"{person.user.first_name} leert mee.")
    summary = next(m for m in team.group.bot_messages if "Zorg samen dragen." in m.plain_text)
    zorg = bot.label("map.role.zorg_leerlingenbegeleiding")
    directie = bot.label("map.role.directie")
    other = bot.label("anon.other_role")
    assert zorg not in summary.plain_text and directie not in summary.plain_text
    assert f"Deelnemer N ({other}): Zorg samen dragen." in numberless(summary.plain_text)
    assert f"Deelnemer N ({other}): Leren van bovenaf." in numberless(summary.plain_text)
    assert "Deelnemer N (leraar): Bert leert mee." in numberless(summary.plain_text)
    # The privacy notice says exactly this.
    notice = bot.texts.plain("privacy.notice", "nl", school="x")
    assert "minstens drie" in notice and other in notice


async def test_the_report_names_no_small_role_and_no_function_that_gives_it_away(
    team: Team,
) -> None:
    """The report lists participants with the same rule: a lone care coordinator's typed
    function does not name what the role label hides."""
    bot = team.bot
    await open_round(team)
    anna = team.members[0]
    await anna.tap(bot.label("btn.join"), message=team.announcement(), chat=team.group)
    await anna.tap(bot.label("role.zorg_leerlingenbegeleiding"))
    await anna.send("zorgcoördinator")
    async with bot.store.tx() as tx:
        team_row = await tx.team_by_chat(team.group.id)
        assert team_row is not None
        round_ = await tx.open_round_of(team_row.id)
        assert round_ is not None
        data = await finish.report_data(tx, bot.texts, team_row, round_, "Europe/Brussels", b"")
    assert data.participants == [f"Deelnemer 1 ({bot.label('anon.other_role')})"]


async def test_priority_reasons_reach_the_group_anonymously_when_2c_closes(team: Team) -> None:
    """Why people chose their priority partner reaches the team when step 2C closes, without
    names, a role only when three share it, with the prompt to talk about it, in the map's
    caption: one post for the group."""
    bot = team.bot
    await open_round(team)
    anna, bert, carla, dirk = team.members[:4]
    await reflect(team, anna, role="zorg_leerlingenbegeleiding", answer=None)
    for person in (bert, carla, dirk):
        await reflect(team, person, answer=None)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, bert, "Bibliotheek", "organisatie", "aanbod", 2)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/prioriteit", chat=team.group)
    reasons = {
        anna: ("CLB", "Ze kennen onze zorgleerlingen."),
        bert: ("CLB", "Onmisbaar bij elk overleg."),
        carla: ("Bibliotheek", "Leesplezier voor de hele school."),
    }
    for person, (partner, reason) in reasons.items():
        await person.tap(partner)
        await person.send(reason)
    await dirk.tap("CLB")
    await dirk.tap(bot.label("btn.skip"))
    shown = "\n".join(m.plain_text for m in team.group.messages)
    assert not any(reason in shown for _, reason in reasons.values())
    posts_before = len(team.group.bot_messages)
    await team.principal.send("/sluit", chat=team.group)
    new = team.group.bot_messages[posts_before:]
    assert len(new) == 1 and new[0].photo is not None  # summary and reasons ride on the map
    caption = new[0].plain_text
    assert untagged(bot.t("reasons.title")) in caption
    assert untagged(bot.t("reasons.prompt")) in caption
    assert "CLB – 3 keuzes" in caption and "Bibliotheek – 1 keuze" in caption
    other = bot.label("anon.other_role")
    assert f"{other}: Ze kennen onze zorgleerlingen." in caption
    assert "leraar: Onmisbaar bij elk overleg." in caption
    assert bot.label("map.role.zorg_leerlingenbegeleiding") not in caption
    assert not any(p.user.first_name in caption for p in team.everyone)
    assert "Deelnemer" not in caption
