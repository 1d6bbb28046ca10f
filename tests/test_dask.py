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
from smscodec.errors import ArgumentError  # noqa: E402

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


# --- Arrow-backed partitions ----------------------------------------------------------------
# Partitions of pyarrow strings (pandas 3's ``str``, ``string[pyarrow]``, ``ArrowDtype``,
# what ``dd.read_parquet`` gives) are counted from their Arrow buffers: the kernels' UTF-8
# function sees the frame's own data buffer, and no Python object is made per message.

ARROW_DTYPES = ("str", "string[pyarrow]", "large_string[pyarrow]", "dictionary[pyarrow]")


class _Spy:
    """The batch kernel twin, noting which counting function reads which buffer."""

    def __init__(self, module: object) -> None:
        self.module = module
        self.calls: list[tuple[str, int]] = []

    def __getattr__(self, name: str) -> object:
        found = getattr(self.module, name)
        if not name.startswith("count_"):
            return found

        def spied(*args: object) -> object:
            address = 0 if name == "count_objects" else np.asarray(args[0]).__array_interface__["data"][0]
            self.calls.append((name, int(address)))
            return found(*args)

        return spied


def _arrow_series(texts: list[str | None], dtype: str) -> pd.Series:
    pa = pytest.importorskip("pyarrow")
    if dtype == "large_string[pyarrow]":
        return pd.Series(texts, dtype=pd.ArrowDtype(pa.large_string()))
    if dtype == "dictionary[pyarrow]":
        chunked = pa.chunked_array([pa.array(texts, pa.string()).dictionary_encode()])
        return pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    return pd.Series(texts, dtype=dtype)


def _arrow_texts(tag: str) -> list[str | None]:
    # Distinct per case: dask caches a graph by the token of its data.
    base = _messages()[:600]
    return [None if t is None else f"{tag} {t}" for t in base] + ["€" * 81, "😀" * 40, "", None]


@pytest.mark.parametrize("dtype", ARROW_DTYPES)
def test_arrow_backed_partitions_are_read_in_place(dtype: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _arrow_texts(dtype)
    series = _arrow_series(texts, dtype)
    ddf = dd.from_pandas(pd.DataFrame({"text": series}), npartitions=3)
    part = ddf["text"].partitions[1].compute(scheduler="synchronous")
    assert getattr(part.dtype, "storage", None) == "pyarrow" or hasattr(part.dtype, "pyarrow_dtype")
    spy = _Spy(batch._kernel)
    monkeypatch.setattr(batch, "_kernel", spy)
    counted = smscodec.dask.count_segments(ddf["text"], smart=True).compute(scheduler="synchronous")
    report = smscodec.dask.analyze(ddf["text"]).compute(scheduler="synchronous")
    monkeypatch.undo()
    want = batch.analyze(texts)
    np.testing.assert_array_equal(counted.to_numpy(), batch.count_segments(texts, smart=True))
    assert counted.dtype == np.int32
    assert counted.index.equals(series.index)
    for name in ("segments", "units", "remaining", "encoding"):
        np.testing.assert_array_equal(report[name].to_numpy(), want[name])
    assert [name for name, _ in spy.calls] == ["count_utf8"] * 6  # 3 partitions, twice
    if dtype != "dictionary[pyarrow]":  # (a dictionary's values are a buffer of their own)
        chunks = series.array.__arrow_array__().chunks
        assert {address for _, address in spy.calls} == {chunk.buffers()[2].address for chunk in chunks}


def test_partitions_of_a_parquet_dataset(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    texts = _arrow_texts("parquet")
    for k, lo in enumerate(range(0, len(texts), 250)):
        pq.write_table(
            pa.table({"text": pa.array(texts[lo : lo + 250], pa.string())}), tmp_path / f"{k}.parquet"
        )
    ddf = dd.read_parquet(str(tmp_path / "*.parquet"))
    spy = _Spy(batch._kernel)
    monkeypatch.setattr(batch, "_kernel", spy)
    counted = smscodec.dask.count_segments(ddf["text"]).compute(scheduler="synchronous")
    totals = smscodec.dask.totals(ddf["text"])
    monkeypatch.undo()
    np.testing.assert_array_equal(counted.to_numpy(), batch.count_segments(texts))
    assert spy.calls
    assert {name for name, _ in spy.calls} == {"count_utf8"}
    single = batch.analyze(texts)
    assert totals["segments"] == int(single["segments"].sum())
    assert totals["missing"] == sum(t is None for t in texts)


@pytest.mark.slow
def test_arrow_partitions_on_a_local_cluster(cluster_client) -> None:  # type: ignore[no-untyped-def]
    texts = _arrow_texts("cluster")
    ddf = dd.from_pandas(pd.DataFrame({"text": _arrow_series(texts, "string[pyarrow]")}), npartitions=4)
    counted = smscodec.dask.count_segments(ddf["text"], policy="twilio").compute()
    np.testing.assert_array_equal(counted.to_numpy(), batch.count_segments(texts, policy="twilio"))


def test_output_other_than_numpy_is_refused() -> None:
    ddf = dd.from_pandas(pd.DataFrame({"text": ["a", "b" * 200]}), npartitions=1)
    for function in (smscodec.dask.count_segments, smscodec.dask.analyze):
        with pytest.raises(ArgumentError, match=r"output='arrow' is not an option of smscodec\.dask") as info:
            function(ddf["text"], output="arrow")
        assert info.value.argument == "output"
    assert smscodec.dask.count_segments(ddf["text"], output="numpy").compute(
        scheduler="synchronous"
    ).tolist() == [1, 2]
