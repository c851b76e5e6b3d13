"""A restorer for the server's timeout test; worker processes import it (tests/ is on their path)."""

from unspin.types import Restoration

HOARD_MB = 300


class HogRestorer:
    """Answers at once, except for a text containing "hog": it then takes memory and CPU, forever."""

    signature = "unspin:test|hog"

    def __init__(self, model=None) -> None:
        self.model = model

    def restore(self, text: str, **settings) -> Restoration:
        if "hog" in text:
            hoard = [b"x" * (1 << 20) for _ in range(HOARD_MB)]  # written, so resident
            while hoard:
                pass
        return Restoration(text, text, (), 0.0, self.signature)

    def info(self) -> dict:
        return {"version": "test", "files": {}, "signature": self.signature}
