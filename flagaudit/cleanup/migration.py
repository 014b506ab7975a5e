"""A new Django data migration that deletes a key's row, for a key an earlier migration created.

Old migrations are history and stay as they are; the new one runs after the app's latest migration, so
every database that has the row loses it, and ``flagaudit`` reads the deletion as the key's retirement.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_MODELS = {"waffle-flag": "Flag", "waffle-switch": "Switch", "waffle-sample": "Sample"}
_NUMBERED = re.compile(r"(\d{4})_\w+\.py")


def deleting_migration(created_in: str, key: str, sdk: str, siblings: list[str]) -> tuple[str, str] | None:
    """(path, text) of the migration to add beside ``created_in`` (a project-relative path), given the file
    names in that migrations folder; ``None`` when the key's rows are not django-waffle's."""
    model = _MODELS.get(sdk)
    if model is None:
        return None
    folder = PurePosixPath(created_in).parent
    numbered = sorted((int(m.group(1)), name) for name in siblings if (m := _NUMBERED.fullmatch(name)))
    if not numbered:
        return None
    number, latest = numbered[-1]
    slug = re.sub(r"\W+", "_", key).strip("_").lower()[:40] or "flag"
    name = f"{number + 1:04d}_remove_{slug}"
    app = folder.parent.name
    text = (
        f'"""Remove the {model.lower()} {key!r}: its code was deleted by `flagaudit remove`."""\n\n'
        "from django.db import migrations\n\n\n"
        f"def remove_{model.lower()}(apps, schema_editor):\n"
        f'    {model} = apps.get_model("waffle", "{model}")\n'
        f"    {model}.objects.filter(name={key!r}).delete()\n\n\n"
        "class Migration(migrations.Migration):\n"
        f'    dependencies = [("{app}", "{latest.removesuffix(".py")}")]\n'
        f"    operations = [migrations.RunPython(remove_{model.lower()}, migrations.RunPython.noop)]\n"
    )
    return str(folder / f"{name}.py"), text
