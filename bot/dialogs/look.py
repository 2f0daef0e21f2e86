"""Step 2B's second look, in private: add a partner the map misses, propose a link, and place
the disputed partners blind (core/look.py).

A member gets one invitation when the group gets the map. A typed name is a partner they miss
(asked the brainstorm's kind, category and distance questions); "A — B" or two taps make a
link; the disputed partners come one per screen with their choices. Nothing of it is on the
map the team sees, and no answer is shown to anyone, until the principal closes the look.
Buttons carry a placement id or a short hash of a partner's name key, never a name.
"""

from __future__ import annotations

from core.edits import SourceKind
from core.look import CATEGORY, Look, Placement
from core.merge import Node, name_key, usual_kind_and_category
from core.model import PostIt
from core.protocol import LOOK_CLASSIFY, Stage, next_classify
from core.search import find_partners
from core.validation import Problem, clean_partner_name, split_partner_lines, tidy
from prompts import Html

from . import brainstorm, mapview
from .base import Button, Ctx, Outcome, Screen, is_id, rows, short_label
from .brainstorm import FIELD_OF_ACTION, FIELD_OF_STAGE, LATER, LINK_TEXT, details, value_label
from .links import split_link
from .priority import key_hash

PAGE_SIZE = 8


# -- what the member may see ------------------------------------------------------------------


async def _look(ctx: Ctx) -> Look | None:
    """The round's look while it is open."""
    look = await ctx.tx.look_of(ctx.round.id)
    return look if look is not None and look.is_open else None


async def _nodes(ctx: Ctx) -> list[Node]:
    """The partners on the map as the team has it, plus this member's own additions; the most
    named first."""
    team_map = await mapview.load(ctx.tx, ctx.round, shared_only=True, seen_by=ctx.member.id)
    return sorted(team_map.nodes, key=lambda n: (-n.mention_count, n.label.casefold(), n.key))


async def _additions(ctx: Ctx, look: Look) -> list[PostIt]:
    """The member's own partners added in this look."""
    ids = await ctx.tx.look_postit_ids(look.id)
    return [p for p in await ctx.tx.postits(ctx.member.id) if p.id in ids]


# -- screens ----------------------------------------------------------------------------------


async def _menu_buttons(ctx: Ctx, look: Look) -> tuple[tuple[Button, ...], ...]:
    placements = await ctx.tx.placements(look.id)
    buttons: list[Button] = []
    if placements:
        open_ = await _first_open(ctx, placements)
        key = "look.btn.place" if open_ is not None else "look.btn.place_done"
        buttons.append(Button(ctx.plain(key, count=len(placements)), "lplace"))
    buttons.append(Button(ctx.plain("look.btn.link"), "llink"))
    buttons.append(Button(ctx.plain("look.btn.done"), "ldone"))
    return rows(*buttons)


async def invitation(ctx: Ctx) -> Screen:
    """The one invitation: what the look is for, the disputed partners, what to do now."""
    look = await _look(ctx)
    if look is None:
        return Screen(ctx.t("look.closed"))
    parts = [ctx.t("look.invite")]
    placements = await ctx.tx.placements(look.id)
    if placements:
        names = ", ".join(dict.fromkeys(p.label for p in placements))
        parts.append(ctx.t("look.invite_disputed", count=len(placements), names=names))
    parts.append(ctx.t("look.invite_next"))
    return Screen(Html("\n\n".join(parts)), await _menu_buttons(ctx, look))


async def menu_screen(ctx: Ctx, *, lead: Html | None = None) -> Screen:
    """Back in the look after adding, linking or placing: what else can be done."""
    look = await _look(ctx)
    if look is None:
        return Screen(ctx.t("look.closed"))
    text = ctx.t("look.menu")
    if lead:
        text = Html(f"{lead}\n\n{text}")
    return Screen(text, await _menu_buttons(ctx, look))


def done_screen(ctx: Ctx) -> Screen:
    """Thanks; the member may come back until the look closes."""
    return Screen(ctx.t("look.done"), rows(Button(ctx.plain("look.btn.more"), "lmenu")))


