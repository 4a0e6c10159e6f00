"""`allocatie.reports.html.kaart_html`: the report's map alone, as the web app shows it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from allocatie.invoer.laden import laad_ronde
from allocatie.reports.html import CSP, kaart_html
from allocatie.strategie.oplossen import los_op

VOORBEELD = Path(__file__).resolve().parents[1] / "data" / "voorbeeld"


class _Ids(HTMLParser):
    """Collects element ids and every src/href, and checks the tags balance."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.verwijzingen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for naam, waarde in attrs:
            if naam == "id" and waarde:
                self.ids.add(waarde)
            if naam in ("src", "href") and waarde:
                self.verwijzingen.append(waarde)


@pytest.fixture(scope="module")
def kaart() -> str:
    inst = laad_ronde(VOORBEELD)
    return kaart_html(inst, los_op(inst))


def test_kaart_alleen(kaart: str) -> None:
    """The map with its legend and the gemeente table a click leads to; no other sections."""
    p = _Ids()
    p.feed(kaart)
    assert {"kaart", "kaart-svg", "gemeenten"} <= p.ids
    assert "samenvatting" not in p.ids and "verklaring" not in p.ids
    # Every gemeente of the round is a shape on the map; the flex sites are on it too.
    assert len(re.findall(r'<path[^>]*data-code="GM9\d{3}"', kaart)) == 12
    assert all(f"F-00{i}" in kaart for i in (1, 2, 3))


def test_kaart_werkt_zonder_internet(kaart: str) -> None:
    """Nothing is loaded from elsewhere: only in-page anchors, and the report's CSP."""
    p = _Ids()
    p.feed(kaart)
    assert all(v.startswith("#") for v in p.verwijzingen), p.verwijzingen
    assert f'content="{CSP}"' in kaart
    assert "<script>" in kaart and "unpkg" not in kaart and "leaflet" not in kaart.lower()
