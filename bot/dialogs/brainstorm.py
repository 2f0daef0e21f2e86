"""Step 2A in private: one partner per message, each with kind, category and distance.

The member can list, rename, change and delete their own post-its until they tap "klaar",
and reopen their list while the brainstorm is open. Nothing here is visible to anyone else.
"""

from __future__ import annotations

import re

from core.edits import SourceKind
from core.merge import name_key, same_name, usual_kind_and_category
from core.model import Category, Distance, Kind, PostIt
from core.protocol import CLASSIFY, EDIT_STAGE, LOOK_CLASSIFY, Stage, next_classify
from core.validation import (
    MAX_PARTNERS_PER_MEMBER,
    Problem,
    clean_partner_name,
    normalise_key,
    split_partner_lines,
    tidy,
)
from prompts import Html, Texts
from storage.store import Tx

from .base import Button, Ctx, Outcome, Screen, is_id, parse_enum, rows, short_label

PAGE_SIZE = 8
# Two names joined by an em or en dash with spaces; a hyphen ("Sint-Jan") is part of a name.
LINK_TEXT = re.compile(r"^[^\n—–]+\s[—–]\s[^\n—–]+$")

FIELD_OF_STAGE: dict[Stage, str] = {
    Stage.KIND: "kind",
    Stage.CATEGORY: "category",
    Stage.DISTANCE: "distance",
    Stage.EDIT_KIND: "kind",
    Stage.EDIT_CATEGORY: "category",
    Stage.EDIT_DISTANCE: "distance",
    # The second look asks a partner added on the map the same three questions.
    Stage.LOOK_KIND: "kind",
    Stage.LOOK_CATEGORY: "category",
    Stage.LOOK_DISTANCE: "distance",
}
ACTION_OF_FIELD = {"kind": "kind", "category": "cat", "distance": "dist"}
FIELD_OF_ACTION = {action: field for field, action in ACTION_OF_FIELD.items()}
LATER = "-"
# The member's list is full: what follows in the same message is not tried.
FULL = "brainstorm.too_many"


# -- labels ---------------------------------------------------------------------------------


def value_label(
    texts: Texts, lang: str, field: str, value: Kind | Category | Distance | None
) -> str:
    """The visible word for a field value, or 'not chosen yet'."""
    if value is None:
        return texts.plain("label.unknown", lang)
    raw = str(int(value)) if isinstance(value, Distance) else value.value
    return texts.plain(f"{field}.{raw}", lang)


def details(texts: Texts, lang: str, postit: PostIt) -> str:
    """'Organisatie · Zorg · Dichtbij' for one post-it."""
    return " · ".join(
        value_label(texts, lang, field, value)
        for field, value in (
            ("kind", postit.kind),
            ("category", postit.category),
            ("distance", postit.distance),
        )
    )


def _choices(field: str) -> list[str]:
    if field == "kind":
        return [kind.value for kind in Kind]
    if field == "category":
        return [category.value for category in Category]
    return [str(int(distance)) for distance in Distance]


def parse_value(field: str, raw: str) -> Kind | Category | Distance:
    """A button's kind, category or distance value; StaleButton for anything else."""
    return _parse(field, raw)


def _parse(field: str, raw: str) -> Kind | Category | Distance:
    if field == "kind":
        return parse_enum(Kind, raw)
    if field == "category":
        return parse_enum(Category, raw)
    return parse_enum(Distance, raw)


# -- screens --------------------------------------------------------------------------------


async def prompt_screen(ctx: Ctx, *, intro: bool = False, lead: Html | None = None) -> Screen:
    """Ask for the next partner, with buttons for the list and for done."""
    count = await ctx.tx.postit_count(ctx.member.id)
    text = ctx.t("brainstorm.intro") if intro else ctx.t("brainstorm.next", count=count)
    if lead:
        text = Html(f"{lead}\n\n{text}")
    return Screen(
        text,
        (
            (
                Button(ctx.plain("btn.my_list", count=count), "list", "0"),
                Button(ctx.plain("btn.done"), "done"),
            ),
        ),
    )


