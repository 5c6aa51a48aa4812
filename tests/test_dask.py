"""stance.dask on a two-process LocalCluster over loopback: same answers as stance.predict, columns, order and index."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

pytest.importorskip("distributed")
dask = pytest.importorskip("dask")
pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")

import stance  # noqa: E402
import stance.dask as stance_dask  # noqa: E402
from stance.batch import output_columns, predict_csv  # noqa: E402
from stance.errors import StanceInputError  # noqa: E402

ROWS = 3_000
PARTITIONS = 6


@pytest.fixture(scope="module")
def client():
    """A client of a local cluster: two single-threaded worker processes on loopback."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def quotes(tiny_corpus) -> pd.DataFrame:
    """Quotes made of one or two corpus sentences, with other columns and a named, gapped index."""
    rng = np.random.default_rng(7)
    sentences = [text for text, _ in tiny_corpus]
    picks = rng.integers(0, len(sentences), size=(ROWS, 2))
    texts = [sentences[i] if i == j else f"{sentences[i]} {sentences[j]}" for i, j in picks]
    speakers = rng.choice(["Rubio", "Zelensky", "Kallas"], size=ROWS)
    index = pd.Index(np.arange(ROWS) * 7 + 100, name="quote_id")
    return pd.DataFrame({"speaker": speakers, "text": texts, "year": rng.integers(2020, 2026, size=ROWS)}, index=index)


def expected(frame: pd.DataFrame, model) -> pd.DataFrame:
    """What stance.predict and stance.predict_proba say about ``frame.text``, as output columns."""
    probabilities = stance.predict_proba(frame["text"], model=model)
    columns = {"predicted_label": stance.predict(frame["text"], model=model)}
    for label in model.predictor_.classes_:
        columns[f"proba_{label}"] = [p[label] for p in probabilities]
    return pd.DataFrame(columns, index=frame.index)


def assert_scored(result: pd.DataFrame, frame: pd.DataFrame, model) -> None:
    """``result`` keeps every column of ``frame`` in order and adds exactly what stance.predict says, row for row."""
    added = output_columns(model.predictor_)
    assert list(result.columns) == list(frame.columns) + added
    pd.testing.assert_index_equal(result.index, frame.index)
    pd.testing.assert_frame_equal(result[list(frame.columns)], frame, check_dtype=False)
    want = expected(frame, model)
    assert result["predicted_label"].tolist() == want["predicted_label"].tolist()
    np.testing.assert_allclose(result[added[1:]].to_numpy(), want[added[1:]].to_numpy(), rtol=1e-12, atol=0)


def test_predict_matches_stance_predict_row_for_row(client, quotes, tiny_model):
    frame = dd.from_pandas(quotes, npartitions=PARTITIONS)
    scored = stance_dask.predict(frame, model=tiny_model)
    assert scored.npartitions == PARTITIONS and scored.divisions == frame.divisions
    result = scored.compute()
    assert_scored(result, quotes, tiny_model)
    assert result.dtypes.to_dict() == scored.dtypes.to_dict()  # the declared meta is what partitions return


def test_predict_keeps_an_unsorted_index_and_row_order(client, quotes, tiny_model):
    shuffled = quotes.sample(frac=1.0, random_state=3)
    frame = dd.from_pandas(shuffled, npartitions=PARTITIONS, sort=False)
    assert_scored(stance_dask.predict(frame, model=tiny_model).compute(), shuffled, tiny_model)


def test_predict_on_a_series_gives_only_the_labels(client, quotes, tiny_model):
    series = dd.from_pandas(quotes["text"], npartitions=PARTITIONS)
    result = stance_dask.predict(series, model=tiny_model, proba=False).compute()
    assert list(result.columns) == ["predicted_label"]
    pd.testing.assert_index_equal(result.index, quotes.index)
    assert result["predicted_label"].tolist() == stance.predict(quotes["text"], model=tiny_model).tolist()


def test_the_model_is_one_graph_key_shipped_once_per_worker(client, quotes, tiny_model):
    scored = stance_dask.predict(dd.from_pandas(quotes, npartitions=PARTITIONS), model=tiny_model)
    graph = dict(scored.__dask_graph__())
    payload = stance_dask.ModelPayload.of(tiny_model.predictor_)
    holders = [key for key, task in graph.items() if payload.data in pickle.dumps(task)]
    assert len(holders) == 1
    assert sum(holders[0] in getattr(task, "dependencies", ()) for task in graph.values()) == PARTITIONS
    scored.compute()
    loaded = client.run(lambda: list(stance_dask._models))
    assert len(loaded) == 2 and all(payload.digest in digests for digests in loaded.values())


