"""Translation catalogs, one per capability: extract, compile and check them.

    python -m helpdesk.catalogs extract   # update helpdesk/<cap>/translations/sv/.../messages.po
    python -m helpdesk.catalogs compile   # write the .mo files the app reads
    python -m helpdesk.catalogs check     # list every string without a Swedish translation

A capability's strings are those in `helpdesk/<cap>/` and `templates/<cap>/`; the `core`
catalog also takes the top-level modules and templates. Keeping a catalog per capability
lets several people translate at once without touching one shared file.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
TEMPLATES = ROOT / "templates"
LOCALES = ("sv",)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "trimmed": "false"}


def capabilities() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir()
                  if p.is_dir() and (p / "__init__.py").exists())


def _sources(cap: str) -> list[tuple[Path, str]]:
    files: list[tuple[Path, str]] = []
    files += [(p, "python") for p in sorted((PACKAGE / cap).rglob("*.py"))]
    tpl_dirs = [TEMPLATES / cap]
    if cap == "core":
        files += [(p, "python") for p in sorted(PACKAGE.glob("*.py"))]
        files += [(p, "jinja2") for p in sorted(TEMPLATES.glob("*.html"))]
        tpl_dirs += [TEMPLATES / "errors", TEMPLATES / "mail"]
    for d in tpl_dirs:
        if d.is_dir():
            files += [(p, "jinja2") for p in sorted(d.rglob("*")) if p.suffix in (".html", ".txt")]
    return files


def extract(cap: str) -> Catalog:
    catalog = Catalog(project="helpdesk", charset="utf-8")
    for path, method in _sources(cap):
        options = JINJA_OPTIONS if method == "jinja2" else {}
        for lineno, message, comments, context in extract_from_file(
            "jinja2.ext.babel_extract" if method == "jinja2" else method, str(path),
            keywords=KEYWORDS, options=options, strip_comment_tags=True,
        ):
            catalog.add(message, None, [(str(path.relative_to(ROOT)), lineno)],
                        auto_comments=comments, context=context)
    return catalog


def po_path(cap: str, locale: str) -> Path:
    return PACKAGE / cap / "translations" / locale / "LC_MESSAGES" / "messages.po"


def load(cap: str, locale: str) -> Catalog:
    path = po_path(cap, locale)
    if not path.exists():
        return Catalog(locale=locale, project="helpdesk", charset="utf-8")
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def update(cap: str) -> None:
    template = extract(cap)
    if not len(template):
        return
    for locale in LOCALES:
        catalog = load(cap, locale)
        catalog.update(template, update_header_comment=False)
        # Drop strings no longer in the code, so the catalog stays what the code says.
        catalog.obsolete.clear()
        path = po_path(cap, locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, sort_output=True)


def compile_all() -> None:
    for cap in capabilities():
        for locale in LOCALES:
            path = po_path(cap, locale)
            if path.exists():
                with path.open("rb") as f:
                    catalog = read_po(f, locale=locale)
                with path.with_suffix(".mo").open("wb") as f:
                    write_mo(f, catalog, use_fuzzy=False)


def missing() -> dict[str, list[str]]:
    """Every extracted string without a (non-fuzzy) Swedish translation, per capability."""
    gaps: dict[str, list[str]] = {}
    for cap in capabilities():
        template = extract(cap)
        for locale in LOCALES:
            catalog = load(cap, locale)
            for message in template:
                if not message.id:
                    continue
                found = catalog.get(message.id, message.context)
                ok = found is not None and not found.fuzzy and (
                    all(found.string) if isinstance(found.string, (tuple, list)) else bool(found.string))
                if not ok:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    gaps.setdefault(f"{cap}/{locale}", []).append(key)
    return gaps


def conflicts() -> dict[str, dict[str, str]]:
    """Strings translated differently in two capabilities' catalogs. All catalogs are
    loaded into one translation at run time, so only one of the two would ever show."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for cap in capabilities():
        for locale in LOCALES:
            for message in load(cap, locale):
                if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
                    seen.setdefault((locale, message.id), {})[cap] = message.string
    return {f"{locale}: {msgid}": by_cap for (locale, msgid), by_cap in seen.items()
            if len(set(by_cap.values())) > 1}


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        for cap in capabilities():
            update(cap)
    elif command == "compile":
        compile_all()
    elif command == "check":
        gaps = missing()
        for where, ids in gaps.items():
            print(f"{where}: {len(ids)} untranslated")
            for i in ids:
                print(f"    {i!r}")
        return 1 if gaps else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