def classify_screen(
    ctx: Ctx,
    postit: PostIt,
    stage: Stage,
    *,
    lead: Html | None = None,
    explain: bool = True,
) -> Screen:
    """Ask one of kind, category or distance for a post-it; the distance scale is explained in
    full only when `explain` (the member's first distance, or on request)."""
    field = FIELD_OF_STAGE[stage]
    action = ACTION_OF_FIELD[field]
    per_row = {"kind": 3, "category": 1, "distance": 1}[field]
    buttons = [
        Button(ctx.plain(f"{field}.{choice}"), action, f"{postit.id}:{choice}")
        for choice in _choices(field)
    ]
    layout = rows(*buttons, per_row=per_row)
    extra: list[Button] = []
    if field == "distance" and not explain:
        extra.append(Button(ctx.plain("btn.explain_scale"), "scale", str(postit.id)))
    if stage in CLASSIFY or stage in LOOK_CLASSIFY:
        extra.append(Button(ctx.plain("btn.later"), action, f"{postit.id}:{LATER}"))
    else:
        extra.append(Button(ctx.plain("btn.back"), "card", str(postit.id)))
    key = f"brainstorm.ask_{field}"
    if field == "distance" and not explain:
        key = "brainstorm.ask_distance_short"
    text = ctx.t(key, name=postit.text)
    if lead:
        text = Html(f"{lead}\n\n{text}")
    return Screen(text, (*layout, tuple(extra)))


async def _knows_scale(ctx: Ctx) -> bool:
    """True once the member placed a partner on the distance scale (its explanation was read)."""
    return await ctx.tx.has_placed_a_partner(ctx.member.id)


async def distance_screen(ctx: Ctx, postit: PostIt, stage: Stage) -> Screen:
    """The distance question, explained in full until the member has answered one."""
    return classify_screen(ctx, postit, stage, explain=not await _knows_scale(ctx))


async def first_question(
    ctx: Ctx, postit: PostIt, *, lead: Html | None = None, stage: Stage = Stage.KIND
) -> Screen:
    """A new partner's first question: for a well-known partner (CLB, the pedagogische
    begeleidingsdienst ...) its usual kind and category, confirmed by tapping the distance
    (one tap for the whole partner), or "something else"; otherwise the kind question (asked
    on `stage`: the brainstorm's, or the second look's)."""
    usual = usual_kind_and_category(postit.text)
    if usual is None:
        return classify_screen(ctx, postit, stage, lead=lead)
    kind, category = usual
    pid = str(postit.id)
    text = ctx.t(
        "brainstorm.ask_known",
        name=postit.text,
        kind=value_label(ctx.texts, ctx.lang, "kind", kind),
        category=value_label(ctx.texts, ctx.lang, "category", category),
    )
    if not await _knows_scale(ctx):
        text = Html(f"{text}\n{ctx.t('brainstorm.scale_explained')}")
    if lead:
        text = Html(f"{lead}\n\n{text}")
    distances = [
        Button(ctx.plain(f"distance.{choice}"), "known", f"{pid}:{choice}")
        for choice in _choices("distance")
    ]
    return Screen(
        text,
        (
            *rows(*distances, per_row=1),
            (
                Button(ctx.plain("btn.something_else"), "unknown", pid),
                Button(ctx.plain("btn.later"), "kind", f"{pid}:{LATER}"),
            ),
        ),
    )


