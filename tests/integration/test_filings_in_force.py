from datetime import timedelta

from sqlalchemy import select

from models import Agency, Equipment, Staff, clock
from services.filing import filings


def test_only_filed_people_with_valid_certificates_can_be_scheduled(demo_world, runtime):
    with runtime.sessions() as s:
        agency = s.scalars(select(Agency).where(Agency.code == "LC")).one()
        today = clock.today()
        names = [p.name for p in filings.schedulable_staff(s, agency.id, today)]
        assert names == ["张伟", "李娜"]
        lina = s.scalars(select(Staff).where(Staff.name == "李娜")).one()
        lina.certificate_valid_until = today - timedelta(days=1)
        s.add(Staff(agency=agency, name="新人", id_number="1", certificate_valid_until=today))  # not filed yet
        s.flush()
        assert [p.name for p in filings.schedulable_staff(s, agency.id, today)] == ["张伟"]


def test_equipment_out_of_calibration_cannot_be_scheduled(demo_world, runtime):
    with runtime.sessions() as s:
        agency = s.scalars(select(Agency).where(Agency.code == "LC")).one()
        far = clock.today().replace(year=clock.today().year + 3)
        assert filings.schedulable_equipment(s, agency.id, far) == []
        assert len(filings.schedulable_equipment(s, agency.id, clock.today())) == 2
        assert filings.may_run_tasks(s, agency.id)
        pending = s.scalars(select(Agency).where(Agency.code == "QY")).one()
        assert not filings.may_run_tasks(s, pending.id)
        assert filings.schedulable_staff(s, pending.id, clock.today()) == []
        assert s.scalars(select(Equipment)).first() is not None
