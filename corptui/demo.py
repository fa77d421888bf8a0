"""Deterministic Russian demo data: `corptui db seed` and `corptui demo`.

A main company holds the N numbers; a second small company (40 numbers) shows that one
company never sees another's data. The data is about now: the months before the day
``as_of`` (default: today, UTC) are billed in full, the month of ``as_of`` is in progress
(charges, payments and calls up to that day). Same seed and same day, same data: the full
months come from one ``random.Random(seed)``, the month in progress and the showcase rows
(a dispute, change applications, planned changes, idle lines) from a second generator of
the seed and the day, so two runs on SQLite or PostgreSQL write the same rows.

Rows are generated as plain tuples and written with ``executemany`` (SQLite) or
``execute_values`` (PostgreSQL) in one transaction: the ORM would cost 10x here (FACTS.md),
and the seed must write 100k numbers and 1M call records in well under a minute.

The whole seed (the drop of old data with ``fresh`` included) is ONE transaction: a seed
stopped half-way (ctrl+c, a lost connection) is rolled back, so the database is as it was
before (empty, or the previous data), never half-seeded. ``has_data()`` (a company
exists) is therefore true only after a complete seed, and ``corptui demo`` seeds again."""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator

from corptui.errors import Conflict
from corptui.i18n import N_, _
from storage import schema
from storage.db import database, is_postgres
from storage.fields import db_time
from storage.models import ALL_MODELS, Company
from storage.search import search_key

SECOND_COMPANY_NUMBERS = 40
BATCH = 20_000

MAIN_COMPANY = {
    "name": "ООО «Северный ветер»", "inn": "7701234560", "kpp": "770101001",
    "ogrn": "1027700132195", "legal_address": "125009, г. Москва, ул. Тверская, д. 7, офис 12",
    "contact_email": "office@severveter.example", "contact_phone": "74951234567",
}
SECOND_COMPANY = {
    "name": "ИП Соколова Анна Викторовна", "inn": "500100732259", "kpp": "",
    "ogrn": "304500116000157", "legal_address": "141400, Московская обл., г. Химки, ул. Ленина, д. 3",
    "contact_email": "sokolova@example.ru", "contact_phone": "79031234500",
}

# phone (as typed at the login screen), password, role, company
DEMO_LOGINS = [
    {"phone": "+7 900 100-00-01", "password": "Veter-owner-2026", "role": "owner",
     "company": MAIN_COMPANY["name"], "name": "Ветров Игорь Павлович"},
    {"phone": "+7 900 100-00-02", "password": "Veter-admin-2026", "role": "admin",
     "company": MAIN_COMPANY["name"], "name": "Орлова Марина Сергеевна"},
    {"phone": "+7 900 100-00-03", "password": "Veter-buh-2026", "role": "accountant",
     "company": MAIN_COMPANY["name"], "name": "Кузнецова Елена Андреевна"},
    {"phone": "+7 900 100-00-04", "password": "Veter-view-2026", "role": "viewer",
     "company": MAIN_COMPANY["name"], "name": "Павлов Денис Олегович"},
    {"phone": "+7 900 200-00-01", "password": "Sokolova-2026", "role": "owner",
     "company": SECOND_COMPANY["name"], "name": "Соколова Анна Викторовна"},
]

MALE_LAST = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
             "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
             "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
             "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
             "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
             "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов",
             "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов",
             "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
             "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков",
             "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов"]
MALE_FIRST = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Иван",
              "Михаил", "Артём", "Никита", "Евгений", "Владимир", "Павел", "Роман", "Олег",
              "Игорь", "Константин", "Юрий", "Виктор", "Николай", "Егор", "Антон", "Фёдор",
              "Глеб", "Кирилл", "Денис", "Тимур", "Руслан", "Вадим", "Пётр"]
FEMALE_FIRST = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина",
                "Екатерина", "Светлана", "Юлия", "Анастасия", "Дарья", "Марина", "Ксения",
                "Алёна", "Виктория", "Полина", "Софья", "Людмила", "Галина", "Вера",
                "Надежда", "Оксана", "Алина", "Евгения", "Валерия", "Кристина", "Жанна"]
PATRONYMIC_BASE = ["Александров", "Сергеев", "Дмитриев", "Андреев", "Алексеев", "Иванов",
                   "Михайлов", "Владимиров", "Павлов", "Николаев", "Викторов", "Юрьев",
                   "Олегов", "Игорев", "Петров", "Фёдоров", "Романов", "Евгеньев",
                   "Константинов", "Борисов", "Геннадьев", "Анатольев", "Васильев"]
POSITIONS = ["Менеджер по продажам", "Старший менеджер по продажам", "Бухгалтер",
             "Главный бухгалтер", "Водитель-экспедитор", "Кладовщик", "Инженер",
             "Ведущий инженер", "Программист", "Системный администратор", "Юрист",
             "Специалист по кадрам", "Логист", "Торговый представитель", "Мерчендайзер",
             "Руководитель отдела продаж", "Директор филиала", "Курьер", "Оператор склада",
             "Секретарь", "Экономист", "Аналитик", "Менеджер по закупкам", "Механик",
             "Охранник", "Специалист поддержки", "Маркетолог", "Дизайнер", "Архитектор",
             "Заместитель директора"]
