"""Accounts and access: argon2 password hashes, CSRF tokens, provincie scoping.

Every query of the web application for a round or a run goes through
`rondes_van` / `ronde_van` / `run_van`: a beheerder sees every provincie, any
other account only its own. What is out of scope is reported as absent (404),
so a URL does not tell whether another provincie's round exists.

An account is withdrawn (`trek_in`) without a schema change: its hash gets the
prefix `INGETROKKEN`, which no password verifies against, and `actief` is
false, so neither a login nor a session cookie issued earlier lets it in.
`herstel` removes the prefix: the old password works again.

A session carries a fingerprint of the account's hash (`vingerafdruk`): a new
password, set by the user or a beheerder, or a withdrawal changes the hash and
so ends every session opened before it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from allocatie.app.db import ROLLEN, AuditRegel, Gebruiker, Ronde, Run
from allocatie.io.kolommen import PROVINCIECODE
from allocatie.kern.errors import InvoerFout

__all__ = [
    "AFDRUK",
    "CSRF_VELD",
    "INGETROKKEN",
    "MIN_WACHTWOORD",
    "actief",
    "audit",
    "controleer_csrf",
    "csrf_token",
    "gebruikers",
    "hash_wachtwoord",
    "herstel",
    "maak_gebruiker",
    "mag_rekenen",
    "ronde_van",
    "rondes_van",
    "run_van",
    "trek_in",
    "vind_gebruiker",
    "vingerafdruk",
    "wijzig_wachtwoord",
    "zet_wachtwoord",
]

#: Session key of the fingerprint of the account's password hash (`vingerafdruk`).
AFDRUK = "afdruk"
#: Name of the hidden form field that carries the CSRF token.
CSRF_VELD = "csrf"

#: Fewest characters of a password (the command line and the browser alike).
MIN_WACHTWOORD = 12
#: Prefix of the hash of a withdrawn account: no password verifies against it.
INGETROKKEN = "!"

_hasher = PasswordHasher()


def hash_wachtwoord(wachtwoord: str) -> str:
    """The argon2id hash of ``wachtwoord`` (salt and parameters included)."""
    return _hasher.hash(wachtwoord)


def _klopt(hash_: str, wachtwoord: str) -> bool:
    try:
        return _hasher.verify(hash_, wachtwoord)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


#: Hash checked when the name is unknown, so a wrong name costs as long as a wrong password.
_LEEG = _hasher.hash(secrets.token_urlsafe(16))


def vind_gebruiker(s: Session, naam: str, wachtwoord: str) -> Gebruiker | None:
    """The account ``naam`` if ``wachtwoord`` is its password, else None."""
    g = s.scalars(select(Gebruiker).where(Gebruiker.naam == naam)).one_or_none()
    if g is None or not actief(g):
        _klopt(_LEEG, wachtwoord)
        return None
    if not _klopt(g.wachtwoord_hash, wachtwoord):
        return None
    if _hasher.check_needs_rehash(g.wachtwoord_hash):
        g.wachtwoord_hash = hash_wachtwoord(wachtwoord)
    return g


def maak_gebruiker(
    s: Session, naam: str, wachtwoord: str, rol: str, provincie: str | None
) -> Gebruiker:
    """Add an account; Dutch `InvoerFout` for a bad role, provincie, name or password."""
    if rol not in ROLLEN:
        raise InvoerFout(f"onbekende rol; geldig zijn {', '.join(ROLLEN)}", kolom="rol", waarde=rol)
    if rol != "beheerder" and not provincie:
        raise InvoerFout(
            f"een {rol} hoort bij één provincie: geef --provincie (bijv. PV20)", kolom="provincie"
        )
    if provincie and rol != "beheerder" and not PROVINCIECODE.fullmatch(provincie):
        raise InvoerFout(
            "ongeldige provincie; verwacht 'PV' gevolgd door 2 cijfers (bijv. PV20)",
            kolom="provincie",
            waarde=provincie,
        )
    if not naam.strip() or len(naam) > 100:
        raise InvoerFout("een naam van 1 tot 100 tekens is nodig", kolom="naam", waarde=naam)
    _controleer_wachtwoord(wachtwoord)
    if s.scalars(select(Gebruiker).where(Gebruiker.naam == naam)).first() is not None:
        raise InvoerFout("deze gebruiker bestaat al", kolom="naam", waarde=naam)
    g = Gebruiker(
        naam=naam,
        wachtwoord_hash=hash_wachtwoord(wachtwoord),
        rol=rol,
        provincie=None if rol == "beheerder" else provincie,
    )
    s.add(g)
    return g


def _controleer_wachtwoord(wachtwoord: str, kolom: str = "wachtwoord") -> None:
    if len(wachtwoord) < MIN_WACHTWOORD:
        raise InvoerFout(f"een wachtwoord heeft minstens {MIN_WACHTWOORD} tekens", kolom=kolom)


def actief(g: Gebruiker) -> bool:
    """May ``g`` log in (not withdrawn)?"""
    return not g.wachtwoord_hash.startswith(INGETROKKEN)


def vingerafdruk(g: Gebruiker) -> str:
    """A short digest of ``g``'s hash, kept in the session: it changes with the password."""
    return hashlib.sha256(g.wachtwoord_hash.encode()).hexdigest()[:32]


