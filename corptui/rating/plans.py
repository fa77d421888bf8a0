"""The prices and bundles of tariffs and options as data (``Tariff.rates``,
``Option.rates``: JSON, money in integer kopecks, bundles in whole units), their
validation, the call classes, and the demo's Russian-market plans.

A tariff's ``rates`` (every key optional; a missing price is 0, i.e. free)::

    {"minutes": 600,        # included outgoing minutes a month (home network)
     "sms": 300,            # included outgoing SMS a month
     "data_mb": 15360,      # included mobile internet a month, MB (15 GB)
     "data_unlimited": false,
     "minute": {"onnet": 0, "mobile": 200, "fixed": 200, "long_distance": 350},
                            # kopecks a minute beyond the bundle, by call class; a class
                            # priced 0 is free and does not use the bundle
     "international": {"cis": 2900, "europe": 5500, "world": 9900},  # a minute
     "incoming": 0,         # a minute of an incoming call at home (0: free)
     "sms_price": 250,      # an outgoing SMS beyond the bundle
     "data_mb_price": 15,   # a MB beyond the bundle
     "roaming": {"cis": {"out": 4900, "in": 4900, "sms": 1900, "mb": 2500}, ...}}
                            # roaming zones (cis, europe, world): a minute out and in,
                            # an outgoing SMS, a MB; incoming SMS are always free

An option's ``rates`` add bundles (``minutes``, ``sms``, ``data_mb``, ``roaming_mb``:
{zone: MB}), switch ``data_unlimited`` on, or replace prices (``minute``,
``international``, ``roaming``, ``sms_price``, ``data_mb_price``, ``incoming``) while the
option is connected."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from corptui.errors import ValidationError
from corptui.i18n import _

CLASSES = ("onnet", "mobile", "fixed", "long_distance")
ZONES = ("cis", "europe", "world")
ROAMING_KEYS = ("out", "in", "sms", "mb")
BUNDLE_KEYS = ("minutes", "sms", "data_mb")
PRICE_KEYS = ("incoming", "sms_price", "data_mb_price")
TARIFF_KEYS = frozenset(BUNDLE_KEYS + PRICE_KEYS + ("data_unlimited", "minute",
                                                    "international", "roaming"))
OPTION_KEYS = TARIFF_KEYS | {"roaming_mb"}

# The operator's own mobile ranges (DEF codes after 7): calls to them are on-net.
ON_NET_PREFIXES = ("7900", "7901", "7902", "7904", "7908", "7950", "7951", "7952", "7953",
                   "7958", "7977", "7991", "7992", "7993", "7994", "7995", "7996", "7999")
# The home region's fixed-line codes (Moscow): other Russian fixed codes are long distance.
HOME_CODES = ("495", "499")
CIS_CODES = ("375", "374", "994", "995", "996", "998", "992", "993", "373", "76", "77")


def call_class(counterpart: str) -> tuple[str, str]:
    """("domestic", class) or ("international", zone) of a dialled number (digits; a
    leading 8 is the domestic 7). Anything unreadable is an ordinary mobile call."""
    n = counterpart.lstrip("+")
    if len(n) == 11 and n[0] == "8":
        n = "7" + n[1:]
    if not n.isdigit():
        return "domestic", "mobile"
    if n[0] == "7" and len(n) == 11:
        if n[1] == "9":
            return "domestic", "onnet" if n.startswith(ON_NET_PREFIXES) else "mobile"
        if n[1] in "67":
            return "international", "cis"
        return "domestic", "fixed" if n[1:4] in HOME_CODES else "long_distance"
    if len(n) < 8:
        return "domestic", "mobile"  # short service numbers
    if n.startswith(CIS_CODES) and not n.startswith("7"):
        return "international", "cis"
    if n[0] in "34":
        return "international", "europe"
    return "international", "world"


@dataclass
class Plan:
    """The prices in force at a moment: a tariff's rates with its live options applied
    (kopecks; bundles are not here: they are a month's pools, see engine)."""

    minute: dict[str, int] = field(default_factory=dict)
    international: dict[str, int] = field(default_factory=dict)
    incoming: int = 0
    sms_price: int = 0
    data_mb_price: int = 0
    data_unlimited: bool = False
    roaming: dict[str, dict[str, int]] = field(default_factory=dict)


def plan_of(tariff_rates: dict | None, option_rates: list[dict | None] = ()) -> Plan:
    """The prices of a tariff with the given options connected (later options win)."""
    p = Plan()
    for rates in (tariff_rates, *option_rates):
        if not rates:
            continue
        for cls, price in (rates.get("minute") or {}).items():
            p.minute[cls] = int(price)
        for zone, price in (rates.get("international") or {}).items():
            p.international[zone] = int(price)
        for zone, prices in (rates.get("roaming") or {}).items():
            p.roaming.setdefault(zone, {}).update({k: int(v) for k, v in prices.items()})
        for key in PRICE_KEYS:
            if key in rates:
                setattr(p, key, int(rates[key]))
        if rates.get("data_unlimited"):
            p.data_unlimited = True
    return p


def _bad(field_name: str, message: str) -> ValidationError:
    return ValidationError(_("{field}: {message}").format(field=field_name, message=message),
                           field_name)


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(name, _("a whole number of 0 or more is needed"))
    return value


def validate(rates, *, option: bool = False) -> dict:
    """A rates dict checked and normalised (ValidationError naming the key)."""
    if rates is None:
        return {}
    if isinstance(rates, str):
        try:
            rates = json.loads(rates)
        except ValueError as exc:
            raise _bad("rates", _("not valid JSON")) from exc
    if not isinstance(rates, dict):
        raise _bad("rates", _("an object of prices and bundles is needed"))
    allowed = OPTION_KEYS if option else TARIFF_KEYS
    out: dict = {}
    for key, value in rates.items():
        if key not in allowed:
            raise _bad(str(key)[:40], _("unknown key"))
        if key in BUNDLE_KEYS or key in PRICE_KEYS:
            out[key] = _count(value, key)
        elif key == "data_unlimited":
            if not isinstance(value, bool):
                raise _bad(key, _("true or false is needed"))
            out[key] = value
        elif key in ("minute", "international", "roaming_mb"):
            names = CLASSES if key == "minute" else ZONES
            if not isinstance(value, dict):
                raise _bad(key, _("an object is needed"))
            for k, v in value.items():
                if k not in names:
                    raise _bad(f"{key}.{str(k)[:20]}", _("unknown key"))
                _count(v, f"{key}.{k}")
            out[key] = dict(value)
        elif key == "roaming":
            if not isinstance(value, dict):
                raise _bad(key, _("an object is needed"))
            for zone, prices in value.items():
                if zone not in ZONES or not isinstance(prices, dict):
                    raise _bad(f"roaming.{str(zone)[:20]}", _("unknown key"))
                for k, v in prices.items():
                    if k not in ROAMING_KEYS:
                        raise _bad(f"roaming.{zone}.{str(k)[:20]}", _("unknown key"))
                    _count(v, f"roaming.{zone}.{k}")
            out[key] = {z: dict(p) for z, p in value.items()}
    return out


def _roaming(out, inc, sms, mb):
    return {"out": out, "in": inc, "sms": sms, "mb": mb}


ROAMING = {"cis": _roaming(4900, 4900, 1900, 2500),
           "europe": _roaming(9900, 9900, 2500, 9900),
           "world": _roaming(19900, 19900, 2900, 29900)}
INTERNATIONAL = {"cis": 2900, "europe": 5500, "world": 9900}


def _tariff(minutes, sms, gb, mobile, long_distance, sms_price, mb_price, unlimited=False):
    rates = {"minutes": minutes, "sms": sms, "data_mb": gb * 1024,
             "minute": {"onnet": 0, "mobile": mobile, "fixed": mobile,
                        "long_distance": long_distance},
             "international": dict(INTERNATIONAL), "incoming": 0, "sms_price": sms_price,
             "data_mb_price": mb_price, "roaming": {z: dict(p) for z, p in ROAMING.items()}}
    if unlimited:
        rates["data_unlimited"] = True
    return rates


# the demo's tariffs (by code): typical Russian corporate plans of 2026
DEMO_TARIFF_RATES = {
    "biz-start": _tariff(300, 100, 5, 250, 450, 250, 15),
    "biz-optimum": _tariff(600, 300, 15, 200, 350, 200, 12),
    "biz-max": _tariff(1500, 500, 40, 150, 250, 150, 10),
    "biz-unlim": _tariff(5000, 1000, 0, 100, 150, 100, 0, unlimited=True),
    "iot-data": _tariff(0, 0, 1, 350, 550, 300, 30),
    "biz-2019": _tariff(400, 200, 8, 250, 400, 250, 15),
}
DEMO_OPTION_RATES = {
    "roam-eu": {"roaming_mb": {"europe": 5120}},
    "int-calls": {"international": {"cis": 900, "europe": 1900, "world": 3900}},
    "data-10": {"data_mb": 10240},
    "data-unlim": {"data_unlimited": True},
    "sms-500": {"sms": 500},
}
