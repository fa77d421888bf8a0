"""The domain model of DESIGN.md. Money is MoneyField (exact kopecks), times UTC.

Every table that belongs to a company carries ``company`` so that each query can be
scoped to the logged-in user's company. Indexes follow the filters the screens use."""

from __future__ import annotations

import peewee as pw

from storage.db import database
from storage.fields import MoneyField, UTCDateTimeField, utcnow

# Enumerations kept as plain strings in the database (readable in SQL and in dumps).
ROLES = ("owner", "admin", "accountant", "viewer")
SUBSCRIBER_STATUSES = ("active", "blocked")
SIM_STATES = ("in_stock", "active", "retired")
APPLICATION_STATUSES = ("pending", "approved", "rejected")
OPTION_STATES = ("planned", "active", "disconnected")
FORWARDING_CONDITIONS = ("unconditional", "busy", "no_answer", "unreachable")
CHARGE_KINDS = ("subscription", "calls", "sms", "data", "roaming", "one_off")
CALL_DIRECTIONS = ("in", "out")
CALL_KINDS = ("voice", "sms", "data")
PAYMENT_TYPES = ("bank_transfer", "card", "cash", "promised", "adjustment")
DOCUMENT_TYPES = (
    "reconciliation_act", "invoice", "act_of_services", "invoice_facture",
    "charges_detail", "payments_report", "call_detail", "changes_report", "spend_by_tag",
    "upd",
)
DOCUMENT_FORMATS = ("pdf", "xlsx", "csv", "json")
DOCUMENT_STATES = ("queued", "preparing", "ready", "failed")
SCHEDULE_PERIODS = ("daily", "weekly", "monthly")
NOTIFICATION_CHANNELS = ("sms", "email")
NOTIFICATION_STATES = ("queued", "sent", "failed")
JOB_STATES = ("queued", "running", "done", "failed")
RULE_KINDS = (
    "incompatible_tariff", "conflicts_option", "requires_option",
    "not_blocked", "min_balance", "company_limit",
)


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = pw.IntegerField()
    applied_at = UTCDateTimeField(default=utcnow)
    note = pw.CharField(max_length=200, default="")


class Company(BaseModel):
    name = pw.CharField(max_length=200, unique=True)
    inn = pw.CharField(max_length=12, default="")
    kpp = pw.CharField(max_length=9, default="")
    ogrn = pw.CharField(max_length=15, default="")
    legal_address = pw.CharField(max_length=300, default="")
    contact_email = pw.CharField(max_length=200, default="")
    contact_phone = pw.CharField(max_length=15, default="")
    created_at = UTCDateTimeField(default=utcnow)
    # v7 (documents): the pair of closing documents the company gets ("act_invoice": act
    # of services + invoice-facture, or "upd": the universal transfer document, status 1)
    # and who signs for it
    document_set = pw.CharField(max_length=16, default="act_invoice",
                                constraints=[pw.SQL("DEFAULT 'act_invoice'")])
    director = pw.CharField(max_length=200, default="", constraints=[pw.SQL("DEFAULT ''")])
    chief_accountant = pw.CharField(max_length=200, default="",
                                    constraints=[pw.SQL("DEFAULT ''")])


# one INN, one company (companies created before INNs were required keep "")
Company.add_index(Company.index(Company.inn, unique=True, name="company_inn_unique")
                  .where(Company.inn != ""))


class User(BaseModel):
    company = pw.ForeignKeyField(Company, backref="users", on_delete="CASCADE")
    phone = pw.CharField(max_length=15, unique=True)  # login, E.164 digits
    full_name = pw.CharField(max_length=200, default="")
    email = pw.CharField(max_length=200, default="")
    role = pw.CharField(max_length=16, default="viewer")
    password_hash = pw.CharField(max_length=255, default="")
    must_change_password = pw.BooleanField(default=True)
    failed_attempts = pw.IntegerField(default=0)
    locked_until = UTCDateTimeField(null=True)
    blocked = pw.BooleanField(default=False)
    created_at = UTCDateTimeField(default=utcnow)
    last_login_at = UTCDateTimeField(null=True)
    password_changed_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "app_user"


