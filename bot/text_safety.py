"""Making what people type safe for the bot to repeat on any platform.

Two steps, kept apart because they answer different questions:

- `clean_text` decides whether the text is acceptable *to store*: it tidies it (Unicode NFC, one
  kind of line break, no hidden control or formatting characters), and refuses it, kindly and with
  the text handed back, when nothing is left or it is too long.
- `neutralise` makes stored text harmless *to repeat*: nobody can be pinged, no link can hide its
  address behind a label, and no markup can restyle the bot's message, on any platform, while the
  words stay readable.

`quote` does both, for the common case of repeating fresh input straight away.

What `neutralise` leaves to the adapters: `<`, `>` and `&` stay as plain characters, and so does
any platform's own syntax (a mention or broadcast written the way one platform writes it). Each
adapter's renderer writes its platform's syntax out as what it shows (with `mention` and
`link_text` below, and `neutralise` for the words in it) and escapes those characters for its own
format; a terminal needs neither. Escaping here would double-escape on one platform or
under-escape on another, and no platform's syntax means anything on another.

How markup is neutralised, and why this way: the characters that format text in Slack mrkdwn or
Markdown (`*`, `_`, `~`, the backtick, `|`, and a `>` or `#` at the start of a line) are replaced by
look-alike characters that no platform treats as markup (see `MARKUP_LOOKALIKES`). The two other
options fail somewhere: a backslash escape is Markdown-only and Slack shows the backslash, and a
zero-width joiner next to `*` or `_` does not stop CommonMark emphasis (its flanking rules treat
the joiner like a letter). A different character is inert everywhere, and still reads as what the
person wrote. Inside web addresses nothing is replaced, so links keep working; GFM's rule for
where an address ends is used, so trailing punctuation is still neutralised.

Mentions are different: an `@` is kept (it reads as itself) but gets U+2060 WORD JOINER right
after it, so no platform's mention parser sees `@channel` or `@Name`. Email addresses get the
joiner too; that is the price of never pinging anyone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

WORD_JOINER = "\u2060"

MARKUP_LOOKALIKES: dict[str, str] = {
    "*": "\u2217",  # ∗ ASTERISK OPERATOR
    "_": "\u02cd",  # ˍ MODIFIER LETTER LOW MACRON
    "~": "\u223c",  # ∼ TILDE OPERATOR
    "`": "\u02cb",  # ˋ MODIFIER LETTER GRAVE ACCENT
    "|": "\u2223",  # ∣ DIVIDES
}
"""Inline markup characters and their stand-ins. None of the stand-ins folds back to the original
under NFKC, so a platform that normalises text cannot bring the markup back."""

QUOTE_LOOKALIKE = "\u203a"  # › for a `>` that would start a block quote
HEADING_LOOKALIKE = "\u266f"  # ♯ for a `#` that would start a heading
RULE_LOOKALIKES = {"-": "\u2500", "=": "\u2550"}  # ─ ═ for lines that would underline or rule

_AT_SIGNS = "@\uff20\ufe6b"  # @, full-width ＠, small ﹫: all read as "at" by some platform

_ZERO_WIDTH_JOINERS = ("\u200c", "\u200d")
"""ZWNJ and ZWJ are needed inside emoji sequences (👨‍👩‍👧) and in Arabic-script and Indic
writing, so they are kept between two non-ASCII characters. Between ASCII letters they only serve
to disguise words (`@every‍one`), so there they go."""

_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
"""Hangul fillers: letters that draw nothing, a favourite for blank-looking names and text."""

_BREAKS_AND_TABS = str.maketrans(
    {
        "\r": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
        "\x85": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "\t": " ",
    }
)

_FLAG_TAGS = (
    "\U0001f3f4[\U000e0061-\U000e007a]{2}[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,4}"
    "\U000e007f"
)
"""A subdivision flag (🏴 + tag letters + cancel tag), such as Wales or Scotland. Tag characters
anywhere else are invisible and can smuggle hidden text, so they are dropped."""

_SUSPECT = re.compile(f"(?P<flag>{_FLAG_TAGS})|[^\\n\\x20-\\x7e]")
"""Everything that is not plain printable ASCII gets a closer look; most text never matches."""


class TextRejected(ValueError):
    """Text a person typed that cannot be used as it is.

    The message is plain English for them; `original` is exactly what they sent, so the reply can
    hand it back (to them only) rather than lose it. `reason` is "empty" or "too_long".
    """

    def __init__(self, message: str, *, original: str, reason: str) -> None:
        super().__init__(message)
        self.original = original
        self.reason = reason

    @property
    def in_form(self) -> str:
        """The message for a form sent back with this error. The words stay in the form (Slack
        and Teams show it again as it was; the console offers the earlier answer again), so
        the message says they are kept rather than repeating them."""
        if self.reason == "too_long":
            return f"{self} Your words are kept, so you can shorten them."
        return str(self)


def clean_text(text: str, *, limit: int, what: str = "your text") -> str:
    """Tidy text a person typed, or refuse it with `TextRejected`.

    Tidying: hidden control and formatting characters are removed (bidirectional overrides that
    reorder what is shown, zero-width characters that hide inside words, stray surrogates, NUL and
    friends); tabs become spaces and every kind of line break becomes `\\n`; the result is in NFC so
    the same words are always stored the same way; spaces at line ends and around the whole text
    go, and more than two blank lines in a row become two.

    `limit` counts characters (code points) of the tidied text. `what` names the text in the
    message ("your check-in", "the elephant").
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    tidy = "\n".join(line.rstrip() for line in _scrub(text).split("\n"))
    tidy = re.sub(r"\n{4,}", "\n\n\n", tidy).strip()
    name = what[:1].upper() + what[1:]
    if not tidy:
        raise TextRejected(
            f"{name} is empty, so there is nothing to send. Please write something and try again.",
            original=text,
            reason="empty",
        )
    if len(tidy) > limit:
        over = len(tidy) - limit
        raise TextRejected(
            f"{name} is {len(tidy):,} characters; the limit is {limit:,}, so it is {over:,} "
            f"character{'s' if over != 1 else ''} too long.",
            original=text,
            reason="too_long",
        )
    return tidy


