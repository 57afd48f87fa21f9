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
