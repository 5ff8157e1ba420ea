"""Notebook 01's widgets, seen in a real browser: JupyterLab on localhost, driven in headless Chromium.

The kernel-side tests check what the widgets hold; only a browser shows that a learner *sees* them. This
test opens a scratch copy of notebook 01 in JupyterLab, runs every cell (quick mode) and checks that

* the parameter panel renders: one slider or drop-down per ``#@param`` slider/choice of the parameters cell
  (read from the notebook itself, the single declaration), beside a loaded preview image;
* dragging the ``difficulty`` slider with the mouse redraws the preview (its PNG bytes change);
* an ``edl.progress`` bar renders as a widget (ipywidgets' progress element), not as tqdm's text fallback.

Opt-in, because it needs Debian's ``chromium`` and the ``playwright`` package (no browser download: Playwright
drives ``/usr/bin/chromium``) and takes one to two minutes: ``bash .ci/browser_test.sh`` installs both and runs
it (``EDL_BROWSER_TEST=1 pytest tests/browser``). With ``EDL_BROWSER_SCREENSHOTS=DIR`` it also saves the
panel's screenshot there (``docs/widgets-panel.png`` comes from it). The browser may fetch nothing but the
local server: any other request (the Colab badge image, ...) is aborted.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from edl_helpers.widgets import parse_parameters

pytestmark = pytest.mark.skipif(
    not os.environ.get("EDL_BROWSER_TEST"),
    reason="browser test: run it with `bash .ci/browser_test.sh` (or EDL_BROWSER_TEST=1 pytest tests/browser)")

REPOSITORY = Path(__file__).resolve().parents[2]
NOTEBOOK = "01_numpy_mlp.ipynb"
CHROMIUM = os.environ.get("EDL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PROGRESS_CELL = 'for _ in edl.progress(range(3), description="check"):\n    pass\n'
SERVER_START_SECONDS = 90
RUN_SECONDS = 150  # every cell of notebook 01 in quick mode, on a loaded 2-core machine
REDRAW_SECONDS = 60
MS = 1000  # Playwright's timeouts are in milliseconds

# JupyterLab settings for the test: every cell stays in the page (no windowing), no news pop-up.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
}

# The notebook's parameter panel: the output that holds the sliders (its image is the preview).
PANEL = ".jp-OutputArea-output:has(.widget-slider)"

IMAGE_SHA256 = """async image => {
    const bytes = await (await fetch(image.src)).arrayBuffer();
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return Array.from(digest, b => b.toString(16).padStart(2, "0")).join("");
}"""


def scratch_notebooks(folder: Path) -> Path:
    """A copy of ``notebooks/`` in ``folder`` whose notebook 01 has no stored outputs and ends in a progress bar.

    Without stored outputs (and stored widget state) whatever the page shows was drawn by this run.
    """
    shutil.copytree(REPOSITORY / "notebooks", folder / "notebooks")
    path = folder / "notebooks" / NOTEBOOK
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook["metadata"].pop("widgets", None)
    notebook["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                              "source": PROGRESS_CELL})
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return path


def annotated_controls(notebook_path: Path) -> list[str]:
    """The parameters that get a widget: the sliders and drop-downs of the notebook's ``parameters`` cell."""
    notebook = json.loads(notebook_path.read_text())
    cell = next(c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", []))
    declared = parse_parameters("".join(cell["source"]))
    return [name for name, parameter in declared.items() if parameter.kind in ("slider", "dropdown")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_server(url: str, server: subprocess.Popen, log: Path) -> None:
    """Return once ``url`` answers; fail with the server's log if it exits or stays silent."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """JupyterLab serving a scratch copy of the notebooks on a free localhost port (quick mode), stopped after."""
    folder = tmp_path_factory.mktemp("lab")
    notebook = scratch_notebooks(folder)
    for name, settings in LAB_SETTINGS.items():
        (folder / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "settings" / name).write_text(json.dumps(settings))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, EDL_QUICK="1", JUPYTERLAB_SETTINGS_DIR=str(folder / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(folder / "workspaces"), JUPYTER_CONFIG_DIR=str(folder / "config"),
               JUPYTER_DATA_DIR=str(folder / "data"), JUPYTER_RUNTIME_DIR=str(folder / "runtime"))
    command = [sys.executable, "-m", "jupyter", "lab", "--ServerApp.open_browser=False",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
               "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run all cells, find the notebook
               "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:  # CI runs as root
        command.append("--allow-root")
    log = folder / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen(command, env=env, cwd=folder, stdout=output, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # a process group of its own, to kill if it hangs
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_server(f"{base}/api/status?token={token}", server, log)
        yield {"url": f"{base}/lab/tree/notebooks/{NOTEBOOK}?token={token}", "base": base,
               "notebook": notebook, "log": log}
    finally:
        server.terminate()  # on SIGTERM jupyter_server shuts its kernel down, then exits
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()


@pytest.fixture(scope="module")
def page(lab: dict[str, Any]) -> Iterator[Any]:
    """Notebook 01 open in headless Chromium, every cell run to the end without an error."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser test needs playwright: pip install -r tests/browser/requirements.txt")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (or set EDL_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            local = (lab["base"], "data:", "blob:")
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(local)
                       else route.abort())
            page.goto(lab["url"], timeout=SERVER_START_SECONDS * MS)
            page.wait_for_function(
                f"() => window.jupyterapp && [...window.jupyterapp.shell.widgets('main')].some("
                f"w => w.context && w.context.path.endsWith({NOTEBOOK!r}))", timeout=SERVER_START_SECONDS * MS)
            run_all_cells(page)
            yield page
        finally:
            browser.close()


def run_all_cells(page: Any) -> None:
    """Run every cell of the notebook (JupyterLab's Run All) and fail with its error output if one fails."""
    page.evaluate(f"""async () => {{
        const app = window.jupyterapp;
        const panel = [...app.shell.widgets('main')].find(w => w.context && w.context.path.endsWith({NOTEBOOK!r}));
        await panel.context.sessionContext.ready;
        app.shell.activateById(panel.id);
        window.edlRun = "running";
        app.commands.execute('notebook:run-all-cells').then(ok => {{ window.edlRun = ok ? "ok" : "failed"; }},
                                                             error => {{ window.edlRun = String(error); }});
    }}""")
    page.wait_for_function("() => window.edlRun !== 'running'", timeout=RUN_SECONDS * MS)
    outcome = page.evaluate("() => window.edlRun")
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    assert outcome == "ok", f"running notebook 01 in JupyterLab: {outcome}\n" + "\n".join(errors)[-3000:]


def image_digest(page: Any) -> str:
    """SHA-256 of the bytes the panel's preview image shows, once the browser has decoded it."""
    image = page.locator(PANEL).locator("img").first
    image.wait_for(state="visible", timeout=REDRAW_SECONDS * MS)
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=image.element_handle(),
                           timeout=REDRAW_SECONDS * MS)
    return image.evaluate(IMAGE_SHA256)


