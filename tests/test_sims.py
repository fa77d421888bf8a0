"""SIM stock, stock import and SIM replacement through corptui.sims (and the CLI), on
both engines."""

from __future__ import annotations

import pytest
from numbers_core_data import build

from corptui import sims
from corptui.errors import NotFound, PermissionDenied, ValidationError
from storage.models import AuditEntry, SimCard


def iccid(n: int, prefix: str = "8970155") -> str:
    body = f"{prefix}{n:011d}"
    return body + sims.luhn_digit(body)


@pytest.fixture
def data(db):
    d = build()
    d["old"] = SimCard.create(company=d["company"], iccid=iccid(1, "8970199"), state="active",
                              subscriber=d["subs"][0])
    text = "\n".join(f"{iccid(k)};{10000000 + k}" for k in range(1, 4))
    sims.import_stock(d["session"], "ICCID;PUK1\n" + text + "\n", cost=2 ** 4)
    return d


def test_luhn_and_field_checks():
    assert sims.luhn_ok("79927398713") and not sims.luhn_ok("79927398714")
    good = iccid(7)
    assert len(good) == 19 and sims.clean_iccid(good[:4] + " " + good[4:]) == good
    for bad, msg in ((good[:-1] + str((int(good[-1]) + 1) % 10), "Luhn"), ("123", "19 or 20"),
                     ("", "empty"), ("89701x" + "1" * 13, "digits only")):
        with pytest.raises(ValidationError, match=msg) as err:
            sims.clean_iccid(bad)
        assert err.value.field == "iccid"
    for bad in ("1234567", "123456789", "1234abcd", ""):
        with pytest.raises(ValidationError) as err:
            sims.clean_puk(bad)
        assert err.value.field == "puk"
    h = sims.hash_puk("12345678", cost=2 ** 4)
    assert "12345678" not in h and sims.verify_puk("12345678", h)
    assert not sims.verify_puk("12345679", h) and not sims.verify_puk("12345678", "junk")


def test_stock_is_company_scoped_and_hashed(data):
    rows = sims.stock(data["session"])
    assert [r["iccid"] for r in rows] == [iccid(k) for k in range(1, 4)]
    assert sims.stock(data["other_session"]) == []
    assert sims.stock_count(data["session"]) == 3
    stored = SimCard.get(SimCard.iccid == iccid(1))
    assert stored.puk1_hash.startswith("scrypt$") and "10000001" not in stored.puk1_hash
    assert sims.verify_puk("10000001", stored.puk1_hash)
    entry = AuditEntry.get(AuditEntry.action == "sim.import")
    assert entry.after["count"] == 3 and "10000001" not in str(entry.after)


def test_import_reports_every_bad_line_and_imports_nothing(data):
    text = "\n".join([
        f"{iccid(10)};12345678",      # 1 ok
        f"{iccid(11)[:-1]}0;12345678" if iccid(11)[-1] != "0" else f"{iccid(11)[:-1]}1;12345678",
        f"{iccid(12)};1234",          # 3 bad PUK
        "",                            # blank: skipped
        f"{iccid(10)};12345678",      # 5 repeats line 1
        f"{iccid(1)};12345678",       # 6 already registered
        "just-one-field",             # 7
    ])
    checked = sims.preview_import(data["session"], text)
    lines = [no for no, _ in checked["errors"]]
    assert lines == [2, 3, 5, 6, 7]
    assert "Luhn" in dict(checked["errors"])[2] and "repeats line 1" in dict(checked["errors"])[5]
    assert "already registered" in dict(checked["errors"])[6]
    with pytest.raises(ValidationError, match="5 bad line"):
        sims.import_stock(data["session"], text)
    assert not SimCard.select().where(SimCard.iccid == iccid(10)).exists()
    with pytest.raises(PermissionDenied):
        sims.import_stock(data["viewer"], f"{iccid(20)};12345678")
    with pytest.raises(ValidationError, match="no SIMs"):
        sims.import_stock(data["session"], "# nothing\n\n")


def test_replace_retires_old_activates_new_and_audits_without_puk(data):
    s, sub = data["session"], data["subs"][0]
    done = sims.replace_sim(s, sub.id, iccid(2), "10000002")
    assert done["old"] == [data["old"].iccid] and done["new"] == iccid(2)
    old, new = SimCard.get_by_id(data["old"].id), SimCard.get(SimCard.iccid == iccid(2))
    assert old.state == "retired" and old.retired_at is not None
    assert (new.state, new.subscriber_id) == ("active", sub.id)
    assert iccid(2) not in [r["iccid"] for r in sims.stock(s)]
    entry = AuditEntry.get(AuditEntry.action == "sim.replace")
    assert entry.object_id == str(sub.id) and entry.after == {"iccid": iccid(2)}
    assert all("10000002" not in str((e.before, e.after)) for e in AuditEntry.select())
    # the SIM is no longer in stock
    with pytest.raises(ValidationError, match="stock") as err:
        sims.replace_sim(s, data["subs"][1].id, iccid(2), "10000002")
    assert err.value.field == "iccid"


