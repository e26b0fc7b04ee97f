"""QOF warehouse: synthetic GP extracts, build orchestration and practice alerts."""

import os
from pathlib import Path

PROJECT_DIR_ENV = "QOF_PROJECT_DIR"


def find_project_root() -> Path:
    """The dbt project the commands work on (dbt_project.yml, models, seeds): env QOF_PROJECT_DIR;
    else the checkout this package sits in (a source or editable install, as `make install`
    makes); else the current directory (the package installed from a wheel, run in the project)."""
    configured = os.environ.get(PROJECT_DIR_ENV)
    if configured:
        return Path(configured).resolve()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "dbt_project.yml").is_file():
        return checkout
    return Path.cwd().resolve()


PROJECT_ROOT = find_project_root()

__all__ = ["PROJECT_DIR_ENV", "PROJECT_ROOT", "find_project_root"]
