"""A lead records an incident, the agent appeals, HR decides finally and exports the month."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_nav, sign_in_as


def test_incident_appeal_escalation_hr_decision_and_export_D7_D_appeal_P1(page: Page) -> None:
    # A past month of its own: the journeys share the live server's database, and the
    # roster journey publishes November 2026 (a locked November would turn its results into
    # adjustments), the attendance and leave journeys the real date.
    day = date(2026, 10, 21)
    month = f"{day:%Y-%m}"

    sign_in_as(page, "l01")
    open_nav(page, "Pay", "Incidents")
    page.get_by_label("Employee").select_option(label=page.locator(
        "#employee_id option", has_text="A01").inner_text())  # fmt: skip
    page.get_by_label("Rule").select_option("D-5")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Amount (yuan)").fill("250")
    page.get_by_label("Note").fill("customer complaint about tone")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("alert")).to_contain_text("between 100.00 and 200.00")
    page.get_by_label("Amount (yuan)").fill("150")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Incident recorded.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, "a01")
    open_nav(page, "Pay", "My deductions")
    row = page.get_by_role("row", name="complaint about tone")
    expect(row).to_contain_text("-150.00")
    row.get_by_role("link", name="Appeal").click()
    page.get_by_label("Reason").fill("the caller apologised for a misunderstanding")
    page.get_by_role("button", name="File appeal").click()
    expect(page.get_by_role("row", name="complaint about tone")).to_contain_text("filed")
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, "l01")
    open_nav(page, "Pay", "Appeals")
    page.get_by_role("row", name="misunderstanding").get_by_role("link", name="Decide").click()
    page.get_by_label("Reject").check()
    page.get_by_label("Note").fill("the recording shows the tone")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, "a01")
    open_nav(page, "Pay", "My deductions")
    page.get_by_role("row", name="complaint about tone").get_by_role(
        "link", name="Take to HR").click()  # fmt: skip
    page.get_by_label("Reason").fill("please listen to the whole recording")
    page.get_by_role("button", name="Take to HR").click()
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, "hr01")
    open_nav(page, "Pay", "Appeals")
    page.get_by_role("row", name="whole recording").get_by_role("link", name="Decide").click()
    page.get_by_label("Uphold: reverse the line").check()
    page.get_by_label("Note").fill("the caller was rude first")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    open_nav(page, "Pay", "Payroll")
    page.get_by_role("link", name=month).click()
    expect(page.get_by_role("row", name="reversal after appeal")).to_contain_text("150.00")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode())
    a01 = next(line for line in data.decode("utf-8-sig").splitlines() if line.startswith("A01,"))
    assert a01.endswith(",0.00,0.00")  # fine reversed: total deduction and net change zero
    page.goto(f"/payroll/periods/{month}")
    expect(page.locator(".badge.locked").first).to_be_visible()
