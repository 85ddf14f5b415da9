"""The quickstart (``python -m sklearn_datacentric``): options, progress
lines, and readings computed from the numbers of each table."""

import re

import numpy as np
import pytest

from sklearn_datacentric import __main__ as quickstart


def _flat(text):
    """The reading with its line breaks removed (it is wrapped to 79 columns)."""
    return " ".join(text.split())


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit) as exc:
        quickstart.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m sklearn_datacentric")
    for option in ("--only", "--random-state", "--n-trials"):
        assert option in out
    assert "numba" in out  # the first run compiles the kernels


def test_bad_option_is_an_error(capsys):
    with pytest.raises(SystemExit) as exc:
        quickstart.main(["--only", "nothing"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_one_section_with_progress_and_reading(capsys):
    assert quickstart.main(["--only", "conformal", "--n-trials", "12"]) == 0
    out = capsys.readouterr().out
    progress = re.findall(r"^\[ *\d+\.\d s\] (.*)$", out, flags=re.M)
    assert progress[-3:] == [
        "conformal trials 1-10 of 12",
        "conformal trials 11-12 of 12",
        "quickstart finished",
    ]
    assert "mean coverage" in out and "Why:" in out
    assert "SMOTE" not in out  # the other sections did not run


def test_conformal_reading_follows_the_numbers():
    rng = np.random.default_rng(0)
    width = {"split conformal": [10.0] * 20, "weighted conformal": [12.5] * 20}
    shifted = {
        "split conformal": 0.80 + 0.02 * rng.standard_normal(20),
        "weighted conformal": 0.90 + 0.02 * rng.standard_normal(20),
    }
    text = _flat(quickstart._read_conformal(shifted, width, level=0.9))
    assert "Split conformal under-covers" in text
    assert "Weighted conformal reaches the nominal level" in text
    assert "+25% wider" in text and "restores coverage" in text
    same = {k: 0.90 + 0.02 * rng.standard_normal(20) for k in shifted}
    text = _flat(quickstart._read_conformal(same, width, level=0.9))
    assert "Split conformal reaches the nominal level" in text
    assert "too little for the two methods to separate" in text


def test_ordinal_reading_names_the_winner_from_the_numbers():
    scores = {
        "PRESTO (CV)": [10.0, 10.2, 9.9],
        "proportional odds": [11.0, 11.3, 10.8],
        "logistic, rare vs rest": [12.0, 12.1, 12.4],
    }
    text = _flat(quickstart._read_ordinal(scores, [1.0, 1.0, 1.0], n_rare=13))
    assert text.startswith("PRESTO (CV) has the lowest")
    assert "a clear difference" in text and "exactly proportional odds" in text
    scores["logistic, rare vs rest"] = [9.0, 9.1, 9.0]
    text = _flat(quickstart._read_ordinal(scores, [0.1, 0.2, 0.1], n_rare=13))
    assert text.startswith("logistic, rare vs rest has the lowest")
    assert "the separate model still wins" in text


def test_imbalanced_reading_threshold_against_ranking():
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(900, dtype=int), np.ones(100, dtype=int)]
    score = y + rng.normal(scale=0.5, size=y.size)
    proba = 1 / (1 + np.exp(-4 * (score - 1.2)))
    outputs = {
        # same ranking; "resampling" only lowers the threshold
        "no resampling": (proba, (proba > 0.5).astype(int)),
        "SMOTE": (proba, (proba > 0.1).astype(int)),
    }
    text = _flat(quickstart._read_imbalanced(y, outputs, seed=0))
    assert "is 0.000 behind, no difference at all" in text
    assert "Balanced accuracy: SMOTE wins" in text and "a clear difference" in text
    assert "moves the decision threshold" in text
    # a resampler that also improves the ranking clearly
    better = 1 / (1 + np.exp(-4 * (y + rng.normal(scale=0.2, size=y.size) - 0.6)))
    outputs["SMOTE"] = (better, (better > 0.5).astype(int))
    text = _flat(quickstart._read_imbalanced(y, outputs, seed=0))
    assert text.startswith("Test AP: SMOTE wins") and "a clear difference" in text
    assert "changed the ranking itself" in text


def test_first_run_says_numba_compiles(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert not quickstart._numba_cache_present()
    quickstart.main(["--only", "conformal", "--n-trials", "2"])
    first = capsys.readouterr().out.splitlines()[0]
    assert re.match(r"^\[ *0\.\d s\] no numba cache on disk yet", first)
    (tmp_path / "kernel.nbi").write_bytes(b"")
    assert quickstart._numba_cache_present()
