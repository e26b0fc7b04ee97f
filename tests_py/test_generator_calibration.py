"""The per-practice quality effect of the calibrated care processes (docs/calibration.md):
shortfall factors spread around 1 and the care rate they give."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from qof_warehouse.synthetic.population import CARE_RATE_CEILING, CARE_RATE_FLOOR, build_practices


def test_shortfall_factors_spread_around_one() -> None:
    practices = build_practices(200, 20, 4, seed=42)
    shortfall = practices.shortfall
    assert len(shortfall) == 200
    assert shortfall.mean() == pytest.approx(1.0, abs=0.05)
    # Most practices below the national shortfall, a tail well above it.
    assert np.median(shortfall) < 1.0
    assert (shortfall > 2.0).sum() >= 10
    assert (shortfall < 0.5).sum() >= 30
    # Deterministic, and independent of the other practice draws.
    again = build_practices(200, 20, 4, seed=42)
    assert np.array_equal(again.shortfall, shortfall)
    assert not np.array_equal(build_practices(200, 20, 4, seed=43).shortfall, shortfall)


def test_care_rate_scales_the_shortfall_within_bounds() -> None:
    practices = replace(build_practices(4, 2, 1, seed=1), shortfall=np.array([0.5, 2.0, 20.0, 0.1]))
    rate = practices.care_rate(0.9, np.array([0, 1, 2, 3]))
    # 1 - 0.1 x 0.5 = 0.95; 1 - 0.1 x 2 = 0.8; 1 - 0.1 x 20 = -1 -> floor; 1 - 0.01 = 0.99.
    assert rate == pytest.approx([0.95, 0.8, CARE_RATE_FLOOR, 0.99])
    assert practices.care_rate(0.999, np.array([3]))[0] == pytest.approx(CARE_RATE_CEILING)
    # Per-patient national rates broadcast with the practice index.
    both = practices.care_rate(np.array([0.9, 0.8]), np.array([1, 1]))
    assert both == pytest.approx([0.8, 0.6])
