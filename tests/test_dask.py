"""The Dask helper on a real two-process LocalCluster agrees with the single-machine batch API."""

from __future__ import annotations

import pathlib

import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import numpy as np  # noqa: E402

import smscodec.dask  # noqa: E402
from smscodec import batch  # noqa: E402

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples" / "messages.txt"
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::DeprecationWarning")


def _messages() -> list[str | None]:
    if EXAMPLES.exists():
        texts: list[str | None] = EXAMPLES.read_text(encoding="utf-8").splitlines()[:1500]
    else:  # an installed test suite without the examples folder
        texts = ["hello", "€" * 81, "Ω" * 200, "😀 hi", "x" * 500] * 200
    texts[7] = None
    return texts


@pytest.fixture(scope="module")
def cluster_client():  # type: ignore[no-untyped-def]
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.mark.slow
def test_count_segments_on_a_local_cluster_matches_batch(cluster_client) -> None:  # type: ignore[no-untyped-def]
    texts = _messages()
    frame = pd.DataFrame({"text": pd.Series(texts, dtype=object)})
    ddf = dd.from_pandas(frame, npartitions=6)
    counted = smscodec.dask.count_segments(ddf["text"], smart=True).compute()
    expected = batch.count_segments(texts, smart=True)
    assert counted.dtype == np.int32
    np.testing.assert_array_equal(counted.to_numpy(), expected)
    assert counted.index.equals(frame.index)

    totals = smscodec.dask.totals(ddf["text"])
    single = batch.analyze(texts)
    assert totals["messages"] == len(texts)
    assert totals["segments"] == int(single["segments"].sum())
    assert totals["missing"] == 1
    assert totals["ucs2"] == int(((single["encoding"] == 1) & (single["segments"] > 0)).sum())
    assert totals["gsm7"] + totals["ucs2"] + totals["missing"] == len(texts)


def test_analyze_is_lazy_and_typed() -> None:
    ddf = dd.from_pandas(pd.DataFrame({"text": ["a", "€", "😀"]}), npartitions=2)
    report = smscodec.dask.analyze(ddf["text"])
    assert list(report.columns) == ["segments", "units", "remaining", "encoding"]
    result = report.compute(scheduler="synchronous")
    assert result["units"].tolist() == [1, 2, 2]
    assert result["encoding"].tolist() == [0, 0, 1]


def test_rejects_a_non_dask_series() -> None:
    with pytest.raises(TypeError, match=r"dask\.dataframe\.Series"):
        smscodec.dask.count_segments(["a", "b"])
