"""FA501 unexplained-suppression: an inline ignore with no reason does not count."""

from __future__ import annotations

from flagaudit.checks import FindingRule
from flagaudit.facts import Evidence, Finding

UNEXPLAINED = FindingRule(
    "FA501", "unexplained-suppression", "warning",
    "An inline `# flagaudit: ignore[CODE]` with no reason after it. It suppresses nothing: the finding it "
    "meant to hide is still reported.",
    "A suppression is a decision someone else will have to trust in review; without the why, nobody can.",
    'if ld.variation("legacy-export", ctx, False):  # flagaudit: ignore[FA203]\n    ...',
    "Say why on the same comment: `# flagaudit: ignore[FA203] kept for the 2027 audit export, see TICKET-12`.",
    available=True,
)
RULES = (UNEXPLAINED,)


def unexplained(path: str, line: int, codes: list[str]) -> Finding:
    return UNEXPLAINED.finding(
        None, path, line, 0, f"ignore[{', '.join(codes)}] has no reason, so it suppresses nothing",
        [Evidence("note", f"{path}:{line}", "add the reason after the closing bracket")],
    )
