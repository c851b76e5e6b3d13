"""Speed and F0.5 of one setting: 200 news_dev paragraphs (wordnet 0.25) + 100 (thesaurus 0.25),

one paragraph per document, one process.  BEAM_SIZE / MAX_CANDIDATES override the defaults.

    BEAM_SIZE=6 python bench/quick_speed.py
"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import paragraphs  # noqa: E402  (also puts src/ on the path)
import os, time
from unspin.restorer import Restorer
from unspin.simulate import spin
from unspin.evaluate import judge
from collections import Counter
lines = paragraphs("dev", 200)
golds = [spin(t, "wordnet", 0, 0.25) for t in lines] + [spin(t, "thesaurus", 0, 0.25) for t in lines[:100]]
kw = {k: type(v)(os.environ[k.upper()]) for k, v in {"beam_size": 6, "max_candidates": 20}.items() if k.upper() in os.environ}
r = Restorer(**kw); r.restore("warm up")
t = time.perf_counter(); res = [r.restore(g.spun) for g in golds]; el = time.perf_counter() - t
words = sum(len(g.spun.split()) for g in golds)
c = Counter(j.kind for g, x in zip(golds[:200], res[:200]) for j in judge(g, x))
p = c["fixed"] / max(1, c["fixed"] + c["wrong"] + c["false"]); rc = c["fixed"] / max(1, c["fixed"] + c["wrong"] + c["missed"])
print(kw, f"words/s={words/el:.0f} wordnetF0.5={1.25*p*rc/(0.25*p+rc):.3f}")
