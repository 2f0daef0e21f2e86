"""The team map as the bot shows it: load it from storage, label it, caption it (no Telegram)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core import teammap
from core.model import Category, Distance, Role, Round, Team
from core.protocol import Step
from core.render import MapData, MapNode, MapTexts
from core.teammap import TeamMap
from core.textsplit import utf16_len
from prompts import Html, Texts
from storage.store import Tx

# Steps after which the protocol has shown the team the priority picks (2C closed) and the
# closing answers with their metaphors (step 4 closed). Priorities cannot reopen later.
_PICKS_HIDDEN = frozenset({Step.BRAINSTORM, Step.BRAINSTORM_CLOSED, Step.PRIORITIES})
_CLOSING_SHARED = frozenset({Step.CLOSING_CLOSED, Step.DONE})
# Every screen that shows the map reads it through here: the merge runs once per change of
# the round's post-its or merge decisions, not on every tap of a pick screen.
MERGES = teammap.MergeCache()


def priorities_shared(round_: Round) -> bool:
    """True once step 2C closed: from then on the map may show who picked what."""
    return Step(round_.step) not in _PICKS_HIDDEN


def closing_shared(round_: Round) -> bool:
    """True once step 4 closed: its answers, absences and metaphors were shared."""
    return Step(round_.step) in _CLOSING_SHARED


async def warm(tx: Tx) -> int:
    """Merge every open round once, at start-up: the first tap after a restart then finds its
    round's merge ready instead of paying for it (tens of milliseconds for a team of ten)."""
    rounds = await tx.open_rounds()
    for round_ in rounds:
        await load(tx, round_)
    return len(rounds)


async def load(
    tx: Tx,
    round_: Round,
    *,
    shared_only: bool = False,
    additions: set[str] | None = None,
    seen_by: int | None = None,
) -> TeamMap:
    """The current merged map of a round, with the principal's decisions, picks and links.

    shared_only: the map as the team may see it now (no picks before step 2C closed, none of
    the partners added in a second look that is still open).
    additions: only the member-check additions with these labels (rebuilding a kept version).
    seen_by: with shared_only, this member's own additions in the open look are on it too.
    """
    joined, apart = await tx.decisions(round_.id)
    members = await tx.members(round_.id)
    picks = await tx.priorities(round_.id)
    if shared_only and not priorities_shared(round_):
        picks = []
    mentions = await tx.mentions(round_.id)
    full = len(mentions)
    look = await tx.look_of(round_.id)
    if shared_only and look is not None and look.is_open:
        hidden = await tx.look_postit_ids(look.id)
        mentions = [m for m in mentions if m.postit_id not in hidden or m.member_id == seen_by]
    team_map = teammap.build(
        mentions,
        joined=joined,
        apart=apart,
        cache=MERGES,
        # The team's view during an open second look (and each member's own) leaves out other
        # post-its: a merge of its own, so it never pushes the full one out of the cache.
        scope=(round_.id, seen_by) if len(mentions) != full else round_.id,
        priorities=picks,
        links=await tx.links(round_.id),
        members=[m.role for m in members],
        overrides=await tx.overrides(round_.id),
    )
    if look is not None and not look.is_open:
        # The team placed these partners in the second look: no longer shown as disputed.
        for placement in await tx.placements(look.id):
            index = team_map.index_of(placement.node_key)
            if index is not None and placement.after is not None:
                team_map.nodes[index].disputed = False
    for row in await tx.additions(round_.id):
        if additions is not None and row.label not in additions:
            continue
        teammap.add_partner(
            team_map,
            row.label,
            category=Category(row.category) if row.category else None,
            distance=Distance(int(row.distance)) if row.distance is not None else None,
        )
    return team_map


def local_date(round_: Round, timezone: str) -> str:
    """The round's date as a Flemish reader writes it (dd-mm-jjjj)."""
    return round_.opened_at.astimezone(ZoneInfo(timezone)).strftime("%d-%m-%Y")


def texts_for(texts: Texts, team: Team, round_: Round, timezone: str) -> MapTexts:
    """Every word on the picture in the team's language."""
    lang = team.language.value

    def p(key: str, **fields: object) -> str:
        return texts.plain(f"map.{key}", lang, **fields)

    return MapTexts(
        title=p(
            "title",
            school=team.school_name or "",
            number=round_.number,
            date=local_date(round_, timezone),
        ),
        centre=p("centre"),
        legend_category=p("legend_category"),
        legend_priority=p("legend_priority"),
        disputed=p("disputed"),
        size=p("size"),
        rings_title=p("rings_title"),
        missing_title=p("missing_title"),
        priorities_title=p("priorities_title"),
        patterns=p("patterns"),
        no_priorities=p("no_priorities"),
        key_title=p("key_title"),
        unplaced=p("unplaced"),
        categories={c: p(f"category.{c.value}") for c in Category},
        distances={d: p(f"distance.{int(d)}") for d in Distance},
        roles={r: p(f"role.{r.value}") for r in Role},
    )


def data_for(team_map: TeamMap, map_texts: MapTexts, *, colour_blind: bool) -> MapData:
    """What the renderer draws."""
    nodes = [
        MapNode(
            label=node.label,
            category=node.category,
            distance=node.distance,
            mentions=node.mention_count,
            # A category the members split on evenly is disputed too (the team places it).
            disputed=node.disputed or bool(node.category_tie),
            picks=tuple(team_map.picks[i]),
        )
        for i, node in enumerate(team_map.nodes)
    ]
    return MapData(nodes, team_map.links, map_texts, colour_blind=colour_blind)


def caption(
    texts: Texts, team: Team, round_: Round, team_map: TeamMap, metaphors: list[str] | None = None
) -> Html:
    """A short photo caption (within Telegram's 1024 characters), with the team's metaphors."""
    lang = team.language.value
    members = len({m for node in team_map.nodes for m in node.member_ids})
    text = texts.t(
        "map.caption",
        lang,
        school=team.school_name or "",
        number=round_.number,
        partners=len(team_map.nodes),
        members=members,
    )
    disputed = [node.label for node in team_map.nodes if node.disputed or node.category_tie]
    if disputed:
        names = ", ".join(disputed)
        extra = texts.t("map.caption_disputed", lang, names=names)
        if utf16_len(text) + utf16_len(extra) < 1000:
            text = Html(f"{text}\n{extra}")
    for metaphor in metaphors or []:
        line = texts.t("map.caption_metaphor", lang, text=" ".join(metaphor.split()))
        if utf16_len(text) + utf16_len(line) >= 1000:
            break
        text = Html(f"{text}\n{line}")
    return text
