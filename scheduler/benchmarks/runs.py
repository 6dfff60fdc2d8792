"""Several runs of one benchmark instance summarised: CP-SAT with 2+ workers is not
deterministic, so a target counts as met only if it is met run after run."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

WITHIN = 0.02
"""The issue's tolerance for instances 8 and 10–12: at most 2 % above the best known value."""


@dataclass(frozen=True)
class RunSpread:
    """Objectives of the runs that found a roster, and how many runs there were."""

    runs: int
    objectives: tuple[int, ...]
    known: int | None

    @property
    def best(self) -> int | None:
        return min(self.objectives, default=None)

    @property
    def median(self) -> float | None:
        return statistics.median(self.objectives) if self.objectives else None

    @property
    def worst(self) -> int | None:
        return max(self.objectives, default=None)

    def at_known(self) -> int | None:
        """Runs that reached the best known value (None when it is unknown)."""
        return self.within(0.0)

    def within(self, share: float = WITHIN) -> int | None:
        """Runs at most `share` above the best known value."""
        if self.known is None:
            return None
        return sum(o <= self.known * (1 + share) for o in self.objectives)


def spread(known: int | None, objectives: Sequence[int | None]) -> RunSpread:
    """The spread of some runs; a run without a roster counts as a run that missed."""
    return RunSpread(len(objectives), tuple(o for o in objectives if o is not None), known)
