"""Text safety: hostile and ordinary input, with exact expected outputs so regressions show."""

from __future__ import annotations

import re
import unicodedata

import pytest

from bot.text_safety import (
    HEADING_LOOKALIKE,
    MARKUP_LOOKALIKES,
    QUOTE_LOOKALIKE,
    RULE_LOOKALIKES,
    WORD_JOINER,
    TextRejected,
    clean_text,
    neutralise,
    quote,
    shortened,
)

WJ = WORD_JOINER
WALES = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"


# --- clean_text: tidying -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  hello  ", "hello"),
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        ("a\tb", "a b"),
        ("a\x00b\x07c\x1bd\x7fe", "abcde"),
        ("a\x85b\u2028c\u2029d", "a\nb\nc\nd"),
        ("a\x0bb\x0cc", "a\nb\nc"),
        ("trailing   \nspaces\t\n", "trailing\nspaces"),
        ("a\n\n\nb", "a\n\n\nb"),  # two blank lines stay
        ("a\n\n\n\nb", "a\n\n\nb"),  # three become two
        ("a\n\n\n\n\n\n\n\nb", "a\n\n\nb"),
        ("a\n \n\t\n  \n \nb", "a\n\n\nb"),  # blank means blank, even with spaces on it
        ("\n\n  indented first line", "indented first line"),
        ("keep\n  inner indent", "keep\n  inner indent"),
        ("Cafe\u0301", "Café"),  # NFC
        ("\u212b", "\u00c5"),  # Ångström sign becomes the letter Å under NFC
    ],
)
def test_clean_text_tidies(raw: str, clean: str) -> None:
    assert clean_text(raw, limit=1000) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("abc\u202edcba", "abcdcba"),  # right-to-left override
        ("\u202a\u202b\u202c\u202d\u202ex", "x"),
        ("\u2066\u2067\u2068\u2069x", "x"),
        ("\u200e\u200f\u061cx", "x"),  # direction marks
        ("@every\u200bone", "@everyone"),  # zero-width space
        ("@every\u200done", "@everyone"),  # ZWJ between ASCII letters
        ("@every\u200cone", "@everyone"),  # ZWNJ between ASCII letters
        ("@every\u2060one", "@everyone"),  # word joiner
        ("\ufeff@here", "@here"),  # byte-order mark
        ("soft\u00adhyphen", "softhyphen"),
        ("a\ud800b\udfffc", "abc"),  # lone surrogates
        ("hi\U000e0041\U000e0042\U000e0043", "hi"),  # tag characters smuggling "ABC"
        ("\u3164\u3164", ""),  # Hangul fillers draw nothing
        ("x\ufe0f\ufe0f\ufe0f\ufe0f", "x\ufe0f"),  # one variation selector, not a run
    ],
)
def test_clean_text_removes_hidden_characters(raw: str, clean: str) -> None:
    if clean:
        assert clean_text(raw, limit=1000) == clean
    else:
        with pytest.raises(TextRejected):
            clean_text(raw, limit=1000)


@pytest.mark.parametrize(
    "text",
    [
        "Sut wyt ti heddiw? Dw i'n iawn, diolch. Ŵ ŷ â",  # Welsh
        "آج میں ٹھیک ہوں، شکریہ۔",  # Urdu
        "کیا\u200cہے",  # Urdu with a ZWNJ that belongs there
        "Zażółć gęślą jaźń",  # Polish
        "今天我感觉还好，谢谢。",  # Chinese
        "नमस्ते, आज मैं ठीक हूँ",  # Hindi
        "क्\u200dष",  # Devanagari with a ZWJ that belongs there
        "👍🏽 feeling 🙂",
        FAMILY,
        RAINBOW_FLAG,
        f"{WALES} Cymru am byth",
        "1️⃣ keycap",
    ],
)
def test_clean_text_keeps_real_writing_and_emoji(text: str) -> None:
    assert clean_text(text, limit=1000) == unicodedata.normalize("NFC", text)
    assert quote(text, 1000) == unicodedata.normalize("NFC", text)


# --- clean_text: refusals ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", " ", "\n\n\t  \r\n", "\u200b\u202e\u2060", "\x00\x00"])
def test_empty_text_is_refused_kindly(raw: str) -> None:
    with pytest.raises(TextRejected) as caught:
        clean_text(raw, limit=100)
    assert str(caught.value) == (
        "Your text is empty, so there is nothing to send. Please write something and try again."
    )
    assert caught.value.original == raw
    assert caught.value.reason == "empty"


