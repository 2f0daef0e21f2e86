"""The map in words, for phones and screen readers (no Telegram).

Under every map picture a button opens the same map as text: ring by ring (from in the school
to absent), per category, then a short message with a button per partner. A partner's screen
says how many members named it and with which roles, where they placed it, and, once step 2C
was closed, who picked it as priority and why. Only what the team has been shown so far
(`mapview.load(shared_only=True)`); never a name, and a role only when at least three members
of the round share it (sharing.shown_roles), else "andere functies".

Buttons are (action, arg) pairs the handler encodes as callbacks.words: "l" the whole list
again, "o" a page of partner buttons, "p" one partner ("<key hash>.<page>").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from core.merge import Node
from core.model import Category, Distance, Role, Round, Team
from core.teammap import TeamMap
from prompts import Html, Texts
from storage.store import Tx

from . import mapview, sharing
from .base import Button, Screen, StaleButton, parse_id
from .priority import key_hash

# Partner buttons per page: four rows of two fit a phone without scrolling.
PAGE = 8
# More partners than this in one ring and category are listed one per line.
INLINE = 6
_RINGS: tuple[Distance | None, ...] = (*Distance, None)
_CATEGORIES: tuple[Category | None, ...] = (*Category, None)


@dataclass(frozen=True)
class View:
    """A round's map as the team may see it now, with what the words need besides."""

    team: Team
    round: Round
    team_map: TeamMap
    shown: frozenset[Role]
    reasons: dict[int, list[tuple[str, str]]]

    @property
    def order(self) -> list[int]:
        """The partners in reading order: ring, category, name."""
        nodes = self.team_map.nodes

        def place(i: int) -> tuple[int, int, str]:
            node = nodes[i]
            return (_RINGS.index(node.distance), _CATEGORIES.index(node.category),
                    node.label.casefold())  # fmt: skip

        return sorted(range(len(nodes)), key=place)


async def load(tx: Tx, texts: Texts, team: Team, round_: Round) -> View:
    """The round's shared map and its anonymous reasons (none before step 2C closed)."""
    team_map = await mapview.load(tx, round_, shared_only=True)
    shown = sharing.shown_roles(await tx.members(round_.id))
    reasons = await sharing.reasons_by_node(tx, texts, team, round_, team_map, shown)
    return View(team, round_, team_map, shown, reasons)


def _roles(texts: Texts, lang: str, counts: Counter[Role], shown: Collection[Role]) -> str:
    """'leraar 3, andere functies 2': a role by name only when enough members share it."""
    parts = [
        f"{texts.plain(f'map.role.{role.value}', lang)} {counts[role]}"
        for role in Role
        if role in shown and counts[role]
    ]
    hidden = sum(n for role, n in counts.items() if role not in shown)
    if hidden:
        parts.append(texts.plain("words.other_roles", lang, count=hidden))
    return ", ".join(parts)


def _entry(texts: Texts, lang: str, view: View, index: int) -> str:
    node = view.team_map.nodes[index]
    picks = len(view.team_map.picks[index])
    if picks:
        return texts.plain("words.entry_picked", lang, name=node.label, count=picks)
    return node.label


def overview(texts: Texts, view: View) -> Html:
    """The whole map as text: a heading per ring, a line per category with its partners."""
    lang = view.team.language.value
    nodes = view.team_map.nodes
    members = len({m for node in nodes for m in node.member_ids})
    blocks: list[str] = [
        texts.t(
            "words.title",
            lang,
            school=view.team.school_name or "",
            number=view.round.number,
            partners=len(nodes),
            members=members,
        )
    ]
    order = view.order
    for ring in _RINGS:
        in_ring = [i for i in order if nodes[i].distance == ring]
        if not in_ring:
            continue
        heading = (
            texts.plain(f"distance.{int(ring)}", lang)
            if ring is not None
            else texts.plain("words.unplaced", lang)
        )
        lines = [texts.t("words.ring", lang, ring=heading, count=len(in_ring))]
        for category in _CATEGORIES:
            names = [_entry(texts, lang, view, i) for i in in_ring if nodes[i].category == category]
            if not names:
                continue
            label = (
                texts.plain(f"category.{category.value}", lang)
                if category is not None
                else texts.plain("words.no_category", lang)
            )
            if len(names) <= INLINE:
                lines.append(
                    texts.t("words.category", lang, category=label, names="; ".join(names))
                )
                continue
            # A long category: one partner per line, so a long list splits between partners.
            lines.append(texts.t("words.category_long", lang, category=label, count=len(names)))
            lines.extend(texts.t("words.item", lang, name=name) for name in names)
        blocks.append("\n".join(lines))
    if not nodes:
        blocks.append(texts.t("words.empty", lang))
    return Html("\n\n".join(blocks))