class AccessApplication(BaseModel):
    reference = pw.CharField(max_length=20, unique=True)
    company_name = pw.CharField(max_length=200)
    inn = pw.CharField(max_length=12)
    last_name = pw.CharField(max_length=100)
    first_name = pw.CharField(max_length=100)
    patronymic = pw.CharField(max_length=100, default="")
    numbers = pw.TextField(default="")  # E.164 digits, one per line
    contact_phone = pw.CharField(max_length=15)
    contact_email = pw.CharField(max_length=200)
    status = pw.CharField(max_length=16, default="pending", index=True)
    reason = pw.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    decided_at = UTCDateTimeField(null=True)
    company = pw.ForeignKeyField(Company, null=True, on_delete="SET NULL")


class PersonalAccount(BaseModel):
    company = pw.ForeignKeyField(Company, backref="accounts", on_delete="CASCADE")
    number = pw.CharField(max_length=20, unique=True)
    name = pw.CharField(max_length=200, default="")
    balance = MoneyField(default=0)
    created_at = UTCDateTimeField(default=utcnow)


class Tariff(BaseModel):
    code = pw.CharField(max_length=40, unique=True)
    name = pw.CharField(max_length=200)
    monthly_fee = MoneyField(default=0)
    description = pw.TextField(default="")
    archived = pw.BooleanField(default=False)
    # a change to this tariff needs the operator: a change application, not a direct switch
    # (nullable: the seed inserts tariffs with raw SQL; NULL reads as False)
    by_application = pw.BooleanField(null=True, default=False)
    # v9 (rating): the plan's prices and bundles as data (corptui.rating.plans documents
    # the keys; kopecks and whole units); NULL = no usage prices (everything free)
    rates = pw.JSONField(null=True)


class Subscriber(BaseModel):
    """A SIM number (MSISDN) of the company, with the employee who holds it."""

    company = pw.ForeignKeyField(Company, backref="subscribers", on_delete="CASCADE")
    account = pw.ForeignKeyField(PersonalAccount, backref="subscribers")
    msisdn = pw.CharField(max_length=15, unique=True)  # E.164 digits: one operator
    tariff = pw.ForeignKeyField(Tariff, null=True)
    status = pw.CharField(max_length=16, default="active")
    full_name = pw.CharField(max_length=200, default="")
    position = pw.CharField(max_length=200, default="")
    spending_limit = MoneyField(null=True)
    # DB-level defaults too: the seed and benchmarks insert rows with raw SQL
    data_ban = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")])
    roaming_ban = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")])
    limit_notify_percent = pw.IntegerField(null=True)  # notify at this % of spending_limit
    # v6, limits that act: what crossing the limit does ("notify", or "block": outgoing
    # paid services blocked until the next month or a raise; NULL reads "notify"), whether
    # the employee (the number itself, by SMS) is told too, and since when it is blocked
    limit_action = pw.CharField(max_length=8, null=True)
    limit_notify_employee = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")])
    limit_blocked_at = UTCDateTimeField(null=True)
    # casefolded name + position with ё->е, written by the app (SQLite's LIKE does not
    # fold Cyrillic case); searched with LIKE '%...%'.
    search_text = pw.CharField(max_length=420, default="")
    version = pw.IntegerField(default=1)  # optimistic locking of the employee card
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("company", "msisdn"), False),
            (("company", "full_name", "id"), False),
            (("company", "position", "id"), False),
            (("company", "status", "msisdn"), False),
            (("company", "tariff", "msisdn"), False),
            (("company", "account", "msisdn"), False),
        )


class Tag(BaseModel):
    company = pw.ForeignKeyField(Company, backref="tags", on_delete="CASCADE")
    name = pw.CharField(max_length=60)
    color = pw.CharField(max_length=20, default="")
    created_at = UTCDateTimeField(default=utcnow)
    budget = MoneyField(null=True)  # v6: the tag's (department's) monthly budget, or none

    class Meta:
        indexes = ((("company", "name"), True),)


class SubscriberTag(BaseModel):
    subscriber = pw.ForeignKeyField(Subscriber, on_delete="CASCADE")
    tag = pw.ForeignKeyField(Tag, on_delete="CASCADE")

    class Meta:
        primary_key = pw.CompositeKey("subscriber", "tag")
        indexes = ((("tag", "subscriber"), False),)


class SimCard(BaseModel):
    company = pw.ForeignKeyField(Company, backref="sims", on_delete="CASCADE")
    iccid = pw.CharField(max_length=22, unique=True)
    puk1_hash = pw.CharField(max_length=255, default="")
    state = pw.CharField(max_length=16, default="in_stock")
    subscriber = pw.ForeignKeyField(Subscriber, null=True, backref="sims", on_delete="SET NULL")
    activated_at = UTCDateTimeField(null=True)
    retired_at = UTCDateTimeField(null=True)
    # wrong PUK1 entries; 3 lock the SIM (DB defaults: the seed inserts raw rows)
    puk_failures = pw.IntegerField(default=0, constraints=[pw.SQL("DEFAULT 0")])
    locked = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")])

    class Meta:
        indexes = ((("company", "state"), False),)


