"""Call forwarding of the company's numbers: a rule per condition (unconditional, busy,
no answer after 5-30 s, unreachable) to a target number.

Validation: the target is a phone number (any usual form, stored as E.164 digits), never
the number itself; one rule per condition; a delay only for "no answer" (5-30 s, 20 by
default). Every change writes an audit entry in the same transaction; the bulk set is
all-or-nothing with a preview."""

from __future__ import annotations

from corptui import audit, permissions
from corptui.errors import NotFound, ValidationError, chunked, stop_if_cancelled
from corptui.i18n import N_, _
from corptui.phones import format_msisdn, normalize
from storage.bulk import in_values
from storage.db import atomic
from storage.models import FORWARDING_CONDITIONS, ForwardingRule, Subscriber

CONDITION_LABELS = {  # translated where shown: _(CONDITION_LABELS[...])
    "unconditional": N_("always"),
    "busy": N_("when busy"),
    "no_answer": N_("no answer"),
    "unreachable": N_("unreachable"),
}
DELAY_MIN, DELAY_MAX, DELAY_DEFAULT = 5, 30, 20
ACTION = "forwarding.change"
CHUNK = 500  # numbers (or rules) between two progress reports / cancel checks of a bulk change


# -- validation -------------------------------------------------------------------------

def clean_condition(value) -> str:
    text = str(value or "").strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"always": "unconditional", "all": "unconditional", "noanswer": "no_answer",
               "no_reply": "no_answer", "not_reachable": "unreachable"}
    text = aliases.get(text, text)
    if text not in FORWARDING_CONDITIONS:
        raise ValidationError(
            _("unknown condition: choose one of {choices}").format(choices=', '.join(FORWARDING_CONDITIONS)), "condition")
    return text


def clean_delay(condition: str, value) -> int:
    """The delay in seconds: 5-30 for no_answer (20 when left empty), 0 otherwise."""
    text = "" if value is None else str(value).strip()
    if condition != "no_answer":
        if text not in ("", "0"):
            raise ValidationError(_("a delay applies only to the 'no answer' condition"), "delay")
        return 0
    if not text:
        return DELAY_DEFAULT
    try:
        delay = int(text)
    except ValueError:
        raise ValidationError(_("the delay is a whole number of seconds"), "delay") from None
    if not DELAY_MIN <= delay <= DELAY_MAX:
        raise ValidationError(_("the delay is {delay_min} to {delay_max} seconds").format(delay_min=DELAY_MIN, delay_max=DELAY_MAX), "delay")
    return delay


def clean_rule(condition, target, delay=None, own_msisdn: str | None = None) -> dict:
    """Validate every field at once; ValidationError.errors maps field -> message."""
    errors: dict[str, str] = {}
    out: dict = {}
    try:
        out["condition"] = clean_condition(condition)
    except ValidationError as exc:
        errors.update(exc.errors)
    try:
        out["target"] = normalize(str(target or ""), "target")
        if own_msisdn and out["target"] == own_msisdn:
            raise ValidationError(_("a number cannot forward to itself"), "target")
    except ValidationError as exc:
        errors.update(exc.errors)
    if "condition" in out:
        try:
            out["delay_seconds"] = clean_delay(out["condition"], delay)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        first = next(iter(errors.values()))
        raise ValidationError(first, next(iter(errors)), errors)
    return out


# -- reading ----------------------------------------------------------------------------

def _rule_dict(rule: ForwardingRule) -> dict:
    return {"id": rule.id, "condition": rule.condition, "target": rule.target,
            "delay_seconds": rule.delay_seconds, "active": bool(rule.active)}


def _subscriber(session, subscriber_id) -> Subscriber:
    sub = Subscriber.get_or_none((Subscriber.id == int(subscriber_id))
                                 & (Subscriber.company == session.company_id))
    if sub is None:
        raise NotFound(_("no number {subscriber_id} in this company").format(subscriber_id=subscriber_id))
    return sub


def _order(condition: str) -> int:
    return FORWARDING_CONDITIONS.index(condition) if condition in FORWARDING_CONDITIONS else 99


