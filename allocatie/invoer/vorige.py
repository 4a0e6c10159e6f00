"""The previous outcome of a round, for a stable re-run.

A regisseur re-runs a round after a small change (a lock, a ban, a home that
fell through) and expects the placements that can stay to stay. The previous
outcome is the previous run's placements: ``plaatsingen.csv`` of its output
folder (with ``onbediend.csv`` next to it, when present, to tell previously
unplaced households from new ones), its round archive (``ronde.gpkg``), or an
`AllocationResult` in Python. `allocatie.strategie.oplossen.los_op` takes it
as ``vorige`` and adds the objective level ``stabiliteit``: the number of
households placed in the previous outcome that now go elsewhere or stay
unplaced (see `allocatie.model.bouw`). `allocatie.resultaat.verschuiving` reports what
moved and why.

Only ``huishouden_id`` and ``aanbod_id`` are read: a previous placement whose
option or household is no longer in the round is not an error (it is a reason
for a move, reported as such). The other columns allocatie writes into
``plaatsingen.csv`` are accepted and not read; any other column is an error
(`allocatie.io.schema.TABELSCHEMA`, ``plaatsingen`` and ``onbediend``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeAlias

import numpy as np
import pandas as pd

from allocatie.archief.lezen import lees_archief
from allocatie.io import kolommen as k
from allocatie.io.csvcel import csv_terug
from allocatie.io.lezen import lees_csv
from allocatie.io.schema import controleer_kolommen
from allocatie.kern.errors import InvoerFout
from allocatie.kern.taal import huishoudens
from allocatie.ronde.instance import Instance

#: Columns of `VorigeUitkomst.plaatsingen`, in order.
VORIGE_KOLOMMEN: tuple[str, ...] = ("huishouden_id", "aanbod_id", "gemeente_code")
#: Position in `vorige_posities` of a household not placed in the previous outcome.
NIET_GEPLAATST = -1
#: Position in `vorige_posities` of a household placed at an option no longer in the round.
OPTIE_VERDWENEN = -2


class MetPlaatsingen(Protocol):
    """What `vorige_uit_resultaat` reads of a result (an `AllocationResult`).

    A protocol rather than the result class itself: the result imports this
    module (for `VorigeUitkomst`), so this module does not import the result.
    """

    @property
    def plaatsingen(self) -> pd.DataFrame:
        """One row per placed household: ``huishouden_id``, ``aanbod_id``, ``gemeente_code``."""

    @property
    def onbediend(self) -> pd.DataFrame:
        """One row per unplaced household: ``huishouden_id``."""


@dataclass(frozen=True)
class VorigeUitkomst:
    """The placements of a previous run of the round.

    Attributes
    ----------
    plaatsingen
        One row per household placed in the previous run: ``huishouden_id``,
        ``aanbod_id``, ``gemeente_code`` (``""`` when unknown).
    onbediend
        Households known to have been unplaced in the previous run.
    onbediend_bekend
        Whether ``onbediend`` was given (an output folder with ``onbediend.csv``,
        an archive, a result); without it a household with no previous
        placement is "new or previously unplaced".
    bron
        Where it came from (a path, or ``"<resultaat>"``).
    """

    plaatsingen: pd.DataFrame
    onbediend: frozenset[str] = frozenset()
    onbediend_bekend: bool = False
    bron: str = "<api>"

    @property
    def plaats(self) -> dict[str, str]:
        """Household id -> aanbod_id of every previous placement."""
        return dict(
            zip(self.plaatsingen["huishouden_id"], self.plaatsingen["aanbod_id"], strict=True)
        )


def _uit_tabel(
    df: pd.DataFrame, bron: str, onbediend: pd.DataFrame | None = None, onbediend_bron: str = ""
) -> VorigeUitkomst:
    """Validate a placements table (and optionally an unplaced table) into a `VorigeUitkomst`."""
    controleer_kolommen(df, "plaatsingen", bron)
    k.eis_kolommen(df, ("huishouden_id", "aanbod_id"), bron, optioneel=("gemeente_code",))
    hid = k.tekst(df, "huishouden_id", bron)
    k.uniek(hid, "huishouden_id", bron, uitleg="een huishouden heeft hoogstens één plaatsing")
    aid = k.tekst(df, "aanbod_id", bron)
    code = k.tekst(df, "gemeente_code", bron, verplicht=False)
    niet: frozenset[str] = frozenset()
    if onbediend is not None:
        controleer_kolommen(onbediend, "onbediend", onbediend_bron)
        k.eis_kolommen(onbediend, ("huishouden_id",), onbediend_bron)
        ids = k.tekst(onbediend, "huishouden_id", onbediend_bron)
        dubbel = sorted(set(ids.tolist()) & set(hid.tolist()))
        if dubbel:
            i = ids.tolist().index(dubbel[0])
            raise InvoerFout(
                f"huishouden staat ook in de plaatsingen ({bron}); een huishouden is geplaatst "
                "of onbediend",
                bestand=onbediend_bron,
                rij=k.rijnummer(i),
                kolom="huishouden_id",
                waarde=dubbel[0],
            )
        niet = frozenset(ids.tolist())
    tabel = pd.DataFrame(
        {"huishouden_id": hid, "aanbod_id": aid, "gemeente_code": code}, columns=VORIGE_KOLOMMEN
    )
    return VorigeUitkomst(
        plaatsingen=tabel, onbediend=niet, onbediend_bekend=onbediend is not None, bron=bron
    )


def vorige_uit_resultaat(res: MetPlaatsingen) -> VorigeUitkomst:
    """The previous outcome held by a result (its placements and unplaced households)."""
    pl = res.plaatsingen
    return VorigeUitkomst(
        plaatsingen=pd.DataFrame(
            {
                "huishouden_id": pl["huishouden_id"].astype(str).to_numpy(object),
                "aanbod_id": pl["aanbod_id"].astype(str).to_numpy(object),
                "gemeente_code": pl["gemeente_code"].astype(str).to_numpy(object),
            },
            columns=VORIGE_KOLOMMEN,
        ),
        onbediend=frozenset(res.onbediend["huishouden_id"].astype(str).tolist()),
        onbediend_bekend=True,
        bron="<resultaat>",
    )


def lees_vorige_uitkomst(pad: str | os.PathLike[str]) -> VorigeUitkomst:
    """Read a previous outcome: an output folder, its ``plaatsingen.csv`` or ``ronde.gpkg``.

    Parameters
    ----------
    pad
        An output folder of ``allocatie ronde`` (its ``plaatsingen.csv`` and,
        when present, ``onbediend.csv``), a placements CSV (columns
        ``huishouden_id``, ``aanbod_id``, optionally ``gemeente_code``), or a
        round archive (``.gpkg``: layers ``resultaat_plaatsingen`` and
        ``resultaat_onbediend``). In a CSV a ``'`` that allocatie put before a
        formula-like value (`allocatie.reports.uitvoer.schrijf_csv`) is taken
        off again.

    Raises
    ------
    InvoerFout
        When the path does not exist, a folder has no ``plaatsingen.csv``, a
        column is missing, a cell is empty or a household appears twice.
    """
    pad = Path(pad)
    if pad.is_dir():
        csv = pad / "plaatsingen.csv"
        if not csv.is_file():
            raise InvoerFout(
                "map zonder plaatsingen.csv; geef de uitvoermap van een eerdere ronde, haar "
                "plaatsingen.csv of haar ronde.gpkg",
                bestand=pad,
            )
        pad = csv
    if not pad.exists():
        raise InvoerFout("vorige uitkomst bestaat niet", bestand=pad)
    if pad.suffix.lower() == ".gpkg":
        archief = lees_archief(pad)
        return _uit_tabel(
            _als_tekst(archief.lagen["resultaat_plaatsingen"]),
            f"{pad}:resultaat_plaatsingen",
            _als_tekst(archief.lagen["resultaat_onbediend"]),
            f"{pad}:resultaat_onbediend",
        )
    naast = pad.with_name("onbediend.csv")
    onbediend = (
        csv_terug(lees_csv(naast)) if pad.name == "plaatsingen.csv" and naast.is_file() else None
    )
    # allocatie wrote a formula-like id with a leading "'" (see schrijf_csv): take it off.
    return _uit_tabel(csv_terug(lees_csv(pad)), str(pad), onbediend, str(naast))


def _als_tekst(df: pd.DataFrame) -> pd.DataFrame:
    """The non-geometry columns of an archive layer."""
    return pd.DataFrame({c: df[c] for c in df.columns if c != "geometry"})


#: What `allocatie.strategie.oplossen.los_op` accepts as ``vorige`` (see `als_vorige`).
VorigeLike: TypeAlias = VorigeUitkomst | MetPlaatsingen | pd.DataFrame | str | os.PathLike[str]


def als_vorige(vorige: VorigeLike | None) -> VorigeUitkomst | None:
    """Accept what `allocatie.strategie.oplossen.los_op` takes as ``vorige``.

    A `VorigeUitkomst` as is; an `AllocationResult` (`vorige_uit_resultaat`); a
    DataFrame of placements (``huishouden_id``, ``aanbod_id``); a path
    (`lees_vorige_uitkomst`); None.
    """
    if vorige is None or isinstance(vorige, VorigeUitkomst):
        return vorige
    if isinstance(vorige, pd.DataFrame):
        return _uit_tabel(vorige, "vorige")
    if isinstance(vorige, str | os.PathLike):
        return lees_vorige_uitkomst(vorige)
    if hasattr(vorige, "plaatsingen") and hasattr(vorige, "onbediend"):
        return vorige_uit_resultaat(vorige)
    raise TypeError(f"onbekend soort vorige uitkomst: {type(vorige).__name__}")


def vorige_posities(inst: Instance, vorige: VorigeUitkomst) -> np.ndarray:
    """Per household of ``inst``: the position of its previous option in ``inst.opties``.

    `NIET_GEPLAATST` (-1) for a household without a previous placement,
    `OPTIE_VERDWENEN` (-2) for one placed at an option that is not in the round.
    """
    opos = {a: i for i, a in enumerate(inst.opties["aanbod_id"].tolist())}
    plaats = vorige.plaats
    uit = np.full(inst.n_huishoudens, NIET_GEPLAATST, dtype=np.int64)
    for h, hid in enumerate(inst.huishoudens["huishouden_id"].tolist()):
        aid = plaats.get(hid)
        if aid is not None:
            uit[h] = opos.get(aid, OPTIE_VERDWENEN)
    return uit


def vorige_signalen(inst: Instance, positie: np.ndarray) -> list[str]:
    """Dutch signals about the previous outcome of a re-run, before solving.

    ``positie`` is `vorige_posities` of the round. Says how many households
    of the round were placed before, how many of them cannot stay because
    their option is gone, and warns when the preset has no ``stabiliteit``
    level (then the re-run does not try to keep placements).
    """
    eerder = int(np.count_nonzero(positie != NIET_GEPLAATST))
    weg = int(np.count_nonzero(positie == OPTIE_VERDWENEN))
    tekst = (
        f"Herhaalde ronde: {huishoudens(eerder)} van deze ronde "
        f"{'stond' if eerder == 1 else 'stonden'} in de vorige uitkomst geplaatst"
    )
    if weg:
        tekst += f"; bij {huishoudens(weg)} staat die optie niet meer in het aanbod"
    signalen = [tekst + "."]
    if "stabiliteit" not in inst.preset.doel.volgorde:
        signalen.append(
            f"De modelpreset '{inst.preset.naam}' heeft geen doelniveau 'stabiliteit': de "
            "herhaalde ronde probeert de vorige plaatsingen niet vast te houden (wel worden de "
            "verschuivingen gemeld)."
        )
    return signalen
