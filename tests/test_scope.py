"""Which numbers does the user mean (issue 18) and look-alike digits (issue 17): one
reader (corptui.scope on phones.scan_numbers) behind every door, digits of any script
folded to ASCII, another company's numbers worded like unknown ones."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from numbers_core_data import OTHER_MSISDN, build

from corptui import change_applications, numbers, scope
from corptui.cli import main
from corptui.errors import ValidationError
from corptui.phones import normalize, search_digits
from storage.models import Subscriber, SubscriberTag

CO = ("--company", "ООО «Ромашка»")
SPACED = "79031112233 79261234568\n+7 926 123-45-67; 89990000000"
WANTED = {"79031112233", "79261234568", "79261234567", "79990000000"}


@pytest.fixture
def data(db):
    return build()


def _tagged(tag_id) -> set[str]:
    q = (Subscriber.select(Subscriber.msisdn).join(SubscriberTag)
         .where(SubscriberTag.tag == tag_id))
    return {m for (m,) in q.tuples()}


@pytest.mark.parametrize("text,expected", [
    ("79２６1234567", "79261234567"),  # fullwidth
    ("79١٠٠633762", "79100633762"),  # Arabic-Indic
    ("+7 ９２６ १२३-४५-६७", "79261234567"),  # fullwidth and Devanagari in one
    ("8\u00a0926\u00a0123\u201345\u201367", "79261234567"),  # no-break spaces, en dashes
])
def test_digits_of_any_script_fold_to_ascii(text, expected):
    assert normalize(text) == expected
    assert normalize(text).isascii()
    assert search_digits(text).isascii()


@pytest.mark.parametrize("text", ["79²61234567", "7926①234567", "7926123456７x"])
def test_digit_like_characters_are_refused(text):
    with pytest.raises(ValidationError):
        normalize(text)


def test_one_list_means_the_same_numbers_at_every_door(data, tmp_path):
    """A space-separated list works in the paste dialog, --file, arguments, --numbers,
    change requests and the document scope alike."""
    session = data["session"]
    paste = numbers.select_by_list(session, SPACED)
    assert not paste.invalid and not paste.not_found
    by_id = dict(Subscriber.select(Subscriber.id, Subscriber.msisdn).tuples())
    assert {by_id[i] for i in paste.ids} == WANTED
    assert set(scope.ids(session, SPACED)) == WANTED
    assert set(change_applications._clean_numbers(session, SPACED)) == WANTED
    path = tmp_path / "list.txt"
    path.write_text(SPACED, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["tags", "assign", "Drivers", "--file", str(path), *CO])
    assert res.exit_code == 0, res.output
    assert WANTED <= _tagged(data["drivers"].id)
    res = runner.invoke(main, ["tags", "assign", "Продажи", "--remove",
                               "79031112233 79261234568", "+7 926 123-45-67", *CO])
    assert res.exit_code == 0, res.output
    assert _tagged(data["sales"].id) == set()
    res = runner.invoke(main, ["export", "payments", "--numbers", "79031112233 79261234568",
                               "-o", "-", "--format", "json", *CO])
    assert res.exit_code == 0, res.output


def test_strict_refuses_the_whole_list_lenient_reports(data):
    session = data["session"]
    text = f"79031112233\n{OTHER_MSISDN}\n79000000001\nnonsense"
    with pytest.raises(ValidationError, match="line 4: not a phone number"):
        scope.numbers(session, text)
    with pytest.raises(ValidationError) as err:
        scope.numbers(session, text.replace("\nnonsense", ""))
    assert "no numbers +7 916 000-00-01, +7 900 000-00-01 in this company" in err.value.message
    sel = scope.numbers(session, text, strict=False)
    assert len(sel.ids) == 1 and sel.not_found == [(2, OTHER_MSISDN), (3, "79000000001")]
    assert sel.invalid[0][:2] == (4, "nonsense")


def test_another_companys_number_reads_like_nobodys_everywhere(data):
    """The same words for a foreign number and for a number nobody has."""
    session = data["session"]
    runner = CliRunner()
    for args in (["tags", "assign", "Drivers"], ["limits", "show"], ["forwarding", "list"],
                 ["sims", "replace", "--iccid", "1"]):
        foreign = runner.invoke(main, [*args, OTHER_MSISDN, *CO])
        nobody = runner.invoke(main, [*args, "79000000001", *CO])
        assert foreign.exit_code == nobody.exit_code == 1
        assert foreign.output.replace("+7 916 000-00-01", "N") == nobody.output.replace(
            "+7 900 000-00-01", "N"), args
    with pytest.raises(ValidationError) as a:
        scope.numbers(session, OTHER_MSISDN)
    with pytest.raises(ValidationError) as b:
        scope.numbers(session, "79000000001")
    assert a.value.message.replace("916", "900") == b.value.message


def test_lookalike_digits_find_the_stored_number(data):
    sel = scope.numbers(data["session"], "79２６1234567, ７９０３１１１２２３３")
    assert sel.msisdns == ["79261234567", "79031112233"]


def test_accounts_fold_digits_and_split_like_numbers(data):
    session = data["session"]
    assert scope.accounts(session, "１００２００３００") == (data["account"].id,)
    with pytest.raises(ValidationError, match="no personal account 900 in this company"):
        scope.accounts(session, "100200300 900")
