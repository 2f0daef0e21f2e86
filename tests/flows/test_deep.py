"""Step 3: the in-depth conversation with the reflection cards, private until /sluit."""

from __future__ import annotations

from core.protocol import Stage

from .conftest import Team, add_partner, numberless, onboard, open_round


async def _ready(team: Team) -> None:
    """Map merged, priorities picked (CLB twice) and closed."""
    await open_round(team)
    anna, bert = team.members[:2]
    for person in (anna, bert):
        await onboard(team, person)
    await add_partner(team, anna, "CLB", "organisatie", "zorg", 1)
    await add_partner(team, bert, "Ouders", "team", "aanbod", 1)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/prioriteit", chat=team.group)
    for person in (anna, bert):
        await person.tap("CLB")
        await person.tap(team.bot.label("btn.skip"))
    await team.principal.send("/sluit", chat=team.group)


async def _answer(team: Team, person, card: str, text: str) -> None:  # type: ignore[no-untyped-def]
    bot = team.bot
    phase = card[1]
    await person.tap(f"{phase} · {bot.label(f'card.{card}')}")
    await person.send(text)
    await person.tap(bot.label("btn.to_cards"))


async def test_cards_per_phase_then_shared_per_partner_and_card(team: Team) -> None:
    """Members answer ≥1 card per phase in private; at /sluit the group gets them per card."""
    await _ready(team)
    bot = team.bot
    anna, bert = team.members[:2]
    await team.principal.send("/verdiep", chat=team.group)
    choice = team.group.last()
    assert "✓ CLB ⭐" in choice.button_labels  # the most-picked partner is suggested
    await team.principal.tap(bot.label("btn.deep_start"), chat=team.group)
    intro = anna.messages()[-2]
    assert intro.text.startswith(bot.t("deep.intro", partners="CLB").split("\n")[0])
    assert "zie bijlage" not in intro.plain_text  # the cards are right here, not an appendix
    menu = anna.last()
    assert len([label for label in menu.button_labels if " · " in label]) == 13
    await _answer(team, anna, "F1.ACT", "Een structurele partner.")
    await anna.tap(bot.label("btn.deep_done"))
    assert "fase 2, 3" in anna.last().plain_text  # not done yet: phases 2 and 3 missing
    await _answer(team, anna, "F2.VERB", "Veel vertrouwen.")
    await anna.tap(f"2 · {bot.label('card.F2.VERB')}".replace("2 · ", "✓ 2 · "))
    await anna.send("Al jaren.")
    await anna.tap(bot.label("btn.to_cards"))
    await _answer(team, anna, "F3.LLN", "Betere zorg voor leerlingen.")
    await anna.tap(bot.label("btn.deep_done"))
    assert anna.last().text == bot.t("deep.done")
    await _answer(team, bert, "F1.SOORT", "Overleg.")
    group_before = "\n".join(m.plain_text for m in team.group.messages)
    assert "Veel vertrouwen" not in group_before
    await team.principal.send("/sluit", chat=team.group)
    shared = "\n".join(m.plain_text for m in team.group.bot_messages[-3:])
    assert "Verdiepend gesprek – CLB" in shared
    assert "Fase 2 – Randvoorwaarden" in shared
    # Two teachers: fewer than three share the role, so it is not named.
    assert "Deelnemer N (andere functie): Veel vertrouwen.\nAl jaren." in numberless(shared)
    assert "Deelnemer N (andere functie): Overleg." in numberless(shared)
    assert shared.count("Een structurele partner.") == 1
    assert anna.last().text == bot.t("member.deep_closed")


async def test_verdiep_before_the_map_is_refused(team: Team) -> None:
    """During the brainstorm there is nothing to discuss in depth yet."""
    await open_round(team)
    await team.principal.send("/verdiep", chat=team.group)
    assert team.group.last().text == team.bot.t("group.deep_not_now")


async def test_a_second_conversation_about_another_partner(team: Team) -> None:
    """After closing, /verdiep Ouders starts another round of cards about another partner."""
    await _ready(team)
    bot = team.bot
    anna = team.members[0]
    await team.principal.send("/verdiep", chat=team.group)
    await team.principal.tap(bot.label("btn.deep_start"), chat=team.group)
    await team.principal.send("/sluit", chat=team.group)
    await team.principal.send("/verdiep Ouders", chat=team.group)
    labels = team.group.last().button_labels
    assert "✓ Ouders" in labels and not any(label.startswith("✓ CLB") for label in labels)
    await team.principal.tap(bot.label("btn.deep_start"), chat=team.group)
    assert "Ouders" in anna.messages()[-2].plain_text
    async with bot.store.tx() as tx:
        member = await tx.active_member(anna.user.id)
    assert Stage(member.stage) is Stage.DEEP


async def test_only_the_principal_chooses(team: Team) -> None:
    """A colleague tapping the choice buttons gets a polite toast."""
    await _ready(team)
    await team.principal.send("/verdiep", chat=team.group)
    await team.members[0].tap(team.bot.label("btn.deep_start"), chat=team.group)
    assert team.members[0].last_toast == team.bot.label("map.only_principal")
