"""Policy settings: the thresholds, terms, cadences and ages the rules apply, in one file.

``orgnet/policy.toml`` (shipped) holds the defaults with the norm each comes from; a district's
``ORGNET_HOME/policy.toml`` overrides any of them. Rules declare the ones they use as
``// param: NAME TYPE =policy`` in their header: the runner fills the value from here, so a
query file never spells a policy number and the value is part of the stored results' key.

>>> policy()["branch_max_members"]
50
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from orgnet.errors import ConfigError

POLICY_FILE = "policy.toml"
#: the allowed values of the text settings
CADENCES = ("month", "quarter")


def _read(text: str, where: str) -> dict[str, dict[str, Any]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}: 不是有效的 TOML 文件 / not valid TOML ({e})") from e
    for section, values in data.items():
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: {section} 应为 [节] / must be a [section]")
    return data


@lru_cache(maxsize=1)
def _defaults() -> dict[str, dict[str, Any]]:
    text = resources.files("orgnet").joinpath(POLICY_FILE).read_text(encoding="utf-8")
    return _read(text, f"orgnet/{POLICY_FILE}")


def _check(where: str, section: str, key: str, value: Any, default: Any) -> Any:
    """A district's value, of the default's type and in range; ConfigError naming file, section and key."""
    name = f"{where}: [{section}] {key} = {value!r}"
    if isinstance(default, str):
        if value not in CADENCES:
            raise ConfigError(f"{name}：应为 {' 或 '.join(CADENCES)} / must be one of {', '.join(CADENCES)}")
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{name}：应为非负整数 / must be a whole number ≥ 0")
    return value


@lru_cache(maxsize=8)
def _load(path: str | None, mtime: float | None) -> dict[str, Any]:
    defaults = _defaults()
    merged = {key: value for section in defaults.values() for key, value in section.items()}
    if path is None:
        return merged
    data = _read(Path(path).read_text(encoding="utf-8"), path)
    for section, values in data.items():
        if section not in defaults:
            raise ConfigError(f"{path}: 未知的节 [{section}] / unknown section; "
                              f"可用 / use: {', '.join(f'[{s}]' for s in defaults)}")
        for key, value in values.items():
            if key not in defaults[section]:
                raise ConfigError(f"{path}: [{section}] 中没有 {key} / unknown key; "
                                  f"可用 / use: {', '.join(defaults[section])}")
            merged[key] = _check(path, section, key, value, defaults[section][key])
    return merged


def policy(home: str | os.PathLike | None = None) -> dict[str, Any]:
    """Every policy value by key: the packaged defaults, overridden by ``home/policy.toml``
    (``home``: ORGNET_HOME, else ``~/.orgnet``). Re-read when the file changes."""
    from orgnet.settings import Settings

    base = Path(home).expanduser() if home is not None else Settings.from_env().home
    path = base / POLICY_FILE
    if path.is_file():
        return dict(_load(str(path), path.stat().st_mtime))
    return dict(_load(None, None))


def value(key: str, home: str | os.PathLike | None = None) -> Any:
    """One policy value; ConfigError when no such key exists (a query header names an unknown one)."""
    values = policy(home)
    if key not in values:
        raise ConfigError(f"policy setting {key!r} does not exist in orgnet/{POLICY_FILE}; "
                          f"settings: {', '.join(sorted(values))}")
    return values[key]


def defaults() -> dict[str, Any]:
    """The packaged values only (never a district's file): what the synthetic generator builds
    its districts by, so the same seed gives the same files on every machine."""
    return dict(_load(None, None))
