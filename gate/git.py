"""The git side of the CI gate: the repository's root, the commit the changed files are found against, and the
files changed since it (cli.gate runs them; errors are gate.check's FC600-FC609)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gate.check import GitError, NoMainBranch, RevisionNotFound

MAIN_CANDIDATES = ("origin/main", "main", "origin/master", "master")


def git(repo: str | Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise GitError(
            "git is not installed or not on PATH. Install git, or name the articles to check.", code="FC608"
        ) from None
    if proc.returncode != 0:
        raise GitError(
            f"git {' '.join(args)} failed in {repo}: {proc.stderr.strip() or proc.returncode}. "
            "Run the gate inside a git repository (or name the articles to check)."
        )
    return proc.stdout


def repo_root(path: str | Path = ".") -> Path:
    return Path(git(path, "rev-parse", "--show-toplevel").strip())


def resolve_base(repo: str | Path, base: str | None, main_branch: str = "") -> str:
    """The commit the changed files are found against: the merge base of base (or the main branch) and HEAD."""
    if base:
        candidates = [base]
    else:
        candidates = [main_branch] if main_branch else list(MAIN_CANDIDATES)
    for rev in candidates:
        proc = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
            capture_output=True,
            text=True,
        )
        if proc.returncode == 0:
            sha = proc.stdout.strip()
            mb = subprocess.run(["git", "-C", str(repo), "merge-base", sha, "HEAD"], capture_output=True, text=True)
            return mb.stdout.strip() if mb.returncode == 0 and mb.stdout.strip() else sha
    if base:
        raise RevisionNotFound(
            f"git revision {base!r} not found in {repo}. Fetch it first (in CI: a full clone, "
            "e.g. actions/checkout with fetch-depth: 0), or give another --base."
        )
    raise NoMainBranch(
        f"no main branch in {repo} (tried {', '.join(candidates)}). Give --base REV, or set "
        "main_branch in factcheck.toml."
    )


def changed_files(repo: str | Path, base_sha: str) -> list[str]:
    """Files added, copied, modified or renamed since base_sha, in commits or in the working tree."""
    out = git(repo, "diff", "--name-only", "--diff-filter=ACMR", "-z", base_sha, "--")
    return sorted({p for p in out.split("\0") if p})
