"""Undo of the last bulk change.

A bulk change writes its audit entries under one operation id (``AuditEntry.operation``).
``undo(session, operation)`` puts back exactly the values the entries recorded as
"before", for the numbers whose current value still equals the recorded "after" value;
numbers changed since (by anyone) are left alone and reported. The undo is one
transaction, writes its own audit entries (a summary with action "undo", object type
"operation" and the undone operation id, plus one "undo" entry per restored number), and
an operation is undone at most once. An operation can be undone for 24 hours, by the user
who made it or by an owner.

Registry
--------
Each audit action a bulk change writes is registered with a handler::

    register_undo("limits.set", handler)     # restores what "limits.set" entries changed
    register_undo("import.employees", None)  # a summary entry: nothing to restore

``handler(session, entries) -> UndoPlan`` receives the operation's entries of that action
(AuditEntry rows) and returns, without changing anything, how many numbers can be put back
(``restorable``), the numbers changed since (``changed``: dicts {"number", "what"}) and an
``apply()`` that restores the restorable ones and returns audit rows
(object_id, before, after) describing each restoration. An operation is undoable only when
every action in it is registered, so a half-understood change is never half undone. The
handlers of the bulk changes (tags, import, limits, forwarding, option connection)
are registered at the
bottom of this module; a new module adds its own with ``register_undo``."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import peewee as pw

from corptui import audit, permissions
from corptui.errors import Conflict, NotFound, PermissionDenied, stop_if_cancelled
from corptui.i18n import N_, _
from corptui.phones import format_msisdn
from storage import bulk
from storage.db import atomic, database, is_postgres
from storage.fields import utcnow
from storage.models import (
    AuditEntry,
    ForwardingRule,
    Option,
    Subscriber,
    SubscriberOption,
    SubscriberTag,
    Tag,
)
from storage.search import search_key

WINDOW = dt.timedelta(hours=24)
OWNER = "owner"


@dataclass
class UndoPlan:
    restorable: int = 0
    changed: list[dict] = field(default_factory=list)
    apply: Callable[[], list[tuple]] = lambda: []


Handler = Callable[[object, list], UndoPlan]
_HANDLERS: dict[str, Handler | None] = {}

ACTION_LABELS: dict[str, str] = {}


_PERMISSIONS: dict[str, str] = {}


def register_undo(action: str, handler: Handler | None, label: str = "",
                  permission: str = "") -> None:
    """Make the audit action ``action`` undoable (``handler`` None: an informational
    entry of a bulk change that needs no restoring). ``permission`` is the action of
    the permission matrix the change needed: undoing it needs the same right."""
    if handler is not None and not permission:
        raise ValueError(f"undo of {action} needs the permission of the change")
    _HANDLERS[action] = handler
    if permission:
        _PERMISSIONS[action] = permission
    if label:
        ACTION_LABELS[action] = label


def registered_actions() -> list[str]:
    return sorted(_HANDLERS)


# -- finding operations --------------------------------------------------------------------

def _is_undone(session, operation: str) -> bool:
    return (AuditEntry.select(AuditEntry.id)
            .where((AuditEntry.company == session.company_id) & (AuditEntry.action == "undo")
                   & (AuditEntry.object_type == "operation")
                   & (AuditEntry.object_id == operation))
            .exists())


def _mine(session, user_id, actor) -> bool:
    if session.role == OWNER:
        return True
    if session.user_id is not None:
        return user_id == session.user_id
    return user_id is None and actor == session.actor


def last_undoable(session) -> str | None:
    """The operation id of the last bulk change this user (an owner: anyone in the
    company) made within 24 hours and that is not undone yet; None if there is none."""
    since = utcnow() - WINDOW
    last = pw.fn.MAX(AuditEntry.id)
    q = (AuditEntry.select(AuditEntry.operation, last)
         .where((AuditEntry.company == session.company_id) & (AuditEntry.operation != "")
                & (AuditEntry.at >= since) & (AuditEntry.action.in_(list(_HANDLERS))))
         .group_by(AuditEntry.operation)
         .order_by(last.desc()))
    if session.role != OWNER:
        if session.user_id is not None:
            q = q.where(AuditEntry.user == session.user_id)
        else:
            q = q.where(AuditEntry.user.is_null() & (AuditEntry.actor == session.actor))
    for op, _last in q.tuples():
        if _undoable_actions(session, op) and not _is_undone(session, op):
            return op
    return None


def _entries(session, operation: str) -> list[AuditEntry]:
    return list(AuditEntry.select()
                .where((AuditEntry.company == session.company_id)
                       & (AuditEntry.operation == operation))
                .order_by(AuditEntry.id))


def _undoable_actions(session, operation: str) -> bool:
    actions = {a for (a,) in AuditEntry.select(AuditEntry.action).distinct()
               .where((AuditEntry.company == session.company_id)
                      & (AuditEntry.operation == operation)).tuples()}
    return bool(actions) and actions <= set(_HANDLERS) and any(
        _HANDLERS[a] is not None for a in actions)


def _load(session, operation: str) -> list[AuditEntry]:
    """The operation's entries, after the checks every caller needs."""
    operation = str(operation or "").strip()
    entries = _entries(session, operation) if operation else []
    if not entries:
        raise NotFound(_("no bulk change {value!r} in this company").format(value=operation[:40]))
    actions = {e.action for e in entries}
    unknown = sorted(a for a in actions if a not in _HANDLERS)
    if unknown or not any(_HANDLERS[a] is not None for a in actions):
        raise Conflict(_("this change ({choices}) cannot be undone").format(choices=', '.join(unknown or sorted(actions))))
    first = entries[0]
    if not all(_mine(session, e.user_id, e.actor) for e in entries):
        raise PermissionDenied(_("only the user who made this change or an owner may undo it"))
    for action in sorted(actions):  # the rights of the change itself, as they are now
        if action in _PERMISSIONS:
            permissions.require(session, _PERMISSIONS[action])
    if first.at < utcnow() - WINDOW:
        raise Conflict(_("this change is more than 24 hours old: it can no longer be undone"))
    if _is_undone(session, operation):
        raise Conflict(_("this change has already been undone"))
    return entries


