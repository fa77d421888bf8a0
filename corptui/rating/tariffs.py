"""The tariff catalogue as the operator sees and edits it: the list, a tariff's card
(fee, bundles, prices by call class and zone, roaming, and the options that change
it), and ``set_tariff`` (the operator's edit, audited). Also ``record_switches``: the
tariff history every tariff switch writes (what rating reads)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from corptui.errors import NotFound, ValidationError
from corptui.i18n import N_, _
from corptui.rating import plans
from storage.bulk import time_value
from storage.db import atomic, database, is_postgres
from storage.fields import from_kopecks
from storage.models import AuditEntry, Option, Tariff, TariffHistory

CLASS_LABELS = {"onnet": N_("within the network"), "mobile": N_("other mobile networks"),
                "fixed": N_("fixed lines, home region"),
                "long_distance": N_("long distance (Russia)")}
ZONE_LABELS = {"cis": N_("CIS"), "europe": N_("Europe"), "world": N_("rest of the world")}


def _tariff(code: str) -> Tariff:
    t = Tariff.get_or_none(Tariff.code == (code or "").strip())
    if t is None:
        raise NotFound(_("no tariff {value}").format(value=(code or "")[:40]))
    return t


def _gb(mb: int) -> str:
    gb = Decimal(mb) / 1024
    return f"{gb.normalize():f}"


def catalogue(include_archived: bool = True) -> list[dict]:
    """Every tariff: code, name, fee (Decimal), minutes, sms, data_gb, archived."""
    q = Tariff.select().order_by(Tariff.code)
    if not include_archived:
        q = q.where(Tariff.archived == False)  # noqa: E712
    out = []
    for t in q:
        r = t.rates or {}
        out.append({"code": t.code, "name": t.name, "fee": t.monthly_fee,
                    "minutes": r.get("minutes", 0), "sms": r.get("sms", 0),
                    "data_gb": _("unlimited") if r.get("data_unlimited")
                    else _gb(r.get("data_mb", 0)),
                    "archived": bool(t.archived), "by_application": bool(t.by_application)})
    return out


def _money(kop) -> Decimal:
    return from_kopecks(int(kop or 0))


def tariff_card(session, code: str) -> dict:
    """``card`` for a logged-in user (any role may read the catalogue)."""
    from corptui import permissions

    permissions.require(session, "read")
    return card(code)


def card(code: str) -> dict:
    """A tariff's card: code, name, fee, archived, rates (raw), and ``lines``:
    [(section, label, value)] in the user's language, for the screen and the CLI."""
    t = _tariff(code)
    r = t.rates or {}
    lines: list[tuple[str, str, str]] = []
    inc = _("Included a month")
    lines.append((inc, _("minutes"), str(r.get("minutes", 0))))
    lines.append((inc, _("SMS"), str(r.get("sms", 0))))
    lines.append((inc, _("internet, GB"), _("unlimited") if r.get("data_unlimited")
                  else _gb(r.get("data_mb", 0))))
    per = _("A minute beyond the bundle, RUB")
    for cls in plans.CLASSES:
        lines.append((per, _(CLASS_LABELS[cls]), str(_money((r.get("minute") or {}).get(cls)))))
    intl = _("International, a minute, RUB")
    for zone in plans.ZONES:
        lines.append((intl, _(ZONE_LABELS[zone]),
                      str(_money((r.get("international") or {}).get(zone)))))
    other = _("Other prices, RUB")
    lines.append((other, _("incoming call at home, a minute"), str(_money(r.get("incoming")))))
    lines.append((other, _("SMS beyond the bundle"), str(_money(r.get("sms_price")))))
    lines.append((other, _("1 MB beyond the bundle"), str(_money(r.get("data_mb_price")))))
    for zone in plans.ZONES:
        z = (r.get("roaming") or {}).get(zone) or {}
        sec = _("Roaming: {zone}, RUB").format(zone=_(ZONE_LABELS[zone]))
        lines.append((sec, _("a minute out / in"),
                      f"{_money(z.get('out'))} / {_money(z.get('in'))}"))
        lines.append((sec, _("an SMS / 1 MB"), f"{_money(z.get('sms'))} / {_money(z.get('mb'))}"))
    changes = []
    for o in Option.select().where(Option.rates.is_null(False)).order_by(Option.code):
        if o.rates:
            changes.append({"code": o.code, "name": o.name, "fee": o.monthly_fee,
                            "changes": describe_option(o.rates)})
    return {"code": t.code, "name": t.name, "fee": t.monthly_fee,
            "archived": bool(t.archived), "by_application": bool(t.by_application),
            "description": t.description, "rates": r, "lines": lines, "options": changes}


