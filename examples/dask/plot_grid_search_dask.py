"""
===========================================================================
Grid search over a SMOTE pipeline on a Dask cluster, and SMOTE on Dask data
===========================================================================

Two ways a Dask cluster helps with imbalanced data:

* **many small fits**: a :class:`~sklearn.model_selection.GridSearchCV` over
  an imbalanced-learn :class:`~imblearn.pipeline.Pipeline` (our
  :class:`~sklearn_datacentric.over_sampling.SMOTE`, then a classifier) runs
  its fits through joblib; inside ``joblib.parallel_config(backend="dask")``
  they run on the cluster's workers.  SMOTE is applied to the training folds
  only, as the pipeline does;
* **one big table**: :class:`~sklearn_datacentric.over_sampling.SMOTE`
  accepts a ``dask.array`` and returns a lazy one: the class counts are
  computed on the cluster, the minority class (small) is gathered, the
  majority stays in its partitions, and for the same ``random_state`` the
  rows are those of the in-memory sampler.

The cluster here is a :class:`distributed.LocalCluster` of two workers
(threads, so that the example also runs inside the documentation build); a
real cluster is used the same way, through its ``Client``.
"""

# %%
# A cluster and the warm-up of its workers
# ----------------------------------------
# :func:`~sklearn_datacentric.utils.dask_warmup` runs the package's numba
# kernels once on every worker (compiled or loaded from the numba cache), so
# that the first real tasks do not pay for it.
import time

import dask.array as da
import numpy as np
from distributed import Client, LocalCluster
from imblearn.pipeline import Pipeline
from joblib import parallel_config
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from sklearn_datacentric.over_sampling import SMOTE
from sklearn_datacentric.utils import dask_warmup

cluster = LocalCluster(
    n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
)
client = Client(cluster)
warm = dask_warmup(client)
print({addr: f"{t:.2f} s" for addr, (t, _) in warm.items()})

# %%
# GridSearchCV over an imbalanced-learn Pipeline, fits on the cluster
# --------------------------------------------------------------------
X, y = make_classification(
    n_samples=4000,
    n_features=10,
    n_informative=4,
    weights=[0.95],
    class_sep=0.8,
    random_state=0,
)
pipe = Pipeline(
    [
        ("scale", StandardScaler()),
        ("smote", SMOTE(random_state=0)),
        ("clf", LogisticRegression()),
    ]
)
grid = {
    "smote__k_neighbors": [3, 5, 10],
    "smote__sampling_strategy": [0.3, 0.6, 1.0],
    "clf__C": [0.1, 1.0],
}
search = GridSearchCV(
    pipe,
    grid,
    scoring="average_precision",
    cv=StratifiedKFold(4, shuffle=True, random_state=0),
    n_jobs=-1,
)
t0 = time.perf_counter()
with parallel_config(backend="dask"):
    search.fit(X, y)
print(
    f"{len(search.cv_results_['params']) * 4} fits in "
    f"{time.perf_counter() - t0:.1f} s on the cluster"
)
print("best:", search.best_params_, f"average precision {search.best_score_:.3f}")

# %%
# The mean score of each setting: how much over-sampling helps here
import matplotlib.pyplot as plt

res = search.cv_results_
fig, ax = plt.subplots(figsize=(6, 3.5))
for k in grid["smote__k_neighbors"]:
    for C, ls in zip(grid["clf__C"], ["-", "--"]):
        sel = [
            i
            for i, p in enumerate(res["params"])
            if p["smote__k_neighbors"] == k and p["clf__C"] == C
        ]
        ax.errorbar(
            grid["smote__sampling_strategy"],
            res["mean_test_score"][sel],
            yerr=res["std_test_score"][sel],
            ls=ls,
            marker="o",
            capsize=3,
            label=f"k={k}, C={C}",
        )
ax.set_xlabel("SMOTE sampling_strategy (minority / majority after)")
ax.set_ylabel("average precision (4 folds)")
ax.legend(fontsize=7, ncol=2)
fig.tight_layout()

# %%
# SMOTE on a Dask array: lazy output, same rows as in memory
# ----------------------------------------------------------
Xd = da.from_array(X, chunks=(1000, 10))
yd = da.from_array(y, chunks=1000)
sm = SMOTE(random_state=0)
X_res, y_res = sm.fit_resample(Xd, yd)
print(X_res)  # lazy: 4 original partitions, then partitions of synthetic rows
X_mem, y_mem = SMOTE(random_state=0).fit_resample(X, y)
print("same rows as in memory:", np.array_equal(X_res.compute(), X_mem))

# %%
# ``provenance_`` holds dask arrays of global row indices, and
# ``propagate`` carries per-row values (weights, groups) lazily
weights = da.from_array(np.linspace(1, 2, len(y)), chunks=1000)
w_res = sm.propagate(weights, how="interpolate")
print(w_res.shape, float(w_res[len(y) :].mean().compute()))

client.close()
cluster.close()
