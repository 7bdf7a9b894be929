"""The pages in a real headless browser (Debian's chromium): search 林武, his page, the 82nd meeting's evidence,
the picture.

Skips with a message where no chromium can be found (.ci/run installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.parse

import pytest

from .conftest import SEEDS

BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium here: apt-get install chromium (as .ci/run does)")


def chromium(*args, profile):
    cmd = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
           f"--user-data-dir={profile}", "--window-size=1200,900", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope="module")
def site(seed_build, tmp_path_factory):
    from kg.serve import make_server, serve_in_thread, shutdown
    from kg.store import store_for

    store_for(seed_build / "kg.oxigraph")
    server = make_server(seed_build / "kg.oxigraph", port=0, pages_dir=SEEDS, workers=1)
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    shutdown(server)


def test_search_page_evidence_and_picture_in_a_browser(site, tmp_path_factory):
    shots = tmp_path_factory.mktemp("screenshots")
    profile = tmp_path_factory.mktemp("chromium-profile")
    dom = chromium("--dump-dom", f"{site}/search?q=" + urllib.parse.quote("林武"), profile=profile)
    link = re.search(r'href="(/entity\?iri=[^"]+)">林武</a>', dom)
    assert link, dom[-2000:]
    entity = site + link.group(1).replace("&amp;", "&")
    dom = chromium("--dump-dom", entity, profile=profile)
    fact = next(f for f in re.findall(r'<li class="fact">(.*?)</li>', dom, re.DOTALL) if "第八十二次" in f)
    assert "<mark>林武</mark>" in fact and "主持召开" in fact
    picture = site + re.search(r'<a id="picture" href="([^"]+)"', dom).group(1).replace("&amp;", "&")
    dom = chromium("--dump-dom", picture, profile=profile)
    assert "<svg" in dom and dom.count('class="node"') >= 5
    for name, url in (("entity.png", entity), ("picture.png", picture)):
        chromium(f"--screenshot={shots / name}", url, profile=profile)
        assert (shots / name).stat().st_size > 10_000, name  # a drawn page, not a blank one
    print(f"screenshots in {shots}")
