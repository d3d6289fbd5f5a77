"""Per-region random streams derived from one master seed.

Each region gets its own :class:`numpy.random.SeedSequence` keyed by
``(master_seed, stable integer of the region code)``. Adding, removing or reordering
regions therefore never changes another region's random numbers. Each region's
sequence is split into named child streams (walker initialisation, the sampler's
proposals, prior draws, posterior-predictive noise, warm-up resets), so changing how
many numbers one stage consumes leaves the others untouched.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import numpy as np

__all__ = ["RegionStreams", "region_key", "region_seed_sequence", "region_streams"]

_STREAM_NAMES = ("init", "sampler", "prior", "predictive", "resets")


def region_key(region: str) -> int:
    """Stable 64-bit integer of a region code (independent of Python's hash seed).

    Args:
        region: Region code, e.g. ``"NY"``.

    Returns:
        int: First 8 bytes of the SHA-256 of the UTF-8 code, big-endian.

    >>> region_key("NY") == region_key("NY") and region_key("NY") != region_key("NJ")
    True
    """
    digest = hashlib.sha256(region.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def region_seed_sequence(master_seed: int, region: str) -> np.random.SeedSequence:
    """The seed sequence of one region.

    Args:
        master_seed: Non-negative master seed from the configuration.
        region: Region code.

    Returns:
        numpy.random.SeedSequence: entropy ``(master_seed, region_key(region))``.

    Raises:
        ValueError: If ``master_seed`` is negative.
    """
    if int(master_seed) < 0:
        raise ValueError(f"master seed must be >= 0, got {master_seed}")
    return np.random.SeedSequence([int(master_seed), region_key(region)])


class RegionStreams(NamedTuple):
    """Independent child seed sequences of one region, one per stage."""

    init: np.random.SeedSequence
    sampler: np.random.SeedSequence
    prior: np.random.SeedSequence
    predictive: np.random.SeedSequence
    resets: np.random.SeedSequence

    def generator(self, name: str) -> np.random.Generator:
        """A fresh PCG64 generator for stage ``name`` (same numbers on every call)."""
        return np.random.Generator(np.random.PCG64(getattr(self, name)))

    def legacy_state(self) -> tuple:
        """Initial state of emcee's ``RandomState`` (MT19937 seeded from ``sampler``).

        Returns:
            tuple: ``numpy.random.RandomState.get_state()`` of the seeded generator.
        """
        return np.random.RandomState(np.random.MT19937(self.sampler)).get_state()


def region_streams(seed: int | np.random.SeedSequence, region: str) -> RegionStreams:
    """Child streams of a region.

    Args:
        seed: The master seed (int), or an already region-specific ``SeedSequence``
            (used as is, e.g. in tests).
        region: Region code; used only when ``seed`` is an int.

    Returns:
        RegionStreams: independent child sequences, one per stage.
    """
    ss = seed if isinstance(seed, np.random.SeedSequence) else region_seed_sequence(seed, region)
    # Rebuild from entropy so spawning here never depends on earlier spawn() calls.
    base = np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key)
    return RegionStreams(*base.spawn(len(_STREAM_NAMES)))