def _plans(session, entries) -> list[tuple[str, UndoPlan]]:
    by_action: dict[str, list] = {}
    for e in entries:
        by_action.setdefault(e.action, []).append(e)
    out = []
    for action, rows in by_action.items():
        handler = _HANDLERS[action]
        if handler is not None:
            out.append((action, handler(session, rows)))
    return out


def _describe(entries) -> dict:
    first = entries[0]
    actions = sorted({e.action for e in entries if _HANDLERS.get(e.action) is not None})
    return {
        "operation": first.operation,
        "actions": actions,
        "label": ", ".join(_(ACTION_LABELS.get(a, a)) for a in actions),
        "at": first.at,
        "actor": first.actor,
        "source": first.source,
    }


def preview_undo(session, operation: str) -> dict:
    """What ``undo`` would do; changes nothing. {"restorable": n, "changed_since":
    [{"number", "what"}], "operation", "actions", "label", "at", "actor", "source"}."""
    entries = _load(session, operation)
    plans = _plans(session, entries)
    return {**_describe(entries),
            "restorable": sum(p.restorable for _a, p in plans),
            "changed_since": [c for _a, p in plans for c in p.changed]}


def _lock(operation: str) -> None:
    """PostgreSQL: two undos of one operation wait for each other (SQLite's IMMEDIATE
    transaction already serialises writers)."""
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)",
                             (zlib.crc32(operation.strip().encode()),))


def undo(session, operation: str, progress=None, cancelled=None) -> dict:
    """Restore the previous values of ``operation`` for the numbers not changed since;
    returns {"restored": n, "changed_since": [...], "operation", "undo_operation", ...}.
    ``progress(numbers restored, numbers to restore)`` is called after each action of the
    operation; ``cancelled()`` is asked before each and at the end: it raises Cancelled
    inside the transaction, so nothing is restored and no audit entry is written."""
    with atomic():
        _lock(str(operation or ""))
        entries = _load(session, operation)
        plans = _plans(session, entries)
        changed = [c for _a, p in plans for c in p.changed]
        undo_op = audit.new_operation()
        restored = 0
        total = sum(p.restorable for _a, p in plans)
        if progress:
            progress(0, total)
        for _action, plan in plans:
            stop_if_cancelled(cancelled)
            rows = plan.apply()
            restored += len(rows)
            if rows:
                audit.record_many(session, "undo", "subscriber", rows, undo_op)
            if progress:
                progress(min(restored, total), total)
        info = _describe(entries)
        audit.record(session, "undo", "operation", info["operation"],
                     {"actions": info["actions"], "at": info["at"], "actor": info["actor"]},
                     {"restored": restored, "changed_since": changed},
                     operation=undo_op)
        stop_if_cancelled(cancelled)  # a cancel after the last action still rolls back
    return {**info, "restored": restored, "changed_since": changed,
            "undo_operation": undo_op}


