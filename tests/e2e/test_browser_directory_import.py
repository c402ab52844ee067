"""In a real browser: the administrator imports a directory file with a bad row and reads the report."""
from sqlalchemy import func, select

from models import Polluter
from tests.support import directory_book as books
from tests.support.browser import sign_in


def test_the_administrator_imports_a_directory_with_a_bad_row_and_sees_it_reported(demo_world, live, desk, db,
                                                                                    tmp_path):
    before = db.scalar(select(func.count()).select_from(Polluter))
    db.rollback()
    upload = tmp_path / "名录库.xlsx"
    upload.write_bytes(books.example_with_a_bad_row())
    sign_in(desk, live, "admin1")
    desk.click("text=名录库")
    desk.click("text=导入名录库文件（.xlsx）")
    desk.set_input_files("input[name=file]", str(upload))
    desk.click("button:has-text('导入')")
    desk.wait_for_selector("#rejections")
    report = desk.inner_text("#report")
    assert "有 1 行被拒绝，未导入任何内容" in report
    assert "排污单位\t7\t统一社会信用代码校验位错误" in desk.inner_text("#rejections")
    assert db.scalar(select(func.count()).select_from(Polluter)) == before
