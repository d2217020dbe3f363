"""Both catalogues have every message with the same placeholders; resolution order."""

from __future__ import annotations

from bot.i18n import Html, catalogue, placeholders, resolve_language, t


def test_catalogues_have_the_same_keys() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []


def test_catalogues_have_the_same_placeholders() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    differing = {
        k: (placeholders(zh[k]), placeholders(en[k])) for k in zh if placeholders(zh[k]) != placeholders(en.get(k, ""))
    }
    assert differing == {}


def test_every_message_renders_in_both_languages() -> None:
    for lang in ("zh", "en"):
        for key, template in catalogue(lang).items():
            t(lang, key, **{name: "x" for name in placeholders(template)})


def test_values_are_escaped_unless_marked_html() -> None:
    assert t("en", "invite.already", name="<b>") == "&lt;b&gt; is already linked to Telegram and needs no invite link."
    assert t("en", "invite.already", name=Html("<b>x</b>")).startswith("<b>x</b>")


def test_language_resolution_order() -> None:
    assert resolve_language("en", "zh-hans", "zh") == "en"
    assert resolve_language(None, "en-US", "zh") == "en"
    assert resolve_language(None, "de", "zh") == "zh"
    assert resolve_language(None, None, "en") == "en"
