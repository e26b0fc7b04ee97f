"""The warehouse's default cluster codes as a DataFrame, for tests that map an extract's codes
back to clusters the way the warehouse does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qof_warehouse.codelists import CLUSTER_DIR, cluster_rows


def cluster_seed_frame(path: Path = CLUSTER_DIR) -> pd.DataFrame:
    """Columns cluster_code, code, code_system: published lists then curated codes."""
    return pd.DataFrame(list(cluster_rows(path)), columns=["cluster_code", "code", "code_system"])
