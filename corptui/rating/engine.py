"""The pure rating of one number's month: no database, no clock.

Input: the month's length in days, the tariff segments (the plan in force from a moment
on: a tariff change mid-month makes two), the options connected during the month, and
the month's records in time order. Output: the charge lines (fee shares, option fees,
connection fees, one usage line per kind that has records) and each record's cost with
the line that sums it. Times are only compared, never parsed: the caller passes record
times and boundaries of one comparable type (the database's text or datetimes).

Rules (issue 19):
- a tariff's monthly fee is split pro rata by the days each segment is in force (half
  up, kopecks); an option's fee by the days it is connected in the month; a connection
  fee is charged in the month the option was connected;
- each segment has its own bundles: the tariff's, pro rata by its days (rounded down),
  plus the bundles of the options connected at any time in the segment; records use
  them in time order;
- an outgoing call at home is billed by the started minute at its class's price beyond
  the bundle (a class priced 0 is free and uses no bundle); international calls are
  priced by zone, outside the bundle; incoming calls at home cost ``incoming`` a minute
  (0: free); incoming SMS are free; data beyond the bundle is priced by the MB (KB
  exact, half up); in roaming every call (out and in), outgoing SMS and MB is priced by
  the zone (an unknown zone is "world"), data first from the options' roaming bundles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corptui.rating.plans import call_class, plan_of

USAGE_KINDS = ("calls", "sms", "data", "roaming")


@dataclass(frozen=True)
class Segment:
    """A tariff in force from ``start`` (None: the month's start) for ``days`` days."""

    start: Any
    tariff_id: int | None
    name: str
    fee: int  # the tariff's monthly fee, kopecks
    rates: dict | None
    days: int


@dataclass(frozen=True)
class OptionSpan:
    """An option connected from ``start`` to ``end`` (None: the month's start / end) for
    ``days`` days of the month; ``connected_here``: its connection fee is due this month."""

    option_id: int
    name: str
    start: Any
    end: Any
    fee: int
    connection_fee: int
    rates: dict | None
    days: int
    connected_here: bool = False


@dataclass
class Line:
    kind: str
    option_id: int | None
    description: str
    amount: int = 0  # kopecks
    records: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.kind, self.option_id, self.description)


# a record: (id, started_at, direction, kind, counterpart, duration_seconds, volume_kb,
#            roaming, roaming_zone)
Record = tuple


def share(amount: int, days: int, month_days: int) -> int:
    """``amount`` for ``days`` of a ``month_days`` month, half up."""
    if days >= month_days:
        return amount
    return (amount * days * 2 + month_days) // (2 * month_days)


def _label(name: str, days: int, month_days: int) -> str:
    return name if days >= month_days else f"{name} ({days}/{month_days})"


def _active(span: OptionSpan, t) -> bool:
    return (span.start is None or span.start <= t) and (span.end is None or t < span.end)


def _overlaps(span: OptionSpan, start, end) -> bool:
    return ((span.end is None or start is None or span.end > start)
            and (span.start is None or end is None or span.start < end))


