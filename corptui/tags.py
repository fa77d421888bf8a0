"""Tags (the seed's "groups") of the session's company: create, rename, recolor, delete,
and assign to many numbers at once (all-or-nothing, with a preview).

Bulk assignment runs a handful of set-based statements whatever the selection size
(INSERT ... SELECT with ON CONFLICT DO NOTHING, DELETE ... WHERE subscriber IN (set)),
and writes ONE audit entry carrying the operation id and the changed numbers."""

from __future__ import annotations

from collections.abc import Iterable

import peewee as pw

from corptui import audit, permissions
from corptui.database import retrying
from corptui.errors import Conflict, NotFound, ValidationError
from corptui.i18n import _
from corptui.usertext import clean_line
from storage.bulk import in_values
from storage.db import atomic
from storage.models import Subscriber, SubscriberTag, Tag

PALETTE = ("red", "green", "blue", "yellow", "magenta", "cyan", "white")
DEFAULT_COLOR = "blue"
NAME_MAX = 60


# -- validation -------------------------------------------------------------------------

def clean_name(name) -> str:
    """A tag name: the user-text rule (corptui.usertext), 1..60 characters."""
    return clean_line(name, "name", _("a tag name"), max_len=NAME_MAX)


def clean_color(color) -> str:
    value = (color or DEFAULT_COLOR).strip().lower()
    if value not in PALETTE:
        raise ValidationError(
            _("unknown color {value!r}: choose one of {join}").format(value=value[:20], join=', '.join(PALETTE)), "color"
        )
    return value


def _check_free(session, name: str, except_id: int | None = None) -> None:
    folded = name.casefold()
    for tag_id, other in Tag.select(Tag.id, Tag.name).where(
        Tag.company == session.company_id
    ).tuples():
        if tag_id != except_id and other.casefold() == folded:
            raise Conflict(_("a tag named {other} exists").format(other=other))


def _tag_dict(tag: Tag, numbers: int | None = None) -> dict:
    out = {"id": tag.id, "name": tag.name, "color": tag.color}
    if numbers is not None:
        out["numbers"] = numbers
    return out


# -- reading ----------------------------------------------------------------------------

def list_tags(session) -> list[dict]:
    """The company's tags with the count of numbers each is on, by name."""
    permissions.require(session, "read")
    counts = dict(
        SubscriberTag.select(SubscriberTag.tag, pw.fn.COUNT(SubscriberTag.subscriber))
        .join(Tag)
        .where(Tag.company == session.company_id)
        .group_by(SubscriberTag.tag)
        .tuples()
    )
    tags = Tag.select().where(Tag.company == session.company_id)
    rows = [_tag_dict(t, counts.get(t.id, 0)) for t in tags]
    rows.sort(key=lambda r: (r["name"].casefold(), r["id"]))
    return rows


def get_tag(session, tag) -> Tag:
    """A tag of the company by id (int) or by name (str, case-insensitive)."""
    permissions.require(session, "read")
    q = Tag.select().where(Tag.company == session.company_id)
    if isinstance(tag, int) and not isinstance(tag, bool):
        found = q.where(Tag.id == tag).first()
    else:
        name = " ".join(str(tag).split())
        found = q.where(Tag.name == name).first()
        if found is None:
            folded = name.casefold()
            found = next((t for t in q if t.name.casefold() == folded), None)
    if found is None:
        raise NotFound(_("no tag {tag!s} in this company (see `corptui tags list`)").format(tag=tag))
    return found


def tag_usage(session, tag_id) -> int:
    """How many numbers carry the tag (for the delete confirmation)."""
    tag = get_tag(session, tag_id)
    return SubscriberTag.select().where(SubscriberTag.tag == tag.id).count()


# -- managing ---------------------------------------------------------------------------

