"""Parsing helpers shared by the report tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ParsedPage:
    tags: list[str] = field(default_factory=list)
    attrs: list[tuple[str, str, str | None]] = field(default_factory=list)  # (tag, name, value)
    text: list[str] = field(default_factory=list)
    section_ids: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    @property
    def joined_text(self) -> str:
        return "".join(self.text)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            self.page.attrs.append((tag, name, value))
            if name == "id" and value:
                self.page.ids.append(value)
                if tag == "section":
                    self.page.section_ids.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.page.text.append(data)


def parse_html(html: str) -> ParsedPage:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.page


def squash(text: str) -> str:
    """Text with every whitespace removed: PDF extraction breaks lines wherever the layout wrapped."""
    return "".join(text.split())
