"""The administrator's 名录库 pages: import (dry run, rejected rows), search, correction with its log."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from models import DirectoryChange, Polluter
from tests.conftest import csrf_token
from tests.support import directory_book as books


def _post_file(client, data: bytes, dry_run: bool = False, name: str = "名录.xlsx"):
    token = csrf_token(client.get("/admin/directory/import").get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "1"
    return client.post("/admin/directory/import", data=form, content_type="multipart/form-data")


def _polluters(db) -> int:
    count = db.scalar(select(func.count()).select_from(Polluter))
    db.rollback()  # no read transaction left open while the app writes (SQLite locks the file)
    return count


@pytest.fixture
def admin(demo_world, login):
    return login("admin1")


def test_the_administrator_imports_the_example_on_the_page(admin, db):
    before = _polluters(db)
    page = _post_file(admin, books.example())
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "导入完成" in html and "排污单位：新增 5，变更 0，未变 0" in html
    assert _polluters(db) == before + 5


def test_a_dry_run_on_the_page_writes_nothing(admin, db):
    before = _polluters(db)
    html = _post_file(admin, books.example(), dry_run=True).get_data(as_text=True)
    assert "试导入" in html and "自行监测方案：新增 30" in html
    assert _polluters(db) == before


def test_a_bad_row_is_reported_with_sheet_row_and_reason_and_nothing_is_imported(admin, db):
    before = _polluters(db)
    page = _post_file(admin, books.example_with_a_bad_row())
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "未导入任何内容" in html
    assert "<td>排污单位</td><td>7</td><td>统一社会信用代码校验位错误" in html
    assert _polluters(db) == before


def test_a_file_that_is_not_an_excel_workbook_is_refused_by_the_upload_policy(admin):
    page = _post_file(admin, b"%PDF-1.4 not a workbook", name="名录.xlsx")
    assert page.status_code == 400 and "名录库文件须为 Excel 文件" in page.get_data(as_text=True)


def test_the_directory_is_the_administrators_alone(demo_world, login):
    client = login("regulator1")
    assert client.get("/admin/directory/").status_code == 404
    assert client.get("/admin/directory/import").status_code == 404


def test_an_import_without_the_form_token_is_refused(admin, db):
    before = _polluters(db)
    page = admin.post("/admin/directory/import", data={"file": (io.BytesIO(books.example()), "a.xlsx")},
                      content_type="multipart/form-data")
    assert page.status_code == 400 and _polluters(db) == before


def test_search_by_name_credit_code_and_district(admin):
    _post_file(admin, books.example())
    by_name = admin.get("/admin/directory/?q=金港").get_data(as_text=True)
    assert "上海金港印染有限公司" in by_name and "上海金申化工有限公司" not in by_name
    code = books.EXAMPLE_POLLUTERS[3][0]
    assert "上海奉浦电镀有限公司" in admin.get(f"/admin/directory/?q={code.lower()}").get_data(as_text=True)
    fengxian = admin.get("/admin/directory/?district=奉贤区").get_data(as_text=True)
    assert "上海海湾热电有限公司" in fengxian and "上海枫泾食品有限公司" not in fengxian


def _entry(db) -> Polluter:
    db.expire_all()  # read what the app wrote since
    polluter = db.scalar(select(Polluter).where(Polluter.credit_code == books.EXAMPLE_POLLUTERS[1][0]))
    db.commit()  # ends the read; the loaded row keeps its values (runtime sessions do not expire on commit)
    return polluter


def _form(polluter: Polluter, **changed) -> dict:
    form = {"name": polluter.name, "district": polluter.district, "address": polluter.address,
            "industry": polluter.industry, "latitude": f"{polluter.latitude:.7f}",
            "longitude": f"{polluter.longitude:.7f}", "datum": "GCJ-02", "fence_radius_m": str(polluter.fence_radius_m)}
    return {**form, **changed}


def test_a_correction_is_saved_and_logged_with_who_and_when(admin, db):
    _post_file(admin, books.example())
    polluter = _entry(db)
    url = f"/admin/directory/{polluter.id}"
    page = admin.get(url)
    assert "化学需氧量" in page.get_data(as_text=True) and "1次/季度" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    saved = admin.post(url, data={**_form(polluter, name="上海金港印染集团有限公司", fence_radius_m="450"),
                                  "csrf_token": token})
    assert saved.status_code == 302
    html = admin.get(url).get_data(as_text=True)
    assert "已保存 2 处更正" in html and "手工更正" in html
    assert "单位名称：上海金港印染有限公司 → 上海金港印染集团有限公司" in html
    renamed = _entry(db)
    assert (renamed.name, renamed.fence_radius_m) == ("上海金港印染集团有限公司", 450)
    [log] = db.scalars(select(DirectoryChange).where(DirectoryChange.polluter_id == polluter.id)).all()
    assert log.source == "correction" and log.actor.username == "admin1"


def test_a_correction_with_coordinates_out_of_range_changes_nothing(admin, db):
    _post_file(admin, books.example())
    polluter = _entry(db)
    url = f"/admin/directory/{polluter.id}"
    token = csrf_token(admin.get(url).get_data(as_text=True))
    page = admin.post(url, data={**_form(polluter, longitude="12.5", name="改名"), "csrf_token": token})
    assert page.status_code == 400 and "坐标超出范围" in page.get_data(as_text=True)
    assert _entry(db).name == "上海金港印染有限公司"
    assert db.scalar(select(func.count()).select_from(DirectoryChange)) == 0
