"""Names in the reader's language and alphabet: pure rules, tested directly."""

from __future__ import annotations

import random

from services.names import CYRILLIC, localized, sort_key

KAZAKH = "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я"
RUSSIAN = "а б в г д е ё ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я"


def ordered(names: list[str], locale: str) -> list[str]:
    shuffled = names[:]
    random.Random(9).shuffle(shuffled)
    return sorted(shuffled, key=lambda name: sort_key(name, locale))


def test_the_alphabets_are_the_issues() -> None:
    assert KAZAKH.replace(" ", "") == CYRILLIC
    assert [c for c in CYRILLIC if c in RUSSIAN.split()] == RUSSIAN.split()


def test_every_kazakh_letter_sorts_in_its_place() -> None:
    letters = KAZAKH.split()
    assert ordered(letters, "kk") == letters
    assert ordered([c.upper() for c in letters], "kk") == [c.upper() for c in letters]
    # Code-point order would put every Kazakh-only letter after я.
    assert sorted(letters) != letters


def test_kazakh_letters_follow_their_base_letters() -> None:
    pairs = [("а", "ә"), ("г", "ғ"), ("к", "қ"), ("н", "ң"), ("о", "ө"), ("у", "ұ"), ("х", "һ")]
    for base, kazakh in pairs:
        after = chr(ord(base) + 1) if base != "у" else "ф"
        assert ordered([after + "а", kazakh + "а", base + "я"], "kk") == [
            base + "я",
            kazakh + "а",
            after + "а",
        ]
    assert ordered(["ұа", "үа", "уя", "фа"], "kk") == ["уя", "ұа", "үа", "фа"]
    assert ordered(["ьа", "іа", "ыя"], "kk") == ["ыя", "іа", "ьа"]


def test_kazakh_regions_in_kazakh_order() -> None:
    regions = [
        "Абай облысы",
        "Астана қаласы",
        "Ақмола облысы",
        "Ақтөбе облысы",
        "Ұлытау облысы",
        "Қарағанды облысы",
        "Қызылорда облысы",
        "Шымкент қаласы",
        "Түркістан облысы",
        "Шығыс Қазақстан облысы",
        "Жетісу облысы",
        "Кеңес",
    ]
    assert ordered(regions, "kk") == [
        "Абай облысы",
        "Ақмола облысы",  # қ after к, so before с
        "Ақтөбе облысы",
        "Астана қаласы",
        "Жетісу облысы",
        "Кеңес",
        "Қарағанды облысы",
        "Қызылорда облысы",
        "Түркістан облысы",
        "Ұлытау облысы",
        "Шығыс Қазақстан облысы",
        "Шымкент қаласы",
    ]


def test_russian_order_puts_yo_after_ye_and_ignores_case() -> None:
    names = ["ёлка", "Ель", "еж", "Жук", "жаба", "Яблоко", "Юла", "эхо"]
    assert ordered(names, "ru") == ["еж", "Ель", "ёлка", "жаба", "Жук", "эхо", "Юла", "Яблоко"]


def test_russian_official_region_names() -> None:
    names = [
        "город Астана",
        "Акмолинская область",
        "область Ұлытау",
        "область Абай",
        "Павлодарская область",
        "область Жетісу",
        "Мангистауская область",
    ]
    assert ordered(names, "ru") == [
        "Акмолинская область",
        "город Астана",
        "Мангистауская область",
        "область Абай",
        "область Жетісу",
        "область Ұлытау",
        "Павлодарская область",
    ]


def test_words_digits_punctuation_and_scripts() -> None:
    # A word before the longer words it begins; quotes skipped; digits before letters.
    assert ordered(
        ["Жасөспірім", "Жас журналист", "«Палитра» студиясы", "7-сынып", "Робот"], "kk"
    ) == [
        "7-сынып",
        "Жас журналист",
        "Жасөспірім",
        "«Палитра» студиясы",
        "Робот",
    ]
    # The reader's script first: Latin after Cyrillic in kk and ru, before it in en.
    mixed = ["Zebra", "Robotics", "Ақмола", "Яблоко", "IT school"]
    assert ordered(mixed, "kk") == ["Ақмола", "Яблоко", "IT school", "Robotics", "Zebra"]
    assert ordered(mixed, "ru") == ["Ақмола", "Яблоко", "IT school", "Robotics", "Zebra"]
    assert ordered(mixed, "en") == ["IT school", "Robotics", "Zebra", "Ақмола", "Яблоко"]
    assert ordered(["Éclair", "eagle", "Ezra"], "en") == ["eagle", "Éclair", "Ezra"]
    # Spaces at either end or doubled change nothing; equal names keep a fixed order.
    assert sort_key("  Жас   журналист ", "kk")[0] == sort_key("Жас журналист", "kk")[0]
    assert ordered(["абай", "Абай"], "kk") == ["Абай", "абай"]


def test_a_name_in_the_readers_language_or_as_given() -> None:
    assert localized("kk", "Робототехника", "Робототехника", "Робототехника", "Robotics") == (
        "Робототехника"
    )
    assert localized("en", "Робототехника", None, None, "Robotics") == "Robotics"
    assert localized("ru", "Домбыра үйірмесі", None, None, "Dombra") == "Домбыра үйірмесі"
    assert localized("ru", "Домбыра үйірмесі", None, "  ", "Dombra") == "Домбыра үйірмесі"
    assert localized("de", "Домбыра үйірмесі", "Домбыра", "Домбра", "Dombra") == (
        "Домбыра үйірмесі"
    )
