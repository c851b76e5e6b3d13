from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny_model"
BUNDLED = ROOT / "src" / "unspin" / "data"


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
