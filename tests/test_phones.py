import pytest

from corptui.errors import ValidationError
from corptui.phones import format_msisdn, normalize, search_digits


@pytest.mark.parametrize(
    "text",
    ["+7 926 123-45-67", "8 (926) 1234567", "9261234567", "79261234567", "+79261234567",
     " 8-926-123-45-67 ", "7 (926) 123 45 67"],
)
def test_usual_russian_forms_normalise_to_e164_digits(text):
    assert normalize(text) == "79261234567"


def test_other_countries_go_through_phonenumbers():
    assert normalize("+44 20 7946 0958") == "442079460958"
    assert normalize("8 800 550-05-00") == "78005500500"


@pytest.mark.parametrize("text", ["", "   ", "12", "abc", "+7 926", "9261234567; drop table", "7" * 50])
def test_bad_numbers_are_clear_errors_naming_the_field(text):
    with pytest.raises(ValidationError) as err:
        normalize(text, field="contact_phone")
    assert err.value.field == "contact_phone"
    assert err.value.message


def test_format_msisdn():
    assert format_msisdn("79261234567") == "+7 926 123-45-67"
    assert format_msisdn("442079460958") == "+442079460958"


def test_search_digits_tells_phone_queries_from_names():
    assert search_digits("926 12") == "92612"
    assert search_digits("+7 (926)") == "7926"
    assert search_digits("Иванов") is None
    assert search_digits("Иван 12") is None