def test_three_wrong_puks_lock_the_sim_persistently(data):
    s, sub = data["session"], data["subs"][1]
    for left in ("2 attempts left", "1 attempt left", "now locked"):
        with pytest.raises(ValidationError, match=left) as err:
            sims.replace_sim(s, sub.id, iccid(3), "99999999")
        assert err.value.field == "puk"
    sim = SimCard.get(SimCard.iccid == iccid(3))
    assert sim.locked and sim.puk_failures == 3 and sim.state == "in_stock"
    with pytest.raises(ValidationError, match="locked"):
        sims.replace_sim(s, sub.id, iccid(3), "10000003")  # even the right PUK
    assert [r["iccid"] for r in sims.stock(s, "locked")] == [iccid(3)]
    assert iccid(3) not in [r["iccid"] for r in sims.stock(s)]
    assert AuditEntry.select().where(AuditEntry.action == "sim.puk_wrong").count() == 3
    assert SimCard.select().where(SimCard.subscriber == sub.id).count() == 0


def test_replace_scope_and_field_errors(data):
    s = data["session"]
    with pytest.raises(ValidationError) as err:
        sims.replace_sim(s, data["subs"][0].id, "123", "12")
    assert set(err.value.errors) == {"iccid", "puk"}
    other_sim = iccid(50, "8970177")
    sims.import_stock(data["other_session"], f"{other_sim};12345678", cost=2 ** 4)
    with pytest.raises(ValidationError, match="stock"):
        sims.replace_sim(s, data["subs"][0].id, other_sim, "12345678")
    with pytest.raises(NotFound):
        sims.replace_sim(s, data["osub"].id, iccid(1), "10000001")
    with pytest.raises(PermissionDenied):
        sims.replace_sim(data["viewer"], data["subs"][0].id, iccid(1), "10000001")


def test_cli_stock_import_replace(data, db_url, tmp_path):
    import json

    from click.testing import CliRunner

    from corptui.cli import main

    comp = ["--company", data["company"].name]
    run = CliRunner()
    f = tmp_path / "stock.csv"
    f.write_text(f"{iccid(30)};22223333\n{iccid(31)};2222\n", encoding="utf-8")
    res = run.invoke(main, ["--db", db_url, "sims", "import", str(f), *comp])
    assert res.exit_code == 1 and "line 2: a PUK1 is 8 digits" in res.output
    f.write_text(f"{iccid(30)};22223333\n{iccid(31)};22224444\n", encoding="utf-8")
    res = run.invoke(main, ["--db", db_url, "sims", "import", str(f), *comp])
    assert res.exit_code == 0 and "imported 2 SIM(s)" in res.output, res.output
    res = run.invoke(main, ["--db", db_url, "sims", "stock", "--format", "json", *comp])
    assert [r["iccid"] for r in json.loads(res.output)] == [
        iccid(1), iccid(2), iccid(3), iccid(30), iccid(31)]
    res = run.invoke(main, ["--db", db_url, "sims", "replace", "79261234568", "--iccid",
                            iccid(31), "--puk-stdin", *comp], input="22224444\n")
    assert res.exit_code == 0, res.output
    assert "22224444" not in res.output
    assert SimCard.get(SimCard.iccid == iccid(31)).subscriber_id == data["subs"][1].id
    res = run.invoke(main, ["--db", db_url, "sims", "replace", "79261234568", "--iccid",
                            iccid(30), "--puk-stdin", *comp], input="11111111\n")
    assert res.exit_code == 1 and "wrong PUK1 (2 attempts left)" in res.output


def test_demo_stock_sims_have_luhn_iccids_and_known_puks(seeded):
    from conftest import demo_session

    from corptui import demo
    from storage.models import Subscriber

    s = demo_session("admin")
    rows = sims.stock(s)
    assert rows and all(sims.clean_iccid(r["iccid"]) == r["iccid"] for r in rows)
    iccid0, puk0 = demo.stock_sim(1, 0)
    assert rows[0]["iccid"] == iccid0
    assert sims.verify_puk(puk0, SimCard.get(SimCard.iccid == iccid0).puk1_hash)
    other_iccid, _ = demo.stock_sim(2, 0)
    assert other_iccid not in [r["iccid"] for r in rows]
    sub = Subscriber.select().where(Subscriber.company == s.company_id).first()
    done = sims.replace_sim(s, sub.id, iccid0, puk0)
    assert done["new"] == iccid0 and len(done["old"]) == 1
