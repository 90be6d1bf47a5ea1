from __future__ import annotations

import slarules.conditions as conditions


def test_all_lists_exactly_the_public_names() -> None:
    public = {n for n in dir(conditions) if not n.startswith("_") and n != "annotations"}
    modules = {n for n in public if type(getattr(conditions, n)).__name__ == "module"}
    assert set(conditions.__all__) == public - modules


def test_every_private_module_declares_all() -> None:
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(conditions.__path__):
        module = importlib.import_module(f"slarules.conditions.{info.name}")
        assert isinstance(module.__all__, list), info.name
        for name in module.__all__:
            assert hasattr(module, name), (info.name, name)
