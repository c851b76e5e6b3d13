"""What the encoder says about a document's sites: how likely each reading is given the whole
sentence (not four words of it), and how likely each word is a spinner's.

One onnxruntime pass per document (``unspin.scorers.neural``) reads every sentence that holds
a site; the trees get the scores as evidence beside the n-gram's posteriors.
"""

from __future__ import annotations

from dataclasses import dataclass

from unspin.scorers.neural import NeuralScorer
from unspin.scorers.neural import Site as ScoredSite
from unspin.tokenize import is_word
from unspin.types import Site


@dataclass(frozen=True)
class SiteView:
    """The encoder on one site: log10 P(reading | sentence) of each reading (normalised over
    the site's readings, the kept words included) and the highest P(spun) of its tokens."""

    scores: dict[tuple[str, ...], float]
    detect: float


@dataclass(frozen=True)
class NeuralView:
    """The encoder on one document: each site's view, and the mean P(spun) of its words."""

    sites: dict[tuple[int, int, int], SiteView]  # (id of the sentence's tokens, begin, end) -> view
    document: float

    def at(self, site: Site) -> SiteView | None:
        return self.sites.get((id(site.tokens), site.arc.begin, site.arc.end))


def assess(scorer: NeuralScorer, sentences: list[tuple], sites: list[Site]) -> NeuralView:
    """The encoder's view of ``sites`` (each site's readings, the kept words among them) in
    the document whose sentences (token tuples) are ``sentences``."""
    index = {id(tokens): i for i, tokens in enumerate(sentences)}
    surfaces = [[token.text for token in tokens] for tokens in sentences]
    wanted, keys = [], []
    for site in sites:
        key = (id(site.tokens), site.arc.begin, site.arc.end)
        if key in keys or id(site.tokens) not in index:
            continue
        readings = tuple(dict.fromkeys(arc.candidate.words for arc, _p in site.ranked))
        wanted.append(ScoredSite(index[id(site.tokens)], site.arc.begin, site.arc.end, readings))
        keys.append(key)
    spun, scores = scorer.run(surfaces, wanted, detect=True)
    words = [p for tokens, probabilities in zip(sentences, spun)
             for token, p in zip(tokens, probabilities) if is_word(token.text)]
    views = {key: SiteView(dict(zip(site.readings, map(float, values))),
                           float(max(spun[site.sentence][site.begin : site.end])))
             for key, site, values in zip(keys, wanted, scores)}
    return NeuralView(views, float(sum(words) / len(words)) if words else 0.0)