def describe_option(rates: dict) -> str:
    """What an option does to the plan, in words."""
    parts = []
    if rates.get("minutes"):
        parts.append(_("+{n} minutes").format(n=rates["minutes"]))
    if rates.get("sms"):
        parts.append(_("+{n} SMS").format(n=rates["sms"]))
    if rates.get("data_mb"):
        parts.append(_("+{gb} GB").format(gb=_gb(rates["data_mb"])))
    if rates.get("data_unlimited"):
        parts.append(_("unlimited internet"))
    for zone, mb in (rates.get("roaming_mb") or {}).items():
        parts.append(_("+{gb} GB in roaming: {zone}").format(gb=_gb(mb),
                                                             zone=_(ZONE_LABELS.get(zone, zone))))
    if rates.get("international"):
        parts.append(_("international calls from {price} RUB a minute").format(
            price=_money(min(rates["international"].values()))))
    for key in ("minute", "roaming", "incoming", "sms_price", "data_mb_price"):
        if key in rates:
            parts.append(_("other prices"))
            break
    return ", ".join(parts)


MONEY_KEYS = {"incoming", "sms_price", "data_mb_price"}


def _parse_pair(pair: str) -> tuple[list[str], str]:
    if "=" not in pair:
        raise ValidationError(_("{pair!r}: use KEY=VALUE (for example minutes=600 or "
                                "minute.mobile=2.50)").format(pair=pair[:40]), "rates")
    key, value = pair.split("=", 1)
    return key.strip().split("."), value.strip()


def _kopecks(value: str, key: str) -> int:
    try:
        d = Decimal(value.replace(",", "."))
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite() or d < 0 or d != d.quantize(Decimal("0.01")):
        raise ValidationError(_("{key}: an amount in rubles is needed (for example 2.50)")
                              .format(key=key), key)
    return int(d * 100)


def _int(value: str, key: str) -> int:
    if not value.isascii() or not value.isdigit():
        raise ValidationError(_("{key}: a whole number of 0 or more is needed").format(key=key),
                              key)
    return int(value)