def test_empty_message_names_what_it_was() -> None:
    with pytest.raises(TextRejected, match=r"^Your check-in is empty"):
        clean_text("   ", limit=100, what="your check-in")
    with pytest.raises(TextRejected, match=r"^The elephant is empty"):
        clean_text("   ", limit=100, what="the elephant")


def test_limit_is_inclusive() -> None:
    assert clean_text("x" * 2000, limit=2000) == "x" * 2000
    with pytest.raises(TextRejected):
        clean_text("x" * 2001, limit=2000)


def test_too_long_says_by_how_much_and_keeps_the_original() -> None:
    raw = "  " + "y" * 2150 + "\u202e  "
    with pytest.raises(TextRejected) as caught:
        clean_text(raw, limit=2000)
    assert str(caught.value) == (
        "Your text is 2,150 characters; the limit is 2,000, so it is 150 characters too long."
    )
    assert caught.value.original == raw
    assert caught.value.reason == "too_long"
    assert isinstance(caught.value, ValueError)


def test_one_over_is_singular() -> None:
    with pytest.raises(TextRejected, match="so it is 1 character too long"):
        clean_text("abcd", limit=3, what="your share")


def test_limit_counts_the_tidied_text() -> None:
    # Hidden characters, surrounding space and extra blank lines do not count against anyone.
    assert clean_text("  " + "\u200b" * 50 + "abc" + "\n" * 20, limit=3) == "abc"
    # An emoji is one character, however many bytes it takes.
    assert clean_text("🙂" * 5, limit=5) == "🙂" * 5


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        clean_text("x", limit=0)


def test_huge_input_is_refused_without_trouble() -> None:
    raw = ("@channel <!here> \u202e*x* " * 50_000) + "\x00"
    with pytest.raises(TextRejected) as caught:
        clean_text(raw, limit=4000)
    assert caught.value.original == raw
    assert "the limit is 4,000" in str(caught.value)


# --- neutralise: pings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("@channel", f"@{WJ}channel"),
        ("@here please look", f"@{WJ}here please look"),
        ("@everyone", f"@{WJ}everyone"),
        ("@all", f"@{WJ}all"),
        ("@room", f"@{WJ}room"),
        ("hey @EVERYONE and @Here", f"hey @{WJ}EVERYONE and @{WJ}Here"),
        ("＠channel", f"＠{WJ}channel"),  # full-width
        ("﹫channel", f"﹫{WJ}channel"),  # small commercial at
        ("foo@channel", f"foo@{WJ}channel"),  # inside a word
        ("@@everyone", f"@{WJ}@{WJ}everyone"),
        ("@Bob Smith", f"@{WJ}Bob Smith"),
        ("me@example.org", f"me@{WJ}example.org"),
        ("@ alone and trailing @", "@ alone and trailing @"),
        (f"@{WJ}channel", f"@{WJ}channel"),  # already safe: stays as it is
        ("@every\u200bone", f"@{WJ}everyone"),
        ("@\u200beveryone", f"@{WJ}everyone"),
        ("@\u202eenoyreve", f"@{WJ}enoyreve"),
    ],
)
def test_plain_mentions_cannot_ping(raw: str, safe: str) -> None:
    assert neutralise(raw) == safe


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<@U123>", f"@{WJ}U123"),
        ("<@U123|bob> said so", f"@{WJ}bob said so"),
        ("<@W0ABC>", f"@{WJ}W0ABC"),
        ("<@U-sam.2>", f"@{WJ}U-sam.2"),
    ],
)
def test_the_cores_mention_form_is_written_out_and_cannot_ping(raw: str, safe: str) -> None:
    assert neutralise(raw) == safe