class Option(BaseModel):
    """A service that can be connected to a number. Eligibility lives in OptionRule."""

    code = pw.CharField(max_length=40, unique=True)
    name = pw.CharField(max_length=200)
    monthly_fee = MoneyField(default=0)
    connection_fee = MoneyField(default=0)
    description = pw.TextField(default="")
    archived = pw.BooleanField(default=False)
    # v9 (rating): what the option adds or changes in the plan (bundles, prices)
    rates = pw.JSONField(null=True)


class OptionRule(BaseModel):
    """Data-driven eligibility: kind is one of RULE_KINDS; the other columns are the
    kind's parameters (tariff, other option, amount, limit)."""

    option = pw.ForeignKeyField(Option, backref="rules", on_delete="CASCADE")
    kind = pw.CharField(max_length=32)
    tariff = pw.ForeignKeyField(Tariff, null=True, on_delete="CASCADE")
    other_option = pw.ForeignKeyField(Option, null=True, on_delete="CASCADE")
    amount = MoneyField(null=True)
    limit_count = pw.IntegerField(null=True)
    message = pw.CharField(max_length=300, default="")


class SubscriberOption(BaseModel):
    subscriber = pw.ForeignKeyField(Subscriber, backref="options", on_delete="CASCADE")
    option = pw.ForeignKeyField(Option)
    state = pw.CharField(max_length=16, default="active")
    connected_from = UTCDateTimeField(default=utcnow)
    connected_until = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("subscriber", "state"), False),
            (("option", "state"), False),
        )


TARIFF_CHANGE_STATES = ("planned", "done", "cancelled")


class TariffChange(BaseModel):
    """A tariff change planned for a future date; the worker applies it when due."""

    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    subscriber = pw.ForeignKeyField(Subscriber, backref="tariff_changes", on_delete="CASCADE")
    tariff = pw.ForeignKeyField(Tariff)
    effective_from = UTCDateTimeField()
    state = pw.CharField(max_length=16, default="planned")
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("state", "effective_from"), False),
            (("subscriber", "state"), False),
        )


class ForwardingRule(BaseModel):
    subscriber = pw.ForeignKeyField(Subscriber, backref="forwarding", on_delete="CASCADE")
    condition = pw.CharField(max_length=16)
    target = pw.CharField(max_length=15)
    delay_seconds = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("subscriber", "condition"), False),)


CHANGE_APPLICATION_STATUSES = ("submitted", "in_progress", "done", "rejected", "cancelled")


class ChangeApplication(BaseModel):
    """A change only the operator can make (e.g. a tariff "by application"), sent as a form."""

    company = pw.ForeignKeyField(Company, backref="change_applications", on_delete="CASCADE")
    reference = pw.CharField(max_length=20, unique=True)  # "Z-2026-000001"
    user = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    actor = pw.CharField(max_length=100, default="")
    numbers = pw.TextField(default="")  # E.164 digits, one per line
    desired = pw.TextField(default="")  # desired tariff / services
    comment = pw.TextField(default="")
    contact = pw.CharField(max_length=200, default="")
    status = pw.CharField(max_length=16, default="submitted")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("company", "created_at"), False),)


class Charge(BaseModel):
    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    account = pw.ForeignKeyField(PersonalAccount)
    subscriber = pw.ForeignKeyField(Subscriber, null=True, on_delete="SET NULL")
    kind = pw.CharField(max_length=16)
    period = pw.DateField()  # first day of the month charged
    amount = MoneyField()
    description = pw.CharField(max_length=200, default="")
    option = pw.ForeignKeyField(Option, null=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("subscriber", "period", "kind"), False),
            (("account", "period"), False),
            # covering: the company's month by kind, and sums by number / top spenders
            (("company", "period", "kind", "amount"), False),
            (("company", "period", "subscriber", "amount"), False),
        )