def test_missing_texts_score_as_empty_and_non_text_fails_lazily(client, tiny_model):
    quotes = pd.DataFrame({"text": ["Peace is closer today.", None, ""]}, dtype=object)
    result = stance_dask.predict(dd.from_pandas(quotes, npartitions=1), model=tiny_model).compute()
    assert result["predicted_label"].tolist() == stance.predict(["Peace is closer today.", "", ""], model=tiny_model)
    with dask.config.set({"dataframe.convert-string": False}):  # else Dask turns 42 into "42"
        mixed = dd.from_pandas(pd.DataFrame({"text": ["Peace is closer today.", 42]}, dtype=object), npartitions=1)
    scored = stance_dask.predict(mixed, model=tiny_model)  # nothing is scored yet
    with pytest.raises(StanceInputError, match=r"row with index 1: not text \(int: 42\)"):
        scored.compute()


def test_predict_checks_the_column_and_existing_prediction_columns(quotes, tiny_model):
    frame = dd.from_pandas(quotes, npartitions=2)
    with pytest.raises(StanceInputError, match="no column 'txt'.*did you mean 'text'"):
        stance_dask.predict(frame, column="txt", model=tiny_model)
    with pytest.raises(StanceInputError, match="column 'year' holds int64 values, not text"):
        stance_dask.predict(frame, column="year", model=tiny_model)
    stale = frame.assign(predicted_label="old")
    with pytest.raises(StanceInputError, match="already has column.*predicted_label"):
        stance_dask.predict(stale, model=tiny_model)
    replaced = stance_dask.predict(stale, model=tiny_model, overwrite_columns=True)
    assert replaced.columns.tolist().count("predicted_label") == 1
    with pytest.raises(TypeError, match="Dask DataFrame or Series"):
        stance_dask.predict(quotes, model=tiny_model)


# dask's Parquet reader still calls reset_index/set_index(inplace=True), which pandas 3.1 deprecates.
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.*is deprecated")
def test_predict_files_scores_a_parquet_glob_into_a_parquet_folder(client, tmp_path, quotes, tiny_model):
    archive = tmp_path / "archive"
    archive.mkdir()
    bounds = np.linspace(0, ROWS, 13).astype(int)  # more than ten files: names that sort wrongly as text
    for number, (start, stop) in enumerate(zip(bounds, bounds[1:])):
        quotes.iloc[start:stop].to_parquet(archive / f"year_{number}.parquet")
    (archive / "notes.md").write_text("not matched by the glob")
    output = tmp_path / "scored"
    rows = stance_dask.predict_files(str(archive / "*.parquet"), output, model=tiny_model,
                                     scheduler=client.scheduler.address, progress=None)
    assert rows == ROWS
    assert_scored(pd.read_parquet(output), quotes, tiny_model)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left behind


def test_predict_files_on_csv_agrees_with_the_streaming_csv_path(client, tmp_path, write_csv, tiny_model):
    rows = [["id", "text", "note"], ["007", "Handing Crimea to Russia\nis a surrender.", ""],
            ["008", "", "empty quote"], ["009", "We welcome the call.", "x;y"]]
    first = write_csv(rows, "a.csv", delimiter=";")
    write_csv([rows[0], *rows[1:] * 3], "b.csv", delimiter=";")
    predict_csv(tiny_model.predictor_, first, tmp_path / "a_scored.csv", delimiter=";")
    output = tmp_path / "scored"
    assert stance_dask.predict_files(tmp_path / "?.csv", output, model=tiny_model, scheduler=client.scheduler.address,
                                     progress=None) == 12
    result = pd.read_parquet(output)
    streamed = pd.read_csv(tmp_path / "a_scored.csv", sep=";", dtype=str, keep_default_na=False)
    assert result.columns.tolist() == streamed.columns.tolist()
    assert result.iloc[:3][["id", "text", "note", "predicted_label"]].values.tolist() == \
        streamed[["id", "text", "note", "predicted_label"]].values.tolist()
    assert result["predicted_label"].tolist() == result["predicted_label"].tolist()[:3] * 4


def test_predict_files_without_a_scheduler_starts_a_local_cluster(tmp_path, write_csv, tiny_model):
    write_csv([["text"], ["Guarantees signed by Moscow are worth nothing."], ["We welcome the call."]], "q.csv")
    output = tmp_path / "out"
    assert stance_dask.predict_files(tmp_path / "q.csv", output, model=tiny_model, jobs=1, progress=None) == 2
    assert pd.read_parquet(output)["predicted_label"].tolist() == stance.predict(
        ["Guarantees signed by Moscow are worth nothing.", "We welcome the call."], model=tiny_model)


