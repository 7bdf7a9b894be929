"""kg.parallel: results in input order, items that need no work passed through, input read only a little ahead."""

from functools import partial

import pytest

from kg.parallel import in_order, map_batches


def _square(batch: list[int]) -> list[int]:
    return [x * x for x in batch]


def _ready_if_even(x: int):
    return ("ready", x) if x % 2 == 0 else None


def _expected(items):
    return [("ready", x) if x % 2 == 0 else x * x for x in items]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("pattern", ["alternate", "runs", "all ready", "none ready"])
def test_map_batches_keeps_input_order(jobs, pattern):
    items = {"alternate": list(range(101)),
             "runs": [x for k in range(6)
                      for x in (range(k * 40, k * 40 + 37) if k % 2 else range(k * 40, k * 40 + 30, 2))],
             "all ready": list(range(0, 200, 2)),
             "none ready": list(range(1, 200, 2))}[pattern]
    out = list(map_batches(iter(items), _square, jobs=jobs, batch=4, ready=_ready_if_even))
    assert out == _expected(items)


def test_map_batches_without_ready_works_every_item():
    assert list(map_batches(iter(range(50)), _square, jobs=2, batch=3)) == [x * x for x in range(50)]


class _Counting:
    """Items 0..n-1, counting how many were taken."""

    def __init__(self, n: int) -> None:
        self.n, self.taken = n, 0

    def __iter__(self):
        for x in range(self.n):
            self.taken += 1
            yield x


def _deferred(calls: list, batch: list[int]):
    """A submit that works only when waited for, recording the batches it was given."""
    calls.append(list(batch))
    return lambda: _square(batch)


@pytest.mark.parametrize("ready", [lambda x: ("ready", x), _ready_if_even, lambda x: ("ready", x) if x > 5 else None])
def test_input_is_read_only_a_little_ahead(ready):
    items = _Counting(5000)
    batch, in_flight = 4, 3
    seen = 0
    for _ in in_order(items, partial(_deferred, []), batch=batch, in_flight=in_flight, ready=ready):
        seen += 1
        # never more than the batches at work and the ready results waiting behind them
        assert items.taken - seen <= in_flight * batch + in_flight * batch + 1
    assert seen == 5000


def test_ready_results_before_any_work_are_not_held():
    items = _Counting(1000)
    out = in_order(items, partial(_deferred, []), batch=8, in_flight=4, ready=lambda x: x)
    assert next(out) == 0 and items.taken == 1  # nothing at work: the first result comes at once


def test_work_before_a_ready_item_goes_first_as_a_shorter_batch():
    calls: list = []
    out = list(in_order(iter([1, 3, 2, 5, 7, 9, 11]), partial(_deferred, calls), batch=4, in_flight=2,
                        ready=_ready_if_even))
    assert out == [1, 9, ("ready", 2), 25, 49, 81, 121]
    assert calls == [[1, 3], [5, 7, 9, 11]]