def create_tag(session, name, color=None) -> dict:
    permissions.require(session, "tags.manage")
    name = clean_name(name)
    color = clean_color(color)
    with atomic():
        _check_free(session, name)
        try:
            with atomic():
                tag = Tag.create(company=session.company_id, name=name, color=color)
        except pw.IntegrityError:
            raise Conflict(_("a tag named {name} exists").format(name=name)) from None
        audit.record(session, "tags.create", "tag", tag.id, None, {"name": name, "color": color})
    return _tag_dict(tag, 0)


def rename_tag(session, tag_id, new_name) -> dict:
    permissions.require(session, "tags.manage")
    name = clean_name(new_name)
    with atomic():
        tag = get_tag(session, tag_id)
        if tag.name == name:
            return _tag_dict(tag)
        _check_free(session, name, except_id=tag.id)
        before = tag.name
        try:
            with atomic():
                Tag.update(name=name).where(Tag.id == tag.id).execute()
        except pw.IntegrityError:
            raise Conflict(_("a tag named {name} exists").format(name=name)) from None
        tag.name = name
        audit.record(session, "tags.rename", "tag", tag.id, {"name": before}, {"name": name})
    return _tag_dict(tag)


def recolor_tag(session, tag_id, color) -> dict:
    permissions.require(session, "tags.manage")
    color = clean_color(color)
    with atomic():
        tag = get_tag(session, tag_id)
        before = tag.color
        if before != color:
            Tag.update(color=color).where(Tag.id == tag.id).execute()
            tag.color = color
            audit.record(session, "tags.recolor", "tag", tag.id, {"color": before},
                         {"color": color})
    return _tag_dict(tag)


def delete_tag(session, tag_id) -> int:
    """Delete the tag; returns how many numbers it was on."""
    permissions.require(session, "tags.manage")
    with atomic():
        tag = get_tag(session, tag_id)
        used = SubscriberTag.delete().where(SubscriberTag.tag == tag.id).execute()
        Tag.delete().where(Tag.id == tag.id).execute()
        audit.record(session, "tags.delete", "tag", tag.id,
                     {"name": tag.name, "color": tag.color, "numbers": used}, None)
    return used


# -- assigning --------------------------------------------------------------------------

def _resolve(session, tags: Iterable) -> list[Tag]:
    out: dict[int, Tag] = {}
    for t in tags or ():
        tag = get_tag(session, t)
        out[tag.id] = tag
    return list(out.values())


def _plan(session, ids, add, remove):
    """(company ids, add tags, remove tags, present pairs) for an assignment."""
    ids = {int(i) for i in ids}
    add_tags = _resolve(session, add)
    remove_tags = _resolve(session, remove)
    both = {t.id for t in add_tags} & {t.id for t in remove_tags}
    if both:
        names = ", ".join(sorted(t.name for t in add_tags if t.id in both))
        raise ValidationError(_("a tag cannot be both added and removed: {names}").format(names=names), "tags")
    if not ids:
        return ids, add_tags, remove_tags, set()
    found = {
        row[0] for row in Subscriber.select(Subscriber.id)
        .where((Subscriber.company == session.company_id) & in_values(Subscriber.id, ids))
        .tuples().iterator()
    }
    if len(found) != len(ids):
        missing = len(ids) - len(found)
        raise NotFound(_("{missing} of the selected numbers are not in this company").format(missing=missing))
    tag_ids = [t.id for t in add_tags + remove_tags]
    present: set[tuple[int, int]] = set()
    if tag_ids:
        q = (SubscriberTag.select(SubscriberTag.subscriber, SubscriberTag.tag)
             .where(SubscriberTag.tag.in_(tag_ids) & in_values(SubscriberTag.subscriber, ids)))
        present = set(q.tuples().iterator())
    return ids, add_tags, remove_tags, present


def _summary(ids, add_tags, remove_tags, present):
    changed: set[int] = set()
    adds = removes = 0
    per_tag = {}
    for t in add_tags:
        have = {sid for sid, tid in present if tid == t.id}
        todo = ids - have
        adds += len(todo)
        changed |= todo
        per_tag[t.name] = {"add": len(todo)}
    for t in remove_tags:
        have = {sid for sid, tid in present if tid == t.id}
        removes += len(have)
        changed |= have
        per_tag[t.name] = {"remove": len(have)}
    return {"adds": adds, "removes": removes, "numbers_changed": len(changed)}, changed, per_tag


