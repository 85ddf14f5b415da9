"""CCR on huge finite features: the result is the scaled result (issue 18).

Ranges of |x| near 1e308 overflow max - min; CCR works on X / 2**e (exact)
and maps back, also with the energy in the units of X.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_datacentric.over_sampling import CCR


@pytest.mark.parametrize("feature_scaling", ["minmax", "standard", None])
def test_ccr_huge_values_equal_the_scaled_result(feature_scaling):
    X, y = make_classification(
        n_samples=60, n_features=4, n_informative=3, n_redundant=0,
        n_clusters_per_class=2, n_classes=3, weights=[0.6, 0.3, 0.1],
        random_state=0,
    )  # fmt: skip
    s = 2.0 ** (1022 - int(np.ceil(np.log2(np.max(np.abs(X))))))
    energy = 0.25 * (s if feature_scaling is None else 1.0)
    ref, y_ref = CCR(random_state=0, feature_scaling=feature_scaling).fit_resample(X, y)
    big, y_big = CCR(
        random_state=0, feature_scaling=feature_scaling, energy=energy
    ).fit_resample(X * s, y)
    assert np.all(np.isfinite(big))
    np.testing.assert_array_equal(y_big, y_ref)
    np.testing.assert_allclose(big, ref * s, rtol=1e-12, atol=0)
