"""Checkpoint -> the runtime's files: encoder.onnx, encoder.vocab, encoder.json.

The float32 graph (``Encoder.forward``: token ids, case ids, mask and (flat token, word)
queries -> spun logits and query logits; batch, length and queries are dynamic) is
exported with torch's TorchScript-based exporter, then its weights are stored smaller
(``shrink``: int8 weights with per-channel scales by default).  The export checks
the result against torch on a fixed random batch and records the largest differences in
encoder.json with what the model was fitted on; the folder's MANIFEST.json gets an entry
for each file (``unspin.data.update_manifest``).
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from dataclasses import asdict
from pathlib import Path

import numpy as np

from unspin.data import sha256, update_manifest
from unspin.errors import UnspinError
from unspin.scorers.neural import CASES, FORMAT, INFO_FILE, INPUTS, MODEL_FILE, OUTPUTS, VOCAB_FILE, Vocabulary
from unspin.training import require_torch
from unspin.training.config import CLEAN
from unspin.training.model import checkpoint_files, load_checkpoint

OPSET = 17
QUANTIZATIONS = ("int8", "int8-dynamic", "fp16", "fp32")


def sample_inputs(vocab_size: int, max_len: int, seed: int = 0, batch: int = 3) -> dict[str, np.ndarray]:
    """A fixed random batch (rows of different lengths) with queries at every token."""
    rng = np.random.default_rng(seed)
    length = min(max_len, 12)
    lengths = [length, max(1, length - 3), max(1, length // 2)][:batch]
    token_ids = rng.integers(3, vocab_size, size=(batch, length))
    case_ids = rng.integers(1, CASES, size=(batch, length))
    mask = np.zeros((batch, length), dtype=np.int64)
    for row, n in enumerate(lengths):
        mask[row, :n] = 1
    token_ids, case_ids = token_ids * mask, case_ids * mask
    flat = np.flatnonzero(mask.reshape(-1))
    query_index = np.repeat(flat, 2)
    query_word = rng.integers(3, vocab_size, size=len(query_index))
    return dict(zip(INPUTS, (token_ids.astype(np.int64), case_ids.astype(np.int64), mask, query_index.astype(np.int64),
                             query_word.astype(np.int64))))


def torch_outputs(model, inputs: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    torch = require_torch()
    with torch.no_grad():
        spun, query = model(*(torch.from_numpy(inputs[name]) for name in INPUTS))
    return spun.numpy(), query.numpy()


def onnx_outputs(path: Path, inputs: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    from unspin.scorers.neural import session

    spun, query = session(path).run(list(OUTPUTS), inputs)
    return spun, query


def export_fp32(model, path: Path) -> None:
    torch = require_torch()
    inputs = sample_inputs(model.config.vocab_size, model.config.max_len)
    args = tuple(torch.from_numpy(inputs[name]) for name in INPUTS)
    dynamic = {"token_ids": {0: "batch", 1: "length"}, "case_ids": {0: "batch", 1: "length"},
               "mask": {0: "batch", 1: "length"}, "query_index": {0: "queries"}, "query_word": {0: "queries"},
               "spun_logit": {0: "batch", 1: "length"}, "query_logit": {0: "queries"}}
    model.use_fused_attention(False)
    with warnings.catch_warnings():  # torch 2.13 calls this exporter legacy; it is the one without onnxscript
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(model, args, str(path), input_names=list(INPUTS), output_names=list(OUTPUTS),
                          dynamic_axes=dynamic, opset_version=OPSET, dynamo=False, do_constant_folding=True)


def shrink(source: Path, target: Path, quantization: str) -> None:
    """Store the weights smaller.

    ``int8``: every float matrix of 4,096 values or more becomes int8 with one scale per
    row (Gather tables) or per output column (MatMul weights) and a DequantizeLinear
    node; the runtime folds those into float32 weights when it loads the model
    (``session.disable_quant_qdq``), so the arithmetic is float32 and a sentence's
    scores do not depend on what else is in its batch.  ``int8-dynamic``: onnxruntime's
    dynamic quantization (int8 arithmetic, activations scaled per batch).  ``fp16``:
    weights stored as float16 and cast to float32 at load.  ``fp32``: unchanged.
    """
    if quantization == "fp32":
        os.replace(source, target)
        return
    if quantization == "int8-dynamic":
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Gather"])
        return
    if quantization not in QUANTIZATIONS:
        raise UnspinError("E030", f"quantization must be one of {', '.join(QUANTIZATIONS)}")
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(source))
    graph = model.graph
    gathered = {node.input[0] for node in graph.node if node.op_type == "Gather"}
    for initializer in list(graph.initializer):
        if initializer.data_type != onnx.TensorProto.FLOAT:
            continue
        weights = numpy_helper.to_array(initializer)
        name = initializer.name
        if quantization == "fp16":
            stored = [numpy_helper.from_array(weights.astype(np.float16), name + "_fp16")]
            node = helper.make_node("Cast", [name + "_fp16"], [name], to=onnx.TensorProto.FLOAT)
        elif weights.ndim == 2 and weights.size >= 4096:
            axis = 0 if name in gathered else 1
            scale = np.maximum(np.abs(weights).max(axis=1 - axis) / 127.0, 1e-12).astype(np.float32)
            quantized = np.clip(np.round(weights / np.expand_dims(scale, 1 - axis)), -127, 127).astype(np.int8)
            stored = [numpy_helper.from_array(quantized, name + "_int8"), numpy_helper.from_array(scale, name + "_scale")]
            node = helper.make_node("DequantizeLinear", [name + "_int8", name + "_scale"], [name], axis=axis)
        else:
            continue
        graph.initializer.remove(initializer)
        graph.initializer.extend(stored)
        graph.node.insert(0, node)
    onnx.save(model, str(target))


def export(checkpoint: Path, pack: Path, out: Path, quantization: str = "int8", max_mb: float = 60.0) -> dict:
    """Write encoder.onnx, encoder.vocab and encoder.json into ``out``; returns encoder.json."""
    model, meta = load_checkpoint(checkpoint)
    vocab_text = (Path(pack) / VOCAB_FILE).read_bytes()
    vocab_sha = sha256(Path(pack) / VOCAB_FILE)
    if vocab_sha != meta["pack"]["vocab_sha256"]:
        raise UnspinError("E022", f"{pack / VOCAB_FILE} is not the vocabulary the checkpoint was trained with")
    if len(Vocabulary.load(Path(pack) / VOCAB_FILE)) != model.config.vocab_size:
        raise UnspinError("E022", "the vocabulary and the checkpoint differ in size")
    out.mkdir(parents=True, exist_ok=True)
    inputs = sample_inputs(model.config.vocab_size, model.config.max_len, seed=1)
    expected = torch_outputs(model, inputs)
    with tempfile.TemporaryDirectory(dir=out) as scratch:
        fp32 = Path(scratch) / "fp32.onnx"
        export_fp32(model, fp32)
        fp32_out = onnx_outputs(fp32, inputs)
        partial = Path(scratch) / MODEL_FILE
        shrink(fp32, partial, quantization)
        shrunk_out = onnx_outputs(partial, inputs)
        size = partial.stat().st_size
        if size > max_mb * 1e6:
            raise UnspinError("E030", f"the exported encoder is {size / 1e6:.1f} MB, over {max_mb} MB")
        os.replace(partial, out / MODEL_FILE)
    (out / VOCAB_FILE).write_bytes(vocab_text)
    checkpoint_sha = {p.name: sha256(p) for p in checkpoint_files(Path(checkpoint))}
    families = meta.get("families", [name for name, _weight in meta["mixture"] if name != CLEAN])
    unseen = meta.get("unseen_families", [])
    info = {
        "format": FORMAT, "model": asdict(model.config), "vocab_sha256": vocab_sha, "quantization": quantization,
        "opset": OPSET, "inputs": list(INPUTS), "outputs": list(OUTPUTS),
        "fitted_on": {"families": families, "unseen_families": unseen, "mixture": meta["mixture"],
                      "data": meta["pack"], "name": meta["name"],
                      "steps": meta.get("step"), "tokens": meta.get("tokens"), "config": meta["config"],
                      "validation": meta.get("validation")},
        "checkpoint": checkpoint_sha,
        "max_abs_difference": {
            "fp32_vs_torch": [float(np.abs(a - b).max()) for a, b in zip(fp32_out, expected)],
            f"{quantization}_vs_torch": [float(np.abs(a - b).max()) for a, b in zip(shrunk_out, expected)]},
    }
    partial_info = out / (INFO_FILE + ".part")
    partial_info.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial_info, out / INFO_FILE)
    record = {"built_by": "scripts/export_encoder.py", "source": f"checkpoint {meta['name']} step {meta.get('step')} "
              f"({', '.join(sorted(checkpoint_sha))})", "training_config": meta["config"],
              "families": families, "unseen_families": unseen,
              "data": [s.get("file") for s in meta["pack"].get("sources") or []]}
    update_manifest(out, MODEL_FILE, {**record, "format": f"onnx opset {OPSET}, {quantization}"})
    update_manifest(out, VOCAB_FILE, {"built_by": "scripts/pack_encoder_data.py", "format": "unspin.encoder-vocab/1",
                                      "source": "the commonest words of unigrams.tsv"})
    update_manifest(out, INFO_FILE, {"built_by": "scripts/export_encoder.py", "format": FORMAT})
    return info