async def list_screen(ctx: Ctx, page: int, *, lead: Html | None = None) -> Screen:
    """One page of the member's own post-its; tap one to change it."""
    postits = await ctx.tx.postits(ctx.member.id)
    if not postits:
        return await prompt_screen(ctx, lead=ctx.t("list.empty"))
    pages = (len(postits) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    shown = postits[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [
        ctx.t(
            "list.line",
            n=page * PAGE_SIZE + i + 1,
            name=p.text,
            details=details(ctx.texts, ctx.lang, p),
        )
        for i, p in enumerate(shown)
    ]
    header = ctx.t("list.header", count=len(postits), page=page + 1, pages=pages)
    text = Html("\n".join([header, "", *lines]))
    if lead:
        text = Html(f"{lead}\n\n{text}")
    buttons = [
        Button(short_label(f"{page * PAGE_SIZE + i + 1}. {p.text}"), "card", str(p.id))
        for i, p in enumerate(shown)
    ]
    nav: list[Button] = []
    if page > 0:
        nav.append(Button(ctx.plain("btn.previous"), "list", str(page - 1)))
    if page < pages - 1:
        nav.append(Button(ctx.plain("btn.more"), "list", str(page + 1)))
    bottom = (Button(ctx.plain("btn.add_more"), "back"), Button(ctx.plain("btn.done"), "done"))
    return Screen(text, (*rows(*buttons, per_row=2), *((tuple(nav),) if nav else ()), bottom))


def card_screen(ctx: Ctx, postit: PostIt, *, lead: Html | None = None) -> Screen:
    """One post-it with everything the member can change about it."""
    text = ctx.t(
        "card.text",
        name=postit.text,
        kind=value_label(ctx.texts, ctx.lang, "kind", postit.kind),
        category=value_label(ctx.texts, ctx.lang, "category", postit.category),
        distance=value_label(ctx.texts, ctx.lang, "distance", postit.distance),
    )
    if lead:
        text = Html(f"{lead}\n\n{text}")
    pid = str(postit.id)
    return Screen(
        text,
        (
            (Button(ctx.plain("btn.rename"), "ren", pid), Button(ctx.plain("btn.kind"), "ek", pid)),
            (
                Button(ctx.plain("btn.category"), "ec", pid),
                Button(ctx.plain("btn.distance"), "ed", pid),
            ),
            (Button(ctx.plain("btn.delete"), "del", pid), Button(ctx.plain("btn.to_list"), "list")),
        ),
    )


async def done_screen(ctx: Ctx) -> Screen:
    """Thanks the member and offers to reopen the list."""
    postits = await ctx.tx.postits(ctx.member.id)
    incomplete = sum(1 for p in postits if not p.is_complete)
    text = ctx.t("done.text", count=len(postits))
    if postits:
        names = ", ".join(p.text for p in postits)
        text = Html(f"{text}\n\n{ctx.t('done.list', names=names)}")
    if incomplete:
        text = Html(f"{text}\n\n{ctx.t('done.incomplete', count=incomplete)}")
    return Screen(text, rows(Button(ctx.plain("btn.reopen"), "reopen")))


async def current_screen(ctx: Ctx) -> Screen:
    """The screen for the member's current brainstorm stage (used to resume)."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.DONE:
        return await done_screen(ctx)
    postit = await _current_postit(ctx)
    if postit is not None and stage is Stage.KIND:
        return await first_question(ctx, postit)
    if postit is not None and FIELD_OF_STAGE.get(stage) == "distance":
        return await distance_screen(ctx, postit, stage)
    if postit is not None and stage in FIELD_OF_STAGE:
        return classify_screen(ctx, postit, stage)
    if postit is not None and stage is Stage.RENAME:
        return _rename_screen(ctx, postit)
    return await prompt_screen(ctx)


def _rename_screen(ctx: Ctx, postit: PostIt) -> Screen:
    return Screen(
        ctx.t("rename.ask", name=postit.text),
        rows(Button(ctx.plain("btn.cancel"), "card", str(postit.id))),
    )


# -- text -----------------------------------------------------------------------------------


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """A new partner per line (or a new name while renaming); never loses what was typed."""
    stage = Stage(ctx.member.stage)
    if stage is Stage.RENAME:
        return await _rename(ctx, text)
    if LINK_TEXT.match(text.strip()):
        # "CLB — Ondersteuningsnetwerk": a line between two partners, not a partner.
        from . import links

        return await links.on_link(ctx, text)

    outcome = Outcome()
    added, notes = await add_names(ctx, text)
    if added and stage is Stage.DONE:
        await ctx.move(Stage.BRAINSTORM, finished_at=None)
        notes.insert(0, ctx.t("brainstorm.reopened"))
        outcome.progress_changed = True
    lead = Html("\n".join(notes)) if notes else None

    if stage in CLASSIFY:
        # Keep asking about the post-it in hand; the new ones wait their turn.
        current = await _current_postit(ctx)
        if current is not None:
            queued = ctx.t("brainstorm.queued", names=", ".join(p.text for p in added))
            lead = Html("\n".join(x for x in (lead, queued if added else None) if x))
            if stage is Stage.KIND:
                outcome.screens.append(await first_question(ctx, current, lead=lead))
            else:
                outcome.screens.append(classify_screen(ctx, current, stage, lead=lead))
            return outcome
    if added or await ctx.tx.next_unclassified(ctx.member.id):
        outcome.screens.extend(await classify_next(ctx, lead))
        return outcome
    if stage is Stage.DONE:
        outcome.screens.append(await done_screen(ctx))
        if lead:
            outcome.screens.insert(0, Screen(lead))
        return outcome
    outcome.screens.append(await prompt_screen(ctx, lead=lead))
    return outcome


async def add_names(ctx: Ctx, text: str) -> tuple[list[PostIt], list[str]]:
    """Add one post-it per line of text, unclassified; notes say what was not added and why."""
    notes: list[str] = []
    added: list[PostIt] = []
    existing = await ctx.tx.postits(ctx.member.id)
    for number, line in enumerate(split_partner_lines(text) or [text]):
        postit, problem = await add_name(ctx, line, len(existing) + len(added), [*existing, *added])
        # Every line is noted, refused ones too: an edit of the message then tries only the
        # lines that changed (bot/dialogs/edits.py).
        await ctx.tx.note_source(
            SourceKind.POSTIT,
            postit.text if postit else tidy(line),
            line=number,
            created=postit is not None,
            member_id=ctx.member.id,
            postit_id=postit.id if postit else None,
        )
        if postit is not None:
            added.append(postit)
            continue
        assert problem is not None
        notes.append(ctx.t(problem.key, **problem.fields))
        if problem.key == FULL:
            break
    return added, notes


async def add_name(
    ctx: Ctx, line: str, count: int, postits: list[PostIt] | None = None
) -> tuple[PostIt | None, Problem | None]:
    """One line as a new post-it (the member has `count`, the list `postits` when the caller
    has it at hand), or why it was not added."""
    cleaned = clean_partner_name(line)
    if isinstance(cleaned, Problem):
        return None, cleaned
    if postits is None:
        postits = await ctx.tx.postits(ctx.member.id)
    existing = next((p for p in postits if same_name(p.text, cleaned)), None)
    if existing is not None:
        return None, duplicate(cleaned, existing)
    if count >= MAX_PARTNERS_PER_MEMBER:
        return None, Problem(FULL, {"max": MAX_PARTNERS_PER_MEMBER, "name": cleaned})
    return await ctx.tx.add_postit(ctx.member.id, cleaned, name_key(cleaned)), None


async def same_partner_in_list(
    tx: Tx, member_id: int, name: str, *, besides: int | None = None
) -> PostIt | None:
    """The member's post-it that the map would merge with `name` ("CLB" for "C.L.B.", "Huisarts"
    for "huisartsen"): the same normalisation for the member's own list as for the map."""
    for postit in await tx.postits(member_id):
        if postit.id != besides and same_name(postit.text, name):
            return postit
    return None


def duplicate(name: str, existing: PostIt) -> Problem:
    """Why a name is refused: already in the list, as it is or in another spelling."""
    if normalise_key(name) == normalise_key(existing.text):
        return Problem("brainstorm.duplicate", {"name": name})
    return Problem("names.duplicate_as", {"name": name, "existing": existing.text})


async def _rename(ctx: Ctx, text: str) -> Outcome:
    postit = await _current_postit(ctx)
    if postit is None:
        await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
        return await on_text(ctx, text)
    renamed = await rename_postit(ctx, postit, text)
    if isinstance(renamed, Problem):
        problem = ctx.t(renamed.key, **renamed.fields)
        return Outcome([Screen(problem), _rename_screen(ctx, postit)])
    await ctx.tx.note_source(
        SourceKind.POSTIT, renamed.text, member_id=ctx.member.id, postit_id=renamed.id
    )
    await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
    lead = ctx.t("rename.done", old=postit.text, new=renamed.text)
    return Outcome([card_screen(ctx, renamed, lead=lead)])


async def rename_postit(ctx: Ctx, postit: PostIt, text: str) -> PostIt | Problem:
    """Give one of the member's post-its a new name, checked like a new partner."""
    cleaned = clean_partner_name(text)
    if isinstance(cleaned, Problem):
        return cleaned
    other = await same_partner_in_list(ctx.tx, ctx.member.id, cleaned, besides=postit.id)
    if other is not None:
        return duplicate(cleaned, other)
    return await ctx.tx.update_postit(postit.id, text=cleaned, norm=name_key(cleaned))


async def classify_next(ctx: Ctx, lead: Html | None) -> list[Screen]:
    """Start asking about the oldest unclassified post-it, or go back to the prompt."""
    postit = await ctx.tx.next_unclassified(ctx.member.id)
    if postit is None:
        await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
        return [await prompt_screen(ctx, lead=lead)]
    await ctx.move(Stage.KIND, current_postit_id=postit.id)
    return [await first_question(ctx, postit, lead=lead)]


async def _current_postit(ctx: Ctx) -> PostIt | None:
    if ctx.member.current_postit_id is None:
        return None
    postit = await ctx.tx.postit(ctx.member.current_postit_id)
    return postit if postit and postit.member_id == ctx.member.id else None


# -- buttons --------------------------------------------------------------------------------


async def _own_postit(ctx: Ctx, raw_id: str) -> PostIt | None:
    """The member's own post-it with this id; None for anything else (never someone else's)."""
    if not is_id(raw_id):
        return None
    postit = await ctx.tx.postit(int(raw_id))
    return postit if postit and postit.member_id == ctx.member.id else None


async def on_value(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """Stores a kind, category or distance; the tapped question becomes the next question, and
    after the last one the confirmation (one message per partner). "Later" leaves the rest of
    this partner's questions open."""
    field = FIELD_OF_ACTION[action]
    stage = Stage(ctx.member.stage)
    raw_id, _, raw_value = arg.partition(":")
    postit = await _own_postit(ctx, raw_id)
    if (
        postit is None
        or FIELD_OF_STAGE.get(stage) != field
        or postit.id != (ctx.member.current_postit_id)
    ):
        return None
    value = None if raw_value == LATER else _parse(field, raw_value)
    toast = value_label(ctx.texts, ctx.lang, field, value) if value is not None else None
    following = next_classify(stage) if stage in CLASSIFY and value is not None else None
    changes: dict[str, object] = {field: value} if value is not None else {}
    if stage in CLASSIFY and following is None:
        changes["classified"] = True  # the last question, or "later" for the rest
    if changes:
        postit = await ctx.tx.update_postit(postit.id, **changes)
    if stage not in CLASSIFY:
        await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
        return Outcome([card_screen(ctx, postit, lead=ctx.t("card.saved"))], replace=True)
    if following is not None:
        await ctx.move(following)
        if FIELD_OF_STAGE[following] == "distance":
            screen = await distance_screen(ctx, postit, following)
        else:
            screen = classify_screen(ctx, postit, following)
        return Outcome([screen], toast=toast, replace=True)
    return await _confirmed(ctx, postit, toast)


async def _confirmed(ctx: Ctx, postit: PostIt, toast: str | None) -> Outcome:
    """The partner's message becomes its confirmation; then the next partner (a pasted list)
    or the prompt for one."""
    saved = ctx.t(
        "brainstorm.saved", name=postit.text, details=details(ctx.texts, ctx.lang, postit)
    )
    following_postit = await ctx.tx.next_unclassified(ctx.member.id)
    if following_postit is None:
        # The partner's message becomes its confirmation and asks for the next partner.
        await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
        return Outcome([await prompt_screen(ctx, lead=saved)], toast=toast, replace=True)
    # A pasted list: this partner's message becomes its confirmation, the next partner gets
    # a message of its own.
    await ctx.move(Stage.KIND, current_postit_id=following_postit.id)
    next_question = await first_question(ctx, following_postit)
    return Outcome([Screen(saved), next_question], toast=toast, replace=True)


async def _postit_in_hand(ctx: Ctx, raw_id: str, stage: Stage) -> PostIt | None:
    """The post-it this button is about, if it is the one being asked about at this stage."""
    postit = await _own_postit(ctx, raw_id)
    if postit is None or postit.id != ctx.member.current_postit_id:
        return None
    return postit if Stage(ctx.member.stage) is stage else None


async def on_known(ctx: Ctx, arg: str) -> Outcome | None:
    """A well-known partner's usual kind and category confirmed with its distance."""
    raw_id, _, raw_value = arg.partition(":")
    postit = await _postit_in_hand(ctx, raw_id, Stage.KIND)
    usual = usual_kind_and_category(postit.text) if postit else None
    if postit is None or usual is None:
        return None
    distance = _parse("distance", raw_value)
    kind, category = usual
    postit = await ctx.tx.update_postit(
        postit.id, kind=kind, category=category, distance=distance, classified=True
    )
    return await _confirmed(ctx, postit, value_label(ctx.texts, ctx.lang, "distance", distance))


async def on_unknown(ctx: Ctx, arg: str) -> Outcome | None:
    """Not what such a partner usually is: the three questions as for any partner."""
    postit = await _postit_in_hand(ctx, arg, Stage.KIND)
    if postit is None:
        return None
    return Outcome([classify_screen(ctx, postit, Stage.KIND)], replace=True)


async def on_scale(ctx: Ctx, arg: str) -> Outcome | None:
    """The distance question again, with the scale explained in full."""
    postit = await _own_postit(ctx, arg)
    stage = Stage(ctx.member.stage)
    if postit is None or postit.id != ctx.member.current_postit_id:
        return None
    if FIELD_OF_STAGE.get(stage) != "distance":
        return None
    return Outcome([classify_screen(ctx, postit, stage, explain=True)], replace=True)


async def on_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """Handles the list, card, delete and done buttons; None means the button does not apply."""
    stage = Stage(ctx.member.stage)
    if action in FIELD_OF_ACTION:
        return await on_value(ctx, action, arg)
    if action == "scale":
        return await on_scale(ctx, arg)
    if action == "known":
        return await on_known(ctx, arg)
    if action == "unknown":
        return await on_unknown(ctx, arg)
    if action == "reopen":
        if stage is not Stage.DONE:
            return None
        await ctx.move(Stage.BRAINSTORM, finished_at=None)
        return Outcome([await prompt_screen(ctx, lead=ctx.t("brainstorm.reopened"))], None, True)
    if stage is Stage.DONE or stage in CLASSIFY:
        # A finished list is reopened first; a post-it in hand is classified first.
        return None
    if action == "done":
        await ctx.move(Stage.DONE, current_postit_id=None, finished_at=ctx.tx.now)
        return Outcome([await done_screen(ctx)], progress_changed=True)
    if action == "back":
        await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
        return Outcome([await prompt_screen(ctx)])
    if action == "list":
        await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
        return Outcome([await list_screen(ctx, int(arg) if is_id(arg) else 0)])
    postit = await _own_postit(ctx, arg)
    if postit is None:
        return None
    if action == "card":
        await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
        return Outcome([card_screen(ctx, postit)])
    if action in ("ek", "ec", "ed"):
        field = {"ek": "kind", "ec": "category", "ed": "distance"}[action]
        stage = EDIT_STAGE[field]
        await ctx.move(stage, current_postit_id=postit.id)
        return Outcome([classify_screen(ctx, postit, stage)])
    if action == "ren":
        await ctx.move(Stage.RENAME, current_postit_id=postit.id)
        return Outcome([_rename_screen(ctx, postit)])
    if action == "del":
        await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
        pid = str(postit.id)
        return Outcome(
            [
                Screen(
                    ctx.t("delete.confirm", name=postit.text),
                    (
                        (
                            Button(ctx.plain("btn.delete_yes"), "delyes", pid),
                            Button(ctx.plain("btn.delete_no"), "card", pid),
                        ),
                    ),
                )
            ]
        )
    if action == "delyes":
        await ctx.tx.delete_postit(postit.id)
        await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
        return Outcome([await list_screen(ctx, 0, lead=ctx.t("delete.done", name=postit.text))])
    return None
