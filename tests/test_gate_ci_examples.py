"""The GitHub Actions workflow in docs/gate.md, run as written: its `run:` steps' commands, in order, with
GitHub's shell (`bash -e`), environment and `if:` conditions, on a temporary newsroom repository.

Only the steps that use actions (checkout, setup-python, cache, upload-artifact) and the install step
are not run: the repository is already checked out at the pull request's head and factcheck is installed.
A change to the workflow that this runner does not understand fails the test, so the docs cannot drift.
"""

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seed"
DOC = ROOT / "docs" / "gate.md"


def yaml_block(heading: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    at = text.index(heading)
    m = re.search(r"```yaml\n(.*?)```", text[at:], re.DOTALL)
    assert m, f"no yaml block after {heading!r} in {DOC}"
    return m.group(1)


def expand(value: str, contexts: dict) -> str:
    def one(m):
        expr = m.group(1).strip()
        if expr not in contexts:
            pytest.fail(f"docs/gate.md workflow uses ${{{{ {expr} }}}}, which this test does not know: add it")
        return contexts[expr]

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def should_run(cond, failed: bool, repo: Path) -> bool:
    if cond is None:
        return not failed
    cond = str(cond).strip()
    if cond == "always()":
        return True
    m = re.fullmatch(r"hashFiles\('([^']+)'\) == ''", cond)
    if m:
        return not failed and not (repo / m.group(1)).exists()
    pytest.fail(f"docs/gate.md workflow has the condition {cond!r}, which this test does not know: add it")


def run_workflow(workflow: dict, repo: Path, contexts: dict, summary: Path) -> dict:
    (job,) = workflow["jobs"].values()
    bindir = str(Path(sys.executable).parent)
    env = dict(
        os.environ,
        PATH=bindir + os.pathsep + os.environ.get("PATH", ""),
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary),
        PYTHONUNBUFFERED="1",
    )
    env.pop("FACTCHECK_DB", None)
    env.update({k: expand(v, contexts) for k, v in job.get("env", {}).items()})
    failed, ran, out = None, [], {}
    for step in job["steps"]:
        if "uses" in step:
            continue
        name = step["name"]
        if name == "Install factcheck":
            assert "FACTCHECK_SPEC" in step["run"]  # installs what the newsroom pins
            continue
        if not should_run(step.get("if"), failed is not None, repo):
            continue
        step_env = dict(env, **{k: expand(v, contexts) for k, v in step.get("env", {}).items()})
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-c", expand(step["run"], contexts)],
            cwd=repo,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        ran.append(name)
        out[name] = proc
        if proc.returncode != 0 and failed is None:
            failed = (name, proc.returncode)
    return {"failed": failed, "ran": ran, "out": out}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def workflow_runs(tmp_path_factory):
    workflow = yaml.safe_load(yaml_block("### GitHub Actions"))
    work = tmp_path_factory.mktemp("gha")
    repo = work / "newsroom"
    (repo / "reference").mkdir(parents=True)
    (repo / "articles").mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "desk@example.org")
    git(repo, "config", "user.name", "Desk")
    shutil.copy(SEED / "passages.jsonl", repo / "reference" / "passages.jsonl")
    (repo / "factcheck.toml").write_text(
        '[gate]\nstore = "store.duckdb"\ninclude = ["articles/*.md"]\n', encoding="utf-8"
    )
    (repo / ".gitignore").write_text("store.duckdb\ngate-junit.xml\ngate.json\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "newsroom")
    base = git(repo, "rev-parse", "HEAD")
    contexts = {"vars.FACTCHECK_SPEC": "factcheck", "github.event.pull_request.base.sha": base}

    git(repo, "checkout", "-q", "-b", "publish-abbas")
    shutil.copy(SEED / "article.md", repo / "articles" / "abbas.md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Publish")
    first_summary = work / "summary-1.md"
    first = run_workflow(workflow, repo, contexts, first_summary)
    first["junit"] = (repo / "gate-junit.xml").read_text(encoding="utf-8")

    text = (repo / "articles" / "abbas.md").read_text(encoding="utf-8")
    (repo / "articles" / "abbas.md").write_text(
        text.replace("87 år gamle Abbas", "88 år gamle Abbas"), encoding="utf-8"
    )
    git(repo, "commit", "-q", "-am", "Correct the age")
    second_summary = work / "summary-2.md"
    second = run_workflow(workflow, repo, contexts, second_summary)
    return {
        "workflow": workflow,
        "repo": repo,
        "first": first,
        "second": second,
        "summaries": (first_summary, second_summary),
    }


def test_workflow_fails_the_pull_request_with_annotations_junit_and_summary(workflow_runs):
    first = workflow_runs["first"]
    assert first["failed"] == ("Gate the changed articles", 3)
    assert first["ran"] == ["Build the reference store", "Gate the changed articles"]
    gate_out = first["out"]["Gate the changed articles"].stdout
    assert "::error file=articles/abbas.md,line=32,title=factcheck%3A claim fails the gate::REFUTED" in gate_out
    suites = ET.fromstring(first["junit"])
    assert int(suites.get("failures")) == 1
    failing = [c.get("name") for c in suites.iter("testcase") if c.find("failure") is not None]
    assert failing == ["line 32: 87 år gamle Abbas"]
    assert len(list(suites.iter("testcase"))) >= 15  # one per checked claim
    summary = workflow_runs["summaries"][0].read_text(encoding="utf-8")
    assert "❌ factcheck gate failed" in summary and "`articles/abbas.md:32`" in summary


def test_workflow_passes_the_corrected_pull_request_and_reuses_the_cached_store(workflow_runs):
    second = workflow_runs["second"]
    assert second["failed"] is None, {k: v.stderr for k, v in second["out"].items()}
    assert second["ran"] == ["Gate the changed articles"]  # the store was already there
    assert "✅ factcheck gate passed" in workflow_runs["summaries"][1].read_text(encoding="utf-8")
    # what the upload step keeps exists
    upload = next(s for s in workflow_runs["workflow"]["jobs"]["gate"]["steps"] if s.get("name") == "Keep the reports")
    for path in upload["with"]["path"].split():
        assert (workflow_runs["repo"] / path).is_file()


def test_gitlab_and_pre_commit_examples_are_valid_and_use_real_options():
    """The other two examples are not run here (no GitLab runner, no pre-commit), but each factcheck command in
    them must parse with the CLI's own options, so a renamed option breaks this test."""
    import shlex

    from cli.main import cli

    gitlab = yaml.safe_load(yaml_block("### GitLab CI"))
    (job,) = gitlab.values()
    commands = [line for line in job["script"] if line.startswith("factcheck") or "|| factcheck" in line]
    hook = yaml.safe_load(yaml_block("### pre-commit"))["repos"][0]["hooks"][0]
    assert re.search(hook["files"], "articles/abbas.md") and not re.search(hook["files"], "README.md")
    commands.append(hook["entry"] + " articles/abbas.md")
    assert len(commands) == 3 and job["artifacts"]["reports"]["junit"] == "gate-junit.xml"
    for line in commands:
        args = shlex.split(line.split("|| ")[-1].replace("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"))
        assert args[0] == "factcheck"
        cmd, rest = cli, args[1:]
        while hasattr(cmd, "commands"):  # walk the groups: store ingest, gate, ...
            cmd, rest = cmd.commands[rest[0]], rest[1:]
        name = cmd.name
        cmd.make_context(name, list(rest))  # raises click.UsageError on an unknown option