DEPARTMENTS = [("Продажи", "green"), ("Бухгалтерия", "yellow"), ("Логистика", "blue"),
               ("ИТ", "cyan"), ("Склад", "magenta"), ("Руководство", "red"),
               ("Сервис", "white")]
CITIES = [("Москва", "red"), ("Санкт-Петербург", "blue"), ("Казань", "green"),
          ("Новосибирск", "cyan"), ("Екатеринбург", "yellow"), ("Нижний Новгород", "magenta")]
EXTRA_TAGS = [("VIP", "yellow"), ("Роуминг", "magenta"), ("Временный", "white")]

TARIFFS = [  # code, name, monthly fee
    ("biz-start", "Бизнес Старт", "350.00"),
    ("biz-optimum", "Бизнес Оптимум", "590.00"),
    ("biz-max", "Бизнес Максимум", "990.00"),
    ("biz-unlim", "Бизнес Безлимит", "1490.00"),
    ("iot-data", "Интернет вещей", "150.00"),
    ("biz-2019", "Бизнес 2019 (архив)", "450.00"),
]
OPTIONS = [  # code, name, monthly fee, connection fee
    ("roam-world", "Роуминг: весь мир", "0.00", "0.00"),
    ("roam-eu", "Роуминг: Европа 5 ГБ", "900.00", "0.00"),
    ("int-calls", "Международные звонки", "150.00", "0.00"),
    ("data-10", "Дополнительные 10 ГБ", "300.00", "0.00"),
    ("data-unlim", "Безлимитный интернет", "700.00", "0.00"),
    ("sms-500", "500 SMS", "120.00", "0.00"),
    ("who-called", "Кто звонил", "60.00", "0.00"),
    ("call-record", "Запись разговоров", "250.00", "500.00"),
    ("virt-pbx", "Виртуальная АТС", "1200.00", "1000.00"),
    ("fixed-ip", "Фиксированный IP", "200.00", "300.00"),
    ("content-ban", "Запрет платного контента", "0.00", "0.00"),
    ("geo", "Геопоиск сотрудников", "99.00", "0.00"),
]
# option code, kind, tariff code, other option code, amount, limit, message
OPTION_RULES = [
    ("data-unlim", "incompatible_tariff", "iot-data", None, None, None,
     "Безлимитный интернет недоступен на тарифе «Интернет вещей»"),
    ("data-unlim", "conflicts_option", None, "data-10", None, None,
     "Безлимитный интернет не сочетается с опцией «Дополнительные 10 ГБ»"),
    ("roam-eu", "requires_option", None, "roam-world", None, None,
     "Сначала подключите «Роуминг: весь мир»"),
    ("int-calls", "not_blocked", None, None, None, None, "Номер заблокирован"),
    ("virt-pbx", "min_balance", None, None, "1000.00", None,
     "Нужен баланс лицевого счёта не меньше 1 000 ₽"),
    ("fixed-ip", "company_limit", None, None, None, 50,
     "Не больше 50 номеров компании с фиксированным IP"),
    ("call-record", "incompatible_tariff", "biz-start", None, None, None,
     "Запись разговоров недоступна на тарифе «Бизнес Старт»"),
]

Progress = Callable[[str, int, int], None]


def has_data() -> bool:
    return Company.select().exists()


def is_stale(today: dt.date | None = None) -> bool:
    """The demo data is about an earlier month than ``today``'s (no charges of this month:
    the screens would open on an empty month). ``corptui demo`` then makes it again."""
    import peewee as pw

    from storage.fields import utcnow
    from storage.models import Charge

    today = today or utcnow().date()
    last = Charge.select(pw.fn.MAX(Charge.period)).scalar()
    if last is None:
        return False
    if isinstance(last, str):
        last = dt.date.fromisoformat(last[:10])
    return last < today.replace(day=1)


# shown with _() where it is printed (the CLI sets the language after import)
INTERRUPTED = N_("seeding stopped (ctrl+c): nothing was written, the database is as it was "
               "before")


def tty_progress() -> Progress | None:
    """A one-line progress bar with the counts on stderr when it is a terminal
    ("call records   [#######-------]  23%  230,000 of 1,000,000"); None otherwise."""
    if not sys.stderr.isatty():
        return None
    state = {"last": 0.0}

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - state["last"] < 0.1:
            return
        state["last"] = now
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        pct = int(100 * done / total) if total else 100
        sys.stderr.write(f"\r{stage:<14} [{bar}] {pct:3d}%  {done:,} of {total:,} ")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


