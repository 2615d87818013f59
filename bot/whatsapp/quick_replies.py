"""Up to three options as WhatsApp's own buttons (quick replies), where templates are configured.

Quick replies need a Content template; ours are generic, one per button count, with the body
``{{1}}`` and buttons titled ``{{2}}``, ``{{3}}``, ``{{4}}`` whose ids are ``1``, ``2``, ``3``.
A pressed button comes back with its id, the option's number, so it picks exactly that option.
"""

from __future__ import annotations

from bot.render.textui import Rendered

MAX_BUTTONS = 3
TITLE_LIMIT = 20  # characters WhatsApp shows on a button
BODY_LIMIT = 1024  # characters of a quick-reply message's body

QuickReplyTemplates = dict[str, str]  # number of buttons -> Content SID


def quick_reply(
    rendered: Rendered, templates: QuickReplyTemplates
) -> tuple[str, dict[str, str]] | None:
    """The template and its variables for this message, or None to send numbered options."""
    choices = rendered.choices
    if not templates or choices is None or not rendered.body:
        return None
    options = choices.options
    content_sid = templates.get(str(len(options)))
    if content_sid is None or len(options) > MAX_BUTTONS:
        return None
    if len(rendered.keyboard.splitlines()) != len(options):
        return None  # a line that is no option (a link) would be lost
    if len(rendered.body) > BODY_LIMIT or any(len(o.label) > TITLE_LIMIT for o in options):
        return None
    variables = {"1": rendered.body} | {str(o.number + 1): o.label for o in options}
    return content_sid, variables