def undo_last(session, dry_run: bool = False) -> dict:
    """Preview or undo the last undoable change; NotFound when there is none."""
    op = last_undoable(session)
    if op is None:
        raise NotFound(_("no bulk change of yours to undo in the last 24 hours"))
    return preview_undo(session, op) if dry_run else undo(session, op)


# -- helpers for handlers ------------------------------------------------------------------

def _numbers_by_id(session, ids) -> dict[int, tuple]:
    """id -> msisdn of the company's numbers among ``ids``."""
    ids = list({int(i) for i in ids})
    if not ids:
        return {}
    q = (Subscriber.select(Subscriber.id, Subscriber.msisdn)
         .where((Subscriber.company == session.company_id) & bulk.in_values(Subscriber.id, ids)))
    return {sid: msisdn for sid, msisdn in q.tuples().iterator()}


def _show(msisdn: str | None, fallback="") -> str:
    return format_msisdn(msisdn) if msisdn else str(fallback)


# -- tags.assign ---------------------------------------------------------------------------

def _undo_tags(session, entries) -> UndoPlan:
    added: set[tuple[int, int]] = set()
    removed: set[tuple[int, int]] = set()
    changed: list[dict] = []
    for e in entries:
        after = e.after or {}
        if "links_added" not in after:
            raise Conflict(_("this tag assignment was recorded before undo existed: it cannot be undone"))
        for tid, sids in after["links_added"].items():
            added |= {(int(s), int(tid)) for s in sids}
        for tid, sids in after["links_removed"].items():
            removed |= {(int(s), int(tid)) for s in sids}
    sids = {s for s, _t in added | removed}
    tids = {t for _s, t in added | removed}
    numbers = _numbers_by_id(session, sids)
    tag_names = dict(Tag.select(Tag.id, Tag.name)
                     .where((Tag.company == session.company_id) & Tag.id.in_(list(tids)))
                     .tuples()) if tids else {}
    present: set[tuple[int, int]] = set()
    if sids and tids:
        present = set(SubscriberTag.select(SubscriberTag.subscriber, SubscriberTag.tag)
                      .where(SubscriberTag.tag.in_(list(tids))
                             & bulk.in_values(SubscriberTag.subscriber, sids))
                      .tuples().iterator())
    problems: dict[int, list[str]] = {}
    for sid, tid in sorted(added):
        if tid not in tag_names:
            problems.setdefault(sid, []).append(_("a tag it was given has been deleted"))
        elif (sid, tid) not in present:
            problems.setdefault(sid, []).append(_("tag {tag} removed since").format(tag=tag_names[tid]))
    for sid, tid in sorted(removed):
        if tid not in tag_names:
            problems.setdefault(sid, []).append(_("a tag it lost has been deleted"))
        elif (sid, tid) in present:
            problems.setdefault(sid, []).append(_("tag {tag} given again since").format(tag=tag_names[tid]))
    for sid in sorted(sids):
        if sid not in numbers:
            problems[sid] = [_("the number is no longer in this company")]
    for sid in sorted(problems):
        changed.append({"number": _show(numbers.get(sid), _("number #{id}").format(id=sid)),
                        "what": "; ".join(dict.fromkeys(problems[sid]))})
    ok = sids - set(problems)

    def apply() -> list[tuple]:
        rows = []
        by_tag_add: dict[int, list[int]] = {}
        for sid, tid in added:
            if sid in ok:
                by_tag_add.setdefault(tid, []).append(sid)
        for tid, group in by_tag_add.items():
            SubscriberTag.delete().where((SubscriberTag.tag == tid)
                                         & bulk.in_values(SubscriberTag.subscriber, group)).execute()
        back = sorted((sid, tid) for sid, tid in removed if sid in ok)
        for i in range(0, len(back), 1000):
            SubscriberTag.insert_many(back[i:i + 1000], fields=[
                SubscriberTag.subscriber, SubscriberTag.tag]).on_conflict_ignore().execute()
        added_to: dict[int, list[str]] = {}
        removed_from: dict[int, list[str]] = {}
        for links, names in ((added, added_to), (removed, removed_from)):
            for sid, tid in links:
                if sid in ok:
                    names.setdefault(sid, []).append(tag_names[tid])
        for sid in sorted(ok):  # one pass per link, not per number x link
            rows.append((numbers[sid], {"tags_added": sorted(added_to.get(sid, ()))},
                         {"tags_removed": sorted(removed_from.get(sid, ()))}))
        return rows

    return UndoPlan(len(ok), changed, apply)


