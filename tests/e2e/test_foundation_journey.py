"""A new user signs in to the demo in a real browser (issue 2)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_nav, sign_in_as


def test_demo_director_signs_in_and_sees_the_dashboard(page: Page) -> None:
    sign_in_as(page, "dr01")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator(".tile").first).to_contain_text("21")
    expect(page.locator("nav summary", has_text="Administration")).to_have_count(0)


def test_demo_admin_sees_administration_and_agent_does_not(page: Page) -> None:
    sign_in_as(page, "ad01")
    open_nav(page, "Administration", "Sites and settings")
    expect(page.get_by_role("cell", name="示范呼叫中心")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    sign_in_as(page, "a01")
    response = page.goto("/admin/")
    assert response is not None and response.status == 403


def test_language_switch_turns_the_page_chinese(page: Page) -> None:
    sign_in_as(page, "l03")  # the choice is saved on the account: no other journey uses l03
    page.get_by_label("Language").select_option("zh_CN")
    expect(page.get_by_role("heading", name="仪表盘")).to_be_visible()
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