def around(*boxes: dict[str, float], margin: float = 8) -> dict[str, float]:
    """The smallest rectangle holding ``boxes`` (Playwright bounding boxes), plus ``margin`` on each side."""
    left, top = min(b["x"] for b in boxes) - margin, min(b["y"] for b in boxes) - margin
    right = max(b["x"] + b["width"] for b in boxes) + margin
    bottom = max(b["y"] + b["height"] for b in boxes) + margin
    return {"x": max(left, 0), "y": max(top, 0), "width": right - max(left, 0), "height": bottom - max(top, 0)}


def control(page: Any, name: str) -> Any:
    """The panel's slider or drop-down labelled ``name``."""
    return page.locator(PANEL).locator(".widget-slider, .widget-dropdown").filter(
        has=page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(name)}$")))


def test_parameter_panel_renders_a_control_per_parameter_and_a_preview(page: Any, lab: dict[str, Any]) -> None:
    panel = page.locator(PANEL)
    panel.wait_for(state="visible", timeout=REDRAW_SECONDS * MS)
    assert panel.count() == 1, f"expected one parameter panel, found {panel.count()}"
    labels = panel.locator(".widget-slider label.widget-label, .widget-dropdown label.widget-label")
    expected = annotated_controls(lab["notebook"])
    assert labels.all_inner_texts() == expected, "one control per #@param slider/drop-down, in declaration order"
    for name in expected:
        box = control(page, name).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 10, f"control {name} is not drawn: {box}"
    assert image_digest(page), "the preview image has no bytes"
    image_box = panel.locator("img").first.bounding_box()
    assert image_box and image_box["width"] > 100 and image_box["height"] > 100, f"preview not drawn: {image_box}"
    screenshots = os.environ.get("EDL_BROWSER_SCREENSHOTS")
    if screenshots:
        Path(screenshots).mkdir(parents=True, exist_ok=True)
        panel.scroll_into_view_if_needed()
        clip = around(panel.locator(".widget-vbox").first.bounding_box(), panel.locator("img").first.bounding_box())
        top = panel.bounding_box()["y"]  # not the code cell's border above the output
        clip["height"], clip["y"] = clip["height"] - max(top - clip["y"], 0), max(clip["y"], top)
        page.screenshot(path=str(Path(screenshots) / "widgets-panel.png"), clip=clip)


def test_dragging_difficulty_redraws_the_preview(page: Any) -> None:
    difficulty = control(page, "difficulty")
    handle, track = difficulty.locator(".noUi-handle"), difficulty.locator(".noUi-base")
    before_value = handle.get_attribute("aria-valuenow")
    before_image = image_digest(page)

    handle.scroll_into_view_if_needed()
    start, bar = handle.bounding_box(), track.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(bar["x"] + bar["width"] * 0.75, bar["y"] + bar["height"] / 2, steps=10)
    page.mouse.up()

    page.wait_for_function("([handle, before]) => handle.getAttribute('aria-valuenow') !== before",
                           arg=[handle.element_handle(), before_value], timeout=REDRAW_SECONDS * MS)
    after_value = handle.get_attribute("aria-valuenow")
    deadline = time.monotonic() + REDRAW_SECONDS
    while (after_image := image_digest(page)) == before_image and time.monotonic() < deadline:
        time.sleep(0.5)
    assert after_image != before_image, (f"difficulty moved {before_value} -> {after_value}, but the preview "
                                         f"image stayed the same for {REDRAW_SECONDS} s")


def test_progress_bar_renders_as_a_widget(page: Any) -> None:
    cell = page.locator(".jp-CodeCell").filter(has_text="edl.progress(range(3)").last
    bar = cell.locator(".jp-OutputArea-output .widget-hbox .widget-hprogress .progress-bar")
    bar.wait_for(state="visible", timeout=REDRAW_SECONDS * MS)
    box = cell.locator(".widget-hprogress").bounding_box()
    assert box and box["width"] > 100, f"the progress bar is not drawn: {box}"
    assert "check" in cell.locator(".jp-OutputArea-output .widget-html").first.inner_text()
    assert "progress-bar-success" in bar.get_attribute("class"), "a finished loop leaves a completed (green) bar"
    text = cell.locator(".jp-OutputArea-output .jp-RenderedText").all_inner_texts()
    assert not any("check" in t for t in text), f"tqdm fell back to text: {text}"