def trek_in(g: Gebruiker) -> None:
    """Withdraw ``g``: no login, no session; `herstel` undoes it."""
    if actief(g):
        g.wachtwoord_hash = INGETROKKEN + g.wachtwoord_hash


def herstel(g: Gebruiker) -> None:
    """Let a withdrawn ``g`` in again, with the password it had."""
    g.wachtwoord_hash = g.wachtwoord_hash.removeprefix(INGETROKKEN)


def zet_wachtwoord(g: Gebruiker, nieuw: str) -> None:
    """Give ``g`` a new password (a beheerder's reset); a withdrawn account stays withdrawn."""
    _controleer_wachtwoord(nieuw)
    g.wachtwoord_hash = ("" if actief(g) else INGETROKKEN) + hash_wachtwoord(nieuw)


def wijzig_wachtwoord(g: Gebruiker, oud: str, nieuw: str, herhaald: str) -> None:
    """Change one's own password; Dutch `InvoerFout` when ``oud`` is wrong or ``nieuw`` weak."""
    if not _klopt(g.wachtwoord_hash, oud):
        raise InvoerFout("het huidige wachtwoord klopt niet", kolom="oud")
    if nieuw != herhaald:
        raise InvoerFout("de twee nieuwe wachtwoorden zijn niet gelijk", kolom="herhaald")
    if nieuw == oud:
        raise InvoerFout("het nieuwe wachtwoord is hetzelfde als het oude", kolom="nieuw")
    _controleer_wachtwoord(nieuw, "nieuw")
    g.wachtwoord_hash = hash_wachtwoord(nieuw)


def gebruikers(s: Session) -> list[Gebruiker]:
    """Every account, by name (for the beheerder)."""
    return list(s.scalars(select(Gebruiker).order_by(Gebruiker.naam)))


def aantal_gebruikers(s: Session) -> int:
    """How many accounts there are."""
    return int(s.scalar(select(func.count()).select_from(Gebruiker)) or 0)


def mag_rekenen(g: Gebruiker) -> bool:
    """May ``g`` upload and run rounds (a regisseur or beheerder)?"""
    return g.rol in ("regisseur", "beheerder")


def _binnen(g: Gebruiker, vraag: Select[Any]) -> Select[Any]:
    return vraag if g.rol == "beheerder" else vraag.where(Ronde.provincie == g.provincie)


def rondes_van(s: Session, g: Gebruiker) -> list[Ronde]:
    """The rounds ``g`` may see, newest first."""
    return list(s.scalars(_binnen(g, select(Ronde)).order_by(Ronde.id.desc())))


def ronde_van(s: Session, g: Gebruiker, ronde_id: int) -> Ronde | None:
    """Round ``ronde_id`` if ``g`` may see it, else None."""
    return s.scalars(_binnen(g, select(Ronde).where(Ronde.id == ronde_id))).one_or_none()


def run_van(s: Session, g: Gebruiker, run_id: int) -> Run | None:
    """Run ``run_id`` if ``g`` may see its round, else None."""
    vraag = select(Run).join(Ronde).where(Run.id == run_id)
    return s.scalars(_binnen(g, vraag)).one_or_none()


def auditregels_van(s: Session, g: Gebruiker, maximum: int = 500) -> list[AuditRegel]:
    """The newest audit lines ``g`` may read (a beheerder all, others their provincie)."""
    vraag = select(AuditRegel).order_by(AuditRegel.id.desc()).limit(maximum)
    if g.rol != "beheerder":
        vraag = vraag.where(AuditRegel.provincie == g.provincie)
    return list(s.scalars(vraag))


def audit(
    s: Session,
    gebruiker: str,
    provincie: str | None,
    actie: str,
    onderwerp: str = "",
    reden: str = "",
) -> None:
    """Append one line to the audit log (committed with ``s``).

    ``onderwerp`` may carry text a user typed (a search, an option id); it is cut to
    the column's 200 characters, which PostgreSQL would otherwise refuse.
    """
    s.add(
        AuditRegel(
            gebruiker=gebruiker,
            provincie=provincie,
            actie=actie,
            onderwerp=onderwerp[:200],
            reden=reden,
        )
    )


def csrf_token(sessie: dict[str, Any]) -> str:
    """The CSRF token of a browser session, made on first use."""
    token = sessie.get(CSRF_VELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        sessie[CSRF_VELD] = token
    return token


def controleer_csrf(sessie: dict[str, Any], gegeven: object) -> bool:
    """Does ``gegeven`` (from the form or a header) match the session's token?"""
    token = sessie.get(CSRF_VELD)
    return (
        isinstance(token, str)
        and isinstance(gegeven, str)
        and hmac.compare_digest(token.encode(), gegeven.encode())
    )