def neutralise(text: str) -> str:
    """Make text safe to repeat on any platform: no pings, no hidden links, no markup.

    Apply to every piece of user text the bot posts, after `clean_text`. It is safe on raw text
    too (it removes hidden characters itself) and applying it twice changes nothing more.

    - The core's mention form becomes what it shows: `<@U123>` → `@U123` (`<@U123|bob>` →
      `@bob`); an autolink `<http://x>` becomes its address.
    - `<a href="u">label</a>` becomes `label (u)`; other HTML tags are removed (their text
      stays), `<br>` becomes a line break. Angle brackets that are not a known tag, such as
      `<name>` or `<3`, and any platform's own syntax, are left for the adapter.
    - Markdown links and images `[label](url)` become `label (url)`; leftover link syntax is
      broken so that no label can hide an address.
    - Every `@` followed by something gets a WORD JOINER after it.
    - Markup characters become look-alikes (see the module docstring for why).

    The result can be longer than the input (a few characters per link or mention).
    """
    text = _scrub(text)
    text = until_stable(_rewrite_tags, text)
    text = until_stable(_rewrite_markdown_links, text)
    text = _LEFTOVER_LINK.sub("] (", text)
    text = _LINK_DEFINITION.sub(r"\1 :", text)
    text = _LEADING_QUOTE.sub(lambda m: m.group(1) + QUOTE_LOOKALIKE * len(m.group(2)), text)
    text = _LEADING_HASH.sub(lambda m: m.group(1) + HEADING_LOOKALIKE * len(m.group(2)), text)
    text = _RULE_LINE.sub(lambda m: m.group(0).translate(_RULE_TABLE), text)
    return _INLINE.sub(_inline, text)


def shortened(text: str, limit: int = 200) -> str:
    """Stored text for a list line or a recap: on one line, cut at a word near `limit`
    characters with an ellipsis, then neutralised.

    It is cut before `neutralise`, so a cut can never split what neutralising adds (a word joiner
    after an `@`, a link's address written out) and the result is checked whole.
    """
    text = " ".join(text.split())
    if len(text) > limit:
        text = (text[:limit].rsplit(" ", 1)[0].rstrip() or text[:limit]) + "…"
    return neutralise(text)