class CallRecord(BaseModel):
    subscriber = pw.ForeignKeyField(Subscriber, on_delete="CASCADE")
    started_at = UTCDateTimeField()
    direction = pw.CharField(max_length=3)
    kind = pw.CharField(max_length=8)
    counterpart = pw.CharField(max_length=20, default="")
    duration_seconds = pw.IntegerField(default=0)
    volume_kb = pw.IntegerField(default=0)
    roaming = pw.BooleanField(default=False)
    cost = MoneyField(default=0)
    # v9 (rating): the roaming zone the record was made in ("" = unknown: rated as
    # "world"), and the charge line that sums it (written by the rating engine)
    roaming_zone = pw.CharField(max_length=16, default="", constraints=[pw.SQL("DEFAULT ''")])
    charge_id = pw.BigIntegerField(null=True)
    # v10 (feeds): the operator's id of an imported record (NULL: made here, by the demo);
    # a number's record id is imported once (corptui.call_import: a file imported twice
    # adds nothing)
    record_id = pw.CharField(max_length=64, null=True)

    class Meta:
        # covering index for per-number month sums (FACTS.md: 33 ms vs 127 ms at 1M rows)
        indexes = (
            (("subscriber", "started_at", "cost"), False),
            (("started_at",), False),  # the company's call detail for a period, in time order
            (("subscriber", "record_id"), True),
        )


class TariffHistory(BaseModel):
    """v9 (rating): a number's tariff from ``valid_from`` on (``previous``: the one before),
    written by every tariff switch, so a month is rated by the plan in force at each
    record's time. A number with no row has had its current tariff all along."""

    subscriber = pw.ForeignKeyField(Subscriber, on_delete="CASCADE")
    valid_from = UTCDateTimeField()
    tariff = pw.ForeignKeyField(Tariff, null=True, on_delete="CASCADE")
    previous = pw.ForeignKeyField(Tariff, null=True, on_delete="CASCADE", backref="+")

    class Meta:
        indexes = ((("subscriber", "valid_from"), False),)


MONTH_STATES = ("in_progress", "billed")


class BillingMonth(BaseModel):
    """v9 (rating): a company's month: "in_progress" accrues as records arrive (rated
    again on demand), "billed" is closed and never rated again. A month with no row has
    not been rated."""

    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    month = pw.DateField()
    state = pw.CharField(max_length=16, default="in_progress")
    rated_at = UTCDateTimeField(null=True)
    closed_at = UTCDateTimeField(null=True)
    closed_by = pw.CharField(max_length=100, default="")

    class Meta:
        indexes = ((("company", "month"), True),)


LIMIT_LEVELS = ("near", "over")


class LimitAlert(BaseModel):
    """A number crossed a threshold of its limit in a month: written once per (number,
    month, level, limit amount), so the admin and the employee are told once per month
    per threshold (a raised limit has thresholds of its own)."""

    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    subscriber = pw.ForeignKeyField(Subscriber, on_delete="CASCADE")
    month = pw.DateField()
    level = pw.CharField(max_length=8)
    spent = MoneyField()
    spending_limit = MoneyField()
    blocked = pw.BooleanField(default=False)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("subscriber", "month", "level", "spending_limit"), True),
            (("company", "month"), False),
        )


class TariffAdvice(BaseModel):
    """The optimiser's finding for one number: its last billed months re-rated on the
    cheapest tariff it may have (``months``: [{"month", "current", "recommended"}] in
    kopecks), written by each run of the optimiser for the company."""

    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    subscriber = pw.ForeignKeyField(Subscriber, on_delete="CASCADE")
    current_tariff = pw.ForeignKeyField(Tariff, null=True, on_delete="CASCADE")
    tariff = pw.ForeignKeyField(Tariff, on_delete="CASCADE")
    current_cost = MoneyField()  # a month on average on the current tariff
    cost = MoneyField()  # a month on average on the recommended one
    saving = MoneyField()  # a month on average
    months = pw.JSONField(default=list)
    by_application = pw.BooleanField(default=False)
    computed_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("company", "saving"), False),
            (("subscriber",), True),
        )


class OverviewSnapshot(BaseModel):
    """The overview's heavy figures of a company (spend, budgets, limits, idle lines,
    options, savings) as of ``version`` (what the data was when they were computed)."""

    company = pw.ForeignKeyField(Company, on_delete="CASCADE", unique=True)
    version = pw.CharField(max_length=200, default="")
    computed_at = UTCDateTimeField(default=utcnow)
    payload = pw.JSONField(default=dict)


