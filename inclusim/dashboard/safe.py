"""Text from a leader or a file, shown on the page as the text it is: the dashboard's one home of escaping.

Two kinds of widget show text. Solara's text widgets (``solara.Text``, ``Error``, ``Info``,
``Warning``, a card's title, a select's choices, a button's label) hand it to the browser as text:
nothing in it is read as HTML. ``solara.Markdown`` does not: its Markdown becomes HTML that is put
into a Vue template, so a ``<img onerror=...>`` in it runs, and so does ``{{ ... }}`` (Vue reads it
as an expression, also when written with character references). Any text that comes from a user
or a file and goes into Markdown goes through :func:`literal`; any message that comes from a file
or the model (an error) goes through :func:`one_line`, whatever widget shows it.
"""

from __future__ import annotations

import re

#: At most this many characters of one message on the page (an error about an office file, a run).
MESSAGE_CHARS = 300

#: Control characters and line or paragraph separators: a message is one line.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text, limit: int = MESSAGE_CHARS) -> str:
    """``text`` as one line (line breaks and control characters become a space) of at most ``limit``
    characters (a longer one is cut, ending in '...')."""
    text = _BREAKS.sub(" ", str(text)).strip()
    return text if len(text) <= limit else text[:limit - 3] + "..."


def literal(text, limit: int | None = None) -> str:
    """Markdown that shows ``text`` as it is: on one line (at most ``limit`` characters when given),
    every character other than a letter, a digit or a space written as a character reference (so
    neither Markdown nor HTML reads it: ``*``, ``|``, ``<`` stay what they are), inside an element
    Vue does not compile (``v-pre``), so that ``{{ ... }}`` stays text too."""
    text = one_line(text, limit) if limit else _BREAKS.sub(" ", str(text))
    return "<span v-pre>" + "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text) + "</span>"