def rate_month(month_days: int, segments: list[Segment], options: list[OptionSpan],
               records, plan_cache: dict | None = None
               ) -> tuple[list[Line], list[tuple[int, int, int]]]:
    """Rate one number's month. Returns (lines, [(record id, cost, line index)]).
    ``plan_cache``: a dict kept by the caller across the numbers of one run, so the
    prices of a tariff with a set of options are worked out once (keyed by the tariff
    and option ids: the caller keeps one per catalogue)."""
    lines: list[Line] = []
    for seg in segments:
        if seg.tariff_id is not None and seg.fee and seg.days > 0:
            lines.append(Line("subscription", None, _label(seg.name, seg.days, month_days),
                              share(seg.fee, seg.days, month_days)))
    for span in options:
        if span.fee and span.days > 0:
            lines.append(Line("subscription", span.option_id,
                              _label(span.name, span.days, month_days),
                              share(span.fee, span.days, month_days)))
        if span.connected_here and span.connection_fee:
            lines.append(Line("one_off", span.option_id, span.name, span.connection_fee))
    usage: dict[str, int] = {}
    costs: list[tuple[int, int, int]] = []
    if not segments:
        segments = [Segment(None, None, "", 0, None, month_days)]
    # per segment: bundles [minutes, sms, kb, {zone: roaming kb}]
    ends = [s.start for s in segments[1:]] + [None]
    pools = []
    for seg, end in zip(segments, ends, strict=True):
        r = seg.rates or {}
        frac = min(seg.days, month_days)
        minutes = r.get("minutes", 0) * frac // month_days
        sms = r.get("sms", 0) * frac // month_days
        kb = r.get("data_mb", 0) * 1024 * frac // month_days
        roam: dict[str, int] = {}
        for span in options:
            if _overlaps(span, seg.start, end):
                o = span.rates or {}
                minutes += o.get("minutes", 0)
                sms += o.get("sms", 0)
                kb += o.get("data_mb", 0) * 1024
                for zone, mb in (o.get("roaming_mb") or {}).items():
                    roam[zone] = roam.get(zone, 0) + mb * 1024
        pools.append([minutes, sms, kb, roam])
    timed = [s for s in options if s.start is not None or s.end is not None]
    steady_spans = [s for s in options if s.start is None and s.end is None]
    steady = [s.rates for s in steady_spans]
    steady_ids = tuple(s.option_id for s in steady_spans)
    plans: dict[tuple, Any] = {}
    shared = plan_cache if plan_cache is not None else {}
    si = 0
    n_seg = len(segments)
    next_start = segments[1].start if n_seg > 1 else None
    for rec in records:
        rid, t, direction, kind, counterpart, dur, vol, roaming, zone = rec
        while next_start is not None and t >= next_start:
            si += 1
            next_start = segments[si + 1].start if si + 1 < n_seg else None
        if timed:
            live = tuple(i for i, s in enumerate(timed) if _active(s, t))
        else:
            live = ()
        plan = plans.get((si, live))
        if plan is None:
            key = (segments[si].tariff_id, steady_ids,
                   tuple(timed[i].option_id for i in live))
            plan = shared.get(key)
            if plan is None:
                plan = plan_of(segments[si].rates, steady + [timed[i].rates for i in live])
                shared[key] = plan
            plans[(si, live)] = plan
        pool = pools[si]
        cost = 0
        if roaming:
            line_kind = "roaming"
            prices = plan.roaming.get(zone or "world") or plan.roaming.get("world") or {}
            if kind == "voice":
                cost = (dur + 59) // 60 * prices.get("out" if direction == "out" else "in", 0)
            elif kind == "sms":
                if direction == "out":
                    cost = prices.get("sms", 0)
            else:
                left = pool[3].get(zone or "world", 0)
                used = min(left, vol)
                if used:
                    pool[3][zone or "world"] = left - used
                cost = ((vol - used) * prices.get("mb", 0) + 512) // 1024
        elif kind == "voice":
            line_kind = "calls"
            minutes = (dur + 59) // 60
            if direction != "out":
                cost = minutes * plan.incoming
            else:
                where, cls = call_class(counterpart)
                if where == "international":
                    cost = minutes * plan.international.get(cls, 0)
                else:
                    price = plan.minute.get(cls, 0)
                    if price:
                        used = min(pool[0], minutes)
                        pool[0] -= used
                        cost = (minutes - used) * price
        elif kind == "sms":
            line_kind = "sms"
            if direction == "out":
                if pool[1] > 0:
                    pool[1] -= 1
                else:
                    cost = plan.sms_price
        else:
            line_kind = "data"
            if not plan.data_unlimited:
                used = min(pool[2], vol)
                pool[2] -= used
                cost = ((vol - used) * plan.data_mb_price + 512) // 1024
        index = usage.get(line_kind)
        if index is None:
            index = usage[line_kind] = len(lines)
            lines.append(Line(line_kind, None, ""))
        line = lines[index]
        line.amount += cost
        line.records.append(rid)
        costs.append((rid, cost, index))
    return lines, costs