def test_predict_files_refuses_bad_inputs_and_used_outputs(tmp_path, write_csv, tiny_model):
    with pytest.raises(StanceInputError, match="no file matches"):
        stance_dask.predict_files(tmp_path / "*.parquet", tmp_path / "out", model=tiny_model)
    write_csv([["text"], ["a quote"]], "q.csv")
    (tmp_path / "q.parquet").write_bytes(b"")
    with pytest.raises(StanceInputError, match="not a mix"):
        stance_dask.predict_files(tmp_path / "q.*", tmp_path / "out", model=tiny_model)
    used = tmp_path / "used"
    used.mkdir()
    (used / "part.0.parquet").write_bytes(b"")
    with pytest.raises(StanceInputError, match="not an empty folder"):
        stance_dask.predict_files(tmp_path / "q.csv", used, model=tiny_model)


def test_cli_routes_a_glob_to_dask_and_writes_a_parquet_folder(client, tmp_path, write_csv, tiny_model_file, capsys):
    from stance.cli import main

    write_csv([["text", "id"], ["We welcome the call.", "1"], ["Guarantees signed by Moscow are worth nothing.", "2"]], "a.csv")
    write_csv([["text", "id"], ["Handing Crimea to Russia is a surrender.", "3"]], "b.csv")
    output = tmp_path / "scored"
    code = main(["predict", "--input", str(tmp_path / "*.csv"), "--output", str(output), "--model", str(tiny_model_file),
                 "--scheduler", client.scheduler.address])
    assert code == 0 and "wrote 3 rows" in capsys.readouterr().err
    result = pd.read_parquet(output)
    assert result["id"].tolist() == ["1", "2", "3"]
    assert result["predicted_label"].tolist() == stance.predict(result["text"].tolist(), model=str(tiny_model_file))


@pytest.fixture(scope="module")
def targeted():
    """A model trained with targets on the multi-target data, and test rows including an unseen and a missing target."""
    from pathlib import Path

    from stance.classifier import StanceClassifier

    folder = Path(__file__).parent / "data" / "targets"
    train = pd.read_csv(folder / "train.csv", keep_default_na=False).groupby("target").head(30)
    model = StanceClassifier(target_column="target", temperature=1.0).fit(train[["text", "target"]], train["label"])
    test = pd.read_csv(folder / "test.csv", keep_default_na=False).head(60).reset_index(drop=True)
    test.loc[0, "target"] = ""
    return model, test


def test_predict_with_a_target_column_matches_the_model(client, targeted):
    model, test = targeted
    result = stance_dask.predict(dd.from_pandas(test, npartitions=3), "text", model, target_column="target").compute()
    want = model.predict_proba(test[["text", "target"]])
    np.testing.assert_allclose(result[[f"proba_{c}" for c in model.classes_]].to_numpy(), want, rtol=1e-12, atol=0)
    assert result["predicted_label"].tolist() == model.predict(test[["text", "target"]]).tolist()
    ignoring = stance_dask.predict(dd.from_pandas(test, npartitions=3), "text", model).compute()
    assert not np.allclose(ignoring[[f"proba_{c}" for c in model.classes_]].to_numpy(), want)


def test_a_missing_target_column_is_a_clear_error(targeted):
    model, test = targeted
    with pytest.raises(StanceInputError, match="topic"):
        stance_dask.predict(dd.from_pandas(test, npartitions=2), "text", model, target_column="topic")
    with pytest.raises(StanceInputError, match="a Series has no target column"):
        stance_dask.predict(dd.from_pandas(test["text"], npartitions=2), model=model, target_column="target")


def test_cli_passes_the_target_column_to_dask(client, tmp_path, targeted, capsys):
    from stance.cli import main

    model, test = targeted
    model.save(tmp_path / "m.npz")
    test.iloc[:30].to_csv(tmp_path / "a.csv", index=False)
    test.iloc[30:].to_csv(tmp_path / "b.csv", index=False)
    code = main(["predict", "--input", str(tmp_path / "*.csv"), "--output", str(tmp_path / "scored"), "--model",
                 str(tmp_path / "m.npz"), "--target-column", "target", "--scheduler", client.scheduler.address])
    assert code == 0
    result = pd.read_parquet(tmp_path / "scored")
    assert result["predicted_label"].tolist() == model.predict(test[["text", "target"]]).tolist()
