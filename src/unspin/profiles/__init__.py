"""Spinner profiles: one spinner's dictionary, learned from its output and used again.

``profile`` (the Profile: the learned channel, the shares of readings, the fit), ``fileformat``
(the versioned text file), ``learning`` (observe the pages, then EM), ``attribution`` (which
profile a document fits) and ``commands`` (``unspin learn``, ``unspin profile show``).
"""

from unspin.profiles.fileformat import FORMAT, read, write
from unspin.profiles.profile import Profile, Word

__all__ = ["FORMAT", "Profile", "Word", "read", "write"]