# -- helpers -------------------------------------------------------------------------
def _months(last: dt.date, months: int) -> list[dt.date]:
    """The first days of ``months`` months ending with the month of ``last``, oldest first."""
    out = []
    y, m = last.year, last.month
    for _month in range(months):
        out.append(dt.date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


def _days_in(month: dt.date) -> int:
    nxt = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return (nxt - month).days


def _kop(text: str) -> int:
    rub, _, kop = text.partition(".")
    return int(rub) * 100 + int((kop + "00")[:2])


def _name(rng: random.Random) -> str:
    last = rng.choice(MALE_LAST)
    pat = rng.choice(PATRONYMIC_BASE)
    if rng.random() < 0.45:
        return f"{last}а {rng.choice(FEMALE_FIRST)} {pat}на"
    return f"{last} {rng.choice(MALE_FIRST)} {pat}ич"


class _Writer:
    """Bulk writes in the engine's fastest plain form; times as the column type wants."""

    def __init__(self, progress: Progress | None):
        self.pg = is_postgres()
        self.progress = progress
        self.counts: dict[str, int] = {}

    def ts(self, value: dt.datetime):
        return value.replace(tzinfo=None) if self.pg else db_time(value)

    def day(self, value: dt.date):
        return value if self.pg else value.isoformat()

    def write(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple],
              total: int | None = None, stage: str | None = None) -> int:
        cols = ", ".join(f'"{c}"' for c in columns)
        n = 0
        conn = database.connection()
        cur = conn.cursor()
        if self.pg:
            from psycopg2.extras import execute_values

            sql = f'INSERT INTO "{table}" ({cols}) VALUES %s'
        else:
            sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})'
        for batch in _batches(rows, BATCH):
            if self.pg:
                execute_values(cur, sql, batch, page_size=5000)
            else:
                cur.executemany(sql, batch)
            n += len(batch)
            if self.progress and total:
                self.progress(stage or table, min(n, total), total)
        if self.progress and total and n < total:
            self.progress(stage or table, total, total)
        self.counts[table] = self.counts.get(table, 0) + n
        return n


