"""Reading the pages smscodec writes (tests/test_view.py, test_report_html.py, the golden
files): a small DOM built with the standard library's HTML tokenizer, not a test module.

``parse`` gives a tree of :class:`Node`; ``outline`` writes its structure (tags, ids,
classes, ``data-*`` attributes, text) one element a line, leaving out what changes from
run to run: every element marked ``data-volatile`` (the version and the date) and the
style sheet's text (its look, not its structure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# HTML's void elements (WHATWG HTML §13.1.2): they have no end tag.
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> list[Node]:
        out = [self]
        for child in self.children:
            if isinstance(child, Node):
                out.extend(child.iter())
        return out

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag} class={cls} {attrs}>"
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.stack[-1].tag != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            while len(self.stack) > 1 and self.stack[-1].tag != tag:
                self.stack.pop()
        if len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    """The page's tree; fails on a mismatched end tag or an unclosed element."""
    builder = _Builder()
    builder.feed(page)
    builder.close()
    assert not builder.errors, builder.errors
    assert len(builder.stack) == 1, [n.tag for n in builder.stack]
    return builder.root


def outline(node: Node, depth: int = 0) -> list[str]:
    """One line per element: its tag, id, classes, data-* attributes and own text."""
    if "data-volatile" in node.attrs:
        return [f"{'  ' * depth}<{node.tag} volatile>"]
    keep = [
        f"{k}={v}" for k, v in sorted(node.attrs.items()) if k in ("id", "class") or k.startswith("data-")
    ]
    own = " ".join("".join(c for c in node.children if isinstance(c, str)).split())
    if node.tag == "style":
        own = "(style sheet)"
    line = f"{'  ' * depth}<{node.tag}{' ' + ' '.join(keep) if keep else ''}>{' ' + own if own else ''}"
    out = [line]
    for child in node.children:
        if isinstance(child, Node):
            out.extend(outline(child, depth + 1))
    return out
