"""The sweep engine: task order, determinism, errors and progress on every path.

Every behaviour is checked on the three paths: serially in this process
(``workers=1``), on two local processes, and on a real local Dask cluster (a
scheduler on loopback with two worker processes, started once for the module).
The task functions live in ``sweeptaken`` so that the workers can import them.
"""

from __future__ import annotations

import doctest
import socket
import sys
from typing import Any

import dask
import pytest
from sweeptaken import deel, trek, wacht_en_geef

import allocatie.kern.sweep
from allocatie.kern.errors import AllocatieFout, SweepFout
from allocatie.kern.sweep import SCHEDULER_VARIABELE, taak_seeds, veeg, veeg_uitkomst
from allocatie.kern.voortgang import Melding

PADEN = ["serieel", "processen", "dask"]


@pytest.fixture(autouse=True)
def geen_scheduler_uit_omgeving(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scheduler in the developer's environment must not redirect the tests."""
    monkeypatch.delenv(SCHEDULER_VARIABELE, raising=False)


@pytest.fixture(params=PADEN)
def pad(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """A path and the keyword arguments of `veeg` that choose it (two workers in parallel)."""
    if request.param == "serieel":
        return "serieel", {"workers": 1}
    if request.param == "processen":
        return "processen", {"workers": 2}
    return "dask", {"scheduler": request.getfixturevalue("cluster")}


def test_doctests() -> None:
    assert doctest.testmod(allocatie.kern.sweep).failed == 0


def test_resultaten_in_taakvolgorde(pad: tuple[str, dict[str, Any]]) -> None:
    """The first task sleeps longest: in parallel later tasks finish first, yet come later."""
    naam, kwargs = pad
    # 1.5 s: long enough that the other worker finishes its tasks first even on a busy machine.
    taken = [(1.5, 10), *((0.0, k) for k in range(11, 16))]
    uitkomst = veeg_uitkomst(wacht_en_geef, taken, **kwargs)
    assert [w for w, _ in uitkomst.resultaten] == list(range(10, 16))
    assert uitkomst.pad == naam
    assert uitkomst.workers == (1 if naam == "serieel" else 2)
    assert len(uitkomst.taak_s) == 6 and uitkomst.taak_s[0] >= 1.5
    assert uitkomst.wall_s >= max(uitkomst.taak_s)
    eind = [t for _, t in uitkomst.resultaten]
    if naam == "serieel":
        assert eind == sorted(eind)
    else:  # really finished out of order
        assert eind != sorted(eind)


def test_zelfde_resultaten_op_elk_pad(pad: tuple[str, dict[str, Any]]) -> None:
    """Seeds travel with the tasks, so the path does not change a single draw."""
    seeds = taak_seeds(2025, 7)
    verwacht = [trek(s) for s in seeds]
    assert veeg(trek, seeds, **pad[1]) == verwacht


def test_mislukte_taak_genoemd(pad: tuple[str, dict[str, Any]]) -> None:
    meldingen: list[Melding] = []
    taken = [(1, 1), (1, 0), (2, 1), (3, 1)]
    with pytest.raises(SweepFout, match=r"taken\[1\] \(van 4\)") as fout:
        veeg(deel, taken, naam="gevoeligheid", voortgang=meldingen.append, **pad[1])
    assert isinstance(fout.value, AllocatieFout)
    assert fout.value.index == 1 and fout.value.taak == "(1, 0)"
    assert isinstance(fout.value.__cause__, ZeroDivisionError)
    assert str(fout.value).startswith("Sweep 'gevoeligheid': taken[1] (van 4) is mislukt met ")
    assert "ZeroDivisionError: division by zero; taken[1] = (1, 0)" in str(fout.value)
    assert not any(m.klaar for m in meldingen)  # a failed phase sends no end event


def test_voortgang(pad: tuple[str, dict[str, Any]]) -> None:
    naam, kwargs = pad
    meldingen: list[Melding] = []
    veeg(trek, [1, 2, 3], voortgang=meldingen.append, naam="seeds", tekst="Seeds", **kwargs)
    start, *tussen, eind = meldingen
    assert start == Melding("seeds", "Seeds")
    assert [(m.fase, m.tekst, m.gedaan, m.totaal) for m in tussen] == [
        ("seeds", f"Seeds: {k}/3 klaar", k, 3) for k in range(4)
    ]
    assert all(m.tussenstand for m in tussen)
    assert eind.fase == "seeds" and eind.klaar and eind.duur_s is not None
    assert (
        eind.details
        == {
            "serieel": "3 taken, serieel",
            "processen": "3 taken, 2 processen",
            "dask": "3 taken, Dask-cluster, 2 threads",
        }[naam]
    )


def test_serieel_stopt_bij_de_eerste_fout() -> None:
    """In this process any callable will do, and no task runs after the failing one."""
    gezien: list[int] = []

    def omgekeerd(x: int) -> float:
        gezien.append(x)
        return 1 / x

    with pytest.raises(SweepFout, match=r"taken\[1\]"):
        veeg(omgekeerd, [1, 0, 2, 3], workers=1)
    assert gezien == [1, 0]


def test_serieel_meldt_na_elke_taak() -> None:
    """Serially each task runs when its turn comes, so progress follows every task."""
    log: list[str] = []

    def kwadraat(x: int) -> int:
        log.append(f"taak {x}")
        return x * x

    assert veeg(kwadraat, [1, 2], workers=1, voortgang=lambda m: log.append(m.tekst)) == [1, 4]
    assert log == [
        "Sweep",
        "Sweep: 0/2 klaar",
        "taak 1",
        "Sweep: 1/2 klaar",
        "taak 2",
        "Sweep: 2/2 klaar",
        "Sweep",
    ]


def test_processen_weigeren_een_lambda() -> None:
    """A function the workers cannot import fails as a task error, not as a hang."""
    with pytest.raises(SweepFout, match=r"taken\[0\] .* PicklingError: .*moduleniveau") as fout:
        veeg(lambda x: x, [1, 2], workers=2)
    assert fout.value.index == 0


def test_scheduler_uit_omgeving(monkeypatch: pytest.MonkeyPatch, cluster: str) -> None:
    monkeypatch.setenv(SCHEDULER_VARIABELE, cluster)
    assert veeg_uitkomst(trek, [1], workers=1).pad == "dask"  # None: the environment decides
    assert veeg_uitkomst(trek, [1], workers=1, scheduler="").pad == "serieel"
    monkeypatch.setenv(SCHEDULER_VARIABELE, "")
    assert veeg_uitkomst(trek, [1], workers=1).pad == "serieel"


def test_geen_scheduler_op_het_adres() -> None:
    with socket.socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        adres = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    with dask.config.set({"distributed.comm.timeouts.connect": "0.5s"}):
        with pytest.raises(SweepFout, match="Geen verbinding met de Dask-scheduler") as fout:
            veeg(trek, [1], scheduler=adres)
    assert fout.value.index is None and isinstance(fout.value.__cause__, OSError)
    assert adres in str(fout.value) and SCHEDULER_VARIABELE in str(fout.value)


def test_zonder_distributed_een_nederlandse_melding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask is an extra: without it the Dask path says how to install it, locally all works."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` now fails
    with pytest.raises(SweepFout, match=r"pip install 'allocatie\[dask\]'") as fout:
        veeg(trek, [1], scheduler="tcp://127.0.0.1:8786")
    assert isinstance(fout.value.__cause__, ImportError)
    assert veeg_uitkomst(trek, [1, 2], workers=1, scheduler="").resultaten == [
        trek(1),
        trek(2),
    ]


def test_lege_sweep() -> None:
    meldingen: list[Melding] = []
    uitkomst = veeg_uitkomst(trek, [], workers=2, voortgang=meldingen.append)
    assert uitkomst.resultaten == [] and uitkomst.taak_s == [] and uitkomst.workers == 1
    assert [m.tekst for m in meldingen] == ["Sweep", "Sweep: 0/0 klaar", "Sweep"]
    assert meldingen[-1].details == "0 taken, 1 proces"


def test_workers_te_klein() -> None:
    with pytest.raises(ValueError, match="minstens 1"):
        veeg(trek, [1], workers=0)


def test_taak_seeds() -> None:
    seeds = taak_seeds(7, 100)
    assert seeds == taak_seeds(7, 100) and len(set(seeds)) == 100
    assert taak_seeds(7, 10) == seeds[:10]  # adding tasks keeps the earlier seeds
    assert set(taak_seeds(8, 100)).isdisjoint(seeds)
    assert all(0 <= s < 2**64 for s in seeds)
    assert taak_seeds(7, 0) == []
    with pytest.raises(ValueError):
        taak_seeds(7, -1)