def quote(text: str, limit: int, *, what: str = "your text") -> str:
    """`clean_text` then `neutralise`: fresh input made ready to show. Raises `TextRejected`."""
    return neutralise(clean_text(text, limit=limit, what=what))


# --- hidden characters ---------------------------------------------------------------------------


def _scrub(text: str) -> str:
    """Unify line breaks and drop hidden characters; the part of cleaning that never refuses."""
    text = text.replace("\r\n", "\n").translate(_BREAKS_AND_TABS)
    if _SUSPECT.search(text) is None:
        return text
    return unicodedata.normalize("NFC", _SUSPECT.sub(lambda m: _keep(m, text), text))


def _keep(match: re.Match[str], text: str) -> str:
    """What to keep of one character (or one flag sequence) that is not plain ASCII."""
    if match.group("flag"):
        return match.group(0)
    char = match.group(0)
    category = unicodedata.category(char)
    if category in ("Cc", "Cs") or char in _INVISIBLE_LETTERS:
        return ""
    at = match.start()
    if category == "Cf":
        joining = char in _ZERO_WIDTH_JOINERS and 0 < at < len(text) - 1
        if joining and _joins(text[at - 1]) and _joins(text[at + 1]):
            return char
        return ""
    if _is_variation_selector(char) and at > 0 and _is_variation_selector(text[at - 1]):
        # One selector picks a glyph; a run of them is a known way to smuggle hidden data.
        return ""
    return char


def _joins(char: str) -> bool:
    """Whether a zero-width joiner next to this character can be doing real work."""
    return ord(char) > 0x7F and unicodedata.category(char)[0] not in "CZ"


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


# --- mentions, autolinks and HTML ----------------------------------------------------------------

_A_TAG = re.compile(
    r"""<a\s[^<>]{0,500}?\bhref\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>]+))[^<>]{0,500}>"""
    r"(.{0,2000}?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
ANGLE = re.compile(r"<([^<>]{1,2000})>")
"""One `<…>` with no other inside: HTML, a mention or a link, and the way platforms write theirs."""
MENTION_ID = re.compile(r"[A-Za-z0-9._-]+")
"""A user id in the core's mention form `<@ID>` that is written out as `@ID`."""
_AUTOLINK = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s|]+")
_HTML_TAG = re.compile(r"/?([A-Za-z][A-Za-z0-9]*)(?:[\s/][^<>]*)?", re.DOTALL)
_HTML_TAG_NAME = re.compile(
    "a|abbr|address|area|article|aside|audio|b|base|bdi|bdo|big|blink|blockquote|body|br|"
    "button|canvas|caption|center|cite|code|col|colgroup|data|dd|del|details|dfn|dialog|div|"
    "dl|dt|em|embed|fieldset|figcaption|figure|font|footer|form|frame|frameset|h1|h2|h3|h4|"
    "h5|h6|head|header|hr|html|i|iframe|img|input|ins|kbd|label|legend|li|link|main|map|mark|"
    "marquee|math|menu|meta|meter|nav|noscript|object|ol|optgroup|option|output|p|param|"
    "picture|pre|progress|q|rp|rt|ruby|s|samp|script|section|select|slot|small|source|span|"
    "strike|strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|"
    "time|title|tr|track|tt|u|ul|var|video|wbr",
    re.IGNORECASE,
)
"""Tags removed from text; other `<words>` are left as typed, since they are often meant."""


def mention(name: str) -> str:
    """How a mention is shown: `@`, a word joiner so that nobody is pinged, the name made safe."""
    return "@" + WORD_JOINER + neutralise(name)


def until_stable(rewrite: Callable[[str], str], text: str) -> str:
    """Apply a rewrite until nothing changes, so nesting cannot smuggle markup through one pass."""
    for _ in range(8):
        rewritten = rewrite(text)
        if rewritten == text:
            break
        text = rewritten
    return text


def _rewrite_tags(text: str) -> str:
    text = _A_TAG.sub(
        lambda m: link_text(m.group(4), m.group(1) or m.group(2) or m.group(3) or ""), text
    )
    return ANGLE.sub(_angle, text)


