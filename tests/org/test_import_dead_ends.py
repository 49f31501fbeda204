"""The import preview never loses what it showed (issue 16, tester findings): a header row that
is not a row number is answered in the preview, a file whose rows all have errors offers no
import button and says why, row errors start with a capital, a finished import says so once."""
from tests.org.test_import import (
    GOOD_UNITS,
    UNIT_HEADERS,
    counts,
    preview,
    token_of,
    upload,
    xlsx,
)


def test_a_header_row_that_is_not_a_row_number_keeps_the_preview(world, login, in_app):
    client = login("admin")
    shown = preview(client, "/units/import", xlsx(UNIT_HEADERS, GOOD_UNITS), "u.xlsx")
    token = token_of(shown)
    before = counts(in_app)
    for value in ("0", "abc", "-4"):
        for action in ("preview", "confirm"):
            response = client.post("/units/import", data={
                "token": token, "action": action, "header_row": value, "shown_row": "1",
                "col_0": "code", "col_1": "name", "col_2": "parent_code"})
            page = response.get_data(as_text=True)
            assert response.status_code == 400, (value, action)
            assert "Dòng tiêu đề phải là số thứ tự của một dòng trong trang tính" in page
            assert 'id="import-report"' in page and token_of(response) == token
            assert 'id="preview-rows"' in page and "Công đoàn Công ty Mười" in page
    assert counts(in_app) == before
    # the preview still imports once the row is right
    done = client.post("/units/import", data={"token": token, "action": "confirm",
                                              "header_row": "1", "shown_row": "1"})
    assert "Đã nhập xong: tạo mới 3" in done.get_data(as_text=True)


def test_a_file_whose_rows_all_have_errors_offers_no_import_and_says_why(world, login):
    rows = [["CS-21", "", "CD-A", "", ""], ["CS-22", "Cha lạ", "NOPE", "", ""]]
    response = preview(login("admin"), "/units/import", xlsx(UNIT_HEADERS, rows), "u.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="confirm"' not in page
    assert "Không thể nhập khi còn dòng có lỗi" in page
    problems = [cell for cell in page.split("<th>Lỗi</th>")[1].split("</table>")[0]
                .split("<td>")[1:] if not cell[0].isdigit()]
    assert len(problems) == 2
    assert all(p[0].isupper() for p in problems), problems


def test_a_finished_import_says_so_once(world, login):
    page = upload(login("admin"), "/units/import", xlsx(UNIT_HEADERS, GOOD_UNITS),
                  "u.xlsx").get_data(as_text=True)
    assert page.count("Đã nhập xong") == 1
