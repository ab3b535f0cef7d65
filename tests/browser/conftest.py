"""A real browser for the staff tools: headless Chromium driven by Selenium against the test
server. Screenshots of every step go to ``BROWSER_ARTIFACTS`` (default ``.artifacts/browser``).

Without Chromium and its driver the tests are skipped, unless ``BROWSER_TESTS=required`` (CI
installs both and sets it), when a missing browser fails them.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Generous: CI machines are busy, and a page under test may be the slow one.
WAIT_SECONDS = 30
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS") or ROOT / ".artifacts" / "browser")


def _find(*names: str) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


@pytest.fixture
def browser(live_server) -> Iterator["Browser"]:
    chromium = _find("chromium", "chromium-browser", "google-chrome")
    driver_path = _find("chromedriver", "chromium-driver")
    if not (chromium and driver_path):
        message = (
            "Chromium and chromium-driver are needed for the browser tests (apt-get install chromium chromium-driver)."
        )
        if os.environ.get("BROWSER_TESTS") == "required":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.implicitly_wait(WAIT_SECONDS)
    try:
        yield Browser(driver, live_server.url)
    finally:
        driver.quit()


class Browser:
    """The driver, the server's address, and numbered screenshots of a test's steps."""

    def __init__(self, driver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url
        self.shots = 0

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def submit(self, element) -> None:
        """Click a button that loads a new page, and wait until the new page is there."""
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.wait import WebDriverWait

        page = self.driver.find_element("tag name", "html")
        element.click()
        WebDriverWait(self.driver, WAIT_SECONDS).until(expected_conditions.staleness_of(page))

    def screenshot(self, request: pytest.FixtureRequest, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{request.node.name}-{self.shots:02d}-{step}.png"
        self.driver.save_screenshot(str(path))
        return path

    def page_width(self) -> int:
        return self.driver.execute_script("return document.documentElement.scrollWidth")

    def viewport_width(self) -> int:
        return self.driver.execute_script("return document.documentElement.clientWidth")
