import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny_model"
BUNDLED = ROOT / "src" / "unspin" / "data"
CORPUS = Path(os.environ.get("UNSPIN_CORPUS") or ROOT.parent / "shared" / "corpus")


@pytest.fixture(scope="session")
def tiny_restorer():
    from unspin.lm import ArpaModel
    from unspin.restorer import Restorer

    return Restorer(TINY, lm=ArpaModel(TINY / "lm.arpa"))


@pytest.fixture(scope="session")
def real_restorer():
    from unspin.restorer import Restorer

    if not (BUNDLED / "lm.binary").exists():
        pytest.fail("the bundled model src/unspin/data/lm.binary is missing")
    return Restorer()


@pytest.fixture(scope="session")
def family_data():
    """The independent spinner families' shipped data, loaded once: name -> resources."""
    from unspin.simulate import resources_for

    return {name: resources_for(name, str(BUNDLED)) for name in ("wordnet-walk", "thesaurus-b")}


@pytest.fixture(scope="session")
def news_sample():
    """The first 150 paragraphs of a training news file (never eval/), tokenized."""
    import lzma

    from unspin.tokenize import tokenize

    path = CORPUS / "bbc_news.txt.xz"
    if not path.exists():
        pytest.skip("the training corpus is not available")
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for _, line in zip(range(150), handle)]
    return [tokenize(line) for line in lines if line.strip()]
