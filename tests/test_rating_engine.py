"""The pure rating engine against hand calculations (issue 19): bundles used up in
time order, a tariff change mid-month (fee and bundles pro rata), options that add a
bundle or change prices, roaming incoming calls, free incoming calls and SMS at home."""

from corptui.rating import plans
from corptui.rating.engine import OptionSpan, Segment, rate_month, share

OCT = 31
MOBILE = "79161234567"  # another operator's mobile
ONNET = "79501234567"  # the operator's own range


def plan(**kw):
    rates = {"minutes": 10, "sms": 1, "data_mb": 1, "minute": {"onnet": 0, "mobile": 250,
                                                             "fixed": 250, "long_distance": 450},
             "international": {"cis": 2900, "europe": 5500, "world": 9900},
             "sms_price": 250, "data_mb_price": 15,
             "roaming": {"europe": {"out": 9900, "in": 9900, "sms": 2500, "mb": 9900}}}
    rates.update(kw)
    return plans.validate(rates)


def rec(i, day, direction="out", kind="voice", to=MOBILE, seconds=0, kb=0, roaming=False,
        zone=""):
    return (i, f"2026-10-{day:02d} 10:00:{i:02d}.000000", direction, kind, to, seconds, kb,
            roaming, zone)


def by_kind(lines):
    out = {}
    for ln in lines:
        out[ln.kind] = out.get(ln.kind, 0) + ln.amount
    return out


def test_call_classes():
    assert plans.call_class(MOBILE) == ("domestic", "mobile")
    assert plans.call_class(ONNET) == ("domestic", "onnet")
    assert plans.call_class("74951234567") == ("domestic", "fixed")
    assert plans.call_class("84951234567") == ("domestic", "fixed")
    assert plans.call_class("73432123456") == ("domestic", "long_distance")
    assert plans.call_class("77011234567") == ("international", "cis")
    assert plans.call_class("375291234567") == ("international", "cis")
    assert plans.call_class("4930123456") == ("international", "europe")
    assert plans.call_class("12125551234") == ("international", "world")


def test_bundles_used_up_in_time_order():
    seg = [Segment(None, 1, "Старт", 35000, plan(), OCT)]
    records = [
        rec(1, 2, seconds=300),               # 5 min: bundle 10 -> 5
        rec(2, 3, to=ONNET, seconds=600),     # on-net: free, no bundle used
        rec(3, 4, direction="in", seconds=1200),  # incoming at home: free
        rec(4, 5, seconds=361),               # 7 started minutes: 5 from the bundle, 2 paid
        rec(5, 6, seconds=60),                # bundle empty: 1 paid
        rec(6, 7, kind="sms"), rec(7, 8, kind="sms"),  # 1 in the bundle, then 2.50
        rec(8, 9, kind="sms", direction="in"),  # incoming SMS: free
        rec(9, 10, kind="data", to="internet", kb=1000),  # 1000 of 1024 KB
        rec(10, 11, kind="data", to="internet", kb=2048),  # 24 KB left: 2024 KB paid
        rec(11, 12, to="4930123456", seconds=120),  # Europe: 2 x 55.00, outside the bundle
    ]
    lines, costs = rate_month(OCT, seg, [], records)
    cost = {rid: c for rid, c, _i in costs}
    assert [cost[i] for i in range(1, 12)] == [0, 0, 0, 500, 250, 0, 250, 0, 0, 30, 11000]
    assert (2024 * 15 + 512) // 1024 == 30  # 29.65 kopecks, half up
    assert by_kind(lines) == {"subscription": 35000, "calls": 11750, "sms": 250, "data": 30}
    # each usage line sums exactly its records
    for i, ln in enumerate(lines):
        if ln.kind == "subscription":
            continue
        assert ln.amount == sum(c for _r, c, idx in costs if idx == i)
        assert sorted(ln.records) == sorted(r for r, _c, idx in costs if idx == i)


