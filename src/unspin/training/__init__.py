"""Build-time code for the neural scorer (``unspin.scorers.neural``); see docs/encoder.md.

``config``    the training configuration (configs/encoder/*.json) as dataclasses
``examples``  packed corpus text -> spun training examples and batches (numpy, no torch)
``model``     the transformer encoder and its safetensors checkpoints (torch)
``train``     the training configuration and loop (torch)
``export``    checkpoint -> ONNX (fp32, then int8 or fp16) + vocabulary + encoder.json

Everything but ``config`` and ``examples`` needs the ``encoder`` extra (torch==2.13.0); the runtime never
imports this package.
"""


def require_torch():
    """torch, or a coded error that says how to install it."""
    try:
        import torch
    except ImportError as error:
        from unspin.errors import UnspinError

        raise UnspinError("E060", str(error)) from error
    return torch
