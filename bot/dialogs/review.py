"""The yearly update in private: last round's partners, one by one, before the new brainstorm.

A member who named partners in the team's last kept round sees each of them again and keeps it,
moves it a ring closer or further, or drops it (PROTOCOL step 5: "werk de netwerkkaart
regelmatig bij"). What they keep becomes a post-it of the new round with last year's kind,
category and (moved) distance; then they add new partners as in any brainstorm. Anything they
type meanwhile is added as a new partner, never lost.
"""

from __future__ import annotations

from core.merge import name_key
from core.model import Distance, Member, PostIt
from core.protocol import Stage
from core.validation import MAX_PARTNERS_PER_MEMBER
from prompts import Html
from storage.store import Tx

from . import brainstorm, commitments
from .base import Button, Ctx, Outcome, Screen, is_id

DECISIONS = ("keep", "closer", "further", "drop")


async def has_review(ctx: Ctx) -> bool:
    """True when the member has partners from the last round left to review."""
    return bool(await ctx.tx.previous_postits(ctx.member))


# Ring 0 is "in de school" (internal partners); an external partner moves at most to ring 1.
CLOSEST_EXTERNAL = 1
FURTHEST = len(Distance) - 1


def can_move(distance: Distance | None, decision: str) -> bool:
    """True when the partner has a ring to move to in that direction."""
    if distance is None:
        return False
    if decision == "closer":
        return int(distance) > CLOSEST_EXTERNAL
    return int(distance) < FURTHEST


def moved(distance: Distance | None, decision: str) -> Distance | None:
    """The distance after moving a partner one ring (0 is the closest, 4 the furthest)."""
    if decision not in ("closer", "further") or not can_move(distance, decision):
        return distance
    assert distance is not None
    return Distance(int(distance) + (-1 if decision == "closer" else 1))


async def card_screen(ctx: Ctx, *, lead: Html | None = None) -> Screen | None:
    """The next partner from last round with the four choices; None when all are done."""
    remaining = await ctx.tx.previous_postits(ctx.member)
    if not remaining:
        return None
    old = remaining[0]
    done = sum((await ctx.tx.review_counts(ctx.member.id)).values())
    text = ctx.t(
        "review.card",
        name=old.text,
        details=brainstorm.details(ctx.texts, ctx.lang, old),
        n=done + 1,
        total=done + len(remaining),
    )
    # The update starts from what the team agreed about this partner last time.
    agreed = await commitments.review_line(ctx.tx, ctx.texts, ctx.team, old.text)
    if agreed:
        text = Html(f"{text}\n\n{agreed}")
    if lead:
        text = Html(f"{lead}\n\n{text}")
    pid = str(old.id)
    keep = Button(ctx.plain("btn.review_keep"), "rv", f"keep:{pid}")
    drop = Button(ctx.plain("btn.review_drop"), "rv", f"drop:{pid}")
    layout: list[tuple[Button, ...]] = [(keep, drop)]
    moves = tuple(
        Button(ctx.plain(f"btn.review_{decision}"), "rv", f"{decision}:{pid}")
        for decision in ("closer", "further")
        if can_move(old.distance, decision)
    )
    if moves:
        layout.append(moves)
    if len(remaining) > 1:
        layout.append((Button(ctx.plain("btn.review_keep_rest"), "rvall"),))
    return Screen(text, tuple(layout))


async def start_screens(ctx: Ctx) -> list[Screen]:
    """What a member sees when the review begins (the stage is already REVIEW)."""
    screen = await card_screen(ctx, lead=ctx.t("review.intro"))
    return [screen] if screen else await _finish(ctx)


async def current_screen(ctx: Ctx) -> Screen:
    """The screen to resume on."""
    screen = await card_screen(ctx)
    if screen is not None:
        return screen
    return (await _finish(ctx))[-1]


async def carry_over(tx: Tx, member: Member, old: PostIt, decision: str) -> tuple[int | None, bool]:
    """Copy a kept partner into the new round: its post-it id, and False when the list is full."""
    existing = await brainstorm.same_partner_in_list(tx, member.id, old.text)
    if existing is not None:
        return existing.id, True
    if await tx.postit_count(member.id) >= MAX_PARTNERS_PER_MEMBER:
        return None, False
    new = await tx.add_postit(member.id, old.text, name_key(old.text))
    new = await tx.update_postit(
        new.id,
        kind=old.kind,
        category=old.category,
        distance=moved(old.distance, decision),
        classified=True,
    )
    return new.id, True


