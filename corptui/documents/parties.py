"""The two parties of a document: the operator (the seller: its details as one table,
here) and the customer company (from the database), and who signs for each."""

from __future__ import annotations

from dataclasses import dataclass

from corptui.errors import ValidationError
from corptui.i18n import N_, Lang, _
from storage.models import Company

# The operator's details as printed on its documents (the seller; one place to change).
OPERATOR = {
    "name": {"ru": "ПАО «Связь-Телеком»", "en": "PJSC Svyaz-Telecom"},
    "inn": "7710000551", "kpp": "771001001", "ogrn": "1027710000559",
    "address": {"ru": "125375, г. Москва, ул. Тверская, д. 22",
                "en": "22 Tverskaya St., Moscow 125375, Russia"},
    "bank": {"ru": "АО «Банк Столица», г. Москва", "en": "JSC Bank Stolitsa, Moscow"},
    "bik": "044525999", "account": "40702810900000000001",
    "corr_account": "30101810000000000999",
    "director": {"ru": "Громов А. В.", "en": "A. V. Gromov"},
    "chief_accountant": {"ru": "Белова Н. С.", "en": "N. S. Belova"},
    "contract": {"ru": "Договор об оказании услуг связи № КС-{company} от 01.01.2024",
                 "en": "Telecommunication services contract No. KS-{company} of 01 Jan 2024"},
    "hotline": "8-800-550-05-55",
}
SIGNER_POSITIONS = {"director": N_("Director"), "chief_accountant": N_("Chief accountant")}
MAX_NAME = 200


@dataclass(frozen=True)
class Party:
    name: str
    inn: str
    kpp: str
    ogrn: str
    address: str
    director: str
    chief_accountant: str
    bank: str = ""
    bik: str = ""
    account: str = ""
    corr_account: str = ""

    def inn_kpp(self) -> str:
        return f"{self.inn}/{self.kpp}" if self.kpp else self.inn


def operator(lang: Lang) -> Party:
    o = OPERATOR
    return Party(o["name"][lang.code], o["inn"], o["kpp"], o["ogrn"], o["address"][lang.code],
                 o["director"][lang.code], o["chief_accountant"][lang.code], o["bank"][lang.code],
                 o["bik"], o["account"], o["corr_account"])


def customer(company_id: int) -> Party:
    c = Company.get_by_id(company_id)
    return Party(c.name, c.inn or "—", c.kpp or "", c.ogrn or "", c.legal_address or "—",
                 c.director or "", c.chief_accountant or "")


def contract(company_id: int, lang: Lang) -> str:
    return OPERATOR["contract"][lang.code].format(company=f"{int(company_id):06d}")


def clean_name(value: str, field: str) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > MAX_NAME or any(ord(ch) < 32 or ch in "\u202a\u202b\u202c\u202d\u202e\ufeff"
                                   for ch in text):
        raise ValidationError(_("{field}: a name of up to {max} printable characters").format(
            field=field, max=MAX_NAME), field)
    return text
