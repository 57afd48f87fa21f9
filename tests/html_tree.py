"""A small HTML tree read with the standard library's parser, for tests that read pages as HTML.

lxml and BeautifulSoup are not installed; the tests only need elements, their classes, their text
and a search by predicate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser

# ASCII whitespace only: the non-breaking spaces of French typography are part of the text.
WHITESPACE = re.compile(r"[ \t\n\r\f]+")

VOID = {
    *("area", "base", "br", "col", "embed", "hr", "img", "input"),
    *("link", "meta", "param", "source", "track", "wbr"),
}


@dataclass
class Element:
    """An element: its tag, attributes and children (elements and strings, in order)."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        """The tokens of its class attribute."""
        return set(self.attrs.get("class", "").split())

    def iter(self) -> Iterator[Element]:
        """This element and every element below it, in document order."""
        return iter(self.descendants)

    @cached_property
    def descendants(self) -> list[Element]:
        """This element and every element below it, in document order: listed once, as a tree
        read from a page is not changed and is searched many times."""
        found = []
        stack = [self]
        while stack:
            element = stack.pop()
            found.append(element)
            stack.extend(
                child for child in reversed(element.children) if isinstance(child, Element)
            )
        return found

    def find_all(self, match: Callable[[Element], bool]) -> list[Element]:
        """Every element below (or being) this one that ``match`` accepts."""
        return [element for element in self.iter() if match(element)]

    def find(self, match: Callable[[Element], bool]) -> Element | None:
        """The first element that ``match`` accepts, or None."""
        return next((element for element in self.iter() if match(element)), None)

    def text(self) -> str:
        """Its text, runs of ASCII whitespace collapsed to one space."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child.text() if isinstance(child, Element) else child)
        return WHITESPACE.sub(" ", "".join(parts)).strip()

    def spoken(self) -> str:
        """Its text as assistive technologies get it: without what is ``aria-hidden``."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, Element):
                if child.attrs.get("aria-hidden") != "true":
                    parts.append(child.spoken())
            else:
                parts.append(child)
        return WHITESPACE.sub(" ", "".join(parts)).strip()


def has_class(name: str, tag: str | None = None) -> Callable[[Element], bool]:
    """A predicate: the element has class ``name`` (and is a ``tag``, when given)."""
    return lambda element: name in element.classes and (tag is None or element.tag == tag)


def tagged(name: str) -> Callable[[Element], bool]:
    """A predicate: the element is a ``name``."""
    return lambda element: element.tag == name


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching open element; a stray end tag is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(markup: str) -> Element:
    """Return the document tree of ``markup``."""
    builder = _Builder()
    builder.feed(markup)
    builder.close()
    return builder.root
