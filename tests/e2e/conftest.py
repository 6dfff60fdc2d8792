"""Browser tests: the demo site served on 127.0.0.1 and driven by Debian's Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import fresh_database_url
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.services import demo

# The live server is werkzeug's development server in a thread. When Chromium drops a
# connection for a cached static asset (304s for the favicon, CSS, JS), the server thread can
# leave that file to the garbage collector, whose ResourceWarning then lands in whichever
# test runs at that moment and, warnings being errors, fails it at random. Only those files,
# only here: a leak from our own code still fails every other test.
STATIC_FILE_LEAK = (
    "ignore:Exception ignored in. <_io.FileIO name='[^']*/webapp/static/"
    ":pytest.PytestUnraisableExceptionWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser journeys with the live server's static-file filter."""
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.filterwarnings(STATIC_FILE_LEAK))


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app with the demo site on a migrated database, CSRF on as in production."""
    tmp_dir = tmp_path_factory.mktemp("e2e")
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=fresh_database_url(tmp_dir, "e2e"),
        WTF_CSRF_ENABLED=True,
        UPLOAD_DIR=tmp_dir / "uploads",
        REROSTER_TIME_LIMIT=8.0,
    )
    with app.app_context():
        upgrade()
        demo.load_demo(db.session)
        db.session.commit()
        engine = db.engine
    yield app
    engine.dispose()  # close pooled connections before the test run ends


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve the app in a thread on a free port of 127.0.0.1; yields the base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium; never a downloaded browser."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh browser context (no cookies) in English, with the server as base URL."""
    context = browser.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    yield new_page
    context.close()


def sign_in_as(page: Page, login: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Fill the login form as a person would."""
    page.goto("/auth/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def open_nav(page: Page, group: str, link: str) -> None:
    """Open a navigation menu (Roster, Attendance, Leave, Pay, Administration) and follow a link."""
    page.locator("nav summary", has_text=group).click()
    page.locator("nav .menu").get_by_role("link", name=link, exact=True).click()
