"""Epoch time of the tabular nets: overhead of weights and mixup, CPU vs GPU.

Anchor: a plain skorch ``NeuralNetClassifier`` training the same module
(:class:`~sklearn_datacentric.neural.TabularMLP`, 50 -> 128 -> 128 -> 2 with
batch norm and dropout), same optimizer (AdamW, lr 1e-3), batch size 256,
shuffled, no validation split.  Each configuration trains ``EPOCHS`` epochs
in a forked child (``_harness.measure``); the reported epoch time is the
median of skorch's per-epoch ``dur`` records, so process start-up and module
initialisation are not counted.  One torch thread on both sides (the machine
is shared).

Usage::

    python benchmarks/bench_neural.py            # CPU at 200k x 50, GPU at 1M x 50
    N_CPU=1000000 python benchmarks/bench_neural.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _harness import markdown_table, measure, write_results  # noqa: E402

N_CPU = int(os.environ.get("N_CPU", 200_000))
N_GPU = int(os.environ.get("N_GPU", 1_000_000))
N_FEATURES = 50
EPOCHS = int(os.environ.get("EPOCHS", 3))
REPS = int(os.environ.get("REPS", 2))
BATCH = 256


def make_data(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, N_FEATURES), dtype=np.float32)
    beta = rng.standard_normal(N_FEATURES).astype(np.float32)
    y = (X @ beta + rng.standard_normal(n).astype(np.float32) > 0).astype(np.int64)
    w = rng.uniform(0.2, 3.0, n)
    groups = rng.integers(0, 4, n)
    return X, y, w, groups


def _median_epoch(net):
    dur = net.history[:, "dur"]
    return float(np.median(dur[1:] if len(dur) > 1 else dur))


def run_plain_skorch(X, y, device):
    import torch
    from skorch import NeuralNetClassifier

    from sklearn_datacentric.neural import TabularMLP

    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = NeuralNetClassifier(
        TabularMLP,
        module__n_features=X.shape[1],
        module__n_outputs=2,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.AdamW,
        lr=1e-3,
        max_epochs=EPOCHS,
        batch_size=BATCH,
        iterator_train__shuffle=True,
        train_split=None,
        device=device,
        verbose=0,
    )
    net.fit(X, y)
    return _median_epoch(net)


def run_ours(X, y, w, groups, device, **params):
    import torch

    from sklearn_datacentric.neural import TabularNetClassifier

    torch.set_num_threads(1)
    net = TabularNetClassifier(
        lr=1e-3,
        max_epochs=EPOCHS,
        batch_size=BATCH,
        train_split=None,
        early_stopping=False,
        device=device,
        random_state=0,
        **params,
    )
    net.fit(X, y, sample_weight=w, groups=groups)
    return _median_epoch(net)


CONFIGS = [
    ("ours, no weights", dict(), False),
    ("ours + sample_weight", dict(), True),
    ("ours + weights + mixup (random)", dict(mixup="random"), True),
    (
        "ours + weights + selective mixup (different_class)",
        dict(mixup="different_class"),
        True,
    ),
    (
        "ours + weights + mixup + balanced sampler",
        dict(mixup="random", balanced_sampler="class"),
        True,
    ),
    ("ours + weights + training dynamics", dict(record_dynamics=True), True),
]


def _gpu_name():
    """Name of the CUDA device, or "" (run in a child: the parent must not
    initialise CUDA before forking the measured children)."""
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else ""


def main():
    import torch

    rows = []
    X, y, w, groups = make_data(N_CPU)
    # interleaved repetitions; the best (least disturbed) time of each config
    best = {}
    for rep in range(REPS):
        res = measure(run_plain_skorch, X, y, "cpu")
        prev = best.get("anchor")
        if prev is None or res["result"] < prev["result"]:
            best["anchor"] = res
        for name, params, use_w in CONFIGS:
            res = measure(run_ours, X, y, w if use_w else None, groups, "cpu", **params)
            prev = best.get(name)
            if prev is None or res["result"] < prev["result"]:
                best[name] = res
            print(rep, name, res, flush=True)
    anchor = best["anchor"]
    t_anchor = anchor["result"]
    rows.append(
        {
            "configuration": "plain skorch NeuralNetClassifier (anchor)",
            "device": "cpu",
            "n": N_CPU,
            "epoch s": t_anchor,
            "ratio to anchor": 1.0,
            "peak MiB": anchor["peak_mib"],
        }
    )
    t_ours = None
    for name, _params, _use_w in CONFIGS:
        res = best[name]
        t = res["result"]
        if t_ours is None:
            t_ours = t
        rows.append(
            {
                "configuration": name,
                "device": "cpu",
                "n": N_CPU,
                "epoch s": t,
                "ratio to anchor": t / t_anchor,
                "ratio to ours, no weights": t / t_ours,
                "peak MiB": res["peak_mib"],
            }
        )

    gpu_rows = []
    gpu_name = measure(_gpu_name)["result"]
    if gpu_name:
        Xg, yg, wg, gg = make_data(N_GPU)
        t_cpu = measure(run_ours, Xg, yg, wg, gg, "cpu", mixup="random")
        t_gpu = measure(run_ours, Xg, yg, wg, gg, "cuda", mixup="random")
        t_sk = measure(run_plain_skorch, Xg, yg, "cuda")
        gpu_rows.append(
            {
                "configuration": "ours + weights + mixup",
                "n": N_GPU,
                "CPU epoch s": t_cpu["result"],
                "GPU epoch s": t_gpu["result"],
                "GPU speed-up": t_cpu["result"] / t_gpu["result"],
                "plain skorch GPU epoch s": t_sk["result"],
            }
        )
        gpu_line = f"GPU: {gpu_name}"
    else:
        gpu_rows.append(
            {
                "configuration": "ours + weights + mixup",
                "n": N_GPU,
                "CPU epoch s": "not run",
                "GPU epoch s": "no GPU available",
                "GPU speed-up": "no GPU available",
                "plain skorch GPU epoch s": "no GPU available",
            }
        )
        gpu_line = "GPU: no GPU available (torch.cuda.is_available() is False)"

    body = (
        f"Binary task, {N_FEATURES} float32 features, TabularMLP 50-128-128-2 "
        f"(batch norm, dropout 0.1), AdamW lr 1e-3, batch {BATCH}, shuffled, "
        f"no validation split; median of epochs 2..{EPOCHS} of skorch's `dur` (the first epoch, with torch's lazy set-up, is dropped), best of {REPS} interleaved repetitions; "
        "torch with one thread; torch "
        f"{torch.__version__}.\n\n"
        "## CPU epoch time against plain skorch (same module)\n\n"
        + markdown_table(
            rows,
            [
                "configuration",
                "device",
                "n",
                "epoch s",
                "ratio to anchor",
                "ratio to ours, no weights",
                "peak MiB",
            ],
        )
        + "\n\nThe anchor collates rows one at a time (skorch's default Dataset "
        "and DataLoader); ours serves each batch with one indexing call "
        "(`TabularDataset.__getitems__`), which is why it is faster than the "
        "anchor even with weights and mixup.  'ratio to ours, no weights' "
        "isolates the cost of the weights, mixup (partner gather, Beta draws, "
        "two loss terms), the balanced sampler and the dynamics pass.\n\n"
        f"## CPU vs GPU at {N_GPU} x {N_FEATURES}\n\n{gpu_line}\n\n"
        + markdown_table(
            gpu_rows,
            [
                "configuration",
                "n",
                "CPU epoch s",
                "GPU epoch s",
                "GPU speed-up",
                "plain skorch GPU epoch s",
            ],
        )
        + "\n\nReproduce: `python benchmarks/bench_neural.py` "
        "(`N_CPU`, `N_GPU`, `EPOCHS` environment variables).\n"
    )
    path = write_results("neural", "Neural nets: epoch time", body)
    print(open(path).read())


if __name__ == "__main__":
    main()
