"""Spinner families: one module each, registered in ``unspin.registry.families``.

Adding a family is one module here (``load``, ``plan`` and a ``families.register(...)`` call;
shared helpers in ``base``) plus its import line below.  The registry lists the families in
the order of these lines.
"""

from unspin.families import wordnet  # noqa: F401  (each module registers its family)
from unspin.families import thesaurus  # noqa: F401
from unspin.families import tortured  # noqa: F401
from unspin.families import wordnet_walk  # noqa: F401
from unspin.families import thesaurus_b  # noqa: F401
from unspin.families import paper_mill  # noqa: F401
from unspin.families import mixed  # noqa: F401
