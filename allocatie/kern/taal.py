"""Dutch number and word forms for everything a user reads."""

from __future__ import annotations


def nl_getal(getal: float, decimalen: int = 0) -> str:
    """Dutch notation: thousands with a dot, decimals with a comma.

    Examples
    --------
    >>> nl_getal(17942942)
    '17.942.942'
    >>> nl_getal(1234.5, 1)
    '1.234,5'
    """
    tekst = f"{getal:,.{decimalen}f}"
    return tekst.replace(",", "_").replace(".", ",").replace("_", ".")


def aantal(n: int, enkelvoud: str, meervoud: str) -> str:
    """``n`` with the right noun form.

    Examples
    --------
    >>> aantal(1, "huishouden", "huishoudens"), aantal(3, "persoon", "personen")
    ('1 huishouden', '3 personen')
    """
    return f"{nl_getal(n)} {enkelvoud if n == 1 else meervoud}"


def personen(n: int) -> str:
    """'1 persoon', '3 personen'."""
    return aantal(n, "persoon", "personen")


def huishoudens(n: int) -> str:
    """'1 huishouden', '3 huishoudens'."""
    return aantal(n, "huishouden", "huishoudens")