def picker(texts: Texts, view: View, page: int) -> Screen:
    """A page of partner buttons in reading order, with the pages around it."""
    lang = view.team.language.value
    order = view.order
    pages = max(1, -(-len(order) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = order[page * PAGE : (page + 1) * PAGE]
    buttons = [
        Button(view.team_map.nodes[i].label, "p", f"{key_hash(view.team_map.nodes[i].key)}.{page}")
        for i in shown
    ]
    rows: list[tuple[Button, ...]] = [tuple(buttons[k : k + 2]) for k in range(0, len(buttons), 2)]
    nav: list[Button] = []
    if page > 0:
        nav.append(Button(texts.plain("btn.previous", lang), "o", str(page - 1)))
    if page < pages - 1:
        nav.append(Button(texts.plain("btn.more", lang), "o", str(page + 1)))
    if nav:
        rows.append(tuple(nav))
    key = "words.pick" if pages == 1 else "words.pick_page"
    return Screen(texts.t(key, lang, page=page + 1, pages=pages), tuple(rows))


def _placements(node: Node) -> Counter[Distance | None]:
    """Where each member who named it placed it (one placement per member)."""
    by_member: dict[int, Distance | None] = {}
    for mention in node.mentions:
        if by_member.get(mention.member_id) is None:
            by_member[mention.member_id] = mention.distance
    return Counter(by_member.values())


def partner(texts: Texts, view: View, index: int, page: int) -> Screen:
    """One partner: named by how many and which roles, where they placed it, the picks and the
    reasons (once shared), its links; a button back to the partner buttons."""
    lang = view.team.language.value
    team_map = view.team_map
    node = team_map.nodes[index]
    ring = (
        texts.plain(f"distance.{int(node.distance)}", lang)
        if node.distance is not None
        else texts.plain("words.unplaced", lang)
    )
    category = (
        texts.plain(f"category.{node.category.value}", lang)
        if node.category is not None
        else texts.plain("words.no_category", lang)
    )
    lines = [texts.t("words.partner", lang, name=node.label, category=category, ring=ring)]
    if node.mention_count:
        roles = _roles(texts, lang, node.roles, view.shown)
        lines.append(texts.t("words.named", lang, count=node.mention_count, roles=roles))
        places = _placements(node)
        parts = [
            texts.plain(
                "words.place",
                lang,
                ring=texts.plain(
                    f"map.distance.{int(d)}" if d is not None else "words.no_distance", lang
                ),
                count=places[d],
            )
            for d in _RINGS
            if places[d]
        ]
        lines.append(texts.t("words.placed", lang, places=", ".join(parts)))
    else:
        lines.append(texts.t("words.added", lang))
    if node.disputed:
        lines.append(texts.t("words.disputed", lang))
    if mapview.priorities_shared(view.round):
        picks = Counter(team_map.picks[index])
        if picks:
            roles = _roles(texts, lang, picks, view.shown)
            lines.append(texts.t("words.picked", lang, count=sum(picks.values()), roles=roles))
            for who, reason in view.reasons.get(index, []):
                lines.append(texts.t("share.answer", lang, who=who, text=reason))
        else:
            lines.append(texts.t("words.not_picked", lang))
    else:
        lines.append(texts.t("words.picks_later", lang))
    linked = sorted(
        (
            team_map.nodes[b if a == index else a].label
            for a, b in team_map.links
            if index in (a, b)
        ),
        key=str.casefold,
    )
    if linked:
        lines.append(texts.t("words.links", lang, names=", ".join(linked)))
    back = Button(texts.plain("btn.back", lang), "o", str(page))
    return Screen(Html("\n".join(lines)), ((back,),))


def find(view: View, arg: str) -> tuple[int, int]:
    """The partner and page a partner button names; StaleButton when the map changed since."""
    node_hash, _, page = arg.partition(".")
    for i, node in enumerate(view.team_map.nodes):
        if key_hash(node.key) == node_hash:
            return i, parse_id(page)
    raise StaleButton(f"no partner {node_hash!r}")


def screens(texts: Texts, view: View, action: str, arg: str) -> list[Screen]:
    """What a tap shows: the list and the first partner buttons ("l"), another page ("o"),
    or one partner ("p")."""
    if action == "l":
        return [Screen(overview(texts, view)), picker(texts, view, 0)]
    if action == "o":
        return [picker(texts, view, parse_id(arg))]
    if action == "p":
        return [partner(texts, view, *find(view, arg))]
    raise StaleButton(f"map in words: {action!r}")