def list_rules(session, subscriber_id) -> list[dict]:
    permissions.require(session, "read")
    sub = _subscriber(session, subscriber_id)
    rules = [_rule_dict(r) for r in ForwardingRule.select()
             .where(ForwardingRule.subscriber == sub.id)]
    # an active "always" rule forwards every call: the conditional rules wait behind it
    always = any(r["condition"] == "unconditional" and r.get("active", True) for r in rules)
    for r in rules:
        r["overridden"] = always and r["condition"] != "unconditional"
    for r in rules:
        r["overrides"] = (r["condition"] == "unconditional" and r.get("active", True)
                          and any(o["overridden"] for o in rules))
    return sorted(rules, key=lambda r: (_order(r["condition"]), r["id"]))


def describe(rule: dict) -> str:
    """"no answer (20 s) -> +7 495 123-45-67" for lists."""
    label = _(CONDITION_LABELS.get(rule["condition"], rule["condition"]))
    if rule["condition"] == "no_answer":
        label += " " + _("({seconds} s)").format(seconds=rule['delay_seconds'])
    off = "" if rule.get("active", True) else " " + _("(off)")
    if rule.get("overridden") and rule.get("active", True):
        off += " " + _("(not in effect: 'always' forwards every call)")
    elif rule["condition"] == "unconditional" and rule.get("overrides"):
        off += " " + _("(overrides the other rules)")
    return f"{label} -> {format_msisdn(rule['target'])}{off}"


def _rule(session, rule_id) -> ForwardingRule:
    rule = (ForwardingRule.select().join(Subscriber)
            .where((ForwardingRule.id == int(rule_id))
                   & (Subscriber.company == session.company_id)).first())
    if rule is None:
        raise NotFound(_("no forwarding rule {rule_id} in this company").format(rule_id=rule_id))
    return rule


# -- one number -------------------------------------------------------------------------

def add_rule(session, subscriber_id, condition, target, delay=None, active=True) -> dict:
    permissions.require(session, "forwarding.change")
    with atomic():
        sub = _subscriber(session, subscriber_id)
        data = clean_rule(condition, target, delay, sub.msisdn)
        if ForwardingRule.select().where((ForwardingRule.subscriber == sub.id)
                                         & (ForwardingRule.condition == data["condition"])).exists():
            label = _(CONDITION_LABELS[data["condition"]])
            raise ValidationError(_("this number already has a '{label}' rule: edit it").format(label=label),
                                  "condition")
        rule = ForwardingRule.create(subscriber=sub.id, active=bool(active), **data)
        after = _rule_dict(rule)
        audit.record(session, "forwarding.add", "subscriber", sub.id, None, after)
    return after


def update_rule(session, rule_id, condition, target, delay=None, active=True) -> dict:
    permissions.require(session, "forwarding.change")
    with atomic():
        rule = _rule(session, rule_id)
        sub = Subscriber.get_by_id(rule.subscriber_id)
        data = clean_rule(condition, target, delay, sub.msisdn)
        clash = ForwardingRule.select().where(
            (ForwardingRule.subscriber == sub.id) & (ForwardingRule.condition == data["condition"])
            & (ForwardingRule.id != rule.id)).exists()
        if clash:
            label = _(CONDITION_LABELS[data["condition"]])
            raise ValidationError(_("this number already has a '{label}' rule").format(label=label), "condition")
        before = _rule_dict(rule)
        ForwardingRule.update(active=bool(active), **data).where(
            ForwardingRule.id == rule.id).execute()
        after = {**before, **data, "active": bool(active)}
        audit.record(session, "forwarding.change", "subscriber", sub.id, before, after)
    return after


def delete_rule(session, rule_id) -> dict:
    permissions.require(session, "forwarding.change")
    with atomic():
        rule = _rule(session, rule_id)
        before = _rule_dict(rule)
        ForwardingRule.delete().where(ForwardingRule.id == rule.id).execute()
        audit.record(session, "forwarding.delete", "subscriber", rule.subscriber_id, before, None)
    return before


# -- many numbers -----------------------------------------------------------------------

def _company_numbers(session, ids) -> dict[int, str]:
    ids = {int(i) for i in ids}
    if not ids:
        raise ValidationError(_("no numbers selected"), "numbers")
    found = dict(Subscriber.select(Subscriber.id, Subscriber.msisdn)
                 .where((Subscriber.company == session.company_id)
                        & in_values(Subscriber.id, ids)).tuples())
    missing = ids - set(found)
    if missing:
        raise NotFound(_("{missing_count} of the selected numbers are not in this company (deleted meanwhile?); nothing changed").format(missing_count=len(missing)))
    return found


