"""Settings: read from BAROMETRE_* variables, with defaults and clear errors."""

import pytest

from barometre.config import SETTINGS, Settings


def test_defaults_put_the_sqlite_file_in_the_data_folder(tmp_path):
    settings = Settings.from_env({"BAROMETRE_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/barometre.sqlite3"
    assert settings.cache_url == ""
    assert settings.url_prefix == "/"


@pytest.mark.parametrize(
    ("raw", "prefix"),
    [("", "/"), ("/", "/"), ("barometre", "/barometre/"), ("/a/b/", "/a/b/")],
)
def test_the_url_prefix_is_normalised(raw, prefix):
    assert Settings.from_env({"BAROMETRE_URL_PREFIX": raw}).url_prefix == prefix


def test_a_non_numeric_integer_setting_says_which_variable():
    with pytest.raises(ValueError, match="BAROMETRE_CACHE_TIMEOUT='abc'"):
        Settings.from_env({"BAROMETRE_CACHE_TIMEOUT": "abc"})


def test_every_declared_setting_is_a_field_with_a_help_text():
    fields = Settings.__dataclass_fields__
    for setting in SETTINGS:
        assert setting.name in fields
        assert setting.help


@pytest.mark.parametrize(
    "raw",
    [
        "barometre.example",
        "ftp://barometre.example",
        "https://barometre.example/barometre",
        "https://barometre.example?x=1",
        "https://moi@barometre.example",
        "https://",
    ],
)
def test_the_public_address_is_an_origin_and_a_wrong_one_says_how_to_write_it(raw):
    with pytest.raises(ValueError, match="BAROMETRE_PUBLIC_URL=.*http\\(s\\)://hôte\\[:port\\]"):
        Settings.from_env({"BAROMETRE_PUBLIC_URL": raw})


def test_the_public_address_loses_its_final_slash():
    settings = Settings.from_env({"BAROMETRE_PUBLIC_URL": "https://barometre.example:8443/"})
    assert settings.public_url == "https://barometre.example:8443"
