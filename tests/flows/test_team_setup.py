"""Step 0 in the group: registering the team, opening a round, who may do what."""

from __future__ import annotations

from storage.store import Store

from .conftest import Bot, Team, open_round, register


async def _team_row(store: Store, chat_id: int):  # type: ignore[no-untyped-def]
    async with store.tx() as tx:
        return await tx.team_by_chat(chat_id)


async def test_admin_registers_the_team_by_replying_with_the_school_name(team: Team) -> None:
    """/start asks the name; the reply is stored and the sender becomes the principal."""
    bot = team.bot
    await team.principal.send("/start", chat=team.group)
    question = team.group.last()
    assert question.text == bot.t("group.hello")
    await team.principal.send("Basisschool De Linde", chat=team.group, reply_to=question)
    assert team.group.last().text == bot.t(
        "group.name_saved", school="Basisschool De Linde", principal="Piet"
    )
    row = await _team_row(bot.store, team.group.id)
    assert row is not None
    assert row.school_name == "Basisschool De Linde"
    assert row.principal_user_id == team.principal.user.id


async def test_start_addressed_to_the_bot_by_name_works(team: Team) -> None:
    """/start@BotName in a group is understood like /start."""
    await team.principal.send(f"/start@{team.bot.fake.bot_user.username}", chat=team.group)
    assert team.group.last().text == team.bot.t("group.hello")


async def test_a_group_is_not_registered_twice(team: Team) -> None:
    """A second /start keeps the team and its principal and says so."""
    await register(team)
    await team.principal.send("/start", chat=team.group)
    assert team.group.last().text == team.bot.t(
        "group.already_registered", school="Basisschool De Linde", principal="Piet"
    )
    async with team.bot.store.tx() as tx:
        rows = await tx._all("SELECT COUNT(*) AS n FROM teams")
    assert rows[0]["n"] == 1


async def test_non_admin_cannot_register_or_open_a_round(team: Team) -> None:
    """A colleague without admin rights gets a polite refusal and nothing is stored."""
    anna = team.members[0]
    await anna.send("/start", chat=team.group)
    assert team.group.last().text == team.bot.t("group.only_admin", name="Anna")
    assert await _team_row(team.bot.store, team.group.id) is None
    await register(team)
    await anna.send("/ronde", chat=team.group)
    assert team.group.last().text == team.bot.t("group.only_admin", name="Anna")
    assert team.bot.label("btn.join") not in [
        label for m in team.group.messages for label in m.button_labels
    ]


async def test_plain_group_chatter_is_not_taken_as_the_school_name(team: Team) -> None:
    """Only a reply to the bot's question counts; privacy mode hides other messages anyway."""
    await team.principal.send("/start", chat=team.group)
    await team.principal.send("Goedemorgen allemaal", chat=team.group)
    row = await _team_row(team.bot.store, team.group.id)
    assert row is not None and row.school_name is None


async def test_an_unusable_school_name_is_asked_again(team: Team) -> None:
    """An emoji-only name is refused with an explanation and a new question to reply to."""
    await team.principal.send("/start", chat=team.group)
    await team.principal.send("🏫🏫", chat=team.group, reply_to=team.group.last())
    assert team.group.last().text == team.bot.t("err.no_words")
    await team.principal.send("VBS Sint-Jan", chat=team.group, reply_to=team.group.last())
    row = await _team_row(team.bot.store, team.group.id)
    assert row is not None and row.school_name == "VBS Sint-Jan"


async def test_round_announcement_has_a_deep_link_button(team: Team) -> None:
    """/ronde posts the aim and one button that opens the private chat with an unguessable link
    (and, while the principal has no private chat yet, one that opens it for the principal)."""
    announcement = await open_round(team)
    button, *others = [b for row in announcement.buttons for b in row]
    assert [b.label for b in others] == [team.bot.label("btn.open_private")]
    assert button.label == team.bot.label("btn.join")
    prefix = f"https://t.me/{team.bot.fake.bot_user.username}?start="
    assert button.url is not None and button.url.startswith(prefix)
    payload = button.url.removeprefix(prefix)
    assert 16 <= len(payload) <= 64
    assert payload.replace("-", "").replace("_", "").isalnum()
    assert "Ronde 1" in announcement.plain_text


