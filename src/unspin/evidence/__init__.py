"""Document evidence: what is known about each reading of a changed span, beyond the decoder.

``facts`` (gathered once per document), ``cues`` (pronoun and tense), ``agreement`` (what the
other occurrences of a word say, in a document or a whole corpus), ``readings`` (the Evidence
of each reading) and ``features`` (Evidence as the calibration trees' inputs).
"""

from unspin.evidence.agreement import Agreement, family_shares
from unspin.evidence.facts import DocumentFacts, document_facts
from unspin.evidence.features import FEATURES, features
from unspin.evidence.readings import MIN_POSTERIOR, Evidence, readings

__all__ = ["FEATURES", "MIN_POSTERIOR", "Agreement", "DocumentFacts", "Evidence", "document_facts",
           "family_shares", "features", "readings"]