# -- employee.import -----------------------------------------------------------------------

def _undo_import(session, entries) -> UndoPlan:
    wanted = {e.object_id: e for e in entries}
    current = {
        m: (sid, name, pos) for sid, m, name, pos in
        Subscriber.select(Subscriber.id, Subscriber.msisdn, Subscriber.full_name,
                          Subscriber.position)
        .where((Subscriber.company == session.company_id)
               & bulk.in_values(Subscriber.msisdn, list(wanted))).tuples().iterator()
    }
    changed, todo = [], []
    for msisdn in sorted(wanted):
        e = wanted[msisdn]
        after = e.after or {}
        now = current.get(msisdn)
        if now is None:
            changed.append({"number": _show(msisdn), "what": _("no longer in this company")})
            continue
        sid, name, pos = now
        diffs = []
        if name != after.get("full_name"):
            diffs.append(_("name is now {now} (the import set {set})").format(
                now=repr(name), set=repr(after.get("full_name"))))
        if pos != after.get("position"):
            diffs.append(_("position is now {now} (the import set {set})").format(
                now=repr(pos), set=repr(after.get("position"))))
        if diffs:
            changed.append({"number": _show(msisdn), "what": "; ".join(diffs)})
        else:
            todo.append((sid, msisdn, e.before or {}, after))

    def apply() -> list[tuple]:
        rows = [(sid, b.get("full_name") or "", b.get("position") or "",
                 search_key(b.get("full_name") or "", b.get("position") or ""))
                for sid, _m, b, _a in todo]
        bulk.update_employees(session.company_id, rows, utcnow())
        return [(m, a, b) for _sid, m, b, a in todo]

    return UndoPlan(len(todo), changed, apply)


# -- limits.set ----------------------------------------------------------------------------

_LIMIT_FIELDS = ("spending_limit", "data_ban", "roaming_ban", "limit_notify_percent",
                 "limit_action", "limit_notify_employee")


def _undo_limits(session, entries) -> UndoPlan:
    ids = [int(e.object_id) for e in entries]
    cols = [Subscriber.id, Subscriber.msisdn] + [getattr(Subscriber, f) for f in _LIMIT_FIELDS]
    current = {row[0]: row for row in Subscriber.select(*cols)
               .where((Subscriber.company == session.company_id)
                      & bulk.in_values(Subscriber.id, ids)).tuples().iterator()}
    changed, todo = [], []
    for e in entries:
        sid = int(e.object_id)
        row = current.get(sid)
        if row is None:
            changed.append({"number": _("number #{id}").format(id=sid), "what": _("no longer in this company")})
            continue
        values = dict(zip(_LIMIT_FIELDS, row[2:], strict=True))
        after = e.after or {}
        diffs = [_("{field} is now {now} (the change set {set})").format(
                     field=k, now=audit._jsonable(values.get(k)), set=v)
                 for k, v in after.items()
                 if k in values and audit._jsonable(values[k]) != v]
        if diffs:
            changed.append({"number": _show(row[1]), "what": "; ".join(diffs)})
        else:
            todo.append((sid, row[1], e.before or {}, after))

    def apply() -> list[tuple]:
        for sid, _m, before, _a in todo:
            values = {k: v for k, v in before.items() if k in _LIMIT_FIELDS}
            if values:
                Subscriber.update(**values, updated_at=utcnow()).where(
                    (Subscriber.id == sid) & (Subscriber.company == session.company_id)).execute()
        return [(m, a, b) for _sid, m, b, a in todo]

    return UndoPlan(len(todo), changed, apply)


# -- forwarding.set / forwarding.delete ----------------------------------------------------

_RULE_KEYS = ("condition", "target", "delay_seconds", "active")


def _rule_now(rule: ForwardingRule | None) -> dict | None:
    if rule is None:
        return None
    return {"condition": rule.condition, "target": rule.target,
            "delay_seconds": rule.delay_seconds, "active": bool(rule.active)}


