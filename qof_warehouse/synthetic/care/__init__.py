"""Care-history plugins of the synthetic generator, one module per clinical area.

Each module may define
    add_histories(ctx: Context, states: dict[str, ConditionState]) -> None
        append coded events (reviews, tests, exception codes, invitations...) to ctx.buf;
    medication_parts(ctx: Context, states: dict[str, ConditionState]) -> list[tuple[np.ndarray, ...]]
        return medication issues as (patient_index, day, dmd_code, quantity) arrays.
Modules run in name order; every random stream must come from ctx.rng("<area>:...") so that
the extract stays deterministic and areas do not disturb each other.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from qof_warehouse.synthetic.conditions import ConditionState
    from qof_warehouse.synthetic.histories import Context


def _plugins() -> list[ModuleType]:
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def add_plugin_histories(ctx: Context, states: dict[str, ConditionState]) -> None:
    """Run every plugin's add_histories."""
    for module in _plugins():
        add = getattr(module, "add_histories", None)
        if add is not None:
            add(ctx, states)


def plugin_medication_parts(ctx: Context, states: dict[str, ConditionState]) -> list[tuple[np.ndarray, ...]]:
    """Collect every plugin's medication issues."""
    parts: list[tuple[np.ndarray, ...]] = []
    for module in _plugins():
        build = getattr(module, "medication_parts", None)
        if build is not None:
            parts.extend(build(ctx, states))
    return parts
