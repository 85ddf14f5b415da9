"""Cleaning samplers: the rows imbalanced-learn keeps, provenance, combinations."""

import numpy as np
import pytest
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.under_sampling import EditedNearestNeighbours as ImbENN
from imblearn.under_sampling import TomekLinks as ImbTomek
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors as SkNN

from sklearn_datacentric.combine import CombinedSampler
from sklearn_datacentric.over_sampling import SMOTE, ProWSyn
from sklearn_datacentric.under_sampling import EditedNearestNeighbours, TomekLinks

STRATEGIES = ["auto", "all", "majority", "not minority", "not majority"]


@pytest.fixture(scope="module", params=[0, 1])
def data(request):
    return make_classification(
        n_samples=400,
        n_classes=3,
        n_informative=4,
        weights=[0.6, 0.3, 0.1],
        class_sep=0.7,
        random_state=request.param,
    )


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_tomek_keeps_imblearn_rows(data, strategy):
    X, y = data
    ours = TomekLinks(sampling_strategy=strategy)
    X_res, y_res = ours.fit_resample(X, y)
    theirs = ImbTomek(sampling_strategy=strategy)
    X_imb, y_imb = theirs.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)
    np.testing.assert_array_equal(X_res, X_imb)
    np.testing.assert_array_equal(y_res, y_imb)
    assert len(y_res) < len(y)  # the data overlap: links exist


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("kind_sel", ["all", "mode"])
@pytest.mark.parametrize("k", [1, 3, 6])
def test_enn_keeps_imblearn_rows(data, strategy, kind_sel, k):
    X, y = data
    ours = EditedNearestNeighbours(
        sampling_strategy=strategy, kind_sel=kind_sel, n_neighbors=k
    )
    theirs = ImbENN(sampling_strategy=strategy, kind_sel=kind_sel, n_neighbors=k)
    theirs.fit_resample(X, y)
    expected = theirs.sample_indices_
    lost = np.setdiff1d(np.unique(y), y[expected])
    if lost.size:  # imbalanced-learn drops a whole class; ours keeps it, warns
        with pytest.warns(UserWarning, match="would remove every row"):
            ours.fit_resample(X, y)
        expected = np.flatnonzero(
            np.isin(y, lost) | np.isin(np.arange(len(y)), expected)
        )
        expected = expected[np.argsort(y[expected], kind="stable")]
    else:
        ours.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, expected)


def test_enn_accepts_a_neighbours_estimator(data):
    X, y = data
    ours = EditedNearestNeighbours(n_neighbors=SkNN(n_neighbors=4))
    ours.fit_resample(X, y)
    theirs = ImbENN(n_neighbors=SkNN(n_neighbors=4))
    theirs.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, theirs.sample_indices_)


def test_tomek_links_are_mutual_nearest_neighbours_of_two_classes(data):
    X, y = data
    tl = TomekLinks(sampling_strategy="all").fit(X, y)
    tl.fit_resample(X, y)
    removed = np.setdiff1d(np.arange(len(y)), tl.sample_indices_)
    nn = SkNN(n_neighbors=2).fit(X).kneighbors(X, return_distance=False)[:, 1]
    for i in removed:
        j = nn[i]
        assert nn[j] == i and y[j] != y[i] and j in removed


def test_cleaners_provenance_and_sparse(data):
    X, y = data
    for sampler in (TomekLinks(), EditedNearestNeighbours()):
        X_res, y_res = sampler.fit_resample(sparse.csr_matrix(X), y)
        assert sparse.issparse(X_res)
        prov = sampler.provenance_
        assert not prov.synthetic.any()
        np.testing.assert_array_equal(prov.seed, sampler.sample_indices_)
        np.testing.assert_array_equal(X_res.toarray(), X[prov.seed])
        np.testing.assert_array_equal(sampler.propagate(y), y_res)


@pytest.mark.parametrize(
    "cleaner, reference",
    [(None, SMOTETomek), (EditedNearestNeighbours(sampling_strategy="all"), SMOTEENN)],
)
def test_combined_with_our_smote_equals_imblearn(data, cleaner, reference):
    X, y = data
    ours = CombinedSampler(cleaner=cleaner, random_state=3)
    X_res, y_res = ours.fit_resample(X, y)
    X_imb, y_imb = reference(random_state=3).fit_resample(X, y)
    np.testing.assert_array_equal(y_res, y_imb)
    np.testing.assert_allclose(X_res, X_imb, rtol=0, atol=1e-12)


def test_combined_provenance_composes_both_steps(data):
    X, y = data
    sampler = CombinedSampler(
        ProWSyn(random_state=0), TomekLinks(sampling_strategy="all")
    )
    X_res, y_res = sampler.fit_resample(X, y)
    prov = sampler.provenance_
    assert prov.n_output == len(y_res)
    syn = prov.synthetic
    np.testing.assert_array_equal(X_res[~syn], X[prov.seed[~syn]])
    np.testing.assert_array_equal(y_res, y[prov.seed])  # labels of the seeds
    over = sampler.oversampler_.provenance_
    assert syn.sum() < over.synthetic.sum() or (~syn).sum() < len(y)


def test_combined_with_imblearn_oversampler_marks_unknown_parents(data):
    X, y = data
    sampler = CombinedSampler(ImbSMOTE(random_state=0))
    X_res, y_res = sampler.fit_resample(X, y)
    prov = sampler.provenance_
    assert np.all(prov.seed[prov.synthetic] == -1)
    with pytest.raises(ValueError, match="no single seed"):
        sampler.propagate(np.ones(len(y)))


def test_cleaner_without_record_is_rejected(data):
    X, y = data

    class Plain(SMOTE):  # over-sampler, keeps no record of kept rows
        def fit_resample(self, X, y):
            out = super().fit_resample(X, y)
            del self.provenance_
            return out

    with pytest.raises(ValueError, match="records neither sample_indices_"):
        CombinedSampler(cleaner=Plain()).fit_resample(X, y)


def test_cleaner_removing_a_whole_class_warns_or_raises():
    # every row of class 1 sits among class 0: ENN would remove the class
    X = np.r_[np.arange(10.0), [2.5, 6.5]][:, None]
    y = np.r_[np.zeros(10, int), np.ones(2, int)]
    with pytest.warns(UserWarning, match="would remove every row of class.*1"):
        X_res, y_res = EditedNearestNeighbours(sampling_strategy="all").fit_resample(
            X, y
        )
    assert (y_res == 1).sum() == 2
    with pytest.raises(ValueError, match="would remove every row of class"):
        EditedNearestNeighbours(
            sampling_strategy="all", on_class_removal="raise"
        ).fit_resample(X, y)


def test_tiny_inputs_give_clear_errors():
    with pytest.raises(ValueError, match="needs more samples than n_neighbors"):
        EditedNearestNeighbours(n_neighbors=5).fit_resample(
            np.arange(5.0)[:, None], np.r_[np.zeros(3, int), np.ones(2, int)]
        )