async def keep_unreviewed(tx: Tx, member: Member) -> list[str]:
    """Keep every partner not reviewed yet, as it was ("keep the rest", or the brainstorm
    closes while the member is still reviewing: nothing they named silently disappears).

    Returns the names that did not fit on a full list.
    """
    full: list[str] = []
    for old in await tx.previous_postits(member):
        new_id, fits = await carry_over(tx, member, old, "keep")
        await tx.review_postit(member.id, old.id, "keep", new_id)
        if not fits:
            full.append(old.text)
    return full


async def _carry_over(ctx: Ctx, old: PostIt, decision: str) -> tuple[int | None, Html | None]:
    """carry_over for the member who is talking, with a note when their list is full."""
    new_id, fits = await carry_over(ctx.tx, ctx.member, old, decision)
    if fits:
        return new_id, None
    return None, ctx.t("brainstorm.too_many", max=MAX_PARTNERS_PER_MEMBER, name=old.text)


async def on_decision(ctx: Ctx, arg: str) -> Outcome | None:
    """Keep, move or drop one of last round's partners; None for a stale or foreign button."""
    decision, _, raw_id = arg.partition(":")
    if decision not in DECISIONS or not is_id(raw_id):
        return None
    remaining = await ctx.tx.previous_postits(ctx.member)
    old = next((p for p in remaining if p.id == int(raw_id)), None)
    if old is None:
        return None
    note: Html | None = None
    new_id: int | None = None
    if decision != "drop":
        new_id, note = await _carry_over(ctx, old, decision)
    await ctx.tx.review_postit(ctx.member.id, old.id, decision, new_id)
    key = {"keep": "kept", "closer": "moved", "further": "moved", "drop": "dropped"}[decision]
    lead = ctx.t(f"review.{key}", name=old.text)
    if note:
        lead = Html(f"{lead}\n{note}")
    return await _next(ctx, lead)


async def on_keep_rest(ctx: Ctx) -> Outcome:
    """Keep every partner not reviewed yet, as it was."""
    notes = [
        ctx.t("brainstorm.too_many", max=MAX_PARTNERS_PER_MEMBER, name=name)
        for name in await keep_unreviewed(ctx.tx, ctx.member)
    ]
    return Outcome(await _finish(ctx, Html("\n".join(notes)) if notes else None))


async def on_text(ctx: Ctx, text: str) -> Outcome:
    """A typed partner is a new post-it; its questions come after the review."""
    if brainstorm.LINK_TEXT.match(text.strip()):
        # "CLB — Ondersteuningsnetwerk": a line between two partners, as in the brainstorm.
        from . import links

        return await links.on_link(ctx, text)
    added, notes = await brainstorm.add_names(ctx, text)
    lines = list(notes)
    if added:
        lines.insert(0, ctx.t("review.noted", names=", ".join(p.text for p in added)))
    return await _next(ctx, Html("\n".join(lines)) if lines else None)


async def _next(ctx: Ctx, lead: Html | None) -> Outcome:
    screen = await card_screen(ctx, lead=lead)
    if screen is not None:
        return Outcome([screen])
    return Outcome(await _finish(ctx, lead))


async def _finish(ctx: Ctx, lead: Html | None = None) -> list[Screen]:
    """All of last round's partners seen: a summary, then the new post-its' questions or the
    brainstorm prompt."""
    counts = await ctx.tx.review_counts(ctx.member.id)
    summary = ctx.t(
        "review.summary",
        kept=counts.get("keep", 0),
        moved=counts.get("closer", 0) + counts.get("further", 0),
        dropped=counts.get("drop", 0),
    )
    lead = Html(f"{lead}\n\n{summary}") if lead else summary
    if await ctx.tx.next_unclassified(ctx.member.id) is not None:
        return await brainstorm.classify_next(ctx, lead)
    await ctx.move(Stage.BRAINSTORM, current_postit_id=None)
    return [await brainstorm.prompt_screen(ctx, intro=True, lead=lead)]


async def on_button(ctx: Ctx, action: str, arg: str) -> Outcome | None:
    """Routes the review's buttons; None when the button does not belong here."""
    if action == "rv":
        return await on_decision(ctx, arg)
    if action == "rvall":
        return await on_keep_rest(ctx)
    return None