def preview_assign(session, ids, add=(), remove=()) -> dict:
    """What ``assign`` would do: {"adds", "removes", "numbers_changed"}. Changes nothing."""
    permissions.require(session, "tags.assign")
    summary, _unused, _unused = _summary(*_plan(session, ids, add, remove))
    return summary


@retrying
def assign(session, ids, add=(), remove=()) -> dict:
    """Add and remove tags on all the numbers ``ids`` in one transaction; the same
    summary as ``preview_assign``. Unknown tags or numbers change nothing."""
    permissions.require(session, "tags.assign")
    with atomic():
        ids, add_tags, remove_tags, present = _plan(session, ids, add, remove)
        summary, changed, per_tag = _summary(ids, add_tags, remove_tags, present)
        if not changed:
            return summary
        for t in add_tags:
            if per_tag[t.name]["add"]:
                rows = Subscriber.select(Subscriber.id, pw.Value(t.id)).where(
                    (Subscriber.company == session.company_id) & in_values(Subscriber.id, ids)
                )
                (SubscriberTag.insert_from(rows, [SubscriberTag.subscriber, SubscriberTag.tag])
                 .on_conflict_ignore().execute())
        for t in remove_tags:
            if per_tag[t.name]["remove"]:
                SubscriberTag.delete().where(
                    (SubscriberTag.tag == t.id) & in_values(SubscriberTag.subscriber, ids)
                ).execute()
        # the exact links added and removed, by tag id, so that undo restores them
        links_added = {
            str(t.id): sorted(ids - {sid for sid, tid in present if tid == t.id})
            for t in add_tags if per_tag[t.name]["add"]}
        links_removed = {
            str(t.id): sorted(sid for sid, tid in present if tid == t.id)
            for t in remove_tags if per_tag[t.name]["remove"]}
        operation = audit.new_operation()
        audit.record(
            session, "tags.assign", "subscriber", f"{len(changed)} numbers", None,
            {"add": [t.name for t in add_tags], "remove": [t.name for t in remove_tags],
             **summary, "per_tag": per_tag, "subscribers": sorted(changed),
             "links_added": links_added, "links_removed": links_removed},
            operation=operation,
        )
    summary["operation"] = operation
    return summary


def set_number_tags(session, subscriber_id: int, names) -> list[str]:
    """Replace the tags of one number (the employee card); returns the new names."""
    permissions.require(session, "tags.assign")
    with atomic():
        sub = (Subscriber.select(Subscriber.id, Subscriber.msisdn)
               .where((Subscriber.company == session.company_id)
                      & (Subscriber.id == int(subscriber_id))).first())
        if sub is None:
            raise NotFound(_("no number {subscriber_id} in this company").format(subscriber_id=subscriber_id))
        wanted = {t.id: t for t in _resolve(session, names)}
        current = dict(
            SubscriberTag.select(Tag.id, Tag.name).join(Tag)
            .where(SubscriberTag.subscriber == sub.id).tuples()
        )
        to_add = [tid for tid in wanted if tid not in current]
        to_remove = [tid for tid in current if tid not in wanted]
        if to_add:
            SubscriberTag.insert_many(
                [(sub.id, tid) for tid in to_add], fields=[SubscriberTag.subscriber, SubscriberTag.tag]
            ).on_conflict_ignore().execute()
        if to_remove:
            SubscriberTag.delete().where(
                (SubscriberTag.subscriber == sub.id) & SubscriberTag.tag.in_(to_remove)
            ).execute()
        after = sorted((t.name for t in wanted.values()), key=str.casefold)
        if to_add or to_remove:
            audit.record(session, "tags.set", "subscriber", sub.msisdn,
                         {"tags": sorted(current.values(), key=str.casefold)}, {"tags": after})
    return after
