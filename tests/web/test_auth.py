"""Signing in and out, and who reaches which page (SPEC §1, issue 2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.factories import PASSWORD
from webapp.models import Employee

ADMIN_PAGES = (
    "/admin/",
    "/admin/employees",
    "/admin/employees/new",
    "/admin/sites/new",
    "/admin/employees/import",
)


def test_anonymous_user_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_user_is_sent_to_login_from_admin_pages(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_wrong_password_is_refused_and_says_so(
    client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    agent = make_employee(code="W1")
    response = client.post("/auth/login", data={"login": "w1", "password": "nope-nope-1"})
    assert response.status_code == 401
    assert "Login or password is wrong" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert agent.id


def test_login_is_case_insensitive_and_lands_on_dashboard(
    client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    make_employee(code="Ab7", name="王静")
    response = client.post(
        "/auth/login",
        data={"login": "AB7", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Dashboard" in page and "王静" in page


def test_inactive_employee_cannot_sign_in(
    client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    agent = make_employee(code="Gone1")
    agent.active = False
    response = client.post("/auth/login", data={"login": "gone1", "password": PASSWORD})
    assert response.status_code == 401


def test_login_does_not_redirect_to_another_host(
    client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    make_employee(code="Nx1")
    response = client.post(
        "/auth/login", data={"login": "nx1", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("role", ["agent", "lead", "director", "hr"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_non_admin_roles_get_403_on_admin_pages(
    make_employee: Callable[..., Employee],
    sign_in: Callable[[Employee], FlaskClient],
    role: str,
    path: str,
) -> None:
    client = sign_in(make_employee(roles=(role,)))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_reaches_admin_pages(
    make_employee: Callable[..., Employee], sign_in: Callable[[Employee], FlaskClient], path: str
) -> None:
    client = sign_in(make_employee(roles=("admin",)))
    assert client.get(path).status_code == 200


def test_director_may_edit_coverage_but_agent_may_not(
    make_employee: Callable[..., Employee],
    sign_in: Callable[[Employee], FlaskClient],
) -> None:
    director = make_employee(roles=("director",))
    path = f"/admin/sites/{director.site_id}/coverage"
    assert sign_in(director).get(path).status_code == 200
    assert sign_in(make_employee(roles=("agent",))).get(path).status_code == 403


def test_navigation_shows_admin_links_only_to_admins(
    make_employee: Callable[..., Employee],
    sign_in: Callable[[Employee], FlaskClient],
) -> None:
    agent_page = sign_in(make_employee(roles=("agent",))).get("/").get_data(as_text=True)
    assert "/admin/" not in agent_page
    client = sign_in(make_employee(roles=("admin",)))
    assert "/admin/" in client.get("/").get_data(as_text=True)


def test_logout_needs_post_and_signs_out(
    make_employee: Callable[..., Employee],
    sign_in: Callable[[Employee], FlaskClient],
) -> None:
    client = sign_in(make_employee())
    assert client.get("/auth/logout").status_code == 405
    client.post("/auth/logout")
    assert client.get("/").status_code == 302


def test_language_follows_browser_then_user_choice(
    make_employee: Callable[..., Employee],
    sign_in: Callable[[Employee], FlaskClient],
) -> None:
    client = sign_in(make_employee())
    assert "仪表盘" in client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Dashboard" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.post("/auth/locale", data={"locale": "en", "next": "/"})
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Dashboard" in page
