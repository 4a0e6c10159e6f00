"""What moved on a re-run of a round, and why (``verschuivingen.csv``).

`verklaar_verschuivingen` compares a result with the previous outcome it was
given (`allocatie.invoer.vorige`) and lists every household whose placement differs:
its old and new option and, in Dutch, the reason, derived from the data alone:

1. the old option is no longer in the supply;
2. the old pair is no longer admissible: a criterion changed (size, availability,
   werk, studie, familie, zorg, COA-regio) or the regisseur set a lock or a ban
   (the criteria of `allocatie.model.toelaatbaar.criteriummaskers`);
3. the old option has no room left: the households that stayed there fill it
   (its capacity went down), or the room went to households that were not there
   before (each named: locked there, new, previously unplaced, or moved in from
   another option: their own row says why), or a region capacity is reached;
4. the old option still had room: the household moved for an objective level
   the preset ranks above ``stabiliteit`` (to reduce the shortfall of another
   gemeente), or the preset has no ``stabiliteit`` level at all.

Households placed now but not before are listed as ``nieuw geplaatst`` (they
do not count for the level ``stabiliteit``); households placed before that are
no longer in the round as ``niet meer in de ronde``.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from allocatie.kern.taal import huishoudens, personen
from allocatie.model.onhaalbaar import criteriumbeschrijving
from allocatie.model.toelaatbaar import criteriummaskers
from allocatie.model.vastlegging import vastlegteksten
from allocatie.resultaat.explain import optiegebruik, vol_reden
from allocatie.resultaat.result import VERSCHUIVING_KOLOMMEN, AllocationResult, lege_verschuivingen
from allocatie.ronde.instance import Instance
from allocatie.solvers.base import Status

#: The kinds of difference (column ``soort``); the first two count for ``stabiliteit``.
SOORTEN: tuple[str, ...] = (
    "verhuist",
    "onbediend geworden",
    "nieuw geplaatst",
    "niet meer in de ronde",
)


class _Context:
    """Everything the reasons of one result need, computed once."""

    def __init__(self, inst: Instance, res: AllocationResult) -> None:
        assert res.vorige is not None
        self.inst, self.res, self.vorige = inst, res, res.vorige
        self.hpos = {h: i for i, h in enumerate(inst.huishoudens["huishouden_id"].tolist())}
        self.opos = {a: i for i, a in enumerate(inst.opties["aanbod_id"].tolist())}
        pl = res.plaatsingen
        self.nu: dict[str, str] = dict(zip(pl["huishouden_id"], pl["aanbod_id"], strict=True))
        self.voor = self.vorige.plaats
        self.bewoners_nu: dict[str, list[str]] = defaultdict(list)
        for h, a in sorted(self.nu.items()):
            self.bewoners_nu[a].append(h)
        self.maskers = criteriummaskers(inst)
        self.gebruik = optiegebruik(inst, res)
        self.vastleg = vastlegteksten(inst)
        volgorde = inst.preset.doel.volgorde
        self.eerder: tuple[str, ...] | None = (
            tuple(volgorde[: volgorde.index("stabiliteit")]) if "stabiliteit" in volgorde else None
        )
        self.optimaal = all(n.status is Status.OPTIMAAL for n in res.niveaus)
        self.gemeente = dict(
            zip(inst.opties["aanbod_id"], inst.opties["gemeente_code"], strict=True)
        )
        vg = self.vorige.plaatsingen
        for a, g in zip(vg["aanbod_id"], vg["gemeente_code"], strict=True):
            if g and a not in self.gemeente:
                self.gemeente[a] = g
        self.per_gemeente = res.per_gemeente.set_index("gemeente_code")
        self.conflict: dict[str, str] = dict(
            zip(res.onhaalbaar["huishouden_id"], res.onhaalbaar["conflict"], strict=True)
        )

    def herkomst(self, hid: str) -> str:
        """Where household ``hid`` (now somewhere new) came from, in a few words."""
        van = f"kwam van {self.voor[hid]}" if hid in self.voor else ""
        if self.vastleg.get(hid, "").startswith("vastgelegd"):
            return self.vastleg[hid] + (f", {van}" if van else "")
        if van:
            return van
        if hid in self.vorige.onbediend:
            return "eerder onbediend"
        return "nieuw" if self.vorige.onbediend_bekend else "nieuw of eerder onbediend"

    def reden_weg(self, hid: str, p: str, n: str | None) -> str:
        """Why household ``hid`` left its previous option ``p`` (now at ``n`` or unplaced)."""
        inst = self.inst
        po = self.opos.get(p)
        if po is None:
            return f"{p} staat niet meer in het aanbod"
        h = self.hpos[hid]
        niet = [c for c, m in self.maskers.items() if not m[h, po]]
        if niet:
            beschrijving = criteriumbeschrijving(inst, h, self.vastleg)
            return "; ".join(
                self._niet_meer(h, hid, p, po, c, beschrijving.get(c, c)) for c in niet
            )
        vol = vol_reden(inst, h, po, self.gebruik, None if n is None else self.opos[n])
        if vol:
            return self._reden_vol(p, vol)
        waarom = self._reden_doel(p, n)
        if not self.optimaal:
            waarom += " (niet alle doelniveaus optimaal binnen de tijdslimiet)"
        return waarom

    def _niet_meer(self, h: int, hid: str, p: str, po: int, c: str, beschrijving: str) -> str:
        """Why the pair (``h``, ``p``) fails criterion ``c`` now, in Dutch."""
        if c == "vastlegging":
            return self.vastleg[hid]
        if c == "grootte":
            o = self.inst.opties.iloc[po]
            ruimte = int(self.inst.huishoudens["ruimte"].iat[h])
            if int(o["eenheden"]) <= 0:
                return f"{p} heeft geen woningen of eenheden meer voor vergunninghouders"
            if ruimte > int(o["capaciteit_personen"]):
                return (
                    f"{p} heeft nog plaats voor {personen(int(o['capaciteit_personen']))} in "
                    f"totaal, het huishouden heeft ruimte nodig voor {ruimte}"
                )
            return (
                f"{p} ({int(o['min_personen'])}-{int(o['max_personen'])} personen) past niet "
                f"meer bij het huishouden (ruimte voor {personen(ruimte)})"
            )
        return f"{p} voldoet niet meer aan {beschrijving}"

    def _reden_vol(self, p: str, vol: str) -> str:
        vol = vol.removeprefix("vol: ")
        if vol.startswith("regiocapaciteit"):
            return f"{p}: {vol}"
        bleven = [x for x in self.bewoners_nu[p] if self.voor.get(x) == p]
        nieuw = [x for x in self.bewoners_nu[p] if self.voor.get(x) != p]
        if not nieuw:
            if bleven:
                wie = (
                    f"het huishouden dat er bleef ({bleven[0]}) vult"
                    if len(bleven) == 1
                    else f"de {huishoudens(len(bleven))} die er bleven vullen"
                )
                return f"{p} heeft minder plaats: {wie} haar ({vol})"
            return f"{p} heeft geen plaats meer ({vol})"
        namen = ", ".join(f"{x} ({self.herkomst(x)})" for x in nieuw[:3])
        meer = f" en nog {huishoudens(len(nieuw) - 3)}" if len(nieuw) > 3 else ""
        return f"{p} is vol ({vol}): de plaats ging naar {namen}{meer}"

    def _reden_doel(self, p: str, n: str | None) -> str:
        if self.eerder is None:
            return (
                f"{p} had nog plaats, maar de modelpreset '{self.inst.preset.naam}' heeft geen "
                "doelniveau stabiliteit"
            )
        gp, gn = self.gemeente.get(p, ""), (self.gemeente.get(n, "") if n else "")
        if n is not None and "tekort" in self.eerder and gn != gp and gn in self.per_gemeente.index:
            r = self.per_gemeente.loc[gn]
            return (
                f"{p} had nog plaats, maar het huishouden is nodig om het tekort op de "
                f"taakstellingen te verkleinen: {r['gemeente_naam']} ({gn}) heeft een opgave van "
                f"{personen(int(r['opgave']))} en krijgt er nu {int(r['geplaatst'])}"
            )
        niveaus = ", ".join(self.eerder) or "geen"
        return f"{p} had nog plaats; verschoven voor een hoger doelniveau ({niveaus})"

    def reden_nieuw(self, hid: str, n: str) -> str:
        """Why household ``hid``, not placed before, is placed now at ``n``."""
        if hid not in self.vorige.onbediend:
            return (
                "nieuw in de ronde"
                if self.vorige.onbediend_bekend
                else "nieuw in de ronde of eerder onbediend"
            )
        weg = [x for x, a in sorted(self.voor.items()) if a == n and self.nu.get(x) != n]
        if weg:
            namen = ", ".join(weg[:3]) + (f" en nog {len(weg) - 3}" if len(weg) > 3 else "")
            return f"was onbediend; plaats in {n} kwam vrij doordat {namen} er niet meer woont"
        if self.vastleg.get(hid, "").startswith("vastgelegd"):
            return f"was onbediend; {self.vastleg[hid]}"
        return f"was onbediend; nu plaats in {n}"


def verklaar_verschuivingen(inst: Instance, res: AllocationResult) -> pd.DataFrame:
    """Every household whose placement differs from the previous outcome, and why.

    Parameters
    ----------
    inst
        The round.
    res
        Its result, with ``res.vorige`` the previous outcome it was solved with.

    Returns
    -------
    pandas.DataFrame
        Columns `allocatie.resultaat.result.VERSCHUIVING_KOLOMMEN`, one row per household
        in ``huishouden_id`` order: ``soort`` (one of `SOORTEN`),
        ``vorige_optie``/``vorige_gemeente`` and ``nieuwe_optie``/
        ``nieuwe_gemeente`` (``""`` when not placed), ``telt_mee`` (counts for
        the level ``stabiliteit``: a previously placed household that moved or
        became unplaced) and ``reden`` (Dutch). Empty without ``res.vorige``.
    """
    if res.vorige is None:
        return lege_verschuivingen()
    c = _Context(inst, res)
    pers = inst.huishoudens["personen"].to_numpy(np.int64)
    rijen = []
    for hid in sorted(set(c.voor) | set(c.nu)):
        p, n = c.voor.get(hid), c.nu.get(hid)
        if p == n:
            continue
        if hid not in c.hpos:
            soort, reden = "niet meer in de ronde", "staat niet meer in de huishoudens van de ronde"
        elif p is None:
            assert n is not None
            soort, reden = "nieuw geplaatst", c.reden_nieuw(hid, n)
        else:
            soort = "verhuist" if n is not None else "onbediend geworden"
            reden = c.reden_weg(hid, p, n)
            if n is None and hid in c.conflict:
                reden += f"; geen enkele passende optie meer: {c.conflict[hid]}"
        rijen.append(
            {
                "huishouden_id": hid,
                "personen": int(pers[c.hpos[hid]]) if hid in c.hpos else pd.NA,
                "soort": soort,
                "vorige_optie": p or "",
                "vorige_gemeente": c.gemeente.get(p, "") if p else "",
                "nieuwe_optie": n or "",
                "nieuwe_gemeente": c.gemeente.get(n, "") if n else "",
                "telt_mee": soort in SOORTEN[:2],
                "reden": reden,
            }
        )
    if not rijen:
        return lege_verschuivingen()
    uit = pd.DataFrame(rijen, columns=list(VERSCHUIVING_KOLOMMEN))
    uit["personen"] = uit["personen"].astype("Int64")
    return uit
