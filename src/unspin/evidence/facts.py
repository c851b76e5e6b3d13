"""What the evidence of every proposal in one document draws on: facts gathered once per document."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from unspin.candidates import lemmas
from unspin.evidence.cues import tenses
from unspin.lm import LanguageModel
from unspin.tokenize import is_word
from unspin.topics import Context as TopicContext
from unspin.topics import Topics
from unspin.types import Document


@dataclass(frozen=True)
class DocumentFacts:
    """What the evidence of every proposal in one document draws on."""

    rate: float
    pairs: Counter  # (observed, restored words) -> restorations in pass one
    present: frozenset
    related: frozenset
    counts: Counter
    topics: TopicContext | None
    lm: LanguageModel
    lexicon: object
    tenses: tuple[int, int]  # past and present verb forms in the document
    first_pass: object = None  # what pass one said of the spinner's habits (candidates.FirstPass; None: no pass one)
    chooses_anew: float | None = None  # P(its spinner chooses anew at every occurrence), from pass one and the prior


def document_facts(document: Document, lexicon, lm: LanguageModel, rate: float, pairs: Counter,
                   topics: Topics | None) -> DocumentFacts:
    """The facts of one document, once its spin rate and pass-one restorations are known."""
    counts = Counter(t.norm for t in document.tokens if is_word(t.text))
    return DocumentFacts(rate, pairs, present(document, lexicon), related(counts), counts,
                         topics.context(counts) if topics is not None else None, lm, lexicon, tenses(counts))


def present(document, lexicon) -> frozenset:
    """Lowercase words the document uses as they stand.

    Words inside a multi-word run that the channel lists as a replacement ("in order to",
    "he or she") are left out: the run may be a spinner's output, so its words are no
    evidence that the spinner left them alone.
    """
    tokens = document.tokens
    longest = lexicon.max_replacement_words
    found = set()
    i = 0
    while i < len(tokens):
        run = replacement_run(tokens, i, lexicon, longest)
        if run:
            i += run
            continue
        if tokens[i].text[:1].islower():
            found.add(tokens[i].norm)
        i += 1
    return frozenset(found)


def replacement_run(tokens, i: int, lexicon, longest: int) -> int:
    """Length of the longest multi-word replacement starting at token ``i`` (0 if none)."""
    words = []
    best = 0
    for token in tokens[i : i + longest]:
        if not is_word(token.text):
            break
        words.append(token.norm)
        if len(words) > 1 and lexicon.is_replacement(" ".join(words)):
            best = len(words)
    return best


def related(counts: Counter) -> frozenset:
    """Words of the document and their lemmas (topic support for a restored word)."""
    return frozenset(counts).union(*(lemmas(word) for word in counts))
