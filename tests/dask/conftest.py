"""A small distributed cluster shared by the Dask tests.

Skipped, with the reason, when dask or distributed is not installed (the
``dask`` extra)."""

import pytest

pytest.importorskip("dask.array", reason="the Dask paths need the dask extra")
pytest.importorskip("dask.dataframe", reason="the Dask paths need the dask extra")
pytest.importorskip("distributed", reason="the Dask paths need the dask extra")


@pytest.fixture(scope="package")
def client():
    """A LocalCluster of 2 worker processes, 1 thread each, shared by the
    tests of this folder (the default scheduler while they run): a fresh
    worker pays its imports once, not once per module."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            memory_limit="2GiB",
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c
