"""One masking function: every way people write a civic number is masked, ordinary numbers
are left alone, and every free-text column masks what is assigned to it."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk.models_base import masked_columns
from helpdesk.text import mask_civic_numbers, masked

SEPARATORS = ["-", "+", "\u2013", "\u2014", "\u2212", "\u2010", "\u2011", " ", "\u00a0", " - ", " \u2013 ", ""]


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


@st.composite
def civic_numbers(draw):
    """(as written, the digits that may survive: the date) for a valid personnummer,
    samordningsnummer or temporary number, in one of the shapes people write."""
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)))
    day = born.day + (60 if draw(st.booleans()) else 0)  # samordningsnummer: day + 60
    yymmdd = f"{born:%y%m}{day:02d}"
    century = draw(st.booleans())
    temporary = century and draw(st.integers(0, 5)) == 0
    if temporary:
        last = f"TF{draw(st.integers(0, 99)):02d}"
    else:
        serial = f"{draw(st.integers(0, 999)):03d}"
        last = serial + luhn_digit(yymmdd + serial)
    date_part = f"{born.year // 100}{yymmdd}" if century else yymmdd
    sep = draw(st.sampled_from(SEPARATORS))
    if sep == "+" and century:
        sep = "-"
    return f"{date_part}{sep}{last}", date_part


# Text around a number: anything but digits (a digit right beside it would make it part of
# a longer number), including letters and punctuation glued to it.
surrounding = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=30)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(civic_numbers(), surrounding, surrounding)
def test_no_civic_number_survives_in_any_shape_or_company(number, before, after):
    written, date_part = number
    out, changed = mask_civic_numbers(before + written + after)
    assert changed
    # Only the date is left of the number: not the last four, not even one of their digits.
    assert "".join(re.findall(r"[0-9]", out)) == date_part
    assert out.count("XXXX") == 1


@settings(max_examples=200)
@given(st.lists(civic_numbers(), min_size=2, max_size=4), surrounding)
def test_several_numbers_in_one_text_are_all_masked(numbers, glue):
    text = (glue or " ").join(w for w, _ in numbers)
    out, _ = mask_civic_numbers(" " + text + " ")
    assert out.count("XXXX") == len(numbers)


ticket_numbers = st.builds(lambda p, y, n: f"{p}-{y}-{n:05d}", st.sampled_from(["EXK", "GRB", "ABC"]),
                           st.integers(2000, 2099), st.integers(1, 99999))
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)).map(lambda d: d.isoformat())
mobile = st.builds(lambda a, b, c, d: f"07{a}-{b:03d} {c:02d} {d:02d}", st.integers(0, 9),
                   st.integers(0, 999), st.integers(0, 99), st.integers(0, 99))
landline = st.builds(lambda b, c, d: f"08-{b:03d} {c:03d} {d:02d}", st.integers(0, 999),
                     st.integers(0, 999), st.integers(0, 99))
orders = st.integers(1, 99_999_999).map(lambda n: f"order {n}")
ordinary = st.one_of(ticket_numbers, dates, mobile, landline, orders)


@settings(max_examples=400)
@given(st.lists(ordinary, min_size=1, max_size=5), surrounding)
def test_ticket_numbers_dates_phone_and_order_numbers_survive(items, glue):
    text = f" {glue} ".join(items)
    assert mask_civic_numbers(text) == (text, False)


@pytest.mark.parametrize("written, expected", [
    ("elev-20140101-9995", "elev-20140101-XXXX"),
    ("ID-20140101-9995", "ID-20140101-XXXX"),
    ("140101\u20139995", "140101\u2013XXXX"),
    ("x201401019995y", "x20140101XXXXy"),
    ("reserv 20140101-TF12.", "reserv 20140101-XXXX."),
    ("140101+9995", "140101+XXXX"),
    ("140161-9991 (samordningsnummer)", "140161-XXXX (samordningsnummer)"),
    ("(140101 9995)", "(140101 XXXX)"),
    # Written with a separator, a mistyped check digit is still masked ...
    ("140101-9994", "140101-XXXX"),
])
def test_examples_from_real_questions(written, expected):
    assert masked(written) == expected


def test_ten_bare_digits_need_a_valid_check_digit():
    # ... but ten digits with nothing between are also how phone numbers are written.
    assert masked("Ring 0701234567") == "Ring 0701234567"
    assert masked("1401019995") == "140101XXXX"


def test_masking_is_idempotent_and_keeps_the_length():
    text = "Elev 20140101-9995 och 140101–9995 och 1401019995"
    once = masked(text)
    assert masked(once) == once and len(once) == len(text)
    assert masked(None) is None


def test_every_free_text_column_masks_on_assignment(app):
    from helpdesk.boards.models import Post, Thread
    from helpdesk.kb.models import SearchLog
    from helpdesk.notify.models import OutboxMail
    from helpdesk.tickets.models import GuestRequest, Ticket, TicketEvent, TicketMessage

    with app.app_context():
        for model, column in [(Ticket, "subject"), (TicketMessage, "body"), (TicketEvent, "note"),
                              (GuestRequest, "body"), (Thread, "title"), (Post, "body"),
                              (SearchLog, "query"), (OutboxMail, "body")]:
            assert column in masked_columns(model)
            obj = model(**{column: "elev-20140101-9995"})
            assert getattr(obj, column) == "elev-20140101-XXXX", model
        # The text as typed, kept for the agents' reveal, is not masked.
        assert "subject_original" not in masked_columns(Ticket)
        assert "body_original" not in masked_columns(TicketMessage)
        message = TicketMessage(body_original="140101-9995")
        assert message.body_original == "140101-9995"


def test_dates_relative_to_today_are_not_masked():
    today = date.today()
    for delta in (0, 1, 400):
        d = today + timedelta(days=delta)
        assert masked(f"Mötet {d.isoformat()} kl 10") == f"Mötet {d.isoformat()} kl 10"