def _angle(match: re.Match[str]) -> str:
    """One `<…>`: a mention, an autolink or an HTML tag; anything else stays as written."""
    inside = match.group(1)
    if inside.startswith("!--") and inside.endswith("--"):
        return inside[3:-2].strip()  # an HTML comment: keep its words, lose the brackets
    if inside[0] == "@":
        ident, _, label = inside[1:].partition("|")
        if MENTION_ID.fullmatch(ident):
            return "@" + (label.lstrip("@") or ident)
        return match.group(0)
    if _AUTOLINK.fullmatch(inside):
        return inside
    tag = _HTML_TAG.fullmatch(inside)
    if tag and _HTML_TAG_NAME.fullmatch(tag.group(1)):
        return "\n" if tag.group(1).lower() == "br" else ""
    return match.group(0)


def link_text(label: str, url: str) -> str:
    """A link written out so the address is always visible: `label (url)`, or just the address."""
    label, url = label.strip(), url.strip()
    if not url:
        return label
    bare = re.sub(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:)?(?://)?", "", url)
    if not label or label in (url, bare):
        return label or url
    return f"{label} ({url})"


# --- Markdown ------------------------------------------------------------------------------------

_MARKDOWN_LINK = re.compile(
    r"!?\[([^\[\]\n]{0,1000})\]\(\s*"
    r"([^\s()]{0,2000}(?:\([^\s()]{0,2000}\)[^\s()]{0,2000}){0,5})"
    r"""(?:\s+(?:"[^"\n]{0,500}"|'[^'\n]{0,500}'))?\s*\)"""
)
_LEFTOVER_LINK = re.compile(r"\]\(")
_LINK_DEFINITION = re.compile(r"^( {0,3}\[[^\]\n]*\]):", re.MULTILINE)
_LEADING_QUOTE = re.compile(r"^( *)(>+)", re.MULTILINE)
_LEADING_HASH = re.compile(r"^( *)(#+)", re.MULTILINE)
_RULE_LINE = re.compile(r"^ *[-=][-= ]*$", re.MULTILINE)
_RULE_TABLE = str.maketrans(RULE_LOOKALIKES)


def _rewrite_markdown_links(text: str) -> str:
    return _MARKDOWN_LINK.sub(lambda m: link_text(m.group(1), m.group(2)), text)


# --- mentions and inline markup ------------------------------------------------------------------

_URL = (
    r"(?:https?|ftp)://[^\s/?#@<>\"`]+(?:[/?#][^\s<>\"`]*)?"
    r"|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[/?#][^\s<>\"`]*)?"
    r"|mailto:[^\s<>\"`]+"
)
_EMOJI_CODE = r":[a-z0-9+'-]+(?:_[a-z0-9+'-]+)+:"
"""Slack emoji names such as `:white_check_mark:`; their underscores sit between letters, where
no Markdown dialect treats them as emphasis, so they are left alone to keep showing as emoji."""

_INLINE = re.compile(
    rf"(?P<url>{_URL})|(?P<emoji>{_EMOJI_CODE})|(?P<at>[{_AT_SIGNS}](?=\S))|(?P<mark>[*_~`|])",
    re.IGNORECASE,
)
_URL_TRAILER = "?!.,:;*_~'\""
_MARK_TABLE = str.maketrans(MARKUP_LOOKALIKES)


def _inline(match: re.Match[str]) -> str:
    if match.group("url"):
        url, trailer = _trim_url(match.group(0))
        return url + trailer.translate(_MARK_TABLE)
    if match.group("emoji"):
        return match.group(0)
    if match.group("at"):
        return match.group(0) + WORD_JOINER
    return MARKUP_LOOKALIKES[match.group(0)]


def _trim_url(url: str) -> tuple[str, str]:
    """Split off trailing punctuation that ends a sentence rather than the address (as GFM does)."""
    end = len(url)
    while end:
        last = url[end - 1]
        unbalanced = last == ")" and url.count("(", 0, end) < url.count(")", 0, end)
        if last not in _URL_TRAILER and not unbalanced:
            break
        end -= 1
    return url[:end], url[end:]
