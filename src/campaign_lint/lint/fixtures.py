"""The fixtures of a policy test case: inline campaign texts and files taken from the repository.

Test files come with pull requests, so a fixture taken from the repository
must be a regular file inside it (``contained``): ``files: [/etc/passwd]``
or ``files: [/dev/zero]`` is a problem of the test file, and nothing of such
a file is read. Moved out of ``policytests`` as it is; nothing here prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from campaign_lint.core.files import read_regular, repository_above, within
from campaign_lint.lint.discovery import MAX_FILE_BYTES
from campaign_lint.schemas.policytest import Case

# A case's fixture files: path in the case's folder -> content.
Fixtures = dict[PurePosixPath, bytes]


def case_fixtures(
    case: Case,
    index: int,
    base: Path,
    policy_root: Path | None,
    where: Callable[..., str],
    problems: list[str],
) -> Fixtures:
    """The case's fixture files and where each goes in the case's folder."""
    fixtures: Fixtures = {}

    def add(target: PurePosixPath, content: bytes, at: str) -> None:
        if target in fixtures:
            problems.append(f"{at}: two fixtures of this case are both `{target}`")
        fixtures[target] = content

    for name, text in case.campaigns.items():
        at = where(("cases", index, "campaigns", name), key=True)
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or "\\" in name or name.endswith("/"):
            problems.append(f"{at}: `{name}` must be a plain file name, like review.yaml or legacy/old.yaml")
            continue
        add(PurePosixPath("campaigns") / relative, text.encode("utf-8"), at)
    if not case.campaigns and not case.files:
        problems.append(f"{where(('cases', index))}: a case needs `campaigns:` or `files:` to lint")
    for number, name in enumerate(case.files):
        at = where(("cases", index, "files", number))
        source = contained(base, name)
        if source is None:
            problems.append(f"{at}: `{name}` {OUTSIDE}")
            continue
        try:
            content = read_regular(source, MAX_FILE_BYTES)
        except OSError as exc:
            problems.append(
                f"{at}: cannot read `{name}` ({exc.strerror}; paths are relative to the test file)"
            )
            continue
        if policy_root is not None and source.is_relative_to(policy_root):
            add(PurePosixPath(source.relative_to(policy_root).as_posix()), content, at)
        else:
            add(PurePosixPath("campaigns", source.name), content, at)
    return fixtures


OUTSIDE = "is outside the repository; give a path relative to the test file, to a file inside the repository"


def contained(base: Path, name: str) -> Path | None:
    """``name``, relative to the test file's folder ``base``, resolved; ``None`` if it is absolute or leads out.

    Out of the repository holding the test file (by ``..``, an absolute path
    or a symbolic link); without one, out of the working folder (or of
    ``base`` when that is outside it). Test files come with pull requests:
    ``files: [/etc/passwd]`` must not be read, nor ``/dev/zero``. A name
    holding a NUL byte names no file: ``None`` too.
    """
    if "\x00" in name or Path(name).is_absolute() or PurePosixPath(name).is_absolute():
        return None
    folder, cwd = os.path.abspath(base), os.getcwd()
    boundary = repository_above(folder) or (cwd if within(folder, cwd) else os.path.realpath(folder))
    target = os.path.realpath(os.path.join(folder, name))
    return Path(target) if within(target, boundary) else None