def _same_rule(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return all(a.get(k) == b.get(k) for k in _RULE_KEYS)


def _undo_forwarding(session, entries) -> UndoPlan:
    ids = {int(e.object_id) for e in entries}
    numbers = _numbers_by_id(session, ids)
    rules: dict[tuple[int, str], ForwardingRule] = {}
    if numbers:
        for r in ForwardingRule.select().where(
                bulk.in_values(ForwardingRule.subscriber, list(numbers))):
            rules[(r.subscriber_id, r.condition)] = r
    changed, todo = [], []
    for e in entries:
        sid = int(e.object_id)
        if sid not in numbers:
            changed.append({"number": _("number #{id}").format(id=sid), "what": _("no longer in this company")})
            continue
        before, after = e.before, e.after
        condition = (after or before or {}).get("condition")
        now = rules.get((sid, condition))
        if not _same_rule(_rule_now(now), after):
            what = (_("the forwarding rule was deleted since") if now is None
                    else _("the {condition} forwarding is now to {target}").format(
                        condition=condition, target=format_msisdn(now.target)))
            changed.append({"number": _show(numbers[sid]), "what": what})
        else:
            todo.append((sid, condition, before, after, now))

    def apply() -> list[tuple]:
        out = []
        for sid, _condition, before, after, now in todo:
            if before is None:
                ForwardingRule.delete().where(ForwardingRule.id == now.id).execute()
            elif now is None:
                ForwardingRule.create(subscriber=sid, **{k: before[k] for k in _RULE_KEYS})
            else:
                ForwardingRule.update(**{k: before[k] for k in _RULE_KEYS}).where(
                    ForwardingRule.id == now.id).execute()
            out.append((numbers[sid], after, before))
        return out

    return UndoPlan(len(todo), changed, apply)


# -- options.connect -----------------------------------------------------------------------

def _undo_connect(session, entries) -> UndoPlan:
    """An option connected (or planned) by the change is removed again, if the row is as
    the change left it (same state, start and end)."""
    msisdns = [e.object_id for e in entries]
    subs = dict(Subscriber.select(Subscriber.msisdn, Subscriber.id)
                .where((Subscriber.company == session.company_id)
                       & bulk.in_values(Subscriber.msisdn, msisdns)).tuples().iterator())
    codes = {(e.after or {}).get("option") for e in entries}
    options = dict(Option.select(Option.code, Option.id).where(Option.code.in_(list(codes)))
                   .tuples())
    rows: dict[tuple[int, int], list[SubscriberOption]] = {}
    if subs:
        for r in SubscriberOption.select().where(
                bulk.in_values(SubscriberOption.subscriber, list(subs.values()))
                & SubscriberOption.option.in_(list(options.values()))):
            rows.setdefault((r.subscriber_id, r.option_id), []).append(r)
    changed, todo = [], []
    for e in entries:
        after = e.after or {}
        sid, oid = subs.get(e.object_id), options.get(after.get("option"))
        if sid is None or oid is None:
            changed.append({"number": _show(e.object_id),
                            "what": _("no longer in this company or the option is gone")})
            continue
        match = [r for r in rows.get((sid, oid), [])
                 if r.state == after.get("state")
                 and audit._jsonable(r.connected_from) == after.get("from")
                 and audit._jsonable(r.connected_until) == after.get("until")]
        if not match:
            changed.append({"number": _show(e.object_id),
                            "what": _("option {option} changed since").format(option=after.get("option"))})
        else:
            todo.append((e.object_id, match[0].id, after))

    def apply() -> list[tuple]:
        ids = [rid for _m, rid, _a in todo]
        for i in range(0, len(ids), 500):
            SubscriberOption.delete().where(SubscriberOption.id.in_(ids[i:i + 500])).execute()
        return [(m, a, None) for m, _rid, a in todo]

    return UndoPlan(len(todo), changed, apply)


register_undo("tags.assign", _undo_tags, N_("tag assignment"), "tags.assign")
register_undo("employee.import", _undo_import, N_("employee import"), "import.employees")
register_undo("import.employees", None, permission="import.employees")
register_undo("limits.set", _undo_limits, N_("limits"), "limits.change")
register_undo("forwarding.set", _undo_forwarding, N_("forwarding"), "forwarding.change")
register_undo("forwarding.delete", _undo_forwarding, N_("forwarding removal"),
              "forwarding.change")
register_undo("options.connect", _undo_connect, N_("option connection"), "services.change")


def _undo_disconnect(session, entries) -> UndoPlan:
    """The option rows a disconnection ended (or gave an end date) get their state and
    end date back, if they are still as the disconnection left them."""
    wanted: dict[int, tuple] = {}  # row id -> (msisdn, before row, after row)
    changed, old_entries = [], []
    for e in entries:
        before_rows = (e.before or {}).get("rows")
        after_rows = {r[0]: r for r in (e.after or {}).get("rows", [])}
        if before_rows is None:
            old_entries.append(e)
            continue
        for row in before_rows:
            wanted[row[0]] = (e.object_id, row, after_rows.get(row[0]))
    for e in old_entries:
        changed.append({"number": _show(e.object_id),
                        "what": _("disconnected before undo was possible for it")})
    current = {}
    ids = list(wanted)
    for i in range(0, len(ids), 500):
        for r in SubscriberOption.select().join(Subscriber).where(
                SubscriberOption.id.in_(ids[i:i + 500])
                & (Subscriber.company == session.company_id)):
            current[r.id] = r
    todo, bad_numbers = [], set()
    for rid, (msisdn, before, after) in wanted.items():
        row = current.get(rid)
        if (row is None or after is None or row.state != after[1]
                or audit._jsonable(row.connected_until) != after[2]):
            bad_numbers.add(msisdn)
        else:
            todo.append((msisdn, rid, before))
    for msisdn in sorted(bad_numbers):
        changed.append({"number": _show(msisdn), "what": _("the option changed since")})
    todo = [t for t in todo if t[0] not in bad_numbers]
    restorable = len({m for m, _r, _b in todo})

    def apply() -> list[tuple]:
        out = []
        for msisdn, rid, before in todo:
            until = before[2]
            SubscriberOption.update(
                state=before[1],
                connected_until=None if until is None else dt.datetime.fromisoformat(until),
            ).where(SubscriberOption.id == rid).execute()
            out.append((msisdn, None, {"row": rid, "state": before[1], "until": until}))
        return out

    return UndoPlan(restorable, changed, apply)


register_undo("options.disconnect", _undo_disconnect, N_("option disconnection"),
              "services.change")


def _undo_tariff(session, entries) -> UndoPlan:
    """Numbers moved to a tariff go back to their previous one (a planned move is
    cancelled), if they are still on the tariff the change gave them."""
    from storage.models import Tariff, TariffChange

    codes = dict(Tariff.select(Tariff.code, Tariff.id).tuples())
    msisdns = [e.object_id for e in entries]
    subs = {m: (sid, tid) for m, sid, tid in Subscriber.select(
        Subscriber.msisdn, Subscriber.id, Subscriber.tariff).where(
        (Subscriber.company == session.company_id)
        & bulk.in_values(Subscriber.msisdn, msisdns)).tuples().iterator()}
    changed, todo = [], []
    for e in entries:
        before, after = e.before or {}, e.after or {}
        if "code" not in after:
            changed.append({"number": _show(e.object_id),
                            "what": _("changed before undo was possible for tariffs")})
            continue
        sub = subs.get(e.object_id)
        if sub is None:
            changed.append({"number": _show(e.object_id), "what": _("no longer in this company")})
            continue
        sid, current = sub
        if after.get("planned"):
            pending = TariffChange.select().where(
                (TariffChange.subscriber == sid) & (TariffChange.state == "planned")
                & (TariffChange.tariff == codes.get(after["code"]))).first()
            if pending is None:
                changed.append({"number": _show(e.object_id),
                                "what": _("the planned tariff change is no longer planned")})
            else:
                todo.append((e.object_id, "cancel", pending.id, after))
        elif current != codes.get(after["code"]):
            changed.append({"number": _show(e.object_id), "what": _("the tariff changed since")})
        else:
            todo.append((e.object_id, "back", sid, before))

    def apply() -> list[tuple]:
        out = []
        now = utcnow()
        for msisdn, how, ref, data in todo:
            if how == "cancel":
                TariffChange.update(state="cancelled").where(TariffChange.id == ref).execute()
                out.append((msisdn, None, {"planned_change": "cancelled"}))
            else:
                from corptui.rating.tariffs import record_switches

                previous = Subscriber.select(Subscriber.tariff).where(
                    Subscriber.id == ref).scalar()
                Subscriber.update(tariff=codes.get(data.get("code")), updated_at=now).where(
                    Subscriber.id == ref).execute()
                record_switches([(ref, previous, codes.get(data.get("code")))], now)
                out.append((msisdn, None, {"tariff": data.get("tariff")}))
        return out

    return UndoPlan(len(todo), changed, apply)


register_undo("tariffs.change", _undo_tariff, N_("tariff change"), "services.change")
