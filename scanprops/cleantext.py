"""Text from elsewhere made safe to show: no control characters, Unix line ends, valid UTF-8.
Used for failure messages in result files (scanprops/results/feedback.py) and for what a
submission printed (scanprops/isolation.py `Executor.printed`)."""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(text: str) -> str:
    """Unix line ends, no control characters, no lone surrogates: text any platform shows
    as is and any JSON encoder writes in at most 4 bytes a character (escaped control
    characters would take 6)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("\ufffd", text)
    return text.encode("utf-8", "replace").decode("utf-8")
