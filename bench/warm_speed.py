"""Warm speed of one process on 200 spun news_dev paragraphs (wordnet 0.25): restore them once to
fill the caches, then time a second pass.  Run against another checkout with PYTHONPATH=OTHER/src
to compare two versions back to back.

    python bench/warm_speed.py
"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import paragraphs  # noqa: E402  (also puts src/ on the path)
import time
from unspin.restorer import Restorer
from unspin.simulate import spin
lines = paragraphs("dev", 200)
golds = [spin(t, "wordnet", 0, 0.25) for t in lines]
r = Restorer(); r.restore("warm up")
for g in golds: r.restore(g.spun)
words = sum(len(g.spun.split()) for g in golds)
t = time.perf_counter()
for g in golds: r.restore(g.spun)
print(f"warm words/s={words/(time.perf_counter()-t):.0f}")
