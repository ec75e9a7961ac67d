"""The four VectorDesk identification models: which manifest records each one learns, and what it calls them.

Every function here looks only at the manifest fields `group`, `lifeStage` and `taxon` (ADR 0005).
`label_of(record)` gives the label id a record trains/evaluates as (None: not part of this model's classes);
`is_unknown(record)` marks the records of OTHER classes that the model never learns as classes: they are
the "unknowns" for the rejection threshold/AUROC and, in training, the outlier-exposure images.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Label:
    id: str
    taxon: str
    group: str
    lifeStage: Optional[str]
    rank: Optional[str]

    def as_json(self) -> dict:
        return {"id": self.id, "taxon": self.taxon, "group": self.group, "lifeStage": self.lifeStage, "rank": self.rank}


@dataclass(frozen=True)
class Task:
    name: str
    task: str  # "group" | "species" (model.json `task`)
    parent_label: Optional[str]
    labels: tuple[Label, ...]
    label_of: Callable[[dict], Optional[str]]
    is_unknown: Callable[[dict], bool]
    description: str
    # Training settings that differ per model.
    rotate_degrees: float = 15.0
    vflip: float = 0.2
    outlier_exposure: bool = False
    init_from: Optional[str] = None  # name of an already-trained model whose backbone starts this one
    replaces: Optional[str] = None  # the refiner of the same parent label this one takes the place of when served

    @property
    def label_ids(self) -> list[str]:
        return [label.id for label in self.labels]


def _genus(record: dict) -> Optional[str]:
    taxon = record.get("taxon") or ""
    return taxon.split(" ")[0] if taxon else None


def _group_label(record: dict) -> Optional[str]:
    group, stage = record.get("group"), record.get("lifeStage")
    if group == "mosquito":
        return {"adult": "mosquito.adult", "larva": "mosquito.larva"}.get(stage or "")
    if group in ("tick", "rodent", "not_vector"):
        return group
    return None


def _is_mosquito_adult(record: dict) -> bool:
    return record.get("group") == "mosquito" and record.get("lifeStage") == "adult"


def _is_mosquito_larva(record: dict) -> bool:
    return record.get("group") == "mosquito" and record.get("lifeStage") == "larva"


TICK_SPECIES = ("Amblyomma americanum", "Dermacentor variabilis", "Ixodes scapularis")
ADULT_GENERA = ("Aedes", "Culex", "Culiseta")
LARVA_GENERA = ("Aedes", "Anopheles", "Culex")


# The port-priority adults: species where the data names them, genus where it does not (Anopheles, Armigeres).
ADULT_SPECIES = ("Aedes albopictus", "Aedes aegypti", "Culex quinquefasciatus", "Culex pipiens")
ADULT_SPECIES_GENERA = ("Anopheles", "Armigeres")


def _adult_species(record: dict) -> Optional[str]:
    if not _is_mosquito_adult(record):
        return None
    taxon, genus = record.get("taxon"), _genus(record)
    return taxon if taxon in ADULT_SPECIES else genus if genus in ADULT_SPECIES_GENERA else None


def _tick_species(record: dict) -> Optional[str]:
    return record["taxon"] if record.get("group") == "tick" and record.get("taxon") in TICK_SPECIES else None


def _adult_genus(record: dict) -> Optional[str]:
    genus = _genus(record)
    return genus if _is_mosquito_adult(record) and genus in ADULT_GENERA else None


def _larva_genus(record: dict) -> Optional[str]:
    genus = _genus(record)
    return genus if _is_mosquito_larva(record) and genus in LARVA_GENERA else None


TASKS: dict[str, Task] = {
    "vector-group": Task(
        name="vector-group",
        task="group",
        parent_label=None,
        labels=(
            Label("mosquito.adult", "Culicidae", "mosquito", "adult", "family"),
            Label("mosquito.larva", "Culicidae", "mosquito", "larva", "family"),
            Label("tick", "Ixodida", "tick", None, "order"),
            Label("rodent", "Rodentia", "rodent", None, "order"),
            Label("not_vector", "not_vector", "not_vector", None, "none"),
        ),
        label_of=_group_label,
        # Every image of the dataset is one of the five groups: there are no out-of-taxonomy images, so the
        # group model's rejection is measured on its own mistakes (see metrics.rejection_scores).
        is_unknown=lambda record: False,
        description="vector group of a photographed specimen (adult mosquito, mosquito larva, tick, rodent, or not a vector)",
        rotate_degrees=15.0,
        vflip=0.2,
    ),
    "tick-species": Task(
        name="tick-species",
        task="species",
        parent_label="tick",
        labels=tuple(Label(name, name, "tick", None, "species") for name in TICK_SPECIES),
        label_of=_tick_species,
        is_unknown=lambda record: record.get("group") != "tick",
        description="species of a tick (Amblyomma americanum, Dermacentor variabilis, Ixodes scapularis)",
        rotate_degrees=180.0,
        vflip=0.5,
        outlier_exposure=True,
        init_from="vector-group",
    ),
    "mosquito-genus": Task(
        name="mosquito-genus",
        task="species",
        parent_label="mosquito.adult",
        labels=tuple(Label(name, name, "mosquito", "adult", "genus") for name in ADULT_GENERA),
        label_of=_adult_genus,
        # Adults of unknown genus are mosquitoes this model should name, just without a label: neither class nor unknown.
        is_unknown=lambda record: not _is_mosquito_adult(record),
        description="genus of an adult mosquito (Aedes, Culex, Culiseta)",
        rotate_degrees=180.0,
        vflip=0.5,
        outlier_exposure=True,
        init_from="vector-group",
    ),
    "mosquito-species": Task(
        name="mosquito-species",
        task="species",
        parent_label="mosquito.adult",
        labels=tuple(Label(name, name, "mosquito", "adult", "species") for name in ADULT_SPECIES)
        + tuple(Label(name, name, "mosquito", "adult", "genus") for name in ADULT_SPECIES_GENERA),
        label_of=_adult_species,
        # Adults of other species (Ae. japonicus, Culex named only to genus, the Alberta species) are mosquitoes this
        # model answers at genus level at best: neither a class nor an unknown.
        is_unknown=lambda record: not _is_mosquito_adult(record),
        description="species of an adult mosquito of port priority (Aedes albopictus, Ae. aegypti, Culex quinquefasciatus, "
                    "Cx. pipiens; Anopheles and Armigeres to genus)",
        replaces="mosquito-genus",
        rotate_degrees=180.0,
        vflip=0.5,
        outlier_exposure=True,
        init_from="vector-group",
    ),
    "larva-genus": Task(
        name="larva-genus",
        task="species",
        parent_label="mosquito.larva",
        labels=tuple(Label(name, name, "mosquito", "larva", "genus") for name in LARVA_GENERA),
        label_of=_larva_genus,
        is_unknown=lambda record: not _is_mosquito_larva(record),
        description="genus of a mosquito larva (Aedes, Anopheles, Culex)",
        rotate_degrees=180.0,
        vflip=0.5,
        outlier_exposure=True,
        init_from="vector-group",
    ),
}