class Payment(BaseModel):
    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    account = pw.ForeignKeyField(PersonalAccount)
    subscriber = pw.ForeignKeyField(Subscriber, null=True, on_delete="SET NULL")
    paid_at = UTCDateTimeField()
    amount = MoneyField()
    type = pw.CharField(max_length=16)
    document_no = pw.CharField(max_length=40, default="")
    comment = pw.CharField(max_length=200, default="")

    class Meta:
        indexes = (
            # covering: totals and sorted pages of the payments filter read no table rows
            (("company", "paid_at", "type", "amount", "subscriber", "account"), False),
            (("account", "paid_at"), False),
            (("subscriber", "paid_at"), False),
        )


class StatementEntry(BaseModel):
    """v10 (feeds): an entry of an imported bank statement (corptui.statement_import),
    one per (company, key): ``key`` is the SHA-256 of the entry's identity (number, date,
    amount, payer's INN and account), so a statement imported twice adds nothing. A
    matched entry links the payment made of it; an unmatched one waits (``payment``
    NULL) for the operator to assign it to an account (``reason``: why it was not
    matched)."""

    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    key = pw.CharField(max_length=64)
    document_no = pw.CharField(max_length=40, default="")
    paid_on = pw.DateField()
    amount = MoneyField()
    payer = pw.CharField(max_length=200, default="")
    payer_inn = pw.CharField(max_length=12, default="")
    purpose = pw.CharField(max_length=500, default="")
    reason = pw.CharField(max_length=16, default="")
    file_name = pw.CharField(max_length=255, default="")
    file_sha256 = pw.CharField(max_length=64, default="")
    line = pw.IntegerField(default=0)
    payment = pw.ForeignKeyField(Payment, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    assigned_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = (
            (("company", "key"), True),
            (("company", "payment", "paid_on"), False),
        )


DISPUTE_STATUSES = ("open", "in_review", "accepted", "rejected")


class Dispute(BaseModel):
    """A company's dispute of a charge: a reason, an optional attachment (a copy under the
    data folder), a status; an accepted dispute carries the credit paid as an adjustment."""

    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    charge = pw.ForeignKeyField(Charge, on_delete="CASCADE")
    subscriber = pw.ForeignKeyField(Subscriber, null=True, on_delete="SET NULL")
    user = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    reason = pw.TextField()
    attachment = pw.CharField(max_length=500, default="")  # path of the stored copy
    attachment_name = pw.CharField(max_length=255, default="")  # the file's original name
    status = pw.CharField(max_length=16, default="open")
    credit = MoneyField(null=True)
    decision = pw.TextField(default="")  # why rejected / note on acceptance
    payment = pw.ForeignKeyField(Payment, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("company", "created_at"), False),
            (("charge", "status"), False),
        )


class Document(BaseModel):
    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    user = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    type = pw.CharField(max_length=32)
    format = pw.CharField(max_length=8)
    scope = pw.JSONField(default=dict)  # accounts / numbers the document covers
    period_from = pw.DateField()
    period_to = pw.DateField()
    copies = pw.IntegerField(default=1)
    state = pw.CharField(max_length=16, default="queued")
    progress = pw.IntegerField(default=0)  # percent
    file_path = pw.CharField(max_length=500, default="")
    protected = pw.BooleanField(default=False)
    # argon2id hash of the protection password (never the password itself); v4
    password_hash = pw.CharField(max_length=255, default="")
    notify_sms = pw.CharField(max_length=15, default="")
    notify_email = pw.CharField(max_length=200, default="")
    error = pw.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    ready_at = UTCDateTimeField(null=True)
    # v7: the language it is written in, its number(s) in the company's sequence, the
    # built file's size and SHA-256 (a file that does not match is never served), its
    # text layout (the preview) and the writer's options (CSV for Russian Excel)
    language = pw.CharField(max_length=2, default="en")
    number = pw.CharField(max_length=60, default="")
    file_size = pw.BigIntegerField(default=0)
    file_sha256 = pw.CharField(max_length=64, default="")
    preview = pw.TextField(default="")
    options = pw.JSONField(default=dict)

    class Meta:
        indexes = ((("company", "created_at"), False),)


class DocumentNumber(BaseModel):
    """A document's number in its company's sequence of that type and year (v7): one row
    per numbered document (``key``: the type's period and scope), so a reprint finds the
    number (and date) it had."""

    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    type = pw.CharField(max_length=32)
    year = pw.IntegerField()
    seq = pw.IntegerField()
    key = pw.CharField(max_length=255)
    issued_on = pw.DateField()
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("company", "type", "key"), True),
            (("company", "type", "year", "seq"), True),
        )


