"""The hotline's configuration: categories (`hotline.toml`: target time, starting priority,
note template) and the routing directory (`contacts.toml`: roles and approved vendors with
their numbers). Both are bundled and may be replaced through `--config DIR`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ediops.i18n import _
from ediops.config import Config, read_toml
from ediops.errors import InputError

CATEGORIES = ("not-received", "mismatch", "urgent", "writeoff", "return", "software", "other")
PRIORITIES = ("low", "normal", "high", "urgent")
PARTIES = ("licence-bureau", "customs", "issuer", "software-vendor")


@dataclass(frozen=True)
class Category:
    name: str
    target_minutes: int
    priority: str
    template: str

    def note_for(self, licence_no: str | None) -> str:
        """The proposed note, with the licence number filled in (left blank when none)."""
        return self.template.replace("{licence}", licence_no or "").replace("  ", " ")


@dataclass(frozen=True)
class Contact:
    """A role or an approved vendor a ticket can be routed to: never a person."""

    id: str
    name: str
    phone: str
    party: str
    vendor: bool


@dataclass(frozen=True)
class HotlineConfig:
    categories: dict[str, Category]
    default_category: str
    contacts: dict[str, Contact]

    def contact(self, contact_id: str) -> Contact:
        try:
            return self.contacts[contact_id]
        except KeyError:
            known = ", ".join(self.contacts)
            raise InputError(
                _("no routing role {contact_id!r} in contacts.toml (known: {known})").format(
                    contact_id=contact_id, known=known
                )
            ) from None


def _categories(data: dict) -> dict[str, Category]:
    tables = data.get("categories", {})
    found = {}
    for name in CATEGORIES:
        table = tables.get(name)
        if not isinstance(table, dict):
            raise InputError(_("hotline.toml: [categories.{name}] is missing").format(name=name))
        minutes, priority = table.get("target_minutes"), table.get("priority", "normal")
        if not isinstance(minutes, int) or minutes <= 0:
            raise InputError(
                _("hotline.toml: [categories.{name}] target_minutes must be a positive integer").format(name=name)
            )
        if priority not in PRIORITIES:
            raise InputError(
                _("hotline.toml: [categories.{name}] priority must be one of {known}").format(
                    name=name, known=", ".join(PRIORITIES)
                )
            )
        found[name] = Category(name, minutes, priority, str(table.get("template", "")))
    unknown = set(tables) - set(CATEGORIES)
    if unknown:
        raise InputError(_("hotline.toml: unknown categories {known}").format(known=", ".join(sorted(unknown))))
    return found


def _contacts(data: dict) -> dict[str, Contact]:
    found: dict[str, Contact] = {}
    for section, vendor in (("roles", False), ("vendors", True)):
        for i, table in enumerate(data.get(section, []), 1):
            where = f"contacts.toml: {section} entry {i}"
            if not all(isinstance(table.get(k), str) and table[k].strip() for k in ("id", "name", "phone")):
                raise InputError(_("{where}: needs id, name and phone").format(where=where))
            if table.get("party") not in PARTIES:
                raise InputError(
                    _("{where}: party must be one of {known}").format(where=where, known=", ".join(PARTIES))
                )
            if table["id"] in found:
                raise InputError(_("{where}: id {id!r} appears twice").format(where=where, id=table["id"]))
            found[table["id"]] = Contact(table["id"], table["name"], table["phone"], table["party"], vendor)
    return found


_LOADED: dict[Path | None, HotlineConfig] = {}


def of(config: Config) -> HotlineConfig:
    """The hotline settings of `config`'s `--config` directory, read once per process (on
    first use: a bad hotline.toml never stops the engine's other work). Pass the result on."""
    if config.directory not in _LOADED:
        _LOADED[config.directory] = load(config.directory)
    return _LOADED[config.directory]


def load(config_dir: str | Path | None = None) -> HotlineConfig:
    """Reads and checks both files; a bad file raises InputError naming it."""
    data = read_toml("hotline.toml", config_dir)
    categories = _categories(data)
    default = data.get("default_category", "other")
    if default not in CATEGORIES:
        raise InputError(_("hotline.toml: default_category must be one of {known}").format(known=", ".join(CATEGORIES)))
    return HotlineConfig(categories, default, _contacts(read_toml("contacts.toml", config_dir)))