def _plan_set(session, ids, condition, target, delay):
    numbers = _company_numbers(session, ids)
    data = clean_rule(condition, target, delay)
    itself = [sid for sid, m in numbers.items() if m == data["target"]]
    if itself:
        raise ValidationError(
            _("{number} is one of the selected numbers: a number cannot forward to itself").format(number=format_msisdn(data['target'])), "target")
    existing = {}
    for rule in ForwardingRule.select().where(
            in_values(ForwardingRule.subscriber, list(numbers))
            & (ForwardingRule.condition == data["condition"])):
        existing[rule.subscriber_id] = rule
    return numbers, data, existing


def preview_set(session, ids, condition, target, delay=None) -> dict:
    """What bulk_set would do: numbers, new rules, replaced rules, unchanged."""
    permissions.require(session, "read")
    numbers, data, existing = _plan_set(session, ids, condition, target, delay)
    same = sum(1 for r in existing.values()
               if r.target == data["target"] and r.delay_seconds == data["delay_seconds"]
               and r.active)
    return {"numbers": len(numbers), "new": len(numbers) - len(existing),
            "replaced": len(existing) - same, "unchanged": same, **data}


def bulk_set(session, ids, condition, target, delay=None, progress=None,
             cancelled=None) -> dict:
    """Set (add or replace) the rule of one condition on every number; all or nothing.
    ``progress(numbers done, numbers)`` is called after each chunk; ``cancelled()`` is
    asked before each chunk and at the end: it raises Cancelled inside the transaction,
    so nothing is changed and no audit entry is written."""
    permissions.require(session, "forwarding.change")
    with atomic():
        numbers, data, existing = _plan_set(session, ids, condition, target, delay)
        op = audit.new_operation()
        order = sorted(numbers)
        total = len(order)
        changed = 0
        if progress:
            progress(0, total)
        for first in range(0, total, CHUNK):
            stop_if_cancelled(cancelled)
            rows = []
            for sid in order[first:first + CHUNK]:
                old = existing.get(sid)
                if old is not None:
                    if (old.target == data["target"]
                            and old.delay_seconds == data["delay_seconds"] and old.active):
                        continue
                    ForwardingRule.update(active=True, **data).where(
                        ForwardingRule.id == old.id).execute()
                    rows.append((sid, _rule_dict(old),
                                 {**_rule_dict(old), **data, "active": True}))
                else:
                    rule = ForwardingRule.create(subscriber=sid, active=True, **data)
                    rows.append((sid, None, _rule_dict(rule)))
            audit.record_many(session, "forwarding.set", "subscriber", rows, op)
            changed += len(rows)
            if progress:
                progress(min(first + CHUNK, total), total)
        stop_if_cancelled(cancelled)  # a cancel after the last chunk still rolls back
    return {"numbers": len(numbers), "changed": changed, "operation": op, **data}


def preview_delete(session, ids, condition=None) -> dict:
    permissions.require(session, "read")
    numbers = _company_numbers(session, ids)
    q = ForwardingRule.select().where(in_values(ForwardingRule.subscriber, list(numbers)))
    if condition:
        q = q.where(ForwardingRule.condition == clean_condition(condition))
    return {"numbers": len(numbers), "rules": q.count()}


def bulk_delete(session, ids, condition=None, progress=None, cancelled=None) -> dict:
    """Delete the rules of one condition (or all rules) of every number; all or nothing.
    ``progress(rules deleted, rules to delete)`` and ``cancelled()`` as in bulk_set."""
    permissions.require(session, "forwarding.change")
    with atomic():
        numbers = _company_numbers(session, ids)
        q = ForwardingRule.select().where(in_values(ForwardingRule.subscriber, list(numbers)))
        if condition:
            q = q.where(ForwardingRule.condition == clean_condition(condition))
        rules = sorted(q, key=lambda r: r.id)
        op = audit.new_operation()
        for chunk in chunked(rules, CHUNK, progress, cancelled):
            ForwardingRule.delete().where(
                in_values(ForwardingRule.id, [r.id for r in chunk])).execute()
            audit.record_many(session, "forwarding.delete", "subscriber",
                              [(r.subscriber_id, _rule_dict(r), None) for r in chunk], op)
        stop_if_cancelled(cancelled)  # a cancel after the last chunk still rolls back
    return {"numbers": len(numbers), "deleted": len(rules), "operation": op}
