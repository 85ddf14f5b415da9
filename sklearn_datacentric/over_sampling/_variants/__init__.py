"""The oversamplers ranked best by Kovacs (2019) that imbalanced-learn lacks.

Each follows its paper, with imbalanced-learn's API and ``sampling_strategy``
semantics (every class to over-sample is taken against all the others), and
records the provenance of its synthetic rows.  The reference implementation
used to check fidelity is smote-variants 1.0.1 (see
``benchmarks/bench_smote_variants.py``).
"""

from ._assembled import AssembledSMOTE
from ._ccr import CCR
from ._display import SyntheticPointsDisplay
from ._geometric import GeometricSMOTE
from ._gsmote import GSMOTE
from ._ipf import SMOTEIPF
from ._lee import LeeSMOTE
from ._lvq import LVQSMOTE
from ._polynom_fit import PolynomFitSMOTE
from ._prowsyn import ProWSyn
from ._smobd import SMOBD

__all__ = [
    "PolynomFitSMOTE",
    "ProWSyn",
    "SMOTEIPF",
    "LeeSMOTE",
    "SMOBD",
    "GSMOTE",
    "GeometricSMOTE",
    "CCR",
    "LVQSMOTE",
    "AssembledSMOTE",
    "SyntheticPointsDisplay",
]
