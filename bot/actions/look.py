"""The second look at the merged map (step 2B): one invitation per member when the group gets
the map, and, when the principal closes it, the map updated once (core/look.py).

Opening writes the disputed partners (a spread of two rings or more, a category tie) and every
member's invitation in the transaction that releases the map; the facilitators get the
protocol's MAP.I and the button to close. Closing applies everything at once: the added
partners appear, the proposed links join the map, each disputed partner goes where the
team's majority put it (a tie keeps it), and the group gets ONE post with the map.
"""

from __future__ import annotations

from bot import callbacks
from bot.context import Services
from bot.dialogs import look as look_dialog
from bot.dialogs import mapview
from bot.dialogs.base import Ctx
from core import look as core_look
from core.effects import Notice, Tap, Text
from core.look import CATEGORY, Look, Placement
from core.model import Round, Team
from core.protocol import LOOKING, Stage
from prompts import Html
from storage.store import Tx

from . import control
from .common import dialog_encoder, screen_messages


def invitation_key(look: Look) -> str:
    """The living key of a member's invitation (edited to 'closed' when the look closes)."""
    return f"look:{look.id}"


async def open_look(tx: Tx, services: Services, team: Team, round_: Round) -> None:
    """The group just got the merged map: every member who finished the introduction is
    invited once, in private; the facilitators are told how to run it and how to close it."""
    look = await tx.open_look(round_.id)
    if look is None:
        return
    team_map = await mapview.load(tx, round_, shared_only=True)
    for node, field, before, options in core_look.disputed(team_map.nodes):
        await tx.add_placement(look.id, node.key, node.label, field, before, options)
    batch = f"look:{round_.id}"
    invited = 0
    for member in await tx.present_members(round_.id):
        if Stage(member.stage) is not Stage.WAITING:
            continue
        member = await tx.update_member(member.id, stage=Stage.LOOK)
        invited += 1
        ctx = Ctx(tx, services.texts, team, round_, member)
        screen = await look_dialog.invitation(ctx)
        seq = await tx.bump_screen(member.id)
        for message in screen_messages(
            member.user_id, [screen], dialog_encoder(member.id, seq), batch=batch
        ):
            living = Text(message.chat_id, message.text, message.buttons,
                          living=invitation_key(look), batch=batch)  # fmt: skip
            await tx.enqueue(living, team.id)
    lang = team.language.value
    await tx.enqueue(Notice(team.chat_id, batch, "group.unreachable", lang), team.id)
    placements = await tx.placements(look.id)
    disputed = (
        services.texts.t("look.principal_disputed", lang, count=len(placements))
        if placements
        else Html("")
    )
    text = services.texts.t("look.principal_opened", lang, invited=invited, disputed=disputed)
    button = Tap(
        services.texts.plain("look.btn.close", lang), callbacks.guide(team.id, "lookclose")
    )
    for user_id in await control.facilitators(tx, team):
        await tx.enqueue(Text(user_id, text, ((button,),)), team.id)
    await control.refresh(tx, services, team)


async def is_open(tx: Tx, round_id: int) -> bool:
    """True while the round's second look runs."""
    look = await tx.look_of(round_id)
    return look is not None and look.is_open


async def close_in(
    tx: Tx, services: Services, team: Team, round_: Round
) -> tuple[bool, Html | None]:
    """Close the round's open look in the caller's transaction: everything reaches the map at
    once. Returns (closed, the lead of the group's one post with the map, None when nothing
    came of it); maps.close_look posts it."""
    look = await tx.look_of(round_.id)
    if look is None or not look.is_open or not await tx.close_look(look.id):
        return False, None
    lang = team.language.value
    texts = services.texts
    links = await tx.look_links(look.id)
    new_links = await _new_links(tx, round_, links)
    for member_id, key_a, key_b in links:
        await tx.add_link(round_.id, member_id, key_a, key_b)
    results: list[tuple[Placement, str, list[str]]] = []
    for placement in await tx.placements(look.id):
        votes = await tx.votes(placement.id)
        if not votes:
            continue  # nobody placed it: it stays disputed, for the team to talk about
        after = core_look.team_value(placement, votes)
        await tx.set_placement_after(placement.id, after)
        if placement.field == CATEGORY:
            # Settled either way: the team's category, or (a tie) the one the map showed.
            await tx.set_override(round_.id, placement.node_key, "category", after)
        elif after != placement.before:
            await tx.set_override(round_.id, placement.node_key, "distance", after)
        results.append((placement, after, votes))
    closed_text = texts.t("look.closed", lang)
    for member in await tx.present_members(round_.id):
        if Stage(member.stage) in LOOKING:
            await tx.update_member(member.id, stage=Stage.WAITING, current_postit_id=None)
            await tx.bump_screen(member.id)
            # The invitation becomes the note that the look closed: no message more.
            await tx.enqueue(Text(member.user_id, closed_text, living=invitation_key(look)),
                             team.id)  # fmt: skip
    added = await _added_labels(tx, round_, look)
    await control.refresh(tx, services, team)
    return True, summary(services, team, added, new_links, results)


async def _new_links(tx: Tx, round_: Round, links: list[tuple[int, str, str]]) -> int:
    """How many lines the proposed links add to the map (both partners on it, not drawn yet;
    two members proposing the same line is one line)."""
    team_map = await mapview.load(tx, round_)
    known = set(team_map.links)
    new: set[tuple[int, int]] = set()
    for _, key_a, key_b in links:
        a, b = team_map.index_of(key_a), team_map.index_of(key_b)
        if a is not None and b is not None and a != b and (min(a, b), max(a, b)) not in known:
            new.add((min(a, b), max(a, b)))
    return len(new)


async def _added_labels(tx: Tx, round_: Round, look: Look) -> list[str]:
    """The partners that came on the map through the look (named by nobody before)."""
    ids = await tx.look_postit_ids(look.id)
    team_map = await mapview.load(tx, round_)
    return [
        node.label
        for node in team_map.nodes
        if node.mentions and all(m.postit_id in ids for m in node.mentions)
    ]


def summary(
    services: Services,
    team: Team,
    added: list[str],
    links: int,
    results: list[tuple[Placement, str, list[str]]],
) -> Html | None:
    """What the look changed, for the group's one post; None when nothing came of it."""
    lang = team.language.value
    t, plain = services.texts.t, services.texts.plain
    answered = results
    if not added and not links and not answered:
        return None
    lines = [str(t("look.summary_title", lang))]
    if added:
        lines.append(t("look.summary_added", lang, count=len(added), names=", ".join(added)))
    if links:
        lines.append(t("look.summary_links", lang, count=links))
    if answered:
        lines.append(t("look.summary_placed", lang))
    for placement, after, votes in answered:
        counts = core_look.tally(placement, votes)
        if placement.field == CATEGORY:
            tally = " · ".join(f"{plain(f'map.category.{c}', lang)} {n}" for c, n in counts)
            key = "look.summary_category" if after != placement.before else "look.summary_kept"
            value = plain(f"map.category.{after}", lang)
        else:
            tally = " · ".join(f"{plain(f'look.move_{c}', lang)} {n}" for c, n in counts)
            moved = int(after) - int(placement.before)
            key = {-1: "look.summary_closer", 1: "look.summary_further"}.get(
                moved, "look.summary_kept"
            )
            value = plain(f"map.distance.{after}", lang)
        lines.append(t(key, lang, name=placement.label, value=value, tally=tally))
    lines.append(t("look.summary_talk", lang))
    return Html("\n".join(lines))
