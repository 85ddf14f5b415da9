"""
=====================================================================
A neural baseline with weights, selective mixup and training dynamics
=====================================================================

:class:`~sklearn_datacentric.neural.TabularNetClassifier` is a skorch net with
the scikit-learn contract.  This example trains it on a skewed synthetic
problem (90% / 10% classes) whose test set has balanced classes, and compares

* plain training (ERM),
* class weights (``class_weight="balanced"``, passed as sample weights that
  travel with their rows through the validation split and the batches),
* a balanced batch sampler (uniform classes in every epoch),
* in-batch selective mixup with partners of a *different class*, which with
  two classes implicitly makes them uniform (Teney et al., ICML 2024),

then records per-epoch margins of every training row (``record_dynamics``)
and shows that mislabelled rows have a low area under the margin.
"""

# %%
# Data: skewed training set, balanced test set
# --------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.metrics import balanced_accuracy_score

from sklearn_datacentric.neural import TabularNetClassifier

torch.set_num_threads(1)
rng = np.random.RandomState(0)


def sample(n, p1):
    y = (rng.rand(n) < p1).astype(int)
    X = rng.randn(n, 10)
    X[:, :4] += 0.5 * (2 * y[:, None] - 1)
    return X, y


X_train, y_train = sample(3000, 0.10)
X_test, y_test = sample(4000, 0.5)

common = dict(
    module__width=64,
    module__depth=2,
    max_epochs=25,
    batch_size=128,
    lr=3e-3,
    random_state=0,
)

# %%
# Four ways to train the same network
# -----------------------------------
models = {
    "ERM": TabularNetClassifier(**common),
    "class weights": TabularNetClassifier(class_weight="balanced", **common),
    "balanced sampler": TabularNetClassifier(balanced_sampler="class", **common),
    "selective mixup\n(different_class)": TabularNetClassifier(
        mixup="different_class", mixup_alpha=0.4, **common
    ),
}
scores = {}
for name, model in models.items():
    model.fit(X_train, y_train)
    scores[name] = balanced_accuracy_score(y_test, model.predict(X_test))
    print(
        f"{name!r:40s} balanced accuracy {scores[name]:.3f} ({model.n_epochs_} epochs)"
    )

# %%
# Training dynamics: mislabelled rows have a low area under the margin
# --------------------------------------------------------------------
flip = rng.rand(len(y_train)) < 0.1
y_noisy = np.where(flip, 1 - y_train, y_train)
net = TabularNetClassifier(
    record_dynamics=True, train_split=None, **dict(common, max_epochs=15)
)
net.fit(X_train, y_noisy)
aum = net.margins_.mean(axis=0)  # (n_epochs, n_samples) -> one value per row

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
axes[0].barh(list(scores), list(scores.values()), color="tab:blue")
axes[0].set_xlim(0.5, 1.0)
axes[0].set_xlabel("balanced accuracy on a balanced test set")
axes[0].set_title("Skewed training classes (90% / 10%)")
bins = np.linspace(aum.min(), aum.max(), 40)
axes[1].hist(aum[~flip], bins=bins, alpha=0.6, label="clean labels")
axes[1].hist(aum[flip], bins=bins, alpha=0.6, label="flipped labels")
axes[1].set_xlabel("area under the margin (mean margin over epochs)")
axes[1].set_title("record_dynamics=True")
axes[1].legend()
fig.tight_layout()
plt.show()
