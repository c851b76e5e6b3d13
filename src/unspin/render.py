"""Human-readable views of a Restoration: inline diff, coloured on a terminal."""

from __future__ import annotations

from unspin.types import Restoration

RED, GREEN, DIM, RESET = "\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[0m"


def render_diff(result: Restoration, color: bool = False) -> str:
    """The text with each edit shown as ``[-spun-]{+restored+}`` (or in colour)."""
    parts = []
    position = 0
    for edit in result.edits:
        parts.append(result.text[position : edit.start])
        if color:
            parts.append(f"{RED}{edit.spun}{RESET}{GREEN}{edit.restored}{RESET}"
                         f"{DIM}({edit.confidence:.2f}){RESET}")
        else:
            parts.append(f"[-{edit.spun}-]{{+{edit.restored}+}}")
        position = edit.end
    parts.append(result.text[position:])
    return "".join(parts)
