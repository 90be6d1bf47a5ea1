"""A fixed-width histogram of seconds: exact counts, sum and maximum; mergeable.

The sum is kept in whole microseconds (the engine's resolution), so it is exact and the
same in whatever order tickets and partial histograms are added: a report built on a pool
or a cluster has the very means of the one-process report, to the last digit.

Percentiles come from the bins, so they are exact to the bin width: the value reported is
the lower edge of the bin that holds the nearest-rank percentile (a whole-minute duration
with 60-second bins is reported exactly). Partial histograms built on chunks of tickets
merge into exactly the histogram of all of them.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["BIN_SECONDS", "Histogram"]

BIN_SECONDS = 60
"""The default bin width: one minute of business time."""


@dataclass(slots=True)
class Histogram:
    """Counts of durations (seconds) in bins ``[k*width, (k+1)*width)``."""

    width: int = BIN_SECONDS
    bins: Counter[int] = field(default_factory=Counter)
    count: int = 0
    micros: int = 0  # the sum, in microseconds
    maximum: float | None = None

    def add(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.bins[int(seconds // self.width)] += 1
        self.count += 1
        self.micros += round(seconds * 1_000_000)
        if self.maximum is None or seconds > self.maximum:
            self.maximum = seconds

    def merge(self, other: Histogram) -> None:
        """Add ``other``'s counts to this histogram (same bin width)."""
        if other.width != self.width:
            raise ValueError(f"cannot merge bins of {other.width}s into bins of {self.width}s")
        self.bins.update(other.bins)
        self.count += other.count
        self.micros += other.micros
        if other.maximum is not None and (self.maximum is None or other.maximum > self.maximum):
            self.maximum = other.maximum

    def merged(self, other: Histogram) -> Histogram:
        out = Histogram(self.width)
        out.merge(self)
        out.merge(other)
        return out

    @property
    def total(self) -> float:
        """The sum of the durations, in seconds."""
        return self.micros / 1_000_000

    @property
    def mean(self) -> float | None:
        return self.micros / (self.count * 1_000_000) if self.count else None

    def percentile(self, p: float) -> float | None:
        """The nearest-rank ``p`` percentile (0 < p <= 100), rounded down to the bin width."""
        if not self.count:
            return None
        rank = max(1, math.ceil(p / 100 * self.count))
        seen = 0
        for k in sorted(self.bins):
            seen += self.bins[k]
            if seen >= rank:
                return float(k * self.width)
        return None  # pragma: no cover - rank <= count
