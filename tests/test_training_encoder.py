"""Training, checkpoints and export of the encoder (skipped without torch: the ``encoder`` extra).

A model trained here in seconds on toy sentences must learn, export to ONNX matching
torch, and rank the original word above the spinner's at run time.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from unspin.scorers.neural import NeuralScorer, Site, Vocabulary  # noqa: E402
from unspin.simulate import spin  # noqa: E402
from unspin.tokenize import tokenize  # noqa: E402
from unspin.training.config import ModelConfig, TrainConfig  # noqa: E402
from unspin.training.examples import write_pack  # noqa: E402
from unspin.training.export import export, sample_inputs, torch_outputs  # noqa: E402
from unspin.training.model import Encoder, checkpoint_files, load_checkpoint, save_checkpoint  # noqa: E402
from unspin.training.train import train  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "src" / "unspin" / "data"
NAMES = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Clark", "Hall"]
CITIES = ["London", "Paris", "Berlin", "Madrid", "Rome", "Tokyo", "Moscow", "Sydney", "Boston", "Dublin"]
TOY = [f"{name} was in {city} in {year}." for name in NAMES for city in CITIES for year in ("2019", "2020", "2018")]
CONFIG = {
    "name": "test", "seed": 0,
    "model": {"d_model": 32, "layers": 1, "heads": 2, "ff": 64, "max_len": 16, "dropout": 0.0},
    "data": {"mixture": [["wordnet", 1.0], ["clean", 0.1]], "rate": [0.3, 0.4], "single_sentence_share": 1.0,
             "batch_tokens": 256, "readings": 16, "negatives": 32, "identity_share": 0.3, "pool_batches": 4,
             "validation_paragraphs": 20},
    "optim": {"lr": 0.01, "warmup_steps": 10},
    "run": {"max_steps": 150, "log_every": 10, "eval_every": 1000, "threads": 1},
}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("encoder")
    vocabulary = Vocabulary.from_unigrams(BUNDLED / "unigrams.tsv", 2000)
    write_pack(folder / "pack", TOY, TOY[::7], vocabulary, BUNDLED, 16,
               {"sources": [{"file": "toy", "first_line": 0, "paragraphs": len(TOY)}]})
    torch.set_num_threads(1)
    summary = train(TrainConfig.from_dict(CONFIG), folder / "pack", folder / "run", echo=False)
    info = export(folder / "run", folder / "pack", folder / "model")
    return folder, summary, info


def test_encoder_training_loss_drops(trained):
    folder, summary, _info = trained
    losses = [json.loads(line) for line in (folder / "run" / "metrics.jsonl").read_text().splitlines()]
    train_losses = [event["loss"] for event in losses if event["kind"] == "train"]
    assert summary["steps"] == 150 and len(train_losses) == 15
    assert np.mean(train_losses[-3:]) < 0.6 * np.mean(train_losses[:2])
    assert {"config.json", "train.log", "metrics.jsonl", "encoder.safetensors"} <= {
        p.name for p in (folder / "run").iterdir()}


def test_encoder_records_the_families_it_saw_and_validates_the_others(trained):
    """issue 12 leave-out: the checkpoint, encoder.json, the manifest and the runtime say which
    families it was trained on; validation reports the rest as unseen."""
    from unspin.data import read_manifest
    from unspin.registry import families

    folder, summary, info = trained
    others = set(families.names()) - {"wordnet"}
    assert info["fitted_on"]["families"] == ["wordnet"] and set(info["fitted_on"]["unseen_families"]) == others
    assert read_manifest(folder / "model")["files"]["encoder.onnx"]["families"] == ["wordnet"]
    assert set(summary["validation"]) == {"wordnet", "clean"} | others
    assert not summary["validation"]["wordnet"]["unseen"] and summary["validation"]["wordnet-walk"]["unseen"]
    scorer = NeuralScorer(folder / "model")
    assert scorer.families == ("wordnet",) and set(scorer.unseen_families) == others


def test_encoder_onnx_export_matches_torch(trained):
    folder, _summary, info = trained
    differences = info["max_abs_difference"]
    assert max(differences["fp32_vs_torch"]) < 1e-4
    assert max(differences["int8_vs_torch"]) < 0.05
    # and the runtime's own batching against torch on real sentences
    model, _meta = load_checkpoint(folder / "run")
    scorer = NeuralScorer(folder / "model")
    sentence = [t.text for t in tokenize("Smith was successful London successful 2019.").tokens]
    ids, cases = scorer.vocabulary.encode(sentence)
    expected_spun, expected_query = torch_outputs(model, {
        "token_ids": ids[None], "case_ids": cases[None], "mask": np.ones((1, len(ids)), dtype=np.int64),
        "query_index": np.array([2, 2]), "query_word": np.array([scorer.vocabulary.id("in"),
                                                                  scorer.vocabulary.id("successful")])})
    spun = scorer.detect([sentence])[0]
    assert np.allclose(spun, 1 / (1 + np.exp(-expected_spun[0])), atol=0.02)
    score = scorer.score([sentence], [Site(0, 2, 3, (("in",), ("successful",)))])[0]
    expected = expected_query - np.logaddexp(*expected_query)
    assert np.allclose(score, expected / np.log(10), atol=0.02)


def test_encoder_runtime_ranks_the_original_above_the_spun_word(trained):
    folder, _summary, _info = trained
    scorer = NeuralScorer(folder / "model")
    won = total = 0
    for seed in range(10):
        for text in TOY[1::17]:
            result = spin(text, "wordnet", seed, 0.4)
            tokens = tokenize(result.spun).tokens
            sentence = [t.text for t in tokens]
            starts = [t.start for t in tokens]
            for edit in result.edits:
                if " " in edit.spun or " " in edit.original or edit.spun_start not in starts:
                    continue
                i = starts.index(edit.spun_start)
                score = scorer.score([sentence], [Site(0, i, i + 1, ((edit.original.lower(),), (edit.spun.lower(),)))])
                won += int(score[0][0] > score[0][1])
                total += 1
    assert total >= 10 and won / total >= 0.8
    spun_sentence = [t.text for t in tokenize("Smith was successful London successful 2019.").tokens]
    site = scorer.score([spun_sentence], [Site(0, 2, 3, (("in",), ("successful",)))])[0]
    assert site[0] > site[1]


def test_encoder_detector_flags_spun_words_more_than_kept_ones(trained):
    _folder, summary, _info = trained
    wordnet = summary["validation"]["wordnet"]
    assert wordnet["detect_auc"] > 0.8


def test_encoder_training_repeats_exactly(tmp_path, trained):
    folder, _summary, _info = trained
    short = {**CONFIG, "run": {**CONFIG["run"], "max_steps": 4, "log_every": 2}}
    runs = []
    for name in ("a", "b"):
        train(TrainConfig.from_dict(short), folder / "pack", tmp_path / name, echo=False)
        runs.append([json.loads(line)["loss"] for line in (tmp_path / name / "metrics.jsonl").read_text().splitlines()
                     if json.loads(line)["kind"] == "train"])
    assert runs[0] == runs[1]


@pytest.mark.parametrize("name", ["tiny", "cpu", "gpu"])
def test_encoder_parameter_count_formula(name):
    config = TrainConfig.load(ROOT / "configs" / "encoder" / f"{name}.json").model_config(50_000)
    assert sum(p.numel() for p in Encoder(config).parameters()) == config.parameters()


def test_encoder_checkpoint_shards_round_trip(tmp_path):
    torch.manual_seed(0)
    model = Encoder(ModelConfig(vocab_size=500, d_model=16, layers=1, heads=2, ff=32, max_len=16))
    paths = save_checkpoint(tmp_path, model, {"note": "x"}, max_shard_bytes=8_000)  # the word table is split
    assert len(paths) > 2 and all(p.stat().st_size < 8_000 + 2_000 for p in paths)
    loaded, meta = load_checkpoint(tmp_path)
    assert meta == {"note": "x"}
    for (name, a), (_n, b) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert torch.equal(a, b), name
    inputs = sample_inputs(500, 16)
    model.eval()
    for a, b in zip(torch_outputs(model, inputs), torch_outputs(loaded, inputs)):
        assert np.array_equal(a, b)


def test_encoder_checkpoints_are_safetensors_not_pickle(trained):
    folder, _summary, _info = trained
    for path in checkpoint_files(folder / "run"):
        head = path.read_bytes()[:9]
        assert int.from_bytes(head[:8], "little") > 0 and head[8:9] == b"{"  # safetensors header


def test_encoder_code_never_uses_pickle():
    sources = [*(ROOT / "src" / "unspin" / "training").glob("*.py"), *(ROOT / "src" / "unspin" / "scorers").glob("*.py"),
               *(ROOT / "scripts").glob("*encoder*"), ROOT / "bench" / "encoder_speed.py"]
    pattern = re.compile(r"torch\.(save|load)\(|import pickle|allow_pickle=True|weights_only=False")
    assert sources and not [p.name for p in sources if pattern.search(p.read_text(encoding="utf-8"))]
