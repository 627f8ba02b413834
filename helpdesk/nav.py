"""Navigation links and home-page panels that each capability contributes.

A capability registers what it adds from its `init_app`; the base template and the home
page ask here, so adding a capability never means editing another one's template.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Callable[[], str]  # a function, so the label is translated per request
    visible: Callable[[object], bool]  # given the current user
    order: int = 50


@dataclass(frozen=True)
class HomePanel:
    template: str
    visible: Callable[[object], bool]
    order: int = 50


_NAV: dict[str, NavItem] = {}
_PANELS: dict[str, HomePanel] = {}


def add_nav(item: NavItem) -> None:
    _NAV[item.endpoint] = item


def add_home_panel(panel: HomePanel) -> None:
    _PANELS[panel.template] = panel


# Items ordered from here on (directory, administration, article editing, sync, personal
# data...) are tools for the few who run the portal: they go into one "Administration"
# disclosure, so a central admin's menu stays a few lines on a phone.
ADMIN_SECTION_FROM = 80


def nav_for(user) -> list[NavItem]:
    return sorted((i for i in _NAV.values() if i.visible(user)), key=lambda i: i.order)


def nav_sections(user) -> tuple[list[NavItem], list[NavItem]]:
    """(top items, administration items). A lone administration item stays at the top: a
    disclosure around one link only adds a click."""
    items = nav_for(user)
    admin = [i for i in items if i.order >= ADMIN_SECTION_FROM]
    if len(admin) < 2:
        return items, []
    return [i for i in items if i.order < ADMIN_SECTION_FROM], admin


def panels_for(user) -> list[HomePanel]:
    return sorted((p for p in _PANELS.values() if p.visible(user)), key=lambda p: p.order)
