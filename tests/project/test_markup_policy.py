"""The markup policy (CONTRIBUTING.md, "How the code fits"), read from the source: escaping is written
once, in scripts/escape.py, and markup is written in templates, except by the annex's marks."""

from __future__ import annotations

import ast

import pytest
from test_imports import modules

ESCAPE_MODULE = "scripts.escape"
MARKUP_EXCEPTION = "scripts.site.annex_markup"  # the annex's marks: an algorithm over spans (its docstring)
SPECIAL = {"<", ">", "&", '"', "'"}


def calls(tree: ast.AST):
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def name_of(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def problems(name: str, source: str) -> list[str]:
    """What in one module breaks the policy."""
    tree = ast.parse(source)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == "html" for a in node.names):
            out.append(f"{name}:{node.lineno}: imports html (escape with scripts/escape.py)")
        if isinstance(node, ast.ImportFrom) and node.module in ("html", "markupsafe"):
            if any(a.name == "escape" for a in node.names):
                out.append(f"{name}:{node.lineno}: imports {node.module}.escape (use scripts/escape.py)")
    for node in calls(tree):
        func, args = name_of(node.func), node.args
        # str.replace("<", …): an escaper written by hand.
        if func == "replace" and args and isinstance(args[0], ast.Constant) and args[0].value in SPECIAL:
            out.append(f"{name}:{node.lineno}: replaces {args[0].value!r} by hand (use scripts/escape.py)")
        # Markup("<a …>") or Markup(f"…"): markup written in Python.
        if func == "Markup" and args and isinstance(args[0], (ast.Constant, ast.JoinedStr)):
            text = args[0].value if isinstance(args[0], ast.Constant) else "f-string"
            if text and name != MARKUP_EXCEPTION:
                out.append(f"{name}:{node.lineno}: Markup({text!r}) (write it in a template or macro)")
    return out


def test_escaping_and_markup_follow_the_policy():
    found = [
        p
        for name, path in modules().items()
        if name != ESCAPE_MODULE
        for p in problems(name, path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "source,expected",
    [
        ("import html\n", "imports html"),
        ("from markupsafe import Markup, escape\n", "imports markupsafe.escape"),
        ("x = text.replace('<', '&lt;')\n", "replaces '<' by hand"),
        ("x = Markup('<b>{}</b>').format(v)\n", "Markup('<b>{}</b>')"),
        ("x = Markup(f'<b>{v}</b>')\n", "Markup('f-string')"),
    ],
)
def test_the_policy_check_sees_a_breach(source, expected):
    """The check above finds each kind of breach it looks for."""
    assert any(expected in p for p in problems("scripts.site.example", source))


def test_the_annex_marks_are_the_one_exception():
    assert problems(MARKUP_EXCEPTION, "x = Markup('<mark>')\n") == []
    assert problems("scripts.site.render", "x = Markup('')\n") == []  # an empty Markup is no markup
