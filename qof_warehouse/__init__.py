"""QOF warehouse: synthetic GP extracts, build orchestration and practice alerts."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["PROJECT_ROOT"]