async def test_only_one_round_is_open_per_team(team: Team) -> None:
    """A second /ronde while a round is open is refused and posts no second button."""
    await open_round(team)
    await team.principal.send("/ronde", chat=team.group)
    assert team.group.last().text == team.bot.t("group.round_already_open", number=1)
    joins = [m for m in team.group.messages if team.bot.label("btn.join") in m.button_labels]
    assert len(joins) == 1


async def test_commands_need_a_registered_team(team: Team) -> None:
    """Before /start, /ronde explains what to do first."""
    await team.principal.send("/ronde", chat=team.group)
    assert team.group.last().text == team.bot.t("group.not_registered")


async def test_command_menus_are_set_per_scope(bot: Bot) -> None:
    """Private chats, groups and group admins each get their own menu, in nl and en."""
    commands = bot.fake.commands
    private = [name for name, _ in commands["all_private_chats"]]
    admins = [name for name, _ in commands["all_chat_administrators"]]
    groups = [name for name, _ in commands["all_group_chats"]]
    assert "mijngegevens" in private and "vergeetmij" in private
    assert "ronde" in admins and "sluit" in admins
    assert "ronde" not in groups
    assert [n for n, _ in commands["all_private_chats:en"]] == private


def _help(team: Team, *keys: str) -> str:
    return "\n".join(team.bot.t(f"help.{key}") for key in keys)


async def test_help_depends_on_who_asks_and_when(team: Team) -> None:
    """/help shows what this person can do right now: principal, colleague, stranger."""
    anna = team.members[0]
    await team.principal.send("/help", chat=team.group)
    assert team.group.last().text == _help(team, "title_admin", "register", "guide", "help")
    await register(team)
    await team.principal.send("/help", chat=team.group)
    assert team.group.last().text == _help(
        team,
        "title_admin",
        "round",
        "status",
        "language",
        "colourblind",
        "names",
        "sendhours",
        "freedays",
        "guide",
        "help",
    )
    await anna.send("/help", chat=team.group)
    assert team.group.last().text == _help(team, "title_member", "wait_round", "status", "help")
    await team.principal.send("/ronde", chat=team.group)
    await team.principal.send("/help", chat=team.group)
    assert team.group.last().text == _help(
        team,
        "title_admin",
        "close",
        "deadline",
        "status",
        "language",
        "colourblind",
        "names",
        "sendhours",
        "freedays",
        "guide",
        "help",
    )
    await anna.send("/help", chat=team.group)
    assert team.group.last().text == _help(team, "title_member", "join", "status", "help")
    await team.outsider.send("/help")
    assert team.outsider.last().text == _help(
        team, "title_private", "not_joined", "mydata", "forget"
    )


async def test_team_language_switches_to_english(team: Team) -> None:
    """/taal en makes the bot answer this team in English."""
    await register(team)
    await team.principal.send("/taal en", chat=team.group)
    assert team.group.last().text == team.bot.texts.t("group.language_set", "en")
    await team.principal.send("/status", chat=team.group)
    assert team.group.last().text == team.bot.texts.t("group.no_round", "en")


async def test_the_bot_says_hello_when_added_to_a_group(bot: Bot) -> None:
    """Adding the bot to a group tells the group what to do first."""
    piet = bot.fake.person("Piet")
    group = bot.fake.add_group("Team", creator=piet.user, admins=[], members=[], with_bot=False)
    await piet.add_bot(group)
    assert group.last().text == bot.t("group.added")


async def test_colour_blind_setting(team: Team) -> None:
    """/kleurenblind aan turns on shapes and patterns for this team's maps."""
    await register(team)
    await team.principal.send("/kleurenblind aan", chat=team.group)
    assert team.group.last().text == team.bot.t("group.colour_on")
    async with team.bot.store.tx() as tx:
        row = await tx.team_by_chat(team.group.id)
    assert row is not None and row.colour_blind
    await team.principal.send("/kleurenblind", chat=team.group)
    assert team.group.last().text == team.bot.t("group.colour_usage")