@pytest.mark.parametrize(
    ("raw", "left"),
    [
        ("<!channel> meeting moved", "<!channel> meeting moved"),
        ("in <#C123|general>", "in <#C123∣general>"),
        ("<at>Bob Smith</at> what do you think?", "<at>Bob Smith</at> what do you think?"),
        ("<!subteam^S1|@design-team>", f"<!subteam^S1∣@{WJ}design-team>"),
    ],
)
def test_a_platforms_own_syntax_is_left_for_its_adapter(raw: str, left: str) -> None:
    # Harmless as it is on any other platform; each adapter writes out its own (see
    # tests/adapters/slack/test_text.py and tests/adapters/teams/test_text.py).
    assert neutralise(raw) == left


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<script>alert(1)</script>", "alert(1)"),
        ('<img src=x onerror="alert(1)">', ""),
        ('<a href="http://evil.example">click here</a>', "click here (http://evil.example)"),
        ("<a href='http://e.example/x'>x</a>", "x (http://e.example/x)"),
        ("<a href=http://e.example>http://e.example</a>", "http://e.example"),
        ('<a href="http://e.example"><b>bold</b> link</a>', "bold link (http://e.example)"),
        ("<b>strong</b> and <i>soft</i>", "strong and soft"),
        ("one<br>two<br/>three", "one\ntwo\nthree"),
        ("<!-- hidden note -->shown", "hidden noteshown"),
        ("<p>para</p>", "para"),
        ("<iframe src='http://evil'></iframe>", ""),
        ("a < b > c & d", "a < b > c & d"),
        ("I <3 this", "I <3 this"),
        ("replace <your name> here", "replace <your name> here"),
        ("x<name>y", "x<name>y"),
        ("&lt;!channel&gt; &amp;", "&lt;!channel&gt; &amp;"),
    ],
)
def test_html_markup_is_removed_and_text_kept(raw: str, safe: str) -> None:
    assert neutralise(raw) == safe


# --- neutralise: links ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<https://example.com>", "https://example.com"),
        ("<mailto:sam@example.org>", "mailto:sam@example.org"),
        ("[the form](https://forms.example/a_b)", "the form (https://forms.example/a_b)"),
        ("![a cat](http://img.example/cat.png)", "a cat (http://img.example/cat.png)"),
        ('[x](http://e.example "title")', "x (http://e.example)"),
        ("[](http://e.example)", "http://e.example"),
        ("[http://e.example](http://e.example)", "http://e.example"),
        ("[only words]()", "only words"),
        ("[[a](http://b.example)](http://c.example)", "a (http://b.example) (http://c.example)"),
        (
            "[nested [brackets] label](http://evil.example)",
            "[nested [brackets] label] (http://evil.example)",
        ),
        ("[click]\n\n[click]: http://evil.example", "[click]\n\n[click] : http://evil.example"),
        (
            "[wiki](https://en.wikipedia.org/wiki/Foo_(bar))",
            "wiki (https://en.wikipedia.org/wiki/Foo_(bar))",
        ),
        ("[*bold* label](http://e.example)", "∗bold∗ label (http://e.example)"),
    ],
)
def test_links_always_show_their_address(raw: str, safe: str) -> None:
    assert neutralise(raw) == safe


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("see https://example.com/a_b_c.", "see https://example.com/a_b_c."),
        ("(see https://example.com/x)", "(see https://example.com/x)"),
        ("*https://example.com/a*", "∗https://example.com/a∗"),
        ("_www.example.com/path_", "ˍwww.example.com/pathˍ"),
        ("https://medium.com/@writer", "https://medium.com/@writer"),
        ("http://x.example@channel", f"http://x.example@{WJ}channel"),
        ("mailto:sam@example.org", "mailto:sam@example.org"),
        ("ftp://files.example/a~b", "ftp://files.example/a~b"),
    ],
)
def test_bare_addresses_keep_working(raw: str, safe: str) -> None:
    assert neutralise(raw) == safe


# --- neutralise: markup --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("*bold* _italic_ ~struck~ `code`", "∗bold∗ ˍitalicˍ ∼struck∼ ˋcodeˋ"),
        ("**really** __really__ ~~no~~", "∗∗really∗∗ ˍˍreallyˍˍ ∼∼no∼∼"),
        ("```\ncode block\n```", "ˋˋˋ\ncode block\nˋˋˋ"),
        ("> a quote", "› a quote"),
        (">>> a long quote", "››› a long quote"),
        ("  > indented quote", "  › indented quote"),
        ("this > that", "this > that"),
        ("# Heading", "♯ Heading"),
        ("### Small heading", "♯♯♯ Small heading"),
        ("#hashtag", "♯hashtag"),
        ("issue #4 is fixed", "issue #4 is fixed"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "∣ a ∣ b ∣\n∣---∣---∣\n∣ 1 ∣ 2 ∣"),
        ("Title\n=====", "Title\n═════"),
        ("Title\n---", "Title\n───"),
        ("- - -", "─ ─ ─"),
        ("- a list item", "- a list item"),
        ("first line\n> second\n# third", "first line\n› second\n♯ third"),
        ("snake_case_name", "snakeˍcaseˍname"),
        ("2*3 = 6", "2∗3 = 6"),
        ("thanks :white_check_mark: :+1:", "thanks :white_check_mark: :+1:"),
        ("plain words, nothing special.", "plain words, nothing special."),
    ],
)
def test_markup_is_neutralised_but_readable(raw: str, safe: str) -> None:
    assert neutralise(raw) == safe


