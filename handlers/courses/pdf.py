"""A certificate or a letter of gratitude as a one-page PDF in the volunteer's language, with a
QR code that opens /verify in the bot. DejaVu Sans (fonts/, its licence beside it) has every
Kazakh letter."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import segno
from aiogram.utils.i18n import gettext as _
from fpdf import FPDF

from handlers.common.fmt import local_date
from services.awards.awards import LetterView
from services.awards.rules import REPUBLICAN
from services.courses.certificates import CertificateView

FONTS = Path(__file__).resolve().parents[2] / "fonts"
# fontTools logs every step of subsetting the font at INFO: a page of lines per certificate.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def verify_link(code: str, telegram_username: str | None, whatsapp_number: str | None) -> str:
    """Where the QR code leads: /start verify_CODE in the bot."""
    if telegram_username:
        return f"https://t.me/{telegram_username}?start=verify_{code}"
    if whatsapp_number:
        return f"https://wa.me/{whatsapp_number}?text=%2Fstart%20verify_{code}"
    return f"/verify {code}"


WIDTH = 257


def _page(title: str) -> FPDF:
    """A landscape A4 page with the fonts and the frame, the cursor at the heading."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(title)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(30, 90, 160)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 277, 190)
    pdf.set_xy(20, 28)
    return pdf


def _centred(pdf: FPDF, size: int, height: int, text: str, *, bold: bool = False) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.set_x(20)
    pdf.multi_cell(WIDTH, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _verify_footer(pdf: FPDF, code_line: str, code: str, link: str) -> None:
    """The code, how to check it, and the QR code that opens /start verify_CODE."""
    qr = io.BytesIO()
    segno.make(link, error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    pdf.image(qr, x=237, y=150, w=40, h=40)
    pdf.set_xy(20, 178)
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(200, 6, code_line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.cell(
        200,
        6,
        _("Check it: send /verify {code} to the bot, or scan the QR code.").format(code=code),
    )


def letter_pdf(view: LetterView, link: str) -> bytes:
    """Call inside the reader's locale (i18n.use_locale(view.locale))."""
    heading = _("Letter of gratitude")
    pdf = _page(heading)
    _centred(pdf, 30, 14, heading, bold=True)
    _centred(pdf, 14, 10, _("is awarded to"))
    _centred(pdf, 24, 14, view.full_name, bold=True)
    if view.level == REPUBLICAN:
        level = _("Republican letter of the volunteer leaders' movement, season {season}")
    else:
        level = _("Regional letter of the volunteer leaders' centre: {region}, season {season}")
    _centred(pdf, 14, 9, level.format(region=view.region, season=view.season))
    _centred(pdf, 14, 9, _("for active work with children in the summer season"))
    if view.reason:
        pdf.ln(2)
        _centred(pdf, 14, 8, f"«{view.reason}»")
    pdf.ln(4)
    _centred(pdf, 12, 8, _("Organised by: {organisation}").format(organisation=organisation()))
    _centred(pdf, 12, 8, _("Date: {date}").format(date=local_date(view.issued_at, view.locale)))
    _verify_footer(pdf, _("Letter code: {code}").format(code=view.code), view.code, link)
    return bytes(pdf.output())


def organisation() -> str:
    """The national organiser (DOMAIN.md: «Балдаурен»)."""
    return _("Republican educational and health centre «Baldauren»")


def certificate_pdf(view: CertificateView, link: str) -> bytes:
    """Call inside the reader's locale (i18n.use_locale(view.locale))."""
    pdf = _page(_("Certificate"))
    width = WIDTH
    pdf.set_xy(20, 28)
    pdf.set_font("DejaVu", "B", 30)
    heading = _("Certificate") if view.kind == "certificate" else _("Letter of thanks")
    pdf.cell(width, 14, heading.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 14)
    pdf.set_x(20)
    pdf.cell(width, 10, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 24)
    pdf.set_x(20)
    pdf.cell(width, 14, view.full_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 14)
    pdf.set_x(20)
    completed = (
        _("has completed the mastery course")
        if view.course_kind == "mastery"
        else _("has completed the mentorship course")
    )
    pdf.cell(width, 10, completed, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 18)
    pdf.set_x(20)
    pdf.multi_cell(width, 10, f"«{view.title}»", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    lines = [
        _("Dates: {first} – {last}").format(
            first=local_date_only(view.first_day, view.locale),
            last=local_date_only(view.last_day, view.locale),
        ),
        _("Hours: {hours}").format(hours=view.hours),
        _("Organised by: {organisation}").format(organisation=view.organisation),
        _("Trainer: {name}").format(name=view.responsible),
    ]
    pdf.ln(4)
    for line in lines:
        pdf.set_x(20)
        pdf.cell(width, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    _verify_footer(pdf, _("Certificate code: {code}").format(code=view.code), view.code, link)
    return bytes(pdf.output())


def local_date_only(day: object, locale: str) -> str:
    from datetime import UTC, date, datetime, time

    assert isinstance(day, date)
    return local_date(datetime.combine(day, time(12), tzinfo=UTC), locale)
