"""Shape and semantic validation of one calendar entry: every problem, with paths and hints."""

from __future__ import annotations

import pickle
from datetime import date

import pytest
from calhelp import make_calendar

from slarules._errors import CalendarError
from slarules.calendar import (
    Calendar,
    CalendarSpec,
    HolidaysSpec,
    compile_calendar,
    parse_interval,
)


def problems(mapping: dict[str, object]) -> list[tuple[str, tuple[object, ...], str | None]]:
    with pytest.raises(CalendarError) as info:
        Calendar.from_dict(mapping)
    return [(p.code, p.path, p.hint) for p in info.value.problems]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("09:00-12:00", (540, 720)),
        ("9:00-17:30", (540, 1050)),
        ("00:00-24:00", (0, 1440)),
        ("22:00-06:00", (1320, 1800)),
        ("22:00-00:00", (1320, 1440)),
        ("13:30 - 18:00", (810, 1080)),
    ],
)
def test_intervals_parse_to_minutes_with_overnight_ends_past_midnight(text, span):
    assert parse_interval(text) == span


def test_a_bad_time_is_reported_at_its_list_index_with_a_hint():
    found = problems({"timezone": "UTC", "hours": {"mon-fri": ["09:00-12:00", "13:00-25:00"]}})
    assert found == [
        ("bad-value", ("hours", "mon-fri", 1), "write times as HH:MM between 00:00 and 24:00")
    ]


def test_24_00_cannot_open_an_interval():
    [(code, path, hint)] = problems({"timezone": "UTC", "hours": {"mon": ["24:00-02:00"]}})
    assert (code, path) == ("bad-value", ("hours", "mon", 0))
    assert hint is not None
    assert "00:00" in hint


def test_hours_other_than_24x7_get_a_did_you_mean():
    assert problems({"timezone": "UTC", "hours": "24x8"}) == [
        ("bad-value", ("hours",), "did you mean '24x7'?")
    ]


def test_unknown_keys_are_reported_with_a_suggestion():
    found = problems({"timezone": "UTC", "hours": "24x7", "holiday": ["2025-01-01"]})
    assert found == [("unknown-key", ("holiday",), "did you mean 'holidays'?")]


def test_all_semantic_problems_are_collected_with_paths():
    found = problems(
        {
            "timezone": "Asia/Shanghia",
            "hours": {
                "mon-fir": ["09:00-12:00"],
                "tue": ["09:00-09:00"],
                "wed": ["09:00-12:00", "11:00-13:00"],
            },
            "holidays": {"country": "XX"},
        }
    )
    codes = {(code, path) for code, path, _ in found}
    assert codes == {
        ("unknown-timezone", ("timezone",)),
        ("bad-day", ("hours", "mon-fir")),
        ("empty-interval", ("hours", "tue", 0)),
        ("overlapping-hours", ("hours", "wed")),
        ("unknown-country", ("holidays", "country")),
    }
    hints = {code: hint for code, _, hint in found}
    assert hints["unknown-timezone"] == "did you mean 'Asia/Shanghai'?"
    assert hints["bad-day"] == "did you mean 'mon-fri'?"


def test_a_country_name_is_answered_with_its_code():
    [(code, _, hint)] = problems(
        {"timezone": "UTC", "hours": "24x7", "holidays": {"country": "China"}}
    )
    assert code == "unknown-country"
    assert hint is not None
    assert "'CN'" in hint


def test_unknown_subdivision_is_an_unknown_country_problem():
    [(code, path, hint)] = problems(
        {"timezone": "UTC", "hours": "24x7", "holidays": {"country": "US", "subdivision": "CAA"}}
    )
    assert (code, path, hint) == (
        "unknown-country",
        ("holidays", "subdivision"),
        "did you mean 'CA'?",
    )


def test_overnight_shift_overlapping_the_next_days_first_interval_is_reported():
    found = problems({"timezone": "UTC", "hours": {"mon": ["22:00-08:00"], "tue": ["07:00-12:00"]}})
    assert [(c, p) for c, p, _ in found] == [("overlapping-hours", ("hours", "tue"))]


