import datetime as dt

import pytest

from kg.dates import dates_in, day_of_month, relative, resolve
from kg.model import Document
from kg.numerals import count, ordinals, to_int


@pytest.mark.parametrize("text, expected", [
    ("第八十二次", [82]), ("第121次", [121]), ("第111次、112次", [111, 112]), ("第二场", [2]),
    ("第六十四次专题会", [64]), ("第一百零三次", [103]), ("没有", []),
])
def test_ordinals(text, expected):
    assert ordinals(text) == expected


@pytest.mark.parametrize("text, expected", [("34人", (34, False)), ("1600余名", (1600, True)),
                                            ("三十多例", (30, True)), ("两人", (2, False))])
def test_counts(text, expected):
    assert count(text) == expected


def test_to_int_rejects_words():
    assert to_int("八十二") == 82 and to_int("多") is None


def test_dates_against_publication():
    doc = Document("d", "d.txt", "", published=dt.date(2022, 1, 3))
    assert resolve(4, 14, doc) == dt.date(2021, 4, 14)  # after publication: the year before
    assert resolve(1, 2, doc) == dt.date(2022, 1, 2)
    assert resolve(1, 2, Document("d", "d.txt", "")) is None  # no year: no invented date
    assert resolve(2, 30, doc) is None
    assert [d for *_, d in dates_in("1月1日、2日", doc)] == [dt.date(2022, 1, 1), dt.date(2022, 1, 2)]
    assert relative("昨天", dt.date(2022, 3, 1)) == dt.date(2022, 2, 28)
    assert day_of_month("20日", dt.date(2022, 8, 21)) == dt.date(2022, 8, 20)
    assert day_of_month("30日", dt.date(2022, 8, 21)) == dt.date(2022, 7, 30)
