"""Wall-clock time in the recipients' time zones (the zone of their account's country)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np

from clearinghouse.synth import words
from clearinghouse.synth.common import DAY, HOUR

COUNTRY_TIME_ZONES = tuple(country[4] for country in words.COUNTRIES)


@cache
def _offsets(first_day: int, n_days: int) -> np.ndarray:
    """UTC offset (seconds) at local noon of each day, per zone: shape (zones, days)."""
    out = np.zeros((len(COUNTRY_TIME_ZONES), n_days), dtype=np.int64)
    for zone_index, name in enumerate(COUNTRY_TIME_ZONES):
        zone = ZoneInfo(name)
        for day in range(n_days):
            noon = datetime.fromtimestamp((first_day + day) * DAY + 12 * HOUR, UTC)
            out[zone_index, day] = int(noon.astimezone(zone).utcoffset().total_seconds())
    return out


class LocalClock:
    """Converts between UTC epoch seconds and local wall-clock days in ``COUNTRY_TIME_ZONES``
    for days in ``[start, end)`` (epoch seconds), at the offset in force at local noon."""

    def __init__(self, start: int, end: int):
        self.first_day = start // DAY - 2
        self.offsets = _offsets(self.first_day, end // DAY + 3 - self.first_day)

    def _offset(self, zone: np.ndarray, day: np.ndarray) -> np.ndarray:
        index = np.clip(day - self.first_day, 0, self.offsets.shape[1] - 1)
        return self.offsets[zone, index]

    def local_day(self, utc: np.ndarray, zone: np.ndarray) -> np.ndarray:
        """The local calendar day (days since the epoch) of each UTC moment."""
        return (utc + self._offset(zone, utc // DAY)) // DAY

    def at_local_time(self, day: np.ndarray, seconds: np.ndarray, zone: np.ndarray
                      ) -> np.ndarray:
        """UTC epoch seconds of ``seconds`` past local midnight of ``day`` in ``zone``."""
        return day * DAY + seconds - self._offset(zone, day)