def test_a_day_named_twice_is_reported():
    found = problems(
        {"timezone": "UTC", "hours": {"mon-fri": ["09:00-17:00"], "fri": ["09:00-12:00"]}}
    )
    assert [(c, p) for c, p, _ in found] == [("duplicate-day", ("hours", "fri"))]


def test_a_calendar_that_is_never_open_is_rejected():
    found = problems({"timezone": "UTC", "hours": {}})
    assert [(c, p) for c, p, _ in found] == [("no-working-time", ("hours",))]


def test_a_time_zone_is_required_from_the_entry_or_the_policy():
    spec = CalendarSpec.model_validate({"hours": "24x7"})
    with pytest.raises(CalendarError) as info:
        compile_calendar(spec)
    assert info.value.problems[0].code == "missing-timezone"
    assert compile_calendar(spec, timezone="Europe/Paris").timezone == "Europe/Paris"
    own = CalendarSpec.model_validate({"hours": "24x7", "timezone": "UTC"})
    assert compile_calendar(own, timezone="Europe/Paris").timezone == "UTC"


def test_dates_are_accepted_as_date_objects_and_iso_strings_including_keys():
    from_dates = CalendarSpec.model_validate(
        {"hours": "24x7", "workdays": [date(2025, 12, 27)], "days": {date(2025, 12, 31): []}}
    )
    from_text = CalendarSpec.model_validate(
        {"hours": "24x7", "workdays": ["2025-12-27"], "days": {"2025-12-31": []}}
    )
    assert from_dates == from_text


def test_every_field_has_a_description_and_an_example():
    for model in (CalendarSpec, HolidaysSpec):
        for name, field in model.model_fields.items():
            assert field.description, name
            extra = field.json_schema_extra
            assert isinstance(extra, dict), name
            assert extra.get("examples"), name


def test_json_schema_keeps_hours_as_a_string_or_a_mapping_of_lists():
    schema = CalendarSpec.model_json_schema()
    hours = schema["properties"]["hours"]
    kinds = [option.get("type") for option in hours.get("oneOf", hours.get("anyOf", []))]
    assert sorted(kinds) == ["object", "string"]


def test_calendar_pickles_and_compares_equal():
    cal = make_calendar()
    copy = pickle.loads(pickle.dumps(cal))
    assert copy == cal
    assert hash(copy) == hash(cal)
    assert copy.describe() == cal.describe()


def test_calendar_is_immutable():
    cal = make_calendar()
    with pytest.raises(AttributeError):
        cal.timezone = "UTC"  # type: ignore[misc]


def test_describe_reads_as_one_sentence():
    assert make_calendar().describe() == (
        "Mon–Fri 09:00–12:00, 13:30–18:00 Asia/Shanghai, China public holidays and make-up workdays"
    )
    always = Calendar.from_dict({"timezone": "UTC", "hours": "24x7"})
    assert always.describe() == "24x7 UTC"
    shifts = Calendar.from_dict(
        {
            "timezone": "Europe/Paris",
            "hours": {"mon-thu": ["22:00-06:00"], "sat": ["10:00-14:00"]},
            "holidays": ["2025-12-25"],
            "workdays": ["2025-12-27"],
            "days": {"2025-12-31": ["09:00-12:00"]},
        }
    )
    assert shifts.describe() == (
        "Mon–Thu 22:00–06:00; Sat 10:00–14:00 Europe/Paris, 1 extra holiday, "
        "1 extra workday, 1 date with special hours"
    )


def test_full_day_names_and_wrapping_ranges_are_days():
    cal = Calendar.from_dict(
        {
            "timezone": "UTC",
            "hours": {"monday-tuesday": ["09:00-10:00"], "fri-sun": ["10:00-11:00"]},
        }
    )
    assert cal.describe() == "Mon–Tue 09:00–10:00; Fri–Sun 10:00–11:00 UTC"
