"""Every page's year field refuses a year out of its range with the reason (400, in
Vietnamese), never replacing it by this year: the eligibility page (1950–2100), the working
calendar (1995–2100), the nominations' eligibility check, the lists' year filters."""
from __future__ import annotations

import html

import pytest


def _says(response, *parts: str) -> bool:
    text = html.unescape(response.get_data(as_text=True))
    return all(part in text for part in parts)


@pytest.mark.parametrize("year", ["1949", "1900", "2101", "abc"])
def test_the_eligibility_page_refuses_a_year_out_of_range(world, login, year):
    client = login("tochuc")
    response = client.get(f"/people/{world.person1.id}/eligibility?year={year}")
    assert response.status_code == 400
    assert _says(response, f"“{year}” không phải là một năm từ 1950 đến 2100",
                 "để trống để xem năm nay")
    assert client.get(f"/people/{world.person1.id}/eligibility?year=1950").status_code == 200
    assert client.get(f"/people/{world.person1.id}/eligibility?year=").status_code == 200


@pytest.mark.parametrize("year", ["1994", "2101", "x"])
def test_the_calendar_refuses_a_year_out_of_range(world, login, year):
    admin = login("admin")
    response = admin.get(f"/admin/calendar/?year={year}")
    assert response.status_code == 400
    assert _says(response, f"“{year}” không phải là một năm từ 1995 đến 2100")
    assert admin.get("/admin/calendar/?year=1995").status_code == 200
    assert admin.get("/admin/calendar/").status_code == 200


def test_the_eligibility_check_names_the_years_it_takes(world, login):
    response = login("tochuc").post("/nominations/eligibility-check", data={"year": "1949"})
    assert response.status_code == 400
    assert _says(response, "1949 không phải là một năm từ 1950 đến 2100")


def test_a_lists_year_filter_names_its_range(world, login):
    response = login("tochuc").get("/honours/?year=1899")
    assert response.status_code == 400
    assert _says(response, "“1899” không phải là một năm từ 1900 đến 2200",
                 "để trống để xem mọi năm")
