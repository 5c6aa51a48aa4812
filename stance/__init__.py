"""stance: tell the stance of a quote on the 2025 US-Russia peace talks on Ukraine.

>>> import stance
>>> stance.predict("Trump has effectively surrendered to Putin")  # doctest: +SKIP
'critical_of_concessions'
"""

from typing import Any

from stance._version import __version__
from stance.api import explain, predict, predict_proba
from stance.errors import StanceInputError
from stance.persistence import load

__all__ = ["StanceClassifier", "StanceInputError", "__version__", "analyze", "evaluate", "explain", "extract_quotes",
           "load", "predict", "predict_proba", "train"]

_LAZY = {"StanceClassifier": "stance.classifier", "train": "stance.training", "evaluate": "stance.evaluation",
         "analyze": "stance.analysis", "extract_quotes": "stance.quotes"}


def __getattr__(name: str) -> Any:
    """Import the names that need scikit-learn only when first used, so ``import stance`` stays light."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'stance' has no attribute {name!r}")
