"""Identifier rules: NPI check digit, tax ids, X12-safe text."""

import pytest

from service.domain.identifiers import (
    MEMBER_ID_RE,
    NAME_RE,
    npi_is_valid,
    tax_id_is_valid,
    text_problem,
)


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_an_npi_with_the_right_check_digit_is_valid(npi):
    assert npi_is_valid(npi)


@pytest.mark.parametrize(
    "npi", ["1234567890", "1234567894", "123456789", "12345678931", "12345678a3", ""]
)
def test_an_npi_with_a_wrong_check_digit_or_shape_is_refused(npi):
    assert not npi_is_valid(npi)


def test_tax_ids_take_nine_digits_with_or_without_the_dash():
    assert tax_id_is_valid("123456789")
    assert tax_id_is_valid("12-3456789")
    assert not tax_id_is_valid("1234-56789")
    assert not tax_id_is_valid("12345678")


@pytest.mark.parametrize(
    ("char", "word"),
    [("*", "asterisk"), ("~", "tilde"), (":", "colon"), ("^", "caret"), ("|", "pipe"),
     (">", "'>'")],
)
def test_each_x12_delimiter_in_a_name_is_named_in_the_refusal(char, word):
    problem = text_problem(f"Ann{char}Lee", allowed=NAME_RE, what="Last name")
    assert problem == f"Last name must not contain the {word} character (an X12 delimiter)"


def test_control_characters_are_refused_without_repeating_the_value():
    problem = text_problem("Secretname\x07", allowed=NAME_RE, what="First name")
    assert problem == "First name must not contain control characters"
    assert "Secretname" not in problem


def test_names_may_hold_apostrophes_hyphens_periods_and_spaces():
    assert text_problem("O'Neil-Smith Jr.", allowed=NAME_RE, what="Last name") is None


def test_characters_outside_the_x12_set_are_refused():
    assert text_problem("Zoë", allowed=NAME_RE, what="First name") == (
        "First name has characters X12 cannot carry"
    )


def test_member_ids_are_letters_digits_and_dashes():
    assert text_problem("ABC-123", allowed=MEMBER_ID_RE, what="Member id") is None
    assert text_problem("ABC 123", allowed=MEMBER_ID_RE, what="Member id") is not None
    assert text_problem("AB\u00c9", allowed=MEMBER_ID_RE, what="Member id") is not None


@pytest.mark.parametrize("npi", ["123456789\u00b9", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667"
                                 "\u0668\u0669\u0663", "\uff11\uff12\uff13\uff14\uff15\uff16"
                                 "\uff17\uff18\uff19\uff13"])
def test_an_npi_in_digits_other_than_0_to_9_is_refused_not_an_error(npi):
    assert not npi_is_valid(npi)


@pytest.mark.parametrize("tax_id", ["\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
                                    "12-345678\u00b9"])
def test_a_tax_id_in_digits_other_than_0_to_9_is_refused(tax_id):
    assert not tax_id_is_valid(tax_id)
