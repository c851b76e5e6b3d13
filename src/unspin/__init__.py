"""unspin: find and undo the word substitutions of automatic text spinners."""

__version__ = "0.1.0"

from unspin.restorer import Restorer, Settings, restore  # noqa: E402
from unspin.types import Edit, Restoration  # noqa: E402

__all__ = ["Edit", "Restoration", "Restorer", "Settings", "restore", "__version__"]
