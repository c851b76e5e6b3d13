"""Quick development loop (news_dev only): spin N paragraphs, 5 per document, restore, score,

and list the most frequent errors.  Settings come from the environment (THR, RATE, CAND, MODEL).

    python bench/quick_dev.py [N] [profile] [rate] [how many errors to list]
"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import paragraphs  # noqa: E402  (also puts src/ on the path)
import time
from collections import Counter
from unspin.restorer import Restorer
from unspin.simulate import spin
from unspin.evaluate import judge

n = int(sys.argv[1]) if len(sys.argv) > 1 else 150
profile = sys.argv[2] if len(sys.argv) > 2 else "wordnet"
rate = float(sys.argv[3]) if len(sys.argv) > 3 else 0.25
lines = paragraphs("dev", n)
import os
r = Restorer(os.environ.get("MODEL"), **({"threshold": float(os.environ["THR"])} if "THR" in os.environ else {}), **({"spin_rate": float(os.environ["RATE"])} if "RATE" in os.environ else {}), **({"max_candidates": int(os.environ["CAND"])} if "CAND" in os.environ else {}))
r.restore("warm up")
judgements = []
t = time.time(); words = 0
golds = []
for i in range(0, n, 5):
    text = "\n".join(lines[i:i+5])
    g = spin(text, profile=profile, seed=i, rate=rate)
    golds.append(g)
t = time.time()
for g in golds:
    res = r.restore(g.spun)
    words += len(g.spun.split())
    judgements += judge(g, res)
el = time.time() - t
c = Counter(j.kind for j in judgements)
fixed, wrong, missed, false = c["fixed"], c["wrong"], c["missed"], c["false"]
p = fixed / max(1, fixed + wrong + false); rc = fixed / max(1, fixed + wrong + missed)
f = 1.25 * p * rc / max(1e-9, 0.25 * p + rc)
print(f"{profile} {rate}: sites={fixed+wrong+missed} fixed={fixed} wrong={wrong} missed={missed} false={false} P={p:.3f} R={rc:.3f} F0.5={f:.3f} words/s={words/el:.0f}")
bad = Counter((j.kind, j.spun.lower(), j.restored.lower(), j.original.lower()) for j in judgements if j.kind in ("wrong", "false", "missed"))
for k, v in bad.most_common(int(sys.argv[4]) if len(sys.argv) > 4 else 40):
    print(v, k)
