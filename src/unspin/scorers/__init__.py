"""Scorers that judge the readings of a site beside the n-gram model (``unspin.lm``).

``neural``  a small transformer encoder that reads the whole spun sentence: the
            probability that a spinner wrote each word, and the probability of each
            candidate reading at a site (onnxruntime, CPU; built by scripts/train_encoder.py
            and scripts/export_encoder.py, see docs/encoder.md).  Registered as the scorer
            "neural" (``language_model`` False: evidence, the restorer does not read it yet).
"""
