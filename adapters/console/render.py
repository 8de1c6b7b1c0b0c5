"""Render a :class:`Reply` as plain text for a terminal."""

from __future__ import annotations

from bot.markdown import to_plain
from bot.types import Button, Field, Form, Reply


def _fields(fields: tuple[Field, ...], indent: str = "") -> list[str]:
    return [f"{indent}{f.label}: {f.value}" for f in fields]


def render_text(reply: Reply, *, numbered: list[Button] | None = None) -> str:
    """Plain text.  Buttons are appended to ``numbered`` (when given) and shown as ``[n]``
    so a person at a prompt can press one by typing its number; the typed equivalent is
    shown too, so scripts can use it."""
    lines: list[str] = []
    if reply.title:
        lines.append(reply.title)
        lines.append("=" * min(len(reply.title), 72))
    if reply.text:
        lines.append(to_plain(reply.text) if reply.markdown else reply.text)
    lines += _fields(reply.fields)
    if reply.link:
        lines.append(f"{reply.link.label or 'Link'}: {reply.link.url}")
    for item in reply.items:
        lines.append("")
        lines.append(f"• {item.title}")
        if item.text:
            text = to_plain(item.text) if item.markdown else item.text
            lines += [f"  {line}" for line in text.splitlines()]
        lines += _fields(item.fields, "  ")
        if item.link:
            lines.append(f"  {item.link.label or 'Link'}: {item.link.url}")
        if item.buttons:
            lines.append("  " + "  ".join(_button(b, numbered) for b in item.buttons))
    if reply.footer:
        lines.append("")
        lines.append(reply.footer)
    if reply.buttons:
        lines.append("")
        lines.append("  ".join(_button(b, numbered) for b in reply.buttons))
    if reply.form:
        lines.append("")
        lines += form_lines(reply.form)
    return "\n".join(lines).strip("\n")


def quote(value: str) -> str:
    """A value as the command parser reads it back (shell-like double quotes)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def form_lines(form: Form) -> list[str]:
    """A form as the one-line command that submits it: the entry's id and every current
    value filled in, so typing the line back changes nothing until a value is edited.
    Required inputs without a value show ``…``; empty optional ones are listed after.
    A value of several lines cannot be typed on one line, so it is left out (unchanged)."""
    words = [form.action_id] + ([form.value] if form.value else [])
    optional: list[str] = []
    multiline: list[str] = []
    for item in form.inputs:
        if "\n" in item.value:
            multiline.append(item.name)
        elif item.value:
            words.append(f"{item.name}={quote(item.value)}")
        elif item.required:
            words.append(f'{item.name}="…"')
        else:
            optional.append(f'{item.name}="…"')
    lines = [f"{form.title} — type it as one line:", "  " + " ".join(words)]
    if optional:
        lines.append("  optional: " + " ".join(optional))
    if multiline:
        lines.append(f"  ({', '.join(multiline)}: several lines, left as they are unless "
                     "you give a new value)")
    return lines


def _button(button: Button, numbered: list[Button] | None) -> str:
    if numbered is None:
        return f"[{button.label}: {button.command_text}]"
    numbered.append(button)
    return f"[{len(numbered)}] {button.label} ({button.command_text})"