def test_tariff_change_mid_month_splits_fee_and_bundles():
    a = plan(minutes=310)
    b = plan(minutes=620, minute={"onnet": 0, "mobile": 200})
    segs = [Segment(None, 1, "Старт", 35000, a, 10),
            Segment("2026-10-11 00:00:00.000000", 2, "Оптимум", 59000, b, 21)]
    records = [rec(1, 5, seconds=120 * 60),   # A's bundle 310*10/31 = 100: 20 paid at 2.50
               rec(2, 20, seconds=430 * 60)]  # B's bundle 620*21/31 = 420: 10 paid at 2.00
    lines, costs = rate_month(OCT, segs, [], records)
    assert [c for _r, c, _i in costs] == [5000, 2000]
    fees = [(ln.description, ln.amount) for ln in lines if ln.kind == "subscription"]
    assert fees == [("Старт (10/31)", 11290), ("Оптимум (21/31)", 39968)]
    assert share(35000, 10, 31) == 11290 and share(59000, 21, 31) == 39968


def test_roaming_incoming_calls_are_charged():
    seg = [Segment(None, 1, "Старт", 0, plan(), OCT)]
    eu = {"roaming_mb": {"europe": 1}}
    opt = [OptionSpan(7, "Роуминг: Европа", None, None, 0, 0, plans.validate(eu, option=True),
                      OCT)]
    records = [rec(1, 3, direction="in", seconds=150, roaming=True, zone="europe"),
               rec(2, 3, direction="in", kind="sms", roaming=True, zone="europe"),
               rec(3, 3, kind="sms", roaming=True, zone="europe"),
               rec(4, 3, kind="data", kb=1024 + 512, roaming=True, zone="europe"),
               rec(5, 3, direction="in", seconds=60)]  # at home: free
    lines, costs = rate_month(OCT, seg, opt, records)
    assert [c for _r, c, _i in costs] == [3 * 9900, 0, 2500, 4950, 0]
    assert by_kind(lines) == {"roaming": 29700 + 2500 + 4950, "calls": 0}


def test_options_fees_pro_rata_bundle_and_prices():
    seg = [Segment(None, 1, "Старт", 35000, plan(minutes=0), OCT)]
    add = OptionSpan(3, "Доп. минуты", "2026-10-16 00:00:00.000000", None, 30000, 50000,
                     plans.validate({"minutes": 5}, option=True), 16, connected_here=True)
    intl = OptionSpan(4, "Международные", None, None, 15000, 0,
                      plans.validate({"international": {"europe": 1900}}, option=True), OCT)
    records = [rec(1, 2, seconds=180, to="4930123456"),  # option price: 3 x 19.00
               rec(2, 10, seconds=120),  # before the minutes option: bundle of the
               rec(3, 20, seconds=420)]  # segment (5) is there all month: 2 + 3 free, 4 paid
    lines, costs = rate_month(OCT, seg, [add, intl], records)
    assert [c for _r, c, _i in costs] == [5700, 0, 1000]
    assert [(ln.kind, ln.option_id, ln.amount) for ln in lines] == [
        ("subscription", None, 35000), ("subscription", 3, share(30000, 16, 31)),
        ("one_off", 3, 50000), ("subscription", 4, 15000), ("calls", None, 6700)]
    assert share(30000, 16, 31) == 15484


def test_unlimited_data_and_validation():
    seg = [Segment(None, 1, "Безлимит", 0, plan(data_unlimited=True), OCT)]
    _lines, costs = rate_month(OCT, seg, [], [rec(1, 2, kind="data", kb=10**7)])
    assert costs[0][1] == 0
    import pytest

    from corptui.errors import ValidationError

    for bad in ({"minutes": -1}, {"minute": {"moon": 1}}, {"zzz": 1}, "[1", {"sms": 1.5},
                {"roaming": {"europe": {"xx": 1}}}):
        with pytest.raises(ValidationError):
            plans.validate(bad)
