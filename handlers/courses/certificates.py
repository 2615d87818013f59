"""/certificates (mine, each as a PDF; letters of gratitude too) and /verify CODE (anyone; also
/start verify_CODE), which confirms certificates and letters alike."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.common.deeplinks import DeepLinks
from handlers.common.filters import HasRole
from handlers.common.steps import RESUMES
from handlers.courses.pdf import certificate_pdf, letter_pdf, verify_link
from handlers.courses.texts import unknown_certificate_text, verified_letter_text, verified_text
from services.awards.awards import LetterView, my_letters, verify_letter
from services.courses.certificates import CertificateView, my_certificates, verify
from services.locales import guess_locale
from services.people import Actor
from services.roles import Role

VERIFY_PREFIX = "verify_"
MAX_FILES = 5  # a long list is not sent as a pile of files at once


def pdf_of(view: CertificateView, links: DeepLinks, i18n: I18n) -> BufferedInputFile:
    link = verify_link(view.code, links.telegram_username, links.whatsapp_number)
    with i18n.use_locale(view.locale):
        body = certificate_pdf(view, link)
    return BufferedInputFile(body, filename=f"certificate-{view.code}.pdf")


def letter_of(view: LetterView, links: DeepLinks, i18n: I18n) -> BufferedInputFile:
    link = verify_link(view.code, links.telegram_username, links.whatsapp_number)
    with i18n.use_locale(view.locale):
        body = letter_pdf(view, link)
    return BufferedInputFile(body, filename=f"letter-{view.code}.pdf")


async def cmd_certificates(
    message: Message, session: AsyncSession, actor: Actor, links: DeepLinks, i18n: I18n
) -> None:
    """My certificates and letters of gratitude, each as a PDF in my language."""
    found = await my_certificates(session, actor.person_id)
    letters = await my_letters(session, actor.person_id)
    if not found and not letters:
        await message.answer(_("You have no certificates yet: they come after a course."))
        return
    for letter in letters[-MAX_FILES:]:
        await message.answer_document(
            letter_of(letter, links, i18n),
            caption=_("Letter of gratitude, season {season}, code {code}").format(
                season=letter.season, code=letter.code
            ),
        )
    for view in found[-MAX_FILES:]:
        await message.answer_document(
            pdf_of(view, links, i18n),
            caption=_("«{title}», code {code}").format(title=view.title, code=view.code),
        )


async def cmd_verify(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    actor: Actor | None,
    i18n: I18n,
) -> None:
    """Whether a certificate with this code was issued, and to whom."""
    code = (command.args or "").strip()
    if not code:
        await message.answer(_("Send the certificate's code: /verify CODE"))
        return
    await answer_verify(message, session, code, actor.locale if actor else i18n.current_locale)


async def answer_verify(message: Message, session: AsyncSession, code: str, locale: str) -> None:
    view = await verify(session, code, locale)
    if view is not None:
        await message.answer(verified_text(view))
        return
    letter = await verify_letter(session, code, locale)
    await message.answer(verified_letter_text(letter) if letter else unknown_certificate_text())


async def verify_from_start(
    message: Message,
    session: AsyncSession,
    code: str | None,
    actor: Actor | None,
    remembered: str | None,
) -> bool:
    """/start verify_CODE (the QR code on a certificate): answered here; False if not ours."""
    if code is None or not code.startswith(VERIFY_PREFIX):
        return False
    user = message.from_user
    guessed = user.language_code if user else None
    locale = actor.locale if actor else remembered or guess_locale(guessed)
    await answer_verify(message, session, code[len(VERIFY_PREFIX) :], locale)
    return True


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_verify, Command("verify"), flags=RESUMES)
    mine = Router(name=f"{__name__}.mine")
    mine.message.filter(HasRole(Role.VOLUNTEER))
    mine.message.register(cmd_certificates, Command("certificates"), flags=RESUMES)
    router.include_router(mine)
    return router
