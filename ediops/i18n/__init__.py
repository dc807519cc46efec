"""The words of the desk and the commands in Simplified Chinese or English (docs/languages.md).

The English text in the code is the msgid; the Chinese comes from a gettext catalogue
(`locale/zh/LC_MESSAGES/ediops.po`, compiled by Babel with `make catalogue` into the `.mo`
shipped in the wheel). At run time only the stdlib's gettext reads it. The language is chosen
once at start (`choose`, then `use`), before any text is produced: strings fixed at import are
marked with `N_` and translated where they are shown, so they follow that choice.

Machine-readable output (JSON, CSV, codes, states, exit statuses) never goes through here."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from ediops.clock import SHANGHAI

DOMAIN = "ediops"
LANGUAGES = ("zh", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_catalogue: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def choose(option: str | None, setting: object, environ: Mapping[str, str]) -> str:
    """`--lang`, else settings.toml `language` unless "auto", else the first of LC_ALL,
    LC_MESSAGES and LANG that is set (a value beginning `zh` is Chinese), else English."""
    if option in LANGUAGES:
        return option
    if setting in LANGUAGES:
        return str(setting)
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return "zh" if value.startswith("zh") else "en"
    return "en"


def use(language: str) -> None:
    """Every `_` from now on answers in `language` ("zh" or "en")."""
    global _catalogue, _language
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    if language == "en":
        _catalogue = gettext.NullTranslations()
    else:
        with (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as file:
            _catalogue = gettext.GNUTranslations(file)
    _language = language


def language() -> str:
    """The language `use` chose ("en" until it is called)."""
    return _language


def _(message: str) -> str:
    """`message` in the chosen language."""
    return _catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the chosen language (Chinese has one form)."""
    return _catalogue.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string fixed at import for the catalogue; `_` translates it where it is shown."""
    return message


def when(value: datetime | str | None) -> str:
    """An instant as the centre writes it, in Asia/Shanghai: 2000年10月9日 18:00 in Chinese
    (seconds only when not zero); in English ISO 8601 text as given, a datetime as
    2000-10-09 18:00; "-" for none."""
    if not value:
        return "-"
    if _language != "zh":
        return value if isinstance(value, str) else f"{value.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
    at = (datetime.fromisoformat(value) if isinstance(value, str) else value).astimezone(SHANGHAI)
    clock = f"{at:%H:%M:%S}" if at.second else f"{at:%H:%M}"
    return f"{day(at.date())} {clock}"


def day(value: date | str | None) -> str:
    """A date as the centre writes it: 2000年9月30日 in Chinese, 2000-09-30 in English."""
    if not value:
        return "-"
    d = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{d.year}年{d.month}月{d.day}日" if _language == "zh" else d.isoformat()
