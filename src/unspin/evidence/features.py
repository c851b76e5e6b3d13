"""The evidence of one reading as named numbers: the calibration trees' inputs."""

from __future__ import annotations

import math

from unspin import relations
from unspin.evidence.readings import Evidence

LOGIT_LIMIT = 12.0
# Where the agreement was gathered (Evidence.corpus) as the "corpus" feature: the document 0,
# corpus mode 1, a spinner profile -1, so that trees fitted before profiles (split at 0.5) read
# profile evidence as a document's own, and trees fitted on the profile sets can tell it apart.
SOURCE_VALUES = {0: 0.0, 1: 1.0, 2: -1.0}  # False and True index as 0 and 1


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return max(-LOGIT_LIMIT, min(LOGIT_LIMIT, math.log(p / (1 - p))))


def neural_features(e: Evidence) -> dict[str, float]:
    """The encoder's evidence (all 0 with ``neural_known`` 0 when it was off)."""
    known = e.neural is not None and e.neural_keep is not None
    return {"neural_known": float(known),
            "neural": e.neural if known else 0.0,
            "neural_gap": e.neural - e.neural_keep if known else 0.0,
            "neural_keep": e.neural_keep if known else 0.0,
            "detect": e.detect if e.detect is not None else 0.0,
            "detect_document": e.detect_document if e.detect_document is not None else 0.0}


def features(e: Evidence) -> dict[str, float]:
    """Named feature values of one edit (the model's inputs)."""
    base = relations.base(e.relation)
    inflected = relations.inflected(e.relation)
    values = {
        "logit_posterior": logit(e.posterior),
        "logit_keep": logit(e.keep),
        "logit_family": logit(e.family),
        "logit_rival": logit(e.rival),
        "log10_share": e.log10_share,
        "observed_unigram": e.observed_unigram,
        "restored_unigram": e.restored_unigram,
        "pooled": math.log2(1 + e.pooled),
        "present": float(e.present),
        "related": float(e.related),
        "observed_count": math.log2(max(1, e.observed_count)),
        "topic_gain": e.topic_gain or 0.0,
        "topic_known": float(e.topic_gain is not None),
        "observed_spinnable": float(e.observed_spinnable),
        "capitalised": float(e.capitalised),
        "log10_rate": math.log10(max(e.rate, 1e-4)),
        "observed_words": float(e.observed_words),
        "restored_words": float(e.restored_words),
        "inflection": float(inflected),
        "inflection_x_logit_family": float(inflected) * logit(e.family),
        "logit_lemma_family": logit(e.lemma_family),
        "agree": e.agree,
        "agree_family": e.agree_family,
        "others": math.log2(1 + e.others),
        "claimed": e.claimed,
        "gender_cue": e.gender_cue,
        "tense_cue": e.tense_cue,
        "verb_tense_cue": e.verb_tense_cue,
        "corpus": SOURCE_VALUES[e.corpus],
        "article": float(e.article),
        "neighbours": float(e.neighbours),
        **neural_features(e),
    }
    for name in relations.FEATURE_RELATIONS:
        values["relation_" + name] = float(base == name)
    values["posterior_x_unigram_gap"] = values["logit_posterior"] * (e.restored_unigram - e.observed_unigram)
    return values


FEATURES = tuple(features(Evidence("synonym", .5, .5, .5, .5, 0, 0, 0, 0, False, False, 1, None, False, False, .1, 1, 1)))