class DatabaseIdentity(BaseModel):
    """One row: the database's own identity (v7), a random UUID made when the schema is
    created. The documents' files live under a folder named by it, so two databases that
    share a data folder never share (or overwrite) each other's files."""

    uuid = pw.CharField(max_length=36, unique=True)
    created_at = UTCDateTimeField(default=utcnow)


class ReportSchedule(BaseModel):
    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    user = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    type = pw.CharField(max_length=32)
    format = pw.CharField(max_length=8, default="pdf")
    period = pw.CharField(max_length=16, default="monthly")
    # v4: what the report covers ({"accounts": [...], "numbers": [...]}), the day (weekly:
    # 1-7 = Monday-Sunday; monthly: 1-28) and the local time "HH:MM" of each run
    scope = pw.JSONField(default=dict)
    day = pw.IntegerField(default=1)
    at_time = pw.CharField(max_length=5, default="09:00")
    language = pw.CharField(max_length=2, default="", constraints=[pw.SQL("DEFAULT ''")])  # v7: the documents' language
    phone = pw.CharField(max_length=15, default="")
    email = pw.CharField(max_length=200, default="")
    active = pw.BooleanField(default=True)
    next_run_at = UTCDateTimeField(null=True)
    last_run_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)


class Notification(BaseModel):
    company = pw.ForeignKeyField(Company, null=True, on_delete="CASCADE")
    channel = pw.CharField(max_length=8)
    recipient = pw.CharField(max_length=200)
    subject = pw.CharField(max_length=200, default="")
    body = pw.TextField(default="")
    attachment = pw.CharField(max_length=500, default="")
    state = pw.CharField(max_length=16, default="queued", index=True)
    attempts = pw.IntegerField(default=0)
    last_error = pw.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    sent_at = UTCDateTimeField(null=True)


class Job(BaseModel):
    """A DB-backed queue: workers claim due jobs (FOR UPDATE SKIP LOCKED on PostgreSQL)."""

    company = pw.ForeignKeyField(Company, null=True, on_delete="CASCADE")
    kind = pw.CharField(max_length=40)
    payload = pw.JSONField(default=dict)
    state = pw.CharField(max_length=16, default="queued")
    priority = pw.IntegerField(default=0)
    attempts = pw.IntegerField(default=0)
    max_attempts = pw.IntegerField(default=5)
    run_after = UTCDateTimeField(default=utcnow)
    locked_by = pw.CharField(max_length=100, default="")
    locked_at = UTCDateTimeField(null=True)
    progress = pw.IntegerField(default=0)
    error = pw.TextField(default="")
    result = pw.JSONField(default=dict)
    created_at = UTCDateTimeField(default=utcnow)
    finished_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("state", "run_after", "priority"), False),)


class AuditEntry(BaseModel):
    company = pw.ForeignKeyField(Company, null=True, on_delete="CASCADE")
    user = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    actor = pw.CharField(max_length=100, default="")  # login or "cli", "seed", "worker"
    source = pw.CharField(max_length=200, default="")  # screen, CLI command, import file
    at = UTCDateTimeField(default=utcnow)
    action = pw.CharField(max_length=60)
    object_type = pw.CharField(max_length=40, default="")
    object_id = pw.CharField(max_length=40, default="")
    before = pw.JSONField(null=True)
    after = pw.JSONField(null=True)
    operation = pw.CharField(max_length=40, default="")  # groups the entries of one bulk change

    class Meta:
        indexes = (
            (("company", "at"), False),
            (("company", "object_type", "object_id"), False),
            (("company", "user", "at"), False),
            (("operation",), False),
        )


class SavedView(BaseModel):
    """A user's named view of the numbers list: filter, sort and visible columns."""

    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    user = pw.ForeignKeyField(User, null=True, on_delete="CASCADE")
    name = pw.CharField(max_length=60)
    spec = pw.JSONField(default=dict)  # search, tags, tariff, status, account, sort, columns
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("company", "user", "name"), True),)


ALL_MODELS = [
    SchemaVersion, Company, User, AccessApplication, PersonalAccount, Tariff, Subscriber,
    Tag, SubscriberTag, SimCard, Option, OptionRule, SubscriberOption, TariffChange, ForwardingRule,
    ChangeApplication, Charge, CallRecord, TariffHistory, BillingMonth, LimitAlert, TariffAdvice, OverviewSnapshot, Payment, StatementEntry, Dispute, Document, ReportSchedule, Notification, Job, AuditEntry,
    SavedView, DocumentNumber, DatabaseIdentity,
]