def _batches(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _reset(fresh: bool) -> None:
    if has_data():
        if not fresh:
            raise Conflict(_("the database already holds data: add --fresh to replace it"))
        database.drop_tables(ALL_MODELS, cascade=is_postgres())
        schema.create_all()


# the tables the seed fills in bulk: their secondary indexes are built after the load
BULK_TABLES = ("subscriber", "subscriber_tag", "sim_card", "subscriber_option",
               "forwarding_rule", "charge", "payment", "call_record")


def _drop_indexes(tables: Iterable[str]) -> list[str]:
    """Drop the tables' secondary indexes for the bulk load; returns the statements that
    make them again (``_make_indexes``). Kept up row by row, an index takes its rows in
    random order: once the indexes outgrow the page cache (a million numbers: 17 million
    charges with eight indexes) every insert waits on the disk and the seed ran for hours.
    Built once at the end, an index is one sort. Unique indexes stay (they check the
    data); both engines drop and make indexes inside the seed's one transaction."""
    made = []
    for table in tables:
        for index in database.get_indexes(table):
            if index.unique or not index.sql:
                continue
            made.append(index.sql)
            database.execute_sql(f'DROP INDEX "{index.name}"')
    return made


def _make_indexes(statements: list[str], progress: Progress | None) -> None:
    for k, sql in enumerate(statements, 1):
        database.execute_sql(sql)
        if progress:
            progress("indexes", k, len(statements))


def _fix_sequences() -> None:
    """Rows were written with explicit ids: move PostgreSQL's sequences past them."""
    if not is_postgres():
        return
    import peewee as pw

    for model in ALL_MODELS:
        if not isinstance(model._meta.primary_key, pw.AutoField):
            continue
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE((SELECT max(id) FROM \"{table}\"), 0) + 1, false)"
        )


# -- stock SIMs ----------------------------------------------------------------------
STOCK_PUK_COST = 2 ** 8  # demo stock only (~0.4 ms a hash); imports use sims.PUK_COST


def stock_sim(company_id: int, k: int, seed: int = 1) -> tuple[str, str]:
    """(ICCID, PUK1) of the k-th demo stock SIM of a company: 19 digits with a Luhn check
    digit, and an 8-digit PUK1 derived from the seed (its own generator, so the rest of
    the demo data does not depend on it)."""
    from corptui.sims import luhn_digit

    body = f"897019{9 - company_id}{k:011d}"
    puk = f"{random.Random(f'puk-{seed}-{company_id}-{k}').randrange(10 ** 8):08d}"
    return body + luhn_digit(body), puk


def stock_puk_hash(puk: str, iccid: str) -> str:
    import hashlib

    from corptui.sims import hash_puk

    salt = hashlib.sha256(f"demo-salt-{iccid}".encode()).digest()[:16]
    return hash_puk(puk, STOCK_PUK_COST, salt)


# -- charges -------------------------------------------------------------------------
def charge_rows(month: dt.date, subs: list[tuple], sub_options: dict[int, list[int]],
                tariff_fee: dict[int, int], option_fee: dict[int, int], rng: random.Random,
                period, at, share: float = 1.0) -> Iterator[tuple]:
    """The charges of one month, one number after the other: the subscription (the tariff's
    fee), calls, sometimes data, SMS or roaming, and the fee of each paid option. ``share``
    is the part of a month in progress that has passed (1.0 for a billed month): the usage
    charges are that part of a month's. Rows: (company, account, subscriber, kind, period,
    amount in kopecks, description, option, created at).

    The one place where the demo's charges come from (what they amount to does not follow
    from the call records yet)."""
    def part(amount: int) -> int:
        return amount if share >= 1 else int(amount * share)

    for sid, company_id, acc, tariff_id, _status in subs:
        yield (company_id, acc, sid, "subscription", period, tariff_fee[tariff_id],
               "Абонентская плата", None, at)
        yield (company_id, acc, sid, "calls", period, part(rng.randrange(0, 60_000)),
               "Звонки", None, at)
        r = rng.random()
        if r < 0.25:
            yield (company_id, acc, sid, "data", period, part(rng.randrange(5_000, 50_000)),
                   "Мобильный интернет сверх пакета", None, at)
        elif r < 0.32:
            yield (company_id, acc, sid, "sms", period, part(rng.randrange(200, 5_000)),
                   "SMS", None, at)
        elif r < 0.335:
            yield (company_id, acc, sid, "roaming", period,
                   part(rng.randrange(50_000, 1_500_000)), "Роуминг", None, at)
        for oid in sub_options.get(sid, ()):
            if option_fee[oid]:
                yield (company_id, acc, sid, "subscription", period, option_fee[oid],
                       "Опция", oid, at)


# -- the seed ------------------------------------------------------------------------
FWD = ("unconditional", "busy", "no_answer", "unreachable")


class _Seed:
    """One run of the seed, cut along its sections (each writes its tables). ``rng`` draws
    the billed months in a fixed order; ``now_rng`` the month in progress and the showcase
    rows, so the billed months do not change with the day of the month."""

    def __init__(self, numbers: int, calls: int, months: int, seed: int, as_of: dt.date,
                 progress: Progress | None):
        self.numbers, self.seed = numbers, seed
        self.as_of = as_of
        self.current = as_of.replace(day=1)  # the month in progress
        self.month_list = _months(self.current - dt.timedelta(days=1), months)
        # "up to today": the whole days of the month in progress before as_of (none on the
        # first of a month: then nothing of it is charged or called yet)
        self.days_done = as_of.day - 1
        self.share = self.days_done / _days_in(self.current)  # of the month in progress
        # the call records in all: the month in progress gets its share of them
        self.calls_now = round(calls * self.share / (months + self.share))
        self.calls_full = calls - self.calls_now
        self.rng = random.Random(seed)
        self.now_rng = random.Random(f"demo-{seed}-{as_of.isoformat()}")
        self.w = _Writer(progress)
        created = dt.datetime.combine(self.month_list[0], dt.time(), dt.UTC) - dt.timedelta(
            days=30)
        self.created_ts = self.w.ts(created)
        self.idle: set[int] = set()
        self.with_showcase = True

    def run(self) -> None:
        self.catalog()
        self.accounts()
        self.users()
        self.tags()
        self.subscribers()
        self.subscriber_tags()
        self.sims()
        self.options()
        self.forwarding()
        self.charges()
        self.payments()
        self.call_records()
        if self.with_showcase:
            self.showcase()
        # one audit entry for the whole seed
        self.w.write("audit_entry", ("company_id", "actor", "source", "at", "action",
                                     "object_type", "object_id", "operation"),
                     [(1, "seed", "corptui db seed", self.created_ts, "demo.seed", "company",
                       "1", "")])

    # companies, tariffs, options, rules
    def catalog(self) -> None:
        w, created_ts = self.w, self.created_ts
        w.write("company", ("id", "name", "inn", "kpp", "ogrn", "legal_address", "contact_email",
                            "contact_phone", "created_at"),
                [(i + 1, c["name"], c["inn"], c["kpp"], c["ogrn"], c["legal_address"],
                  c["contact_email"], c["contact_phone"], created_ts)
                 for i, c in enumerate((MAIN_COMPANY, SECOND_COMPANY))])
        w.write("tariff", ("id", "code", "name", "monthly_fee", "description", "archived"),
                [(i + 1, code, name, _kop(fee), f"Корпоративный тариф «{name}»",
                  code == "biz-2019") for i, (code, name, fee) in enumerate(TARIFFS)])
        self.tariff_ids = {code: i + 1 for i, (code, _, _) in enumerate(TARIFFS)}
        self.tariff_fee = {i + 1: _kop(fee) for i, (_, _, fee) in enumerate(TARIFFS)}
        w.write("option", ("id", "code", "name", "monthly_fee", "connection_fee", "description",
                           "archived"),
                [(i + 1, code, name, _kop(fee), _kop(cfee), name, False)
                 for i, (code, name, fee, cfee) in enumerate(OPTIONS)])
        self.option_ids = option_ids = {code: i + 1 for i, (code, *_rest) in enumerate(OPTIONS)}
        self.option_fee = {i + 1: _kop(fee) for i, (_, _, fee, _) in enumerate(OPTIONS)}
        from corptui.rating.tariffs import seed_demo_rates

        seed_demo_rates()  # the plans' prices and bundles as data (corptui/rating/plans.py)
        w.write("option_rule", ("option_id", "kind", "tariff_id", "other_option_id", "amount",
                                "limit_count", "message"),
                [(option_ids[o], kind, self.tariff_ids.get(t), option_ids.get(oo),
                  _kop(a) if a else None, lim, msg)
                 for o, kind, t, oo, a, lim, msg in OPTION_RULES])

    # personal accounts
    def accounts(self) -> None:
        rng, created_ts = self.rng, self.created_ts
        n_main_accounts = 3 + self.numbers // 10_000
        self.account_list = []  # (id, company_id)
        acc_rows = []
        for i in range(n_main_accounts):
            aid = i + 1
            name = "Основной" if i == 0 else f"Филиал {CITIES[i % len(CITIES)][0]}" if i < 7 \
                else f"Проект {i - 6}"
            acc_rows.append((aid, 1, f"5010{aid:08d}", name, rng.randint(-50_000, 2_000_000),
                             created_ts))
            self.account_list.append((aid, 1))
        self.second_acc = second_acc = n_main_accounts + 1
        acc_rows.append((second_acc, 2, f"5020{second_acc:08d}", "Основной", 1_250_000,
                         created_ts))
        self.w.write("personal_account", ("id", "company_id", "number", "name", "balance",
                                          "created_at"), acc_rows)

    def users(self) -> None:
        from corptui.passwords import hash_password
        from corptui.phones import normalize

        user_rows = []
        for i, login in enumerate(DEMO_LOGINS):
            company_id = 1 if login["company"] == MAIN_COMPANY["name"] else 2
            user_rows.append((i + 1, company_id, normalize(login["phone"]), login["name"], "",
                              login["role"], hash_password(login["password"]), False, 0,
                              False, self.created_ts, self.created_ts))
        self.w.write("app_user", ("id", "company_id", "phone", "full_name", "email", "role",
                                  "password_hash", "must_change_password", "failed_attempts",
                                  "blocked", "created_at", "password_changed_at"), user_rows)

    def tags(self) -> None:
        tag_rows = []
        tag_id = 0
        self.dept_ids, self.city_ids, self.extra_ids = [], [], []
        for company_id in (1, 2):
            for group, ids in ((DEPARTMENTS, self.dept_ids), (CITIES, self.city_ids),
                               (EXTRA_TAGS, self.extra_ids)):
                for name, color in group:
                    tag_id += 1
                    tag_rows.append((tag_id, company_id, name, color, self.created_ts))
                    if company_id == 1:
                        ids.append(tag_id)
        first = len(self.dept_ids) + len(self.city_ids) + len(self.extra_ids) + 1
        self.second_tags = list(range(first, tag_id + 1))
        self.w.write("tag", ("id", "company_id", "name", "color", "created_at"), tag_rows)

    # subscribers: numbers are unique 9-digit suffixes after "79"
    def subscribers(self) -> None:
        rng, created_ts, numbers = self.rng, self.created_ts, self.numbers
        total_numbers = numbers + SECOND_COMPANY_NUMBERS
        suffixes = rng.sample(range(100_000_000, 1_000_000_000), total_numbers)
        tariff_weights = [0.18, 0.34, 0.22, 0.12, 0.08, 0.06]
        tariff_choice = rng.choices(range(1, len(TARIFFS) + 1), tariff_weights, k=total_numbers)
        self.subs = subs = []  # (id, company, account, tariff, status)
        self.msisdn = {}
        sub_rows = []
        for i in range(total_numbers):
            sid = i + 1
            main = i < numbers
            company_id = 1 if main else 2
            account_id = self.account_list[i % len(self.account_list)][0] if main \
                else self.second_acc
            tariff_id = tariff_choice[i]
            status = "blocked" if rng.random() < 0.03 else "active"
            name = _name(rng) if rng.random() > 0.01 else ""
            position = rng.choice(POSITIONS) if name else ""
            limit = rng.choice((1000, 2000, 3000, 5000, 10000)) * 100 if rng.random() < 0.3 \
                else None
            sub_rows.append((sid, company_id, account_id, f"79{suffixes[i]}", tariff_id, status,
                             name, position, limit, search_key(name, position), 1,
                             created_ts, created_ts))
            subs.append((sid, company_id, account_id, tariff_id, status))
            self.msisdn[sid] = f"79{suffixes[i]}"
        self.w.write("subscriber", ("id", "company_id", "account_id", "msisdn", "tariff_id",
                                    "status", "full_name", "position", "spending_limit",
                                    "search_text", "version", "created_at", "updated_at"),
                     sub_rows, total_numbers, "numbers")

    # tags of numbers: a department and a city, sometimes an extra tag
    def subscriber_tags(self) -> None:
        rng = self.rng

        def gen():
            for sid, company_id, *_ in self.subs:
                if company_id == 1:
                    yield (sid, self.dept_ids[rng.randrange(len(self.dept_ids))])
                    yield (sid, self.city_ids[rng.randrange(len(self.city_ids))])
                    if rng.random() < 0.05:
                        yield (sid, self.extra_ids[rng.randrange(len(self.extra_ids))])
                else:
                    yield (sid, self.second_tags[rng.randrange(len(self.second_tags))])

        self.w.write("subscriber_tag", ("subscriber_id", "tag_id"), gen())

    # SIM cards: one active per number, a small stock per company (stock SIMs have a
    # Luhn-valid ICCID and a PUK1 hash: see stock_sim)
    def sims(self) -> None:
        def gen():
            for sid, company_id, *_ in self.subs:
                yield (company_id, f"8970199{sid:012d}", "", "active", sid, self.created_ts)
            for company_id, count in ((1, max(5, self.numbers // 50)), (2, 5)):
                for k in range(count):
                    iccid, puk = stock_sim(company_id, k, self.seed)
                    yield (company_id, iccid, stock_puk_hash(puk, iccid), "in_stock", None, None)

        self.w.write("sim_card", ("company_id", "iccid", "puk1_hash", "state", "subscriber_id",
                                  "activated_at"), gen())

    # options: respecting the rules (no data-unlim on iot, roam-eu only with roam-world)
    def options(self) -> None:
        rng, option_ids = self.rng, self.option_ids
        self.sub_options = sub_options = {}
        basic = [option_ids[c] for c in ("int-calls", "data-10", "sms-500", "who-called",
                                         "content-ban", "geo")]
        iot = self.tariff_ids["iot-data"]

        def gen():
            for sid, _company_id, _acc, tariff_id, status in self.subs:
                chosen = []
                r = rng.random()
                if r < 0.5:
                    chosen.append(basic[rng.randrange(len(basic))])
                if r < 0.1:
                    chosen.append(option_ids["roam-world"])
                    if rng.random() < 0.5:
                        chosen.append(option_ids["roam-eu"])
                if tariff_id != iot and r > 0.9 and option_ids["data-10"] not in chosen:
                    chosen.append(option_ids["data-unlim"])
                if status == "blocked" and option_ids["int-calls"] in chosen:
                    chosen.remove(option_ids["int-calls"])
                sub_options[sid] = chosen
                for oid in chosen:
                    yield (sid, oid, "active", self.created_ts, self.created_ts)

        self.w.write("subscriber_option", ("subscriber_id", "option_id", "state",
                                           "connected_from", "created_at"), gen())

    # call forwarding for some numbers
    def forwarding(self) -> None:
        rng = self.rng

        def gen():
            for sid, *_ in self.subs:
                if rng.random() < 0.08:
                    target = f"7495{rng.randrange(1_000_000, 10_000_000)}"
                    cond = FWD[rng.randrange(len(FWD))]
                    yield (sid, cond, target, 20 if cond == "no_answer" else 0, True,
                           self.created_ts)

        self.w.write("forwarding_rule", ("subscriber_id", "condition", "target",
                                         "delay_seconds", "active", "created_at"), gen())

    # charges: each number each month (see charge_rows), the month in progress last
    def charges(self) -> None:
        w = self.w
        now = [(self.current, self.now_rng, self.share)] if self.days_done else []
        total = len(self.subs) * (len(self.month_list) + len(now)) * 2

        def gen():
            for month, rng, share in [(m, self.rng, 1.0) for m in self.month_list] + now:
                at = w.ts(dt.datetime.combine(month, dt.time(3), dt.UTC))
                yield from charge_rows(month, self.subs, self.sub_options, self.tariff_fee,
                                       self.option_fee, rng, w.day(month), at, share)

        w.write("charge", ("company_id", "account_id", "subscriber_id", "kind", "period",
                           "amount", "description", "option_id", "created_at"),
                gen(), total, "charges")

    # payments of every type; in the month in progress only those before as_of
    def payments(self) -> None:
        w = self.w
        end = dt.datetime.combine(self.as_of, dt.time(), dt.UTC)
        state = {"pno": 0}

        def month_rows(month: dt.date, rng: random.Random, days: int):
            total_numbers = len(self.subs)
            for aid, company_id in self.account_list + [(self.second_acc, 2)]:
                n_subs = max(1, total_numbers // len(self.account_list))
                state["pno"] += 1
                pno = state["pno"]
                t = dt.datetime.combine(month, dt.time(9), dt.UTC) + dt.timedelta(
                    days=rng.randrange(3, 10), minutes=rng.randrange(600))
                yield (company_id, aid, None, t, n_subs * rng.randrange(60_000, 120_000),
                       "bank_transfer", f"ПП-{pno:06d}", "Оплата по счёту")
                if rng.random() < 0.3:
                    t2 = t + dt.timedelta(days=rng.randrange(1, 15))
                    yield (company_id, aid, None, t2, rng.randrange(100_000, 5_000_000),
                           "promised", "", "Обещанный платёж")
                if rng.random() < 0.2:
                    t3 = t + dt.timedelta(days=rng.randrange(1, 18), hours=3)
                    yield (company_id, aid, None, t3, -rng.randrange(1_000, 100_000),
                           "adjustment", f"К-{pno:06d}", "Корректировка начислений")
            # card and cash payments by number
            for _ in range(max(2, total_numbers // 40)):
                sid, company_id, acc, *_ = self.subs[rng.randrange(len(self.subs))]
                t = dt.datetime.combine(month, dt.time(), dt.UTC) + dt.timedelta(
                    seconds=rng.randrange(days * 86400))
                kind = "card" if rng.random() < 0.85 else "cash"
                yield (company_id, acc, sid, t, rng.randrange(10_000, 300_000), kind,
                       "", "Оплата картой" if kind == "card" else "Оплата в салоне")

        def gen():
            for month in self.month_list:
                for row in month_rows(month, self.rng, _days_in(month)):
                    yield row[:3] + (w.ts(row[3]),) + row[4:]
            if self.days_done:
                for row in month_rows(self.current, self.now_rng, self.days_done):
                    if row[3] < end:
                        yield row[:3] + (w.ts(row[3]),) + row[4:]

        w.write("payment", ("company_id", "account_id", "subscriber_id", "paid_at", "amount",
                            "type", "document_no", "comment"), gen())

    # call records spread over the numbers and the months; the month in progress up to
    # the day before as_of. Idle lines (a few numbers of the main company) have no calls,
    # SMS or data in the last 45 days: their records go to the next number.
    def call_records(self) -> None:
        w = self.w
        main = [s for s in self.subs if s[1] == 1 and s[4] == "active"]
        k = max(2, len(main) // 50)
        self.idle = {s[0] for s in self.now_rng.sample(main, min(k, len(main)))} \
            if self.with_showcase else set()
        quiet_from = dt.datetime.combine(self.as_of, dt.time(), dt.UTC) - dt.timedelta(days=45)
        quiet_key = (quiet_from.replace(tzinfo=None) if w.pg
                     else quiet_from.strftime("%Y-%m-%d %H:%M:%S.%f"))
        n_subs = len(self.subs)

        def active_id(sid: int) -> int:
            while sid in self.idle:
                sid = sid % n_subs + 1
            return sid

        def records(rng: random.Random, month_list: list[dt.date], count: int,
                    days_of: Callable[[dt.date], int]):
            n_months = len(month_list)
            month_days = [days_of(m) for m in month_list]  # counted once, not per record
            bases = [dt.datetime.combine(m, dt.time(), dt.UTC) for m in month_list]
            day_text = {}
            for b, m in zip(bases, month_list, strict=True):
                for d in range(days_of(m)):
                    day = b + dt.timedelta(days=d)
                    day_text[(m, d)] = day if w.pg else day.strftime("%Y-%m-%d")
            rnd = rng.random

            def rr(a, b=None):  # randrange without its argument checks (3x faster)
                if b is None:
                    return int(rnd() * a)
                return a + int(rnd() * (b - a))
            for k in range(count):
                sid = self.subs[k % n_subs][0] if k < n_subs else self.subs[rr(n_subs)][0]
                mi = rr(n_months)
                month = month_list[mi]
                d = rr(month_days[mi])
                h = 8 + rr(13)
                mnt = rr(60)
                sec = rr(60)
                if w.pg:
                    started = day_text[(month, d)].replace(hour=h, minute=mnt, second=sec,
                                                           tzinfo=None)
                else:
                    started = f"{day_text[(month, d)]} {h:02d}:{mnt:02d}:{sec:02d}.000000"
                r = rnd()
                if r < 0.7:
                    kind, dur, vol = "voice", rr(5, 1200), 0
                    cost = 0 if rnd() < 0.6 else dur * rr(1, 4)
                elif r < 0.85:
                    kind, dur, vol, cost = "sms", 0, 0, rr(0, 300)
                else:
                    kind, dur, vol, cost = "data", 0, rr(100, 500_000), 0
                roaming = rnd() < 0.02
                if roaming:
                    cost = cost * 10 + 5_000
                direction = "out" if rnd() < 0.55 else "in"
                counterpart = f"79{rr(100_000_000, 1_000_000_000)}" if kind != "data" \
                    else "internet"
                if sid in self.idle and started >= quiet_key:
                    sid = active_id(sid)
                yield (sid, started, direction, kind, counterpart, dur, vol, roaming, cost)

        def gen():
            yield from records(self.rng, self.month_list, self.calls_full, _days_in)
            if self.days_done and self.calls_now:
                yield from records(self.now_rng, [self.current], self.calls_now,
                                   lambda _m: self.days_done)

        self.n_calls = self.calls_full + (self.calls_now if self.days_done else 0)
        w.write("call_record", ("subscriber_id", "started_at", "direction", "kind",
                                "counterpart", "duration_seconds", "volume_kb", "roaming",
                                "cost"), gen(), self.n_calls, "call records")

    # rows that let every feature show something at any size: change applications in
    # several states, disputes, a planned option and a planned tariff change
    def showcase(self) -> None:
        w, rng = self.w, self.now_rng
        # nothing after the start of as_of: the demo of today holds no future rows
        now = dt.datetime.combine(self.as_of, dt.time(), dt.UTC) - dt.timedelta(hours=1)
        main = [s for s in self.subs if s[1] == 1 and s[4] == "active" and s[0] not in self.idle]
        picks = rng.sample(main, min(len(main), 8))
        admin = next(i + 1 for i, lg in enumerate(DEMO_LOGINS) if lg["role"] == "admin")

        apps = []
        for i, (status, desired, days_ago) in enumerate((
                ("submitted", "Тариф «Бизнес Безлимит» по заявлению", 1),
                ("in_progress", "Перенос номеров на другой лицевой счёт", 6),
                ("done", "Подключить услугу «Виртуальная АТС» с переадресацией на офис", 20),
                ("rejected", "Тариф «Бизнес 2019 (архив)»", 35))):
            at = now - dt.timedelta(days=days_ago, hours=i)
            nums = "\n".join(self.msisdn[s[0]] for s in picks[i:i + 2])
            apps.append((i + 1, 1, f"Z-{at.year}-{i + 1:06d}", admin,
                         normalize_login(DEMO_LOGINS[admin - 1]["phone"]), nums, desired,
                         "", DEMO_LOGINS[admin - 1]["phone"], status, w.ts(at), w.ts(at)))
        w.write("change_application", ("id", "company_id", "reference", "user_id", "actor",
                                       "numbers", "desired", "comment", "contact", "status",
                                       "created_at", "updated_at"), apps)

        # access applications of new companies: two waiting for the operator, one refused
        taken = set(self.msisdn.values())
        free = (f"7999{k:07d}" for k in range(1, 10_000) if f"7999{k:07d}" not in taken)
        access = []
        for i, (company, inn, last, first, pat, count, status, reason, days_ago) in enumerate((
                ("ООО «Волжский берег»", "7714001235", "Морозова", "Ольга", "Игоревна", 3,
                 "pending", "", 0),
                ("АО «Балтийская логистика»", "7801004560", "Лебедев", "Кирилл", "Андреевич",
                 5, "pending", "", 2),
                ("ООО «Казанский хлеб»", "1655007898", "Сафин", "Тимур", "Ринатович", 2,
                 "rejected", "ИНН не совпадает с выпиской ЕГРЮЛ", 9))):
            at = now - dt.timedelta(days=days_ago, hours=2 + i)
            nums = "\n".join(next(free) for _ in range(count))
            access.append((i + 1, f"A-{at.year}-{i + 1:06d}", company, inn, last, first, pat,
                           nums, f"7916{5550000 + i:07d}", f"office{i + 1}@example.ru", status,
                           reason, w.ts(at), w.ts(at) if status != "pending" else None))
        w.write("access_application", ("id", "reference", "company_name", "inn", "last_name",
                                       "first_name", "patronymic", "numbers", "contact_phone",
                                       "contact_email", "status", "reason", "created_at",
                                       "decided_at"), access)

        # a planned option (from the 5th day ahead) and a planned tariff change (the 1st of
        # next month) on numbers without options
        bare = [s for s in main if not self.sub_options.get(s[0])] or main
        start = dt.datetime.combine(self.as_of + dt.timedelta(days=5), dt.time(), dt.UTC)
        plan = [(s[0], self.option_ids["data-10"], "planned", w.ts(start), w.ts(now))
                for s in bare[:2]]
        w.write("subscriber_option", ("subscriber_id", "option_id", "state", "connected_from",
                                      "created_at"), plan)
        nxt = self.current + dt.timedelta(days=_days_in(self.current))
        target = self.tariff_ids["biz-max"]
        changes = [(1, s[0], target if s[3] != target else self.tariff_ids["biz-optimum"],
                    w.ts(dt.datetime.combine(nxt, dt.time(), dt.UTC)), "planned", w.ts(now))
                   for s in bare[2:3]]
        w.write("tariff_change", ("company_id", "subscriber_id", "tariff_id", "effective_from",
                                  "state", "created_at"), changes)

    def disputes(self) -> None:
        """Disputes of charges of the last billed month (their ids are read back: the
        charges were written without ids)."""
        w = self.w
        last = self.month_list[-1]
        user = next(i + 1 for i, lg in enumerate(DEMO_LOGINS) if lg["role"] == "accountant")
        ph = "%s" if w.pg else "?"
        cur = database.execute_sql(
            f'SELECT id, subscriber_id FROM "charge" WHERE company_id = 1 AND period = {ph} '
            f"AND kind IN ('roaming', 'data') ORDER BY amount DESC, id LIMIT 2",
            (w.day(last),))
        rows = cur.fetchall()
        at = dt.datetime.combine(self.as_of, dt.time(7), dt.UTC)
        out = []
        for i, (charge_id, sid) in enumerate(rows):
            status, reason, decision = (
                ("open", "Роуминг не подключали: сотрудник был в Москве весь месяц", ""),
                ("rejected", "Интернет сверх пакета: пакет не был израсходован",
                 "Трафик подтверждён детализацией"))[i]
            t = w.ts(at - dt.timedelta(days=2 + 5 * i))
            out.append((1, charge_id, sid, user, reason, "", "", status, decision, t, t))
        w.write("dispute", ("company_id", "charge_id", "subscriber_id", "user_id", "reason",
                            "attachment", "attachment_name", "status", "decision",
                            "created_at", "updated_at"), out)


def normalize_login(phone: str) -> str:
    from corptui.phones import normalize

    return normalize(phone)


def seed(numbers: int = 2000, calls: int | None = None, months: int = 6, seed: int = 1,
         fresh: bool = False, progress: Progress | None = None,
         as_of: dt.date | None = None, showcase: bool = True) -> dict:
    """Fill the open database with demo data about ``as_of`` (default: today, UTC): the
    ``months`` months before it billed, its own month in progress up to that day.
    ``showcase`` adds the rows that give every feature something to show (applications,
    disputes, planned changes, idle lines). Returns counts and the time taken."""
    from storage.fields import utcnow

    start = time.perf_counter()
    as_of = as_of or utcnow().date()
    calls = numbers * 20 if calls is None else calls
    run = _Seed(numbers, calls, months, seed, as_of, progress)
    run.with_showcase = showcase
    if not is_postgres():
        # a big page cache for the bulk load: index pages stay in memory until commit
        database.execute_sql("PRAGMA cache_size = -262144")
    with database.atomic():
        _reset(fresh)
        indexes = _drop_indexes(BULK_TABLES)
        run.run()
        if showcase:
            run.disputes()
        _make_indexes(indexes, progress)
        _fix_sequences()
    try:  # the data is committed: a ctrl+c now only skips the statistics
        database.execute_sql("ANALYZE")  # fresh statistics for the planner
    except KeyboardInterrupt:
        pass
    if not is_postgres():
        database.execute_sql("PRAGMA cache_size = -2000")
    return {
        "numbers": numbers, "calls": run.n_calls, "companies": 2, "as_of": as_of,
        "rows": dict(run.w.counts), "seconds": time.perf_counter() - start,
    }
