"""The permission matrix is enforced in the use-case layer: for every use case that
changes something (or exports), each role either may (the call goes through) or gets
PermissionDenied with nothing changed and no file written. A source scan makes sure that
a new gated use case cannot appear without a case here."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest
from access_data import PASSWORD, build, session_of

from corptui import (
    auth,
    change_applications,
    disputes,
    documents,
    employees,
    forwarding,
    importer,
    limits,
    options,
    permissions,
    schedules,
    sims,
    spend,
    tags,
    users,
)
from corptui.errors import PermissionDenied
from storage.models import (
    AuditEntry,
    Job,
    Notification,
    Subscriber,
    SubscriberOption,
    SubscriberTag,
    Tag,
    User,
)

ROLES = ("owner", "admin", "accountant", "viewer")
_TODAY = __import__("datetime").date(2026, 11, 20)
READ_ACTIONS = {"read", "audit.read"}


def _export(module_name, filter_name):
    def run(d, s, tmp):
        import importlib

        module = importlib.import_module(f"corptui.{module_name}")
        return module.export(s, getattr(module, filter_name)(), "csv", str(tmp / "out.csv"))
    return run


def _charge(d):
    import datetime as dt

    from storage.models import Charge

    return Charge.create(company=d["company"], account=d["account"], subscriber=d["subs"][0],
                         kind="roaming", period=dt.date(2026, 10, 1), amount="100.00")


def _decide(d, s):
    from storage.models import Dispute

    charge = _charge(d)
    dispute = Dispute.create(company=d["company"], charge=charge, reason="not ours")
    return disputes.set_status(s, dispute.id, "in_review")


def _fwd_rule(d) -> int:
    from storage.models import ForwardingRule

    return ForwardingRule.create(subscriber=d["subs"][0], condition="unreachable",
                                 target="74951230000").id


def _iccid(k: int) -> str:
    body = f"8970155{k:011d}"
    return body + sims.luhn_digit(body)


def _stock_sim(d) -> str:
    from storage.models import SimCard

    iccid = _iccid(1)
    SimCard.create(company=d["company"], iccid=iccid, state="in_stock",
                   puk1_hash=sims.hash_puk("12345678", cost=2 ** 4))
    return iccid


def _change_app(d) -> str:
    from storage.models import ChangeApplication

    return ChangeApplication.create(company=d["company"], reference="Z-2026-999999",
                                    numbers=d["subs"][0].msisdn, desired="x").reference


def _ready_doc(d, t) -> int:
    """A ready document with its file (outside the exports folder)."""
    import datetime as dt

    from storage.models import Document

    path = t.parent / f"doc-{Document.select().count()}.pdf"
    path.write_bytes(b"%PDF-1.4 test")
    from corptui.documents.files import digest

    size, sha = digest(path)  # a file is served only when it is the one recorded
    return Document.create(company=d["company"], type="invoice", format="pdf",
                           scope={"accounts": [d["account"].number], "numbers": []},
                           period_from=dt.date(2026, 9, 1), period_to=dt.date(2026, 9, 30),
                           state="ready", progress=100, file_path=str(path),
                           file_size=size, file_sha256=sha).id


def _queued_doc(d) -> int:
    """A document waiting for the worker (cancellable)."""
    import datetime as dt

    from storage.models import Document

    return Document.create(company=d["company"], type="invoice", format="pdf",
                           scope={"accounts": [d["account"].number], "numbers": []},
                           period_from=dt.date(2026, 9, 1), period_to=dt.date(2026, 9, 30),
                           state="queued", progress=0).id


def _schedule(d) -> int:
    from storage.models import ReportSchedule

    return ReportSchedule.create(company=d["company"], type="invoice", format="pdf",
                                 period="monthly", day=1, at_time="09:00",
                                 scope={"accounts": [d["account"].number], "numbers": []},
                                 email="a@b.ru").id


def _failed_notification(d) -> int:
    from storage.models import Notification

    return Notification.create(company=d["company"], channel="email", recipient="a@b.ru",
                               subject="x", body="y", state="failed").id


def _option(d, connected: bool = False) -> str:
    """An option without rules (and a tariff) for the options use cases."""
    from storage.models import Option, SubscriberOption, Tariff

    opt = Option.create(code="perm-opt", name="Perm option", monthly_fee="10.00")
    Tariff.create(code="perm-tariff", name="Perm tariff")
    if connected:
        SubscriberOption.create(subscriber=d["subs"][0], option=opt, state="active")
    return opt.code


# (use case, action, call(data, session, tmp_path))
_CALLS = (b"record_id,started_at,number,direction,kind\n"
          b"m1,2026-10-05T10:00:00+00:00,79261234567,out,voice\n")


def _assign(d, s):
    from corptui import statement_import
    from corptui.session import Session

    if not permissions.allowed(s.role, "payments.assign"):  # refused before it looks
        return statement_import.assign(s, 1, "100200300")
    system = Session.system(d["company"].id, "test")
    statement_import.apply(system, b"number,date,amount\n9,2026-10-01,10\n")
    (entry,) = statement_import.unmatched(system)
    return statement_import.assign(s, entry["id"], "100200300")


CASES = [
    # documents and automatic reports (issue 8)
    ("documents.order", "documents.order",
     lambda d, s, t: documents.order(s, "invoice", [d["account"].number], [], "2026-09-01",
                                     "2026-09-30", "pdf", today=_TODAY)),
    ("documents.reorder", "documents.order",
     lambda d, s, t: documents.reorder(s, _ready_doc(d, t))),
    ("documents.save_to", "documents.manage",
     lambda d, s, t: documents.save_to(s, _ready_doc(d, t), str(t / "saved.pdf"))),
    ("documents.send", "documents.manage",
     lambda d, s, t: documents.send(s, _ready_doc(d, t), "a@b.ru")),
    ("documents.delete", "documents.manage",
     lambda d, s, t: documents.delete(s, _ready_doc(d, t))),
    ("documents.cancel", "documents.order",
     lambda d, s, t: documents.cancel(s, _queued_doc(d))),
    ("schedules.create", "reports.schedule",
     lambda d, s, t: schedules.create(s, "invoice", [d["account"].number], [], "pdf",
                                      "monthly", 1, "09:00", email="a@b.ru")),
    ("schedules.edit", "reports.schedule",
     lambda d, s, t: schedules.edit(s, _schedule(d), at_time="10:00")),
    ("schedules.delete", "reports.schedule",
     lambda d, s, t: schedules.delete(s, _schedule(d))),
    ("disputes.open_dispute", "disputes.open",
     lambda d, s, t: disputes.open_dispute(s, _charge(d).id, "not ours")),
    ("disputes.set_status", "disputes.decide", lambda d, s, t: _decide(d, s)),
    ("users.add_user", "users.manage", lambda d, s, t: users.add_user(s, "79267770000", "viewer")),
    ("users.reset_password", "users.manage", lambda d, s, t: users.reset_password(s, "79260000004")),
    ("users.set_blocked", "users.manage",
     lambda d, s, t: users.set_blocked(s, d["users"]["viewer"].id, True)),
    ("users.change_role", "users.manage",
     lambda d, s, t: users.change_role(s, "79260000004", "accountant")),
    ("tags.create_tag", "tags.manage", lambda d, s, t: tags.create_tag(s, "Питер")),
    ("tags.rename_tag", "tags.manage", lambda d, s, t: tags.rename_tag(s, d["tag"].id, "Питер")),
    ("tags.recolor_tag", "tags.manage",
     lambda d, s, t: tags.recolor_tag(s, d["tag"].id, tags.PALETTE[0])),
    ("tags.delete_tag", "tags.manage", lambda d, s, t: tags.delete_tag(s, d["tag"].id)),
    ("tags.preview_assign", "tags.assign",
     lambda d, s, t: tags.preview_assign(s, [x.id for x in d["subs"]], add=["Москва"])),
    ("tags.assign", "tags.assign",
     lambda d, s, t: tags.assign(s, [x.id for x in d["subs"]], add=["Москва"])),
    ("tags.set_number_tags", "tags.assign",
     lambda d, s, t: tags.set_number_tags(s, d["subs"][1].id, ["Москва"])),
    ("employees.update_employee", "numbers.edit",
     lambda d, s, t: employees.update_employee(s, d["subs"][2].id, "Петров Пётр", "Курьер",
                                               Subscriber.get_by_id(d["subs"][2].id).version)),
    ("importer.preview", "import.employees",
     lambda d, s, t: importer.preview(s, "79990000000,Сидоров Сидор,Водитель\n".encode())),
    ("importer.apply", "import.employees",
     lambda d, s, t: importer.apply(s, "79990000000,Сидоров Сидор,Водитель\n".encode())),
    ("statement_import.preview", "import.payments",
     lambda d, s, t: __import__("corptui.statement_import").statement_import.preview(
         s, b"number,date,amount,purpose\n1,2026-10-01,10,100200300\n")),
    ("statement_import.apply", "import.payments",
     lambda d, s, t: __import__("corptui.statement_import").statement_import.apply(
         s, b"number,date,amount,purpose\n1,2026-10-01,10,100200300\n")),
    ("statement_import.assign", "payments.assign", lambda d, s, t: _assign(d, s)),
    ("call_import.preview", "import.calls",
     lambda d, s, t: __import__("corptui.call_import").call_import.preview(s, _CALLS)),
    ("call_import.apply", "import.calls",
     lambda d, s, t: __import__("corptui.call_import").call_import.apply(s, _CALLS)),
    ("payments.export", "payments.export", _export("payments", "PaymentFilter")),
    ("charges.export", "payments.export", _export("charges", "ChargeFilter")),
    ("calls.export", "payments.export", _export("calls", "CallFilter")),
    ("auth.change_password", "account.password",
     lambda d, s, t: auth.change_password(s, PASSWORD, "Another-pass-77", "Another-pass-77")),
    # services (issue 6): forwarding, SIMs, limits, change applications
    ("forwarding.add_rule", "forwarding.change",
     lambda d, s, t: forwarding.add_rule(s, d["subs"][0].id, "busy", "74951234567")),
    ("forwarding.update_rule", "forwarding.change",
     lambda d, s, t: forwarding.update_rule(s, _fwd_rule(d), "busy", "74951234568")),
    ("forwarding.delete_rule", "forwarding.change",
     lambda d, s, t: forwarding.delete_rule(s, _fwd_rule(d))),
    ("forwarding.bulk_set", "forwarding.change",
     lambda d, s, t: forwarding.bulk_set(s, [x.id for x in d["subs"]], "busy", "74951234567")),
    ("forwarding.bulk_delete", "forwarding.change",
     lambda d, s, t: (_fwd_rule(d), forwarding.bulk_delete(s, [d["subs"][0].id]))),
    ("sims.import_stock", "sim.replace",
     lambda d, s, t: sims.import_stock(s, f"{_iccid(7)};12345678", cost=2 ** 4)),
    ("sims.replace_sim", "sim.replace",
     lambda d, s, t: sims.replace_sim(s, d["subs"][0].id, _stock_sim(d), "12345678")),
    ("limits.set_limits", "limits.change",
     lambda d, s, t: limits.set_limits(s, [x.id for x in d["subs"]], amount="100")),
    ("change_applications.create", "services.change",
     lambda d, s, t: change_applications.create(s, [d["subs"][0].msisdn], "Тариф", "",
                                                "a@b.ru")),
    ("change_applications.cancel", "services.change",
     lambda d, s, t: change_applications.cancel(s, _change_app(d))),
    # options and tariffs (issue 6)
    ("options.connect", "services.change",
     lambda d, s, t: options.connect(s, _option(d), [d["subs"][0].id])),
    ("options.disconnect", "services.change",
     lambda d, s, t: options.disconnect(s, _option(d, connected=True), [d["subs"][0].id])),
    ("options.change_tariff", "services.change",
     lambda d, s, t: (_option(d), options.change_tariff(s, [d["subs"][0].id], "perm-tariff"))),
    ("options.apply_plan", "services.change",
     lambda d, s, t: options.apply_plan(s, options.Plan(connect=(_option(d),)),
                                        [d["subs"][0].id])),
    # spend by tag (issue 19)
    ("spend.set_budget", "budgets.manage",
     lambda d, s, t: spend.set_budget(s, d["tag"].id, "1000")),
    ("spend.export_by_tag", "payments.export",
     lambda d, s, t: spend.export_by_tag(s, "csv", str(t / "out.csv"))),
    # notifications and settings
    ("notify.retry", "documents.manage",
     # a refused role is stopped before the row is looked up: no row needed (and none made)
     lambda d, s, t: __import__("corptui.notify").notify.retry(
         s, _failed_notification(d) if permissions.allowed(s.role, "documents.manage")
         else 0)),
    ("settings.save_gateways", "settings.manage",
     lambda d, s, t: __import__("corptui.settings").settings.save_gateways(
         s, "smtp://mail.example:25", "a@b.ru", "")),
]
MUTATIONS = {"documents.order", "documents.reorder", "documents.save_to", "documents.send",
             "documents.delete", "documents.cancel", "schedules.create", "schedules.edit", "schedules.delete",
             "users.add_user", "users.reset_password", "users.set_blocked", "users.change_role",
             "tags.create_tag", "tags.rename_tag", "tags.recolor_tag", "tags.delete_tag",
             "tags.assign", "tags.set_number_tags", "employees.update_employee",
             "importer.apply", "statement_import.apply", "statement_import.assign", "call_import.apply",
             "auth.change_password", "disputes.open_dispute",
             "disputes.set_status", "forwarding.add_rule", "forwarding.update_rule",
             "forwarding.delete_rule", "forwarding.bulk_set", "forwarding.bulk_delete",
             "sims.import_stock", "sims.replace_sim", "limits.set_limits",
             "change_applications.create", "change_applications.cancel",
             "options.connect", "options.disconnect", "options.change_tariff",
             "options.apply_plan", "notify.retry", "settings.save_gateways", "spend.set_budget"}


def _state() -> str:
    """A fingerprint of everything these use cases could change."""
    parts = [
        list(User.select(User.id, User.phone, User.role, User.blocked, User.password_hash,
                         User.must_change_password, User.failed_attempts)
             .order_by(User.id).tuples()),
        list(Tag.select(Tag.id, Tag.name, Tag.color, Tag.budget).order_by(Tag.id).tuples()),
        sorted(SubscriberTag.select(SubscriberTag.subscriber, SubscriberTag.tag).tuples()),
        list(Subscriber.select(Subscriber.id, Subscriber.full_name, Subscriber.position,
                               Subscriber.version).order_by(Subscriber.id).tuples()),
        AuditEntry.select().count(),
        Job.select().count(), Notification.select().count(),
        # options: ended or planned rows (a case may set up one active row first)
        list(SubscriberOption.select(SubscriberOption.subscriber, SubscriberOption.option,
                                     SubscriberOption.state, SubscriberOption.connected_until)
             .where((SubscriberOption.state != "active")
                    | SubscriberOption.connected_until.is_null(False))
             .order_by(SubscriberOption.id).tuples()),
        list(Subscriber.select(Subscriber.id, Subscriber.tariff).order_by(Subscriber.id)
             .tuples()),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, action, call", CASES, ids=[c[0] for c in CASES])
def test_role_may_or_is_refused_with_nothing_changed(db, tmp_path, name, action, call, role):
    tmp_path = tmp_path / "exports"
    tmp_path.mkdir()
    d = build()
    session = session_of(d["users"][role])
    before = _state()
    audit_before = AuditEntry.select().count()
    if permissions.allowed(role, action):
        call(d, session, tmp_path)
        if name in MUTATIONS:
            assert AuditEntry.select().count() > audit_before, f"{name} wrote no audit entry"
    else:
        with pytest.raises(PermissionDenied):
            call(d, session, tmp_path)
        assert _state() == before
        assert list(tmp_path.iterdir()) == [], "a refused export left a file"


def test_viewer_changes_nothing_anywhere():
    """The matrix itself: a viewer may only read; an owner may do everything."""
    for action, roles in permissions.MATRIX.items():
        if action not in READ_ACTIONS | {"account.password"}:
            assert "viewer" not in roles, action
        assert "owner" in roles, action
    rows = permissions.matrix_rows()
    assert len(rows) == len(permissions.MATRIX)
    assert ("users.manage", "yes", "-", "-", "-") in rows


def _gated_use_cases() -> dict[str, str]:
    """module.function -> action of every public use case that requires a non-read
    action (found by reading the source of corptui/*.py)."""
    out = {}
    root = Path(permissions.__file__).resolve().parent
    for path in sorted(root.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "require" and len(call.args) == 2
                        and isinstance(call.args[1], ast.Constant)
                        and call.args[1].value not in READ_ACTIONS):
                    out[f"{path.stem}.{node.name}"] = call.args[1].value
    return out


def test_every_gated_use_case_has_a_case_here():
    covered = {name: action for name, action, _ in CASES}
    gated = _gated_use_cases()
    missing = sorted(set(gated) - set(covered))
    assert not missing, f"add these use cases to CASES in {__file__}: {missing}"
    for name, action in gated.items():
        assert covered[name] == action, f"{name} requires {action}, the case says {covered[name]}"


def test_readme_shows_the_matrix_of_the_code():
    readme = (Path(permissions.__file__).resolve().parent.parent / "README.md").read_text(
        encoding="utf-8")
    for row in permissions.matrix_rows():
        line = "| `%s` | %s |" % (row[0], " | ".join(row[1:]))
        assert line in readme, f"README.md lacks the matrix row {line}"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_refusal_is_a_sentence_in_the_language_without_internal_codes(lang):
    from corptui import i18n
    from corptui.errors import PermissionDenied
    from corptui.session import Session

    i18n.set_language(lang)
    try:
        for action, roles in permissions.MATRIX.items():
            for role in set(permissions.ROLE_LABELS) - roles:
                with pytest.raises(PermissionDenied) as err:
                    permissions.require(Session(1, role, 1, "x", "test"), action)
                text = err.value.message
                assert action not in text, text
                assert text.endswith(".") and text[0].isupper(), text
                assert text.endswith(permissions.role_label(role) + "."), text
                if lang == "ru":
                    assert "Вы вошли как" in text and role not in text, text
    finally:
        i18n.set_language("en")
