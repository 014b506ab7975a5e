"""An SDK the code imports but of which no check was found is said, not passed over as "no findings"
(unicef/etools reads every flag through its own models on waffle's BaseModel); so is a scan that found no flag
at all (a project that asks its own ``user.has_beta("name")``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flagaudit.scan.project import ScanOptions, scan
from tests.repos import write_files

MODELS = """
    from waffle.models import BaseModel


    class TenantSwitch(BaseModel):
        pass
"""


def _notes(tmp_path: Path, files: dict[str, str]) -> list[str]:
    write_files(tmp_path, {name: textwrap.dedent(text) for name, text in files.items()})
    return [n for n in scan((str(tmp_path),), ScanOptions(use_cache=False)).notes if "is imported" in n]


def test_an_sdk_imported_with_no_check_found_is_said(tmp_path: Path) -> None:
    [note] = _notes(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS})
    assert note.startswith("django-waffle is imported (app/models.py) but no check of it was found")


def test_no_note_once_a_check_is_found_or_the_module_is_the_projects_own(tmp_path: Path) -> None:
    views = 'from waffle import switch_is_active\n\n\ndef page():\n    return switch_is_active("x")\n'
    assert _notes(tmp_path / "a", {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": views}) == []
    own = {"flags/__init__.py": "FEATURE = 1\n", "app/__init__.py": "", "app/views.py": "from flags import FEATURE\n"}
    assert _notes(tmp_path / "b", own) == []  # a package of the project named like django-flags' module


def test_a_module_beside_the_sdk_with_a_longer_name_is_not_the_sdk(tmp_path: Path) -> None:
    """``waffle-extras`` and ``waffle_utils`` sort between ``waffle`` and ``waffle.models``; only the latter is in
    the SDK (the names bound are searched in sorted order)."""
    assert _notes(tmp_path, {"app/__init__.py": "", "app/a.py": "from waffle_utils import x\n"}) == []
    [note] = _notes(tmp_path, {"app/b.py": "import waffle_utils\nfrom waffle.models import BaseModel\n"})
    assert note.startswith("django-waffle is imported (app/b.py)")


def test_a_scan_that_found_no_flag_at_all_says_so(tmp_path: Path) -> None:
    models = "class User:\n    def has_beta(self, name):\n        return self.betas.get(name, False)\n"
    views = "def feedback(request):\n    return request.user.has_beta('test_dev_feature')\n"
    write_files(tmp_path / "a", {"cc/__init__.py": "", "cc/models.py": models, "cc/views.py": views})
    notes = scan((str(tmp_path / "a"),), ScanOptions(use_cache=False)).notes
    assert notes == ("no flag check or definition was found: if the project reads its flags through helpers or "
                     "models of its own, a rule describes them (`flagaudit init` proposes some; "
                     "docs/writing-rules.md)",)
    only_sdk = {"app/__init__.py": "", "app/models.py": textwrap.dedent(MODELS)}
    write_files(tmp_path / "b", only_sdk)
    [note] = scan((str(tmp_path / "b"),), ScanOptions(use_cache=False)).notes  # the SDK's note says more
    assert note.startswith("django-waffle is imported")


def test_importing_what_is_not_only_for_flags_is_no_lead(tmp_path: Path) -> None:
    """Every Django project imports its settings, and PostHog is imported for its analytics: neither import says
    that flags are read (openedx/xqueue, makeplane/plane), so only the note that no flag was found is left."""
    views = ("from django.conf import settings\nimport posthog\n\n\ndef page():\n"
             "    posthog.capture('user', 'page viewed')\n    return settings.GRADING_TIMEOUT\n")
    assert _notes(tmp_path, {"app/__init__.py": "", "app/views.py": views}) == []
    assert scan((str(tmp_path),), ScanOptions(use_cache=False)).notes[0].startswith("no flag check or definition")
