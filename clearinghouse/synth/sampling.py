"""Vectorised random draws the simulation stages share (times, pairs, group members)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clearinghouse.synth.common import DAY, HOUR


def uniform_between(rng: np.random.Generator, low, high, size: int | None = None) -> np.ndarray:
    """Integer times drawn uniformly in ``[low, high)`` (element-wise bounds)."""
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    if size is None:
        size = np.broadcast(low, high).size
    return low + (rng.random(size) * (high - low)).astype(np.int64)


def business_hours(rng: np.random.Generator, times: np.ndarray) -> np.ndarray:
    """Move timestamps to a random time between 13:00 and 22:00 UTC on the same day."""
    return (times // DAY) * DAY + 13 * HOUR + rng.integers(0, 9 * HOUR, len(times))


def cross_join(n_left: int, n_right: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (left, right) index pair, left-major."""
    return np.repeat(np.arange(n_left), n_right), np.tile(np.arange(n_right), n_left)


@dataclass
class GroupIndex:
    """Members (e.g. people) grouped by a key (e.g. their account), to draw one per group."""

    members: np.ndarray  # sorted by group
    start: np.ndarray  # offset of each group's first member in ``members``
    count: np.ndarray  # members per group

    @classmethod
    def build(cls, keys: np.ndarray, members: np.ndarray, n_groups: int) -> GroupIndex:
        order = np.argsort(keys, kind="stable")
        count = np.bincount(keys, minlength=n_groups)
        return cls(members[order], np.cumsum(count) - count, count)

    def draw(self, rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        """One random member of each requested group (-1 when the group is empty)."""
        count = self.count[groups]
        offset = (rng.random(len(groups)) * np.maximum(count, 1)).astype(np.int64)
        out = np.full(len(groups), -1, dtype=np.int64)
        found = count > 0
        out[found] = self.members[self.start[groups[found]] + offset[found]]
        return out


def pick_from_lists(rng: np.random.Generator, lists: list[list[str]], which: np.ndarray
                       ) -> tuple[list[str], np.ndarray]:
    """A random item of list ``which[i]`` for every row: (flat vocabulary, index into it)."""
    flat = [item for items in lists for item in items]
    sizes = np.array([len(items) for items in lists])
    offsets = np.cumsum(sizes) - sizes
    return flat, offsets[which] + (rng.random(len(which)) * sizes[which]).astype(np.int64)