async def link_screen(ctx: Ctx, page: int = 0, *, found: list[Node] | None = None) -> Screen:
    """The partners to tap for a link: the first one, then the second (a typed name finds
    any partner)."""
    look = await _look(ctx)
    if look is None:
        return Screen(ctx.t("look.closed"))
    first, _ = await ctx.tx.look_place(look.id, ctx.member.id)
    nodes = [n for n in await _nodes(ctx) if n.key != first]
    first_label = next((n.label for n in await _nodes(ctx) if n.key == first), None)
    if first_label is None:
        text = ctx.t("look.link_first")
    else:
        text = ctx.t("look.link_second", name=first_label)
    nav: list[Button] = []
    if found is not None:
        shown = [n for n in found if n.key != first]
        text = Html(f"{ctx.t('look.link_found', count=len(shown))}\n{text}")
    else:
        pages = max(1, (len(nodes) + PAGE_SIZE - 1) // PAGE_SIZE)
        page = min(max(page, 0), pages - 1)
        shown = nodes[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        if page > 0:
            nav.append(Button(ctx.plain("btn.previous"), "llist", str(page - 1)))
        if page < pages - 1:
            nav.append(Button(ctx.plain("btn.more"), "llist", str(page + 1)))
    picks = [Button(short_label(n.label), "lpick", key_hash(n.key)) for n in shown]
    back = (Button(ctx.plain("btn.back"), "lmenu"),)
    return Screen(text, (*rows(*picks, per_row=2), *((tuple(nav),) if nav else ()), back))


async def place_screen(ctx: Ctx, placement: Placement, *, lead: Html | None = None) -> Screen:
    """One disputed partner, blind: the member's own answer is marked, nobody else's shown."""
    look = await _look(ctx)
    if look is None:
        return Screen(ctx.t("look.closed"))
    placements = await ctx.tx.placements(look.id)
    number = next(i for i, p in enumerate(placements, 1) if p.id == placement.id)
    mine = await ctx.tx.my_vote(placement.id, ctx.member.id)
    if placement.field == CATEGORY:
        options = [ctx.plain(f"category.{c}") for c in placement.choices]
        text = ctx.t(
            "look.place_category",
            name=placement.label,
            n=number,
            total=len(placements),
            options=" / ".join(options),
        )
        labels = {c: ctx.plain(f"category.{c}") for c in placement.choices}
    else:
        low, high = await _spread(ctx, placement)
        text = ctx.t(
            "look.place_distance",
            name=placement.label,
            n=number,
            total=len(placements),
            low=low,
            high=high,
            ring=ctx.plain(f"map.distance.{placement.before}"),
        )
        labels = {c: ctx.plain(f"look.move_{c}") for c in placement.choices}
    if lead:
        text = Html(f"{lead}\n\n{text}")
    buttons = [
        Button(("✓ " if choice == mine else "") + label, "lvote", f"{placement.id}:{choice}")
        for choice, label in labels.items()
    ]
    per_row = 3 if placement.field != CATEGORY else 1
    return Screen(
        text,
        (
            *rows(*buttons, per_row=per_row),
            (
                Button(ctx.plain("btn.skip"), "lskip", str(placement.id)),
                Button(ctx.plain("btn.back"), "lmenu"),
            ),
        ),
    )


async def _spread(ctx: Ctx, placement: Placement) -> tuple[str, str]:
    """The closest and the furthest ring members gave (the map's dashed outline, in words)."""
    team_map = await mapview.load(ctx.tx, ctx.round, shared_only=True)
    index = team_map.index_of(placement.node_key)
    given = (
        sorted(int(m.distance) for m in team_map.nodes[index].mentions if m.distance is not None)
        if index is not None
        else []
    )
    if not given:
        ring = ctx.plain(f"map.distance.{placement.before}")
        return ring, ring
    return ctx.plain(f"map.distance.{given[0]}"), ctx.plain(f"map.distance.{given[-1]}")


async def current_screen(ctx: Ctx) -> Screen:
    """The screen for the member's current look stage (used to resume)."""
    stage = Stage(ctx.member.stage)
    look = await _look(ctx)
    if look is None:
        return Screen(ctx.t("look.closed"))
    if stage is Stage.LOOK_DONE:
        return done_screen(ctx)
    if stage is Stage.LOOK_LINK:
        return await link_screen(ctx)
    if stage is Stage.LOOK_PLACE:
        _, placement_id = await ctx.tx.look_place(look.id, ctx.member.id)
        placement = next((p for p in await ctx.tx.placements(look.id) if p.id == placement_id),
                         None)  # fmt: skip
        if placement is not None:
            return await place_screen(ctx, placement)
    if stage in LOOK_CLASSIFY:
        postit = await _current_postit(ctx)
        if postit is not None:
            return await _question(ctx, postit, stage)
    return await invitation(ctx) if stage is Stage.LOOK else await menu_screen(ctx)


async def _question(ctx: Ctx, postit: PostIt, stage: Stage, *, lead: Html | None = None) -> Screen:
    """The brainstorm's question for this stage about an added partner."""
    if stage is Stage.LOOK_KIND:
        return await brainstorm.first_question(ctx, postit, lead=lead, stage=stage)
    if FIELD_OF_STAGE[stage] == "distance":
        known = await ctx.tx.has_placed_a_partner(ctx.member.id)
        return brainstorm.classify_screen(ctx, postit, stage, lead=lead, explain=not known)
    return brainstorm.classify_screen(ctx, postit, stage, lead=lead)


async def _current_postit(ctx: Ctx) -> PostIt | None:
    if ctx.member.current_postit_id is None:
        return None
    postit = await ctx.tx.postit(ctx.member.current_postit_id)
    return postit if postit and postit.member_id == ctx.member.id else None


# -- typed messages ---------------------------------------------------------------------------


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """A partner the member misses (one per line), "A — B" as a link, or while choosing a
    link's partners a (part of a) name to find."""
    look = await _look(ctx)
    if look is None:
        return Outcome([Screen(ctx.t("look.closed"))])
    stage = Stage(ctx.member.stage)
    if stage is Stage.LOOK_LINK:
        return Outcome([await link_screen(ctx, found=find_partners(text, await _nodes(ctx)))])
    if stage in LOOK_CLASSIFY or stage is Stage.LOOK_PLACE:
        # A question is open: it comes first (what was typed is not lost, say so).
        return Outcome([Screen(ctx.t("look.answer_first")), await current_screen(ctx)])
    if LINK_TEXT.match(text.strip()):
        return await _typed_link(ctx, look, text)
    notes: list[str] = []
    added: list[PostIt] = []
    on_map = {key for node in await _nodes(ctx) for key in node.keys}
    count = len(await ctx.tx.postits(ctx.member.id))
    for number, line in enumerate(split_partner_lines(text) or [text]):
        cleaned = clean_partner_name(line)
        if not isinstance(cleaned, Problem) and name_key(cleaned) in on_map:
            notes.append(ctx.t("look.already_on_map", name=cleaned))
            continue
        postit, problem = await brainstorm.add_name(ctx, line, count + len(added))
        await ctx.tx.note_source(
            SourceKind.POSTIT,
            postit.text if postit else tidy(line),
            line=number,
            created=postit is not None,
            member_id=ctx.member.id,
            postit_id=postit.id if postit else None,
        )
        if postit is None:
            assert problem is not None
            notes.append(ctx.t(problem.key, **problem.fields))
            continue
        await ctx.tx.note_look_postit(look.id, postit.id)
        added.append(postit)
    lead = Html("\n".join(notes)) if notes else None
    if stage is Stage.LOOK_DONE and added:
        await ctx.tx.set_look_done(look.id, ctx.member.id, False)
    return Outcome(await _classify_next(ctx, look, lead), progress_changed=bool(added))


async def on_link(ctx: Ctx, text: str) -> Outcome:
    """/verband A — B during the look: proposed for the map like a tapped link."""
    look = await _look(ctx)
    if look is None:
        return Outcome([Screen(ctx.t("look.closed"))])
    if Stage(ctx.member.stage) in LOOK_CLASSIFY:
        return Outcome([Screen(ctx.t("look.answer_first")), await current_screen(ctx)])
    return await _typed_link(ctx, look, text)


async def _typed_link(ctx: Ctx, look: Look, text: str) -> Outcome:
    """'CLB — Ondersteuningsnetwerk' typed: a link proposed for the map."""
    pair = split_link(text)
    names: list[str] = []
    for raw in pair or ():
        cleaned = clean_partner_name(raw)
        if isinstance(cleaned, Problem):
            return Outcome([Screen(ctx.t(cleaned.key, **cleaned.fields)), await menu_screen(ctx)])
        names.append(cleaned)
    if len(names) != 2:
        return Outcome([Screen(ctx.t("link.usage")), await menu_screen(ctx)])
    if name_key(names[0]) == name_key(names[1]):
        return Outcome([Screen(ctx.t("link.same")), await menu_screen(ctx)])
    added = await ctx.tx.add_look_link(look.id, ctx.member.id, name_key(names[0]),
                                       name_key(names[1]))  # fmt: skip
    key = "look.link_added" if added else "link.known"
    await _back_to_menu(ctx, look)
    return Outcome([await menu_screen(ctx, lead=ctx.t(key, a=names[0], b=names[1]))])


async def _classify_next(ctx: Ctx, look: Look, lead: Html | None) -> list[Screen]:
    """Ask about the member's next added partner that has no answers yet, or show the menu."""
    ids = await ctx.tx.look_postit_ids(look.id)
    postit = next(
        (p for p in await ctx.tx.postits(ctx.member.id) if p.id in ids and not p.classified),
        None,
    )
    if postit is None:
        await _back_to_menu(ctx, look)
        return [await menu_screen(ctx, lead=lead)]
    await ctx.move(Stage.LOOK_KIND, current_postit_id=postit.id)
    return [await _question(ctx, postit, Stage.LOOK_KIND, lead=lead)]


async def _back_to_menu(ctx: Ctx, look: Look) -> None:
    await ctx.move(Stage.LOOK, current_postit_id=None)
    await ctx.tx.set_look_place(look.id, ctx.member.id, link_from=None, placement_id=None)
    await ctx.tx.set_look_done(look.id, ctx.member.id, False)


# -- buttons ----------------------------------------------------------------------------------


async def on_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """The look's menu, the added partner's questions, a link's partners, a blind answer."""
    look = await _look(ctx)
    if look is None:
        return None
    stage = Stage(ctx.member.stage)
    if action in FIELD_OF_ACTION or action in ("known", "unknown", "scale"):
        return await _on_classify(ctx, look, stage, action, arg)
    if action == "lmenu":
        await _back_to_menu(ctx, look)
        return Outcome([await menu_screen(ctx)], replace=True, progress_changed=True)
    if stage in LOOK_CLASSIFY:
        return None  # an added partner's question is open: it comes first
    if action == "ldone":
        await ctx.move(Stage.LOOK_DONE, current_postit_id=None)
        await ctx.tx.set_look_done(look.id, ctx.member.id, True)
        return Outcome([done_screen(ctx)], replace=True, progress_changed=True)
    if action == "llink":
        await ctx.move(Stage.LOOK_LINK)
        await ctx.tx.set_look_place(look.id, ctx.member.id, link_from=None, placement_id=None)
        return Outcome([await link_screen(ctx)], replace=True)
    if action == "llist" and stage is Stage.LOOK_LINK:
        return Outcome([await link_screen(ctx, int(arg) if is_id(arg) else 0)], replace=True)
    if action == "lpick" and stage is Stage.LOOK_LINK:
        return await _on_link_pick(ctx, look, arg)
    if action == "lplace":
        placements = await ctx.tx.placements(look.id)
        if not placements:
            return None
        first = await _first_open(ctx, placements) or placements[0]
        await ctx.move(Stage.LOOK_PLACE)
        await ctx.tx.set_look_place(look.id, ctx.member.id, link_from=None, placement_id=first.id)
        return Outcome([await place_screen(ctx, first)], replace=True)
    if action in ("lvote", "lskip") and stage is Stage.LOOK_PLACE:
        return await _on_vote(ctx, look, action, arg)
    return None


async def _first_open(ctx: Ctx, placements: list[Placement]) -> Placement | None:
    """The first disputed partner the member has not answered yet."""
    for placement in placements:
        if await ctx.tx.my_vote(placement.id, ctx.member.id) is None:
            return placement
    return None


async def _on_link_pick(ctx: Ctx, look: Look, arg: str) -> Outcome | None:
    """The first partner of a link, or the second: then the link is proposed."""
    node = next((n for n in await _nodes(ctx) if key_hash(n.key) == arg), None)
    if node is None:
        return None
    first, _ = await ctx.tx.look_place(look.id, ctx.member.id)
    if first is None or first == node.key:
        await ctx.tx.set_look_place(look.id, ctx.member.id, link_from=node.key, placement_id=None)
        return Outcome([await link_screen(ctx)], replace=True)
    first_label = next((n.label for n in await _nodes(ctx) if n.key == first), first)
    added = await ctx.tx.add_look_link(look.id, ctx.member.id, first, node.key)
    key = "look.link_added" if added else "link.known"
    await _back_to_menu(ctx, look)
    lead = ctx.t(key, a=first_label, b=node.label)
    return Outcome([await menu_screen(ctx, lead=lead)], replace=True)


async def _on_vote(ctx: Ctx, look: Look, action: str, arg: str) -> Outcome | None:
    """A blind answer (or a skip); then the next disputed partner, or the menu."""
    raw_id, _, choice = arg.partition(":")
    placements = await ctx.tx.placements(look.id)
    placement = next((p for p in placements if is_id(raw_id) and p.id == int(raw_id)), None)
    _, current = await ctx.tx.look_place(look.id, ctx.member.id)
    if placement is None or placement.id != current:
        return None
    toast = None
    if action == "lvote":
        if choice not in placement.choices:
            return None
        await ctx.tx.vote(placement.id, ctx.member.id, choice)
        toast = ctx.plain("look.voted")
    following = placements[placements.index(placement) + 1 :]
    if following:
        nxt = following[0]
        await ctx.tx.set_look_place(look.id, ctx.member.id, link_from=None, placement_id=nxt.id)
        return Outcome([await place_screen(ctx, nxt)], toast=toast, replace=True)
    await _back_to_menu(ctx, look)
    lead = ctx.t("look.placed")
    return Outcome([await menu_screen(ctx, lead=lead)], toast=toast, replace=True)


async def _on_classify(ctx: Ctx, look: Look, stage: Stage, action: str, arg: str) -> Outcome | None:
    """An added partner's kind, category or distance, as in the brainstorm."""
    raw_id, _, raw_value = arg.partition(":")
    postit = await _current_postit(ctx)
    if postit is None or stage not in LOOK_CLASSIFY or not is_id(raw_id):
        return None
    if postit.id != int(raw_id):
        return None
    if action == "unknown" and stage is Stage.LOOK_KIND:
        return Outcome([brainstorm.classify_screen(ctx, postit, stage)], replace=True)
    if action == "scale" and FIELD_OF_STAGE[stage] == "distance":
        screen = brainstorm.classify_screen(ctx, postit, stage, explain=True)
        return Outcome([screen], replace=True)
    if action == "known" and stage is Stage.LOOK_KIND:
        usual = usual_kind_and_category(postit.text)
        if usual is None:
            return None
        distance = brainstorm.parse_value("distance", raw_value)
        kind, category = usual
        postit = await ctx.tx.update_postit(
            postit.id, kind=kind, category=category, distance=distance, classified=True
        )
        toast = value_label(ctx.texts, ctx.lang, "distance", distance)
        return await _saved(ctx, look, postit, toast)
    if action not in FIELD_OF_ACTION or FIELD_OF_ACTION[action] != FIELD_OF_STAGE[stage]:
        return None
    field = FIELD_OF_STAGE[stage]
    value = None if raw_value == LATER else brainstorm.parse_value(field, raw_value)
    following = next_classify(stage) if value is not None else None
    changes: dict[str, object] = {field: value} if value is not None else {}
    if following is None:
        changes["classified"] = True
    if changes:
        postit = await ctx.tx.update_postit(postit.id, **changes)
    label = value_label(ctx.texts, ctx.lang, field, value) if value is not None else None
    if following is not None:
        await ctx.move(following)
        return Outcome([await _question(ctx, postit, following)], toast=label, replace=True)
    return await _saved(ctx, look, postit, label)


async def _saved(ctx: Ctx, look: Look, postit: PostIt, toast: str | None) -> Outcome:
    """The added partner's message says what comes on the map; then the next one or the menu."""
    lead = ctx.t("look.added", name=postit.text, details=details(ctx.texts, ctx.lang, postit))
    screens = await _classify_next(ctx, look, lead)
    return Outcome(screens, toast=toast, replace=True)