def test_look_alikes_cannot_be_normalised_back_into_markup() -> None:
    stand_ins = [*MARKUP_LOOKALIKES.values(), *RULE_LOOKALIKES.values()]
    stand_ins += [QUOTE_LOOKALIKE, HEADING_LOOKALIKE, WORD_JOINER]
    for char in stand_ins:
        for form in ("NFC", "NFKC"):
            assert unicodedata.normalize(form, char) == char


HOSTILE = [
    "<!channel> *URGENT* click <http://evil.example|here>",
    "<at>everyone</at> [free money](http://evil.example)",
    "@every\u200bone\u202e ```rm -rf``` > quoted",
    "<script>document.location='http://evil'</script>",
    "＠ｃｈａｎｎｅｌ ＠here @@all",
    "[[[x](a)](b)](c) <<<!here>>>",
    "# Title\n===\n| a |\n> q\n<!-- c -->",
    "\x00\x1b[31mred\x1b[0m",
    '<a href="http://a.example"><at>Bob</at></a>',
]


def assert_harmless(raw: str, shown: str) -> None:
    """Nothing in `shown` can ping, restyle the message or hide a link, on any platform; what is
    left of a platform's own syntax is for its adapter (see tests/adapters/*/test_text.py)."""
    folded = unicodedata.normalize("NFKC", shown)
    outside_addresses = re.sub(r"\S+://\S+", "", shown)
    # No character could start a mention, a tag pair, a link or markup.
    assert re.search(r"[@＠﹫](?!\u2060)\S", shown) is None
    assert re.search(r"<@|<a |<script|\]\(|[*_~`]", shown) is None
    assert "|" not in outside_addresses
    assert re.search(r"@(channel|here|everyone|all)", folded, re.IGNORECASE) is None
    assert re.search(r"^\s*[>#]", shown, re.MULTILINE) is None
    for char in shown:
        assert unicodedata.category(char) not in ("Cc", "Cs") or char == "\n"
    # URLs that were there are still visible.
    for url in re.findall(r"http://[a-z.]+", raw):
        assert url in shown


@pytest.mark.parametrize("raw", HOSTILE)
def test_nothing_dangerous_survives(raw: str) -> None:
    assert_harmless(raw, neutralise(raw))


@pytest.mark.parametrize("raw", [*HOSTILE, "plain", "snake_case @bob <!here> [x](http://y)"])
def test_neutralise_is_stable(raw: str) -> None:
    once = neutralise(raw)
    assert neutralise(once) == once


def test_terminal_escapes_are_removed() -> None:
    assert neutralise("\x1b[2J\x1b]0;pwned\x07cleared?") == "[2J]0;pwnedcleared?"


def test_neutralise_keeps_newlines_and_scripts() -> None:
    text = "Dw i'n iawn\nآج ٹھیک ہوں\n今天好\nZażółć"
    assert neutralise(text) == text


# --- quote ---------------------------------------------------------------------------------------


def test_quote_cleans_then_neutralises() -> None:
    assert quote("  @here *hi* \u202e\r\n\r\n\r\n\r\n\r\nbye  ", 100) == (
        f"@{WJ}here ∗hi∗\n\n\nbye"
    )


def test_quote_applies_the_limit_before_neutralising() -> None:
    # 9 characters once clean; neutralising adds a word joiner, which is not held against them.
    assert quote("@everyone", 9) == f"@{WJ}everyone"
    with pytest.raises(TextRejected) as caught:
        quote("@everyone!", 9, what="your share")
    assert str(caught.value).startswith("Your share is 10 characters; the limit is 9")
    assert caught.value.original == "@everyone!"


def test_quote_refuses_empty() -> None:
    with pytest.raises(TextRejected, match="is empty"):
        quote("\u200b \n", 10)


def test_shortened_puts_text_on_one_line_and_cuts_it_at_a_word() -> None:
    assert shortened("Parking at\nthe   hospital", 200) == "Parking at the hospital"
    assert shortened("one two three four", 12) == "one two…"
    assert shortened("x" * 30, 10) == "x" * 10 + "…"


def test_shortened_neutralises_after_cutting_so_a_cut_cannot_undo_it() -> None:
    cut = shortened("please tell @channel about *this* and much more besides", 30)
    assert cut.endswith("…")
    assert "@channel" not in cut and "@\u2060channel" in cut
    assert "*" not in cut
