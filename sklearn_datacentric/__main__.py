"""Quickstart: ``python -m sklearn_datacentric``.

The main job of the library, end to end on bundled real data: a grid search
over an imbalanced-learn pipeline whose resampler comes from this library,
scored on a held-out test split, beside the same pipeline without resampling.
Runs in well under a minute on 2 cores.
"""

import sys
import time
import warnings


def _table(rows, columns):
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in rows:
        out.append("  ".join(str(r[c]).ljust(w) for c, w in zip(columns, widths)))
    return "\n".join(out)


def imbalanced_classification(dataset="yeast4", random_state=0):
    """Grid-search SMOTE-family resamplers in a pipeline; print test scores."""
    from imblearn.pipeline import Pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import (
        average_precision_score,
        balanced_accuracy_score,
        f1_score,
        roc_auc_score,
    )
    from sklearn.model_selection import (
        GridSearchCV,
        StratifiedKFold,
        train_test_split,
    )
    from sklearn.preprocessing import StandardScaler

    from sklearn_datacentric.datasets import load_imbalanced
    from sklearn_datacentric.over_sampling import ADASYN, SMOTE, BorderlineSMOTE

    X, y = load_imbalanced(dataset, return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=random_state
    )
    n_min, n = int(y.sum()), len(y)
    print(
        f"Dataset {dataset!r}: {n} rows, {X.shape[1]} features, "
        f"{n_min} minority ({n_min / n:.1%}).  70/30 stratified split; "
        "5-fold grid search on the training part, scores on the test part.\n"
    )
    cv = StratifiedKFold(5, shuffle=True, random_state=random_state)
    candidates = {
        "no resampling": (None, {}),
        "SMOTE": (SMOTE(random_state=random_state), {"k_neighbors": [3, 5, 7]}),
        "BorderlineSMOTE": (
            BorderlineSMOTE(random_state=random_state),
            {"k_neighbors": [3, 5], "kind": ["borderline-1", "borderline-2"]},
        ),
        "ADASYN": (ADASYN(random_state=random_state), {"n_neighbors": [3, 5, 7]}),
    }
    rows = []
    for name, (sampler, sampler_grid) in candidates.items():
        pipe = Pipeline(
            [
                ("scale", StandardScaler()),
                ("resample", sampler),
                ("clf", LogisticRegression(max_iter=1000)),
            ]
        )
        grid = {"clf__C": [0.1, 1.0, 10.0]}
        grid.update({f"resample__{k}": v for k, v in sampler_grid.items()})
        search = GridSearchCV(pipe, grid, scoring="average_precision", cv=cv)
        t0 = time.perf_counter()
        search.fit(X_train, y_train)
        seconds = time.perf_counter() - t0
        proba = search.predict_proba(X_test)[:, 1]
        pred = search.predict(X_test)
        best = {
            k.split("__", 1)[1]: v
            for k, v in search.best_params_.items()
            if k.startswith("resample__")
        }
        rows.append(
            {
                "pipeline": name,
                "best resampler params": ", ".join(f"{k}={v}" for k, v in best.items())
                or "-",
                "CV AP": f"{search.best_score_:.3f}",
                "test AP": f"{average_precision_score(y_test, proba):.3f}",
                "test ROC AUC": f"{roc_auc_score(y_test, proba):.3f}",
                "test bal. acc.": f"{balanced_accuracy_score(y_test, pred):.3f}",
                "test F1": f"{f1_score(y_test, pred):.3f}",
                "fit s": f"{seconds:.1f}",
            }
        )
    print(_table(rows, list(rows[0])))
    return rows


SECTIONS = [
    (
        "Imbalanced classification: SMOTE family in a grid-searched pipeline",
        imbalanced_classification,
    ),
]


def main(argv=None):
    warnings.filterwarnings("ignore", category=FutureWarning)
    t0 = time.perf_counter()
    for title, section in SECTIONS:
        print(f"\n== {title}\n")
        section()
    print(f"\nQuickstart finished in {time.perf_counter() - t0:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