def apply_pairs(rates: dict, pairs: list[str], *, option: bool = False) -> dict:
    """``rates`` with KEY=VALUE edits: bundles (minutes, sms, data_gb, data_unlimited),
    prices in rubles (minute.CLASS, international.ZONE, roaming.ZONE.out|in|sms|mb,
    incoming, sms_price, data_mb_price). Validated."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in (rates or {}).items()}
    if "roaming" in out:
        out["roaming"] = {z: dict(p) for z, p in out["roaming"].items()}
    for pair in pairs:
        path, value = _parse_pair(pair)
        key = ".".join(path)
        if path == ["data_gb"]:
            try:
                gb = Decimal(value.replace(",", "."))
            except InvalidOperation:
                gb = Decimal(-1)
            if not gb.is_finite() or gb < 0:
                raise ValidationError(_("{key}: a number of gigabytes is needed").format(key=key),
                                      key)
            out["data_mb"] = int(gb * 1024)
        elif path == ["data_unlimited"]:
            if value.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise ValidationError(_("{key}: true or false is needed").format(key=key), key)
            out["data_unlimited"] = value.lower() in ("true", "yes", "1")
        elif len(path) == 1 and path[0] in plans.BUNDLE_KEYS:
            out[path[0]] = _int(value, key)
        elif len(path) == 1 and path[0] in MONEY_KEYS:
            out[path[0]] = _kopecks(value, key)
        elif len(path) == 2 and path[0] in ("minute", "international"):
            out.setdefault(path[0], {})[path[1]] = _kopecks(value, key)
        elif len(path) == 3 and path[0] == "roaming":
            out.setdefault("roaming", {}).setdefault(path[1], {})[path[2]] = _kopecks(value, key)
        elif option and len(path) == 2 and path[0] == "roaming_gb":
            try:
                gb = Decimal(value.replace(",", "."))
            except InvalidOperation:
                gb = Decimal(-1)
            if not gb.is_finite() or gb < 0:
                raise ValidationError(_("{key}: a number of gigabytes is needed").format(key=key),
                                      key)
            out.setdefault("roaming_mb", {})[path[1]] = int(gb * 1024)
        else:
            raise ValidationError(_("{key}: unknown key").format(key=key[:40]), "rates")
    return plans.validate(out, option=option)


def set_tariff(code: str, pairs: list[str] = (), *, name: str | None = None,
               fee: str | None = None, actor: str = "operator") -> dict:
    """The operator's edit of a tariff (all or nothing, audited). Returns the card.
    Months already billed keep their figures; open months take it at their next rating."""
    with atomic():
        t = _tariff(code)
        before = {"name": t.name, "fee": str(t.monthly_fee), "rates": t.rates or {}}
        rates = apply_pairs(t.rates or {}, list(pairs))
        values = {"rates": rates}
        if name is not None:
            name = name.strip()
            if not name or len(name) > 200:
                raise ValidationError(_("name: 1 to 200 characters are needed"), "name")
            values["name"] = name
        if fee is not None:
            values["monthly_fee"] = from_kopecks(_kopecks(fee, "fee"))
        Tariff.update(**values).where(Tariff.id == t.id).execute()
        AuditEntry.create(company=None, actor=actor[:100], source="tariffs set",
                          action="tariffs.set", object_type="tariff", object_id=t.code,
                          before=before, after={"name": values.get("name", t.name),
                                                "fee": str(values.get("monthly_fee",
                                                                      t.monthly_fee)),
                                                "rates": rates})
    return card(code)


def set_option(code: str, pairs: list[str], *, actor: str = "operator") -> dict:
    """The operator's edit of what an option adds or changes (the tariff keys, and
    roaming_gb.ZONE: an included roaming bundle). All or nothing, audited. Returns
    {"code", "name", "rates", "changes"}."""
    with atomic():
        o = Option.get_or_none(Option.code == (code or "").strip())
        if o is None:
            raise NotFound(_("no option {value}").format(value=(code or "")[:40]))
        rates = apply_pairs(o.rates or {}, list(pairs), option=True)
        Option.update(rates=rates).where(Option.id == o.id).execute()
        AuditEntry.create(company=None, actor=actor[:100], source="tariffs set-option",
                          action="options.set", object_type="option", object_id=o.code,
                          before={"rates": o.rates or {}}, after={"rates": rates})
    return {"code": o.code, "name": o.name, "rates": rates, "changes": describe_option(rates)}


def record_switches(rows, at) -> None:
    """Tariff switches at ``at``: rows (subscriber id, previous tariff id, new tariff
    id) into the tariff history (inside the caller's transaction)."""
    data = [(sid, time_value(at), new, prev) for sid, prev, new in rows if prev != new]
    if not data:
        return
    cursor = database.cursor()
    sql = ("INSERT INTO tariff_history (subscriber_id, valid_from, tariff_id, previous_id) "
           "VALUES (%s)" % ", ".join(["%s" if is_postgres() else "?"] * 4))
    for i in range(0, len(data), 5000):
        cursor.executemany(sql, data[i:i + 5000])


def history(subscriber_id: int) -> list[tuple]:
    return list(TariffHistory.select(TariffHistory.valid_from, TariffHistory.tariff,
                                     TariffHistory.previous)
                .where(TariffHistory.subscriber == subscriber_id)
                .order_by(TariffHistory.valid_from).tuples())


def seed_demo_rates() -> int:
    """Give the demo's tariffs and options (by code) their prices where they have none
    (the seed and the upgrade of an older demo database). Returns tariffs filled."""
    n = 0
    for code, rates in plans.DEMO_TARIFF_RATES.items():
        n += Tariff.update(rates=rates).where((Tariff.code == code)
                                              & Tariff.rates.is_null()).execute()
    for code, rates in plans.DEMO_OPTION_RATES.items():
        Option.update(rates=rates).where((Option.code == code)
                                         & Option.rates.is_null()).execute()
    return n


