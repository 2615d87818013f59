"""Places named in the admin's language, listed in that language's alphabet, end to end."""

from __future__ import annotations

import pytest

from bot.app import App
from services.demo import load_demo
from services.roles import Role
from tests.builders import registered
from tests.conftest import ChatUser, MakeUser

# The seeded regions in Kazakh order: Ә, Қ, Ұ and ү-words in their places (code-point order
# would put every name beginning with Қ or Ұ after Шымкент). Pages of nine.
REGIONS_KK = [
    "Абай облысы",
    "Ақмола облысы",
    "Ақтөбе облысы",
    "Алматы қаласы",
    "Алматы облысы",
    "Астана қаласы",
    "Атырау облысы",
    "Батыс Қазақстан облысы",
    "Жамбыл облысы",
    "Жетісу облысы",
    "Қарағанды облысы",
    "Қостанай облысы",
    "Қызылорда облысы",
    "Маңғыстау облысы",
    "Павлодар облысы",
    "Солтүстік Қазақстан облысы",
    "Түркістан облысы",
    "Ұлытау облысы",
    "Шығыс Қазақстан облысы",
    "Шымкент қаласы",
]
# The official Russian names, in Russian order (a hyphen is skipped, case is not compared).
REGIONS_RU = [
    "Акмолинская область",
    "Актюбинская область",
    "Алматинская область",
    "Атырауская область",
    "Восточно-Казахстанская область",
    "город Алматы",
    "город Астана",
    "город Шымкент",
    "Жамбылская область",
    "Западно-Казахстанская область",
    "Карагандинская область",
    "Костанайская область",
    "Кызылординская область",
    "Мангистауская область",
    "область Абай",
    "область Жетісу",
    "область Ұлытау",
    "Павлодарская область",
    "Северо-Казахстанская область",
    "Туркестанская область",
]
CLUBS_KK = [
    "Ән студиясы",
    "Домбыра үйірмесі",
    "Жас журналист",
    "«Көктем» би ансамблі",
    "Қолөнер шеберханасы",
    "«Палитра» бейнелеу студиясы",
    "Робототехника",
    "Шахмат клубы",
]
CLUBS_RU = [
    "Вокальная студия",
    "Изостудия «Палитра»",
    "Кружок домбры",
    "Мастерская рукоделия",
    "Робототехника",
    "Танцевальный ансамбль «Көктем»",
    "Шахматный клуб",
    "Юный журналист",
]
LISTS = {"kk": (REGIONS_KK, CLUBS_KK), "ru": (REGIONS_RU, CLUBS_RU)}


async def every_option(app: App, user: ChatUser, locale: str) -> list[str]:
    """The options of the list on screen, following "More" to its last page."""
    more = app.i18n.gettext("More ▸", locale=locale)
    seen: list[str] = []
    while True:
        buttons = user.buttons()
        seen += [b for b in buttons if b != more]
        if more not in buttons:
            return seen
        assert len(buttons) == 10, buttons  # nine places and "More"
        await user.press(more)


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_invite_lists_places_in_the_admins_language_and_alphabet(
    app: App, make_user: MakeUser, locale: str
) -> None:
    regions, clubs = LISTS[locale]
    async with app.session_factory() as session:
        await load_demo(session)
    admin = make_user("Гүлнар", locale)
    await registered(app, admin, Role.ADMIN, locale=locale)

    await admin.send("/invite")
    await admin.press(app.i18n.gettext("Regional coordinator", locale=locale))
    assert await every_option(app, admin, locale) == regions
    assert sorted(regions) != regions  # code-point order would differ
    await admin.press(regions[-1])  # on the third page, where the list ended
    assert regions[-1] in admin.last_text and "start=" in admin.last_text

    await admin.send("/invite")
    await admin.press(app.i18n.gettext("Teacher", locale=locale))
    assert await every_option(app, admin, locale) == clubs
    await admin.press(clubs[0])
    assert clubs[0] in admin.last_text and "start=" in admin.last_text
