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


def nav_for(user) -> list[NavItem]:
    return sorted((i for i in _NAV.values() if i.visible(user)), key=lambda i: i.order)


def panels_for(user) -> list[HomePanel]:
    return sorted((p for p in _PANELS.values() if p.visible(user)), key=lambda p: p.order)
