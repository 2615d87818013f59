"""Babel formatting in the reader's locale; stored UTC shown in Almaty time (UTC+5)."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.common.fmt import local_date, local_datetime, number

MOMENT = datetime(2026, 12, 31, 20, 30, tzinfo=UTC)  # already 1 January in Almaty


def test_datetimes_are_shown_in_almaty_time_in_each_locale() -> None:
    assert local_datetime(MOMENT, "ru") == "1 января 2027\u202fг., 01:30"
    assert local_datetime(MOMENT, "kk") == "2027\u202fж. 1 қаңтар, 01:30"
    assert local_datetime(MOMENT, "en") == "January 1, 2027, 1:30\u202fAM"
    assert local_date(MOMENT, "ru") == "1 января 2027\u202fг."


def test_numbers_use_the_locale_separators() -> None:
    assert number(12345.5, "ru") == "12\xa0345,5"
    assert number(12345.5, "kk") == "12\xa0345,5"
    assert number(12345.5, "en") == "12,345.5"
